//! A small `git` runner for the agent loop (hooks, `setup`, `check
//! --worktree`): the same clean environment as the local source, plus
//! stdin and writes, which the read-only source never needs.

use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

/// What a `git` run returned.
#[derive(Debug, Clone)]
pub struct Out {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output, raw.
    pub stdout: Vec<u8>,
    /// Standard error, trimmed.
    pub stderr: String,
}

impl Out {
    /// Standard output as text, trimmed.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).trim().to_string()
    }
}

/// Runs `git ARGS` in `dir`, feeding `input` on stdin.
pub fn run<S: AsRef<OsStr>>(dir: &Path, args: &[S], input: Option<&[u8]>) -> Result<Out, String> {
    let mut cmd = crate::source::local::git::git_command(dir);
    cmd.args(args).stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let shown = || {
        args.iter()
            .map(|a| a.as_ref().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("`git {}` could not be run: {e}", shown()))?;
    // The input is written from a thread while the output is read here: a
    // large input (100,000 paths to `check-attr`) would otherwise fill both
    // pipes and deadlock.
    let writer = match (input, child.stdin.take()) {
        (Some(data), Some(mut stdin)) => {
            let data = data.to_vec();
            // A git that exits early closes the pipe: its exit code says why.
            Some(std::thread::spawn(move || {
                let _ = stdin.write_all(&data);
            }))
        }
        _ => None,
    };
    let out = child
        .wait_with_output()
        .map_err(|e| format!("`git {}` failed: {e}", shown()))?;
    if let Some(w) = writer {
        let _ = w.join();
    }
    Ok(Out {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
    })
}

/// Runs `git ARGS` in `dir`; a non-zero exit is an error with git's words.
pub fn ok<S: AsRef<OsStr>>(dir: &Path, args: &[S]) -> Result<Out, String> {
    let out = run(dir, args, None)?;
    if out.code == 0 {
        Ok(out)
    } else {
        let shown: Vec<String> = args
            .iter()
            .map(|a| a.as_ref().to_string_lossy().into_owned())
            .collect();
        Err(format!("git {} failed: {}", shown.join(" "), out.stderr))
    }
}

/// NUL-separated fields of an output.
pub fn fields(bytes: &[u8]) -> Vec<String> {
    bytes
        .split(|&b| b == 0)
        .filter(|f| !f.is_empty())
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect()
}
