//! The contract reader: markdown → model → validation → rendered diagnostics
//! (text and JSON). Every span lies inside the source on char boundaries, and
//! drawing a diagnostic never panics (long lines are clamped first). A
//! contract that read without errors drops no word of a rule line (every
//! word is in the vocabulary or held by the model: `unaccounted`), and reads
//! back to the same model from its canonical form (`fmt`), which formats to
//! itself.
#![no_main]

use contract_gate_core::contract::{canonical, model_of, parse, unaccounted, validate_set};
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
    let lost = unaccounted(c);
    assert!(lost.is_empty(), "words dropped from rule lines: {lost:?}");
    // The canonical Worktrees line carries names, branches and worktrees
    // of plain characters; others (backticks, `key:` words) are checked
    // by the tests' own contracts, not here.
    let plain = |s: &str| {
        s.chars().all(|ch| ch.is_alphanumeric() || matches!(ch, '-' | '_' | '.' | '/' | ' '))
            && !s.contains(':')
    };
    let plain_agents = c.agents.iter().all(|a| {
        plain(&a.name)
            && a.branch.as_deref().is_none_or(plain)
            && a.worktree.as_deref().is_none_or(plain)
    });
    if !c.has_errors() && plain_agents {
        let once = canonical(c);
        let c2 = parse("CONTRACT.md", &once);
        assert!(!c2.has_errors(), "the canonical form has errors: {:?}\n{once}", c2.diagnostics);
        assert_eq!(model_of(&c2), model_of(c), "the canonical form reads to another model\n{once}");
        assert_eq!(canonical(&c2), once, "fmt(fmt(x)) != fmt(x)");
    }
});
