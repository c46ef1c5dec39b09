//! Why a GitHub request failed, with a message that says what to do.
//! Texts are scrubbed of the token before they get here (see
//! [`super::token::Scrubber`]).

use super::transport::Method;

/// How to get a token, named wherever one is missing.
pub const GET_A_TOKEN: &str = "set GITHUB_TOKEN or GH_TOKEN, pass --token, or run `gh auth login`";

/// Why a GitHub request failed. Every message says what to do; none holds
/// the token.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("the GitHub API URL `{url}` cannot be used ({reason}): pass https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server")]
    InvalidUrl { url: String, reason: String },

    #[error("the token cannot be sent ({reason}): check that GITHUB_TOKEN/--token holds the token alone")]
    InvalidToken { reason: String },

    #[error("no GitHub token: {GET_A_TOKEN}; reading a pull request needs one")]
    MissingToken,

    #[error("cannot request `{path}` ({reason}): this is a contract-gate bug, please report it with this message")]
    InvalidRequest { path: String, reason: String },

    #[error("cannot set up the HTTPS client ({message}): check that the system's CA certificates are installed")]
    Client { message: String },

    #[error("{}", unauthorized_text(*.token_set, method, path, message))]
    Unauthorized {
        method: &'static str,
        path: String,
        message: String,
        token_set: bool,
    },

    #[error("{hint} ({method} {path} answered 403: {message})")]
    Forbidden {
        method: &'static str,
        path: String,
        hint: String,
        message: String,
    },

    #[error("{}", not_found_text(*.token_set, method, path))]
    NotFound {
        method: &'static str,
        path: String,
        token_set: bool,
    },

    #[error("GitHub's rate limit stopped {method} {path} ({status}: {message}): it resets {resets}, a wait of {wait_secs} s, {reason}; rerun after the reset, or use a token with a higher rate limit")]
    RateLimited {
        method: &'static str,
        path: String,
        status: u16,
        message: String,
        /// When the limit resets, in words (`at 2024-01-01T01:00:00Z`, `in 3 s`).
        resets: String,
        /// How long it would have had to wait.
        wait_secs: u64,
        /// Why it did not wait.
        reason: String,
    },

    #[error("GitHub answered {status} to {method} {path}: {message}; check --repo and the pull request number, and if they are right, report this as a contract-gate bug")]
    Http {
        status: u16,
        method: &'static str,
        path: String,
        message: String,
    },

    #[error("GitHub answered {status} to {method} {path} ({message}) {stopped}: GitHub may be having trouble (https://www.githubstatus.com); rerun later")]
    Server {
        status: u16,
        method: &'static str,
        path: String,
        message: String,
        attempts: u32,
        /// `after 4 attempts`, or why it stopped sooner.
        stopped: String,
    },

    #[error("could not reach {api_url} for {method} {path} ({message}) {stopped}: check the network and the API URL (--api-url / GITHUB_API_URL)")]
    Transport {
        api_url: String,
        method: &'static str,
        path: String,
        message: String,
        attempts: u32,
        /// `after 4 attempts`, or why it stopped sooner.
        stopped: String,
    },

    #[error("GitHub's list of {what} goes on past what the gate reads: a list is read whole or not at all, never judged in part")]
    Incomplete { what: String },

    #[error("cannot read GitHub's answer to {method} {path} ({message}): check that the API URL points at a GitHub REST API; if it does, report this as a contract-gate bug")]
    Decode {
        method: &'static str,
        path: String,
        message: String,
    },
}

impl ApiError {
    /// Whether the request may have reached GitHub and been acted on
    /// although no answer says so (a 5xx, a timeout, a cut connection).
    pub fn is_transient(&self) -> bool {
        matches!(self, ApiError::Server { .. } | ApiError::Transport { .. })
    }
}

fn unauthorized_text(token_set: bool, method: &str, path: &str, message: &str) -> String {
    if token_set {
        format!("the token was rejected (401): check that GITHUB_TOKEN/--token is set and not expired ({method} {path}: {message})")
    } else {
        format!("GitHub requires a token (401 on {method} {path}: {message}): {GET_A_TOKEN}")
    }
}

fn not_found_text(token_set: bool, method: &str, path: &str) -> String {
    if token_set {
        format!("{path} was not found (404 on {method}): wrong --repo, or a private repository the token cannot see")
    } else {
        // GitHub answers 404, not 401, for a private repository asked
        // without a token.
        format!("{path} was not found (404 on {method}) and no token was sent: the token is missing ({GET_A_TOKEN}); GitHub hides private repositories from requests without one")
    }
}

/// The likely missing permission of a 403, by the request.
pub(crate) fn forbidden_hint(method: Method, target: &str, token_set: bool) -> String {
    if !token_set {
        return format!("GitHub refused a request made without a token: {GET_A_TOKEN}");
    }
    let path = target.split('?').next().unwrap_or(target);
    let write = method != Method::Get;
    if write && path.contains("/check-runs") {
        "the token cannot write checks: grant `checks: write` (fork pull requests get a read-only token; see README)".to_string()
    } else if path.contains("/pulls") {
        if write {
            "the token cannot write pull requests: grant `pull-requests: write`".to_string()
        } else {
            "the token cannot read pull requests: grant `pull-requests: read`".to_string()
        }
    } else if path.contains("/contents") || path.contains("/compare") {
        "the token cannot read the repository's contents: grant `contents: read`".to_string()
    } else if path.contains("/check-runs") {
        "the token cannot read checks: grant `checks: read`".to_string()
    } else {
        "the token lacks a permission this request needs: check the token's permissions on this repository".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 403 hints name the permission the request needs.
    #[test]
    fn forbidden_hints() {
        let h = |m, p| forbidden_hint(m, p, true);
        assert!(h(Method::Post, "/repos/o/r/check-runs").contains("`checks: write`"));
        assert!(h(Method::Patch, "/repos/o/r/check-runs/5").contains("`checks: write`"));
        assert!(h(Method::Get, "/repos/o/r/pulls/1/files?page=2").contains("`pull-requests: read`"));
        assert!(h(Method::Get, "/repos/o/r/contents/CONTRACT.md").contains("`contents: read`"));
        assert!(h(Method::Get, "/repos/o/r/compare/a...b").contains("`contents: read`"));
        assert!(forbidden_hint(Method::Get, "/x", false).contains("GH_TOKEN"));
    }

    /// A 404 without a token says the token is missing and how to get one.
    #[test]
    fn not_found_without_token_names_the_token() {
        let e = ApiError::NotFound {
            method: "GET",
            path: "/repos/o/r/pulls/1".into(),
            token_set: false,
        };
        assert_eq!(
            e.to_string(),
            "/repos/o/r/pulls/1 was not found (404 on GET) and no token was sent: the token is missing (set GITHUB_TOKEN or GH_TOKEN, pass --token, or run `gh auth login`); GitHub hides private repositories from requests without one"
        );
    }
}
