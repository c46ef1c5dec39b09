//! Tests of the git edge against real repositories in temp dirs.

use super::runner::REPO_ENV;
use super::*;
use contract_gate_core::change::{ChangeStatus, ChangedFile, Removals};
use std::fs;
use std::process::Command;

/// A git command for building fixtures, isolated from the user's config.
pub(super) fn cli(dir: &Path, args: &[&str]) -> String {
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

pub(super) fn write(dir: &Path, path: &str, content: &[u8]) {
    let full = dir.join(path);
    fs::create_dir_all(full.parent().unwrap()).unwrap();
    fs::write(full, content).unwrap();
}

pub(super) fn commit(dir: &Path, message: &str) -> String {
    cli(dir, &["add", "-A"]);
    cli(dir, &["commit", "-q", "--allow-empty", "-m", message]);
    cli(dir, &["rev-parse", "HEAD"])
}

pub(super) fn init() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    fs::create_dir(&repo).unwrap();
    cli(&repo, &["init", "-q", "-b", "main"]);
    cli(&repo, &["config", "commit.gpgsign", "false"]);
    (tmp, repo)
}

const LONG: &str = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n";
const NON_ASCII: &str = "docs/가이드.md";
pub(super) const BRACKETS: &str = "src/pages/blog/[...slug] x.astro";

/// main: base files; branch `feature` with every kind of change.
pub(super) fn fixture() -> (tempfile::TempDir, PathBuf, Git) {
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

pub(super) fn find<'a>(files: &'a [ChangedFile], path: &str) -> &'a ChangedFile {
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
fn open_resolving_answers_the_revisions_it_was_opened_with() {
    let (_tmp, repo, git) = fixture();
    let main = git.resolve_all(&["main"]).unwrap();
    let opened = Git::open_resolving(&repo.join("src/pages"), &["main", "feature"]).unwrap();
    assert_eq!(
        opened.root().canonicalize().unwrap(),
        repo.canonicalize().unwrap()
    );
    // Answered from the opening: main moving afterwards changes nothing.
    git_checkout(&repo, "main");
    cli(&repo, &["commit", "-q", "--allow-empty", "-m", "later"]);
    let both = opened.resolve_all(&["main", "feature"]).unwrap();
    assert_eq!(both[0], main[0]);
    assert_ne!(both[0], cli(&repo, &["rev-parse", "main"]));
    // An unknown revision or a range opens plainly and fails where it is
    // resolved, with its own error.
    for bad in ["nope", "main..feature"] {
        let g = Git::open_resolving(&repo, &[bad, "feature"]).unwrap();
        assert!(
            matches!(
                g.resolve_all(&[bad, "feature"]),
                Err(GitError::UnknownRev { .. })
            ),
            "{bad}"
        );
    }
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

pub(super) fn git_checkout(repo: &Path, rev: &str) {
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
        git.refs_merged_into("nope"),
        Err(GitError::UnknownRev { .. })
    ));
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
    let listed = git.branches().unwrap();
    assert_eq!(listed.name_of("HEAD").as_deref(), Some("agents/docs"));
    assert_eq!(listed.name_of("feature").as_deref(), Some("feature"));
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
    assert!(git
        .refs_merged_into("HEAD")
        .unwrap()
        .contains("refs/heads/main"));

    // The main checkout still sees its own HEAD.
    let main_git = Git::open(&repo).unwrap();
    assert_eq!(
        main_git.branches().unwrap().name_of("HEAD").as_deref(),
        Some("feature")
    );
    assert_eq!(
        main_git.resolve("agents/docs").unwrap(),
        git.resolve("HEAD").unwrap()
    );
}
