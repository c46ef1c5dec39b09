//! `github::api`: the REST client against a local mock of GitHub.

use std::time::Duration;

use contract_gate::source::github::client::{Api, ApiError, RetryPolicy, Token, USER_AGENT};
use serde_json::{json, Value};

use crate::support::ghmock::{closed_url, fixture, GhMock, Reply};

const TOKEN: &str = "ghp_IntegrationTestSecret_8d1f0b7c";

/// Retries with no real waiting.
fn policy() -> RetryPolicy {
    RetryPolicy {
        time_scale: 0.0,
        ..RetryPolicy::default()
    }
}

fn api(mock: &GhMock) -> Api {
    api_with(&mock.api_url(), policy())
}

fn api_with(url: &str, policy: RetryPolicy) -> Api {
    Api::new(url, Some(Token::new(TOKEN)), policy).unwrap()
}

/// The error's Display, checked to hold no token.
#[track_caller]
fn shown(e: &ApiError) -> String {
    let s = e.to_string();
    assert!(!s.contains(TOKEN), "token in error: {s}");
    assert!(!format!("{e:?}").contains(TOKEN), "token in error: {e:?}");
    s
}

/// GET decodes a recorded PR fixture and sends the auth, accept, API-version and user-agent headers.
#[tokio::test]
async fn get_decodes_pr_and_sends_headers() {
    let mock = GhMock::start();
    mock.on(
        "GET",
        "/repos/PyGithub/PyGithub/pulls/31",
        Reply::fixture(200, "rest/pull-request.get.json"),
    );
    let api = api(&mock);
    let pr: Value = api
        .get_json("/repos/PyGithub/PyGithub/pulls/31", &[])
        .await
        .unwrap();
    let expected: Value = serde_json::from_slice(&fixture("rest/pull-request.get.json")).unwrap();
    assert_eq!(pr, expected);
    assert_eq!(pr["number"], 31);
    assert_eq!(api.requests(), 1);
    assert_eq!(api.waited(), Duration::ZERO);

    let r = mock.only_request();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/repos/PyGithub/PyGithub/pulls/31")
    );
    assert!(r.has_auth() && r.auth_is_bearer(TOKEN), "{r:?}");
    assert_eq!(r.header("authorization"), Some("present"));
    assert_eq!(r.header_all("accept"), ["application/vnd.github+json"]);
    assert_eq!(r.header_all("x-github-api-version"), ["2022-11-28"]);
    // Exactly one `User-Agent`: ours (octocrab's default builder would add
    // `octocrab` as a second line).
    assert_eq!(r.header_all("user-agent"), [USER_AGENT], "{r:?}");
    assert!(USER_AGENT.starts_with("contract-gate/"));
}

/// Query pairs are encoded and arrive decoded as sent; the files fixture decodes.
#[tokio::test]
async fn get_with_query_pages() {
    let mock = GhMock::start();
    mock.on_query(
        "GET",
        "/repos/o/r/pulls/42/files",
        "page=2",
        Reply::fixture(200, "rest/pull-request.files.json"),
    );
    mock.on(
        "GET",
        "/repos/o/r/pulls/42/files",
        Reply::json(200, json!([])),
    );
    let api = api(&mock);
    let q = |p: &str| vec![("per_page", "100".to_string()), ("page", p.to_string())];
    let page2: Vec<Value> = api
        .get_json("/repos/o/r/pulls/42/files", &q("2"))
        .await
        .unwrap();
    let page3: Vec<Value> = api
        .get_json("/repos/o/r/pulls/42/files", &q("3"))
        .await
        .unwrap();
    assert_eq!(page2.len(), 4);
    assert_eq!(page2[2]["status"], "renamed");
    assert!(page3.is_empty());
    let log = mock.requests();
    assert_eq!(log[0].query, "per_page=100&page=2");
    assert_eq!(
        log[1].query_pairs(),
        [
            ("per_page".into(), "100".into()),
            ("page".into(), "3".into())
        ]
    );
}

/// A GHES base URL with `/api/v3` hits `/api/v3/repos/...`, with the token.
#[tokio::test]
async fn ghes_base_keeps_api_v3() {
    let mock = GhMock::start_with_prefix("/api/v3");
    mock.on(
        "GET",
        "/repos/o/r/pulls/42",
        Reply::json(200, json!({"number": 42})),
    );
    let api = api_with(&format!("{}/", mock.api_url()), policy());
    assert_eq!(api.api_url(), format!("{}/api/v3", mock.url()));
    let pr: Value = api.get_json("/repos/o/r/pulls/42", &[]).await.unwrap();
    assert_eq!(pr["number"], 42);
    let r = mock.only_request();
    assert_eq!(r.path, "/api/v3/repos/o/r/pulls/42");
    assert!(r.auth_is_bearer(TOKEN));
}

/// 404 → get_json_opt gives None, get_json gives NotFound naming the path and the likely cause.
#[tokio::test]
async fn not_found() {
    let mock = GhMock::start();
    let api = api(&mock);
    let none: Option<Value> = api.get_json_opt("/repos/o/r/pulls/9", &[]).await.unwrap();
    assert!(none.is_none());
    let e = api
        .get_json::<Value>("/repos/o/r/pulls/9", &[])
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
    let s = shown(&e);
    assert!(s.contains("/repos/o/r/pulls/9"), "{s}");
    assert!(
        s.contains("wrong --repo, or a private repository the token cannot see"),
        "{s}"
    );
    assert_eq!(mock.count(), 2, "unregistered routes are recorded");
    assert_eq!(api.requests(), 2, "a 404 is not retried");
}

/// Raw contents arrive as text with the raw media type; a missing file is None.
#[tokio::test]
async fn raw_contents() {
    let mock = GhMock::start();
    let contract = include_str!("../../fixtures/contracts/uploads.md");
    mock.on_query(
        "GET",
        "/repos/o/r/contents/CONTRACT.md",
        "ref=abc123",
        Reply::text(200, contract),
    );
    let api = api(&mock);
    let ref_ = [("ref", "abc123".to_string())];
    let got = api
        .get_raw("/repos/o/r/contents/CONTRACT.md", &ref_)
        .await
        .unwrap();
    assert_eq!(got.as_deref(), Some(contract));
    let missing = api
        .get_raw(
            "/repos/o/r/contents/docs/%EA%B0%80%EC%9D%B4%EB%93%9C.md",
            &ref_,
        )
        .await
        .unwrap();
    assert_eq!(missing, None);
    let log = mock.requests();
    assert_eq!(
        log[0].header_all("accept"),
        ["application/vnd.github.raw+json"]
    );
    assert_eq!(log[0].query, "ref=abc123");
    assert_eq!(
        log[1].path,
        "/repos/o/r/contents/docs/%EA%B0%80%EC%9D%B4%EB%93%9C.md"
    );
}

/// POST and PATCH bodies arrive intact, as JSON, and their answers decode.
#[tokio::test]
async fn post_and_patch_bodies() {
    let mock = GhMock::start();
    mock.on(
        "POST",
        "/repos/o/r/check-runs",
        Reply::fixture(201, "rest/check-run.create.in-progress.response.json"),
    );
    mock.on(
        "PATCH",
        "/repos/o/r/check-runs/1296028076",
        Reply::json(200, json!({"id": 1296028076, "status": "completed"})),
    );
    let api = api(&mock);
    let create: Value =
        serde_json::from_slice(&fixture("rest/check-run.create.in-progress.request.json")).unwrap();
    let made: Value = api
        .post_json("/repos/o/r/check-runs", &create)
        .await
        .unwrap();
    assert_eq!(made["id"], 1296028076_u64);
    assert_eq!(made["status"], "in_progress");
    let update = json!({"status": "completed", "conclusion": "failure",
        "output": {"title": "2 findings", "summary": "ünïcødé — \"quoted\"\nline"}});
    let done: Value = api
        .patch_json("/repos/o/r/check-runs/1296028076", &update)
        .await
        .unwrap();
    assert_eq!(done["status"], "completed");

    let log = mock.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (log[0].method.as_str(), log[1].method.as_str()),
        ("POST", "PATCH")
    );
    assert_eq!(log[0].body_json(), create);
    assert_eq!(log[1].body_json(), update);
    for r in &log {
        assert!(r
            .header("content-type")
            .unwrap()
            .starts_with("application/json"));
        assert_eq!(r.header_all("accept"), ["application/vnd.github+json"]);
        assert_eq!(r.header_all("x-github-api-version"), ["2022-11-28"]);
        assert_eq!(r.header_all("user-agent"), [USER_AGENT]);
        assert!(r.auth_is_bearer(TOKEN));
    }
}

/// 502 then 200 → success after 2 requests and one 1 s backoff.
#[tokio::test]
async fn retries_a_502() {
    let mock = GhMock::start();
    mock.on_seq(
        "GET",
        "/repos/o/r/pulls/1",
        vec![Reply::status(502), Reply::json(200, json!({"number": 1}))],
    );
    let api = api(&mock);
    let pr: Value = api.get_json("/repos/o/r/pulls/1", &[]).await.unwrap();
    assert_eq!(pr["number"], 1);
    assert_eq!(api.requests(), 2);
    assert_eq!(mock.count(), 2);
    assert_eq!(api.waited(), Duration::from_secs(1));
}

/// 3× 502 with max_attempts 3 → Server error naming the status after 3 requests (backoffs 1 s + 2 s).
#[tokio::test]
async fn gives_up_after_max_attempts() {
    let mock = GhMock::start();
    mock.on(
        "GET",
        "/repos/o/r/pulls/1",
        Reply::github_error(502, "Server Error"),
    );
    let api = api_with(
        &mock.api_url(),
        RetryPolicy {
            max_attempts: 3,
            ..policy()
        },
    );
    let e = api
        .get_json::<Value>("/repos/o/r/pulls/1", &[])
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            ApiError::Server {
                status: 502,
                attempts: 3,
                ..
            }
        ),
        "{e:?}"
    );
    let s = shown(&e);
    assert!(s.contains("502") && s.contains("after 3 attempts"), "{s}");
    assert_eq!(api.requests(), 3);
    assert_eq!(mock.count(), 3);
    assert_eq!(api.waited(), Duration::from_secs(3));
}

/// Backoffs stop early when the next one would not fit in max_total_wait.
#[tokio::test]
async fn backoff_bounded_by_total_wait() {
    let mock = GhMock::start();
    mock.on("GET", "/x", Reply::status(503));
    let api = api_with(
        &mock.api_url(),
        RetryPolicy {
            max_attempts: 10,
            max_total_wait: Duration::from_secs(5),
            ..policy()
        },
    );
    let e = api.get_json::<Value>("/x", &[]).await.unwrap_err();
    let s = shown(&e);
    assert!(s.contains("503") && s.contains("wait budget"), "{s}");
    // Waits 1 s and 2 s; the next (4 s) would exceed 5 s.
    assert_eq!(api.requests(), 3);
    assert_eq!(api.waited(), Duration::from_secs(3));
}

/// A secondary rate limit (403, retry-after: 3) then 200 → success; waited() is exactly 3 s.
#[tokio::test]
async fn secondary_rate_limit_waits_retry_after() {
    let mock = GhMock::start();
    mock.on_seq(
        "GET",
        "/repos/o/r/pulls/7",
        vec![
            Reply::github_error(
                403,
                "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
            )
            .header("retry-after", "3"),
            Reply::json(200, json!({"number": 7})),
        ],
    );
    let api = api(&mock);
    let pr: Value = api.get_json("/repos/o/r/pulls/7", &[]).await.unwrap();
    assert_eq!(pr["number"], 7);
    assert_eq!(api.requests(), 2);
    assert_eq!(api.waited(), Duration::from_secs(3));
}

/// A primary limit whose reset fits the budget waits until the reset, counted from the `date` header.
#[tokio::test]
async fn primary_rate_limit_waits_until_reset() {
    let mock = GhMock::start();
    // 2024-01-01T00:00:00Z = 1704067200.
    mock.on_seq(
        "GET",
        "/x",
        vec![
            Reply::github_error(403, "API rate limit exceeded for user ID 1.")
                .header("x-ratelimit-remaining", "0")
                .header("x-ratelimit-reset", "1704067210")
                .header("date", "Mon, 01 Jan 2024 00:00:00 GMT"),
            Reply::json(200, json!(true)),
        ],
    );
    let api = api(&mock);
    let ok: bool = api.get_json("/x", &[]).await.unwrap();
    assert!(ok);
    assert_eq!(api.waited(), Duration::from_secs(10));
}

/// Primary limit (remaining 0, reset an hour away, beyond max_total_wait) → RateLimited at once, 1 request, no wait.
#[tokio::test]
async fn primary_rate_limit_beyond_budget_fails_at_once() {
    let mock = GhMock::start();
    mock.on(
        "GET",
        "/repos/o/r/pulls/1",
        Reply::github_error(403, "API rate limit exceeded for user ID 1.")
            .header("x-ratelimit-limit", "5000")
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", "1704070800")
            .header("date", "Mon, 01 Jan 2024 00:00:00 GMT"),
    );
    let api = api(&mock);
    let e = api
        .get_json::<Value>("/repos/o/r/pulls/1", &[])
        .await
        .unwrap_err();
    match &e {
        ApiError::RateLimited {
            status, wait_secs, ..
        } => assert_eq!((*status, *wait_secs), (403, 3600)),
        other => panic!("{other:?}"),
    }
    let s = shown(&e);
    assert!(
        s.contains("2024-01-01T01:00:00Z") && s.contains("3600 s"),
        "{s}"
    );
    assert!(s.contains("120 s wait budget"), "{s}");
    assert_eq!(api.requests(), 1);
    assert_eq!(mock.count(), 1);
    assert_eq!(api.waited(), Duration::ZERO);
}

/// 401 → Unauthorized telling to check GITHUB_TOKEN/--token.
#[tokio::test]
async fn unauthorized() {
    let mock = GhMock::start();
    mock.on(
        "GET",
        "/repos/o/r/pulls/1",
        Reply::github_error(401, "Bad credentials"),
    );
    let api = api(&mock);
    let e = api
        .get_json::<Value>("/repos/o/r/pulls/1", &[])
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized { .. }), "{e:?}");
    let s = shown(&e);
    assert!(
        s.contains(
            "the token was rejected (401): check that GITHUB_TOKEN/--token is set and not expired"
        ),
        "{s}"
    );
    assert_eq!(api.requests(), 1);
}

/// 403 on POST /check-runs → Forbidden naming `checks: write` and GitHub's message.
#[tokio::test]
async fn forbidden_check_run() {
    let mock = GhMock::start();
    mock.on(
        "POST",
        "/repos/o/r/check-runs",
        Reply::github_error(403, "Resource not accessible by integration"),
    );
    let api = api(&mock);
    let e = api
        .post_json::<Value>("/repos/o/r/check-runs", &json!({"name": "contract-gate"}))
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
    let s = shown(&e);
    assert!(
        s.contains("`checks: write`") && s.contains("fork pull requests"),
        "{s}"
    );
    assert!(s.contains("Resource not accessible by integration"), "{s}");
    assert_eq!(api.requests(), 1, "a permission 403 is not retried");
}

/// Other 4xx → Http with GitHub's message; a message echoing the token is scrubbed.
#[tokio::test]
async fn other_4xx_and_scrubbing() {
    let mock = GhMock::start();
    mock.on(
        "PATCH",
        "/repos/o/r/check-runs/5",
        Reply::github_error(
            422,
            &format!("Invalid request: {TOKEN} is not a valid head_sha"),
        ),
    );
    let api = api(&mock);
    let e = api
        .patch_json::<Value>("/repos/o/r/check-runs/5", &json!({}))
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Http { status: 422, .. }), "{e:?}");
    let s = shown(&e);
    assert!(
        s.contains("422") && s.contains("*** is not a valid head_sha"),
        "{s}"
    );
}

/// A body that is not the expected JSON → Decode naming the path.
#[tokio::test]
async fn decode_error_names_path() {
    let mock = GhMock::start();
    mock.on(
        "GET",
        "/repos/o/r/pulls/1",
        Reply::json(200, json!({"number": "one"})),
    );
    #[derive(serde::Deserialize, Debug)]
    struct Pr {
        #[allow(dead_code)]
        number: u64,
    }
    let e = api(&mock)
        .get_json::<Pr>("/repos/o/r/pulls/1", &[])
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Decode { .. }), "{e:?}");
    assert!(shown(&e).contains("/repos/o/r/pulls/1"));
}

/// Connection refused (a closed port) → Transport error after max_attempts, each attempt counted.
#[tokio::test]
async fn connection_refused() {
    let url = closed_url();
    let api = api_with(&url, policy());
    let e = api
        .get_json::<Value>("/repos/o/r/pulls/1", &[])
        .await
        .unwrap_err();
    assert!(
        matches!(e, ApiError::Transport { attempts: 4, .. }),
        "{e:?}"
    );
    let s = shown(&e);
    assert!(s.contains(&url) && s.contains("after 4 attempts"), "{s}");
    assert_eq!(api.requests(), 4);
    assert_eq!(api.waited(), Duration::from_secs(1 + 2 + 4));
}

/// A server that never answers → Transport timeout after max_attempts (request_timeout is real time: 100 ms).
#[tokio::test]
async fn timeout_is_retried_then_fails() {
    let mock = GhMock::start();
    mock.on("GET", "/slow", Reply::hang());
    let api = api_with(
        &mock.api_url(),
        RetryPolicy {
            max_attempts: 2,
            request_timeout: Duration::from_millis(100),
            ..policy()
        },
    );
    let e = api.get_json::<Value>("/slow", &[]).await.unwrap_err();
    let s = shown(&e);
    assert!(
        s.contains("no answer within 100 ms") && s.contains("after 2 attempts"),
        "{s}"
    );
    assert_eq!(api.requests(), 2);
    assert_eq!(mock.count(), 2);
}

/// `post_json_once` never retries: a 502 comes back after one request, as a
/// transient error the caller can look behind.
#[tokio::test]
async fn post_once_is_not_retried() {
    let mock = GhMock::start();
    mock.on("POST", "/repos/o/r/check-runs", Reply::status(502));
    let api = api(&mock);
    let e = api
        .post_json_once::<Value>("/repos/o/r/check-runs", &json!({}))
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            ApiError::Server {
                status: 502,
                attempts: 1,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.is_transient());
    assert_eq!((api.requests(), mock.count()), (1, 1));
    assert_eq!(api.waited(), Duration::ZERO);
}

/// A 404 without a token says the token is missing and how to get one.
#[tokio::test]
async fn not_found_without_token_names_the_token() {
    let mock = GhMock::start();
    let api = Api::new(&mock.api_url(), None, policy()).unwrap();
    let e = api
        .get_json::<Value>("/repos/o/private/pulls/1", &[])
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            ApiError::NotFound {
                token_set: false,
                ..
            }
        ),
        "{e:?}"
    );
    let s = e.to_string();
    assert!(
        s.contains("no token was sent: the token is missing")
            && s.contains("GH_TOKEN")
            && s.contains("gh auth login"),
        "{s}"
    );
}

/// Without a token no Authorization header is sent.
#[tokio::test]
async fn no_token_no_auth() {
    let mock = GhMock::start();
    mock.on("GET", "/x", Reply::json(200, json!(1)));
    let api = Api::new(&mock.api_url(), None, policy()).unwrap();
    let one: u32 = api.get_json("/x", &[]).await.unwrap();
    assert_eq!(one, 1);
    assert!(!mock.only_request().has_auth());
}

/// Clones share counters, and concurrent tasks on a multi-threaded runtime can share one Api.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_across_tasks() {
    let mock = GhMock::start();
    mock.on("GET", "/n", Reply::json(200, json!(5)));
    let api = api(&mock);
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let api = api.clone();
        set.spawn(async move { api.get_json::<u32>("/n", &[]).await });
    }
    while let Some(r) = set.join_next().await {
        assert_eq!(r.unwrap().unwrap(), 5);
    }
    assert_eq!(api.requests(), 8);
    assert_eq!(mock.count(), 8);
}
