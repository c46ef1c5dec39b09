//! The PR-body evidence reader: any body is read without a panic, and asking
//! for the status of any check (including one named in the body) is too.
//! Two invariants hold for every body and check:
//! - appending a sentence saying the check failed never makes it evidenced
//!   (a failure said anywhere wins; a pass that was not there never appears);
//! - a body evidences only a check it contains (when no entity or escape
//!   can spell the check differently).
#![no_main]

use contract_gate_core::pr_body::{is_pr_notes_check, read_body, EvidenceStatus};
use libfuzzer_sys::fuzz_target;

/// Characters the reader drops (invisible when rendered).
const INVISIBLE: [char; 8] = [
    '\u{feff}', '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{fe0e}', '\u{fe0f}', '\u{ad}',
];

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let ev = read_body(body);
    let _ = ev.has_remaining_risk();
    let flat = |s: &str| {
        s.replace(INVISIBLE, "")
            .replace(['\u{2019}', '\u{2018}', '\u{2bc}'], "'")
            .to_lowercase()
            .replace('`', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    // An entity, an escape or inline HTML can spell a check otherwise.
    let plain = !body.contains(['&', '\\', '<']);
    let flat_body = flat(body);
    // The body's own lines, as check names, exercise the matcher on text
    // that is really there.
    let mut checks: Vec<&str> = body
        .lines()
        .take(16)
        .map(|line| line.trim_start_matches(['-', '*', ' ', '[', 'x', ']']))
        .collect();
    checks.push("npm test");
    for check in checks {
        let status = ev.status(check);
        let _ = is_pr_notes_check(check);
        let needle = flat(check);
        if needle.is_empty() || needle.contains(['.', ';', '!', '?', '<', '>', '|', '#']) {
            continue;
        }
        if plain && status == EvidenceStatus::Passed {
            assert!(flat_body.contains(&needle), "evidenced {check:?} it does not contain");
        }
        if status != EvidenceStatus::Passed {
            let more = read_body(&format!("{body}\n\n{check} failed.\n"));
            assert_ne!(
                more.status(check),
                EvidenceStatus::Passed,
                "a failure said about {check:?} made it evidenced"
            );
        }
    }
});
