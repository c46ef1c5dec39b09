//! A merge rehearsal on a local repository: every agent branch that has not
//! merged yet is trial-merged onto the base in contract order, each step on
//! top of the previous one, with `git merge-tree` (nothing in the repository
//! changes but unreferenced objects). What each step added, changed and
//! removed is read from git and judged by the pure
//! [`contract_gate_core::rehearsal`] functions.

use std::collections::BTreeMap;

use super::git::GitError;
use super::interface_scan;
use super::merge_tree::{
    branch_commit, grep_lines, is_ancestor, name_status, require_merge_tree, trial_commit,
    trial_merge, words_present, Plumb,
};
use contract_gate_core::change::ChangeStatus;
use contract_gate_core::contract::Contract;
use contract_gate_core::evaluate::interface_findings;
use contract_gate_core::interface::{self, Needle};
use contract_gate_core::rehearsal::{self, Reference, Rehearsed, Step, StepState};
use contract_gate_core::verdict::Finding;

/// Where one step's commit comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tip {
    /// This commit is merged at this step.
    Commit(String),
    /// Known to be in the base already (a merged pull request).
    Merged,
    /// Nothing to merge: no branch, or no pull request yet.
    Missing,
}

/// One planned step: an agent, its branch and where its commit comes from.
#[derive(Debug, Clone)]
pub struct Planned {
    pub agent: String,
    pub branch: Option<String>,
    pub tip: Tip,
}

/// Steps merged one after another onto a base, and the tree they end on.
pub struct Merged {
    pub base_tree: String,
    pub steps: Vec<Step>,
    pub final_tree: String,
}

/// Rehearses `contract` onto `base_commit` (a full SHA; `base` is its name):
/// every agent of the merge order, its branch as the repository has it.
pub fn rehearse(
    p: &Plumb,
    contract: &Contract,
    base: &str,
    base_commit: &str,
) -> Result<Rehearsed, GitError> {
    require_merge_tree(p)?;
    let mut plan = Vec::new();
    for agent in order(contract) {
        let branch = contract.agent(&agent).and_then(|a| a.branch.clone());
        let tip = match &branch {
            Some(b) => branch_commit(p, b)?.map_or(Tip::Missing, Tip::Commit),
            None => Tip::Missing,
        };
        plan.push(Planned { agent, branch, tip });
    }
    let m = merge_steps(p, contract, base_commit, &plan)?;
    let mut findings = rehearsal::conflicts(&m.steps);
    findings.extend(rehearsal::collisions(&m.steps));
    let refs = references(p, &m.steps, &m.final_tree)?;
    findings.extend(rehearsal::dangling(&m.steps, &refs));
    findings.extend(interface_between(p, contract, &m.base_tree, &m.final_tree)?);
    findings.sort_by_key(|f| (f.level, f.rule));
    Ok(Rehearsed {
        contract: contract.path.clone(),
        base: base.to_string(),
        base_commit: base_commit.to_string(),
        base_tree: m.base_tree,
        steps: m.steps,
        findings,
        final_tree: m.final_tree,
    })
}

/// Trial-merges the planned steps onto `base_commit`, in order, each on top
/// of the previous clean ones.
pub fn merge_steps(
    p: &Plumb,
    contract: &Contract,
    base_commit: &str,
    plan: &[Planned],
) -> Result<Merged, GitError> {
    let committed: Vec<String> = interface::commitments(contract)
        .into_iter()
        .filter_map(|k| match k.needle {
            Needle::Name(n) => Some(n),
            _ => None,
        })
        .collect();
    let base_tree = p.line(&["rev-parse", &format!("{base_commit}^{{tree}}")])?;
    let mut cur = base_commit.to_string();
    let mut cur_tree = base_tree.clone();
    let mut steps = Vec::new();
    for planned in plan {
        let mut step = Step {
            agent: planned.agent.clone(),
            branch: planned.branch.clone(),
            state: StepState::NoBranch,
            conflicts: Vec::new(),
            added: Vec::new(),
            changed: Vec::new(),
            removed: Vec::new(),
            tree: Some(cur_tree.clone()),
        };
        let commit = match &planned.tip {
            Tip::Commit(c) => c,
            Tip::Merged => {
                step.state = StepState::AlreadyMerged;
                steps.push(step);
                continue;
            }
            Tip::Missing => {
                steps.push(step);
                continue;
            }
        };
        if is_ancestor(p, commit, base_commit)? {
            step.state = StepState::AlreadyMerged;
            steps.push(step);
            continue;
        }
        let mb = p.line(&["merge-base", base_commit, commit])?;
        for f in name_status(p, &mb, commit)? {
            if f.status == ChangeStatus::Added {
                step.added.push(f.path.clone());
            }
            step.changed.push(f.path);
        }
        let trial = trial_merge(p, &cur, commit)?;
        if trial.conflicted {
            step.state = StepState::Conflict;
            step.conflicts = trial.conflicts;
        } else {
            cur = trial_commit(p, &trial.tree, &[&cur, commit])?;
            cur_tree = trial.tree;
            step.state = StepState::Clean;
            step.tree = Some(cur_tree.clone());
            step.removed = removed_names(p, &mb, commit, &step.changed, &committed)?;
        }
        steps.push(step);
    }
    Ok(Merged {
        base_tree,
        steps,
        final_tree: cur_tree,
    })
}

/// The `interface` rule on what changed from tree `from` to tree `to`.
pub fn interface_between(
    p: &Plumb,
    contract: &Contract,
    from: &str,
    to: &str,
) -> Result<Vec<Finding>, GitError> {
    let changed = name_status(p, from, to)?;
    let scans = interface_scan::scan(p, contract, from, to, &changed)?;
    Ok(interface_findings(&scans))
}

/// The merge order, then any agent it leaves out (in contract order).
fn order(c: &Contract) -> Vec<String> {
    let mut names: Vec<String> = c.merge_order.iter().map(|s| s.agent.clone()).collect();
    for a in &c.agents {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(&a.name)) {
            names.push(a.name.clone());
        }
    }
    names
}

/// Names the branch removed: defined on a removed line (or committed and on
/// a removed line), and gone from every file it changed.
fn removed_names(
    p: &Plumb,
    mb: &str,
    commit: &str,
    changed: &[String],
    committed: &[String],
) -> Result<Vec<String>, GitError> {
    let diff = p.run(&[
        "diff",
        "-U0",
        "--no-color",
        "--no-ext-diff",
        "--no-renames",
        mb,
        commit,
    ])?;
    let diff = String::from_utf8_lossy(&diff);
    let mut names = rehearsal::removed_definitions(&diff);
    for c in committed {
        let needle = Needle::Name(c.clone());
        let on_removed = diff
            .lines()
            .filter(|l| l.starts_with('-') && !l.starts_with("---"))
            .any(|l| !needle.lines_in(&l[1..]).is_empty());
        if on_removed && !names.contains(c) {
            names.push(c.clone());
        }
    }
    if names.is_empty() {
        return Ok(names);
    }
    let still = words_present(p, commit, &names, changed)?;
    names.retain(|n| !still.contains(n));
    Ok(names)
}

/// Every line of `tree` that names an identifier a step removed.
pub fn references(
    p: &Plumb,
    steps: &[Step],
    tree: &str,
) -> Result<BTreeMap<String, Vec<Reference>>, GitError> {
    let names: Vec<String> = steps.iter().flat_map(|s| s.removed.clone()).collect();
    let mut refs: BTreeMap<String, Vec<Reference>> = BTreeMap::new();
    for (path, line, text) in grep_lines(p, tree, &names, &[], true)? {
        for n in &names {
            if !Needle::Name(n.clone()).lines_in(&text).is_empty() {
                refs.entry(n.clone()).or_default().push(Reference {
                    path: path.clone(),
                    line,
                    text: text.clone(),
                });
            }
        }
    }
    Ok(refs)
}
