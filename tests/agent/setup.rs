//! `contract-gate setup` from both seed contracts: worktrees created,
//! idempotent re-runs, refusals, dry runs, hook settings merged.

use serde_json::Value;

use crate::support::*;

fn setup(r: &Repo, args: &[&str]) -> Run {
    let mut all = vec!["setup", "--base", "main"];
    all.extend_from_slice(args);
    r.gate(&all)
}

fn states(run: &Run) -> Vec<String> {
    run.stdout
        .lines()
        .skip_while(|l| !l.starts_with("agent "))
        .skip(1)
        .map(|l| {
            l.split("  ")
                .filter(|s| !s.trim().is_empty())
                .last()
                .unwrap()
                .trim()
                .to_string()
        })
        .collect()
}

#[test]
fn setup_creates_every_uploads_worktree_and_is_idempotent() {
    let r = Repo::uploads();
    let run = setup(&r, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(states(&run), ["created", "created", "created"]);
    for (dir, branch) in [
        ("wt-uploads", "agents/uploads"),
        ("wt-migrations", "agents/migrations"),
        ("wt-tests", "agents/tests"),
    ] {
        let wt = Tree {
            dir: r.outside(dir),
        };
        assert_eq!(wt.git(&["branch", "--show-current"]).trim(), branch);
        assert_eq!(
            wt.git(&["status", "--short"]).trim(),
            "",
            "setup's files are not untracked work"
        );
        assert!(wt.dir.join(".contract-gate-brief.md").is_file());
        let settings: Value = serde_json::from_str(
            &std::fs::read_to_string(wt.dir.join(".claude/settings.local.json")).unwrap(),
        )
        .unwrap();
        let cmd = settings["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
            .as_str()
            .unwrap();
        assert!(cmd.ends_with("' hook claude-code"), "{cmd}");
        let hooks_path = wt.git(&["config", "--worktree", "core.hooksPath"]);
        assert!(
            hooks_path.trim().ends_with("contract-gate-hooks"),
            "{hooks_path}"
        );
    }
    assert!(run.stdout.contains("agent-1: brief at "), "{}", run.stdout);
    // The main checkout gets no hooksPath: the hook is per worktree.
    assert!(!r
        .try_git(&["config", "--worktree", "core.hooksPath"])
        .status
        .success());
    let again = setup(&r, &[]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        states(&again),
        ["already there", "already there", "already there"]
    );
    let wt = r.outside("wt-uploads");
    let settings: Value = serde_json::from_str(
        &std::fs::read_to_string(wt.join(".claude/settings.local.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        settings["hooks"]["PreToolUse"].as_array().unwrap().len(),
        1,
        "no duplicate hook"
    );
}

#[test]
fn setup_refuses_a_dirty_worktree_and_a_branch_checked_out_elsewhere() {
    let r = Repo::uploads();
    setup(&r, &["--agent", "agent-1"]);
    std::fs::write(r.outside("wt-uploads").join("scratch.txt"), "wip\n").unwrap();
    r.git(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "agents/tests",
        r.outside("elsewhere").to_str().unwrap(),
        "main",
    ]);
    let run = setup(&r, &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let s = states(&run);
    assert_eq!(s[0], "skipped: uncommitted changes in the worktree");
    assert_eq!(s[1], "created");
    assert!(
        s[2].starts_with("skipped: agents/tests is checked out at "),
        "{}",
        s[2]
    );
    // A dirty base refuses the whole setup.
    r.write("README.md", "# changed\n");
    let run = setup(&r, &[]);
    assert_eq!((run.code, run.stdout.as_str()), (2, ""));
    // setup's own words, once: no "could not evaluate" line is added.
    assert!(
        run.stderr.starts_with("contract-gate setup: the base checkout ")
            && run.stderr.ends_with(
                " has uncommitted changes: work starts only from a clean base (`git status --short` must be empty)\n"
            )
            && run.stderr.lines().count() == 1,
        "{}",
        run.stderr
    );
}

#[test]
fn setup_merges_existing_hook_settings() {
    let r = Repo::uploads();
    setup(&r, &["--agent", "agent-1"]);
    let file = r.outside("wt-uploads").join(".claude/settings.local.json");
    std::fs::write(&file, r#"{"model": "opus", "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "mine"}]}]}}"#).unwrap();
    let run = setup(
        &r,
        &["--agent", "agent-1", "--hooks", "claude-code,codex,gemini"],
    );
    assert_eq!(states(&run), ["already there"], "{}", run.stderr);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(v["model"], "opus");
    assert_eq!(v["hooks"]["PreToolUse"][0]["hooks"][0]["command"], "mine");
    assert!(v["hooks"]["PreToolUse"][1]["hooks"][0]["command"]
        .as_str()
        .unwrap()
        .ends_with("hook claude-code"));
    let wt = r.outside("wt-uploads");
    let codex: Value =
        serde_json::from_str(&std::fs::read_to_string(wt.join(".codex/hooks.json")).unwrap())
            .unwrap();
    assert_eq!(
        codex["hooks"]["PreToolUse"][0]["matcher"],
        r"^(?:apply_patch|Bash|shell|exec_command|local_shell|container\.exec|Edit|Write|MultiEdit|NotebookEdit)$"
    );
    let gemini: Value =
        serde_json::from_str(&std::fs::read_to_string(wt.join(".gemini/settings.json")).unwrap())
            .unwrap();
    assert!(gemini["hooks"]["BeforeTool"][0]["hooks"][0]["command"]
        .as_str()
        .unwrap()
        .ends_with("hook gemini"));
    // Invalid JSON is never overwritten.
    std::fs::write(&file, "{ not json").unwrap();
    let run = setup(&r, &["--agent", "agent-1"]);
    assert!(
        states(&run)[0].starts_with("already there, hooks not installed: "),
        "{}",
        run.stdout
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "{ not json");
}

#[test]
fn setup_from_the_blog_contract_and_dry_run() {
    let r = Repo::blog();
    let dry = setup(&r, &["--agent", "Metadata agent", "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    let target = r.outside("repo-agent-metadata");
    let line = dry.stdout.lines().next().unwrap();
    assert!(
        line.starts_with("git worktree add -b agent/metadata-filter-contract "),
        "{line}"
    );
    assert!(
        line.contains(target.file_name().unwrap().to_str().unwrap()),
        "{line}"
    );
    assert_eq!(states(&dry), ["would create"]);
    assert!(!target.exists());
    let run = setup(&r, &["--agent", "Metadata agent"]);
    assert_eq!(states(&run), ["created"], "{}", run.stderr);
    let wt = Tree { dir: target };
    assert_eq!(
        wt.git(&["branch", "--show-current"]).trim(),
        "agent/metadata-filter-contract"
    );
    // The installed hook judges edits in the new worktree.
    let ev = serde_json::json!({"cwd": wt.dir.to_str().unwrap(), "hook_event_name": "PreToolUse", "tool_name": "Write",
        "tool_input": {"file_path": wt.dir.join("src/layouts/BaseLayout.astro").to_str().unwrap(), "content": ""}}).to_string();
    let hook = wt.gate_stdin(&["hook", "claude-code"], &ev);
    assert!(
        hook.stdout.contains("\"permissionDecision\":\"deny\""),
        "{}",
        hook.stdout
    );
    assert!(hook.stdout.contains("cannot-touch"), "{}", hook.stdout);
}

/// The record `setup` leaves in a worktree's git directory (base, then
/// `contract: PATH` lines).
fn record(wt: &Tree) -> String {
    let gd = wt.git(&["rev-parse", "--absolute-git-dir"]);
    std::fs::read_to_string(std::path::Path::new(gd.trim()).join("contract-gate-base")).unwrap()
}

/// Without --base: the default branch for agents of a plain contract, the
/// contract's integration branch for its own agents (they start there, and
/// their hooks read the contract there).
#[test]
fn setup_defaults_to_the_integration_branch_of_a_contract() {
    let r = Repo::blog();
    // Move the integration branch on, so "started from it" is visible.
    r.checkout(INTEGRATION)
        .write("src/content/posts/a.md", "# a\n")
        .commit("a post");
    r.checkout("main");
    let run = r.gate(&["setup", "--agent", "Metadata agent"]);
    assert_eq!(states(&run), ["created"], "{}{}", run.stdout, run.stderr);
    let wt = Tree {
        dir: r.outside("repo-agent-metadata"),
    };
    assert_eq!(record(&wt), format!("{INTEGRATION}\n"));
    let tip = r.git(&["rev-parse", INTEGRATION]);
    assert_eq!(wt.git(&["rev-parse", "HEAD"]), tip);
    let run = r.gate(&["setup", "--agent", "agent-2"]);
    assert_eq!(states(&run), ["created"], "{}{}", run.stdout, run.stderr);
    let wt2 = Tree {
        dir: r.outside("wt-migrations"),
    };
    assert_eq!(record(&wt2), "main\n");
}

/// In a clone whose main checkout is on another branch, the default base is
/// the default branch (`origin/HEAD`), not that branch.
#[test]
fn setup_defaults_to_the_default_branch_of_the_remote() {
    let r = Repo::uploads();
    let clone = r.outside("clone");
    r.git(&[
        "clone",
        "-q",
        r.dir.to_str().unwrap(),
        clone.to_str().unwrap(),
    ]);
    let c = Tree { dir: clone };
    c.git(&["checkout", "-q", "-b", "topic"]);
    c.write("notes.txt", "x\n").commit("topic work");
    let run = c.gate(&["setup", "--agent", "agent-3"]);
    assert_eq!(states(&run), ["created"], "{}{}", run.stdout, run.stderr);
    let wt = Tree {
        dir: r.outside("wt-tests"),
    };
    assert_eq!(record(&wt), "main\n");
    assert_eq!(
        wt.git(&["rev-parse", "HEAD"]),
        c.git(&["rev-parse", "main"])
    );
}

/// `setup --contract PATH` reads that contract and records it: the hooks
/// and the pre-push check then read the same one, not the default files.
#[test]
fn setup_records_the_contract_it_was_given_for_the_hooks() {
    let r = Repo::empty();
    r.write("docs/team-contract.md", UPLOADS)
        .write("README.md", "# r\n")
        .commit("a contract outside the default places");
    let run = r.gate(&[
        "setup",
        "--base",
        "main",
        "--contract",
        "docs/team-contract.md",
        "--agent",
        "agent-1",
    ]);
    assert_eq!(states(&run), ["created"], "{}{}", run.stdout, run.stderr);
    let wt = Tree {
        dir: r.outside("wt-uploads"),
    };
    assert_eq!(record(&wt), "main\ncontract: docs/team-contract.md\n");
    let ev = |rel: &str| {
        serde_json::json!({"cwd": wt.dir.to_str().unwrap(), "hook_event_name": "PreToolUse", "tool_name": "Write",
            "tool_input": {"file_path": wt.dir.join(rel).to_str().unwrap(), "content": ""}})
        .to_string()
    };
    let owned = wt.gate_stdin(&["hook", "claude-code"], &ev("src/api/uploads/h.ts"));
    assert_eq!(owned.stdout, "", "allowed silently: {}", owned.stdout);
    let foreign = wt.gate_stdin(&["hook", "claude-code"], &ev("src/db/schema.ts"));
    assert!(
        foreign.stdout.contains("\"permissionDecision\":\"deny\""),
        "{}",
        foreign.stdout
    );
}
