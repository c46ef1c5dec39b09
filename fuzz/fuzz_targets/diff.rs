//! The unified-diff reader and the line diff: no panic; a text compared with
//! itself removes nothing; a removal in a line diff names a line of the new
//! text (or line 1 of an empty one).
#![no_main]

use contract_gate_core::diff::{removals_between, removals_in_patch};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = removals_in_patch(text);
    let (old, new) = text.split_once('\0').unwrap_or((text, ""));
    assert!(removals_between(old, old).is_empty());
    let max = new.lines().count().max(1) as u32;
    for l in removals_between(old, new) {
        assert!(l <= max + 1, "line {l} past the new text ({max} lines)");
    }
});
