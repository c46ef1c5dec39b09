//! The evidence rule with CI results: evidenced, contradicted, waiting,
//! self-reported and offline rows.

use super::*;
use crate::change::{ChangeStatus, ChangedFile, Removals};
use crate::ci_evidence::{CiOrigin, CiResult, CiResults, CiState};
use crate::contract::parse;
use crate::verdict::Conclusion;

const CONTRACT: &str = "# C\n\n## Worktrees\n- wt-a  branch: agents/a  agent: agent-1\n\n## Scope\n- agent-1: src/**\n\n## Verification matrix\n\n| Check | CI check | agent-1 |\n|---|---|---|\n| `npm run check` | build | Required |\n| `npm test` | — | Required |\n";

fn snapshot(body: Option<&str>) -> PrSnapshot {
    let mut f = ChangedFile::new("src/a.ts", ChangeStatus::Modified);
    f.removals = Removals::Known(vec![]);
    PrSnapshot {
        branch: "agents/a".into(),
        base: "main".into(),
        body: body.map(str::to_string),
        files: vec![f],
        files_truncated: None,
        interface: Vec::new(),
    }
}

fn run(body: Option<&str>, ci: Option<(&str, Option<&str>)>) -> Verdict {
    let options = Options {
        ci: ci.map(|(status, conclusion)| {
            CiResults::new([CiResult {
                name: "build".into(),
                state: CiState::from_github(status, conclusion),
                outcome: conclusion.unwrap_or(status).into(),
                url: Some("https://ci.example/run/7".into()),
                sha: "abc1234ffff".into(),
                started_at: "2026-11-23T10:00:00Z".parse().ok(),
                origin: CiOrigin::App {
                    id: Some(15368),
                    slug: Some("github-actions".into()),
                },
            }])
        }),
        ..Options::default()
    };
    let contracts = vec![parse("CONTRACT.md", CONTRACT)];
    evaluate(&contracts, &snapshot(body), &MergeState::new(), &options)
}

fn messages(v: &Verdict) -> Vec<(Rule, &str)> {
    v.findings
        .iter()
        .map(|f| (f.rule, f.message.as_str()))
        .collect()
}

#[test]
fn ci_success_evidences_an_unticked_row_and_the_other_is_self_reported() {
    let v = run(
        Some("- [x] `npm test`\n"),
        Some(("completed", Some("success"))),
    );
    assert_eq!(messages(&v), vec![]);
    assert_eq!(v.conclusion, Conclusion::Success);
    assert_eq!(
        v.evidence[0].via.as_deref(),
        Some("✓ CI (https://ci.example/run/7)")
    );
    assert_eq!(v.evidence[1].via.as_deref(), Some("self-reported"));
}

#[test]
fn ci_failure_contradicts_a_ticked_row() {
    let body = "- [x] `npm run check`\n- [x] `npm test`\n";
    let v = run(Some(body), Some(("completed", Some("failure"))));
    assert_eq!(
        messages(&v),
        vec![(
            Rule::Evidence,
            "contradicted by CI: `npm run check` failed on abc1234 (https://ci.example/run/7)"
        )]
    );
    assert_eq!(v.conclusion, Conclusion::Failure);
    assert!(!v.waiting_only());
}

#[test]
fn ci_running_keeps_the_verdict_waiting_never_success() {
    let body = "- [x] `npm run check`\n- [x] `npm test`\n";
    let v = run(Some(body), Some(("in_progress", None)));
    assert_eq!(
        messages(&v),
        vec![(Rule::CiPending, "waiting for CI `build`")]
    );
    assert_eq!(v.conclusion, Conclusion::Failure);
    assert!(v.waiting_only());
}

#[test]
fn ci_running_with_another_failure_is_not_only_waiting() {
    let v = run(Some("- [x] `npm run check`\n"), Some(("queued", None)));
    assert!(messages(&v).contains(&(Rule::CiPending, "waiting for CI `build`")));
    assert!(messages(&v).contains(&(Rule::Evidence, "no evidence for required check `npm test`")));
    assert!(!v.waiting_only());
}

#[test]
fn offline_rows_with_a_ci_check_fall_back_to_the_body() {
    let body = "- [x] `npm run check`\n- [x] `npm test`\n";
    let v = run(Some(body), None);
    assert_eq!(v.conclusion, Conclusion::Success);
    assert_eq!(
        v.evidence[0].via.as_deref(),
        Some("CI not consulted offline")
    );
    assert_eq!(v.evidence[1].via, None);
    let v = run(Some("- [x] `npm test`\n"), None);
    assert_eq!(
        messages(&v),
        vec![(
            Rule::Evidence,
            "no evidence for required check `npm run check`"
        )]
    );
}

fn run_with(contract: &str, body: &str, results: Vec<CiResult>) -> Verdict {
    let options = Options {
        ci: Some(CiResults::new(results)),
        ..Options::default()
    };
    let contracts = vec![parse("CONTRACT.md", contract)];
    evaluate(
        &contracts,
        &snapshot(Some(body)),
        &MergeState::new(),
        &options,
    )
}

fn build(conclusion: &str, started: &str, origin: CiOrigin) -> CiResult {
    CiResult {
        name: "build".into(),
        state: CiState::from_github("completed", Some(conclusion)),
        outcome: conclusion.into(),
        url: Some(format!("https://ci.example/{started}")),
        sha: "abc1234ffff".into(),
        started_at: started.parse().ok(),
        origin,
    }
}

fn actions() -> CiOrigin {
    CiOrigin::App {
        id: Some(15368),
        slug: Some("github-actions".into()),
    }
}

fn circleci() -> CiOrigin {
    CiOrigin::App {
        id: Some(18001),
        slug: Some("circleci-checks".into()),
    }
}

#[test]
fn another_apps_later_success_keeps_the_actions_failure_and_is_named() {
    let v = run_with(
        CONTRACT,
        "- [x] `npm run check`\n- [x] `npm test`\n",
        vec![
            build("failure", "2026-01-01T00:00:00Z", actions()),
            build("success", "2026-01-02T00:00:00Z", circleci()),
            build("success", "2026-01-03T00:00:00Z", CiOrigin::Status),
        ],
    );
    assert_eq!(v.conclusion, Conclusion::Failure);
    let f: Vec<_> = v
        .findings
        .iter()
        .filter(|f| f.rule == Rule::Evidence)
        .collect();
    assert_eq!(f.len(), 1, "{:?}", v.findings);
    assert_eq!(f[0].level, Level::Failure);
    assert!(
        f[0].message
            .starts_with("contradicted by CI: `npm run check` failed"),
        "{}",
        f[0].message
    );
    assert!(
        f[0].message
            .contains("`build` from app `circleci-checks` (success)"),
        "{}",
        f[0].message
    );
    assert!(
        f[0].message
            .contains("`build` from a commit status (success)"),
        "{}",
        f[0].message
    );
}

#[test]
fn a_failing_run_of_another_app_is_a_warning_beside_an_actions_pass() {
    let v = run_with(
        CONTRACT,
        "- [x] `npm test`\n",
        vec![
            build("success", "t1", actions()),
            build("failure", "t2", circleci()),
        ],
    );
    assert_eq!(v.conclusion, Conclusion::Success);
    assert_eq!(v.findings.len(), 1, "{:?}", v.findings);
    assert_eq!(
        (v.findings[0].rule, v.findings[0].level),
        (Rule::Evidence, Level::Warning)
    );
    assert!(v.findings[0]
        .message
        .contains("`build` from app `circleci-checks` (failure)"));
}

#[test]
fn a_skipped_actions_run_proves_nothing_unless_the_row_opts_in() {
    let v = run_with(
        CONTRACT,
        "- [x] `npm run check`\n- [x] `npm test`\n",
        vec![build("skipped", "t1", actions())],
    );
    assert_eq!(v.conclusion, Conclusion::Failure);
    assert_eq!(v.findings.len(), 1, "{:?}", v.findings);
    assert_eq!(v.findings[0].rule, Rule::Evidence);
    assert!(
        v.findings[0]
            .message
            .contains("a skipped job proves nothing ran"),
        "{}",
        v.findings[0].message
    );

    let opted = CONTRACT.replace(
        "| `npm run check` | build |",
        "| `npm run check` | build, skipped ok |",
    );
    let v = run_with(
        &opted,
        "- [x] `npm test`\n",
        vec![build("skipped", "t1", actions())],
    );
    assert_eq!(v.conclusion, Conclusion::Success, "{:?}", v.findings);
}

#[test]
fn a_row_naming_its_app_is_decided_by_that_app() {
    let named = CONTRACT.replace(
        "| `npm run check` | build |",
        "| `npm run check` | build, app: circleci-checks |",
    );
    let v = run_with(
        &named,
        "- [x] `npm test`\n",
        vec![build("success", "t1", circleci())],
    );
    assert_eq!(v.conclusion, Conclusion::Success, "{:?}", v.findings);
    let v = run_with(
        &named,
        "- [x] `npm test`\n",
        vec![build("success", "t1", actions())],
    );
    assert_eq!(
        v.findings.iter().map(|f| f.rule).collect::<Vec<_>>(),
        vec![Rule::CiPending]
    );
}

#[test]
fn a_matrix_list_requires_its_checks_of_the_roles_it_names() {
    let list = "# C\n\n## Worktrees\n- wt-a  branch: agents/a  agent: agent-1\n- wt-b  branch: agents/b  agent: agent-2\n\n## Scope\n- agent-1: src/**\n- agent-2: db/**\n\n## Required checks\n- `npm test` (every agent)\n- `npm run lint` (agent-2, integrator)\n";
    let v = run_with(list, "", vec![]);
    assert_eq!(v.conclusion, Conclusion::Failure);
    assert_eq!(
        messages(&v),
        vec![(Rule::Evidence, "no evidence for required check `npm test`")]
    );
    let v = run_with(list, "- [x] `npm test`\n", vec![]);
    assert_eq!(v.conclusion, Conclusion::Success, "{:?}", v.findings);
}
