//! Reading list items and table cells: splitting lists of paths, telling
//! paths from prose, stripping inline markdown.

use std::ops::Range;

/// Removes backticks and collapses whitespace: the text a reader sees.
pub fn plain_text(raw: &str) -> String {
    super::blocks::collapse_ws(&raw.replace('`', ""))
}

/// A piece of a comma-separated list with its byte range inside the raw text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece<'a> {
    pub text: &'a str,
    pub range: Range<usize>,
}

/// Splits on commas that are outside backticks, brackets, braces and parentheses.
pub fn split_list(raw: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut in_code = false;
    let mut start = 0;
    for (i, c) in raw.char_indices() {
        match c {
            '`' => in_code = !in_code,
            '(' | '[' | '{' if !in_code => depth += 1,
            ')' | ']' | '}' if !in_code => depth -= 1,
            ',' | ';' if !in_code && depth <= 0 => {
                push_piece(raw, start, i, &mut out);
                start = i + 1;
            }
            _ => {}
        }
    }
    push_piece(raw, start, raw.len(), &mut out);
    out
}

fn push_piece<'a>(raw: &'a str, start: usize, end: usize, out: &mut Vec<Piece<'a>>) {
    let s = &raw[start..end];
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    if !t.is_empty() {
        out.push(Piece {
            text: t,
            range: start + lead..start + lead + t.len(),
        });
    }
}

/// A name as written, without bold, backticks, a trailing colon or dash.
pub fn clean_name(raw: &str) -> String {
    let t = plain_text(&raw.replace("**", "").replace("__", ""));
    t.trim()
        .trim_end_matches([':', '—', '–', '-', ','])
        .trim()
        .to_string()
}

/// Splits a list of paths: on commas and semicolons outside groups, on
/// ` and ` outside backticks, and inside one backtick span holding several
/// comma-separated paths (`` `a/**, b.ts` ``).
pub fn path_list(raw: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    for piece in split_list(raw) {
        // ` and ` separates paths, not prose (`Mermaid and TOC checks`).
        let mut parts = split_and(piece.text);
        if parts.len() > 1 && !parts.iter().all(|p| looks_like_path(split_note(p.text).0)) {
            parts = vec![Piece {
                text: piece.text,
                range: 0..piece.text.len(),
            }];
        }
        for part in parts {
            let off = piece.range.start + part.range.start;
            let inner = unquote(part.text);
            let wrapped = inner.len() + 2 <= part.text.len() && part.text.starts_with('`');
            let inner_parts = if wrapped {
                split_list(inner)
            } else {
                Vec::new()
            };
            if inner_parts.len() > 1 {
                let base = off + part.text.find(inner).unwrap_or(0);
                out.extend(inner_parts.into_iter().map(|p| Piece {
                    text: p.text,
                    range: base + p.range.start..base + p.range.end,
                }));
            } else {
                out.push(Piece {
                    text: part.text,
                    range: off..off + part.text.len(),
                });
            }
        }
    }
    out
}

/// Splits on ` and ` (and a leading `and `) outside backticks.
fn split_and(raw: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_code = false;
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            in_code = !in_code;
        } else if !in_code && bytes[i..].starts_with(b" and ") {
            // Bytes, not `raw[i..]`: `i` walks bytes and may sit inside a
            // multi-byte character (found by the contract fuzz target).
            push_piece(raw, start, i, &mut out);
            start = i + 5;
            i += 5;
            continue;
        }
        i += 1;
    }
    push_piece(raw, start, raw.len(), &mut out);
    for p in &mut out {
        if let Some(rest) = p.text.strip_prefix("and ") {
            p.range.start += 4;
            p.text = rest;
        }
    }
    out
}

/// True when some word of a prose line looks like a path: it has a `/` or
/// `*`, or is in backticks and looks like a path. Words like `and/or` or a
/// URL are not paths.
pub fn mentions_path(raw: &str) -> bool {
    raw.split_whitespace().any(|w| {
        let w = w.trim_matches(|c: char| matches!(c, ',' | ';' | '.' | ':' | '(' | ')' | '"'));
        if w.starts_with('`') && w.ends_with('`') && w.len() > 2 {
            return looks_like_path(&w[1..w.len() - 1]);
        }
        let w = w.trim_matches('`');
        (w.contains('/') || w.contains('*'))
            && !w.contains("://")
            && !w.eq_ignore_ascii_case("and/or")
            && w.chars().any(|c| c.is_alphanumeric() || c == '*')
    })
}

/// Splits a trailing parenthesised note off: `a.ts (additions only)`.
pub fn split_note(text: &str) -> (&str, Option<&str>) {
    let t = text.trim_end();
    if t.ends_with(')') {
        // Find the matching open parenthesis of the final group.
        let mut depth = 0;
        for (i, c) in t.char_indices().rev() {
            match c {
                ')' => depth += 1,
                '(' => {
                    depth -= 1;
                    if depth == 0 {
                        let head = t[..i].trim_end();
                        // `src/(group)` is a path, not a note: a note follows a space.
                        if i > 0 && !t[..i].ends_with(char::is_whitespace) {
                            return (t, None);
                        }
                        return (head, Some(t[i + 1..t.len() - 1].trim()));
                    }
                }
                _ => {}
            }
        }
    }
    (t, None)
}

/// A contract item is a path pattern when it looks like one: wrapped in
/// backticks, or one word with a `/`, a wildcard or a file extension.
/// Everything else (`content frontmatter validation`) is prose.
pub fn looks_like_path(text: &str) -> bool {
    let t = text.trim();
    if t.len() >= 2 && t.starts_with('`') && t.ends_with('`') {
        return true;
    }
    if t.is_empty() || t.contains(char::is_whitespace) {
        return false;
    }
    if t.contains('/') || t.contains('*') || t.starts_with("path:") || t.starts_with("glob:") {
        return true;
    }
    // A file extension: `package.json`, `.env.example`, `Cargo.toml`.
    match t.rsplit_once('.') {
        Some((stem, ext)) => {
            !ext.is_empty()
                && ext.len() <= 12
                && ext.chars().all(|c| c.is_ascii_alphanumeric())
                && ext.chars().any(|c| c.is_ascii_alphabetic())
                && (stem.is_empty() || !stem.ends_with('.'))
        }
        None => false,
    }
}

/// The path text of an item already known to be a path: backticks removed.
pub fn unquote(text: &str) -> &str {
    let t = text.trim();
    t.strip_prefix('`')
        .and_then(|s| s.strip_suffix('`'))
        .unwrap_or(t)
        .trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_outside_groups() {
        let p: Vec<_> = split_list("a/**, src/{a,b}.ts, `x, y`, b (one, two)")
            .into_iter()
            .map(|p| p.text)
            .collect();
        assert_eq!(p, vec!["a/**", "src/{a,b}.ts", "`x, y`", "b (one, two)"]);
    }

    #[test]
    fn path_lists_in_every_form() {
        let p: Vec<_> = path_list("`a/**, b.ts`, c/ and `d e.md`")
            .into_iter()
            .map(|p| p.text)
            .collect();
        assert_eq!(p, vec!["a/**", "b.ts", "c/", "`d e.md`"]);
        let raw = "`a/**, b.ts`, c/";
        for piece in path_list(raw) {
            assert_eq!(&raw[piece.range.clone()], piece.text);
        }
        assert_eq!(clean_name("**agent-1**:"), "agent-1");
        assert!(mentions_path("keep `src/api/**` stable"));
        assert!(!mentions_path("ask the planner and/or see https://x.y/z"));
    }

    #[test]
    fn and_splitting_walks_past_multibyte_characters() {
        // Found by the contract fuzz target: a byte index inside `—`.
        let raw = "s# Context contract — feature and `x`";
        let p: Vec<_> = split_and(raw).into_iter().map(|p| p.text).collect();
        assert_eq!(p, vec!["s# Context contract — feature", "`x`"]);
        for piece in split_and(raw).into_iter().chain(path_list(raw)) {
            assert_eq!(&raw[piece.range.clone()], piece.text);
        }
    }

    #[test]
    fn notes_split_off() {
        assert_eq!(
            split_note("src/api/router.ts (additions only)"),
            ("src/api/router.ts", Some("additions only"))
        );
        assert_eq!(
            split_note("src/(group)/page.tsx"),
            ("src/(group)/page.tsx", None)
        );
        assert_eq!(
            split_note("`a b.ts` (additions only)"),
            ("`a b.ts`", Some("additions only"))
        );
    }

    #[test]
    fn path_or_prose() {
        for p in [
            "src/content/config.ts",
            "package.json",
            ".env.example",
            "src/api/uploads/**",
            "`docs/my file.md`",
            "src/pages/blog/[...slug].astro",
            "Makefile/",
            "*.lock",
        ] {
            assert!(looks_like_path(p), "{p}");
        }
        for p in [
            "content frontmatter validation",
            "listing data shape",
            "test plan",
            "implementation edits unless explicitly reassigned",
            "Markdown post bodies",
            "v1.2",
            "etc.",
        ] {
            assert!(!looks_like_path(p), "{p}");
        }
    }
}
