//! Body forms, each read exactly: counted when every word around the check
//! says "pass", not counted otherwise, and the reason quotes the body. Each
//! form is read as written, with CRLF line ends and with a BOM, alike.

use super::*;
use EvidenceStatus::*;

const CHECK: &str = "npm run check";

/// (body, status of `npm run check`, a part of the reason, if any).
const FORMS: &[(&str, EvidenceStatus, Option<&str>)] = &[
    // The issue's forms: none counts.
    (
        "- [x] `npm run check` — wasn't run\n",
        Failed,
        Some("is ticked, but the text after it, \"wasn't run\", is not a pass"),
    ),
    (
        "- [x] `npm run check` — did not pass\n",
        Failed,
        Some("\"did not pass\""),
    ),
    ("- [x] `npm run check` — FAIL\n", Failed, Some("\"FAIL\"")),
    (
        "- [x] `npm run check` — timed out\n",
        Failed,
        Some("\"timed out\""),
    ),
    (
        "## Verification\n\n## Skipped\n- [x] `npm run check`\n",
        Failed,
        Some("is ticked under the heading \"Skipped\", which does not say it passed"),
    ),
    (
        "| Check | Passed | Failed |\n|---|---|---|\n| `npm run check` | | ✅ |\n",
        Failed,
        Some("the column \"Failed\" says \"✅\", which says it did not pass"),
    ),
    (
        "## Commands run\n- `npm run check` — FAILED\n\n## Checklist\n- [x] `npm run check`\n",
        Failed,
        Some("is said not to pass in the PR body: \"npm run check — FAILED\""),
    ),
    // Passes: nothing around the check but the pass vocabulary.
    ("- [x] `npm run check`\n", Passed, None),
    ("- [x] `npm run check` ✅\n", Passed, None),
    ("- [x] `npm run check` — passed (all green)\n", Passed, None),
    ("- [x] ✅ Ran `npm run check`\n", Passed, None),
    ("- [X] `npm run check`: OK\n", Passed, None),
    ("- [x] npm run check – green\n", Passed, None),
    ("- [x] `npm run check` → ok\n", Passed, None),
    ("- [x] `npm run check` :white_check_mark:\n", Passed, None),
    ("## Verification\n- [x] `npm run check` — ✓\n", Passed, None),
    (
        "| Check | Result |\n|---|---|\n| `npm run check` | ✅ passed |\n",
        Passed,
        None,
    ),
    (
        "| Command | Status |\n|:--|:-:|\n| npm run check | :heavy_check_mark: |\n",
        Passed,
        None,
    ),
    (
        "| Check | ✅ |\n|---|---|\n| `npm run check` | ✅ |\n",
        Passed,
        None,
    ),
    // Invisible when rendered: a comment, a zero-width space.
    ("- [x] `npm run check` <!-- FAIL -->\n", Passed, None),
    ("- [x] `npm run check` — pa\u{200b}ssed\n", Passed, None),
    (
        "- [x] `npm run check` — passed\nRemaining risk: tag pages are not paginated.\n",
        Passed,
        None,
    ),
    // Words that are not a pass: not counted, quoted.
    (
        "- [x] `npm run check` — will run after review\n",
        NotAPass,
        Some("\"will run after review\", is not a pass"),
    ),
    (
        "- [x] `npm run check` — passed on my machine\n",
        NotAPass,
        Some("\"passed on my machine\""),
    ),
    ("- [x] npm run check 👍\n", NotAPass, Some("\"👍\"")),
    (
        "- [x] `npm run check` and `npm run build`\n",
        NotAPass,
        Some("\"and npm run build\""),
    ),
    (
        "- [x] Probably fixed npm run check\n",
        NotAPass,
        Some("the text before it, \"Probably fixed\""),
    ),
    (
        "| Check | Notes |\n|---|---|\n| `npm run check` | ✅ |\n",
        NotAPass,
        Some("the column \"Notes\" says \"✅\", which is not a result column"),
    ),
    (
        "| Check | Result | Notes |\n|---|---|---|\n| `npm run check` | ✅ | see the log |\n",
        NotAPass,
        Some("the column \"Notes\" says \"see the log\", which is not a pass"),
    ),
    (
        "| | Check |\n|---|---|\n| ✅ | `npm run check` |\n",
        NotAPass,
        Some("an unnamed column says \"✅\""),
    ),
    // Words that say it did not pass.
    (
        "- [x] `npm run check` — passed locally, CI pending\n",
        Failed,
        Some("\"passed locally, CI pending\""),
    ),
    (
        "- [x] `npm run check` (flaky, retried twice)\n",
        Failed,
        Some("\"(flaky, retried twice)\""),
    ),
    ("- [x] `npm run check` — N/A\n", Failed, Some("\"N/A\"")),
    (
        "- [x] `npm run check` — not yet\n",
        Failed,
        Some("\"not yet\""),
    ),
    (
        "- [x] `npm run check` ~~passed~~ failed\n",
        Failed,
        Some("\"failed\""),
    ),
    (
        "- [x] `npm run check` — fa\u{200b}iled\n",
        Failed,
        Some("\"failed\""),
    ),
    (
        "- [x] `npm run check`\n  - output: 3 errors\n",
        Failed,
        Some("the text under it, \"output: 3 errors\""),
    ),
    (
        "**Not run:**\n- [x] `npm run check`\n",
        Failed,
        Some("under the line \"Not run:\""),
    ),
    (
        "- Skipped\n  - [x] `npm run check`\n",
        Failed,
        Some("under the item \"Skipped\""),
    ),
    (
        "<details><summary>Skipped checks</summary>\n\n- [x] `npm run check`\n\n</details>\n",
        Failed,
        Some("under the line \"Skipped checks\""),
    ),
    (
        "## Checks\n### Didn’t run\n- [x] `npm run check`\n",
        Failed,
        Some("under the heading \"Didn't run\""),
    ),
    (
        "## Not run\n| Check | Result |\n|---|---|\n| `npm run check` | ✅ |\n",
        Failed,
        Some("in a table under the heading \"Not run\""),
    ),
    (
        "| Check | Status |\n|---|---|\n| `npm run check` | ⚠️ |\n",
        Failed,
        Some("the column \"Status\" says \"⚠\""),
    ),
    (
        "| Check | Result | Notes |\n|---|---|---|\n| `npm run check` | ✅ | 2 flaky tests |\n",
        Failed,
        Some("\"2 flaky tests\""),
    ),
    (
        "- [x] `npm run check`\n\nI re-ran npm run check after rebasing. It failed on Node 18.\n",
        Failed,
        Some("\"I re-ran npm run check after rebasing. It failed on Node 18.\""),
    ),
    (
        "- [x] `npm run check`\n\nAfter rebasing, npm run check failed on Node 18.\n",
        Failed,
        Some("\"After rebasing, npm run check failed on Node 18.\""),
    ),
    (
        "- [x] `npm run check`\n\n```\n$ npm run check\nnpm run check: FAILED (exit 1)\n```\n",
        Failed,
        Some("\"npm run check: FAILED (exit 1)\""),
    ),
    (
        "- [x] `npm run check`\n- [x] `npm run check` — skipped\n",
        Failed,
        Some("\"skipped\""),
    ),
    (
        "- [x] `npm run check`\n- [x] `npm run check` — see CI\n",
        NotAPass,
        Some("\"see CI\""),
    ),
    // Unticked, or nothing.
    ("- [ ] `npm run check` (optional)\n", Unchecked, None),
    ("I ran npm run check and it passed.\n", Missing, None),
];

fn crlf(lf: &str) -> String {
    lf.replace('\n', "\r\n")
}

#[test]
fn every_form_reads_exactly() {
    for (body, status, reason) in FORMS {
        for (how, b) in [
            ("as written", body.to_string()),
            ("crlf", crlf(body)),
            ("bom", format!("\u{feff}{body}")),
            ("bom+crlf", format!("\u{feff}{}", crlf(body))),
        ] {
            let r = read_body(&b).reading(CHECK);
            assert_eq!(r.status, *status, "{how}: {body:?} → {r:?}");
            match reason {
                Some(want) => assert!(
                    r.reason.as_deref().is_some_and(|got| got.contains(want)),
                    "{how}: {body:?}: {r:?} does not contain {want:?}"
                ),
                None => assert_eq!(r.reason, None, "{how}: {body:?}"),
            }
        }
    }
}

/// Appending a sentence saying a check failed never makes it evidenced; a
/// form that passes no longer does.
#[test]
fn a_failure_said_after_never_helps() {
    for (body, status, _) in FORMS {
        let after = read_body(&format!("{body}\n\nnpm run check failed.\n")).status(CHECK);
        assert_ne!(after, Passed, "{body:?}");
        if *status == Passed {
            assert_eq!(after, Failed, "{body:?}");
        }
    }
}

/// The fuzz target's invariant (`fuzz/fuzz_targets/pr_body.rs`) over every
/// form, with each of its lines as the check.
#[test]
fn the_fuzz_invariant_holds_for_every_form() {
    for (body, _, _) in FORMS {
        let e = read_body(body);
        for line in body.lines() {
            let check = line.trim_start_matches(['-', '*', ' ', '[', 'x', ']']);
            if normalise(check).is_empty() || e.status(check) == Passed {
                continue;
            }
            let more = read_body(&format!("{body}\n\n{check} failed.\n"));
            assert_ne!(more.status(check), Passed, "{body:?} / {check:?}");
        }
    }
}

#[test]
fn placeholders_in_list_form_are_no_commands_run() {
    for body in [
        "## Commands run\n- TODO\nRemaining risk: none known.\n",
        "## Commands run\n- n/a\n",
        "## Commands run\n- …\n",
        "## Commands run\n- tbd\n",
        "## Commands run\n- none yet\n",
        "## Commands run\n- TODO: paste the output\n",
        "## Commands run\n* [ ] TODO\n",
        "Commands run:\n- _TBD_\n",
        "**Commands run**\n1. pending\n",
        "## Commands run\n- TODO\n\n## Skipped\n- [x] `npm run check`\n",
        "- [x] `npm run check` — failed\n",
    ] {
        for b in [body.to_string(), crlf(body), format!("\u{feff}{body}")] {
            assert!(!read_body(&b).has_commands_run(), "{b:?}");
        }
    }
    for body in [
        "## Commands run\n- `npm run check`\n",
        "## Commands run\n- TODO\n\n- [x] `npm run check`\n",
        "\u{feff}## Commands run\n- `npm run build`\n",
    ] {
        assert!(read_body(body).has_commands_run(), "{body:?}");
    }
}

#[test]
fn remaining_risk_placeholders_in_list_form() {
    for body in [
        "## Remaining risk\n- TODO\n",
        "## Remaining risk\n- none yet\n",
        "## Remaining risk\n- tbd\n",
        "Remaining risk: - n/a\n",
    ] {
        assert!(!read_body(body).has_remaining_risk(), "{body:?}");
    }
    assert!(read_body("\u{feff}## Remaining risk\n- none known\n").has_remaining_risk());
}

/// A body never evidences a command it does not contain.
#[test]
fn a_body_evidences_only_what_it_names() {
    for (body, _, _) in FORMS {
        let e = read_body(body);
        assert_ne!(e.status("cargo test"), Passed, "{body:?}");
        assert_ne!(e.status("npm run build"), Passed, "{body:?}");
    }
}
