//! Where an agent stands: its worktree root, branch, the base recorded at
//! setup, the contracts at that base and the other worktrees. Kept to a
//! handful of `git` processes, since a hook runs on every edit.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use contract_gate_core::contract::{self, Contract};

use super::git;

/// One worktree of the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worktree {
    /// Its top directory.
    pub path: PathBuf,
    /// The branch checked out there (`None`: detached or bare).
    pub branch: Option<String>,
}

/// The worktree a command runs in.
#[derive(Debug, Clone)]
pub struct Place {
    /// The work tree root.
    pub root: PathBuf,
    /// This worktree's own git directory (`.git/worktrees/NAME` for a linked one).
    pub git_dir: PathBuf,
    /// The checked-out branch; `None` when detached.
    pub branch: Option<String>,
}

/// The file, in a worktree's git directory, where `setup` records the base.
pub fn base_file(git_dir: &Path) -> PathBuf {
    git_dir.join("contract-gate-base")
}

impl Place {
    /// Reads the worktree `dir` is in (one `git rev-parse`).
    pub fn locate(dir: &Path) -> Result<Place, String> {
        let out = git::run(
            dir,
            &[
                "rev-parse",
                "--show-toplevel",
                "--absolute-git-dir",
                "--symbolic-full-name",
                "HEAD",
            ],
            None,
        )?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let lines: Vec<&str> = text.lines().collect();
        if out.code != 0 || lines.len() < 2 {
            return Err(format!(
                "{} is not inside a git worktree ({})",
                dir.display(),
                out.stderr
            ));
        }
        let branch = lines
            .get(2)
            .and_then(|h| h.strip_prefix("refs/heads/"))
            .map(str::to_string);
        Ok(Place {
            root: PathBuf::from(lines[0]),
            git_dir: PathBuf::from(lines[1]),
            branch,
        })
    }

    /// The base recorded by `setup` for this worktree, if any.
    pub fn recorded_base(&self) -> Option<String> {
        let s = std::fs::read_to_string(base_file(&self.git_dir)).ok()?;
        let s = s.trim();
        (!s.is_empty()).then(|| s.to_string())
    }

    /// Every worktree of the repository (`git worktree list --porcelain`).
    pub fn worktrees(&self) -> Result<Vec<Worktree>, String> {
        let out = git::ok(&self.root, &["worktree", "list", "--porcelain", "-z"])?;
        let mut list = Vec::new();
        for field in git::fields(&out.stdout) {
            if let Some(p) = field.strip_prefix("worktree ") {
                list.push(Worktree {
                    path: PathBuf::from(p),
                    branch: None,
                });
            } else if let (Some(b), Some(last)) = (field.strip_prefix("branch "), list.last_mut()) {
                last.branch = Some(b.strip_prefix("refs/heads/").unwrap_or(b).to_string());
            }
        }
        Ok(list)
    }
}

/// The contracts at `rev`, read as `check` reads them by default
/// (`CONTRACT.md` and `.github/contracts/*.md`) in two `git` processes.
pub fn contracts_of_base(root: &Path, rev: &str) -> Result<Vec<Contract>, String> {
    if rev.is_empty() || rev.starts_with('-') {
        return Err(format!("`{rev}` is not a revision"));
    }
    let listed = git::run(
        root,
        &[
            "ls-tree",
            "-z",
            "--full-tree",
            &format!("{rev}^{{commit}}"),
            "--",
            "CONTRACT.md",
            ".github/contracts/",
        ],
        None,
    )?;
    if listed.code != 0 {
        return Err(format!(
            "cannot read the contracts at `{rev}`: {}",
            listed.stderr
        ));
    }
    // `<mode> blob <oid>\t<path>`; only direct `*.md` children of the dir.
    let mut blobs: Vec<(String, String)> = git::fields(&listed.stdout)
        .into_iter()
        .filter_map(|f| {
            let (meta, path) = f.split_once('\t')?;
            let mut m = meta.split(' ');
            let (_mode, kind, oid) = (m.next()?, m.next()?, m.next()?);
            let wanted = path == "CONTRACT.md"
                || path
                    .strip_prefix(".github/contracts/")
                    .is_some_and(|n| n.ends_with(".md") && !n.contains('/'));
            (kind == "blob" && wanted).then(|| (path.to_string(), oid.to_string()))
        })
        .collect();
    blobs.sort();
    let texts = cat_blobs(root, &blobs)?;
    let mut out: Vec<Contract> = blobs
        .iter()
        .zip(texts)
        .map(|((path, _), text)| contract::parse(path, &text))
        .collect();
    contract::validate_set(&mut out);
    Ok(out)
}

/// The contents of blobs, in one `git cat-file --batch`.
fn cat_blobs(root: &Path, blobs: &[(String, String)]) -> Result<Vec<String>, String> {
    if blobs.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = Command::new("git")
        .current_dir(root)
        .args(["cat-file", "--batch"])
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("`git cat-file` could not be run: {e}"))?;
    let mut input = String::new();
    for (_, oid) in blobs {
        input.push_str(oid);
        input.push('\n');
    }
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(input.as_bytes())
            .map_err(|e| format!("git cat-file: {e}"))?;
    }
    let stdout = child.stdout.take().ok_or("git cat-file: no output")?;
    let mut reader = BufReader::new(stdout);
    let mut texts = Vec::new();
    for (path, _) in blobs {
        let mut header = String::new();
        reader
            .read_line(&mut header)
            .map_err(|e| format!("git cat-file: {e}"))?;
        let size: usize = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("cannot read contract `{path}`: {}", header.trim()))?;
        let mut body = vec![0; size + 1];
        reader
            .read_exact(&mut body)
            .map_err(|e| format!("git cat-file: {e}"))?;
        body.pop();
        texts.push(String::from_utf8_lossy(&body).into_owned());
    }
    let _ = child.wait();
    Ok(texts)
}
