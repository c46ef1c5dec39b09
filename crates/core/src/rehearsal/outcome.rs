//! A finished rehearsal as plain data: what the trial merges found and,
//! with `rehearse --run`, what the verification matrix's commands did on
//! each step's tree. A source fills it in (git, processes); the renderers
//! only read it. Serialised, it is `rehearse --format json`'s shape (the
//! README's "The seam"), so the field names are fixed.

use serde::Serialize;

use super::Step;
use crate::verdict::Finding;

/// A finished rehearsal of one contract.
#[derive(Debug, Clone, Serialize)]
pub struct Rehearsed {
    /// The contract's path.
    pub contract: String,
    /// The base as given.
    pub base: String,
    /// The base commit.
    pub base_commit: String,
    /// The base's tree.
    pub base_tree: String,
    /// One entry per agent of the merge order.
    pub steps: Vec<Step>,
    /// Cross-branch findings.
    pub findings: Vec<Finding>,
    /// The tree with every clean step merged.
    pub final_tree: String,
}

/// One command on one tree.
#[derive(Debug, Clone, Serialize)]
pub struct CommandResult {
    /// The command line (run with `sh -c`).
    pub command: String,
    /// Exit 0 within the timeout.
    pub ok: bool,
    /// Killed after the timeout.
    pub timed_out: bool,
    /// The exit code, when it exited.
    pub exit_code: Option<i32>,
    /// The last lines of its output (stdout and stderr).
    pub output_tail: String,
}

/// The commands on one tree: the base, or the tree after an agent's step.
#[derive(Debug, Clone, Serialize)]
pub struct StageRun {
    /// `null` for the base; else the agent merged at this stage.
    pub agent: Option<String>,
    /// The tree the commands ran on.
    pub tree: String,
    /// One result per command.
    pub results: Vec<CommandResult>,
}

/// Every stage's runs, and where a command first failed.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    /// The commands, in matrix order.
    pub commands: Vec<String>,
    /// Base first, then one stage per merged step.
    pub stages: Vec<StageRun>,
    /// "`cmd` fails after merging agent-1 onto agent-2; passed before".
    pub first_failure: Option<String>,
    /// Whether every command passed on the fully integrated tree.
    pub final_ok: bool,
}

/// One contract's rehearsal, with its runs when `--run` was given.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// What the trial merges found.
    #[serde(flatten)]
    pub rehearsed: Rehearsed,
    /// The command runs (`--run` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<RunReport>,
}

impl Outcome {
    /// Findings, or a command that failed on some step.
    pub fn has_findings(&self) -> bool {
        !self.rehearsed.findings.is_empty()
            || self.run.as_ref().is_some_and(|r| r.first_failure.is_some())
    }
}
