//! Revisions and branches: resolving to commit SHAs, branch names and tips,
//! and ancestry.

use super::runner::{first_line, lossy, stderr_text};
use super::{Git, GitError};

impl Git {
    /// Full commit SHA of a revision (`rev^{commit}`), UnknownRev if it does not resolve.
    pub fn resolve(&self, rev: &str) -> Result<String, GitError> {
        let unknown = |stderr: String| GitError::UnknownRev {
            rev: rev.to_string(),
            stderr,
        };
        // A revision starting with `-` would be read as an option.
        if !super::plain_rev(rev) {
            return Err(unknown("not a valid revision".into()));
        }
        if self.known.lock().is_ok_and(|k| k.contains(rev)) {
            return Ok(rev.to_string());
        }
        let spec = format!("{rev}^{{commit}}");
        let args = ["rev-parse", "-q", "--verify", spec.as_str()];
        let out = self.output(&args)?;
        match out.status.code() {
            Some(0) => {
                let sha = lossy(first_line(&out.stdout)).trim().to_string();
                if sha.is_empty() {
                    Err(unknown("no object name printed".into()))
                } else {
                    if let Ok(mut k) = self.known.lock() {
                        k.insert(sha.clone());
                    }
                    Ok(sha)
                }
            }
            // `--verify -q` exits 1, silently, when the name does not resolve.
            Some(1) => {
                let stderr = stderr_text(&out);
                Err(unknown(if stderr.is_empty() {
                    "does not resolve to a commit".into()
                } else {
                    stderr
                }))
            }
            _ => Err(super::failed(&args, &out)),
        }
    }

    /// Full commit SHAs of several revisions, in order, with one `git
    /// cat-file --batch-check` (names go in on stdin, so none can be read
    /// as an option); the first that does not resolve is UnknownRev.
    pub fn resolve_all(&self, revs: &[&str]) -> Result<Vec<String>, GitError> {
        let unknown = |rev: &str, why: &str| GitError::UnknownRev {
            rev: rev.to_string(),
            stderr: why.to_string(),
        };
        for rev in revs {
            if !super::plain_rev(rev) {
                return Err(unknown(rev, "not a valid revision"));
            }
        }
        // Resolved when the repository was opened: the same snapshot.
        if let Some(shas) = revs
            .iter()
            .map(|r| self.opened_with.get(*r).cloned())
            .collect::<Option<Vec<String>>>()
        {
            return Ok(shas);
        }
        let input: String = revs.iter().map(|r| format!("{r}^{{commit}}\n")).collect();
        let args = ["cat-file", "--batch-check=%(objectname) %(objecttype)"];
        let out = self.run_with_input(&args, input.as_bytes())?;
        let text = lossy(&out);
        let mut lines = text.lines();
        let mut shas = Vec::new();
        for rev in revs {
            let line = lines.next().unwrap_or_default();
            match line.split_once(' ') {
                Some((sha, "commit")) if sha.len() >= 40 => shas.push(sha.to_string()),
                _ => return Err(unknown(rev, "does not resolve to a commit")),
            }
        }
        if let Ok(mut k) = self.known.lock() {
            k.extend(shas.iter().cloned());
        }
        Ok(shas)
    }
}

/// A local or `origin/` remote-tracking branch, as `for-each-ref` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchRef {
    /// The full ref name (`refs/heads/x`, `refs/remotes/origin/x`).
    pub refname: String,
    /// The branch name without its prefix (`x`).
    pub branch: String,
    /// The tip commit.
    pub sha: String,
    /// The tip's tree (empty when the ref does not point to a commit).
    pub tree: String,
}

/// The refs branch lookups read: local branches and `origin/` ones.
const BRANCH_REFS: [&str; 2] = ["refs/heads/", "refs/remotes/origin/"];

/// Every local and `origin/` branch, listed once.
#[derive(Debug, Clone, Default)]
pub struct Branches {
    pub refs: Vec<BranchRef>,
    /// The branch HEAD is on (None when detached).
    pub current: Option<String>,
}

impl Branches {
    /// The branch a revision names, from the listing (no process):
    /// `HEAD` (the current branch), `<x>` or `refs/heads/<x>` for a local
    /// branch, `origin/<x>`, `remotes/origin/<x>` or `refs/remotes/origin/<x>`
    /// for a remote-tracking one; anything else (a SHA, `main~1`) is None.
    pub fn name_of(&self, rev: &str) -> Option<String> {
        if rev == "HEAD" {
            return self.current.clone();
        }
        let has = |full: &str| self.refs.iter().any(|r| r.refname == full);
        let local = rev.strip_prefix("refs/heads/").unwrap_or(rev);
        if !local.is_empty() && has(&format!("refs/heads/{local}")) {
            return Some(local.to_string());
        }
        let remote = rev
            .strip_prefix("refs/remotes/origin/")
            .or_else(|| rev.strip_prefix("remotes/origin/"))
            .or_else(|| rev.strip_prefix("origin/"))?;
        (!remote.is_empty() && has(&format!("refs/remotes/origin/{remote}")))
            .then(|| remote.to_string())
    }
}

impl Git {
    /// Every local and `origin/` branch with its tip, and the branch HEAD
    /// is on, in one `for-each-ref` (ref names hold no newline or NUL:
    /// `check-ref-format` forbids them).
    pub fn branches(&self) -> Result<Branches, GitError> {
        let mut args = vec![
            "for-each-ref",
            "--format=%(HEAD) %(objectname) %(tree) %(refname)",
        ];
        args.extend(BRANCH_REFS);
        let out = self.run(&args)?;
        let mut all = Branches::default();
        for line in lossy(&out).lines() {
            let bad = || GitError::Failed {
                args: args.join(" "),
                stderr: format!("unexpected line `{line}`"),
            };
            let (mark, rest) = line.split_at_checked(2).ok_or_else(bad)?;
            let mut f = rest.splitn(3, ' ');
            let (Some(sha), Some(tree), Some(refname)) = (f.next(), f.next(), f.next()) else {
                return Err(bad());
            };
            let Some(branch) = BRANCH_REFS.iter().find_map(|p| refname.strip_prefix(p)) else {
                continue;
            };
            if mark.starts_with('*') && refname.starts_with("refs/heads/") {
                all.current = Some(branch.to_string());
            }
            all.refs.push(BranchRef {
                refname: refname.to_string(),
                branch: branch.to_string(),
                sha: sha.to_string(),
                tree: tree.to_string(),
            });
        }
        Ok(all)
    }

    /// The full names of the branch refs whose tip is reachable from `rev`
    /// (`for-each-ref --merged`): one process answers the ancestry question
    /// for every branch at once.
    pub fn refs_merged_into(
        &self,
        rev: &str,
    ) -> Result<std::collections::HashSet<String>, GitError> {
        let sha = self.resolve(rev)?;
        let merged = format!("--merged={sha}");
        let mut args = vec!["for-each-ref", "--format=%(refname)", merged.as_str()];
        args.extend(BRANCH_REFS);
        let out = self.run(&args)?;
        Ok(lossy(&out).lines().map(str::to_string).collect())
    }
}
