//! The `evidence` rule: each required check of the verification matrix is
//! evidenced by CI (on GitHub, when the row maps to a CI check) or in the
//! PR body.

use crate::change::PrSnapshot;
use crate::ci_evidence::{ignored_note, judge_row, CiResults, RowOutcome};
use crate::contract::{Contract, MatrixRow};
use crate::pr_body::{is_pr_notes_check, read_body, BodyEvidence, EvidenceStatus, Reading};
use crate::verdict::{EvidenceRow, Finding, Level, Rule};

pub(super) fn check(
    c: &Contract,
    role: &str,
    pr: &PrSnapshot,
    ci: Option<&CiResults>,
    out: &mut Vec<Finding>,
) -> Vec<EvidenceRow> {
    let checks = c.required_checks(role);
    let ev = pr.body.as_deref().map(read_body);
    let mut rows = Vec::with_capacity(checks.len());
    for row in checks {
        let (mut problem, via) = judge(row, ev.as_ref(), ci);
        rows.push(EvidenceRow {
            check: row.check.clone(),
            found: problem.is_none(),
            via,
        });
        // Results from another source than the row's never count; say so,
        // in the row's own finding or as a warning of its own.
        let note = ignored_note(row, ci);
        match (&mut problem, note) {
            (Some(f), Some(note)) => {
                f.message = format!("{} ({note})", f.message);
            }
            (None, Some(note)) => out.push(
                Finding::failure(Rule::Evidence, format!("`{}`: {note}", row.check))
                    .with_level(Level::Warning),
            ),
            _ => {}
        }
        if let Some(f) = problem {
            out.push(f);
        }
    }
    rows
}

/// The finding (if any) and the "via" note for one required row.
fn judge(
    row: &MatrixRow,
    ev: Option<&BodyEvidence>,
    ci: Option<&CiResults>,
) -> (Option<Finding>, Option<String>) {
    let check = &row.check;
    if is_pr_notes_check(check) {
        return (notes_problem(check, ev), None);
    }
    let reading = ev.map_or(
        Reading {
            status: EvidenceStatus::Missing,
            reason: None,
        },
        |e| e.reading(check),
    );
    let (status, via) = match judge_row(row, ci, reading.status) {
        RowOutcome::EvidencedByCi { url, .. } => {
            let via = match url {
                Some(u) => format!("✓ CI ({u})"),
                None => "✓ CI".to_string(),
            };
            return (None, Some(via));
        }
        RowOutcome::ContradictedByCi { message } | RowOutcome::NothingProved { message } => {
            return (Some(Finding::failure(Rule::Evidence, message)), None);
        }
        RowOutcome::WaitingForCi { name } => {
            let msg = format!("waiting for CI `{name}`");
            let f = Finding::failure(Rule::CiPending, msg.clone());
            return (Some(f), Some(msg));
        }
        // With CI consulted, "self-reported" marks rows only the body proves.
        RowOutcome::SelfReported(s) => (s, ci.map(|_| "self-reported".to_string())),
        RowOutcome::NotConsultedOffline(s) => (s, Some("CI not consulted offline".to_string())),
    };
    let reason = reading
        .reason
        .as_deref()
        .filter(|_| status == reading.status);
    (body_problem(check, status, reason, ev.is_some()), via)
}

fn notes_problem(check: &str, ev: Option<&BodyEvidence>) -> Option<Finding> {
    let msg = match ev {
        None => no_body(check),
        Some(e) if !e.has_remaining_risk() => format!(
            "`{check}`: the PR body has no remaining-risk section (add `## Remaining risk` saying what is left; a placeholder such as `…` or `TODO` does not count)"
        ),
        Some(e) if !e.has_commands_run() => format!(
            "`{check}`: the PR body does not say which commands were run (add `## Commands run` listing them; a placeholder such as `…` or `TODO` does not count)"
        ),
        Some(_) => return None,
    };
    Some(Finding::failure(Rule::Evidence, msg))
}

fn no_body(check: &str) -> String {
    format!("no evidence for required check `{check}`: no PR body was given (pass `--body FILE`)")
}

fn body_problem(
    check: &str,
    status: EvidenceStatus,
    reason: Option<&str>,
    has_body: bool,
) -> Option<Finding> {
    let msg = match (status, reason) {
        (EvidenceStatus::Passed, _) => return None,
        // No body (offline without `--body`): failing closed says how to
        // give one.
        _ if !has_body => no_body(check),
        // The reading quotes the body: "is ticked, but the text after it,
        // \"wasn't run\", is not a pass".
        (EvidenceStatus::Failed | EvidenceStatus::NotAPass, Some(why)) => {
            format!("`{check}` {why}")
        }
        (EvidenceStatus::Failed, None) => format!("`{check}` is marked failed in the PR body"),
        (EvidenceStatus::NotAPass, None) => {
            format!("`{check}` is not marked passed in the PR body")
        }
        (EvidenceStatus::Unchecked, _) => {
            format!("`{check}` is listed but not checked (`- [ ]`): run it and tick it")
        }
        (EvidenceStatus::Missing, _) => format!("no evidence for required check `{check}`"),
    };
    Some(Finding::failure(Rule::Evidence, msg))
}
