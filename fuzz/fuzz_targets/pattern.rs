//! The pattern compiler and matcher: the first line is a pattern, the rest
//! paths. Compiling never panics, and a pattern set answers exactly as the
//! pattern alone does.
#![no_main]

use contract_gate_core::pattern::{Pattern, PatternSet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.split('\n');
    let Some(first) = lines.next() else {
        return;
    };
    let Ok(p) = Pattern::parse(first) else {
        return;
    };
    let mut b = PatternSet::builder();
    b.add(&p, 7);
    let set = b.build();
    let mut out = Vec::new();
    for path in lines.take(64) {
        out.clear();
        set.matches_into(path, &mut out);
        assert_eq!(
            p.matches(path),
            out.contains(&7),
            "pattern {first:?} and its set disagree on {path:?}"
        );
    }
});
