//! The canonical form of a contract (`contract-gate fmt`): the model as the
//! gate read it, written back in one form per section, so an author (or a
//! planning agent) sees exactly what the gate will enforce. Reading the
//! canonical form gives the same model, and formatting it again gives the
//! same text (tests hold both).
//!
//! The form, section by section:
//! - `## Worktrees`: `- WORKTREE  branch: BRANCH  agent: NAME`;
//! - `## Scope` / `## Cannot touch`: `- NAME: `P`, `Q` (additions only), `R` (except `S`), prose`;
//! - `## Shared state`: `- `P`: NAME owns.` or `- `P`: nobody edits.`
//!   (then the policy as written, when it says more);
//! - `## Interface boundary`: `- NAME commits to: TEXT`;
//! - `## Merge order`: a numbered list, one stage per item, parallel
//!   agents joined by `and` with `(in parallel)`, notes in parentheses;
//! - `## Integration branch`: the branch in backticks;
//! - `## Verification matrix`: a table, `Required` / `Not required`, and a
//!   `CI check` column when a row names one;
//! - `## Permission policy`: the table as read;
//! - `## Approvers`: `- @user` items;
//! - notes stay prose lines of the section they were in.

use std::fmt::Write;

use super::{Contract, PatternEntry};

/// The canonical markdown of a contract.
pub fn canonical(c: &Contract) -> String {
    let mut o = String::new();
    let kept = Unread::of(c);
    if let Some(t) = &c.title {
        let _ = writeln!(o, "# {t}");
    }
    if !kept.preamble.is_empty() {
        let _ = write!(o, "\n{}\n", kept.preamble);
    }
    if table_form(c) {
        agents_table(&mut o, c);
    } else {
        agents(&mut o, c);
        patterns(&mut o, c, "Scope", |a| &a.owns);
        patterns(&mut o, c, "Cannot touch", |a| &a.cannot_touch);
    }
    shared(&mut o, c);
    interface(&mut o, c);
    order(&mut o, c);
    integration(&mut o, c);
    matrix(&mut o, c);
    permissions(&mut o, c);
    approvers(&mut o, c);
    for s in &kept.sections {
        let _ = write!(o, "\n{s}\n");
    }
    o
}

/// What the gate does not read, kept as written so `fmt` loses nothing:
/// the prose under the title, and each section the reader ignores
/// (unknown headings, superseded sections), in their order, after the
/// sections it reads. HTML comments and front matter are not kept (the
/// reader never sees them either).
struct Unread {
    preamble: String,
    sections: Vec<String>,
}

impl Unread {
    fn of(c: &Contract) -> Unread {
        use super::heading::Kind;
        let vis = super::blocks::visible(&c.source);
        let secs = super::blocks::sections(&vis);
        let kinds = super::parse::resolve_kinds(&secs);
        let end = |i: usize| secs.get(i + 1).map_or(vis.len(), |s| s.span.start);
        let text = |from: usize, i: usize| vis[from..end(i)].trim().to_string();
        let mut out = Unread {
            preamble: String::new(),
            sections: Vec::new(),
        };
        let mut titled = false;
        for (i, (s, (k, _))) in secs.iter().zip(&kinds).enumerate() {
            let body = if s.level == 0 {
                text(0, i)
            } else if s.level == 1 && !titled && c.title.is_some() {
                titled = true;
                text(s.span.end, i)
            } else {
                String::new()
            };
            if !body.is_empty() {
                if !out.preamble.is_empty() {
                    out.preamble.push_str("\n\n");
                }
                out.preamble.push_str(&body);
                continue;
            }
            let unread = s.level >= 1
                && (*k == Kind::Ignored
                    || (*k == Kind::Other && !super::agents::is_agent_section(s)));
            if unread && !(s.level == 1 && titled && i == first_h1(&secs)) {
                out.sections.push(text(s.span.start, i));
            }
        }
        out
    }
}

fn first_h1(secs: &[super::blocks::Section]) -> usize {
    secs.iter().position(|s| s.level == 1).unwrap_or(usize::MAX)
}

/// The notes kept from section `name`, each a paragraph line of its own.
fn notes(o: &mut String, c: &Contract, name: &str) {
    let mut any = false;
    for (n, s) in c.notes.iter().zip(&c.note_sections) {
        if s.eq_ignore_ascii_case(name) {
            if !any {
                o.push('\n');
                any = true;
            }
            let _ = writeln!(o, "{n}");
        }
    }
}

fn has_notes(c: &Contract, name: &str) -> bool {
    c.note_sections.iter().any(|s| s.eq_ignore_ascii_case(name))
}

fn heading(o: &mut String, name: &str) {
    let _ = write!(o, "\n## {name}\n\n");
}

/// A path in backticks (spaces and markdown characters stay literal).
fn code(p: &str) -> String {
    if p.contains('`') {
        format!("`` {p} ``")
    } else {
        format!("`{p}`")
    }
}

fn agents(o: &mut String, c: &Contract) {
    if c.agents.is_empty() && !has_notes(c, "Worktrees") {
        return;
    }
    heading(o, "Worktrees");
    for a in &c.agents {
        let _ = write!(o, "- ");
        if let Some(w) = &a.worktree {
            let _ = write!(o, "{w}  ");
        }
        if let Some(b) = &a.branch {
            let _ = write!(o, "branch: {b}  ");
        }
        let _ = writeln!(o, "agent: {}", a.name);
    }
    notes(o, c, "Worktrees");
}

/// Scopes read from an agents table (no Scope section) stay in a table: a
/// Scope section would make an agent that owns only prose an error (CG011).
fn table_form(c: &Contract) -> bool {
    !c.scope_section
        && c.agents.iter().any(|a| {
            !a.owns.is_empty()
                || !a.cannot_touch.is_empty()
                || !a.notes.is_empty()
                || !a.cannot_notes.is_empty()
        })
}

fn agents_table(o: &mut String, c: &Contract) {
    heading(o, "Agents");
    let _ = writeln!(
        o,
        "| Agent | Branch | Worktree | Owns | Cannot touch |\n|---|---|---|---|---|"
    );
    for a in &c.agents {
        // Each note goes back to the column it came from.
        let mut owns: Vec<String> = a.owns.iter().map(entry).collect();
        owns.extend(a.notes.iter().cloned());
        let mut cannot: Vec<String> = a.cannot_touch.iter().map(entry).collect();
        cannot.extend(a.cannot_notes.iter().cloned());
        let b = a.branch.as_deref().map(code).unwrap_or_default();
        let w = a.worktree.as_deref().map(code).unwrap_or_default();
        let _ = writeln!(
            o,
            "| {} | {b} | {w} | {} | {} |",
            cell(&a.name),
            cell(&owns.join(", ")),
            cell(&cannot.join(", "))
        );
    }
    notes(o, c, "Worktrees");
}

fn entry(e: &PatternEntry) -> String {
    let mut s = code(&e.pattern.text);
    if e.additions_only {
        s.push_str(" (additions only)");
    }
    if !e.except.is_empty() {
        let ex: Vec<String> = e.except.iter().map(|p| code(&p.text)).collect();
        let _ = write!(s, " (except {})", ex.join(", "));
    }
    s
}

fn patterns(
    o: &mut String,
    c: &Contract,
    name: &str,
    list: impl Fn(&super::Agent) -> &Vec<PatternEntry>,
) {
    let scope = name == "Scope";
    let lines: Vec<String> = c
        .agents
        .iter()
        .filter_map(|a| {
            let mut parts: Vec<String> = list(a).iter().map(entry).collect();
            // Prose items go back to the list they came from.
            parts.extend(
                if scope { &a.notes } else { &a.cannot_notes }
                    .iter()
                    .cloned(),
            );
            (!parts.is_empty()).then(|| format!("- {}: {}", a.name, parts.join(", ")))
        })
        .collect();
    if lines.is_empty() && !has_notes(c, name) {
        return;
    }
    heading(o, name);
    for l in lines {
        let _ = writeln!(o, "{l}");
    }
    notes(o, c, name);
}

fn shared(o: &mut String, c: &Contract) {
    if c.shared_state.is_empty() && !has_notes(c, "Shared state") {
        return;
    }
    heading(o, "Shared state");
    for r in &c.shared_state {
        let mut p = code(&r.pattern.text);
        if !r.except.is_empty() {
            let ex: Vec<String> = r.except.iter().map(|p| code(&p.text)).collect();
            let _ = write!(p, " (except {})", ex.join(", "));
        }
        // The policy as written: it names the owner (or nobody) itself,
        // and reading it again gives the same owner.
        let _ = writeln!(o, "- {p}: {}", r.policy.trim());
    }
    notes(o, c, "Shared state");
}

fn interface(o: &mut String, c: &Contract) {
    let any = c.agents.iter().any(|a| !a.interface.is_empty());
    if !any && !has_notes(c, "Interface boundary") {
        return;
    }
    heading(o, "Interface boundary");
    // Notes first: a paragraph after a commitment continues it.
    let mut wrote = false;
    for (n, s) in c.notes.iter().zip(&c.note_sections) {
        if s == "Interface boundary" {
            let _ = writeln!(o, "- {n}");
            wrote = true;
        }
    }
    if wrote {
        o.push('\n');
    }
    for a in &c.agents {
        for t in &a.interface {
            let _ = writeln!(o, "- {} commits to: {t}", a.name);
        }
    }
}

fn order(o: &mut String, c: &Contract) {
    if c.merge_order.is_empty() && !has_notes(c, "Merge order") {
        return;
    }
    heading(o, "Merge order");
    let mut k = 0;
    let steps = &c.merge_order;
    while k < steps.len() {
        let stage = steps[k].stage;
        let group: Vec<_> = steps[k..].iter().take_while(|s| s.stage == stage).collect();
        let names: Vec<String> = group
            .iter()
            .map(|s| match &s.note {
                Some(n) => format!("{} ({n})", s.agent),
                None => s.agent.clone(),
            })
            .collect();
        let n = stage + 1;
        if names.len() > 1 {
            let _ = writeln!(o, "{n}. {} (in parallel)", names.join(" and "));
        } else {
            let _ = writeln!(o, "{n}. {}", names[0]);
        }
        k += group.len();
    }
    notes(o, c, "Merge order");
}

fn integration(o: &mut String, c: &Contract) {
    let Some(b) = &c.integration_branch else {
        return;
    };
    heading(o, "Integration branch");
    let _ = writeln!(o, "{}", code(b));
    notes(o, c, "Integration branch");
}

/// A table cell: `|` escaped, line breaks impossible (cells are one line).
fn cell(t: &str) -> String {
    t.replace('|', "\\|")
}

fn matrix(o: &mut String, c: &Contract) {
    if c.matrix.is_empty() && !has_notes(c, "Verification matrix") {
        return;
    }
    heading(o, "Verification matrix");
    if !c.matrix.is_empty() {
        let ci = c.matrix.iter().any(|r| ci_cell(r).is_some());
        let mut head = vec!["Check".to_string()];
        if ci {
            head.push("CI check".into());
        }
        head.extend(c.matrix_columns.iter().map(|m| cell(m)));
        let _ = writeln!(o, "| {} |", head.join(" | "));
        let _ = writeln!(o, "|{}", "---|".repeat(head.len()));
        for r in &c.matrix {
            let mut row = vec![cell(&r.check)];
            if ci {
                row.push(ci_cell(r).map_or("—".into(), |t| cell(&t)));
            }
            for k in 0..c.matrix_columns.len() {
                let req = r.required.get(k).copied().unwrap_or(false);
                row.push(if req { "Required" } else { "Not required" }.into());
            }
            let _ = writeln!(o, "| {} |", row.join(" | "));
        }
    }
    notes(o, c, "Verification matrix");
}

/// A row's `CI check` cell: the check's name, its source when not GitHub
/// Actions, and its opt-ins, comma-separated.
fn ci_cell(r: &super::MatrixRow) -> Option<String> {
    let mut words: Vec<String> = r.ci.iter().map(|n| code(n)).collect();
    match &r.ci_source {
        super::CiSource::GithubActions => {}
        super::CiSource::App(a) => words.push(format!("app: {a}")),
        super::CiSource::Status => words.push("status".into()),
    }
    if r.skipped_ok {
        words.push("skipped ok".into());
    }
    if r.neutral_ok {
        words.push("neutral ok".into());
    }
    (!words.is_empty()).then(|| words.join(", "))
}

fn permissions(o: &mut String, c: &Contract) {
    let Some((head, rows)) = c.permission_policy.split_first() else {
        if has_notes(c, "Permission policy") {
            heading(o, "Permission policy");
            notes(o, c, "Permission policy");
        }
        return;
    };
    heading(o, "Permission policy");
    let w = head.len();
    let _ = writeln!(
        o,
        "| {} |",
        head.iter().map(|h| cell(h)).collect::<Vec<_>>().join(" | ")
    );
    let _ = writeln!(o, "|{}", "---|".repeat(w));
    for r in rows {
        let cells: Vec<String> = (0..w)
            .map(|i| cell(r.get(i).map_or("", String::as_str)))
            .collect();
        let _ = writeln!(o, "| {} |", cells.join(" | "));
    }
    notes(o, c, "Permission policy");
}

fn approvers(o: &mut String, c: &Contract) {
    if c.approvers.is_empty() {
        return;
    }
    heading(o, "Approvers");
    for a in &c.approvers {
        let _ = writeln!(o, "- {a}");
    }
    notes(o, c, "Approvers");
}

/// Everything of a contract the gate enforces or shows, without spans or
/// diagnostics, as one comparable text: reading [`canonical`] of a
/// contract gives the same model (notes compared as a set per section:
/// the canonical form gathers each agent's prose items in one line).
pub fn model_of(c: &Contract) -> String {
    let pats = |p: &[PatternEntry]| -> Vec<String> {
        p.iter()
            .map(|e| {
                let ex: Vec<&str> = e.except.iter().map(|x| x.text.as_str()).collect();
                format!("{} add={} except={ex:?}", e.pattern.text, e.additions_only)
            })
            .collect()
    };
    let mut o = String::new();
    for a in &c.agents {
        let mut notes = a.notes.clone();
        notes.sort();
        let mut cannot_notes = a.cannot_notes.clone();
        cannot_notes.sort();
        let _ = writeln!(
            o,
            "agent {:?} branch={:?} wt={:?}\n  owns={:?}\n  cannot={:?}\n  notes={notes:?}\n  cannot_notes={cannot_notes:?}\n  interface={:?}",
            a.name,
            a.branch,
            a.worktree,
            pats(&a.owns),
            pats(&a.cannot_touch),
            a.interface
        );
    }
    for r in &c.shared_state {
        let ex: Vec<&str> = r.except.iter().map(|x| x.text.as_str()).collect();
        let _ = writeln!(
            o,
            "shared {} owner={:?} except={ex:?} policy={:?}",
            r.pattern.text, r.owner, r.policy
        );
    }
    for s in &c.merge_order {
        let _ = writeln!(o, "step {} {} note={:?}", s.stage, s.agent, s.note);
    }
    let _ = writeln!(o, "integration={:?}", c.integration_branch);
    let _ = writeln!(o, "matrix columns={:?}", c.matrix_columns);
    for r in &c.matrix {
        let _ = writeln!(
            o,
            "row {:?} required={:?} ci={:?}",
            r.check, r.required, r.ci
        );
    }
    // Empty trailing cells say nothing (a list item written back as a
    // table row gains them).
    let perms: Vec<&[String]> = c
        .permission_policy
        .iter()
        .map(|r| {
            let n = r.iter().rposition(|x| !x.is_empty()).map_or(0, |i| i + 1);
            &r[..n]
        })
        .collect();
    let _ = writeln!(o, "permissions={perms:?}");
    let ap: Vec<String> = c.approvers.iter().map(|a| a.to_string()).collect();
    let _ = writeln!(o, "approvers={ap:?}");
    let mut notes: Vec<(String, String)> = c
        .note_sections
        .iter()
        .cloned()
        .zip(c.notes.iter().cloned())
        .collect();
    notes.sort();
    let _ = writeln!(o, "notes={notes:?}");
    o
}
