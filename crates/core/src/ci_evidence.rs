//! CI evidence for the verification matrix: which required rows a CI check
//! proves, contradicts or still waits for.
//!
//! Pure: the GitHub source reads the head SHA's check-runs and combined
//! status into [`CiResults`]; [`judge_row`] decides per row. A row names its
//! CI check explicitly (`MatrixRow::ci`); otherwise a check whose name equals
//! the row's command text (or whose `workflow / job` job part does) is used.
//! Rows with no CI check fall back to the PR body ("self-reported").
//!
//! Every result carries its source (the app of a check-run, or "commit
//! status"), and only the row's source counts: GitHub Actions unless the
//! contract names another (`app: SLUG`, `status`). Anyone who can push can
//! post a commit status, and any app with `checks: write` a check-run, under
//! any name: a result from another source never evidences a row and never
//! overrides a failure; [`ignored_note`] names it for the finding.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::contract::{CiSource, MatrixRow};
use crate::pr_body::EvidenceStatus;

mod github;

pub use github::{CheckConclusion, CheckStatus, CommitState};

/// The gate's own check-run name: never counted as evidence.
pub const GATE_CHECK_NAME: &str = "contract-gate";
/// The GitHub Actions app's slug (on github.com and GHES alike).
pub const ACTIONS_SLUG: &str = "github-actions";
/// The GitHub Actions app's id on github.com (recorded check-run payloads).
pub const ACTIONS_APP_ID: u64 = 15368;

/// Where one CI check stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CiState {
    /// success.
    Passed,
    /// skipped or neutral: the job proves nothing ran (or passed). It
    /// evidences a row only when the contract opts the row in.
    Inconclusive,
    /// queued, in_progress, pending, waiting, requested: not done yet.
    Running,
    /// failure, cancelled, timed_out, action_required, stale, error.
    Failed,
}

/// Who reported a CI result.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CiOrigin {
    /// A check-run, by the app GitHub names in its `app` object (either
    /// may be missing in a payload).
    App {
        /// `app.id`.
        id: Option<u64>,
        /// `app.slug`.
        slug: Option<String>,
    },
    /// A commit status (anyone with push access can post one).
    Status,
}

impl CiOrigin {
    /// Whether a result of this origin may evidence a row of `source`.
    pub fn is(&self, source: &CiSource) -> bool {
        match (self, source) {
            (CiOrigin::App { id, slug }, CiSource::GithubActions) => match slug {
                Some(s) => s == ACTIONS_SLUG,
                None => *id == Some(ACTIONS_APP_ID),
            },
            (CiOrigin::App { id, slug }, CiSource::App(want)) => {
                if want.bytes().all(|b| b.is_ascii_digit()) {
                    id.is_some_and(|i| i.to_string() == *want)
                } else {
                    slug.as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case(want))
                }
            }
            (CiOrigin::Status, CiSource::Status) => true,
            _ => false,
        }
    }

    /// For messages: "app `circleci-checks`", "commit status".
    pub fn describe(&self) -> String {
        match self {
            CiOrigin::App { slug: Some(s), .. } => format!("app `{s}`"),
            CiOrigin::App { id: Some(i), .. } => format!("app id {i}"),
            CiOrigin::App { .. } => "an unnamed app".to_string(),
            CiOrigin::Status => "a commit status".to_string(),
        }
    }
}

/// Names a row's source for messages.
pub fn describe_source(source: &CiSource) -> String {
    match source {
        CiSource::GithubActions => "GitHub Actions".to_string(),
        CiSource::App(a) => format!("app `{a}`"),
        CiSource::Status => "a commit status".to_string(),
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
    /// When it started; the latest per name and source wins. `None` when
    /// GitHub gave no time or one that does not read: such a result never
    /// replaces one with a time.
    pub started_at: Option<Timestamp>,
    /// Who reported it.
    pub origin: CiOrigin,
}

/// The CI checks of one head SHA, latest per name and source, the gate's
/// own excluded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CiResults {
    by_name: BTreeMap<(String, CiOrigin), CiResult>,
}

impl CiResults {
    /// Keeps the latest result per name and source (by `started_at`, as
    /// times: offsets and fractions of a second compare rightly; a result
    /// without a readable time never wins over one with) and drops the
    /// gate's own check-run.
    pub fn new(results: impl IntoIterator<Item = CiResult>) -> Self {
        let mut by_name: BTreeMap<(String, CiOrigin), CiResult> = BTreeMap::new();
        for r in results {
            if r.name == GATE_CHECK_NAME {
                continue;
            }
            let key = (r.name.clone(), r.origin.clone());
            match by_name.get(&key) {
                Some(old) if old.started_at >= r.started_at => {}
                _ => {
                    by_name.insert(key, r);
                }
            }
        }
        CiResults { by_name }
    }

    /// The results whose name maps to the row, of any source: its explicit
    /// name, else the row's command text; a `workflow / job` whose job part
    /// is that name counts only when no result has the name itself.
    fn named_for_row<'a>(&'a self, row: &MatrixRow) -> Vec<&'a CiResult> {
        let name = row.ci.as_deref().unwrap_or(&row.check);
        let exact: Vec<&CiResult> = self.by_name.values().filter(|r| r.name == name).collect();
        if !exact.is_empty() {
            return exact;
        }
        self.by_name
            .values()
            .filter(|r| {
                r.name
                    .rsplit_once(" / ")
                    .is_some_and(|(_, j)| j.trim() == name)
            })
            .collect()
    }

    /// The check that decides a row: of the row's source only; when
    /// several `workflow / job` runs match, the worst stands.
    fn for_row(&self, row: &MatrixRow) -> Option<&CiResult> {
        self.named_for_row(row)
            .into_iter()
            .filter(|r| r.origin.is(&row.ci_source))
            .max_by_key(|r| r.state)
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
    /// CI skipped it (or ended neutral) and the contract does not accept
    /// that for the row: a failure finding, the job proves nothing ran.
    NothingProved {
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
            CiState::Passed => evidenced(r),
            CiState::Inconclusive if accepted(row, r) => evidenced(r),
            CiState::Inconclusive => RowOutcome::NothingProved {
                message: nothing_proved(row, r),
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

/// Results named like the row's check but from another source than the
/// row's: never counted, named here so the finding can say so ("not
/// counted: `build` from app `circleci-checks` (success) …"). `None` when
/// there are none (or offline).
pub fn ignored_note(row: &MatrixRow, ci: Option<&CiResults>) -> Option<String> {
    let ignored: Vec<String> = ci?
        .named_for_row(row)
        .into_iter()
        .filter(|r| !r.origin.is(&row.ci_source))
        .map(|r| format!("`{}` from {} ({})", r.name, r.origin.describe(), r.outcome))
        .collect();
    if ignored.is_empty() {
        return None;
    }
    let name = row.ci.as_deref().unwrap_or(&row.check);
    Some(format!(
        "not counted: {}; only {} reports `{name}` for this row (the contract can name another source: `(ci: {name}, app: SLUG)` or `(ci: {name}, status)`)",
        ignored.join(", "),
        describe_source(&row.ci_source),
    ))
}

fn evidenced(r: &CiResult) -> RowOutcome {
    RowOutcome::EvidencedByCi {
        name: r.name.clone(),
        url: r.url.clone(),
    }
}

fn accepted(row: &MatrixRow, r: &CiResult) -> bool {
    match r.outcome.as_str() {
        "skipped" => row.skipped_ok,
        "neutral" => row.neutral_ok,
        _ => false,
    }
}

fn at(r: &CiResult) -> String {
    let short: String = r.sha.chars().take(7).collect();
    match &r.url {
        Some(u) => format!("on {short} ({u})"),
        None => format!("on {short} (check `{}`)", r.name),
    }
}

fn nothing_proved(row: &MatrixRow, r: &CiResult) -> String {
    let name = row.ci.as_deref().unwrap_or(&row.check);
    let why = if r.outcome == "skipped" {
        "a skipped job proves nothing ran"
    } else {
        "a neutral conclusion proves nothing passed"
    };
    format!(
        "`{}`: CI `{}` ended `{}` {}: {why}, so it evidences nothing (write `(ci: {name}, {} ok)` when that is enough for this row)",
        row.check,
        r.name,
        r.outcome,
        at(r),
        r.outcome
    )
}

fn contradiction(check: &str, r: &CiResult) -> String {
    let verb = if r.outcome == "failure" {
        "failed".to_string()
    } else {
        format!("ended `{}`", r.outcome)
    };
    format!("contradicted by CI: `{check}` {verb} {}", at(r))
}

#[cfg(test)]
mod tests;
