//! Which added paths are generated at the base: ignored by the base's
//! `.gitignore` files, or marked `linguist-generated` by its
//! `.gitattributes` ("generated files are not committed unless the repo
//! already tracks them"). The core's `needs-approval` rule takes the answer
//! as data.

use std::collections::BTreeSet;
use std::path::Path;

use contract_gate_core::change::{ChangeStatus, ChangedFile};

use super::git::{Git, GitError};

/// Why the gate cannot tell which paths are generated.
#[derive(Debug, thiserror::Error)]
pub enum GeneratedError {
    #[error("`{0}` is not a valid revision")]
    BadRevision(String),
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("git {0} failed: {1}")]
    Failed(&'static str, String),
    #[error("cannot create a scratch dir: {0}")]
    Scratch(#[source] std::io::Error),
    #[error("cannot write {0}: {1}")]
    Write(String, #[source] std::io::Error),
    #[error("listing the base's .gitignore files panicked")]
    Panicked,
}

/// The changed paths the base `rev` marks generated: any path marked
/// `linguist-generated`, and any added path its `.gitignore` files ignore
/// (a tracked file that matches an ignore rule was already in the repo).
pub fn at_base(
    root: &Path,
    rev: &str,
    files: &[ChangedFile],
) -> Result<BTreeSet<String>, GeneratedError> {
    if files.is_empty() {
        return Ok(BTreeSet::new());
    }
    let names = rule_files(root, rev)?;
    at_base_with(root, rev, files, names)
}

/// The base's `.gitattributes` and `.gitignore` files, listed once (it needs
/// no change set, so a caller can list them while the diff runs): most trees
/// have no attributes file, and then no path can be marked. (`ls-tree` takes
/// no glob pathspecs: the listing is filtered here.)
pub fn rule_files(root: &Path, rev: &str) -> Result<Vec<String>, GeneratedError> {
    // Callers may run this before the revision is resolved: nothing that
    // looks like an option reaches git.
    if rev.is_empty() || rev.starts_with('-') {
        return Err(GeneratedError::BadRevision(rev.to_string()));
    }
    let listed = Git::new(root).run(&["ls-tree", "-r", "-z", "--name-only", "--full-tree", rev])?;
    Ok(fields(&listed)
        .into_iter()
        .filter(|f| is(f, ".gitattributes") || is(f, ".gitignore"))
        .collect())
}

fn is(f: &str, name: &str) -> bool {
    f == name || f.ends_with(&format!("/{name}"))
}

/// [`at_base`] with the base's rule files already listed ([`rule_files`]).
pub fn at_base_with(
    root: &Path,
    rev: &str,
    files: &[ChangedFile],
    names: Vec<String>,
) -> Result<BTreeSet<String>, GeneratedError> {
    let mut out = if names.iter().any(|f| is(f, ".gitattributes")) {
        let all: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
        linguist_generated(root, Some(rev), &all)?
    } else {
        BTreeSet::new()
    };
    let ignores: Vec<String> = names.into_iter().filter(|f| is(f, ".gitignore")).collect();
    if !ignores.is_empty() {
        let added: Vec<String> = files
            .iter()
            .filter(|f| {
                matches!(
                    f.status,
                    ChangeStatus::Added | ChangeStatus::Copied | ChangeStatus::Renamed
                )
            })
            .map(|f| f.path.clone())
            .collect();
        out.extend(ignored_by(root, rev, &ignores, &added)?);
    }
    Ok(out)
}

/// Paths whose `linguist-generated` attribute is set, at `rev` (or, with
/// `None`, in the working tree).
pub fn linguist_generated(
    root: &Path,
    rev: Option<&str>,
    paths: &[String],
) -> Result<BTreeSet<String>, GeneratedError> {
    if paths.is_empty() {
        return Ok(BTreeSet::new());
    }
    let mut args = vec!["check-attr".to_string(), "-z".into(), "--stdin".into()];
    if let Some(r) = rev {
        args.push(format!("--source={r}"));
    }
    args.push("linguist-generated".into());
    let input = nul_joined(paths);
    let out = Git::new(root).output_with_input(&args, &input)?;
    if !out.status.success() {
        return Err(GeneratedError::Failed("check-attr", stderr(&out)));
    }
    // `-z` output: path NUL attribute NUL value NUL, per path.
    let f = fields(&out.stdout);
    Ok(f.chunks(3)
        .filter(|c| c.len() == 3 && matches!(c[2].as_str(), "set" | "true"))
        .map(|c| c[0].clone())
        .collect())
}

/// Paths ignored by the `.gitignore` files of the working tree.
pub fn ignored_here(root: &Path, paths: &[String]) -> Result<BTreeSet<String>, GeneratedError> {
    check_ignore(root, paths)
}

/// Paths the `.gitignore` files at `rev` (`ignores`, their paths) ignore.
/// git only reads ignore rules from a work tree, so the base's files are
/// written to a scratch repository and asked there (`--no-index`: tracked
/// or not).
fn ignored_by(
    root: &Path,
    rev: &str,
    ignores: &[String],
    paths: &[String],
) -> Result<BTreeSet<String>, GeneratedError> {
    if paths.is_empty() || ignores.is_empty() {
        return Ok(BTreeSet::new());
    }
    let scratch = tempfile::tempdir().map_err(GeneratedError::Scratch)?;
    Git::new(scratch.path()).run(&["init", "-q"])?;
    let repo = Git::new(root);
    for f in ignores {
        let body = repo.run(&["show", &format!("{rev}:{f}")])?;
        let dest = scratch.path().join(f);
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir).map_err(|e| GeneratedError::Write(f.clone(), e))?;
        }
        std::fs::write(&dest, &body).map_err(|e| GeneratedError::Write(f.clone(), e))?;
    }
    check_ignore(scratch.path(), paths)
}

fn check_ignore(dir: &Path, paths: &[String]) -> Result<BTreeSet<String>, GeneratedError> {
    if paths.is_empty() {
        return Ok(BTreeSet::new());
    }
    let input = nul_joined(paths);
    let out = Git::new(dir)
        .output_with_input(&["check-ignore", "--no-index", "-z", "--stdin"], &input)?;
    // Exit 1: nothing is ignored.
    match out.status.code() {
        Some(0) => Ok(fields(&out.stdout).into_iter().collect()),
        Some(1) => Ok(BTreeSet::new()),
        _ => Err(GeneratedError::Failed("check-ignore", stderr(&out))),
    }
}

/// NUL-separated fields of an output (a name that is not UTF-8 lossily:
/// it then matches no rule, as no file has that name).
fn fields(bytes: &[u8]) -> Vec<String> {
    bytes
        .split(|&b| b == 0)
        .filter(|f| !f.is_empty())
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).trim().to_string()
}

fn nul_joined(paths: &[String]) -> Vec<u8> {
    let mut v = Vec::new();
    for p in paths {
        v.extend_from_slice(p.as_bytes());
        v.push(0);
    }
    v
}
