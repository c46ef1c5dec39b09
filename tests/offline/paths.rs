//! Rules on changed paths: scope, cannot-touch, shared-state,
//! additions-only, contract-edit, with renames, deletions, brackets and
//! non-ASCII names.

use crate::support::*;

/// An agent changing only what it owns passes with no findings.
#[test]
fn scope_owned_paths_pass() {
    let r = Repo::uploads();
    r.branch("agents/migrations", "main")
        .write("src/db/migrations/001.sql", "create table t ();\n")
        .write("src/db/schema.ts", "export const tables = ['t'];\n")
        .commit("migration");
    let run = r.check(&["--base", "main"]);
    run.pass();
    let v = run.json();
    assert_eq!(v["findings"], serde_json::json!([]));
    assert_eq!(v["contract"], "CONTRACT.md");
    assert_eq!(v["agent"], "agent-2");
    assert_eq!(v["role"], "agent");
    assert_eq!(v["branch"], "agents/migrations");
    assert_eq!(v["base"], "main");
}

/// A path outside the agent's scope fails `scope` with that path and no line.
#[test]
fn scope_outside_fails_with_path() {
    let r = Repo::uploads();
    r.branch("agents/migrations", "main")
        .write("src/db/migrations/001.sql", "create table t ();\n")
        .write("src/api/legacy.ts", "export const legacy = 2;\n")
        .write("src/lib/new.ts", "export {};\n")
        .commit("migration and more");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["scope"]);
    assert_eq!(run.paths("scope"), ["src/api/legacy.ts", "src/lib/new.ts"]);
    for f in run.findings("scope") {
        assert_eq!(f["level"], "failure");
        assert!(f["line"].is_null(), "{f}");
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .contains("outside what agent-2 owns"),
            "{f}"
        );
    }
}

/// A path another agent owns names that owner in the scope message.
#[test]
fn scope_names_the_owner_of_another_agents_path() {
    let r = Repo::uploads();
    r.branch("agents/migrations", "main")
        .write("src/api/uploads/handler.ts", "export {};\n")
        .commit("steal");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["scope"]);
    let f = run.finding("scope");
    assert_eq!(f["path"], "src/api/uploads/handler.ts");
    let msg = f["message"].as_str().unwrap();
    assert!(msg.starts_with("added;"), "{msg}");
    assert!(msg.contains("owned by agent-1"), "{msg}");
}

/// Metadata agent editing BaseLayout.astro fails `cannot-touch`.
#[test]
fn cannot_touch_blocks_the_metadata_agent_on_the_layout() {
    let r = Repo::blog();
    let body = r.body("body.md", METADATA_BODY);
    r.branch(METADATA, INTEGRATION)
        .write(
            "src/content/config.ts",
            "export const collections = { blog: {} };\n",
        )
        .write("src/layouts/BaseLayout.astro", "<header />\n<slot />\n")
        .commit("tags and a layout tweak");
    let run = r.check(&["--base", INTEGRATION, "--body", &body]);
    run.blocked(&["cannot-touch"]);
    let f = run.finding("cannot-touch");
    assert_eq!(f["path"], "src/layouts/BaseLayout.astro");
    assert!(f["line"].is_null());
    assert!(f["message"]
        .as_str()
        .unwrap()
        .contains("Metadata agent's cannot-touch list"));
    assert_eq!(run.json()["agent"], "Metadata agent");
}

/// Metadata agent editing only its own config passes.
#[test]
fn cannot_touch_clean_metadata_branch_passes() {
    let r = Repo::blog();
    let body = r.body("body.md", METADATA_BODY);
    r.branch(METADATA, INTEGRATION)
        .write(
            "src/content/config.ts",
            "export const collections = { blog: {} };\n",
        )
        .commit("tags");
    let run = r.check(&["--base", INTEGRATION, "--body", &body]);
    run.pass();
    assert!(run.findings_all().is_empty(), "{}", run.stdout);
}

/// The owner of a shared file (agent-1 owns package.json) may edit it.
#[test]
fn shared_state_owner_may_edit() {
    let r = Repo::uploads_after_migrations();
    r.branch("agents/uploads", "main")
        .write(
            "src/api/uploads/handler.ts",
            "export function upload() {}\n",
        )
        .write(
            "package.json",
            "{\n  \"name\": \"demo\",\n  \"dependencies\": { \"busboy\": \"1\" }\n}\n",
        )
        .commit("endpoint");
    r.check(&["--base", "main"]).pass();
}

/// Another agent editing a shared file fails `shared-state` naming the owner.
#[test]
fn shared_state_other_agent_may_not_edit() {
    let r = Repo::uploads();
    r.branch("agents/migrations", "main")
        .write(
            "package.json",
            "{\n  \"name\": \"demo\",\n  \"dependencies\": { \"pg\": \"8\" }\n}\n",
        )
        .commit("add pg");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["shared-state"]);
    let f = run.finding("shared-state");
    assert_eq!(f["path"], "package.json");
    let msg = f["message"].as_str().unwrap();
    assert!(msg.contains("owned by agent-1"), "{msg}");
    assert!(msg.contains("agent-2/3 must request additions"), "{msg}");
}

/// A nobody-edits file fails `shared-state` for every agent.
#[test]
fn shared_state_nobody_edits() {
    let r = Repo::uploads();
    r.branch("agents/migrations", "main")
        .write(
            "tsconfig.json",
            "{ \"compilerOptions\": { \"strict\": true } }\n",
        )
        .commit("stricter");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["shared-state"]);
    let f = run.finding("shared-state");
    assert_eq!(f["path"], "tsconfig.json");
    assert!(f["message"].as_str().unwrap().contains("nobody edits"));
}

/// Appending to an additions-only file passes.
#[test]
fn additions_only_pure_append_passes() {
    let r = Repo::uploads_after_migrations();
    r.branch("agents/uploads", "main")
        .write(
            "src/api/router.ts",
            &format!("{ROUTER}router.post('/api/uploads', upload);\n"),
        )
        .commit("route");
    r.check(&["--base", "main"]).pass();
}

/// Additions at the top plus a changed line: one finding at the head line.
#[test]
fn additions_only_changed_line_reports_the_head_line() {
    let r = Repo::uploads_after_migrations();
    let edited = format!(
        "// one\n// two\n{}",
        ROUTER.replace("'/health'", "'/healthz'")
    );
    r.branch("agents/uploads", "main")
        .write("src/api/router.ts", &edited)
        .commit("edit a route");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["additions-only"]);
    let f = run.finding("additions-only");
    assert_eq!(f["path"], "src/api/router.ts");
    // Base line 4 is line 6 of the head after the two added lines.
    assert_eq!(f["line"], 6);
    assert!(f["message"]
        .as_str()
        .unwrap()
        .contains("removed or changed"));
}

/// Any byte change to an existing line of an additions-only file is a
/// change, read by real git: CRLF line ends, trailing whitespace, a final
/// newline gained (appending after a last line without one) or dropped.
#[test]
fn additions_only_line_end_and_whitespace_changes_fail() {
    let bare = ROUTER.trim_end_matches('\n');
    let route = "router.post('/api/uploads', upload);\n";
    for (name, base, head, line) in [
        (
            "no final newline, converted to CRLF",
            bare.to_string(),
            format!("{}\r\n", bare.replace('\n', "\r\n")),
            1,
        ),
        (
            "CRLF, final newline kept",
            ROUTER.to_string(),
            ROUTER.replace('\n', "\r\n"),
            1,
        ),
        (
            "trailing whitespace only",
            ROUTER.to_string(),
            ROUTER.replace("health);\n", "health); \n"),
            4,
        ),
        (
            "appended after a last line without a newline",
            bare.to_string(),
            format!("{bare}\n{route}"),
            5,
        ),
        (
            "final newline dropped",
            ROUTER.to_string(),
            bare.to_string(),
            5,
        ),
    ] {
        let r = Repo::uploads_after_migrations();
        r.write("src/api/router.ts", &base)
            .commit("router as it is");
        r.branch("agents/uploads", "main")
            .write("src/api/router.ts", &head)
            .commit("edit");
        let run = r.check(&["--base", "main"]);
        run.blocked(&["additions-only"]);
        let f = run.finding("additions-only");
        assert_eq!(f["path"], "src/api/router.ts", "{name}");
        assert_eq!(f["line"], line, "{name}: {}", run.stdout);
    }
    // A pure append after a final newline still passes.
    let r = Repo::uploads_after_migrations();
    r.branch("agents/uploads", "main")
        .write("src/api/router.ts", &format!("{ROUTER}{route}"))
        .commit("route");
    r.check(&["--base", "main"]).pass();
}

/// A deleted line of an additions-only file fails at the line before it.
#[test]
fn additions_only_deleted_line_fails() {
    let r = Repo::uploads_after_migrations();
    r.branch("agents/uploads", "main")
        .write(
            "src/api/router.ts",
            &ROUTER.replace("router.get('/health', health);\n", ""),
        )
        .commit("drop a route");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["additions-only"]);
    let f = run.finding("additions-only");
    assert_eq!(f["path"], "src/api/router.ts");
    assert_eq!(f["line"], 3);
}

/// A symlink or a submodule (gitlink) replacing an additions-only file wipes
/// its content: git shows a type change (`T`), a deletion plus an addition of
/// the same name, and the deletion's lines count as removed.
#[test]
fn additions_only_file_replaced_by_a_symlink_or_gitlink_fails() {
    for kind in ["symlink", "gitlink"] {
        let r = Repo::uploads_after_migrations();
        r.branch("agents/uploads", "main")
            .remove("src/api/router.ts");
        if kind == "symlink" {
            std::os::unix::fs::symlink("../../README.md", r.dir.join("src/api/router.ts")).unwrap();
            r.commit("router becomes a link");
        } else {
            r.git(&["rm", "-q", "--cached", "src/api/router.ts"]);
            r.git(&[
                "update-index",
                "--add",
                "--cacheinfo",
                "160000,1111111111111111111111111111111111111111,src/api/router.ts",
            ]);
            r.git(&["commit", "-q", "-m", "router becomes a submodule"]);
        }
        assert!(r
            .git(&["diff", "--name-status", "main...HEAD"])
            .starts_with("T\t"));
        let run = r.check(&["--base", "main"]);
        run.blocked(&["additions-only"]);
        let f = run.finding("additions-only");
        assert_eq!(f["path"], "src/api/router.ts", "{kind}");
        assert_eq!(f["line"], 1, "{kind}");
    }
}

/// A file whose name is not UTF-8, in an additions-only directory, with a
/// line removed: the diff is asked for by the name's real bytes (a lossy
/// name would match no file and read as "nothing removed").
#[test]
fn additions_only_non_utf8_name_with_a_removed_line_fails() {
    use std::os::unix::ffi::OsStrExt as _;
    let contract = "# C\n\n## Worktrees\n- wt-a branch: agents/a agent: agent-1\n\n## Scope\n- agent-1: `src/api/routes/**` (additions only)\n";
    let r = Repo::with_contract(contract);
    let name = std::ffi::OsStr::from_bytes(b"src/api/routes/caf\xe9.ts");
    std::fs::create_dir_all(r.dir.join("src/api/routes")).unwrap();
    std::fs::write(r.dir.join(name), "a\nb\nc\n").unwrap();
    r.commit("a route");
    r.branch("agents/a", "main");
    std::fs::write(r.dir.join(name), "a\nc\n").unwrap();
    r.commit("drop a line");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["additions-only"]);
    let f = run.finding("additions-only");
    assert_eq!(f["path"], "src/api/routes/caf\u{fffd}.ts");
    assert_eq!(f["line"], 1);
}

/// A mode change alone (made executable) keeps every line: it passes.
#[test]
fn additions_only_mode_change_alone_passes() {
    let r = Repo::uploads_after_migrations();
    r.branch("agents/uploads", "main");
    r.git(&["update-index", "--chmod=+x", "src/api/router.ts"]);
    r.git(&["commit", "-q", "-m", "router is executable"]);
    assert!(r
        .git(&["diff", "--name-status", "main...HEAD"])
        .starts_with("M\t"));
    r.check(&["--base", "main"]).pass();
}

/// Deleting an additions-only file fails with no line.
#[test]
fn additions_only_deleting_the_file_fails() {
    let r = Repo::uploads_after_migrations();
    r.branch("agents/uploads", "main")
        .remove("src/api/router.ts")
        .commit("drop the router");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["additions-only"]);
    let f = run.finding("additions-only");
    assert_eq!(f["path"], "src/api/router.ts");
    assert!(f["line"].is_null());
    assert!(f["message"].as_str().unwrap().contains("deleted"));
}

/// An agent branch editing CONTRACT.md fails `contract-edit`.
#[test]
fn contract_edit_of_contract_md() {
    let r = Repo::uploads();
    r.branch("agents/migrations", "main")
        .write("CONTRACT.md", &format!("{UPLOADS}\n<!-- note -->\n"))
        .commit("touch the contract");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["contract-edit"]);
    assert_eq!(run.paths("contract-edit"), ["CONTRACT.md"]);
}

/// Adding a contract under .github/contracts/ or a workflow fails `contract-edit`.
#[test]
fn contract_edit_of_contract_dir_and_workflows() {
    let r = Repo::uploads();
    r.branch("agents/migrations", "main")
        .write(".github/contracts/mine.md", "# Mine\n")
        .write(".github/workflows/gate.yml", "on: pull_request\n")
        .commit("new contract and workflow");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["contract-edit"]);
    assert_eq!(
        run.paths("contract-edit"),
        [".github/contracts/mine.md", ".github/workflows/gate.yml"]
    );
}

/// A rename from outside scope into scope fails `scope` on the old name only.
#[test]
fn rename_into_scope_fails_on_the_old_name() {
    let r = Repo::uploads();
    r.branch("agents/migrations", "main")
        .mv("src/api/legacy.ts", "src/db/migrations/legacy.ts")
        .commit("move legacy");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["scope"]);
    let f = run.finding("scope");
    assert_eq!(f["path"], "src/api/legacy.ts");
    assert!(f["message"]
        .as_str()
        .unwrap()
        .contains("renamed to `src/db/migrations/legacy.ts`"));
}

/// A rename out of scope fails on the new name (both names count).
#[test]
fn rename_out_of_scope_fails_on_the_new_name() {
    let r = Repo::uploads();
    r.branch("agents/migrations", "main")
        .mv("src/db/schema.ts", "src/schema.ts")
        .commit("move schema");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["scope"]);
    let f = run.finding("scope");
    assert_eq!(f["path"], "src/schema.ts");
    assert!(f["message"]
        .as_str()
        .unwrap()
        .contains("renamed from `src/db/schema.ts`"));
}

/// Deleting a file outside scope fails `scope`.
#[test]
fn deleting_a_file_out_of_scope_fails() {
    let r = Repo::uploads();
    r.branch("agents/migrations", "main")
        .remove("src/api/legacy.ts")
        .commit("drop legacy");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["scope"]);
    let f = run.finding("scope");
    assert_eq!(f["path"], "src/api/legacy.ts");
    assert!(f["message"].as_str().unwrap().starts_with("deleted;"));
}

const PAGES: &str = "# Pages\n\n## Worktrees\n- wt-pages branch: agents/pages agent: pages-agent\n\n## Scope\n- pages-agent: src/pages/blog/[...slug].astro\n";

/// A literal path with brackets owns exactly that file.
#[test]
fn bracket_path_is_literal_and_passes() {
    let r = Repo::with_contract(PAGES);
    r.branch("agents/pages", "main")
        .write("src/pages/blog/[...slug].astro", "<article />\n")
        .commit("slug page");
    r.check(&["--base", "main"]).pass();
}

/// A literal path with brackets does not match a one-letter name.
#[test]
fn bracket_path_does_not_match_other_files() {
    let r = Repo::with_contract(PAGES);
    r.branch("agents/pages", "main")
        .write("src/pages/blog/s.astro", "<article />\n")
        .commit("s page");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["scope"]);
    assert_eq!(run.paths("scope"), ["src/pages/blog/s.astro"]);
}

/// A non-ASCII path out of scope is reported as its raw UTF-8 name.
#[test]
fn non_ascii_path_is_raw_utf8() {
    let r = Repo::uploads();
    r.branch("agents/migrations", "main")
        .write("docs/가이드.md", "# 가이드\n\n더 보기\n")
        .commit("guide");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["scope"]);
    assert_eq!(run.finding("scope")["path"], "docs/가이드.md");
    let text = r.check_text(&["--base", "main"]);
    assert!(text.stdout.contains("docs/가이드.md"), "{}", text.stdout);
}

/// Appending to an additions-only file whose last line had no newline
/// changes that line (it gains the newline): a change, at that line. Add
/// the newline on the base first.
#[test]
fn additions_only_append_after_missing_final_newline_changes_the_last_line() {
    let r = Repo::uploads();
    let no_newline = ROUTER.trim_end_matches('\n');
    r.write("src/api/router.ts", no_newline)
        .commit("router without a final newline");
    r.branch("agents/migrations", "main")
        .write("src/db/migrations/1.sql", "select 1;\n")
        .commit("m");
    r.checkout("main").merge("agents/migrations");
    r.branch("agents/uploads", "main")
        .write(
            "src/api/router.ts",
            &format!("{no_newline}\nrouter.post('/api/uploads', upload);\n"),
        )
        .commit("append a route");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["additions-only"]);
    assert_eq!(run.finding("additions-only")["line"], 5);
}

/// A backticked path with a space is one literal path.
#[test]
fn backticked_path_with_a_space() {
    let r = Repo::with_contract(
        "# Docs\n\n## Worktrees\n- wt-docs branch: agents/docs agent: docs\n\n## Scope\n- docs: `docs/my file.md`, docs/other/**\n",
    );
    r.branch("agents/docs", "main")
        .write("docs/my file.md", "hi\n")
        .write("docs/other/a.md", "hi\n")
        .commit("docs");
    r.check(&["--base", "main"]).pass();
    r.write("docs/my.md", "hi\n").commit("more");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["scope"]);
    assert_eq!(run.paths("scope"), ["docs/my.md"]);
}
