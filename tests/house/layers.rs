//! The house rules, checked: the core stays pure and imports point one way
//! (cli → action/agent → source/report → core).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Crates the pure core must never depend on, directly or through another.
const FORBIDDEN_IN_CORE: &[&str] = &["tokio", "reqwest", "hyper", "octocrab", "clap", "miette"];

#[test]
fn the_core_depends_on_no_runtime_http_cli_or_terminal_crate() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "tree",
            "-p",
            "contract-gate-core",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("run cargo tree");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.starts_with("contract-gate-core "),
        "unexpected tree: {text}"
    );
    for line in text.lines() {
        let name = line.split_whitespace().next().unwrap_or("");
        assert!(
            !FORBIDDEN_IN_CORE.contains(&name),
            "contract-gate-core depends on `{name}`:\n{text}"
        );
    }
}

/// The modules of the binary crate, lowest layer first. A module may import
/// only from its own layer's module or a lower layer (`term` is the shared
/// floor: the one stdout writer).
const LAYERS: &[(&str, u8)] = &[
    ("term", 0),
    ("report", 1),
    ("source", 1),
    ("action", 2),
    ("agent", 2),
    ("cli", 3),
];

fn layer_of(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn imports_point_down() {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut upward = Vec::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let top = top.trim_end_matches(".rs");
        let Some(mine) = layer_of(top) else { continue };
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(i) = rest.find("crate::") {
                rest = &rest[i + "crate::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                // `contract_gate_core::` also contains `crate::`-free text; only
                // a bare `crate::` path counts, and siblings in one layer are fine.
                if let Some(theirs) = layer_of(&name) {
                    if theirs > mine {
                        upward.push(format!("{}:{}: {top} imports {name}", rel.display(), n + 1));
                    }
                }
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports pointing up:\n{}",
        upward.join("\n")
    );
}

/// The core reads no files, starts no processes, reads no environment or
/// clock: its source never names those APIs.
#[test]
fn the_core_does_no_io() {
    let mut files = Vec::new();
    rust_files(&root().join("crates/core/src"), &mut files);
    let banned = [
        "std::fs",
        "std::process",
        "std::env",
        "SystemTime",
        "Instant::now",
        "std::net",
        "std::io::stdin",
        "println!",
        "eprintln!",
    ];
    let mut found = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        // Unit tests may read fixtures; only the library code is held to it.
        let lib = text.split("#[cfg(test)]").next().unwrap_or("");
        for b in banned {
            if lib.contains(b) {
                found.push(format!("{}: {b}", f.display()));
            }
        }
    }
    assert!(found.is_empty(), "I/O in the core:\n{}", found.join("\n"));
}

/// The two sources are siblings: what both need (contract locations and
/// files) lives in `source/` itself, so neither names the other.
#[test]
fn the_sources_do_not_import_each_other() {
    let mut found = Vec::new();
    for (dir, other) in [("github", "local"), ("local", "github")] {
        let mut files = Vec::new();
        rust_files(&root().join("src/source").join(dir), &mut files);
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for (n, line) in text.lines().enumerate() {
                if line.contains(&format!("source::{other}")) {
                    found.push(format!("{}:{}: {line}", f.display(), n + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "one source imports the other:\n{}",
        found.join("\n")
    );
}
