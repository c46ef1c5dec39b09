//! Where the GitHub settings come from: flags, then the environment a
//! workflow sets, then the local checkout (`origin`, `gh auth token`).

use std::process::Command;

use crate::action::run::Settings;
use crate::cli::GithubArgs;
use crate::source::github::client::{RetryPolicy, Token};
use crate::source::github::loader::RepoId;

pub const PUBLIC_API: &str = "https://api.github.com";

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// `owner/name` from a remote URL: `git@HOST:o/n.git`, `https://HOST/o/n(.git)`,
/// `ssh://git@HOST/o/n.git`.
pub fn repo_from_remote(url: &str) -> Option<RepoId> {
    let url = url.trim();
    let path = if let Some(rest) = url.split_once("://").map(|(_, r)| r) {
        rest.split_once('/')?.1
    } else {
        url.split_once(':')?.1
    };
    let path = path.trim_end_matches('/');
    let mut parts: Vec<&str> = path.rsplitn(3, '/').collect();
    parts.truncate(2);
    parts.reverse();
    RepoId::parse(&parts.join("/"))
}

fn origin_repo() -> Option<RepoId> {
    let out = Command::new("git")
        .args(["remote", "get-url", "origin"])
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| repo_from_remote(&String::from_utf8_lossy(&out.stdout)))
        .flatten()
}

fn gh_token() -> Option<String> {
    let out = Command::new("gh").args(["auth", "token"]).output().ok()?;
    let t = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !t.is_empty()).then_some(t)
}

pub fn resolve(g: &GithubArgs) -> Result<Settings, String> {
    let repo = match &g.repo {
        Some(r) => RepoId::parse(r).ok_or_else(|| format!("--repo `{r}` is not OWNER/NAME"))?,
        None => match env("GITHUB_REPOSITORY") {
            Some(r) => RepoId::parse(&r)
                .ok_or_else(|| format!("GITHUB_REPOSITORY `{r}` is not OWNER/NAME"))?,
            None => origin_repo().ok_or(
                "no repository: pass --repo OWNER/NAME (or set GITHUB_REPOSITORY, or run inside a checkout with an `origin` remote)",
            )?,
        },
    };
    let token = g
        .token
        .clone()
        .or_else(|| env("GITHUB_TOKEN"))
        .or_else(|| env("GH_TOKEN"))
        .or_else(gh_token)
        .map(Token::new);
    let api_url = g
        .api_url
        .clone()
        .or_else(|| env("GITHUB_API_URL"))
        .unwrap_or_else(|| PUBLIC_API.to_string());
    Ok(Settings {
        api_url: api_url.trim_end_matches('/').to_string(),
        token,
        repo,
        contracts: g.contracts.clone(),
        unassigned: g.unassigned.into(),
        policy: RetryPolicy::default(),
        format: g.format,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remotes() {
        for url in [
            "git@github.com:octo-org/octo-repo.git",
            "https://github.com/octo-org/octo-repo",
            "https://github.com/octo-org/octo-repo.git\n",
            "ssh://git@ghe.example.com/octo-org/octo-repo.git",
            "https://ghe.example.com/scm/octo-org/octo-repo/",
        ] {
            assert_eq!(
                repo_from_remote(url).map(|r| r.to_string()).as_deref(),
                Some("octo-org/octo-repo"),
                "{url}"
            );
        }
        assert_eq!(repo_from_remote("nonsense"), None);
    }
}
