use super::*;
use crate::change::{AgentMerge, ChangeStatus, ChangedFile, Removals};
use crate::contract::parse;
use crate::verdict::{Conclusion, StepState};

const UPLOADS: &str = include_str!("../../../../fixtures/contracts/uploads.md");
pub(super) const BLOG: &str = include_str!("../../../../fixtures/contracts/blog-discovery.md");

pub(super) fn uploads() -> Vec<Contract> {
    vec![parse("CONTRACT.md", UPLOADS)]
}

pub(super) fn pr(branch: &str, files: Vec<ChangedFile>) -> PrSnapshot {
    PrSnapshot {
        branch: branch.into(),
        base: "main".into(),
        body: None,
        files,
        files_truncated: None,
        interface: Vec::new(),
    }
}

pub(super) fn m(path: &str) -> ChangedFile {
    let mut f = ChangedFile::new(path, ChangeStatus::Modified);
    f.removals = Removals::Known(vec![]);
    f
}

pub(super) fn merged(names: &[&str]) -> MergeState {
    names
        .iter()
        .map(|n| {
            (
                n.to_string(),
                AgentMerge {
                    merged_into_base: Some(format!("{n} tip")),
                    in_head: true,
                    pull: Default::default(),
                },
            )
        })
        .collect()
}

fn rules(v: &Verdict) -> Vec<(Rule, Option<&str>, Option<u32>)> {
    v.findings
        .iter()
        .filter(|f| f.level == Level::Failure)
        .map(|f| (f.rule, f.path.as_deref(), f.line))
        .collect()
}

fn run(contracts: &[Contract], pr: &PrSnapshot, merge: &MergeState) -> Verdict {
    evaluate(contracts, pr, merge, &Options::default())
}

#[test]
fn first_agent_in_scope_passes() {
    let v = run(
        &uploads(),
        &pr(
            "agents/migrations",
            vec![m("src/db/migrations/001.sql"), m("src/db/schema.ts")],
        ),
        &MergeState::new(),
    );
    assert_eq!(rules(&v), []);
    assert_eq!(v.conclusion, Conclusion::Success);
    assert_eq!(v.agent.as_deref(), Some("agent-2"));
    assert_eq!(v.contract.as_deref(), Some("CONTRACT.md"));
}

#[test]
fn scope_shared_state_and_contract_edit() {
    let v = run(
        &uploads(),
        &pr(
            "agents/migrations",
            vec![
                m("src/api/uploads/x.ts"),
                m("package.json"),
                m("tsconfig.json"),
                m("CONTRACT.md"),
                m(".github/workflows/ci.yml"),
            ],
        ),
        &MergeState::new(),
    );
    assert_eq!(
        rules(&v),
        [
            (Rule::ContractEdit, Some("CONTRACT.md"), None),
            (Rule::ContractEdit, Some(".github/workflows/ci.yml"), None),
            (Rule::SharedState, Some("package.json"), None),
            (Rule::SharedState, Some("tsconfig.json"), None),
            (Rule::Scope, Some("src/api/uploads/x.ts"), None),
        ]
    );
    let scope = v.findings.iter().find(|f| f.rule == Rule::Scope).unwrap();
    assert!(
        scope.message.contains("owned by agent-1"),
        "{}",
        scope.message
    );
    // The structured fields hold what the message says, for code to read.
    assert_eq!(scope.change, Some(crate::change::ChangeStatus::Modified));
    let reason = scope.reason.as_deref().unwrap();
    assert!(reason.starts_with("outside what ") && reason.ends_with("(owned by agent-1)"));
    assert_eq!(scope.message, format!("modified; {reason}"));
    assert_eq!(v.conclusion, Conclusion::Failure);
}

#[test]
fn shared_owner_may_edit_its_file() {
    let v = run(
        &uploads(),
        &pr(
            "agents/uploads",
            vec![m("package.json"), m("src/api/uploads/a.ts")],
        ),
        &merged(&["agent-2"]),
    );
    assert_eq!(rules(&v), []);
}

#[test]
fn additions_only_lines_and_fail_closed() {
    let mut changed = m("src/api/router.ts");
    changed.removals = Removals::Known(vec![7, 12]);
    let v = run(
        &uploads(),
        &pr("agents/uploads", vec![changed]),
        &merged(&["agent-2"]),
    );
    assert_eq!(
        rules(&v),
        [
            (Rule::AdditionsOnly, Some("src/api/router.ts"), Some(7)),
            (Rule::AdditionsOnly, Some("src/api/router.ts"), Some(12)),
        ]
    );
    let mut unknown = m("src/api/router.ts");
    unknown.removals = Removals::Unavailable("binary file".into());
    let v = run(
        &uploads(),
        &pr("agents/uploads", vec![unknown]),
        &merged(&["agent-2"]),
    );
    assert_eq!(
        rules(&v),
        [(Rule::AdditionsOnly, Some("src/api/router.ts"), None)]
    );
    assert!(v.findings[0].message.contains("binary file"));
    // Pure additions pass.
    let v = run(
        &uploads(),
        &pr("agents/uploads", vec![m("src/api/router.ts")]),
        &merged(&["agent-2"]),
    );
    assert_eq!(rules(&v), []);
}

#[test]
fn renames_count_under_both_names_and_deletions_count() {
    let mut r = ChangedFile::new("src/db/migrations/002.sql", ChangeStatus::Renamed);
    r.previous_path = Some("src/api/uploads/old.sql".into());
    let d = ChangedFile::new("README.md", ChangeStatus::Deleted);
    let v = run(
        &uploads(),
        &pr("agents/migrations", vec![r, d]),
        &MergeState::new(),
    );
    assert_eq!(
        rules(&v),
        [
            (Rule::SharedState, Some("README.md"), None),
            (Rule::Scope, Some("src/api/uploads/old.sql"), None),
        ]
    );
    let mut away = ChangedFile::new("src/api/uploads/router.ts", ChangeStatus::Renamed);
    away.previous_path = Some("src/api/router.ts".into());
    let v = run(
        &uploads(),
        &pr("agents/uploads", vec![away]),
        &merged(&["agent-2"]),
    );
    assert_eq!(
        rules(&v),
        [(Rule::AdditionsOnly, Some("src/api/router.ts"), None)]
    );
}

#[test]
fn merge_order_waits_then_stale_base_then_passes() {
    let p = pr("agents/tests", vec![m("tests/uploads/a.test.ts")]);
    let v = run(&uploads(), &p, &MergeState::new());
    assert_eq!(
        rules(&v),
        [
            (Rule::MergeOrder, None, None),
            (Rule::MergeOrder, None, None)
        ]
    );
    assert!(v
        .findings
        .iter()
        .any(|f| f.message.contains("waiting on agent-2")));
    assert!(v
        .findings
        .iter()
        .any(|f| f.message.contains("waiting on agent-1")));

    let mut state = merged(&["agent-2", "agent-1"]);
    state.get_mut("agent-1").unwrap().in_head = false;
    let v = run(&uploads(), &p, &state);
    assert_eq!(rules(&v), [(Rule::StaleBase, None, None)]);
    assert!(v.findings[0].message.contains("rebase onto main"));

    let v = run(&uploads(), &p, &merged(&["agent-2", "agent-1"]));
    assert_eq!(rules(&v), []);
    let states: Vec<_> = v.merge_progress.iter().map(|s| s.state).collect();
    assert_eq!(
        states,
        [StepState::Merged, StepState::Merged, StepState::This]
    );
}

#[test]
fn unassigned_is_neutral_or_blocked() {
    let p = pr("feature/x", vec![m("anything")]);
    let v = run(&uploads(), &p, &MergeState::new());
    assert_eq!(v.conclusion, Conclusion::Neutral);
    assert_eq!(v.findings[0].rule, Rule::UnassignedBranch);
    assert_eq!(v.findings[0].level, Level::Notice);
    let opts = Options {
        unassigned: Unassigned::Block,
        ..Options::default()
    };
    let v = evaluate(&uploads(), &p, &MergeState::new(), &opts);
    assert_eq!(v.conclusion, Conclusion::Failure);
}

#[test]
fn lookalike_branch_fails_whatever_unassigned_says() {
    for branch in ["agents/upload", "agents/uplaods", "agents/something-else"] {
        let p = pr(branch, vec![m("src/api/uploads/a.ts")]);
        let v = run(&uploads(), &p, &MergeState::new());
        assert_eq!(v.conclusion, Conclusion::Failure, "{branch}");
        assert_eq!(rules(&v), [(Rule::UnassignedBranch, None, None)]);
        if branch != "agents/something-else" {
            assert!(
                v.findings[0]
                    .message
                    .ends_with("did you mean `agents/uploads` (agent-1)?"),
                "{}",
                v.findings[0].message
            );
        }
    }
    // Unrelated human branches stay neutral.
    for branch in ["feature/uploads", "main-fix", "docs"] {
        let v = run(&uploads(), &pr(branch, vec![m("a")]), &MergeState::new());
        assert_eq!(v.conclusion, Conclusion::Neutral, "{branch}");
    }
}

#[test]
fn no_body_fails_each_required_check() {
    let c = vec![parse("blog.md", BLOG)];
    let mut p = pr(
        "agent/metadata-filter-contract",
        vec![m("src/content/config.ts")],
    );
    p.base = "integration/blog-discovery".into();
    let v = run(&c, &p, &MergeState::new());
    let ev: Vec<_> = v
        .findings
        .iter()
        .filter(|f| f.rule == Rule::Evidence)
        .map(|f| (f.level, f.message.contains("pass `--body FILE`")))
        .collect();
    assert_eq!(ev, [(Level::Failure, true); 3]);
    assert_eq!(v.evidence.len(), 3);
    assert!(v.evidence.iter().all(|r| !r.found));
}

fn blog_pr(branch: &str, base: &str, files: Vec<ChangedFile>, body: &str) -> PrSnapshot {
    PrSnapshot {
        branch: branch.into(),
        base: base.into(),
        body: Some(body.into()),
        files,
        files_truncated: None,
        interface: Vec::new(),
    }
}

const GOOD_BODY: &str = "## Checks\r\n- [x] `npm run check`\r\n- [x] ASTRO_TELEMETRY_DISABLED=1 npm run build\r\n\r\n## Remaining risk\r\nNone known.\r\n";

#[test]
fn blog_agent_cannot_touch_base_branch_and_evidence() {
    let blog = vec![parse("blog.md", BLOG)];
    let ok = blog_pr(
        "agent/metadata-filter-contract",
        "integration/blog-discovery",
        vec![m("src/content/config.ts")],
        GOOD_BODY,
    );
    let v = run(&blog, &ok, &MergeState::new());
    assert_eq!(rules(&v), []);
    assert_eq!(v.evidence.len(), 3);

    let bad = blog_pr(
        "agent/metadata-filter-contract",
        "main",
        vec![m("src/layouts/BaseLayout.astro")],
        "- [ ] npm run check\n",
    );
    let v = run(&blog, &bad, &MergeState::new());
    assert_eq!(
        rules(&v),
        [
            (Rule::BaseBranch, None, None),
            (
                Rule::CannotTouch,
                Some("src/layouts/BaseLayout.astro"),
                None
            ),
            (Rule::Evidence, None, None),
            (Rule::Evidence, None, None),
            (Rule::Evidence, None, None),
        ]
    );
}

#[test]
fn integrator_needs_every_agent_and_owned_paths() {
    let blog = vec![parse("blog.md", BLOG)];
    let body = "- [x] npm run check\n- [x] ASTRO_TELEMETRY_DISABLED=1 npm run build\n- [x] Blog index search still filters by text and tag\n- [x] Markdown post page still renders TOC for `##` and `###`\n- [x] Mermaid blocks still target `pre[data-language='mermaid']`\n\n## Remaining risk\nlow\n";
    let p = blog_pr(
        "integration/blog-discovery",
        "main",
        vec![
            m("src/content/config.ts"),
            m("src/pages/blog/index.astro"),
            m("src/config/site.ts"),
        ],
        body,
    );
    let v = run(&blog, &p, &merged(&["Metadata agent", "Search agent"]));
    assert_eq!(v.agent.as_deref(), Some("Integrator"));
    assert_eq!(
        rules(&v),
        [
            (Rule::Scope, Some("src/config/site.ts"), None),
            (Rule::MergeOrder, None, None)
        ]
    );
    assert!(v
        .findings
        .iter()
        .any(|f| f.message.contains("Review agent")));
}

#[test]
fn invalid_contract_fails_closed() {
    let bad = parse(
        "CONTRACT.md",
        "## Worktrees\n- w branch: b agent: a\n## Scope\n- a: src/**\n## Merge order\n1. ghost\n",
    );
    let v = run(&[bad], &pr("b", vec![m("src/x")]), &MergeState::new());
    assert_eq!(
        rules(&v),
        [(Rule::ContractInvalid, Some("CONTRACT.md"), Some(6))]
    );
}

/// A Worktrees line the reader could not read may have been the one that
/// claims this branch: an unclaimed branch under a broken contract is
/// blocked, not NEUTRAL.
#[test]
fn a_broken_contract_blocks_even_an_unclaimed_branch() {
    for src in [
        "# Context contract\n",
        "## Worktrees\n- w branch: b agent: a\n## Scope\n- a: src/**\n## Merge order\n1. ghost\n",
    ] {
        let bad = parse("CONTRACT.md", src);
        let v = run(
            &[bad],
            &pr("agents/typo", vec![m("src/x")]),
            &MergeState::new(),
        );
        assert_eq!(v.conclusion, Conclusion::Failure, "{src}");
        let invalid: Vec<_> = rules(&v)
            .into_iter()
            .filter(|r| r.0 == Rule::ContractInvalid)
            .collect();
        assert_eq!(invalid.len(), 1, "{src}");
        assert_eq!(invalid[0].1, Some("CONTRACT.md"));
    }
}

#[test]
fn truncated_file_list_fails_closed() {
    let mut p = pr("agents/migrations", vec![m("src/db/schema.ts")]);
    p.files_truncated = Some("GitHub lists at most 3,000 files; this PR changes 3,412".into());
    let v = run(&uploads(), &p, &MergeState::new());
    assert_eq!(rules(&v), [(Rule::Incomplete, None, None)]);
}

#[test]
fn literal_bracket_paths() {
    let c = parse(
        "c.md",
        "## Worktrees\n- w branch: b agent: a\n## Scope\n- a: src/pages/blog/[...slug].astro\n",
    );
    let v = run(
        std::slice::from_ref(&c),
        &pr("b", vec![m("src/pages/blog/[...slug].astro")]),
        &MergeState::new(),
    );
    assert_eq!(rules(&v), []);
    let v = run(
        &[c],
        &pr("b", vec![m("src/pages/blog/s.astro")]),
        &MergeState::new(),
    );
    assert_eq!(
        rules(&v),
        [(Rule::Scope, Some("src/pages/blog/s.astro"), None)]
    );
}

/// Issue 12 §2: an approval of the current head lifts `needs-approval` to a
/// notice naming the approver; without one it fails.
#[test]
fn an_approval_turns_needs_approval_into_a_notice() {
    let c = parse(
        "CONTRACT.md",
        "## Worktrees\n- w branch: b agent: a\n## Scope\n- a: `package.json`, `package-lock.json`\n",
    );
    let p = pr("b", vec![m("package-lock.json")]);
    let v = run(std::slice::from_ref(&c), &p, &MergeState::new());
    assert_eq!(v.conclusion, Conclusion::Failure);
    assert_eq!(
        rules(&v),
        [(Rule::NeedsApproval, Some("package-lock.json"), None)]
    );
    let options = Options {
        approved_by: vec!["octocat".into()],
        ..Options::default()
    };
    let v = evaluate(&[c], &p, &MergeState::new(), &options);
    assert_eq!(v.conclusion, Conclusion::Success);
    let f = &v.findings[0];
    assert_eq!(f.level, crate::verdict::Level::Notice);
    assert_eq!(
        f.message,
        "package-lock.json is a lockfile: approved by @octocat on the current head"
    );
}

/// A shared-state finding quotes the contract's rule only when the rule
/// says more than the message: a glob, an exception, or more words.
#[test]
fn shared_state_quotes_the_rule_only_when_it_says_more() {
    let c = parse(
        "C.md",
        "# C\n## Worktrees\n- wt-a branch: agents/a agent: agent-a\n- wt-b branch: agents/b agent: agent-b\n\
         ## Scope\n- agent-a: src/a/**\n- agent-b: src/b/**\n## Shared state\n\
         - `README.md`: nobody edits.\n- `*.lock`: nobody edits.\n\
         - `package.json`: agent-b owns. Others ask agent-b for additions.\n",
    );
    assert!(!c.has_errors(), "{:#?}", c.diagnostics);
    let files = vec![m("README.md"), m("Cargo.lock"), m("package.json")];
    let v = run(&[c], &pr("agents/a", files), &MergeState::new());
    let msg = |p: &str| {
        v.findings
            .iter()
            .find(|f| f.path.as_deref() == Some(p))
            .map(|f| f.message.clone())
            .unwrap()
    };
    assert_eq!(msg("README.md"), "modified; shared file nobody edits");
    assert_eq!(
        msg("Cargo.lock"),
        "modified; shared file nobody edits (`*.lock`: nobody edits.)"
    );
    assert_eq!(
        msg("package.json"),
        "modified; shared file owned by agent-b (`package.json`: agent-b owns. Others ask agent-b for additions.)"
    );
}
