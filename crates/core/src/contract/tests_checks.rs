//! Contradictions, line accounting and diagnostic codes, asserted by code.

use super::*;

const WT: &str =
    "## Worktrees\n- w1 branch: agents/a agent: ann\n- w2 branch: agents/b agent: bob\n";

fn codes(c: &Contract, sev: Severity) -> Vec<(Code, u32)> {
    c.diagnostics
        .iter()
        .filter(|d| d.severity == sev)
        .map(|d| (d.code, c.line_of(d.span.start)))
        .collect()
}

fn with_scope(scope: &str) -> Contract {
    parse("c.md", &format!("# C\n{WT}## Scope\n{scope}"))
}

#[test]
fn overlapping_globs_are_an_error() {
    let c = with_scope("- ann: src/api/**\n- bob: src/api/uploads/**\n");
    assert_eq!(codes(&c, Severity::Error), [(Code::ScopeOverlap, 7)]);
    assert!(c.diagnostics[0]
        .message
        .contains("both match `src/api/uploads/x`"));
}

#[test]
fn literal_dir_and_file_under_it_overlap() {
    let c = with_scope("- ann: src/api\n- bob: src/api/router.ts\n");
    assert_eq!(codes(&c, Severity::Error), [(Code::ScopeOverlap, 7)]);
}

#[test]
fn glob_and_literal_overlap() {
    let c = with_scope("- ann: src/**/*.ts\n- bob: src/api/router.ts\n");
    assert_eq!(codes(&c, Severity::Error), [(Code::ScopeOverlap, 7)]);
    let c = with_scope("- ann: src/**/*.ts\n- bob: src/api/**\n");
    assert_eq!(codes(&c, Severity::Error), [(Code::ScopeOverlap, 7)]);
}

#[test]
fn disjoint_globs_do_not_overlap() {
    let c = with_scope("- ann: src/**/*.ts\n- bob: src/**/*.css, src/api/x.json\n");
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
}

#[test]
fn shared_file_with_one_owner_may_be_in_two_scopes() {
    let src = format!("# C\n{WT}## Scope\n- ann: src/api/**\n- bob: src/api/router.ts\n## Shared state\n- src/api/router.ts: ann owns\n");
    let c = parse("c.md", &src);
    assert!(!c.has_errors(), "{:#?}", c.diagnostics);
}

#[test]
fn base_tree_files_matched_by_two_scopes() {
    let c = with_scope("- ann: src/*/index.ts\n- bob: src/*/index.*\n");
    // Patterns alone: the sample `src/x/index.ts` is matched by both.
    assert_eq!(codes(&c, Severity::Error), [(Code::ScopeOverlap, 7)]);
    let c = with_scope("- ann: '**/*.md'\n- bob: docs/**\n");
    let files = vec!["docs/guide.md".to_string(), "README.md".to_string()];
    let d = unmatched_pattern_warnings(&c, &files);
    let errs: Vec<_> = d
        .iter()
        .filter(|d| d.code == Code::ScopeOverlap)
        .map(|d| d.message.as_str())
        .collect();
    assert!(errs.len() <= 1, "{errs:?}");
}

#[test]
fn agent_without_scope_when_there_is_a_scope_section() {
    let c = with_scope("- ann: src/a/**\n");
    assert_eq!(codes(&c, Severity::Error), [(Code::AgentWithoutScope, 4)]);
}

#[test]
fn merge_order_omitting_an_agent_warns_and_twice_errs() {
    let c = parse(
        "c.md",
        &format!("# C\n{WT}## Scope\n- ann: a/**\n- bob: b/**\n## Merge order\n1. ann\n"),
    );
    assert_eq!(
        codes(&c, Severity::Warning),
        [(Code::MergeOrderIncomplete, 9)]
    );
    assert!(!c.has_errors());
    let c = parse(
        "c.md",
        &format!("# C\n{WT}## Scope\n- ann: a/**\n- bob: b/**\n## Merge order\nann → bob → ann\n"),
    );
    assert_eq!(codes(&c, Severity::Error), [(Code::MergeOrderDuplicate, 9)]);
}

#[test]
fn unreadable_lines_fail_closed_and_prose_is_a_note() {
    let src = format!(
        "# C\n{WT}## Scope\n- ann: a/**\n- bob: b/**\n\nAsk the planner before widening a scope.\nsee src/x for the rest\n## Merge order\n- whoever is ready first after ann\n"
    );
    let c = parse("c.md", &src);
    assert_eq!(
        codes(&c, Severity::Error),
        [(Code::UnreadableLine, 10), (Code::UnreadableLine, 12)]
    );
    assert_eq!(c.notes, ["Ask the planner before widening a scope."]);
    assert_eq!(
        c.lines,
        LineStats {
            read: 4,
            notes: 1,
            refused: 2
        }
    );
}

#[test]
fn unknown_section_naming_agents_with_paths_or_arrows_warns() {
    let src = format!("# C\n{WT}## Scope\n- ann: a/**\n- bob: b/**\n## Who lands when\nann → bob\n## Files\n- ann edits docs/x.md\n");
    let c = parse("c.md", &src);
    let w: Vec<_> = c
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code,
                c.line_of(d.span.start),
                d.message.contains("did you mean `## Merge order`"),
                d.message.contains("`## Scope`"),
            )
        })
        .collect();
    assert_eq!(
        w,
        [
            (Code::MisplacedSection, 8, true, false),
            (Code::MisplacedSection, 10, false, true)
        ]
    );
}

#[test]
fn codes_are_unique_and_documented_in_the_readme() {
    let readme = include_str!("../../../../README.md");
    let mut seen = std::collections::HashSet::new();
    for code in Code::ALL {
        assert!(seen.insert(code.code()), "{code} twice");
        assert!(seen.insert(code.id()), "{code} id twice");
        let row = format!(
            "| `{}` | `{}` | {} |",
            code.code(),
            code.id(),
            code.description()
        );
        assert!(readme.contains(&row), "README lacks the row:\n{row}");
    }
}

/// Past the documented limits a contract is refused with CG026 and no model
/// (so nothing slow is compiled), never read for minutes.
#[test]
fn contracts_past_the_limits_are_refused() {
    let big = "x".repeat(MAX_CONTRACT_BYTES + 1);
    let c = parse("c.md", &big);
    assert_eq!(c.diagnostics.len(), 1);
    assert_eq!(c.diagnostics[0].code, Code::TooLarge);
    assert!(c.agents.is_empty());

    let pats: Vec<String> = (0..=MAX_PATTERNS)
        .map(|i| format!("`src/f{i}.ts`"))
        .collect();
    let src = format!(
        "## Worktrees\n- w branch: b agent: a\n## Scope\n- a: {}\n",
        pats.join(", ")
    );
    let c = parse("c.md", &src);
    assert_eq!(c.diagnostics.len(), 1, "{:?}", c.diagnostics.first());
    assert_eq!(c.diagnostics[0].code, Code::TooLarge);
    assert!(c.diagnostics[0].message.contains("50001 patterns"));
    assert!(c.agents.is_empty());
}

#[test]
fn approvers_section_names_users_and_teams() {
    let src = "# C\n\n## Worktrees\n- wt-a branch: agents/a agent: agent-1\n\n## Scope\n- agent-1: src/**\n\n## Approvers\n- @octocat (integration owner)\n- @acme/Release-Team, @hubot\n- whoever is on call\n";
    let c = parse("c.md", src);
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    let named: Vec<String> = c.approvers.iter().map(|a| a.to_string()).collect();
    assert_eq!(named, ["@octocat", "@acme/release-team", "@hubot"]);
    assert!(c.notes.iter().any(|n| n.contains("whoever is on call")));
    // A section that names nobody is an error: every approval would count.
    let c = parse(
        "c.md",
        &src.replace(
            "- @octocat (integration owner)\n- @acme/Release-Team, @hubot\n",
            "",
        ),
    );
    assert!(
        c.diagnostics
            .iter()
            .any(|d| d.code == Code::NoApprovers && d.severity == Severity::Error),
        "{:?}",
        c.diagnostics
    );
}
