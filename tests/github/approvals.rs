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
    world_with(reviews, |_| {})
}

/// [`world`], with `first` registering routes before its own.
fn world_with(reviews: Vec<Value>, first: impl Fn(&GhMock)) -> World {
    let mut files: Vec<Value> =
        serde_json::from_slice(&fixture("rest/pull-request.files.json")).unwrap();
    let mut lock = files[0].clone();
    lock["filename"] = json!("package-lock.json");
    files.push(lock);
    let mut p = pr();
    p["changed_files"] = json!(files.len());
    let delivered = p.clone();
    World::build("", LOCKFILE_SCOPE, true, move |m| {
        first(m);
        m.on("GET", &format!("{R}/pulls/2"), Reply::json(200, p.clone()));
        m.on(
            "GET",
            &format!("{R}/pulls/2/files"),
            Reply::json(200, json!(files.clone())),
        );
        m.on(
            "GET",
            &format!("{R}/pulls/2/reviews"),
            Reply::json(200, json!(reviews.clone())),
        );
    })
    .deliver(delivered)
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

/// A contract that names its approvers: `@octocat` and the `@acme/release`
/// team. Reviews by anyone else do not lift `needs-approval`.
fn named_world(reviews: Vec<Value>, members: &[(&str, &str)]) -> World {
    let members: Vec<(String, String)> = members
        .iter()
        .map(|(l, s)| (l.to_string(), s.to_string()))
        .collect();
    let named = format!(
        "{}\n## Approvers\n- @octocat (integration owner)\n- @acme/release\n",
        contract(LOCKFILE_SCOPE)
    );
    world_with(reviews, move |m| {
        serve_contract(m, &named);
        for (login, state) in &members {
            // The documented shape of GET /orgs/{org}/teams/{slug}/memberships/{login}.
            let mut v: Value =
                serde_json::from_slice(&fixture("rest/team-membership.json")).unwrap();
            v["state"] = json!(state);
            v["url"] = json!(format!(
                "https://api.github.com/teams/1/memberships/{login}"
            ));
            m.on(
                "GET",
                &format!("/orgs/acme/teams/release/memberships/{login}"),
                Reply::json(200, v),
            );
        }
    })
}

#[test]
fn only_the_contracts_approvers_count() {
    // Named directly.
    let w = named_world(vec![review("octocat", "User", "APPROVED", HEAD)], &[]);
    let (o, p) = judged(&w);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(p["conclusion"], "success", "{p}");
    assert!(
        w.sent("GET", "/memberships/octocat").is_empty(),
        "no team lookup needed"
    );

    // Not named, not in the team (a 404): the approval does not count.
    let w = named_world(vec![review("hubot", "User", "APPROVED", HEAD)], &[]);
    let (o, p) = judged(&w);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(p["conclusion"], "failure", "{p}");
    assert_eq!(
        w.sent("GET", "/orgs/acme/teams/release/memberships/hubot")
            .len(),
        1
    );
}

#[test]
fn a_team_approver_counts_once_active() {
    let w = named_world(
        vec![review("mona", "User", "APPROVED", HEAD)],
        &[("mona", "active")],
    );
    let (o, p) = judged(&w);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(p["output"]["summary"]
        .as_str()
        .unwrap()
        .contains("approved by @mona on the current head"));
    // An invitation still pending is no membership.
    let w = named_world(
        vec![review("mona", "User", "APPROVED", HEAD)],
        &[("mona", "pending")],
    );
    let (o, p) = judged(&w);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(p["conclusion"], "failure", "{p}");
}

/// Issue 12 §3, the request budget: a typical PR (one contract, one merged
/// predecessor, a verification matrix with a CI check, a lockfile asking
/// for approval, which an approving review lifts) is read in 9 requests:
/// the event's pull request is read again once, for its file count (an
/// event's count can be stale); reporting adds the 4 that
/// keep races safe (create, re-read the head, list the head's runs,
/// complete).
#[test]
fn a_typical_pr_is_read_in_nine_requests() {
    let matrix = format!(
        "{}\n## Verification matrix\n\n| Check | CI check | agent-1 |\n|---|---|---|\n| `npm run check` | build | Required |\n",
        contract(LOCKFILE_SCOPE)
    );
    let mut build: Value =
        serde_json::from_slice(&fixture("rest/check-run.create.completed.response.json")).unwrap();
    build["name"] = json!("build");
    build["head_sha"] = json!(HEAD);
    build["status"] = json!("completed");
    build["conclusion"] = json!("success");
    // Made by GitHub Actions (its `app` as recorded workflow runs carry it):
    // only Actions evidences a row unless the contract names another app.
    build["app"] = json!({"id": 15368, "slug": "github-actions", "node_id": "MDM6QXBwMTUzNjg=", "name": "GitHub Actions"});
    let w = world_with(
        vec![review("octocat", "User", "APPROVED", HEAD)],
        move |m| {
            serve_contract(m, &matrix);
            m.on_query(
                "GET",
                &format!("{R}/commits/{HEAD}/check-runs"),
                "page=1",
                Reply::json(
                    200,
                    json!({"total_count": 1, "check_runs": [build.clone()]}),
                ),
            );
            m.on(
                "GET",
                &format!("{R}/commits/{HEAD}/status"),
                Reply::json(
                    200,
                    json!({"state": "success", "sha": HEAD, "total_count": 0, "statuses": []}),
                ),
            );
        },
    );
    let (o, patch) = judged(&w);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(patch["conclusion"], "success", "{patch}");
    let mut sent: Vec<String> = w
        .mock
        .requests()
        .iter()
        .map(|r| {
            let path = r.path.trim_start_matches(R);
            let shown = path.replace(HEAD, "HEAD").replace(MERGED_SHA, "MERGED");
            let q = if r.query.contains("check_name") {
                "?check_name"
            } else {
                ""
            };
            format!("{} {shown}{q}", r.method)
        })
        .collect();
    sent.sort();
    assert_eq!(
        sent,
        [
            "GET /commits/HEAD/check-runs",
            "GET /commits/HEAD/check-runs?check_name",
            "GET /commits/HEAD/status",
            "GET /compare/MERGED...HEAD",
            "GET /contents/.github/contracts",
            "GET /contents/CONTRACT.md",
            "GET /pulls",
            "GET /pulls/2",
            "GET /pulls/2",
            "GET /pulls/2/files",
            "GET /pulls/2/reviews",
            "PATCH /check-runs/1296028076",
            "POST /check-runs",
        ],
        "9 reads (the PR's file count, the files, two contract reads, the predecessor's PRs and a compare, the CI's check-runs and status, the reviews) and 4 to report (create, re-read #2's head, list its runs, complete)"
    );
}

/// Issue 19: the reviews are read by `Link: rel="next"` to the end. An
/// approval on page 1 is withdrawn by the same reviewer's changes request
/// on page 2: `needs-approval` stands.
#[test]
fn a_changes_request_on_the_second_reviews_page_withdraws_the_approval() {
    let path = format!("{R}/pulls/2/reviews");
    let w = world_with(vec![], move |m| {
        let url = |p: u32| format!("<{}{path}?per_page=100&page={p}>", m.api_url());
        // A page shorter than `per_page` with a `next` link (GitHub may
        // drop items it does not show): the link, not the size, decides.
        let mut page1: Vec<Value> = (0..49)
            .map(|i| review(&format!("reader{i}"), "User", "COMMENTED", HEAD))
            .collect();
        page1.insert(0, review("octocat", "User", "APPROVED", HEAD));
        let mut later = review("octocat", "User", "CHANGES_REQUESTED", HEAD);
        later["submitted_at"] = json!("2026-11-21T10:00:00Z");
        m.on_query(
            "GET",
            &path,
            "page=2",
            Reply::json(200, json!([later])).header(
                "link",
                format!("{}; rel=\"prev\", {}; rel=\"first\"", url(1), url(1)),
            ),
        );
        m.on_query(
            "GET",
            &path,
            "per_page=100",
            Reply::json(200, json!(page1)).header(
                "link",
                format!("{}; rel=\"next\", {}; rel=\"last\"", url(2), url(2)),
            ),
        );
    });
    let (o, p) = judged(&w);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(p["conclusion"], "failure", "{p}");
    assert!(p["output"]["summary"]
        .as_str()
        .unwrap()
        .contains("package-lock.json needs a human's approval"));
    assert_eq!(w.sent("GET", "/pulls/2/reviews").len(), 2);
}

/// Issue 20 §8: a review state this version does not know approves nothing
/// and withdraws the reviewer's earlier approval; an account type it does
/// not know (a `Mannequin`) is not a person's.
#[test]
fn an_unknown_review_state_or_account_type_approves_nothing() {
    for reviews in [
        vec![review("octocat", "User", "APPROVED_PROVISIONALLY", HEAD)],
        vec![
            review("octocat", "User", "APPROVED", HEAD),
            review("octocat", "User", "APPROVED_PROVISIONALLY", HEAD),
        ],
        vec![review("octocat", "Mannequin", "APPROVED", HEAD)],
    ] {
        let w = world(reviews);
        let (o, p) = judged(&w);
        assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
        assert_eq!(p["conclusion"], "failure", "{p}");
    }
}

/// A team membership in a state this version does not know is no
/// membership.
#[test]
fn an_unknown_membership_state_is_no_membership() {
    let w = named_world(
        vec![review("mona", "User", "APPROVED", HEAD)],
        &[("mona", "suspended")],
    );
    let (o, p) = judged(&w);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(p["conclusion"], "failure", "{p}");
}
