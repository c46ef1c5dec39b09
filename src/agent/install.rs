//! What `setup` writes into a worktree: the recorded base, the brief, the
//! pre-push hook (for this worktree only) and the agent CLIs' hook
//! settings, merged with what is there and never overwriting it.

use std::path::Path;

use serde_json::{json, Value};

use super::cli::Cli;
use super::{git, place::base_file};

/// The brief setup writes into each worktree.
const BRIEF: &str = ".contract-gate-brief.md";

/// Files setup adds to a worktree: the brief and every CLI's settings
/// file. Kept out of git (`info/exclude`) so they never show as untracked
/// work.
fn excluded() -> Vec<String> {
    std::iter::once(BRIEF)
        .chain(Cli::ALL.iter().map(|c| c.protocol().settings))
        .map(|f| format!("/{f}"))
        .collect()
}

/// Installs everything in the worktree at `root`; returns the brief's path.
pub fn install(
    root: &Path,
    exe: &str,
    base: &str,
    contracts: &[String],
    brief: &str,
    clis: &[Cli],
) -> Result<String, String> {
    let place = super::place::Place::locate(root)?;
    // The base, then the contract paths setup was given (none: defaults).
    let mut record = format!("{base}\n");
    for c in contracts {
        record.push_str(&format!("contract: {c}\n"));
    }
    std::fs::write(base_file(&place.git_dir), record)
        .map_err(|e| format!("cannot record the base: {e}"))?;
    exclude(root)?;
    let brief_path = root.join(BRIEF);
    std::fs::write(&brief_path, brief).map_err(|e| format!("cannot write the brief: {e}"))?;
    pre_push(root, &place.git_dir, exe)?;
    for cli in clis {
        let p = cli.protocol();
        let command = format!("'{exe}' hook {}", p.name);
        merge_settings(&root.join(p.settings), p.event, &p.matcher(), &command)?;
    }
    Ok(brief_path.display().to_string())
}

fn exclude(root: &Path) -> Result<(), String> {
    let common = git::ok(
        root,
        &["rev-parse", "--path-format=absolute", "--git-common-dir"],
    )?
    .text();
    let path = Path::new(&common).join("info/exclude");
    let now = std::fs::read_to_string(&path).unwrap_or_default();
    let missing: Vec<String> = excluded()
        .into_iter()
        .filter(|e| !now.lines().any(|l| l.trim() == e))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let mut text = now;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("# contract-gate setup: per-worktree agent files\n");
    for m in missing {
        text.push_str(&m);
        text.push('\n');
    }
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The pre-push hook for this worktree only: `extensions.worktreeConfig`
/// and `core.hooksPath` in the worktree's own config.
fn pre_push(root: &Path, git_dir: &Path, exe: &str) -> Result<(), String> {
    let hooks = git_dir.join("contract-gate-hooks");
    std::fs::create_dir_all(&hooks)
        .map_err(|e| format!("cannot create {}: {e}", hooks.display()))?;
    let script = hooks.join("pre-push");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nexec '{exe}' hook pre-push \"$@\"\n"),
    )
    .map_err(|e| format!("cannot write {}: {e}", script.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("cannot make {} executable: {e}", script.display()))?;
    }
    git::ok(root, &["config", "extensions.worktreeConfig", "true"])?;
    let dir = hooks.display().to_string();
    git::ok(root, &["config", "--worktree", "core.hooksPath", &dir])?;
    Ok(())
}

/// Adds `{"matcher": M, "hooks": [{"type": "command", "command": C}]}`
/// under `hooks.EVENT` unless a hook with that command is there. A file
/// that is not a JSON object is left alone and reported.
pub fn merge_settings(
    path: &Path,
    event: &str,
    matcher: &str,
    command: &str,
) -> Result<(), String> {
    let mut doc: Value = match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            format!(
                "{} is not valid JSON ({e}); left as it is: add the hook by hand",
                path.display()
            )
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => json!({}),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let root = doc
        .as_object_mut()
        .ok_or_else(|| format!("{} is not a JSON object; left as it is", path.display()))?;
    let hooks = root.entry("hooks").or_insert_with(|| json!({}));
    let list = hooks
        .as_object_mut()
        .ok_or_else(|| {
            format!(
                "`hooks` in {} is not an object; left as it is",
                path.display()
            )
        })?
        .entry(event)
        .or_insert_with(|| json!([]));
    let list = list.as_array_mut().ok_or_else(|| {
        format!(
            "`hooks.{event}` in {} is not a list; left as it is",
            path.display()
        )
    })?;
    let present = list.iter().any(|g| {
        g["hooks"]
            .as_array()
            .is_some_and(|hs| hs.iter().any(|h| h["command"] == command))
    });
    if present {
        return Ok(());
    }
    list.push(json!({"matcher": matcher, "hooks": [{"type": "command", "command": command}]}));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())? + "\n";
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
