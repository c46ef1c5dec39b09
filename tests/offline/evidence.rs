//! The `evidence` rule: required checks of the verification matrix must be
//! ticked in the PR body given with `--body`.

use crate::support::*;

/// A Metadata agent branch off the integration branch, ready to judge.
fn metadata() -> Repo {
    let r = Repo::blog();
    r.branch(METADATA, INTEGRATION)
        .write("src/content/config.ts", "export const c = { tags: [] };\n")
        .commit("tags");
    r
}

/// The evidence messages of a run, in output order.
fn messages(run: &Run) -> Vec<String> {
    run.findings("evidence")
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

/// Checked items for every required check pass, and the rows say so.
#[test]
fn checked_items_pass() {
    let r = metadata();
    let body = r.body("body.md", METADATA_BODY);
    let run = r.check(&["--base", INTEGRATION, "--body", &body]);
    run.pass();
    let rows = run.json()["evidence"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows.iter().all(|r| r["found"] == true), "{rows:?}");
    assert_eq!(rows[0]["check"], "npm run check");
}

/// A body with no evidence: one failure per required check, each with a null path.
#[test]
fn missing_checks_fail_one_finding_each() {
    let r = metadata();
    let body = r.body("body.md", "Adds tags.\n");
    let run = r.check(&["--base", INTEGRATION, "--body", &body]);
    run.blocked(&["evidence"]);
    let f = run.findings("evidence");
    assert_eq!(f.len(), 3, "{}", run.stdout);
    for x in &f {
        assert_eq!(x["level"], "failure");
        assert!(x["path"].is_null(), "{x}");
        assert!(x["line"].is_null(), "{x}");
    }
    let m = messages(&run);
    assert!(
        m.iter()
            .any(|m| m.contains("no evidence for required check `npm run check`")),
        "{m:?}"
    );
    assert!(
        m.iter()
            .any(|m| m.contains("ASTRO_TELEMETRY_DISABLED=1 npm run build")),
        "{m:?}"
    );
    assert!(m.iter().any(|m| m.contains("remaining-risk")), "{m:?}");
}

/// An unchecked item fails with its own message; the others pass.
#[test]
fn unchecked_item_fails() {
    let r = metadata();
    let body = r.body(
        "body.md",
        &METADATA_BODY.replace("- [x] `npm run check`", "- [ ] `npm run check`"),
    );
    let run = r.check(&["--base", INTEGRATION, "--body", &body]);
    run.blocked(&["evidence"]);
    let m = messages(&run);
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        m[0].contains("`npm run check` is listed but not checked"),
        "{m:?}"
    );
}

/// A CRLF body file reads like an LF one.
#[test]
fn crlf_body_works() {
    let r = metadata();
    let body = r.body("body.md", &METADATA_BODY.replace('\n', "\r\n"));
    r.check(&["--base", INTEGRATION, "--body", &body]).pass();
}

/// Checked items inside an HTML comment do not count.
#[test]
fn items_in_html_comments_do_not_count() {
    let r = metadata();
    let body = r.body(
        "body.md",
        &METADATA_BODY.replace(
            "- [x] `npm run check`\n",
            "<!--\n- [x] `npm run check`\n-->\n<!-- - [x] npm run check -->\n",
        ),
    );
    let run = r.check(&["--base", INTEGRATION, "--body", &body]);
    run.blocked(&["evidence"]);
    let m = messages(&run);
    assert_eq!(m, ["no evidence for required check `npm run check`"]);
}

/// Checked items inside a code fence do not count.
#[test]
fn items_in_code_fences_do_not_count() {
    let r = metadata();
    let body = r.body(
        "body.md",
        &METADATA_BODY.replace(
            "- [x] `npm run check`\n",
            "```markdown\n- [x] `npm run check`\n```\n",
        ),
    );
    let run = r.check(&["--base", INTEGRATION, "--body", &body]);
    run.blocked(&["evidence"]);
    assert_eq!(
        messages(&run),
        ["no evidence for required check `npm run check`"]
    );
}

/// `--body -` reads the body from stdin.
#[test]
fn body_dash_reads_stdin() {
    let r = metadata();
    let args = [
        "check",
        "--base",
        INTEGRATION,
        "--body",
        "-",
        "--format",
        "json",
    ];
    r.gate_stdin(&args, METADATA_BODY).pass();
    r.gate_stdin(&args, "nothing here\n").blocked(&["evidence"]);
}

/// Without `--body` the evidence is not judged: a notice, and the run passes.
#[test]
fn no_body_fails_each_required_check_offline() {
    let r = metadata();
    let run = r.check(&["--base", INTEGRATION]);
    run.blocked(&["evidence"]);
    assert_eq!(
        messages(&run),
        [
            "no evidence for required check `npm run check`: no PR body was given (pass `--body FILE`)",
            "no evidence for required check `ASTRO_TELEMETRY_DISABLED=1 npm run build`: no PR body was given (pass `--body FILE`)",
            "no evidence for required check `PR notes include commands run and remaining risk`: no PR body was given (pass `--body FILE`)",
        ]
    );
}

/// A table row marked failed fails the check even when an item ticks it.
#[test]
fn failed_table_row_wins() {
    let r = metadata();
    let body = r.body(
        "body.md",
        &format!("{METADATA_BODY}\n| Check | Result |\n|---|---|\n| `npm run check` | ❌ |\n"),
    );
    let run = r.check(&["--base", INTEGRATION, "--body", &body]);
    run.blocked(&["evidence"]);
    assert_eq!(
        messages(&run),
        ["`npm run check` has a table row where the column \"Result\" says \"❌\""]
    );
}

/// Every word around a tick is accounted for: text that is not a pass is
/// not counted, and the finding quotes it; a failure said anywhere wins.
#[test]
fn text_around_a_tick_must_say_pass() {
    let r = metadata();
    for (from, to, want) in [
        (
            "- [x] `npm run check`\n",
            "- [x] `npm run check` — wasn't run\n",
            "`npm run check` is ticked, but the text after it, \"wasn't run\", is not a pass",
        ),
        (
            "- [x] `npm run check`\n",
            "- [x] `npm run check` — will run after review\n",
            "`npm run check` is ticked, but the text after it, \"will run after review\", is not a pass",
        ),
        (
            "## Verification\n",
            "## Skipped\n",
            "`npm run check` is ticked under the heading \"Skipped\", which does not say it passed",
        ),
        (
            "Adds tags.\n",
            "Adds tags. `npm run check` timed out on CI.\n",
            "`npm run check` is said not to pass in the PR body: \"Adds tags. npm run check timed out on CI.\"",
        ),
    ] {
        let body = METADATA_BODY.replace(from, to);
        assert_ne!(body, METADATA_BODY);
        let file = r.body("body.md", &body);
        let run = r.check(&["--base", INTEGRATION, "--body", &file]);
        run.blocked(&["evidence"]);
        let m = messages(&run);
        assert!(m.iter().any(|m| m == want), "{body}: {m:?}");
    }
    // Pass words around it, a BOM, an inline comment: counted.
    let body = format!(
        "\u{feff}{}",
        METADATA_BODY.replace(
            "- [x] `npm run check`\n",
            "- [x] `npm run check` — passed (all green) <!-- ran twice -->\n",
        )
    );
    let file = r.body("body.md", &body.replace('\n', "\r\n"));
    r.check(&["--base", INTEGRATION, "--body", &file]).pass();
}

/// "PR notes include commands run and remaining risk": a placeholder
/// (`…`, `TODO`, `n/a`) in either section is no note, and the finding says
/// which one is missing.
#[test]
fn placeholder_notes_do_not_count() {
    let r = metadata();
    let notes = "`PR notes include commands run and remaining risk`";
    for (body, missing) in [
        (
            METADATA_BODY.replace("Tag pages are not paginated yet.", "…"),
            "no remaining-risk section",
        ),
        (
            METADATA_BODY.replace("Tag pages are not paginated yet.", "TODO"),
            "no remaining-risk section",
        ),
        (
            "## Commands run\n- TODO\n\n## Remaining risk\nNone known.\n".to_string(),
            "does not say which commands were run",
        ),
    ] {
        let file = r.body("body.md", &body);
        let run = r.check(&["--base", INTEGRATION, "--body", &file]);
        let msgs = messages(&run);
        assert!(
            msgs.iter()
                .any(|m| m.starts_with(notes) && m.contains(missing)),
            "{body}: {msgs:?}"
        );
    }
    // The real thing passes.
    let file = r.body("body.md", METADATA_BODY);
    r.check(&["--base", INTEGRATION, "--body", &file]).pass();
}
