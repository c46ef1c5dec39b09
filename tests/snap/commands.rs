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
