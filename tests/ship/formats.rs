//! `--format markdown` and `--format sarif` of the offline check, and
//! the shell ergonomics (completions, --version, --help).

use serde_json::Value;

use crate::support::{run_in, Repo};

fn scope_violation() -> Repo {
    let r = Repo::uploads();
    r.branch("agents/migrations", "main");
    r.write("src/db/migrations/001.sql", "create table t();\n")
        .write("src/api/uploads/x y/가.ts", "export {};\n");
    r.commit("Migration, and a file outside the scope");
    r
}

/// SARIF: one result per finding with its rule id, a relative URI-escaped location and line.
#[test]
fn check_sarif() {
    let r = scope_violation();
    let run = r.gate(&["check", "--base", "main", "--format", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{results:#?}");
    assert_eq!(results[0]["ruleId"], "scope");
    assert_eq!(results[0]["level"], "error");
    let uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert_eq!(uri, "src/api/uploads/x%20y/%EA%B0%80.ts");
    let rules: Vec<&str> = v["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    for rule in contract_gate_core::verdict::Rule::ALL {
        assert!(rules.contains(&rule.id()));
    }
}

/// Markdown: the check-run summary, with the finding and its next step.
#[test]
fn check_markdown() {
    let r = scope_violation();
    let run = r.gate(&["check", "--base", "main", "--format", "markdown"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("### scope"), "{}", run.stdout);
    assert!(run.stdout.contains("agent-2"));
    assert!(run.stdout.contains("Next step"));
}

/// Completions for bash name the subcommands; --version carries the commit; help lists exit codes.
#[test]
fn completions_version_help() {
    let dir = std::env::temp_dir();
    let c = run_in(&dir, &["completions", "bash"], None);
    assert_eq!(c.code, 0);
    for sub in ["check", "lint", "brief", "sweep", "event"] {
        assert!(c.stdout.contains(sub), "completion lacks {sub}");
    }
    let v = run_in(&dir, &["--version"], None);
    assert!(v.stdout.starts_with("contract-gate 0."), "{}", v.stdout);
    assert!(v.stdout.contains('('), "no commit in {}", v.stdout);
    for args in [
        vec!["--help"],
        vec!["check", "--help"],
        vec!["sweep", "--help"],
    ] {
        let h = run_in(&dir, &args, None);
        assert_eq!(h.code, 0);
        assert!(h.stdout.contains("Exit codes: 0 pass"), "{args:?}");
    }
    // No subcommand, no --pr, not in Actions: help and exit 2.
    let none = run_in(&dir, &[], None);
    assert_eq!(none.code, 2);
}
