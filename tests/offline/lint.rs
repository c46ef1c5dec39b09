//! `contract-gate lint`: how contracts are read, diagnostics with path and
//! line, and never a panic.

use serde_json::{json, Value};

use crate::support::*;

/// Writes a file in a fresh temp dir (not a repository) and lints it as JSON.
fn lint_file(name: &str, content: &str) -> (tempfile::TempDir, Run) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join(name), content).unwrap();
    let run = run_in(tmp.path(), &["lint", "--format", "json", name], None);
    (tmp, run)
}

/// The error diagnostics of a lint run.
fn errors(run: &Run) -> Vec<Value> {
    run.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["level"] == "error")
        .cloned()
        .collect()
}

/// Asserts an error diagnostic with this path, line and message part, and exit 1.
#[track_caller]
fn assert_error(run: &Run, path: &str, line: u64, needle: &str) {
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let errs = errors(run);
    assert!(
        errs.iter().any(|d| d["path"] == path
            && d["line"] == line
            && d["message"].as_str().unwrap().contains(needle)),
        "no error `{needle}` at {path}:{line} in {errs:#?}"
    );
}

/// Both example contracts lint clean (exit 0) with the documented JSON shape.
#[test]
fn examples_lint_clean_with_the_json_shape() {
    let r = Repo::blog();
    let run = r.gate(&["lint", "--format", "json"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let v = run.json();
    let contracts = v["contracts"].as_array().unwrap();
    assert_eq!(contracts.len(), 2);
    for c in contracts {
        for key in [
            "path",
            "title",
            "integration_branch",
            "agents",
            "shared_state",
            "merge_order",
        ] {
            assert!(c.get(key).is_some(), "contract lacks `{key}`: {c}");
        }
        for a in c["agents"].as_array().unwrap() {
            for key in [
                "name",
                "branch",
                "worktree",
                "owns",
                "cannot_touch",
                "additions_only",
                "checks",
            ] {
                assert!(a.get(key).is_some(), "agent lacks `{key}`: {a}");
            }
        }
        for s in c["shared_state"].as_array().unwrap() {
            assert!(s.get("pattern").is_some() && s.get("owner").is_some());
        }
    }
    for d in v["diagnostics"].as_array().unwrap() {
        for key in ["level", "path", "line", "message"] {
            assert!(d.get(key).is_some(), "diagnostic lacks `{key}`: {d}");
        }
    }

    let up = &contracts[0];
    assert_eq!(up["path"], "CONTRACT.md");
    assert_eq!(up["title"], "Context contract — feature/uploads");
    assert!(up["integration_branch"].is_null());
    let a1 = &up["agents"][0];
    assert_eq!(a1["name"], "agent-1");
    assert_eq!(a1["branch"], "agents/uploads");
    assert_eq!(a1["worktree"], "wt-uploads");
    assert_eq!(
        a1["owns"],
        json!(["src/api/uploads/**", "src/api/router.ts"])
    );
    assert_eq!(a1["additions_only"], json!(["src/api/router.ts"]));
    assert_eq!(a1["cannot_touch"], json!([]));
    assert_eq!(up["merge_order"], json!(["agent-2", "agent-1", "agent-3"]));
    let shared = up["shared_state"].as_array().unwrap();
    let owner = |p: &str| {
        shared
            .iter()
            .find(|s| s["pattern"] == p)
            .unwrap_or_else(|| panic!("no shared rule for {p}"))["owner"]
            .clone()
    };
    assert_eq!(owner("package.json"), json!("agent-1"));
    assert_eq!(owner("tsconfig.json"), Value::Null);
    assert_eq!(owner("src/db/schema.ts"), json!("agent-2"));
    assert_eq!(owner("README.md"), Value::Null);

    let blog = &contracts[1];
    assert_eq!(blog["path"], BLOG_PATH);
    assert_eq!(blog["integration_branch"], INTEGRATION);
    let meta = &blog["agents"][0];
    assert_eq!(meta["name"], "Metadata agent");
    assert_eq!(meta["branch"], METADATA);
    assert_eq!(meta["owns"], json!(["src/content/config.ts"]));
    assert_eq!(
        meta["cannot_touch"],
        json!(["src/layouts/BaseLayout.astro"])
    );
    let diags = v["diagnostics"].as_array().unwrap();
    let blog_diags: Vec<&Value> = diags.iter().filter(|d| d["path"] == BLOG_PATH).collect();
    assert_eq!(blog_diags.len(), 13, "{blog_diags:#?}");
    // Ten prose owns/cannot-touch items, and three permission-policy rows
    // whose approval items nothing enforces (Network among them).
    let codes: Vec<&str> = blog_diags
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.iter().filter(|c| **c == "CG015").count(), 10);
    assert_eq!(codes.iter().filter(|c| **c == "CG034").count(), 3);
    assert!(blog_diags.iter().all(|d| d["level"] == "warning"));
    assert!(blog_diags.iter().any(|d| d["code"] == "CG034"
        && d["message"].as_str().unwrap().contains("`Network`")
        && d["message"]
            .as_str()
            .unwrap()
            .contains("kept, not enforced")));
    assert!(
        diags.iter().all(|d| d["path"] != "CONTRACT.md"),
        "{diags:#?}"
    );
}

/// The example contracts linted by explicit path keep those paths.
#[test]
fn explicit_paths_lint_the_fixtures() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/contracts");
    let run = run_in(
        &dir,
        &[
            "lint",
            "--format",
            "json",
            "uploads.md",
            "blog-discovery.md",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    assert_eq!(v["contracts"][0]["path"], "uploads.md");
    assert_eq!(v["contracts"][1]["path"], "blog-discovery.md");
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 13);
}

/// The text form names each agent and the error/warning counts.
#[test]
fn text_lint_summarises() {
    let r = Repo::blog();
    let run = r.gate(&["lint"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("agent agent-1"), "{}", run.stdout);
    assert!(run.stdout.contains("additions only  src/api/router.ts"));
    assert!(
        run.stdout.contains("0 error(s), 13 warning(s)"),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("integration branch  integration/blog-discovery"));
}

/// `lint --base main` warns about patterns that match no file there.
#[test]
fn lint_base_warns_about_unmatched_patterns() {
    let r = Repo::uploads();
    let run = r.gate(&["lint", "--format", "json", "--base", "main"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    let warned: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["level"] == "warning")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(
        warned.contains(&"`src/api/uploads/**` matches no file on the base branch"),
        "{warned:?}"
    );
    assert!(warned.contains(&"`tests/uploads/**` matches no file on the base branch"));
    // Files that exist on main are not warned about.
    assert!(!warned.iter().any(|w| w.contains("`src/api/router.ts`")));
    assert!(!warned.iter().any(|w| w.contains("`package.json`")));
    let line = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .contains("src/api/uploads/**")
        })
        .unwrap()["line"]
        .clone();
    assert_eq!(line, 9);
    // Without --base there is no such warning.
    let plain = r.gate(&["lint", "--format", "json"]).json();
    assert_eq!(plain["diagnostics"], json!([]));
}

/// `lint --base` with an unknown ref exits 2.
#[test]
fn lint_base_unknown_ref_is_an_error() {
    let r = Repo::uploads();
    let run = r.gate(&["lint", "--format", "json", "--base", "nope"]);
    assert_eq!(run.code, 2);
    assert!(run.json()["error"].as_str().unwrap().contains("nope"));
}

/// No contract at all: exit 2 with a hint.
#[test]
fn lint_without_any_contract_is_an_error() {
    let r = Repo::empty();
    let run = r.gate(&["lint", "--format", "json"]);
    assert_eq!(run.code, 2);
    assert!(run.json()["error"]
        .as_str()
        .unwrap()
        .contains("no contract found"));
    let missing = r.gate(&["lint", "nope.md"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("nope.md"), "{}", missing.stderr);
}

/// Garbage markdown: an error diagnostic at line 1, exit 1.
#[test]
fn garbage_markdown_is_diagnosed() {
    let (_t, run) = lint_file(
        "junk.md",
        "<<<>>> ||| ``` unclosed\n* * *\n| a |\n[x]: <\n\u{1}\u{7f}\n",
    );
    assert_error(&run, "junk.md", 1, "no Worktrees or Agents section");
    // A NUL byte makes it a binary file, as git sees it: refused (CG025).
    let (_t, run) = lint_file("junk.md", "# C\n\u{0}\n");
    assert_error(&run, "junk.md", 1, "is a binary file");
}

/// An empty file: an error diagnostic at line 1, exit 1.
#[test]
fn empty_contract_is_diagnosed() {
    let (t, run) = lint_file("empty.md", "");
    assert_error(&run, "empty.md", 1, "no Worktrees or Agents section");
    let text = run_in(t.path(), &["lint", "empty.md"], None);
    assert_eq!(text.code, 1);
    assert!(text.stdout.contains("1 error(s)"), "{}", text.stdout);
}

/// An agents table with no Agent column: an error at the table's line.
#[test]
fn agents_table_without_agent_column() {
    let (_t, run) = lint_file(
        "c.md",
        "# C\n\n## Agents\n\n| Team | Branch |\n|---|---|\n| x | agents/x |\n",
    );
    assert_error(&run, "c.md", 5, "no `Agent` column");
}

/// Scope naming an agent the Worktrees section does not: an error at that line.
#[test]
fn unknown_agent_in_scope() {
    let (_t, run) = lint_file(
        "c.md",
        "# C\n## Worktrees\n- wt-a branch: agents/a agent: a\n## Scope\n- a: src/a/**\n- b: src/b/**\n",
    );
    assert_error(&run, "c.md", 6, "no Worktrees/Agents entry names agent `b`");
    assert_eq!(errors(&run).len(), 1);
}

/// More malformed contracts: each gives an error with path and line, never a panic.
#[test]
fn malformed_contracts_never_panic() {
    let cases: &[(&str, u64, &str)] = &[
        (
            "# C\n## Worktrees\n- wt-a agent: a\n",
            3,
            "agent `a` names no branch",
        ),
        (
            "# C\n## Worktrees\n- wt-a branch: agents/a agent: a\n## Merge order\n1. a\n2. a\n",
            6,
            "lists `a` twice",
        ),
        (
            "# C\n## Worktrees\n- wt-a branch: agents/a agent: a\n## Shared state\n- x.json: someone owns\n",
            5,
            "names no owner",
        ),
        (
            "# C\n## Worktrees\n- wt-a branch: agents/a agent: a\n## Scope\n- a: glob:src/[a.ts\n",
            5,
            // An unclosed `[` makes the list's items unknown: refused first.
            "do not pair up",
        ),
        (
            "# C\n## Worktrees\n- wt-a branch: agents/a agent: a\n- wt-b branch: agents/a agent: b\n",
            4,
            "claimed by two agents",
        ),
        (
            "# C\r\n## Worktrees\r\n- wt-a branch: agents/a agent: a\r\n## Integration branch\r\n`not a branch`\r\n",
            5,
            "names no branch",
        ),
        (
            "# 가\n## Worktrees\n- wt-가 branch: agents/가 agent: 가\n## Scope\n- 나: docs/**\n",
            5,
            "names agent `나`",
        ),
    ];
    for (src, line, needle) in cases {
        let (_t, run) = lint_file("c.md", src);
        assert_error(&run, "c.md", *line, needle);
    }
}

/// A merge order whose case-folded name changes byte length must not panic.
#[test]

fn case_folding_that_changes_length_does_not_panic() {
    // U+212A KELVIN SIGN lowercases to ASCII `k`.
    let (_t, run) = lint_file(
        "c.md",
        "# K\n## Worktrees\n- wt branch: agents/k agent: k\n## Merge order\n1. \u{212A}\n",
    );
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    run.json();
}

/// Every diagnostic carries its stable code and id; each contract says how
/// many lines were read, kept as notes and refused (JSON and text).
#[test]
fn codes_and_line_accounting() {
    let src = "# C\n## Worktrees\n- wt-a branch: agents/a agent: ann\n- wt-b branch: agents/b agent: bob\n## Scope\n- ann: src/api/**\n- bob: src/api/uploads/**\n\nAsk the planner first.\nsee docs/x for more\n";
    let (tmp, run) = lint_file("c.md", src);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let v = run.json();
    let got: Vec<(String, String, u64)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["id"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("CG008".to_string(), "unreadable-line".to_string(), 10),
            ("CG010".to_string(), "scope-overlap".to_string(), 7),
        ]
    );
    assert_eq!(
        v["contracts"][0]["lines"],
        json!({"read": 4, "notes": 1, "refused": 1})
    );
    assert_eq!(
        v["contracts"][0]["notes"],
        json!(["Ask the planner first."])
    );
    let text = run_in(tmp.path(), &["lint", "c.md"], None);
    assert!(
        text.stdout
            .contains("lines               4 read, 1 kept as notes, 1 refused"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("[CG010 scope-overlap]"),
        "{}",
        text.stdout
    );
}

/// `lint` lists the permission classes in force, as the gate applies them:
/// the built-in ones, less those the Permission policy table allows, plus
/// the paths it adds (text and JSON).
#[test]
fn lint_lists_the_permission_classes_in_force() {
    let contract = format!(
        "{UPLOADS}\n## Permission policy\n\n| Permission class | Allowed without approval | Requires approval |\n|---|---|---|\n| Local commands | package installs | none |\n| Deploys | none | `infra/**` |\n"
    );
    let r = Repo::with_contract(&contract);
    let run = r.gate(&["lint", "--format", "json"]);
    let v = run.json();
    let classes: Vec<&str> = v["contracts"][0]["needs_approval"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(classes.contains(&"files: lockfile"), "{classes:?}");
    assert!(classes.contains(&"commands: a force push"), "{classes:?}");
    assert!(
        !classes.contains(&"commands: a package install or dependency upgrade"),
        "allowed by the table: {classes:?}"
    );
    assert!(
        classes.iter().any(|c| c.starts_with("files: `infra/**`")),
        "added by the table: {classes:?}"
    );
    let text = r.gate(&["lint"]).stdout;
    assert!(
        text.contains("  needs approval      files: lockfile\n"),
        "{text}"
    );
}

/// The Approvers section is shown by `lint` (text and JSON).
#[test]
fn lint_shows_the_approvers() {
    let r = Repo::with_contract(&format!(
        "{UPLOADS}\n## Approvers\n- @octocat (integration owner)\n- @acme/release\n"
    ));
    let v = r.gate(&["lint", "--format", "json"]).json();
    assert_eq!(
        v["contracts"][0]["approvers"],
        serde_json::json!(["@octocat", "@acme/release"])
    );
    let text = r.gate(&["lint"]).stdout;
    assert!(
        text.contains("  approvers           @octocat, @acme/release\n"),
        "{text}"
    );
}
