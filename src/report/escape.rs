//! Untrusted text (paths, agent names, branch names, messages) made safe for a
//! plain-text report that a terminal or the GitHub Actions runner reads.
//!
//! The runner executes any output line that, trimmed, starts with `::`
//! (`::error title=forged::…`), and any line holding `##[` (the legacy
//! `##[error]…` form). A file named `x⏎::error::…` would otherwise print such
//! a line. So every control character, line or paragraph separator and bidi
//! control is shown as a Rust-style escape (`\n`, `\t`, `\u{202e}`), a
//! backslash as `\\` (so an escape is never ambiguous with a literal name), a
//! field that would start a line with `::` gets `\:` for its first colon, and
//! `##[` becomes `#\#[`. Printable text, non-ASCII letters and the
//! replacement character of a lossy non-UTF-8 name stay as they are.

use std::borrow::Cow;
use std::fmt::Write;

/// `s` escaped for one field of a text report (see the module docs). Returns
/// `s` itself when nothing needs escaping.
pub fn text(s: &str) -> Cow<'_, str> {
    if !needs_escape(s) {
        return Cow::Borrowed(s);
    }
    let mut o = String::with_capacity(s.len() + 8);
    // Whitespace the runner trims before looking for `::` (.NET `Trim`).
    let lead = s.len() - s.trim_start().len();
    for (i, ch) in s.char_indices() {
        match ch {
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if is_hidden(c) => {
                let _ = write!(o, "\\u{{{:x}}}", c as u32);
            }
            ':' if i == lead && s[i..].starts_with("::") => o.push_str("\\:"),
            '#' if s[i..].starts_with("#[") && s[..i].ends_with('#') => o.push_str("\\#"),
            c => o.push(c),
        }
    }
    Cow::Owned(o)
}

fn needs_escape(s: &str) -> bool {
    s.trim_start().starts_with("::")
        || s.contains("##[")
        || s.chars().any(|c| c == '\\' || c == '\t' || is_hidden(c))
}

/// Characters a reader cannot see or that change how lines are split or
/// shown: controls (C0, DEL, C1), line/paragraph separators and the bidi
/// embedding, override and isolate controls ("trojan source").
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
        )
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// JSON text (a whole document) with every `##[` inside a string written as
/// `#\u0023[`: the same value to any JSON reader, no command to the runner.
/// `##[` cannot occur outside a string in JSON, and other command forms need
/// a raw line break or a line starting with `::`, which JSON never prints.
pub fn json_for_log(json: String) -> String {
    if json.contains("##[") {
        json.replace("##[", "#\\u0023[")
    } else {
        json
    }
}

/// True when the runner would read `line` as a workflow command: it starts,
/// after whitespace, with `::`, or it holds `##[` anywhere.
pub fn is_runner_command(line: &str) -> bool {
    line.trim().starts_with("::") || line.contains("##[")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        for s in [
            "src/a.ts",
            "docs/ünïcode ✓.md",
            "a::b",
            "note: x",
            "# h",
            "",
        ] {
            assert!(matches!(text(s), Cow::Borrowed(_)), "{s}");
            assert_eq!(text(s), s);
        }
    }

    #[test]
    fn controls_and_separators_are_escaped() {
        assert_eq!(text("a\nb\rc\td"), "a\\nb\\rc\\td");
        assert_eq!(
            text("nul\0 esc\x1b del\x7f c1\u{85}"),
            "nul\\u{0} esc\\u{1b} del\\u{7f} c1\\u{85}"
        );
        assert_eq!(text("ls\u{2028}ps\u{2029}"), "ls\\u{2028}ps\\u{2029}");
        assert_eq!(text("abc\u{202e}txt.exe"), "abc\\u{202e}txt.exe");
        assert_eq!(text("back\\slash"), "back\\\\slash");
        // A literal backslash-n in a name stays distinguishable from a newline.
        assert_ne!(text("a\\nb"), text("a\nb"));
    }

    #[test]
    fn a_forged_command_is_neutralised() {
        assert_eq!(
            text("x\n::error title=forged::owned"),
            "x\\n::error title=forged::owned"
        );
        assert_eq!(text("::error::owned"), "\\::error::owned");
        assert_eq!(text("  ::warning::x"), "  \\::warning::x");
        assert_eq!(text("\u{a0}::x"), "\u{a0}\\::x");
        assert_eq!(text("a ##[error]b"), "a #\\#[error]b");
        assert_eq!(text("###[x"), "##\\#[x");
        for s in ["::error::x", " ::x", "a##[error]b", "\u{3000}::x", "###[x"] {
            assert!(is_runner_command(s), "{s}");
            assert!(!is_runner_command(&text(s)), "{s} → {}", text(s));
        }
    }

    #[test]
    fn json_keeps_its_value_without_a_legacy_command() {
        let v = serde_json::json!({"path": "a ##[error]x ###[y \\##[z"});
        let out = json_for_log(serde_json::to_string_pretty(&v).unwrap());
        assert!(!out.contains("##["), "{out}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&out).unwrap(), v);
    }

    #[test]
    fn long_names_and_lossy_bytes_pass_through() {
        let long = "a/".repeat(2000);
        assert_eq!(text(&long), long);
        assert_eq!(text("caf\u{fffd}.txt"), "caf\u{fffd}.txt");
    }
}
