//! The context contract: its model, the markdown reader and validation.

mod accounting;
mod agents;
mod blocks;
mod canonical;
mod code;
mod document;
mod entries;
mod heading;
mod items;
mod lookalike;
mod matrix;
mod order;
mod others;
mod overlap;
mod parse;
mod reader;
mod scope;
mod shared;
mod validate;

use std::ops::Range;

use serde::Serialize;

use crate::pattern::Pattern;

pub use accounting::unaccounted;
pub use canonical::{canonical, model_of};
pub use code::Code;
pub use items::{looks_like_path, plain_text};
pub use lookalike::{lookalike_branch, LookAlike};
pub use parse::{parse, MAX_AGENTS, MAX_CONTRACT_BYTES, MAX_PATTERNS};
pub use validate::{unmatched_pattern_warnings, validate_set};

/// Name of the verification-matrix column for the integration-branch owner.
pub const INTEGRATOR: &str = "Integrator";

/// How serious a contract diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The contract is invalid: every PR it governs fails `contract-invalid`.
    Error,
    /// Shown by `lint`; the contract still applies.
    Warning,
}

/// A problem found while reading a contract, with a byte span into its markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The stable code (see [`Code`]); tests assert on it, not on the message.
    pub code: Code,
    /// What is wrong, for a person.
    pub message: String,
    /// Byte range in the contract's source.
    pub span: Range<usize>,
    /// How to fix it, when there is a clear fix.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error with its code.
    pub fn error(code: Code, span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            span,
            help: None,
        }
    }
    /// A warning with its code.
    pub fn warning(code: Code, span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            code,
            message: message.into(),
            span,
            help: None,
        }
    }
    /// Adds a help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// One path pattern of a contract, where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternEntry {
    /// The compiled pattern.
    pub pattern: Pattern,
    /// Where it is written in the contract.
    pub span: Range<usize>,
    /// `(additions only)`: the agent may add lines, never remove or change them.
    pub additions_only: bool,
    /// `(except P)` and `!P`: paths this entry does not cover.
    pub except: Vec<Pattern>,
}

impl PatternEntry {
    /// True when one of the entry's exceptions takes `path` out of it.
    pub fn excepted(&self, path: &str) -> bool {
        self.except.iter().any(|p| p.matches(path))
    }

    /// The pattern as `lint` and `brief` show it: `src/db/**`, or
    /// `src/db/** (except src/db/legacy/**)`.
    pub fn shown(&self) -> String {
        if self.except.is_empty() {
            return self.pattern.text.clone();
        }
        let ex: Vec<&str> = self.except.iter().map(|p| p.text.as_str()).collect();
        format!("{} (except {})", self.pattern.text, ex.join(", "))
    }
}

/// One agent of a contract: its branch, worktree and paths.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Agent {
    /// The name as the Worktrees/Agents section writes it.
    pub name: String,
    /// Where the agent is defined.
    pub span: Range<usize>,
    /// The agent's branch (`None` is a contract error).
    pub branch: Option<String>,
    /// The agent's worktree, when named.
    pub worktree: Option<String>,
    /// Every owned pattern, additions-only ones included.
    pub owns: Vec<PatternEntry>,
    /// Paths the agent may never change, even inside its scope.
    pub cannot_touch: Vec<PatternEntry>,
    /// Interface commitments, as written.
    pub interface: Vec<String>,
    /// Prose items of Owns (Scope): kept, shown, never enforced.
    pub notes: Vec<String>,
    /// Prose items of Cannot touch: kept, shown, never enforced, and
    /// written back to the list they came from.
    pub cannot_notes: Vec<String>,
}

/// A shared file's policy: one agent owns it, or nobody edits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedRule {
    /// The shared file (or pattern).
    pub pattern: Pattern,
    /// `None`: nobody edits.
    pub owner: Option<String>,
    /// The policy as written.
    pub policy: String,
    /// `(except P)`: paths the rule does not cover.
    pub except: Vec<Pattern>,
    /// Where the rule is written.
    pub span: Range<usize>,
}

/// One step of the merge order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeStep {
    /// The agent, in the contract's own spelling (or as written when unknown).
    pub agent: String,
    /// Text in parentheses after the name.
    pub note: Option<String>,
    /// Where the step is written.
    pub span: Range<usize>,
    /// 0-based stage: agents of one stage merge in parallel (either order),
    /// all after every agent of an earlier stage.
    pub stage: usize,
}

/// One row of the verification matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixRow {
    /// The check as plain text (backticks removed, whitespace collapsed).
    pub check: String,
    /// Where the row is written.
    pub span: Range<usize>,
    /// Required flag per column, in `Contract::matrix_columns` order.
    pub required: Vec<bool>,
    /// The CI check (check-run or status context name) that proves the row,
    /// from a `CI check` column or a `(ci: build)` suffix.
    pub ci: Option<String>,
    /// Who may report that check (`app: SLUG`, `status`); GitHub Actions
    /// unless the contract names another source for the row.
    pub ci_source: CiSource,
    /// `skipped ok`: a skipped run evidences the row (by default it proves
    /// nothing ran).
    pub skipped_ok: bool,
    /// `neutral ok`: a neutral conclusion evidences the row.
    pub neutral_ok: bool,
}

/// Who may report a matrix row's CI check. Any app with `checks: write` and
/// anyone who can push can post a check-run or a commit status under any
/// name, so evidence pins its source, as GitHub's required checks pin an
/// "expected source".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CiSource {
    /// Check-runs of the GitHub Actions app (slug `github-actions`, id
    /// 15368 on github.com): the default.
    #[default]
    GithubActions,
    /// Check-runs of the app with this slug, or this numeric id
    /// (`app: circleci-checks`, `app: 18001`).
    App(String),
    /// Commit statuses of this context (`status`).
    Status,
}

impl MatrixRow {
    /// Rows the gate verifies itself need no evidence in the PR body.
    pub fn verified_by_gate(&self) -> bool {
        let c = self.check.to_ascii_lowercase();
        c.contains("git diff --name-only") || c.contains("git branch --show-current")
    }
}

/// A contract file that cannot be read as text: a symlink or a submodule
/// where the contract should be (never followed: the link could point
/// anywhere, also outside the repository), or bytes that are not UTF-8
/// text. It has no agents and one [`Code::NotATextFile`] error, so every
/// branch it might govern fails closed.
pub fn refused(path: &str, what: &str) -> Contract {
    Contract {
        path: path.to_string(),
        diagnostics: vec![Diagnostic::error(
            Code::NotATextFile,
            0..0,
            format!("`{path}` is {what}: a contract is read as a regular UTF-8 text file, never followed"),
        )],
        ..Contract::default()
    }
}

/// One approver the contract names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Approver {
    /// `@login`.
    User {
        /// The GitHub login, as written (compared case-insensitively).
        login: String,
    },
    /// `@org/team`: any member of the team.
    Team {
        /// The organisation's login.
        org: String,
        /// The team's slug.
        slug: String,
    },
}

impl Approver {
    /// Reads `@login` or `@org/team` (GitHub's characters: letters, digits,
    /// `-`; a team slug also `_` and `.`).
    pub fn parse(handle: &str) -> Option<Approver> {
        let h = handle.strip_prefix('@')?;
        let login_ok = |s: &str| {
            !s.is_empty()
                && s.len() <= 39
                && !s.starts_with('-')
                && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        match h.split_once('/') {
            Some((org, slug)) => (login_ok(org)
                && !slug.is_empty()
                && slug
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .then(|| Approver::Team {
                org: org.to_string(),
                slug: slug.to_ascii_lowercase(),
            }),
            None => login_ok(h).then(|| Approver::User {
                login: h.to_string(),
            }),
        }
    }
}

impl std::fmt::Display for Approver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Approver::User { login } => write!(f, "@{login}"),
            Approver::Team { org, slug } => write!(f, "@{org}/{slug}"),
        }
    }
}

/// A context contract as read from its markdown, with every diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contract {
    /// Repository-relative path (or the path given on the command line).
    pub path: String,
    /// The markdown as given (spans index into it).
    pub source: String,
    /// The first `#` heading.
    pub title: Option<String>,
    /// Agents in the order the contract defines them.
    pub agents: Vec<Agent>,
    /// Shared files and who may edit them.
    pub shared_state: Vec<SharedRule>,
    /// The merge order; empty when the agents are independent.
    pub merge_order: Vec<MergeStep>,
    /// The branch agents merge into, when the contract names one.
    pub integration_branch: Option<String>,
    /// Verification-matrix columns after the check column.
    pub matrix_columns: Vec<String>,
    /// Verification-matrix rows.
    pub matrix: Vec<MatrixRow>,
    /// Permission policy table, header first, as plain text.
    pub permission_policy: Vec<Vec<String>>,
    /// Where each `permission_policy` row is written (tables only).
    pub permission_spans: Vec<Range<usize>>,
    /// Who may approve what needs approval (`needs-approval`): the
    /// Approvers section's `@user` and `@org/team` handles. Empty: anyone
    /// but the author and bots.
    pub approvers: Vec<Approver>,
    /// Every problem found while reading, in source order per pass.
    pub diagnostics: Vec<Diagnostic>,
    /// The contract has a Scope section (scopes may also come from an
    /// agents table or per-agent sections).
    pub scope_section: bool,
    /// Prose lines of known sections (kept, shown, never enforced).
    pub notes: Vec<String>,
    /// The section each of `notes` is in (`Scope`, `Merge order`, …).
    pub note_sections: Vec<String>,
    /// How the lines of known sections were accounted for.
    pub lines: LineStats,
}

/// Per contract: how many lines (list items, table rows, paragraph lines) of
/// known sections were read into the model, kept as prose notes, or refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct LineStats {
    /// Read into the model.
    pub read: usize,
    /// Pure prose, kept as a note.
    pub notes: usize,
    /// Named an agent or a path but could not be read (an error each).
    pub refused: usize,
}

impl Contract {
    /// The agent of this name (case-insensitive).
    pub fn agent(&self, name: &str) -> Option<&Agent> {
        self.agents
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }

    /// The agent whose branch this is.
    pub fn agent_for_branch(&self, branch: &str) -> Option<&Agent> {
        self.agents
            .iter()
            .find(|a| a.branch.as_deref() == Some(branch))
    }

    /// Required checks for a matrix column (an agent name or [`INTEGRATOR`]),
    /// leaving out the rows the gate verifies itself.
    pub fn required_checks(&self, role: &str) -> Vec<&MatrixRow> {
        let Some(col) = self
            .matrix_columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(role))
        else {
            return Vec::new();
        };
        self.matrix
            .iter()
            .filter(|r| r.required.get(col).copied().unwrap_or(false) && !r.verified_by_gate())
            .collect()
    }

    /// True when any diagnostic is an error (the contract is invalid).
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// 1-based line of a byte offset in the source.
    pub fn line_of(&self, offset: usize) -> u32 {
        let end = offset.min(self.source.len());
        self.source.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u32
            + 1
    }

    /// Position of an agent in the merge order.
    pub fn merge_position(&self, agent: &str) -> Option<usize> {
        self.merge_order
            .iter()
            .position(|s| s.agent.eq_ignore_ascii_case(agent))
    }

    /// The merge order as its stages, each with its agents' names (several
    /// when they merge in parallel).
    pub fn merge_stages(&self) -> Vec<Vec<&str>> {
        let mut out: Vec<Vec<&str>> = Vec::new();
        let mut last = None;
        for s in &self.merge_order {
            if last == Some(s.stage) {
                if let Some(g) = out.last_mut() {
                    g.push(&s.agent);
                }
            } else {
                out.push(vec![&s.agent]);
            }
            last = Some(s.stage);
        }
        out
    }

    /// The merge order in one line, as `lint` and `brief` print it:
    /// `agent-2 → agent-1 + agent-3 (in parallel)`; `mark` dresses one
    /// agent's name (`brief` marks the reader's own).
    pub fn merge_line(&self, mark: impl Fn(&str) -> String) -> String {
        self.merge_stages()
            .iter()
            .map(|g| {
                let names: Vec<String> = g.iter().map(|n| mark(n)).collect();
                if names.len() > 1 {
                    format!("{} (in parallel)", names.join(" + "))
                } else {
                    names.join("")
                }
            })
            .collect::<Vec<_>>()
            .join(" → ")
    }

    /// The steps that merge before `agent`: every step of an earlier stage
    /// (agents of its own stage merge in parallel with it). Empty when the
    /// agent is not in the merge order.
    pub fn predecessors(&self, agent: &str) -> Vec<&MergeStep> {
        let Some(me) = self
            .merge_order
            .iter()
            .find(|s| s.agent.eq_ignore_ascii_case(agent))
        else {
            return Vec::new();
        };
        self.merge_order
            .iter()
            .filter(|s| s.stage < me.stage)
            .collect()
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_checks;
#[cfg(test)]
mod tests_ci;
#[cfg(test)]
mod tests_fmt;
#[cfg(test)]
mod tests_forms;
#[cfg(test)]
mod tests_invariant;
#[cfg(test)]
mod tests_prop;
#[cfg(test)]
mod tests_words;
