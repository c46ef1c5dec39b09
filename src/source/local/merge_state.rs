//! Merge state from local git: which agents' branches have landed on the
//! base (and are contained in the head), read in a fixed number of `git`
//! processes whatever the number of agents.
//!
//! An agent counts as merged into the base when:
//! - a tip of its branch (local or `origin/`) is contained in the base and
//!   has commits since the contract landed;
//! - a merge commit on the base names the branch (it may be deleted since);
//! - a non-merge commit on the base has the tip's tree (a squash merge of an
//!   up-to-date branch) or the same patch id as the branch's whole change
//!   (a squash merge after the base moved on).

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::source::local::git::{BranchRef, Change, Git, GitError, Logged};
use contract_gate_core::change::{AgentMerge, MergeState};
use contract_gate_core::contract::Contract;

/// Branch tips by branch name (local and `origin/`).
type TipsOf<'a> = HashMap<&'a str, Vec<&'a BranchRef>>;

/// The tips of one branch (none when it has no ref).
fn tips_of<'a, 'b>(refs_of: &'b TipsOf<'a>, branch: &str) -> &'b [&'a BranchRef] {
    refs_of.get(branch).map_or(&[], Vec::as_slice)
}

/// Reads the merge state of `c`'s agents between `base` and `head` (SHAs).
/// `needed`: the agents the verdict looks at (lower-cased names: a PR's
/// predecessors, every agent for the integrator); only they are looked for
/// among squash merges.
pub fn local_merge_state(
    git: &Git,
    c: &Contract,
    refs: &[BranchRef],
    base: &str,
    head: &str,
    needed: &BTreeSet<String>,
) -> Result<MergeState, GitError> {
    // When the contract first landed: later edits to it (a widened scope)
    // must not make earlier merges invisible.
    let landed = git.first_commit_adding(base, &c.path)?;
    let branches: HashSet<&str> = c
        .agents
        .iter()
        .filter_map(|a| a.branch.as_deref())
        .collect();
    // Tips by branch name: one lookup per agent, however many branches.
    let mut refs_of: TipsOf = HashMap::new();
    for r in refs.iter().filter(|r| branches.contains(r.branch.as_str())) {
        refs_of.entry(r.branch.as_str()).or_default().push(r);
    }
    let reach = match &landed {
        Some(l) => Reach::since(git, l, base, head)?,
        None => Reach::by_refs(git, base, head, !refs_of.is_empty())?,
    };

    let mut out = MergeState::new();
    for a in &c.agents {
        let Some(branch) = &a.branch else { continue };
        let mut state = AgentMerge::default();
        for r in tips_of(&refs_of, branch) {
            if state.merged_into_base.is_none() && reach.in_base(r) {
                let shown = r.refname.strip_prefix("refs/heads/").unwrap_or(&r.refname);
                let shown = shown.strip_prefix("refs/remotes/").unwrap_or(shown);
                state.merged_into_base = Some(format!("{shown} at {}", short(&r.sha)));
                state.in_head = reach.in_head(r);
            } else if state.merged_into_base.is_none() && reach.in_head(r) {
                state.in_head = true;
            }
        }
        // The branch may be gone (deleted after merge): a merge commit that
        // names it still says it landed, on the base or (for an integration
        // branch) in the head. A merge on the base since the contract
        // landed is in the head exactly when the head's log lists it.
        let named = |log: &[Logged]| {
            log.iter()
                .find(|l| l.is_merge() && names_branch(&l.subject, branch))
                .cloned()
        };
        if state.merged_into_base.is_none() {
            if let Some(m) = named(&reach.log_base) {
                state.merged_into_base = Some(format!("{} \"{}\"", short(&m.sha), m.subject));
                state.in_head = reach.head_commits.contains(&m.sha);
            }
        }
        if !state.in_head && named(&reach.log_head).is_some() {
            state.in_head = true;
        }
        out.insert(a.name.clone(), state);
    }
    squash_merges(git, c, base, &refs_of, &reach, needed, &mut out)?;
    Ok(out)
}

/// Which branch tips the base and the head contain (and carry work since
/// the contract landed), and the commits since then.
struct Reach {
    log_base: Vec<Logged>,
    log_head: Vec<Logged>,
    base_commits: HashSet<String>,
    head_commits: HashSet<String>,
    /// Without a landing commit: refs contained in the base and the head.
    merged: Option<(HashSet<String>, HashSet<String>)>,
}

impl Reach {
    /// From the logs since the contract landed: a tip the base contains
    /// and that carries work since the landing is in `landed..base`, so two
    /// `git log`s answer for every branch (a tip older than the contract
    /// is in neither log, and never counts).
    fn since(git: &Git, landed: &str, base: &str, head: &str) -> Result<Reach, GitError> {
        let log_base = git.commits_between(landed, base)?;
        let log_head = git.commits_between(landed, head)?;
        Ok(Reach {
            base_commits: log_base.iter().map(|l| l.sha.clone()).collect(),
            head_commits: log_head.iter().map(|l| l.sha.clone()).collect(),
            log_base,
            log_head,
            merged: None,
        })
    }

    /// No landing commit was found: ancestry alone (`for-each-ref --merged`).
    fn by_refs(git: &Git, base: &str, head: &str, any: bool) -> Result<Reach, GitError> {
        let merged = if any {
            (git.refs_merged_into(base)?, git.refs_merged_into(head)?)
        } else {
            Default::default()
        };
        Ok(Reach {
            log_base: Vec::new(),
            log_head: Vec::new(),
            base_commits: HashSet::new(),
            head_commits: HashSet::new(),
            merged: Some(merged),
        })
    }

    fn in_base(&self, r: &BranchRef) -> bool {
        match &self.merged {
            Some((base, _)) => base.contains(&r.refname),
            None => self.base_commits.contains(&r.sha),
        }
    }

    fn in_head(&self, r: &BranchRef) -> bool {
        match &self.merged {
            Some((_, head)) => head.contains(&r.refname),
            None => self.head_commits.contains(&r.sha),
        }
    }

    /// Non-merge commits on the base's first-parent line since the contract
    /// landed: where a squash merge lands (the commits of branches merged
    /// with a merge commit are off that line).
    fn squash_candidates(&self) -> Vec<&Logged> {
        let by_sha: HashMap<&str, &Logged> =
            self.log_base.iter().map(|l| (l.sha.as_str(), l)).collect();
        let mut line = Vec::new();
        let mut cur = self.log_base.first();
        while let Some(l) = cur {
            if !l.is_merge() {
                line.push(l);
            }
            cur = l
                .parents
                .first()
                .and_then(|p| by_sha.get(p.as_str()).copied());
        }
        line
    }
}

/// Squash merges (`git merge --squash`, a forge's "Squash and merge"): a
/// first-parent commit on the base with the tip's tree (the branch was up
/// to date) or the patch id of the branch's whole change since its fork
/// point. Asked only for the needed agents still unmerged, and only when
/// the base has such commits: three `git` processes for all of them.
fn squash_merges(
    git: &Git,
    c: &Contract,
    base: &str,
    refs_of: &TipsOf,
    reach: &Reach,
    needed: &BTreeSet<String>,
    out: &mut MergeState,
) -> Result<(), GitError> {
    let candidates = reach.squash_candidates();
    if candidates.is_empty() {
        return Ok(());
    }
    let tips = unmerged_tips(c, refs_of, needed, out);
    if tips.is_empty() {
        return Ok(());
    }
    // The tip's tree on the base's line: no process needed. A tip the base
    // contains is not a squash (it merged, or it predates the contract).
    let mut found: Vec<(&str, &Logged)> = Vec::new();
    let mut rest: Vec<(&str, &BranchRef)> = Vec::new();
    for (agent, r) in tips {
        match candidates
            .iter()
            .find(|s| !r.tree.is_empty() && s.tree == r.tree && s.sha != r.sha)
        {
            Some(s) if !reach.base_commits.contains(&r.sha) => found.push((agent, s)),
            _ => rest.push((agent, r)),
        }
    }
    let shas: Vec<String> = rest.iter().map(|(_, r)| r.sha.clone()).collect();
    let forks = if shas.is_empty() {
        HashMap::new()
    } else {
        git.fork_points(&shas, base)?
    };
    let mut ranges: Vec<(&str, &BranchRef, String)> = Vec::new();
    for (agent, r) in rest {
        if let Some(Some(fork)) = forks.get(&r.sha) {
            ranges.push((agent, r, fork.clone()));
        }
    }
    if !ranges.is_empty() {
        let mut changes: Vec<Change> = candidates.iter().map(|s| Change::Commit(&s.sha)).collect();
        changes.extend(ranges.iter().map(|(_, r, fork)| Change::Range {
            tip: &r.sha,
            from: fork,
        }));
        let ids = git.patch_ids(&changes)?;
        let by_id: HashMap<&str, &Logged> = candidates
            .iter()
            .filter_map(|s| ids.get(&s.sha).map(|id| (id.as_str(), *s)))
            .collect();
        for (agent, r, _) in &ranges {
            if let Some(s) = ids.get(&r.sha).and_then(|id| by_id.get(id.as_str())) {
                found.push((agent, s));
            }
        }
    }
    for (agent, s) in found {
        if let Some(state) = out.get_mut(agent) {
            if state.merged_into_base.is_none() {
                state.merged_into_base =
                    Some(format!("squashed as {} \"{}\"", short(&s.sha), s.subject));
                state.in_head = reach.head_commits.contains(&s.sha);
            }
        }
    }
    Ok(())
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(7)]
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

/// The branch tips of the needed agents not yet found merged, as (agent, tip).
fn unmerged_tips<'a>(
    c: &'a Contract,
    refs_of: &TipsOf<'a>,
    needed: &BTreeSet<String>,
    out: &MergeState,
) -> Vec<(&'a str, &'a BranchRef)> {
    let mut tips = Vec::new();
    for a in &c.agents {
        let unmerged = out
            .get(&a.name)
            .is_some_and(|m| m.merged_into_base.is_none());
        if !unmerged || !needed.contains(&a.name.to_ascii_lowercase()) {
            continue;
        }
        let Some(branch) = a.branch.as_deref() else {
            continue;
        };
        tips.extend(
            tips_of(refs_of, branch)
                .iter()
                .map(|r| (a.name.as_str(), *r)),
        );
    }
    tips
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
