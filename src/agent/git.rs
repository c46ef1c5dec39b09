//! `git` for the agent loop (hooks, `setup`, `check --worktree`): a thin
//! layer over the one runner ([`Git`]), keeping the shape these callers
//! read (the exit code beside the output).

use std::ffi::OsStr;
use std::path::Path;

use crate::source::local::git::{Git, GitError};

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
pub fn run<S: AsRef<OsStr>>(dir: &Path, args: &[S], input: Option<&[u8]>) -> Result<Out, GitError> {
    let git = Git::new(dir);
    let out = match input {
        Some(data) => git.output_with_input(args, data)?,
        None => git.output(args)?,
    };
    Ok(Out {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
    })
}

/// Runs `git ARGS` in `dir`; a non-zero exit is an error with git's words.
pub fn ok<S: AsRef<OsStr>>(dir: &Path, args: &[S]) -> Result<Out, GitError> {
    let out = run(dir, args, None)?;
    if out.code == 0 {
        Ok(out)
    } else {
        // git's words as they are, even when it said nothing.
        Err(GitError::Failed {
            args: args
                .iter()
                .map(|a| a.as_ref().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join(" "),
            stderr: out.stderr,
        })
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
