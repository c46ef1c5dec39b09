//! The three outputs of `rehearse` (text, JSON, markdown), as pure string
//! functions of the rehearsal's data; [`section`] is the pull request's
//! "Merge rehearsal" section of the check-run.

use std::fmt::Write as _;

use contract_gate_core::rehearsal::{Outcome, Step, StepState};
use contract_gate_core::verdict::Level;

// Untrusted text (names, paths, messages, commands) for a text report an
// Actions log reads: a forged `::error` line never runs.
use super::clamp::short_sha as short;
use super::escape::{
    json_for_log, markdown_cell, markdown_code, markdown_text, mermaid_label as label, text as esc,
};

pub(crate) mod section;

fn step_line(s: &Step) -> String {
    let branch = esc(s.branch.as_deref().unwrap_or("(no branch named)"));
    let what = match s.state {
        StepState::Clean => match s.changed.len() {
            1 => "merged cleanly (1 file changed)".to_string(),
            n => format!("merged cleanly ({n} files changed)"),
        },
        StepState::Conflict => {
            let files: Vec<String> = s
                .conflicts
                .iter()
                .map(|c| format!("{} ({})", esc(&c.path), c.kind))
                .collect();
            if files.is_empty() {
                "CONFLICT (git listed no file); left out of later steps".to_string()
            } else {
                format!("CONFLICT {}; left out of later steps", files.join(", "))
            }
        }
        StepState::NoBranch => "no branch yet".to_string(),
        StepState::AlreadyMerged => "already merged".to_string(),
    };
    format!("{} {branch}: {what}", esc(&s.agent))
}

/// One line per step, like `git log --graph`, then the findings and runs.
pub(crate) fn text(outs: &[Outcome]) -> String {
    let mut o = String::new();
    for out in outs {
        let r = &out.rehearsed;
        let verdict = if out.has_findings() {
            "FINDINGS"
        } else {
            "CLEAN"
        };
        let _ = writeln!(
            o,
            "contract-gate rehearse: {verdict}  {} onto {}",
            esc(&r.contract),
            esc(&r.base)
        );
        let _ = writeln!(o, "* {} ({})", esc(&r.base), short(&r.base_commit));
        for s in &r.steps {
            let mark = match s.state {
                StepState::Clean => "*",
                StepState::Conflict => "x",
                StepState::NoBranch | StepState::AlreadyMerged => "o",
            };
            let _ = writeln!(o, "|\n{mark} {}", step_line(s));
        }
        for f in &r.findings {
            let mark = if f.level == Level::Failure {
                "✗"
            } else {
                "!"
            };
            let at = match (&f.path, f.line) {
                (Some(p), Some(l)) => format!("  {}:{l}", esc(p)),
                (Some(p), None) => format!("  {}", esc(p)),
                _ => String::new(),
            };
            let _ = writeln!(o, "{mark} {}: {}{at}", f.rule, esc(&f.message));
            let _ = writeln!(o, "  → {}", f.rule.next_step());
        }
        if let Some(run) = &out.run {
            if run.commands.is_empty() {
                let _ = writeln!(
                    o,
                    "--run: the verification matrix names no command in backticks"
                );
            }
            for st in &run.stages {
                let label = esc(st.agent.as_deref().unwrap_or(&r.base));
                for c in &st.results {
                    let res = if c.ok {
                        "ok"
                    } else if c.timed_out {
                        "TIMED OUT"
                    } else {
                        "FAILED"
                    };
                    let _ = writeln!(o, "  run after {label}: `{}` {res}", esc(&c.command));
                }
            }
            if let Some(f) = &run.first_failure {
                let _ = writeln!(o, "✗ run: {}", esc(f));
            }
            let fin = if run.final_ok { "passes" } else { "fails" };
            let _ = writeln!(o, "  the fully integrated tree {fin}");
        }
    }
    o
}

/// `{"contracts": [...]}`: see the README ("The seam") for the fields.
/// Names and messages are branch and file names anyone can push: no `##[`
/// in them reaches an Actions log as a command.
pub(crate) fn json(outs: &[Outcome]) -> String {
    let clean = !outs.iter().any(Outcome::has_findings);
    json_for_log(
        serde_json::json!({
            "conclusion": if clean { "clean" } else { "findings" },
            "contracts": outs,
        })
        .to_string(),
    )
}

/// `{"contracts": [], "error": ...}`: the rehearsal could not run, in the
/// JSON shape a script reads.
pub(crate) fn json_error(message: &str) -> String {
    json_for_log(serde_json::json!({"contracts": [], "error": message}).to_string())
}

/// A summary with the merge order as a mermaid diagram coloured by state.
pub(crate) fn markdown(outs: &[Outcome]) -> String {
    let mut o = String::new();
    for out in outs {
        let r = &out.rehearsed;
        let verdict = if out.has_findings() {
            "findings"
        } else {
            "clean"
        };
        let _ = writeln!(
            o,
            "## Merge rehearsal: {} onto {} ({verdict})\n",
            markdown_text(&r.contract),
            markdown_code(&r.base)
        );
        let _ = writeln!(o, "```mermaid\nflowchart LR");
        let _ = writeln!(o, "  base[\"{}\"]:::base", label(&r.base));
        let mut prev = "base".to_string();
        for (i, s) in r.steps.iter().enumerate() {
            let id = format!("s{i}");
            let _ = writeln!(
                o,
                "  {id}[\"{}: {}\"]:::{}",
                label(&s.agent),
                s.state.as_str(),
                class(s.state)
            );
            let _ = writeln!(o, "  {prev} --> {id}");
            prev = id;
        }
        let _ = writeln!(
            o,
            "  classDef base fill:#eee,stroke:#999\n  classDef clean fill:#d4f7d4,stroke:#2a2\n  classDef conflict fill:#f9d0d0,stroke:#c22\n  classDef none fill:#f4f4f4,stroke:#bbb,stroke-dasharray:3\n  classDef merged fill:#d6e4ff,stroke:#36c\n```\n"
        );
        for s in &r.steps {
            let _ = writeln!(o, "- {}", markdown_text(&step_line(s)));
        }
        if !r.findings.is_empty() {
            let _ = writeln!(o, "\n| rule | where | message |\n|---|---|---|");
            for f in &r.findings {
                let at = match (&f.path, f.line) {
                    (Some(p), Some(l)) => markdown_cell(&markdown_code(&format!("{p}:{l}"))),
                    (Some(p), None) => markdown_cell(&markdown_code(p)),
                    _ => String::new(),
                };
                let msg = markdown_cell(&f.message);
                let _ = writeln!(o, "| `{}` | {at} | {msg} |", f.rule);
            }
        }
        if let Some(f) = out.run.as_ref().and_then(|r| r.first_failure.as_ref()) {
            let _ = writeln!(o, "\n**Run:** {}", markdown_text(f));
        }
        o.push('\n');
    }
    o
}

fn class(s: StepState) -> &'static str {
    match s {
        StepState::Clean => "clean",
        StepState::Conflict => "conflict",
        StepState::NoBranch => "none",
        StepState::AlreadyMerged => "merged",
    }
}
