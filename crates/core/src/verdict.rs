//! Findings and verdicts: the evaluator's output, rendered by `report`.

use serde::Serialize;

/// Every rule the gate applies, with a stable id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Rule {
    /// The contract that governs the branch has an error.
    #[serde(rename = "contract-invalid")]
    ContractInvalid,
    /// The head branch belongs to no agent of any contract.
    #[serde(rename = "unassigned-branch")]
    UnassignedBranch,
    /// An agent PR targets another base than the contract's integration branch.
    #[serde(rename = "base-branch")]
    BaseBranch,
    /// An agent branch changed a contract or a workflow that runs the gate.
    #[serde(rename = "contract-edit")]
    ContractEdit,
    /// A changed path is on the agent's cannot-touch list.
    #[serde(rename = "cannot-touch")]
    CannotTouch,
    /// A shared file owned by another agent, or by nobody, changed.
    #[serde(rename = "shared-state")]
    SharedState,
    /// A changed path is outside what the agent owns.
    #[serde(rename = "scope")]
    Scope,
    /// An additions-only file had lines removed or changed.
    #[serde(rename = "additions-only")]
    AdditionsOnly,
    /// A predecessor in the merge order has not merged yet.
    #[serde(rename = "merge-order")]
    MergeOrder,
    /// A predecessor merged, but the head does not contain it.
    #[serde(rename = "stale-base")]
    StaleBase,
    /// A required check of the verification matrix is not evidenced.
    #[serde(rename = "evidence")]
    Evidence,
    /// The gate could not see the whole change (it fails closed).
    #[serde(rename = "incomplete")]
    Incomplete,
    /// A path or command the permission policy says needs a human's approval.
    #[serde(rename = "needs-approval")]
    NeedsApproval,
    /// A worktree not at the contract's path or not on its agent's branch (a warning).
    #[serde(rename = "worktree")]
    Worktree,
    /// A committed interface name or snippet is gone (or its line changed).
    #[serde(rename = "interface")]
    Interface,
    /// A trial merge of two agents' branches has a textual conflict.
    #[serde(rename = "conflict")]
    Conflict,
    /// Two branches add the same path, or same-numbered files in one directory.
    #[serde(rename = "collision")]
    Collision,
    /// A name one branch removed is still referenced in the rehearsed tree.
    #[serde(rename = "dangling-reference")]
    DanglingReference,
    /// A required check's CI run has not finished: the verdict stays pending.
    #[serde(rename = "ci-pending")]
    CiPending,
}

impl Rule {
    /// Every rule, in the order reports list them.
    pub const ALL: [Rule; 19] = [
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
        Rule::NeedsApproval,
        Rule::Worktree,
        Rule::Interface,
        Rule::Conflict,
        Rule::Collision,
        Rule::DanglingReference,
        Rule::CiPending,
    ];

    /// The stable id (`scope`, `merge-order`, …) used in every output.
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
            Rule::NeedsApproval => "needs-approval",
            Rule::Worktree => "worktree",
            Rule::Interface => "interface",
            Rule::Conflict => "conflict",
            Rule::Collision => "collision",
            Rule::DanglingReference => "dangling-reference",
            Rule::CiPending => "ci-pending",
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
            Rule::NeedsApproval => "a changed path is in a permission class that needs approval (lockfile, generated, secret, deploy)",
            Rule::Worktree => "the worktree is not at the contract's path or not on its agent's branch (a warning of `check --worktree`)",
            Rule::Interface => "a name or snippet of the Interface boundary that was at the base is gone (a changed line that keeps it warns)",
            Rule::Conflict => "rehearsing the merge order, two agents' branches conflict textually",
            Rule::Collision => "two branches add the same path, or files in one directory with the same leading number or timestamp",
            Rule::DanglingReference => "a name one branch removed or renamed away is still referenced in the rehearsed tree",
            Rule::CiPending => "the CI check that proves a required row has not finished (or not started): the check-run stays in progress",
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
            Rule::NeedsApproval => "ask a human to approve the change, or revert it",
            Rule::Worktree => "work in the assigned worktree, on the assigned branch (`contract-gate setup` creates them)",
            Rule::Interface => "restore the committed name; changing the boundary needs a sync step: a human edits the contract first",
            Rule::Conflict => "rebase the later branch onto the earlier one once it merges, or agree the shared lines now",
            Rule::Collision => "rename one of the files (a fresh timestamp or number) before both merge",
            Rule::DanglingReference => "keep the old name (or an alias) until every caller moved, or update the callers in the same merge",
            Rule::CiPending => "nothing: the gate is re-judged when CI completes",
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

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
        }
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
        failures.peek().is_some()
            && failures.all(|f| matches!(f.rule, Rule::MergeOrder | Rule::CiPending))
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
