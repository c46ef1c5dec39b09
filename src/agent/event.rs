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
    pub cwd: Option<String>,
    /// What the call would do.
    pub action: Action,
}

/// Reads an event; `Err` says what is wrong with it (the hook then denies).
pub fn parse(cli: Cli, input: &str) -> Result<Event, String> {
    let v: Value =
        serde_json::from_str(input).map_err(|e| format!("the hook event is not JSON ({e})"))?;
    let obj = v.as_object().ok_or("the hook event is not a JSON object")?;
    let tool = obj
        .get("tool_name")
        .and_then(Value::as_str)
        .ok_or("the hook event has no `tool_name` string")?;
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

fn path(input: &Value, keys: &[&str]) -> Result<String, String> {
    keys.iter()
        .find_map(|k| input.get(*k).and_then(Value::as_str))
        .filter(|p| !p.trim().is_empty() && !p.contains('\0'))
        .map(str::to_string)
        .ok_or_else(|| {
            format!(
                "the edit names no file: `tool_input.{}` is missing",
                keys[0]
            )
        })
}

/// A shell command: a string, or an argv array (`["bash", "-lc", "…"]`).
fn command(input: &Value) -> Result<String, String> {
    match input.get("command") {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Array(a)) => {
            let words: Option<Vec<&str>> = a.iter().map(Value::as_str).collect();
            let words = words.ok_or("`tool_input.command` holds a non-string")?;
            match words.as_slice() {
                [sh, flag, script] if is_shell(sh) && flag.ends_with('c') => Ok(script.to_string()),
                _ => Ok(words.join(" ")),
            }
        }
        _ => Err("the shell call has no `tool_input.command`".into()),
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
fn patch_text(input: &Value) -> Result<String, String> {
    match input.get("command").or_else(|| input.get("input")) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Array(a)) => a
            .iter()
            .rev()
            .find_map(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| "`tool_input.command` holds no patch text".into()),
        _ => Err("the apply_patch call has no `tool_input.command`".into()),
    }
}

/// Paths of a patch: `*** Add File:`, `*** Update File:`, `*** Delete
/// File:`, `*** Move to:` lines. A patch that names none is malformed.
pub fn patch_paths(patch: &str) -> Result<Vec<String>, String> {
    const HEADS: &[&str] = &[
        "*** Add File:",
        "*** Update File:",
        "*** Delete File:",
        "*** Move to:",
    ];
    let mut out = Vec::new();
    for line in patch.lines() {
        let line = line.trim_end_matches('\r');
        for head in HEADS {
            if let Some(rest) = line.strip_prefix(head) {
                let p = rest.trim();
                if p.is_empty() {
                    return Err(format!("`{head}` names no file"));
                }
                out.push(p.to_string());
            }
        }
    }
    if out.is_empty() {
        return Err("the patch names no file (no `*** Add/Update/Delete File:` line)".into());
    }
    Ok(out)
}
