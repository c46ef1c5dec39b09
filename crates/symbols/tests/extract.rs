//! Outcomes of the extractor on real-looking files, per language: kinds,
//! names, export status, parameters, shapes, references and imports. One
//! whole file per language is also a snapshot, read before it was accepted.

use contract_gate_symbols::{extract, Declaration, FileSymbols, Kind, Language, Param};

fn syms(lang: Language, src: &str) -> FileSymbols {
    extract(lang, src.as_bytes()).expect("extracts")
}

fn decl<'a>(s: &'a FileSymbols, name: &str) -> &'a Declaration {
    s.declarations
        .iter()
        .find(|d| d.name == name)
        .unwrap_or_else(|| panic!("no {name} in {s:#?}"))
}

fn names(params: &[Param]) -> Vec<&str> {
    params.iter().map(|p| p.name.as_str()).collect()
}

fn refs(s: &FileSymbols) -> Vec<&str> {
    s.references.iter().map(|r| r.name.as_str()).collect()
}

fn field_names(fields: &[contract_gate_symbols::Field]) -> Vec<&str> {
    fields.iter().map(|f| f.name.as_str()).collect()
}

#[path = "extract/go.rs"]
mod go;
#[path = "extract/language.rs"]
mod language;
#[path = "extract/python.rs"]
mod python;
#[path = "extract/rust.rs"]
mod rust;
#[path = "extract/ts.rs"]
mod ts;
