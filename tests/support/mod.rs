//! Test support: real git repositories in temp dirs, and a runner for the
//! real `contract-gate` binary.

#![allow(dead_code)]

pub mod ghmock;

use std::io::Write as _;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use tempfile::TempDir;

/// The uploads contract (three agents, a merge order, shared files).
pub const UPLOADS: &str = include_str!("../../fixtures/contracts/uploads.md");
/// The blog-discovery contract (agents table, integration branch, matrix).
pub const BLOG: &str = include_str!("../../fixtures/contracts/blog-discovery.md");
/// Where the blog contract lives beside the uploads `CONTRACT.md`.
pub const BLOG_PATH: &str = ".github/contracts/blog-discovery.md";
pub const INTEGRATION: &str = "integration/blog-discovery";
pub const METADATA: &str = "agent/metadata-filter-contract";
pub const SEARCH: &str = "agent/blog-search-ui";
pub const REVIEW: &str = "agent/blog-render-verifier";

/// The additions-only router of agent-1: five lines.
pub const ROUTER: &str = "import { Router } from './http';\n\nexport const router = new Router();\nrouter.get('/health', health);\nrouter.get('/users', listUsers);\n";

/// A PR body that evidences every check the Metadata agent needs.
pub const METADATA_BODY: &str = "Adds tags.\n\n## Verification\n- [x] `npm run check`\n- [x] `ASTRO_TELEMETRY_DISABLED=1 npm run build`\n\n## Remaining risk\nTag pages are not paginated yet.\n";

/// A PR body that evidences every check the Integrator needs.
pub const INTEGRATOR_BODY: &str = "Integrates blog discovery.\n\n## Verification\n- [x] `npm run check`\n- [x] `ASTRO_TELEMETRY_DISABLED=1 npm run build`\n- [x] Blog index search still filters by text and tag\n- [x] Markdown post page still renders TOC for `##` and `###`\n- [x] Mermaid blocks still target `pre[data-language='mermaid']`\n\n## Remaining risk\nNone known.\n";

/// Path of the binary under test.
pub fn exe() -> &'static str {
    env!("CARGO_BIN_EXE_contract-gate")
}

/// Environment that makes git ignore the machine's configuration.
fn isolate(cmd: &mut Command) {
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_COMMON_DIR",
        "GIT_PREFIX",
        "GIT_NAMESPACE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        // The tests may themselves run in GitHub Actions.
        "GITHUB_ACTIONS",
        "GITHUB_EVENT_NAME",
        "GITHUB_EVENT_PATH",
        "GITHUB_REPOSITORY",
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "GITHUB_API_URL",
        "GITHUB_HEAD_REF",
        "GITHUB_STEP_SUMMARY",
        "GITHUB_OUTPUT",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_AUTHOR_NAME", "Test Author")
        .env("GIT_AUTHOR_EMAIL", "author@example.invalid")
        .env("GIT_COMMITTER_NAME", "Test Committer")
        .env("GIT_COMMITTER_EMAIL", "committer@example.invalid")
        .env("NO_COLOR", "1");
}

/// A directory with a checkout: the main one or a linked worktree.
#[derive(Debug, Clone)]
pub struct Tree {
    pub dir: PathBuf,
}

impl Tree {
    /// Runs git here; panics with its stderr when it fails.
    pub fn git(&self, args: &[&str]) -> String {
        let out = self.try_git(args);
        assert!(
            out.status.success(),
            "git {} failed in {}: {}",
            args.join(" "),
            self.dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim_end().to_string()
    }

    pub fn try_git(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new("git");
        cmd.args(["-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"])
            .args(["-c", "core.autocrlf=false"])
            .args(args)
            .current_dir(&self.dir)
            .stdin(Stdio::null());
        isolate(&mut cmd);
        cmd.output().expect("cannot run git")
    }

    /// Writes a file (creating its directories).
    pub fn write(&self, path: &str, content: &str) -> &Self {
        let p = self.dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
        self
    }

    pub fn remove(&self, path: &str) -> &Self {
        std::fs::remove_file(self.dir.join(path)).unwrap();
        self
    }

    /// `git mv from to`, creating the destination's directories.
    pub fn mv(&self, from: &str, to: &str) -> &Self {
        std::fs::create_dir_all(self.dir.join(to).parent().unwrap()).unwrap();
        self.git(&["mv", from, to]);
        self
    }

    /// Stages everything and commits; returns the new commit's SHA.
    pub fn commit(&self, msg: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", msg]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// `git checkout -b branch start`.
    pub fn branch(&self, branch: &str, start: &str) -> &Self {
        self.git(&["checkout", "-q", "-b", branch, start]);
        self
    }

    pub fn checkout(&self, rev: &str) -> &Self {
        self.git(&["checkout", "-q", rev]);
        self
    }

    /// `git merge --no-ff` with the subject git itself would write.
    pub fn merge(&self, branch: &str) -> &Self {
        let msg = format!("Merge branch '{branch}'");
        self.git(&["merge", "-q", "--no-ff", "-m", &msg, branch]);
        self
    }

    pub fn rebase(&self, onto: &str) -> &Self {
        self.git(&["rebase", "-q", onto]);
        self
    }

    /// `git worktree add -b branch <sibling dir> start`: a linked worktree
    /// next to this checkout.
    pub fn worktree_add(&self, name: &str, branch: &str, start: &str) -> Tree {
        let dir = self.dir.parent().unwrap().join(name);
        self.git(&[
            "worktree",
            "add",
            "-q",
            "-b",
            branch,
            dir.to_str().unwrap(),
            start,
        ]);
        Tree { dir }
    }

    /// `contract-gate check ARGS --format json`, run in this directory.
    pub fn check(&self, args: &[&str]) -> Run {
        let mut all = vec!["check"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--format", "json"]);
        run_in(&self.dir, &all, None)
    }

    /// `contract-gate check ARGS` with the text reporter.
    pub fn check_text(&self, args: &[&str]) -> Run {
        let mut all = vec!["check"];
        all.extend_from_slice(args);
        run_in(&self.dir, &all, None)
    }

    /// Any `contract-gate` command line, run in this directory.
    pub fn gate(&self, args: &[&str]) -> Run {
        run_in(&self.dir, args, None)
    }

    /// Like [`Tree::gate`], with `stdin` piped in.
    pub fn gate_stdin(&self, args: &[&str], stdin: &str) -> Run {
        run_in(&self.dir, args, Some(stdin))
    }
}

/// Runs the binary in `dir`; never accepts a panic (exit code 101).
pub fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    run_with_env(dir, args, stdin, &[])
}

/// [`run_in`] with extra environment variables.
pub fn run_with_env(dir: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(exe());
    cmd.args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    isolate(&mut cmd);
    cmd.envs(env.iter().copied());
    let mut child = cmd.spawn().expect("cannot run contract-gate");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(input.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert_ne!(
        run.code,
        101,
        "contract-gate {} panicked:\n{}",
        args.join(" "),
        run.stderr
    );
    run
}

/// One run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Stdout parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    pub fn conclusion(&self) -> String {
        self.json()["conclusion"]
            .as_str()
            .unwrap_or("?")
            .to_string()
    }

    /// Ids of the failure-level findings, sorted, without repeats.
    pub fn rules(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .findings_all()
            .iter()
            .filter(|f| f["level"] == "failure")
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v.dedup();
        v
    }

    pub fn findings_all(&self) -> Vec<Value> {
        self.json()["findings"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Findings of one rule (any level).
    pub fn findings(&self, rule: &str) -> Vec<Value> {
        self.findings_all()
            .into_iter()
            .filter(|f| f["rule"] == rule)
            .collect()
    }

    /// The one finding of a rule; panics if there are none or several.
    pub fn finding(&self, rule: &str) -> Value {
        let f = self.findings(rule);
        assert_eq!(f.len(), 1, "one `{rule}` finding expected: {}", self.stdout);
        f.into_iter().next().unwrap()
    }

    /// Paths of the findings of one rule, sorted.
    pub fn paths(&self, rule: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .findings(rule)
            .iter()
            .map(|f| f["path"].as_str().unwrap_or("<null>").to_string())
            .collect();
        v.sort();
        v
    }

    /// Asserts the exit code and the conclusion and the failing rules.
    #[track_caller]
    pub fn expect(&self, code: i32, conclusion: &str, rules: &[&str]) -> &Self {
        let ctx = format!("stdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        assert_eq!(self.code, code, "exit code; {ctx}");
        assert_eq!(self.conclusion(), conclusion, "conclusion; {ctx}");
        assert_eq!(self.rules(), rules, "rules; {ctx}");
        self
    }

    /// Asserts a pass: exit 0, success, no failure.
    #[track_caller]
    pub fn pass(&self) -> &Self {
        self.expect(0, "success", &[])
    }

    /// Asserts a block: exit 1, failure, exactly these rules.
    #[track_caller]
    pub fn blocked(&self, rules: &[&str]) -> &Self {
        self.expect(1, "failure", rules)
    }

    /// Asserts exit 2 with a JSON `error` containing every needle; returns it.
    #[track_caller]
    pub fn error(&self, needles: &[&str]) -> String {
        assert_eq!(self.code, 2, "exit code; {}\n{}", self.stdout, self.stderr);
        let v = self.json();
        assert_eq!(v["conclusion"], "failure");
        assert_eq!(v["findings"], serde_json::json!([]));
        let e = v["error"].as_str().expect("an `error` string").to_string();
        for n in needles {
            assert!(e.contains(n), "`{n}` not in error: {e}");
        }
        e
    }
}

/// A temporary directory holding a repository `repo/` (and any worktrees
/// beside it); derefs to the main checkout.
pub struct Repo {
    pub tmp: TempDir,
    pub main: Tree,
}

impl Deref for Repo {
    type Target = Tree;
    fn deref(&self) -> &Tree {
        &self.main
    }
}

impl Repo {
    /// An empty repository on `main`.
    pub fn empty() -> Repo {
        let tmp = tempfile::Builder::new()
            .prefix("contract-gate-test-")
            .tempdir()
            .unwrap();
        let dir = tmp.path().join("repo");
        std::fs::create_dir_all(&dir).unwrap();
        let main = Tree { dir };
        main.git(&["init", "-q", "-b", "main"]);
        Repo { tmp, main }
    }

    /// A repository whose `main` has only the given contract as `CONTRACT.md`
    /// plus a README.
    pub fn with_contract(contract: &str) -> Repo {
        let r = Repo::empty();
        r.write("CONTRACT.md", contract).write("README.md", "# r\n");
        r.commit("Add the contract");
        r
    }

    /// The uploads example: `CONTRACT.md` and the files it talks about.
    pub fn uploads() -> Repo {
        let r = Repo::empty();
        r.write("CONTRACT.md", UPLOADS)
            .write(
                "package.json",
                "{\n  \"name\": \"demo\",\n  \"dependencies\": {}\n}\n",
            )
            .write("tsconfig.json", "{ \"compilerOptions\": {} }\n")
            .write("README.md", "# demo\n")
            .write("src/api/router.ts", ROUTER)
            .write("src/api/legacy.ts", "export const legacy = 1;\n// keep\n")
            .write("src/db/schema.ts", "export const tables = [];\n")
            .write("docs/가이드.md", "# 가이드\n");
        r.commit("Add the context contract");
        r
    }

    /// The uploads example after agent-2 (first in the merge order) merged
    /// `agents/migrations` into `main`.
    pub fn uploads_after_migrations() -> Repo {
        let r = Repo::uploads();
        r.branch("agents/migrations", "main")
            .write(
                "src/db/migrations/001_uploads.sql",
                "create table uploads (id uuid);\n",
            )
            .commit("Add the uploads table");
        r.checkout("main").merge("agents/migrations");
        r
    }

    /// The uploads example plus the blog-discovery contract under
    /// `.github/contracts/`, its files, and the integration branch.
    pub fn blog() -> Repo {
        let r = Repo::uploads();
        r.write(BLOG_PATH, BLOG)
            .write("src/content/config.ts", "export const collections = {};\n")
            .write("src/layouts/BaseLayout.astro", "<slot />\n")
            .write("src/pages/blog/index.astro", "<ul></ul>\n")
            .write("src/pages/blog/[...slug].astro", "<article />\n");
        r.commit("Add the blog-discovery contract");
        r.git(&["branch", INTEGRATION, "main"]);
        r
    }

    /// Path of a file in the temporary directory, outside the repository.
    pub fn outside(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// Writes a file outside the repository (a PR body); returns its path.
    pub fn body(&self, name: &str, content: &str) -> String {
        let p = self.outside(name);
        std::fs::write(&p, content).unwrap();
        p.to_str().unwrap().to_string()
    }
}
