//! The parts of GitHub's REST and webhook payloads the gate reads. Every
//! field that old or odd payloads lack is optional (`head.repo` is null for
//! a deleted fork; 2017 captures have no `draft`).

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Repo {
    pub full_name: String,
    #[serde(default)]
    pub fork: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GitRef {
    #[serde(rename = "ref")]
    pub name: String,
    pub sha: String,
    #[serde(default)]
    pub repo: Option<Repo>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Label {
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ApiPullRequest {
    pub number: u64,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    pub head: GitRef,
    pub base: GitRef,
    #[serde(default)]
    pub labels: Vec<Label>,
    #[serde(default)]
    pub changed_files: Option<u64>,
    #[serde(default)]
    pub merged_at: Option<String>,
    #[serde(default)]
    pub merge_commit_sha: Option<String>,
    /// The PR's author (their own approval never counts).
    #[serde(default)]
    pub user: Option<User>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct User {
    pub login: String,
    /// `User`, `Bot` or `Organization`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
}

/// One pull request review (GET /pulls/{n}/reviews).
#[derive(Debug, Clone, Deserialize)]
pub struct ApiReview {
    /// Null for a deleted account: such a review never counts.
    #[serde(default)]
    pub user: Option<User>,
    pub state: String,
    #[serde(default)]
    pub commit_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PrFile {
    pub filename: String,
    pub status: String,
    #[serde(default)]
    pub previous_filename: Option<String>,
    #[serde(default)]
    pub patch: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ContentEntry {
    pub path: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Compare {
    pub status: String,
    #[serde(default)]
    pub files: Vec<PrFile>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CheckRun {
    pub id: u64,
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub head_sha: Option<String>,
    /// `queued`, `in_progress`, `completed`, …
    #[serde(default)]
    pub status: Option<String>,
    /// Set once completed: `success`, `failure`, `neutral`, …
    #[serde(default)]
    pub conclusion: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CheckRunList {
    #[serde(default)]
    pub check_runs: Vec<CheckRun>,
}

/// `pull_request` / `pull_request_target` webhook payload.
#[derive(Debug, Clone, Deserialize)]
pub struct PullRequestEvent {
    pub action: String,
    pub pull_request: ApiPullRequest,
    #[serde(default)]
    pub repository: Option<Repo>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MergeGroup {
    pub head_sha: String,
    pub head_ref: String,
    pub base_sha: String,
    pub base_ref: String,
}

/// `merge_group` webhook payload.
#[derive(Debug, Clone, Deserialize)]
pub struct MergeGroupEvent {
    pub action: String,
    pub merge_group: MergeGroup,
    #[serde(default)]
    pub repository: Option<Repo>,
}

/// `push` webhook payload.
#[derive(Debug, Clone, Deserialize)]
pub struct PushEvent {
    #[serde(rename = "ref")]
    pub git_ref: String,
    #[serde(default)]
    pub deleted: bool,
    #[serde(default)]
    pub repository: Option<Repo>,
}

/// `workflow_run`, `check_suite` and `check_run` payloads: the commit CI
/// finished on and the pull requests GitHub lists for it (none for a fork's
/// PR: GitHub leaves that list empty).
#[derive(Debug, Clone, Deserialize)]
pub struct CiEvent {
    pub action: String,
    #[serde(alias = "workflow_run", alias = "check_suite", alias = "check_run")]
    pub subject: CiSubject,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CiSubject {
    pub head_sha: String,
    /// The check-run's or workflow's name (absent on a check suite).
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub pull_requests: Vec<PrNumber>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PrNumber {
    pub number: u64,
}

/// `GET /orgs/{org}/teams/{slug}/memberships/{login}`: `active`, or
/// `pending` while an invitation waits.
#[derive(Debug, Clone, Deserialize)]
pub struct ApiTeamMembership {
    pub state: String,
}
