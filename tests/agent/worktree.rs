//! `check --worktree` (staged, unstaged, untracked edits; placement) and
//! the pre-push hook refusing a bad push in a real `git push`.

use crate::support::*;

fn check_worktree(t: &Tree) -> Run {
    t.check(&["--base", "main", "--worktree"])
}

#[test]
fn uncommitted_edits_are_judged() {
    let r = Repo::uploads_after_migrations();
    r.write(".gitignore", "dist/\n").commit("ignore dist");
    let wt = r.worktree_add("wt-uploads", "agents/uploads", "main");
    wt.write("src/api/uploads/handler.ts", "export {};\n")
        .commit("handler");
    // A clean worktree with owned commits passes.
    check_worktree(&wt).pass();
    wt.write("tsconfig.json", "{}\n");
    wt.git(&["add", "tsconfig.json"]); // staged
    wt.write("src/db/schema.ts", "changed\n"); // unstaged
    wt.write("src/lib/new.ts", "export {};\n"); // untracked
    wt.write("dist/out.js", "ignored\n"); // ignored: not judged
    let run = check_worktree(&wt);
    run.blocked(&["scope", "shared-state"]);
    assert_eq!(
        run.paths("shared-state"),
        ["src/db/schema.ts", "tsconfig.json"]
    );
    assert_eq!(run.paths("scope"), ["src/lib/new.ts"]);
    // Without --worktree only the commits count.
    r.check(&["--base", "main", "--head", "agents/uploads"])
        .pass();
}

#[test]
fn an_unstaged_removal_in_an_additions_only_file_fails_at_its_line() {
    let r = Repo::uploads_after_migrations();
    let wt = r.worktree_add("wt-uploads", "agents/uploads", "main");
    wt.write(
        "src/api/router.ts",
        &ROUTER.replace("router.get('/users', listUsers);\n", ""),
    );
    let run = check_worktree(&wt);
    run.blocked(&["additions-only"]);
    assert_eq!(run.finding("additions-only")["line"], 4);
    wt.write(
        "src/api/router.ts",
        &format!("{ROUTER}router.post('/uploads', up);\n"),
    );
    check_worktree(&wt).pass();
}

/// A file name that is not UTF-8 cannot be read from disk by its lossy
/// form: `check --worktree` refuses the change with exit 2, naming the
/// file, whether it is untracked or committed, never judging it as another.
#[test]
fn a_file_name_that_is_not_utf8_fails_closed() {
    use std::os::unix::ffi::OsStrExt as _;
    let r = Repo::uploads_after_migrations();
    let wt = r.worktree_add("wt-uploads", "agents/uploads", "main");
    let name = std::ffi::OsStr::from_bytes(b"src/api/uploads/caf\xff.ts");
    std::fs::create_dir_all(wt.dir.join("src/api/uploads")).unwrap();
    std::fs::write(wt.dir.join(name), "export {};\n").unwrap();
    let named = "src/api/uploads/caf\u{fffd}.ts";
    check_worktree(&wt).error(&[named, "is not UTF-8", "failing closed"]);
    wt.git(&["add", "-A"]);
    wt.commit("a route");
    check_worktree(&wt).error(&[named, "is not UTF-8"]);
    // The committed range alone reads the name by its real bytes, as before.
    wt.check(&["--base", "main"]).pass();
}

#[test]
fn a_worktree_at_the_wrong_place_is_warned_about() {
    let r = Repo::uploads_after_migrations();
    let wt = r.worktree_add("somewhere-else", "agents/uploads", "main");
    let run = check_worktree(&wt);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let w = &run.json()["findings"][0];
    assert_eq!(w["rule"], "worktree");
    assert_eq!(w["level"], "warning");
    let msg = w["message"].as_str().unwrap();
    assert!(
        msg.starts_with("agent-1's worktree is `wt-uploads` ("),
        "{msg}"
    );
    assert!(
        msg.contains("but branch agents/uploads is checked out at"),
        "{msg}"
    );
    // An agent's worktree on another agent's branch.
    let wt3 = r.worktree_add("wt-tests", "agents/uploads-2", "main");
    let run = check_worktree(&wt3);
    let msgs: Vec<String> = run
        .findings_all()
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    assert!(msgs.contains(&"this is agent-3's worktree `wt-tests`, but it is on branch agents/uploads-2, not agents/tests".to_string()), "{msgs:?}");
}

/// A worktree with the pre-push hook installed as `setup` installs it, and
/// a bare `origin`.
fn pushing_team() -> (Repo, Tree) {
    let r = Repo::uploads();
    let remote = r.outside("remote.git");
    r.git(&["init", "-q", "--bare", remote.to_str().unwrap()]);
    r.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    r.git(&["push", "-q", "origin", "main"]);
    let wt = r.worktree_add("wt-uploads", "agents/uploads", "main");
    let hooks = r.outside("hooks-uploads");
    std::fs::create_dir_all(&hooks).unwrap();
    let script = hooks.join("pre-push");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nexec '{}' hook pre-push \"$@\"\n", exe()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    wt.git(&["config", "extensions.worktreeConfig", "true"]);
    wt.git(&[
        "config",
        "--worktree",
        "core.hooksPath",
        hooks.to_str().unwrap(),
    ]);
    let git_dir = wt.git(&["rev-parse", "--absolute-git-dir"]);
    std::fs::write(
        std::path::Path::new(git_dir.trim()).join("contract-gate-base"),
        "main\n",
    )
    .unwrap();
    (r, wt)
}

#[test]
fn pre_push_refuses_a_push_ci_would_fail() {
    let (r, wt) = pushing_team();
    wt.write("src/api/uploads/a.ts", "export {};\n")
        .write("tsconfig.json", "{}\n")
        .commit("uploads and a tsconfig edit");
    let out = wt.try_git(&["push", "origin", "agents/uploads"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("contract-gate pre-push: refs/heads/agents/uploads would fail the contract check against main; the push is refused"), "{stderr}");
    assert!(stderr.contains("tsconfig.json"), "{stderr}");
    assert!(stderr.contains("shared-state"), "{stderr}");
    let remote_has = r.try_git(&["ls-remote", "--exit-code", "origin", "agents/uploads"]);
    assert!(
        !remote_has.status.success(),
        "the branch reached the remote"
    );
    // Fixed: the push goes through although agent-1 still waits on agent-2.
    wt.git(&["revert", "--no-edit", "HEAD"]);
    wt.write("src/api/uploads/a.ts", "export {};\n")
        .commit("uploads");
    let out = wt.try_git(&["push", "origin", "agents/uploads"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let waiting = wt.check(&["--base", "main"]);
    assert_eq!(waiting.rules(), ["merge-order"]);
}

#[test]
fn pre_push_reads_gits_protocol() {
    let (_r, wt) = pushing_team();
    let sha = wt.git(&["rev-parse", "HEAD"]);
    let zero = "0".repeat(40);
    // A deletion is not judged; an unreadable line refuses.
    let run = wt.gate_stdin(
        &["hook", "pre-push", "origin", "x"],
        &format!("(delete) {zero} refs/heads/old {sha}\n"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = wt.gate_stdin(&["hook", "pre-push", "origin", "x"], "garbage\n");
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "contract-gate pre-push: cannot read the line `garbage`\n"
    );
}

/// Every way the pre-push hook cannot judge refuses the push (exit 1), in
/// its own words only: no "could not evaluate" line is added.
#[test]
fn pre_push_fails_closed_in_its_own_words() {
    let (r, wt) = pushing_team();
    let sha = wt.git(&["rev-parse", "HEAD"]);
    let zero = "0".repeat(40);
    let line = format!("refs/heads/agents/uploads {sha} refs/heads/agents/uploads {zero}\n");
    // The main checkout has no base recorded.
    let run = r.gate_stdin(&["hook", "pre-push", "origin", "x"], &line);
    assert_eq!((run.code, run.stdout.as_str()), (1, ""));
    assert_eq!(
        run.stderr,
        "contract-gate pre-push: no base is recorded for this worktree; run `contract-gate setup` \
         (or `git push --no-verify` to push without the check)\n"
    );
    let nowhere = r.outside("not-a-repo");
    std::fs::create_dir_all(&nowhere).unwrap();
    let run = run_in(&nowhere, &["hook", "pre-push", "origin", "x"], Some(&line));
    assert_eq!((run.code, run.stdout.as_str()), (1, ""));
    assert!(
        run.stderr.starts_with("contract-gate pre-push: ")
            && run.stderr.ends_with("; the push is refused\n")
            && run.stderr.lines().count() == 1,
        "{}",
        run.stderr
    );
    // A base that names nothing: the ref cannot be judged.
    let run = wt.gate_stdin(&["hook", "pre-push", "--base", "no-such-ref"], &line);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with("contract-gate pre-push: cannot judge refs/heads/agents/uploads: ")
            && run
                .stderr
                .ends_with("; the push is refused (fail closed)\n"),
        "{}",
        run.stderr
    );
}
