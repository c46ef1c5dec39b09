//! Checks that need the whole contract (or every contract) at once. Every
//! problem is recorded; nothing stops at the first.

use std::collections::{HashMap, HashSet};

use super::{Code, Contract, Diagnostic};
use crate::pattern::PatternSet;

/// Why a name cannot be a git branch (`git check-ref-format` rules), if so.
fn bad_branch(b: &str) -> Option<&'static str> {
    if b.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("it has a space or a control character");
    }
    if b.contains(['~', '^', ':', '?', '*', '[', '\\']) {
        return Some("it has one of ~ ^ : ? * [ \\");
    }
    if b.contains("..") || b.contains("@{") || b.contains("//") {
        return Some("it has `..`, `@{` or `//`");
    }
    if b.starts_with(['/', '-', '.']) || b.ends_with(['/', '.']) || b.ends_with(".lock") || b == "@"
    {
        return Some("it starts or ends as no branch can");
    }
    None
}

/// Within one contract: a branch claimed by two agents, scopes that overlap,
/// an agent without scope, a merge order that leaves agents out.
pub(super) fn check_contract(c: &mut Contract, has_scope_section: bool) {
    let mut diags = Vec::new();
    let mut branches: HashMap<&str, &str> = HashMap::new();
    for a in &c.agents {
        if let Some(why) = a.branch.as_deref().and_then(bad_branch) {
            diags.push(
                Diagnostic::error(
                    Code::InvalidBranch,
                    a.span.clone(),
                    format!("agent `{}`: `{}` cannot be a git branch ({why}): no pull request would ever match it", a.name, a.branch.as_deref().unwrap_or("")),
                )
                .help("write the branch name alone, as `git branch` shows it"),
            );
        }
        if let Some(b) = a.branch.as_deref() {
            if let Some(other) = branches.insert(b, &a.name) {
                diags.push(Diagnostic::error(
                    Code::DuplicateBranch,
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
                Code::IntegrationBranchReused,
                a.span.clone(),
                format!(
                    "agent `{}` uses the integration branch as its own branch",
                    a.name
                ),
            ));
        }
        if has_scope_section && a.owns.is_empty() {
            diags.push(
                Diagnostic::error(
                    Code::AgentWithoutScope,
                    a.span.clone(),
                    format!(
                        "agent `{}` owns nothing, but the contract has a Scope section: every file it commits would be blocked",
                        a.name
                    ),
                )
                .help("give the agent its paths in the Scope section"),
            );
        }
    }
    diags.extend(super::overlap::pattern_overlaps(c).0);
    if let Some(first) = c.merge_order.first() {
        let listed: HashSet<String> = c
            .merge_order
            .iter()
            .map(|s| s.agent.to_lowercase())
            .collect();
        let missing: Vec<&str> = c
            .agents
            .iter()
            .filter(|a| !listed.contains(&a.name.to_lowercase()))
            .map(|a| a.name.as_str())
            .collect();
        if !missing.is_empty() {
            diags.push(
                Diagnostic::warning(
                    Code::MergeOrderIncomplete,
                    first.span.clone(),
                    format!("the merge order leaves out `{}`", missing.join("`, `")),
                )
                .help("list every agent, or drop the Merge order section if they are independent"),
            );
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
                Code::BranchInTwoContracts,
                span,
                format!(
                    "branch `{branch}` is claimed by two contracts: {}",
                    names.join(" and ")
                ),
            ));
        }
    }
}

/// Diagnostics against the files of the base tree: patterns that match no
/// file (warnings) and files two agents' scopes both match (errors, unless
/// Shared state gives the file one owner).
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
    let mut diags: Vec<Diagnostic> = entries
        .iter()
        .zip(hit)
        .filter(|(_, h)| !h)
        .map(|((p, span), _)| {
            Diagnostic::warning(
                Code::UnmatchedPattern,
                span.clone(),
                format!("`{}` matches no file on the base branch", p.text),
            )
            .help("fine for files the agent will create; otherwise check the spelling")
        })
        .collect();
    diags.extend(super::overlap::file_overlaps(c, files));
    diags
}
