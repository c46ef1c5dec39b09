//! History queries (`git log`): the commit that added a path, the commits
//! in a range.

use super::runner::{first_line, literal, lossy};
use super::{Git, GitError};

impl Git {
    /// The newest commit reachable from `rev` that touched `path` (git log -1 --format=%H rev -- path), None if none.
    pub fn last_commit_touching(&self, rev: &str, path: &str) -> Result<Option<String>, GitError> {
        let sha = self.resolve(rev)?;
        let spec = literal(path);
        let out = self.run(&[
            "log",
            "-1",
            "--format=%H",
            sha.as_str(),
            "--",
            spec.as_str(),
        ])?;
        let found = lossy(first_line(&out)).trim().to_string();
        Ok((!found.is_empty()).then_some(found))
    }

    /// The oldest commit reachable from `rev` that added `path` (when the
    /// contract landed), None if none.
    pub fn first_commit_adding(&self, rev: &str, path: &str) -> Result<Option<String>, GitError> {
        let sha = self.resolve(rev)?;
        let spec = literal(path);
        let out = self.run(&[
            "log",
            "--diff-filter=A",
            "--format=%H",
            sha.as_str(),
            "--",
            spec.as_str(),
        ])?;
        let text = lossy(&out);
        let found = text
            .lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty())
            .map(String::from);
        // git printed it: a commit, so asking about it later needs no check.
        if let (Some(sha), Ok(mut k)) = (&found, self.known.lock()) {
            k.insert(sha.clone());
        }
        Ok(found)
    }
}

/// A commit as [`Git::commits_between`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub sha: String,
    pub parents: Vec<String>,
    pub tree: String,
    pub subject: String,
}

impl Git {
    /// Every commit in `from..to`, newest first, with its tree and whether
    /// it is a merge: one `git log` serves merge-commit names and squash
    /// detection alike.
    pub fn commits_between(&self, from: &str, to: &str) -> Result<Vec<Logged>, GitError> {
        let from = self.resolve(from)?;
        let to = self.resolve(to)?;
        // `X..X` lists nothing: no process for it (the contract landed in
        // the base's own commit, say).
        if from == to {
            return Ok(Vec::new());
        }
        let range = format!("{from}..{to}");
        let args = [
            "log",
            "-z",
            "--format=%H%x00%P%x00%T%x00%s",
            range.as_str(),
            "--",
        ];
        let out = self.run(&args)?;
        let bad = |why: &str| GitError::Failed {
            args: args.join(" "),
            stderr: format!("unexpected output ({why})"),
        };
        let mut commits = Vec::new();
        // Records are `sha NUL parents NUL tree NUL subject`, ended by NUL.
        let mut fields = out.split(|&b| b == 0).peekable();
        while let Some(sha) = fields.next() {
            if sha.is_empty() && fields.peek().is_none() {
                break;
            }
            let (Some(parents), Some(tree), Some(subject)) =
                (fields.next(), fields.next(), fields.next())
            else {
                return Err(bad("a record is cut short"));
            };
            commits.push(Logged {
                sha: lossy(sha).trim().to_string(),
                parents: lossy(parents)
                    .split_whitespace()
                    .map(str::to_string)
                    .collect(),
                tree: lossy(tree).trim().to_string(),
                subject: lossy(subject),
            });
        }
        Ok(commits)
    }
}

impl Logged {
    /// More than one parent.
    pub fn is_merge(&self) -> bool {
        self.parents.len() > 1
    }
}
