//! The symbol extractor: the first byte picks the language, the rest is the
//! file. Extraction never panics or hangs on any bytes (a syntax error is a
//! flag, not an error; a parse past its time budget is `TooSlow`), and every
//! line it reports lies inside the input.
#![no_main]

use contract_gate_symbols::{extract, Field, Language, SymbolError};
use libfuzzer_sys::fuzz_target;

/// Walks nested shapes, so a deep one is reached (and must not overflow).
fn count_fields(fields: &[Field]) -> usize {
    fields.iter().map(|f| 1 + count_fields(&f.fields)).sum()
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, source)) = data.split_first() else {
        return;
    };
    let lang = Language::ALL[usize::from(pick) % Language::ALL.len()];
    let symbols = match extract(lang, source) {
        Ok(s) => s,
        // A parse past its time budget says so (the caller fails closed).
        Err(SymbolError::TooSlow(..)) => return,
        Err(e) => panic!("{e}"),
    };
    let lines =
        u32::try_from(source.iter().filter(|b| **b == b'\n').count() + 1).unwrap_or(u32::MAX);
    let within = |line: u32| (1..=lines).contains(&line);
    for d in &symbols.declarations {
        assert!(within(d.line), "{d:?} outside {lines} lines");
        let _ = count_fields(&d.fields);
    }
    for r in &symbols.references {
        assert!(within(r.line), "{r:?} outside {lines} lines");
    }
    for i in &symbols.imports {
        assert!(within(i.line), "{i:?} outside {lines} lines");
    }
});
