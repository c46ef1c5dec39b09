//! CI results on a commit, read for the verification matrix: every page of
//! its check-runs and of its combined status, as the core's [`CiResults`]
//! (latest per name; the gate's own run is dropped there).

use serde::Deserialize;
use tokio::task::JoinSet;

use super::client::Api;
use super::repo::{GithubLoadError, RepoId};
use contract_gate_core::ci_evidence::{
    CheckConclusion, CheckStatus, CiOrigin, CiResult, CiResults, CiState, CommitState,
};

const PER_PAGE: u64 = 100;
/// Pages read at most per list (1,000 check-runs or statuses on one commit):
/// past that the results are incomplete, and incomplete CI evidence is an
/// error, never a partial pass.
const MAX_PAGES: u64 = 10;

#[derive(Debug, Deserialize)]
struct RunList {
    total_count: u64,
    #[serde(default)]
    check_runs: Vec<Run>,
}

#[derive(Debug, Deserialize)]
struct Run {
    name: String,
    head_sha: String,
    status: CheckStatus,
    #[serde(default)]
    conclusion: Option<CheckConclusion>,
    #[serde(default)]
    html_url: Option<String>,
    #[serde(default)]
    started_at: Option<String>,
    /// The app that made the run: only the row's source counts.
    #[serde(default)]
    app: Option<App>,
}

#[derive(Debug, Deserialize)]
struct App {
    #[serde(default)]
    id: Option<u64>,
    #[serde(default)]
    slug: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Combined {
    sha: String,
    #[serde(default)]
    total_count: u64,
    #[serde(default)]
    statuses: Vec<Status>,
}

#[derive(Debug, Deserialize)]
struct Status {
    context: String,
    state: CommitState,
    #[serde(default)]
    target_url: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
}

/// A list answer that says how long the whole list is.
trait Counted {
    fn total(&self) -> u64;
}

impl Counted for RunList {
    fn total(&self) -> u64 {
        self.total_count
    }
}

impl Counted for Combined {
    fn total(&self) -> u64 {
        self.total_count
    }
}

/// Reads `sha`'s check-runs and combined status, their first pages
/// concurrently (2 requests for a commit with ≤ 100 of each), then the
/// pages their counts announce, then `Link: rel="next"` to the end. A list
/// that goes on past 1,000 items, or whose length disagrees with its
/// count, is an error: incomplete CI evidence is never judged.
pub(super) async fn fetch_ci(
    api: &Api,
    repo: &RepoId,
    sha: &str,
) -> Result<CiResults, GithubLoadError> {
    let runs_path = repo.path(&format!("/commits/{sha}/check-runs"));
    let status_path = repo.path(&format!("/commits/{sha}/status"));
    let (runs, statuses) = tokio::join!(
        all_pages::<RunList>(api, &runs_path),
        all_pages::<Combined>(api, &status_path),
    );
    let (run_pages, runs_total, runs_ended) = runs?;
    let (status_pages, status_total, status_ended) = statuses?;
    let status_sha = status_pages
        .first()
        .map(|c| c.sha.clone())
        .unwrap_or_else(|| sha.to_string());
    let runs: Vec<Run> = run_pages.into_iter().flat_map(|p| p.check_runs).collect();
    let statuses: Vec<Status> = status_pages.into_iter().flat_map(|p| p.statuses).collect();
    if !runs_ended
        || !status_ended
        || runs.len() as u64 != runs_total
        || statuses.len() as u64 != status_total
    {
        return Err(GithubLoadError::Other(format!(
            "commit {sha} has {runs_total} check-runs and {status_total} statuses; the gate read {} and {}{} (at most {} of each): incomplete CI evidence is never judged",
            runs.len(),
            statuses.len(),
            if runs_ended && status_ended { "" } else { ", and GitHub's list went on" },
            MAX_PAGES * PER_PAGE
        )));
    }
    let from_runs = runs.into_iter().map(|r| CiResult {
        state: CiState::of_run(&r.status, r.conclusion.as_ref()),
        outcome: match &r.conclusion {
            Some(c) => c.as_str().to_string(),
            None => r.status.as_str().to_string(),
        },
        name: r.name,
        url: r.html_url,
        sha: r.head_sha,
        started_at: instant(r.started_at.as_deref()),
        origin: CiOrigin::App {
            id: r.app.as_ref().and_then(|a| a.id),
            slug: r.app.and_then(|a| a.slug),
        },
    });
    let from_statuses = statuses.into_iter().map(|s| CiResult {
        state: CiState::of_status(&s.state),
        outcome: s.state.as_str().to_string(),
        name: s.context,
        url: s.target_url,
        sha: status_sha.clone(),
        started_at: instant(s.updated_at.as_deref()),
        origin: CiOrigin::Status,
    });
    Ok(CiResults::new(from_runs.chain(from_statuses)))
}

/// A result's time as an instant; none when GitHub gave none or one that
/// does not read (such a result never counts as the latest).
fn instant(rfc3339: Option<&str>) -> Option<jiff::Timestamp> {
    rfc3339?.parse().ok()
}

fn page_query(page: u64) -> Vec<(&'static str, String)> {
    vec![
        ("per_page", PER_PAGE.to_string()),
        ("page", page.to_string()),
    ]
}

/// Every page of a counted list: the first, the further pages its count
/// announces (concurrently, in order), then `Link: rel="next"` from the last
/// one, at most [`MAX_PAGES`] in all. The pages, the largest count any page
/// gave, and whether the list ended within them.
async fn all_pages<T>(api: &Api, path: &str) -> Result<(Vec<T>, u64, bool), GithubLoadError>
where
    T: Counted + serde::de::DeserializeOwned + Send + 'static,
{
    let first = api.get_page::<T>(path, &page_query(1)).await?;
    let mut total = first.items.total();
    let pages = total.div_ceil(PER_PAGE).clamp(1, MAX_PAGES);
    let mut set = JoinSet::new();
    for page in 2..=pages {
        let (api, path) = (api.clone(), path.to_string());
        set.spawn(async move { (page, api.get_page::<T>(&path, &page_query(page)).await) });
    }
    let mut by_page = std::collections::BTreeMap::new();
    by_page.insert(1, first);
    while let Some(r) = set.join_next().await {
        let (page, r) = r.map_err(|e| GithubLoadError::Other(format!("a task failed: {e}")))?;
        by_page.insert(page, r?);
    }
    let mut next = by_page.values().next_back().and_then(|p| p.next.clone());
    let mut out: Vec<T> = by_page.into_values().map(|p| p.items).collect();
    while let Some(url) = next {
        if out.len() as u64 >= MAX_PAGES {
            return Ok((out, total, false));
        }
        let page = api.get_page::<T>(&url, &[]).await?;
        next = page.next;
        out.push(page.items);
    }
    for p in &out {
        total = total.max(p.total());
    }
    Ok((out, total, true))
}

/// Every page of `path`'s check-runs, by `Link: rel="next"`, as one list; a
/// list that goes on past 10 pages is an error, never read in part. (Not in
/// `models.rs`: the fuzz crate compiles the models alone.)
pub(crate) async fn read_all_check_runs(
    api: &super::client::Api,
    path: &str,
    query: &[(&str, String)],
    what: &str,
) -> Result<super::models::CheckRunList, super::client::ApiError> {
    let (pages, ended) = api
        .get_all_pages::<super::models::CheckRunList>(path, query, 10)
        .await?;
    if !ended {
        return Err(super::client::ApiError::Incomplete {
            what: what.to_string(),
        });
    }
    Ok(super::models::CheckRunList {
        check_runs: pages.into_iter().flat_map(|p| p.check_runs).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_check_run_reads() {
        let raw =
            include_str!("../../../fixtures/github/rest/check-run.create.completed.response.json");
        let run: Run = serde_json::from_str(raw).unwrap();
        assert_eq!(run.name, "completed_check_run");
        // The recorded run's app is a third-party one, never Actions.
        let app = run.app.as_ref().unwrap();
        assert_eq!(
            (app.id, app.slug.as_deref()),
            (Some(85429), Some("test-pygithub"))
        );
        assert_eq!(
            CiState::of_run(&run.status, run.conclusion.as_ref()),
            CiState::Passed
        );
    }
}
