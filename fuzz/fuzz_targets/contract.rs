//! The contract reader: markdown → model → validation → rendered diagnostics
//! (text and JSON). Every span lies inside the source on char boundaries, and
//! drawing a diagnostic never panics (long lines are clamped first), and a
//! contract that read without errors reads back the same routing model
//! (agents, branches, scopes, shared state, merge order) from its canonical
//! rendering.
#![no_main]

use contract_gate_core::contract::{parse, validate_set};
use contract_gate_fuzz::report::{clamp::clamp_for_render, diagnostics, lint};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let mut set = [parse("CONTRACT.md", source)];
    validate_set(&mut set);
    let c = &set[0];
    assert_eq!(c.source, source);
    for d in &c.diagnostics {
        let s = &d.span;
        assert!(
            s.start <= s.end && s.end <= source.len(),
            "{s:?} outside the source"
        );
        assert!(
            source.is_char_boundary(s.start) && source.is_char_boundary(s.end),
            "{s:?} off a char boundary"
        );
        let (snippet, span) = clamp_for_render(source, s.clone());
        assert!(span.start <= span.end && span.end <= snippet.len());
        assert!(snippet.is_char_boundary(span.start) && snippet.is_char_boundary(span.end));
        let _ = diagnostics::render(c, d, false);
    }
    let json = lint::json(&set);
    let _: serde_json::Value = serde_json::from_str(&json).expect("lint JSON parses");
    let _ = lint::text(&set, false);
    // A contract that read cleanly reads back the same from its canonical form.
    let _ = contract_gate_fuzz::roundtrip::check(c);
});
