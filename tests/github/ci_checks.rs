//! Issue 12 §1: the head SHA's check-runs and combined status decide the
//! matrix rows they prove, on GitHub (read from the local mock).

use super::*;

/// The runtime contract plus a matrix: `npm run check` is proved by the CI
/// check `build`; `npm test` names no CI check.
fn contract_with_matrix() -> String {
    format!(
        "{}\n## Verification matrix\n\n| Check | CI check | agent-1 |\n|---|---|---|\n| `npm run check` | build | Required |\n| `npm test` | — | Required |\n",
        contract(ALL_FILES)
    )
}

/// A recorded completed check-run, renamed and re-stated for the test.
fn run(name: &str, status: &str, conclusion: Option<&str>) -> Value {
    let mut r: Value =
        serde_json::from_slice(&fixture("rest/check-run.create.completed.response.json")).unwrap();
    r["name"] = json!(name);
    r["head_sha"] = json!(HEAD);
    r["status"] = json!(status);
    r["conclusion"] = json!(conclusion);
    r
}

fn world(body: &str, runs: Vec<Value>) -> World {
    world_seq(body, vec![runs])
}

/// The check-runs list answers each read with the next of `lists` (the last
/// one repeats); the gate's own run is always listed too, and never counts.
fn world_seq(body: &str, lists: Vec<Vec<Value>>) -> World {
    let mut p = pr();
    p["body"] = json!(body);
    let delivered = p.clone();
    World::build("", ALL_FILES, true, move |m| {
        m.on("GET", &format!("{R}/pulls/2"), Reply::json(200, p.clone()));
        for r in [BASE, "master"] {
            m.on_query(
                "GET",
                &format!("{R}/contents/CONTRACT.md"),
                &format!("ref={r}"),
                Reply::contents("CONTRACT.md", contract_with_matrix()),
            );
        }
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
                json!({"state": "pending", "sha": HEAD, "total_count": 0, "statuses": []}),
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
