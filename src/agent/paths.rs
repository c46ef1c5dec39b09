//! Paths as agents give them: absolute or relative to the session's
//! directory, possibly with `..`, through symlinked directories.

use std::path::{Component, Path, PathBuf};

/// `p` made absolute (against `cwd`), `.` and `..` removed, and its longest
/// existing ancestor canonicalised (git reports real paths; `/tmp` may be a
/// symlink), so it compares with worktree roots.
pub fn resolve(cwd: &Path, p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    };
    let mut clean = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                clean.pop();
            }
            other => clean.push(other),
        }
    }
    let mut existing = clean.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(name) => rest.push(name.to_os_string()),
            None => break,
        }
        if !existing.pop() {
            break;
        }
    }
    let mut out = std::fs::canonicalize(&existing).unwrap_or(existing);
    out.extend(rest.iter().rev());
    out
}

/// `abs` relative to `root`, with `/` separators, as the contract writes paths.
pub fn relative(abs: &Path, root: &Path) -> Result<String, String> {
    let rel = abs
        .strip_prefix(root)
        .map_err(|_| format!("`{}` is not under {}", abs.display(), root.display()))?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        return Err(format!(
            "`{}` is the worktree itself, not a file",
            abs.display()
        ));
    }
    Ok(parts.join("/"))
}
