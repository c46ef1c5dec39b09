//! The pure core: (contracts, pull-request snapshot, merge state) → verdict.
//! No I/O, no clock, no environment; each rule group lives in its own module.

mod evidence_rule;
mod interface_rule;
mod order;
mod paths;
mod permission_rule;

pub use interface_rule::findings as interface_findings;
pub use paths::needs_removals;

use crate::change::{MergeState, PrSnapshot};
use crate::contract::{Contract, Severity, INTEGRATOR};
use crate::pattern::Pattern;
use crate::verdict::{Finding, Level, Role, Rule, Verdict};

/// What to do with a branch that no contract names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unassigned {
    /// A notice; the conclusion is neutral.
    #[default]
    Allow,
    /// A failure.
    Block,
}

/// How to evaluate.
#[derive(Debug, Clone)]
pub struct Options {
    /// What to do with a branch no contract names (look-alikes always fail).
    pub unassigned: Unassigned,
    /// Paths an agent branch may never change: contract files and the
    /// workflows that run the gate (a PR cannot edit its own gate away).
    pub protected: Vec<Pattern>,
    /// The CI checks of the head SHA (GitHub); `None` offline, where rows
    /// with a CI check say "CI not consulted offline".
    pub ci: Option<crate::ci_evidence::CiResults>,
    /// Changed paths the source found generated at the base (ignored by its
    /// `.gitignore` or marked `linguist-generated`), for `needs-approval`.
    pub generated: std::collections::BTreeSet<String>,
    /// Who approved the current head (GitHub; see [`crate::approval`]):
    /// any such approval turns `needs-approval` failures into notices.
    pub approved_by: Vec<String>,
    /// How many threads the path rules may use on a large change (the
    /// caller knows the machine; 1 keeps all work on the calling thread).
    pub threads: usize,
}

/// Contract locations read by default, and the gate's own configuration.
pub const DEFAULT_PROTECTED: &[&str] = &[
    "CONTRACT.md",
    ".github/contracts/",
    ".github/workflows/",
    ".github/contract-gate.yml",
    ".github/contract-gate.yaml",
];

impl Default for Options {
    fn default() -> Self {
        Options {
            unassigned: Unassigned::Allow,
            protected: DEFAULT_PROTECTED
                .iter()
                .filter_map(|p| Pattern::parse(p).ok())
                .collect(),
            ci: None,
            generated: Default::default(),
            approved_by: Vec::new(),
            threads: 1,
        }
    }
}

/// Who the head branch is in which contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// An agent's branch: indices of the contract and the agent.
    Agent {
        /// Index into the contracts.
        contract: usize,
        /// Index into the contract's agents.
        agent: usize,
    },
    /// The contract's integration branch.
    Integrator {
        /// Index into the contracts.
        contract: usize,
    },
}

/// Every contract claim on a branch (more than one is a contract error).
pub fn claims(contracts: &[Contract], branch: &str) -> Vec<Claim> {
    let mut out = Vec::new();
    for (ci, c) in contracts.iter().enumerate() {
        for (ai, a) in c.agents.iter().enumerate() {
            if a.branch.as_deref() == Some(branch) {
                out.push(Claim::Agent {
                    contract: ci,
                    agent: ai,
                });
            }
        }
        if c.integration_branch.as_deref() == Some(branch) {
            out.push(Claim::Integrator { contract: ci });
        }
    }
    out
}

/// The path rules' patterns for one claim, compiled ahead of
/// [`evaluate_prepared`]: a local check builds them while git is still
/// listing the change. Built for another claim or other protected paths,
/// they are not used (the rules compile their own).
pub struct Prepared {
    claim: Claim,
    protected: Vec<Pattern>,
    index: paths::Index,
}

impl Prepared {
    /// Compiles the patterns of `claim`'s contract and `options.protected`.
    pub fn new(contracts: &[Contract], claim: Claim, options: &Options) -> Option<Prepared> {
        let ci = match claim {
            Claim::Agent { contract, .. } | Claim::Integrator { contract } => contract,
        };
        Some(Prepared {
            claim,
            protected: options.protected.clone(),
            index: paths::Index::new(contracts.get(ci)?, options),
        })
    }
}

/// Judges one pull request against the contracts: every finding, the
/// merge progress and the evidence rows.
pub fn evaluate(
    contracts: &[Contract],
    pr: &PrSnapshot,
    merge: &MergeState,
    options: &Options,
) -> Verdict {
    evaluate_prepared(contracts, pr, merge, options, None)
}

/// [`evaluate`], with the path rules' patterns compiled ahead of time.
pub fn evaluate_prepared(
    contracts: &[Contract],
    pr: &PrSnapshot,
    merge: &MergeState,
    options: &Options,
    prepared: Option<&Prepared>,
) -> Verdict {
    let mut findings = Vec::new();
    if let Some(why) = &pr.files_truncated {
        findings.push(Finding::failure(Rule::Incomplete, why.clone()));
    }
    let all = claims(contracts, &pr.branch);
    let claim = match all.as_slice() {
        [] => return unassigned(contracts, pr, options, findings),
        [one] => *one,
        [first, ..] => {
            findings.push(claimed_twice(contracts, &all, &pr.branch));
            *first
        }
    };
    let (ci, role, agent_idx) = match claim {
        Claim::Agent { contract, agent } => (contract, Role::Agent, Some(agent)),
        Claim::Integrator { contract } => (contract, Role::Integrator, None),
    };
    let contract = &contracts[ci];
    contract_errors(contract, &mut findings);
    // Another contract that could not be read (a refused file, a line with
    // an error) may claim this branch or bind it too: fail closed.
    for (i, other) in contracts.iter().enumerate() {
        if i != ci {
            contract_errors(other, &mut findings);
        }
    }
    let who = match agent_idx {
        Some(i) => contract.agents[i].name.clone(),
        None => INTEGRATOR.to_string(),
    };

    order::base_branch(contract, agent_idx, pr, &mut findings);
    let index = prepared
        .filter(|p| p.claim == claim && p.protected == options.protected)
        .map(|p| &p.index);
    // The path rules and the permission rule walk the change once.
    let classifier = permission_rule::classifier(contract, agent_idx);
    let judging = paths::Judging {
        c: contract,
        agent: agent_idx,
        pr,
        options,
        prepared: index,
    };
    paths::check(&judging, &mut findings, |f, out| {
        if let Some(c) = &classifier {
            permission_rule::file(c, f, options, out);
        }
    });
    findings.extend(interface_rule::findings(&pr.interface));
    let progress = order::check(contract, agent_idx, pr, merge, &mut findings);
    let evidence = evidence_rule::check(contract, &who, pr, options.ci.as_ref(), &mut findings);

    let mut v = finish(
        pr,
        Judged {
            contract: Some(contract.path.clone()),
            agent: Some(who),
            findings,
            unassigned: false,
            merge_progress: progress,
            evidence,
        },
    );
    v.role = Some(role);
    v
}

/// Fewer changed files than this per thread are judged on one thread:
/// starting a thread costs more than a few thousand lookups.
const FILES_PER_THREAD: usize = 8192;

/// Runs `judge` over `items` in up to `threads` contiguous parts at once,
/// appending each part's findings in order: the result is the one a single
/// pass gives.
fn in_parts<T: Sync>(
    items: &[T],
    threads: usize,
    out: &mut Vec<Finding>,
    judge: impl Fn(&[T], &mut Vec<Finding>) + Sync,
) {
    let parts = threads.min(items.len() / FILES_PER_THREAD).max(1);
    if parts == 1 {
        return judge(items, out);
    }
    let size = items.len().div_ceil(parts);
    let judge = &judge;
    std::thread::scope(|s| {
        let mut chunks = items.chunks(size);
        let first = chunks.next().unwrap_or_default();
        let rest: Vec<_> = chunks
            .map(|chunk| {
                s.spawn(move || {
                    let mut found = Vec::new();
                    judge(chunk, &mut found);
                    found
                })
            })
            .collect();
        judge(first, out);
        for handle in rest {
            match handle.join() {
                Ok(found) => out.extend(found),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
}

/// The verdict on a branch no contract claims.
fn unassigned(
    contracts: &[Contract],
    pr: &PrSnapshot,
    options: &Options,
    mut findings: Vec<Finding>,
) -> Verdict {
    let level = match options.unassigned {
        Unassigned::Allow => Level::Notice,
        Unassigned::Block => Level::Failure,
    };
    let where_ = if contracts.is_empty() {
        "no contract was found".to_string()
    } else {
        let names: Vec<_> = contracts.iter().map(|c| c.path.as_str()).collect();
        format!("no agent of {} has it", names.join(", "))
    };
    // A branch that looks like an agent's fails whatever
    // `--unassigned` says: a typo must not slip past the contract.
    let finding = match crate::contract::lookalike_branch(contracts, &pr.branch) {
        Some(l) => Finding::failure(
            Rule::UnassignedBranch,
            format!(
                "branch `{}` is assigned to no agent, but it looks like an agent branch of {}: did you mean `{}` ({})?",
                pr.branch, l.contract, l.branch, l.agent
            ),
        ),
        None => Finding::failure(
            Rule::UnassignedBranch,
            format!("branch `{}` is assigned to no agent: {where_}", pr.branch),
        )
        .with_level(level),
    };
    findings.push(finding);
    // A contract with errors may have meant to claim this branch in
    // a line it could not read: fail closed, never a silent NEUTRAL.
    for c in contracts {
        contract_errors(c, &mut findings);
    }
    finish(
        pr,
        Judged {
            findings,
            unassigned: true,
            ..Judged::default()
        },
    )
}

/// The failure for a branch claimed more than once.
fn claimed_twice(contracts: &[Contract], all: &[Claim], branch: &str) -> Finding {
    let names: Vec<_> = all
        .iter()
        .map(|c| {
            let (ci, who) = match c {
                Claim::Agent { contract, agent } => {
                    (*contract, contracts[*contract].agents[*agent].name.clone())
                }
                Claim::Integrator { contract } => (*contract, INTEGRATOR.to_string()),
            };
            format!("{who} in {}", contracts[ci].path)
        })
        .collect();
    Finding::failure(
        Rule::ContractInvalid,
        format!(
            "branch `{}` is claimed more than once: {}",
            branch,
            names.join("; ")
        ),
    )
}

/// A `contract-invalid` failure per error diagnostic of `contract`.
fn contract_errors(contract: &Contract, findings: &mut Vec<Finding>) {
    for d in contract
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
    {
        findings.push(
            Finding::failure(Rule::ContractInvalid, d.message.clone())
                .at(contract.path.clone(), Some(contract.line_of(d.span.start))),
        );
    }
}

/// What the rules found for one branch, before it becomes a verdict.
#[derive(Default)]
struct Judged {
    contract: Option<String>,
    agent: Option<String>,
    findings: Vec<Finding>,
    /// No contract names the branch (a neutral conclusion without failures).
    unassigned: bool,
    merge_progress: Vec<crate::verdict::MergeStepState>,
    evidence: Vec<crate::verdict::EvidenceRow>,
}

fn finish(pr: &PrSnapshot, j: Judged) -> Verdict {
    let mut findings = j.findings;
    // Stable order for every reporter: by level and rule; within a rule the
    // sources' order (paths sorted, as git and GitHub list them).
    findings.sort_by_key(|f| (f.level, f.rule));
    Verdict {
        contract: j.contract,
        agent: j.agent,
        role: None,
        branch: pr.branch.clone(),
        base: pr.base.clone(),
        conclusion: Verdict::conclude(&findings, j.unassigned),
        findings,
        merge_progress: j.merge_progress,
        evidence: j.evidence,
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_ci;
#[cfg(test)]
mod tests_prepared;
