use super::*;

const STORE: &str = r#"use std::collections::{HashMap, hash_map::Entry as E};
use crate::auth::{self, Token};
use serde::Serialize;

/// A store; `Store::get` in a doc comment must not count.
#[derive(Serialize)]
pub struct Store<T> {
    pub items: HashMap<String, T>,
    limit: usize,
}

pub enum Error { Missing, Full }

pub trait Backend {
    fn load(&self, key: &str) -> Option<Vec<u8>>;
}

pub const MAX: usize = 64;
static COUNT: u32 = 0;
pub type Result<T> = std::result::Result<T, Error>;

impl<T: Clone> Store<T> {
    pub fn get(&self, key: &str) -> Option<T> {
        self.items.get(key).cloned()
    }
    fn evict(&mut self, (a, b): (u8, u8)) {
        println!("get {}", MAX);
    }
}

impl Backend for Store<Vec<u8>> {
    fn load(&self, key: &str) -> Option<Vec<u8>> { auth::check(Token::new()); None }
}

pub(crate) fn open(path: &std::path::Path, limit: usize) -> Store<u8> { todo!() }
"#;

#[test]
fn items_and_their_visibility() {
    let s = syms(Language::Rust, STORE);
    let store = decl(&s, "Store");
    assert_eq!(
        (store.kind, store.exported, store.line),
        (Kind::Struct, true, 7)
    );
    let f: Vec<_> = store
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.type_text.as_deref()))
        .collect();
    assert_eq!(
        f,
        [
            ("items", Some("HashMap<String, T>")),
            ("limit", Some("usize"))
        ]
    );
    assert_eq!(decl(&s, "Error").kind, Kind::Enum);
    assert_eq!(decl(&s, "Backend").kind, Kind::Trait);
    assert_eq!(
        (decl(&s, "MAX").kind, decl(&s, "MAX").exported),
        (Kind::Const, true)
    );
    assert_eq!(
        (decl(&s, "COUNT").kind, decl(&s, "COUNT").exported),
        (Kind::Const, false)
    );
    assert_eq!(decl(&s, "Result").kind, Kind::TypeAlias);
    let open = decl(&s, "open");
    assert!(open.exported, "pub(crate) is pub");
    let p: Vec<_> = open
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.type_text.as_deref()))
        .collect();
    assert_eq!(
        p,
        [("path", Some("&std::path::Path")), ("limit", Some("usize"))]
    );
}

#[test]
fn methods_of_impls_and_traits() {
    let s = syms(Language::Rust, STORE);
    let get = decl(&s, "get");
    assert_eq!(
        (get.kind, get.exported, get.parent.as_deref()),
        (Kind::Method, true, Some("Store"))
    );
    assert_eq!(names(&get.params), ["self", "key"]);
    let evict = decl(&s, "evict");
    assert!(!evict.exported);
    assert_eq!(names(&evict.params), ["self", "(a, b)"]);
    let loads: Vec<_> = s
        .declarations
        .iter()
        .filter(|d| d.name == "load")
        .map(|d| (d.parent.as_deref(), d.exported))
        .collect();
    assert_eq!(loads, [(Some("Backend"), true), (Some("Store"), true)]);
}

#[test]
fn use_trees_flatten_to_bound_names() {
    let s = syms(Language::Rust, STORE);
    let i: Vec<_> = s
        .imports
        .iter()
        .map(|i| (i.bound.as_str(), i.module.as_str()))
        .collect();
    assert_eq!(
        i,
        [
            ("HashMap", "std::collections"),
            ("E", "std::collections::hash_map"),
            ("auth", "crate"),
            ("Token", "crate::auth"),
            ("Serialize", "serde"),
        ]
    );
    let gets: Vec<_> = s
        .references
        .iter()
        .filter(|r| r.name == "get")
        .map(|r| r.line)
        .collect();
    assert_eq!(
        gets,
        [24],
        "`self.items.get`: not the doc comment, the string or the declaration"
    );
}

#[test]
fn snapshot_rust() {
    insta::assert_yaml_snapshot!(syms(Language::Rust, STORE));
}
