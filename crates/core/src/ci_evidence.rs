//! CI evidence for the verification matrix: which required rows a CI check
//! proves, contradicts or still waits for.
//!
//! Pure: the GitHub source reads the head SHA's check-runs and combined
//! status into [`CiResults`]; [`judge_row`] decides per row. A row names its
//! CI check explicitly (`MatrixRow::ci`); otherwise a check whose name equals
//! the row's command text (or whose `workflow / job` job part does) is used.
//! Rows with no CI check fall back to the PR body ("self-reported").

use std::collections::BTreeMap;

use crate::contract::MatrixRow;
use crate::pr_body::EvidenceStatus;

/// The gate's own check-run name: never counted as evidence.
pub const GATE_CHECK_NAME: &str = "contract-gate";

/// Where one CI check stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiState {
    /// success, neutral or skipped.
    Passed,
    /// failure, cancelled, timed_out, action_required, stale, error.
    Failed,
    /// queued, in_progress, pending, waiting, requested: not done yet.
    Running,
}

impl CiState {
    /// Reads a check-run's `status`/`conclusion` or a status context's
    /// `state` (pass it as `status`, no conclusion). Unknown values fail
    /// closed.
    pub fn from_github(status: &str, conclusion: Option<&str>) -> CiState {
        match (status, conclusion) {
            ("completed", Some("success" | "neutral" | "skipped")) | ("success", None) => {
                CiState::Passed
            }
            ("queued" | "in_progress" | "pending" | "waiting" | "requested", _) => CiState::Running,
            _ => CiState::Failed,
        }
    }
}

/// One CI check on the head SHA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiResult {
    /// Check-run name or status context.
    pub name: String,
    /// Where it stands.
    pub state: CiState,
    /// The raw outcome word for messages (`failure`, `in_progress`, …).
    pub outcome: String,
    /// Link to the run's details, when GitHub gives one.
    pub url: Option<String>,
    /// The commit it ran on.
    pub sha: String,
    /// When it started (RFC 3339); the latest per name wins.
    pub started_at: String,
}

/// The CI checks of one head SHA, latest per name, the gate's own excluded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CiResults {
    by_name: BTreeMap<String, CiResult>,
}

impl CiResults {
    /// Keeps the latest result per name (by `started_at`; RFC 3339 UTC
    /// strings order as times) and drops the gate's own check-run.
    pub fn new(results: impl IntoIterator<Item = CiResult>) -> Self {
        let mut by_name: BTreeMap<String, CiResult> = BTreeMap::new();
        for r in results {
            if r.name == GATE_CHECK_NAME {
                continue;
            }
            match by_name.get(&r.name) {
                Some(old) if old.started_at >= r.started_at => {}
                _ => {
                    by_name.insert(r.name.clone(), r);
                }
            }
        }
        CiResults { by_name }
    }

    /// The check a row maps to: its explicit name, else a check named like
    /// the row's command text, or a `workflow / job` whose job part is.
    fn for_row(&self, row: &MatrixRow) -> Option<&CiResult> {
        if let Some(name) = &row.ci {
            return self.by_name.get(name).or_else(|| self.by_job(name));
        }
        self.by_name
            .get(&row.check)
            .or_else(|| self.by_job(&row.check))
    }

    fn by_job(&self, job: &str) -> Option<&CiResult> {
        self.by_name.values().find(|r| {
            r.name
                .rsplit_once(" / ")
                .is_some_and(|(_, j)| j.trim() == job)
        })
    }
}

/// What decides one required row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowOutcome {
    /// CI passed it ("✓ CI"), whatever the body says.
    EvidencedByCi {
        /// The CI check's name.
        name: String,
        /// Link to the run.
        url: Option<String>,
    },
    /// CI failed it: a failure finding, even when the body ticks it.
    ContradictedByCi {
        /// The finding's message.
        message: String,
    },
    /// CI has not finished (or not started) it: the verdict stays pending.
    WaitingForCi {
        /// The CI check's name.
        name: String,
    },
    /// No CI check maps to the row: the body decides.
    SelfReported(EvidenceStatus),
    /// Offline: the row has a CI check but CI was not read; the body decides.
    NotConsultedOffline(EvidenceStatus),
}

/// Judges one required row. `ci` is `None` offline; `body` is what the PR
/// body says about the row.
pub fn judge_row(row: &MatrixRow, ci: Option<&CiResults>, body: EvidenceStatus) -> RowOutcome {
    let Some(ci) = ci else {
        return match row.ci {
            Some(_) => RowOutcome::NotConsultedOffline(body),
            None => RowOutcome::SelfReported(body),
        };
    };
    match ci.for_row(row) {
        Some(r) => match r.state {
            CiState::Passed => RowOutcome::EvidencedByCi {
                name: r.name.clone(),
                url: r.url.clone(),
            },
            CiState::Failed => RowOutcome::ContradictedByCi {
                message: contradiction(&row.check, r),
            },
            CiState::Running => RowOutcome::WaitingForCi {
                name: r.name.clone(),
            },
        },
        // An explicitly named check that has not reported yet is waited for
        // (it may not have started); an implicit one simply does not exist.
        None => match &row.ci {
            Some(name) => RowOutcome::WaitingForCi { name: name.clone() },
            None => RowOutcome::SelfReported(body),
        },
    }
}

fn contradiction(check: &str, r: &CiResult) -> String {
    let short: String = r.sha.chars().take(7).collect();
    let verb = if r.outcome == "failure" {
        "failed".to_string()
    } else {
        format!("ended `{}`", r.outcome)
    };
    match &r.url {
        Some(u) => format!("contradicted by CI: `{check}` {verb} on {short} ({u})"),
        None => format!(
            "contradicted by CI: `{check}` {verb} on {short} (check `{}`)",
            r.name
        ),
    }
}

#[cfg(test)]
mod tests;
