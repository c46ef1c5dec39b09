//! The house rule "errors are typed", checked: no production function
//! returns `Result<_, String>` (a thiserror enum per module keeps the
//! cause, with its sources, for whoever handles it).

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if p.is_dir() {
            sources(&p, out);
        } else if name.ends_with(".rs")
            && !name.starts_with("tests")
            && !name.ends_with("_tests.rs")
        {
            out.push(p);
        }
    }
}

/// True when the line names a `Result` whose error type is `String`: the
/// second parameter at the top level of its angle brackets.
fn string_error(line: &str) -> bool {
    line.match_indices("Result<").any(|(i, m)| {
        let rest = &line[i + m.len()..];
        let (mut depth, mut comma) = (0i32, None);
        for (j, ch) in rest.char_indices() {
            match ch {
                '<' | '(' => depth += 1,
                ')' => depth -= 1,
                '>' if depth == 0 => {
                    return comma.is_some_and(|c: usize| rest[c + 1..j].trim() == "String");
                }
                '>' => depth -= 1,
                ',' if depth == 0 => comma = Some(j),
                _ => {}
            }
        }
        false
    })
}

#[test]
fn the_check_reads_the_error_type() {
    assert!(string_error(
        "fn f() -> Result<Vec<(u8, String)>, String> {"
    ));
    assert!(!string_error(
        "fn g() -> Result<HashMap<String, String>, GitError> {"
    ));
    assert!(!string_error("fn h() -> Result<String, E>"));
}

#[test]
fn no_production_code_returns_a_string_error() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for d in ["src", "crates/core/src", "crates/symbols/src"] {
        sources(&root.join(d), &mut files);
    }
    let mut found = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        // Test code at the end of a file is not production code.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (i, line) in code.lines().enumerate() {
            if string_error(line) && !line.trim_start().starts_with("//") {
                found.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "Result<_, String> in production code:\n{}",
        found.join("\n")
    );
}
