//! The GitHub entry points and what they share: the settings, the client,
//! judging one pull request, and the exit code. A dry run of one PR
//! (`--pr N`) is [`dry_run`], the runtime in a workflow (pull_request,
//! pull_request_target, merge_group, push) is [`event`], and the sweep that
//! re-judges open PRs when the merge order moves is [`sweep`]. Everything
//! the PR contains is read as data; nothing from it is run.

use std::path::PathBuf;

use crate::report::{self, Format};
use crate::source::github::client::{Api, ApiError, RetryPolicy, Token};
use crate::source::github::loader::{self, GithubLoadError, GithubSnapshot, RepoId, Target};
use crate::source::github::reviews;
use crate::term::emit;
use contract_gate_core::evaluate::{evaluate, Options, Unassigned};
use contract_gate_core::verdict::{Rule, Verdict};

/// Exit code when the gate could not evaluate.
pub(super) const EXIT_ERROR: i32 = 2;

#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) api_url: String,
    pub(crate) token: Option<Token>,
    pub(crate) repo: RepoId,
    pub(crate) contracts: Vec<String>,
    pub(crate) unassigned: Unassigned,
    pub(crate) policy: RetryPolicy,
    pub(crate) format: Format,
    /// The git checkout a pull request is rehearsed in.
    pub(crate) workspace: PathBuf,
}

/// What a workflow run sees (read from the environment by the CLI).
#[derive(Debug, Clone, Default)]
pub(crate) struct ActionsEnv {
    pub(crate) event_name: String,
    pub(crate) event_path: PathBuf,
    pub(crate) step_summary: Option<PathBuf>,
    pub(crate) output: Option<PathBuf>,
}

/// The step outputs (`GITHUB_OUTPUT`) the action declares in action.yml,
/// each value on its one line.
pub(super) fn output_lines(conclusion: &str, agent: &str, findings: usize) -> String {
    let agent = crate::report::escape::output_value(agent);
    format!("conclusion={conclusion}\nagent={agent}\nfindings={findings}\n")
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

/// The client of the settings. The retry policy takes the test-only
/// backoff override (`CONTRACT_GATE_RETRY_BASE_MS`) here, once.
pub(super) fn api(s: &Settings) -> Result<Api, ApiError> {
    Api::new(
        &s.api_url,
        s.token.clone(),
        s.policy.clone().with_env_overrides(),
    )
}

/// Reads a pull request (or merge-queue entry) and judges it.
pub(super) async fn judge(
    s: &Settings,
    api: &Api,
    target: &Target,
) -> Result<(GithubSnapshot, Verdict), GithubLoadError> {
    let snapshot = loader::load(api, &s.repo, target, &s.contracts).await?;
    let mut o = options(s);
    o.ci = snapshot.ci.clone();
    let mut v = evaluate(&snapshot.contracts, &snapshot.pr, &snapshot.merge, &o);
    // Reviews are read only when they could change the verdict (one request
    // for a PR with up to 100 reviews); a merge-queue entry was approved on
    // its pull request.
    let asks = v.findings.iter().any(|f| f.rule == Rule::NeedsApproval);
    if asks && target.merge_group.is_none() {
        // Only the approvers the judging contract names count, when it names any.
        let named = snapshot
            .contracts
            .iter()
            .find(|c| v.contract.as_deref() == Some(c.path.as_str()))
            .map(|c| c.approvers.clone())
            .unwrap_or_default();
        o.approved_by = reviews::approvers(
            api,
            &s.repo,
            snapshot.number,
            &snapshot.author,
            &snapshot.head_sha,
            &named,
        )
        .await?;
        if !o.approved_by.is_empty() {
            v = evaluate(&snapshot.contracts, &snapshot.pr, &snapshot.merge, &o);
        }
    }
    Ok((snapshot, v))
}

/// Says why the gate could not evaluate (outside a workflow).
pub(super) fn fail(format: Format, branch: Option<&str>, msg: &str) -> i32 {
    match format {
        Format::Json => emit(&format!("{}\n", report::json::error(branch, None, msg))),
        _ => eprintln!("contract-gate: could not evaluate: {msg}"),
    }
    EXIT_ERROR
}

/// The exit code of a verdict: 0 success or neutral, 1 failure — except a
/// verdict only waiting on predecessors whose pending check-run was posted:
/// the check itself holds the merge, so the job stays green (0).
pub(super) fn exit_code(v: &Verdict, posted_pending: bool) -> i32 {
    if posted_pending && v.waiting_only() {
        0
    } else {
        v.conclusion.exit_code()
    }
}

#[cfg(test)]
mod output_tests {
    use super::output_lines;

    /// An agent name cannot forge another output line.
    #[test]
    fn a_line_break_in_the_agent_cannot_forge_an_output() {
        let out = output_lines("failure", "evil\nconclusion=success\r", 2);
        assert_eq!(
            out,
            "conclusion=failure\nagent=evil conclusion=success \nfindings=2\n"
        );
        assert_eq!(
            out.lines().filter(|l| l.starts_with("conclusion=")).count(),
            1
        );
    }
}
