//! Posting a verdict as a `contract-gate` check-run, safely under races: a
//! sweep and a `synchronize` run may judge the same PR at once. Each
//! evaluation is stamped with the time its data was read (`external_id`);
//! a result is posted only on the PR's current head SHA, and never when a
//! newer evaluation has already reported there.

use serde_json::Value;

use crate::report::checkrun::{self, Plan, CHECK_NAME};
use crate::report::clamp::short_sha as short;
use crate::source::github::client::{Api, ApiError};
use crate::source::github::loader::RepoId;
use crate::source::github::models::{ApiPullRequest, CheckRun, CheckRunList};

/// When an evaluation read its data: milliseconds since the epoch, and the
/// same instant as RFC 3339 for GitHub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Stamp {
    millis: u64,
    rfc3339: String,
}

impl Stamp {
    pub(super) fn now() -> Stamp {
        Stamp::at(
            jiff::Timestamp::now()
                .as_millisecond()
                .max(0)
                .unsigned_abs(),
        )
    }

    /// The stamp of an instant, in milliseconds since the epoch.
    fn at(millis: u64) -> Stamp {
        Stamp {
            millis,
            rfc3339: rfc3339(millis / 1000),
        }
    }

    fn external_id(&self) -> String {
        format!("contract-gate:{}", self.millis)
    }
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
fn rfc3339(secs: u64) -> String {
    i64::try_from(secs)
        .ok()
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .unwrap_or(jiff::Timestamp::MAX)
        .to_string()
}

fn stamp_of(run: &CheckRun) -> Option<u64> {
    run.external_id
        .as_deref()?
        .strip_prefix("contract-gate:")?
        .parse()
        .ok()
}

/// What happened to a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Posted {
    /// Created (and completed, or left waiting) as check-run `id`.
    Run { id: u64, requests: usize },
    /// Not posted: the PR's head moved on, or a newer evaluation reported.
    Skipped(String),
    /// The token may not create check-runs (a fork PR's read-only token).
    Forbidden(String),
}

/// Creates the check-run in progress (so the PR shows it at once).
pub(super) async fn begin(
    api: &Api,
    repo: &RepoId,
    head_sha: &str,
    stamp: &Stamp,
) -> Result<Option<u64>, ApiError> {
    match create(api, repo, head_sha, stamp).await {
        Ok(id) => Ok(Some(id)),
        Err(ApiError::Forbidden { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Creates the run, at most once: a POST that failed without an answer
/// (a 5xx, a timeout) may still have created it, so before posting again
/// the run is looked up on the head SHA by name and `external_id`, and
/// reused when there.
async fn create(api: &Api, repo: &RepoId, head_sha: &str, stamp: &Stamp) -> Result<u64, ApiError> {
    let body = checkrun::create_body(head_sha, &stamp.external_id(), &stamp.rfc3339).json();
    let mut tried = 0;
    loop {
        tried += 1;
        match api
            .post_json_once::<CheckRun>(&repo.path("/check-runs"), &body)
            .await
        {
            Ok(run) => return Ok(run.id),
            Err(e) if e.is_transient() && tried < api.max_attempts() => {
                api.pause_before_retry(tried).await;
                if let Some(id) = find_run(api, repo, head_sha, stamp).await? {
                    return Ok(id);
                }
            }
            Err(e) => return Err(e),
        }
    }
}

/// This evaluation's run on `head_sha`, when a failed create made it.
async fn find_run(
    api: &Api,
    repo: &RepoId,
    head_sha: &str,
    stamp: &Stamp,
) -> Result<Option<u64>, ApiError> {
    let list = runs_on(api, repo, head_sha).await?;
    let mine = stamp.external_id();
    Ok(list
        .check_runs
        .iter()
        .find(|r| r.external_id.as_deref() == Some(mine.as_str()))
        .map(|r| r.id))
}

async fn runs_on(api: &Api, repo: &RepoId, head_sha: &str) -> Result<CheckRunList, ApiError> {
    crate::source::github::checks::read_all_check_runs(
        api,
        &repo.path(&format!("/commits/{head_sha}/check-runs")),
        &[
            ("check_name", CHECK_NAME.to_string()),
            ("per_page", "100".to_string()),
        ],
        &format!("`{CHECK_NAME}` check-runs on {head_sha}"),
    )
    .await
}

/// Guards, then completes `run` (or creates one) with the plan.
pub(super) async fn report(
    api: &Api,
    repo: &RepoId,
    pr_number: Option<u64>,
    head_sha: &str,
    stamp: &Stamp,
    plan: &Plan,
    run: Option<u64>,
) -> Result<Posted, ApiError> {
    let before = api.requests();
    if let Some(n) = pr_number {
        let pr: ApiPullRequest = api
            .get_json(&repo.path(&format!("/pulls/{n}")), &[])
            .await?;
        if pr.head.sha != head_sha {
            let why = format!(
                "head of #{n} moved from {} to {}: the run for the new head reports",
                short(head_sha),
                short(&pr.head.sha)
            );
            if let Some(id) = run {
                supersede(api, repo, id, &why).await?;
            }
            return Ok(Posted::Skipped(why));
        }
    }
    let list = runs_on(api, repo, head_sha).await?;
    let newer = list
        .check_runs
        .iter()
        .filter(|r| Some(r.id) != run)
        .filter_map(stamp_of)
        .any(|s| s > stamp.millis);
    if newer {
        let why = "a newer evaluation already reported on this commit".to_string();
        if let Some(id) = run {
            supersede(api, repo, id, &why).await?;
        }
        return Ok(Posted::Skipped(why));
    }
    let id = match run {
        Some(id) => id,
        None => {
            match create(api, repo, head_sha, stamp).await {
                Ok(id) => id,
                Err(ApiError::Forbidden { .. }) => {
                    return Ok(Posted::Forbidden(
                        "the token cannot create check-runs (403): a fork PR's token is read-only; the job's annotations and exit code still report"
                            .into(),
                    ))
                }
                Err(e) => return Err(e),
            }
        }
    };
    let completed_at = Stamp::now().rfc3339;
    for body in checkrun::update_bodies(plan, &completed_at) {
        let _: Value = api
            .patch_json(&repo.path(&format!("/check-runs/{id}")), &body.json())
            .await?;
    }
    Ok(Posted::Run {
        id,
        requests: api.requests() - before,
    })
}

/// Completes `id` as failed: the gate could not evaluate, and says why.
pub(super) async fn fail_run(api: &Api, repo: &RepoId, id: u64, why: &str) -> Result<(), ApiError> {
    let body = checkrun::fail_body(why, &Stamp::now().rfc3339).json();
    let _: Value = api
        .patch_json(&repo.path(&format!("/check-runs/{id}")), &body)
        .await?;
    Ok(())
}

/// Completes an outdated run so it never stays pending: `cancelled` does
/// not pass a required check, and the newer run is the one GitHub shows.
async fn supersede(api: &Api, repo: &RepoId, id: u64, why: &str) -> Result<(), ApiError> {
    let body = checkrun::supersede_body(why, &Stamp::now().rfc3339).json();
    let _: Value = api
        .patch_json(&repo.path(&format!("/check-runs/{id}")), &body)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_219_200), "2026-11-21T00:00:00Z");
    }

    #[test]
    fn stamps_round_trip() {
        let s = Stamp::at(1_795_305_600_123);
        let run = CheckRun {
            id: 1,
            external_id: Some(s.external_id()),
            status: None,
            conclusion: None,
        };
        assert_eq!(stamp_of(&run), Some(1_795_305_600_123));
    }
}
