//! The edit-time decision: may this agent edit this path, or run this
//! command, now? The same rules CI applies, asked before the edit is
//! written, as a pure function the agent-CLI hooks call.

use crate::change::{ChangeStatus, ChangedFile, MergeState, PrSnapshot};
use crate::contract::Contract;
use crate::evaluate::{evaluate, Options};
use crate::permission::Policy;
use crate::verdict::{EditEffect, Level, Rule};

/// What a hook answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Let the tool run, silently.
    Allow,
    /// Ask the user first; the reason says why.
    Ask(String),
    /// Refuse; the reason names the rule, the path and what to do.
    Deny(String),
}

/// The decision for an edit of `path` (relative to the repository root) by
/// the agent whose branch is `branch`. `generated`: the source found the
/// path ignored or `linguist-generated` at the base. A branch no contract
/// names is not agent work: allowed (CI gives its notice).
pub fn decide_edit(
    contracts: &[Contract],
    branch: &str,
    path: &str,
    generated: bool,
    options: &Options,
) -> Decision {
    let mut options = options.clone();
    if generated {
        options.generated.insert(path.to_string());
    }
    let mut file = ChangedFile::new(path, ChangeStatus::Modified);
    // The lines are not written yet: an additions-only file is judged by CI.
    file.removals = crate::change::Removals::Known(Vec::new());
    let pr = PrSnapshot {
        branch: branch.to_string(),
        files: vec![file],
        ..PrSnapshot::default()
    };
    let v = evaluate(contracts, &pr, &MergeState::new(), &options);
    let who = v.agent.clone().unwrap_or_default();
    let failures = || v.findings.iter().filter(|f| f.level == Level::Failure);
    if let Some(f) = failures().find(|f| f.rule.edit_effect() == EditEffect::Deny) {
        let why = f.reason.as_deref().unwrap_or(&f.message);
        return Decision::Deny(format!(
            "contract-gate {}: `{path}` {why} ({who}, {}): stop and report it; do not edit it",
            f.rule,
            v.contract.as_deref().unwrap_or("contract"),
        ));
    }
    if let Some(f) = failures().find(|f| f.rule.edit_effect() == EditEffect::Ask) {
        return Decision::Ask(format!(
            "contract-gate {}: {}; approve only if the planner agreed",
            f.rule, f.message
        ));
    }
    Decision::Allow
}

/// The decision for a shell command run by the agent on `branch`: ask when
/// the policy of its contract (or the built-in policy, for a branch no
/// contract names) says the command needs approval.
pub fn decide_command(contracts: &[Contract], branch: &str, line: &str) -> Decision {
    let contract = contracts
        .iter()
        .find(|c| c.agent_for_branch(branch).is_some());
    let policy = contract.map(Policy::from_contract).unwrap_or_default();
    match policy.command(line) {
        Some(class) => Decision::Ask(format!(
            "contract-gate {}: `{}` is {}, which the permission policy says needs a human's approval",
            Rule::NeedsApproval,
            line.trim(),
            class.describe()
        )),
        None => Decision::Allow,
    }
}

#[cfg(test)]
mod tests;
