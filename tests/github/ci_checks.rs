//! Issue 12 §1: the head SHA's check-runs and combined status decide the
//! matrix rows they prove, on GitHub (read from the local mock).

use super::*;

/// The runtime contract plus a matrix: `npm run check` is proved by the CI
/// check `build`; `npm test` names no CI check.
fn contract_with_matrix() -> String {
    contract_with_ci("build")
}

/// The same matrix with `ci` in the `CI check` cell of `npm run check`
/// (`build, app: circleci-checks`, `ci/circleci, status`, …).
fn contract_with_ci(ci: &str) -> String {
    format!(
        "{}\n## Verification matrix\n\n| Check | CI check | agent-1 |\n|---|---|---|\n| `npm run check` | {ci} | Required |\n| `npm test` | — | Required |\n",
        contract(ALL_FILES)
    )
}

/// GitHub Actions' `app` object, as recorded check-runs made by a workflow
/// carry it (id 15368, slug `github-actions`).
fn actions_app() -> Value {
    json!({
        "id": 15368,
        "slug": "github-actions",
        "node_id": "MDM6QXBwMTUzNjg=",
        "owner": {"login": "github", "id": 9919, "type": "Organization"},
        "name": "GitHub Actions",
        "html_url": "https://github.com/apps/github-actions",
    })
}

/// Another app's `app` object, shaped like Actions' (CircleCI's checks app).
fn circleci_app() -> Value {
    json!({
        "id": 18001,
        "slug": "circleci-checks",
        "node_id": "MDM6QXBwMTgwMDE=",
        "owner": {"login": "circleci", "id": 1231870, "type": "Organization"},
        "name": "CircleCI Checks",
        "html_url": "https://github.com/apps/circleci-checks",
    })
}

/// A recorded completed check-run, renamed and re-stated for the test, made
/// by GitHub Actions.
fn run(name: &str, status: &str, conclusion: Option<&str>) -> Value {
    let mut r = recorded_run(name, status, conclusion);
    r["app"] = actions_app();
    r
}

/// The recorded check-run as it is: its `app` is the recording's own
/// third-party app (`test-pygithub`, id 85429), not Actions.
fn recorded_run(name: &str, status: &str, conclusion: Option<&str>) -> Value {
    let mut r: Value =
        serde_json::from_slice(&fixture("rest/check-run.create.completed.response.json")).unwrap();
    r["name"] = json!(name);
    r["head_sha"] = json!(HEAD);
    r["status"] = json!(status);
    r["conclusion"] = json!(conclusion);
    r
}

/// A commit status of the combined-status answer.
fn status(context: &str, state: &str) -> Value {
    json!({
        "context": context,
        "state": state,
        "target_url": format!("https://ci.example/{context}"),
        "description": "posted for the test",
        "created_at": "2026-11-23T10:05:00Z",
        "updated_at": "2026-11-23T10:05:00Z",
    })
}

fn world(body: &str, runs: Vec<Value>) -> World {
    world_seq(body, vec![runs])
}

/// The check-runs list answers each read with the next of `lists` (the last
/// one repeats); the gate's own run is always listed too, and never counts.
fn world_seq(body: &str, lists: Vec<Vec<Value>>) -> World {
    world_full(&contract_with_matrix(), body, lists, vec![])
}

fn world_full(
    contract_text: &str,
    body: &str,
    lists: Vec<Vec<Value>>,
    statuses: Vec<Value>,
) -> World {
    let mut p = pr();
    p["body"] = json!(body);
    let delivered = p.clone();
    let contract_text = contract_text.to_string();
    World::build("", ALL_FILES, true, move |m| {
        m.on("GET", &format!("{R}/pulls/2"), Reply::json(200, p.clone()));
        serve_contract(m, &contract_text);
        let replies = lists
            .iter()
            .map(|runs| {
                let mut all = runs.clone();
                all.push(run("contract-gate", "completed", Some("success")));
                Reply::json(200, json!({"total_count": all.len(), "check_runs": all}))
            })
            .collect();
        m.on_query_seq(
            "GET",
            &format!("{R}/commits/{HEAD}/check-runs"),
            "page=1",
            replies,
        );
        m.on(
            "GET",
            &format!("{R}/commits/{HEAD}/status"),
            Reply::json(
                200,
                json!({"state": "pending", "sha": HEAD, "total_count": statuses.len(), "statuses": statuses}),
            ),
        );
    })
    .deliver(delivered)
}

fn last_patch(w: &World) -> Value {
    w.patches().last().cloned().expect("the run was completed")
}

#[test]
fn ci_success_evidences_a_row_the_body_does_not_tick() {
    let w = world(
        "- [x] npm test\n",
        vec![run("build", "completed", Some("success"))],
    );
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let p = last_patch(&w);
    assert_eq!(p["conclusion"], "success", "{p}");
    let summary = p["output"]["summary"].as_str().unwrap();
    assert!(summary.contains("✓ CI"), "{summary}");
    assert!(summary.contains("self-reported"), "{summary}");
    // Check-runs and the combined status: one request each.
    assert_eq!(w.sent("GET", &format!("/commits/{HEAD}/status")).len(), 1);
}

#[test]
fn ci_failure_contradicts_a_ticked_row() {
    let w = world(
        "- [x] npm run check\n- [x] npm test\n",
        vec![run("build", "completed", Some("failure"))],
    );
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let p = last_patch(&w);
    assert_eq!(p["conclusion"], "failure", "{p}");
    let summary = p["output"]["summary"].as_str().unwrap();
    assert!(summary.contains("contradicted by CI"), "{summary}");
}

#[test]
fn ci_still_running_keeps_the_run_pending() {
    let w = world(
        "- [x] npm run check\n- [x] npm test\n",
        vec![run("build", "in_progress", None)],
    );
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_ne!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let p = last_patch(&w);
    assert_eq!(p["status"], "in_progress", "{p}");
    assert!(p.get("conclusion").is_none_or(Value::is_null), "{p}");
    let title = p["output"]["title"].as_str().unwrap();
    assert!(title.contains("waiting for CI `build`"), "{title}");
}

#[test]
fn a_row_without_a_ci_check_is_self_reported_from_the_body() {
    // `npm test` is not ticked and no CI check proves it.
    let w = world("", vec![run("build", "completed", Some("success"))]);
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let p = last_patch(&w);
    assert_eq!(p["conclusion"], "failure", "{p}");
    let summary = p["output"]["summary"].as_str().unwrap();
    assert!(summary.contains("npm test"), "{summary}");
}

/// Issue 12 §3: CI still running → the run stays pending; when CI completes,
/// a `workflow_run` event re-judges the PR and the run turns green.
#[test]
fn a_completed_workflow_run_turns_a_pending_run_green() {
    let body = "- [x] npm test\n";
    let running = vec![run("build", "in_progress", None)];
    let done = vec![run("build", "completed", Some("success"))];
    // First read: still running; every later read: finished.
    let w = world_seq(body, vec![running, done]);
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_ne!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(last_patch(&w)["status"], "in_progress");

    // The documented `workflow_run` shape (the fields the gate reads).
    let ev = w.write_event(
        "workflow_run.json",
        &json!({
            "action": "completed",
            "workflow_run": {"name": "CI", "head_sha": HEAD, "status": "completed",
                "conclusion": "success", "pull_requests": [{"number": 2}]},
        }),
    );
    let o = w.event("workflow_run", &ev, &[]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let p = last_patch(&w);
    assert_eq!(p["conclusion"], "success", "{p}");
}

/// The recorded `check_run` payload, completed: PR #2 is re-judged; the
/// gate's own check-run completing is not.
#[test]
fn a_completed_check_run_rejudges_its_pull_requests_but_not_the_gates_own() {
    let mut ev: Value =
        serde_json::from_slice(&fixture("webhooks/check_run/created.json")).unwrap();
    ev["action"] = json!("completed");
    let w = world(
        "- [x] npm test\n",
        vec![run("build", "completed", Some("success"))],
    );
    let path = w.write_event("check_run.json", &ev);
    let o = w.event("check_run", &path, &[]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(last_patch(&w)["conclusion"], "success");
    assert_eq!(w.sent("POST", "/check-runs").len(), 1);

    ev["check_run"]["name"] = json!("contract-gate");
    let path = w.write_event("own_check_run.json", &ev);
    let o = w.event("check_run", &path, &[]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(
        w.sent("POST", "/check-runs").len(),
        1,
        "no second judgement"
    );
}

/// Issue 19: a failed Actions `build` stays failed when another app (the
/// recorded run's own `test-pygithub`) posts a later `build` success, or
/// when a commit status `build` says success: neither is the row's source.
/// The finding names what it did not count.
#[test]
fn another_apps_run_or_a_commit_status_never_overrides_an_actions_failure() {
    let mut later = recorded_run("build", "completed", Some("success"));
    later["started_at"] = json!("2099-01-01T00:00:00Z");
    let w = world_full(
        &contract_with_matrix(),
        "- [x] npm run check\n- [x] npm test\n",
        vec![vec![run("build", "completed", Some("failure")), later]],
        vec![status("build", "success")],
    );
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let p = last_patch(&w);
    assert_eq!(p["conclusion"], "failure", "{p}");
    let summary = p["output"]["summary"].as_str().unwrap();
    assert!(summary.contains("contradicted by CI"), "{summary}");
    assert!(
        summary.contains("`build` from app `test-pygithub` (success)"),
        "{summary}"
    );
    assert!(
        summary.contains("`build` from a commit status (success)"),
        "{summary}"
    );
}

/// Only a foreign app and a commit status report `build`: the row waits for
/// GitHub Actions (never passes), and says what it ignored.
#[test]
fn a_row_proved_only_by_another_source_waits_for_actions() {
    let w = world_full(
        &contract_with_matrix(),
        "- [x] npm run check\n- [x] npm test\n",
        vec![vec![recorded_run("build", "completed", Some("success"))]],
        vec![status("build", "success")],
    );
    let o = w.event("pull_request", &opened(&w), &[]);
    // Pending: the run stays in progress (the job exits 0; the pending
    // check holds the merge), never success.
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let p = last_patch(&w);
    assert_eq!(p["status"], "in_progress", "{p}");
    assert!(p.get("conclusion").is_none_or(Value::is_null), "{p}");
    assert!(
        p["output"]["title"]
            .as_str()
            .unwrap()
            .contains("waiting for CI `build`"),
        "{p}"
    );
    assert!(
        o.stdout
            .contains("`build` from app `test-pygithub` (success)"),
        "{}",
        o.stdout
    );
}

/// A skipped Actions job proves nothing ran: an `evidence` failure, unless
/// the row says `skipped ok`.
#[test]
fn a_skipped_job_evidences_nothing_unless_the_row_opts_in() {
    let body = "- [x] npm run check\n- [x] npm test\n";
    let skipped = vec![vec![run("build", "completed", Some("skipped"))]];
    let w = world_full(&contract_with_matrix(), body, skipped.clone(), vec![]);
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let p = last_patch(&w);
    assert_eq!(p["conclusion"], "failure", "{p}");
    let summary = p["output"]["summary"].as_str().unwrap();
    assert!(
        summary.contains("a skipped job proves nothing ran"),
        "{summary}"
    );

    let w = world_full(
        &contract_with_ci("build, skipped ok"),
        body,
        skipped,
        vec![],
    );
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(last_patch(&w)["conclusion"], "success");
}

/// The contract names another source for a row: CircleCI's checks app, or
/// a commit-status context. That source decides; Actions' run of the same
/// name does not.
#[test]
fn a_row_that_names_its_source_is_decided_by_it() {
    let body = "- [x] npm test\n";
    let mut circle = run("build", "completed", Some("success"));
    circle["app"] = circleci_app();
    let w = world_full(
        &contract_with_ci("build, app: circleci-checks"),
        body,
        vec![vec![run("build", "completed", Some("failure")), circle]],
        vec![],
    );
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(last_patch(&w)["conclusion"], "success");

    for (state, code, conclusion) in [("success", 0, "success"), ("failure", 1, "failure")] {
        let w = world_full(
            &contract_with_ci("ci/circleci, status"),
            body,
            vec![vec![]],
            vec![status("ci/circleci", state)],
        );
        let o = w.event("pull_request", &opened(&w), &[]);
        assert_eq!(o.code, code, "{state}: {}\n{}", o.stdout, o.stderr);
        assert_eq!(last_patch(&w)["conclusion"], conclusion, "{state}");
    }
}

/// A contract whose CI words the gate does not know is invalid: every PR
/// it governs fails `contract-invalid`, nothing is judged half-read.
#[test]
fn an_unknown_ci_word_makes_the_contract_invalid() {
    let w = world_full(
        &contract_with_ci("build, app: circleci-checks, fast"),
        "- [x] npm run check\n- [x] npm test\n",
        vec![vec![run("build", "completed", Some("success"))]],
        vec![],
    );
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let p = last_patch(&w);
    assert_eq!(p["conclusion"], "failure", "{p}");
    assert!(
        p["output"]["summary"]
            .as_str()
            .unwrap()
            .contains("contract-invalid"),
        "{p}"
    );
}

/// Issue 20 §8: a check-run conclusion or a commit status state this
/// version does not know is never a pass: the ticked row is contradicted,
/// naming the word.
#[test]
fn an_unknown_conclusion_or_status_state_is_never_a_pass() {
    let body = "- [x] npm run check\n- [x] npm test\n";
    let w = world(body, vec![run("build", "completed", Some("mystery"))]);
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let p = last_patch(&w);
    assert_eq!(p["conclusion"], "failure", "{p}");
    let summary = p["output"]["summary"].as_str().unwrap();
    assert!(summary.contains("ended `mystery`"), "{summary}");

    let w = world_full(
        &contract_with_ci("ci/circleci, status"),
        body,
        vec![vec![]],
        vec![status("ci/circleci", "mystery")],
    );
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(last_patch(&w)["conclusion"], "failure");
}
