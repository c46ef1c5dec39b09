//! Stable codes for contract diagnostics: tests, scripts and the README refer
//! to a diagnostic by its code, never by its message text.

use serde::Serialize;

macro_rules! codes {
    ($( $variant:ident = $num:literal, $id:literal, $desc:literal; )*) => {
        /// The stable code of a contract diagnostic (`CG001`…), with a kebab id.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( #[doc = $desc] $variant, )*
        }

        impl Code {
            /// Every code, in number order (the README table lists them all).
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The numbered code, e.g. `CG004`.
            pub fn code(self) -> &'static str {
                match self { $(Code::$variant => $num,)* }
            }

            /// The kebab id, e.g. `duplicate-branch`.
            pub fn id(self) -> &'static str {
                match self { $(Code::$variant => $id,)* }
            }

            /// One line saying what the code means.
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $desc,)* }
            }
        }
    };
}

codes! {
    NoAgentsSection = "CG001", "no-agents-section", "the contract has no Worktrees/Agents section: no branch is assigned";
    AgentWithoutBranch = "CG002", "agent-without-branch", "an agent names no branch";
    AgentTwoBranches = "CG003", "agent-two-branches", "one agent is given two different branches";
    DuplicateBranch = "CG004", "duplicate-branch", "two agents of one contract claim the same branch";
    BranchInTwoContracts = "CG005", "branch-in-two-contracts", "two contracts claim the same branch";
    IntegrationBranchReused = "CG006", "integration-branch-reused", "an agent uses the integration branch as its own";
    UnknownAgent = "CG007", "unknown-agent", "a section names an agent the Worktrees/Agents section does not define";
    UnreadableLine = "CG008", "unreadable-line", "a line names an agent or a path but could not be read (fails closed)";
    InvalidPattern = "CG009", "invalid-pattern", "a path pattern is not a valid glob";
    ScopeOverlap = "CG010", "scope-overlap", "two agents own patterns that can match the same file";
    AgentWithoutScope = "CG011", "agent-without-scope", "the contract has a Scope section but an agent owns nothing";
    MergeOrderDuplicate = "CG012", "merge-order-duplicate", "the merge order names an agent twice";
    MergeOrderIncomplete = "CG013", "merge-order-incomplete", "the merge order omits an agent the contract defines";
    SharedStateNoOwner = "CG014", "shared-state-no-owner", "a shared-state policy names neither an agent owner nor `nobody`";
    ProseNote = "CG015", "prose-note", "an owns/cannot-touch entry is prose: kept as a note, not enforced";
    EmptySection = "CG016", "empty-section", "a known section has no content";
    MisplacedSection = "CG017", "misplaced-section", "an unknown section names agents with paths or arrows: probably a known one";
    MatrixUnknownColumn = "CG018", "matrix-unknown-column", "a verification-matrix column names no agent";
    MatrixUnclearCell = "CG019", "matrix-unclear-cell", "a verification-matrix cell is neither Required nor Not required";
    UnmatchedPattern = "CG020", "unmatched-pattern", "a pattern matches no file of the base tree";
    NoIntegrationBranch = "CG021", "no-integration-branch", "the integration-branch section names no branch";
    AgentsTableNoAgent = "CG022", "agents-table-no-agent", "an agents table has no Agent column";
    InterfaceNoAgent = "CG023", "interface-no-agent", "an interface item names no agent";
    SharedNotPath = "CG024", "shared-not-path", "a shared-state entry does not look like a path (read as one)";
    NotATextFile = "CG025", "not-a-text-file", "the contract file is a symlink, a submodule or not UTF-8 text: refused, never followed";
    TooLarge = "CG026", "too-large", "the contract is past a documented limit (8 MiB, 20,000 agents or 50,000 patterns): refused, never read slowly";
    NoApprovers = "CG027", "no-approvers", "the Approvers section names no `@user` or `@org/team`: anyone's approval would count, so it is an error";
    UnknownQualifier = "CG028", "unknown-qualifier", "a parenthetical or word after a path is not one the gate reads (`additions only`, `append only`, `read-only`, `except P`): refused, never dropped";
    FrontMatterRules = "CG029", "front-matter-rules", "the front matter holds contract keys (agents, scope, merge order, ...): the gate reads sections, so it is refused rather than ignored";
    DuplicateSection = "CG030", "duplicate-section", "two sections of one kind: the gate never adds a second one to the first";
    IgnoredSection = "CG031", "ignored-section", "a section whose heading marks it superseded (or obsolete, deprecated, archived, old) is not read";
    MixedItem = "CG032", "mixed-item", "a list entry mixes a path with prose: neither is read, so the line is refused";
    MergeOrderCycle = "CG033", "merge-order-cycle", "the merge-order lines contradict each other (A before B and B before A)";
    NotEnforced = "CG034", "not-enforced", "a row is kept and shown, but nothing enforces it (such as the permission policy's Network row)";
    ExceptionOutside = "CG035", "exception-outside", "an exception (`except P` or `!P`) matches nothing its pattern can match";
    InvalidBranch = "CG036", "invalid-branch", "an agent's branch is no name git allows (a space, `~^:?*[\\`, `..`): no pull request would ever match it";
    InvisibleCharacter = "CG037", "invisible-character", "the contract holds a control, zero-width or bidirectional character: invisible when rendered, so it is refused";
    MatrixCiUnreadable = "CG040", "matrix-ci-unreadable", "a verification-matrix row's CI check or source (`(ci: …)`, a `CI check` or `Source` cell) holds a word the gate does not know, or two that disagree";
    MatrixItemRoles = "CG041", "matrix-item-roles", "a verification-matrix list item's parenthetical is not a list of roles (`every agent`, `integrator`, `everyone`, agent names)";
    MatrixNothingRequired = "CG042", "matrix-nothing-required", "a verification matrix written as a list or prose requires nothing of anyone";
    MatrixColumnUnclear = "CG043", "matrix-column-unclear", "a verification-matrix column names an agent only in its note, or names one another column already names";
    MatrixTwice = "CG044", "matrix-twice", "the Verification matrix section holds a second matrix (under a sub-heading): one matrix per contract";
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code(), self.id())
    }
}
