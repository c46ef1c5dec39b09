//! Benchmark of the evaluation core (`cargo bench`): 100,000 changed paths
//! against a contract of 200 agents with 20 patterns each. The pattern set
//! is compiled once per evaluation; the figure includes that compile.
//! Budget: under 200 ms on one core (the evaluator is single-threaded),
//! and at most 2x a bare `globset` loop compiling the same 4,000 patterns
//! and finding each path's owner, measured side by side.

#![allow(clippy::disallowed_macros)] // a bench binary prints its figures

use std::fmt::Write;
use std::time::{Duration, Instant};

use contract_gate_core::change::{ChangeStatus, ChangedFile, MergeState, PrSnapshot, Removals};
use contract_gate_core::contract::parse;
use contract_gate_core::evaluate::{evaluate, Options};

const AGENTS: usize = 200;
const PATHS: usize = 100_000;
const BUDGET: Duration = Duration::from_millis(200);

/// 20 patterns per agent: 10 directories, 5 literal files, 3 globs with
/// `**`, 1 single-level glob, 1 additions-only file.
fn contract_markdown() -> String {
    let mut md = String::from("# Bench contract\n\n## Worktrees\n");
    for i in 0..AGENTS {
        let _ = writeln!(md, "- wt-{i}  branch: agents/a{i}  agent: agent-{i}");
    }
    md.push_str("\n## Scope\n");
    for i in 0..AGENTS {
        let mut p: Vec<String> = (0..10).map(|j| format!("src/a{i}/mod{j}/**")).collect();
        p.extend((0..5).map(|j| format!("src/a{i}/file{j}.ts")));
        p.extend((0..3).map(|j| format!("gen/a{i}/**/*.gen{j}.ts")));
        p.push(format!("docs/a{i}/*.md"));
        p.push(format!("config/a{i}.json (additions only)"));
        let _ = writeln!(md, "- agent-{i}: {}", p.join(", "));
    }
    md.push_str(
        "\n## Shared state\n- package.json: agent-0 owns.\n- tsconfig.json: nobody edits.\n",
    );
    md
}

fn paths(own: bool) -> Vec<ChangedFile> {
    (0..PATHS)
        .map(|k| {
            let agent = if own { 7 } else { k % AGENTS };
            let p = match k % 5 {
                0 => format!("src/a{agent}/mod{}/deep/x{k}.ts", k % 10),
                1 => format!("src/a{agent}/file{}.ts", k % 5),
                2 => format!("gen/a{agent}/x/y/z{k}.gen{}.ts", k % 3),
                3 => format!("docs/a{agent}/n{k}.md"),
                _ => format!("src/a{agent}/mod{}/f{k}.rs", k % 10),
            };
            let mut f = ChangedFile::new(p, ChangeStatus::Modified);
            f.removals = Removals::Known(Vec::new());
            f
        })
        .collect()
}

fn measure(
    name: &str,
    contracts: &[contract_gate_core::contract::Contract],
    files: Vec<ChangedFile>,
) -> Duration {
    let pr = PrSnapshot {
        branch: "agents/a7".into(),
        base: "main".into(),
        body: None,
        files,
        files_truncated: None,
        interface: Vec::new(),
    };
    let merge = MergeState::new();
    let options = Options::default();
    let mut times = Vec::new();
    let mut findings = 0;
    for _ in 0..7 {
        let t = Instant::now();
        let v = evaluate(contracts, &pr, &merge, &options);
        times.push(t.elapsed());
        findings = v.findings.len();
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "{name:<44} median {:>7.1} ms   min {:>7.1} ms   ({findings} findings)",
        median.as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3
    );
    median
}

/// The natural floor: a bare `globset` loop doing the same work as the core
/// (compile every pattern of the contract, then find each path's owner).
fn bare_globset(files: &[ChangedFile]) -> (Duration, usize) {
    let mut globs = Vec::new();
    for i in 0..AGENTS {
        let mut p: Vec<String> = (0..10).map(|j| format!("src/a{i}/mod{j}/**")).collect();
        p.extend((0..5).map(|j| format!("src/a{i}/file{j}.ts")));
        p.extend((0..3).map(|j| format!("gen/a{i}/**/*.gen{j}.ts")));
        p.push(format!("docs/a{i}/*.md"));
        p.push(format!("config/a{i}.json"));
        globs.extend(p);
    }
    let mut times = Vec::new();
    let mut foreign = 0;
    for _ in 0..7 {
        let t = Instant::now();
        let mut b = globset::GlobSetBuilder::new();
        for g in &globs {
            b.add(
                globset::GlobBuilder::new(g)
                    .literal_separator(true)
                    .build()
                    .expect("valid glob"),
            );
        }
        let set = b.build().expect("glob set");
        let mut matches = Vec::new();
        foreign = 0;
        for f in files {
            set.matches_into(f.path.as_str(), &mut matches);
            // Owner: the agent of the first matching pattern (20 per agent).
            if matches.first().map(|m| m / 20) != Some(7) {
                foreign += 1;
            }
        }
        times.push(t.elapsed());
    }
    times.sort();
    (times[times.len() / 2], foreign)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would too: both just run.
    let md = contract_markdown();
    let t = Instant::now();
    let contract = parse("CONTRACT.md", &md);
    let parse_time = t.elapsed();
    assert!(!contract.has_errors(), "{:?}", contract.diagnostics.first());
    let contracts = vec![contract];
    println!(
        "contract: {AGENTS} agents x 20 patterns ({} bytes), parsed in {:.1} ms",
        md.len(),
        parse_time.as_secs_f64() * 1e3
    );
    println!("change set: {PATHS} paths; evaluate() includes compiling the pattern set once\n");
    let a = measure(
        "all paths owned by the branch's agent",
        &contracts,
        paths(true),
    );
    let b = measure(
        "paths spread over all 200 agents (scope)",
        &contracts,
        paths(false),
    );
    let (floor, foreign) = bare_globset(&paths(true));
    assert_eq!(
        foreign, 0,
        "the bare loop must find agent-7 owning every path"
    );
    println!(
        "{:<44} median {:>7.1} ms   (4,000 globs, 100,000 paths)",
        "bare globset loop (compile + classify)",
        floor.as_secs_f64() * 1e3
    );
    let ratio = a.as_secs_f64() / floor.as_secs_f64();
    println!("core / bare globset: {ratio:.2}x (budget 2x)");
    let worst = a.max(b);
    if ratio > 2.0 {
        println!("\nOVER BUDGET: the core takes {ratio:.2}x a bare globset loop");
        std::process::exit(1);
    }
    if worst > BUDGET {
        println!(
            "\nOVER BUDGET: {:.1} ms > {} ms",
            worst.as_secs_f64() * 1e3,
            BUDGET.as_millis()
        );
        std::process::exit(1);
    }
    println!("\nwithin budget ({} ms)", BUDGET.as_millis());
}
