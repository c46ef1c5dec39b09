//! Merge state on GitHub: whether each predecessor's pull request merged
//! into the base (or, for the integrator, into the integration branch), and
//! whether the head contains it, looked up concurrently.

use std::collections::BTreeMap;

use tokio::task::JoinSet;

use super::client::{Api, ApiError};
use super::models::{ApiPullRequest as ApiPr, CheckConclusion, CheckStatus, Compare, PrState};
use super::repo::{GithubLoadError, RepoId};
use contract_gate_core::change::{AgentMerge, MergeState, PullChecks, PullState};
use contract_gate_core::ci_evidence::GATE_CHECK_NAME;
use contract_gate_core::contract::{self, Contract};
use contract_gate_core::evaluate::Claim;

/// Pages of one branch's pull requests read at most (1,000): past that the
/// merge state is not judged.
const MAX_PR_PAGES: usize = 10;

/// Where the judged change sits.
pub(super) struct Refs<'a> {
    pub(super) base_branch: &'a str,
    pub(super) head_branch: &'a str,
    pub(super) head_sha: &'a str,
    /// A merge group's base SHA: predecessors queued ahead are in it.
    pub(super) queue_base: Option<&'a str>,
}

/// What one predecessor's lookup needs, owned so it can run as a task.
#[derive(Clone)]
struct Lookup {
    api: Api,
    repo: RepoId,
    /// The branch the predecessor merges into.
    into: String,
    head_sha: String,
    queue_base: Option<String>,
    integrator: bool,
}

/// An agent's open pull request: what a merge rehearsal merges for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OpenPr {
    pub(crate) number: u64,
    pub(crate) head_sha: String,
}

/// Merge state of the agents this branch depends on (its predecessors, or
/// every agent for the integrator), looked up concurrently, and the open
/// pull request of each that has one (the same requests: they list every
/// state).
pub(super) async fn fetch_merge_state(
    api: &Api,
    repo: &RepoId,
    c: &Contract,
    claim: Claim,
    refs: Refs<'_>,
) -> Result<(MergeState, BTreeMap<String, OpenPr>), GithubLoadError> {
    let (agents, into, integrator): (Vec<&contract::Agent>, &str, bool) = match claim {
        Claim::Agent { agent, .. } => {
            let me = &c.agents[agent].name;
            let preds = c
                .predecessors(me)
                .into_iter()
                .filter_map(|s| c.agent(&s.agent))
                .collect();
            (preds, refs.base_branch, false)
        }
        Claim::Integrator { .. } => (c.agents.iter().collect(), refs.head_branch, true),
    };
    let lookup = Lookup {
        api: api.clone(),
        repo: repo.clone(),
        into: into.to_string(),
        head_sha: refs.head_sha.to_string(),
        queue_base: refs.queue_base.map(String::from),
        integrator,
    };
    let mut set = JoinSet::new();
    for a in agents {
        let Some(branch) = a.branch.clone() else {
            continue;
        };
        let (lookup, name) = (lookup.clone(), a.name.clone());
        set.spawn(async move { (name, agent_merge(&lookup, &branch).await) });
    }
    let mut out = MergeState::new();
    let mut open = BTreeMap::new();
    while let Some(r) = set.join_next().await {
        let (name, r) = r.map_err(|e| GithubLoadError::Other(format!("a task failed: {e}")))?;
        let (merge, pr) = r?;
        if let Some(pr) = pr {
            open.insert(name.clone(), pr);
        }
        out.insert(name, merge);
    }
    Ok((out, open))
}

/// One predecessor's merge state, and its open PR. It has merged when a
/// closed PR from its branch into `into` has `merged_at`; the head must
/// then contain it.
async fn agent_merge(l: &Lookup, branch: &str) -> Result<(AgentMerge, Option<OpenPr>), ApiError> {
    // Open PRs too: the rehearsal merges an open one's head, and in a merge
    // queue a predecessor may be queued ahead (open, its head already in
    // the group's base).
    let (pages, ended) = l
        .api
        .get_all_pages::<Vec<ApiPr>>(
            &l.repo.path("/pulls"),
            &[
                ("state", "all".to_string()),
                ("head", format!("{}:{branch}", l.repo.owner)),
                ("base", l.into.clone()),
                ("per_page", "100".to_string()),
            ],
            MAX_PR_PAGES,
        )
        .await?;
    if !ended {
        return Err(ApiError::Incomplete {
            what: format!(
                "the pull requests from `{branch}` into `{}` (more than {} pages)",
                l.into, MAX_PR_PAGES
            ),
        });
    }
    let prs: Vec<ApiPr> = pages.into_iter().flatten().collect();
    let open = prs
        .iter()
        .filter(|p| p.state == Some(PrState::Open))
        .max_by_key(|p| p.number)
        .map(|p| OpenPr {
            number: p.number,
            head_sha: p.head.sha.clone(),
        });
    let merged = prs
        .iter()
        .filter(|p| p.merged_at.is_some())
        .max_by(|a, b| a.merged_at.cmp(&b.merged_at));
    let Some(pr) = merged else {
        let mut state = queued_ahead(l, &prs).await?;
        if state.merged_into_base.is_none() {
            state.pull = match &open {
                Some(o) => PullState::Open {
                    number: o.number,
                    checks: gate_checks(l, &o.head_sha).await?,
                },
                None => PullState::None,
            };
        }
        return Ok((state, open));
    };
    let merged_into_base = Some(format!("#{}", pr.number));
    // Merged into the integration branch, which is the head; else the head
    // contains the predecessor when it contains the merge commit (rebased
    // onto the base), or the predecessor's own head (a stacked branch; also
    // after a squash merge).
    let in_head = l.integrator || {
        let shas = [pr.merge_commit_sha.as_deref(), Some(pr.head.sha.as_str())];
        let mut found = false;
        for sha in shas.into_iter().flatten() {
            if contains(l, sha, &l.head_sha).await? {
                found = true;
                break;
            }
        }
        found
    };
    Ok((
        AgentMerge {
            merged_into_base,
            in_head,
            pull: PullState::None,
        },
        open,
    ))
}

/// How the gate's own latest check-run on an open predecessor's head stands
/// (one request; it replaces the compare a merged predecessor costs).
async fn gate_checks(l: &Lookup, sha: &str) -> Result<PullChecks, ApiError> {
    let list = super::checks::read_all_check_runs(
        &l.api,
        &l.repo.path(&format!("/commits/{sha}/check-runs")),
        &[
            ("check_name", GATE_CHECK_NAME.to_string()),
            ("per_page", "100".to_string()),
        ],
        &format!("`{GATE_CHECK_NAME}` check-runs on {sha}"),
    )
    .await?;
    let latest = list.check_runs.iter().max_by_key(|r| r.id);
    Ok(match latest {
        None => PullChecks::NotRun,
        Some(r) if r.status != Some(CheckStatus::Completed) => PullChecks::Running,
        // An unknown conclusion is not a pass.
        Some(r) => match r.conclusion {
            Some(
                CheckConclusion::Success | CheckConclusion::Neutral | CheckConclusion::Skipped,
            ) => PullChecks::Passing,
            _ => PullChecks::Failing,
        },
    })
}

/// A predecessor with no merged PR counts as merged in a merge queue when
/// its open PR's head is in the group's base (queued ahead).
async fn queued_ahead(l: &Lookup, prs: &[ApiPr]) -> Result<AgentMerge, ApiError> {
    let open = prs.iter().find(|p| p.state == Some(PrState::Open));
    if let (Some(qb), Some(open)) = (&l.queue_base, open) {
        // The group's head contains its base, so the head has it too.
        if contains(l, &open.head.sha, qb).await? {
            return Ok(AgentMerge {
                merged_into_base: Some(format!("#{} (queued ahead)", open.number)),
                in_head: true,
                pull: PullState::None,
            });
        }
    }
    Ok(AgentMerge::default())
}

/// Whether `head` contains `sha` (compare API: `ahead` or `identical`).
async fn contains(l: &Lookup, sha: &str, head: &str) -> Result<bool, ApiError> {
    let cmp: Compare = l
        .api
        .get_json(
            &l.repo.path(&format!("/compare/{sha}...{head}")),
            &[("per_page", "1".to_string())],
        )
        .await?;
    Ok(cmp.status.contains_base())
}
