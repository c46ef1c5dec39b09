//! The offline source: reads contracts, the change set and merge state from
//! a local git repository (or any of its worktrees) into a snapshot.

use std::collections::HashMap;

use crate::source::local::git::{ContractFile, Git, GitError};
use contract_gate_core::change::{AgentMerge, MergeState, PrSnapshot};
use contract_gate_core::contract::{self, Contract};
use contract_gate_core::evaluate::{claims, needs_removals, Claim};

/// Where contracts live by default (relative to the repository root).
pub const DEFAULT_CONTRACT: &str = "CONTRACT.md";
pub const DEFAULT_CONTRACT_DIR: &str = ".github/contracts";

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
        if let Some(c) = contract_at(git, rev, DEFAULT_CONTRACT)? {
            out.push(c);
        }
        let mut files = git.list_files(rev, Some(DEFAULT_CONTRACT_DIR))?;
        // `.github/contracts/*.md`: one level, as `lint` reads the working tree.
        files.retain(|f| {
            f.ends_with(".md")
                && f[DEFAULT_CONTRACT_DIR.len()..]
                    .trim_start_matches('/')
                    .find('/')
                    .is_none()
        });
        files.sort();
        for f in files {
            if let Some(c) = contract_at(git, rev, &f)? {
                out.push(c);
            }
        }
    } else {
        let mut seen = std::collections::HashSet::new();
        for p in explicit {
            let path = normalise_path(p);
            if !seen.insert(path.clone()) {
                continue;
            }
            let path = path.as_str();
            match contract_at(git, rev, path)? {
                Some(c) => out.push(c),
                None => {
                    return Err(LocalSourceError::MissingContract {
                        path: path.to_string(),
                        rev: rev.to_string(),
                    })
                }
            }
        }
    }
    contract::validate_set(&mut out);
    Ok(out)
}

/// The contract at `path`, read or refused (see [`ContractFile`]).
fn contract_at(git: &Git, rev: &str, path: &str) -> Result<Option<Contract>, LocalSourceError> {
    Ok(match git.contract_file(rev, path)? {
        ContractFile::Missing => None,
        ContractFile::Text(src) => Some(contract::parse(path, &src)),
        ContractFile::Refused(what) => Some(contract::refused(path, &what)),
    })
}

/// A repository-relative contract path: `./x.md`, `/x.md` and `x.md` are one file.
pub fn normalise_path(p: &str) -> String {
    let mut s = p.trim();
    loop {
        let t = s.trim_start_matches("./").trim_start_matches('/');
        if t == s {
            break;
        }
        s = t;
    }
    s.to_string()
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
}

/// Everything the evaluator needs, read from git.
pub struct LocalSnapshot {
    pub contracts: Vec<Contract>,
    pub pr: PrSnapshot,
    pub merge: MergeState,
}

/// Short name of a ref for display and base-branch comparison.
fn short_name(git: &Git, rev: &str) -> String {
    git.branch_name(rev).unwrap_or_else(|| rev.to_string())
}

pub fn load(git: &Git, req: &Request) -> Result<LocalSnapshot, LocalSourceError> {
    let base_sha = git.resolve(&req.base)?;
    let head_sha = git.resolve(&req.head)?;
    let branch = match &req.branch {
        Some(b) => b.clone(),
        None => git
            .branch_name(&req.head)
            .ok_or(LocalSourceError::Detached)?,
    };
    let contracts = read_contracts_at(git, &base_sha, &req.contracts)?;
    let mut files = git.changes(&base_sha, &head_sha)?;

    let claim = claims(&contracts, &branch);
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
    let merge = match claim.first() {
        Some(Claim::Agent { contract, .. }) | Some(Claim::Integrator { contract }) => {
            local_merge_state(git, &contracts[*contract], &base_sha, &head_sha)?
        }
        None => MergeState::new(),
    };
    let interface = match claim.first() {
        Some(Claim::Agent { contract, .. } | Claim::Integrator { contract }) => {
            let p = super::merge_tree::Plumb::new(git.root());
            super::interface_scan::scan(&p, &contracts[*contract], &base_sha, &head_sha, &files)?
        }
        None => Vec::new(),
    };
    Ok(LocalSnapshot {
        pr: PrSnapshot {
            branch,
            base: short_name(git, &req.base),
            body: req.body.clone(),
            files,
            files_truncated: None,
            interface,
        },
        contracts,
        merge,
    })
}

/// Merge state from git. An agent counts as merged into the base when a tip
/// of its branch (local or `origin/`) is contained in the base and has
/// commits since the contract landed; a deleted branch is found through a
/// merge commit on the base that names it. `in_head`: the head contains it.
pub fn local_merge_state(
    git: &Git,
    c: &Contract,
    base: &str,
    head: &str,
) -> Result<MergeState, LocalSourceError> {
    // When the contract first landed: later edits to it (a widened scope)
    // must not make earlier merges invisible.
    let landed = git.first_commit_adding(base, &c.path)?;
    let (merges_base, merges_head) = match &landed {
        Some(l) => (git.merges_between(l, base)?, git.merges_between(l, head)?),
        None => (Vec::new(), Vec::new()),
    };
    let mut cache: HashMap<(String, String), bool> = HashMap::new();
    let mut anc = |a: &str, b: &str| -> Result<bool, GitError> {
        let key = (a.to_string(), b.to_string());
        if let Some(v) = cache.get(&key) {
            return Ok(*v);
        }
        let v = git.is_ancestor(a, b)?;
        cache.insert(key, v);
        Ok(v)
    };
    let mut out = MergeState::new();
    for a in &c.agents {
        let Some(branch) = &a.branch else { continue };
        let mut state = AgentMerge::default();
        for (refname, sha) in git.branch_tips(branch)? {
            let fresh = match &landed {
                Some(l) => !anc(&sha, l)?,
                None => true,
            };
            if !fresh {
                continue;
            }
            let short = &sha[..sha.len().min(7)];
            if state.merged_into_base.is_none() && anc(&sha, base)? {
                let shown = refname.strip_prefix("refs/heads/").unwrap_or(&refname);
                let shown = shown.strip_prefix("refs/remotes/").unwrap_or(shown);
                state.merged_into_base = Some(format!("{shown} at {short}"));
                state.in_head = anc(&sha, head)?;
            } else if state.merged_into_base.is_none() && anc(&sha, head)? {
                state.in_head = true;
            }
        }
        // The branch may be gone (deleted after merge): a merge commit that
        // names it still says it landed, on the base or (for an
        // integration branch) in the head.
        let named = |merges: &[(String, String)]| {
            merges
                .iter()
                .find(|(_, subject)| names_branch(subject, branch))
                .cloned()
        };
        if state.merged_into_base.is_none() {
            if let Some((sha, subject)) = named(&merges_base) {
                state.merged_into_base =
                    Some(format!("{} \"{subject}\"", &sha[..sha.len().min(7)]));
                state.in_head = anc(&sha, head)?;
            }
        }
        if !state.in_head && named(&merges_head).is_some() {
            state.in_head = true;
        }
        out.insert(a.name.clone(), state);
    }
    Ok(out)
}

/// `Merge branch 'agents/x'`, `Merge pull request #12 from org/agents/x`.
fn names_branch(subject: &str, branch: &str) -> bool {
    subject.contains(&format!("'{branch}'"))
        || subject.split_whitespace().any(|w| {
            w == branch
                || w.split_once('/')
                    .is_some_and(|(_owner, rest)| rest == branch)
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn merge_subjects_name_branches() {
        use super::names_branch;
        assert!(names_branch(
            "Merge branch 'agents/x' into main",
            "agents/x"
        ));
        assert!(names_branch(
            "Merge pull request #12 from org/agents/x",
            "agents/x"
        ));
        assert!(!names_branch(
            "Merge pull request #12 from org/agents/xy",
            "agents/x"
        ));
        assert!(!names_branch("Merge branch 'agents/xy'", "agents/x"));
    }
}
