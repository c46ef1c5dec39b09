use super::*;

#[test]
fn languages_by_extension() {
    let cases = [
        ("src/a.ts", Some(Language::TypeScript)),
        ("a.mts", Some(Language::TypeScript)),
        ("a.cts", Some(Language::TypeScript)),
        ("web/App.tsx", Some(Language::Tsx)),
        ("a.js", Some(Language::JavaScript)),
        ("a.mjs", Some(Language::JavaScript)),
        ("a.cjs", Some(Language::JavaScript)),
        ("a.jsx", Some(Language::JavaScript)),
        ("pkg/views.py", Some(Language::Python)),
        ("main.go", Some(Language::Go)),
        ("src/lib.rs", Some(Language::Rust)),
        ("db/001.sql", None),
        ("Makefile", None),
        ("dir.ts/README", None),
    ];
    for (path, lang) in cases {
        assert_eq!(Language::of_path(path), lang, "{path}");
    }
}

#[test]
fn every_language_reads_arbitrary_bytes_without_panicking() {
    let junk: &[&[u8]] = &[
        b"",
        b"\xff\xfe\x00",
        b"{{{{((((",
        b"fn export def func class\n\n\n",
        b"\"unterminated",
    ];
    for lang in Language::ALL {
        for bytes in junk {
            let s = extract(lang, bytes).expect("extracts");
            let lines = bytes.iter().filter(|b| **b == b'\n').count() as u32 + 1;
            let all = s
                .declarations
                .iter()
                .map(|d| d.line)
                .chain(s.references.iter().map(|r| r.line));
            assert!(all
                .chain(s.imports.iter().map(|i| i.line))
                .all(|l| (1..=lines).contains(&l)));
        }
    }
}

/// The fuzz target's committed seeds pass its checks here too, so a seed
/// that breaks is seen by `cargo test`, not only by CI's fuzz stage.
#[test]
fn the_fuzz_seeds_extract_with_lines_inside_the_input() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz/corpus/symbols");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("the seeds") {
        let data = std::fs::read(entry.expect("an entry").path()).expect("a seed");
        let (&pick, source) = data.split_first().expect("a language byte");
        let lang = Language::ALL[usize::from(pick) % Language::ALL.len()];
        let s = extract(lang, source).expect("extracts");
        assert!(
            !s.has_errors && !s.declarations.is_empty(),
            "{lang:?}: {s:#?}"
        );
        let lines = source.iter().filter(|b| **b == b'\n').count() as u32 + 1;
        assert!(s.declarations.iter().all(|d| (1..=lines).contains(&d.line)));
        seen += 1;
    }
    assert_eq!(seen, Language::ALL.len(), "one seed per language");
}

/// The fuzz target's find: tree-sitter's TSX error recovery spends minutes
/// on these 47 bytes. The parse stops at its budget and says so; it never
/// hangs and never passes for a file without symbols.
#[test]
fn a_parse_that_runs_too_long_is_stopped_and_said() {
    let src = b"export const Card = (z tiard = (title}</div.;\n";
    let started = std::time::Instant::now();
    let got = contract_gate_symbols::extract(Language::Tsx, src);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    match got {
        Err(e @ contract_gate_symbols::SymbolError::TooSlow(..)) => {
            assert!(e.to_string().contains("so its symbols are unknown"), "{e}");
        }
        // A faster machine or build may finish within the budget.
        Ok(s) => assert!(s.has_errors),
        Err(e) => panic!("{e}"),
    }
}
