//! Which reviews approve a pull request's current head, for lifting
//! `needs-approval` on GitHub. Pure: the GitHub source reads the reviews.
//!
//! A review counts when it is the reviewer's latest deciding review
//! (APPROVED, CHANGES_REQUESTED or DISMISSED; a COMMENTED review decides
//! nothing), it is APPROVED, it was given on the current head SHA (an
//! approval of an older commit is stale), and the reviewer is neither the
//! PR's author nor a bot. A state this version does not know decides
//! too, and approves nothing: it withdraws an earlier approval rather than
//! leave it standing.

use serde::Deserialize;

use crate::contract::Approver;

/// A review's `state`, as GitHub sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReviewState {
    /// `APPROVED`.
    Approved,
    /// `CHANGES_REQUESTED`.
    ChangesRequested,
    /// `COMMENTED`: decides nothing.
    Commented,
    /// `DISMISSED`: withdraws the reviewer's approval.
    Dismissed,
    /// `PENDING`: not submitted yet, decides nothing.
    Pending,
    /// A state this version does not know: it decides, and approves nothing.
    #[serde(other)]
    Unknown,
}

impl ReviewState {
    /// Whether the review replaces the reviewer's earlier decision.
    fn decides(self) -> bool {
        !matches!(self, ReviewState::Commented | ReviewState::Pending)
    }
}

/// One review, in the order GitHub lists them (oldest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// The reviewer's login.
    pub login: String,
    /// The reviewer is a bot (`user.type == "Bot"`, or a `[bot]` login).
    pub bot: bool,
    /// `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED`, `DISMISSED`, `PENDING`.
    pub state: ReviewState,
    /// The commit the review was given on.
    pub commit_id: String,
}

/// The logins whose approval counts on `head_sha` of a PR by `author`,
/// sorted.
pub fn approvers(reviews: &[Review], author: &str, head_sha: &str) -> Vec<String> {
    let mut latest: std::collections::BTreeMap<&str, &Review> = Default::default();
    for r in reviews {
        if r.state.decides() {
            latest.insert(r.login.as_str(), r);
        }
    }
    latest
        .into_values()
        .filter(|r| r.state == ReviewState::Approved && r.commit_id == head_sha)
        .filter(|r| !r.bot && !r.login.ends_with("[bot]"))
        .filter(|r| !r.login.eq_ignore_ascii_case(author))
        .map(|r| r.login.clone())
        .collect()
}

/// Whether the contract's approvers name `login` directly (`@login`,
/// case-insensitively). With no approvers named, anyone may approve.
pub fn named_user(named: &[Approver], login: &str) -> bool {
    named.is_empty()
        || named
            .iter()
            .any(|a| matches!(a, Approver::User { login: l } if l.eq_ignore_ascii_case(login)))
}

/// The teams the contract names (`@org/team`), whose members may approve;
/// the source asks whether a reviewer is one.
pub fn teams(named: &[Approver]) -> Vec<(&str, &str)> {
    named
        .iter()
        .filter_map(|a| match a {
            Approver::Team { org, slug } => Some((org.as_str(), slug.as_str())),
            Approver::User { .. } => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A review with its state read as GitHub's JSON gives it.
    fn r(login: &str, state: &str, sha: &str) -> Review {
        Review {
            login: login.into(),
            bot: false,
            state: serde_json::from_value(serde_json::Value::from(state)).unwrap(),
            commit_id: sha.into(),
        }
    }

    #[test]
    fn only_a_current_approval_by_another_human_counts() {
        let reviews = [
            r("author", "APPROVED", "head"),
            r("stale", "APPROVED", "old"),
            r("changed-mind", "APPROVED", "head"),
            r("changed-mind", "CHANGES_REQUESTED", "head"),
            r("dismissed", "APPROVED", "head"),
            r("dismissed", "DISMISSED", "head"),
            r("kept", "APPROVED", "head"),
            r("kept", "COMMENTED", "head"),
            r("dependabot[bot]", "APPROVED", "head"),
            Review {
                bot: true,
                ..r("ci-app", "APPROVED", "head")
            },
        ];
        assert_eq!(approvers(&reviews, "Author", "head"), vec!["kept"]);
    }

    /// A state this version does not know approves nothing and withdraws
    /// the reviewer's earlier approval (as a changes request would).
    #[test]
    fn an_unknown_state_approves_nothing() {
        assert_eq!(r("x", "APPROVED_LATER", "head").state, ReviewState::Unknown);
        assert_eq!(r("x", "approved", "head").state, ReviewState::Unknown);
        let reviews = [
            r("octocat", "APPROVED", "head"),
            r("octocat", "APPROVED_LATER", "head"),
            r("hubot", "APPROVED_LATER", "head"),
        ];
        assert!(approvers(&reviews, "author", "head").is_empty());
        // A later approval counts again.
        let reviews = [
            r("octocat", "SOMETHING_NEW", "head"),
            r("octocat", "APPROVED", "head"),
        ];
        assert_eq!(approvers(&reviews, "author", "head"), vec!["octocat"]);
    }

    #[test]
    fn named_approvers() {
        let named: Vec<Approver> = ["@Octocat", "@acme/release-team"]
            .iter()
            .filter_map(|h| Approver::parse(h))
            .collect();
        assert!(named_user(&named, "octocat"));
        assert!(!named_user(&named, "hubot"));
        assert!(named_user(&[], "anyone"));
        assert_eq!(teams(&named), vec![("acme", "release-team")]);
        for bad in ["octocat", "@", "@-x", "@a/", "@a b", "@org/te am"] {
            assert_eq!(Approver::parse(bad), None, "{bad}");
        }
    }
}
