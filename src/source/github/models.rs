//! The parts of GitHub's REST and webhook payloads the gate reads. Every
//! field that old or odd payloads lack is optional (`head.repo` is null for
//! a deleted fork; 2017 captures have no `draft`).
//!
//! States are enums. A word this version does not know reads as `Unknown`
//! (never a decode error: GitHub adds states), and every use of one fails
//! closed: an unknown pull request state is not open, an unknown compare
//! status does not contain the commit, an unknown membership is none, an
//! unknown account type is not a person's, an unknown review state approves
//! nothing, an unknown check conclusion is not a pass.

use serde::Deserialize;

use contract_gate_core::approval::ReviewState;
pub(super) use contract_gate_core::ci_evidence::{CheckConclusion, CheckStatus};

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct GitRef {
    #[serde(rename = "ref")]
    pub(crate) name: String,
    pub(crate) sha: String,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ApiPullRequest {
    pub(crate) number: u64,
    #[serde(default)]
    pub(super) state: Option<PrState>,
    #[serde(default)]
    pub(super) body: Option<String>,
    pub(crate) head: GitRef,
    pub(crate) base: GitRef,
    #[serde(default)]
    pub(super) changed_files: Option<u64>,
    #[serde(default)]
    pub(crate) merged_at: Option<String>,
    #[serde(default)]
    pub(super) merge_commit_sha: Option<String>,
    /// The PR's author (their own approval never counts).
    #[serde(default)]
    pub(super) user: Option<User>,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct User {
    pub(super) login: String,
    /// `User`, `Bot` or `Organization`.
    #[serde(rename = "type", default)]
    pub(super) kind: Option<UserKind>,
}

/// A pull request's `state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum PrState {
    Open,
    Closed,
    /// Not a state this version knows: not open.
    #[serde(other)]
    Unknown,
}

/// An account's `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub(super) enum UserKind {
    User,
    Bot,
    Organization,
    /// Not a type this version knows (a `Mannequin`, say): not a person.
    #[serde(other)]
    Unknown,
}

/// One pull request review (GET /pulls/{n}/reviews).
#[derive(Debug, Clone, Deserialize)]
pub(super) struct ApiReview {
    /// Null for a deleted account: such a review never counts.
    #[serde(default)]
    pub(super) user: Option<User>,
    pub(super) state: ReviewState,
    #[serde(default)]
    pub(super) commit_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct PrFile {
    pub(super) filename: String,
    pub(super) status: String,
    #[serde(default)]
    pub(super) previous_filename: Option<String>,
    #[serde(default)]
    pub(super) patch: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct ContentEntry {
    pub(super) path: String,
    #[serde(rename = "type")]
    pub(super) kind: String,
}

/// How a compare's head stands to its base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum CompareStatus {
    Ahead,
    Behind,
    Identical,
    Diverged,
    /// Not a status this version knows: the head is not known to contain
    /// the base.
    #[serde(other)]
    Unknown,
}

impl CompareStatus {
    /// Whether the head contains the base (`ahead` or `identical`).
    pub(super) fn contains_base(self) -> bool {
        matches!(self, CompareStatus::Ahead | CompareStatus::Identical)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct Compare {
    pub(super) status: CompareStatus,
    #[serde(default)]
    pub(super) files: Vec<PrFile>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct CheckRun {
    pub(crate) id: u64,
    #[serde(default)]
    pub(crate) external_id: Option<String>,
    /// `queued`, `in_progress`, `completed`, …
    #[serde(default)]
    pub(crate) status: Option<CheckStatus>,
    /// Set once completed: `success`, `failure`, `neutral`, …
    #[serde(default)]
    pub(crate) conclusion: Option<CheckConclusion>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct CheckRunList {
    #[serde(default)]
    pub(crate) check_runs: Vec<CheckRun>,
}

/// `pull_request` / `pull_request_target` webhook payload.
#[derive(Debug, Clone, Deserialize)]
pub struct PullRequestEvent {
    pub(crate) action: String,
    pub(crate) pull_request: ApiPullRequest,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct MergeGroup {
    pub(crate) head_sha: String,
    pub(crate) head_ref: String,
    pub(crate) base_sha: String,
}

/// `merge_group` webhook payload.
#[derive(Debug, Clone, Deserialize)]
pub struct MergeGroupEvent {
    pub(crate) action: String,
    pub(crate) merge_group: MergeGroup,
}

/// `push` webhook payload.
#[derive(Debug, Clone, Deserialize)]
pub struct PushEvent {
    #[serde(rename = "ref")]
    pub(crate) git_ref: String,
    #[serde(default)]
    pub(crate) deleted: bool,
}

/// `workflow_run`, `check_suite` and `check_run` payloads: the commit CI
/// finished on and the pull requests GitHub lists for it (none for a fork's
/// PR: GitHub leaves that list empty).
#[derive(Debug, Clone, Deserialize)]
pub struct CiEvent {
    pub(crate) action: String,
    #[serde(alias = "workflow_run", alias = "check_suite", alias = "check_run")]
    pub(crate) subject: CiSubject,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct CiSubject {
    pub(crate) head_sha: String,
    /// The check-run's or workflow's name (absent on a check suite).
    #[serde(default)]
    pub(crate) name: Option<String>,
    #[serde(default)]
    pub(crate) pull_requests: Vec<PrNumber>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PrNumber {
    pub(crate) number: u64,
}

/// `GET /orgs/{org}/teams/{slug}/memberships/{login}`: `active`, or
/// `pending` while an invitation waits.
#[derive(Debug, Clone, Deserialize)]
pub(super) struct ApiTeamMembership {
    pub(super) state: MembershipState,
}

/// A team membership's `state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum MembershipState {
    Active,
    Pending,
    /// Not a state this version knows: no membership.
    #[serde(other)]
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(raw: &str, field: &str, word: &str) -> serde_json::Value {
        let mut v: serde_json::Value = serde_json::from_str(raw).unwrap();
        v[field] = serde_json::json!(word);
        v
    }

    /// Recorded payloads read with their states typed, and with one word
    /// altered to something GitHub might add: `Unknown`, not an error.
    #[test]
    fn states_read_and_unknown_words_are_unknown() {
        let pr = include_str!("../../../fixtures/github/rest/pull-request.get.json");
        let p: ApiPullRequest = serde_json::from_str(pr).unwrap();
        assert_eq!(p.state, Some(PrState::Closed));
        assert_eq!(p.user.unwrap().kind, Some(UserKind::User));
        let p: ApiPullRequest = serde_json::from_value(recorded(pr, "state", "locked")).unwrap();
        assert_eq!(p.state, Some(PrState::Unknown));

        let cmp = include_str!("../../../fixtures/github/rest/compare.json");
        let c: Compare = serde_json::from_str(cmp).unwrap();
        assert!(c.status.contains_base());
        let c: Compare = serde_json::from_value(recorded(cmp, "status", "sideways")).unwrap();
        assert_eq!(c.status, CompareStatus::Unknown);
        assert!(!c.status.contains_base());

        let team = include_str!("../../../fixtures/github/rest/team-membership.json");
        let m: ApiTeamMembership = serde_json::from_str(team).unwrap();
        assert_eq!(m.state, MembershipState::Active);
        let m: ApiTeamMembership =
            serde_json::from_value(recorded(team, "state", "suspended")).unwrap();
        assert_eq!(m.state, MembershipState::Unknown);

        let run =
            include_str!("../../../fixtures/github/rest/check-run.create.completed.response.json");
        let r: CheckRun = serde_json::from_str(run).unwrap();
        assert_eq!(r.status, Some(CheckStatus::Completed));
        assert_eq!(r.conclusion, Some(CheckConclusion::Success));
        let r: CheckRun = serde_json::from_value(recorded(run, "conclusion", "mystery")).unwrap();
        assert_eq!(
            r.conclusion,
            Some(CheckConclusion::Unknown("mystery".into()))
        );
    }
}
