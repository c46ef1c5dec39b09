//! Rules about where and when a branch may merge: `base-branch`,
//! `merge-order`, `stale-base`.

use crate::change::{AgentMerge, MergeState, PrSnapshot};
use crate::contract::Contract;
use crate::verdict::{Finding, Level, MergeStepState, Rule, StepState};

pub(super) fn base_branch(
    c: &Contract,
    agent: Option<usize>,
    pr: &PrSnapshot,
    out: &mut Vec<Finding>,
) {
    let (Some(ib), Some(_)) = (&c.integration_branch, agent) else {
        return;
    };
    if pr.base != *ib {
        out.push(Finding::failure(
            Rule::BaseBranch,
            format!(
                "agent branches of this contract merge into `{ib}`, but this pull request targets `{}`",
                pr.base
            ),
        ));
    }
}

pub(super) fn check(
    c: &Contract,
    agent: Option<usize>,
    pr: &PrSnapshot,
    merge: &MergeState,
    out: &mut Vec<Finding>,
) -> Vec<MergeStepState> {
    match agent {
        Some(ai) => predecessors(c, ai, pr, merge, out),
        None => integrator(c, pr, merge, out),
    }
}

/// The integrator: every agent must have merged into the integration branch.
fn integrator(
    c: &Contract,
    pr: &PrSnapshot,
    merge: &MergeState,
    out: &mut Vec<Finding>,
) -> Vec<MergeStepState> {
    let mut progress = Vec::new();
    for a in &c.agents {
        let m = merge.get(&a.name).cloned().unwrap_or_default();
        if !m.in_head {
            out.push(
                Finding::failure(
                    Rule::MergeOrder,
                    format!(
                        "{} ({}) has not merged into `{}` yet",
                        a.name,
                        a.branch.as_deref().unwrap_or("no branch"),
                        pr.branch
                    ),
                )
                .about(&a.name),
            );
        }
        progress.push(MergeStepState {
            agent: a.name.clone(),
            state: if m.in_head {
                StepState::Merged
            } else {
                StepState::Waiting
            },
            reference: m.merged_into_base.clone(),
            pull: m.pull,
        });
    }
    progress
}

/// An agent: each predecessor in the merge order must have merged into the
/// base (`merge-order`) and be contained in the head (`stale-base`).
fn predecessors(
    c: &Contract,
    ai: usize,
    pr: &PrSnapshot,
    merge: &MergeState,
    out: &mut Vec<Finding>,
) -> Vec<MergeStepState> {
    let state = |name: &str| merge.get(name).cloned().unwrap_or_default();
    let me = &c.agents[ai].name;
    let Some(mine) = c.merge_position(me).map(|p| c.merge_order[p].stage) else {
        return Vec::new();
    };
    let mut progress = Vec::new();
    // The first predecessor still waiting: a later one that merged anyway
    // went out of order.
    let mut first_waiting: Option<(&str, usize)> = None;
    for step in &c.merge_order {
        // An unknown name is a contract error (reported as contract-invalid),
        // not something to wait for.
        if c.agent(&step.agent).is_none() {
            continue;
        }
        // Later stages, and this agent's own (parallel steps wait on
        // nobody of their stage).
        if step.stage >= mine {
            progress.push(MergeStepState {
                agent: step.agent.clone(),
                state: if step.agent.eq_ignore_ascii_case(me) {
                    StepState::This
                } else {
                    StepState::Pending
                },
                reference: None,
                pull: Default::default(),
            });
            continue;
        }
        let m = state(&step.agent);
        judge_predecessor(c, step, me, &m, pr, &mut first_waiting, out);
        progress.push(MergeStepState {
            agent: step.agent.clone(),
            state: if m.merged_into_base.is_some() {
                StepState::Merged
            } else {
                StepState::Waiting
            },
            reference: m.merged_into_base.clone(),
            pull: m.pull,
        });
    }
    progress
}

/// The findings about one predecessor: still to merge (`merge-order`),
/// merged but not in the head (`stale-base`), or merged before an earlier
/// one still waiting (an out-of-order warning).
fn judge_predecessor<'a>(
    c: &Contract,
    step: &'a crate::contract::MergeStep,
    me: &str,
    m: &AgentMerge,
    pr: &PrSnapshot,
    first_waiting: &mut Option<(&'a str, usize)>,
    out: &mut Vec<Finding>,
) {
    let agent = step.agent.as_str();
    let branch = c
        .agent(agent)
        .and_then(|a| a.branch.clone())
        .unwrap_or_default();
    match &m.merged_into_base {
        None => out.push(
            Finding::failure(
                Rule::MergeOrder,
                format!(
                    "waiting on {} ({branch}): it merges before {me} and has not merged into `{}` yet",
                    agent, pr.base
                ),
            )
            .about(agent),
        ),
        Some(r) if !m.in_head => out.push(
            Finding::failure(
                Rule::StaleBase,
                format!(
                    "{} merged ({r}) but this branch does not contain it: rebase onto {}",
                    agent, pr.base
                ),
            )
            .about(agent),
        ),
        Some(_) => {}
    }
    match (&m.merged_into_base, *first_waiting) {
        (None, None) => *first_waiting = Some((agent, step.stage)),
        // A step of the waiting one's own stage may merge in either order.
        (Some(r), Some((earlier, stage))) if stage < step.stage => out.push(
            Finding::failure(
                Rule::MergeOrder,
                format!(
                    "{} merged ({r}) before {earlier}, out of the contract's merge order ({earlier} merges first)",
                    agent
                ),
            )
            .with_level(Level::Warning)
            .about(agent),
        ),
        _ => {}
    }
}
