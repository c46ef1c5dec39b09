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
//!   (a squash merge after the base moved on);
//! - every non-merge commit of the branch (not in the base) has its patch id
//!   on the base's first-parent line since the contract landed ("Rebase and
//!   merge": the commits replayed with new ids).

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
/// point; and rebase merges, every commit of the branch replayed there. Asked
/// only for the needed agents still unmerged, and only when the base has
/// such commits: three `git` processes for all of them.
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
    let mut found: Vec<(&str, &Logged, Landed)> = Vec::new();
    let mut rest: Vec<(&str, &BranchRef)> = Vec::new();
    for (agent, r) in tips {
        match candidates
            .iter()
            .find(|s| !r.tree.is_empty() && s.tree == r.tree && s.sha != r.sha)
        {
            Some(s) if !reach.base_commits.contains(&r.sha) => {
                found.push((agent, s, Landed::Squashed));
            }
            _ => rest.push((agent, r)),
        }
    }
    let shas: Vec<String> = rest.iter().map(|(_, r)| r.sha.clone()).collect();
    let work = if shas.is_empty() {
        HashMap::new()
    } else {
        git.branch_work(&shas, base)?
    };
    let mut ranges: Vec<(&str, &BranchRef, String)> = Vec::new();
    let mut replays: Vec<(&str, &[String])> = Vec::new();
    for (agent, r) in rest {
        let Some(w) = work.get(&r.sha) else { continue };
        if let Some(fork) = &w.fork {
            ranges.push((agent, r, fork.clone()));
        }
        if !w.commits.is_empty() {
            replays.push((agent, &w.commits));
        }
    }
    if !ranges.is_empty() || !replays.is_empty() {
        // The branches' own commits (each once) before the ranges: `diff-tree
        // --stdin` takes a range's `from` as its tip's parent from then on,
        // so a tip asked as itself after its range would get the range.
        let mut changes: Vec<Change> = candidates.iter().map(|s| Change::Commit(&s.sha)).collect();
        let mut added: HashSet<&str> = HashSet::new();
        for (_, commits) in &replays {
            for c in commits.iter() {
                if added.insert(c.as_str()) {
                    changes.push(Change::Commit(c));
                }
            }
        }
        changes.extend(ranges.iter().map(|(_, r, fork)| Change::Range {
            tip: &r.sha,
            from: fork,
        }));
        let mut asked: HashMap<&str, usize> = HashMap::new();
        for c in &changes {
            let (Change::Commit(sha) | Change::Range { tip: sha, .. }) = c;
            *asked.entry(sha).or_default() += 1;
        }
        let pairs = git.patch_ids(&changes)?;
        let mut ids_of: HashMap<&str, Vec<&str>> = HashMap::new();
        for (sha, id) in &pairs {
            ids_of.entry(sha.as_str()).or_default().push(id.as_str());
        }
        // The n-th id of a commit asked `k` times; none when an empty change
        // left fewer ids than asks (which one is missing is unknown).
        let id = |sha: &str, nth: usize| -> Option<&str> {
            let ids = ids_of.get(sha)?;
            (ids.len() == asked.get(sha).copied().unwrap_or(0))
                .then(|| ids.get(nth).copied())
                .flatten()
        };
        let by_id: HashMap<&str, &Logged> = candidates
            .iter()
            .filter_map(|s| id(&s.sha, 0).map(|i| (i, *s)))
            .collect();
        // A range's id comes after its tip's own, when that was asked too.
        let last = |sha: &str| asked.get(sha).map_or(0, |n| n.saturating_sub(1));
        for (agent, r, _) in &ranges {
            if let Some(s) = id(&r.sha, last(&r.sha)).and_then(|i| by_id.get(i)) {
                found.push((agent, s, Landed::Squashed));
            }
        }
        // "Rebase and merge": every commit of the branch replayed on the
        // base's line since the contract landed (new ids, same patch ids).
        for (agent, commits) in &replays {
            let mut on_base: Vec<&Logged> = Vec::new();
            let mut all = true;
            for c in commits.iter() {
                match id(c, 0) {
                    Some(i) => match by_id.get(i) {
                        Some(s) => on_base.push(s),
                        None => all = false,
                    },
                    // An empty commit replays as nothing; an unknown id fails.
                    None if ids_of.contains_key(c.as_str()) => all = false,
                    None => {}
                }
            }
            if all && !on_base.is_empty() {
                // The newest replayed commit on the base's line.
                if let Some(s) = candidates
                    .iter()
                    .find(|s| on_base.iter().any(|o| o.sha == s.sha))
                {
                    found.push((agent, s, Landed::Rebased(on_base.len())));
                }
            }
        }
    }
    for (agent, s, how) in found {
        if let Some(state) = out.get_mut(agent) {
            if state.merged_into_base.is_none() {
                state.merged_into_base = Some(match how {
                    Landed::Squashed => format!("squashed as {} \"{}\"", short(&s.sha), s.subject),
                    Landed::Rebased(n) => format!(
                        "rebased as {} \"{}\" ({n} commit{})",
                        short(&s.sha),
                        s.subject,
                        if n == 1 { "" } else { "s" }
                    ),
                });
                // The newest replayed commit: the head that has it has the
                // older ones (they are its first-parent ancestors).
                state.in_head = reach.head_commits.contains(&s.sha);
            }
        }
    }
    Ok(())
}

/// How a branch landed without its tip on the base.
#[derive(Clone, Copy)]
enum Landed {
    Squashed,
    /// Its n commits replayed one by one ("Rebase and merge").
    Rebased(usize),
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
