//! Edit-time hooks fed recorded-shape events (Claude Code PreToolUse, Codex
//! apply_patch, Gemini BeforeTool) in a real agent worktree.

use serde_json::{json, Value};

use crate::support::*;

/// The uploads repository with agent-1's and agent-2's worktrees, the base
/// recorded in agent-1's as `setup` records it.
fn team() -> (Repo, Tree, Tree) {
    let r = Repo::uploads();
    r.write(".gitignore", "dist/\n")
        .commit("Ignore build output");
    let wt1 = r.worktree_add("wt-uploads", "agents/uploads", "main");
    let wt2 = r.worktree_add("wt-migrations", "agents/migrations", "main");
    let git_dir = wt1.git(&["rev-parse", "--absolute-git-dir"]);
    std::fs::write(
        std::path::Path::new(git_dir.trim()).join("contract-gate-base"),
        "main\n",
    )
    .unwrap();
    (r, wt1, wt2)
}

fn claude(tool: &str, input: Value, cwd: &Tree) -> String {
    json!({
        "session_id": "0b5f6a3e-1c1d-4a43-9d1e-2f7d3c1b9a10",
        "transcript_path": "/home/u/.claude/projects/x/0b5f.jsonl",
        "cwd": cwd.dir.to_str().unwrap(),
        "permission_mode": "default",
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": input,
    })
    .to_string()
}

fn decision(run: &Run) -> (String, String) {
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).expect("hook output is JSON");
    let h = &v["hookSpecificOutput"];
    assert_eq!(h["hookEventName"], "PreToolUse");
    (
        h["permissionDecision"].as_str().unwrap().to_string(),
        h["permissionDecisionReason"].as_str().unwrap().to_string(),
    )
}

fn path_in(t: &Tree, rel: &str) -> String {
    t.dir.join(rel).to_str().unwrap().to_string()
}

#[test]
fn claude_code_allows_an_owned_file_silently() {
    let (_r, wt1, _) = team();
    let ev = claude(
        "Write",
        json!({"file_path": path_in(&wt1, "src/api/uploads/handler.ts"), "content": "export {};\n"}),
        &wt1,
    );
    let run = wt1.gate_stdin(&["hook", "claude-code"], &ev);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
    // Relative paths and reads too.
    let ev = claude(
        "Edit",
        json!({"file_path": "src/api/router.ts", "old_string": "a", "new_string": "b"}),
        &wt1,
    );
    assert_eq!(wt1.gate_stdin(&["hook", "claude-code"], &ev).stdout, "");
    let ev = claude("Read", json!({"file_path": "/etc/passwd"}), &wt1);
    assert_eq!(wt1.gate_stdin(&["hook", "claude-code"], &ev).stdout, "");
}

#[test]
fn claude_code_denies_another_agents_file_naming_rule_path_and_next_step() {
    let (_r, wt1, _) = team();
    let ev = claude(
        "Edit",
        json!({"file_path": path_in(&wt1, "src/db/migrations/001.sql"), "old_string": "", "new_string": "x"}),
        &wt1,
    );
    let (d, why) = decision(&wt1.gate_stdin(&["hook", "claude-code"], &ev));
    assert_eq!(d, "deny");
    assert_eq!(
        why,
        "contract-gate scope: `src/db/migrations/001.sql` outside what agent-1 owns (owned by agent-2) \
         (agent-1, CONTRACT.md): stop and report it; do not edit it"
    );
    let ev = claude(
        "MultiEdit",
        json!({"file_path": path_in(&wt1, "tsconfig.json"), "edits": []}),
        &wt1,
    );
    let (d, why) = decision(&wt1.gate_stdin(&["hook", "claude-code"], &ev));
    assert_eq!(d, "deny");
    assert!(
        why.starts_with("contract-gate shared-state: `tsconfig.json` shared file nobody edits"),
        "{why}"
    );
}

#[test]
fn claude_code_asks_for_permission_classes_and_risky_commands() {
    let (_r, wt1, _) = team();
    let ev = claude(
        "Write",
        json!({"file_path": path_in(&wt1, "src/api/uploads/.env.local"), "content": "K=v"}),
        &wt1,
    );
    let (d, why) = decision(&wt1.gate_stdin(&["hook", "claude-code"], &ev));
    assert_eq!(d, "ask");
    assert!(why.contains("src/api/uploads/.env.local needs a human's approval: it is an environment or secret file"), "{why}");
    // A new file the base's .gitignore ignores is generated output.
    let ev = claude(
        "Write",
        json!({"file_path": path_in(&wt1, "src/api/uploads/dist/bundle.js"), "content": "x"}),
        &wt1,
    );
    let (d, why) = decision(&wt1.gate_stdin(&["hook", "claude-code"], &ev));
    assert_eq!(d, "ask");
    assert!(why.contains("a generated file"), "{why}");
    let ev = claude(
        "Bash",
        json!({"command": "git push --force origin agents/uploads", "description": "push"}),
        &wt1,
    );
    let (d, why) = decision(&wt1.gate_stdin(&["hook", "claude-code"], &ev));
    assert_eq!(d, "ask");
    assert_eq!(why, "contract-gate needs-approval: `git push --force origin agents/uploads` is a force push, which the permission policy says needs a human's approval");
    let ev = claude("Bash", json!({"command": "npm run check"}), &wt1);
    assert_eq!(wt1.gate_stdin(&["hook", "claude-code"], &ev).stdout, "");
}

#[test]
fn edits_outside_the_worktree_are_denied() {
    let (r, wt1, wt2) = team();
    let ev = claude(
        "Write",
        json!({"file_path": path_in(&wt2, "src/db/schema.ts"), "content": ""}),
        &wt1,
    );
    let (d, why) = decision(&wt1.gate_stdin(&["hook", "claude-code"], &ev));
    assert_eq!(d, "deny");
    assert!(why.contains("is in agent-2's worktree ("), "{why}");
    assert!(why.ends_with("branch agents/migrations): editing there bypasses that branch and your scope; stop and report it; do not edit it"), "{why}");
    let ev = claude(
        "Write",
        json!({"file_path": path_in(&r.main, "src/api/uploads/a.ts"), "content": ""}),
        &wt1,
    );
    let (d, why) = decision(&wt1.gate_stdin(&["hook", "claude-code"], &ev));
    assert_eq!(d, "deny");
    assert!(why.contains("is in another worktree ("), "{why}");
    let scratch = r.outside("scratch");
    std::fs::create_dir_all(&scratch).unwrap();
    let file = scratch.join("notes.md").to_str().unwrap().to_string();
    let ev = claude("Write", json!({"file_path": file, "content": ""}), &wt1);
    let (d, why) = decision(&wt1.gate_stdin(&["hook", "claude-code"], &ev));
    assert_eq!(d, "deny");
    assert!(why.contains("is outside this worktree"), "{why}");
    let run = wt1.gate_stdin(
        &[
            "hook",
            "claude-code",
            "--allow-outside",
            scratch.to_str().unwrap(),
        ],
        &ev,
    );
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
    // `..` cannot climb out unseen.
    let ev = claude(
        "Write",
        json!({"file_path": "src/../../wt-migrations/src/db/schema.ts", "content": ""}),
        &wt1,
    );
    let (d, _) = decision(&wt1.gate_stdin(&["hook", "claude-code"], &ev));
    assert_eq!(d, "deny");
}

#[test]
fn malformed_events_are_denied_with_a_reason() {
    let (_r, wt1, _) = team();
    for (input, needle) in [
        ("not json", "the hook event is not JSON"),
        ("[1,2]", "the hook event is not a JSON object"),
        (
            r#"{"tool_input": {}}"#,
            "the hook event has no `tool_name` string",
        ),
        (
            r#"{"tool_name": "Write", "tool_input": {"content": "x"}}"#,
            "`tool_input.file_path` is missing",
        ),
        ("", "the hook event is not JSON"),
    ] {
        let run = wt1.gate_stdin(&["hook", "claude-code"], input);
        // The deny is the answer (exit 0), not an error beside it.
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{input}");
        let (d, why) = decision(&run);
        assert_eq!(d, "deny", "{input}");
        assert!(
            why.starts_with("contract-gate could not judge this tool call, so it is denied: "),
            "{why}"
        );
        assert!(why.contains(needle), "{input}: {why}");
    }
}

#[test]
fn without_a_recorded_base_the_hook_fails_closed() {
    let r = Repo::uploads();
    let wt = r.worktree_add("wt-tests", "agents/tests", "main");
    let ev = claude(
        "Write",
        json!({"file_path": path_in(&wt, "tests/uploads/a.test.ts"), "content": ""}),
        &wt,
    );
    let (d, why) = decision(&wt.gate_stdin(&["hook", "claude-code"], &ev));
    assert_eq!(d, "deny");
    assert!(
        why.contains("no base is recorded for this worktree: run `contract-gate setup`"),
        "{why}"
    );
    let run = wt.gate_stdin(&["hook", "claude-code", "--base", "main"], &ev);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
}

#[test]
fn codex_apply_patch_judges_every_file_of_the_patch() {
    let (_r, wt1, _) = team();
    let patch = |files: &str| {
        json!({
            "session_id": "s", "cwd": wt1.dir.to_str().unwrap(), "hook_event_name": "PreToolUse",
            "tool_name": "apply_patch",
            "tool_input": {"command": format!("*** Begin Patch\n{files}*** End Patch\n")},
        })
        .to_string()
    };
    let ok = patch("*** Add File: src/api/uploads/a.ts\n+export {};\n*** Update File: src/api/router.ts\n@@\n+router.post('/uploads', up);\n");
    let run = wt1.gate_stdin(&["hook", "codex"], &ok);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
    let moved =
        patch("*** Update File: src/api/uploads/a.ts\n*** Move to: src/db/a.ts\n@@\n-x\n+x\n");
    let (d, why) = decision(&wt1.gate_stdin(&["hook", "codex"], &moved));
    assert_eq!(d, "deny");
    assert!(
        why.starts_with("contract-gate scope: `src/db/a.ts`"),
        "{why}"
    );
    let deleted = patch("*** Delete File: src/db/schema.ts\n");
    assert_eq!(
        decision(&wt1.gate_stdin(&["hook", "codex"], &deleted)).0,
        "deny"
    );
    let (d, why) = decision(&wt1.gate_stdin(&["hook", "codex"], &patch("garbage\n")));
    assert_eq!(d, "deny");
    assert!(why.contains("the patch names no file"), "{why}");
    let shell = json!({"cwd": wt1.dir.to_str().unwrap(), "tool_name": "shell",
        "tool_input": {"command": ["bash", "-lc", "git reset --hard origin/main"]}})
    .to_string();
    assert_eq!(
        decision(&wt1.gate_stdin(&["hook", "codex"], &shell)).0,
        "ask"
    );
}

#[test]
fn gemini_before_tool_speaks_decision_and_reason() {
    let (_r, wt1, _) = team();
    let ev = |tool: &str, input: Value| {
        json!({"session_id": "s", "cwd": wt1.dir.to_str().unwrap(), "hook_event_name": "BeforeTool",
            "timestamp": "2026-01-01T00:00:00Z", "tool_name": tool, "tool_input": input})
        .to_string()
    };
    let run = wt1.gate_stdin(
        &["hook", "gemini"],
        &ev(
            "write_file",
            json!({"file_path": path_in(&wt1, "src/api/uploads/x.ts"), "content": ""}),
        ),
    );
    assert_eq!((run.code, run.stdout.trim()), (0, "{}"));
    let run = wt1.gate_stdin(&["hook", "gemini"], &ev("replace", json!({"file_path": path_in(&wt1, "tsconfig.json"), "old_string": "a", "new_string": "b"})));
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["decision"], "deny");
    assert!(
        v["reason"]
            .as_str()
            .unwrap()
            .starts_with("contract-gate shared-state: `tsconfig.json`"),
        "{v}"
    );
    let run = wt1.gate_stdin(
        &["hook", "gemini"],
        &ev("run_shell_command", json!({"command": "pnpm add zod"})),
    );
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["decision"], "deny");
    assert!(
        v["reason"].as_str().unwrap().contains("a package install"),
        "{v}"
    );
    let run = wt1.gate_stdin(&["hook", "gemini"], "{");
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["decision"], "deny");
}

/// A hook that cannot decide in time denies (an agent CLI that times a hook
/// out lets the call through). A `git` that hangs stands in for a stuck
/// lock; `--timeout 1` bounds the wait.
#[test]
fn a_hook_that_cannot_decide_in_time_denies() {
    let (r, wt1, _) = team();
    let fake = r.outside("hanging-git");
    std::fs::create_dir_all(&fake).unwrap();
    let git = fake.join("git");
    std::fs::write(&git, "#!/bin/sh\nexec sleep 30\n").unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&git, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        fake.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let ev = claude(
        "Write",
        json!({"file_path": path_in(&wt1, "src/api/uploads/handler.ts"), "content": "x"}),
        &wt1,
    );
    let run = run_with_env(
        &wt1.dir,
        &["hook", "claude-code", "--timeout", "1"],
        Some(&ev),
        &[("PATH", &path)],
    );
    let (d, why) = decision(&run);
    assert_eq!(d, "deny");
    assert!(
        why.starts_with("contract-gate did not decide within 1 s, so the call is denied"),
        "{why}"
    );
}

/// The hook reads the contract as `check` does: a CONTRACT.md that is a
/// symlink at the base is refused (CG025), so the edit is denied, not
/// judged against whatever the link points to (or against no contract).
#[test]
fn a_symlinked_contract_at_the_base_denies() {
    let r = Repo::uploads();
    let real = std::fs::read_to_string(r.dir.join("CONTRACT.md")).unwrap();
    r.write("real.md", &real).remove("CONTRACT.md");
    std::os::unix::fs::symlink("real.md", r.dir.join("CONTRACT.md")).unwrap();
    r.commit("the contract becomes a link");
    let wt = r.worktree_add("wt-uploads", "agents/uploads", "main");
    let ev = claude(
        "Write",
        json!({"file_path": path_in(&wt, "src/api/uploads/handler.ts"), "content": "x"}),
        &wt,
    );
    let (d, why) = decision(&wt.gate_stdin(&["hook", "claude-code", "--base", "main"], &ev));
    assert_eq!(d, "deny", "{why}");
    assert!(why.contains("is a symbolic link"), "{why}");
}
