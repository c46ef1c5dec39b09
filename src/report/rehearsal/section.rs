//! The "Merge rehearsal" section of a pull request's check-run (markdown):
//! one row per step of the trial merge, then what this pull request causes
//! on top of the ones before it; or one line saying why nothing was
//! rehearsed. The action gathers the rows; this only writes them.

use std::fmt::Write as _;

use contract_gate_core::rehearsal::{Step, StepState};
use contract_gate_core::verdict::Finding;

use crate::report::clamp::short_sha as short;
use crate::report::escape::{markdown_cell, markdown_text};

const HEADING: &str = "### Merge rehearsal\n\n";

/// The pull request a step merges, as its row names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pull<'a> {
    /// The pull request being judged: the last step.
    This(u64),
    /// The agent's pull request has merged into the base.
    Merged,
    /// An open pull request, merged at its head.
    Open { number: u64, head_sha: &'a str },
    /// No pull request yet.
    None,
}

/// One step of the trial merge and its pull request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row<'a> {
    pub(crate) step: &'a Step,
    pub(crate) pull: Pull<'a>,
}

/// Everything the section's table shows.
#[derive(Debug, Clone)]
pub(crate) struct Table<'a> {
    /// The base branch's name.
    pub(crate) base: &'a str,
    /// The base commit the steps merged onto.
    pub(crate) base_sha: &'a str,
    /// The steps, in merge order.
    pub(crate) rows: Vec<Row<'a>>,
    /// The findings this pull request causes.
    pub(crate) findings: &'a [Finding],
}

/// Why the pull request was not rehearsed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Skipped<'a> {
    /// A commit id that is not hexadecimal never reaches git.
    NotACommit(&'a str),
    /// No open pull request comes before this one.
    NothingBefore,
    /// The checkout or git could not do it (the reason, one line).
    Failed(&'a str),
}

/// The section when nothing was rehearsed: the heading and why.
pub(crate) fn skipped(why: Skipped) -> String {
    let text = match why {
        Skipped::NotACommit(bad) => {
            format!(
                "not rehearsed: `{}` is not a commit id.",
                markdown_text(bad)
            )
        }
        Skipped::NothingBefore => {
            "nothing to rehearse: no open pull request comes before this one in the merge order."
                .to_string()
        }
        Skipped::Failed(why) => format!("not rehearsed: {why}."),
    };
    format!("{HEADING}{text}\n")
}

/// One row per step, then what this PR causes.
pub(crate) fn table(t: &Table) -> String {
    let mut o = format!(
        "{HEADING}This pull request trial-merged onto `{}` ({}) after the open pull requests before it in the merge order (`git merge-tree` in the workflow's checkout: nothing is checked out, pushed or run).\n\n| step | agent | pull request | result |\n|---|---|---|---|\n",
        markdown_cell(t.base),
        short(t.base_sha)
    );
    for (i, row) in t.rows.iter().enumerate() {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            i + 1,
            markdown_cell(&row.step.agent),
            pull_cell(row.pull),
            markdown_cell(&result(row.step))
        );
    }
    o.push('\n');
    if t.findings.is_empty() {
        o.push_str("Nothing this pull request changes breaks the ones before it.\n");
    }
    for f in t.findings {
        let at = match (&f.path, f.line) {
            (Some(p), Some(l)) => format!("`{p}`:{l} — "),
            (Some(p), None) => format!("`{p}` — "),
            _ => String::new(),
        };
        let _ = writeln!(
            o,
            "- **{}** `{}`: {}{}",
            f.level.as_str(),
            f.rule.id(),
            markdown_text(&at),
            markdown_text(&f.message)
        );
    }
    o
}

fn pull_cell(p: Pull) -> String {
    match p {
        Pull::This(number) => format!("#{number} (this one)"),
        Pull::Merged => "merged".to_string(),
        Pull::Open { number, head_sha } => format!("#{number} at {}", short(head_sha)),
        Pull::None => "none yet".to_string(),
    }
}

fn result(step: &Step) -> String {
    match step.state {
        StepState::Clean => "merges cleanly".to_string(),
        StepState::AlreadyMerged => "already in the base".to_string(),
        StepState::NoBranch => "nothing to merge".to_string(),
        StepState::Conflict => {
            let files: Vec<String> = step
                .conflicts
                .iter()
                .map(|c| format!("`{}` ({})", c.path, c.kind))
                .collect();
            format!("conflicts: {}", files.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(agent: &str, state: StepState) -> Step {
        Step {
            agent: agent.into(),
            branch: None,
            state,
            conflicts: Vec::new(),
            added: Vec::new(),
            changed: Vec::new(),
            removed: Vec::new(),
            tree: None,
        }
    }

    #[test]
    fn skipped_says_why_under_the_heading() {
        assert_eq!(
            skipped(Skipped::NotACommit("--upload-pack=x|y")),
            "### Merge rehearsal\n\nnot rehearsed: `--upload-pack=x\\|y` is not a commit id.\n"
        );
        assert!(skipped(Skipped::NothingBefore).starts_with(HEADING));
        assert_eq!(
            skipped(Skipped::Failed("the checkout is shallow")),
            "### Merge rehearsal\n\nnot rehearsed: the checkout is shallow.\n"
        );
    }

    #[test]
    fn a_clean_table_says_nothing_breaks() {
        let s = step("agent-1", StepState::Clean);
        let n = step("agent-2", StepState::NoBranch);
        let t = Table {
            base: "main",
            base_sha: &"a".repeat(40),
            rows: vec![
                Row {
                    step: &n,
                    pull: Pull::None,
                },
                Row {
                    step: &s,
                    pull: Pull::This(9),
                },
            ],
            findings: &[],
        };
        let out = table(&t);
        assert!(out.contains("| 1 | agent-2 | none yet | nothing to merge |\n"));
        assert!(out.contains("| 2 | agent-1 | #9 (this one) | merges cleanly |\n"));
        assert!(
            out.ends_with("|\n\nNothing this pull request changes breaks the ones before it.\n")
        );
    }
}
