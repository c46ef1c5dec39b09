//! `contract-gate lint`: how each contract was read, and every diagnostic.

use std::fmt::Write;

use serde::Serialize;

use contract_gate_core::contract::{
    Agent, Code, Contract, LineStats, PatternEntry, Severity, INTEGRATOR,
};
use contract_gate_core::permission::Policy;

#[derive(Serialize)]
struct JsonAgent<'a> {
    name: &'a str,
    branch: Option<&'a str>,
    worktree: Option<&'a str>,
    owns: Vec<&'a str>,
    cannot_touch: Vec<&'a str>,
    additions_only: Vec<&'a str>,
    checks: Vec<&'a str>,
    /// Prose items of the agent's Owns (Scope) list.
    notes: &'a [String],
    /// Prose items of its Cannot-touch list.
    cannot_notes: &'a [String],
    interface: &'a [String],
    /// What each interface line was read as (`interface::read_as`).
    interface_read_as: Vec<contract_gate_core::interface::ReadAs>,
    /// Each owned or cannot-touch pattern with exceptions, and them.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    except: std::collections::BTreeMap<&'a str, Vec<&'a str>>,
}

#[derive(Serialize)]
struct JsonShared<'a> {
    pattern: &'a str,
    owner: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonContract<'a> {
    path: &'a str,
    title: Option<&'a str>,
    integration_branch: Option<&'a str>,
    agents: Vec<JsonAgent<'a>>,
    shared_state: Vec<JsonShared<'a>>,
    merge_order: Vec<&'a str>,
    /// The order's stages: agents of one stage merge in parallel.
    merge_stages: Vec<Vec<&'a str>>,
    integrator_checks: Vec<&'a str>,
    permission_policy: &'a [Vec<String>],
    /// The permission classes in force (`needs-approval`), built in or added
    /// by the Permission policy table.
    needs_approval: Vec<String>,
    /// Who may approve (`@user`, `@org/team`); empty: anyone but the author.
    approvers: Vec<String>,
    /// Lines of known sections: read into the model, kept as notes, refused.
    lines: LineStats,
    notes: &'a [String],
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    level: Severity,
    code: Code,
    id: &'static str,
    path: &'a str,
    line: u32,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonLint<'a> {
    contracts: Vec<JsonContract<'a>>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn texts(p: &[PatternEntry]) -> Vec<&str> {
    p.iter().map(|e| e.pattern.text.as_str()).collect()
}

pub fn json(contracts: &[Contract]) -> String {
    let doc = JsonLint {
        contracts: contracts
            .iter()
            .map(|c| JsonContract {
                path: &c.path,
                title: c.title.as_deref(),
                integration_branch: c.integration_branch.as_deref(),
                agents: c
                    .agents
                    .iter()
                    .map(|a| JsonAgent {
                        name: &a.name,
                        branch: a.branch.as_deref(),
                        worktree: a.worktree.as_deref(),
                        owns: texts(&a.owns),
                        cannot_touch: texts(&a.cannot_touch),
                        except: a
                            .owns
                            .iter()
                            .chain(&a.cannot_touch)
                            .filter(|e| !e.except.is_empty())
                            .map(|e| {
                                (
                                    e.pattern.text.as_str(),
                                    e.except.iter().map(|x| x.text.as_str()).collect(),
                                )
                            })
                            .collect(),
                        additions_only: a
                            .owns
                            .iter()
                            .filter(|e| e.additions_only)
                            .map(|e| e.pattern.text.as_str())
                            .collect(),
                        checks: c
                            .required_checks(&a.name)
                            .iter()
                            .map(|r| r.check.as_str())
                            .collect(),
                        notes: &a.notes,
                        cannot_notes: &a.cannot_notes,
                        interface: &a.interface,
                        interface_read_as: contract_gate_core::interface::read_as(c)
                            .into_iter()
                            .filter(|r| r.agent == a.name)
                            .collect(),
                    })
                    .collect(),
                shared_state: c
                    .shared_state
                    .iter()
                    .map(|s| JsonShared {
                        pattern: &s.pattern.text,
                        owner: s.owner.as_deref(),
                    })
                    .collect(),
                merge_order: c.merge_order.iter().map(|s| s.agent.as_str()).collect(),
                merge_stages: c.merge_stages(),
                integrator_checks: c
                    .required_checks(INTEGRATOR)
                    .iter()
                    .map(|r| r.check.as_str())
                    .collect(),
                permission_policy: &c.permission_policy,
                needs_approval: Policy::from_contract(c).in_force(),
                approvers: c.approvers.iter().map(|a| a.to_string()).collect(),
                lines: c.lines,
                notes: &c.notes,
            })
            .collect(),
        diagnostics: contracts
            .iter()
            .flat_map(|c| {
                c.diagnostics.iter().map(move |d| JsonDiagnostic {
                    level: d.severity,
                    code: d.code,
                    id: d.code.id(),
                    path: &c.path,
                    line: c.line_of(d.span.start),
                    message: &d.message,
                    help: d.help.as_deref(),
                })
            })
            .collect(),
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

fn list(v: &[&str]) -> String {
    if v.is_empty() {
        "—".into()
    } else {
        v.join(", ")
    }
}

pub fn text(contracts: &[Contract], color: bool) -> String {
    let mut o = String::new();
    for c in contracts {
        let _ = writeln!(
            o,
            "{}  {}",
            c.path,
            c.title.as_deref().unwrap_or("(untitled contract)")
        );
        for a in &c.agents {
            agent_text(&mut o, c, a);
        }
        contract_text(&mut o, c);
        let errors = c
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = c.diagnostics.len() - errors;
        // Prose pieces inside a read line (an agent's Owns or Cannot-touch
        // list) are notes too: counted apart, so the numbers add up.
        let pieces: usize = c
            .agents
            .iter()
            .map(|a| a.notes.len() + a.cannot_notes.len())
            .sum();
        let inside = match pieces {
            0 => String::new(),
            1 => " (and 1 prose item inside a read line, kept as a note)".to_string(),
            n => format!(" (and {n} prose items inside read lines, kept as notes)"),
        };
        let _ = writeln!(
            o,
            "\n  lines               {} read, {} kept as notes, {} refused{inside}",
            c.lines.read, c.lines.notes, c.lines.refused
        );
        let _ = writeln!(o, "\n  {errors} error(s), {warnings} warning(s)\n");
        for d in &c.diagnostics {
            o.push_str(&super::diagnostics::render(c, d, color));
        }
    }
    o
}

/// One agent's block of the text report.
fn agent_text(o: &mut String, c: &Contract, a: &Agent) {
    let _ = writeln!(o, "\n  agent {}", a.name);
    let _ = writeln!(
        o,
        "    branch          {}",
        a.branch.as_deref().unwrap_or("—")
    );
    let _ = writeln!(
        o,
        "    worktree        {}",
        a.worktree.as_deref().unwrap_or("—")
    );
    let shown = |keep: &dyn Fn(&PatternEntry) -> bool, p: &[PatternEntry]| -> Vec<String> {
        p.iter()
            .filter(|e| keep(e))
            .map(PatternEntry::shown)
            .collect()
    };
    let full = shown(&|e| !e.additions_only, &a.owns);
    let adds = shown(&|e| e.additions_only, &a.owns);
    let cannot = shown(&|_| true, &a.cannot_touch);
    let _ = writeln!(o, "    owns            {}", list(&refs(&full)));
    let _ = writeln!(o, "    additions only  {}", list(&refs(&adds)));
    let _ = writeln!(o, "    cannot touch    {}", list(&refs(&cannot)));
    for (label, notes) in [
        ("notes (owns)", &a.notes),
        ("notes (cannot)", &a.cannot_notes),
    ] {
        if !notes.is_empty() {
            let notes: Vec<&str> = notes.iter().map(String::as_str).collect();
            let _ = writeln!(o, "    {label:<15} {}", notes.join("; "));
        }
    }
    for r in contract_gate_core::interface::read_as(c)
        .iter()
        .filter(|r| r.agent == a.name)
    {
        let text = r.text.split_whitespace().collect::<Vec<_>>().join(" ");
        let read = contract_gate_core::interface::describe(&r.items);
        let _ = writeln!(
            o,
            "    interface       {text}\n                    read as: {read}"
        );
    }
    let checks: Vec<&str> = c
        .required_checks(&a.name)
        .iter()
        .map(|r| r.check.as_str())
        .collect();
    let _ = writeln!(o, "    checks          {}", list(&checks));
}

/// The contract-wide part of the text report: shared state, order,
/// integration, permissions and approvers.
fn contract_text(o: &mut String, c: &Contract) {
    if !c.shared_state.is_empty() {
        let _ = writeln!(o, "\n  shared state");
        for s in &c.shared_state {
            let who = match &s.owner {
                Some(a) => format!("{a} owns"),
                None => "nobody edits".into(),
            };
            let _ = writeln!(o, "    {:<20} {who}", s.pattern.text);
        }
    }
    let _ = writeln!(
        o,
        "\n  merge order         {}",
        if c.merge_order.is_empty() {
            "— (agents are independent)".to_string()
        } else {
            c.merge_line(str::to_string)
        }
    );
    let _ = writeln!(
        o,
        "  integration branch  {}",
        c.integration_branch.as_deref().unwrap_or("—")
    );
    let ichecks: Vec<&str> = c
        .required_checks(INTEGRATOR)
        .iter()
        .map(|r| r.check.as_str())
        .collect();
    if !ichecks.is_empty() {
        let _ = writeln!(o, "  integrator checks   {}", ichecks.join(", "));
    }
    if !c.permission_policy.is_empty() {
        let _ = writeln!(o, "\n  permission policy");
        for row in &c.permission_policy {
            let _ = writeln!(o, "    {}", row.join(" | "));
        }
    }
    if !c.approvers.is_empty() {
        let who: Vec<String> = c.approvers.iter().map(|a| a.to_string()).collect();
        let _ = writeln!(o, "\n  approvers           {}", who.join(", "));
    }
    // What the gate asks a human to approve, as it will apply it.
    for (i, class) in Policy::from_contract(c).in_force().iter().enumerate() {
        if i == 0 {
            o.push('\n');
        }
        let label = if i == 0 { "needs approval" } else { "" };
        let _ = writeln!(o, "  {label:<20}{class}");
    }
}
