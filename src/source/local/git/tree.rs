//! Blobs and listings at a revision (`cat-file`, `ls-tree`).

use super::runner::{first_line, literal, lossy};
use super::{Git, GitError};

/// What a contract path holds at a revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContractFile {
    /// No such file (or a directory).
    Missing,
    /// A regular file's UTF-8 text.
    Text(String),
    /// Something a contract must not be, and what it is.
    Refused(String),
}

impl Git {
    /// Content of `path` at `rev` (git show REV:PATH / cat-file blob), Ok(None) when the path does not exist there.
    ///
    /// A path that names a directory or a submodule at `rev` is not a file:
    /// Ok(None) too. Content that is not UTF-8 is converted lossily.
    pub fn show_file(&self, rev: &str, path: &str) -> Result<Option<String>, GitError> {
        let sha = self.resolve(rev)?;
        let path = path.trim_start_matches('/');
        if path.is_empty() {
            return Ok(None);
        }
        // `<sha>:<path>` looks the path up in the tree as written (no
        // pathspec magic); `./` and `../` would be relative to the root,
        // which is where git runs.
        let object = format!("{sha}:{path}");
        let out = self.output(&["cat-file", "-t", object.as_str()])?;
        if !out.status.success() {
            // The commit resolved, so the path is what is missing.
            return Ok(None);
        }
        if first_line(&out.stdout) != b"blob" {
            return Ok(None);
        }
        let content = self.run(&["cat-file", "blob", object.as_str()])?;
        Ok(Some(lossy(&content)))
    }

    /// A contract file at `rev`, by its tree entry: a regular file's text;
    /// a symlink, a submodule, binary or non-UTF-8 content refused with what
    /// it is (never followed); Missing when absent or a directory.
    pub fn contract_file(&self, rev: &str, path: &str) -> Result<ContractFile, GitError> {
        let sha = self.resolve(rev)?;
        let path = path.trim_start_matches('/');
        if path.is_empty() {
            return Ok(ContractFile::Missing);
        }
        let out = self.run(&["ls-tree", "-z", "--full-tree", &sha, "--", &literal(path)])?;
        // `<mode> SP <type> SP <object> TAB <path>`, exactly this path.
        let entry = out.split(|&b| b == 0).find(|e| {
            e.iter()
                .position(|&b| b == b'\t')
                .is_some_and(|t| &e[t + 1..] == path.as_bytes())
        });
        let Some(entry) = entry else {
            return Ok(ContractFile::Missing);
        };
        let mut meta = entry.split(|&b| b == b' ');
        let (mode, kind) = (
            meta.next().unwrap_or_default(),
            meta.next().unwrap_or_default(),
        );
        match (mode, kind) {
            (b"120000", _) => return Ok(ContractFile::Refused("a symbolic link".into())),
            (b"160000", _) => return Ok(ContractFile::Refused("a submodule (gitlink)".into())),
            (_, b"blob") => {}
            _ => return Ok(ContractFile::Missing),
        }
        let content = self.run(&["cat-file", "blob", &format!("{sha}:{path}")])?;
        if content.contains(&0) {
            return Ok(ContractFile::Refused("a binary file".into()));
        }
        match String::from_utf8(content) {
            Ok(text) => Ok(ContractFile::Text(text)),
            Err(_) => Ok(ContractFile::Refused("not UTF-8 text".into())),
        }
    }

    /// Every file path at `rev` (git ls-tree -r -z --name-only), optionally only under a directory prefix.
    ///
    /// Only blobs (files and symlinks) are listed, not submodules. `under`
    /// is a directory relative to the root (`docs`, `docs/`); `None`, `""`
    /// or `"."` lists everything.
    pub fn list_files(&self, rev: &str, under: Option<&str>) -> Result<Vec<String>, GitError> {
        let sha = self.resolve(rev)?;
        let dir = under
            .map(|u| u.trim_matches('/'))
            .filter(|u| !u.is_empty() && *u != ".");
        let mut args = vec![
            "ls-tree".to_string(),
            "-r".into(),
            "-z".into(),
            "--full-tree".into(),
            sha,
        ];
        if let Some(dir) = dir {
            args.push("--".into());
            args.push(literal(dir));
        }
        let out = self.run(&args)?;
        let prefix = dir.map(|d| format!("{d}/"));
        let mut files = Vec::new();
        for entry in out.split(|&b| b == 0).filter(|e| !e.is_empty()) {
            // `<mode> SP <type> SP <object> TAB <path>`
            let Some(tab) = entry.iter().position(|&b| b == b'\t') else {
                continue;
            };
            let (meta, path) = (&entry[..tab], &entry[tab + 1..]);
            if meta.split(|&b| b == b' ').nth(1) != Some(b"blob".as_slice()) {
                continue;
            }
            let path = lossy(path);
            let wanted = match &prefix {
                Some(p) => path.starts_with(p.as_str()),
                None => true,
            };
            if wanted {
                files.push(path);
            }
        }
        Ok(files)
    }
}
