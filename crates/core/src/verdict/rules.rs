//! The rule table: every rule declared once, with every fact other code
//! needs about it.

use serde::Serialize;

use super::Level;

/// Declares every rule once: its variant and stable id, then every fact
/// other code needs about it. `Rule::ALL`, `id()`, serde, `description()`,
/// `next_step()` and the policy accessors all derive from this one table, so
/// a new rule is one row here (plus its check and its tests), and a missing
/// fact fails to compile.
macro_rules! rules {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $id:literal {
            level: $level:ident, sarif: $sarif:ident, edit: $edit:ident,
            waits: $waits:literal, push: $push:ident,
            description: $description:literal,
            next_step: $next:literal $(,)?
        }
    )*) => {
        /// Every rule the gate applies, with a stable id.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub enum Rule {
            $( $(#[$doc])* #[serde(rename = $id)] $variant, )*
        }

        impl Rule {
            /// Every rule, in the order reports list them.
            pub const ALL: [Rule; [$($id),*].len()] = [$(Rule::$variant),*];

            fn row(self) -> &'static RuleRow {
                match self {
                    $(Rule::$variant => &RuleRow {
                        id: $id,
                        level: Level::$level,
                        sarif: SarifLevel::$sarif,
                        edit: EditEffect::$edit,
                        waits: $waits,
                        push: PushEffect::$push,
                        description: $description,
                        next_step: $next,
                    },)*
                }
            }
        }
    };
}

/// One row of the rule table.
struct RuleRow {
    id: &'static str,
    level: Level,
    sarif: SarifLevel,
    edit: EditEffect,
    waits: bool,
    push: PushEffect,
    description: &'static str,
    next_step: &'static str,
}

/// A rule's default level in a SARIF log (`reportingDescriptor.defaultConfiguration.level`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SarifLevel {
    /// `error`.
    Error,
    /// `warning`.
    Warning,
    /// `note`.
    Note,
}

impl SarifLevel {
    /// The SARIF spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SarifLevel::Error => "error",
            SarifLevel::Warning => "warning",
            SarifLevel::Note => "note",
        }
    }
}

/// What a failure of a rule does to an edit an agent is about to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditEffect {
    /// The edit is refused.
    Deny,
    /// A human is asked first.
    Ask,
    /// Nothing at edit time: the rule is judged once the change exists (CI, pre-push).
    Later,
}

/// What a failure of a rule does to a `git push` (the pre-push hook).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushEffect {
    /// The push is refused.
    Blocks,
    /// The push goes ahead (a notice): CI holds the check pending, which is
    /// no reason to keep the work local.
    Holds,
}

rules! {
    /// The contract that governs the branch has an error.
    ContractInvalid = "contract-invalid" {
        level: Failure, sarif: Error, edit: Deny,
        waits: false, push: Blocks,
        description: "the contract that governs this branch has an error (see `contract-gate lint`)",
        next_step: "fix the contract on the base branch; run `contract-gate lint`",
    }
    /// The head branch belongs to no agent of any contract.
    UnassignedBranch = "unassigned-branch" {
        level: Notice, sarif: Note, edit: Later,
        waits: false, push: Blocks,
        description: "the head branch belongs to no agent of any contract (notice; failure with --unassigned block)",
        next_step: "add the branch to a contract's Worktrees/Agents section, or ignore if this is not agent work",
    }
    /// An agent PR targets another base than the contract's integration branch.
    BaseBranch = "base-branch" {
        level: Failure, sarif: Error, edit: Later,
        waits: false, push: Blocks,
        description: "the contract names an integration branch and the PR targets another base",
        next_step: "retarget the pull request to the integration branch",
    }
    /// An agent branch changed a contract or a workflow that runs the gate.
    ContractEdit = "contract-edit" {
        level: Failure, sarif: Error, edit: Deny,
        waits: false, push: Blocks,
        description: "an agent branch changed a contract file or a workflow that runs the gate",
        next_step: "revert the change; contracts and workflows change in their own PR by a human",
    }
    /// A changed path is on the agent's cannot-touch list.
    CannotTouch = "cannot-touch" {
        level: Failure, sarif: Error, edit: Deny,
        waits: false, push: Blocks,
        description: "a changed path is on the agent's cannot-touch list",
        next_step: "revert these files; ask the planner if the contract must change",
    }
    /// A shared file owned by another agent, or by nobody, changed.
    SharedState = "shared-state" {
        level: Failure, sarif: Error, edit: Deny,
        waits: false, push: Blocks,
        description: "a changed shared file is owned by another agent, or nobody edits it",
        next_step: "revert and ask the owner to make the edit",
    }
    /// A changed path is outside what the agent owns.
    Scope = "scope" {
        level: Failure, sarif: Error, edit: Deny,
        waits: false, push: Blocks,
        description: "a changed path is outside what the agent owns",
        next_step: "revert these files, or ask the planner to expand the scope in the contract",
    }
    /// An additions-only file had lines removed or changed.
    AdditionsOnly = "additions-only" {
        level: Failure, sarif: Error, edit: Later,
        waits: false, push: Blocks,
        description: "a file the agent may only add to had lines removed or changed",
        next_step: "restore the removed lines; only add new ones",
    }
    /// A predecessor in the merge order has not merged yet.
    MergeOrder = "merge-order" {
        level: Failure, sarif: Error, edit: Later,
        waits: true, push: Holds,
        description: "a predecessor in the merge order has not merged yet",
        next_step: "wait for the predecessors to merge, then rebase",
    }
    /// A predecessor merged, but the head does not contain it.
    StaleBase = "stale-base" {
        level: Failure, sarif: Error, edit: Later,
        waits: false, push: Holds,
        description: "a predecessor merged, but the head does not contain it: rebase",
        next_step: "rebase onto the base branch so the head contains the merged predecessors",
    }
    /// A required check of the verification matrix is not evidenced.
    Evidence = "evidence" {
        level: Failure, sarif: Error, edit: Later,
        waits: false, push: Blocks,
        description: "a required check of the verification matrix is not evidenced in the PR body",
        next_step: "run the check and add a checked task-list item (`- [x] …`) naming it to the PR body",
    }
    /// The gate could not see the whole change (it fails closed).
    Incomplete = "incomplete" {
        level: Failure, sarif: Error, edit: Later,
        waits: false, push: Blocks,
        description: "the gate could not see the whole change (e.g. GitHub's 3,000-file limit) and fails closed",
        next_step: "split the pull request so the whole change can be judged",
    }
    /// A path or command the permission policy says needs a human's approval.
    NeedsApproval = "needs-approval" {
        level: Failure, sarif: Error, edit: Ask,
        waits: false, push: Blocks,
        description: "a changed path is in a permission class that needs approval (lockfile, generated, secret, deploy)",
        next_step: "ask a human to approve the change, or revert it",
    }
    /// A worktree not at the contract's path or not on its agent's branch (a warning).
    Worktree = "worktree" {
        level: Warning, sarif: Error, edit: Later,
        waits: false, push: Blocks,
        description: "the worktree is not at the contract's path or not on its agent's branch (a warning of `check --worktree`)",
        next_step: "work in the assigned worktree, on the assigned branch (`contract-gate setup` creates them)",
    }
    /// A committed interface name or snippet is gone (or its line changed).
    Interface = "interface" {
        level: Failure, sarif: Error, edit: Later,
        waits: false, push: Blocks,
        description: "a name or snippet of the Interface boundary that was at the base is gone (a changed line that keeps it warns)",
        next_step: "restore the committed name; changing the boundary needs a sync step: a human edits the contract first",
    }
    /// A trial merge of two agents' branches has a textual conflict.
    Conflict = "conflict" {
        level: Failure, sarif: Error, edit: Later,
        waits: false, push: Blocks,
        description: "rehearsing the merge order, two agents' branches conflict textually",
        next_step: "rebase the later branch onto the earlier one once it merges, or agree the shared lines now",
    }
    /// Two branches add the same path, or same-numbered files in one directory.
    Collision = "collision" {
        level: Failure, sarif: Error, edit: Later,
        waits: false, push: Blocks,
        description: "two branches add the same path, or files in one directory with the same leading number or timestamp",
        next_step: "rename one of the files (a fresh timestamp or number) before both merge",
    }
    /// A name one branch removed is still referenced in the rehearsed tree.
    DanglingReference = "dangling-reference" {
        level: Failure, sarif: Error, edit: Later,
        waits: false, push: Blocks,
        description: "a name one branch removed or renamed away is still referenced in the rehearsed tree",
        next_step: "keep the old name (or an alias) until every caller moved, or update the callers in the same merge",
    }
    /// A required check's CI run has not finished: the verdict stays pending.
    CiPending = "ci-pending" {
        level: Failure, sarif: Error, edit: Later,
        waits: true, push: Blocks,
        description: "the CI check that proves a required row has not finished (or not started): the check-run stays in progress",
        next_step: "nothing: the gate is re-judged when CI completes",
    }
}

impl Rule {
    /// The stable id (`scope`, `merge-order`, …) used in every output.
    pub fn id(self) -> &'static str {
        self.row().id
    }

    /// One line of documentation per rule (README table, `--help`).
    pub fn description(self) -> &'static str {
        self.row().description
    }

    /// What to do about a finding of this rule.
    pub fn next_step(self) -> &'static str {
        self.row().next_step
    }

    /// The level a finding of this rule has unless its check says otherwise.
    pub fn default_level(self) -> Level {
        self.row().level
    }

    /// The rule's default level in a SARIF log.
    pub fn sarif_level(self) -> SarifLevel {
        self.row().sarif
    }

    /// What a failure of this rule does to an edit, at edit time.
    pub fn edit_effect(self) -> EditEffect {
        self.row().edit
    }

    /// True when a failure of this rule only waits (for predecessors, for
    /// CI): the check-run stays pending, not red.
    pub fn waits(self) -> bool {
        self.row().waits
    }

    /// What a failure of this rule does to a push.
    pub fn push_effect(self) -> PushEffect {
        self.row().push
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}
