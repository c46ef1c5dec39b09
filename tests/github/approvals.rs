//! Issue 12 §2: an approving review of the current head, by someone other
//! than the author and not a bot, lifts `needs-approval` on GitHub.

use super::*;

const LOCKFILE_SCOPE: &str = "`asda2`, `remove_me`, `tp`, `abhinav`, `upsert`, `package-lock.json`";

/// A review in the documented shape of GET /pulls/{n}/reviews.
fn review(login: &str, kind: &str, state: &str, commit: &str) -> Value {
    json!({
        "id": 80, "node_id": "MDE3OlB1bGxSZXF1ZXN0UmV2aWV3ODA=",
        "user": {"login": login, "id": 1, "type": kind, "site_admin": false},
        "body": "", "state": state, "commit_id": commit,
        "submitted_at": "2026-11-20T10:00:00Z", "author_association": "COLLABORATOR",
        "html_url": "https://github.com/Codertocat/Hello-World/pull/2#pullrequestreview-80",
    })
}

/// PR #2 also changes `package-lock.json` (the recorded first file, renamed),
/// which agent-1's scope holds but the permission policy asks approval for.
fn world(reviews: Vec<Value>) -> World {
    World::build("", LOCKFILE_SCOPE, true, move |m| {
        let mut files: Vec<Value> =
            serde_json::from_slice(&fixture("rest/pull-request.files.json")).unwrap();
        let mut lock = files[0].clone();
        lock["filename"] = json!("package-lock.json");
        files.push(lock);
        let mut p = pr();
        p["changed_files"] = json!(files.len());
        m.on("GET", &format!("{R}/pulls/2"), Reply::json(200, p));
        m.on(
            "GET",
            &format!("{R}/pulls/2/files"),
            Reply::json(200, json!(files)),
        );
        m.on(
            "GET",
            &format!("{R}/pulls/2/reviews"),
            Reply::json(200, json!(reviews)),
        );
    })
}

fn judged(w: &World) -> (Outcome, Value) {
    let o = w.event("pull_request", &opened(w), &[]);
    let p = w.patches().last().cloned().expect("the run was completed");
    (o, p)
}

#[test]
fn an_approval_of_the_head_lifts_needs_approval() {
    let w = world(vec![
        review("hubot", "User", "CHANGES_REQUESTED", HEAD),
        review("octocat", "User", "APPROVED", HEAD),
    ]);
    let (o, p) = judged(&w);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(p["conclusion"], "success", "{p}");
    let summary = p["output"]["summary"].as_str().unwrap();
    assert!(
        summary
            .contains("package-lock.json is a lockfile: approved by @octocat on the current head"),
        "{summary}"
    );
    assert_eq!(w.sent("GET", "/pulls/2/reviews").len(), 1);
}

#[test]
fn the_authors_own_approval_is_ignored() {
    let w = world(vec![review("Codertocat", "User", "APPROVED", HEAD)]);
    let (o, p) = judged(&w);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(p["conclusion"], "failure", "{p}");
    assert!(p["output"]["summary"]
        .as_str()
        .unwrap()
        .contains("package-lock.json needs a human's approval"));
}

#[test]
fn a_stale_approval_on_an_older_sha_and_a_bots_are_ignored() {
    let w = world(vec![
        review("octocat", "User", "APPROVED", BASE),
        review("renovate[bot]", "Bot", "APPROVED", HEAD),
    ]);
    let (o, p) = judged(&w);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(p["conclusion"], "failure", "{p}");
}

#[test]
fn reviews_are_not_read_when_nothing_needs_approval() {
    let w = World::new(ALL_FILES, true);
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(w.sent("GET", "/pulls/2/reviews").is_empty());
}

/// A `pull_request_review` event (the recorded PR in the documented review
/// payload) re-judges: the approval turns the run green.
#[test]
fn a_submitted_review_rejudges_the_pull_request() {
    let w = world(vec![review("octocat", "User", "APPROVED", HEAD)]);
    let ev = w.write_event(
        "review.json",
        &json!({
            "action": "submitted",
            "review": review("octocat", "User", "APPROVED", HEAD),
            "pull_request": pr(),
        }),
    );
    let o = w.event("pull_request_review", &ev, &[]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(w.patches().last().unwrap()["conclusion"], "success");
}
