//! `contract-gate hook <agent-cli>`: read one tool-call event, decide with
//! the core's pure `edit_guard`, answer in that CLI's protocol. It never
//! crashes open: a malformed event, a git error or a panic is a deny with
//! the reason (a crashed hook would let the edit through).

use crate::source::local::generated::GeneratedError;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use contract_gate_core::contract::Contract;
use contract_gate_core::edit_guard::{decide_command, decide_edit, Decision};
use contract_gate_core::evaluate::Options;

use super::event::{self, Action, Cli, EventError};
use super::generated;
use super::paths::{self, PathError};
use super::place::{contracts_of_base, Place, PlaceError, Worktree};

/// How a hook was invoked.
#[derive(Debug, Clone)]
pub(crate) struct HookOptions {
    /// The agent CLI whose protocol to speak.
    pub(crate) cli: Cli,
    /// Directories outside the worktree that edits may reach (scratch space).
    pub(crate) allow_outside: Vec<PathBuf>,
    /// The base to read the contract from, instead of the one recorded at setup.
    pub(crate) base: Option<String>,
    /// Contract paths, instead of the ones recorded at setup (or the defaults).
    pub(crate) contracts: Vec<String>,
}

/// Why a tool call could not be judged (the hook then denies, saying so).
#[derive(Debug, thiserror::Error)]
enum HookError {
    #[error(transparent)]
    Event(#[from] EventError),
    #[error(transparent)]
    Place(#[from] PlaceError),
    #[error(transparent)]
    Path(#[from] PathError),
    #[error(
        "the worktree's HEAD is detached, so its agent is unknown: check out the agent's branch"
    )]
    Detached,
    #[error("no base is recorded for this worktree: run `contract-gate setup`, or pass `--base REF` to the hook")]
    NoBase,
    /// Whether the file is generated could not be told.
    #[error(transparent)]
    Generated(#[from] GeneratedError),
}

/// The decision for one event; `cwd` is the process's directory, used when
/// the event names none.
pub(crate) fn decide(opts: &HookOptions, input: &str, cwd: &Path) -> Decision {
    match catch_unwind(AssertUnwindSafe(|| try_decide(opts, input, cwd))) {
        Ok(Ok(d)) => d,
        Ok(Err(why)) => Decision::Deny(format!(
            "contract-gate could not judge this tool call, so it is denied: {why}"
        )),
        Err(_) => Decision::Deny(
            "contract-gate failed while judging this tool call, so it is denied; report it".into(),
        ),
    }
}

fn try_decide(opts: &HookOptions, input: &str, cwd: &Path) -> Result<Decision, HookError> {
    let ev = event::parse(opts.cli, input)?;
    if ev.action == Action::Other {
        return Ok(Decision::Allow);
    }
    let cwd = ev
        .cwd
        .as_deref()
        .map(PathBuf::from)
        .filter(|d| d.is_dir())
        .unwrap_or_else(|| cwd.to_path_buf());
    let place = Place::locate(&cwd)?;
    let branch = place.branch.clone().ok_or(HookError::Detached)?;
    let base = opts
        .base
        .clone()
        .or_else(|| place.recorded_base())
        .ok_or(HookError::NoBase)?;
    let explicit = if opts.contracts.is_empty() {
        place.recorded_contracts()
    } else {
        opts.contracts.clone()
    };
    let contracts = contracts_of_base(&place.root, &base, &explicit)?;
    match ev.action {
        Action::Shell(line) => Ok(decide_command(&contracts, &branch, &line)),
        Action::Edit(list) => {
            let mut asked = None;
            for p in list {
                match decide_path(opts, &place, &contracts, &branch, &cwd, &p)? {
                    Decision::Allow => {}
                    Decision::Ask(why) => asked = asked.or(Some(why)),
                    deny => return Ok(deny),
                }
            }
            Ok(asked.map_or(Decision::Allow, Decision::Ask))
        }
        Action::Other => Ok(Decision::Allow),
    }
}

fn decide_path(
    opts: &HookOptions,
    place: &Place,
    contracts: &[Contract],
    branch: &str,
    cwd: &Path,
    given: &str,
) -> Result<Decision, HookError> {
    let abs = paths::resolve(cwd, Path::new(given));
    if opts
        .allow_outside
        .iter()
        .any(|d| abs.starts_with(paths::resolve(cwd, d)))
    {
        return Ok(Decision::Allow);
    }
    let root = paths::resolve(cwd, &place.root);
    let worktrees: Vec<Worktree> = place
        .worktrees()?
        .into_iter()
        .map(|w| Worktree {
            path: paths::resolve(cwd, &w.path),
            ..w
        })
        .collect();
    // The innermost worktree holding the path: a worktree may sit inside another.
    let holder = worktrees
        .iter()
        .filter(|w| abs.starts_with(&w.path))
        .max_by_key(|w| w.path.components().count());
    match holder {
        Some(w) if w.path == root => {
            let rel = paths::relative(&abs, &root)?;
            let generated = is_generated(place, &abs, &rel)?;
            Ok(decide_edit(contracts, branch, &rel, generated, &Options::default()))
        }
        Some(w) => Ok(Decision::Deny(other_worktree(contracts, &abs, w))),
        None => Ok(Decision::Deny(format!(
            "contract-gate worktree: `{}` is outside this worktree ({}): stop and report it; do not edit it \
             (a scratch directory can be let through with `--allow-outside DIR`)",
            abs.display(),
            place.root.display()
        ))),
    }
}

fn other_worktree(contracts: &[Contract], abs: &Path, w: &Worktree) -> String {
    let agent = w.branch.as_deref().and_then(|b| {
        contracts
            .iter()
            .find_map(|c| c.agent_for_branch(b).map(|a| a.name.clone()))
    });
    let whose = match (&agent, &w.branch) {
        (Some(a), Some(b)) => format!("{a}'s worktree ({}, branch {b})", w.path.display()),
        (None, Some(b)) => format!("another worktree ({}, branch {b})", w.path.display()),
        _ => format!("another worktree ({})", w.path.display()),
    };
    format!(
        "contract-gate worktree: `{}` is in {whose}: editing there bypasses that branch and your scope; \
         stop and report it; do not edit it",
        abs.display()
    )
}

/// Generated in the worktree as it stands: marked `linguist-generated`, or
/// a new file its `.gitignore` rules ignore. As on CI, only the repository's
/// own rule files count (`.gitattributes`/`.gitignore` on the path's
/// directories, and `info/attributes`/`info/exclude`), so git is asked only
/// when one exists: most edits start no process for this.
fn is_generated(place: &Place, abs: &Path, rel: &str) -> Result<bool, HookError> {
    let root = &place.root;
    let one = [rel.to_string()];
    let info = place.common_dir().join("info");
    if (on_the_way(root, rel, ".gitattributes") || info.join("attributes").is_file())
        && !generated::linguist_generated(root, None, &one)
            .map_err(HookError::Generated)?
            .is_empty()
    {
        return Ok(true);
    }
    let excludes = std::fs::read_to_string(info.join("exclude")).is_ok_and(|t| {
        t.lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
    });
    Ok(!abs.exists()
        && (on_the_way(root, rel, ".gitignore") || excludes)
        && !generated::ignored_here(root, &one)
            .map_err(HookError::Generated)?
            .is_empty())
}

/// Whether a `name` file sits in the root or a directory on the way to `rel`.
fn on_the_way(root: &Path, rel: &str, name: &str) -> bool {
    let mut dir = root.to_path_buf();
    if dir.join(name).is_file() {
        return true;
    }
    let mut parts: Vec<&str> = rel.split('/').collect();
    parts.pop();
    parts.into_iter().any(|p| {
        dir.push(p);
        dir.join(name).is_file()
    })
}

/// The answer in the CLI's protocol: (stdout, exit code).
pub(crate) fn render(cli: Cli, d: &Decision) -> (String, i32) {
    (cli.protocol().answer)(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_that_cannot_be_judged_is_denied_with_the_reason() {
        let opts = HookOptions {
            cli: Cli::ClaudeCode,
            allow_outside: vec![],
            base: None,
            contracts: vec![],
        };
        assert_eq!(
            decide(&opts, "[]", Path::new(".")),
            Decision::Deny(
                "contract-gate could not judge this tool call, so it is denied: the hook event is not a JSON object"
                    .into()
            )
        );
        assert_eq!(
            HookError::Detached.to_string(),
            "the worktree's HEAD is detached, so its agent is unknown: check out the agent's branch"
        );
        assert_eq!(
            HookError::NoBase.to_string(),
            "no base is recorded for this worktree: run `contract-gate setup`, or pass `--base REF` to the hook"
        );
    }
}
