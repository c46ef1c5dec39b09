//! Two agents whose scopes can match the same file. Patterns are grouped by
//! their literal anchor directory (a [`PatternSet`]), so each pattern is
//! tested only against patterns on its own path, never against all of them.

use std::collections::HashSet;

use super::{Code, Contract, Diagnostic};
use crate::pattern::{Pattern, PatternKind, PatternSet};

/// One owned pattern: (agent index, pattern index within the agent).
type Entry = (usize, usize);

fn entries(c: &Contract) -> Vec<Entry> {
    c.agents
        .iter()
        .enumerate()
        .flat_map(|(a, ag)| (0..ag.owns.len()).map(move |p| (a, p)))
        .collect()
}

fn pattern(c: &Contract, e: Entry) -> &Pattern {
    &entry(c, e).pattern
}

fn entry(c: &Contract, e: Entry) -> &super::PatternEntry {
    &c.agents[e.0].owns[e.1]
}

/// Files in Shared state with one owner may be in two scopes.
fn shared_owned(c: &Contract) -> PatternSet {
    let mut b = PatternSet::builder();
    for (i, s) in c.shared_state.iter().enumerate() {
        if s.owner.is_some() {
            b.add(&s.pattern, i as u32);
        }
    }
    b.build()
}

/// True when shared-state rule `r`'s `(except P)` takes `path` out of it.
fn shared_excepted(c: &Contract, r: u32, path: &str) -> bool {
    c.shared_state[r as usize]
        .except
        .iter()
        .any(|p| p.matches(path))
}

fn owns_set(c: &Contract, all: &[Entry]) -> PatternSet {
    let mut b = PatternSet::builder();
    for (i, &e) in all.iter().enumerate() {
        b.add(pattern(c, e), i as u32);
    }
    b.build()
}

/// Probe paths for an entry: its own sample, and for a glob, its tail under
/// every deeper non-literal pattern's anchor (`src/**/*.ts` under
/// `src/api/**` gives `src/api/x.ts`).
fn probes(c: &Contract, all: &[Entry], sorted: &[(String, usize)], i: usize) -> Vec<String> {
    let p = pattern(c, all[i]);
    let mut out = vec![p.sample()];
    if let PatternKind::Glob(g) = &p.kind {
        let anchor = p.anchor();
        let tail = crate::pattern::glob_sample(g[anchor.len()..].trim_start_matches('/'));
        // Only anchors strictly below this one: skip the run of equal
        // anchors at once (thousands of globs in one directory made this
        // loop quadratic), and each deeper anchor gives one probe.
        let prefix = format!("{anchor}/");
        let from = if anchor.is_empty() {
            sorted.partition_point(|(a, _)| a.is_empty())
        } else {
            sorted.partition_point(|(a, _)| a.as_str() < prefix.as_str())
        };
        let mut last: Option<&str> = None;
        for (a, j) in &sorted[from..] {
            if !anchor.is_empty() && !a.starts_with(&prefix) {
                break;
            }
            let other = pattern(c, all[*j]);
            if last != Some(a.as_str()) && !matches!(other.kind, PatternKind::Literal(_)) {
                last = Some(a.as_str());
                out.push(format!("{a}/{tail}"));
            }
        }
    }
    out
}

/// Scope-overlap errors from the patterns alone, and the agent pairs they name.
pub(super) fn pattern_overlaps(c: &Contract) -> (Vec<Diagnostic>, HashSet<(usize, usize)>) {
    let all = entries(c);
    let set = owns_set(c, &all);
    let shared = shared_owned(c);
    let mut sorted: Vec<(String, usize)> = all
        .iter()
        .enumerate()
        .map(|(i, &e)| (pattern(c, e).anchor().to_string(), i))
        .collect();
    sorted.sort();
    let mut seen = HashSet::new();
    let mut pairs = HashSet::new();
    let mut out = Vec::new();
    let mut hits = Vec::new();
    for i in 0..all.len() {
        for probe in probes(c, &all, &sorted, i) {
            hits.clear();
            set.matches_into(&probe, &mut hits);
            if !hits.contains(&(i as u32)) {
                continue;
            }
            for &j in &hits {
                let j = j as usize;
                if all[j].0 == all[i].0 || !seen.insert((i.min(j), i.max(j))) {
                    continue;
                }
                let mut sh = Vec::new();
                shared.matches_into(&probe, &mut sh);
                sh.retain(|&r| !shared_excepted(c, r, &probe));
                let excepted =
                    entry(c, all[i]).excepted(&probe) || entry(c, all[j]).excepted(&probe);
                if sh.is_empty() && !excepted {
                    let (x, y) = (all[i].0, all[j].0);
                    pairs.insert((x.min(y), x.max(y)));
                    out.push(overlap(c, all[i.min(j)], all[i.max(j)], &probe));
                }
            }
        }
    }
    (out, pairs)
}

fn overlap(c: &Contract, first: Entry, second: Entry, file: &str) -> Diagnostic {
    let (a, b) = (&c.agents[first.0], &c.agents[second.0]);
    let (pa, pb) = (&a.owns[first.1], &b.owns[second.1]);
    Diagnostic::error(
        Code::ScopeOverlap,
        pb.span.clone(),
        format!(
            "`{}` ({}) and `{}` ({}) are owned by two agents: both match `{file}`",
            pa.pattern.text, a.name, pb.pattern.text, b.name
        ),
    )
    .help("give the file to one agent, or list it in Shared state with one owner")
}

/// Scope-overlap errors from the files of the base tree: a file two agents'
/// scopes match (one error per agent pair, skipping pairs already reported).
pub(super) fn file_overlaps(c: &Contract, files: &[String]) -> Vec<Diagnostic> {
    let all = entries(c);
    let set = owns_set(c, &all);
    let shared = shared_owned(c);
    // Pairs the patterns already show overlapping were reported by `parse`.
    let (_, mut pairs) = pattern_overlaps(c);
    let mut out = Vec::new();
    let mut hits = Vec::new();
    let mut sh = Vec::new();
    for f in files {
        hits.clear();
        set.matches_into(f, &mut hits);
        if hits.len() < 2 {
            continue;
        }
        hits.sort_unstable();
        for (k, &i) in hits.iter().enumerate() {
            for &j in &hits[k + 1..] {
                let (ei, ej) = (all[i as usize], all[j as usize]);
                let pair = (ei.0.min(ej.0), ei.0.max(ej.0));
                if ei.0 == ej.0 || pairs.contains(&pair) {
                    continue;
                }
                sh.clear();
                shared.matches_into(f, &mut sh);
                sh.retain(|&r| !shared_excepted(c, r, f));
                let excepted = entry(c, ei).excepted(f) || entry(c, ej).excepted(f);
                if sh.is_empty() && !excepted {
                    pairs.insert(pair);
                    out.push(overlap(c, ei, ej, f));
                }
            }
        }
    }
    out
}
