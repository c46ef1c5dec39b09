//! Blobs and listings at a revision (`cat-file`, `ls-tree`).

use super::runner::{first_line, literal, lossy};
use super::{Git, GitError};
use crate::source::contracts::ContractFile;

/// A tree entry as contract reading sees it: its kind (`file`, `120000`,
/// `160000`, `other`) and its object id.
type Entry<'a> = (&'a [u8], &'a [u8]);

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

    /// The contract files at `rev`: each of `exact` (in order, Missing when
    /// absent), then the `*.md` files directly in `dir`, sorted. Two `git`
    /// processes however many contracts: one `ls-tree` of exactly these
    /// paths, one `cat-file --batch` of their blobs. Each is read or
    /// refused: a symlink, a submodule, binary or
    /// non-UTF-8 content is refused with what it is (never followed).
    pub fn contract_files(
        &self,
        rev: &str,
        exact: &[String],
        dir: Option<&str>,
    ) -> Result<Vec<(String, ContractFile)>, GitError> {
        // A revision is named to `ls-tree` as `REV^{commit}` (no separate
        // resolve: a hook reads its contracts on every edit); one that looks
        // like an option never gets there.
        if !super::plain_rev(rev) {
            return Err(GitError::UnknownRev {
                rev: rev.to_string(),
                stderr: "not a valid revision".into(),
            });
        }
        let commit = format!("{rev}^{{commit}}");
        let exact: Vec<&str> = exact.iter().map(|p| p.trim_start_matches('/')).collect();
        let dir = dir.map(|d| d.trim_matches('/')).filter(|d| !d.is_empty());
        let mut args = vec![
            "ls-tree".to_string(),
            "-r".into(),
            "-z".into(),
            "--full-tree".into(),
            commit,
        ];
        args.push("--".into());
        args.extend(exact.iter().filter(|p| !p.is_empty()).map(|p| literal(p)));
        args.extend(dir.map(literal));
        // `<mode> SP <type> SP <object> TAB <path>`, for these paths only.
        let out = if args.len() > 6 {
            let out = self.output(&args)?;
            if !out.status.success() {
                return Err(GitError::UnknownRev {
                    rev: rev.to_string(),
                    stderr: super::runner::stderr_text(&out),
                });
            }
            out.stdout
        } else {
            Vec::new()
        };
        let entries = tree_entries(&out);
        let mut wanted: Vec<(String, Option<Entry>)> = exact
            .iter()
            .map(|p| {
                let found = entries.iter().find(|(path, _, _)| path == p);
                (p.to_string(), found.map(|(_, m, o)| (*m, *o)))
            })
            .collect();
        if let Some(d) = dir {
            let prefix = format!("{d}/");
            let mut more: Vec<(String, Option<Entry>)> = entries
                .iter()
                .filter(|(path, _, _)| {
                    path.strip_prefix(&prefix)
                        .is_some_and(|rest| rest.ends_with(".md") && !rest.contains('/'))
                })
                .map(|(path, m, o)| (path.clone(), Some((*m, *o))))
                .collect();
            more.sort_by(|a, b| a.0.cmp(&b.0));
            wanted.extend(more);
        }
        // Regular files' blobs, read in one go.
        let blob_ids: Vec<String> = wanted
            .iter()
            .filter_map(|(_, e)| match e {
                Some((b"file", object)) => Some(lossy(object)),
                _ => None,
            })
            .collect();
        let mut blobs = self.blobs(&blob_ids)?.into_iter();
        Ok(wanted
            .into_iter()
            .map(|(path, entry)| {
                let file = contract_file_of(entry, &mut blobs);
                (path, file)
            })
            .collect())
    }

    /// The contents of blobs by object id, in order (`cat-file --batch`).
    fn blobs(&self, ids: &[String]) -> Result<Vec<Vec<u8>>, GitError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let input: String = ids.iter().map(|id| format!("{id}\n")).collect();
        let out = self.run_with_input(&["cat-file", "--batch"], input.as_bytes())?;
        let bad = |why: &str| GitError::Failed {
            args: "cat-file --batch".into(),
            stderr: format!("unexpected output ({why})"),
        };
        let mut blobs = Vec::new();
        let mut rest = out.as_slice();
        for _ in ids {
            // `<object> SP <type> SP <size> LF <contents> LF`
            let nl = rest
                .iter()
                .position(|&b| b == b'\n')
                .ok_or_else(|| bad("no header"))?;
            let header = lossy(&rest[..nl]);
            let size: usize = header
                .rsplit(' ')
                .next()
                .and_then(|s| s.parse().ok())
                .filter(|_| header.split(' ').nth(1) == Some("blob"))
                .ok_or_else(|| bad("not a blob"))?;
            let body = rest
                .get(nl + 1..nl + 1 + size)
                .ok_or_else(|| bad("cut short"))?;
            blobs.push(body.to_vec());
            rest = rest.get(nl + 2 + size..).unwrap_or_default();
        }
        Ok(blobs)
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

/// `ls-tree -z` entries as (path, kind, object): kind is `file` for a
/// regular blob, the mode for a symlink (`120000`) or submodule (`160000`),
/// `other` for anything else.
fn tree_entries(out: &[u8]) -> Vec<(String, &[u8], &[u8])> {
    let mut entries = Vec::new();
    // `<mode> SP <type> SP <object> TAB <path>`
    for entry in out.split(|&b| b == 0).filter(|e| !e.is_empty()) {
        let Some(tab) = entry.iter().position(|&b| b == b'\t') else {
            continue;
        };
        let mut meta = entry[..tab].split(|&b| b == b' ');
        let (mode, kind, object) = (
            meta.next().unwrap_or_default(),
            meta.next().unwrap_or_default(),
            meta.next().unwrap_or_default(),
        );
        // A symlink is a blob too: its mode says what it is.
        let kind: &[u8] = match (mode, kind) {
            (b"120000" | b"160000", _) => mode,
            (_, b"blob") => b"file",
            _ => b"other",
        };
        entries.push((lossy(&entry[tab + 1..]), kind, object));
    }
    entries
}

/// What a contract's tree entry holds; a regular file takes the next blob.
fn contract_file_of(
    entry: Option<Entry>,
    blobs: &mut impl Iterator<Item = Vec<u8>>,
) -> ContractFile {
    match entry {
        None => ContractFile::Missing,
        Some((b"120000", _)) => ContractFile::Refused("a symbolic link".into()),
        Some((b"160000", _)) => ContractFile::Refused("a submodule (gitlink)".into()),
        Some((b"file", _)) => {
            let content = blobs.next().unwrap_or_default();
            if content.contains(&0) {
                ContractFile::Refused("a binary file".into())
            } else {
                match String::from_utf8(content) {
                    Ok(text) => ContractFile::Text(text),
                    Err(_) => ContractFile::Refused("not UTF-8 text".into()),
                }
            }
        }
        Some(_) => ContractFile::Missing,
    }
}
