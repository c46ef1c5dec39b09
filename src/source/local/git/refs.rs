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
        if rev.is_empty() || rev.starts_with('-') || rev.contains('\0') {
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
            _ => Err(self.failed(&args, &out)),
        }
    }

    /// Whether a full ref name exists and points (through tags) to a commit.
    pub(super) fn ref_sha(&self, full_ref: &str) -> Result<Option<String>, GitError> {
        let spec = format!("{full_ref}^{{commit}}");
        let args = ["rev-parse", "-q", "--verify", spec.as_str()];
        let out = self.output(&args)?;
        match out.status.code() {
            Some(0) => {
                let sha = lossy(first_line(&out.stdout)).trim().to_string();
                Ok((!sha.is_empty()).then_some(sha))
            }
            Some(1) => Ok(None),
            _ => Err(self.failed(&args, &out)),
        }
    }

    pub(super) fn ref_exists(&self, full_ref: &str) -> bool {
        matches!(self.ref_sha(full_ref), Ok(Some(_)))
    }

    /// `Some(name)` when `rev` is "HEAD" and HEAD is a branch (symbolic-ref --short -q HEAD), or when
    /// `rev` itself names a local branch (refs/heads/<rev>) or a remote-tracking branch
    /// (refs/remotes/origin/<x> → Some(x)); None when detached.
    ///
    /// Accepted spellings: `HEAD`; `<x>` or `refs/heads/<x>` for a local
    /// branch; `origin/<x>`, `remotes/origin/<x>` or `refs/remotes/origin/<x>`
    /// for a remote-tracking one. Anything else (a SHA, `main~1`, a tag) is None.
    pub fn branch_name(&self, rev: &str) -> Option<String> {
        if rev.is_empty() || rev.starts_with('-') || rev.contains('\0') {
            return None;
        }
        if rev == "HEAD" {
            let out = self
                .output(&["symbolic-ref", "--short", "-q", "HEAD"])
                .ok()?;
            if !out.status.success() {
                return None;
            }
            let name = lossy(first_line(&out.stdout));
            return (!name.is_empty()).then_some(name);
        }
        let local = rev.strip_prefix("refs/heads/").unwrap_or(rev);
        if !local.is_empty() && self.ref_exists(&format!("refs/heads/{local}")) {
            return Some(local.to_string());
        }
        let remote = rev
            .strip_prefix("refs/remotes/origin/")
            .or_else(|| rev.strip_prefix("remotes/origin/"))
            .or_else(|| rev.strip_prefix("origin/"));
        if let Some(x) = remote {
            if !x.is_empty() && self.ref_exists(&format!("refs/remotes/origin/{x}")) {
                return Some(x.to_string());
            }
        }
        None
    }

    /// `git merge-base --is-ancestor a b` (true/false; error only when a rev does not resolve).
    pub fn is_ancestor(&self, a: &str, b: &str) -> Result<bool, GitError> {
        let a = self.resolve(a)?;
        let b = self.resolve(b)?;
        let args = ["merge-base", "--is-ancestor", a.as_str(), b.as_str()];
        let out = self.output(&args)?;
        match out.status.code() {
            Some(0) => Ok(true),
            Some(1) => Ok(false),
            _ => Err(self.failed(&args, &out)),
        }
    }

    /// Tips of a branch name: refs/heads/<name> and refs/remotes/origin/<name>, each as (ref, sha), those that exist.
    pub fn branch_tips(&self, name: &str) -> Result<Vec<(String, String)>, GitError> {
        let mut tips = Vec::new();
        if name.is_empty() || name.contains('\0') {
            return Ok(tips);
        }
        for full in [
            format!("refs/heads/{name}"),
            format!("refs/remotes/origin/{name}"),
        ] {
            if let Some(sha) = self.ref_sha(&full)? {
                tips.push((full, sha));
            }
        }
        Ok(tips)
    }
}
