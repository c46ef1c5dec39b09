//! The binary crate's modules that read or render untrusted text, compiled
//! here from their own source files. The fuzz crate does not depend on the
//! binary package: that would build the whole GitHub client stack (octocrab,
//! hyper, rustls, tokio) with coverage instrumentation, minutes of CI time
//! for code no target reaches. These modules name only the core crate,
//! serde and miette, so they compile unchanged in either crate.
#![allow(dead_code, unused_imports)]

/// `src/report/`: the renderers (diagnostics, lint, clamping).
#[path = "../../src/report/mod.rs"]
pub mod report;

/// `src/source/github/models.rs`: the webhook payloads the action reads.
#[path = "../../src/source/github/models.rs"]
pub mod models;

/// `src/agent/event.rs`: the agent CLIs' hook events (Claude Code,
/// Codex `apply_patch`, Gemini CLI).
#[path = "../../src/agent/event.rs"]
pub mod hook_event;

/// The contract target's read-back invariant: a contract that read without
/// errors, rendered in the canonical form (key-value worktrees,
/// `- agent: patterns` scope and cannot-touch lines, shared-state bullets, a
/// numbered merge order), reads back to the same routing model.
pub mod roundtrip {
    use contract_gate_core::contract::{parse, Contract};

    /// Agents, branches, worktrees, owned (with additions-only) and
    /// cannot-touch patterns, shared rules and merge order, without spans.
    #[derive(Debug, PartialEq, Eq)]
    pub struct Routing {
        agents: Vec<(
            String,
            Option<String>,
            Option<String>,
            Vec<(String, bool)>,
            Vec<String>,
        )>,
        shared: Vec<(String, Option<String>)>,
        order: Vec<String>,
    }

    pub fn routing(c: &Contract) -> Routing {
        Routing {
            agents: c
                .agents
                .iter()
                .map(|a| {
                    (
                        a.name.clone(),
                        a.branch.clone(),
                        a.worktree.clone(),
                        a.owns
                            .iter()
                            .map(|e| (e.pattern.text.clone(), e.additions_only))
                            .collect(),
                        a.cannot_touch
                            .iter()
                            .map(|e| e.pattern.text.clone())
                            .collect(),
                    )
                })
                .collect(),
            shared: c
                .shared_state
                .iter()
                .map(|s| (s.pattern.text.clone(), s.owner.clone()))
                .collect(),
            order: c.merge_order.iter().map(|s| s.agent.clone()).collect(),
        }
    }

    /// Only plain names render unambiguously in the canonical form.
    fn plain(s: &str, extra: &[char]) -> bool {
        !s.is_empty()
            && s.chars().all(|c| {
                c.is_ascii_alphanumeric()
                    || matches!(c, '-' | '_' | '.' | '/')
                    || extra.contains(&c)
            })
    }

    /// The canonical markdown of `c`, or None when some name or pattern is
    /// not plain (or the contract has parts the canonical form omits).
    pub fn canonical(c: &Contract) -> Option<String> {
        if c.integration_branch.is_some() || c.agents.is_empty() {
            return None;
        }
        let mut d = String::from("# C\n\n## Worktrees\n");
        for a in &c.agents {
            let (b, w) = (a.branch.as_deref()?, a.worktree.as_deref()?);
            if !plain(&a.name, &[]) || !plain(b, &[]) || !plain(w, &[]) {
                return None;
            }
            d += &format!("- {w}  branch: {b}  agent: {}\n", a.name);
        }
        let list = |items: Vec<String>| items.join(", ");
        let pattern = |t: &str| plain(t, &['*']).then(|| t.to_string());
        if c.agents.iter().any(|a| !a.owns.is_empty()) {
            d += "\n## Scope\n";
        }
        for a in c.agents.iter().filter(|a| !a.owns.is_empty()) {
            let items: Option<Vec<String>> = a
                .owns
                .iter()
                .map(|e| {
                    pattern(&e.pattern.text).map(|t| {
                        if e.additions_only {
                            format!("{t} (additions only)")
                        } else {
                            t
                        }
                    })
                })
                .collect();
            d += &format!("- {}: {}\n", a.name, list(items?));
        }
        if c.agents.iter().any(|a| !a.cannot_touch.is_empty()) {
            d += "\n## Cannot touch\n";
            for a in c.agents.iter().filter(|a| !a.cannot_touch.is_empty()) {
                let items: Option<Vec<String>> = a
                    .cannot_touch
                    .iter()
                    .map(|e| pattern(&e.pattern.text))
                    .collect();
                d += &format!("- {}: {}\n", a.name, list(items?));
            }
        }
        if !c.shared_state.is_empty() {
            d += "\n## Shared state\n";
            for s in &c.shared_state {
                let p = pattern(&s.pattern.text)?;
                match &s.owner {
                    Some(o) => d += &format!("- {p}: {o} owns.\n"),
                    None => d += &format!("- {p}: nobody edits.\n"),
                }
            }
        }
        if !c.merge_order.is_empty() {
            d += "\n## Merge order\n";
            for (i, s) in c.merge_order.iter().enumerate() {
                d += &format!("{}. {}\n", i + 1, s.agent);
            }
        }
        Some(d)
    }

    /// Checks the invariant; returns the canonical text when it applied.
    pub fn check(c: &Contract) -> Option<String> {
        if c.has_errors() {
            return None;
        }
        let text = canonical(c)?;
        let back = parse("CONTRACT.md", &text);
        assert!(
            !back.has_errors(),
            "the canonical form has errors: {:?}\n{text}",
            back.diagnostics
        );
        assert_eq!(routing(c), routing(&back), "read back differently:\n{text}");
        Some(text)
    }
}
