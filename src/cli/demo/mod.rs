//! `contract-gate demo`: builds a temporary repository reproducing the
//! uploads example (three agents in three `git worktree add` worktrees,
//! plus the blog-discovery contract beside it), then runs the real
//! `contract-gate check` binary on branches that pass and branches that
//! break each rule, and prints the verdicts.

mod scenarios;
mod seam;

use std::path::{Path, PathBuf};
use std::process::Command;

use super::error::{CliError, Outcome};

/// Why the demo could not build its repositories or run the binary.
#[derive(Debug, thiserror::Error)]
enum DemoError {
    #[error("cannot create a temporary directory: {0}")]
    TempDir(#[source] std::io::Error),
    #[error("cannot find my own binary: {0}")]
    OwnBinary(#[source] std::io::Error),
    #[error("cannot run {}: {source}", .exe.display())]
    RunBinary {
        exe: PathBuf,
        source: std::io::Error,
    },
    /// The binary's stdout is no JSON; its stderr says why.
    #[error("{command} printed no JSON ({source}): {stderr}")]
    NoJson {
        command: String,
        stderr: String,
        source: serde_json::Error,
    },
    #[error("cannot run git: {0}")]
    RunGit(#[source] std::io::Error),
    #[error("git {args} failed in {}: {stderr}", .dir.display())]
    Git {
        args: String,
        dir: PathBuf,
        stderr: String,
    },
    /// Shown as the bare io error, as it always was.
    #[error("{source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Shown as the bare io error, as it always was.
    #[error("{source}")]
    Remove {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl From<DemoError> for CliError {
    fn from(e: DemoError) -> CliError {
        CliError::new(format!("demo: {e}"))
    }
}

struct Demo {
    root: PathBuf,
    exe: PathBuf,
    rows: Vec<Row>,
}

struct Row {
    name: &'static str,
    branch: String,
    expected: &'static str,
    expected_rules: Vec<&'static str>,
    got: String,
    got_rules: Vec<String>,
    exit: i32,
}

impl Demo {
    /// Runs the real binary's `check` and records the verdict.
    fn check(
        &mut self,
        name: &'static str,
        dir: &Path,
        args: &[&str],
        expected: &'static str,
        expected_rules: &[&'static str],
    ) -> Result<(), DemoError> {
        let mut all = vec!["check"];
        all.extend_from_slice(args);
        let (v, code) = self.json(dir, &all)?;
        let mut rules: Vec<String> = v["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["level"] != "notice")
            .filter_map(|f| f["rule"].as_str().map(String::from))
            .collect();
        rules.sort();
        rules.dedup();
        if let Some(e) = v["error"].as_str() {
            rules.push(format!("error: {e}"));
        }
        let got = match v["conclusion"].as_str() {
            Some("success") => "PASS",
            Some("neutral") => "NEUTRAL",
            Some("failure") if code == 2 => "ERROR",
            Some("failure") => "BLOCKED",
            _ => "?",
        };
        self.rows.push(Row {
            name,
            branch: v["branch"].as_str().unwrap_or("?").to_string(),
            expected,
            expected_rules: expected_rules.to_vec(),
            got: got.to_string(),
            got_rules: rules,
            exit: code,
        });
        Ok(())
    }

    /// Runs the real binary with `args --format json` in `dir`: its JSON and
    /// exit code (-1 when killed).
    fn json(&self, dir: &Path, args: &[&str]) -> Result<(serde_json::Value, i32), DemoError> {
        let out = Command::new(&self.exe)
            .args(args)
            .args(["--format", "json"])
            .current_dir(dir)
            .output()
            .map_err(|source| DemoError::RunBinary {
                exe: self.exe.clone(),
                source,
            })?;
        let v = serde_json::from_slice(&out.stdout).map_err(|source| DemoError::NoJson {
            command: args.first().unwrap_or(&"").to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            source,
        })?;
        Ok((v, out.status.code().unwrap_or(-1)))
    }
}

/// Builds the demo repository, judges every scenario and prints the table;
/// blocked when a verdict differs from what the demo expects.
pub(super) fn run(keep: bool) -> Result<Outcome, CliError> {
    let tmp = tempfile::Builder::new()
        .prefix("contract-gate-demo-")
        .tempdir()
        .map_err(DemoError::TempDir)?;
    let exe = std::env::current_exe().map_err(DemoError::OwnBinary)?;
    let mut demo = Demo {
        root: tmp.path().to_path_buf(),
        exe,
        rows: Vec::new(),
    };
    scenarios::scenarios(&mut demo)?;
    seam::scenarios(&mut demo)?;
    let ok = print(&demo);
    if keep {
        let kept = tmp.keep();
        crate::term::emit(&format!(
            "\nDemo repository kept at {}\n",
            kept.join("repo").display()
        ));
    }
    Ok(Outcome::blocked_if(!ok))
}

fn print(demo: &Demo) -> bool {
    use std::fmt::Write as _;
    let mut o = String::new();
    let _ = writeln!(o, "contract-gate demo — the uploads contract (3 agents, 3 worktrees) and the blog-discovery contract\n");
    let _ = writeln!(
        o,
        "{:<3} {:<58} {:<32} {:<8} {:<5} findings",
        "#", "scenario", "branch", "verdict", "exit"
    );
    let mut ok = true;
    for (i, r) in demo.rows.iter().enumerate() {
        let matches = r.got == r.expected && r.got_rules == r.expected_rules;
        ok &= matches;
        let rules = if r.got_rules.is_empty() {
            "—".to_string()
        } else {
            r.got_rules.join(", ")
        };
        let _ = writeln!(
            o,
            "{:<3} {:<58} {:<32} {:<8} {:<5} {rules}{}",
            i + 1,
            r.name,
            r.branch,
            r.got,
            r.exit,
            if matches {
                String::new()
            } else {
                format!("   (expected {} {:?})", r.expected, r.expected_rules)
            }
        );
    }
    let _ = writeln!(
        o,
        "\n{} scenarios; every verdict came from running `contract-gate check` (or, for the seam, `contract-gate rehearse`) on a real git repository.",
        demo.rows.len()
    );
    if !ok {
        let _ = writeln!(o, "Some verdicts differ from what the demo expects.");
    }
    crate::term::emit(&o);
    ok
}
