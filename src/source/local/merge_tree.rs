//! Trial merges without touching anything: `git merge-tree --write-tree`
//! (git ≥ 2.38) merges two commits into a tree object; the tree is wrapped in
//! an unreferenced commit (`git commit-tree`) so the next branch merges onto
//! it. No ref, index or worktree changes; only unreferenced objects are
//! written (git's gc removes them).

use std::collections::BTreeSet;

pub use super::git::failed;
use super::git::{Git, GitError};
use contract_gate_core::change::ChangedFile;
use contract_gate_core::rehearsal::ConflictFile;

/// The runner the seam's plumbing runs on: the one [`Git`] runner, under
/// the name the rehearsal callers know it by.
pub type Plumb = Git;

/// git ≥ 2.38 is needed for `merge-tree --write-tree`; says so clearly.
pub fn require_merge_tree(p: &Plumb) -> Result<(), GitError> {
    let v = p.line(&["--version"])?;
    let nums: Vec<u32> = v
        .split_whitespace()
        .nth(2)
        .unwrap_or("")
        .split('.')
        .take(2)
        .map(|n| n.parse().unwrap_or(0))
        .collect();
    let ok = matches!(nums.as_slice(), [major, minor] if (*major, *minor) >= (2, 38));
    if ok {
        Ok(())
    } else {
        Err(GitError::Failed {
            args: "merge-tree --write-tree".into(),
            stderr: format!(
                "rehearsing needs git 2.38 or newer (`git merge-tree --write-tree`); this is `{v}`"
            ),
        })
    }
}

/// The result of one trial merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trial {
    /// The merged tree (with conflict markers when not clean).
    pub tree: String,
    /// Conflicted files; empty when clean.
    pub conflicts: Vec<ConflictFile>,
    /// True when git reported a conflict (some conflicts list no file).
    pub conflicted: bool,
}

/// Merges commit `theirs` onto commit `ours` (`git merge-tree --write-tree`).
/// Exit 0 is clean, 1 is conflicted, anything else is an error.
pub fn trial_merge(p: &Plumb, ours: &str, theirs: &str) -> Result<Trial, GitError> {
    let args = [
        "merge-tree",
        "--write-tree",
        "--name-only",
        "--messages",
        // NUL-terminated and unquoted: a conflicting file named `x⏎y` is
        // that file, not `"x\ny"`.
        "-z",
        ours,
        theirs,
    ];
    let out = p.output(&args)?;
    let conflicted = match out.status.code() {
        Some(0) => false,
        Some(1) => true,
        _ => return Err(failed(&args, &out)),
    };
    let Some((tree, conflicts)) = read_trial(&out.stdout, conflicted)? else {
        return Err(failed(&args, &out));
    };
    Ok(Trial {
        tree,
        conflicts,
        conflicted,
    })
}

/// Reads `merge-tree --write-tree -z --name-only --messages` output: the
/// tree, then (when conflicted) each conflicted path and an empty field,
/// then messages as `N NUL path… NUL type NUL message NUL`. A conflict's
/// kind is the parenthesis of its `CONFLICT (…)` message. None when there
/// is no tree; a name that is not UTF-8 fails closed.
fn read_trial(
    out: &[u8],
    conflicted: bool,
) -> Result<Option<(String, Vec<ConflictFile>)>, GitError> {
    let mut fields = out.split(|&b| b == 0);
    let text = |f: &[u8]| {
        String::from_utf8(f.to_vec()).map_err(|_| GitError::NotUtf8 {
            path: String::from_utf8_lossy(f).into_owned(),
        })
    };
    let tree = String::from_utf8_lossy(fields.next().unwrap_or_default())
        .trim()
        .to_string();
    if tree.is_empty() {
        return Ok(None);
    }
    let mut paths: Vec<String> = Vec::new();
    if conflicted {
        for f in fields.by_ref() {
            if f.is_empty() {
                break;
            }
            let p = text(f)?;
            if !paths.contains(&p) {
                paths.push(p);
            }
        }
    }
    // Each message: the paths it is about, and its text.
    let mut messages: Vec<(Vec<String>, String)> = Vec::new();
    while let Some(n) = fields.next() {
        let Ok(n) = std::str::from_utf8(n).unwrap_or("").parse::<usize>() else {
            break;
        };
        let about = (0..n)
            .map(|_| fields.next().map_or(Ok(String::new()), text))
            .collect::<Result<Vec<_>, _>>()?;
        let _kind = fields.next();
        let message = String::from_utf8_lossy(fields.next().unwrap_or_default()).into_owned();
        messages.push((about, message));
    }
    let conflicts = paths
        .into_iter()
        .map(|path| {
            let kind = messages
                .iter()
                .filter(|(about, m)| m.starts_with("CONFLICT (") && about.contains(&path))
                .find_map(|(_, m)| m["CONFLICT (".len()..].split(')').next())
                .unwrap_or("content")
                .to_string();
            ConflictFile { path, kind }
        })
        .collect();
    Ok(Some((tree, conflicts)))
}

/// Wraps a trial tree in an unreferenced commit with both parents, so the
/// next branch can merge onto it (its merge base is then found by git).
pub fn trial_commit(p: &Plumb, tree: &str, parents: &[&str]) -> Result<String, GitError> {
    let mut args: Vec<&str> = vec!["commit-tree", tree];
    for parent in parents {
        args.extend(["-p", parent]);
    }
    args.extend(["-m", "contract-gate rehearsal (unreferenced)"]);
    let mut cmd = p.command();
    // A fixed identity: the machine may have none, and the object is never
    // referenced.
    for (k, v) in [
        ("GIT_AUTHOR_NAME", "contract-gate"),
        ("GIT_AUTHOR_EMAIL", "contract-gate@localhost"),
        ("GIT_COMMITTER_NAME", "contract-gate"),
        ("GIT_COMMITTER_EMAIL", "contract-gate@localhost"),
    ] {
        cmd.env(k, v);
    }
    let out = cmd.args(&args).output().map_err(|source| GitError::Start {
        args: args.join(" "),
        source,
    })?;
    if !out.status.success() {
        return Err(failed(&args, &out));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The commit a branch name points at (local, else `origin/`), if any.
pub fn branch_commit(p: &Plumb, branch: &str) -> Result<Option<String>, GitError> {
    if branch.starts_with('-') || branch.contains("..") {
        return Ok(None);
    }
    for r in [
        format!("refs/heads/{branch}^{{commit}}"),
        format!("refs/remotes/origin/{branch}^{{commit}}"),
    ] {
        let out = p.output(&["rev-parse", "--verify", "-q", &r])?;
        if out.status.success() {
            return Ok(Some(
                String::from_utf8_lossy(&out.stdout).trim().to_string(),
            ));
        }
    }
    Ok(None)
}

/// `git merge-base --is-ancestor a b`.
pub fn is_ancestor(p: &Plumb, a: &str, b: &str) -> Result<bool, GitError> {
    let args = ["merge-base", "--is-ancestor", a, b];
    let out = p.output(&args)?;
    match out.status.code() {
        Some(0) => Ok(true),
        Some(1) => Ok(false),
        _ => Err(failed(&args, &out)),
    }
}

/// Files changed between two tree-ish, without rename pairing (a rename
/// shows as a deletion and an addition); a name that is not UTF-8 fails
/// closed: the rehearsal reads files by name.
pub fn name_status(p: &Plumb, from: &str, to: &str) -> Result<Vec<ChangedFile>, GitError> {
    let args = [
        "diff",
        "--no-renames",
        "--name-status",
        "-z",
        "--no-ext-diff",
        from,
        to,
    ];
    let out = p.run(&args)?;
    super::git::name_status::parse(&out)
        .map_err(|why| GitError::Listing {
            args: args.join(" "),
            why,
        })?
        .utf8_only()
}

/// Which of `words` occur (word-bounded) in the given paths of a tree-ish.
pub fn words_present(
    p: &Plumb,
    rev: &str,
    words: &[String],
    paths: &[String],
) -> Result<BTreeSet<String>, GitError> {
    let mut found = BTreeSet::new();
    if words.is_empty() || paths.is_empty() {
        return Ok(found);
    }
    for chunk in paths.chunks(2000) {
        let mut args: Vec<String> = vec![
            "grep".into(),
            "-h".into(),
            "-o".into(),
            "-w".into(),
            "-F".into(),
        ];
        for w in words {
            args.extend(["-e".into(), w.clone()]);
        }
        args.push(rev.into());
        args.push("--".into());
        args.extend(chunk.iter().map(|c| format!(":(literal){c}")));
        let out = p.output(&args)?;
        if out.status.code() == Some(1) {
            continue;
        }
        if !out.status.success() {
            return Err(failed(&args, &out));
        }
        found.extend(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(str::to_string),
        );
    }
    Ok(found)
}

/// Lines of a tree-ish holding any of `words` (word-bounded when `whole`):
/// (path, line, text). `paths` empty: the whole tree.
pub fn grep_lines(
    p: &Plumb,
    rev: &str,
    words: &[String],
    paths: &[String],
    whole: bool,
) -> Result<Vec<(String, u32, String)>, GitError> {
    let mut hits = Vec::new();
    if words.is_empty() {
        return Ok(hits);
    }
    let mut args: Vec<String> = vec![
        "grep".into(),
        "-n".into(),
        "-z".into(),
        "-I".into(),
        "-F".into(),
    ];
    if whole {
        args.push("-w".into());
    }
    for w in words {
        args.extend(["-e".into(), w.clone()]);
    }
    args.push(rev.into());
    args.push("--".into());
    args.extend(paths.iter().map(|c| format!(":(literal){c}")));
    let out = p.output(&args)?;
    if out.status.code() == Some(1) {
        return Ok(hits);
    }
    if !out.status.success() {
        return Err(failed(&args, &out));
    }
    let prefix = format!("{rev}:");
    for rec in out.stdout.split(|&b| b == b'\n').filter(|r| !r.is_empty()) {
        let mut parts = rec.splitn(3, |&b| b == 0);
        let (Some(path), Some(line), Some(text)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let path = String::from_utf8_lossy(path);
        let path = path.strip_prefix(&prefix).unwrap_or(&path).to_string();
        let line = String::from_utf8_lossy(line).parse().unwrap_or(0);
        hits.push((path, line, String::from_utf8_lossy(text).into_owned()));
    }
    Ok(hits)
}

/// File texts of `rev:path` for each path (`None`: missing or not a blob),
/// read in one `git cat-file --batch`.
pub fn texts(p: &Plumb, rev: &str, paths: &[String]) -> Result<Vec<Option<String>>, GitError> {
    let names: Vec<String> = paths.iter().map(|path| format!("{rev}:{path}")).collect();
    objects(p, &names)
}

/// Texts of objects named any way `cat-file` takes (a blob id is the
/// fastest: `rev:path` walks the trees for every name).
pub fn objects(p: &Plumb, names: &[String]) -> Result<Vec<Option<String>>, GitError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let mut input = Vec::new();
    for n in names {
        input.extend_from_slice(n.as_bytes());
        input.push(b'\n');
    }
    let args = ["cat-file", "--batch"];
    let out = p.output_with_input(&args, &input)?;
    if !out.status.success() {
        return Err(failed(&args, &out));
    }
    let mut rest: &[u8] = &out.stdout;
    let mut v = Vec::with_capacity(names.len());
    for _ in names {
        let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
            v.push(None);
            continue;
        };
        let header = String::from_utf8_lossy(&rest[..nl]).into_owned();
        rest = &rest[nl + 1..];
        let mut h = header.split(' ');
        let (_, kind, size) = (h.next(), h.next(), h.next());
        match (kind, size.and_then(|s| s.parse::<usize>().ok())) {
            (Some(kind), Some(size)) if size <= rest.len() => {
                let body = &rest[..size];
                rest = rest.get(size + 1..).unwrap_or(&[]);
                v.push((kind == "blob").then(|| String::from_utf8_lossy(body).into_owned()));
            }
            _ => v.push(None),
        }
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What git 2.47 printed for an add/add conflict on a file named
    /// `x⏎y.ts` (`merge-tree --write-tree -z --name-only --messages`).
    const ADD_ADD: &[u8] = b"afece871ecfc79672d9ac7c1559bf9a3d0a986a3\0x\ny.ts\0\0\
1\0x\ny.ts\0Auto-merging\0Auto-merging x\ny.ts\n\0\
1\0x\ny.ts\0CONFLICT (contents)\0CONFLICT (add/add): Merge conflict in x\ny.ts\n\0";

    #[test]
    fn a_conflict_is_read_by_its_real_name_and_kind() {
        let (tree, conflicts) = read_trial(ADD_ADD, true).unwrap().unwrap();
        assert_eq!(tree, "afece871ecfc79672d9ac7c1559bf9a3d0a986a3");
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].path, "x\ny.ts");
        assert_eq!(conflicts[0].kind, "add/add");
    }

    #[test]
    fn a_name_that_is_not_utf8_fails_closed() {
        let out = b"afece871ecfc79672d9ac7c1559bf9a3d0a986a3\0caf\xff.ts\0\0";
        assert!(matches!(
            read_trial(out, true),
            Err(GitError::NotUtf8 { .. })
        ));
        assert!(read_trial(b"\0", false).unwrap().is_none());
    }
}
