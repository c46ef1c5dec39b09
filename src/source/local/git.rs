//! The local-git edge: reads a repository by running the `git` binary.
//!
//! Every call runs `git` directly (no shell) in the work tree root, with
//! `GIT_TERMINAL_PROMPT=0`, `LC_ALL=C` and `-c core.quotepath=false`, and
//! with the `GIT_DIR`-style variables of the caller removed so that the
//! directory given to [`Git::open`] alone decides the repository (this also
//! makes a linked worktree behave like its own checkout). Nothing is ever
//! written: only read-only plumbing and `diff`/`log` are used.
//!
//! Revisions given by the caller are first resolved to full commit SHAs
//! ([`Git::resolve`]), so a bad revision is reported as
//! [`GitError::UnknownRev`] and nothing the caller passes can be read by
//! `git` as an option. Paths are passed after `--` with the `:(literal)`
//! pathspec magic, and every listing of paths is read with `-z`, so names
//! come back as raw UTF-8 (a name that is not valid UTF-8 is converted
//! lossily).

use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use contract_gate_core::change::{ChangeStatus, ChangedFile, Removals};

/// An error from reading the repository.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("`git` could not be run: {0}")]
    Spawn(std::io::Error),
    #[error("{dir} is not inside a git repository")]
    NotARepo { dir: String },
    #[error("unknown revision `{rev}`: {stderr}")]
    UnknownRev { rev: String, stderr: String },
    #[error("git {args} failed: {stderr}")]
    Failed { args: String, stderr: String },
}

/// A local repository, addressed by its work tree root.
#[derive(Debug, Clone)]
pub struct Git {
    /// The work tree root (`git rev-parse --show-toplevel`).
    root: PathBuf,
    /// Commit SHAs already verified: a SHA names the same commit forever, so
    /// passing one back in costs no `git` process (names like HEAD are
    /// always asked again).
    known: std::sync::Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
}

/// Environment variables that would make `git` look at another repository
/// than the one the directory is in (set when running inside a hook, say).
const REPO_ENV: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_PREFIX",
    "GIT_NAMESPACE",
];

/// A `git` command with the settings every call gets.
fn git_command(cwd: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(cwd)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Raw UTF-8 names; no signature checks or rename following in `log`.
        .args([
            "-c",
            "core.quotepath=false",
            "-c",
            "log.showSignature=false",
            "-c",
            "log.follow=false",
        ]);
    for var in REPO_ENV {
        cmd.env_remove(var);
    }
    cmd
}

fn stderr_text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).trim().to_string()
}

/// The first line of the output, without its line end (a path may end with
/// spaces, so only the newline is removed).
fn first_line(bytes: &[u8]) -> &[u8] {
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or(&[]);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

/// `:(literal)path`: the name matches itself only (no globs, no magic).
fn literal(path: &str) -> String {
    format!(":(literal){path}")
}

impl Git {
    /// Opens the repository `dir` is in (the main checkout or a linked
    /// worktree); the root is that work tree's top directory.
    pub fn open(dir: &Path) -> Result<Git, GitError> {
        let not_a_repo = || GitError::NotARepo {
            dir: dir.display().to_string(),
        };
        if !dir.is_dir() {
            return Err(not_a_repo());
        }
        let out = git_command(dir)
            .args(["rev-parse", "--show-toplevel"])
            .output()
            .map_err(GitError::Spawn)?;
        if !out.status.success() {
            let stderr = stderr_text(&out);
            // Anything else (a bare repository, "dubious ownership") keeps
            // git's own words.
            if stderr.contains("not a git repository") {
                return Err(not_a_repo());
            }
            return Err(GitError::Failed {
                args: "rev-parse --show-toplevel".into(),
                stderr,
            });
        }
        let top = first_line(&out.stdout);
        if top.is_empty() {
            return Err(not_a_repo());
        }
        Ok(Git {
            root: path_from_bytes(top),
            known: Default::default(),
        })
    }

    /// The work tree root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Runs git in the root and returns its output, whatever the exit code.
    fn output<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Output, GitError> {
        git_command(&self.root)
            .args(args)
            .output()
            .map_err(GitError::Spawn)
    }

    /// Runs git in the root; a non-zero exit is [`GitError::Failed`].
    fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Vec<u8>, GitError> {
        let out = self.output(args)?;
        if out.status.success() {
            Ok(out.stdout)
        } else {
            Err(self.failed(args, &out))
        }
    }

    fn failed<S: AsRef<OsStr>>(&self, args: &[S], out: &Output) -> GitError {
        let args = args
            .iter()
            .map(|a| a.as_ref().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        let mut stderr = stderr_text(out);
        if stderr.is_empty() {
            stderr = match out.status.code() {
                Some(code) => format!("exit code {code}"),
                None => "killed by a signal".to_string(),
            };
        }
        GitError::Failed { args, stderr }
    }

    /// Full commit SHA of a revision (`rev^{commit}`), UnknownRev if it does not resolve.
    pub fn resolve(&self, rev: &str) -> Result<String, GitError> {
        let unknown = |stderr: String| GitError::UnknownRev {
            rev: rev.to_string(),
            stderr,
        };
        // A revision starting with `-` would be read as an option.
        if rev.is_empty() || rev.starts_with('-') || rev.contains('\0') {
            return Err(unknown("not a valid revision".into()));
        }
        if self.known.lock().is_ok_and(|k| k.contains(rev)) {
            return Ok(rev.to_string());
        }
        let spec = format!("{rev}^{{commit}}");
        let args = ["rev-parse", "-q", "--verify", spec.as_str()];
        let out = self.output(&args)?;
        match out.status.code() {
            Some(0) => {
                let sha = lossy(first_line(&out.stdout)).trim().to_string();
                if sha.is_empty() {
                    Err(unknown("no object name printed".into()))
                } else {
                    if let Ok(mut k) = self.known.lock() {
                        k.insert(sha.clone());
                    }
                    Ok(sha)
                }
            }
            // `--verify -q` exits 1, silently, when the name does not resolve.
            Some(1) => {
                let stderr = stderr_text(&out);
                Err(unknown(if stderr.is_empty() {
                    "does not resolve to a commit".into()
                } else {
                    stderr
                }))
            }
            _ => Err(self.failed(&args, &out)),
        }
    }

    /// Whether a full ref name exists and points (through tags) to a commit.
    fn ref_sha(&self, full_ref: &str) -> Result<Option<String>, GitError> {
        let spec = format!("{full_ref}^{{commit}}");
        let args = ["rev-parse", "-q", "--verify", spec.as_str()];
        let out = self.output(&args)?;
        match out.status.code() {
            Some(0) => {
                let sha = lossy(first_line(&out.stdout)).trim().to_string();
                Ok((!sha.is_empty()).then_some(sha))
            }
            Some(1) => Ok(None),
            _ => Err(self.failed(&args, &out)),
        }
    }

    fn ref_exists(&self, full_ref: &str) -> bool {
        matches!(self.ref_sha(full_ref), Ok(Some(_)))
    }

    /// `Some(name)` when `rev` is "HEAD" and HEAD is a branch (symbolic-ref --short -q HEAD), or when
    /// `rev` itself names a local branch (refs/heads/<rev>) or a remote-tracking branch
    /// (refs/remotes/origin/<x> → Some(x)); None when detached.
    ///
    /// Accepted spellings: `HEAD`; `<x>` or `refs/heads/<x>` for a local
    /// branch; `origin/<x>`, `remotes/origin/<x>` or `refs/remotes/origin/<x>`
    /// for a remote-tracking one. Anything else (a SHA, `main~1`, a tag) is None.
    pub fn branch_name(&self, rev: &str) -> Option<String> {
        if rev.is_empty() || rev.starts_with('-') || rev.contains('\0') {
            return None;
        }
        if rev == "HEAD" {
            let out = self
                .output(&["symbolic-ref", "--short", "-q", "HEAD"])
                .ok()?;
            if !out.status.success() {
                return None;
            }
            let name = lossy(first_line(&out.stdout));
            return (!name.is_empty()).then_some(name);
        }
        let local = rev.strip_prefix("refs/heads/").unwrap_or(rev);
        if !local.is_empty() && self.ref_exists(&format!("refs/heads/{local}")) {
            return Some(local.to_string());
        }
        let remote = rev
            .strip_prefix("refs/remotes/origin/")
            .or_else(|| rev.strip_prefix("remotes/origin/"))
            .or_else(|| rev.strip_prefix("origin/"));
        if let Some(x) = remote {
            if !x.is_empty() && self.ref_exists(&format!("refs/remotes/origin/{x}")) {
                return Some(x.to_string());
            }
        }
        None
    }

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
        parse_name_status(&out).map_err(|stderr| GitError::Failed {
            args: args.join(" "),
            stderr,
        })
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
            let mut args: Vec<String> = [
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
            .map(|s| s.to_string())
            .collect();
            if let Some(prev) = previous.get(path) {
                args.push(literal(prev));
            }
            args.push(literal(path));
            let out = self.run(&args)?;
            result.insert(path.clone(), removals_from_patch(&out, path));
        }
        Ok(result)
    }

    /// `git merge-base --is-ancestor a b` (true/false; error only when a rev does not resolve).
    pub fn is_ancestor(&self, a: &str, b: &str) -> Result<bool, GitError> {
        let a = self.resolve(a)?;
        let b = self.resolve(b)?;
        let args = ["merge-base", "--is-ancestor", a.as_str(), b.as_str()];
        let out = self.output(&args)?;
        match out.status.code() {
            Some(0) => Ok(true),
            Some(1) => Ok(false),
            _ => Err(self.failed(&args, &out)),
        }
    }

    /// Tips of a branch name: refs/heads/<name> and refs/remotes/origin/<name>, each as (ref, sha), those that exist.
    pub fn branch_tips(&self, name: &str) -> Result<Vec<(String, String)>, GitError> {
        let mut tips = Vec::new();
        if name.is_empty() || name.contains('\0') {
            return Ok(tips);
        }
        for full in [
            format!("refs/heads/{name}"),
            format!("refs/remotes/origin/{name}"),
        ] {
            if let Some(sha) = self.ref_sha(&full)? {
                tips.push((full, sha));
            }
        }
        Ok(tips)
    }

    /// The newest commit reachable from `rev` that touched `path` (git log -1 --format=%H rev -- path), None if none.
    pub fn last_commit_touching(&self, rev: &str, path: &str) -> Result<Option<String>, GitError> {
        let sha = self.resolve(rev)?;
        let spec = literal(path);
        let out = self.run(&[
            "log",
            "-1",
            "--format=%H",
            sha.as_str(),
            "--",
            spec.as_str(),
        ])?;
        let found = lossy(first_line(&out)).trim().to_string();
        Ok((!found.is_empty()).then_some(found))
    }

    /// The oldest commit reachable from `rev` that added `path` (when the
    /// contract landed), None if none.
    pub fn first_commit_adding(&self, rev: &str, path: &str) -> Result<Option<String>, GitError> {
        let sha = self.resolve(rev)?;
        let spec = literal(path);
        let out = self.run(&[
            "log",
            "--diff-filter=A",
            "--format=%H",
            sha.as_str(),
            "--",
            spec.as_str(),
        ])?;
        let text = lossy(&out);
        Ok(text
            .lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty())
            .map(String::from))
    }

    /// Subjects and SHAs of merge commits in `from..to` (git log --merges --format=%H%x00%s -z style parsing), newest first.
    ///
    /// Each entry is `(sha, subject)`, in `git log`'s default order.
    pub fn merges_between(&self, from: &str, to: &str) -> Result<Vec<(String, String)>, GitError> {
        let from = self.resolve(from)?;
        let to = self.resolve(to)?;
        let range = format!("{from}..{to}");
        let args = [
            "log",
            "--merges",
            "-z",
            "--format=%H%x00%s",
            range.as_str(),
            "--",
        ];
        let out = self.run(&args)?;
        if out.is_empty() {
            return Ok(Vec::new());
        }
        // Records are `sha NUL subject`, each ended by NUL with -z.
        let mut fields: Vec<&[u8]> = out.split(|&b| b == 0).collect();
        if out.ends_with(&[0]) {
            fields.pop();
        }
        if fields.len() % 2 != 0 {
            return Err(GitError::Failed {
                args: args.join(" "),
                stderr: "unexpected output (odd number of fields)".into(),
            });
        }
        Ok(fields
            .chunks(2)
            .map(|pair| (lossy(pair[0]).trim().to_string(), lossy(pair[1])))
            .collect())
    }
}

/// Parses `git diff --name-status -z`: `X\0path\0`, or `R100\0old\0new\0`
/// (and `C…` likewise).
fn parse_name_status(out: &[u8]) -> Result<Vec<ChangedFile>, String> {
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

/// One file's part of a patch.
#[derive(Default)]
struct Section {
    /// The name on the head side, from `+++ b/…`, `rename to` or `copy to`.
    new_name: Option<String>,
    binary: bool,
    lines: Vec<u32>,
}

/// Reads the removals of `path` from a `git diff -U0` patch.
fn removals_from_patch(patch: &[u8], path: &str) -> Removals {
    let sections = parse_patch(patch);
    let section = match sections.len() {
        0 => return Removals::Known(Vec::new()),
        1 => &sections[0],
        _ => match sections
            .iter()
            .find(|s| s.new_name.as_deref() == Some(path))
        {
            Some(s) => s,
            // Cannot tell which part is the file's: fail closed.
            None => return Removals::Unavailable("diff could not be attributed".into()),
        },
    };
    if section.binary {
        Removals::Unavailable("binary file".into())
    } else {
        Removals::Known(section.lines.clone())
    }
}

fn parse_patch(patch: &[u8]) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut hunks: Vec<u8> = Vec::new();
    let flush = |hunks: &mut Vec<u8>, sections: &mut Vec<Section>| {
        if let Some(s) = sections.last_mut() {
            s.lines = contract_gate_core::diff::removals_in_patch(&String::from_utf8_lossy(hunks));
        }
        hunks.clear();
    };
    // Inside hunks every line starts with `+`, `-`, ` ` or `\\`, so only
    // `diff --git` lines need care there; the headers are read only before
    // the first hunk. The hunks themselves are read by `contract_gate_core::diff`.
    for line in patch.split(|&b| b == b'\n') {
        if line.starts_with(b"diff --git ") {
            flush(&mut hunks, &mut sections);
            sections.push(Section::default());
            continue;
        }
        if sections.is_empty() {
            continue;
        }
        if line.starts_with(b"@@ ") || !hunks.is_empty() {
            hunks.extend_from_slice(line);
            hunks.push(b'\n');
            continue;
        }
        let Some(section) = sections.last_mut() else {
            continue;
        };
        if let Some(rest) = line.strip_prefix(b"+++ ") {
            if rest != b"/dev/null" {
                section.new_name = header_name(rest, b"b/");
            }
        } else if let Some(rest) = line
            .strip_prefix(b"rename to ")
            .or_else(|| line.strip_prefix(b"copy to "))
        {
            if section.new_name.is_none() {
                section.new_name = Some(lossy(&unquote_name(rest)));
            }
        } else if (line.starts_with(b"Binary files ") && line.ends_with(b" differ"))
            || line == b"GIT binary patch"
        {
            section.binary = true;
        }
    }
    flush(&mut hunks, &mut sections);
    sections
}

/// The name in a `--- a/…` / `+++ b/…` line: quoted C-style, or bare with a
/// tab appended by git when the name has a space.
fn header_name(rest: &[u8], prefix: &[u8]) -> Option<String> {
    let name = if rest.starts_with(b"\"") {
        unquote_name(rest)
    } else {
        rest.strip_suffix(b"\t").unwrap_or(rest).to_vec()
    };
    name.strip_prefix(prefix).map(lossy)
}

/// Undoes git's C-style quoting (`"…"` with `\t \n \" \\` and octal
/// escapes); a name that is not quoted is returned as is.
fn unquote_name(raw: &[u8]) -> Vec<u8> {
    let Some(inner) = raw.strip_prefix(b"\"").and_then(|r| r.strip_suffix(b"\"")) else {
        return raw.to_vec();
    };
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        let b = inner[i];
        if b != b'\\' || i + 1 == inner.len() {
            out.push(b);
            i += 1;
            continue;
        }
        let e = inner[i + 1];
        i += 2;
        match e {
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b't' => out.push(b'\t'),
            b'n' => out.push(b'\n'),
            b'v' => out.push(0x0b),
            b'f' => out.push(0x0c),
            b'r' => out.push(b'\r'),
            b'0'..=b'7' => {
                let mut value = u32::from(e - b'0');
                let mut digits = 1;
                while digits < 3 && i < inner.len() && (b'0'..=b'7').contains(&inner[i]) {
                    value = value * 8 + u32::from(inner[i] - b'0');
                    i += 1;
                    digits += 1;
                }
                out.push((value & 0xff) as u8);
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// A git command for building fixtures, isolated from the user's config.
    fn cli(dir: &Path, args: &[&str]) -> String {
        let mut cmd = Command::new("git");
        cmd.current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("LC_ALL", "C")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "commit.gpgsign=false",
                "-c",
                "tag.gpgsign=false",
            ])
            .args(args);
        for var in REPO_ENV {
            cmd.env_remove(var);
        }
        let out = cmd.output().expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    fn write(dir: &Path, path: &str, content: &[u8]) {
        let full = dir.join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, content).unwrap();
    }

    fn commit(dir: &Path, message: &str) -> String {
        cli(dir, &["add", "-A"]);
        cli(dir, &["commit", "-q", "--allow-empty", "-m", message]);
        cli(dir, &["rev-parse", "HEAD"])
    }

    fn init() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp.path().join("repo");
        fs::create_dir(&repo).unwrap();
        cli(&repo, &["init", "-q", "-b", "main"]);
        cli(&repo, &["config", "commit.gpgsign", "false"]);
        (tmp, repo)
    }

    const LONG: &str = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n";
    const NON_ASCII: &str = "docs/가이드.md";
    const BRACKETS: &str = "src/pages/blog/[...slug] x.astro";

    /// main: base files; branch `feature` with every kind of change.
    fn fixture() -> (tempfile::TempDir, PathBuf, Git) {
        let (tmp, repo) = init();
        write(&repo, "keep.txt", b"keep\n");
        write(&repo, "modify.txt", LONG.as_bytes());
        write(&repo, "delete.txt", b"gone\n");
        write(&repo, "old/name.txt", LONG.as_bytes());
        write(&repo, "append.txt", b"a\nb\nc\n");
        write(&repo, "shrink.txt", b"1\n2\n3\n4\n5\n");
        write(&repo, "image.bin", b"\x00\x01\x02\x03binary\x00");
        write(&repo, BRACKETS, b"a\nb\nc\nd\n");
        commit(&repo, "base");
        cli(&repo, &["checkout", "-q", "-b", "feature"]);
        write(&repo, "added.txt", b"new\n");
        write(
            &repo,
            "modify.txt",
            LONG.replace("three", "THREE").as_bytes(),
        );
        fs::remove_file(repo.join("delete.txt")).unwrap();
        fs::remove_file(repo.join("old/name.txt")).unwrap();
        write(
            &repo,
            "new/name.txt",
            LONG.replace("ten", "ten and more").as_bytes(),
        );
        write(&repo, "append.txt", b"a\nb\nc\nd\ne\n");
        write(&repo, "shrink.txt", b"1\n2\n4\n5\n");
        write(&repo, "image.bin", b"\x00\x01\x02\x04binary!\x00");
        write(&repo, NON_ASCII, "안녕\n".as_bytes());
        write(&repo, BRACKETS, b"a\nb\nc\nd\nmore\n");
        commit(&repo, "feature work");
        let git = Git::open(&repo).unwrap();
        (tmp, repo, git)
    }

    fn find<'a>(files: &'a [ChangedFile], path: &str) -> &'a ChangedFile {
        files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path} not in {files:?}"))
    }

    #[test]
    fn open_finds_the_root_from_a_subdirectory() {
        let (_tmp, repo, _) = fixture();
        let git = Git::open(&repo.join("src/pages")).unwrap();
        assert_eq!(
            git.root().canonicalize().unwrap(),
            repo.canonicalize().unwrap()
        );
    }

    #[test]
    fn open_outside_a_repository_is_not_a_repo() {
        let tmp = tempfile::tempdir().unwrap();
        let plain = tmp.path().join("plain");
        fs::create_dir(&plain).unwrap();
        // GIT_CEILING_DIRECTORIES is removed for real calls, so a temp dir
        // inside some repository would be found; only assert when it is not.
        match Git::open(&plain) {
            Err(GitError::NotARepo { dir }) => assert!(dir.contains("plain")),
            Ok(g) => assert!(!g.root().starts_with(&plain)),
            Err(e) => panic!("unexpected {e}"),
        }
        assert!(matches!(
            Git::open(&tmp.path().join("missing")),
            Err(GitError::NotARepo { .. })
        ));
    }

    #[test]
    fn changes_reports_every_status() {
        let (_tmp, _repo, git) = fixture();
        let files = git.changes("main", "feature").unwrap();
        assert_eq!(find(&files, "added.txt").status, ChangeStatus::Added);
        assert_eq!(find(&files, "modify.txt").status, ChangeStatus::Modified);
        assert_eq!(find(&files, "delete.txt").status, ChangeStatus::Deleted);
        let renamed = find(&files, "new/name.txt");
        assert_eq!(renamed.status, ChangeStatus::Renamed);
        assert_eq!(renamed.previous_path.as_deref(), Some("old/name.txt"));
        assert!(files.iter().all(|f| f.path != "old/name.txt"));
        assert!(files.iter().all(|f| f.path != "keep.txt"));
        assert!(files.iter().all(|f| f.removals == Removals::Unknown));
        // Raw names, not quoted or escaped.
        assert_eq!(find(&files, NON_ASCII).status, ChangeStatus::Added);
        assert_eq!(find(&files, BRACKETS).status, ChangeStatus::Modified);
        assert_eq!(files.len(), 9, "{files:?}");
    }

    #[test]
    fn changes_are_from_the_merge_base() {
        let (_tmp, repo, git) = fixture();
        // A later commit on main is not part of feature's change set.
        git_checkout(&repo, "main");
        write(&repo, "main-only.txt", b"x\n");
        commit(&repo, "main moves on");
        let files = git.changes("main", "feature").unwrap();
        assert!(files.iter().all(|f| f.path != "main-only.txt"));
        assert_eq!(find(&files, "added.txt").status, ChangeStatus::Added);
    }

    fn git_checkout(repo: &Path, rev: &str) {
        cli(repo, &["checkout", "-q", rev]);
    }

    #[test]
    fn removals_per_kind_of_change() {
        let (_tmp, _repo, git) = fixture();
        let asked: Vec<String> = [
            "append.txt",
            "modify.txt",
            "shrink.txt",
            "image.bin",
            "added.txt",
            "new/name.txt",
            NON_ASCII,
            BRACKETS,
            "keep.txt",
            "delete.txt",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let r = git.removals("main", "feature", &asked).unwrap();
        assert_eq!(r.len(), asked.len());
        assert_eq!(r["append.txt"], Removals::Known(vec![]));
        assert_eq!(r["modify.txt"], Removals::Known(vec![3]));
        // Line 3 deleted: -U0 gives `@@ -3 +2,0 @@`, the line before.
        assert_eq!(r["shrink.txt"], Removals::Known(vec![2]));
        assert_eq!(r["image.bin"], Removals::Unavailable("binary file".into()));
        assert_eq!(r["added.txt"], Removals::Known(vec![]));
        // Against the old name: the last line changed, not "all added".
        assert_eq!(r["new/name.txt"], Removals::Known(vec![10]));
        assert_eq!(r[NON_ASCII], Removals::Known(vec![]));
        assert_eq!(r[BRACKETS], Removals::Known(vec![]));
        assert_eq!(r["keep.txt"], Removals::Known(vec![]));
        assert_eq!(r["delete.txt"], Removals::Known(vec![1]));
    }

    #[test]
    fn removals_of_the_first_line_and_several_hunks() {
        let (_tmp, repo) = init();
        write(&repo, "f.txt", LONG.as_bytes());
        commit(&repo, "base");
        cli(&repo, &["checkout", "-q", "-b", "topic"]);
        let edited = LONG
            .replace("one\n", "")
            .replace("five", "FIVE")
            .replace("nine\n", "nine\nnine and a half\n");
        write(&repo, "f.txt", edited.as_bytes());
        commit(&repo, "edit");
        let git = Git::open(&repo).unwrap();
        let r = git.removals("main", "topic", &["f.txt".into()]).unwrap();
        // First line deleted (`+0,0` → 1), `five` (now line 4) changed; the
        // added line gives nothing.
        assert_eq!(r["f.txt"], Removals::Known(vec![1, 4]));
    }

    #[test]
    fn removals_with_a_special_name_and_brackets_are_literal() {
        let (_tmp, repo) = init();
        // `[ab].txt` as a glob would match `a.txt`; as a literal it does not.
        write(&repo, "[ab].txt", b"1\n2\n3\n");
        write(&repo, "a.txt", b"1\n2\n3\n");
        write(&repo, "tab\tand \"quote\".txt", b"1\n2\n3\n");
        commit(&repo, "base");
        cli(&repo, &["checkout", "-q", "-b", "topic"]);
        write(&repo, "[ab].txt", b"1\n2\n3\n4\n");
        write(&repo, "tab\tand \"quote\".txt", b"1\n2\nZ\n");
        let first = commit(&repo, "edit");
        write(&repo, "a.txt", b"1\nX\n3\n");
        commit(&repo, "edit a.txt");
        let git = Git::open(&repo).unwrap();
        let asked = vec!["[ab].txt".to_string(), "tab\tand \"quote\".txt".into()];
        let r = git.removals("main", "topic", &asked).unwrap();
        assert_eq!(r["[ab].txt"], Removals::Known(vec![]));
        assert_eq!(r["tab\tand \"quote\".txt"], Removals::Known(vec![3]));
        assert_eq!(
            git.last_commit_touching("topic", "[ab].txt").unwrap(),
            Some(first)
        );
        assert_eq!(
            git.list_files("topic", Some("[ab].txt")).unwrap(),
            Vec::<String>::new()
        );
        let files = git.changes("main", "topic").unwrap();
        assert_eq!(
            find(&files, "tab\tand \"quote\".txt").status,
            ChangeStatus::Modified
        );
        assert_eq!(find(&files, "[ab].txt").status, ChangeStatus::Modified);
    }

    #[test]
    fn show_file_and_list_files() {
        let (_tmp, _repo, git) = fixture();
        assert_eq!(
            git.show_file("feature", NON_ASCII).unwrap().as_deref(),
            Some("안녕\n")
        );
        assert_eq!(
            git.show_file("main", BRACKETS).unwrap().as_deref(),
            Some("a\nb\nc\nd\n")
        );
        assert_eq!(git.show_file("main", "added.txt").unwrap(), None);
        assert_eq!(git.show_file("main", "src/pages").unwrap(), None);
        assert!(matches!(
            git.show_file("no-such-branch", "keep.txt"),
            Err(GitError::UnknownRev { .. })
        ));

        let all = git.list_files("feature", None).unwrap();
        assert!(all.contains(&NON_ASCII.to_string()));
        assert!(all.contains(&BRACKETS.to_string()));
        assert!(all.contains(&"new/name.txt".to_string()));
        assert!(!all.contains(&"old/name.txt".to_string()));
        assert_eq!(
            git.list_files("feature", Some("docs/")).unwrap(),
            vec![NON_ASCII.to_string()]
        );
        assert_eq!(
            git.list_files("feature", Some("src")).unwrap(),
            vec![BRACKETS.to_string()]
        );
        assert!(git.list_files("main", Some("docs")).unwrap().is_empty());
        assert_eq!(git.list_files("main", Some(".")).unwrap().len(), 8);
    }

    #[test]
    fn resolve_and_unknown_revisions() {
        let (_tmp, repo, git) = fixture();
        let head = cli(&repo, &["rev-parse", "feature"]);
        assert_eq!(git.resolve("feature").unwrap(), head);
        assert_eq!(git.resolve("HEAD").unwrap(), head);
        assert_eq!(git.resolve(&head[..10]).unwrap(), head);
        for bad in ["nope", "refs/heads/nope", "", "--all", "main..feature"] {
            match git.resolve(bad) {
                Err(GitError::UnknownRev { rev, .. }) => assert_eq!(rev, bad),
                other => panic!("{bad}: {other:?}"),
            }
        }
        assert!(matches!(
            git.changes("nope", "feature"),
            Err(GitError::UnknownRev { .. })
        ));
        assert!(matches!(
            git.is_ancestor("main", "nope"),
            Err(GitError::UnknownRev { .. })
        ));
    }

    #[test]
    fn ancestry_branches_and_tips() {
        let (_tmp, repo, git) = fixture();
        assert!(git.is_ancestor("main", "feature").unwrap());
        assert!(!git.is_ancestor("feature", "main").unwrap());

        assert_eq!(git.branch_name("HEAD").as_deref(), Some("feature"));
        assert_eq!(git.branch_name("main").as_deref(), Some("main"));
        assert_eq!(git.branch_name("refs/heads/main").as_deref(), Some("main"));
        assert_eq!(git.branch_name("nope"), None);
        let main = git.resolve("main").unwrap();
        assert_eq!(git.branch_name(&main), None);

        cli(&repo, &["update-ref", "refs/remotes/origin/shared", &main]);
        cli(
            &repo,
            &["update-ref", "refs/remotes/origin/main", "feature"],
        );
        assert_eq!(git.branch_name("origin/shared").as_deref(), Some("shared"));
        assert_eq!(
            git.branch_name("refs/remotes/origin/shared").as_deref(),
            Some("shared")
        );

        let feature = git.resolve("feature").unwrap();
        assert_eq!(
            git.branch_tips("main").unwrap(),
            vec![
                ("refs/heads/main".to_string(), main.clone()),
                ("refs/remotes/origin/main".to_string(), feature.clone()),
            ]
        );
        assert_eq!(
            git.branch_tips("shared").unwrap(),
            vec![("refs/remotes/origin/shared".to_string(), main.clone())]
        );
        assert!(git.branch_tips("nope").unwrap().is_empty());

        // Detached HEAD.
        cli(&repo, &["checkout", "-q", "--detach", "main"]);
        assert_eq!(git.branch_name("HEAD"), None);
        assert_eq!(git.resolve("HEAD").unwrap(), main);
    }

    #[test]
    fn log_queries() {
        let (_tmp, repo, git) = fixture();
        let base = git.resolve("main").unwrap();
        let feature = git.resolve("feature").unwrap();
        assert_eq!(
            git.last_commit_touching("feature", "modify.txt").unwrap(),
            Some(feature.clone())
        );
        assert_eq!(
            git.last_commit_touching("feature", "keep.txt").unwrap(),
            Some(base.clone())
        );
        assert_eq!(
            git.last_commit_touching("feature", BRACKETS).unwrap(),
            Some(feature.clone())
        );
        assert_eq!(git.last_commit_touching("main", "never.txt").unwrap(), None);

        git_checkout(&repo, "main");
        cli(
            &repo,
            &[
                "merge",
                "-q",
                "--no-ff",
                "-m",
                "Merge feature (#41)",
                "feature",
            ],
        );
        cli(&repo, &["checkout", "-q", "-b", "other", &base]);
        write(&repo, "other.txt", b"o\n");
        commit(&repo, "other work");
        git_checkout(&repo, "main");
        let first = git.resolve("main").unwrap();
        // A merge with an empty subject (`git merge` refuses one).
        let second = cli(
            &repo,
            &[
                "commit-tree",
                "main^{tree}",
                "-p",
                "main",
                "-p",
                "other",
                "-m",
                "",
            ],
        );
        cli(&repo, &["update-ref", "refs/heads/main", &second]);

        let merges = git.merges_between(&base, "main").unwrap();
        assert_eq!(
            merges,
            vec![
                (second, String::new()),
                (first.clone(), "Merge feature (#41)".to_string()),
            ]
        );
        assert!(git.merges_between("main", "main").unwrap().is_empty());
        assert_eq!(
            git.merges_between(&base, &first).unwrap(),
            vec![(first, "Merge feature (#41)".to_string())]
        );
    }

    #[test]
    fn linked_worktree() {
        let (tmp, repo, _) = fixture();
        let wt = tmp.path().join("wt");
        cli(
            &repo,
            &[
                "worktree",
                "add",
                "-q",
                "-b",
                "agents/docs",
                wt.to_str().unwrap(),
                "main",
            ],
        );
        write(&wt, "docs/new.md", b"hello\n");
        write(&wt, "append.txt", b"a\nb\nc\nmore\n");
        commit(&wt, "docs from the worktree");

        let git = Git::open(&wt.join("docs")).unwrap();
        assert_eq!(
            git.root().canonicalize().unwrap(),
            wt.canonicalize().unwrap()
        );
        assert_eq!(git.branch_name("HEAD").as_deref(), Some("agents/docs"));
        assert_eq!(git.branch_name("feature").as_deref(), Some("feature"));
        let files = git.changes("main", "HEAD").unwrap();
        assert_eq!(files.len(), 2, "{files:?}");
        assert_eq!(find(&files, "docs/new.md").status, ChangeStatus::Added);
        let r = git
            .removals("main", "HEAD", &["append.txt".to_string()])
            .unwrap();
        assert_eq!(r["append.txt"], Removals::Known(vec![]));
        assert_eq!(
            git.show_file("HEAD", "docs/new.md").unwrap().as_deref(),
            Some("hello\n")
        );
        assert!(git.is_ancestor("main", "HEAD").unwrap());

        // The main checkout still sees its own HEAD.
        let main_git = Git::open(&repo).unwrap();
        assert_eq!(main_git.branch_name("HEAD").as_deref(), Some("feature"));
        assert_eq!(
            main_git.resolve("agents/docs").unwrap(),
            git.resolve("HEAD").unwrap()
        );
    }

    #[test]
    fn hunk_headers() {
        let r = |p: &str| contract_gate_core::diff::removals_in_patch(p);
        assert_eq!(r("@@ -5 +5,2 @@\n-a\n+b\n+c\n"), [5]);
        assert_eq!(r("@@ -3,2 +2,0 @@ ctx\n-a\n-b\n"), [2]);
        assert_eq!(r("@@ -1,2 +0,0 @@\n-a\n-b\n"), [1]);
        assert_eq!(
            r("@@ -4,0 +5,3 @@ fn x() {\n+a\n+b\n+c\n"),
            Vec::<u32>::new()
        );
        assert_eq!(r("@@ -0,0 +1 @@\n+a\n"), Vec::<u32>::new());
        assert_eq!(r("@@ garbage\n-a\n"), Vec::<u32>::new());
    }

    #[test]
    fn quoted_names() {
        assert_eq!(unquote_name(br#""a\tb\n\"c\\d""#), b"a\tb\n\"c\\d".to_vec());
        assert_eq!(
            lossy(&unquote_name(br#""docs/\352\260\200.md""#)),
            "docs/가.md"
        );
        assert_eq!(unquote_name(b"plain name"), b"plain name".to_vec());
        assert_eq!(
            header_name(b"b/src/[x] y.astro\t", b"b/").as_deref(),
            Some("src/[x] y.astro")
        );
        assert_eq!(header_name(br#""b/q\"t""#, b"b/").as_deref(), Some("q\"t"));
    }

    #[test]
    fn name_status_parsing() {
        let out = b"R087\0old x\0new x\0C100\0a\0b\0T\0link\0X\0";
        let err = parse_name_status(out).unwrap_err();
        assert!(err.contains("X"), "{err}");
        let files = parse_name_status(b"R087\0old x\0new x\0C100\0a\0b\0T\0link\0").unwrap();
        assert_eq!(files[0].path, "new x");
        assert_eq!(files[0].previous_path.as_deref(), Some("old x"));
        assert_eq!(files[1].status, ChangeStatus::Copied);
        assert_eq!(files[2].status, ChangeStatus::Modified);
        assert!(parse_name_status(b"").unwrap().is_empty());
    }
}
