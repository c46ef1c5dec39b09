//! The verdict for a person: grouped by rule, with paths, lines and the next step.
//! Every name and message is escaped ([`super::escape::text`]): this report is
//! printed in the Actions log, where a forged `::error` line would run.

use std::fmt::Write;

use contract_gate_core::verdict::{Conclusion, Finding, Level, Rule, StepState, Verdict};

use super::escape::text as esc;

pub(super) fn verdict(v: &Verdict) -> String {
    let mut o = String::new();
    let head = match v.conclusion {
        Conclusion::Success => "PASS",
        Conclusion::Neutral => "NEUTRAL",
        // Only predecessors or CI to wait for: the check-run stays pending.
        Conclusion::Failure if v.waiting_only() => "WAITING",
        Conclusion::Failure => "BLOCKED",
    };
    let _ = writeln!(
        o,
        "contract-gate: {head}  {} → {}",
        esc(&v.branch),
        esc(&v.base)
    );
    if let (Some(c), Some(a)) = (&v.contract, &v.agent) {
        let _ = writeln!(o, "  contract {} · agent {}", esc(c), esc(a));
    }
    if !v.merge_progress.is_empty() {
        let _ = writeln!(o, "  merge order: {}", progress_line(v));
    }
    if !v.evidence.is_empty() {
        let found = v.evidence.iter().filter(|e| e.found).count();
        let _ = writeln!(
            o,
            "  evidence: {found}/{} required checks",
            v.evidence.len()
        );
    }
    for rule in Rule::ALL {
        let group: Vec<&Finding> = v.findings.iter().filter(|f| f.rule == rule).collect();
        if group.is_empty() {
            continue;
        }
        let mark = match group.iter().map(|f| f.level).min() {
            Some(Level::Failure) => "✗",
            Some(Level::Warning) => "!",
            _ => "·",
        };
        let _ = writeln!(
            o,
            "\n{mark} {rule} ({}): {}",
            group.len(),
            rule.description()
        );
        for f in &group {
            match (&f.path, f.line) {
                (Some(p), Some(l)) => {
                    let _ = writeln!(o, "    {}:{l}  {}", esc(p), esc(&f.message));
                }
                (Some(p), None) => {
                    let _ = writeln!(o, "    {}  {}", esc(p), esc(&f.message));
                }
                _ => {
                    let _ = writeln!(o, "    {}", esc(&f.message));
                }
            }
        }
        if group.iter().any(|f| f.level == Level::Failure) {
            let _ = writeln!(o, "  → {}", rule.next_step());
        }
    }
    if v.findings.is_empty() {
        let _ = writeln!(
            o,
            "\nNo findings: every changed path is within the contract."
        );
    }
    o
}

/// `agent-2 ✓ merged → agent-1 (this) → agent-3`
fn progress_line(v: &Verdict) -> String {
    v.merge_progress
        .iter()
        .map(|s| {
            let name = esc(&s.agent);
            match s.state {
                StepState::Merged => match &s.reference {
                    Some(r) => format!("{name} ✓ merged ({})", esc(r)),
                    None => format!("{name} ✓ merged"),
                },
                StepState::This => format!("{name} (this)"),
                StepState::Waiting => format!("{name} ⏳ not merged"),
                _ => name.into_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join(" → ")
}
