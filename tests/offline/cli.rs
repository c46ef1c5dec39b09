//! The command line: detached heads, worktrees, `-C`, bad input, the text
//! reporter, `demo`, and the flags every command shares (`--contract`,
//! `-C/--dir`, `--format`, posting) with their deprecated spellings.

use clap::CommandFactory;
use contract_gate::cli::Cli;

use crate::support::ghmock::GhMock;
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

/// `demo` builds its repositories and all 17 scenarios match (exit 0): the
/// 14 verdicts of `check`, then three rehearsals of the seam.
#[test]
fn demo_self_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let run = run_in(tmp.path(), &["demo"], None);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("17 scenarios"), "{}", run.stdout);
    for line in [
        "the seam: two branches that merge cleanly                  (every agent branch)             CLEAN    0     —",
        "the seam: a rename one branch makes, another still calls   (every agent branch)             FINDINGS 1     dangling-reference",
        "the seam: two migrations with the same timestamp           (every agent branch)             FINDINGS 1     collision",
    ] {
        assert!(run.stdout.contains(line), "{}", run.stdout);
    }
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

/// The uploads contract moved to `docs/team.md` on main, and agent-2's clean
/// migration on its branch: only `--contract docs/team.md` finds it.
fn moved_contract() -> Repo {
    let r = Repo::uploads();
    r.mv("CONTRACT.md", "docs/team.md")
        .commit("move the contract");
    r.branch("agents/migrations", "main")
        .write("src/db/migrations/001.sql", "create table t ();\n")
        .commit("migration");
    r
}

/// `--contract PATH` is one flag, accepted the same way by check, lint and brief.
#[test]
fn same_contract_flag_in_check_lint_brief() {
    let r = moved_contract();
    let flag = ["--contract", "docs/team.md"];
    let check = r.check(&[&["--base", "main"][..], &flag[..]].concat());
    check.pass();
    assert_eq!(check.json()["contract"], "docs/team.md");
    assert_eq!(check.json()["agent"], "agent-2");
    // Without it, check finds no contract naming the branch: neutral.
    r.check(&["--base", "main"]).expect(0, "neutral", &[]);

    let lint = r.gate(&[&["lint", "--format", "json"][..], &flag[..]].concat());
    assert_eq!(lint.code, 0, "{}", lint.stderr);
    assert!(lint.stdout.contains("docs/team.md"), "{}", lint.stdout);
    assert!(lint.stderr.is_empty(), "{}", lint.stderr);

    let brief = r.gate(&[&["brief", "agent-2"][..], &flag[..]].concat());
    assert_eq!(brief.code, 0, "{}", brief.stderr);
    assert!(
        brief.stdout.starts_with("# Brief for agent-2"),
        "{}",
        brief.stdout
    );
    assert!(brief.stdout.contains("Contract: `docs/team.md`"));
}

/// `-C DIR` and `--dir DIR` select the repository in check, lint and brief.
#[test]
fn dash_c_in_every_local_command() {
    let r = moved_contract();
    let dir = r.dir.to_str().unwrap();
    let elsewhere = r.tmp.path();
    for c in ["-C", "--dir"] {
        let check = run_in(
            elsewhere,
            &[
                "check",
                c,
                dir,
                "--base",
                "main",
                "--contract",
                "docs/team.md",
                "--format",
                "json",
            ],
            None,
        );
        check.pass();
        let lint = run_in(
            elsewhere,
            &["lint", c, dir, "--contract", "docs/team.md"],
            None,
        );
        assert_eq!(lint.code, 0, "{c}: {}", lint.stderr);
        assert!(lint.stdout.contains("agent agent-2"), "{}", lint.stdout);
        let brief = run_in(
            elsewhere,
            &[
                "brief",
                c,
                dir,
                "--contract",
                "docs/team.md",
                "agents/uploads",
            ],
            None,
        );
        assert_eq!(brief.code, 0, "{c}: {}", brief.stderr);
        assert!(brief.stdout.starts_with("# Brief for agent-1"));
    }
    // Relative to -C DIR, a missing contract is named as given.
    let missing = run_in(
        elsewhere,
        &["lint", "-C", dir, "--contract", "nope.md"],
        None,
    );
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("nope.md"), "{}", missing.stderr);
}

/// lint's old positional paths still work this release, with a warning.
#[test]
fn lint_positional_paths_are_deprecated() {
    let r = moved_contract();
    let run = r.gate(&["lint", "docs/team.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("agent agent-2"), "{}", run.stdout);
    assert_eq!(
        run.stderr,
        "contract-gate: warning: `lint PATH…` (positional contract paths) is deprecated and will be removed in the next release; use --contract PATH\n"
    );
}

/// Exit codes: 0 pass, 1 blocked, 2 could not evaluate — for check and lint.
#[test]
fn exit_codes_of_check_and_lint() {
    let r = migrations();
    assert_eq!(r.check_text(&["--base", "main"]).code, 0);
    assert_eq!(r.check_text(&["--base", "nope"]).code, 2);
    r.write("src/api/x.ts", "export {};\n")
        .commit("out of scope");
    assert_eq!(r.check_text(&["--base", "main"]).code, 1);
    assert_eq!(r.gate(&["lint"]).code, 0);
    assert_eq!(r.gate(&["lint", "--contract", "missing.md"]).code, 2);
    r.write("broken.md", "# nothing\n");
    assert_eq!(r.gate(&["lint", "--contract", "broken.md"]).code, 1);
    // A usage error is "could not evaluate" too.
    assert_eq!(r.gate(&["check"]).code, 2);
}

fn subcommands() -> Vec<clap::Command> {
    Cli::command().get_subcommands().cloned().collect()
}

/// Every command's help documents the exit codes.
#[test]
fn every_help_documents_exit_codes() {
    let mut top = Cli::command();
    assert!(top
        .render_long_help()
        .to_string()
        .contains("Exit codes: 0 pass"));
    for mut sub in subcommands() {
        let help = sub.render_long_help().to_string();
        assert!(
            help.contains("Exit codes: 0 "),
            "`{}` help lacks exit codes",
            sub.get_name()
        );
    }
}

/// Every `--format` value a command lists works for it; lint lists text and json only.
#[test]
fn every_listed_format_works() {
    let listed = |name: &str| -> Vec<String> {
        let cmd = Cli::command().find_subcommand(name).unwrap().clone();
        let arg = cmd
            .get_arguments()
            .find(|a| a.get_long() == Some("format"))
            .unwrap()
            .clone();
        arg.get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect()
    };
    assert_eq!(listed("lint"), ["text", "json"]);
    assert_eq!(listed("check"), ["text", "json", "markdown", "sarif"]);
    assert_eq!(listed("sweep"), ["text", "json"]);
    let r = migrations();
    for f in listed("check") {
        let run = r.gate(&["check", "--base", "main", "--format", &f]);
        assert_eq!(run.code, 0, "check --format {f}: {}", run.stderr);
        assert!(!run.stdout.is_empty(), "check --format {f} printed nothing");
    }
    for f in listed("lint") {
        let run = r.gate(&["lint", "--format", &f]);
        assert_eq!(run.code, 0, "lint --format {f}: {}", run.stderr);
        assert!(run.stdout.contains("agent-2"), "lint --format {f}");
    }
    let md = r.gate(&["lint", "--format", "markdown"]);
    assert_eq!(md.code, 2);
    assert!(
        md.stderr.contains("invalid value 'markdown'"),
        "{}",
        md.stderr
    );
}

/// Runs the binary with only the given GitHub environment.
fn gate_env(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = std::process::Command::new(exe());
    cmd.args(args).current_dir(dir);
    for var in [
        "GITHUB_ACTIONS",
        "GITHUB_EVENT_NAME",
        "GITHUB_EVENT_PATH",
        "GITHUB_REF",
        "GITHUB_BASE_REF",
        "GITHUB_REPOSITORY",
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "GITHUB_API_URL",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// In a push event, `sweep` needs no --base: it sweeps the pushed branch.
#[test]
fn sweep_in_a_push_event_uses_the_pushed_branch() {
    let tmp = tempfile::tempdir().unwrap();
    let payload = tmp.path().join("push.json");
    std::fs::write(&payload, r#"{"ref":"refs/heads/release","deleted":false}"#).unwrap();
    let mock = GhMock::start();
    let api = mock.api_url();
    let args = [
        "sweep",
        "--dry-run",
        "--repo",
        "o/r",
        "--token",
        "t",
        "--api-url",
        &api,
    ];
    let run = gate_env(
        tmp.path(),
        &args,
        &[
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_EVENT_PATH", payload.to_str().unwrap()),
        ],
    );
    // Nothing is registered: every read is a 404, so the sweep cannot
    // evaluate — but it asked about `release`, the pushed branch.
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(
        mock.requests()
            .iter()
            .any(|r| r.query.contains("ref=release") || r.query.contains("base=release")),
        "{:?}",
        mock.requests()
            .iter()
            .map(|r| format!("{} {}?{}", r.method, r.path, r.query))
            .collect::<Vec<_>>()
    );
    assert!(mock.requests().iter().all(|r| r.method == "GET"));
    // Without a payload, GITHUB_REF names the branch.
    let run = gate_env(
        tmp.path(),
        &args,
        &[
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_REF", "refs/tags/v1"),
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("the push is to `refs/tags/v1`, not a branch"),
        "{}",
        run.stderr
    );
    // Outside an event, --base is required, and nothing is requested.
    let before = mock.count();
    let run = gate_env(tmp.path(), &args, &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("sweep needs --base BRANCH"),
        "{}",
        run.stderr
    );
    assert_eq!(mock.count(), before);
}

/// Posting is explicit: `--post` and `--dry-run` exclude each other on
/// both `--pr` and `sweep`; `--post` without `--pr` is refused.
#[test]
fn posting_flags_are_the_same_for_pr_and_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        &["--pr", "1", "--post", "--dry-run"][..],
        &["sweep", "--base", "main", "--post", "--dry-run"][..],
    ] {
        let run = gate_env(tmp.path(), args, &[]);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.contains("cannot be used with"), "{}", run.stderr);
    }
    let run = gate_env(tmp.path(), &["--post"], &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--post needs --pr N"), "{}", run.stderr);
}

/// `sweep` without --post or --dry-run still posts this release, and says so.
#[test]
fn sweep_without_post_flag_warns() {
    let tmp = tempfile::tempdir().unwrap();
    let mock = GhMock::start();
    let api = mock.api_url();
    let run = gate_env(
        tmp.path(),
        &[
            "sweep",
            "--base",
            "main",
            "--repo",
            "o/r",
            "--token",
            "t",
            "--api-url",
            &api,
        ],
        &[],
    );
    assert!(
        run.stderr.contains(
            "contract-gate: warning: `sweep` without --post or --dry-run posts for one more release; pass --post to post (the next release makes a dry run the default, as with --pr)"
        ),
        "{}",
        run.stderr
    );
    let quiet = gate_env(
        tmp.path(),
        &[
            "sweep",
            "--base",
            "main",
            "--dry-run",
            "--repo",
            "o/r",
            "--token",
            "t",
            "--api-url",
            &api,
        ],
        &[],
    );
    assert!(!quiet.stderr.contains("warning"), "{}", quiet.stderr);
}

/// `--pr` without a token says so at once, with how to get one, and asks GitHub nothing.
#[test]
fn pr_without_a_token_says_so_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let mock = GhMock::start();
    let api = mock.api_url();
    let run = gate_env(
        tmp.path(),
        &["--pr", "7", "--repo", "o/r", "--api-url", &api],
        // No `gh` on PATH: the last fallback finds nothing either.
        &[("PATH", "/nonexistent")],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "no GitHub token: {}",
            contract_gate::source::github::client::GET_A_TOKEN
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("gh auth login"), "{}", run.stderr);
    assert_eq!(mock.count(), 0);
}
