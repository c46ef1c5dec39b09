//! Which contract governs a branch: unassigned branches, invalid contracts,
//! several contracts, `--contract`, and the base (never the head) as the
//! source of truth.

use crate::support::*;

/// A branch no contract names is neutral and exits 0.
#[test]
fn unassigned_branch_is_neutral() {
    let r = Repo::uploads();
    r.branch("fix/readme-typo", "main")
        .write("README.md", "# Demo\n")
        .commit("typo");
    let run = r.check(&["--base", "main"]);
    run.expect(0, "neutral", &[]);
    let f = run.finding("unassigned-branch");
    assert_eq!(f["level"], "notice");
    let msg = f["message"].as_str().unwrap();
    assert!(msg.contains("`fix/readme-typo`"), "{msg}");
    assert!(msg.contains("CONTRACT.md"), "{msg}");
    let v = run.json();
    assert!(v["contract"].is_null());
    assert!(v["agent"].is_null());
    let text = r.check_text(&["--base", "main"]);
    assert_eq!(text.code, 0);
    assert!(text
        .stdout
        .starts_with("contract-gate: NEUTRAL  fix/readme-typo → main"));
}

/// `--unassigned block` turns an unassigned branch into a failure (exit 1).
#[test]
fn unassigned_branch_blocked_on_request() {
    let r = Repo::uploads();
    r.branch("fix/readme-typo", "main")
        .write("README.md", "# Demo\n")
        .commit("typo");
    let run = r.check(&["--base", "main", "--unassigned", "block"]);
    run.blocked(&["unassigned-branch"]);
    assert_eq!(run.finding("unassigned-branch")["level"], "failure");
}

/// A branch that looks like an agent's (one edit from `agents/uploads`) fails
/// even with `--unassigned allow`, naming the branch it probably meant.
#[test]
fn lookalike_branch_fails_with_did_you_mean() {
    let r = Repo::uploads();
    r.branch("agents/upload", "main")
        .write("src/api/uploads/a.ts", "export {};\n")
        .commit("typo in the branch name");
    let run = r.check(&["--base", "main", "--unassigned", "allow"]);
    run.blocked(&["unassigned-branch"]);
    let f = run.finding("unassigned-branch");
    assert_eq!(f["level"], "failure");
    assert_eq!(
        f["message"],
        "branch `agents/upload` is assigned to no agent, but it looks like an agent branch of CONTRACT.md: did you mean `agents/uploads` (agent-1)?"
    );
}

const BROKEN: &str = "# Broken\n## Worktrees\n- wt-x branch: agents/x agent: agent-x\n## Scope\n- agent-x: src/x/**\n## Merge order\n1. agent-y\n2. agent-x\n";

/// A merge order naming an unknown agent fails `contract-invalid` at the contract's line.
#[test]
fn contract_invalid_points_at_the_contract_line() {
    let r = Repo::with_contract(BROKEN);
    r.branch("agents/x", "main")
        .write("src/x/a.ts", "export {};\n")
        .commit("work");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["contract-invalid"]);
    let f = run.finding("contract-invalid");
    assert_eq!(f["path"], "CONTRACT.md");
    assert_eq!(f["line"], 7);
    assert!(f["message"]
        .as_str()
        .unwrap()
        .contains("merge order names unknown agent `agent-y`"));
}

/// The same broken contract under .github/contracts/ reports that path.
#[test]
fn contract_invalid_in_the_contract_dir() {
    let r = Repo::uploads();
    r.write(".github/contracts/broken.md", BROKEN)
        .commit("broken contract");
    r.branch("agents/x", "main")
        .write("src/x/a.ts", "export {};\n")
        .commit("work");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["contract-invalid"]);
    let f = run.finding("contract-invalid");
    assert_eq!(f["path"], ".github/contracts/broken.md");
    assert_eq!(f["line"], 7);
}

/// CONTRACT.md and .github/contracts/*.md each govern their own branches.
#[test]
fn several_contracts_each_govern_their_branches() {
    let r = Repo::blog();
    r.write(
        ".github/contracts/pages.md",
        "# Pages\n\n## Worktrees\n- wt-pages branch: agents/pages agent: pages-agent\n\n## Scope\n- pages-agent: src/pages/about/**\n",
    )
    .commit("pages contract");
    r.branch("agents/migrations", "main")
        .write("src/db/migrations/1.sql", "select 1;\n")
        .commit("m");
    let run = r.check(&["--base", "main"]);
    run.pass();
    assert_eq!(run.json()["contract"], "CONTRACT.md");

    r.branch(METADATA, INTEGRATION)
        .write("src/content/config.ts", "export const c = 2;\n")
        .commit("c");
    let body = r.body("body.md", METADATA_BODY);
    let run = r.check(&["--base", INTEGRATION, "--body", &body]);
    run.pass();
    assert_eq!(run.json()["contract"], BLOG_PATH);
    assert_eq!(run.json()["agent"], "Metadata agent");

    r.branch("agents/pages", "main")
        .write("src/pages/about/index.astro", "<p />\n")
        .commit("about");
    let run = r.check(&["--base", "main"]);
    run.pass();
    assert_eq!(run.json()["contract"], ".github/contracts/pages.md");
    assert_eq!(run.json()["agent"], "pages-agent");

    // A path owned in another contract is still out of this agent's scope.
    r.write("src/api/uploads/x.ts", "export {};\n").commit("x");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["scope"]);
    assert_eq!(run.paths("scope"), ["src/api/uploads/x.ts"]);
}

/// `--contract PATH` reads only that contract (at the base), wherever it lives.
#[test]
fn contract_flag_overrides_the_defaults() {
    let r = Repo::uploads();
    r.write(
        "docs/alt-contract.md",
        "# Alt\n\n## Worktrees\n- wt-alt branch: agents/alt agent: alt\n\n## Scope\n- alt: src/alt/**\n",
    )
    .commit("alt contract");
    r.branch("agents/alt", "main")
        .write("src/alt/a.ts", "export {};\n")
        .commit("alt work");
    // Under the uploads contract alone, `agents/alt` shares its agents'
    // `agents/` prefix: a look-alike branch fails.
    let run = r.check(&["--base", "main"]);
    run.blocked(&["unassigned-branch"]);
    let f = run.finding("unassigned-branch");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `agents/"),
        "{f}"
    );
    let run = r.check(&["--base", "main", "--contract", "docs/alt-contract.md"]);
    run.pass();
    assert_eq!(run.json()["contract"], "docs/alt-contract.md");
    assert_eq!(run.json()["agent"], "alt");
    let run = r.check(&["--base", "main", "--contract", "./docs/alt-contract.md"]);
    run.pass();

    // Only the given contract is read: CONTRACT.md's agents are unknown, so
    // `agents/migrations` is only a look-alike of the alt contract's branch.
    r.branch("agents/migrations", "main")
        .write("src/db/migrations/1.sql", "select 1;\n")
        .commit("m");
    let run = r.check(&["--base", "main", "--contract", "docs/alt-contract.md"]);
    run.blocked(&["unassigned-branch"]);
    let f = run.finding("unassigned-branch");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .ends_with("did you mean `agents/alt` (alt)?"),
        "{f}"
    );
}

/// An agent branch editing the contract named with `--contract` fails `contract-edit`.
#[test]
fn contract_flag_path_is_protected() {
    let r = Repo::uploads();
    let alt = "# Alt\n\n## Worktrees\n- wt-alt branch: agents/alt agent: alt\n\n## Scope\n- alt: src/alt/**, docs/**\n";
    r.write("docs/alt-contract.md", alt).commit("alt contract");
    r.branch("agents/alt", "main")
        .write("docs/alt-contract.md", &format!("{alt}- alt: src/**\n"))
        .commit("widen my own scope");
    let run = r.check(&["--base", "main", "--contract", "docs/alt-contract.md"]);
    run.blocked(&["contract-edit"]);
    assert_eq!(run.paths("contract-edit"), ["docs/alt-contract.md"]);
}

/// A branch claimed by two contracts fails `contract-invalid`.
#[test]
fn branch_claimed_by_two_contracts_is_invalid() {
    let r = Repo::uploads();
    r.write(
        ".github/contracts/dup.md",
        "# Dup\n\n## Worktrees\n- wt-m branch: agents/migrations agent: migrator\n\n## Scope\n- migrator: src/db/**\n",
    )
    .commit("a second claim");
    r.branch("agents/migrations", "main")
        .write("src/db/migrations/1.sql", "select 1;\n")
        .commit("m");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["contract-invalid"]);
    let msgs: Vec<String> = run
        .findings("contract-invalid")
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    assert!(
        msgs.iter().any(|m| m.contains("claimed more than once")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("CONTRACT.md and .github/contracts/dup.md")),
        "{msgs:?}"
    );
}

/// A head that widens its own scope in CONTRACT.md is judged by the base's contract.
#[test]
fn contract_is_read_from_the_base_not_the_head() {
    let r = Repo::uploads();
    r.branch("agents/migrations", "main")
        .write(
            "CONTRACT.md",
            &UPLOADS.replace(
                "- agent-2: src/db/migrations/**, src/db/schema.ts",
                "- agent-2: src/db/migrations/**, src/db/schema.ts, src/api/**",
            ),
        )
        .write("src/api/legacy.ts", "export const legacy = 2;\n")
        .commit("widen my scope");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["contract-edit", "scope"]);
    assert_eq!(run.paths("contract-edit"), ["CONTRACT.md"]);
    assert_eq!(run.paths("scope"), ["src/api/legacy.ts"]);
}

/// A contract that only exists on the head governs nothing.
#[test]
fn contract_only_on_the_head_is_ignored() {
    let r = Repo::empty();
    r.write("README.md", "# r\n").commit("init");
    r.branch("agents/migrations", "main")
        .write("CONTRACT.md", UPLOADS)
        .write("src/db/migrations/1.sql", "select 1;\n")
        .commit("bring my own contract");
    let run = r.check(&["--base", "main"]);
    run.expect(0, "neutral", &[]);
    assert!(run.finding("unassigned-branch")["message"]
        .as_str()
        .unwrap()
        .contains("no contract was found"));
}

/// A contract with CRLF line ends reads like the LF one.
#[test]
fn crlf_contract_reads_the_same() {
    let r = Repo::with_contract(&UPLOADS.replace('\n', "\r\n"));
    r.write("package.json", "{}\n").commit("package");
    r.branch("agents/migrations", "main")
        .write("src/db/migrations/1.sql", "select 1;\n")
        .write("package.json", "{ \"x\": 1 }\n")
        .write("src/api/uploads/a.ts", "export {};\n")
        .commit("m");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["scope", "shared-state"]);
    assert_eq!(run.paths("scope"), ["src/api/uploads/a.ts"]);
    assert_eq!(run.paths("shared-state"), ["package.json"]);
}

/// The same contract given twice to `--contract` is read once.
#[test]

fn repeated_contract_flag_is_read_once() {
    let r = Repo::uploads();
    r.branch("agents/migrations", "main")
        .write("src/db/migrations/1.sql", "select 1;\n")
        .commit("m");
    let run = r.check(&[
        "--base",
        "main",
        "--contract",
        "CONTRACT.md",
        "--contract",
        "./CONTRACT.md",
    ]);
    run.pass();
}

/// `--contract /CONTRACT.md` (root-relative) works like `CONTRACT.md`.
#[test]

fn root_relative_contract_flag_works() {
    let r = Repo::uploads();
    r.branch("agents/migrations", "main")
        .write("src/db/migrations/1.sql", "select 1;\n")
        .commit("m");
    let run = r.check(&["--base", "main", "--contract", "/CONTRACT.md"]);
    run.pass();
}

/// The default contracts are `.github/contracts/*.md`, not files in its subdirectories.
#[test]

fn nested_contract_dir_files_are_not_contracts() {
    let r = Repo::uploads();
    r.write(".github/contracts/archive/uploads-v0.md", UPLOADS)
        .commit("archive an old contract");
    // lint (working tree) sees one contract ...
    let lint = r.gate(&["lint", "--format", "json"]);
    assert_eq!(lint.code, 0);
    assert_eq!(lint.json()["contracts"].as_array().unwrap().len(), 1);
    // ... and check (base) must judge by the same one.
    r.branch("agents/migrations", "main")
        .write("src/db/migrations/1.sql", "select 1;\n")
        .commit("m");
    r.check(&["--base", "main"]).pass();
}
