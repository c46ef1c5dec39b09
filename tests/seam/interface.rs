//! The `interface` rule in `check`: committed names and snippets must stay.

use super::seam_support::*;

/// A committed `requireAuth` renamed on agent-1's own branch fails its PR,
/// at the base line where the commitment lived.
#[test]
fn committed_rename_fails_the_renaming_pr() {
    let r = repo(true);
    rename_require_auth(&r);
    let run = r.check(&["--base", "main", "--head", "agents/auth"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let f = run.finding("interface");
    assert_eq!(f["level"], "failure");
    assert_eq!(f["path"], "src/middleware/auth.ts");
    assert_eq!(f["line"], 1);
    assert_eq!(f["agent"], "agent-1");
    assert_eq!(
        f["message"],
        "`requireAuth(req,res,next)` (committed to by agent-1) is gone; it was at src/middleware/auth.ts:1 on the base"
    );
}

/// Without the commitment, the same rename passes `check` (the rehearsal
/// catches the caller instead: see rehearse.rs).
#[test]
fn uncommitted_rename_passes_check() {
    let r = repo(false);
    rename_require_auth(&r);
    let run = r.check(&["--base", "main", "--head", "agents/auth"]);
    assert!(run.findings("interface").is_empty(), "{}", run.stdout);
}

/// agent-2 reshapes the committed `{ id, email }` type: its own PR fails.
#[test]
fn reshaping_a_committed_type_snippet_fails() {
    let r = repo(true);
    r.branch("agents/user", "main")
        .write(
            "src/types/user.ts",
            "// the user shape\nexport type User = { id, identity: { email } };\n",
        )
        .commit("Nest email under identity");
    let run = r.check(&["--base", "main", "--head", "agents/user"]);
    assert_eq!(run.code, 1);
    let f = run.finding("interface");
    assert_eq!(
        (f["path"].as_str(), f["line"].as_i64()),
        (Some("src/types/user.ts"), Some(2))
    );
    assert_eq!(f["agent"], "agent-2");
    assert!(f["message"]
        .as_str()
        .unwrap()
        .starts_with("`{id,email}` (committed to by agent-2) is gone"));
}

/// A changed line that keeps the committed name is a warning, not a failure.
#[test]
fn a_changed_line_keeping_the_name_warns() {
    let r = repo(true);
    r.branch("agents/auth", "main")
        .write(
            "src/middleware/auth.ts",
            &AUTH_TS.replace("next) {", "next) { // checked"),
        )
        .commit("Comment");
    // The matrix requires `sh check.sh`: evidence it, so only the interface speaks.
    let run = r.gate_stdin(
        &[
            "check",
            "--base",
            "main",
            "--head",
            "agents/auth",
            "--body",
            "-",
            "--format",
            "json",
        ],
        "- [x] `sh check.sh`\n",
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    let f = run.finding("interface");
    assert_eq!(
        (f["level"].as_str(), f["line"].as_i64()),
        (Some("warning"), Some(1))
    );
}

/// A branch renaming a private helper it owns entirely: no finding anywhere.
#[test]
fn renaming_an_owned_private_helper_is_free() {
    let r = repo(true);
    r.branch("agents/auth", "main")
        .write(
            "src/routes/util.ts",
            &UTIL_TS.replace("formatDate", "isoDate"),
        )
        .write(
            "src/routes/admin.ts",
            &ROUTES_TS.replace("formatDate", "isoDate"),
        )
        .commit("Rename the date helper");
    let run = r.check(&["--base", "main", "--head", "agents/auth"]);
    assert!(run.findings("interface").is_empty(), "{}", run.stdout);
    let reh = rehearse(&r, &[]);
    assert_eq!(reh.code, 0, "{}", reh.stdout);
    assert_eq!(
        reh.json()["contracts"][0]["findings"],
        serde_json::json!([])
    );
}
