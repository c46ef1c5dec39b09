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

/// Two agents, for the list and column forms.
const TWO: &str = "# C\n\n## Worktrees\n- wt-a  branch: agents/a  agent: agent-1\n- wt-b  branch: agents/b  agent: agent-2\n\n";

fn codes(c: &Contract) -> Vec<(Code, Severity)> {
    c.diagnostics.iter().map(|d| (d.code, d.severity)).collect()
}

fn matrix(rows: &str) -> Contract {
    parse(
        "c.md",
        &format!("{HEAD}## Verification matrix\n\n| Check | agent-1 |\n|---|---|\n{rows}"),
    )
}

#[test]
fn ci_suffix_names_the_source_and_what_else_counts() {
    let c = matrix(
        "| `a` (ci: build) | Required |\n| `b` (ci: build, app: circleci-checks) | Required |\n| `c` (ci: ci/circleci, status) | Required |\n| `d` (CI: `test (ubuntu, 18)`, skipped ok, neutral ok) | Required |\n| `e` (ci: build, app: 18001) | Required |\n| `f` (ci: build, app: github-actions) | Required |\n",
    );
    assert_eq!(codes(&c), vec![]);
    let m = &c.matrix;
    assert_eq!(m[0].ci_source, CiSource::GithubActions);
    assert!(!m[0].skipped_ok && !m[0].neutral_ok);
    assert_eq!(m[1].ci.as_deref(), Some("build"));
    assert_eq!(m[1].ci_source, CiSource::App("circleci-checks".into()));
    assert_eq!(m[2].ci.as_deref(), Some("ci/circleci"));
    assert_eq!(m[2].ci_source, CiSource::Status);
    assert_eq!(m[3].check, "d");
    assert_eq!(m[3].ci.as_deref(), Some("test (ubuntu, 18)"));
    assert!(m[3].skipped_ok && m[3].neutral_ok);
    assert_eq!(m[4].ci_source, CiSource::App("18001".into()));
    assert_eq!(m[5].ci_source, CiSource::GithubActions);
}

#[test]
fn ci_and_source_columns_read_the_same_words() {
    let src = format!(
        "{HEAD}## Verification matrix\n\n| Check | CI check | Source | agent-1 |\n|---|---|---|---|\n| `a` | build, skipped ok | app: circleci-checks | Required |\n| `b` | ci/circleci | commit status | Required |\n| `c` | — | status | Required |\n| `d` | build | — | Required |\n"
    );
    let c = parse("c.md", &src);
    assert_eq!(codes(&c), vec![]);
    assert_eq!(c.matrix_columns, vec!["agent-1".to_string()]);
    let m = &c.matrix;
    assert_eq!(m[0].ci.as_deref(), Some("build"));
    assert_eq!(m[0].ci_source, CiSource::App("circleci-checks".into()));
    assert!(m[0].skipped_ok);
    assert_eq!(m[1].ci_source, CiSource::Status);
    // A source without a name applies to the implicit mapping.
    assert_eq!(
        (m[2].ci.as_deref(), &m[2].ci_source),
        (None, &CiSource::Status)
    );
    assert_eq!(m[3].ci_source, CiSource::GithubActions);
}

#[test]
fn every_word_of_a_ci_spec_is_understood_or_refused() {
    for bad in [
        "| `a` (ci: build, fast) | Required |\n",
        "| `a` (ci: ) | Required |\n",
        "| `a` (ci: build, app: circle ci) | Required |\n",
        "| `a` (ci: build, app: circleci-checks, status) | Required |\n",
        "| `a` (ci: build, status, skipped ok) | Required |\n",
        "| `a` (ci: build, skipped) | Required |\n",
    ] {
        let c = matrix(bad);
        assert_eq!(
            codes(&c),
            vec![(Code::MatrixCiUnreadable, Severity::Error)],
            "{bad}"
        );
        assert!(c.has_errors());
        assert_eq!(c.lines.refused, 1, "{bad}");
    }
    // The suffix and the column disagree on the name, or the source.
    for (cols, row) in [
        (
            "| Check | CI check | agent-1 |",
            "| `a` (ci: build) | test | Required |",
        ),
        (
            "| Check | Source | agent-1 |",
            "| `a` (ci: build, status) | app: circleci-checks | Required |",
        ),
        (
            "| Check | Source | agent-1 |",
            "| `a` | circleci | Required |",
        ),
    ] {
        let src = format!("{HEAD}## Verification matrix\n\n{cols}\n|---|---|---|\n{row}\n");
        let c = parse("c.md", &src);
        assert_eq!(
            codes(&c),
            vec![(Code::MatrixCiUnreadable, Severity::Error)],
            "{row}"
        );
    }
}

#[test]
fn a_list_under_a_matrix_heading_names_the_roles_of_each_check() {
    let src = format!(
        "{TWO}## Required checks\n\n- `npm test` (every agent)\n- `npm run lint` (agent-1, integrator)\n- `npm run build`\n- `cargo deny` (agent-2 and Integrator) (ci: deny, skipped ok)\n- `e2e` (ci: e2e) (everyone)\n- `docs` (**agent-2**)\n"
    );
    let c = parse("c.md", &src);
    assert_eq!(codes(&c), vec![]);
    assert_eq!(
        c.matrix_columns,
        vec!["agent-1".to_string(), "agent-2".into(), INTEGRATOR.into()]
    );
    let req: Vec<(&str, Vec<bool>)> = c
        .matrix
        .iter()
        .map(|r| (r.check.as_str(), r.required.clone()))
        .collect();
    assert_eq!(
        req,
        vec![
            ("npm test", vec![true, true, false]),
            ("npm run lint", vec![true, false, true]),
            ("npm run build", vec![true, true, true]),
            ("cargo deny", vec![false, true, true]),
            ("e2e", vec![true, true, true]),
            ("docs", vec![false, true, false]),
        ]
    );
    assert_eq!(c.matrix[3].ci.as_deref(), Some("deny"));
    assert!(c.matrix[3].skipped_ok);
    assert_eq!(c.matrix[4].ci.as_deref(), Some("e2e"));
    assert_eq!(c.lines.read, 2 + 6);
    let role: Vec<&str> = c
        .required_checks("agent-2")
        .iter()
        .map(|r| r.check.as_str())
        .collect();
    assert_eq!(role.len(), 5);
}

#[test]
fn a_list_item_parenthetical_outside_the_vocabulary_is_refused() {
    for bad in [
        "- `npm test` (fast)\n",
        "- `npm test` (agent-3)\n",
        "- `npm test` (unit) (every agent)\n",
        "- `npm test` ()\n",
        "- `npm test` (every agent) (agent-1)\n",
    ] {
        let c = parse(
            "c.md",
            &format!("{TWO}## Required checks\n\n- `npm run lint`\n{bad}"),
        );
        let got = codes(&c);
        assert!(
            got.contains(&(Code::MatrixItemRoles, Severity::Error)),
            "{bad}: {got:?}"
        );
        assert_eq!(c.lines.refused, 1, "{bad}");
    }
    let c = parse(
        "c.md",
        &format!("{TWO}## Required checks\n\n- `npm test` (every agent) (ci: test, quick)\n"),
    );
    assert!(codes(&c).contains(&(Code::MatrixCiUnreadable, Severity::Error)));
}

#[test]
fn a_matrix_list_or_prose_that_requires_nothing_is_an_error() {
    for body in ["Run the tests before you push.\n", "- `npm test` (fast)\n"] {
        let c = parse("c.md", &format!("{TWO}## Required checks\n\n{body}"));
        assert!(
            codes(&c).contains(&(Code::MatrixNothingRequired, Severity::Error)),
            "{body}: {:?}",
            codes(&c)
        );
    }
    // A table says it cell by cell: all "Not required" is allowed.
    let c = matrix("| `a` | Not required |\n");
    assert_eq!(codes(&c), vec![]);
}

#[test]
fn a_column_header_may_carry_a_note_after_the_agent() {
    let src = format!(
        "{TWO}## Verification matrix\n\n| Check | agent-1 (uploads) | **agent-2** (migrations) | Integrator (human) |\n|---|---|---|---|\n| `npm test` | Required | Not required | Required |\n"
    );
    let c = parse("c.md", &src);
    assert_eq!(codes(&c), vec![]);
    assert_eq!(
        c.matrix_columns,
        vec!["agent-1".to_string(), "agent-2".into(), INTEGRATOR.into()]
    );
    assert_eq!(c.required_checks("agent-1").len(), 1);
    assert_eq!(c.required_checks("agent-2").len(), 0);
}

#[test]
fn a_column_naming_an_agent_only_in_its_note_or_twice_is_an_error() {
    for header in [
        "| Check | Uploads (agent-1) | agent-2 |",
        "| Check | agent-1 | agent-1 (again) |",
    ] {
        let src = format!("{TWO}## Verification matrix\n\n{header}\n|---|---|---|\n| `npm test` | Required | Required |\n");
        let c = parse("c.md", &src);
        assert!(
            codes(&c).contains(&(Code::MatrixColumnUnclear, Severity::Error)),
            "{header}: {:?}",
            codes(&c)
        );
    }
    // A column that names nobody stays a warning.
    let src = format!("{TWO}## Verification matrix\n\n| Check | agent-1 | QA |\n|---|---|---|\n| `npm test` | Required | Required |\n");
    assert_eq!(
        codes(&parse("c.md", &src)),
        vec![(Code::MatrixUnknownColumn, Severity::Warning)]
    );
}

#[test]
fn a_second_matrix_is_refused() {
    let src = format!(
        "{TWO}## Verification matrix\n\n| Check | agent-1 |\n|---|---|\n| `npm test` | Required |\n\n## Required checks\n\n- `npm run lint` (every agent)\n"
    );
    let c = parse("c.md", &src);
    // Two sections of one kind: refused as such (CG030), nothing of the
    // second read.
    assert_eq!(codes(&c), vec![(Code::DuplicateSection, Severity::Error)]);
    assert_eq!(c.matrix.len(), 1);
    // A second matrix under a sub-heading of the one section.
    let src = format!(
        "{TWO}## Verification matrix\n\n| Check | agent-1 |\n|---|---|\n| `npm test` | Required |\n\n### More\n\n- `npm run lint` (every agent)\n"
    );
    let c = parse("c.md", &src);
    assert_eq!(codes(&c), vec![(Code::MatrixTwice, Severity::Error)]);
    assert_eq!(c.matrix.len(), 1);
}
