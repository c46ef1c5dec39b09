//! The change set of a branch (`diff --name-status`) and the lines it
//! removes (`diff -U0`).

use std::collections::HashMap;

use contract_gate_core::change::{ChangeStatus, ChangedFile, Removals};

use super::patch::removals_from_patch;
use super::runner::{literal, lossy};
use super::{Git, GitError};

impl Git {
    /// The change set of `base...head` (three dots: from the merge base), with rename detection (-M),
    /// as ChangedFile values (status from --name-status -z: A Added, M/T Modified, D Deleted,
    /// R Renamed with previous_path, C Copied with previous_path). removals = Removals::Unknown.
    pub fn changes(&self, base: &str, head: &str) -> Result<Vec<ChangedFile>, GitError> {
        let base = self.resolve(base)?;
        let head = self.resolve(head)?;
        let range = format!("{base}...{head}");
        let args = [
            "diff",
            "--name-status",
            "-z",
            "-M",
            "--no-ext-diff",
            "--no-textconv",
            "--no-color",
            range.as_str(),
            "--",
        ];
        let out = self.run(&args)?;
        self.remember_raw_names(&out);
        parse_name_status(&out).map_err(|stderr| GitError::Failed {
            args: args.join(" "),
            stderr,
        })
    }

    /// Notes the real bytes of every non-UTF-8 name in `-z` output.
    fn remember_raw_names(&self, out: &[u8]) {
        let Ok(mut names) = self.raw_names.lock() else {
            return;
        };
        for field in out.split(|&b| b == 0) {
            if std::str::from_utf8(field).is_err() {
                let shown = lossy(field);
                match names.get(&shown) {
                    Some(Some(raw)) if raw != field => {
                        names.insert(shown, None);
                    }
                    Some(_) => {}
                    None => {
                        names.insert(shown, Some(field.to_vec()));
                    }
                }
            }
        }
    }

    /// The `:(literal)` pathspec of a listed name, with its real bytes when
    /// git listed it as non-UTF-8; `None` when the name is ambiguous.
    fn pathspec(&self, shown: &str) -> Option<std::ffi::OsString> {
        use std::os::unix::ffi::OsStringExt as _;
        let names = self.raw_names.lock().ok()?;
        match names.get(shown) {
            Some(Some(raw)) => {
                let mut spec = b":(literal)".to_vec();
                spec.extend_from_slice(raw);
                Some(std::ffi::OsString::from_vec(spec))
            }
            Some(None) => None,
            None => Some(literal(shown).into()),
        }
    }

    /// For the given changed files (paths in the head), the head-side line numbers of every hunk
    /// that removes or changes lines, from `git diff -U0 --no-color --no-ext-diff --no-textconv -M base...head -- <paths>`
    /// (one hunk `@@ -a,b +c,d @@` with b > 0 gives line max(c,1) when d > 0, and max(c,1) also when
    /// d == 0, since -U0 gives the line *before* a pure deletion; pure additions (b == 0) give nothing).
    /// Binary files ("Binary files ... differ") → Removals::Unavailable("binary file").
    /// Returns a map path → Removals::Known(lines) (empty vec when only additions) for every path asked.
    /// Paths are passed after `--` with the `:(literal)` pathspec magic so brackets/stars in names are literal.
    ///
    /// How it is read: one `git diff` per path asked (the callers ask for
    /// one or two files), so no output has to be split between files by
    /// names parsed from the patch headers. A renamed or copied file is
    /// diffed against its previous name (found with [`Git::changes`], which
    /// is run once when any path is asked), so its removals are relative to
    /// the old content, not "all added". Should the output still hold more
    /// than one file, the one whose `+++ b/…` (or `rename to`/`copy to`)
    /// name is the path is used, quoted C-style names included.
    ///
    /// A path that is not in the change set gives Known(empty). A deleted
    /// path (callers handle deletions themselves) is not an error: its
    /// single hunk `@@ -1,n +0,0 @@` gives Known([1]).
    pub fn removals(
        &self,
        base: &str,
        head: &str,
        paths: &[String],
    ) -> Result<HashMap<String, Removals>, GitError> {
        let mut result = HashMap::new();
        if paths.is_empty() {
            return Ok(result);
        }
        let base_sha = self.resolve(base)?;
        let head_sha = self.resolve(head)?;
        let previous: HashMap<String, String> = self
            .changes(&base_sha, &head_sha)?
            .into_iter()
            .filter_map(|f| f.previous_path.map(|p| (f.path, p)))
            .collect();
        let range = format!("{base_sha}...{head_sha}");
        for path in paths {
            if result.contains_key(path) {
                continue;
            }
            let specs: Option<Vec<std::ffi::OsString>> = previous
                .get(path)
                .into_iter()
                .chain(std::iter::once(path))
                .map(|p| self.pathspec(p))
                .collect();
            let Some(specs) = specs else {
                result.insert(
                    path.clone(),
                    Removals::Unavailable(
                        "two file names that are not UTF-8 read alike; the diff cannot be attributed".into(),
                    ),
                );
                continue;
            };
            let mut args: Vec<std::ffi::OsString> = [
                "diff",
                "-U0",
                "--inter-hunk-context=0",
                "--no-color",
                "--no-ext-diff",
                "--no-textconv",
                "-M",
                "--src-prefix=a/",
                "--dst-prefix=b/",
                range.as_str(),
                "--",
            ]
            .iter()
            .map(std::ffi::OsString::from)
            .collect();
            args.extend(specs);
            let out = self.run(&args)?;
            result.insert(path.clone(), removals_from_patch(&out, path));
        }
        Ok(result)
    }
}

/// Parses `git diff --name-status -z`: `X\0path\0`, or `R100\0old\0new\0`
/// (and `C…` likewise).
pub(super) fn parse_name_status(out: &[u8]) -> Result<Vec<ChangedFile>, String> {
    let mut fields = out.split(|&b| b == 0);
    let mut files = Vec::new();
    while let Some(status) = fields.next() {
        if status.is_empty() {
            continue;
        }
        let mut next_path = || {
            fields
                .next()
                .filter(|p| !p.is_empty())
                .map(lossy)
                .ok_or_else(|| format!("missing path after status `{}`", lossy(status)))
        };
        let file = match status[0] {
            b'A' => ChangedFile::new(next_path()?, ChangeStatus::Added),
            b'M' | b'T' => ChangedFile::new(next_path()?, ChangeStatus::Modified),
            b'D' => ChangedFile::new(next_path()?, ChangeStatus::Deleted),
            b'R' | b'C' => {
                let old = next_path()?;
                let new = next_path()?;
                let status = if status[0] == b'R' {
                    ChangeStatus::Renamed
                } else {
                    ChangeStatus::Copied
                };
                let mut file = ChangedFile::new(new, status);
                file.previous_path = Some(old);
                file
            }
            _ => return Err(format!("unexpected status `{}`", lossy(status))),
        };
        files.push(file);
    }
    Ok(files)
}
