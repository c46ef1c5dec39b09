//! The demo's scenarios: each step builds history the way the article's
//! agents would, then judges a branch with the real binary.

use std::path::{Path, PathBuf};

use super::{Demo, DemoError};

const UPLOADS: &str = include_str!("../../../fixtures/contracts/uploads.md");
const BLOG: &str = include_str!("../../../fixtures/contracts/blog-discovery.md");

const ROUTER: &str = "import { Router } from './http';\n\nexport const router = new Router();\nrouter.get('/health', health);\nrouter.get('/users', listUsers);\n";

pub(super) fn git(dir: &Path, args: &[&str]) -> Result<String, DemoError> {
    let out = crate::source::local::git::git_program()
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
        .map_err(DemoError::RunGit)?;
    if !out.status.success() {
        return Err(DemoError::Git {
            args: args.join(" "),
            dir: dir.to_path_buf(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

pub(super) fn write(dir: &Path, path: &str, content: &str) -> Result<(), DemoError> {
    let p = dir.join(path);
    if let Some(parent) = p.parent() {
        create_dir(parent)?;
    }
    std::fs::write(&p, content).map_err(|source| DemoError::Write { path: p, source })
}

pub(super) fn create_dir(dir: &Path) -> Result<(), DemoError> {
    std::fs::create_dir_all(dir).map_err(|source| DemoError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })
}

pub(super) fn commit(dir: &Path, msg: &str) -> Result<(), DemoError> {
    git(dir, &["add", "-A"])?;
    git(dir, &["commit", "-q", "-m", msg])?;
    Ok(())
}

/// Every scenario, in the order the demo prints them.
pub(super) fn scenarios(d: &mut Demo) -> Result<(), DemoError> {
    let repo = setup(d)?;
    let root = d.root.clone();
    let wt = |n: &str| root.join(n);
    // The three worktrees of the uploads contract, as the article makes them.
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
    migrations_then_uploads(d, &repo, &mig, &upl)?;
    uploads_edits_router(d, &upl)?;
    tests_agent(d, &repo, &tst)?;
    blog_discovery(d, &repo, &wt("repo-agent-metadata"))?;
    human_and_broken_contract(d, &repo)
}

/// The base repository: both contracts and the files they name.
fn setup(d: &mut Demo) -> Result<PathBuf, DemoError> {
    let repo = d.root.join("repo");
    create_dir(&repo)?;
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
    Ok(repo)
}

/// agent-2 merges first; agent-1 waits for it, then rebases.
fn migrations_then_uploads(
    d: &mut Demo,
    repo: &Path,
    mig: &Path,
    upl: &Path,
) -> Result<(), DemoError> {
    let (repo, mig, upl) = (repo.to_path_buf(), mig.to_path_buf(), upl.to_path_buf());

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
    Ok(())
}

/// A variant of agent-1's work that edits a line of the additions-only router.
fn uploads_edits_router(d: &mut Demo, upl: &Path) -> Result<(), DemoError> {
    let upl = upl.to_path_buf();
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
    Ok(())
}

/// agent-3 waits for agent-1, then a "helpful refactor" breaks four rules.
fn tests_agent(d: &mut Demo, repo: &Path, tst: &Path) -> Result<(), DemoError> {
    let (repo, tst) = (repo.to_path_buf(), tst.to_path_buf());
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
    let readme = tst.join("README.md");
    std::fs::remove_file(&readme).map_err(|source| DemoError::Remove {
        path: readme,
        source,
    })?;
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
    Ok(())
}

/// The blog-discovery contract: an integration branch and evidence.
fn blog_discovery(d: &mut Demo, repo: &Path, meta: &Path) -> Result<(), DemoError> {
    let (repo, meta) = (repo.to_path_buf(), meta.to_path_buf());
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
    Ok(())
}

/// A branch no contract names, and one whose contract is broken.
fn human_and_broken_contract(d: &mut Demo, repo: &Path) -> Result<(), DemoError> {
    let repo = repo.to_path_buf();
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
