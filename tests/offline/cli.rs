//! The command line: detached heads, worktrees, `-C`, bad input, the text
//! reporter and `demo`.

use crate::support::*;

/// A repository where agent-2 committed one clean migration on its branch.
fn migrations() -> Repo {
    let r = Repo::uploads();
    r.branch("agents/migrations", "main")
        .write("src/db/migrations/001.sql", "create table t ();\n")
        .commit("migration");
    r
}

/// A detached head without --branch cannot be judged: exit 2 naming --branch.
#[test]
fn detached_head_needs_branch() {
    let r = migrations();
    r.git(&["checkout", "-q", "--detach"]);
    let e = r
        .check(&["--base", "main"])
        .error(&["detached", "--branch"]);
    assert!(!e.is_empty());
    let text = r.check_text(&["--base", "main"]);
    assert_eq!(text.code, 2);
    assert!(text.stdout.is_empty(), "{}", text.stdout);
    assert!(
        text.stderr.contains("could not evaluate"),
        "{}",
        text.stderr
    );
    assert!(text.stderr.contains("detached"), "{}", text.stderr);
    assert!(text.stderr.contains("--branch"), "{}", text.stderr);
}

/// A detached head with --branch is judged as that branch.
#[test]
fn detached_head_with_branch_evaluates() {
    let r = migrations();
    r.git(&["checkout", "-q", "--detach"]);
    let run = r.check(&["--base", "main", "--branch", "agents/migrations"]);
    run.pass();
    assert_eq!(run.json()["branch"], "agents/migrations");
    assert_eq!(run.json()["agent"], "agent-2");
}

/// --head names another branch than the checkout's.
#[test]
fn head_flag_judges_another_branch() {
    let r = migrations();
    r.checkout("main");
    let run = r.check(&["--base", "main", "--head", "agents/migrations"]);
    run.pass();
    assert_eq!(run.json()["branch"], "agents/migrations");
}

/// A linked worktree (and a subdirectory of it) works as the working directory.
#[test]
fn linked_worktree_as_working_directory() {
    let r = Repo::uploads();
    let wt = r.worktree_add("wt-migrations", "agents/migrations", "main");
    wt.write("src/db/migrations/001.sql", "create table t ();\n")
        .commit("migration");
    let run = wt.check(&["--base", "main"]);
    run.pass();
    assert_eq!(run.json()["branch"], "agents/migrations");
    let sub = Tree {
        dir: wt.dir.join("src/db"),
    };
    sub.check(&["--base", "main"]).pass();
    // The main checkout still judges its own branch.
    r.check(&["--base", "main"]).expect(0, "neutral", &[]);
}

/// `-C DIR` judges the repository in DIR from anywhere.
#[test]
fn dash_c_selects_the_repository() {
    let r = Repo::uploads();
    let wt = r.worktree_add("wt-migrations", "agents/migrations", "main");
    wt.write("src/tsconfig.json", "{}\n").commit("stray file");
    let elsewhere = r.tmp.path();
    let run = run_in(
        elsewhere,
        &[
            "check",
            "-C",
            wt.dir.to_str().unwrap(),
            "--base",
            "main",
            "--format",
            "json",
        ],
        None,
    );
    run.blocked(&["scope"]);
    assert_eq!(run.paths("scope"), ["src/tsconfig.json"]);
    let run = run_in(
        elsewhere,
        &[
            "check",
            "--repo",
            r.dir.to_str().unwrap(),
            "--base",
            "main",
            "--head",
            "agents/migrations",
            "--format",
            "json",
        ],
        None,
    );
    run.blocked(&["scope"]);
}

/// An unknown base ref: exit 2 and a message naming the ref.
#[test]
fn unknown_base_ref_is_an_error() {
    let r = migrations();
    r.check(&["--base", "no-such-branch"])
        .error(&["unknown revision", "`no-such-branch`"]);
    let v = r.check(&["--base", "no-such-branch"]).json();
    assert_eq!(v["base"], "no-such-branch");
    let text = r.check_text(&["--base", "no-such-branch"]);
    assert_eq!(text.code, 2);
    assert!(text.stderr.contains("no-such-branch"), "{}", text.stderr);
}

/// An unknown head ref: exit 2 naming it.
#[test]
fn unknown_head_ref_is_an_error() {
    let r = migrations();
    r.check(&["--base", "main", "--head", "nope/nope"])
        .error(&["`nope/nope`"]);
}

/// A directory that is not a git repository: exit 2.
#[test]
fn not_a_git_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    let mut cmd = std::process::Command::new(exe());
    cmd.args(["check", "--base", "main", "--format", "json"])
        .current_dir(&plain)
        .env("GIT_CEILING_DIRECTORIES", tmp.path());
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let e = v["error"].as_str().unwrap();
    assert!(e.contains("not inside a git repository"), "{e}");

    let missing = tmp.path().join("missing");
    let run = run_in(
        tmp.path(),
        &[
            "check",
            "-C",
            missing.to_str().unwrap(),
            "--base",
            "main",
            "--format",
            "json",
        ],
        None,
    );
    run.error(&["not inside a git repository"]);
}

/// `--contract missing.md`: exit 2 naming the path.
#[test]
fn missing_contract_flag_path_is_an_error() {
    let r = migrations();
    r.check(&["--base", "main", "--contract", "missing.md"])
        .error(&["`missing.md`", "does not exist"]);
}

/// `--body` naming a missing file: exit 2.
#[test]
fn missing_body_file_is_an_error() {
    let r = migrations();
    let missing = r.outside("no-body.md");
    r.check(&["--base", "main", "--body", missing.to_str().unwrap()])
        .error(&["--body", "no-body.md"]);
}

/// The text reporter: PASS with no findings, BLOCKED with rule, path and next step.
#[test]
fn text_output_spot_checks() {
    let r = migrations();
    let pass = r.check_text(&["--base", "main"]);
    assert_eq!(pass.code, 0);
    assert!(pass
        .stdout
        .starts_with("contract-gate: PASS  agents/migrations → main"));
    assert!(pass.stdout.contains("contract CONTRACT.md · agent agent-2"));
    assert!(pass.stdout.contains("No findings"));

    r.write("tsconfig.json", "{}\n")
        .write("src/api/x.ts", "export {};\n")
        .commit("more");
    let blocked = r.check_text(&["--base", "main"]);
    assert_eq!(blocked.code, 1);
    let o = &blocked.stdout;
    assert!(
        o.starts_with("contract-gate: BLOCKED  agents/migrations → main"),
        "{o}"
    );
    assert!(o.contains("✗ scope (1)"), "{o}");
    assert!(
        o.contains("    src/api/x.ts  added; outside what agent-2 owns"),
        "{o}"
    );
    assert!(o.contains("✗ shared-state (1)"), "{o}");
    assert!(o.contains("→ revert these files"), "{o}");
}

/// The text reporter prints `path:line` for additions-only findings and the merge progress.
#[test]
fn text_output_lines_and_progress() {
    let r = Repo::uploads_after_migrations();
    r.branch("agents/uploads", "main")
        .write(
            "src/api/router.ts",
            &ROUTER.replace("listUsers", "listAllUsers"),
        )
        .commit("rename a handler");
    let run = r.check_text(&["--base", "main"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("src/api/router.ts:5  "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("merge order: agent-2 ✓ merged (agents/migrations at "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("agent-1 (this) → agent-3"),
        "{}",
        run.stdout
    );
}

/// `demo` builds its repository and all 14 scenarios match (exit 0).
#[test]
fn demo_self_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let run = run_in(tmp.path(), &["demo"], None);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("14 scenarios"), "{}", run.stdout);
    assert!(!run.stdout.contains("differ"), "{}", run.stdout);
}

/// Output into a closed pipe (`contract-gate lint --format json | head -1`) must not panic.
#[test]

fn closed_stdout_does_not_panic() {
    let r = Repo::blog();
    for args in [
        &["lint", "--format", "json"][..],
        &["check", "--base", "nope", "--format", "json"][..],
    ] {
        let mut child = std::process::Command::new(exe())
            .args(args)
            .current_dir(&r.dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before the binary writes anything.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_ne!(
            out.status.code(),
            Some(101),
            "{args:?} panicked: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// In a detached CI checkout, GITHUB_HEAD_REF names the head branch.
#[test]
fn detached_head_uses_github_head_ref() {
    let r = migrations();
    r.git(&["checkout", "-q", "--detach"]);
    let out = std::process::Command::new(crate::support::exe())
        .args(["check", "--base", "main", "--format", "json"])
        .current_dir(&r.dir)
        .env("GITHUB_HEAD_REF", "agents/migrations")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["branch"], "agents/migrations");
    assert_eq!(v["agent"], "agent-2");
}
