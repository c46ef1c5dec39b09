//! Issue 13 §1: huge and deeply nested inputs end with a verdict (exit 0 or
//! 1), never a panic, a hang or a silent pass. Timings are measured in the
//! README's Limits tables (release build), not here.

use crate::support::*;

/// A body 50,000 blockquotes and 1,000 list levels deep, after the real
/// evidence: the evidence still counts and the run ends with a verdict.
#[test]
fn a_deeply_nested_body_is_judged() {
    let r = Repo::blog();
    r.branch(METADATA, INTEGRATION)
        .write("src/content/config.ts", "export const c = { tags: [] };\n")
        .commit("tags");
    let mut body = METADATA_BODY.to_string();
    body.push_str(&">".repeat(50_000));
    body.push_str(" - [ ] `npm run check`\n");
    for i in 0..1_000 {
        body.push_str(&format!("{}- [x] deep\n", "  ".repeat(i)));
    }
    let body = r.body("deep.md", &body);
    // An unchecked mention deep inside a quote never outweighs the tick; a
    // tick nested 1,000 levels deep is no evidence for a check it does not name.
    r.check(&["--base", INTEGRATION, "--body", &body]).pass();
}

/// A contract whose notes nest 50,000 quotes and 1,000 list levels deep
/// reads like the contract without them: the same verdicts, no panic.
#[test]
fn a_deeply_nested_contract_reads_cleanly() {
    let mut md = UPLOADS.replace(
        "## Merge order",
        "## Notes\n\nDeep notes follow.\n\n## Merge order",
    );
    let tail = md.split_off(md.find("## Merge order").unwrap());
    md.push_str(&">".repeat(50_000));
    md.push_str(" note\n\n");
    for i in 0..1_000 {
        md.push_str(&format!("{}- note\n", "  ".repeat(i)));
    }
    md.push('\n');
    md.push_str(&tail);
    let r = Repo::with_contract(&md);
    r.branch("agents/migrations", "main")
        .write("src/db/migrations/001.sql", "create table t ();\n")
        .commit("migration");
    r.check(&["--base", "main"]).pass();
    r.branch("agents/tests", "main")
        .write("src/api/router.ts", "x\n")
        .commit("out of scope");
    r.check(&["--base", "main"])
        .blocked(&["merge-order", "scope"]);
    let lint = r.gate(&["lint"]);
    assert_eq!(lint.code, 0, "{}{}", lint.stdout, lint.stderr);
}

/// A 2 MB body of 60,000 checked items (the README measures 10 MB) finds the
/// one that names the check.
#[test]
fn a_large_body_is_judged() {
    let r = Repo::blog();
    r.branch(METADATA, INTEGRATION)
        .write("src/content/config.ts", "export const c = { tags: [] };\n")
        .commit("tags");
    let mut body = String::from("## Verification\n");
    for i in 0..60_000 {
        body.push_str(&format!("- [x] unrelated step {i}\n"));
    }
    body.push_str("- [x] `npm run check`\n- [x] `ASTRO_TELEMETRY_DISABLED=1 npm run build`\n\n## Remaining risk\nNone.\n");
    let body = r.body("big.md", &body);
    r.check(&["--base", INTEGRATION, "--body", &body]).pass();
}

/// A body past 16 MiB (GitHub caps one at 65,536 characters) or one that is
/// not UTF-8 is refused with exit 2 and a reason, never half-read.
#[test]
fn an_oversized_or_binary_body_is_refused() {
    let r = Repo::uploads();
    r.branch("agents/migrations", "main")
        .write("src/db/migrations/001.sql", "create table t ();\n")
        .commit("migration");
    let big = r.outside("big.md");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len((16 << 20) + 1).unwrap();
    r.check(&["--base", "main", "--body", big.to_str().unwrap()])
        .error(&["--body", "over 16777216 bytes (16 MiB), the limit"]);
    let bin = r.outside("bin.md");
    std::fs::write(&bin, b"- [x] npm test \xff\n").unwrap();
    r.check(&["--base", "main", "--body", bin.to_str().unwrap()])
        .error(&["--body", "not UTF-8 text"]);
}
