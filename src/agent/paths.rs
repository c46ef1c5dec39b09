//! Paths as agents give them: absolute or relative to the session's
//! directory, possibly with `..`, through symlinked directories.

use std::path::{Component, Path, PathBuf};

/// `p` made absolute (against `cwd`), `.` and `..` removed, and its longest
/// existing ancestor canonicalised (git reports real paths; `/tmp` may be a
/// symlink), so it compares with worktree roots.
pub(super) fn resolve(cwd: &Path, p: &Path) -> PathBuf {
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

/// Why a path has no name relative to a worktree.
#[derive(Debug, thiserror::Error)]
pub(super) enum PathError {
    #[error("`{}` is not under {}", .path.display(), .root.display())]
    NotUnder { path: PathBuf, root: PathBuf },
    #[error("`{}` is the worktree itself, not a file", .0.display())]
    IsTheWorktree(PathBuf),
}

/// `abs` relative to `root`, with `/` separators, as the contract writes paths.
pub(super) fn relative(abs: &Path, root: &Path) -> Result<String, PathError> {
    // `strip_prefix`'s own error says only "prefix not found".
    let rel = abs.strip_prefix(root).map_err(|_| PathError::NotUnder {
        path: abs.to_path_buf(),
        root: root.to_path_buf(),
    })?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        return Err(PathError::IsTheWorktree(abs.to_path_buf()));
    }
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_outside_or_the_root_itself_is_named() {
        let e = relative(Path::new("/a/b"), Path::new("/c")).unwrap_err();
        assert_eq!(e.to_string(), "`/a/b` is not under /c");
        let e = relative(Path::new("/a"), Path::new("/a")).unwrap_err();
        assert_eq!(e.to_string(), "`/a` is the worktree itself, not a file");
        assert_eq!(
            relative(Path::new("/a/b/c"), Path::new("/a")).unwrap(),
            "b/c"
        );
    }
}
