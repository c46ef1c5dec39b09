//! The `needs-approval` rule: a changed path in a permission class the
//! contract's policy says needs a human's approval (lockfiles, generated
//! files, environment and secret files, CI and deploy surfaces). Offline it
//! is a failure; an approving review is what lifts it on GitHub.

use crate::change::{ChangeStatus, ChangedFile};
use crate::contract::Contract;
use crate::permission::{FileClassifier, Policy};
use crate::verdict::{Finding, Level, Rule};

use super::Options;

/// The classifier for `agent`'s branch; `None` for the integrator, whose
/// work was approved on the agents' pull requests (judging it again would
/// block every integration).
pub(super) fn classifier(c: &Contract, agent: Option<usize>) -> Option<FileClassifier> {
    agent.map(|_| Policy::from_contract(c).classifier())
}

/// The rule on one changed file (both its names, for a rename).
pub(super) fn file(
    classifier: &FileClassifier,
    f: &ChangedFile,
    options: &Options,
    out: &mut Vec<Finding>,
) {
    let old = f
        .previous_path
        .as_deref()
        .filter(|_| f.status != ChangeStatus::Copied);
    for name in std::iter::once(f.path.as_str()).chain(old) {
        let generated = options.generated.contains(name);
        if let Some(class) = classifier.classify(name, generated) {
            out.push(finding(name, &class.describe(), &options.approved_by));
        }
    }
}

/// A failure, or a notice once someone approved the current head.
fn finding(name: &str, class: &str, approved_by: &[String]) -> Finding {
    if approved_by.is_empty() {
        return Finding::failure(
            Rule::NeedsApproval,
            format!(
                "{name} needs a human's approval: it is {class} (the contract's permission policy)"
            ),
        )
        .at(name, None);
    }
    let who: Vec<String> = approved_by.iter().map(|l| format!("@{l}")).collect();
    Finding::failure(
        Rule::NeedsApproval,
        format!(
            "{name} is {class}: approved by {} on the current head",
            who.join(", ")
        ),
    )
    .with_level(Level::Notice)
    .at(name, None)
}
