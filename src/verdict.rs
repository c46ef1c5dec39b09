//! Findings and verdicts: the evaluator's output, rendered by `report`.

use serde::Serialize;

/// Every rule the gate applies, with a stable id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Rule {
    #[serde(rename = "contract-invalid")]
    ContractInvalid,
    #[serde(rename = "unassigned-branch")]
    UnassignedBranch,
    #[serde(rename = "base-branch")]
    BaseBranch,
    #[serde(rename = "contract-edit")]
    ContractEdit,
    #[serde(rename = "cannot-touch")]
    CannotTouch,
    #[serde(rename = "shared-state")]
    SharedState,
    #[serde(rename = "scope")]
    Scope,
    #[serde(rename = "additions-only")]
    AdditionsOnly,
    #[serde(rename = "merge-order")]
    MergeOrder,
    #[serde(rename = "stale-base")]
    StaleBase,
    #[serde(rename = "evidence")]
    Evidence,
    #[serde(rename = "incomplete")]
    Incomplete,
}

impl Rule {
    pub const ALL: [Rule; 12] = [
        Rule::ContractInvalid,
        Rule::UnassignedBranch,
        Rule::BaseBranch,
        Rule::ContractEdit,
        Rule::CannotTouch,
        Rule::SharedState,
        Rule::Scope,
        Rule::AdditionsOnly,
        Rule::MergeOrder,
        Rule::StaleBase,
        Rule::Evidence,
        Rule::Incomplete,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Rule::ContractInvalid => "contract-invalid",
            Rule::UnassignedBranch => "unassigned-branch",
            Rule::BaseBranch => "base-branch",
            Rule::ContractEdit => "contract-edit",
            Rule::CannotTouch => "cannot-touch",
            Rule::SharedState => "shared-state",
            Rule::Scope => "scope",
            Rule::AdditionsOnly => "additions-only",
            Rule::MergeOrder => "merge-order",
            Rule::StaleBase => "stale-base",
            Rule::Evidence => "evidence",
            Rule::Incomplete => "incomplete",
        }
    }

    /// One line of documentation per rule (README table, `--help`).
    pub fn description(self) -> &'static str {
        match self {
            Rule::ContractInvalid => "the contract that governs this branch has an error (see `contract-gate lint`)",
            Rule::UnassignedBranch => "the head branch belongs to no agent of any contract (notice; failure with --unassigned block)",
            Rule::BaseBranch => "the contract names an integration branch and the PR targets another base",
            Rule::ContractEdit => "an agent branch changed a contract file or a workflow that runs the gate",
            Rule::CannotTouch => "a changed path is on the agent's cannot-touch list",
            Rule::SharedState => "a changed shared file is owned by another agent, or nobody edits it",
            Rule::Scope => "a changed path is outside what the agent owns",
            Rule::AdditionsOnly => "a file the agent may only add to had lines removed or changed",
            Rule::MergeOrder => "a predecessor in the merge order has not merged yet",
            Rule::StaleBase => "a predecessor merged, but the head does not contain it: rebase",
            Rule::Evidence => "a required check of the verification matrix is not evidenced in the PR body",
            Rule::Incomplete => "the gate could not see the whole change (e.g. GitHub's 3,000-file limit) and fails closed",
        }
    }

    /// What to do about a finding of this rule.
    pub fn next_step(self) -> &'static str {
        match self {
            Rule::ContractInvalid => "fix the contract on the base branch; run `contract-gate lint`",
            Rule::UnassignedBranch => "add the branch to a contract's Worktrees/Agents section, or ignore if this is not agent work",
            Rule::BaseBranch => "retarget the pull request to the integration branch",
            Rule::ContractEdit => "revert the change; contracts and workflows change in their own PR by a human",
            Rule::CannotTouch => "revert these files; ask the planner if the contract must change",
            Rule::SharedState => "revert and ask the owner to make the edit",
            Rule::Scope => "revert these files, or ask the planner to expand the scope in the contract",
            Rule::AdditionsOnly => "restore the removed lines; only add new ones",
            Rule::MergeOrder => "wait for the predecessors to merge, then rebase",
            Rule::StaleBase => "rebase onto the base branch so the head contains the merged predecessors",
            Rule::Evidence => "run the check and add a checked task-list item (`- [x] …`) naming it to the PR body",
            Rule::Incomplete => "split the pull request so the whole change can be judged",
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Failure,
    Warning,
    Notice,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: Rule,
    pub level: Level,
    pub path: Option<String>,
    pub line: Option<u32>,
    pub message: String,
}

impl Finding {
    pub fn failure(rule: Rule, message: impl Into<String>) -> Self {
        Finding {
            rule,
            level: Level::Failure,
            path: None,
            line: None,
            message: message.into(),
        }
    }

    pub fn at(mut self, path: impl Into<String>, line: Option<u32>) -> Self {
        self.path = Some(path.into());
        self.line = line;
        self
    }

    pub fn with_level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Conclusion {
    Success,
    Neutral,
    Failure,
}

impl Conclusion {
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
    Agent,
    Integrator,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Path of the contract that governs the branch.
    pub contract: Option<String>,
    /// Agent name, or "Integrator" for the integration branch.
    pub agent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    pub branch: String,
    pub base: String,
    pub conclusion: Conclusion,
    pub findings: Vec<Finding>,
    /// Merge-order progress, for reports: (agent, state) in contract order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub merge_progress: Vec<MergeStepState>,
    /// Evidence per required check, for reports.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<EvidenceRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergeStepState {
    pub agent: String,
    /// "merged", "this", "waiting", "pending".
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceRow {
    pub check: String,
    pub found: bool,
}

impl Verdict {
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
impl Verdict {
    /// agent-1 of `CONTRACT.md` on `agents/uploads` → `main`, for reporter tests.
    pub(crate) fn sample(conclusion: Conclusion, findings: Vec<Finding>) -> Verdict {
        Verdict {
            contract: Some("CONTRACT.md".into()),
            agent: Some("agent-1".into()),
            role: Some(Role::Agent),
            branch: "agents/uploads".into(),
            base: "main".into(),
            conclusion,
            findings,
            merge_progress: Vec::new(),
            evidence: Vec::new(),
        }
    }

    /// agent-1 waiting on agent-2, for reporter tests.
    pub(crate) fn waiting_on_agent_2(mut self) -> Verdict {
        self.merge_progress = vec![
            MergeStepState {
                agent: "agent-2".into(),
                state: "waiting",
                reference: None,
            },
            MergeStepState {
                agent: "agent-1".into(),
                state: "this",
                reference: None,
            },
        ];
        self
    }
}
