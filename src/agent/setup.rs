//! `contract-gate setup`: from the contract at the base, each agent's
//! branch and worktree, its brief and its hooks. Idempotent; it never
//! touches a worktree with uncommitted changes or a branch checked out
//! elsewhere, and `--dry-run` prints the git commands instead.

use crate::source::local::git::GitError;
use std::path::{Path, PathBuf};

use contract_gate_core::contract::{Agent, Contract};

use super::place::{contracts_of_base, Place, PlaceError, Worktree};
use super::worktree::assigned_path;
use super::{git, install, paths};

/// Why setup could not run at all (an agent it skips is a row, not this).
#[derive(Debug, thiserror::Error)]
pub(crate) enum SetupError {
    #[error(transparent)]
    Place(#[from] PlaceError),
    /// git's own error, with git's words.
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("the base checkout {} has uncommitted changes: work starts only from a clean base (`git status --short` must be empty)", .0.display())]
    Dirty(PathBuf),
    #[error("no agent `{agent}` in the contracts at `{base}`")]
    NoSuchAgent { agent: String, base: String },
    #[error("no contract with agents at `{0}`")]
    NoAgents(String),
    #[error("the main checkout is detached and no default branch is known: pass --base REF")]
    NoDefaultBase,
}

/// What `setup` was asked.
#[derive(Debug, Clone, Default)]
pub(crate) struct SetupOptions {
    /// The base (contract and branch start point).
    pub(crate) base: String,
    /// Only this agent (name or branch).
    pub(crate) agent: Option<String>,
    /// Print the commands; change nothing.
    pub(crate) dry_run: bool,
    /// Agent CLIs to write hook settings for.
    pub(crate) clis: Vec<super::cli::Cli>,
    /// This binary, as the hooks will call it.
    pub(crate) exe: String,
    /// Contract paths given with `--contract` (empty: the default ones);
    /// recorded for the hooks.
    pub(crate) contracts: Vec<String>,
    /// The base was given (`--base`): a contract's integration branch does
    /// not replace it.
    pub(crate) base_given: bool,
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    /// Agent name.
    agent: String,
    /// Its branch.
    branch: String,
    /// Its worktree directory.
    worktree: String,
    /// created / already there / skipped: why / would create.
    pub(crate) state: String,
}

/// Runs setup from the repository at `dir`; returns the table rows and
/// the lines to print before it (dry-run commands, brief paths).
pub(crate) fn run(dir: &Path, o: &SetupOptions) -> Result<(Vec<Row>, Vec<String>), SetupError> {
    let place = Place::locate(dir)?;
    let worktrees = place.worktrees()?;
    let main = worktrees
        .first()
        .map(|w| w.path.clone())
        .unwrap_or_else(|| place.root.clone());
    let dirty = status(&main)?;
    if !dirty.is_empty() && !o.dry_run {
        return Err(SetupError::Dirty(main));
    }
    let contracts = contracts_of_base(&main, &o.base, &o.contracts)?;
    let agents: Vec<(&Contract, &Agent)> = contracts
        .iter()
        .flat_map(|c| c.agents.iter().map(move |a| (c, a)))
        .filter(|(_, a)| match &o.agent {
            Some(n) => a.name.eq_ignore_ascii_case(n) || a.branch.as_deref() == Some(n.as_str()),
            None => true,
        })
        .collect();
    if agents.is_empty() {
        return Err(match &o.agent {
            Some(n) => SetupError::NoSuchAgent {
                agent: n.clone(),
                base: o.base.clone(),
            },
            None => SetupError::NoAgents(o.base.clone()),
        });
    }
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for (c, a) in agents {
        rows.push(one(&main, &worktrees, c, a, o, &mut notes));
    }
    Ok((rows, notes))
}

fn status(dir: &Path) -> Result<String, SetupError> {
    Ok(git::ok(dir, &["status", "--porcelain"])
        .map_err(SetupError::Git)?
        .text())
}

fn one(
    main: &Path,
    worktrees: &[Worktree],
    c: &Contract,
    a: &Agent,
    o: &SetupOptions,
    notes: &mut Vec<String>,
) -> Row {
    let mut row = Row {
        agent: a.name.clone(),
        branch: a.branch.clone().unwrap_or_default(),
        worktree: String::new(),
        state: String::new(),
    };
    let (Some(branch), Some(written)) = (&a.branch, &a.worktree) else {
        row.state = "skipped: the contract names no branch or no worktree".into();
        return row;
    };
    // Agents of a contract with an integration branch start from it (and
    // their hooks read the contract there), unless --base said otherwise.
    let base = match (&c.integration_branch, o.base_given) {
        (Some(ib), false) if ref_exists(main, ib) => ib.clone(),
        _ => o.base.clone(),
    };
    let target = paths::resolve(main, &assigned_path(main, written));
    row.worktree = target.display().to_string();
    let here = worktrees
        .iter()
        .find(|w| paths::resolve(main, &w.path) == target);
    let elsewhere = worktrees
        .iter()
        .find(|w| w.branch.as_deref() == Some(branch.as_str()));
    let state = match (here, elsewhere) {
        (Some(w), _) if w.branch.as_deref() != Some(branch.as_str()) => Err(format!(
            "skipped: the worktree is on {}, not {branch}",
            w.branch.as_deref().unwrap_or("a detached HEAD")
        )),
        (Some(_), _) => match status(&target) {
            Ok(s) if !s.is_empty() => Err("skipped: uncommitted changes in the worktree".into()),
            Ok(_) => Ok("already there"),
            Err(e) => Err(format!("skipped: {e}")),
        },
        (None, Some(w)) => Err(format!(
            "skipped: {branch} is checked out at {}",
            w.path.display()
        )),
        (None, None) if target.exists() => {
            Err("skipped: the directory exists and is not a worktree of this repository".into())
        }
        // git's refusal is the row's state, as it is.
        (None, None) => create(main, &target, branch, &base, o, notes)
            .map(|_| "created")
            .map_err(|e| e.to_string()),
    };
    match state {
        Err(why) => row.state = why,
        Ok(s) if o.dry_run => {
            row.state = if s == "created" {
                "would create".into()
            } else {
                s.into()
            };
        }
        Ok(s) => {
            let brief = crate::report::brief::brief(c, a);
            row.state =
                match install::install(&target, &o.exe, &base, &o.contracts, &brief, &o.clis) {
                    Ok(path) => {
                        notes.push(format!("{}: brief at {path}", a.name));
                        s.into()
                    }
                    Err(e) => format!("{s}, hooks not installed: {e}"),
                };
        }
    }
    row
}

/// Whether a branch (or `origin/` one) of that name exists.
fn ref_exists(main: &Path, name: &str) -> bool {
    if name.starts_with('-') {
        return false;
    }
    let spec = format!("{name}^{{commit}}");
    git::run(main, &["rev-parse", "--verify", "-q", &spec], None).is_ok_and(|o| o.code == 0)
}

fn create(
    main: &Path,
    target: &Path,
    branch: &str,
    base: &str,
    o: &SetupOptions,
    notes: &mut Vec<String>,
) -> Result<(), SetupError> {
    let exists = git::run(
        main,
        &[
            "rev-parse",
            "--verify",
            "-q",
            &format!("refs/heads/{branch}"),
        ],
        None,
    )
    .map_err(SetupError::Git)?
    .code
        == 0;
    let t = target.display().to_string();
    let args: Vec<String> = if exists {
        vec!["worktree".into(), "add".into(), t, branch.into()]
    } else {
        let start = git::ok(
            main,
            &["rev-parse", "--verify", &format!("{base}^{{commit}}")],
        )
        .map_err(SetupError::Git)?
        .text();
        vec![
            "worktree".into(),
            "add".into(),
            "-b".into(),
            branch.into(),
            t,
            start,
        ]
    };
    if o.dry_run {
        notes.push(format!("git {}", args.join(" ")));
        return Ok(());
    }
    git::ok(main, &args).map(|_| ()).map_err(SetupError::Git)
}

/// The table, aligned.
pub(crate) fn table(rows: &[Row]) -> String {
    let head = Row {
        agent: "agent".into(),
        branch: "branch".into(),
        worktree: "worktree".into(),
        state: "state".into(),
    };
    let all: Vec<&Row> = std::iter::once(&head).chain(rows).collect();
    let w = |f: fn(&Row) -> &String| all.iter().map(|r| f(r).chars().count()).max().unwrap_or(0);
    let (wa, wb, ww) = (w(|r| &r.agent), w(|r| &r.branch), w(|r| &r.worktree));
    let mut out = String::new();
    for r in all {
        out.push_str(&format!(
            "{:wa$}  {:wb$}  {:ww$}  {}\n",
            r.agent, r.branch, r.worktree, r.state
        ));
    }
    out
}

/// The default base: the repository's default branch (what `origin/HEAD`
/// names, as a local branch when there is one), else the main checkout's
/// current branch.
pub(crate) fn default_base(dir: &Path) -> Result<String, SetupError> {
    let place = Place::locate(dir)?;
    let main: PathBuf = place
        .worktrees()?
        .first()
        .map(|w| w.path.clone())
        .unwrap_or(place.root);
    let origin_head = git::run(
        &main,
        &["symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD"],
        None,
    )
    .map_err(SetupError::Git)?;
    if origin_head.code == 0 {
        let remote = origin_head.text();
        if let Some(name) = remote.strip_prefix("origin/").filter(|n| !n.is_empty()) {
            return Ok(if ref_exists(&main, &format!("refs/heads/{name}")) {
                name.to_string()
            } else {
                remote.clone()
            });
        }
    }
    Place::locate(&main)?
        .branch
        .ok_or(SetupError::NoDefaultBase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_keep_their_words() {
        assert_eq!(
            SetupError::Dirty(PathBuf::from("/m")).to_string(),
            "the base checkout /m has uncommitted changes: work starts only from a clean base (`git status --short` must be empty)"
        );
        let none = SetupError::NoSuchAgent {
            agent: "ann".into(),
            base: "main".into(),
        };
        assert_eq!(
            none.to_string(),
            "no agent `ann` in the contracts at `main`"
        );
        assert_eq!(
            SetupError::NoAgents("main".into()).to_string(),
            "no contract with agents at `main`"
        );
        assert_eq!(
            SetupError::NoDefaultBase.to_string(),
            "the main checkout is detached and no default branch is known: pass --base REF"
        );
    }
}
