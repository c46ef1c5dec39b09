//! History queries (`git log`): commits touching a path, merges in a range.

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
        Ok(text
            .lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty())
            .map(String::from))
    }

    /// Subjects and SHAs of merge commits in `from..to` (git log --merges --format=%H%x00%s -z style parsing), newest first.
    ///
    /// Each entry is `(sha, subject)`, in `git log`'s default order.
    pub fn merges_between(&self, from: &str, to: &str) -> Result<Vec<(String, String)>, GitError> {
        let from = self.resolve(from)?;
        let to = self.resolve(to)?;
        let range = format!("{from}..{to}");
        let args = [
            "log",
            "--merges",
            "-z",
            "--format=%H%x00%s",
            range.as_str(),
            "--",
        ];
        let out = self.run(&args)?;
        if out.is_empty() {
            return Ok(Vec::new());
        }
        // Records are `sha NUL subject`, each ended by NUL with -z.
        let mut fields: Vec<&[u8]> = out.split(|&b| b == 0).collect();
        if out.ends_with(&[0]) {
            fields.pop();
        }
        if fields.len() % 2 != 0 {
            return Err(GitError::Failed {
                args: args.join(" "),
                stderr: "unexpected output (odd number of fields)".into(),
            });
        }
        Ok(fields
            .chunks(2)
            .map(|pair| (lossy(pair[0]).trim().to_string(), lossy(pair[1])))
            .collect())
    }
}
