//! The "Merge rehearsal" section of a pull request's check-run: the PR's
//! head trial-merged onto its base on top of the open pull requests that
//! come before it in the contract's merge order, with `git merge-tree` in
//! the workflow's checkout. Nothing is checked out, committed or pushed,
//! and nothing from any branch runs; the other PRs' heads are fetched as
//! `refs/pull/N/head` when the checkout lacks them.

use std::path::Path;

use crate::report::clamp::short_sha as short;
use crate::report::rehearsal::section::{self, Pull, Row, Skipped, Table};
use crate::source::github::loader::GithubSnapshot;
use crate::source::local::git::{is_object_id, GitError};
use crate::source::local::merge_tree::{require_merge_tree, Plumb};
use crate::source::local::rehearsal::{merge_steps, references, Merged, Planned, Tip};
use contract_gate_core::contract::Contract;
use contract_gate_core::rehearsal::caused_by_last;
use contract_gate_core::verdict::{Finding, Role, Verdict};

/// What the rehearsal adds to a pull request's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PrRehearsal {
    /// The check-run section (markdown), starting with its heading.
    section: String,
    /// The findings this PR causes on top of the others.
    findings: Vec<Finding>,
}

/// Rehearses the judged PR in the checkout at `dir` and adds what it
/// causes to `v` (re-concluded); returns the check-run section. Nothing
/// for a branch that is not an agent's.
pub(super) fn apply(dir: &Path, snap: &GithubSnapshot, v: &mut Verdict) -> Option<String> {
    let r = rehearse_pr(dir, snap, v)?;
    if !r.findings.is_empty() {
        v.findings.extend(r.findings);
        v.findings.sort_by_key(|f| (f.level, f.rule));
        v.conclusion = Verdict::conclude(&v.findings, false);
    }
    Some(r.section)
}

/// Rehearses the judged PR (an agent's) in the checkout at `dir`; None for
/// a branch no contract gives an agent.
fn rehearse_pr(dir: &Path, snap: &GithubSnapshot, v: &Verdict) -> Option<PrRehearsal> {
    if v.role != Some(Role::Agent) {
        return None;
    }
    let c = snap
        .contracts
        .iter()
        .find(|c| v.contract.as_deref() == Some(c.path.as_str()))?;
    let me = v.agent.as_deref()?;
    let plan = plan(c, snap, me)?;
    // Commit ids reach git as arguments: only ever hexadecimal ids.
    let ids = plan.iter().filter_map(|p| match &p.tip {
        Tip::Commit(sha) => Some(sha.as_str()),
        _ => None,
    });
    if let Some(bad) = std::iter::once(snap.base_sha.as_str())
        .chain(ids)
        .find(|s| !is_object_id(s))
    {
        return Some(note(Skipped::NotACommit(bad)));
    }
    if !plan[..plan.len() - 1]
        .iter()
        .any(|p| matches!(p.tip, Tip::Commit(_)))
    {
        return Some(note(Skipped::NothingBefore));
    }
    Some(match run(dir, snap, c, &plan) {
        Ok((merged, findings)) => PrRehearsal {
            section: table(snap, &merged, &plan, &findings),
            findings,
        },
        Err(why) => note(Skipped::Failed(&why.to_string())),
    })
}

fn note(why: Skipped) -> PrRehearsal {
    PrRehearsal {
        section: section::skipped(why),
        findings: Vec::new(),
    }
}

/// The agents before `me` in the merge order, each with its open PR's head
/// (or merged, or nothing), then `me` with this PR's head.
fn plan(c: &Contract, snap: &GithubSnapshot, me: &str) -> Option<Vec<Planned>> {
    c.merge_position(me)?;
    let mut plan: Vec<Planned> = c
        .predecessors(me)
        .into_iter()
        .map(|s| {
            let agent = c.agent(&s.agent);
            let name = agent.map_or(s.agent.clone(), |a| a.name.clone());
            let merged = snap
                .merge
                .get(&name)
                .is_some_and(|m| m.merged_into_base.is_some());
            let tip = match snap.open_prs.get(&name) {
                _ if merged => Tip::Merged,
                Some(pr) => Tip::Commit(pr.head_sha.clone()),
                None => Tip::Missing,
            };
            Planned {
                agent: name,
                branch: agent.and_then(|a| a.branch.clone()),
                tip,
            }
        })
        .collect();
    plan.push(Planned {
        agent: c.agent(me).map_or(me.to_string(), |a| a.name.clone()),
        branch: Some(snap.pr.branch.clone()),
        tip: Tip::Commit(snap.head_sha.clone()),
    });
    Some(plan)
}

/// Makes sure the checkout has every commit, then merges and judges.
fn run(
    dir: &Path,
    snap: &GithubSnapshot,
    c: &Contract,
    plan: &[Planned],
) -> Result<(Merged, Vec<Finding>), RehearsalError> {
    let p = Plumb::new(dir);
    let says = |args: &[&str]| p.line(args).is_ok_and(|l| l == "true");
    if !says(&["rev-parse", "--is-inside-work-tree"]) {
        return Err(RehearsalError::NoCheckout(dir.display().to_string()));
    }
    if says(&["rev-parse", "--is-shallow-repository"]) {
        return Err(RehearsalError::Shallow);
    }
    require_merge_tree(&p)?;
    fetch_missing(&p, snap, plan)?;
    let merged = merge_steps(&p, c, &snap.base_sha, plan)?;
    let refs = references(&p, &merged.steps, &merged.final_tree)?;
    let findings = caused_by_last(&merged.steps, &refs);
    Ok((merged, findings))
}

/// Fetches the pull requests' heads (and the base) the checkout lacks.
/// Why the PR could not be rehearsed in the workflow's checkout (the
/// section then says so; the verdict does not depend on it).
#[derive(Debug, thiserror::Error)]
enum RehearsalError {
    #[error(
        "{0} is not a git checkout (run `actions/checkout` with `fetch-depth: 0` before the gate)"
    )]
    NoCheckout(String),
    #[error("the checkout is shallow, so merge bases are unknown (set `fetch-depth: 0` on `actions/checkout`)")]
    Shallow,
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("`git {args}` failed: {stderr}")]
    Fetch { args: String, stderr: String },
    #[error("commit {sha} is not in the checkout after fetching `{reference}` (pushed again since it was listed?)")]
    Moved { sha: String, reference: String },
}

fn fetch_missing(p: &Plumb, snap: &GithubSnapshot, plan: &[Planned]) -> Result<(), RehearsalError> {
    let have = |sha: &str| {
        p.output(&["cat-file", "-e", &format!("{sha}^{{commit}}")])
            .is_ok_and(|o| o.status.success())
    };
    let mut wanted: Vec<(String, String)> = Vec::new();
    if !have(&snap.base_sha) {
        wanted.push((
            snap.base_sha.clone(),
            format!("refs/heads/{}", snap.pr.base),
        ));
    }
    let numbers = plan.iter().map(|s| {
        snap.open_prs
            .get(&s.agent)
            .map(|pr| pr.number)
            .unwrap_or(snap.number)
    });
    for (step, number) in plan.iter().zip(numbers) {
        if let Tip::Commit(sha) = &step.tip {
            if !have(sha) {
                wanted.push((sha.clone(), format!("refs/pull/{number}/head")));
            }
        }
    }
    if wanted.is_empty() {
        return Ok(());
    }
    // A stalled transfer gives up after a minute rather than holding the
    // job until its timeout.
    let mut args = vec![
        "-c",
        "http.lowSpeedLimit=1",
        "-c",
        "http.lowSpeedTime=60",
        "fetch",
        "--no-tags",
        "--quiet",
        "origin",
    ];
    args.extend(wanted.iter().map(|(_, r)| r.as_str()));
    let out = p.output(&args)?;
    if !out.status.success() {
        return Err(RehearsalError::Fetch {
            args: args.join(" "),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    // A head that moved since GitHub listed it is not the one judged.
    match wanted.iter().find(|(sha, _)| !have(sha)) {
        Some((sha, r)) => Err(RehearsalError::Moved {
            sha: short(sha).to_string(),
            reference: r.clone(),
        }),
        None => Ok(()),
    }
}

/// The section's table: each step with its pull request, then what this
/// PR causes.
fn table(snap: &GithubSnapshot, m: &Merged, plan: &[Planned], findings: &[Finding]) -> String {
    let last = m.steps.len().saturating_sub(1);
    let rows = m
        .steps
        .iter()
        .zip(plan)
        .enumerate()
        .map(|(i, (step, planned))| {
            let pull = if i == last {
                Pull::This(snap.number)
            } else {
                match (&planned.tip, snap.open_prs.get(&step.agent)) {
                    (Tip::Merged, _) => Pull::Merged,
                    (_, Some(pr)) => Pull::Open {
                        number: pr.number,
                        head_sha: &pr.head_sha,
                    },
                    _ => Pull::None,
                }
            };
            Row { step, pull }
        })
        .collect();
    section::table(&Table {
        base: &snap.pr.base,
        base_sha: &snap.base_sha,
        rows,
        findings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use contract_gate_core::rehearsal::StepState;

    #[test]
    fn only_hexadecimal_ids_are_object_ids() {
        assert!(is_object_id(&"a1".repeat(20)));
        assert!(is_object_id(&"F0".repeat(32)));
        assert!(!is_object_id("--upload-pack=x"));
        assert!(!is_object_id(&"g1".repeat(20)));
        assert!(!is_object_id("abc1234"));
    }

    fn step(agent: &str, state: StepState) -> contract_gate_core::rehearsal::Step {
        contract_gate_core::rehearsal::Step {
            agent: agent.into(),
            branch: None,
            state,
            conflicts: Vec::new(),
            added: Vec::new(),
            changed: Vec::new(),
            removed: Vec::new(),
            tree: None,
        }
    }

    /// The section as a check-run shows it, whole: one row per step, then
    /// what this PR causes (a hostile agent name stays inside its cell).
    #[test]
    fn the_section_renders_exactly() {
        use crate::source::github::loader::OpenPr;
        use contract_gate_core::change::PrSnapshot;
        use contract_gate_core::verdict::Rule;
        let sha = |c: char| c.to_string().repeat(40);
        let snap = GithubSnapshot {
            contracts: Vec::new(),
            pr: PrSnapshot {
                branch: "agents/b".into(),
                base: "main".into(),
                ..PrSnapshot::default()
            },
            merge: Default::default(),
            head_sha: sha('c'),
            base_sha: sha('a'),
            number: 3,
            ci: None,
            author: String::new(),
            open_prs: [(
                "agent|0".to_string(),
                OpenPr {
                    number: 1,
                    head_sha: sha('b'),
                },
            )]
            .into(),
        };
        let mut conflicted = step("agent-2", StepState::Conflict);
        conflicted.conflicts = vec![contract_gate_core::rehearsal::ConflictFile {
            path: "src/auth.ts".into(),
            kind: "content".into(),
        }];
        let merged = Merged {
            base_tree: sha('d'),
            steps: vec![
                step("agent|0", StepState::Clean),
                step("agent-1", StepState::AlreadyMerged),
                conflicted,
            ],
            final_tree: sha('e'),
        };
        let planned = |agent: &str, tip: Tip| Planned {
            agent: agent.into(),
            branch: None,
            tip,
        };
        let plan = [
            planned("agent|0", Tip::Commit(sha('b'))),
            planned("agent-1", Tip::Merged),
            planned("agent-2", Tip::Commit(sha('c'))),
        ];
        let findings = [Finding::failure(
            Rule::Conflict,
            "agent-2 conflicts with agent|0 in src/auth.ts (content)",
        )
        .with_level(contract_gate_core::verdict::Level::Warning)
        .at("src/auth.ts", None)];
        assert_eq!(table(&snap, &merged, &plan, &findings), GOLDEN);
    }

    const GOLDEN: &str = r"### Merge rehearsal

This pull request trial-merged onto `main` (aaaaaaa) after the open pull requests before it in the merge order (`git merge-tree` in the workflow's checkout: nothing is checked out, pushed or run).

| step | agent | pull request | result |
|---|---|---|---|
| 1 | agent\|0 | #1 at bbbbbbb | merges cleanly |
| 2 | agent-1 | merged | already in the base |
| 3 | agent-2 | #3 (this one) | conflicts: `src/auth.ts` (content) |

- **warning** `conflict`: `src/auth.ts` — agent-2 conflicts with agent\|0 in src/auth.ts (content)
";
}
