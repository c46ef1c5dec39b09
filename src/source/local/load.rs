//! The offline source: reads contracts, the change set and merge state from
//! a local git repository (or any of its worktrees) into a snapshot.

use std::collections::BTreeSet;

use crate::source::local::git::{Branches, ContractFile, Git, GitError};
use crate::source::local::merge_state::local_merge_state;
use contract_gate_core::change::{MergeState, PrSnapshot};
use contract_gate_core::contract::{self, Contract};
use contract_gate_core::evaluate::{claims, needs_removals, Claim, Options, Prepared};

pub use crate::source::contracts::{normalise_path, DEFAULT_CONTRACT, DEFAULT_CONTRACT_DIR};

#[derive(Debug, thiserror::Error)]
pub enum LocalSourceError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("contract `{path}` does not exist at `{rev}` (contracts are read from the base, never from the working tree or the head)")]
    MissingContract { path: String, rev: String },
    #[error("the head is detached, so its branch name is unknown: pass --branch NAME (in GitHub Actions, set `env: HEAD_REF: ${{{{ github.head_ref }}}}` and pass --branch \"$HEAD_REF\"; never paste the expression into `run:`)")]
    Detached,
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// Reads the contracts at `rev`: the given paths, or by default
/// `CONTRACT.md` plus every `*.md` under `.github/contracts/`.
pub fn read_contracts_at(
    git: &Git,
    rev: &str,
    explicit: &[String],
) -> Result<Vec<Contract>, LocalSourceError> {
    let mut out = Vec::new();
    if explicit.is_empty() {
        let files = git.contract_files(
            rev,
            &[DEFAULT_CONTRACT.to_string()],
            Some(DEFAULT_CONTRACT_DIR),
        )?;
        out.extend(files.into_iter().filter_map(|(p, f)| contract_from(&p, f)));
    } else {
        let mut seen = std::collections::HashSet::new();
        let paths: Vec<String> = explicit
            .iter()
            .map(|p| normalise_path(p))
            .filter(|p| seen.insert(p.clone()))
            .collect();
        for (path, file) in git.contract_files(rev, &paths, None)? {
            match contract_from(&path, file) {
                Some(c) => out.push(c),
                None => {
                    return Err(LocalSourceError::MissingContract {
                        path,
                        rev: rev.to_string(),
                    })
                }
            }
        }
    }
    contract::validate_set(&mut out);
    Ok(out)
}

/// The contract in a file, read or refused (see [`ContractFile`]).
fn contract_from(path: &str, file: ContractFile) -> Option<Contract> {
    match file {
        ContractFile::Missing => None,
        ContractFile::Text(src) => Some(contract::parse(path, &src)),
        ContractFile::Refused(what) => Some(contract::refused(path, &what)),
    }
}

/// Reads contracts from the working tree (for `lint` and `brief`, which
/// help write a contract before it lands).
pub fn contracts_in_dir(
    root: &std::path::Path,
    explicit: &[String],
) -> Result<Vec<Contract>, LocalSourceError> {
    let mut paths: Vec<std::path::PathBuf> = Vec::new();
    if explicit.is_empty() {
        let c = root.join(DEFAULT_CONTRACT);
        // Not `is_file()`, which follows a symlink: a link is refused below.
        if std::fs::symlink_metadata(&c).is_ok_and(|m| !m.is_dir()) {
            paths.push(c);
        }
        if let Ok(rd) = std::fs::read_dir(root.join(DEFAULT_CONTRACT_DIR)) {
            let mut more: Vec<_> = rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "md"))
                .collect();
            more.sort();
            paths.extend(more);
        }
    } else {
        paths.extend(explicit.iter().map(std::path::PathBuf::from));
    }
    let mut out = Vec::new();
    for p in paths {
        let shown = p.strip_prefix(root).unwrap_or(&p).display().to_string();
        out.push(contract_file_in_dir(&p, &shown)?);
    }
    contract::validate_set(&mut out);
    Ok(out)
}

/// A contract in the working tree, read as `check` reads it at a revision:
/// a symlink, binary or non-UTF-8 content is refused, never followed.
fn contract_file_in_dir(p: &std::path::Path, shown: &str) -> Result<Contract, LocalSourceError> {
    let io = |source| LocalSourceError::Io {
        path: p.display().to_string(),
        source,
    };
    if std::fs::symlink_metadata(p).map_err(io)?.is_symlink() {
        return Ok(contract::refused(shown, "a symbolic link"));
    }
    let bytes = std::fs::read(p).map_err(io)?;
    if bytes.contains(&0) {
        return Ok(contract::refused(shown, "a binary file"));
    }
    Ok(match String::from_utf8(bytes) {
        Ok(src) => contract::parse(shown, &src),
        Err(_) => contract::refused(shown, "not UTF-8 text"),
    })
}

/// What `check` was asked to judge.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub base: String,
    pub head: String,
    pub branch: Option<String>,
    pub body: Option<String>,
    pub contracts: Vec<String>,
    /// The options the verdict will be judged with: the path rules'
    /// patterns are then compiled while the diff runs.
    pub prepare_with: Option<Options>,
}

/// Everything the evaluator needs, read from git.
pub struct LocalSnapshot {
    pub contracts: Vec<Contract>,
    pub pr: PrSnapshot,
    pub merge: MergeState,
    /// The path rules' patterns, when [`Request::prepare_with`] asked.
    pub prepared: Option<Prepared>,
}

pub fn load(git: &Git, req: &Request) -> Result<LocalSnapshot, LocalSourceError> {
    let [base_sha, head_sha] = <[String; 2]>::try_from(git.resolve_all(&[&req.base, &req.head])?)
        .map_err(|_| GitError::Failed {
        args: "cat-file --batch-check".into(),
        stderr: "two revisions asked, another number answered".into(),
    })?;
    // The diff (the one slow `git` process on a big change) starts first and
    // runs while the branches are listed, the contracts read, parsed and
    // validated, and the merge state read.
    let (early, files) = std::thread::scope(|s| {
        let diff = s.spawn(|| git.changes(&base_sha, &head_sha));
        let early = (|| {
            // Every branch, listed once: the head's name, the base's short
            // name and every agent's tips come from this one listing.
            let branches = git.branches()?;
            let branch = match &req.branch {
                Some(b) => b.clone(),
                None => branches
                    .name_of(&req.head)
                    .ok_or(LocalSourceError::Detached)?,
            };
            let (contracts, claim, merge) =
                contracts_and_merge(git, req, &branches, &branch, &base_sha, &head_sha)?;
            let base = branches
                .name_of(&req.base)
                .unwrap_or_else(|| req.base.clone());
            let prepared = match (claim.as_slice(), &req.prepare_with) {
                ([one], Some(options)) => Prepared::new(&contracts, *one, options),
                _ => None,
            };
            Ok::<_, LocalSourceError>((branch, base, contracts, claim, merge, prepared))
        })();
        let files = diff.join().unwrap_or_else(|_| {
            Err(GitError::Failed {
                args: "diff --name-status".into(),
                stderr: "the thread reading the diff panicked".into(),
            })
        });
        (early, files)
    });
    // A detached head or an unreadable contract is said before a diff error.
    let (branch, base, contracts, claim, merge, prepared) = early?;
    let mut files = files?;

    if let [Claim::Agent { contract, agent }] = claim.as_slice() {
        let wanted = needs_removals(&contracts[*contract], *agent, &files);
        if !wanted.is_empty() {
            let mut removals = git.removals(&base_sha, &head_sha, &wanted)?;
            for f in files.iter_mut() {
                if let Some(r) = removals.remove(&f.path) {
                    f.removals = r;
                }
            }
        }
    }
    let interface = match claim.first() {
        Some(Claim::Agent { contract, .. } | Claim::Integrator { contract }) => {
            super::interface_scan::scan(git, &contracts[*contract], &base_sha, &head_sha, &files)?
        }
        None => Vec::new(),
    };
    Ok(LocalSnapshot {
        pr: PrSnapshot {
            branch,
            base,
            body: req.body.clone(),
            files,
            files_truncated: None,
            interface,
        },
        contracts,
        merge,
        prepared,
    })
}

/// The contracts at the base, which of them claim the branch, and the merge
/// state the verdict needs: everything that does not wait for the diff.
fn contracts_and_merge(
    git: &Git,
    req: &Request,
    branches: &Branches,
    branch: &str,
    base_sha: &str,
    head_sha: &str,
) -> Result<(Vec<Contract>, Vec<Claim>, MergeState), LocalSourceError> {
    let contracts = read_contracts_at(git, base_sha, &req.contracts)?;
    let claim = claims(&contracts, branch);
    let merge = match claim.first() {
        Some(Claim::Agent { contract, agent }) => {
            let c = &contracts[*contract];
            let needed = predecessors(c, &c.agents[*agent].name);
            local_merge_state(git, c, &branches.refs, base_sha, head_sha, &needed)?
        }
        Some(Claim::Integrator { contract }) => {
            let c = &contracts[*contract];
            let needed = c
                .agents
                .iter()
                .map(|a| a.name.to_ascii_lowercase())
                .collect();
            local_merge_state(git, c, &branches.refs, base_sha, head_sha, &needed)?
        }
        None => MergeState::new(),
    };
    Ok((contracts, claim, merge))
}

/// The agents that merge before `agent` in the contract's merge order
/// (lower case: the order names agents case-insensitively).
fn predecessors(c: &Contract, agent: &str) -> BTreeSet<String> {
    c.predecessors(agent)
        .into_iter()
        .map(|s| s.agent.to_ascii_lowercase())
        .collect()
}
