//! What a workflow step leaves besides the check-run: the step summary
//! (`GITHUB_STEP_SUMMARY`), the outputs (`GITHUB_OUTPUT`), workflow
//! commands, and the fail-closed report when nothing could be judged.

use std::io::Write as _;
use std::path::PathBuf;

use super::post::{self, Stamp};
use super::run::{output_lines, ActionsEnv, Settings, EXIT_ERROR};
use crate::report::{self, Format};
use crate::source::github::client::Api;
use crate::term::emit;
use contract_gate_core::verdict::Verdict;

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

/// The step summary, the outputs and the first workflow commands of a verdict.
pub(super) fn actions_outputs(env: &ActionsEnv, v: &Verdict, section: Option<&str>) {
    append(
        &env.step_summary,
        &report::workflow::step_summary(v, section),
    );
    let conclusion = v.conclusion.as_str();
    let agent = v.agent.as_deref().unwrap_or("");
    append(
        &env.output,
        &output_lines(conclusion, agent, v.findings.len()),
    );
    emit(&report::workflow::commands(v, 10));
}

/// Fails closed in a workflow: says why in the log, the step summary, the
/// outputs, and (when possible) a failed check-run on the head SHA.
pub(super) async fn fail_closed(
    s: &Settings,
    env: &ActionsEnv,
    api: Option<&Api>,
    head_sha: Option<&str>,
    msg: &str,
) -> i32 {
    emit(&format!(
        "::error title=contract-gate::{}\n",
        report::escape::command_data(msg)
    ));
    append(
        &env.step_summary,
        &format!("## contract-gate could not evaluate\n\n{msg}\n"),
    );
    append(&env.output, &output_lines("failure", "", 0));
    if let (Some(api), Some(sha)) = (api, head_sha) {
        // Best effort: the log, summary and outputs already say why.
        if let Ok(Some(id)) = post::begin(api, &s.repo, sha, &Stamp::now()).await {
            let _ = post::fail_run(api, &s.repo, id, msg).await;
        }
    }
    if s.format == Format::Json {
        emit(&format!("{}\n", report::json::error(None, None, msg)));
    }
    EXIT_ERROR
}
