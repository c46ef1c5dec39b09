//! The runtime in a workflow (`GITHUB_ACTIONS=true`): reads the event
//! payload and judges the pull request or merge-queue entry it names, or
//! sweeps the base a push or merge moved.

use super::outputs::{actions_outputs, fail_closed};
use super::post::{self, Posted, Stamp};
use super::run::{api, exit_code, judge, ActionsEnv, Settings};
use super::sweep::sweep_with;
use crate::report::checkrun::RunStatus;
use crate::report::{self, checkrun, render};
use crate::source::github::client::Api;
use crate::source::github::loader::Target;
use crate::source::github::models::{CiEvent, MergeGroupEvent, PullRequestEvent, PushEvent};
use crate::term::emit;
use contract_gate_core::verdict::Conclusion;

const JUDGED_ACTIONS: &[&str] = &[
    "opened",
    "synchronize",
    "reopened",
    "edited",
    "ready_for_review",
];

/// The runtime in a workflow (`GITHUB_ACTIONS=true`).
pub(crate) async fn event(s: &Settings, env: &ActionsEnv) -> i32 {
    let api = match api(s) {
        Ok(a) => a,
        Err(e) => return fail_closed(s, env, None, None, &e.to_string()).await,
    };
    match dispatch(s, env, &api).await {
        Ok(code) => code,
        Err(Unjudged { message, head_sha }) => {
            let api = head_sha.as_ref().map(|_| &api);
            fail_closed(s, env, api, head_sha.as_deref(), &message).await
        }
    }
}

/// Merge queue heads are `refs/heads/gh-readonly-queue/BASE/pr-N-SHA`.
fn queued_pr_number(head_ref: &str) -> Option<u64> {
    let tail = head_ref.rsplit('/').next()?;
    let n = tail.strip_prefix("pr-")?.split('-').next()?;
    n.parse().ok()
}

/// Why an event could not be judged, and the SHA to report that on (when known).
struct Unjudged {
    message: String,
    head_sha: Option<String>,
}

impl From<String> for Unjudged {
    fn from(message: String) -> Self {
        Unjudged {
            message,
            head_sha: None,
        }
    }
}

/// Why an event's payload cannot be read.
#[derive(Debug, thiserror::Error)]
enum PayloadError {
    #[error("cannot read the event payload {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the {event} payload is unreadable: {source}")]
    Unreadable {
        event: String,
        #[source]
        source: serde_json::Error,
    },
}

impl From<PayloadError> for Unjudged {
    fn from(e: PayloadError) -> Self {
        Unjudged::from(e.to_string())
    }
}

fn parse<T: serde::de::DeserializeOwned>(raw: &str, event: &str) -> Result<T, PayloadError> {
    serde_json::from_str(raw).map_err(|source| PayloadError::Unreadable {
        event: event.to_string(),
        source,
    })
}

async fn dispatch(s: &Settings, env: &ActionsEnv, api: &Api) -> Result<i32, Unjudged> {
    let raw = std::fs::read_to_string(&env.event_path).map_err(|source| PayloadError::Read {
        path: env.event_path.display().to_string(),
        source,
    })?;
    let name = env.event_name.as_str();
    match name {
        "pull_request" | "pull_request_target" => {
            pull_request(s, env, api, parse(&raw, name)?).await
        }
        "merge_group" => merge_group(s, env, api, parse(&raw, name)?).await,
        "pull_request_review" | "pull_request_review_target" => {
            Ok(review(s, env, api, parse(&raw, name)?).await)
        }
        "workflow_run" | "check_suite" | "check_run" => {
            Ok(ci_completed(s, env, api, name, parse(&raw, name)?).await)
        }
        "push" => {
            let ev: PushEvent = parse(&raw, name)?;
            match ev.git_ref.strip_prefix("refs/heads/") {
                Some(branch) if !ev.deleted => Ok(sweep_with(s, api, branch, true).await),
                _ => {
                    emit(&format!(
                        "contract-gate: nothing to sweep for {}\n",
                        ev.git_ref
                    ));
                    Ok(0)
                }
            }
        }
        other => {
            emit(&format!("contract-gate: nothing to do for `{other}` events (use pull_request_target, merge_group, push, and workflow_run or check_suite to re-judge when CI completes)\n"));
            Ok(0)
        }
    }
}

async fn pull_request(
    s: &Settings,
    env: &ActionsEnv,
    api: &Api,
    ev: PullRequestEvent,
) -> Result<i32, Unjudged> {
    let pr = &ev.pull_request;
    if ev.action == "closed" {
        if pr.merged_at.is_some() {
            return Ok(sweep_with(s, api, &pr.base.name, true).await);
        }
        emit("contract-gate: pull request closed without merging; nothing to do\n");
        return Ok(0);
    }
    if !JUDGED_ACTIONS.contains(&ev.action.as_str()) {
        emit(&format!(
            "contract-gate: nothing to judge for `{}` events\n",
            ev.action
        ));
        return Ok(0);
    }
    // Report on the PR's head, never on GITHUB_SHA (a merge commit on
    // pull_request, the base on pull_request_target).
    let target = Target {
        number: pr.number,
        merge_group: None,
        delivered: Some(pr.clone()),
    };
    Ok(judge_and_report(s, env, api, target, &pr.head.sha).await)
}

async fn merge_group(
    s: &Settings,
    env: &ActionsEnv,
    api: &Api,
    ev: MergeGroupEvent,
) -> Result<i32, Unjudged> {
    if ev.action != "checks_requested" {
        emit(&format!(
            "contract-gate: nothing to judge for merge_group `{}`\n",
            ev.action
        ));
        return Ok(0);
    }
    let g = ev.merge_group;
    let Some(n) = queued_pr_number(&g.head_ref) else {
        return Err(Unjudged {
            message: format!(
                "cannot tell which pull request the merge group `{}` holds",
                g.head_ref
            ),
            head_sha: Some(g.head_sha),
        });
    };
    let target = Target {
        number: n,
        merge_group: Some((g.base_sha.clone(), g.head_sha.clone())),
        delivered: None,
    };
    Ok(judge_and_report(s, env, api, target, &g.head_sha).await)
}

/// A review was submitted, edited or dismissed: an approval may lift (or
/// its dismissal restore) `needs-approval`.
async fn review(s: &Settings, env: &ActionsEnv, api: &Api, ev: PullRequestEvent) -> i32 {
    if !matches!(ev.action.as_str(), "submitted" | "edited" | "dismissed") {
        emit(&format!(
            "contract-gate: nothing to judge for review `{}`\n",
            ev.action
        ));
        return 0;
    }
    let pr = &ev.pull_request;
    let target = Target {
        number: pr.number,
        merge_group: None,
        delivered: None,
    };
    judge_and_report(s, env, api, target, &pr.head.sha).await
}

/// CI finished on a commit: re-judge the pull requests whose head it is, so
/// a run waiting for CI (`ci-pending`) gets its verdict.
async fn ci_completed(s: &Settings, env: &ActionsEnv, api: &Api, name: &str, ev: CiEvent) -> i32 {
    let sub = ev.subject;
    // The gate's own check-run completing must not start another judgement.
    let own = name == "check_run" && sub.name.as_deref() == Some(checkrun::CHECK_NAME);
    if ev.action != "completed" || own {
        emit(&format!(
            "contract-gate: nothing to re-judge for {name} `{}`\n",
            ev.action
        ));
        return 0;
    }
    let mut numbers: Vec<u64> = sub.pull_requests.iter().map(|p| p.number).collect();
    numbers.sort_unstable();
    numbers.dedup();
    if numbers.is_empty() {
        emit(&format!(
            "::notice title=contract-gate::CI completed on {} but GitHub names no pull request of this repository for it (a fork's PR is re-judged on its next push or by the sweep)\n",
            sub.head_sha
        ));
        return 0;
    }
    let mut code = 0;
    for number in numbers {
        let target = Target {
            number,
            merge_group: None,
            delivered: None,
        };
        code = code.max(judge_and_report(s, env, api, target, &sub.head_sha).await);
    }
    code
}

/// Judges one PR (or merge-queue entry) in a workflow and reports it.
async fn judge_and_report(
    s: &Settings,
    env: &ActionsEnv,
    api: &Api,
    target: Target,
    report_sha: &str,
) -> i32 {
    let stamp = Stamp::now();
    // Created first, so the PR shows the check running; it is completed below.
    let run = match post::begin(api, &s.repo, report_sha, &stamp).await {
        Ok(r) => r,
        Err(e) => return fail_closed(s, env, Some(api), None, &e.to_string()).await,
    };
    if run.is_none() {
        emit("::warning title=contract-gate::the token cannot create check-runs (a fork PR's read-only token); reporting through annotations and the exit code\n");
    }
    let guard_pr = target.merge_group.is_none().then_some(target.number);
    let (snapshot, mut v) = match judge(s, api, &target).await {
        Ok(x) => x,
        Err(e) => {
            let msg = e.to_string();
            if let Some(id) = run {
                let _ = post::fail_run(api, &s.repo, id, &msg).await;
            }
            return fail_closed(s, env, None, None, &msg).await;
        }
    };
    if snapshot.head_sha != report_sha {
        emit(&format!(
            "::notice title=contract-gate::the pull request's head is now {}; the run for that push reports\n",
            snapshot.head_sha
        ));
    }
    // A merge-queue entry is the integrated result already.
    let section = match target.merge_group {
        None => super::rehearsal::apply(&s.workspace, &snapshot, &mut v),
        Some(_) => None,
    };
    emit(&render(s.format, &v));
    actions_outputs(env, &v, section.as_deref());
    let mut plan = checkrun::plan(&v);
    if let Some(section) = &section {
        checkrun::add_section(&mut plan, section);
    }
    if target.merge_group.is_some() && plan.status == RunStatus::InProgress {
        // A merge queue waits on a pending check forever: a queued PR whose
        // predecessor has not merged fails, and leaves the queue.
        plan.status = RunStatus::Completed(Conclusion::Failure);
    }
    let mut pending = false;
    if run.is_some() {
        match post::report(api, &s.repo, guard_pr, report_sha, &stamp, &plan, run).await {
            Ok(Posted::Run { .. }) => pending = plan.status == RunStatus::InProgress,
            Ok(Posted::Skipped(why)) => emit(&format!(
                "::notice title=contract-gate::not posted: {}\n",
                report::escape::command_data(&why)
            )),
            Ok(Posted::Forbidden(why)) => emit(&format!(
                "::warning title=contract-gate::{}\n",
                report::escape::command_data(&why)
            )),
            Err(e) => {
                let msg = format!("posting the check-run failed: {e}");
                // The run exists and may still say in_progress: complete it
                // as failure (best effort; if GitHub refuses this too, a
                // run left in progress still never passes).
                if let Some(id) = run {
                    let _ = post::fail_run(api, &s.repo, id, &msg).await;
                }
                return fail_closed(s, env, None, None, &msg).await;
            }
        }
    }
    eprintln!("contract-gate: {} API requests", api.requests());
    exit_code(&v, pending)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_queue_refs() {
        assert_eq!(
            queued_pr_number(
                "refs/heads/gh-readonly-queue/main/pr-104-929f8209d40f77f4abc622a499c93a83babdbe64"
            ),
            Some(104)
        );
        assert_eq!(queued_pr_number("refs/heads/main"), None);
    }
}
