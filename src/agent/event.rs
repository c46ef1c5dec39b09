//! Reading the tool-call events agent CLIs send their hooks (JSON on
//! stdin): Claude Code's PreToolUse, Codex's (same shape, file edits as
//! `apply_patch`) and Gemini CLI's BeforeTool. Which tool means what is
//! each CLI's [`Protocol`](super::cli::Protocol)`::tools`.

use serde_json::Value;

pub use super::cli::Cli;
use super::cli::Tool;

/// What a tool call would do, as far as the contract cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Write these paths (as given: absolute, or relative to `cwd`).
    Edit(Vec<String>),
    /// Run this shell command line.
    Shell(String),
    /// Anything else (reads, searches, web): not the gate's business.
    Other,
}

/// A tool call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The session's working directory, when the event names it.
    pub(super) cwd: Option<String>,
    /// What the call would do.
    pub action: Action,
}

/// What is wrong with an event (the hook then denies, saying so).
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("the hook event is not JSON ({0})")]
    NotJson(#[source] serde_json::Error),
    #[error("the hook event is not a JSON object")]
    NotAnObject,
    #[error("the hook event has no `tool_name` string")]
    NoToolName,
    /// `key`: the first of the keys the tool names its file by.
    #[error("the edit names no file: `tool_input.{key}` is missing")]
    NoFile { key: String },
    #[error("`tool_input.command` holds a non-string")]
    CommandNotText,
    #[error("the shell call has no `tool_input.command`")]
    NoCommand,
    #[error("`tool_input.command` holds no patch text")]
    NoPatchText,
    #[error("the apply_patch call has no `tool_input.command`")]
    NoPatch,
    #[error("`{head}` names no file")]
    HeadNamesNoFile { head: &'static str },
    #[error("the patch names no file (no `*** Add/Update/Delete File:` line)")]
    PatchNamesNoFile,
}

/// Reads an event; `Err` says what is wrong with it (the hook then denies).
pub fn parse(cli: Cli, input: &str) -> Result<Event, EventError> {
    let v: Value = serde_json::from_str(input).map_err(EventError::NotJson)?;
    let obj = v.as_object().ok_or(EventError::NotAnObject)?;
    let tool = obj
        .get("tool_name")
        .and_then(Value::as_str)
        .ok_or(EventError::NoToolName)?;
    let input = obj.get("tool_input").unwrap_or(&Value::Null);
    let cwd = obj.get("cwd").and_then(Value::as_str).map(str::to_string);
    let action = match cli.protocol().tool(tool) {
        Some(Tool::Edit(keys)) => Action::Edit(vec![path(input, keys)?]),
        Some(Tool::Patch) => Action::Edit(patch_paths(&patch_text(input)?)?),
        Some(Tool::Shell) => Action::Shell(command(input)?),
        None => Action::Other,
    };
    Ok(Event { cwd, action })
}

fn path(input: &Value, keys: &[&str]) -> Result<String, EventError> {
    keys.iter()
        .find_map(|k| input.get(*k).and_then(Value::as_str))
        .filter(|p| !p.trim().is_empty() && !p.contains('\0'))
        .map(str::to_string)
        .ok_or_else(|| EventError::NoFile {
            key: keys[0].to_string(),
        })
}

/// A shell command: a string, or an argv array (`["bash", "-lc", "…"]`).
fn command(input: &Value) -> Result<String, EventError> {
    match input.get("command") {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Array(a)) => {
            let words: Option<Vec<&str>> = a.iter().map(Value::as_str).collect();
            let words = words.ok_or(EventError::CommandNotText)?;
            match words.as_slice() {
                [sh, flag, script] if is_shell(sh) && flag.ends_with('c') => Ok(script.to_string()),
                _ => Ok(words.join(" ")),
            }
        }
        _ => Err(EventError::NoCommand),
    }
}

fn is_shell(s: &str) -> bool {
    matches!(
        s.rsplit('/').next().unwrap_or(s),
        "bash" | "sh" | "zsh" | "dash"
    )
}

/// The patch of an `apply_patch` call: `tool_input.command` (a string, or
/// an argv whose last element is the patch) or `tool_input.input`.
fn patch_text(input: &Value) -> Result<String, EventError> {
    match input.get("command").or_else(|| input.get("input")) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Array(a)) => a
            .iter()
            .rev()
            .find_map(Value::as_str)
            .map(str::to_string)
            .ok_or(EventError::NoPatchText),
        _ => Err(EventError::NoPatch),
    }
}

/// Paths of a patch: `*** Add File:`, `*** Update File:`, `*** Delete
/// File:`, `*** Move to:` lines. A patch that names none is malformed.
pub fn patch_paths(patch: &str) -> Result<Vec<String>, EventError> {
    const HEADS: &[&str] = &[
        "*** Add File:",
        "*** Update File:",
        "*** Delete File:",
        "*** Move to:",
    ];
    let mut out = Vec::new();
    for line in patch.lines() {
        let line = line.trim_end_matches('\r');
        for &head in HEADS {
            if let Some(rest) = line.strip_prefix(head) {
                let p = rest.trim();
                if p.is_empty() {
                    return Err(EventError::HeadNamesNoFile { head });
                }
                out.push(p.to_string());
            }
        }
    }
    if out.is_empty() {
        return Err(EventError::PatchNamesNoFile);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(cli: Cli, input: &str) -> String {
        parse(cli, input).unwrap_err().to_string()
    }

    /// The hook denies with these words: they stay as they were.
    #[test]
    fn each_error_says_what_is_wrong() {
        let cc = Cli::ClaudeCode;
        assert!(why(cc, "x").starts_with("the hook event is not JSON (expected value"));
        assert!(matches!(parse(cc, "x"), Err(EventError::NotJson(_))));
        assert_eq!(why(cc, "[]"), "the hook event is not a JSON object");
        assert_eq!(why(cc, "{}"), "the hook event has no `tool_name` string");
        assert_eq!(
            why(cc, r#"{"tool_name":"Edit","tool_input":{}}"#),
            "the edit names no file: `tool_input.file_path` is missing"
        );
        assert_eq!(
            why(cc, r#"{"tool_name":"Bash","tool_input":{"command":[1]}}"#),
            "`tool_input.command` holds a non-string"
        );
        assert_eq!(
            why(cc, r#"{"tool_name":"Bash","tool_input":{}}"#),
            "the shell call has no `tool_input.command`"
        );
        let codex = Cli::Codex;
        assert_eq!(
            why(
                codex,
                r#"{"tool_name":"apply_patch","tool_input":{"command":[]}}"#
            ),
            "`tool_input.command` holds no patch text"
        );
        assert_eq!(
            why(codex, r#"{"tool_name":"apply_patch","tool_input":{}}"#),
            "the apply_patch call has no `tool_input.command`"
        );
        assert_eq!(
            patch_paths("*** Add File:  \n").unwrap_err().to_string(),
            "`*** Add File:` names no file"
        );
        assert_eq!(
            patch_paths("hello").unwrap_err().to_string(),
            "the patch names no file (no `*** Add/Update/Delete File:` line)"
        );
    }
}
