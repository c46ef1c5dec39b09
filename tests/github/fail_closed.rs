//! Issue 13 §3: once the gate has created its check-run, every error after
//! that completes the run as a failure that says why. A run left
//! `in_progress` blocks the merge only by luck; a `success` would be the
//! silent pass this product exists to prevent.

use super::*;

/// The run's last PATCH completes it as failure, saying why.
fn assert_failed_closed(w: &World, o: &Outcome, why: &str) {
    assert_eq!(o.code, 2, "{}\n{}", o.stdout, o.stderr);
    let patches = w.patches();
    let last = patches.last().expect("the created run was never completed");
    assert_eq!(last["status"], "completed", "{last}");
    assert_eq!(last["conclusion"], "failure", "{last}");
    let summary = last["output"]["summary"].as_str().unwrap_or_default();
    assert!(summary.contains(why), "{summary}");
}

fn assert_never_success(w: &World) {
    let patches = w.patches();
    assert!(
        patches.iter().all(|p| p["conclusion"] != "success"),
        "{patches:?}"
    );
}

#[test]
fn a_failed_read_after_the_run_was_created_completes_it_as_failure() {
    let w = World::build("", ALL_FILES, true, |m| {
        m.on(
            "GET",
            &format!("{R}/pulls/2/files"),
            Reply::github_error(500, "Server Error"),
        );
    });
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(w.sent("POST", "/check-runs").len(), 1);
    assert_failed_closed(&w, &o, "500");
    assert_never_success(&w);
}

#[test]
fn a_failed_head_guard_read_completes_the_run_as_failure() {
    // The event delivers #2; loading reads it again (for its file count),
    // then the guard before posting reads it once more, and fails.
    let w = World::build("", ALL_FILES, true, |m| {
        m.on_seq(
            "GET",
            &format!("{R}/pulls/2"),
            vec![
                Reply::json(200, pr()),
                Reply::github_error(500, "Server Error"),
            ],
        );
    });
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_failed_closed(&w, &o, "posting the check-run failed");
    assert_never_success(&w);
}

#[test]
fn a_rejected_completion_is_followed_by_a_failure() {
    let w = World::build("", ALL_FILES, true, |m| {
        m.on_seq(
            "PATCH",
            &format!("{R}/check-runs/{RUN_ID}"),
            vec![
                Reply::github_error(422, "Validation Failed"),
                Reply::json(200, json!({"id": RUN_ID})),
            ],
        );
    });
    let o = w.event("pull_request", &opened(&w), &[]);
    // The rejected PATCH carried the verdict; GitHub applied nothing.
    assert_eq!(w.patches().len(), 2, "the verdict, then the failure");
    assert_failed_closed(&w, &o, "422");
}

#[test]
fn an_unreadable_contract_completes_the_run_as_failure() {
    let w = World::build("", ALL_FILES, true, |m| {
        serve_contract(
            m,
            "# Context contract\n\n## Scope\n- agent-9 owns: `src/**`\n",
        );
    });
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_ne!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let patches = w.patches();
    let last = patches.last().expect("the created run was never completed");
    assert_eq!(last["status"], "completed", "{last}");
    assert_eq!(last["conclusion"], "failure", "{last}");
    assert_never_success(&w);
}

/// A delivered pull request without `changed_files` cannot show whether
/// GitHub's file list is whole: the PR is read from the API instead, and
/// its count (3,412 files) fails closed.
#[test]
fn a_payload_without_a_file_count_is_read_again() {
    let mut big = pr();
    big["changed_files"] = json!(3412);
    let mut delivered = pr();
    delivered.as_object_mut().unwrap().remove("changed_files");
    let w = World::build("", ALL_FILES, true, move |m| {
        m.on(
            "GET",
            &format!("{R}/pulls/2"),
            Reply::json(200, big.clone()),
        );
    })
    .deliver(delivered);
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let last = w.patches().pop().unwrap();
    assert_eq!(last["conclusion"], "failure", "{last}");
    assert!(last["output"].to_string().contains("incomplete"), "{last}");
    assert_eq!(
        w.sent("GET", "/pulls/2").len(),
        2,
        "read, then re-read before posting"
    );
}
