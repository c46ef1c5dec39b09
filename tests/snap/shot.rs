//! What a snapshot holds: one command line, its exit code, stdout and
//! stderr, with what changes from run to run (temp paths, SHAs, tree ids,
//! times) replaced by a fixed placeholder, so the snapshot is what a user
//! sees and a diff is a real change.

use std::path::Path;

use crate::support::Run;

/// The text of one run, for `insta::assert_snapshot!`.
pub fn shot(args: &[&str], run: &Run, dirs: &[&Path]) -> String {
    let mut text = format!("$ contract-gate {}\nexit: {}\n", args.join(" "), run.code);
    for (name, out) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        if !out.is_empty() {
            text.push_str(&format!("--- {name}\n{out}"));
            if !out.ends_with('\n') {
                text.push_str("⏎ (no final newline)\n");
            }
        }
    }
    scrub(&text, dirs)
}

/// Replaces the given directories, any other temp path, and every hex
/// object id (7 to 40 digits, holding both a digit and a letter) by
/// placeholders.
pub fn scrub(text: &str, dirs: &[&Path]) -> String {
    let mut out = text.to_string();
    let mut dirs: Vec<String> = dirs
        .iter()
        .flat_map(|d| {
            let canon = d.canonicalize().unwrap_or(d.to_path_buf());
            [d.display().to_string(), canon.display().to_string()]
        })
        .collect();
    // The longest first, so a directory inside another is replaced whole.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.len()));
    dirs.dedup();
    for d in &dirs {
        out = out.replace(d.as_str(), "[DIR]");
    }
    let dirs: Vec<&Path> = dirs.iter().map(Path::new).collect();
    let known = object_ids(&dirs);
    let tmp = regex::Regex::new(r"/tmp/[^\s,'`\x22)]+").unwrap();
    out = tmp.replace_all(&out, "[TMP]").into_owned();
    let hex = regex::Regex::new(r"\b[0-9a-f]{7,64}\b").unwrap();
    out = hex
        .replace_all(&out, |c: &regex::Captures| {
            let s = &c[0];
            // An object of one of the repositories (all digits or all
            // letters happen), or anything that looks like one.
            let mixed =
                s.bytes().any(|b| b.is_ascii_digit()) && s.bytes().any(|b| b.is_ascii_alphabetic());
            if mixed || known.iter().any(|k| k.starts_with(s)) {
                "[sha]".to_string()
            } else {
                s.to_string()
            }
        })
        .into_owned();
    let ms = regex::Regex::new(r"\b\d+(\.\d+)? ?ms\b|\b\d+\.\d+ ?s\b").unwrap();
    ms.replace_all(&out, "[time]").into_owned()
}

/// Every object id of the git repositories in `dirs` and the directories
/// just below them (the demo keeps several side by side).
fn object_ids(dirs: &[&Path]) -> Vec<String> {
    let mut repos = Vec::new();
    for d in dirs {
        repos.push(d.to_path_buf());
        for e in std::fs::read_dir(d).into_iter().flatten().flatten() {
            repos.push(e.path());
            for e in std::fs::read_dir(e.path()).into_iter().flatten().flatten() {
                repos.push(e.path());
            }
        }
    }
    let mut ids = Vec::new();
    for r in repos.iter().filter(|r| r.join(".git").exists()) {
        let out = std::process::Command::new("git")
            .args([
                "cat-file",
                "--batch-all-objects",
                "--batch-check=%(objectname)",
            ])
            .current_dir(r)
            .output();
        if let Ok(o) = out {
            ids.extend(String::from_utf8_lossy(&o.stdout).lines().map(String::from));
        }
    }
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn scrub_replaces_what_changes_and_keeps_the_rest() {
    let dir = Path::new("/x/repo");
    let s = scrub(
        "at /x/repo/a.ts, /tmp/.tmpAb12/b, 1a2b3c4 and 0123456789abcdef0123456789abcdef01234567; added deadbeef 1234567 in 12 ms\n",
        &[dir],
    );
    assert_eq!(
        s,
        "at [DIR]/a.ts, [TMP], [sha] and [sha]; added deadbeef 1234567 in [time]\n"
    );
}
