//! The house rule "no import cycles", checked: between the files of each
//! crate, the `use` paths and inline `crate::`/`super::` paths form no
//! circle. A parent module and its own children are one unit (a `mod.rs`
//! re-exports what its children define), so only edges between files that
//! are not each other's ancestors count.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A module path (`["cli", "rehearse"]`) → its file, for one crate's `src`.
fn modules(src: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let rel = p.strip_prefix(src).unwrap().with_extension("");
            let mut segs: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into()).collect();
            let last = segs.last().cloned().unwrap_or_default();
            if last.starts_with("tests") || last.ends_with("_tests") || last == "main" {
                continue;
            }
            if last == "mod" || last == "lib" {
                segs.pop();
            }
            out.insert(segs, p);
        }
    }
    out
}

/// The text without comments and string literals (crudely, line by line:
/// enough for paths, which never span a `//`).
fn code_of(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        let mut in_str = false;
        for ch in line.chars() {
            if ch == '"' {
                in_str = !in_str;
            } else if !in_str {
                out.push(ch);
            }
        }
        out.push('\n');
    }
    out
}

/// Every path a file names: each `use` tree expanded, then each inline
/// `crate::…`/`super::…`/`self::…` path.
fn paths_in(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("use ") {
        let before = rest[..i].chars().last();
        let tail = &rest[i + 4..];
        let Some(end) = tail.find(';') else { break };
        if before.is_none_or(|c| !(c.is_alphanumeric() || c == '_')) {
            expand(
                &tail[..end].replace(char::is_whitespace, ""),
                &mut Vec::new(),
                &mut out,
            );
        }
        rest = &tail[end..];
    }
    let bytes: Vec<char> = code.chars().collect();
    let text: String = bytes.iter().collect();
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(start) {
            let at = from + i;
            from = at + start.len();
            if text[..at]
                .chars()
                .last()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
            {
                continue;
            }
            let path: String = text[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            out.push(
                path.split("::")
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
            );
        }
    }
    out
}

/// Expands `a::{b, c::{d}}` into `a::b`, `a::c::d`.
fn expand(tree: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let tree = tree.trim_start_matches("::");
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = tree[..open]
            .split("::")
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let n = prefix.len();
        prefix.extend(head);
        let (mut depth, mut last) = (0, 0);
        for (i, ch) in inner.char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[last..i], prefix, out);
                    last = i + 1;
                }
                _ => {}
            }
        }
        expand(&inner[last..], prefix, out);
        prefix.truncate(n);
    } else if !tree.is_empty() {
        let mut p = prefix.clone();
        let tree = tree.split(" as ").next().unwrap_or(tree);
        p.extend(tree.split("::").filter(|s| !s.is_empty()).map(String::from));
        out.push(p);
    }
}

/// The module a path names, resolved from module `me`: the longest prefix
/// that is a module file.
fn resolve(
    me: &[String],
    path: &[String],
    mods: &BTreeMap<Vec<String>, PathBuf>,
) -> Option<Vec<String>> {
    let mut abs: Vec<String> = match path.first().map(String::as_str) {
        Some("crate") => Vec::new(),
        Some("self") => me.to_vec(),
        Some("super") => me.to_vec(),
        Some(first) => {
            // A child module of this one (`use run::X` after `mod run;`).
            let mut child = me.to_vec();
            child.push(first.to_string());
            if !mods.contains_key(&child) {
                return None;
            }
            me.to_vec()
        }
        None => return None,
    };
    let mut segs = path.iter().peekable();
    if matches!(path[0].as_str(), "crate" | "self") {
        segs.next();
    }
    while segs.peek().is_some_and(|s| *s == "super") {
        segs.next();
        abs.pop();
    }
    for s in segs {
        abs.push(s.clone());
        if !mods.contains_key(&abs) {
            abs.pop();
            break;
        }
    }
    Some(abs)
}

fn cycles_in(src: &Path) -> Vec<String> {
    let mods = modules(src);
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (me, file) in &mods {
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        // A `#[cfg(test)]` tail is test code: not part of the structure.
        let code = code.split("#[cfg(test)]").next().unwrap_or("");
        for path in paths_in(code) {
            let Some(to) = resolve(me, &path, &mods) else {
                continue;
            };
            let related = to.starts_with(me) || me.starts_with(&to);
            if !related {
                edges.entry(me.clone()).or_default().insert(to);
            }
        }
    }
    // Tarjan would name components; a DFS that reports each back edge's
    // circle is enough to say where.
    let mut found = Vec::new();
    let mut state: BTreeMap<&Vec<String>, u8> = BTreeMap::new();
    fn dfs<'a>(
        n: &'a Vec<String>,
        edges: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<&'a Vec<String>, u8>,
        stack: &mut Vec<&'a Vec<String>>,
        found: &mut Vec<String>,
    ) {
        state.insert(n, 1);
        stack.push(n);
        for m in edges.get(n).into_iter().flatten() {
            match state.get(m).copied() {
                Some(1) => {
                    let i = stack.iter().position(|x| *x == m).unwrap();
                    let names: Vec<String> = stack[i..].iter().map(|x| x.join("::")).collect();
                    found.push(format!("{} -> {}", names.join(" -> "), m.join("::")));
                }
                None => dfs(m, edges, state, stack, found),
                _ => {}
            }
        }
        stack.pop();
        state.insert(n, 2);
    }
    for n in edges.keys() {
        if !state.contains_key(n) {
            dfs(n, &edges, &mut state, &mut Vec::new(), &mut found);
        }
    }
    found
}

#[test]
fn no_module_imports_in_a_circle() {
    let found: Vec<String> = ["src", "crates/core/src", "crates/symbols/src"]
        .iter()
        .flat_map(|src| {
            let cycles = cycles_in(&root().join(src));
            cycles.into_iter().map(move |c| format!("{src}: {c}"))
        })
        .collect();
    assert!(found.is_empty(), "import cycles:\n{}", found.join("\n"));
}

#[test]
fn the_cycle_check_sees_a_cycle() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("a")).unwrap();
    std::fs::write(dir.path().join("lib.rs"), "mod a;\n").unwrap();
    std::fs::write(dir.path().join("a/mod.rs"), "mod x;\nmod y;\n").unwrap();
    std::fs::write(dir.path().join("a/x.rs"), "use super::y::{Y, other::Z};\n").unwrap();
    std::fs::write(
        dir.path().join("a/y.rs"),
        "fn f() -> crate::a::x::X { todo!() }\n",
    )
    .unwrap();
    let found = cycles_in(dir.path());
    assert_eq!(found, ["a::x -> a::y -> a::x"]);
}
