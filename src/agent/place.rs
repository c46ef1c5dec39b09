//! Where an agent stands: its worktree root, branch, the base recorded at
//! setup, the contracts at that base and the other worktrees. Kept to a
//! handful of `git` processes, since a hook runs on every edit.

use std::path::{Path, PathBuf};

use contract_gate_core::contract::Contract;

use crate::source::local::{
    self,
    git::{Git, GitError},
};

use super::git;

/// One worktree of the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Worktree {
    /// Its top directory.
    pub(super) path: PathBuf,
    /// The branch checked out there (`None`: detached or bare).
    pub(super) branch: Option<String>,
}

/// The worktree a command runs in.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    /// The work tree root.
    pub(super) root: PathBuf,
    /// This worktree's own git directory (`.git/worktrees/NAME` for a linked one).
    pub(super) git_dir: PathBuf,
    /// The checked-out branch; `None` when detached.
    pub(super) branch: Option<String>,
}

/// Why a worktree, its worktrees or its contracts could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PlaceError {
    /// git's own error, with git's words.
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("{} is not inside a git worktree ({stderr})", .dir.display())]
    NotAWorktree { dir: PathBuf, stderr: String },
    /// The base names no commit: said with the base, not as a bare git error.
    #[error("cannot read the contracts at `{rev}`: {stderr}")]
    UnknownBase {
        rev: String,
        stderr: String,
        #[source]
        source: local::LocalSourceError,
    },
    #[error(transparent)]
    Contracts(local::LocalSourceError),
}

/// The file, in a worktree's git directory, where `setup` records the base.
pub(super) fn base_file(git_dir: &Path) -> PathBuf {
    git_dir.join("contract-gate-base")
}

impl Place {
    /// Reads the worktree `dir` is in (one `git rev-parse`).
    pub(crate) fn locate(dir: &Path) -> Result<Place, PlaceError> {
        let out = git::run(
            dir,
            &[
                "rev-parse",
                "--show-toplevel",
                "--absolute-git-dir",
                "--symbolic-full-name",
                "HEAD",
            ],
            None,
        )
        .map_err(PlaceError::Git)?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let lines: Vec<&str> = text.lines().collect();
        if out.code != 0 || lines.len() < 2 {
            return Err(PlaceError::NotAWorktree {
                dir: dir.to_path_buf(),
                stderr: out.stderr,
            });
        }
        let branch = lines
            .get(2)
            .and_then(|h| h.strip_prefix("refs/heads/"))
            .map(str::to_string);
        Ok(Place {
            root: PathBuf::from(lines[0]),
            git_dir: PathBuf::from(lines[1]),
            branch,
        })
    }

    /// The repository's shared git directory (the worktree's own one for
    /// the main worktree; `commondir` names it from a linked one).
    pub(super) fn common_dir(&self) -> PathBuf {
        match std::fs::read_to_string(self.git_dir.join("commondir")) {
            Ok(rel) => self.git_dir.join(rel.trim()),
            Err(_) => self.git_dir.clone(),
        }
    }

    /// The base recorded by `setup` for this worktree (the record's first
    /// line), if any.
    pub(crate) fn recorded_base(&self) -> Option<String> {
        let s = std::fs::read_to_string(base_file(&self.git_dir)).ok()?;
        let s = s.lines().next()?.trim();
        (!s.is_empty()).then(|| s.to_string())
    }

    /// The contract paths `setup` was given (`contract: PATH` lines of the
    /// record); empty: the default ones.
    pub(crate) fn recorded_contracts(&self) -> Vec<String> {
        std::fs::read_to_string(base_file(&self.git_dir))
            .unwrap_or_default()
            .lines()
            .skip(1)
            .filter_map(|l| l.strip_prefix("contract: "))
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect()
    }

    /// Every worktree of the repository: read from the git directory's
    /// worktree records (no process; a hook runs on every edit), or from
    /// `git worktree list --porcelain` when a record is not as expected.
    pub(super) fn worktrees(&self) -> Result<Vec<Worktree>, PlaceError> {
        match self.worktree_records() {
            Some(list) => Ok(list),
            None => self.worktree_list(),
        }
    }

    /// The records git keeps: the main worktree is the common directory's
    /// parent (`.git`), each linked one has `worktrees/NAME/gitdir` (its
    /// `.git` file's path) and `HEAD`. None: anything unusual (a bare
    /// repository, a missing or odd file) for git to answer instead.
    fn worktree_records(&self) -> Option<Vec<Worktree>> {
        let common = self.common_dir().canonicalize().ok()?;
        if common.file_name()? != ".git" {
            return None;
        }
        let branch_of = |git_dir: &Path| -> Option<Option<String>> {
            let head = std::fs::read_to_string(git_dir.join("HEAD")).ok()?;
            let head = head.trim();
            Some(match head.strip_prefix("ref: ") {
                Some(r) => Some(r.strip_prefix("refs/heads/").unwrap_or(r).to_string()),
                None if head.len() >= 40 && head.bytes().all(|b| b.is_ascii_hexdigit()) => None,
                None => return None,
            })
        };
        let mut list = vec![Worktree {
            path: common.parent()?.to_path_buf(),
            branch: branch_of(&common)?,
        }];
        let records = match std::fs::read_dir(common.join("worktrees")) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Some(list),
            Err(_) => return None,
        };
        let mut linked = Vec::new();
        for entry in records {
            let dir = entry.ok()?.path();
            let gitfile = std::fs::read_to_string(dir.join("gitdir")).ok()?;
            let path = Path::new(gitfile.trim()).parent()?.to_path_buf();
            linked.push(Worktree {
                path,
                branch: branch_of(&dir)?,
            });
        }
        linked.sort_by(|a, b| a.path.cmp(&b.path));
        list.extend(linked);
        Some(list)
    }

    /// Every worktree, as `git worktree list --porcelain` lists them.
    fn worktree_list(&self) -> Result<Vec<Worktree>, PlaceError> {
        let out = git::ok(&self.root, &["worktree", "list", "--porcelain", "-z"])
            .map_err(PlaceError::Git)?;
        let mut list = Vec::new();
        for field in git::fields(&out.stdout) {
            if let Some(p) = field.strip_prefix("worktree ") {
                list.push(Worktree {
                    path: PathBuf::from(p),
                    branch: None,
                });
            } else if let (Some(b), Some(last)) = (field.strip_prefix("branch "), list.last_mut()) {
                last.branch = Some(b.strip_prefix("refs/heads/").unwrap_or(b).to_string());
            }
        }
        Ok(list)
    }
}

/// The contracts at `rev`, read exactly as `check` reads them (`explicit`
/// paths, or by default `CONTRACT.md` and `.github/contracts/*.md`; a
/// symlink, submodule, binary or non-UTF-8 file refused with CG025), in two
/// `git` processes (`ls-tree`, `cat-file --batch`).
pub(super) fn contracts_of_base(
    root: &Path,
    rev: &str,
    explicit: &[String],
) -> Result<Vec<Contract>, PlaceError> {
    let git = Git::at_root(root.to_path_buf());
    local::read_contracts_at(&git, rev, explicit).map_err(|e| match &e {
        local::LocalSourceError::Git(GitError::UnknownRev { stderr, .. }) => {
            PlaceError::UnknownBase {
                rev: rev.to_string(),
                stderr: stderr.clone(),
                source: e,
            }
        }
        _ => PlaceError::Contracts(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(dir: &Path, args: &[&str]) {
        let out = crate::source::local::git::git_program()
            .current_dir(dir)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
    }

    /// The records read from disk are what `git worktree list` says, for the
    /// main worktree and for linked ones (on a branch, detached), from any
    /// of them.
    #[test]
    fn worktree_records_match_git() {
        let tmp = tempfile::tempdir().unwrap();
        let main = tmp.path().join("repo");
        std::fs::create_dir_all(&main).unwrap();
        sh(&main, &["init", "-q", "-b", "main"]);
        sh(&main, &["commit", "-q", "--allow-empty", "-m", "c"]);
        sh(
            &main,
            &["worktree", "add", "-q", "-b", "agents/a", "../wt-a", "main"],
        );
        sh(
            &main,
            &["worktree", "add", "-q", "--detach", "../wt-b", "main"],
        );
        for dir in [
            main.clone(),
            tmp.path().join("wt-a"),
            tmp.path().join("wt-b"),
        ] {
            let place = Place::locate(&dir).unwrap();
            let from_disk = place.worktree_records().expect("records read");
            let from_git = place.worktree_list().unwrap();
            let canon = |l: Vec<Worktree>| -> Vec<(PathBuf, Option<String>)> {
                let mut v: Vec<_> = l
                    .into_iter()
                    .map(|w| (w.path.canonicalize().unwrap(), w.branch))
                    .collect();
                v.sort();
                v
            };
            assert_eq!(canon(from_disk), canon(from_git), "from {}", dir.display());
        }
    }

    /// An unknown base is said with the base, and git's error kept as its source.
    #[test]
    fn errors_keep_their_words_and_causes() {
        let e = PlaceError::UnknownBase {
            rev: "nope".into(),
            stderr: "fatal: bad".into(),
            source: local::LocalSourceError::Git(GitError::UnknownRev {
                rev: "nope".into(),
                stderr: "fatal: bad".into(),
            }),
        };
        assert_eq!(
            e.to_string(),
            "cannot read the contracts at `nope`: fatal: bad"
        );
        assert!(std::error::Error::source(&e).is_some());
        let e = PlaceError::NotAWorktree {
            dir: PathBuf::from("/d"),
            stderr: "fatal: no".into(),
        };
        assert_eq!(e.to_string(), "/d is not inside a git worktree (fatal: no)");
    }

    #[test]
    fn an_unknown_base_is_named() {
        let tmp = tempfile::tempdir().unwrap();
        sh(tmp.path(), &["init", "-q", "-b", "main"]);
        sh(tmp.path(), &["commit", "-q", "--allow-empty", "-m", "c"]);
        let e = contracts_of_base(tmp.path(), "no-such-ref", &[]).unwrap_err();
        assert!(matches!(e, PlaceError::UnknownBase { .. }), "{e:?}");
        assert!(
            e.to_string()
                .starts_with("cannot read the contracts at `no-such-ref`: "),
            "{e}"
        );
    }
}
