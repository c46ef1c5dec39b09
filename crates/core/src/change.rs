//! The pull-request snapshot: everything the evaluator needs to know about a
//! change, whatever source (local git, GitHub API) it was read from.

use std::collections::BTreeMap;

use serde::Serialize;

/// How a file changed between the base and the head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeStatus {
    /// A new file.
    Added,
    /// A changed file.
    Modified,
    /// A removed file.
    Deleted,
    /// Moved from `previous_path` (maybe changed too).
    Renamed,
    /// Copied from `previous_path`.
    Copied,
}

/// Where lines were removed or changed in a file, as seen from the head.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Removals {
    /// The diff was not read (not needed, or not available: a binary or a
    /// too-large file). Rules that need it fail closed.
    #[default]
    Unknown,
    /// Why the diff could not be read, for the finding's message.
    Unavailable(String),
    /// One entry per hunk that removes or changes lines: the line in the head
    /// version where the hunk sits (at least 1).
    Known(Vec<u32>),
}

/// One changed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedFile {
    /// Path in the head (for a deletion: the deleted path).
    pub path: String,
    /// The old name of a renamed or copied file.
    pub previous_path: Option<String>,
    /// How it changed.
    pub status: ChangeStatus,
    /// Where lines were removed or changed (read only when a rule needs it).
    pub removals: Removals,
}

impl ChangedFile {
    /// A change of `path` with unknown removals.
    pub fn new(path: impl Into<String>, status: ChangeStatus) -> Self {
        ChangedFile {
            path: path.into(),
            previous_path: None,
            status,
            removals: Removals::Unknown,
        }
    }
}

/// Whether a contract agent's work has reached the base, and the head.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AgentMerge {
    /// Set when the agent's branch has merged into the PR's base; says how
    /// it is known ("#41", "agents/migrations at 1a2b3c4").
    pub merged_into_base: Option<String>,
    /// The agent's merged work is contained in the head (the head was
    /// rebased onto it, or, for an integration branch, the agent merged into it).
    pub in_head: bool,
    /// Its open pull request, where the source can know (GitHub).
    pub pull: PullState,
}

/// What is known of an agent's open pull request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum PullState {
    /// Not looked up (offline: a local branch has no pull request).
    #[default]
    Unknown,
    /// Looked up: no open pull request.
    None,
    /// Open as `number`, with the gate's own latest check-run on its head.
    Open {
        /// The pull request number.
        number: u64,
        /// How the gate's check-run on its head stands.
        checks: PullChecks,
    },
}

/// How the gate's own check-run on a pull request's head stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PullChecks {
    /// Completed success (or neutral).
    Passing,
    /// Completed with any other conclusion.
    Failing,
    /// Still in progress (waiting on its own predecessors, or CI).
    Running,
    /// No run on that head yet.
    NotRun,
}

/// Merge state per agent name (as written in the contract).
pub type MergeState = BTreeMap<String, AgentMerge>;

/// A pull request (or a local branch judged as one).
#[derive(Debug, Clone, Default)]
pub struct PrSnapshot {
    /// Head branch name.
    pub branch: String,
    /// Base branch name.
    pub base: String,
    /// PR body; `None` when there is none to judge (offline without `--body`).
    pub body: Option<String>,
    /// Every changed file, as the source lists them.
    pub files: Vec<ChangedFile>,
    /// Set when the file list is known to be incomplete (GitHub stops at
    /// 3,000 files): the gate fails closed instead of judging part of it.
    pub files_truncated: Option<String>,
    /// Interface commitments found at the base in the changed files, and
    /// where each stands in the head (empty: none, or not collected).
    pub interface: Vec<crate::interface::ItemScan>,
}
