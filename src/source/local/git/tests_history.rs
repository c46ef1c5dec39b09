//! Tests of the git edge's history reads (merge bases, ancestry, logs)
//! against real repositories in temp dirs.

use super::tests::{cli, commit, find, fixture, git_checkout, init, write, BRACKETS};
use super::*;
use contract_gate_core::change::ChangeStatus;

#[test]
fn changes_of_a_criss_cross_history_are_read_from_one_merge_base() {
    // main and feature each merged the other: two merge bases, which
    // `diff-tree --merge-base` refuses; the change set is still read.
    let (_tmp, repo) = init();
    write(&repo, "base.txt", b"base\n");
    commit(&repo, "base");
    cli(&repo, &["checkout", "-q", "-b", "feature"]);
    write(&repo, "f.txt", b"f\n");
    let f1 = commit(&repo, "feature work");
    git_checkout(&repo, "main");
    write(&repo, "m.txt", b"m\n");
    let m1 = commit(&repo, "main work");
    cli(
        &repo,
        &["merge", "-q", "--no-ff", "-m", "main takes feature", &f1],
    );
    git_checkout(&repo, "feature");
    cli(
        &repo,
        &["merge", "-q", "--no-ff", "-m", "feature takes main", &m1],
    );
    write(&repo, "late.txt", b"late\n");
    commit(&repo, "more feature work");
    let bases = cli(&repo, &["merge-base", "--all", "main", "feature"]);
    assert_eq!(bases.lines().count(), 2, "{bases}");
    let git = Git::open(&repo).unwrap();
    let files = git.changes("main", "feature").unwrap();
    assert_eq!(find(&files, "late.txt").status, ChangeStatus::Added);
    assert!(files.iter().all(|f| f.path != "base.txt"));
}

#[test]
fn ancestry_branches_and_tips() {
    let (_tmp, repo, git) = fixture();
    // Ancestry for every branch at once.
    assert!(git
        .refs_merged_into("feature")
        .unwrap()
        .contains("refs/heads/main"));
    assert!(!git
        .refs_merged_into("main")
        .unwrap()
        .contains("refs/heads/feature"));

    let main = git.resolve("main").unwrap();
    cli(&repo, &["update-ref", "refs/remotes/origin/shared", &main]);
    cli(
        &repo,
        &["update-ref", "refs/remotes/origin/main", "feature"],
    );
    let feature = git.resolve("feature").unwrap();
    // The one-process listing names the branch a revision means.
    let listed = git.branches().unwrap();
    for (rev, want) in [
        ("HEAD", Some("feature")),
        ("main", Some("main")),
        ("refs/heads/main", Some("main")),
        ("nope", None),
        (main.as_str(), None),
        ("origin/shared", Some("shared")),
        ("refs/remotes/origin/shared", Some("shared")),
        ("remotes/origin/main", Some("main")),
    ] {
        assert_eq!(listed.name_of(rev).as_deref(), want, "{rev}");
    }
    // Tips of a branch: local and `origin/`.
    let tips = |name: &str| -> Vec<(String, String)> {
        listed
            .refs
            .iter()
            .filter(|r| r.branch == name)
            .map(|r| (r.refname.clone(), r.sha.clone()))
            .collect()
    };
    assert_eq!(
        tips("main"),
        vec![
            ("refs/heads/main".to_string(), main.clone()),
            ("refs/remotes/origin/main".to_string(), feature.clone()),
        ]
    );
    assert_eq!(
        tips("shared"),
        vec![("refs/remotes/origin/shared".to_string(), main.clone())]
    );
    assert!(tips("nope").is_empty());
    let tip = |refname: &str| {
        listed
            .refs
            .iter()
            .find(|r| r.refname == refname)
            .map(|r| r.sha.clone())
    };
    assert_eq!(tip("refs/remotes/origin/main"), Some(feature.clone()));
    assert_eq!(
        git.resolve_all(&["main", "feature", "HEAD"]).unwrap(),
        [main.clone(), feature.clone(), feature.clone()]
    );
    for bad in ["nope", "", "--all", "a\nb"] {
        match git.resolve_all(&["main", bad]) {
            Err(GitError::UnknownRev { rev, .. }) => assert_eq!(rev, bad),
            other => panic!("{bad:?}: {other:?}"),
        }
    }

    // Detached HEAD.
    cli(&repo, &["checkout", "-q", "--detach", "main"]);
    assert_eq!(git.branches().unwrap().current, None);
    assert_eq!(git.branches().unwrap().name_of("HEAD"), None);
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

    // Merges in a range, newest first, as the merge state reads them.
    let merges = |from: &str, to: &str| -> Vec<(String, String)> {
        git.commits_between(from, to)
            .unwrap()
            .into_iter()
            .filter(|l| l.is_merge())
            .map(|l| (l.sha, l.subject))
            .collect()
    };
    assert_eq!(
        merges(&base, "main"),
        vec![
            (second, String::new()),
            (first.clone(), "Merge feature (#41)".to_string()),
        ]
    );
    assert!(merges("main", "main").is_empty());
    assert_eq!(
        merges(&base, &first),
        vec![(first, "Merge feature (#41)".to_string())]
    );
}
