//! Verification evidence in a pull-request body.
//!
//! Pure: [`read_body`] parses the markdown body once (CommonMark + GFM tables
//! and task lists, via `pulldown_cmark`) into a flat list of records; each
//! [`BodyEvidence::status`] query then scans those records.
//!
//! What counts as evidence for a check:
//! - a checked task-list item (`- [x]` / `- [X]`, any nesting) whose own text
//!   names the check → [`EvidenceStatus::Passed`];
//! - a GFM table body row where one cell names the check and another cell is
//!   a pass mark (→ `Passed`) or a fail mark (→ `Failed`);
//! - an unchecked task-list item naming it → `Unchecked`.
//!
//! Precedence: `Failed` > `Passed` > `Unchecked` > `Missing` (fail closed).
//! Content inside HTML comments or code blocks never counts, nor do plain
//! paragraphs that merely mention a check.

mod notes;
mod reader;

/// A PR body read once; queried per check.
#[derive(Debug, Clone, Default)]
pub struct BodyEvidence {
    records: Vec<Record>,
    remaining_risk: bool,
    commands_run: bool,
}

/// What the body says about one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceStatus {
    /// A checked item or a passed row names it.
    Passed,
    /// An item or row naming it is marked failed, skipped or not run.
    Failed,
    /// Only an unchecked item (`- [ ]`) names it.
    Unchecked,
    /// Nothing names it.
    Missing,
}

/// Mark found in a table cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Pass,
    Fail,
    None,
}

#[derive(Debug, Clone)]
enum Kind {
    /// A list item; `task` is `Some(checked)` for task-list items.
    Item { task: Option<bool> },
    /// A table row; `header` for the GFM header row. Cells are normalised.
    Row {
        header: bool,
        cells: Vec<(String, Mark)>,
    },
    /// A paragraph outside any list item or table cell.
    Paragraph,
    /// A heading of the given level (1..=6).
    Heading(u8),
    /// A fenced or indented code block (only used as "content" for risk).
    Code,
}

#[derive(Debug, Clone)]
struct Record {
    kind: Kind,
    /// Normalised text (see [`normalise`]); for rows, all cells joined.
    text: String,
}

/// Parse a PR body (LF or CRLF line ends) into queryable evidence.
pub fn read_body(body: &str) -> BodyEvidence {
    let body = body.replace("\r\n", "\n").replace('\r', "\n");
    let records = reader::records(&body);
    let remaining_risk = notes::remaining_risk(&records);
    let commands_run = notes::commands_run(&records);
    BodyEvidence {
        records,
        remaining_risk,
        commands_run,
    }
}

impl BodyEvidence {
    /// Status of one check, named as the contract's matrix writes it, already in plain text
    /// (backticks removed, whitespace collapsed), e.g. "npm run check" or
    /// "Markdown post page still renders TOC for ## and ###".
    pub fn status(&self, check: &str) -> EvidenceStatus {
        let needle = normalise(check);
        if needle.is_empty() {
            return EvidenceStatus::Missing;
        }
        let (mut passed, mut unchecked) = (false, false);
        for record in &self.records {
            match &record.kind {
                Kind::Item {
                    task: Some(checked),
                } if names(&record.text, &needle) => {
                    if marked_failed(&record.text) {
                        return EvidenceStatus::Failed;
                    }
                    if *checked {
                        passed = true;
                    } else {
                        unchecked = true;
                    }
                }
                Kind::Row {
                    header: false,
                    cells,
                } => {
                    for (i, (cell, _)) in cells.iter().enumerate() {
                        if !names(cell, &needle) {
                            continue;
                        }
                        for (j, (_, mark)) in cells.iter().enumerate() {
                            if i == j {
                                continue;
                            }
                            match mark {
                                Mark::Fail => return EvidenceStatus::Failed,
                                Mark::Pass => passed = true,
                                Mark::None => {}
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        if passed {
            EvidenceStatus::Passed
        } else if unchecked {
            EvidenceStatus::Unchecked
        } else {
            EvidenceStatus::Missing
        }
    }

    /// True when the body has a remaining-risk section with some content: a heading whose text
    /// contains "risk" (e.g. "## Remaining risk", "### Risks") followed by non-empty content
    /// before the next heading of the same or higher level, or a paragraph/list item that starts
    /// with "Remaining risk:" / "Risk:" followed by text.
    pub fn has_remaining_risk(&self) -> bool {
        self.remaining_risk
    }

    /// Whether the body says which commands were run: a "Commands run"
    /// (or "Verification", "Checks", "Tests run", "Testing") section or
    /// line whose content is more than a placeholder, or a checked task item.
    pub fn has_commands_run(&self) -> bool {
        self.commands_run
    }
}

/// Whether a matrix check is the "PR notes include commands run and remaining risk" kind
/// (its text mentions "remaining risk" or "PR notes"): such a check is evidenced by
/// has_remaining_risk() instead of a task item.
pub fn is_pr_notes_check(check: &str) -> bool {
    let n = normalise(check);
    n.contains("remaining risk") || n.contains("pr notes")
}

/// Words and marks saying a listed check did not pass.
const FAILED_MARKERS: &[&str] = &[
    "failed",
    "fails",
    "failing",
    "could not run",
    "couldn't run",
    "could not be run",
    "did not run",
    "didn't run",
    "not run",
    "skipped",
];

/// Whether an item naming a check says it failed or did not run.
fn marked_failed(text: &str) -> bool {
    FAIL_SYMBOLS.iter().any(|s| text.contains(s)) || FAILED_MARKERS.iter().any(|m| names(text, m))
}

/// The lines of a multi-line paragraph or item, as paragraphs of their own
/// (for remaining-risk detection only: paragraphs are never evidence).
fn push_lazy_lines(text: &str, records: &mut Vec<Record>) {
    if !text.trim().contains('\n') {
        return;
    }
    for line in text.split('\n') {
        let t = normalise(line);
        if !t.is_empty() {
            records.push(Record {
                kind: Kind::Paragraph,
                text: t,
            });
        }
    }
}

/// Lowercase, drop backticks, collapse all (Unicode) whitespace to single spaces.
fn normalise(s: &str) -> String {
    let lower = s.replace('`', " ").to_lowercase();
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether text starts with a command-line flag (`-x`, `--release`).
fn is_flag(t: &str) -> bool {
    let mut c = t.chars();
    c.next() == Some('-') && c.next().is_some_and(|n| n == '-' || n.is_alphanumeric())
}

/// Whether `haystack` names `needle` (both normalised): a substring match that does not
/// start or end in the middle of a word (so "npm run check" is not named by
/// "npm run checks").
fn names(haystack: &str, needle: &str) -> bool {
    let first_alnum = needle.chars().next().is_some_and(char::is_alphanumeric);
    let last_alnum = needle
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric);
    haystack.match_indices(needle).any(|(at, _)| {
        let before_ok = !first_alnum
            || !haystack[..at]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric);
        // Exact: `npm run check` is not named by `npm run check:quick` or
        // `npm run check-all`; sentence punctuation after it is fine.
        let after = &haystack[at + needle.len()..];
        let mut next = after.chars();
        let after_ok = match next.next() {
            None => true,
            // `cargo test --release` is another command than `cargo test`.
            Some(c) if c.is_whitespace() => !is_flag(after.trim_start()),
            Some(',' | ';' | ')' | ']' | '"' | '\'') => true,
            Some('.' | ':' | '!' | '?') => next.next().is_none_or(char::is_whitespace),
            Some(c) => {
                !last_alnum || !(c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '=' | '@'))
            }
        };
        before_ok && after_ok
    })
}

const PASS_SYMBOLS: &[&str] = &[
    "✅",
    "✔",
    "✓",
    "☑",
    ":white_check_mark:",
    ":heavy_check_mark:",
    ":ballot_box_with_check:",
];
const FAIL_SYMBOLS: &[&str] = &[
    "❌",
    "✗",
    "✘",
    "✖",
    "❎",
    ":x:",
    ":heavy_multiplication_x:",
    ":negative_squared_cross_mark:",
];
const PASS_WORDS: &[&str] = &[
    "pass", "passed", "ok", "yes", "done", "success", "green", "[x]",
];
const FAIL_WORDS: &[&str] = &["fail", "failed", "no", "error", "red"];

/// Mark of a normalised table cell. Symbols count anywhere in the cell; words only
/// when they are the whole cell (ignoring trailing `.`/`!`). Fail wins over pass.
fn cell_mark(cell: &str) -> Mark {
    let word = cell.trim().trim_end_matches(['.', '!']).trim();
    if FAIL_SYMBOLS.iter().any(|s| cell.contains(s)) || FAIL_WORDS.contains(&word) {
        Mark::Fail
    } else if PASS_SYMBOLS.iter().any(|s| cell.contains(s)) || PASS_WORDS.contains(&word) {
        Mark::Pass
    } else {
        Mark::None
    }
}

/// Update the "inside an HTML comment" state across a chunk of raw HTML.
fn scan_comment(html: &str, mut in_comment: bool) -> bool {
    let mut rest = html;
    loop {
        if in_comment {
            match rest.find("-->") {
                Some(i) => {
                    in_comment = false;
                    rest = &rest[i + 3..];
                }
                None => return true,
            }
        } else {
            match rest.find("<!--") {
                Some(i) => {
                    rest = &rest[i + 4..];
                    // `<!-->` and `<!--->` are complete (empty) comments.
                    if let Some(r) = rest.strip_prefix('>') {
                        rest = r;
                    } else if let Some(r) = rest.strip_prefix("->") {
                        rest = r;
                    } else {
                        in_comment = true;
                    }
                }
                None => return false,
            }
        }
    }
}

#[cfg(test)]
mod strict_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use EvidenceStatus::*;

    fn crlf(lf: &str) -> String {
        lf.split('\n').collect::<Vec<_>>().join("\r\n")
    }

    #[test]
    fn checked_item_passes() {
        let e = read_body("## Verification\n\n- [x] npm run check\n- [X] cargo test\n");
        assert_eq!(e.status("npm run check"), Passed);
        assert_eq!(e.status("cargo test"), Passed);
    }

    #[test]
    fn unchecked_item_is_unchecked() {
        let e = read_body("- [ ] npm run check\n");
        assert_eq!(e.status("npm run check"), Unchecked);
    }

    #[test]
    fn missing_when_nothing_names_it() {
        let e = read_body("- [x] cargo test\n");
        assert_eq!(e.status("npm run check"), Missing);
        assert_eq!(read_body("").status("npm run check"), Missing);
        assert_eq!(e.status("   "), Missing);
    }

    #[test]
    fn checked_beats_unchecked() {
        let e = read_body("- [ ] npm run check\n- [x] npm run check\n");
        assert_eq!(e.status("npm run check"), Passed);
    }

    #[test]
    fn backticks_on_either_side() {
        let e = read_body("- [x] `npm run check` passes\n");
        assert_eq!(e.status("npm run check"), Passed);
        assert_eq!(e.status("`npm run check`"), Passed);
        let e = read_body("- [x] npm run check\n");
        assert_eq!(e.status("`npm run check`"), Passed);
    }

    #[test]
    fn whitespace_and_case_differences() {
        let e = read_body("- [x] Ran   NPM  Run\n  check locally\n");
        assert_eq!(e.status("npm run check"), Passed);
        assert_eq!(e.status("  NPM\trun   CHECK "), Passed);
    }

    #[test]
    fn word_boundaries_respected() {
        let e = read_body("- [x] npm run checks\n- [x] cargo test: ok\n");
        assert_eq!(e.status("npm run check"), Missing);
        assert_eq!(e.status("cargo test"), Passed);
    }

    #[test]
    fn headings_with_hashes_in_check() {
        let e = read_body("- [x] Markdown post page still renders TOC for `##` and `###`\n");
        assert_eq!(
            e.status("Markdown post page still renders TOC for ## and ###"),
            Passed
        );
    }

    #[test]
    fn nested_list_item() {
        let body = "- Checks\n  - [x] npm run check\n    1. [ ] cargo test\n- [x] outer\n  - plain nested\n";
        let e = read_body(body);
        assert_eq!(e.status("npm run check"), Passed);
        assert_eq!(e.status("cargo test"), Unchecked);
        // A nested non-task item does not inherit the parent's checkbox.
        assert_eq!(e.status("plain nested"), Missing);
    }

    #[test]
    fn loose_list_and_blockquote() {
        let e = read_body("- [x] npm run check\n\n- [ ] cargo test\n\n> - [x] quoted check\n");
        assert_eq!(e.status("npm run check"), Passed);
        assert_eq!(e.status("cargo test"), Unchecked);
        assert_eq!(e.status("quoted check"), Passed);
    }

    #[test]
    fn crlf_matches_lf() {
        let lf = "## Verification\n\n- [x] `npm run check`\n- [ ] cargo test\n\n| Check | Result |\n|---|---|\n| lint | ✅ |\n| e2e | ❌ |\n\n<!--\n- [x] hidden\n-->\n\n```\n- [x] fenced\n```\n\n## Remaining risk\n\nNone known.\n";
        let crlf_body = crlf(lf);
        assert!(crlf_body.contains("\r\n"));
        let (a, b) = (read_body(lf), read_body(&crlf_body));
        for check in [
            "npm run check",
            "cargo test",
            "lint",
            "e2e",
            "hidden",
            "fenced",
            "absent",
        ] {
            assert_eq!(a.status(check), b.status(check), "{check}");
        }
        assert_eq!(b.status("npm run check"), Passed);
        assert_eq!(b.status("cargo test"), Unchecked);
        assert_eq!(b.status("lint"), Passed);
        assert_eq!(b.status("e2e"), Failed);
        assert_eq!(b.status("hidden"), Missing);
        assert_eq!(b.status("fenced"), Missing);
        assert!(a.has_remaining_risk());
        assert!(b.has_remaining_risk());
    }

    #[test]
    fn block_comment_does_not_count() {
        let body = "<!--\nTemplate:\n\n- [x] npm run check\n-->\n- [ ] cargo test\n";
        let e = read_body(body);
        assert_eq!(e.status("npm run check"), Missing);
        assert_eq!(e.status("cargo test"), Unchecked);
        assert_eq!(read_body(&crlf(body)).status("npm run check"), Missing);
    }

    #[test]
    fn inline_comment_does_not_count() {
        let e =
            read_body("- [x] docs <!-- npm run\n  check -->\n- [x] lint <!-- x --> cargo test\n");
        assert_eq!(e.status("npm run check"), Missing);
        assert_eq!(e.status("docs"), Passed);
        assert_eq!(e.status("cargo test"), Passed);
    }

    #[test]
    fn comment_opened_in_html_block_hides_following_markdown() {
        // The comment starts in an HTML block that ends at the blank line; the
        // browser still hides everything until a raw `-->`.
        let body =
            "<details>\n<!-- draft\n\n- [x] npm run check\n\n</details> -->\n\n- [x] cargo test\n";
        let e = read_body(body);
        assert_eq!(e.status("npm run check"), Missing);
        assert_eq!(e.status("cargo test"), Passed);
    }

    #[test]
    fn fenced_and_indented_code_do_not_count() {
        let e = read_body("```md\n- [x] npm run check\n```\n\n    - [x] cargo test\n");
        assert_eq!(e.status("npm run check"), Missing);
        assert_eq!(e.status("cargo test"), Missing);
    }

    #[test]
    fn plain_paragraph_does_not_count() {
        let e = read_body("I ran npm run check and it passed ✅.\n");
        assert_eq!(e.status("npm run check"), Missing);
    }

    #[test]
    fn table_rows() {
        let body = "| Check | Result | Notes |\n|---|---|---|\n| `npm run check` | ✅ | |\n| cargo test | ❌ | flaky |\n| lint | | |\n| fmt | Passed | |\n| e2e | it passed on retry | |\n| docs | ✔️ | |\n| build | [x] | |\n| audit | no | |\n";
        let e = read_body(body);
        assert_eq!(e.status("npm run check"), Passed);
        assert_eq!(e.status("cargo test"), Failed);
        assert_eq!(e.status("lint"), Missing);
        assert_eq!(e.status("fmt"), Passed);
        assert_eq!(e.status("e2e"), Missing);
        assert_eq!(e.status("docs"), Passed);
        assert_eq!(e.status("build"), Passed);
        assert_eq!(e.status("audit"), Failed);
        // The header row is not evidence.
        assert_eq!(e.status("result"), Missing);
    }

    #[test]
    fn failed_wins_over_passed() {
        let body = "- [x] npm run check\n\n| Check | Result |\n|---|---|\n| npm run check | ❌ |\n";
        assert_eq!(read_body(body).status("npm run check"), Failed);
        let row = "| check | a | b |\n|---|---|---|\n| npm run check | ✅ | fail |\n";
        assert_eq!(read_body(row).status("npm run check"), Failed);
    }

    #[test]
    fn mark_in_same_cell_as_check_does_not_count() {
        let e = read_body("| Check | Notes |\n|---|---|\n| ✅ npm run check | |\n");
        assert_eq!(e.status("npm run check"), Missing);
    }

    #[test]
    fn remaining_risk_heading_with_content() {
        let e = read_body("## Summary\n\nStuff.\n\n## Remaining risk\n\n- cache may be stale\n");
        assert!(e.has_remaining_risk());
        let e = read_body("### Risks\nLow: only docs changed.\n## Other\n");
        assert!(e.has_remaining_risk());
    }

    #[test]
    fn remaining_risk_heading_without_content() {
        assert!(
            !read_body("## Remaining risk\n\n## Next steps\n\nShip it.\n").has_remaining_risk()
        );
        assert!(!read_body("## Remaining risk\n").has_remaining_risk());
        // A template placeholder comment is not content.
        assert!(
            !read_body("## Remaining risk\n<!-- describe what could break -->\n\n## Notes\n")
                .has_remaining_risk()
        );
        // A sub-heading alone is not content, but content under it is.
        assert!(!read_body("## Risks\n### Details\n## Next\n").has_remaining_risk());
        assert!(read_body("## Risks\n### Details\nflaky CI\n## Next\n").has_remaining_risk());
    }

    #[test]
    fn remaining_risk_statement() {
        assert!(read_body("Remaining risk: none known").has_remaining_risk());
        assert!(read_body("- **Risk:** migration is irreversible\n").has_remaining_risk());
        assert!(!read_body("Remaining risk:\n").has_remaining_risk());
        assert!(!read_body("<!-- Remaining risk: none -->\n").has_remaining_risk());
    }

    #[test]
    fn no_remaining_risk_section() {
        assert!(
            !read_body("## Summary\n\nAdds a flag.\n\n- [x] npm run check\n").has_remaining_risk()
        );
        // "Asterisk" is not "risk".
        assert!(!read_body("## Asterisk handling\n\nDone.\n").has_remaining_risk());
        assert!(!read_body("").has_remaining_risk());
    }

    #[test]
    fn pr_notes_check_kind() {
        assert!(is_pr_notes_check(
            "PR notes include commands run and remaining risk"
        ));
        assert!(is_pr_notes_check("Remaining   Risk documented"));
        assert!(!is_pr_notes_check("npm run check"));
    }

    #[test]
    fn real_github_body_hub_1535() {
        let body = "Update the `hub issue` command to allow filtering by labels\r\n\r\n- [x] Allow `hub issue -l bug` \r\n- [ ] docs";
        let e = read_body(body);
        assert_eq!(e.status("Allow hub issue -l bug"), Passed);
        assert_eq!(e.status("docs"), Unchecked);
        assert_eq!(e.status("filtering by labels"), Missing);
        assert!(!e.has_remaining_risk());
    }
}
