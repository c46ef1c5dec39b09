//! The evidence rule with CI results: evidenced, contradicted, waiting,
//! self-reported and offline rows.

use super::*;
use crate::change::{ChangeStatus, ChangedFile, Removals};
use crate::ci_evidence::{CiResult, CiResults, CiState};
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
                started_at: "2026-11-23T10:00:00Z".into(),
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
