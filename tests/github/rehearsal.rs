//! Issue 10 §3 on GitHub: the PR's check-run gets a "Merge rehearsal"
//! section. PR #2 (agent-1, `changes`) is trial-merged in the workflow's
//! checkout on top of PR #1 (agent-0, `agents/first`, open), whose head the
//! checkout lacks and fetches as `refs/pull/1/head` from a bare `origin`.

use super::*;
use crate::support::{Repo, Tree};

const AUTH: &str = "export function requireAuth(req, res, next) {\n  next();\n}\n";
const ROUTES: &str = "import { requireAuth } from './auth';\nrouter.use(requireAuth);\n";

/// The repository, its bare `origin` (branch `main`, and the two PRs'
/// heads only as `refs/pull/N/head`) and a clone of it: the workspace.
struct Seam {
    repo: Repo,
    work: Tree,
    base: String,
    pred: String,
    head: String,
}

impl Seam {
    /// agent-0's PR changes `pred_files`; agent-1's PR (this one) `files`.
    fn new(pred_files: &[(&str, &str)], files: &[(&str, &str)]) -> Seam {
        let repo = Repo::with_contract(&contract("`src/uploads.ts`, `db/**`"));
        repo.write("src/auth.ts", AUTH)
            .write("src/routes.ts", ROUTES);
        let base = repo.commit("the app");
        repo.branch("agents/first", "main");
        for (path, text) in pred_files {
            repo.write(path, text);
        }
        let pred = repo.commit("agent-0's work");
        repo.branch("changes", "main");
        for (path, text) in files {
            repo.write(path, text);
        }
        let head = repo.commit("agent-1's work");
        let origin = repo.tmp.path().join("origin.git");
        repo.git(&[
            "init",
            "-q",
            "--bare",
            "-b",
            "main",
            origin.to_str().unwrap(),
        ]);
        repo.git(&["remote", "add", "origin", origin.to_str().unwrap()]);
        repo.git(&[
            "push",
            "-q",
            "origin",
            "main",
            "agents/first:refs/pull/1/head",
            "changes:refs/pull/2/head",
        ]);
        let work = Tree {
            dir: repo.tmp.path().join("work"),
        };
        repo.git(&[
            "clone",
            "-q",
            // A transport, not a local copy of every object: the clone has
            // only what `main` reaches, as actions/checkout would.
            &format!("file://{}", origin.display()),
            work.dir.to_str().unwrap(),
        ]);
        Seam {
            repo,
            work,
            base,
            pred,
            head,
        }
    }

    /// agent-0's PR renames `requireAuth` (in its definition and its one
    /// caller); agent-1's PR adds `src/uploads.ts` holding `uploads`.
    fn renaming_what_uploads_uses(uploads: &str) -> Seam {
        let renamed = |t: &str| t.replace("requireAuth", "requireAuthenticatedUser");
        Seam::new(
            &[
                ("src/auth.ts", &renamed(AUTH)),
                ("src/routes.ts", &renamed(ROUTES)),
            ],
            &[("src/uploads.ts", uploads)],
        )
    }

    /// The PR as GitHub answers it, at the real SHAs.
    fn pr(&self, number: u64, branch: &str, sha: &str) -> Value {
        let mut p = pr();
        p["number"] = json!(number);
        p["state"] = json!("open");
        p["merged_at"] = Value::Null;
        p["changed_files"] = json!(1);
        p["head"]["ref"] = json!(branch);
        p["head"]["sha"] = json!(sha);
        p["base"]["ref"] = json!("main");
        p["base"]["sha"] = json!(self.base);
        p
    }

    /// A mock GitHub for PR #2, with PR #1 open before it.
    fn world(&self, added: &str) -> World {
        let this = self.pr(2, "changes", &self.head);
        let pred = self.pr(1, "agents/first", &self.pred);
        let recorded: Vec<Value> =
            serde_json::from_slice(&fixture("rest/pull-request.files.json")).unwrap();
        let mut file = recorded[0].clone();
        file["filename"] = json!(added);
        file["status"] = json!("added");
        file["patch"] = json!("@@ -0,0 +1 @@\n+x");
        let (base, head, pred_sha) = (self.base.clone(), self.head.clone(), self.pred.clone());
        // The gate's own run on #1's head, as GitHub lists it: passed.
        let mut run: Value =
            serde_json::from_slice(&fixture("rest/check-run.create.in-progress.response.json"))
                .unwrap();
        run["status"] = json!("completed");
        run["conclusion"] = json!("success");
        run["head_sha"] = json!(self.pred);
        let text = contract("`src/uploads.ts`, `db/**`");
        World::build("", "`src/uploads.ts`", false, move |m| {
            m.on(
                "GET",
                &format!("{R}/pulls/2"),
                Reply::json(200, this.clone()),
            );
            m.on(
                "GET",
                &format!("{R}/pulls/2/files"),
                Reply::json(200, json!([file.clone()])),
            );
            m.on_query(
                "GET",
                &format!("{R}/contents/CONTRACT.md"),
                &format!("ref={base}"),
                Reply::contents("CONTRACT.md", &text),
            );
            m.on_query(
                "GET",
                &format!("{R}/pulls"),
                "state=all&head=Codertocat:agents/first&base=main",
                Reply::json(200, json!([pred.clone()])),
            );
            m.on(
                "GET",
                &format!("{R}/commits/{head}/check-runs"),
                Reply::json(200, json!({"total_count": 0, "check_runs": []})),
            );
            m.on_query(
                "GET",
                &format!("{R}/commits/{pred_sha}/check-runs"),
                "check_name=contract-gate",
                Reply::json(200, json!({"total_count": 1, "check_runs": [run.clone()]})),
            );
        })
    }

    fn run(&self, w: &World, workspace: &Path) -> Outcome {
        let mut event = payload("opened");
        event["pull_request"] = self.pr(2, "changes", &self.head);
        let p = w.write_event("opened.json", &event);
        w.event_in("pull_request", &p, &[], Some(workspace))
    }

    /// Runs the event, which must exit 0, and returns the summary of the
    /// run's last update.
    fn summary_of_passing_run(&self, w: &World, workspace: &Path) -> String {
        let o = self.run(w, workspace);
        assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
        last_summary(w)
    }
}

/// The summary of the run's last update.
fn last_summary(w: &World) -> String {
    let last = w.patches().pop().expect("the run was updated");
    last["output"]["summary"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// agent-0 renames `requireAuth` (not a commitment); agent-1 adds a file
/// that calls it. Each PR passes alone; rehearsed on top of #1, #2 fails
/// with a dangling reference, and the checkout's refs are untouched.
#[test]
fn a_name_the_open_pr_before_removes_fails_this_pr() {
    let s = Seam::renaming_what_uploads_uses(
        "import { requireAuth } from './auth';\nexport const upload = [requireAuth];\n",
    );
    let w = s.world("src/uploads.ts");
    let refs_before = s.work.git(&["for-each-ref"]);
    let pred_object = format!("{}^{{commit}}", s.pred);
    let present = |t: &Tree| {
        t.try_git(&["cat-file", "-e", &pred_object])
            .status
            .success()
    };
    assert!(
        !present(&s.work),
        "the clone lacks #1's head before the run"
    );
    let o = s.run(&w, &s.work.dir);
    assert!(
        present(&s.work),
        "#1's head was fetched as refs/pull/1/head"
    );
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let last = w.patches().pop().unwrap();
    assert_eq!(last["conclusion"], "failure", "{last}");
    let summary = last["output"]["summary"].as_str().unwrap();
    assert!(summary.contains("### Merge rehearsal"), "{summary}");
    // The diagram knows #1 is open and the gate passed it.
    assert!(
        summary.contains("s0[\"agent-0 ⏳ #1 open, passing\"]:::openok"),
        "{summary}"
    );
    let short = |sha: &str| sha[..7].to_string();
    for row in [
        format!(
            "| 1 | agent-0 | #1 at {} | merges cleanly |",
            short(&s.pred)
        ),
        "| 2 | agent-1 | #2 (this one) | merges cleanly |".to_string(),
    ] {
        assert!(summary.contains(&row), "{row}\n{summary}");
    }
    for line in [1, 2] {
        let item = format!("- **failure** `dangling-reference`: `src/uploads.ts`:{line} — agent-0 removed `requireAuth`, but agent-1's src/uploads.ts still references it\n");
        assert!(summary.contains(&item), "{item}\n{summary}");
    }
    let ann = last["output"]["annotations"].as_array().unwrap();
    let dangling: Vec<_> = ann
        .iter()
        .filter(|a| a["title"] == "dangling-reference")
        .map(|a| {
            (
                a["path"].as_str().unwrap(),
                a["start_line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(dangling, [("src/uploads.ts", 1), ("src/uploads.ts", 2)]);
    assert!(o.summary.contains("### Merge rehearsal"), "{}", o.summary);
    // Fetched as objects only: no branch, tag or remote ref was written.
    assert_eq!(s.work.git(&["for-each-ref"]), refs_before);
    assert_eq!(s.work.git(&["status", "--porcelain"]), "");
    assert_eq!(s.repo.git(&["rev-parse", "changes"]), s.head);
}

/// Two migrations with one timestamp: a warning naming agent-0 (the rebase
/// after #1 merges resolves it). Nothing fails, so the check stays pending
/// on agent-0.
#[test]
fn a_colliding_migration_warns_and_stays_pending() {
    let s = Seam::new(
        &[("db/20260506120000_a.sql", "create table a;\n")],
        &[("db/20260506120000_b.sql", "create table b;\n")],
    );
    let w = s.world("db/20260506120000_b.sql");
    let o = s.run(&w, &s.work.dir);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let last = w.patches().pop().unwrap();
    assert_eq!(last["status"], "in_progress", "{last}");
    let summary = last["output"]["summary"].as_str().unwrap();
    assert!(
        summary.contains("- **warning** `collision`: `db/20260506120000_b.sql` — files numbered 20260506120000 in db/ from two branches"),
        "{summary}"
    );
}

/// Rehearsed cleanly: the section says so and nothing is added.
#[test]
fn a_pr_that_fits_on_the_ones_before_it_says_so() {
    let s = Seam::new(
        &[("src/auth.ts", &format!("{AUTH}// audited\n"))],
        &[("src/uploads.ts", "export const upload = 1;\n")],
    );
    let w = s.world("src/uploads.ts");
    let summary = s.summary_of_passing_run(&w, &s.work.dir);
    assert!(
        summary.contains("Nothing this pull request changes breaks the ones before it."),
        "{summary}"
    );
}

/// Without a checkout the section says how to get one; the verdict is the
/// PR's own.
#[test]
fn without_a_checkout_the_section_says_how_to_get_one() {
    let s = Seam::new(&[("src/auth.ts", AUTH)], &[("src/uploads.ts", "x\n")]);
    let w = s.world("src/uploads.ts");
    let plain = s.repo.tmp.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    let summary = s.summary_of_passing_run(&w, &plain);
    assert!(
        summary.contains("not rehearsed:") && summary.contains("fetch-depth: 0"),
        "{summary}"
    );
}

/// The sweep (the base moved) rehearses each open PR again, in the
/// checkout `-C` names.
#[test]
fn the_sweep_rehearses_each_open_pr_again() {
    let s = Seam::renaming_what_uploads_uses("requireAuth();\n");
    let w = s.world("src/uploads.ts");
    let this = s.pr(2, "changes", &s.head);
    // The sweep reads the contract at the base branch's tip.
    w.mock.on_query(
        "GET",
        &format!("{R}/contents/CONTRACT.md"),
        "ref=main",
        Reply::contents("CONTRACT.md", contract("`src/uploads.ts`, `db/**`")),
    );
    w.mock.on_query(
        "GET",
        &format!("{R}/pulls"),
        "state=open&base=main",
        Reply::json(200, json!([this])),
    );
    w.mock.on_query(
        "GET",
        &format!("{R}/pulls"),
        "state=open&head=Codertocat:main",
        Reply::json(200, json!([])),
    );
    let o = w.cli(&[
        "sweep",
        "--base",
        "main",
        "--post",
        "-C",
        s.work.dir.to_str().unwrap(),
    ]);
    assert!(
        o.stdout.contains("#2 changes → main: failure"),
        "{}\n{}",
        o.stdout,
        o.stderr
    );
    let last = w.patches().pop().unwrap();
    assert_eq!(last["conclusion"], "failure", "{last}");
    let summary = last["output"]["summary"].as_str().unwrap();
    assert!(
        summary.contains("### Merge rehearsal")
            && summary.contains("agent-0 removed `requireAuth`, but agent-1's src/uploads.ts"),
        "{summary}"
    );
}

/// Both PRs change one line of `src/auth.ts`: this PR's step conflicts, a
/// warning naming agent-0 (the rebase after #1 merges resolves it).
#[test]
fn a_textual_conflict_with_the_pr_before_is_a_warning() {
    let s = Seam::new(
        &[("src/auth.ts", &AUTH.replace("next();", "return next();"))],
        &[
            ("src/auth.ts", &AUTH.replace("next();", "next(null);")),
            ("src/uploads.ts", "export const upload = 1;\n"),
        ],
    );
    let w = s.world("src/uploads.ts");
    let summary = s.summary_of_passing_run(&w, &s.work.dir);
    assert!(
        summary.contains("| 2 | agent-1 | #2 (this one) | conflicts: `src/auth.ts` (content) |"),
        "{summary}"
    );
    assert!(
        summary.contains("- **warning** `conflict`: `src/auth.ts` — agent-1 conflicts with agent-0 in src/auth.ts (content)"),
        "{summary}"
    );
}

/// A shallow checkout has no merge bases: the section says so and how to
/// fix it, and nothing is fetched into it.
#[test]
fn a_shallow_checkout_is_not_rehearsed() {
    let s = Seam::new(&[("src/auth.ts", AUTH)], &[("src/uploads.ts", "x\n")]);
    let w = s.world("src/uploads.ts");
    let shallow = s.repo.tmp.path().join("shallow");
    let origin = format!("file://{}", s.repo.tmp.path().join("origin.git").display());
    s.repo.git(&[
        "clone",
        "-q",
        "--depth",
        "1",
        "--branch",
        "main",
        &origin,
        shallow.to_str().unwrap(),
    ]);
    let summary = s.summary_of_passing_run(&w, &shallow);
    assert!(
        summary.contains("not rehearsed: the checkout is shallow"),
        "{summary}"
    );
}

/// `--pr N` run inside a checkout rehearses as the action would: the
/// dangling reference is in its JSON verdict.
#[test]
fn a_dry_run_in_a_checkout_rehearses_too() {
    let s = Seam::renaming_what_uploads_uses("requireAuth();\n");
    let w = s.world("src/uploads.ts");
    let o = w.cli(&[
        "--pr",
        "2",
        "--format",
        "json",
        "-C",
        s.work.dir.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    let dangling: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "dangling-reference")
        .collect();
    assert_eq!(dangling.len(), 1, "{v}");
    assert_eq!(dangling[0]["path"], "src/uploads.ts");
    assert!(
        w.sent("POST", "/check-runs").is_empty(),
        "a dry run posts nothing"
    );
}
