//! Issue 13 §1: revisions that look like options never reach git as options
//! (`--output=FILE` would make `git diff` write a file): they are refused
//! before any git command, with exit 2.

use crate::support::*;

#[test]
fn option_like_revisions_are_refused_before_git_sees_them() {
    let r = Repo::uploads();
    r.branch("agents/migrations", "main")
        .write("src/db/schema.ts", "export const tables = ['t'];\n")
        .commit("migration");
    let out = r.dir.parent().unwrap().join("written-by-git");
    // `--base=VALUE`: clap hands the value over as it is.
    let planted = format!("--base=--output={}", out.display());
    for args in [
        vec!["check", planted.as_str(), "--format", "json"],
        vec!["check", "--base", "main", "--head=-h", "--format", "json"],
        vec!["lint", planted.as_str(), "--format", "json"],
        vec!["rehearse", planted.as_str(), "--format", "json"],
    ] {
        let run = r.gate(&args);
        assert_eq!(run.code, 2, "{args:?}: {}\n{}", run.stdout, run.stderr);
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(all.contains("not a valid revision"), "{args:?}: {all}");
        assert!(!out.exists(), "{args:?}: git wrote {}", out.display());
    }
}

/// A `git` in the judged repository is never run, even with `.` (or an
/// empty entry) first on PATH: git is looked up in absolute directories only.
#[test]
fn a_git_in_the_repository_is_never_run() {
    use std::os::unix::fs::PermissionsExt as _;
    let r = Repo::uploads();
    r.branch("agents/migrations", "main")
        .write("src/db/schema.ts", "export const tables = ['t'];\n")
        .commit("migration");
    let marker = r.dir.parent().unwrap().join("planted-git-ran");
    let planted = r.dir.join("git");
    std::fs::write(
        &planted,
        format!("#!/bin/sh\ntouch '{}'\nexit 0\n", marker.display()),
    )
    .unwrap();
    std::fs::set_permissions(&planted, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(".::{}", std::env::var("PATH").unwrap_or_default());
    let run = run_with_env(
        &r.dir,
        &["check", "--base", "main", "--format", "json"],
        None,
        &[("PATH", path.as_str())],
    );
    assert!(!marker.exists(), "the repository's own `git` ran");
    run.pass();
}
