//! The offline check starts a fixed number of `git` processes, whatever the
//! number of agents: refs are listed once and ancestry is answered for every
//! branch at once (`for-each-ref --merged`).

use std::fmt::Write as _;

use crate::support::*;

/// A contract of `n` agents, each owning `src/aN/`, all in one merge order.
fn contract(n: usize) -> String {
    let mut md = String::from("# Context contract\n\n## Worktrees\n");
    for i in 0..n {
        let _ = writeln!(md, "- wt-{i}  branch: agents/a{i}  agent: agent-{i}");
    }
    md.push_str("\n## Scope\n");
    for i in 0..n {
        let _ = writeln!(
            md,
            "- agent-{i}: src/a{i}/**, config/a{i}.json (additions only)"
        );
    }
    md.push_str("\n## Merge order\n");
    for i in 0..n {
        let _ = writeln!(md, "{}. agent-{i}", i + 1);
    }
    md
}

/// `check --base main` with `GIT_TRACE`: the run, and each `git` process it
/// started (one trace line per start).
fn traced_check(r: &Repo) -> (Run, Vec<String>) {
    let trace = r.outside("trace");
    let run = run_with_env(
        &r.dir,
        &["check", "--base", "main", "--format", "json"],
        None,
        &[("GIT_TRACE", trace.to_str().unwrap())],
    );
    let log = std::fs::read_to_string(&trace).unwrap_or_default();
    let started = log
        .lines()
        .filter(|l| l.contains("trace: built-in: git") || l.contains("trace: exec: git"))
        .map(|l| {
            l.split_once("trace: ")
                .map_or(l, |(_, rest)| rest)
                .to_string()
        })
        .collect();
    (run, started)
}

/// Every agent has a branch with a commit of its own; agent-0's is merged.
/// Returns the processes `check` of agent-7's branch started, and the run.
fn processes(n: usize) -> (usize, Run, String) {
    let r = Repo::empty();
    r.write("CONTRACT.md", &contract(n))
        .write("config/a7.json", "{\n  \"a\": 1\n}\n")
        .commit("Add the contract");
    // Every other branch shares one commit of its own (made on a side
    // branch), written straight into packed-refs: making 200 commits would
    // only slow the test, and ancestry is all the questions need.
    r.branch("side", "main")
        .write("src/side.ts", "x;\n")
        .commit("side work");
    let side = r.git(&["rev-parse", "side"]);
    let mut packed = String::from("# pack-refs with: peeled fully-peeled sorted \n");
    let mut names: Vec<String> = (1..n)
        .filter(|i| *i != 7)
        .map(|i| format!("refs/heads/agents/a{i}"))
        .collect();
    names.sort();
    for name in names {
        let _ = writeln!(packed, "{side} {name}");
    }
    std::fs::write(r.dir.join(".git/packed-refs"), packed).unwrap();
    r.checkout("main");
    r.branch("agents/a0", "main")
        .write("src/a0/x.ts", "x;\n")
        .commit("agent-0");
    r.checkout("main").merge("agents/a0");
    r.branch("agents/a7", "main")
        .write("src/a7/one.ts", "1;\n")
        .write("src/a8/out.ts", "out;\n")
        .write("config/a7.json", "{\n  \"a\": 2\n}\n")
        .commit("agent-7 work");
    let (run, started) = traced_check(&r);
    (started.len(), run, started.join("\n"))
}

#[test]
fn a_200_agent_check_starts_at_most_twelve_git_processes() {
    let (small, _, _) = processes(20);
    let (big, run, log) = processes(200);
    // The verdict is the real one: agent-8's file is out of scope, the
    // additions-only config lost a line, and agent-7 waits on agents 1-6
    // (agent-0 merged).
    run.blocked(&["additions-only", "merge-order", "scope"]);
    assert_eq!(run.paths("scope"), ["src/a8/out.ts"]);
    assert_eq!(run.findings("merge-order").len(), 6);
    let progress = &run.json()["merge_progress"];
    assert_eq!(progress[0]["state"], "merged");
    assert_eq!(progress[1]["state"], "waiting");
    assert!(big <= 12, "{big} git processes for 200 agents:\n{log}");
    assert_eq!(small, big, "the count must not grow with the agents");
}

/// 100 additions-only files changed at once are read from one `git diff`
/// (not one per file), and each keeps its own removed lines: two files lose
/// a line, one of them renamed, 98 only grow.
#[test]
fn many_additions_only_files_are_read_in_one_diff() {
    let r = Repo::empty();
    r.write(
        "CONTRACT.md",
        "# C\n\n## Worktrees\n- wt-log  branch: agents/log  agent: logger\n\n## Scope\n- logger: log/** (additions only), src/**\n",
    );
    for i in 0..100 {
        r.write(&format!("log/f{i:03}.txt"), "one\ntwo\nthree\n");
    }
    r.write("src/a b.ts", "x;\n").commit("base");
    r.branch("agents/log", "main");
    for i in 0..100 {
        let body = match i {
            7 => "one\nthree\nfour\n",
            _ => "one\ntwo\nthree\nfour\n",
        };
        r.write(&format!("log/f{i:03}.txt"), body);
    }
    r.mv("log/f042.txt", "log/moved.txt")
        .write("log/moved.txt", "one\nTWO\nthree\nfour\n")
        .write("src/a b.ts", "y;\n")
        .commit("append");
    let (run, started) = traced_check(&r);
    run.blocked(&["additions-only"]);
    let found: Vec<(String, u64)> = run
        .findings("additions-only")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    // Line 0: no line; the rename took the old name away (a removal too).
    assert_eq!(
        found,
        [
            ("log/f007.txt".to_string(), 1),
            ("log/moved.txt".to_string(), 2),
            ("log/f042.txt".to_string(), 0)
        ]
    );
    let diffs = started
        .iter()
        .filter(|l| l.contains("git diff") && l.contains(" -U0 "))
        .count();
    assert_eq!(diffs, 1, "{started:#?}");
}
