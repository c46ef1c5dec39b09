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
    let body = body.to_string();
    World::build("", ALL_FILES, true, move |m| {
        let mut p = pr();
        p["body"] = json!(body);
        m.on("GET", &format!("{R}/pulls/2"), Reply::json(200, p));
        for r in [BASE, "master"] {
            m.on_query(
                "GET",
                &format!("{R}/contents/CONTRACT.md"),
                &format!("ref={r}"),
                Reply::text(200, &contract_with_matrix()),
            );
        }
        // The gate's own run is listed too, and never counts.
        let mut all = runs.clone();
        all.push(run("contract-gate", "completed", Some("success")));
        m.on_query(
            "GET",
            &format!("{R}/commits/{HEAD}/check-runs"),
            "page=1",
            Reply::json(200, json!({"total_count": all.len(), "check_runs": all})),
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
