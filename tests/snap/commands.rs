//! Snapshots of the main commands on the demo repositories: what a user
//! sees on stdout and stderr, with the exit code. The demo builds the
//! repositories (`demo --keep`); each command then runs in them as a user
//! would run it.

use std::path::{Path, PathBuf};

use insta::assert_snapshot;

use crate::snap_shot::shot;
use crate::support::{run_in, Repo};

/// The demo's kept repositories, removed when the test ends.
struct Demo {
    root: PathBuf,
    out: String,
}

impl Demo {
    fn build() -> Demo {
        let tmp = tempfile::tempdir().unwrap();
        let run = run_in(tmp.path(), &["demo", "--keep"], None);
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        let kept = run
            .stdout
            .lines()
            .chain(run.stderr.lines())
            .find_map(|l| l.strip_prefix("Demo repository kept at "))
            .expect("demo --keep names its repository")
            .trim()
            .to_string();
        let root = Path::new(&kept).parent().unwrap().to_path_buf();
        let out = shot(&["demo"], &run, &[&root]);
        Demo { root, out }
    }

    fn at(&self, sub: &str) -> PathBuf {
        self.root.join(sub)
    }

    /// Runs `args` in `sub` and returns the snapshot text.
    fn run(&self, sub: &str, args: &[&str]) -> String {
        let run = run_in(&self.at(sub), args, None);
        shot(args, &run, &[&self.root])
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

#[test]
fn the_demo_and_check_in_every_format() {
    let d = Demo::build();
    // The demo's own table, minus the kept path's line.
    let table: String = d
        .out
        .lines()
        .filter(|l| !l.starts_with("Demo repository kept"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_snapshot!("demo", table);
    let refactor = [
        "--base",
        "main",
        "--head",
        "demo/tests-helpful-refactor",
        "--branch",
        "agents/tests",
    ];
    for format in ["text", "json", "markdown", "sarif"] {
        let mut args = vec!["check"];
        args.extend(refactor);
        args.extend(["--format", format]);
        assert_snapshot!(format!("check-refactor-{format}"), d.run("repo", &args));
    }
    assert_snapshot!(
        "check-router-text",
        d.run(
            "repo",
            &[
                "check",
                "--base",
                "main",
                "--head",
                "demo/uploads-edits-router",
                "--branch",
                "agents/uploads"
            ]
        )
    );
    assert_snapshot!(
        "check-neutral-text",
        d.run(
            "repo",
            &["check", "--base", "main", "--head", "fix/readme-typo"]
        )
    );
    assert_snapshot!(
        "check-invalid-contract-text",
        d.run(
            "repo",
            &[
                "check",
                "--base",
                "demo/broken-contract",
                "--head",
                "agents/x"
            ]
        )
    );
    let missing = d.at("body-missing.md");
    let missing = missing.to_str().unwrap();
    for format in ["text", "markdown"] {
        assert_snapshot!(
            format!("check-evidence-{format}"),
            d.run(
                "repo-agent-metadata",
                &[
                    "check",
                    "--base",
                    "integration/blog-discovery",
                    "--head",
                    "agent/metadata-filter-contract",
                    "--body",
                    missing,
                    "--format",
                    format
                ]
            )
        );
    }
    let good = d.at("body-good.md");
    assert_snapshot!(
        "check-evidence-pass-text",
        d.run(
            "repo-agent-metadata",
            &[
                "check",
                "--base",
                "integration/blog-discovery",
                "--head",
                "agent/metadata-filter-contract",
                "--body",
                good.to_str().unwrap()
            ]
        )
    );
}

#[test]
fn lint_brief_fmt_and_rehearse_on_the_demo() {
    let d = Demo::build();
    assert_snapshot!("lint-text", d.run("repo", &["lint"]));
    assert_snapshot!("lint-json", d.run("repo", &["lint", "--format", "json"]));
    assert_snapshot!("brief-agent-1", d.run("repo", &["brief", "agent-1"]));
    assert_snapshot!(
        "brief-metadata",
        d.run("repo", &["brief", "Metadata agent"])
    );
    assert_snapshot!("fmt-check", d.run("repo", &["fmt", "--check"]));
    for seam in ["clean", "dangling", "collision"] {
        assert_snapshot!(
            format!("rehearse-{seam}-text"),
            d.run(&format!("seam/{seam}"), &["rehearse", "--base", "main"])
        );
    }
    for format in ["json", "markdown"] {
        assert_snapshot!(
            format!("rehearse-dangling-{format}"),
            d.run(
                "seam/dangling",
                &["rehearse", "--base", "main", "--format", format]
            )
        );
    }
}

/// A contract with problems: the diagnostics a planner reads (miette, with
/// spans and codes), and `fmt` of a contract not in canonical form.
#[test]
fn lint_and_fmt_of_a_contract_with_problems() {
    let contract = "# Context contract — broken\n\n## Worktrees\n- wt-a branch: agents/a agent: agent-a\n- wt-b branch: agents/b agent: agent-b\n\n## Scope\n- agent-a: src/a/** (mostly)\n- agent-b: src/b/**, src/a/x.ts\n\n## Merge order\n1. agent-a\n2. agent-c\n";
    let r = Repo::with_contract(contract);
    let run = r.gate(&["lint"]);
    assert_snapshot!("lint-broken-text", shot(&["lint"], &run, &[&r.dir]));
    let run = r.gate(&["lint", "--format", "json"]);
    assert_snapshot!(
        "lint-broken-json",
        shot(&["lint", "--format", "json"], &run, &[&r.dir])
    );
    let messy = "# Context contract — messy\n\n## Worktrees\n* wt-a   branch: agents/a agent: agent-a\n\n## Scope\n* agent-a: `src/a/**`\n\n## Merge order\n1. agent-a\n";
    let r = Repo::with_contract(messy);
    let run = r.gate(&["fmt", "--check"]);
    assert_snapshot!(
        "fmt-check-messy",
        shot(&["fmt", "--check"], &run, &[&r.dir])
    );
    let run = r.gate(&["fmt"]);
    assert_snapshot!("fmt-messy", shot(&["fmt"], &run, &[&r.dir]));
}

/// The agent's loop, as the agent and its CLI see it: each CLI's answer to
/// an edit it must refuse, one it must ask about, and one it may make; and
/// what `git push` prints when pre-push refuses.
#[test]
fn hooks_and_pre_push_as_the_agent_sees_them() {
    let r = Repo::uploads();
    let root = r.dir.parent().unwrap().to_path_buf();
    let setup = r.gate(&[
        "setup",
        "--base",
        "main",
        "--hooks",
        "claude-code,codex,gemini",
    ]);
    assert_eq!(setup.code, 0, "{}{}", setup.stdout, setup.stderr);
    assert_snapshot!(
        "setup",
        shot(
            &[
                "setup",
                "--base",
                "main",
                "--hooks",
                "claude-code,codex,gemini"
            ],
            &setup,
            &[&root]
        )
    );
    let list = r.git(&["worktree", "list", "--porcelain"]);
    let dir = list
        .split("\n\n")
        .find(|w| w.contains("branch refs/heads/agents/uploads"))
        .and_then(|w| w.lines().next())
        .and_then(|l| l.strip_prefix("worktree "))
        .expect("setup made agent-1's worktree");
    let wt = crate::support::Tree { dir: dir.into() };
    let at = |rel: &str| wt.dir.join(rel).to_str().unwrap().to_string();
    let cwd = wt.dir.to_str().unwrap().to_string();
    let claude = |tool: &str, input: serde_json::Value| {
        serde_json::json!({"session_id": "s", "transcript_path": "/t", "cwd": cwd, "permission_mode": "default",
            "hook_event_name": "PreToolUse", "tool_name": tool, "tool_input": input})
        .to_string()
    };
    let gemini = |tool: &str, input: serde_json::Value| {
        serde_json::json!({"session_id": "s", "transcript_path": "/t", "cwd": cwd, "hook_event_name": "BeforeTool",
            "timestamp": "2026-01-01T00:00:00Z", "tool_name": tool, "tool_input": input})
        .to_string()
    };
    let cases = [
        (
            "claude-code",
            "deny",
            claude(
                "Write",
                serde_json::json!({"file_path": at("src/db/schema.ts"), "content": "x"}),
            ),
        ),
        (
            "claude-code",
            "ask",
            claude(
                "Bash",
                serde_json::json!({"command": "npm install left-pad"}),
            ),
        ),
        (
            "claude-code",
            "allow",
            claude(
                "Edit",
                serde_json::json!({"file_path": at("src/api/uploads/a.ts"), "old_string": "", "new_string": "x"}),
            ),
        ),
        (
            "codex",
            "deny",
            claude(
                "apply_patch",
                serde_json::json!({"command": "*** Begin Patch\n*** Add File: tsconfig.json\n+{}\n*** End Patch\n"}),
            ),
        ),
        (
            "gemini",
            "deny",
            gemini(
                "write_file",
                serde_json::json!({"file_path": at("README.md"), "content": "x"}),
            ),
        ),
        (
            "gemini",
            "allow",
            gemini(
                "replace",
                serde_json::json!({"file_path": at("src/api/uploads/a.ts"), "old_string": "", "new_string": "x"}),
            ),
        ),
    ];
    for (cli, what, event) in cases {
        let run = wt.gate_stdin(&["hook", cli], &event);
        assert_snapshot!(
            format!("hook-{cli}-{what}"),
            shot(&["hook", cli], &run, &[&root])
        );
    }
    let remote = root.join("remote.git");
    r.git(&["clone", "-q", "--bare", ".", remote.to_str().unwrap()]);
    wt.write("src/db/schema.ts", "export const tables = ['uploads'];\n")
        .commit("Reach into agent-2's schema");
    let push = wt.try_git(&[
        "push",
        remote.to_str().unwrap(),
        "HEAD:refs/heads/agents/uploads",
    ]);
    let run = crate::support::Run {
        code: push.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&push.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&push.stderr).into_owned(),
    };
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert_snapshot!(
        "pre-push-refused",
        shot(&["(git push, pre-push hook)"], &run, &[&root])
    );
}
