//! Findings and verdicts: the evaluator's output, rendered by `report`.

use serde::Serialize;

mod rules;

pub use rules::{EditEffect, PushEffect, Rule, SarifLevel};

/// How much a finding weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Fails the check.
    Failure,
    /// Shown, never fails.
    Warning,
    /// Information only.
    Notice,
}

impl Level {
    /// The lowercase name (`failure`, `warning`, `notice`), as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Failure => "failure",
            Level::Warning => "warning",
            Level::Notice => "notice",
        }
    }
}

/// One thing the gate found, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule that found it.
    pub rule: Rule,
    /// How much it weighs.
    pub level: Level,
    /// The repository path it is about, if any.
    pub path: Option<String>,
    /// The line in that path (the head version), if known.
    pub line: Option<u32>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The other agent the finding is about: the predecessor a branch waits
    /// for, or the owner of a path it may not change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// How the path changed, for a finding about a changed path: what code
    /// reads instead of the message's English.
    #[serde(skip)]
    pub change: Option<crate::change::ChangeStatus>,
    /// Why the change breaks the rule, without how the path changed
    /// ("outside what agent-1 owns"): the message is `change; reason`.
    #[serde(skip)]
    pub reason: Option<String>,
}

impl Finding {
    /// A failure of `rule` with `message`, at no path yet.
    pub fn failure(rule: Rule, message: impl Into<String>) -> Self {
        Finding {
            rule,
            level: Level::Failure,
            path: None,
            line: None,
            message: message.into(),
            agent: None,
            change: None,
            reason: None,
        }
    }

    /// A finding of `rule` at the rule's default level.
    pub fn of(rule: Rule, message: impl Into<String>) -> Self {
        Finding::failure(rule, message).with_level(rule.default_level())
    }

    /// Records how the path changed and why that breaks the rule.
    pub fn because(
        mut self,
        change: crate::change::ChangeStatus,
        reason: impl Into<String>,
    ) -> Self {
        self.change = Some(change);
        self.reason = Some(reason.into());
        self
    }

    /// Names the other agent the finding is about.
    pub fn about(mut self, agent: impl Into<String>) -> Self {
        self.agent = Some(agent.into());
        self
    }

    /// Places the finding at a path and line.
    pub fn at(mut self, path: impl Into<String>, line: Option<u32>) -> Self {
        self.path = Some(path.into());
        self.line = line;
        self
    }

    /// Changes the level.
    pub fn with_level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }
}

/// The check-run conclusion a verdict comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Conclusion {
    /// The branch keeps its contract.
    Success,
    /// Nothing to judge (no contract names the branch).
    Neutral,
    /// The contract forbids this change.
    Failure,
}

impl Conclusion {
    /// The lowercase name (`success`, `neutral`, `failure`), as in JSON and
    /// as GitHub names a check-run's conclusion.
    pub fn as_str(self) -> &'static str {
        match self {
            Conclusion::Success => "success",
            Conclusion::Neutral => "neutral",
            Conclusion::Failure => "failure",
        }
    }

    /// Process exit code: 0 success or neutral, 1 failure.
    pub fn exit_code(self) -> i32 {
        match self {
            Conclusion::Success | Conclusion::Neutral => 0,
            Conclusion::Failure => 1,
        }
    }
}

/// The role the head branch plays in its contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// An agent of the contract.
    Agent,
    /// The owner of the contract's integration branch.
    Integrator,
}

/// The gate's judgement of one branch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Path of the contract that governs the branch.
    pub contract: Option<String>,
    /// Agent name, or "Integrator" for the integration branch.
    pub agent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The role the branch plays, when a contract names it.
    pub role: Option<Role>,
    /// The head branch.
    pub branch: String,
    /// The base branch.
    pub base: String,
    /// Success, neutral or failure.
    pub conclusion: Conclusion,
    /// Everything found, sorted by level and rule.
    pub findings: Vec<Finding>,
    /// Merge-order progress, for reports: (agent, state) in contract order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub merge_progress: Vec<MergeStepState>,
    /// Evidence per required check, for reports.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<EvidenceRow>,
}

/// Where one agent of the merge order stands, seen from the judged branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StepState {
    /// Merged into the base (or, for the integrator, into the head).
    Merged,
    /// The judged branch itself.
    This,
    /// A predecessor that has not merged yet: the judged branch waits for it.
    Waiting,
    /// A successor: it merges after the judged branch.
    Pending,
}

impl StepState {
    /// The stable lowercase name (`merged`, `this`, `waiting`, `pending`).
    pub fn as_str(self) -> &'static str {
        match self {
            StepState::Merged => "merged",
            StepState::This => "this",
            StepState::Waiting => "waiting",
            StepState::Pending => "pending",
        }
    }
}

/// One step of the merge order in a verdict, for reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergeStepState {
    /// The agent at this step.
    pub agent: String,
    /// Where it stands.
    pub state: StepState,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// How the merge is known (`#41`, `agents/x at 1a2b3c4`).
    pub reference: Option<String>,
    /// A waiting predecessor's open pull request, where known (GitHub).
    #[serde(skip_serializing_if = "is_unknown")]
    pub pull: crate::change::PullState,
}

fn is_unknown(p: &crate::change::PullState) -> bool {
    *p == crate::change::PullState::Unknown
}

/// One required check of the verification matrix and whether it was evidenced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceRow {
    /// The check, as the matrix writes it.
    pub check: String,
    /// Whether the PR body evidences it.
    pub found: bool,
    /// What decided the row when it is not the PR body alone: "✓ CI" with
    /// a link, "self-reported", "CI not consulted offline", "waiting for CI".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

impl Verdict {
    /// The predecessors this branch waits for, in merge order: the waiting
    /// steps of the merge progress, then any other agent named by a
    /// `merge-order` failure (its `agent` field, never its English message).
    pub fn waiting_on(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .merge_progress
            .iter()
            .filter(|s| s.state == StepState::Waiting)
            .map(|s| s.agent.clone())
            .collect();
        for f in &self.findings {
            if f.rule == Rule::MergeOrder && f.level == Level::Failure {
                if let Some(a) = &f.agent {
                    if !names.contains(a) {
                        names.push(a.clone());
                    }
                }
            }
        }
        names
    }

    /// True when the only failures are `merge-order`: the branch is fine
    /// and waits for its predecessors (a pending check, not a red one).
    /// A `ci-pending` failure waits the same way: for CI to finish.
    pub fn waiting_only(&self) -> bool {
        let mut failures = self
            .findings
            .iter()
            .filter(|f| f.level == Level::Failure)
            .peekable();
        failures.peek().is_some() && failures.all(|f| f.rule.waits())
    }

    /// The conclusion for a set of findings.
    pub fn conclude(findings: &[Finding], unassigned: bool) -> Conclusion {
        if findings.iter().any(|f| f.level == Level::Failure) {
            Conclusion::Failure
        } else if unassigned {
            Conclusion::Neutral
        } else {
            Conclusion::Success
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table's facts, spelled out once more on purpose: a row that
    /// changes one of them by accident fails here.
    #[test]
    fn the_rule_table_says_what_each_rule_does() {
        let deny: Vec<_> = Rule::ALL
            .iter()
            .filter(|r| r.edit_effect() == EditEffect::Deny)
            .map(|r| r.id())
            .collect();
        assert_eq!(
            deny,
            [
                "contract-invalid",
                "contract-edit",
                "cannot-touch",
                "shared-state",
                "scope"
            ]
        );
        let ask: Vec<_> = Rule::ALL
            .iter()
            .filter(|r| r.edit_effect() == EditEffect::Ask)
            .map(|r| r.id())
            .collect();
        assert_eq!(ask, ["needs-approval"]);
        let waits: Vec<_> = Rule::ALL
            .iter()
            .filter(|r| r.waits())
            .map(|r| r.id())
            .collect();
        assert_eq!(waits, ["merge-order", "ci-pending"]);
        let holds: Vec<_> = Rule::ALL
            .iter()
            .filter(|r| r.push_effect() == PushEffect::Holds)
            .map(|r| r.id())
            .collect();
        assert_eq!(holds, ["merge-order", "stale-base"]);
        assert_eq!(Rule::UnassignedBranch.default_level(), Level::Notice);
        assert_eq!(Rule::Worktree.default_level(), Level::Warning);
        assert_eq!(Rule::UnassignedBranch.sarif_level(), SarifLevel::Note);
        assert_eq!(Rule::Scope.sarif_level(), SarifLevel::Error);
    }

    #[test]
    fn ids_are_unique_kebab_case_and_match_serde() {
        let mut seen = std::collections::BTreeSet::new();
        for r in Rule::ALL {
            let id = r.id();
            assert!(seen.insert(id), "{id} twice");
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{id}"
            );
            assert_eq!(serde_json::to_value(r).unwrap(), serde_json::json!(id));
            assert_eq!(r.to_string(), id);
            assert!(
                !r.description().is_empty() && !r.next_step().is_empty(),
                "{id}"
            );
        }
        assert_eq!(Rule::ALL.len(), 19);
    }

    #[test]
    fn waiting_only_reads_the_table() {
        let v = |rules: &[Rule]| Verdict {
            contract: None,
            agent: None,
            role: None,
            branch: "b".into(),
            base: "main".into(),
            conclusion: Conclusion::Failure,
            findings: rules.iter().map(|r| Finding::failure(*r, "m")).collect(),
            merge_progress: vec![],
            evidence: vec![],
        };
        assert!(v(&[Rule::MergeOrder, Rule::CiPending]).waiting_only());
        assert!(!v(&[Rule::MergeOrder, Rule::StaleBase]).waiting_only());
        assert!(!v(&[]).waiting_only());
    }

    #[test]
    fn of_uses_the_default_level() {
        assert_eq!(Finding::of(Rule::Worktree, "m").level, Level::Warning);
        assert_eq!(Finding::of(Rule::Scope, "m").level, Level::Failure);
    }
}
