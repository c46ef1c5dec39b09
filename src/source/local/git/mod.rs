//! The local-git edge: reads a repository by running the `git` binary, and
//! the one runner ([`Git`]) every `git` of this crate is started through.
//!
//! Every call runs `git` directly (no shell) in the work tree root, with
//! `GIT_TERMINAL_PROMPT=0`, `LC_ALL=C` and `-c core.quotepath=false`, and
//! with the `GIT_DIR`-style variables of the caller removed so that the
//! directory given to [`Git::open`] alone decides the repository (this also
//! makes a linked worktree behave like its own checkout). The source writes
//! nothing: it uses only read-only plumbing and `diff`/`log` (the agent's
//! `setup` and the seam's trial merges run their own commands through the
//! same runner).
//!
//! Revisions given by the caller are first resolved to full commit SHAs
//! ([`Git::resolve`]), so a bad revision is reported as
//! [`GitError::UnknownRev`] and nothing the caller passes can be read by
//! `git` as an option. Paths are passed after `--` with the `:(literal)`
//! pathspec magic, and every listing of paths is read with `-z`, so names
//! come back as raw UTF-8. Every `--name-status -z` listing is read by
//! [`name_status`]: a name that is not valid UTF-8 is shown lossily and
//! either read by its real bytes (`check`) or refused
//! ([`GitError::NotUtf8`]) where it cannot be.
//!
//! The module is split by what each part reads: [`runner`] starts `git`,
//! [`refs`] resolves revisions and branches, [`tree`] reads blobs and
//! listings, [`name_status`] reads `--name-status -z` listings (pure),
//! [`changes`] reads the change set and removed lines, [`log`]
//! walks history, and [`patch`] parses `-U0` patches (pure).

mod changes;
mod log;
pub mod name_status;
mod patch;
mod patch_id;
mod refs;
mod runner;

pub use crate::source::contracts::ContractFile;
pub use log::Logged;
pub use name_status::{Listing, ListingError};
pub use patch_id::{BranchWork, Change};
pub use refs::{BranchRef, Branches};
pub use runner::failed;
pub(crate) use runner::{git_command, git_program};
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_history;
#[cfg(test)]
mod tests_parse;
mod tree;

use std::path::{Path, PathBuf};

use runner::{first_line, path_from_bytes, stderr_text};

/// A full SHA-1 or SHA-256 object id (hexadecimal, 40 or 64 characters).
pub fn is_object_id(s: &str) -> bool {
    matches!(s.len(), 40 | 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A revision that can be handed to git: not empty, not read as an option
/// (a leading `-`), and on one line.
pub(crate) fn plain_rev(rev: &str) -> bool {
    !rev.is_empty() && !rev.starts_with('-') && !rev.contains(['\0', '\n', '\r'])
}

/// An error from running `git` or reading what it said: the one error of
/// every git run in this crate.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// `git ARGS` could not be started or waited for.
    #[error("`git {args}` could not be run: {source}")]
    Start {
        args: String,
        #[source]
        source: std::io::Error,
    },
    /// An I/O error beside a git run, with no command to name.
    #[error("`git` could not be run: {0}")]
    Spawn(#[source] std::io::Error),
    #[error("{dir} is not inside a git repository")]
    NotARepo { dir: String },
    #[error("unknown revision `{rev}`: {stderr}")]
    UnknownRev { rev: String, stderr: String },
    /// `git ARGS` exited non-zero (or its output could not be read); git's
    /// own words.
    #[error("git {args} failed: {stderr}")]
    Failed { args: String, stderr: String },
    /// `git ARGS` listed changed files in a form this reader does not know.
    #[error("git {args} failed: {why}")]
    Listing {
        args: String,
        #[source]
        why: ListingError,
    },
    /// A listed file name is not UTF-8 and the caller cannot name the file
    /// by its real bytes: refused rather than judged under another name.
    #[error("the file name {path:?} is not UTF-8 (shown with U+FFFD), so it cannot be read by name here: failing closed")]
    NotUtf8 { path: String },
}

/// A local repository, addressed by its work tree root.
#[derive(Debug, Clone)]
pub struct Git {
    /// The work tree root (`git rev-parse --show-toplevel`).
    root: PathBuf,
    /// Commit SHAs already verified: a SHA names the same commit forever, so
    /// passing one back in costs no `git` process (names like HEAD are
    /// always asked again).
    known: std::sync::Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
    /// Revisions resolved when the repository was opened
    /// ([`Git::open_resolving`]): name → commit, so one check judges one
    /// snapshot and resolves each name once.
    opened_with: std::collections::HashMap<String, String>,
    /// Names git listed that are not UTF-8: the shown (lossy) name → the
    /// real bytes, so a later `git diff` asks for the real file. `None` when
    /// two real names share one lossy name (their diffs fail closed).
    raw_names: RawNames,
    /// Renames of each `base...head` listed by [`Git::changes`] (head path →
    /// previous path), so reading removals needs no second listing.
    renames: Renames,
}

type Renames = std::sync::Arc<
    std::sync::Mutex<
        std::collections::HashMap<(String, String), std::collections::HashMap<String, String>>,
    >,
>;

pub(super) type RawNames =
    std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Option<Vec<u8>>>>>;

impl Git {
    /// A repository whose work tree root the caller already knows (a hook
    /// that located its worktree): no `git` process is started.
    pub fn at_root(root: PathBuf) -> Git {
        Git {
            root,
            known: Default::default(),
            opened_with: Default::default(),
            raw_names: Default::default(),
            renames: Default::default(),
        }
    }

    /// Opens the repository `dir` is in (the main checkout or a linked
    /// worktree); the root is that work tree's top directory.
    pub fn open(dir: &Path) -> Result<Git, GitError> {
        let not_a_repo = || GitError::NotARepo {
            dir: dir.display().to_string(),
        };
        if !dir.is_dir() {
            return Err(not_a_repo());
        }
        let args = ["rev-parse", "--show-toplevel"];
        let out = git_command(dir)
            .args(args)
            .output()
            .map_err(|source| GitError::Start {
                args: args.join(" "),
                source,
            })?;
        if !out.status.success() {
            let stderr = stderr_text(&out);
            // Anything else (a bare repository, "dubious ownership") keeps
            // git's own words.
            if stderr.contains("not a git repository") {
                return Err(not_a_repo());
            }
            return Err(GitError::Failed {
                args: "rev-parse --show-toplevel".into(),
                stderr,
            });
        }
        let top = first_line(&out.stdout);
        if top.is_empty() {
            return Err(not_a_repo());
        }
        Ok(Git {
            root: path_from_bytes(top),
            known: Default::default(),
            opened_with: Default::default(),
            raw_names: Default::default(),
            renames: Default::default(),
        })
    }

    /// [`Git::open`], resolving `revs` to commits in the same `git`
    /// process (`rev-parse --show-toplevel REV^{commit}…`): the diff of a
    /// big change then starts one process sooner. When that cannot answer
    /// (an unknown revision, a range), the repository is opened alone and
    /// the revisions are resolved later, with their own errors.
    pub fn open_resolving(dir: &Path, revs: &[&str]) -> Result<Git, GitError> {
        let plain =
            |r: &&str| !r.is_empty() && !r.starts_with('-') && !r.contains(['\0', '\n', '\r']);
        if !dir.is_dir() || revs.is_empty() || !revs.iter().all(plain) {
            return Git::open(dir);
        }
        let mut cmd = git_command(dir);
        cmd.args(["rev-parse", "--show-toplevel"]);
        cmd.args(revs.iter().map(|r| format!("{r}^{{commit}}")));
        let Ok(out) = cmd.output() else {
            return Git::open(dir);
        };
        let text = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<&str> = text.lines().collect();
        match lines.split_first() {
            Some((top, shas))
                if out.status.success()
                    && !top.is_empty()
                    && shas.len() == revs.len()
                    && shas.iter().all(|s| is_object_id(s)) =>
            {
                let mut git = Git::at_root(path_from_bytes(top.as_bytes()));
                if let Ok(mut k) = git.known.lock() {
                    k.extend(shas.iter().map(|s| s.to_string()));
                }
                git.opened_with = revs
                    .iter()
                    .zip(shas)
                    .map(|(r, s)| (r.to_string(), s.to_string()))
                    .collect();
                Ok(git)
            }
            _ => Git::open(dir),
        }
    }

    /// The work tree root.
    pub fn root(&self) -> &Path {
        &self.root
    }
}
