//! The Interface boundary as checkable surface.
//!
//! A contract's "Interface boundary" section is prose written by people. This
//! module reads what in it can be checked: names and snippets in backticks,
//! HTTP routes, field lists in braces, column lists in parentheses and
//! UPPER_SNAKE environment names; a backticked path is a location candidate
//! (the source keeps it when the path exists at the base). It also finds
//! those items in file text and judges, from what a source collected, which
//! commitments a change broke. Pure: texts in, findings out.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::contract::Contract;

/// How a committed item is looked for in file text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "text", rename_all = "lowercase")]
pub enum Needle {
    /// An identifier (dots allowed: `uploads.size_bytes`), word-bounded.
    Name(String),
    /// A route path (`/api/uploads`), bounded by characters that cannot
    /// continue a path.
    Route(String),
    /// A code snippet, matched with whitespace normalised.
    Snippet(String),
    /// A backticked path: a location when it exists at the base.
    Path(String),
}

/// One checkable item of an agent's interface commitments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Commitment {
    /// The agent that committed to it.
    pub agent: String,
    /// What is looked for.
    pub needle: Needle,
    /// Index of the commitment line in the agent's `interface` list.
    pub line_index: usize,
}

/// What one commitment line was read as, for `lint` and `brief`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadAs {
    /// The agent.
    pub agent: String,
    /// The commitment as written.
    pub text: String,
    /// The checkable items read from it (empty: text only).
    pub items: Vec<Needle>,
}

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Every checkable item of every agent's commitments, in contract order,
/// without duplicates per agent.
pub fn commitments(c: &Contract) -> Vec<Commitment> {
    let mut out = Vec::new();
    for a in &c.agents {
        let mut seen = BTreeSet::new();
        for (i, text) in a.interface.iter().enumerate() {
            for needle in read_items(text) {
                if seen.insert(needle.clone()) {
                    out.push(Commitment {
                        agent: a.name.clone(),
                        needle,
                        line_index: i,
                    });
                }
            }
        }
    }
    out
}

/// What each commitment line was read as (`lint`, `brief`).
pub fn read_as(c: &Contract) -> Vec<ReadAs> {
    c.agents
        .iter()
        .flat_map(|a| {
            a.interface.iter().map(|t| ReadAs {
                agent: a.name.clone(),
                text: t.clone(),
                items: read_items(t),
            })
        })
        .collect()
}

/// One line saying what a commitment was read as: `route /api/uploads,
/// name filename, …`, or the hint to use backticks when nothing is checkable.
pub fn describe(items: &[Needle]) -> String {
    if items.is_empty() {
        return "text only: put names in backticks to have them enforced".to_string();
    }
    let parts: Vec<String> = items
        .iter()
        .map(|n| {
            let kind = match n {
                Needle::Name(_) => "name",
                Needle::Route(_) => "route",
                Needle::Snippet(_) => "snippet",
                Needle::Path(_) => "location",
            };
            format!("{kind} {}", n.text())
        })
        .collect();
    parts.join(", ")
}

/// The names an agent must not change: every other agent's commitments and
/// its own (a change to either needs a sync step).
pub fn names_for(c: &Contract) -> Vec<(String, String)> {
    commitments(c)
        .into_iter()
        .filter(|k| !matches!(k.needle, Needle::Path(_)))
        .map(|k| (k.agent, k.needle.text().to_string()))
        .collect()
}

impl Needle {
    /// The item as written (normalised).
    pub fn text(&self) -> &str {
        match self {
            Needle::Name(s) | Needle::Route(s) | Needle::Snippet(s) | Needle::Path(s) => s,
        }
    }

    /// A fixed string every occurrence contains (for `git grep -F`).
    pub fn anchor(&self) -> &str {
        match self {
            Needle::Snippet(s) => s
                .split(|ch: char| !is_word(ch))
                .max_by_key(|w| w.len())
                .filter(|w| !w.is_empty())
                .unwrap_or(s),
            other => other.text(),
        }
    }

    /// 1-based lines of `text` where the item occurs.
    pub fn lines_in(&self, text: &str) -> Vec<u32> {
        match self {
            Needle::Name(w) => bounded(text, w, is_word),
            Needle::Route(r) => bounded(text, r, |ch| is_word(ch) || "/-.:{}".contains(ch)),
            Needle::Snippet(s) => snippet_lines(text, s),
            Needle::Path(_) => Vec::new(),
        }
    }
}

fn is_word(ch: char) -> bool {
    ch.is_alphanumeric() || ch == '_'
}

/// Reads the checkable items of one commitment line.
pub fn read_items(text: &str) -> Vec<Needle> {
    let mut out = Vec::new();
    let mut prose = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            out.extend(backticked(part.trim()));
            prose.push(' ');
        } else {
            prose.push_str(part);
        }
    }
    out.extend(routes(&prose));
    out.extend(fields(&prose));
    out.extend(columns(&prose));
    for w in prose.split(|ch: char| !is_word(ch)) {
        if is_upper_snake(w) {
            out.push(Needle::Name(w.to_string()));
        }
    }
    let mut seen = BTreeSet::new();
    out.retain(|n| seen.insert(n.clone()));
    out
}

fn backticked(s: &str) -> Option<Needle> {
    if s.is_empty() {
        return None;
    }
    if let Some(r) = route_in(s) {
        return Some(Needle::Route(r));
    }
    let simple = s.chars().all(|ch| is_word(ch) || ch == '.' || ch == '$');
    if simple && s.chars().any(is_word) {
        return Some(Needle::Name(s.to_string()));
    }
    if !s.contains(char::is_whitespace) && s.contains('/') && !s.contains('(') {
        return Some(Needle::Path(s.trim_start_matches("./").to_string()));
    }
    Some(Needle::Snippet(normalise(s)))
}

/// `POST /api/uploads` → `/api/uploads`.
fn route_in(s: &str) -> Option<String> {
    let mut words = s.split_whitespace();
    let m = words.next()?;
    let p = words.next()?;
    (METHODS.contains(&m) && p.starts_with('/') && words.next().is_none())
        .then(|| p.trim_end_matches([',', '.', ';', ')']).to_string())
}

fn routes(prose: &str) -> Vec<Needle> {
    let words: Vec<&str> = prose.split_whitespace().collect();
    words
        .windows(2)
        .filter(|w| METHODS.contains(&w[0]) && w[1].starts_with('/'))
        .map(|w| Needle::Route(w[1].trim_end_matches([',', '.', ';', ')']).to_string()))
        .filter(|n| n.text().len() > 1)
        .collect()
}

/// Field names of `{ a, b: { c } }` (every depth): an identifier followed
/// by `,`, `}` or `:`.
fn fields(prose: &str) -> Vec<Needle> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut word = String::new();
    let mut after_word = false;
    for ch in prose.chars() {
        if depth > 0 && is_word(ch) {
            if after_word {
                word.clear();
                after_word = false;
            }
            word.push(ch);
            continue;
        }
        if depth > 0 && matches!(ch, ',' | '}' | ':') && !word.is_empty() {
            out.push(Needle::Name(std::mem::take(&mut word)));
        } else if ch.is_whitespace() {
            after_word = !word.is_empty();
            continue;
        } else {
            word.clear();
        }
        after_word = false;
        match ch {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    out
}

/// Column names of `(id uuid pk, filename text)`: the leading identifier of
/// each comma-separated part. A list needs a comma: `(additions only)` is prose.
fn columns(prose: &str) -> Vec<Needle> {
    let mut out = Vec::new();
    let mut rest = prose;
    while let Some(open) = rest.find('(') {
        let Some(len) = rest[open..].find(')') else {
            break;
        };
        let inner = &rest[open + 1..open + len];
        if inner.contains(',') && !inner.contains('(') {
            for part in inner.split(',') {
                let name: String = part.trim().chars().take_while(|&c| is_word(c)).collect();
                if !name.is_empty() {
                    out.push(Needle::Name(name));
                }
            }
        }
        rest = &rest[open + len + 1..];
    }
    out
}

fn is_upper_snake(w: &str) -> bool {
    w.contains('_')
        && w.starts_with(|c: char| c.is_ascii_uppercase())
        && w.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && w.split('_').filter(|p| !p.is_empty()).count() >= 2
}

/// Whitespace only where two word characters meet, one space there.
pub fn normalise(s: &str) -> String {
    normalise_with_lines(s)
        .into_iter()
        .map(|(c, _)| c)
        .collect()
}

fn normalise_with_lines(s: &str) -> Vec<(char, u32)> {
    let mut out: Vec<(char, u32)> = Vec::new();
    let mut line = 1u32;
    let mut pending_space = false;
    for ch in s.chars() {
        if ch.is_whitespace() {
            pending_space = true;
        } else {
            if pending_space && out.last().is_some_and(|(p, _)| is_word(*p)) && is_word(ch) {
                out.push((' ', line));
            }
            pending_space = false;
            out.push((ch, line));
        }
        if ch == '\n' {
            line += 1;
        }
    }
    out
}

fn snippet_lines(text: &str, snippet: &str) -> Vec<u32> {
    let hay = normalise_with_lines(text);
    let chars: Vec<char> = hay.iter().map(|(c, _)| *c).collect();
    let needle: Vec<char> = snippet.chars().collect();
    if needle.is_empty() || needle.len() > chars.len() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for i in 0..=chars.len() - needle.len() {
        if chars[i..i + needle.len()] == needle[..] {
            let before = i.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(i + needle.len()).copied();
            let starts_word = needle.first().copied().is_some_and(is_word);
            let ends_word = needle.last().copied().is_some_and(is_word);
            if (starts_word && before.is_some_and(is_word))
                || (ends_word && after.is_some_and(is_word))
            {
                continue;
            }
            let line = hay[i].1;
            if out.last() != Some(&line) {
                out.push(line);
            }
        }
    }
    out
}

/// Lines where `word` occurs with no `inside` character on either side.
fn bounded(text: &str, word: &str, inside: impl Fn(char) -> bool) -> Vec<u32> {
    let mut out = Vec::new();
    if word.is_empty() {
        return out;
    }
    for (n, line) in text.lines().enumerate() {
        let mut from = 0;
        while let Some(pos) = line[from..].find(word) {
            let at = from + pos;
            let end = at + word.len();
            let ok_before = line[..at].chars().next_back().is_none_or(|c| !inside(c));
            let ok_after = line[end..].chars().next().is_none_or(|c| !inside(c));
            if ok_before && ok_after {
                out.push(n as u32 + 1);
                break;
            }
            from = at + word.len().max(1);
            while !line.is_char_boundary(from) {
                from += 1;
            }
        }
    }
    out
}

/// Where a commitment stands in the head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadState {
    /// Present, on unchanged lines (or not touched at all).
    Kept,
    /// Present, but on a line the change added or rewrote.
    ChangedLine {
        /// Path in the head.
        path: String,
        /// Line in the head.
        line: u32,
    },
    /// Gone from every place it was looked for.
    Gone,
}

/// The pure input of the `interface` rule: one entry per commitment that
/// occurs at the base in a file the change touched (or a location).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemScan {
    /// The commitment.
    pub commitment: Commitment,
    /// First place it occurs at the base: path and line.
    pub base_path: String,
    /// Line at the base.
    pub base_line: u32,
    /// Where it stands in the head.
    pub head: HeadState,
}

/// One file as a source read it for the scan.
#[derive(Debug, Clone, Default)]
pub struct FilePair {
    /// Path at the base.
    pub base_path: String,
    /// Text at the base.
    pub base: Option<String>,
    /// Path in the head (differs for a rename).
    pub head_path: String,
    /// Text in the head; `None` when deleted.
    pub head: Option<String>,
    /// Lines of the head version that the change added or rewrote.
    pub added_lines: BTreeSet<u32>,
}

/// Judges each commitment against the files a change touched. `elsewhere`
/// holds the indices (into `items`) the source found in the head outside
/// these files (in a location, or anywhere in the tree).
pub fn judge(
    items: &[Commitment],
    files: &[FilePair],
    elsewhere: &BTreeSet<usize>,
) -> Vec<ItemScan> {
    let mut out = Vec::new();
    for (i, k) in items.iter().enumerate() {
        let mut first: Option<(String, u32)> = None;
        let mut kept = false;
        let mut changed: Option<(String, u32)> = None;
        for f in files {
            let Some(base) = &f.base else { continue };
            let at_base = k.needle.lines_in(base);
            if at_base.is_empty() {
                continue;
            }
            first.get_or_insert((f.base_path.clone(), at_base[0]));
            if let Some(head) = &f.head {
                let at_head = k.needle.lines_in(head);
                if let Some(l) = at_head.iter().find(|l| f.added_lines.contains(l)) {
                    changed.get_or_insert((f.head_path.clone(), *l));
                }
                kept |= !at_head.is_empty();
            }
        }
        let Some((base_path, base_line)) = first else {
            continue;
        };
        let head = match (kept || elsewhere.contains(&i), changed) {
            (true, Some((path, line))) => HeadState::ChangedLine { path, line },
            (true, None) => HeadState::Kept,
            (false, _) => HeadState::Gone,
        };
        out.push(ItemScan {
            commitment: k.clone(),
            base_path,
            base_line,
            head,
        });
    }
    out
}

/// Indices of `items` whose needle occurs in any of `texts`.
pub fn present_in<'a>(
    items: &[Commitment],
    texts: impl IntoIterator<Item = &'a str>,
) -> BTreeSet<usize> {
    let texts: Vec<&str> = texts.into_iter().collect();
    (0..items.len())
        .filter(|&i| {
            texts
                .iter()
                .any(|t| !items[i].needle.lines_in(t).is_empty())
        })
        .collect()
}

/// Location paths per agent (backticked paths that exist at the base).
pub fn locations(
    items: &[Commitment],
    exists: impl Fn(&str) -> bool,
) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for k in items {
        if let Needle::Path(p) = &k.needle {
            if exists(p) {
                out.entry(k.agent.clone()).or_default().push(p.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(items: &[Needle]) -> Vec<String> {
        items.iter().map(|n| format!("{n:?}")).collect()
    }

    #[test]
    fn reads_the_seed_commitments() {
        let a1 = read_items(
            "POST /api/uploads, body { filename, mimeType, sizeBytes },\n  returns 201 { uploadId, url }.",
        );
        assert_eq!(
            names(&a1),
            [
                "Route(\"/api/uploads\")",
                "Name(\"filename\")",
                "Name(\"mimeType\")",
                "Name(\"sizeBytes\")",
                "Name(\"uploadId\")",
                "Name(\"url\")"
            ]
        );
        let a2 = read_items("uploads table with columns\n  (id uuid pk, filename text, mime_type text, size_bytes bigint, created_at timestamptz).");
        let got: Vec<&str> = a2.iter().map(|n| n.text()).collect();
        assert_eq!(
            got,
            ["id", "filename", "mime_type", "size_bytes", "created_at"]
        );
        assert!(read_items("reads the contract; does not define new contract surface.").is_empty());
        assert!(read_items("src/api/router.ts (additions only)").is_empty());
    }

    #[test]
    fn describes_what_was_read() {
        assert_eq!(
            describe(&read_items("`POST /api/x` and `{ id }` from `src/a.ts`")),
            "route /api/x, snippet {id}, location src/a.ts"
        );
        assert_eq!(
            describe(&[]),
            "text only: put names in backticks to have them enforced"
        );
    }

    #[test]
    fn reads_backticks_env_names_and_locations() {
        let items = read_items(
            "the exported `requireAuth(req, res, next)` from `src/middleware/auth.ts`, `uploads.size_bytes`, `POST /api/x` and UPLOAD_BUCKET_URL",
        );
        assert_eq!(
            items,
            vec![
                Needle::Snippet("requireAuth(req,res,next)".into()),
                Needle::Path("src/middleware/auth.ts".into()),
                Needle::Name("uploads.size_bytes".into()),
                Needle::Route("/api/x".into()),
                Needle::Name("UPLOAD_BUCKET_URL".into()),
            ]
        );
        assert_eq!(items[0].anchor(), "requireAuth");
    }

    #[test]
    fn finds_items_word_bounded_and_normalised() {
        let n = Needle::Name("requireAuth".into());
        assert_eq!(
            n.lines_in("x\nexport function requireAuth(req) {}\nrequireAuthenticatedUser()\n"),
            [2]
        );
        let s = Needle::Snippet(normalise("{ id, email }"));
        assert_eq!(s.lines_in("type User =\n  {id,\n   email};\n"), [2]);
        assert!(s
            .lines_in("type User = { id, identity: { email } };")
            .is_empty());
        let r = Needle::Route("/api/uploads".into());
        assert_eq!(
            r.lines_in("r.post('/api/uploads/:id')\nr.post(\"/api/uploads\", h)\n"),
            [2]
        );
    }

    #[test]
    fn judges_gone_changed_and_kept() {
        let k = |t: &str| Commitment {
            agent: "agent-1".into(),
            needle: Needle::Name(t.into()),
            line_index: 0,
        };
        let items = vec![k("requireAuth"), k("keepMe"), k("moved"), k("absent")];
        let f = FilePair {
            base_path: "auth.ts".into(),
            base: Some(
                "function requireAuth() {}\nfunction keepMe() {}\nfunction moved() {}\n".into(),
            ),
            head_path: "auth.ts".into(),
            head: Some("function requireAuthenticatedUser() {}\nfunction keepMe(a) {}\n".into()),
            added_lines: [1, 2].into(),
        };
        let got = judge(&items, &[f], &[2].into());
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].head, HeadState::Gone);
        assert_eq!(
            (got[0].base_path.as_str(), got[0].base_line),
            ("auth.ts", 1)
        );
        assert_eq!(
            got[1].head,
            HeadState::ChangedLine {
                path: "auth.ts".into(),
                line: 2
            }
        );
        assert_eq!(got[2].head, HeadState::Kept);
    }
}
