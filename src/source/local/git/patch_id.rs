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
    /// The patch id of each change, as (commit, id) pairs in the order of
    /// `changes` (the commit is the tip for a range): one `git diff-tree
    /// --stdin` and one `git patch-id`. A change that is empty has no id (no
    /// pair), so a commit asked twice (as itself and as a range's tip) with
    /// one pair back cannot be told apart. Diffs carry full binary content,
    /// so two different binary changes to one file never hash alike.
    pub fn patch_ids(&self, changes: &[Change]) -> Result<Vec<(String, String)>, GitError> {
        if changes.is_empty() {
            return Ok(Vec::new());
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
        let patches = self.run_with_input(&args, lines.as_bytes())?;
        if patches.is_empty() {
            return Ok(Vec::new());
        }
        let out = self.run_with_input(&["patch-id", "--stable"], &patches)?;
        Ok(lossy(&out)
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(id, commit)| (commit.trim().to_string(), id.to_string()))
            .collect())
    }

    /// Where each tip left `base`'s history, following first parents, and
    /// the branch's own commits (one `git rev-list` for every tip): the
    /// fork point, or None for a tip already contained in `base` (or one with
    /// no fork point, an unrelated history).
    pub fn branch_work(
        &self,
        tips: &[String],
        base: &str,
    ) -> Result<HashMap<String, BranchWork>, GitError> {
        let base = self.resolve(base)?;
        let not_base = format!("^{base}");
        let mut args = vec!["rev-list", "--parents", "--boundary"];
        // Tips come from `for-each-ref`: object names, never options.
        args.extend(tips.iter().map(String::as_str));
        args.extend([not_base.as_str(), "--"]);
        let out = self.run(&args)?;
        let mut parents: HashMap<String, Vec<String>> = HashMap::new();
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
                parents.insert(sha.to_string(), f.map(str::to_string).collect());
            }
        }
        let mut work = HashMap::new();
        for tip in tips {
            if !parents.contains_key(tip) {
                work.insert(tip.clone(), BranchWork::default());
                continue;
            }
            let mut cur = tip.clone();
            let mut fork = None;
            // Each step moves to a listed commit: at most that many steps.
            for _ in 0..=parents.len() {
                match parents.get(&cur).and_then(|p| p.first()).cloned() {
                    Some(p) if boundary.contains(&p) => {
                        fork = Some(p);
                        break;
                    }
                    Some(p) if parents.contains_key(&p) => cur = p,
                    _ => break,
                }
            }
            // Every listed commit the tip reaches (not in `base`), merges
            // left out: what a rebase replays.
            let mut commits = Vec::new();
            let mut seen: HashSet<&str> = HashSet::new();
            let mut todo = vec![tip.as_str()];
            while let Some(c) = todo.pop() {
                let Some(ps) = parents.get(c) else { continue };
                if !seen.insert(c) {
                    continue;
                }
                if ps.len() <= 1 {
                    commits.push(c.to_string());
                }
                todo.extend(ps.iter().map(String::as_str));
            }
            work.insert(tip.clone(), BranchWork { fork, commits });
        }
        Ok(work)
    }
}

/// A branch tip's work off the base.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BranchWork {
    /// Where it left the base's history (first parents), if it did.
    pub fork: Option<String>,
    /// Its non-merge commits not in the base (the tip's first, when it is one).
    pub commits: Vec<String>,
}
