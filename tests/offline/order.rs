//! Rules about where and when a branch merges: merge-order, stale-base,
//! base-branch, and the integrator of an integration branch.

use crate::support::*;

/// Agent-1 before agent-2 merged: `merge-order` names agent-2 and its branch.
#[test]
fn merge_order_waits_on_the_predecessor() {
    let r = Repo::uploads();
    r.branch("agents/uploads", "main")
        .write("src/api/uploads/handler.ts", "export {};\n")
        .commit("endpoint");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["merge-order"]);
    let f = run.finding("merge-order");
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.contains("waiting on agent-2 (agents/migrations)"),
        "{msg}"
    );
    assert!(msg.contains("has not merged into `main`"), "{msg}");
    assert!(f["path"].is_null());
    let progress = &run.json()["merge_progress"];
    assert_eq!(progress[0]["agent"], "agent-2");
    assert_eq!(progress[0]["state"], "waiting");
    assert_eq!(progress[1]["agent"], "agent-1");
    assert_eq!(progress[1]["state"], "this");
    assert_eq!(progress[2]["state"], "pending");
}

/// The last agent waits on every predecessor: one finding per agent.
#[test]
fn merge_order_lists_every_missing_predecessor() {
    let r = Repo::uploads();
    r.branch("agents/tests", "main")
        .write("tests/uploads/a.test.ts", "test('a', () => {});\n")
        .commit("tests");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["merge-order"]);
    let msgs: Vec<String> = run
        .findings("merge-order")
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("agent-2")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("agent-1")), "{msgs:?}");
}

/// The first agent of the merge order never waits.
#[test]
fn merge_order_first_agent_passes() {
    let r = Repo::uploads();
    r.branch("agents/migrations", "main")
        .write("src/db/migrations/001.sql", "create table t ();\n")
        .commit("migration");
    let run = r.check(&["--base", "main"]);
    run.pass();
    assert_eq!(run.json()["merge_progress"][0]["state"], "this");
}

/// Predecessor merged into main, head not rebased: `stale-base`; after a rebase it passes.
#[test]
fn stale_base_until_rebased() {
    let r = Repo::uploads();
    r.branch("agents/migrations", "main")
        .write("src/db/migrations/001.sql", "create table t ();\n")
        .commit("migration");
    let upl = r.worktree_add("wt-uploads", "agents/uploads", "main");
    upl.write("src/api/uploads/handler.ts", "export {};\n")
        .commit("endpoint");
    upl.check(&["--base", "main"]).blocked(&["merge-order"]);

    r.checkout("main").merge("agents/migrations");
    let run = upl.check(&["--base", "main"]);
    run.blocked(&["stale-base"]);
    let msg = run.finding("stale-base")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("agent-2 merged"), "{msg}");
    assert!(msg.contains("rebase onto main"), "{msg}");
    assert_eq!(run.json()["merge_progress"][0]["state"], "merged");

    upl.rebase("main");
    upl.check(&["--base", "main"]).pass();
}

/// A predecessor whose branch was deleted after its merge still counts as merged.
#[test]
fn merged_predecessor_with_deleted_branch_counts() {
    let r = Repo::uploads_after_migrations();
    r.git(&["branch", "-D", "agents/migrations"]);
    r.branch("agents/uploads", "main")
        .write("src/api/uploads/handler.ts", "export {};\n")
        .commit("endpoint");
    let run = r.check(&["--base", "main"]);
    run.pass();
    let reference = run.json()["merge_progress"][0]["reference"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        reference.contains("Merge branch 'agents/migrations'"),
        "{reference}"
    );
}

/// agent-2's branch, squash-merged into main (`git merge --squash`), as a
/// forge's "Squash and merge" does: `main` gets one ordinary commit.
fn squash_migrations(r: &Repo, main_moves_first: bool) {
    r.branch("agents/migrations", "main")
        .write(
            "src/db/migrations/001_uploads.sql",
            "create table uploads (id uuid);\n",
        )
        .commit("Add the uploads table");
    r.write(
        "src/db/migrations/002_uploads.sql",
        "alter table uploads add size int;\n",
    )
    .commit("Add the size column");
    r.checkout("main");
    if main_moves_first {
        r.write("README.md", "# demo\n\nMoved on.\n").commit("Docs");
    }
    r.git(&["merge", "--squash", "agents/migrations"]);
    r.commit("Uploads table (#41)");
}

/// A squash-merged predecessor counts as merged: a commit on the base has
/// its branch's tree (the branch was up to date when it merged).
#[test]
fn squash_merged_predecessor_counts_by_tree() {
    let r = Repo::uploads();
    squash_migrations(&r, false);
    r.branch("agents/uploads", "main")
        .write("src/api/uploads/handler.ts", "export {};\n")
        .commit("endpoint");
    let run = r.check(&["--base", "main"]);
    run.pass();
    let step = &run.json()["merge_progress"][0];
    assert_eq!(step["state"], "merged");
    let reference = step["reference"].as_str().unwrap();
    assert!(reference.starts_with("squashed as "), "{reference}");
    assert!(
        reference.ends_with("\"Uploads table (#41)\""),
        "{reference}"
    );
}

/// The base moved on before the squash: the squash commit's change has the
/// patch id of the branch's whole change. A branch cut before the squash is
/// told to rebase (`stale-base`), not to wait.
#[test]
fn squash_merged_predecessor_counts_by_patch_id() {
    let r = Repo::uploads();
    r.branch("agents/uploads", "main")
        .write("src/api/uploads/handler.ts", "export {};\n")
        .commit("endpoint");
    r.checkout("main");
    squash_migrations(&r, true);
    r.checkout("agents/uploads");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["stale-base"]);
    assert!(run.findings("merge-order").is_empty(), "{}", run.stdout);
    r.rebase("main");
    r.check(&["--base", "main"]).pass();
}

/// agent-2's branch of two commits, landed by "Rebase and merge": `main`
/// moved on first, then each commit is replayed on it with a new id (as a
/// forge does; `replayed` of them, oldest first).
fn rebase_merge_migrations(r: &Repo, replayed: usize) -> Vec<String> {
    r.branch("agents/migrations", "main")
        .write(
            "src/db/migrations/001_uploads.sql",
            "create table uploads (id uuid);\n",
        )
        .commit("Add the uploads table");
    r.write(
        "src/db/migrations/002_uploads.sql",
        "alter table uploads add size int;\n",
    )
    .commit("Add the size column");
    r.checkout("main")
        .write("README.md", "# demo\n\nMoved on.\n")
        .commit("Docs");
    let commits = r.git(&["rev-list", "--reverse", "main..agents/migrations"]);
    let mut on_main = Vec::new();
    for c in commits.lines().take(replayed) {
        r.git(&["cherry-pick", c.trim()]);
        on_main.push(r.git(&["rev-parse", "HEAD"]).trim().to_string());
    }
    on_main
}

/// "Rebase and merge": every commit of the predecessor's branch is on the
/// base with a new id and the same patch id: it counts as merged. A branch
/// cut before is told to rebase; after the rebase it passes.
#[test]
fn rebase_merged_predecessor_counts_by_patch_ids() {
    let r = Repo::uploads();
    r.branch("agents/uploads", "main")
        .write("src/api/uploads/handler.ts", "export {};\n")
        .commit("endpoint");
    r.checkout("main");
    let on_main = rebase_merge_migrations(&r, 2);
    // New ids: the branch tip is not on main, nor is its tree.
    let tip = r.git(&["rev-parse", "agents/migrations"]);
    assert!(!on_main.contains(&tip.trim().to_string()));
    r.checkout("agents/uploads");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["stale-base"]);
    assert!(run.findings("merge-order").is_empty(), "{}", run.stdout);
    r.rebase("main");
    let run = r.check(&["--base", "main"]);
    run.pass();
    let step = &run.json()["merge_progress"][0];
    assert_eq!(step["state"], "merged");
    let reference = step["reference"].as_str().unwrap();
    let newest = &on_main[1][..7];
    assert_eq!(
        reference,
        format!("rebased as {newest} \"Add the size column\" (2 commits)")
    );
}

/// Only some of the branch's commits replayed on the base: not merged.
#[test]
fn a_partly_replayed_branch_has_not_merged() {
    let r = Repo::uploads();
    rebase_merge_migrations(&r, 1);
    r.branch("agents/uploads", "main")
        .write("src/api/uploads/handler.ts", "export {};\n")
        .commit("endpoint");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["merge-order"]);
    assert!(
        run.finding("merge-order")["message"]
            .as_str()
            .unwrap()
            .contains("agent-2"),
        "{}",
        run.stdout
    );
}

/// The branch got a commit after its commits were replayed: that commit is
/// not on the base, so the branch has not merged.
#[test]
fn a_commit_after_the_rebase_merge_has_not_merged() {
    let r = Repo::uploads();
    rebase_merge_migrations(&r, 2);
    r.checkout("agents/migrations")
        .write("src/db/migrations/003_uploads.sql", "create index i;\n")
        .commit("Index");
    r.branch("agents/uploads", "main")
        .write("src/api/uploads/handler.ts", "export {};\n")
        .commit("endpoint");
    r.check(&["--base", "main"]).blocked(&["merge-order"]);
}

/// A different change to the same file is not a squash of the branch.
#[test]
fn unrelated_commit_is_not_a_squash() {
    let r = Repo::uploads();
    r.branch("agents/migrations", "main")
        .write(
            "src/db/migrations/001_uploads.sql",
            "create table uploads (id uuid);\n",
        )
        .commit("Add the uploads table");
    r.checkout("main")
        .write(
            "src/db/migrations/001_uploads.sql",
            "create table uploads (id text);\n",
        )
        .commit("Someone else's table");
    r.branch("agents/uploads", "main")
        .write("src/api/uploads/handler.ts", "export {};\n")
        .commit("endpoint");
    r.check(&["--base", "main"]).blocked(&["merge-order"]);
}

/// agent-1 merged before agent-2 (out of the contract's order): agent-3's
/// PR waits on agent-2 and warns, naming both.
#[test]
fn out_of_order_merge_is_a_warning_naming_both() {
    let r = Repo::uploads();
    r.branch("agents/uploads", "main")
        .write("src/api/uploads/handler.ts", "export {};\n")
        .commit("endpoint");
    r.checkout("main").merge("agents/uploads");
    r.branch("agents/tests", "main")
        .write("tests/uploads/a.test.ts", "test('a', () => {});\n")
        .commit("tests");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["merge-order"]);
    let all = run.findings("merge-order");
    let levels: Vec<(&str, &str)> = all
        .iter()
        .map(|f| (f["level"].as_str().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    assert_eq!(levels.len(), 2, "{levels:?}");
    assert_eq!(levels[0].0, "failure");
    assert!(levels[0].1.contains("waiting on agent-2"), "{levels:?}");
    assert_eq!(levels[1].0, "warning");
    assert!(
        levels[1]
            .1
            .starts_with("agent-1 merged (agents/uploads at "),
        "{levels:?}"
    );
    assert!(
        levels[1]
            .1
            .ends_with("before agent-2, out of the contract's merge order (agent-2 merges first)"),
        "{levels:?}"
    );
}

/// A merged predecessor stays merged after a human edits the contract on main.
#[test]

fn merge_progress_survives_a_later_contract_edit() {
    let r = Repo::uploads_after_migrations();
    // The planner widens agent-3's scope on main after agent-2 merged.
    r.write(
        "CONTRACT.md",
        &UPLOADS.replace(
            "- agent-3: tests/uploads/**",
            "- agent-3: tests/helpers/**, tests/uploads/**",
        ),
    )
    .commit("Widen agent-3's scope");
    r.branch("agents/uploads", "main")
        .write("src/api/uploads/handler.ts", "export {};\n")
        .commit("endpoint");
    r.check(&["--base", "main"]).pass();
}

/// A blog agent's PR aimed at main fails `base-branch`; at the integration branch it passes.
#[test]
fn base_branch_must_be_the_integration_branch() {
    let r = Repo::blog();
    let body = r.body("body.md", METADATA_BODY);
    r.branch(METADATA, INTEGRATION)
        .write("src/content/config.ts", "export const c = 1;\n")
        .commit("tags");
    let run = r.check(&["--base", "main", "--body", &body]);
    run.blocked(&["base-branch"]);
    let msg = run.finding("base-branch")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("`integration/blog-discovery`"), "{msg}");
    assert!(msg.contains("targets `main`"), "{msg}");
    assert_eq!(run.json()["base"], "main");

    let ok = r.check(&["--base", INTEGRATION, "--body", &body]);
    ok.pass();
    assert_eq!(ok.json()["base"], INTEGRATION);
}

/// Builds the three blog agent branches off the integration branch.
fn blog_agents(r: &Repo) {
    r.branch(METADATA, INTEGRATION)
        .write("src/content/config.ts", "export const c = { tags: [] };\n")
        .commit("tags");
    r.branch(SEARCH, INTEGRATION)
        .write("src/pages/blog/index.astro", "<input type=search />\n")
        .commit("search");
    // The review agent owns no path: its work is a report, not a file.
    r.branch(REVIEW, INTEGRATION).commit("review notes");
}

/// The integrator passes only once every agent branch merged into the integration branch.
#[test]
fn integrator_waits_for_every_agent() {
    let r = Repo::blog();
    let body = r.body("body.md", INTEGRATOR_BODY);
    blog_agents(&r);
    r.checkout(INTEGRATION).merge(METADATA).merge(SEARCH);
    let run = r.check(&["--base", "main", "--body", &body]);
    run.blocked(&["merge-order"]);
    let v = run.json();
    assert_eq!(v["role"], "integrator");
    assert_eq!(v["agent"], "Integrator");
    assert_eq!(v["contract"], BLOG_PATH);
    let msg = run.finding("merge-order")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        msg.contains("Review agent (agent/blog-render-verifier)"),
        "{msg}"
    );
    assert!(msg.contains("`integration/blog-discovery`"), "{msg}");

    r.merge(REVIEW);
    let run = r.check(&["--base", "main", "--body", &body]);
    run.pass();
    let v = run.json();
    let states: Vec<&str> = v["merge_progress"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["merged", "merged", "merged"]);
}

/// The integrator fails `scope` for a path no agent owns.
#[test]
fn integrator_paths_must_be_owned_by_some_agent() {
    let r = Repo::blog();
    let body = r.body("body.md", INTEGRATOR_BODY);
    blog_agents(&r);
    r.checkout(INTEGRATION)
        .merge(METADATA)
        .merge(SEARCH)
        .merge(REVIEW)
        .write("docs/notes.md", "integration notes\n")
        .commit("notes");
    let run = r.check(&["--base", "main", "--body", &body]);
    run.blocked(&["scope"]);
    let f = run.finding("scope");
    assert_eq!(f["path"], "docs/notes.md");
    assert!(f["message"].as_str().unwrap().contains("owned by no agent"));
}

/// The integrator needs its own checks evidenced in the PR body.
#[test]
fn integrator_checks_must_be_evidenced() {
    let r = Repo::blog();
    // The Metadata agent's body lacks the integrator-only checks.
    let body = r.body("body.md", METADATA_BODY);
    blog_agents(&r);
    r.checkout(INTEGRATION)
        .merge(METADATA)
        .merge(SEARCH)
        .merge(REVIEW);
    let run = r.check(&["--base", "main", "--body", &body]);
    run.blocked(&["evidence"]);
    let msgs: Vec<String> = run
        .findings("evidence")
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(msgs.len(), 3, "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("Mermaid")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("TOC")), "{msgs:?}");
    assert!(
        msgs.iter().any(|m| m.contains("Blog index search")),
        "{msgs:?}"
    );
}

/// In a fresh clone (CI), predecessors are found through `origin/` refs.
#[test]
fn clone_sees_predecessors_through_origin_refs() {
    let r = Repo::uploads_after_migrations();
    r.branch("agents/uploads", "main")
        .write("src/api/uploads/handler.ts", "export {};\n")
        .commit("endpoint");
    r.checkout("main");
    let clone = Tree {
        dir: r.tmp.path().join("clone"),
    };
    r.git(&[
        "clone",
        "-q",
        r.dir.to_str().unwrap(),
        clone.dir.to_str().unwrap(),
    ]);
    // Only `main` is a local branch; agents/migrations exists as origin/ only.
    assert!(clone
        .git(&["branch", "--list", "agents/migrations"])
        .is_empty());
    clone.git(&["checkout", "-q", "--detach", "origin/agents/uploads"]);
    let run = clone.check(&["--base", "origin/main", "--branch", "agents/uploads"]);
    run.pass();
    let v = run.json();
    assert_eq!(v["base"], "main");
    let reference = v["merge_progress"][0]["reference"].as_str().unwrap();
    assert!(
        reference.starts_with("origin/agents/migrations at "),
        "{reference}"
    );
}

/// A blog agent's PR against `origin/integration/blog-discovery` targets the integration branch.
#[test]
fn base_branch_accepts_the_remote_spelling() {
    let r = Repo::blog();
    let body = r.body("body.md", METADATA_BODY);
    r.branch(METADATA, INTEGRATION)
        .write("src/content/config.ts", "export const c = 1;\n")
        .commit("tags");
    let head = r.git(&["rev-parse", "HEAD"]);
    let base = r.git(&["rev-parse", INTEGRATION]);
    r.git(&[
        "update-ref",
        "refs/remotes/origin/integration/blog-discovery",
        &base,
    ]);
    r.git(&[
        "update-ref",
        "refs/remotes/origin/agent/metadata-filter-contract",
        &head,
    ]);
    let run = r.check(&[
        "--base",
        "origin/integration/blog-discovery",
        "--head",
        "origin/agent/metadata-filter-contract",
        "--body",
        &body,
    ]);
    run.pass();
    assert_eq!(run.json()["base"], INTEGRATION);
    assert_eq!(run.json()["branch"], METADATA);
}

/// The integrator still sees agents whose branches were deleted after merging into it.
#[test]

fn integrator_sees_merged_agents_with_deleted_branches() {
    let r = Repo::blog();
    let body = r.body("body.md", INTEGRATOR_BODY);
    blog_agents(&r);
    r.checkout(INTEGRATION)
        .merge(METADATA)
        .merge(SEARCH)
        .merge(REVIEW);
    r.check(&["--base", "main", "--body", &body]).pass();
    r.git(&["branch", "-D", METADATA, SEARCH, REVIEW]);
    r.check(&["--base", "main", "--body", &body]).pass();
}
