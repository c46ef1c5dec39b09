//! `contract-gate demo`: builds a temporary repository reproducing the
//! uploads example (three agents in three `git worktree add` worktrees,
//! plus the blog-discovery contract beside it), then runs the real
//! `contract-gate check` binary on branches that pass and branches that
//! break each rule, and prints the verdicts.

use std::path::{Path, PathBuf};
use std::process::Command;

const UPLOADS: &str = include_str!("../../fixtures/contracts/uploads.md");
const BLOG: &str = include_str!("../../fixtures/contracts/blog-discovery.md");

const ROUTER: &str = "import { Router } from './http';\n\nexport const router = new Router();\nrouter.get('/health', health);\nrouter.get('/users', listUsers);\n";

struct Demo {
    root: PathBuf,
    exe: PathBuf,
    rows: Vec<Row>,
}

struct Row {
    name: &'static str,
    branch: String,
    expected: &'static str,
    expected_rules: Vec<&'static str>,
    got: String,
    got_rules: Vec<String>,
    exit: i32,
}

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "demo")
        .env("GIT_AUTHOR_EMAIL", "demo@example.invalid")
        .env("GIT_COMMITTER_NAME", "demo")
        .env("GIT_COMMITTER_EMAIL", "demo@example.invalid")
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {} failed in {}: {}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn write(dir: &Path, path: &str, content: &str) -> Result<(), String> {
    let p = dir.join(path);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    std::fs::write(&p, content).map_err(|e| format!("cannot write {}: {e}", p.display()))
}

fn commit(dir: &Path, msg: &str) -> Result<(), String> {
    git(dir, &["add", "-A"])?;
    git(dir, &["commit", "-q", "-m", msg])?;
    Ok(())
}

impl Demo {
    /// Runs the real binary's `check` and records the verdict.
    fn check(
        &mut self,
        name: &'static str,
        dir: &Path,
        args: &[&str],
        expected: &'static str,
        expected_rules: &[&'static str],
    ) -> Result<(), String> {
        let out = Command::new(&self.exe)
            .arg("check")
            .args(args)
            .args(["--format", "json"])
            .current_dir(dir)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.exe.display()))?;
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| {
            format!(
                "check printed no JSON ({e}): {}",
                String::from_utf8_lossy(&out.stderr)
            )
        })?;
        let mut rules: Vec<String> = v["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["level"] != "notice")
            .filter_map(|f| f["rule"].as_str().map(String::from))
            .collect();
        rules.sort();
        rules.dedup();
        if let Some(e) = v["error"].as_str() {
            rules.push(format!("error: {e}"));
        }
        let got = match v["conclusion"].as_str() {
            Some("success") => "PASS",
            Some("neutral") => "NEUTRAL",
            Some("failure") if out.status.code() == Some(2) => "ERROR",
            Some("failure") => "BLOCKED",
            _ => "?",
        };
        self.rows.push(Row {
            name,
            branch: v["branch"].as_str().unwrap_or("?").to_string(),
            expected,
            expected_rules: expected_rules.to_vec(),
            got: got.to_string(),
            got_rules: rules,
            exit: out.status.code().unwrap_or(-1),
        });
        Ok(())
    }
}

pub fn run(keep: bool) -> i32 {
    let tmp = match tempfile::Builder::new()
        .prefix("contract-gate-demo-")
        .tempdir()
    {
        Ok(t) => t,
        Err(e) => {
            eprintln!("contract-gate demo: cannot create a temporary directory: {e}");
            return 2;
        }
    };
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("contract-gate demo: cannot find my own binary: {e}");
            return 2;
        }
    };
    let mut demo = Demo {
        root: tmp.path().to_path_buf(),
        exe,
        rows: Vec::new(),
    };
    if let Err(e) = scenarios(&mut demo) {
        eprintln!("contract-gate demo: {e}");
        return 2;
    }
    let ok = print(&demo);
    if keep {
        let kept = tmp.keep();
        crate::term::emit(&format!(
            "\nDemo repository kept at {}\n",
            kept.join("repo").display()
        ));
    }
    if ok {
        0
    } else {
        1
    }
}

fn print(demo: &Demo) -> bool {
    use std::fmt::Write as _;
    let mut o = String::new();
    let _ = writeln!(o, "contract-gate demo — the uploads contract (3 agents, 3 worktrees) and the blog-discovery contract\n");
    let _ = writeln!(
        o,
        "{:<3} {:<58} {:<32} {:<8} {:<5} findings",
        "#", "scenario", "branch", "verdict", "exit"
    );
    let mut ok = true;
    for (i, r) in demo.rows.iter().enumerate() {
        let matches = r.got == r.expected && r.got_rules == r.expected_rules;
        ok &= matches;
        let rules = if r.got_rules.is_empty() {
            "—".to_string()
        } else {
            r.got_rules.join(", ")
        };
        let _ = writeln!(
            o,
            "{:<3} {:<58} {:<32} {:<8} {:<5} {rules}{}",
            i + 1,
            r.name,
            r.branch,
            r.got,
            r.exit,
            if matches {
                String::new()
            } else {
                format!("   (expected {} {:?})", r.expected, r.expected_rules)
            }
        );
    }
    let _ = writeln!(
        o,
        "\n{} scenarios; every verdict came from running `contract-gate check` on a real git repository.",
        demo.rows.len()
    );
    if !ok {
        let _ = writeln!(o, "Some verdicts differ from what the demo expects.");
    }
    crate::term::emit(&o);
    ok
}

fn scenarios(d: &mut Demo) -> Result<(), String> {
    let repo = d.root.join("repo");
    std::fs::create_dir_all(&repo).map_err(|e| e.to_string())?;
    git(&repo, &["init", "-q", "-b", "main"])?;
    for (p, c) in [
        ("CONTRACT.md", UPLOADS),
        (".github/contracts/blog-discovery.md", BLOG),
        (
            "package.json",
            "{\n  \"name\": \"demo\",\n  \"dependencies\": {}\n}\n",
        ),
        (
            "tsconfig.json",
            "{ \"compilerOptions\": { \"strict\": true } }\n",
        ),
        ("README.md", "# demo\n"),
        ("src/api/router.ts", ROUTER),
        ("src/db/schema.ts", "export const tables = [];\n"),
        ("src/content/config.ts", "export const collections = {};\n"),
        ("src/layouts/BaseLayout.astro", "<slot />\n"),
        ("src/pages/blog/index.astro", "<ul></ul>\n"),
        ("src/pages/blog/[...slug].astro", "<article />\n"),
    ] {
        write(&repo, p, c)?;
    }
    commit(&repo, "Add the context contracts")?;
    git(&repo, &["branch", "integration/blog-discovery"])?;

    // The three worktrees of the uploads contract, as the article makes them.
    let root = d.root.clone();
    let wt = |n: &str| root.join(n);
    for (dir, branch) in [
        ("wt-migrations", "agents/migrations"),
        ("wt-uploads", "agents/uploads"),
        ("wt-tests", "agents/tests"),
    ] {
        git(
            &repo,
            &["worktree", "add", "-q", "-b", branch, &format!("../{dir}")],
        )?;
    }
    let (mig, upl, tst) = (wt("wt-migrations"), wt("wt-uploads"), wt("wt-tests"));

    write(
        &mig,
        "src/db/migrations/001_uploads.sql",
        "create table uploads (id uuid primary key);\n",
    )?;
    write(
        &mig,
        "src/db/schema.ts",
        "export const tables = ['uploads'];\n",
    )?;
    commit(&mig, "Add the uploads table")?;
    d.check(
        "agent-2 migration, first in the merge order",
        &mig,
        &["--base", "main"],
        "PASS",
        &[],
    )?;

    write(
        &upl,
        "src/api/uploads/handler.ts",
        "export function upload() {}\n",
    )?;
    write(
        &upl,
        "src/api/router.ts",
        &format!("{ROUTER}router.post('/api/uploads', upload);\n"),
    )?;
    write(
        &upl,
        "package.json",
        "{\n  \"name\": \"demo\",\n  \"dependencies\": { \"busboy\": \"1\" }\n}\n",
    )?;
    commit(&upl, "Add POST /api/uploads")?;
    d.check(
        "agent-1 endpoint before agent-2 merged",
        &upl,
        &["--base", "main"],
        "BLOCKED",
        &["merge-order"],
    )?;

    git(
        &repo,
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Merge branch 'agents/migrations'",
            "agents/migrations",
        ],
    )?;
    d.check(
        "agent-1 after agent-2 merged, not rebased",
        &upl,
        &["--base", "main"],
        "BLOCKED",
        &["stale-base"],
    )?;
    git(&upl, &["rebase", "-q", "main"])?;
    d.check(
        "agent-1 rebased onto main",
        &upl,
        &["--base", "main"],
        "PASS",
        &[],
    )?;

    // A variant of agent-1's work that edits a line of the additions-only router.
    git(&upl, &["checkout", "-q", "-b", "demo/uploads-edits-router"])?;
    write(
        &upl,
        "src/api/router.ts",
        &ROUTER.replace("listUsers", "listAllUsers"),
    )?;
    commit(&upl, "Rename a route handler")?;
    d.check(
        "agent-1 changes a line of router.ts (additions only)",
        &upl,
        &["--base", "main", "--branch", "agents/uploads"],
        "BLOCKED",
        &["additions-only"],
    )?;
    git(&upl, &["checkout", "-q", "agents/uploads"])?;

    write(
        &tst,
        "tests/uploads/upload.test.ts",
        "test('uploads', () => {});\n",
    )?;
    commit(&tst, "Test the uploads endpoint")?;
    git(&tst, &["rebase", "-q", "main"])?;
    d.check(
        "agent-3 tests before agent-1 merged",
        &tst,
        &["--base", "main"],
        "BLOCKED",
        &["merge-order"],
    )?;

    git(
        &tst,
        &["checkout", "-q", "-b", "demo/tests-helpful-refactor"],
    )?;
    write(
        &tst,
        "tsconfig.json",
        "{ \"compilerOptions\": { \"strict\": true, \"noUncheckedIndexedAccess\": true } }\n",
    )?;
    write(
        &tst,
        "src/api/uploads/validate.ts",
        "export const maxBytes = 1;\n",
    )?;
    write(
        &tst,
        "CONTRACT.md",
        &format!("{UPLOADS}\n- agent-3: also src/**\n"),
    )?;
    std::fs::remove_file(tst.join("README.md")).map_err(|e| e.to_string())?;
    commit(&tst, "Helpful refactor")?;
    d.check(
        "agent-3 'helpful refactor' of shared files",
        &tst,
        &["--base", "main", "--branch", "agents/tests"],
        "BLOCKED",
        &["contract-edit", "merge-order", "scope", "shared-state"],
    )?;
    git(&tst, &["checkout", "-q", "agents/tests"])?;

    git(
        &repo,
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Merge branch 'agents/uploads'",
            "agents/uploads",
        ],
    )?;
    git(&tst, &["rebase", "-q", "main"])?;
    d.check(
        "agent-3 after agent-1 merged and a rebase",
        &tst,
        &["--base", "main"],
        "PASS",
        &[],
    )?;

    // The blog-discovery contract: an integration branch and evidence.
    let meta = wt("repo-agent-metadata");
    git(
        &repo,
        &[
            "worktree",
            "add",
            "-q",
            "-b",
            "agent/metadata-filter-contract",
            "../repo-agent-metadata",
            "integration/blog-discovery",
        ],
    )?;
    write(
        &meta,
        "src/content/config.ts",
        "export const collections = { blog: { tags: [] } };\n",
    )?;
    commit(&meta, "Add tags to the blog collection")?;
    let good = d.root.join("body-good.md");
    let bad = d.root.join("body-missing.md");
    write(&d.root, "body-good.md", "Adds tags.\r\n\r\n## Verification\r\n- [x] `npm run check`\r\n- [x] `ASTRO_TELEMETRY_DISABLED=1 npm run build`\r\n\r\n## Remaining risk\r\nTag pages are not paginated yet.\r\n")?;
    write(&d.root, "body-missing.md", "Adds tags.\n\n- [ ] npm run check\n<!-- - [x] ASTRO_TELEMETRY_DISABLED=1 npm run build -->\n")?;
    let (good, bad) = (good.display().to_string(), bad.display().to_string());
    d.check(
        "Metadata agent with evidence, into the integration branch",
        &meta,
        &["--base", "integration/blog-discovery", "--body", &good],
        "PASS",
        &[],
    )?;
    d.check(
        "Metadata agent PR aimed at main",
        &meta,
        &["--base", "main", "--body", &good],
        "BLOCKED",
        &["base-branch"],
    )?;
    d.check(
        "Metadata agent without the required evidence",
        &meta,
        &["--base", "integration/blog-discovery", "--body", &bad],
        "BLOCKED",
        &["evidence"],
    )?;
    git(
        &meta,
        &["checkout", "-q", "-b", "demo/metadata-touches-layout"],
    )?;
    write(
        &meta,
        "src/layouts/BaseLayout.astro",
        "<header />\n<slot />\n",
    )?;
    commit(&meta, "Tweak the layout")?;
    d.check(
        "Metadata agent edits BaseLayout.astro",
        &meta,
        &[
            "--base",
            "integration/blog-discovery",
            "--branch",
            "agent/metadata-filter-contract",
            "--body",
            &good,
        ],
        "BLOCKED",
        &["cannot-touch"],
    )?;

    git(&repo, &["checkout", "-q", "-b", "fix/readme-typo", "main"])?;
    write(&repo, "README.md", "# Demo\n")?;
    commit(&repo, "Fix a typo")?;
    d.check(
        "a human's branch that no contract names",
        &repo,
        &["--base", "main"],
        "NEUTRAL",
        &[],
    )?;

    git(
        &repo,
        &["checkout", "-q", "-b", "demo/broken-contract", "main"],
    )?;
    write(&repo, ".github/contracts/broken.md", "# Broken\n## Worktrees\n- wt-x branch: agents/x agent: agent-x\n## Scope\n- agent-x: src/x/**\n## Merge order\n1. agent-y\n2. agent-x\n")?;
    commit(&repo, "Add a contract with a typo in its merge order")?;
    git(&repo, &["checkout", "-q", "-b", "agents/x"])?;
    write(&repo, "src/x/a.ts", "export {};\n")?;
    commit(&repo, "Work of agent-x")?;
    d.check(
        "a branch whose contract names an unknown agent",
        &repo,
        &["--base", "demo/broken-contract"],
        "BLOCKED",
        &["contract-invalid"],
    )?;
    git(&repo, &["checkout", "-q", "main"])?;
    Ok(())
}
