//! What `setup` writes into a worktree: the recorded base, the brief, the
//! pre-push hook (for this worktree only) and the agent CLIs' hook
//! settings, merged with what is there and never overwriting it.

use crate::source::local::git::GitError;
use std::io;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::cli::Cli;
use super::git;
use super::place::{base_file, Place, PlaceError};

/// Why a worktree's files could not be installed; a settings file that is
/// not as expected is left alone and named.
#[derive(Debug, thiserror::Error)]
pub(super) enum InstallError {
    #[error(transparent)]
    Place(#[from] PlaceError),
    /// git's own error, with git's words.
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("cannot record the base: {0}")]
    Record(#[source] io::Error),
    #[error("cannot write the brief: {0}")]
    Brief(#[source] io::Error),
    #[error("cannot read {}: {source}", .path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write {}: {source}", .path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot create {}: {source}", .path.display())]
    Create { path: PathBuf, source: io::Error },
    #[error("cannot make {} executable: {source}", .path.display())]
    Chmod { path: PathBuf, source: io::Error },
    #[error("{} is not valid JSON ({source}); left as it is: add the hook by hand", .path.display())]
    NotJson {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{} is not a JSON object; left as it is", .0.display())]
    NotAnObject(PathBuf),
    #[error("`hooks` in {} is not an object; left as it is", .0.display())]
    HooksNotAnObject(PathBuf),
    #[error("`hooks.{event}` in {} is not a list; left as it is", .path.display())]
    EventNotAList { event: String, path: PathBuf },
    #[error(transparent)]
    Serialize(serde_json::Error),
}

impl InstallError {
    fn write(path: &Path) -> impl FnOnce(io::Error) -> InstallError + '_ {
        |source| InstallError::Write {
            path: path.to_path_buf(),
            source,
        }
    }

    fn create(path: &Path) -> impl FnOnce(io::Error) -> InstallError + '_ {
        |source| InstallError::Create {
            path: path.to_path_buf(),
            source,
        }
    }
}

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
pub(super) fn install(
    root: &Path,
    exe: &str,
    base: &str,
    contracts: &[String],
    brief: &str,
    clis: &[Cli],
) -> Result<String, InstallError> {
    let place = Place::locate(root)?;
    // The base, then the contract paths setup was given (none: defaults).
    let mut record = format!("{base}\n");
    for c in contracts {
        record.push_str(&format!("contract: {c}\n"));
    }
    std::fs::write(base_file(&place.git_dir), record).map_err(InstallError::Record)?;
    exclude(root)?;
    let brief_path = root.join(BRIEF);
    std::fs::write(&brief_path, brief).map_err(InstallError::Brief)?;
    pre_push(root, &place.git_dir, exe)?;
    for cli in clis {
        let p = cli.protocol();
        let command = format!("'{exe}' hook {}", p.name);
        merge_settings(&root.join(p.settings), p.event, &p.matcher(), &command)?;
    }
    Ok(brief_path.display().to_string())
}

fn exclude(root: &Path) -> Result<(), InstallError> {
    let common = git::ok(
        root,
        &["rev-parse", "--path-format=absolute", "--git-common-dir"],
    )
    .map_err(InstallError::Git)?
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
        // Named by the file it is for.
        std::fs::create_dir_all(dir).map_err(InstallError::write(&path))?;
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
    std::fs::write(&path, text).map_err(InstallError::write(&path))
}

/// The pre-push hook for this worktree only: `extensions.worktreeConfig`
/// and `core.hooksPath` in the worktree's own config.
fn pre_push(root: &Path, git_dir: &Path, exe: &str) -> Result<(), InstallError> {
    let hooks = git_dir.join("contract-gate-hooks");
    std::fs::create_dir_all(&hooks).map_err(InstallError::create(&hooks))?;
    let script = hooks.join("pre-push");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nexec '{exe}' hook pre-push \"$@\"\n"),
    )
    .map_err(InstallError::write(&script))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).map_err(
            |source| InstallError::Chmod {
                path: script.clone(),
                source,
            },
        )?;
    }
    git::ok(root, &["config", "extensions.worktreeConfig", "true"]).map_err(InstallError::Git)?;
    let dir = hooks.display().to_string();
    git::ok(root, &["config", "--worktree", "core.hooksPath", &dir]).map_err(InstallError::Git)?;
    Ok(())
}

/// Adds `{"matcher": M, "hooks": [{"type": "command", "command": C}]}`
/// under `hooks.EVENT` unless a hook with that command is there. A file
/// that is not a JSON object is left alone and reported.
fn merge_settings(
    path: &Path,
    event: &str,
    matcher: &str,
    command: &str,
) -> Result<(), InstallError> {
    let mut doc: Value = match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map_err(|source| InstallError::NotJson {
            path: path.to_path_buf(),
            source,
        })?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => json!({}),
        Err(source) => {
            return Err(InstallError::Read {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    let root = doc
        .as_object_mut()
        .ok_or_else(|| InstallError::NotAnObject(path.to_path_buf()))?;
    let hooks = root.entry("hooks").or_insert_with(|| json!({}));
    let list = hooks
        .as_object_mut()
        .ok_or_else(|| InstallError::HooksNotAnObject(path.to_path_buf()))?
        .entry(event)
        .or_insert_with(|| json!([]));
    let list = list
        .as_array_mut()
        .ok_or_else(|| InstallError::EventNotAList {
            event: event.to_string(),
            path: path.to_path_buf(),
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
        std::fs::create_dir_all(dir).map_err(InstallError::create(dir))?;
    }
    let text = serde_json::to_string_pretty(&doc).map_err(InstallError::Serialize)? + "\n";
    std::fs::write(path, text).map_err(InstallError::write(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A settings file that is not as expected is left alone, and named.
    #[test]
    fn odd_settings_are_named_and_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("s.json");
        let why = |text: &str| {
            std::fs::write(&p, text).unwrap();
            let e = merge_settings(&p, "PreToolUse", "Edit", "cg").unwrap_err();
            assert_eq!(std::fs::read_to_string(&p).unwrap(), text);
            e.to_string().replace(&p.display().to_string(), "P")
        };
        assert_eq!(
            why("{"),
            "P is not valid JSON (EOF while parsing an object at line 1 column 1); left as it is: add the hook by hand"
        );
        assert_eq!(why("[]"), "P is not a JSON object; left as it is");
        assert_eq!(
            why(r#"{"hooks":[]}"#),
            "`hooks` in P is not an object; left as it is"
        );
        assert_eq!(
            why(r#"{"hooks":{"PreToolUse":{}}}"#),
            "`hooks.PreToolUse` in P is not a list; left as it is"
        );
    }

    #[test]
    fn io_errors_name_the_file_and_keep_the_cause() {
        let io = || io::Error::new(io::ErrorKind::PermissionDenied, "denied");
        let e = InstallError::write(Path::new("/x"))(io());
        assert_eq!(e.to_string(), "cannot write /x: denied");
        assert!(std::error::Error::source(&e).is_some());
        let e = InstallError::create(Path::new("/d"))(io());
        assert_eq!(e.to_string(), "cannot create /d: denied");
        assert_eq!(
            InstallError::Record(io()).to_string(),
            "cannot record the base: denied"
        );
        assert_eq!(
            InstallError::Brief(io()).to_string(),
            "cannot write the brief: denied"
        );
    }
}
