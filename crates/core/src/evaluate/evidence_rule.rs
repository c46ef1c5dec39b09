//! The `evidence` rule: each required check of the verification matrix is
//! evidenced in the PR body.

use crate::change::PrSnapshot;
use crate::contract::Contract;
use crate::pr_body::{is_pr_notes_check, read_body, EvidenceStatus};
use crate::verdict::{EvidenceRow, Finding, Rule};

pub(super) fn check(
    c: &Contract,
    role: &str,
    pr: &PrSnapshot,
    out: &mut Vec<Finding>,
) -> Vec<EvidenceRow> {
    let checks = c.required_checks(role);
    if checks.is_empty() {
        return Vec::new();
    }
    // No body (offline without `--body`): every required check is
    // unevidenced; failing closed says how to give one.
    let Some(body) = &pr.body else {
        let mut rows = Vec::with_capacity(checks.len());
        for row in checks {
            out.push(Finding::failure(
                Rule::Evidence,
                format!(
                    "no evidence for required check `{}`: no PR body was given (pass `--body FILE`)",
                    row.check
                ),
            ));
            rows.push(EvidenceRow {
                check: row.check.clone(),
                found: false,
            });
        }
        return rows;
    };
    let ev = read_body(body);
    let mut rows = Vec::with_capacity(checks.len());
    for row in checks {
        let check = &row.check;
        let problem = if is_pr_notes_check(check) {
            (!ev.has_remaining_risk()).then(|| {
                format!("`{check}`: the PR body has no remaining-risk section (add `## Remaining risk`)")
            })
        } else {
            match ev.status(check) {
                EvidenceStatus::Passed => None,
                EvidenceStatus::Failed => {
                    Some(format!("`{check}` is marked failed in the PR body"))
                }
                EvidenceStatus::Unchecked => Some(format!(
                    "`{check}` is listed but not checked (`- [ ]`): run it and tick it"
                )),
                EvidenceStatus::Missing => {
                    Some(format!("no evidence for required check `{check}`"))
                }
            }
        };
        rows.push(EvidenceRow {
            check: check.clone(),
            found: problem.is_none(),
        });
        if let Some(m) = problem {
            out.push(Finding::failure(Rule::Evidence, m));
        }
    }
    rows
}
