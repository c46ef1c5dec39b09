//! What to send to GitHub's check-runs API: the body that creates the run and
//! the bodies that complete it, within GitHub's limits.
//!
//! Limits (from the REST reference and GitHub's actual validation):
//! - `output.title` and an annotation's `title`: 255 characters;
//! - `output.summary` and `output.text`: 65,535 — documented as characters,
//!   but GitHub rejects by UTF-8 byte size ("summary exceeds a maximum bytesize
//!   of 65535", github/docs#35252, dorny/test-reporter#57), so they are capped
//!   at 65,535 bytes, which also keeps them under 65,535 characters;
//! - an annotation's `message`: 64 KB, capped at 65,536 bytes;
//! - 50 annotations per request; more go in further updates, which GitHub
//!   appends.
//!
//! Nothing here fails: anything too long is cut with a visible note. The
//! bodies themselves are typed in [`body`].

use super::clamp::{truncate_bytes, truncate_chars};
use super::escape::markdown_cell;
use super::markdown::{self, TITLE_MAX_CHARS};
use contract_gate_core::verdict::{Conclusion, Finding, Level, Rule, Verdict};

mod body;
#[cfg(test)]
mod tests;

pub(crate) use body::{create_body, fail_body, supersede_body, update_bodies};

pub(crate) const CHECK_NAME: &str = "contract-gate";

/// GitHub's limit for `output.summary` and `output.text` (bytes; see the module docs).
const OUTPUT_MAX_BYTES: usize = 65_535;
/// GitHub's limit for an annotation's message (64 KB).
const ANNOTATION_MESSAGE_MAX_BYTES: usize = 65_536;
/// Annotations per request.
const ANNOTATIONS_PER_REQUEST: usize = 50;
/// Annotations per check run. Each 50 cost one more PATCH request; a change
/// with 100,000 out-of-scope paths must not turn into 2,000 API calls (and
/// GitHub's secondary rate limits). The summary lists every finding and says
/// how many annotations were left out.
const MAX_ANNOTATIONS: usize = 1_000;

/// One annotation, as planned and as sent (fields in alphabetical order,
/// as the body module explains).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
struct Annotation {
    /// `failure`, `warning` or `notice`: GitHub's names are the levels'.
    annotation_level: Level,
    end_line: u32,
    message: String,
    path: String,
    start_line: u32,
    title: String,
}

/// Where the check-run stands: in progress (waiting on predecessors or
/// CI), or completed with a conclusion (never one without the other).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RunStatus {
    InProgress,
    Completed(Conclusion),
}

impl RunStatus {
    /// GitHub's `conclusion`, once completed.
    pub(crate) fn conclusion(self) -> Option<&'static str> {
        match self {
            RunStatus::InProgress => None,
            RunStatus::Completed(c) => Some(c.as_str()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Plan {
    pub(crate) status: RunStatus,
    pub(crate) title: String,
    summary: String,
    text: Option<String>,
    annotations: Vec<Annotation>,
}

pub(crate) fn plan(v: &Verdict) -> Plan {
    let status = if v.waiting_only() {
        RunStatus::InProgress
    } else {
        RunStatus::Completed(v.conclusion)
    };
    // For a waiting verdict the title is the merge-order phrase alone:
    // "waiting on agent-2".
    let title = truncate_chars(&markdown::title(v), TITLE_MAX_CHARS);

    let with_path = v.findings.iter().filter(|f| f.path.is_some()).count();
    let annotations: Vec<Annotation> = v
        .findings
        .iter()
        .filter_map(annotation)
        .take(MAX_ANNOTATIONS)
        .collect();
    let left_out = with_path - annotations.len();
    let left_out_note = (left_out > 0).then(|| {
        format!(
            "_{left_out} of {with_path} findings with a path have no annotation (at most {MAX_ANNOTATIONS} per check run); all are listed here._\n\n"
        )
    });

    let mut full = markdown::overview(v);
    if let Some(n) = &left_out_note {
        full.push_str(n);
    }
    let findings = markdown::findings(v);
    let (summary, text) = if full.len() + findings.len() <= OUTPUT_MAX_BYTES {
        full.push_str(&findings);
        (full, None)
    } else {
        // Too long for the summary: keep the overview plus one row per rule
        // there, and move the full findings list into `text` (also capped).
        full.push_str(&rule_table(v));
        full.push_str("The findings are listed one by one in the details below the summary.\n");
        (
            truncate_bytes(&full, OUTPUT_MAX_BYTES),
            Some(truncate_bytes(&findings, OUTPUT_MAX_BYTES)),
        )
    };
    Plan {
        status,
        title,
        summary,
        text,
        annotations,
    }
}

/// Appends a section (the merge rehearsal) to the summary, within
/// GitHub's bound on it.
pub(crate) fn add_section(plan: &mut Plan, section: &str) {
    let joined = format!("{}\n{section}", plan.summary);
    plan.summary = truncate_bytes(&joined, OUTPUT_MAX_BYTES);
}

/// `| rule | findings | next step |`, one row per rule with findings.
fn rule_table(v: &Verdict) -> String {
    let mut o = String::from("| rule | findings | next step |\n|---|---|---|\n");
    for rule in Rule::ALL {
        let n = v.findings.iter().filter(|f| f.rule == rule).count();
        if n > 0 {
            o.push_str(&format!(
                "| `{}` | {n} | {} |\n",
                rule.id(),
                markdown_cell(rule.next_step())
            ));
        }
    }
    o.push('\n');
    o
}

/// The annotation of a finding with a path: at its line (line 1 when none),
/// titled with the rule id, the message followed by the next step.
fn annotation(f: &Finding) -> Option<Annotation> {
    let path = f.path.as_ref()?;
    let line = f.line.unwrap_or(1).max(1);
    Some(Annotation {
        annotation_level: f.level,
        end_line: line,
        message: truncate_bytes(
            &format!("{} — {}", f.message, f.rule.next_step()),
            ANNOTATION_MESSAGE_MAX_BYTES,
        ),
        path: path.clone(),
        start_line: line,
        title: truncate_chars(f.rule.id(), TITLE_MAX_CHARS),
    })
}
