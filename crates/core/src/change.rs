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
