//! The PR-body evidence reader: any body is read without a panic, and asking
//! for the status of any check (including one named in the body) is too.
#![no_main]

use contract_gate_core::pr_body::{is_pr_notes_check, read_body};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let ev = read_body(body);
    let _ = ev.has_remaining_risk();
    // The body's own lines, as check names, exercise the matcher on text
    // that is really there.
    for line in body.lines().take(64) {
        let check = line.trim_start_matches(['-', '*', ' ', '[', 'x', ']']);
        let _ = ev.status(check);
        let _ = is_pr_notes_check(check);
    }
    let _ = ev.status("npm test");
});
