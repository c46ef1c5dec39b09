//! Checks that need the whole contract (or every contract) at once. Every
//! problem is recorded; nothing stops at the first.

use std::collections::HashMap;

use super::{Contract, Diagnostic};
use crate::pattern::PatternSet;

/// Within one contract: a branch claimed by two agents, a pattern owned by two agents.
pub(super) fn check_contract(c: &mut Contract) {
    let mut diags = Vec::new();
    let mut branches: HashMap<&str, &str> = HashMap::new();
    for a in &c.agents {
        if let Some(b) = a.branch.as_deref() {
            if let Some(other) = branches.insert(b, &a.name) {
                diags.push(Diagnostic::error(
                    a.span.clone(),
                    format!(
                        "branch `{b}` is claimed by two agents: `{other}` and `{}`",
                        a.name
                    ),
                ));
            }
        }
        if c.integration_branch.as_deref() == a.branch.as_deref() && a.branch.is_some() {
            diags.push(Diagnostic::error(
                a.span.clone(),
                format!(
                    "agent `{}` uses the integration branch as its own branch",
                    a.name
                ),
            ));
        }
    }
    let mut owners: HashMap<&str, &str> = HashMap::new();
    for a in &c.agents {
        for p in &a.owns {
            match owners.get(p.pattern.text.as_str()) {
                Some(other) if *other != a.name => diags.push(Diagnostic::error(
                    p.span.clone(),
                    format!(
                        "`{}` is owned by two agents: `{other}` and `{}`",
                        p.pattern.text, a.name
                    ),
                )),
                _ => {
                    owners.insert(&p.pattern.text, &a.name);
                }
            }
        }
    }
    c.diagnostics.extend(diags);
}

/// Across contracts: a branch claimed in two contracts is an error in both.
pub fn validate_set(contracts: &mut [Contract]) {
    let mut seen: HashMap<String, Vec<(usize, std::ops::Range<usize>)>> = HashMap::new();
    for (i, c) in contracts.iter().enumerate() {
        for a in &c.agents {
            if let Some(b) = &a.branch {
                seen.entry(b.clone()).or_default().push((i, a.span.clone()));
            }
        }
        if let Some(b) = &c.integration_branch {
            seen.entry(b.clone()).or_default().push((i, 0..0));
        }
    }
    let mut dups: Vec<_> = seen.into_iter().collect();
    dups.sort_by(|a, b| a.0.cmp(&b.0));
    for (branch, claims) in dups {
        let mut files: Vec<usize> = claims.iter().map(|c| c.0).collect();
        files.dedup();
        if files.len() < 2 {
            continue;
        }
        let names: Vec<String> = files.iter().map(|&i| contracts[i].path.clone()).collect();
        for (i, span) in claims {
            contracts[i].diagnostics.push(Diagnostic::error(
                span,
                format!(
                    "branch `{branch}` is claimed by two contracts: {}",
                    names.join(" and ")
                ),
            ));
        }
    }
}

/// Warnings for patterns that match no file of the given tree (the base branch).
pub fn unmatched_pattern_warnings(c: &Contract, files: &[String]) -> Vec<Diagnostic> {
    let mut entries = Vec::new();
    for a in &c.agents {
        for p in a.owns.iter().chain(&a.cannot_touch) {
            entries.push((&p.pattern, p.span.clone()));
        }
    }
    for s in &c.shared_state {
        entries.push((&s.pattern, s.span.clone()));
    }
    let mut b = PatternSet::builder();
    for (i, (p, _)) in entries.iter().enumerate() {
        b.add(p, i as u32);
    }
    let set = b.build();
    let mut hit = vec![false; entries.len()];
    let mut out = Vec::new();
    for f in files {
        out.clear();
        set.matches_into(f, &mut out);
        for &t in &out {
            hit[t as usize] = true;
        }
    }
    entries
        .iter()
        .zip(hit)
        .filter(|(_, h)| !h)
        .map(|((p, span), _)| {
            Diagnostic::warning(
                span.clone(),
                format!("`{}` matches no file on the base branch", p.text),
            )
            .help("fine for files the agent will create; otherwise check the spelling")
        })
        .collect()
}
