//! What the extractor returns: plain data, serialisable, compared by value.

use serde::Serialize;

/// A source language with a grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Language {
    /// `.ts`, `.mts`, `.cts`
    TypeScript,
    /// `.tsx`
    Tsx,
    /// `.js`, `.mjs`, `.cjs`, `.jsx`
    JavaScript,
    /// `.py`
    Python,
    /// `.go`
    Go,
    /// `.rs`
    Rust,
}

impl Language {
    /// Every language, in a fixed order (the fuzz target picks by index).
    pub const ALL: [Language; 6] = [
        Language::TypeScript,
        Language::Tsx,
        Language::JavaScript,
        Language::Python,
        Language::Go,
        Language::Rust,
    ];

    /// The language of a path, by its extension; `None` keeps text matching.
    pub fn of_path(path: &str) -> Option<Language> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let (_, ext) = name.rsplit_once('.')?;
        Some(match ext {
            "ts" | "mts" | "cts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            "js" | "mjs" | "cjs" | "jsx" => Language::JavaScript,
            "py" => Language::Python,
            "go" => Language::Go,
            "rs" => Language::Rust,
            _ => return None,
        })
    }
}

/// What a declaration is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Kind {
    /// A free function (or a `const f = () => …` in TS/JS).
    Function,
    /// A function inside a class, impl, trait or with a Go receiver.
    Method,
    /// A class.
    Class,
    /// A TS or Go interface.
    Interface,
    /// A type alias (TS `type`, Go `type X Y`, Rust `type`).
    TypeAlias,
    /// A Go or Rust struct.
    Struct,
    /// An enum.
    Enum,
    /// A Rust trait.
    Trait,
    /// A constant (TS/JS `const`, Go `const`, Rust `const`/`static`, Python UPPER_CASE).
    Const,
}

/// All a file declares, references and imports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileSymbols {
    /// Top-level declarations and the methods of classes, impls and traits.
    pub declarations: Vec<Declaration>,
    /// Identifiers outside comments and strings, except declaring ones.
    pub references: Vec<Reference>,
    /// Import bindings.
    pub imports: Vec<Import>,
    /// The parse found syntax errors: the symbols are what could be read.
    pub has_errors: bool,
}

/// One declared symbol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Declaration {
    /// What it is.
    pub kind: Kind,
    /// Its name.
    pub name: String,
    /// Visible outside its module, by the language's rule.
    pub exported: bool,
    /// The 1-based line of its name.
    pub line: u32,
    /// Parameters in order (functions and methods).
    pub params: Vec<Param>,
    /// Fields (structs, interfaces, object type aliases, classes).
    pub fields: Vec<Field>,
    /// The class, impl type, trait or receiver type a method belongs to.
    pub parent: Option<String>,
}

/// One parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Param {
    /// Its name (the pattern's text for a destructuring parameter).
    pub name: String,
    /// Written optional (TS `x?`).
    pub optional: bool,
    /// Has a default value.
    pub default: bool,
    /// Its type as written, if written.
    pub type_text: Option<String>,
}

/// One field of a type's shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    /// Its name.
    pub name: String,
    /// Its type as written, unless it is a nested object type.
    pub type_text: Option<String>,
    /// The fields of a nested object type.
    pub fields: Vec<Field>,
}

/// An identifier used in code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// The identifier.
    pub name: String,
    /// Its 1-based line.
    pub line: u32,
}

/// One name an import binds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Import {
    /// The local name bound.
    pub bound: String,
    /// The module as written (`./auth`, `os.path`, `net/http`, `crate::auth`).
    pub module: String,
    /// Its 1-based line.
    pub line: u32,
}
