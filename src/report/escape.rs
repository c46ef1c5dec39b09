//! Untrusted text (paths, agent names, branch names, messages) escaped for
//! each place a report puts it: a plain-text report ([`text`]), JSON printed
//! to the log ([`json_for_log`]), markdown ([`markdown_text`],
//! [`markdown_cell`], [`markdown_code`], [`markdown_block_start`]), a
//! workflow command ([`command_data`], [`command_property`]), a mermaid label
//! ([`mermaid_label`]) and a SARIF location ([`uri`]). Every renderer escapes
//! through here, so a rule about hostile text is written once.
//!
//! Plain text: the runner executes any output line that, trimmed, starts
//! with `::` (`::error title=forged::…`), and any line holding `##[` (the
//! legacy `##[error]…` form). A file named `x⏎::error::…` would otherwise
//! print such a line. So every control character, line or paragraph
//! separator and bidi control is shown as a Rust-style escape (`\n`, `\t`,
//! `\u{202e}`), a backslash as `\\` (so an escape is never ambiguous with a
//! literal name), a field that would start a line with `::` gets `\:` for its
//! first colon, and `##[` becomes `#\#[`. Printable text, non-ASCII letters
//! and the replacement character of a lossy non-UTF-8 name stay as they are.

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
pub(super) fn json_for_log(json: String) -> String {
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

/// Markdown-significant ASCII punctuation outside code spans.
const MARKDOWN_SPECIAL: &[char] = &['\\', '`', '*', '_', '<', '>', '|', '[', ']', '&', '~'];

/// Text for a markdown paragraph or list item. Balanced backtick code spans
/// (which the gate's own messages use: "`README.md`: nobody edits.") stay
/// code; outside them, every markdown-significant character is
/// backslash-escaped. With an odd number of backticks, all are escaped. Line
/// breaks become spaces.
pub(super) fn markdown_text(s: &str) -> String {
    markdown_inline(s, false)
}

/// Like [`markdown_text`], for a table cell: `|` is escaped inside code spans
/// too (GFM splits cells on it even there).
pub(super) fn markdown_cell(s: &str) -> String {
    markdown_inline(s, true)
}

fn markdown_inline(s: &str, cell: bool) -> String {
    let s = one_line(s);
    let balanced = s.matches('`').count() % 2 == 0;
    let mut o = String::with_capacity(s.len() + 8);
    let mut span: Option<String> = None;
    for ch in s.chars() {
        match (&mut span, ch) {
            (None, '`') if balanced => span = Some(String::new()),
            (Some(inner), '`') => {
                o.push_str(&code_span_or_text(inner, cell));
                span = None;
            }
            (Some(inner), c) => inner.push(c),
            (None, c) => push_markdown_escaped(&mut o, c),
        }
    }
    o
}

/// Line breaks as spaces: markdown inline text stays on its line.
fn one_line(s: &str) -> String {
    s.replace("\r\n", " ").replace(['\r', '\n'], " ")
}

/// A backtick code span of `inner`, or escaped text when `inner` holds
/// `##[`: the Actions runner reads `##[…]` anywhere in a log line as a
/// command, and a code span cannot escape it.
fn code_span_or_text(inner: &str, cell: bool) -> String {
    if inner.contains("##[") {
        return markdown_literal(inner);
    }
    let mut o = String::with_capacity(inner.len() + 2);
    o.push('`');
    for c in inner.chars() {
        if c == '|' && cell {
            o.push('\\');
        }
        o.push(c);
    }
    o.push('`');
    o
}

fn push_markdown_escaped(o: &mut String, ch: char) {
    if MARKDOWN_SPECIAL.contains(&ch) {
        o.push('\\');
    }
    o.push(ch);
}

/// Every special character and `#` backslash-escaped: shown literally, and
/// no `##[` left in the line.
fn markdown_literal(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        if ch == '#' {
            o.push('\\');
        }
        push_markdown_escaped(&mut o, ch);
    }
    o
}

/// A markdown code span holding `s` literally, whatever backticks it
/// contains (CommonMark: a longer backtick fence, padded with spaces). A
/// name holding `##[` is escaped text instead (see [`markdown_text`]'s code
/// spans).
pub fn markdown_code(s: &str) -> String {
    let s = one_line(s);
    if s.contains("##[") {
        return markdown_literal(&s);
    }
    let mut longest = 0;
    let mut run = 0;
    for ch in s.chars() {
        if ch == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    if longest == 0 && !s.is_empty() {
        return format!("`{s}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {s} {fence}")
}

/// Text at the start of a markdown list item must not open a nested block:
/// a leading `-`, `+`, `=` or `#`, or `12.` / `12)`, gets a backslash.
pub(super) fn markdown_block_start(s: &str) -> String {
    if s.starts_with(['-', '+', '=', '#']) {
        return format!("\\{s}");
    }
    let digits = s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits > 0 && s[digits..].starts_with(['.', ')']) {
        return format!("{}\\{}", &s[..digits], &s[digits..]);
    }
    s.to_string()
}

/// A workflow command's message (the part after `::`): `%`, CR and LF
/// percent-encoded, as the runner decodes them.
pub(crate) fn command_data(s: &str) -> String {
    command_escaped(s, false)
}

/// A workflow command's property value (`file=`, `title=`): also `:` and
/// `,`, which end a value.
pub(super) fn command_property(s: &str) -> String {
    command_escaped(s, true)
}

fn command_escaped(s: &str, property: bool) -> String {
    let mut o = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '%' => o.push_str("%25"),
            '\r' => o.push_str("%0D"),
            '\n' => o.push_str("%0A"),
            ':' if property => o.push_str("%3A"),
            ',' if property => o.push_str("%2C"),
            c => o.push(c),
        }
    }
    o
}

/// A quoted mermaid label: a quote or a line break in a name must not end
/// it (mermaid reads `#quot;` as a quote).
pub(super) fn mermaid_label(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .replace('"', "#quot;")
}

/// A relative path as a URI reference (RFC 3986), for a SARIF location:
/// every byte that is not unreserved (`A-Z a-z 0-9 - . _ ~`), a
/// sub-delimiter (`! $ & ' ( ) * + , ; =`), `@` or the `/` separator is
/// percent-encoded as UTF-8. So spaces, `%`, `#`, `?`, brackets
/// (`[...slug].astro`) and non-ASCII names are encoded, and `:` too, which in
/// a first segment would read as a scheme. A leading `./` or `/` is dropped,
/// keeping the URI relative to the repository root.
pub fn uri(path: &str) -> String {
    let p = path.trim_start_matches("./").trim_start_matches('/');
    let mut o = String::with_capacity(p.len());
    for b in p.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&b);
        if keep {
            o.push(b as char);
        } else {
            let _ = write!(o, "%{b:02X}");
        }
    }
    o
}

/// A step output's value (`GITHUB_OUTPUT`, one `key=value` per line): a
/// line break in a value would start a forged line (say
/// `conclusion=success`), so every control character and line or paragraph
/// separator becomes a space.
pub(crate) fn output_value(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Text inside an HTML comment: `--` would end it early (in HTML `--` may
/// not occur in a comment at all), so it is written `- -`.
pub(crate) fn html_comment(s: &str) -> String {
    s.replace("--", "- -")
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

    #[test]
    fn markdown_escaping() {
        assert_eq!(markdown_text("a*b_c <d> [e]"), "a\\*b\\_c \\<d\\> \\[e\\]");
        assert_eq!(markdown_text("keep `src/**` code"), "keep `src/**` code");
        assert_eq!(markdown_text("odd ` tick"), "odd \\` tick");
        assert_eq!(markdown_text("two\nlines"), "two lines");
        assert_eq!(markdown_cell("`a|b`"), "`a\\|b`");
        assert_eq!(markdown_code("a`b"), "`` a`b ``");
        assert_eq!(markdown_code("plain"), "`plain`");
        assert_eq!(markdown_block_start("- x"), "\\- x");
        assert_eq!(markdown_block_start("12) x"), "12\\) x");
        assert_eq!(markdown_block_start("12 x"), "12 x");
    }

    #[test]
    fn workflow_command_escaping() {
        assert_eq!(command_data("100% done\r\nnext"), "100%25 done%0D%0Anext");
        assert_eq!(command_data("a:b,c"), "a:b,c");
        assert_eq!(command_property("a,b:c.ts"), "a%2Cb%3Ac.ts");
        assert_eq!(command_property("50%\nx"), "50%25%0Ax");
        // `%3A` in a name must survive the round trip, not turn into `:`.
        assert_eq!(command_property("%3A"), "%253A");
    }

    #[test]
    fn mermaid_labels_keep_their_quotes() {
        assert_eq!(mermaid_label("agent \"two\"\nx"), "agent #quot;two#quot; x");
    }

    #[test]
    fn uris_are_rfc3986_references() {
        assert_eq!(uri("docs/my file.md"), "docs/my%20file.md");
        assert_eq!(uri("./a/b.ts"), "a/b.ts");
        assert_eq!(uri("a:b,c.ts"), "a%3Ab,c.ts");
        assert_eq!(uri("100%#?.md"), "100%25%23%3F.md");
        assert_eq!(uri("app/(group)/page.tsx"), "app/(group)/page.tsx");
        assert_eq!(uri("é"), "%C3%A9");
        // The SARIF schema's `uri-reference` format is not checked under
        // Draft 4; check it with the same crate under Draft 7.
        let fmt = jsonschema::draft7::new(
            &serde_json::json!({"type": "string", "format": "uri-reference"}),
        )
        .unwrap();
        for p in [
            "docs/my file.md",
            "src/content/blog/첫 번째 글.md",
            "src/pages/[...slug].astro",
            "a:b.ts",
            "x%y",
        ] {
            assert!(fmt.is_valid(&serde_json::json!(uri(p))), "{}", uri(p));
        }
    }

    #[test]
    fn output_values_and_html_comments_stay_one_thing() {
        assert_eq!(
            output_value("a\nconclusion=success\u{2028}b"),
            "a conclusion=success b"
        );
        assert_eq!(html_comment("a-->b"), "a- ->b");
    }
}
