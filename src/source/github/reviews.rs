//! A pull request's reviews, read only when a verdict has `needs-approval`
//! findings, into the core's [`approval::approvers`].

use super::client::Api;
use super::loader::{GithubLoadError, RepoId};
use super::models::ApiReview;
use contract_gate_core::approval::{self, Review};

const PER_PAGE: usize = 100;
/// 1,000 reviews: past that the list is incomplete, and the gate does not
/// lift anything on a partial list.
const MAX_PAGES: usize = 10;

/// The logins whose review approves `head_sha` of PR `number` by `author`.
pub async fn approvers(
    api: &Api,
    repo: &RepoId,
    number: u64,
    author: &str,
    head_sha: &str,
) -> Result<Vec<String>, GithubLoadError> {
    let path = repo.path(&format!("/pulls/{number}/reviews"));
    let mut reviews = Vec::new();
    for page in 1..=MAX_PAGES {
        let got: Vec<ApiReview> = api
            .get_json(
                &path,
                &[
                    ("per_page", PER_PAGE.to_string()),
                    ("page", page.to_string()),
                ],
            )
            .await?;
        let last = got.len() < PER_PAGE;
        reviews.extend(got.into_iter().filter_map(review));
        if last {
            return Ok(approval::approvers(&reviews, author, head_sha));
        }
    }
    // Incomplete: lift nothing (the needs-approval failures stand).
    Ok(Vec::new())
}

fn review(r: ApiReview) -> Option<Review> {
    let user = r.user?;
    Some(Review {
        bot: user.kind.as_deref() == Some("Bot"),
        login: user.login,
        state: r.state,
        commit_id: r.commit_id.unwrap_or_default(),
    })
}
