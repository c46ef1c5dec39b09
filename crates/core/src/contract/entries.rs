//! The closed vocabulary of a path list (`- agent-1: a, b (additions only)`):
//! every piece of the list is read as a path with its qualifiers, an
//! exclusion, or prose without a path in it; anything else is refused with
//! a code. Nothing is dropped: a parenthetical, a joining word or a `!` is
//! either understood or the piece is refused.
//!
//! The vocabulary (the README's "Forms the gate reads"):
//! - pieces are separated by `,` and `;` outside backticks and groups, and
//!   by ` and `, ` or `, ` & ` when every part is a path;
//! - a path is bare, in backticks, or in `_…_`, `*…*`, `**…**` emphasis;
//!   one backtick span may hold several comma-separated paths;
//! - after a path, any number of `(…)` qualifiers: `additions only`,
//!   `additions-only`, `append only`, `append-only`; `read-only`,
//!   `read only`; `except P[, Q]` (also `excluding P`, `but not P`);
//! - `!P` excludes `P` from the agent's other patterns in the section;
//! - prose (`content frontmatter validation`) names no path: kept as a note.

use std::ops::Range;

use super::items::{looks_like_path, mentions_path, split_list, split_note, unquote};
use super::Code;

/// One piece of a path list, with its byte range in the list text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Entry {
    /// A path pattern and what its qualifiers say.
    Path {
        text: String,
        range: Range<usize>,
        additions_only: bool,
        read_only: bool,
        except: Vec<String>,
    },
    /// `!P`: excluded from the agent's other patterns in this section.
    Exclude { text: String, range: Range<usize> },
    /// Prose that names no path: kept as a note, never enforced.
    Prose { text: String, range: Range<usize> },
    /// Not in the vocabulary: an error with this code and message.
    Refused {
        range: Range<usize>,
        code: Code,
        why: String,
    },
}

impl Entry {
    /// Where the piece is in the list text.
    pub(super) fn range(&self) -> &Range<usize> {
        match self {
            Entry::Path { range, .. }
            | Entry::Exclude { range, .. }
            | Entry::Prose { range, .. }
            | Entry::Refused { range, .. } => range,
        }
    }
}

/// Why a piece of a path list is refused; each refusal has its code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum EntryError {
    #[error("`{list}`: its parentheses, brackets or backticks do not pair up, so where one item ends is unknown")]
    Unbalanced { list: String },
    #[error("`{piece}`: an exclusion takes no qualifier")]
    QualifiedExclusion { piece: String },
    #[error("`{piece}` mixes a path with other words: write the path alone (in backticks if it has spaces), and prose on a line of its own")]
    Mixed { piece: String },
    #[error(transparent)]
    Qualifier(#[from] QualifierError),
}

impl EntryError {
    /// The diagnostic code the refusal is reported with.
    fn code(&self) -> Code {
        match self {
            EntryError::Unbalanced { .. } => Code::UnreadableLine,
            EntryError::QualifiedExclusion { .. } | EntryError::Qualifier(_) => {
                Code::UnknownQualifier
            }
            EntryError::Mixed { .. } => Code::MixedItem,
        }
    }
}

/// Why a `(…)` qualifier is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum QualifierError {
    #[error("`({note})` is not a qualifier the gate reads: write `(additions only)`, `(append only)`, `(read-only)` or `(except PATH)`, or move the note to its own line")]
    Unknown { note: String },
    #[error("`({note})`: `{word}` is not a path; `except` takes paths only")]
    NotAPath { note: String, word: String },
    #[error("`({note})` names nothing to except")]
    NothingExcepted { note: String },
}

/// What the qualifier vocabulary says.
#[derive(Default)]
struct Qualifiers {
    additions_only: bool,
    read_only: bool,
    except: Vec<String>,
}

/// Words that join two paths into a list of both.
const JOINS: &[&str] = &[" and ", " or ", " & ", " and/or "];

/// Reads every piece of a path list.
pub(super) fn entries(list: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    // An unclosed `(` would swallow the commas after it: which pieces were
    // meant is unknown, so the list is refused.
    if !balanced(list) {
        out.push(refused(
            0..list.len(),
            EntryError::Unbalanced {
                list: list.to_string(),
            },
        ));
        return out;
    }
    for piece in split_list(list) {
        read_piece(piece.text, piece.range.start, &mut out);
    }
    out
}

fn read_piece(text: &str, at: usize, out: &mut Vec<Entry>) {
    let whole = at..at + text.len();
    // `a and b (additions only)`: each joined part is a piece of its own,
    // its qualifiers bound to the path right before them, as after a comma.
    let parts = split_joins(text);
    if parts.len() > 1 {
        let paths: Vec<bool> = parts
            .iter()
            .map(|p| looks_like_path(strip_emphasis(peel(p).0)))
            .collect();
        if paths.iter().all(|p| *p) {
            for p in parts {
                read_one(p, at + offset(text, p), out);
            }
        } else if paths.iter().any(|p| *p) || mentions_path(text) {
            out.push(mixed(text, whole));
        } else {
            out.push(Entry::Prose {
                text: text.to_string(),
                range: whole,
            });
        }
        return;
    }
    read_one(text, at, out);
}

/// A piece without its trailing `(…)` groups, and those groups in order.
fn peel(text: &str) -> (&str, Vec<&str>) {
    let mut head = text;
    let mut notes = Vec::new();
    while let (h, Some(n)) = split_note(head) {
        notes.push(n);
        head = h;
    }
    notes.reverse();
    (head, notes)
}

/// One piece naming (at most) one path.
fn read_one(text: &str, at: usize, out: &mut Vec<Entry>) {
    let whole = at..at + text.len();
    let (head, notes) = peel(text);
    let bare = strip_emphasis(head);
    if let Some(ex) = bare.strip_prefix('!').or_else(|| {
        unquote(bare)
            .strip_prefix('!')
            .filter(|_| bare.starts_with('`'))
    }) {
        if !notes.is_empty() {
            return out.push(refused(
                whole,
                EntryError::QualifiedExclusion {
                    piece: text.to_string(),
                },
            ));
        }
        let ex = unquote(ex.trim_start_matches('`'));
        if !looks_like_path(ex) {
            return out.push(mixed(text, whole));
        }
        return out.push(Entry::Exclude {
            text: ex.to_string(),
            range: whole,
        });
    }
    if !looks_like_path(bare) {
        if mentions_path(text) {
            return out.push(mixed(text, whole));
        }
        return out.push(Entry::Prose {
            text: text.to_string(),
            range: whole,
        });
    }
    let mut q = Qualifiers::default();
    for n in notes {
        if let Err(why) = qualifier(n, &mut q) {
            return out.push(refused(whole, why.into()));
        }
    }
    // One backtick span holding several paths: `` `a/**, b.ts` ``.
    let inner = unquote(bare);
    let spans = if bare.starts_with('`') {
        split_list(inner)
    } else {
        Vec::new()
    };
    if spans.len() > 1 {
        if !spans.iter().all(|p| looks_like_path(p.text)) {
            return out.push(mixed(text, whole));
        }
        let base = at + offset(text, inner);
        for p in spans {
            let r = base + p.range.start..base + p.range.end;
            path_entry(p.text, r, q.clone_flags(), out);
        }
        return;
    }
    let off = at + offset(text, head);
    path_entry(bare, off..off + head.len(), q, out);
}

impl Qualifiers {
    fn clone_flags(&self) -> Qualifiers {
        Qualifiers {
            additions_only: self.additions_only,
            read_only: self.read_only,
            except: self.except.clone(),
        }
    }
}

fn path_entry(text: &str, range: Range<usize>, q: Qualifiers, out: &mut Vec<Entry>) {
    out.push(Entry::Path {
        text: unquote(strip_emphasis(text)).to_string(),
        range,
        additions_only: q.additions_only,
        read_only: q.read_only,
        except: q.except,
    });
}

/// One `(…)` qualifier into `q`, or why it is refused.
fn qualifier(note: &str, q: &mut Qualifiers) -> Result<(), QualifierError> {
    let n = super::blocks::collapse_ws(&note.to_lowercase());
    match n.as_str() {
        "additions only" | "additions-only" | "append only" | "append-only" => {
            q.additions_only = true;
            return Ok(());
        }
        "read-only" | "read only" | "readonly" => {
            q.read_only = true;
            return Ok(());
        }
        _ => {}
    }
    let rest = ["except ", "excluding ", "but not "]
        .iter()
        .find_map(|k| n.starts_with(k).then(|| note.trim()[k.len()..].trim()));
    let Some(rest) = rest else {
        return Err(QualifierError::Unknown {
            note: note.to_string(),
        });
    };
    let mut any = false;
    for piece in split_list(rest) {
        for p in split_joins(piece.text) {
            let p = unquote(strip_emphasis(p));
            if !looks_like_path(p) {
                return Err(QualifierError::NotAPath {
                    note: note.to_string(),
                    word: p.to_string(),
                });
            }
            q.except.push(p.to_string());
            any = true;
        }
    }
    if !any {
        return Err(QualifierError::NothingExcepted {
            note: note.to_string(),
        });
    }
    Ok(())
}

/// Splits on the joining words outside backticks; a leading `and ` or
/// `or ` (`a, and b`) is dropped.
fn split_joins(raw: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_code = false;
    let mut depth = 0i32;
    let b = raw.as_bytes();
    let mut i = 0;
    'walk: while i < b.len() {
        match b[i] {
            b'`' => in_code = !in_code,
            b'(' | b'[' | b'{' if !in_code => depth += 1,
            b')' | b']' | b'}' if !in_code => depth -= 1,
            _ => {}
        }
        if !in_code && depth <= 0 {
            for j in JOINS {
                if b[i..].starts_with(j.as_bytes()) {
                    out.push(raw[start..i].trim());
                    start = i + j.len();
                    i = start;
                    continue 'walk;
                }
            }
        }
        i += 1;
    }
    out.push(raw[start..].trim());
    out.retain(|p| !p.is_empty());
    for p in &mut out {
        for lead in ["and ", "or "] {
            if let Some(r) = p.strip_prefix(lead) {
                *p = r.trim_start();
            }
        }
    }
    out
}

/// A path in markdown emphasis (`_a.ts_`, `*a.ts*`, `**a.ts**`) without it:
/// rendered, the reader sees the path. `*` delimiters are emphasis only
/// when the inside has no `*` itself (`*.lock` is a glob).
pub(super) fn strip_emphasis(t: &str) -> &str {
    let t = t.trim();
    for d in ["**", "__", "*", "_"] {
        if t.len() > 2 * d.len() && t.starts_with(d) && t.ends_with(d) {
            let inner = &t[d.len()..t.len() - d.len()];
            let clean_edges =
                !inner.starts_with(['*', '_', ' ']) && !inner.ends_with(['*', '_', ' ']);
            if clean_edges && !inner.contains('*') && looks_like_path(inner) {
                return inner;
            }
        }
    }
    t
}

/// Whether `(`/`)`, `[`/`]` and `{`/`}` outside backticks pair up, and
/// backticks do.
fn balanced(t: &str) -> bool {
    let mut stack = Vec::new();
    let mut code = false;
    for c in t.chars() {
        match c {
            '`' => code = !code,
            '(' | '[' | '{' if !code => stack.push(c),
            ')' | ']' | '}' if !code => {
                let want = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                if stack.pop() != Some(want) {
                    return false;
                }
            }
            _ => {}
        }
    }
    stack.is_empty() && !code
}

/// Where `inner` (a slice of `outer`) starts in it.
fn offset(outer: &str, inner: &str) -> usize {
    super::reader::offset_in(outer, inner).unwrap_or(0)
}

/// A refused piece: its diagnostic's code and message come from `why`.
fn refused(range: Range<usize>, why: EntryError) -> Entry {
    Entry::Refused {
        range,
        code: why.code(),
        why: why.to_string(),
    }
}

fn mixed(text: &str, range: Range<usize>) -> Entry {
    refused(
        range,
        EntryError::Mixed {
            piece: text.to_string(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(list: &str) -> Vec<String> {
        entries(list)
            .into_iter()
            .map(|e| match e {
                Entry::Path {
                    text,
                    additions_only,
                    read_only,
                    except,
                    ..
                } => format!(
                    "path {text}{}{}{}",
                    if additions_only { " +add" } else { "" },
                    if read_only { " +ro" } else { "" },
                    if except.is_empty() {
                        String::new()
                    } else {
                        format!(" -{}", except.join(" -"))
                    }
                ),
                Entry::Exclude { text, .. } => format!("not {text}"),
                Entry::Prose { text, .. } => format!("prose {text}"),
                Entry::Refused { code, .. } => format!("refused {}", code.id()),
            })
            .collect()
    }

    #[test]
    fn the_vocabulary_reads_exactly() {
        assert_eq!(
            kinds("src/db/migrations/**, docs/api.md (read-only)"),
            ["path src/db/migrations/**", "path docs/api.md +ro"]
        );
        assert_eq!(
            kinds("src/db/migrations/** (except src/db/migrations/legacy/**)"),
            ["path src/db/migrations/** -src/db/migrations/legacy/**"]
        );
        assert_eq!(kinds("a.ts (append-only)"), ["path a.ts +add"]);
        assert_eq!(
            kinds("src/db/**, !src/db/legacy/**"),
            ["path src/db/**", "not src/db/legacy/**"]
        );
        assert_eq!(kinds("_src/api/secret.ts_"), ["path src/api/secret.ts"]);
        assert_eq!(kinds("A.ts or b/c.ts"), ["path A.ts", "path b/c.ts"]);
        assert_eq!(
            kinds("a/** and b.ts (additions only)"),
            ["path a/**", "path b.ts +add"]
        );
        assert_eq!(
            kinds("a/** (except a/x/** and a/y.ts)"),
            ["path a/** -a/x/** -a/y.ts"]
        );
        assert_eq!(
            kinds("`src/a/**, src/b.ts`"),
            ["path src/a/**", "path src/b.ts"]
        );
        assert_eq!(kinds("*.lock"), ["path *.lock"]);
        assert_eq!(
            kinds("content frontmatter validation"),
            ["prose content frontmatter validation"]
        );
    }

    #[test]
    fn anything_else_is_refused() {
        for list in [
            "a.ts (mostly)",
            "a.ts (additions only please)",
            "src/a.ts and the tests",
            "src/a.ts is owned",
            "a.ts (except the tests)",
            "!the tests",
        ] {
            let k = kinds(list);
            assert!(k.iter().any(|k| k.starts_with("refused")), "{list}: {k:?}");
        }
    }

    #[test]
    fn ranges_cover_each_piece() {
        let list = "`a/**, b.ts`, c/ and d.md, e.ts (read-only)";
        for e in entries(list) {
            let r = e.range().clone();
            assert!(!list[r].trim().is_empty());
        }
    }
}
