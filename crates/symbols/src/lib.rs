//! contract-gate's symbol layer: a pure function from a file's bytes to its
//! declarations (kind, name, export status, parameters, shape), identifier
//! references (outside comments and strings) and imports, read with
//! tree-sitter. No I/O and no processes: the caller reads the blobs.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod ctx;
mod go;
mod model;
mod python;
mod refs;
mod rust;
mod ts;

pub use model::{Declaration, Field, FileSymbols, Import, Kind, Language, Param, Reference};

/// Why a file could not be read at all (a file with syntax errors is not
/// an error: see [`FileSymbols::has_errors`]).
#[derive(Debug, thiserror::Error)]
pub enum SymbolError {
    /// The grammar does not fit the linked tree-sitter runtime.
    #[error("the {0:?} grammar does not load: {1}")]
    Grammar(Language, tree_sitter::LanguageError),
    /// tree-sitter returned no tree (it does so only when cancelled).
    #[error("tree-sitter returned no tree for a {0:?} file")]
    NoTree(Language),
    /// The parse ran past its time budget: tree-sitter's error recovery can
    /// take minutes on some malformed input (the fuzz target found a
    /// 47-byte TSX file). The file's symbols are unknown; the caller fails
    /// closed.
    #[error("parsing the {0:?} file took longer than {1} ms, so its symbols are unknown")]
    TooSlow(Language, u128),
}

/// How long one file may take to parse: half a second, plus 2 ms per KiB
/// (a 1 MiB file parses in about 100 ms in a release build).
fn budget(len: usize) -> std::time::Duration {
    std::time::Duration::from_millis(500 + 2 * (len as u64 / 1024))
}

fn grammar(lang: Language) -> tree_sitter::Language {
    match lang {
        Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        Language::Python => tree_sitter_python::LANGUAGE.into(),
        Language::Go => tree_sitter_go::LANGUAGE.into(),
        Language::Rust => tree_sitter_rust::LANGUAGE.into(),
    }
}

/// Reads the symbols of one file in `lang`.
pub fn extract(lang: Language, source: &[u8]) -> Result<FileSymbols, SymbolError> {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&grammar(lang))
        .map_err(|e| SymbolError::Grammar(lang, e))?;
    let budget = budget(source.len());
    let started = std::time::Instant::now();
    let mut late = false;
    // tree-sitter calls this now and then while it parses; `true` cancels.
    let mut over = |_: &tree_sitter::ParseState| {
        late = started.elapsed() > budget;
        late
    };
    let options = tree_sitter::ParseOptions::new().progress_callback(&mut over);
    let mut read = |i: usize, _: tree_sitter::Point| source.get(i..).unwrap_or_default();
    let tree = parser.parse_with_options(&mut read, None, Some(options));
    let tree = match tree {
        Some(t) => t,
        None if late => return Err(SymbolError::TooSlow(lang, budget.as_millis())),
        None => return Err(SymbolError::NoTree(lang)),
    };
    let root = tree.root_node();
    let mut cx = ctx::Ctx::new(source);
    match lang {
        Language::TypeScript | Language::Tsx | Language::JavaScript => ts::module(&mut cx, root),
        Language::Python => python::module(&mut cx, root),
        Language::Go => go::module(&mut cx, root),
        Language::Rust => rust::module(&mut cx, root),
    }
    let mut out = cx.finish(root);
    out.has_errors = root.has_error();
    Ok(out)
}
