//! Text cut to fit, with every cut marked `…`: one place for each limit a
//! report meets.
//!
//! - [`truncate_chars`] and [`truncate_bytes`]: GitHub's limits on a title
//!   (characters) and on a summary, text, annotation or step summary
//!   (UTF-8 bytes), the latter with a note saying how much was left out;
//!   [`floor_boundary`] for a byte limit without a note; [`short_sha`].
//! - [`clamp_for_render`]: very long source lines cut down before a
//!   diagnostic is drawn on them. The terminal renderer pads to a label's
//!   column with a format width, and Rust refuses widths past 65,535
//!   ("Formatting argument out of range"): a diagnostic far along one long
//!   line would panic. It would also print the whole line. So every line
//!   longer than [`MAX_LINE_BYTES`] is shortened: the line holding the span
//!   keeps a window around it, other long lines keep their start. Newlines
//!   are kept, so line numbers stay true; columns on a cut line count from
//!   the cut.

use std::ops::Range;

use contract_gate_core::contract::{Contract, Diagnostic};

/// Lines up to this many bytes are drawn whole.
const MAX_LINE_BYTES: usize = 1000;
/// Bytes kept before the span on a cut line.
const CONTEXT_BEFORE: usize = 120;
/// Bytes kept after the span's end (or its first [`MAX_SPAN_BYTES`]).
const CONTEXT_AFTER: usize = 120;
/// The longest span drawn on a cut line.
const MAX_SPAN_BYTES: usize = 400;
const CUT: &str = "…";

/// At most `max` characters; a longer string is cut and ends with "…".
pub(super) fn truncate_chars(s: &str, max: usize) -> String {
    if max == 0 {
        return String::new();
    }
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some(_) => {
            let cut = s.char_indices().nth(max - 1).map_or(s.len(), |(i, _)| i);
            format!("{}{CUT}", &s[..cut])
        }
    }
}

/// At most `max` bytes of UTF-8. A longer string keeps its head (cut at a line
/// break when one is near the end, else at a char boundary) and ends with a
/// visible note "\n\n… truncated (N more characters)", N counting the
/// characters left out.
pub(super) fn truncate_bytes(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let total_chars = s.chars().count();
    // The note's length depends on N; reserve room for the largest N.
    let reserve = note(total_chars).len();
    if reserve >= max {
        return floor_boundary(s, max).to_string();
    }
    let head = floor_boundary(s, max - reserve);
    // Prefer a whole-line cut (keeps tables and code spans intact) when it
    // costs at most 2 KB.
    let head = match head.rfind('\n') {
        Some(i) if head.len() - i <= 2048 => &head[..i],
        _ => head,
    };
    let left = total_chars - head.chars().count();
    format!("{head}{}", note(left))
}

fn note(more: usize) -> String {
    format!("\n\n{CUT} truncated ({more} more characters)")
}

/// The longest prefix of `s` of at most `max` bytes that ends on a char boundary.
pub(super) fn floor_boundary(s: &str, max: usize) -> &str {
    &s[..floor(s, max)]
}

/// A commit id's first 7 characters, as git shows it (the whole text when
/// shorter, or when 7 bytes would split a character).
pub(crate) fn short_sha(sha: &str) -> &str {
    sha.get(..7).unwrap_or(sha)
}

/// A contract's path and the (clamped) text a diagnostic is drawn on: stands
/// in for the contract in [`super::diagnostics::render`].
pub(super) struct Clamped {
    /// The contract's path, for the report's header.
    pub(super) path: String,
    /// The source with long lines cut ([`clamp_for_render`]).
    pub(super) source: String,
}

/// The contract and diagnostic to render, with the source clamped and the
/// diagnostic's span moved onto it.
pub(super) fn for_diagnostic(c: &Contract, d: &Diagnostic) -> (Clamped, Diagnostic) {
    let (source, span) = clamp_for_render(&c.source, d.span.clone());
    let path = c.path.clone();
    (Clamped { path, source }, Diagnostic { span, ..d.clone() })
}

/// The text to draw a diagnostic on and the span within it.
///
/// `span` may be out of order, past the end or off a char boundary: it is
/// clamped into `source` and widened to char boundaries. When no line is
/// longer than [`MAX_LINE_BYTES`] the source is returned whole with that
/// span. The returned span always lies on char boundaries of the snippet.
pub fn clamp_for_render(source: &str, span: Range<usize>) -> (String, Range<usize>) {
    let start = floor(source, span.start.min(source.len()));
    let end = ceil(source, span.end.min(source.len()).max(start));
    if source.split('\n').all(|l| l.len() <= MAX_LINE_BYTES) {
        return (source.to_string(), start..end);
    }
    let mut out = String::with_capacity(source.len().min(64 * 1024));
    let mut new_span = None;
    let mut off = 0;
    for line in source.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let holds_start = new_span.is_none() && start <= off + body.len();
        if body.len() <= MAX_LINE_BYTES {
            if holds_start {
                let s = out.len() + (start - off);
                // A span running on past a short line keeps its length while
                // the text it covers is unchanged; cut it at the first long line.
                let e = s + (end - start).min(unchanged_run(source, start));
                new_span = Some(s..e);
            }
            out.push_str(body);
        } else if holds_start {
            let (w0, shown_end, w1) = window(body, start - off, end.min(off + body.len()) - off);
            if w0 > 0 {
                out.push_str(CUT);
            }
            let s = out.len() + (start - off - w0);
            let e = s + (shown_end - (start - off));
            out.push_str(&body[w0..w1]);
            if w1 < body.len() {
                out.push_str(CUT);
            }
            new_span = Some(s..e);
        } else {
            out.push_str(&body[..floor(body, MAX_LINE_BYTES)]);
            out.push_str(CUT);
        }
        if line.len() > body.len() {
            out.push('\n');
        }
        off += line.len();
    }
    let span = new_span.unwrap_or(out.len()..out.len());
    (out, span)
}

/// The bytes kept of a long line around a span `s..e` (line-relative, on
/// char boundaries): the window's start, the end of the span drawn and the
/// window's end.
fn window(body: &str, s: usize, e: usize) -> (usize, usize, usize) {
    let w0 = floor(body, s.saturating_sub(CONTEXT_BEFORE));
    let shown_end = ceil(body, e.min(s + MAX_SPAN_BYTES));
    let w1 = ceil(body, shown_end + CONTEXT_AFTER);
    (w0, shown_end, w1)
}

/// How many bytes from `at` on are copied unchanged: up to the start of the
/// first line longer than [`MAX_LINE_BYTES`].
fn unchanged_run(source: &str, at: usize) -> usize {
    let mut n = 0;
    for (i, line) in source[at..].split_inclusive('\n').enumerate() {
        let body = line.strip_suffix('\n').unwrap_or(line);
        // The first piece is the tail of the span's own (short) line.
        if i > 0 && body.len() > MAX_LINE_BYTES {
            break;
        }
        n += line.len();
    }
    n
}

fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown<'a>(snippet: &'a str, span: &Range<usize>) -> &'a str {
        &snippet[span.clone()]
    }

    #[test]
    fn short_sources_are_unchanged() {
        let src = "# Contract\n\n- Owns: `src/**`\n";
        let (s, sp) = clamp_for_render(src, 13..28);
        assert_eq!(s, src);
        assert_eq!(sp, 13..28);
        // Out of range, reversed and mid-char spans are clamped.
        let (_, sp) = clamp_for_render(src, 500..900);
        assert_eq!(sp, src.len()..src.len());
        let (_, sp) = clamp_for_render(src, Range { start: 20, end: 3 });
        assert_eq!(sp, 20..20);
        let (_, sp) = clamp_for_render("é", 1..1);
        assert_eq!(sp, 0..2);
    }

    #[test]
    fn a_far_column_is_brought_near() {
        let bad = "glob:[";
        let line = format!("- Owns: {}{bad} tail", "`a` ".repeat(20_000));
        let src = format!("# T\n\n{line}\nnext\n");
        let at = src.find(bad).unwrap();
        let (s, sp) = clamp_for_render(&src, at..at + bad.len());
        assert_eq!(shown(&s, &sp), bad);
        assert!(s.starts_with("# T\n\n…"));
        assert!(s.ends_with(" tail\nnext\n"));
        assert_eq!(s.lines().count(), src.lines().count());
        let col = sp.start - s[..sp.start].rfind('\n').unwrap();
        assert!(col < 200, "column {col}");
        assert!(s.len() < 1000);
    }

    #[test]
    fn other_long_lines_are_cut_and_a_long_span_is_shortened() {
        let long = "x".repeat(5000);
        let src = format!("{long}\nshort\n{long}\n");
        let at = src.len() - 2000;
        let (s, sp) = clamp_for_render(&src, at..src.len());
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].len(), MAX_LINE_BYTES + CUT.len());
        assert_eq!(lines[1], "short");
        assert!(lines[2].starts_with('…'));
        assert_eq!(sp.len(), MAX_SPAN_BYTES);
        assert!(shown(&s, &sp).chars().all(|c| c == 'x'));
    }

    #[test]
    fn spans_stay_on_char_boundaries_in_multibyte_lines() {
        let src = format!("{}\n", "é✓".repeat(3000));
        for at in [0, 1, 2, 3, 4, 5, 4000, 8999, src.len() - 1] {
            let (s, sp) = clamp_for_render(&src, at..at + 3);
            assert!(
                s.is_char_boundary(sp.start) && s.is_char_boundary(sp.end),
                "{at}"
            );
            assert!(sp.end <= s.len() && sp.start <= sp.end);
            assert!(s.len() < 2000);
        }
    }

    #[test]
    fn a_span_over_short_lines_keeps_its_length_up_to_a_long_line() {
        let src = format!("ab\ncd\n{}\n", "y".repeat(2000));
        let (s, sp) = clamp_for_render(&src, 0..src.len());
        assert_eq!(shown(&s, &sp), "ab\ncd\n");
    }

    #[test]
    fn truncation_helpers() {
        assert_eq!(truncate_chars("abcdef", 4), "abc…");
        assert_eq!(truncate_chars("abc", 3), "abc");
        assert_eq!(truncate_chars("abc", 0), "");
        let s = "한".repeat(100); // 300 bytes
        let t = truncate_bytes(&s, 100);
        assert!(t.len() <= 100);
        assert!(t.contains("… truncated ("));
        assert_eq!(floor_boundary(&s, 4), "한");
        assert_eq!(floor_boundary(&s, 400), s);
        assert_eq!(short_sha("0123456789abcdef"), "0123456");
        assert_eq!(short_sha("abc"), "abc");
    }
}
