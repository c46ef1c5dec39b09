//! `check --worktree`: the change set of a worktree as it stands (commits
//! since the base, staged, unstaged and untracked-not-ignored files), and
//! whether the worktree sits where the contract puts it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use contract_gate_core::change::{ChangeStatus, ChangedFile, Removals};
use contract_gate_core::contract::Contract;
use contract_gate_core::diff::removals_between;
use contract_gate_core::verdict::{Finding, Rule};

use super::paths;
use crate::source::local::git::{name_status, plain_rev, Git, GitError};

/// Every change from the merge base of `base` and HEAD to the working
/// tree: tracked files as they are on disk (staged or not), plus untracked
/// files that are not ignored, as added. The files are read from disk by
/// name, so a name that is not UTF-8 fails closed ([`GitError::NotUtf8`]).
pub fn changes(git: &Git, base: &str) -> Result<(String, Vec<ChangedFile>), GitError> {
    if !plain_rev(base) {
        return Err(GitError::UnknownRev {
            rev: base.to_string(),
            stderr: "not a revision".into(),
        });
    }
    let mb = git.line(&["merge-base", base, "HEAD"])?;
    let args = [
        "diff",
        "--name-status",
        "-z",
        "-M",
        "--no-ext-diff",
        "--no-textconv",
        &mb,
        "--",
    ];
    let listing = name_status::parse(&git.run(&args)?).map_err(|why| GitError::Listing {
        args: args.join(" "),
        why,
    })?;
    let mut files = listing.utf8_only()?;
    let untracked = git.run(&["ls-files", "--others", "--exclude-standard", "-z"])?;
    let listed: HashSet<String> = files.iter().map(|f| f.path.clone()).collect();
    for p in name_status::utf8_names(&untracked)? {
        if !listed.contains(&p) {
            files.push(ChangedFile::new(p, ChangeStatus::Added));
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((mb, files))
}

/// Fills the removed lines of `wanted` files: the merge base's version
/// against the file on disk.
pub fn fill_removals(git: &Git, mb: &str, files: &mut [ChangedFile], wanted: &[String]) {
    for f in files.iter_mut().filter(|f| wanted.contains(&f.path)) {
        let old_path = f.previous_path.clone().unwrap_or_else(|| f.path.clone());
        let old = git.run(&["show", &format!("{mb}:{old_path}")]);
        let new = std::fs::read(git.root().join(&f.path));
        f.removals = match (old, new) {
            (Ok(o), Ok(n)) => match (String::from_utf8(o), String::from_utf8(n)) {
                (Ok(o), Ok(n)) => Removals::Known(removals_between(&o, &n)),
                _ => Removals::Unavailable("not a text file".into()),
            },
            (Err(e), _) => Removals::Unavailable(e.to_string()),
            (_, Err(e)) => Removals::Unavailable(format!("cannot read {}: {e}", f.path)),
        };
    }
}

/// The directory the contract means by a worktree entry: a bare name or
/// `../name` sits beside the main worktree; an absolute path is itself.
pub fn assigned_path(main_root: &Path, written: &str) -> PathBuf {
    let w = Path::new(written.trim());
    if w.is_absolute() {
        return w.to_path_buf();
    }
    let parent = main_root.parent().unwrap_or(main_root);
    let rel = written.trim().trim_start_matches("../");
    parent.join(rel)
}

/// Warnings (rule `worktree`) when this worktree is not where the contract
/// puts the agent of its branch, or is an agent's worktree on another branch.
pub fn placement(
    contracts: &[Contract],
    main_root: &Path,
    root: &Path,
    branch: &str,
) -> Vec<Finding> {
    let here = paths::resolve(root, root);
    let mut out = Vec::new();
    for c in contracts {
        for a in &c.agents {
            let Some(w) = &a.worktree else { continue };
            let there = paths::resolve(root, &assigned_path(main_root, w));
            let mine = a.branch.as_deref() == Some(branch);
            if mine && there != here {
                out.push(warn(format!(
                    "{}'s worktree is `{w}` ({}), but branch {branch} is checked out at {}",
                    a.name,
                    there.display(),
                    here.display()
                )));
            } else if !mine && there == here {
                out.push(warn(format!(
                    "this is {}'s worktree `{w}`, but it is on branch {branch}, not {}",
                    a.name,
                    a.branch.as_deref().unwrap_or("(none)")
                )));
            }
        }
    }
    out
}

fn warn(msg: String) -> Finding {
    // A warning: the rule table's default level for `worktree`.
    Finding::of(Rule::Worktree, msg)
}

/// Why the worktree as it stands cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum WorktreeError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Place(#[from] super::place::PlaceError),
}

/// Turns a loaded committed range into the worktree as it stands: replaces
/// the change set, reads the removed lines the agent's additions-only files
/// need, and returns the placement warnings.
pub fn as_it_stands(
    git: &Git,
    loaded: &mut crate::source::local::LocalSnapshot,
    base: &str,
) -> Result<Vec<Finding>, WorktreeError> {
    use contract_gate_core::evaluate::{claims, needs_removals, Claim};
    let root = git.root();
    let (mb, mut files) = changes(git, base)?;
    let claim = claims(&loaded.contracts, &loaded.pr.branch);
    if let [Claim::Agent { contract, agent }] = claim.as_slice() {
        let wanted = needs_removals(&loaded.contracts[*contract], *agent, &files);
        fill_removals(git, &mb, &mut files, &wanted);
    }
    loaded.pr.files = files;
    let place = super::place::Place::locate(root)?;
    let worktrees = place.worktrees()?;
    let main_root = worktrees.first().map_or(root, |w| w.path.as_path());
    Ok(placement(
        &loaded.contracts,
        main_root,
        root,
        &loaded.pr.branch,
    ))
}
