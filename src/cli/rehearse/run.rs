//! `rehearse --run`: materialise the base and each merged step's tree in a
//! temporary directory (a private index, `git checkout-index`; no worktree
//! is registered and the directory is removed when done, also on failure)
//! and run the verification matrix's commands there with a timeout.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::source::local::git::GitError;
use crate::source::local::merge_tree::{failed, Plumb};
use contract_gate_core::contract::{Contract, INTEGRATOR};
use contract_gate_core::rehearsal::{CommandResult, Rehearsed, RunReport, StageRun, StepState};

/// The commands to run: the matrix rows required for the integrator, else
/// rows required for any agent; a row counts when it names a command in
/// backticks (rows the gate verifies itself are left out).
pub(super) fn commands(c: &Contract) -> Vec<String> {
    let integrator = c
        .matrix_columns
        .iter()
        .position(|col| col.eq_ignore_ascii_case(INTEGRATOR));
    let mut out: Vec<String> = Vec::new();
    for row in &c.matrix {
        let required = match integrator {
            Some(i) => row.required.get(i).copied().unwrap_or(false),
            None => row.required.iter().any(|r| *r),
        };
        if !required || row.verified_by_gate() {
            continue;
        }
        let raw = c.source.get(row.span.clone()).unwrap_or("");
        let first_cell = raw
            .trim()
            .trim_start_matches('|')
            .split('|')
            .next()
            .unwrap_or("");
        if let Some(cmd) = first_cell.split('`').nth(1).map(str::trim) {
            if !cmd.is_empty() && !out.iter().any(|o| o == cmd) {
                out.push(cmd.to_string());
            }
        }
    }
    out
}

/// Runs `cmds` on the base and after each merged step.
pub(super) fn run_steps(
    p: &Plumb,
    r: &Rehearsed,
    cmds: &[String],
    timeout: Duration,
) -> Result<RunReport, GitError> {
    let mut stages = vec![(None, r.base_tree.clone())];
    for s in r.steps.iter().filter(|s| s.state == StepState::Clean) {
        if let Some(t) = &s.tree {
            stages.push((Some(s.agent.clone()), t.clone()));
        }
    }
    let mut runs = Vec::new();
    for (agent, tree) in stages {
        let results = on_tree(p, &tree, cmds, timeout)?;
        runs.push(StageRun {
            agent,
            tree,
            results,
        });
    }
    let first_failure = first_failure(&runs, &r.base);
    let final_ok = runs.last().is_none_or(|s| s.results.iter().all(|c| c.ok));
    Ok(RunReport {
        commands: cmds.to_vec(),
        stages: runs,
        first_failure,
        final_ok,
    })
}

fn first_failure(runs: &[StageRun], base: &str) -> Option<String> {
    for (i, stage) in runs.iter().enumerate() {
        let Some(bad) = stage.results.iter().find(|c| !c.ok) else {
            continue;
        };
        let why = if bad.timed_out { "times out" } else { "fails" };
        return Some(match (&stage.agent, i) {
            (None, _) | (_, 0) => format!("`{}` {why} on the base {base} already", bad.command),
            (Some(agent), _) => {
                let before = runs[i - 1].agent.as_deref().unwrap_or(base);
                format!(
                    "`{}` {why} after merging {agent} onto {before}; passed before",
                    bad.command
                )
            }
        });
    }
    None
}

fn on_tree(
    p: &Plumb,
    tree: &str,
    cmds: &[String],
    timeout: Duration,
) -> Result<Vec<CommandResult>, GitError> {
    // Removed on drop, whatever happens below.
    let tmp = tempfile::Builder::new()
        .prefix("contract-gate-rehearse-")
        .tempdir()
        .map_err(GitError::Spawn)?;
    let index = tmp.path().join("index");
    let dir = tmp.path().join("tree");
    std::fs::create_dir_all(&dir).map_err(GitError::Spawn)?;
    for args in [
        vec!["read-tree".to_string(), tree.to_string()],
        vec![
            "checkout-index".into(),
            "-a".into(),
            "-f".into(),
            format!("--prefix={}/", dir.display()),
        ],
    ] {
        let out = p
            .command()
            .env("GIT_INDEX_FILE", &index)
            .args(&args)
            .output()
            .map_err(GitError::Spawn)?;
        if !out.status.success() {
            return Err(failed(&args, &out));
        }
    }
    let mut results = Vec::new();
    for c in cmds {
        results.push(run_one(c, &dir, tmp.path(), timeout)?);
    }
    Ok(results)
}

/// A Ctrl-C kills this process before any cleanup runs, and the command
/// sits in its own process group (so a timeout can kill all of it), out of
/// the terminal's reach. A watchdog in yet another group waits for this
/// process to go away, then kills the command's group and removes the
/// temporary directory. Stopped as soon as the command ends.
#[cfg(unix)]
fn watchdog(pgid: u32, tmp: &Path) -> Option<std::process::Child> {
    use std::os::unix::process::CommandExt as _;
    // The watchdog leaves as soon as the command's group is gone, so it can
    // never signal a group id the system has since handed to someone else.
    let script = r#"while kill -0 "$1" 2>/dev/null && kill -0 -"$2" 2>/dev/null; do sleep 1; done; if ! kill -0 "$1" 2>/dev/null; then kill -0 -"$2" 2>/dev/null && kill -KILL -"$2" 2>/dev/null; rm -rf "$3"; fi"#;
    Command::new("sh")
        .args(["-c", script, "watchdog"])
        .arg(std::process::id().to_string())
        .arg(pgid.to_string())
        .arg(tmp)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .ok()
}

/// Without process groups (not Unix) there is no watchdog: a timeout
/// kills the command itself, not what it started.
#[cfg(not(unix))]
fn watchdog(_pgid: u32, _tmp: &Path) -> Option<std::process::Child> {
    None
}

/// The command in a process group of its own, so a timeout kills everything
/// it started.
#[cfg(unix)]
fn own_group(cmd: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt as _;
    cmd.process_group(0)
}

#[cfg(not(unix))]
fn own_group(cmd: &mut Command) -> &mut Command {
    cmd
}

#[cfg(not(unix))]
fn kill_group(_pgid: u32) {}

/// SIGKILL to the command's whole process group (its pgid is its pid). The
/// child is not yet reaped here, so the group id cannot have been reused.
#[cfg(unix)]
fn kill_group(pgid: u32) {
    use rustix::process::{kill_process_group, Pid, Signal};
    // Pid is never 0 and refuses negatives, so neither this process's own
    // group nor "every process" (-1) can be named by mistake.
    let Some(pid) = i32::try_from(pgid).ok().and_then(Pid::from_raw) else {
        return;
    };
    let _ = kill_process_group(pid, Signal::KILL);
}

fn run_one(
    cmd: &str,
    dir: &Path,
    tmp: &Path,
    timeout: Duration,
) -> Result<CommandResult, GitError> {
    let log = tmp.join("output.log");
    let file = File::create(&log).map_err(GitError::Spawn)?;
    let err = file.try_clone().map_err(GitError::Spawn)?;
    let mut child = own_group(
        Command::new("sh")
            .args(["-c", cmd])
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(err),
    )
    .spawn()
    .map_err(GitError::Spawn)?;
    let mut guard = watchdog(child.id(), tmp);
    let start = Instant::now();
    let (exit_code, timed_out) = loop {
        if let Some(st) = child.try_wait().map_err(GitError::Spawn)? {
            break (st.code(), false);
        }
        if start.elapsed() >= timeout {
            kill_group(child.id());
            let _ = child.kill();
            let _ = child.wait();
            break (None, true);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    if let Some(g) = guard.as_mut() {
        let _ = g.kill();
        let _ = g.wait();
    }
    let output = std::fs::read_to_string(&log).unwrap_or_default();
    let lines: Vec<&str> = output.lines().collect();
    let tail = lines[lines.len().saturating_sub(10)..].join("\n");
    Ok(CommandResult {
        command: cmd.to_string(),
        ok: exit_code == Some(0) && !timed_out,
        timed_out,
        exit_code,
        output_tail: tail,
    })
}
