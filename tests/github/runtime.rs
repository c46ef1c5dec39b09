//! The GitHub runtime end to end: the real binary, GitHub Actions'
//! environment, recorded webhook payloads and REST bodies served by a
//! local mock of GitHub on 127.0.0.1.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use contract_gate::source::github::client::RETRY_BASE_MS_ENV;

use crate::support::ghmock::{fixture, GhMock, Recorded, Reply};

const TOKEN: &str = "ghs_RuntimeTestSecret_51c2";
const R: &str = "/repos/Codertocat/Hello-World";
const HEAD: &str = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
const BASE: &str = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
const RUN_ID: u64 = 1296028076;
const MERGED_SHA: &str = "1111111111111111111111111111111111111111";
const PRED_HEAD: &str = "2222222222222222222222222222222222222222";

/// The recorded `opened` payload's pull request: #2, `changes` → `master`.
fn payload(name: &str) -> Value {
    serde_json::from_slice(&fixture(&format!("webhooks/pull_request/{name}.json"))).unwrap()
}

/// Its `changed_files` is set to the 4 of the recorded files list the mock
/// serves (drone/go-scm's `pr_files.json`): the two recordings are of
/// different pull requests, and the gate checks the list against the count.
fn pr() -> Value {
    let mut p = payload("opened")["pull_request"].clone();
    p["changed_files"] = json!(RECORDED_FILES);
    p
}

/// Entries of `rest/pull-request.files.json`.
const RECORDED_FILES: u64 = 4;

/// agent-0 (`agents/first`) merges before agent-1 (`changes`, the PR's branch),
/// which owns the four files of the recorded files list (their names are
/// bare words, so they are written in backticks).
fn contract(agent1: &str) -> String {
    format!(
        "# Contract\n\n## Worktrees\n- wt-first branch: agents/first agent: agent-0\n- wt-hello branch: changes agent: agent-1\n\n## Scope\n- agent-0: first/**\n- agent-1: {agent1}\n\n## Merge order\n1. agent-0\n2. agent-1\n"
    )
}

/// Serves `text` as `CONTRACT.md` at the base SHA and the default branch
/// (register it in a `World::build` closure: the first route wins).
fn serve_contract(m: &GhMock, text: &str) {
    for r in [BASE, "master"] {
        m.on_query(
            "GET",
            &format!("{R}/contents/CONTRACT.md"),
            &format!("ref={r}"),
            Reply::contents("CONTRACT.md", text),
        );
    }
}

const ALL_FILES: &str = "`asda2`, `remove_me`, `tp`, `abhinav`, `upsert`";

fn merged_pred() -> Value {
    let mut p = pr();
    p["number"] = json!(1);
    p["state"] = json!("closed");
    p["head"]["ref"] = json!("agents/first");
    p["head"]["sha"] = json!(PRED_HEAD);
    p["merged_at"] = json!("2026-11-20T10:00:00Z");
    p["merge_commit_sha"] = json!(MERGED_SHA);
    p
}

struct World {
    mock: GhMock,
    dir: tempfile::TempDir,
    /// The pull request a `pull_request` event delivers (the gate reads
    /// it from the payload, not from the API).
    delivered: Value,
}

impl World {
    /// A mock GitHub serving PR #2 of Codertocat/Hello-World.
    fn new(agent1: &str, predecessor_merged: bool) -> World {
        World::build("", agent1, predecessor_merged, |_| {})
    }

    fn with_prefix(prefix: &str, agent1: &str, predecessor_merged: bool) -> World {
        World::build(prefix, agent1, predecessor_merged, |_| {})
    }

    /// `first` registers routes before the defaults: the first route
    /// registered for a request wins.
    fn build(
        prefix: &str,
        agent1: &str,
        predecessor_merged: bool,
        first: impl Fn(&GhMock),
    ) -> World {
        let mock = if prefix.is_empty() {
            GhMock::start()
        } else {
            GhMock::start_with_prefix(prefix)
        };
        first(&mock);
        mock.on("GET", &format!("{R}/pulls/2"), Reply::json(200, pr()));
        mock.on(
            "GET",
            &format!("{R}/pulls/2/files"),
            Reply::fixture(200, "rest/pull-request.files.json"),
        );
        for r in [BASE, "master"] {
            mock.on_query(
                "GET",
                &format!("{R}/contents/CONTRACT.md"),
                &format!("ref={r}"),
                Reply::contents("CONTRACT.md", contract(agent1)),
            );
        }
        let closed = if predecessor_merged {
            json!([merged_pred()])
        } else {
            json!([])
        };
        mock.on_query(
            "GET",
            &format!("{R}/pulls"),
            "state=all&head=Codertocat:agents/first&base=master",
            Reply::json(200, closed),
        );
        mock.on(
            "GET",
            &format!("{R}/compare/{MERGED_SHA}...{HEAD}"),
            Reply::fixture(200, "rest/compare.json"),
        );
        mock.on(
            "GET",
            &format!("{R}/commits/{HEAD}/check-runs"),
            Reply::json(200, json!({"total_count": 0, "check_runs": []})),
        );
        mock.on(
            "POST",
            &format!("{R}/check-runs"),
            Reply::fixture(201, "rest/check-run.create.in-progress.response.json"),
        );
        mock.on(
            "PATCH",
            &format!("{R}/check-runs/{RUN_ID}"),
            Reply::json(200, json!({"id": RUN_ID})),
        );
        World {
            mock,
            dir: tempfile::tempdir().unwrap(),
            delivered: pr(),
        }
    }

    /// The event payload carries `p` (serve the same from the pulls API).
    fn deliver(mut self, p: Value) -> World {
        self.delivered = p;
        self
    }

    fn write_event(&self, name: &str, v: &Value) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, serde_json::to_vec(v).unwrap()).unwrap();
        p
    }

    /// Runs the binary as a workflow step would.
    fn event(&self, event_name: &str, payload: &Path, args: &[&str]) -> Outcome {
        self.event_in(event_name, payload, args, None)
    }

    /// [`World::event`] with `GITHUB_WORKSPACE` set to a checkout.
    fn event_in(
        &self,
        event_name: &str,
        payload: &Path,
        args: &[&str],
        workspace: Option<&Path>,
    ) -> Outcome {
        let summary = self.dir.path().join("summary.md");
        let output = self.dir.path().join("output.txt");
        let _ = std::fs::remove_file(&summary);
        let _ = std::fs::remove_file(&output);
        let out = Command::new(env!("CARGO_BIN_EXE_contract-gate"))
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", event_name)
            .env("GITHUB_EVENT_PATH", payload)
            .env("GITHUB_REPOSITORY", "Codertocat/Hello-World")
            .env("GITHUB_API_URL", self.mock.api_url())
            .env("GITHUB_TOKEN", TOKEN)
            .env(RETRY_BASE_MS_ENV, "0")
            // A merge commit on pull_request: the gate must never report on it.
            .env("GITHUB_SHA", "0000000000000000000000000000000000000bad")
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_WORKSPACE", workspace.unwrap_or(self.dir.path()))
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        Outcome::new(out, &summary, &output)
    }

    fn cli(&self, args: &[&str]) -> Outcome {
        let out = Command::new(env!("CARGO_BIN_EXE_contract-gate"))
            .args(args)
            .args([
                "--api-url",
                &self.mock.api_url(),
                "--repo",
                "Codertocat/Hello-World",
                "--token",
                TOKEN,
            ])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env(RETRY_BASE_MS_ENV, "0")
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        Outcome::new(out, Path::new("/nonexistent"), Path::new("/nonexistent"))
    }

    fn sent(&self, method: &str, path_end: &str) -> Vec<Recorded> {
        self.mock
            .requests()
            .into_iter()
            .filter(|r| r.method == method && r.path.ends_with(path_end))
            .collect()
    }

    /// The body of the first `method` request the mock received.
    fn first_body(&self, method: &str) -> Value {
        self.mock
            .requests()
            .into_iter()
            .find(|r| r.method == method)
            .unwrap_or_else(|| panic!("no {method} request"))
            .body_json()
    }

    fn patches(&self) -> Vec<Value> {
        self.sent("PATCH", &format!("/check-runs/{RUN_ID}"))
            .iter()
            .map(|r| r.body_json())
            .collect()
    }
}

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
    summary: String,
    output: String,
}

impl Outcome {
    fn new(out: std::process::Output, summary: &Path, output: &Path) -> Outcome {
        let o = Outcome {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            summary: std::fs::read_to_string(summary).unwrap_or_default(),
            output: std::fs::read_to_string(output).unwrap_or_default(),
        };
        assert_ne!(o.code, 101, "panic: {}", o.stderr);
        for text in [&o.stdout, &o.stderr, &o.summary, &o.output] {
            assert!(!text.contains(TOKEN), "the token was printed");
        }
        o
    }
}

fn opened(w: &World) -> PathBuf {
    let mut event = payload("opened");
    event["pull_request"] = w.delivered.clone();
    w.write_event("opened.json", &event)
}

/// pull_request opened: a renamed file's old name outside the scope fails; the
/// check-run is created on the PR head (not GITHUB_SHA), completed red, annotated.
#[test]
fn pull_request_scope_failure_is_reported_on_the_head() {
    let w = World::new("`asda2`, `remove_me`, `tp`, `upsert`", true);
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let posts = w.sent("POST", "/check-runs");
    assert_eq!(posts.len(), 1);
    let create = posts[0].body_json();
    assert_eq!(create["name"], "contract-gate");
    assert_eq!(create["head_sha"], HEAD);
    assert_eq!(create["status"], "in_progress");
    let patches = w.patches();
    assert_eq!(patches.len(), 1);
    assert_eq!(patches[0]["status"], "completed");
    assert_eq!(patches[0]["conclusion"], "failure");
    let ann = patches[0]["output"]["annotations"].as_array().unwrap();
    assert_eq!(ann.len(), 1);
    assert_eq!(ann[0]["path"], "abhinav");
    assert_eq!(ann[0]["start_line"], 1);
    assert_eq!(ann[0]["title"], "scope");
    assert!(patches[0]["output"]["title"]
        .as_str()
        .unwrap()
        .contains("out of scope"));
    // The contract was read at the base SHA, never at the head.
    let contents = w.sent("GET", "/contents/CONTRACT.md");
    assert!(
        !contents.is_empty()
            && contents
                .iter()
                .all(|r| r.query.contains(&format!("ref={BASE}")))
    );
    assert!(w
        .mock
        .requests()
        .iter()
        .all(|r| !r.query.contains(HEAD) || !r.path.contains("/contents/")));
    // Workflow commands, step summary and outputs.
    assert!(
        o.stdout
            .contains("::error file=abhinav,line=1,title=scope::"),
        "{}",
        o.stdout
    );
    assert!(o.summary.contains("### scope"), "{}", o.summary);
    assert!(o.output.contains("conclusion=failure") && o.output.contains("agent=agent-1"));
    assert!(w.mock.requests().iter().all(|r| r.auth_is_bearer(TOKEN)));
}

/// pull_request_target synchronize: every file owned, predecessor merged and
/// contained → success, exit 0; the request count stays small.
#[test]
fn pull_request_target_pass() {
    let w = World::new(ALL_FILES, true);
    let p = w.write_event("sync.json", &payload("synchronize"));
    let o = w.event("pull_request_target", &p, &[]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let patches = w.patches();
    assert_eq!(patches[0]["conclusion"], "success");
    assert!(o.output.contains("conclusion=success"));
    // PR, files, contract, contracts dir, closed PRs, compare, create,
    // re-read PR, list runs, complete.
    assert!(
        w.mock.count() <= 10,
        "{} requests: {:#?}",
        w.mock.count(),
        w.mock.requests()
    );
}

/// Only a predecessor is missing: the check stays in progress ("waiting on
/// agent-0") rather than red, and the job exits 0.
#[test]
fn waiting_on_a_predecessor_stays_pending() {
    let w = World::new(ALL_FILES, false);
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let p = &w.patches()[0];
    assert_eq!(p["status"], "in_progress");
    assert!(p.get("conclusion").is_none());
    assert!(
        p["output"]["title"]
            .as_str()
            .unwrap()
            .starts_with("waiting on agent-0"),
        "{p}"
    );
}

/// A fork PR's read-only token: creating the check-run gets 403 → a warning,
/// annotations through workflow commands, and the exit code says failure.
#[test]
fn fork_pr_with_read_only_token() {
    let w = World::build("", "`asda2`", true, |m| {
        m.on(
            "POST",
            &format!("{R}/check-runs"),
            Reply::github_error(403, "Resource not accessible by integration"),
        );
    });
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert!(o
        .stdout
        .contains("::warning title=contract-gate::the token cannot create check-runs"));
    assert!(
        o.stdout
            .contains("::error file=remove_me,line=1,title=scope::"),
        "{}",
        o.stdout
    );
    assert!(w.patches().is_empty());
}

/// `edited` (the body or base changed) is judged again; `labeled` is not.
#[test]
fn edited_is_rejudged_and_labeled_is_not() {
    let w = World::new(ALL_FILES, true);
    let mut ev = payload("opened");
    ev["action"] = json!("edited");
    ev["changes"] = json!({"base": {"ref": {"from": "develop"}}});
    let o = w.event(
        "pull_request_target",
        &w.write_event("edited.json", &ev),
        &[],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(w.patches().len(), 1);

    let w = World::new(ALL_FILES, true);
    let o = w.event(
        "pull_request",
        &w.write_event("labeled.json", &payload("labeled")),
        &[],
    );
    assert_eq!(o.code, 0);
    assert_eq!(w.mock.count(), 0, "{:#?}", w.mock.requests());
}

/// merge_group: the queued change `base_sha...head_sha` is judged and the
/// check is reported on `merge_group.head_sha`.
#[test]
fn merge_group_is_judged_and_reported_on_its_head() {
    let (w, o, gb, gh) = merge_group_run("");
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let create = w.first_body("POST");
    assert_eq!(create["head_sha"], gh);
    assert!(w
        .mock
        .requests()
        .iter()
        .any(|r| r.path.ends_with(&format!("/compare/{gb}...{gh}"))));
    // No files listing of the PR itself: the queued change is what is judged.
    assert!(w
        .mock
        .requests()
        .iter()
        .all(|r| !r.path.ends_with("/pulls/104/files")));
    let patch = w.first_body("PATCH");
    assert_eq!(patch["conclusion"], "success", "{patch}");
}

/// More than 3,000 changed files: every page up to GitHub's limit is read,
/// and the gate fails closed instead of judging a truncated list.
#[test]
fn more_than_three_thousand_files_fail_closed() {
    let w = World::build("", ALL_FILES, true, |m| {
        let mut big = pr();
        big["changed_files"] = json!(3412);
        m.on("GET", &format!("{R}/pulls/2"), Reply::json(200, big));
    });
    let o = w.cli(&["--pr", "2", "--format", "json"]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v["conclusion"], "failure");
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "incomplete"));
    let pages: Vec<String> = w
        .sent("GET", "/pulls/2/files")
        .iter()
        .map(|r| r.query.clone())
        .collect();
    assert_eq!(pages.len(), 30, "{pages:?}");
    for p in 1..=30 {
        assert!(pages
            .iter()
            .any(|q| q.contains("per_page=100") && q.contains(&format!("page={p}"))));
    }
    // A dry run posts nothing.
    assert!(w.sent("POST", "/check-runs").is_empty());
}

/// Dry run: `--pr` prints the verdict and posts nothing; `--post` posts it.
#[test]
fn dry_run_and_post() {
    let w = World::new(ALL_FILES, true);
    let o = w.cli(&["--pr", "2", "--format", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(
        (
            v["agent"].as_str(),
            v["branch"].as_str(),
            v["base"].as_str()
        ),
        (Some("agent-1"), Some("changes"), Some("master"))
    );
    assert!(w.mock.requests().iter().all(|r| r.method == "GET"));
    assert!(o.stderr.contains("API requests"));

    let o = w.cli(&["--pr", "2", "--post", "--format", "markdown"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("agent-1"));
    assert_eq!(w.sent("POST", "/check-runs").len(), 1);
    assert_eq!(w.patches()[0]["conclusion"], "success");
}

/// GitHub Enterprise Server: an API root with a path (`/api/v3`).
#[test]
fn github_enterprise_api_root() {
    let w = World::with_prefix("/api/v3", ALL_FILES, true);
    let o = w.cli(&["--pr", "2"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(w
        .mock
        .requests()
        .iter()
        .all(|r| r.path.starts_with("/api/v3/repos/")));
}

/// Faults: a 502 is retried; a 401 fails closed with exit 2 and a hint.
#[test]
fn faults_retry_and_fail_closed() {
    let w = World::build("", ALL_FILES, true, |m| {
        m.on_seq(
            "GET",
            &format!("{R}/pulls/2"),
            vec![
                Reply::github_error(502, "Bad Gateway"),
                Reply::json(200, pr()),
            ],
        );
    });
    // The end-to-end runs set CONTRACT_GATE_RETRY_BASE_MS=0: retried at once.
    let o = w.cli(&["--pr", "2", "--format", "json"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(w.sent("GET", "/pulls/2").len(), 2);

    let denied = GhMock::start();
    denied.on(
        "GET",
        &format!("{R}/pulls/2"),
        Reply::github_error(401, "Bad credentials"),
    );
    let w3 = World {
        mock: denied,
        dir: tempfile::tempdir().unwrap(),
        delivered: pr(),
    };
    let o = w3.cli(&["--pr", "2", "--format", "json"]);
    assert_eq!(o.code, 2);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v["conclusion"], "failure");
    assert!(v["error"].as_str().unwrap().contains("401"), "{v}");
}

fn open_prs(m: &GhMock) {
    m.on_query(
        "GET",
        &format!("{R}/pulls"),
        "state=open&base=master",
        Reply::json(200, json!([pr()])),
    );
    m.on_query(
        "GET",
        &format!("{R}/pulls"),
        "state=open&head=Codertocat:master",
        Reply::json(200, json!([])),
    );
}

fn runs_on_head(m: &GhMock, runs: Value) {
    m.on(
        "GET",
        &format!("{R}/commits/{HEAD}/check-runs"),
        Reply::json(200, json!({ "check_runs": runs })),
    );
}

/// The sweep: the predecessor's PR merges between two sweeps, and the
/// waiting PR turns green without anyone pushing.
#[test]
fn sweep_turns_the_next_pr_green_after_its_predecessor_merges() {
    let before = World::build("", ALL_FILES, false, open_prs);
    let o = before.cli(&["sweep", "--base", "master"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("#2 changes"), "{}", o.stdout);
    let first = before.patches();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0]["status"], "in_progress");

    // agent-0's PR merges; the push to master sweeps again. The first
    // sweep's run is there, stamped earlier than this evaluation.
    let after = World::build("", ALL_FILES, true, |m| {
        open_prs(m);
        runs_on_head(m, json!([{"id": 5, "external_id": "contract-gate:1000"}]));
    });
    let push = after.write_event(
        "push.json",
        &json!({"ref": "refs/heads/master", "deleted": false}),
    );
    let o = after.event("push", &push, &[]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let second = after.patches();
    assert_eq!(second[0]["status"], "completed");
    assert_eq!(second[0]["conclusion"], "success");
    assert_eq!(
        after.sent("POST", "/check-runs")[0].body_json()["head_sha"],
        HEAD
    );
}

/// Races: a sweep never posts over a newer evaluation, nor on a head that moved.
#[test]
fn sweep_never_overwrites_newer_results() {
    // A run stamped in the far future already reported on this head.
    let newer = World::build("", ALL_FILES, true, |m| {
        open_prs(m);
        runs_on_head(
            m,
            json!([{"id": 9, "external_id": "contract-gate:99999999999999"}]),
        );
    });
    let o = newer.cli(&["sweep", "--base", "master"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("not posted: a newer evaluation already reported"),
        "{}",
        o.stdout
    );
    assert!(newer.sent("POST", "/check-runs").is_empty());

    // The head moves between reading and posting: nothing is posted on the old SHA.
    let moved = World::build("", ALL_FILES, true, |m| {
        open_prs(m);
        let mut later = pr();
        later["head"]["sha"] = json!("3333333333333333333333333333333333333333");
        m.on_seq(
            "GET",
            &format!("{R}/pulls/2"),
            vec![Reply::json(200, pr()), Reply::json(200, later)],
        );
    });
    let o = moved.cli(&["sweep", "--base", "master"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("moved from ec26c3e to 3333333"),
        "{}",
        o.stdout
    );
    assert!(moved.sent("POST", "/check-runs").is_empty());
}

/// Additions-only files without a `patch` (renamed): both versions are read
/// at the base and head SHAs and compared.
#[test]
fn additions_only_without_patch_reads_both_versions() {
    let w = World::new(
        "`asda2`, `remove_me`, `tp` (additions only), `abhinav`, `upsert`",
        true,
    );
    w.mock.on_query(
        "GET",
        &format!("{R}/contents/abhinav"),
        &format!("ref={BASE}"),
        Reply::text(200, "one\ntwo\nthree\n"),
    );
    w.mock.on_query(
        "GET",
        &format!("{R}/contents/tp"),
        &format!("ref={HEAD}"),
        Reply::text(200, "one\nTWO\nthree\nfour\n"),
    );
    let o = w.cli(&["--pr", "2", "--format", "json"]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "additions-only")
        .unwrap()
        .clone();
    assert_eq!(
        (f["path"].as_str(), f["line"].as_u64()),
        (Some("tp"), Some(2))
    );
    // The modified file with a patch needs no contents request.
    assert!(w.sent("GET", "/contents/asda2").is_empty());
}

/// 120 out-of-scope files: annotations go in batches of at most 50 (three
/// updates of the same run) and every text stays within GitHub's limits.
#[test]
fn annotations_are_batched_by_fifty() {
    let template: Vec<Value> =
        serde_json::from_slice(&fixture("rest/pull-request.files.json")).unwrap();
    let files: Vec<Value> = (0..120)
        .map(|i| {
            let mut f = template[1].clone(); // the `added` entry
            f["filename"] = json!(format!("elsewhere/file-{i:03}.txt"));
            f
        })
        .collect();
    let mut p = pr();
    p["changed_files"] = json!(120);
    let delivered = p.clone();
    let w = World::build("", ALL_FILES, true, move |m| {
        m.on("GET", &format!("{R}/pulls/2"), Reply::json(200, p.clone()));
        m.on_query(
            "GET",
            &format!("{R}/pulls/2/files"),
            "page=1",
            Reply::json(200, json!(files[..100])),
        );
        m.on_query(
            "GET",
            &format!("{R}/pulls/2/files"),
            "page=2",
            Reply::json(200, json!(files[100..])),
        );
    })
    .deliver(delivered);
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let patches = w.patches();
    let sizes: Vec<usize> = patches
        .iter()
        .map(|p| p["output"]["annotations"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes, [50, 50, 20]);
    assert_eq!(patches[0]["conclusion"], "failure");
    for p in &patches {
        assert!(p["output"]["summary"].as_str().unwrap().len() <= 65_535);
        assert!(p["output"]["title"].as_str().unwrap().chars().count() <= 255);
    }
    let paths: std::collections::BTreeSet<&str> = patches
        .iter()
        .flat_map(|p| p["output"]["annotations"].as_array().into_iter().flatten())
        .filter_map(|a| a["path"].as_str())
        .collect();
    assert_eq!(paths.len(), 120);
    // At most 10 error workflow commands per step (GitHub shows no more).
    assert!(o.stdout.matches("::error").count() <= 10, "{}", o.stdout);
}

/// A merged pull request (`closed`) sweeps its base; one closed unmerged does nothing.
#[test]
fn closed_merged_pr_sweeps_its_base() {
    let w = World::build("", ALL_FILES, true, open_prs);
    let ev = w.write_event("closed.json", &payload("closed.merged"));
    let o = w.event("pull_request_target", &ev, &[]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("sweep of master"), "{}", o.stdout);
    assert_eq!(w.patches()[0]["conclusion"], "success");

    let w = World::new(ALL_FILES, true);
    let mut ev = payload("closed.merged");
    ev["pull_request"]["merged_at"] = Value::Null;
    let o = w.event("pull_request", &w.write_event("closed.json", &ev), &[]);
    assert_eq!(o.code, 0);
    assert_eq!(w.mock.count(), 0);
}

/// A push to an integration branch re-judges the integrator's PR from it:
/// every agent merged into it → the integrator's check turns green.
#[test]
fn sweep_of_an_integration_branch_rejudges_the_integrator() {
    let contract = "## Agents\n| Agent | Branch | Owns |\n|---|---|---|\n| first | agents/first | `asda2`, `remove_me`, `tp`, `abhinav`, `upsert` |\n\n## Integration branch\n`changes`\n";
    let w = World::build("", ALL_FILES, true, |m| {
        for r in [BASE, "changes"] {
            m.on_query(
                "GET",
                &format!("{R}/contents/CONTRACT.md"),
                &format!("ref={r}"),
                Reply::contents("CONTRACT.md", contract),
            );
        }
        m.on_query(
            "GET",
            &format!("{R}/pulls"),
            "state=open&base=changes",
            Reply::json(200, json!([])),
        );
        m.on_query(
            "GET",
            &format!("{R}/pulls"),
            "state=open&head=Codertocat:changes",
            Reply::json(200, json!([pr()])),
        );
        let mut into_integration = merged_pred();
        into_integration["base"]["ref"] = json!("changes");
        m.on_query(
            "GET",
            &format!("{R}/pulls"),
            "state=all&head=Codertocat:agents/first&base=changes",
            Reply::json(200, json!([into_integration])),
        );
    });
    let push = w.write_event(
        "push.json",
        &json!({"ref": "refs/heads/changes", "deleted": false}),
    );
    let o = w.event("push", &push, &[]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("#2 changes → changes"), "{}", o.stdout);
    let p = &w.patches()[0];
    assert_eq!(p["conclusion"], "success", "{p}");
}

/// Runs a `merge_group` event for PR #104 (`agents/client`) of octo-org/octo-repo;
/// `order` is appended to its contract.
fn merge_group_run(order: &str) -> (World, Outcome, String, String) {
    merge_group_run_with(order, json!([]))
}

/// Like [`merge_group_run`], with `pulls` answering the predecessors' PR lists.
fn merge_group_run_with(order: &str, pulls: Value) -> (World, Outcome, String, String) {
    let mock = GhMock::start();
    let repo = "/repos/octo-org/octo-repo";
    let ev: Value =
        serde_json::from_slice(&fixture("webhooks/merge_group/checks_requested.json")).unwrap();
    let g = &ev["merge_group"];
    let gb = g["base_sha"].as_str().unwrap().to_string();
    let gh = g["head_sha"].as_str().unwrap().to_string();
    let mut queued = pr();
    queued["number"] = json!(104);
    queued["head"]["ref"] = json!("agents/client");
    queued["base"]["ref"] = json!("main");
    mock.on(
        "GET",
        &format!("{repo}/pulls/104"),
        Reply::json(200, queued),
    );
    mock.on(
        "GET",
        &format!("{repo}/compare/{gb}...{gh}"),
        Reply::fixture(200, "rest/compare.json"),
    );
    let contract = format!(
        "## Agents\n| Agent | Branch |\n|---|---|\n| server | agents/server |\n| client | agents/client |\n\n## Scope\n- server: server/**\n- client: github/**, setup.py, ReferenceOfClasses.md\n{order}"
    );
    mock.on_query(
        "GET",
        &format!("{repo}/contents/CONTRACT.md"),
        &format!("ref={gb}"),
        Reply::contents("CONTRACT.md", &contract),
    );
    mock.on("GET", &format!("{repo}/pulls"), Reply::json(200, pulls));
    mock.on(
        "GET",
        &format!("{repo}/compare/{PRED_HEAD}...{gb}"),
        Reply::fixture(200, "rest/compare.json"),
    );
    mock.on(
        "GET",
        &format!("{repo}/commits/{gh}/check-runs"),
        Reply::json(200, json!({"check_runs": []})),
    );
    mock.on(
        "POST",
        &format!("{repo}/check-runs"),
        Reply::json(201, json!({"id": 7})),
    );
    mock.on(
        "PATCH",
        &format!("{repo}/check-runs/7"),
        Reply::json(200, json!({"id": 7})),
    );
    let w = World {
        mock,
        dir: tempfile::tempdir().unwrap(),
        delivered: pr(),
    };
    let p = w.write_event("mg.json", &ev);
    // GITHUB_REPOSITORY names the queue's repository.
    let o = Outcome::new(
        Command::new(env!("CARGO_BIN_EXE_contract-gate"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", "merge_group")
            .env("GITHUB_EVENT_PATH", &p)
            .env("GITHUB_REPOSITORY", "octo-org/octo-repo")
            .env("GITHUB_API_URL", w.mock.api_url())
            .env("GITHUB_TOKEN", TOKEN)
            .env(RETRY_BASE_MS_ENV, "0")
            .output()
            .unwrap(),
        Path::new("/nonexistent"),
        Path::new("/nonexistent"),
    );
    (w, o, gb, gh)
}

/// A queued PR whose predecessor has not merged fails (a queue would wait
/// on a pending check forever).
#[test]
fn merge_group_never_waits() {
    let (w, o, _, _) = merge_group_run("\n## Merge order\n1. server\n2. client\n");
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let patch = w.first_body("PATCH");
    assert_eq!(patch["status"], "completed");
    assert_eq!(patch["conclusion"], "failure");
    assert!(
        patch["output"]["title"]
            .as_str()
            .unwrap()
            .contains("waiting on server"),
        "{patch}"
    );
}

/// In a merge queue, a predecessor queued ahead (its open PR's head is in
/// the group's base) counts as merged: the batch passes.
#[test]
fn merge_group_counts_a_predecessor_queued_ahead() {
    let mut ahead = merged_pred();
    ahead["state"] = json!("open");
    ahead["merged_at"] = Value::Null;
    ahead["head"]["ref"] = json!("agents/server");
    let (w, o, gb, _) =
        merge_group_run_with("\n## Merge order\n1. server\n2. client\n", json!([ahead]));
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let list = w
        .mock
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/pulls") && r.query.contains("state=all"))
        .expect("open and closed PRs of the predecessor were listed");
    assert!(
        list.query.contains("agents%2Fserver") || list.query.contains("agents/server"),
        "{}",
        list.query
    );
    assert!(w
        .mock
        .requests()
        .iter()
        .any(|r| r.path.ends_with(&format!("/compare/{PRED_HEAD}...{gb}"))));
    let patch = w.first_body("PATCH");
    assert_eq!(patch["conclusion"], "success", "{patch}");
}

/// A create that GitHub carried out but answered 502 (or timed out) is not
/// posted again: the run is found on the head SHA by name and
/// `external_id` and reused, so the commit gets one run.
#[test]
fn retried_create_never_makes_a_second_run() {
    let w = World::build("", ALL_FILES, true, |m| {
        // The first create is recorded (the run exists) but answered 502.
        m.on_fn("POST", &format!("{R}/check-runs"), |_, before| {
            let made = before.iter().any(|r| r.method == "POST");
            if made {
                Reply::fixture(201, "rest/check-run.create.in-progress.response.json")
            } else {
                Reply::github_error(502, "Server Error")
            }
        });
        // Listing the head's runs shows what the posts created.
        m.on_fn(
            "GET",
            &format!("{R}/commits/{HEAD}/check-runs"),
            |_, before| {
                let runs: Vec<Value> = before
                    .iter()
                    .filter(|r| r.method == "POST")
                    .map(|r| {
                        let b = r.body_json();
                        json!({"id": RUN_ID, "name": b["name"], "head_sha": b["head_sha"],
                            "external_id": b["external_id"]})
                    })
                    .collect();
                Reply::json(200, json!({"total_count": runs.len(), "check_runs": runs}))
            },
        );
    });
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(w.sent("POST", "/check-runs").len(), 1, "one create");
    let patches = w.patches();
    assert_eq!(patches.len(), 1);
    assert_eq!(patches[0]["conclusion"], "success");
}

/// `--pr` without any token stops at once, sends nothing, and says how to
/// get one.
#[test]
fn pr_without_a_token_says_so_at_once() {
    let w = World::new(ALL_FILES, true);
    let out = Command::new(env!("CARGO_BIN_EXE_contract-gate"))
        .args(["--pr", "2", "--format", "json"])
        .args([
            "--api-url",
            &w.mock.api_url(),
            "--repo",
            "Codertocat/Hello-World",
        ])
        .env_clear()
        // No `gh` on PATH: `gh auth token` cannot supply one either.
        .env("PATH", w.dir.path())
        .current_dir(w.dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let e = v["error"].as_str().unwrap();
    for way in ["GITHUB_TOKEN", "GH_TOKEN", "gh auth login"] {
        assert!(e.contains(way), "{e}");
    }
    assert_eq!(w.mock.count(), 0, "{:#?}", w.mock.requests());
}

#[path = "fail_closed.rs"]
mod fail_closed;

#[path = "ci_checks.rs"]
mod ci_checks;

#[path = "approvals.rs"]
mod approvals;

#[path = "contract_file.rs"]
mod contract_file;

#[path = "interface.rs"]
mod interface;

#[path = "rehearsal.rs"]
mod rehearsal;

#[path = "pages.rs"]
mod pages;

#[path = "unknown_states.rs"]
mod unknown_states;

/// What a user sees of one workflow run, as a snapshot: the step's log
/// (workflow commands), its summary and outputs, and the check-run bodies
/// the gate sent (created, then completed).
fn run_shot(w: &World, o: &Outcome) -> String {
    let mut text = format!(
        "exit: {}\n--- log (stdout)\n{}--- stderr\n{}--- step summary\n{}--- outputs\n{}",
        o.code, o.stdout, o.stderr, o.summary, o.output
    );
    for r in w
        .mock
        .requests()
        .iter()
        .filter(|r| r.path.contains("/check-runs"))
    {
        if r.method == "GET" {
            continue;
        }
        let body = serde_json::to_string_pretty(&r.body_json()).unwrap();
        text.push_str(&format!("--- {} {}\n{body}\n", r.method, r.path));
    }
    let time = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z").unwrap();
    let text = time.replace_all(&text, "[time]");
    let stamp = regex::Regex::new(r"contract-gate:\d+").unwrap();
    let text = stamp.replace_all(&text, "contract-gate:[stamp]");
    crate::snap_shot::scrub(&text, &[w.dir.path()])
}

#[test]
fn snapshots_of_a_blocked_and_a_waiting_run() {
    let w = World::new("`asda2`, `remove_me`, `tp`, `upsert`", true);
    let o = w.event("pull_request", &opened(&w), &[]);
    insta::assert_snapshot!("runtime-blocked", run_shot(&w, &o));
    let w = World::new(ALL_FILES, false);
    let o = w.event("pull_request", &opened(&w), &[]);
    insta::assert_snapshot!("runtime-waiting", run_shot(&w, &o));
}
