//! The verdict for a person: grouped by rule, with paths, lines and the next step.

use std::fmt::Write;

use contract_gate_core::verdict::{Conclusion, Finding, Level, Rule, StepState, Verdict};

pub fn verdict(v: &Verdict) -> String {
    let mut o = String::new();
    let head = match v.conclusion {
        Conclusion::Success => "PASS",
        Conclusion::Neutral => "NEUTRAL",
        Conclusion::Failure => "BLOCKED",
    };
    let _ = writeln!(o, "contract-gate: {head}  {} → {}", v.branch, v.base);
    if let (Some(c), Some(a)) = (&v.contract, &v.agent) {
        let _ = writeln!(o, "  contract {c} · agent {a}");
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
                    let _ = writeln!(o, "    {p}:{l}  {}", f.message);
                }
                (Some(p), None) => {
                    let _ = writeln!(o, "    {p}  {}", f.message);
                }
                _ => {
                    let _ = writeln!(o, "    {}", f.message);
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
pub fn progress_line(v: &Verdict) -> String {
    v.merge_progress
        .iter()
        .map(|s| match s.state {
            StepState::Merged => match &s.reference {
                Some(r) => format!("{} ✓ merged ({r})", s.agent),
                None => format!("{} ✓ merged", s.agent),
            },
            StepState::This => format!("{} (this)", s.agent),
            StepState::Waiting => format!("{} ⏳ not merged", s.agent),
            _ => s.agent.clone(),
        })
        .collect::<Vec<_>>()
        .join(" → ")
}
