//! CI results on a commit, read for the verification matrix: every page of
//! its check-runs and of its combined status, as the core's [`CiResults`]
//! (latest per name; the gate's own run is dropped there).

use serde::Deserialize;
use tokio::task::JoinSet;

use super::client::Api;
use super::loader::{GithubLoadError, RepoId};
use contract_gate_core::ci_evidence::{CiOrigin, CiResult, CiResults, CiState};

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
    status: String,
    #[serde(default)]
    conclusion: Option<String>,
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
    state: String,
    #[serde(default)]
    target_url: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
}

/// Reads `sha`'s check-runs and combined status, their first pages
/// concurrently (2 requests for a commit with ≤ 100 of each).
pub async fn fetch_ci(api: &Api, repo: &RepoId, sha: &str) -> Result<CiResults, GithubLoadError> {
    let runs_path = repo.path(&format!("/commits/{sha}/check-runs"));
    let status_path = repo.path(&format!("/commits/{sha}/status"));
    let first = page_query(1);
    let (first_runs, first_status) = tokio::join!(
        api.get_json::<RunList>(&runs_path, &first),
        api.get_json::<Combined>(&status_path, &first),
    );
    let (first_runs, first_status) = (first_runs?, first_status?);
    let mut runs_total = first_runs.total_count;
    let mut runs = first_runs.check_runs;
    let mut statuses = first_status.statuses;
    let status_total = first_status.total_count;
    let (more_runs, more_statuses) = tokio::join!(
        rest_pages::<RunList>(api, &runs_path, runs_total),
        rest_pages::<Combined>(api, &status_path, status_total),
    );
    for page in more_runs? {
        runs_total = runs_total.max(page.total_count);
        runs.extend(page.check_runs);
    }
    for page in more_statuses? {
        statuses.extend(page.statuses);
    }
    if (runs.len() as u64) < runs_total || (statuses.len() as u64) < status_total {
        return Err(GithubLoadError::Other(format!(
            "commit {sha} has {runs_total} check-runs and {status_total} statuses; the gate read {} and {} (at most {} of each): incomplete CI evidence is never judged",
            runs.len(),
            statuses.len(),
            MAX_PAGES * PER_PAGE
        )));
    }
    let from_runs = runs.into_iter().map(|r| CiResult {
        state: CiState::from_github(&r.status, r.conclusion.as_deref()),
        outcome: r.conclusion.unwrap_or(r.status),
        name: r.name,
        url: r.html_url,
        sha: r.head_sha,
        started_at: r.started_at.unwrap_or_default(),
        origin: CiOrigin::App {
            id: r.app.as_ref().and_then(|a| a.id),
            slug: r.app.and_then(|a| a.slug),
        },
    });
    let status_sha = first_status.sha;
    let from_statuses = statuses.into_iter().map(|s| CiResult {
        state: CiState::from_github(&s.state, None),
        outcome: s.state,
        name: s.context,
        url: s.target_url,
        sha: status_sha.clone(),
        started_at: s.updated_at.unwrap_or_default(),
        origin: CiOrigin::Status,
    });
    Ok(CiResults::new(from_runs.chain(from_statuses)))
}

fn page_query(page: u64) -> Vec<(&'static str, String)> {
    vec![
        ("per_page", PER_PAGE.to_string()),
        ("page", page.to_string()),
    ]
}

/// Pages 2.. of a list of `total` items, fetched concurrently, in order.
async fn rest_pages<T>(api: &Api, path: &str, total: u64) -> Result<Vec<T>, GithubLoadError>
where
    T: serde::de::DeserializeOwned + Send + 'static,
{
    let pages = total.div_ceil(PER_PAGE).min(MAX_PAGES);
    let mut set = JoinSet::new();
    for page in 2..=pages {
        let (api, path) = (api.clone(), path.to_string());
        set.spawn(async move { (page, api.get_json::<T>(&path, &page_query(page)).await) });
    }
    let mut by_page = std::collections::BTreeMap::new();
    while let Some(r) = set.join_next().await {
        let (page, r) = r.map_err(|e| GithubLoadError::Other(format!("a task failed: {e}")))?;
        by_page.insert(page, r?);
    }
    Ok(by_page.into_values().collect())
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
            CiState::from_github(&run.status, run.conclusion.as_deref()),
            CiState::Passed
        );
    }
}
