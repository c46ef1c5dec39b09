//! `contract-gate brief AGENT`: what an agent is handed before it starts.

use std::fmt::Write;

use contract_gate_core::contract::{Agent, Contract};

/// The brief of agent `a` of contract `c`, as markdown.
pub(crate) fn brief(c: &Contract, a: &Agent) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# Brief for {} — {}\n",
        a.name,
        c.title.as_deref().unwrap_or(&c.path)
    );
    let _ = writeln!(
        o,
        "Contract: `{}` (read from the base branch by the gate).\n",
        c.path
    );
    where_you_work(&mut o, c, a);
    what_you_own(&mut o, c, a);
    never_touch(&mut o, a);
    shared_files(&mut o, c, a);
    interfaces(&mut o, c, a);
    merge_order(&mut o, c, a);
    checklist(&mut o, c, a);
    o
}

fn where_you_work(o: &mut String, c: &Contract, a: &Agent) {
    let _ = writeln!(o, "## Where you work");
    let _ = writeln!(
        o,
        "- Branch: `{}`",
        a.branch.as_deref().unwrap_or("(none named)")
    );
    if let Some(w) = &a.worktree {
        let _ = writeln!(
            o,
            "- Worktree: `{w}` (`git worktree add {w} {}`)",
            a.branch.as_deref().unwrap_or("BRANCH")
        );
    }
    if let Some(ib) = &c.integration_branch {
        let _ = writeln!(o, "- Open your pull request against `{ib}`.");
    }
}

fn what_you_own(o: &mut String, c: &Contract, a: &Agent) {
    let _ = writeln!(o, "\n## What you own");
    if a.owns.is_empty() {
        let _ = writeln!(o, "- No paths. You may not change any file.");
    }
    for e in &a.owns {
        let extra = if e.additions_only {
            " — additions only: add lines, never remove or change one"
        } else {
            ""
        };
        let _ = writeln!(o, "- `{}`{extra}", e.pattern.text);
        for x in &e.except {
            let _ = writeln!(o, "  - except `{}`: not yours", x.text);
        }
    }
    for s in c
        .shared_state
        .iter()
        .filter(|s| s.owner.as_deref() == Some(a.name.as_str()))
    {
        let _ = writeln!(
            o,
            "- `{}` (shared file you own: others ask you for edits)",
            s.pattern.text
        );
    }
    for n in &a.notes {
        let _ = writeln!(o, "- (note) {n}");
    }
    let _ = writeln!(
        o,
        "\nEverything else is read-only: read it for context, never edit it. \
         If you need to touch a file outside your scope, stop and report it."
    );
}

fn never_touch(o: &mut String, a: &Agent) {
    if !a.cannot_touch.is_empty() || !a.cannot_notes.is_empty() {
        let _ = writeln!(o, "\n## Never touch");
        for e in &a.cannot_touch {
            let _ = writeln!(o, "- `{}`", e.shown());
        }
        // Prose of the contract's Cannot-touch list: shown where it was
        // written, not enforced.
        for n in &a.cannot_notes {
            let _ = writeln!(o, "- (note) {n}");
        }
    }
}

fn shared_files(o: &mut String, c: &Contract, a: &Agent) {
    if c.shared_state.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n## Shared files");
    for s in &c.shared_state {
        let rule = match &s.owner {
            Some(owner) if *owner == a.name => "you own it".to_string(),
            Some(owner) => format!("{owner} owns it: ask {owner} for changes"),
            None => "nobody edits it".to_string(),
        };
        let _ = writeln!(o, "- `{}`: {rule}", s.pattern.text);
    }
}

fn interfaces(o: &mut String, c: &Contract, a: &Agent) {
    let _ = writeln!(o, "\n## Interface commitments");
    if a.interface.is_empty() {
        let _ = writeln!(o, "- You define no interface of your own.");
    }
    for i in &a.interface {
        let _ = writeln!(o, "- You commit to: {i}");
    }
    for other in c.agents.iter().filter(|x| x.name != a.name) {
        for i in &other.interface {
            let _ = writeln!(o, "- {} commits to: {i}", other.name);
        }
    }
    let names = contract_gate_core::interface::names_for(c);
    if !names.is_empty() {
        let _ = writeln!(o, "\nNames you must not change (the gate checks them; a change needs a contract edit by a human first):");
        for (who, n) in names {
            let _ = writeln!(o, "- `{n}` ({who})");
        }
    }
}

fn merge_order(o: &mut String, c: &Contract, a: &Agent) {
    let _ = writeln!(o, "\n## Merge order");
    match c.merge_position(&a.name) {
        Some(_) => {
            let line = c.merge_line(|n| {
                if n.eq_ignore_ascii_case(&a.name) {
                    format!("**{n} (you)**")
                } else {
                    n.to_string()
                }
            });
            let _ = writeln!(o, "{line}");
            if !c.predecessors(&a.name).is_empty() {
                let _ = writeln!(
                    o,
                    "\nYour pull request is blocked until the agents before you have merged; then rebase onto the base branch."
                );
            }
        }
        None if c.merge_order.is_empty() => {
            let _ = writeln!(o, "No merge order: agents are independent.");
        }
        None => {
            let _ = writeln!(o, "You are not in the merge order.");
        }
    }
}

fn checklist(o: &mut String, c: &Contract, a: &Agent) {
    let checks = c.required_checks(&a.name);
    let _ = writeln!(o, "\n## PR body checklist (paste and tick what you ran)\n");
    let _ = writeln!(o, "```markdown");
    let _ = writeln!(o, "## Verification");
    if checks.is_empty() {
        let _ = writeln!(o, "- [ ] (the contract requires no checks)");
    }
    for r in &checks {
        // The PR-notes check is the body itself, not a command to tick.
        if contract_gate_core::pr_body::is_pr_notes_check(&r.check) {
            continue;
        }
        let _ = writeln!(o, "- [ ] {}", r.check);
    }
    let _ = writeln!(o, "\n## Commands run\n- …\n\n## Remaining risk\n- …");
    let _ = writeln!(o, "```");
}
