//! A diagnostic far along a very long line (past column 65,535, where the
//! terminal renderer used to panic) ends with a clear lint error, never a
//! panic or a backtrace.

use crate::support::*;

fn far_contract() -> String {
    let filler: String = (0..6000).map(|i| format!("`src/f{i}.ts`, ")).collect();
    format!(
        "# Context contract — far\n\n## Worktrees\n- wt-a branch: agents/a agent: agent-1\n\n## Scope\n- agent-1: {filler}`glob:src/[.ts`\n"
    )
}

#[test]
fn lint_reports_an_invalid_glob_past_column_65535() {
    let contract = far_contract();
    let col = contract.lines().last().unwrap().find("glob:").unwrap();
    assert!(col > 70_000, "column {col}");
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("CONTRACT.md"), &contract).unwrap();
    for args in [
        &["lint", "CONTRACT.md"][..],
        &["lint", "--format", "json", "CONTRACT.md"],
    ] {
        let run = run_in(tmp.path(), args, None);
        assert!(
            run.code == 1 || run.code == 2,
            "{args:?}: exit {}\n{}",
            run.code,
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        assert!(!run.stderr.contains("RUST_BACKTRACE"), "{}", run.stderr);
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(
            all.contains("glob:src/[.ts"),
            "{args:?}: {}",
            &all[..all.len().min(2000)]
        );
        // The diagnostic is drawn on a cut line, not on the 90 kB one.
        assert!(
            all.lines()
                .any(|l| l.contains("glob:src/[.ts") && l.len() < 1_000),
            "{args:?}: no short line names the pattern"
        );
    }
}
