//! The GitHub commands (`--pr N`, `event`, `sweep`) and where their
//! settings come from: flags, then the environment a workflow sets, then
//! the local checkout (`origin` of `-C DIR`, `gh auth token`).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::args::{Cli, DirArgs, EventArgs, GithubArgs, PolicyArgs, SweepArgs};
use super::error::{self, CliError, Outcome};
use crate::action::run::{ActionsEnv, Settings};
use crate::report::Format;
use crate::source::github::client::{RetryPolicy, Token, PUBLIC_API_URL};
use crate::source::github::repo::RepoId;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// No subcommand: `--pr N`, or the event of the Actions run.
pub(super) fn top_level(cli: &Cli) -> Result<Outcome, CliError> {
    let format = cli.judge.format();
    let (policy, github, dir) = (&cli.judge.policy, &cli.github, &cli.dir);
    if let Some(n) = cli.pr {
        let post = cli.posting.post;
        return with_github(github, policy, format, dir, |s| async move {
            crate::action::dry_run(&s, n, post).await
        });
    }
    if cli.posting.post {
        return Err(CliError::new("--post needs --pr N (or use `sweep --post`)").in_format(format));
    }
    if std::env::var("GITHUB_ACTIONS").as_deref() != Ok("true") {
        let _ = <Cli as clap::CommandFactory>::command().print_help();
        return Err(CliError::Reported);
    }
    let (Some(name), Some(path)) = (env("GITHUB_EVENT_NAME"), env("GITHUB_EVENT_PATH")) else {
        return Err(CliError::new(
            "GITHUB_ACTIONS=true but GITHUB_EVENT_NAME or GITHUB_EVENT_PATH is not set",
        )
        .in_format(format));
    };
    let env = actions_env(name, PathBuf::from(path));
    with_github(github, policy, format, dir, |s| async move {
        crate::action::event(&s, &env).await
    })
}

/// `contract-gate event`.
pub(super) fn event(a: &EventArgs) -> Result<Outcome, CliError> {
    let env = actions_env(a.event_name.clone(), a.event_path.clone());
    with_github(
        &a.github,
        &a.judge.policy,
        a.judge.format(),
        &a.dir,
        |s| async move { crate::action::event(&s, &env).await },
    )
}

fn actions_env(event_name: String, event_path: PathBuf) -> ActionsEnv {
    ActionsEnv {
        event_name,
        event_path,
        step_summary: std::env::var_os("GITHUB_STEP_SUMMARY").map(PathBuf::from),
        output: std::env::var_os("GITHUB_OUTPUT").map(PathBuf::from),
    }
}

/// `contract-gate sweep`: a dry run unless `--post`.
pub(super) fn sweep(a: &SweepArgs) -> Result<Outcome, CliError> {
    let format: Format = a.format.into();
    let base = match a.base.as_deref().filter(|b| !b.trim().is_empty()) {
        Some(b) => b.to_string(),
        None => sweep_base_from_env().map_err(|e| CliError::of(e).in_format(format))?,
    };
    let post = if a.posting.post {
        true
    } else if a.posting.dry_run {
        false
    } else {
        // Until this release `sweep` posted by default; it keeps doing so
        // one more release so workflows that call it keep working.
        eprintln!(
            "contract-gate: warning: `sweep` without --post or --dry-run posts for one more release; \
             pass --post to post (the next release makes a dry run the default, as with --pr)"
        );
        true
    };
    with_github(&a.github, &a.policy, format, &a.dir, |s| async move {
        crate::action::sweep(&s, &base, post).await
    })
}

/// The base a sweep runs on without `--base`, from the workflow's
/// environment: the pushed branch of a `push` event (its payload's `ref`,
/// else GITHUB_REF), or GITHUB_BASE_REF in a `pull_request` event.
fn sweep_base_from_env() -> Result<String, SettingsError> {
    let event = env("GITHUB_EVENT_NAME").unwrap_or_default();
    let pushed = if event == "push" {
        Some(match env("GITHUB_EVENT_PATH") {
            Some(p) => pushed_ref(Path::new(&p))?,
            None => env("GITHUB_REF").unwrap_or_default(),
        })
    } else {
        None
    };
    sweep_base(&event, pushed.as_deref(), env("GITHUB_BASE_REF").as_deref())
}

/// The base of a sweep in event `event` that pushed `pushed_ref`, or whose
/// pull request targets `base_ref`.
fn sweep_base(
    event: &str,
    pushed_ref: Option<&str>,
    base_ref: Option<&str>,
) -> Result<String, SettingsError> {
    if event == "push" {
        let git_ref = pushed_ref.unwrap_or_default();
        return git_ref
            .strip_prefix("refs/heads/")
            .filter(|b| !b.is_empty())
            .map(String::from)
            .ok_or_else(|| SettingsError::PushNotBranch(git_ref.to_string()));
    }
    match base_ref {
        Some(b) if event.starts_with("pull_request") && !b.trim().is_empty() => Ok(b.to_string()),
        _ => Err(SettingsError::NoSweepBase),
    }
}

/// The `ref` of a push payload.
fn pushed_ref(path: &Path) -> Result<String, SettingsError> {
    let shown = || path.display().to_string();
    let raw = std::fs::read_to_string(path).map_err(|source| SettingsError::ReadPayload {
        path: shown(),
        source,
    })?;
    let v: serde_json::Value =
        serde_json::from_str(&raw).map_err(|source| SettingsError::BadPayload {
            path: shown(),
            source,
        })?;
    v["ref"]
        .as_str()
        .map(String::from)
        .ok_or_else(|| SettingsError::NoRef(shown()))
}

/// Why the settings of a GitHub command cannot be resolved.
#[derive(Debug, thiserror::Error)]
enum SettingsError {
    #[error("sweep: the push is to `{0}`, not a branch; pass --base BRANCH")]
    PushNotBranch(String),
    #[error("sweep needs --base BRANCH (without it, it sweeps the pushed branch of a push event)")]
    NoSweepBase,
    #[error("cannot read the event payload {path}: {source}")]
    ReadPayload {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the push payload {path} is unreadable: {source}")]
    BadPayload {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("the push payload {0} has no `ref`")]
    NoRef(String),
    #[error("--repo `{0}` is not OWNER/NAME")]
    RepoFlag(String),
    #[error("GITHUB_REPOSITORY `{0}` is not OWNER/NAME")]
    RepoEnv(String),
    #[error("no repository: pass --repo OWNER/NAME (or set GITHUB_REPOSITORY, or run inside a checkout with an `origin` remote)")]
    NoRepo,
}

/// Resolves the settings and runs `f` on a tokio runtime.
fn with_github<F, Fut>(
    g: &GithubArgs,
    p: &PolicyArgs,
    format: Format,
    dir: &DirArgs,
    f: F,
) -> Result<Outcome, CliError>
where
    F: FnOnce(Settings) -> Fut,
    Fut: std::future::Future<Output = i32>,
{
    let settings =
        resolve(g, p, format, &dir.dir).map_err(|e| CliError::of(e).in_format(format))?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            CliError::new(format!("cannot start the async runtime: {e}")).in_format(format)
        })?;
    error::from_action(rt.block_on(f(settings)))
}

/// `owner/name` from a remote URL: `git@HOST:o/n.git`, `https://HOST/o/n(.git)`,
/// `ssh://git@HOST/o/n.git`.
fn repo_from_remote(url: &str) -> Option<RepoId> {
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

fn origin_repo(dir: &Path) -> Option<RepoId> {
    let out = crate::source::local::git::git_program()
        .args(["remote", "get-url", "origin"])
        .current_dir(dir)
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

/// The checkout the merge rehearsal reads: `-C DIR` when given, else the
/// Actions workspace (where `actions/checkout` puts it), else here.
fn workspace(dir: &Path) -> PathBuf {
    if dir != Path::new(".") {
        return dir.to_path_buf();
    }
    env("GITHUB_WORKSPACE")
        .filter(|w| !w.trim().is_empty())
        .map_or_else(|| dir.to_path_buf(), PathBuf::from)
}

/// The settings of a GitHub command.
fn resolve(
    g: &GithubArgs,
    p: &PolicyArgs,
    format: Format,
    dir: &Path,
) -> Result<Settings, SettingsError> {
    let repo = match &g.repo {
        Some(r) => RepoId::parse(r).ok_or_else(|| SettingsError::RepoFlag(r.clone()))?,
        None => match env("GITHUB_REPOSITORY") {
            Some(r) => RepoId::parse(&r).ok_or(SettingsError::RepoEnv(r))?,
            None => origin_repo(dir).ok_or(SettingsError::NoRepo)?,
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
        .unwrap_or_else(|| PUBLIC_API_URL.to_string());
    Ok(Settings {
        api_url: api_url.trim_end_matches('/').to_string(),
        token,
        repo,
        contracts: p.contract.contracts.clone(),
        unassigned: p.unassigned.into(),
        policy: RetryPolicy::default(),
        format,
        workspace: workspace(dir),
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

    #[test]
    fn sweep_base_of_events() {
        assert_eq!(
            sweep_base("push", Some("refs/heads/release/2.0"), None).unwrap(),
            "release/2.0"
        );
        let tag = sweep_base("push", Some("refs/tags/v1"), None)
            .unwrap_err()
            .to_string();
        assert!(tag.contains("`refs/tags/v1`, not a branch"), "{tag}");
        assert_eq!(
            sweep_base("pull_request_target", None, Some("main")).unwrap(),
            "main"
        );
        let none = sweep_base("workflow_dispatch", None, Some("main"))
            .unwrap_err()
            .to_string();
        assert!(none.starts_with("sweep needs --base BRANCH"), "{none}");
        assert!(sweep_base("", None, None).is_err());
    }
}
