//! The verification matrix's CI mapping: a `CI check` column or a
//! `(ci: name)` suffix.

use super::*;

const HEAD: &str = "# C\n\n## Worktrees\n- wt-a  branch: agents/a  agent: agent-1\n\n";

#[test]
fn ci_check_column_names_the_ci_check_and_is_not_an_agent_column() {
    let src = format!(
        "{HEAD}## Verification matrix\n\n| Check | CI check | agent-1 |\n|---|---|---|\n| `npm run check` | build | Required |\n| `npm test` | — | Required |\n"
    );
    let c = parse("c.md", &src);
    assert_eq!(c.matrix_columns, vec!["agent-1".to_string()]);
    assert_eq!(c.matrix[0].check, "npm run check");
    assert_eq!(c.matrix[0].ci.as_deref(), Some("build"));
    assert_eq!(c.matrix[0].required, vec![true]);
    assert_eq!(c.matrix[1].ci, None);
    assert!(c
        .diagnostics
        .iter()
        .all(|d| d.code != Code::MatrixUnknownColumn));
}

#[test]
fn ci_column_may_be_headed_ci_and_sit_last() {
    let src = format!(
        "{HEAD}## Verification matrix\n\n| Check | agent-1 | CI |\n|---|---|---|\n| `cargo test` | Not required | CI / test |\n"
    );
    let c = parse("c.md", &src);
    assert_eq!(c.matrix_columns, vec!["agent-1".to_string()]);
    assert_eq!(c.matrix[0].required, vec![false]);
    assert_eq!(c.matrix[0].ci.as_deref(), Some("CI / test"));
}

#[test]
fn ci_suffix_after_the_check_text_names_the_ci_check() {
    let src = format!(
        "{HEAD}## Verification matrix\n\n| Check | agent-1 |\n|---|---|\n| `npm run check` (ci: build) | Required |\n| `npm test` (fast) | Required |\n"
    );
    let c = parse("c.md", &src);
    assert_eq!(c.matrix[0].check, "npm run check");
    assert_eq!(c.matrix[0].ci.as_deref(), Some("build"));
    assert_eq!(c.matrix[1].check, "npm test (fast)");
    assert_eq!(c.matrix[1].ci, None);
}
