//! Patch ids (`git patch-id --stable`): the same change made by different
//! commits (a branch squash-merged into the base) has the same id. Every
//! question here costs a fixed number of processes, however many branches.

use std::collections::{HashMap, HashSet};

use super::runner::lossy;
use super::{Git, GitError};

/// A change to hash.
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    /// A (non-merge) commit against its parent.
    Commit(&'a str),
    /// Everything from `from` to `tip` (a branch since its fork point).
    Range { tip: &'a str, from: &'a str },
}

impl Git {
    /// The patch id of each change, keyed by its commit (the tip for a
    /// range): one `git diff-tree --stdin` and one `git patch-id`. A change
    /// that is empty has no id. Diffs carry full binary content, so two
    /// different binary changes to one file never hash alike.
    pub fn patch_ids(&self, changes: &[Change]) -> Result<HashMap<String, String>, GitError> {
        if changes.is_empty() {
            return Ok(HashMap::new());
        }
        // `<commit>` compares it with its parent; `<tip> <from>` compares
        // `from` to `tip` (diff-tree takes the rest of a line as parents).
        let lines: String = changes
            .iter()
            .map(|c| match c {
                Change::Commit(sha) => format!("{sha}\n"),
                Change::Range { tip, from } => format!("{tip} {from}\n"),
            })
            .collect();
        let args = [
            "diff-tree",
            "--stdin",
            "-r",
            "-p",
            "--binary",
            "--full-index",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
        ];
        let patches = self.run_with_input(&args, lines.into_bytes())?;
        if patches.is_empty() {
            return Ok(HashMap::new());
        }
        let out = self.run_with_input(&["patch-id", "--stable"], patches)?;
        Ok(lossy(&out)
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(id, commit)| (commit.trim().to_string(), id.to_string()))
            .collect())
    }

    /// Where each tip left `base`'s history, following first parents (one
    /// `git rev-list`): the fork point, or None for a tip already contained
    /// in `base` (or one with no fork point, an unrelated history).
    pub fn fork_points(
        &self,
        tips: &[String],
        base: &str,
    ) -> Result<HashMap<String, Option<String>>, GitError> {
        let base = self.resolve(base)?;
        let not_base = format!("^{base}");
        let mut args = vec!["rev-list", "--parents", "--boundary"];
        // Tips come from `for-each-ref`: object names, never options.
        args.extend(tips.iter().map(String::as_str));
        args.extend([not_base.as_str(), "--"]);
        let out = self.run(&args)?;
        let mut first_parent: HashMap<String, Option<String>> = HashMap::new();
        let mut boundary: HashSet<String> = HashSet::new();
        for line in lossy(&out).lines() {
            if let Some(b) = line.strip_prefix('-') {
                if let Some(sha) = b.split_whitespace().next() {
                    boundary.insert(sha.to_string());
                }
                continue;
            }
            let mut f = line.split_whitespace();
            if let Some(sha) = f.next() {
                first_parent.insert(sha.to_string(), f.next().map(str::to_string));
            }
        }
        let mut forks = HashMap::new();
        for tip in tips {
            if !first_parent.contains_key(tip) {
                forks.insert(tip.clone(), None);
                continue;
            }
            let mut cur = tip.clone();
            let mut fork = None;
            // Each step moves to a listed commit: at most that many steps.
            for _ in 0..=first_parent.len() {
                match first_parent.get(&cur).cloned().flatten() {
                    Some(p) if boundary.contains(&p) => {
                        fork = Some(p);
                        break;
                    }
                    Some(p) if first_parent.contains_key(&p) => cur = p,
                    _ => break,
                }
            }
            forks.insert(tip.clone(), fork);
        }
        Ok(forks)
    }
}
