//! The reader's basic forms: task items, tables, comments, code, notes.

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
    let e = read_body("- [x] Ran   NPM  Run\n  check\n");
    assert_eq!(e.status("npm run check"), Passed);
    assert_eq!(e.status("  NPM\trun   CHECK "), Passed);
    // "locally" is not in the pass vocabulary: not counted, and quoted.
    let e = read_body("- [x] Ran npm run check locally\n");
    assert_eq!(
        e.reading("npm run check").reason.as_deref(),
        Some("is ticked, but the text after it, \"locally\", is not a pass")
    );
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
    let body =
        "- Checks\n  - [x] npm run check\n    1. [ ] cargo test\n- [x] outer\n  - plain nested\n";
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
        read_body("- [x] docs <!-- npm run\n  check -->\n- [x] cargo test <!-- wasn't run -->\n");
    assert_eq!(e.status("npm run check"), Missing);
    assert_eq!(e.status("docs"), Passed);
    // The comment is invisible when rendered, so invisible to the reader.
    assert_eq!(e.status("cargo test"), Passed);
    let e = read_body("- [x] lint <!-- x --> cargo test\n");
    assert_eq!(e.status("cargo test"), NotAPass);
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
    // Words in a result cell other than the pass vocabulary are not a pass.
    assert_eq!(e.status("e2e"), NotAPass);
    assert_eq!(e.status("docs"), Passed);
    assert_eq!(e.status("build"), NotAPass);
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
    assert!(!read_body("## Remaining risk\n\n## Next steps\n\nShip it.\n").has_remaining_risk());
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
    assert!(!read_body("## Summary\n\nAdds a flag.\n\n- [x] npm run check\n").has_remaining_risk());
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
