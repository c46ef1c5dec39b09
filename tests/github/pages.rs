//! Issue 19, "GitHub lists are read whole or not at all": every paginated
//! list is followed by `Link: rel="next"` to its end, and a list whose
//! length disagrees with its count fails closed, never judged in part.

use super::*;

/// A recorded file entry (the added `remove_me` of drone/go-scm's
/// `pr_files.json`) renamed to `name`.
fn file(name: &str) -> Value {
    let files: Vec<Value> =
        serde_json::from_slice(&fixture("rest/pull-request.files.json")).unwrap();
    let mut f = files[1].clone();
    f["filename"] = json!(name);
    f
}

/// `Link` of page `page` of `last` pages of `path`, as GitHub writes it
/// (absolute URLs under the API root).
fn link(m: &GhMock, path: &str, page: u32, last: u32) -> String {
    let url = |p: u32| format!("<{}{path}?per_page=100&page={p}>", m.api_url());
    let mut parts = Vec::new();
    if page < last {
        parts.push(format!("{}; rel=\"next\"", url(page + 1)));
        parts.push(format!("{}; rel=\"last\"", url(last)));
    }
    if page > 1 {
        parts.push(format!("{}; rel=\"first\"", url(1)));
        parts.push(format!("{}; rel=\"prev\"", url(page - 1)));
    }
    parts.join(", ")
}

/// 100 files agent-1 owns on page 1 (whose `Link` says there is a page 2),
/// and `page2` on page 2. The event says the PR changes `event_count`
/// files, the pulls API says `api_count`.
fn files_world(event_count: u64, api_count: u64, page2: Vec<Value>) -> World {
    let mut delivered = pr();
    delivered["changed_files"] = json!(event_count);
    let mut now = pr();
    now["changed_files"] = json!(api_count);
    let page1: Vec<Value> = (0..100).map(|i| file(&format!("src/f{i:03}.ts"))).collect();
    let path = format!("{R}/pulls/2/files");
    World::build("", "`src/**`", true, move |m| {
        m.on(
            "GET",
            &format!("{R}/pulls/2"),
            Reply::json(200, now.clone()),
        );
        m.on_query(
            "GET",
            &path,
            "page=2",
            Reply::json(200, json!(page2.clone())).header("link", link(m, &path, 2, 2)),
        );
        m.on_query(
            "GET",
            &path,
            "page=1",
            Reply::json(200, json!(page1.clone())).header("link", link(m, &path, 1, 2)),
        );
    })
    .deliver(delivered)
}

fn last_patch(w: &World) -> Value {
    w.patches().last().cloned().expect("the run was completed")
}

/// The event's count is stale (1); the PR re-read says 101: both pages are
/// read, and the only violation, on page 2, blocks.
#[test]
fn a_violation_on_the_second_files_page_blocks_despite_a_stale_event_count() {
    let w = files_world(1, 101, vec![file("outside/secret.ts")]);
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let p = last_patch(&w);
    assert_eq!(p["conclusion"], "failure", "{p}");
    let summary = p["output"]["summary"].as_str().unwrap();
    assert!(summary.contains("outside/secret.ts"), "{summary}");
    assert!(!summary.contains("incomplete"), "{summary}");
    let pages: Vec<String> = w
        .sent("GET", "/pulls/2/files")
        .iter()
        .map(|r| r.query.clone())
        .collect();
    assert_eq!(pages.len(), 2, "{pages:?}");
}

/// Even the re-read count is low (100), but page 1's `Link` says there is
/// more: the gate follows it, finds the violation, and fails closed on the
/// disagreement too.
#[test]
fn a_next_link_is_followed_past_the_count_and_the_disagreement_fails_closed() {
    let w = files_world(1, 100, vec![file("outside/secret.ts")]);
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let p = last_patch(&w);
    assert_eq!(p["conclusion"], "failure", "{p}");
    let summary = p["output"]["summary"].as_str().unwrap();
    assert!(summary.contains("outside/secret.ts"), "{summary}");
    assert!(
        summary.contains(
            "the pull request changes 100 files (as GitHub reports it now) and GitHub listed 101"
        ),
        "{summary}"
    );
    assert_eq!(w.sent("GET", "/pulls/2/files").len(), 2);
}

/// The count says 101 but the list ends at 100: incomplete, never a pass.
#[test]
fn a_list_shorter_than_its_count_fails_closed() {
    let w = files_world(101, 101, vec![]);
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let p = last_patch(&w);
    assert_eq!(p["conclusion"], "failure", "{p}");
    let summary = p["output"]["summary"].as_str().unwrap();
    assert!(summary.contains("incomplete"), "{summary}");
    assert!(summary.contains("GitHub listed 100"), "{summary}");
}

/// GitHub lists at most 3,000 files: a PR that changes more fails closed
/// whatever the pages hold.
#[test]
fn more_than_three_thousand_files_fail_closed() {
    let w = files_world(3001, 3001, vec![]);
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let summary = last_patch(&w)["output"]["summary"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(summary.contains("GitHub lists at most 3000"), "{summary}");
}

/// An Actions check-run, in the recorded shape.
fn actions_run(name: &str, conclusion: &str) -> Value {
    let mut r: Value =
        serde_json::from_slice(&fixture("rest/check-run.create.completed.response.json")).unwrap();
    r["name"] = json!(name);
    r["head_sha"] = json!(HEAD);
    r["status"] = json!("completed");
    r["conclusion"] = json!(conclusion);
    r["app"] = json!({"id": 15368, "slug": "github-actions", "node_id": "MDM6QXBwMTUzNjg=", "name": "GitHub Actions"});
    r
}

/// 100 passing runs of other jobs on page 1, a failed `build` on page 2;
/// page 1 says there are `total` runs.
fn runs_world(total: u64) -> World {
    let matrix = format!(
        "{}\n## Verification matrix\n\n| Check | CI check | agent-1 |\n|---|---|---|\n| `npm run check` | build | Required |\n",
        contract(ALL_FILES)
    );
    let page1: Vec<Value> = (0..100)
        .map(|i| actions_run(&format!("job {i}"), "success"))
        .collect();
    let page2 = vec![actions_run("build", "failure")];
    let path = format!("{R}/commits/{HEAD}/check-runs");
    World::build("", ALL_FILES, true, move |m| {
        serve_contract(m, &matrix);
        m.on_query(
            "GET",
            &path,
            "page=2",
            Reply::json(
                200,
                json!({"total_count": total, "check_runs": page2.clone()}),
            )
            .header("link", link(m, &path, 2, 2)),
        );
        m.on_query(
            "GET",
            &path,
            "page=1",
            Reply::json(
                200,
                json!({"total_count": total, "check_runs": page1.clone()}),
            )
            .header("link", link(m, &path, 1, 2)),
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

/// A failed `build` on the second check-runs page contradicts the ticked row.
#[test]
fn a_failure_on_the_second_check_runs_page_blocks() {
    let w = runs_world(101);
    let mut body = pr();
    body["body"] = json!("- [x] npm run check\n");
    let w = w.deliver(body);
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let p = last_patch(&w);
    assert_eq!(p["conclusion"], "failure", "{p}");
    let summary = p["output"]["summary"].as_str().unwrap();
    assert!(
        summary.contains("contradicted by CI: `npm run check` failed"),
        "{summary}"
    );
}

/// The count says 100, but page 1's `Link` goes on: the gate follows it and,
/// the list disagreeing with its count, cannot evaluate (exit 2), never passes.
#[test]
fn check_runs_past_their_count_cannot_be_evaluated() {
    let w = runs_world(100);
    let mut body = pr();
    body["body"] = json!("- [x] npm run check\n");
    let w = w.deliver(body);
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 2, "{}\n{}", o.stdout, o.stderr);
    let said = format!("{}{}", o.stdout, o.stderr);
    assert!(
        said.contains("incomplete CI evidence is never judged"),
        "{said}"
    );
    assert!(w.patches().iter().all(|p| p["conclusion"] != "success"));
    let pages = w.sent("GET", &format!("/commits/{HEAD}/check-runs"));
    assert_eq!(pages.len(), 2, "{pages:?}");
}
