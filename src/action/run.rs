//! The GitHub entry points: a dry run of one PR (`--pr N`), the runtime in
//! a workflow (`event`: pull_request, pull_request_target, merge_group,
//! push), and the sweep that re-judges open PRs when the merge order moves.
//! Everything the PR contains is read as data; nothing from it is run.

use std::io::Write as _;
use std::path::PathBuf;

use super::post::{self, Posted, Stamp};
use crate::report::{self, checkrun, Format};
use crate::source::github::client::{Api, RetryPolicy, Token};
use crate::source::github::loader::{self, Loaded, RepoId, SourceError, Target};
use crate::source::github::models::{
    ApiPullRequest as ApiPr, MergeGroupEvent, PullRequestEvent, PushEvent,
};
use crate::term::emit;
use contract_gate_core::evaluate::{claims, evaluate, Options, Unassigned};
use contract_gate_core::verdict::{Conclusion, Verdict};

/// Exit code when the gate could not evaluate.
pub const EXIT_ERROR: i32 = 2;

#[derive(Debug, Clone)]
pub struct Settings {
    pub api_url: String,
    pub token: Option<Token>,
    pub repo: RepoId,
    pub contracts: Vec<String>,
    pub unassigned: Unassigned,
    pub policy: RetryPolicy,
    pub format: Format,
}

/// What a workflow run sees (read from the environment by the CLI).
#[derive(Debug, Clone, Default)]
pub struct ActionsEnv {
    pub event_name: String,
    pub event_path: PathBuf,
    pub step_summary: Option<PathBuf>,
    pub output: Option<PathBuf>,
}

fn options(s: &Settings) -> Options {
    let mut o = Options {
        unassigned: s.unassigned,
        ..Options::default()
    };
    for c in &s.contracts {
        let p = format!("path:{}", crate::source::local::normalise_path(c));
        if let Ok(p) = contract_gate_core::pattern::Pattern::parse(&p) {
            o.protected.push(p);
        }
    }
    o
}

fn api(s: &Settings) -> Result<Api, String> {
    Api::new(&s.api_url, s.token.clone(), s.policy.clone()).map_err(|e| e.to_string())
}

async fn judge(s: &Settings, api: &Api, target: &Target) -> Result<(Loaded, Verdict), SourceError> {
    let loaded = loader::load(api, &s.repo, target, &s.contracts).await?;
    let v = evaluate(&loaded.contracts, &loaded.pr, &loaded.merge, &options(s));
    Ok((loaded, v))
}

use crate::report::render;

fn fail(format: Format, branch: Option<&str>, msg: &str) -> i32 {
    match format {
        Format::Json => emit(&format!("{}\n", report::json::error(branch, None, msg))),
        _ => eprintln!("contract-gate: could not evaluate: {msg}"),
    }
    EXIT_ERROR
}

/// The exit code of a verdict: 0 success or neutral, 1 failure — except a
/// verdict only waiting on predecessors whose pending check-run was posted:
/// the check itself holds the merge, so the job stays green (0).
fn exit_code(v: &Verdict, posted_pending: bool) -> i32 {
    if posted_pending && v.waiting_only() {
        0
    } else {
        v.conclusion.exit_code()
    }
}

/// `contract-gate --pr N`: judges a real PR and prints the report; posts
/// the check-run only with `--post`.
pub async fn dry_run(s: &Settings, number: u64, post_it: bool) -> i32 {
    let api = match api(s) {
        Ok(a) => a,
        Err(e) => return fail(s.format, None, &e),
    };
    let stamp = Stamp::now();
    let (loaded, v) = match judge(
        s,
        &api,
        &Target {
            number,
            merge_group: None,
        },
    )
    .await
    {
        Ok(x) => x,
        Err(e) => return fail(s.format, None, &e.to_string()),
    };
    let read_requests = api.requests();
    emit(&render(s.format, &v));
    let mut pending = false;
    if post_it {
        let plan = checkrun::plan(&v);
        match post::report(
            &api,
            &s.repo,
            Some(number),
            &loaded.head_sha,
            &stamp,
            &plan,
            None,
        )
        .await
        {
            Ok(Posted::Run { id, .. }) => {
                pending = plan.status == "in_progress";
                eprintln!(
                    "contract-gate: posted check-run {id} on {}",
                    loaded.head_sha
                );
            }
            Ok(Posted::Skipped(why)) => eprintln!("contract-gate: not posted: {why}"),
            Ok(Posted::Forbidden(why)) => eprintln!("contract-gate: warning: {why}"),
            Err(e) => {
                eprintln!("contract-gate: posting failed: {e}");
                return EXIT_ERROR;
            }
        }
    }
    eprintln!(
        "contract-gate: {} API requests ({read_requests} to read the pull request)",
        api.requests()
    );
    exit_code(&v, pending)
}

/// Appends to a file named by the runner (`GITHUB_STEP_SUMMARY`, `GITHUB_OUTPUT`).
fn append(path: &Option<PathBuf>, text: &str) {
    if let Some(p) = path {
        let r = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(p)
            .and_then(|mut f| f.write_all(text.as_bytes()));
        if let Err(e) = r {
            eprintln!(
                "::warning::contract-gate could not write {}: {e}",
                p.display()
            );
        }
    }
}

/// The step summary holds at most 1 MiB.
const STEP_SUMMARY_MAX: usize = 1 << 20;

fn actions_outputs(env: &ActionsEnv, v: &Verdict) {
    let mut summary = report::markdown::summary(v);
    if summary.len() > STEP_SUMMARY_MAX - 200 {
        let mut cut = STEP_SUMMARY_MAX - 200;
        while !summary.is_char_boundary(cut) {
            cut -= 1;
        }
        summary.truncate(cut);
        summary.push_str("\n\n… truncated: the check-run holds the full report\n");
    }
    append(&env.step_summary, &format!("{summary}\n"));
    let conclusion = match v.conclusion {
        Conclusion::Success => "success",
        Conclusion::Neutral => "neutral",
        Conclusion::Failure => "failure",
    };
    append(
        &env.output,
        &format!(
            "conclusion={conclusion}\nagent={}\nfindings={}\n",
            v.agent.as_deref().unwrap_or(""),
            v.findings.len()
        ),
    );
    emit(&report::workflow::commands(v, 10));
}

/// Fails closed in a workflow: says why in the log, the step summary, the
/// outputs, and (when possible) a failed check-run on the head SHA.
async fn fail_closed(
    s: &Settings,
    env: &ActionsEnv,
    api: Option<&Api>,
    head_sha: Option<&str>,
    msg: &str,
) -> i32 {
    emit(&format!(
        "::error title=contract-gate::{}\n",
        report::workflow::escape_data(msg)
    ));
    append(
        &env.step_summary,
        &format!("## contract-gate could not evaluate\n\n{msg}\n"),
    );
    append(&env.output, "conclusion=failure\nagent=\nfindings=0\n");
    if let (Some(api), Some(sha)) = (api, head_sha) {
        let stamp = Stamp::now();
        let body = checkrun::create_body(
            sha,
            &format!("contract-gate:{}", stamp.millis),
            &stamp.rfc3339,
        );
        if let Ok(run) = api
            .post_json::<crate::source::github::models::CheckRun>(
                &s.repo.path("/check-runs"),
                &body,
            )
            .await
        {
            let done = serde_json::json!({
                "status": "completed", "conclusion": "failure", "completed_at": stamp.rfc3339,
                "output": {"title": "contract-gate could not evaluate", "summary": msg},
            });
            let _ = api
                .patch_json::<serde_json::Value>(
                    &s.repo.path(&format!("/check-runs/{}", run.id)),
                    &done,
                )
                .await;
        }
    }
    if s.format == Format::Json {
        emit(&format!("{}\n", report::json::error(None, None, msg)));
    }
    EXIT_ERROR
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
    let (loaded, v) = match judge(s, api, &target).await {
        Ok(x) => x,
        Err(e) => {
            let msg = e.to_string();
            if let Some(id) = run {
                let done = serde_json::json!({
                    "status": "completed", "conclusion": "failure", "completed_at": Stamp::now().rfc3339,
                    "output": {"title": "contract-gate could not evaluate", "summary": msg},
                });
                let _ = api
                    .patch_json::<serde_json::Value>(
                        &s.repo.path(&format!("/check-runs/{id}")),
                        &done,
                    )
                    .await;
            }
            return fail_closed(s, env, None, None, &msg).await;
        }
    };
    if loaded.head_sha != report_sha {
        emit(&format!(
            "::notice title=contract-gate::the pull request's head is now {}; the run for that push reports\n",
            loaded.head_sha
        ));
    }
    emit(&render(s.format, &v));
    actions_outputs(env, &v);
    let mut plan = checkrun::plan(&v);
    if target.merge_group.is_some() && plan.status == "in_progress" {
        // A merge queue waits on a pending check forever: a queued PR whose
        // predecessor has not merged fails, and leaves the queue.
        plan.status = "completed";
        plan.conclusion = Some("failure");
    }
    let mut pending = false;
    if run.is_some() {
        match post::report(api, &s.repo, guard_pr, report_sha, &stamp, &plan, run).await {
            Ok(Posted::Run { .. }) => pending = plan.status == "in_progress",
            Ok(Posted::Skipped(why)) => emit(&format!(
                "::notice title=contract-gate::not posted: {}\n",
                report::workflow::escape_data(&why)
            )),
            Ok(Posted::Forbidden(why)) => emit(&format!(
                "::warning title=contract-gate::{}\n",
                report::workflow::escape_data(&why)
            )),
            Err(e) => {
                return fail_closed(
                    s,
                    env,
                    None,
                    None,
                    &format!("posting the check-run failed: {e}"),
                )
                .await
            }
        }
    }
    eprintln!("contract-gate: {} API requests", api.requests());
    exit_code(&v, pending)
}

/// Merge queue heads are `refs/heads/gh-readonly-queue/BASE/pr-N-SHA`.
pub fn queued_pr_number(head_ref: &str) -> Option<u64> {
    let tail = head_ref.rsplit('/').next()?;
    let n = tail.strip_prefix("pr-")?.split('-').next()?;
    n.parse().ok()
}

const JUDGED_ACTIONS: &[&str] = &[
    "opened",
    "synchronize",
    "reopened",
    "edited",
    "ready_for_review",
];

/// The runtime in a workflow (`GITHUB_ACTIONS=true`).
pub async fn event(s: &Settings, env: &ActionsEnv) -> i32 {
    let api = match api(s) {
        Ok(a) => a,
        Err(e) => return fail_closed(s, env, None, None, &e).await,
    };
    match dispatch(s, env, &api).await {
        Ok(code) => code,
        Err(Unjudged { message, head_sha }) => {
            let api = head_sha.as_ref().map(|_| &api);
            fail_closed(s, env, api, head_sha.as_deref(), &message).await
        }
    }
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

fn parse<T: serde::de::DeserializeOwned>(raw: &str, event: &str) -> Result<T, String> {
    serde_json::from_str(raw).map_err(|e| format!("the {event} payload is unreadable: {e}"))
}

async fn dispatch(s: &Settings, env: &ActionsEnv, api: &Api) -> Result<i32, Unjudged> {
    let raw = std::fs::read_to_string(&env.event_path).map_err(|e| {
        format!(
            "cannot read the event payload {}: {e}",
            env.event_path.display()
        )
    })?;
    let name = env.event_name.as_str();
    match name {
        "pull_request" | "pull_request_target" => {
            let ev: PullRequestEvent = parse(&raw, name)?;
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
            };
            Ok(judge_and_report(s, env, api, target, &pr.head.sha).await)
        }
        "merge_group" => {
            let ev: MergeGroupEvent = parse(&raw, name)?;
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
            };
            Ok(judge_and_report(s, env, api, target, &g.head_sha).await)
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
            emit(&format!("contract-gate: nothing to do for `{other}` events (use pull_request_target, merge_group and push)\n"));
            Ok(0)
        }
    }
}

/// `contract-gate sweep`: re-judges every open PR into `base` whose branch
/// belongs to a contract on that base, and posts fresh check-runs.
pub async fn sweep(s: &Settings, base: &str, post_it: bool) -> i32 {
    match api(s) {
        Ok(api) => sweep_with(s, &api, base, post_it).await,
        Err(e) => fail(s.format, None, &e),
    }
}

async fn sweep_with(s: &Settings, api: &Api, base: &str, post_it: bool) -> i32 {
    let contracts = match loader::contracts_at(api, &s.repo, base, &s.contracts).await {
        Ok(c) => c,
        Err(e) => return fail(s.format, None, &format!("sweep of {base}: {e}")),
    };
    let mut open: Vec<ApiPr> = Vec::new();
    // PRs into the branch, and (when the branch is an integration branch)
    // the integrator's PR from it: an agent merging into it moves that one.
    let head = format!("{}:{base}", s.repo.owner);
    for (key, value) in [("base", base), ("head", head.as_str())] {
        for page in 1.. {
            let batch: Vec<ApiPr> = match api
                .get_json(
                    &s.repo.path("/pulls"),
                    &[
                        ("state", "open".to_string()),
                        (key, value.to_string()),
                        ("per_page", "100".to_string()),
                        ("page", page.to_string()),
                    ],
                )
                .await
            {
                Ok(b) => b,
                Err(e) => return fail(s.format, None, &format!("sweep of {base}: {e}")),
            };
            let n = batch.len();
            open.extend(batch.into_iter().filter(|p| {
                key == "base"
                    || contracts
                        .iter()
                        .any(|c| c.integration_branch.as_deref() == Some(base))
                        && p.head.name == base
            }));
            if n < 100 {
                break;
            }
        }
    }
    open.dedup_by_key(|p| p.number);
    let mut code = 0;
    let mut lines = Vec::new();
    for pr in open
        .iter()
        .filter(|p| !claims(&contracts, &p.head.name).is_empty())
    {
        let stamp = Stamp::now();
        let (loaded, v) = match judge(
            s,
            api,
            &Target {
                number: pr.number,
                merge_group: None,
            },
        )
        .await
        {
            Ok(x) => x,
            Err(e) => {
                lines.push(format!(
                    "#{} {}: could not evaluate: {e}",
                    pr.number, pr.head.name
                ));
                code = EXIT_ERROR;
                continue;
            }
        };
        let plan = checkrun::plan(&v);
        let outcome = if post_it {
            match post::report(
                api,
                &s.repo,
                Some(pr.number),
                &loaded.head_sha,
                &stamp,
                &plan,
                None,
            )
            .await
            {
                Ok(Posted::Run { id, .. }) => format!("posted check-run {id}"),
                Ok(Posted::Skipped(why)) => format!("not posted: {why}"),
                Ok(Posted::Forbidden(why)) => format!("not posted: {why}"),
                Err(e) => {
                    code = EXIT_ERROR;
                    format!("posting failed: {e}")
                }
            }
        } else {
            "dry run".to_string()
        };
        lines.push(format!(
            "#{} {} → {}: {} ({}) — {outcome}",
            pr.number,
            pr.head.name,
            base,
            plan.conclusion.unwrap_or("pending"),
            plan.title
        ));
    }
    emit(&format!(
        "contract-gate sweep of {base}: {} open pull request(s), {} governed by a contract\n",
        open.len(),
        lines.len()
    ));
    for l in lines {
        emit(&format!("  {l}\n"));
    }
    eprintln!("contract-gate: {} API requests", api.requests());
    code
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
