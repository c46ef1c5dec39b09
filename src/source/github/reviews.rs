//! A pull request's reviews, read only when a verdict has `needs-approval`
//! findings, into the core's [`approval::approvers`].

use super::client::Api;
use super::models::{ApiReview, ApiTeamMembership, MembershipState, UserKind};
use super::repo::{GithubLoadError, RepoId};
use super::target::encode_file_path;
use contract_gate_core::approval::{self, Review};
use contract_gate_core::contract::Approver;

const PER_PAGE: usize = 100;
/// 1,000 reviews: past that the list is incomplete, and the gate does not
/// lift anything on a partial list.
const MAX_PAGES: usize = 10;

/// The logins whose review approves `head_sha` of PR `number` by `author`,
/// among those the contract's approvers allow (`named`; empty: anyone).
pub(crate) async fn approvers(
    api: &Api,
    repo: &RepoId,
    number: u64,
    author: &str,
    head_sha: &str,
    named: &[Approver],
) -> Result<Vec<String>, GithubLoadError> {
    let mut allowed = Vec::new();
    for login in reviewed(api, repo, number, author, head_sha).await? {
        if approval::named_user(named, &login) || member(api, named, &login).await? {
            allowed.push(login);
        }
    }
    Ok(allowed)
}

/// Whether `login` is an active member of a team the contract names
/// (`GET /orgs/{org}/teams/{slug}/memberships/{login}`, one request per team
/// until one says yes; a 404 is "not a member"; an invitation still pending
/// is not membership). Needs `members: read`.
async fn member(api: &Api, named: &[Approver], login: &str) -> Result<bool, GithubLoadError> {
    for (org, slug) in approval::teams(named) {
        let path = format!(
            "/orgs/{}/teams/{}/memberships/{}",
            encode_file_path(org),
            encode_file_path(slug),
            encode_file_path(login)
        );
        let found: Option<ApiTeamMembership> = api.get_json_opt(&path, &[]).await?;
        if found.is_some_and(|m| m.state == MembershipState::Active) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Every approving review of the current head by someone else (the core's
/// rules), before the contract's approvers are applied.
async fn reviewed(
    api: &Api,
    repo: &RepoId,
    number: u64,
    author: &str,
    head_sha: &str,
) -> Result<Vec<String>, GithubLoadError> {
    let path = repo.path(&format!("/pulls/{number}/reviews"));
    let query = [("per_page", PER_PAGE.to_string())];
    // Every page, by `Link: rel="next"`: a changes-requested review on a
    // later page withdraws an approval on the first.
    let (pages, ended) = api
        .get_all_pages::<Vec<ApiReview>>(&path, &query, MAX_PAGES)
        .await?;
    if !ended {
        // Incomplete: lift nothing (the needs-approval failures stand).
        return Ok(Vec::new());
    }
    let reviews: Vec<Review> = pages.into_iter().flatten().filter_map(review).collect();
    Ok(approval::approvers(&reviews, author, head_sha))
}

fn review(r: ApiReview) -> Option<Review> {
    let user = r.user?;
    Some(Review {
        // Only a `User` (or a payload too old to say) may be a person; a
        // type this version does not know is not.
        bot: !matches!(user.kind, None | Some(UserKind::User)),
        login: user.login,
        state: r.state,
        commit_id: r.commit_id.unwrap_or_default(),
    })
}
