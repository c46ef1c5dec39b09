//! Hostile file names (newline, tab, quotes, backslash, leading `-`, lossy
//! non-UTF-8, 4,000 characters, forged workflow commands) in every output
//! format: shown escaped, never a line the Actions runner would execute.

use std::os::unix::ffi::OsStrExt;

use contract_gate::report::escape::{is_runner_command, text as esc};
use contract_gate::report::{self, escape, workflow, Format};
use contract_gate_core::verdict::{Conclusion, Finding, Rule, Verdict};
use serde_json::Value;

use crate::support::*;

fn hostile() -> Vec<String> {
    vec![
        "x\n::error title=forged::owned.ts".into(),
        "::warning::leading.ts".into(),
        "a ##[error]legacy.ts".into(),
        "tab\there.ts".into(),
        "q\"uo'te.ts".into(),
        "back\\slash\\n.ts".into(),
        "-rf --force.ts".into(),
        "100%,a:b\r.ts".into(),
        "pipe|star*`tick`_[x](y)<z>.ts".into(),
        "evil\u{202e}gpj.ts".into(),
        String::from_utf8_lossy(b"caf\xff\xfe.ts").into_owned(),
        format!("{}end.ts", "d/".repeat(1997)),
    ]
}

fn verdict(paths: &[String]) -> Verdict {
    Verdict {
        contract: Some("CONTRACT.md".into()),
        agent: Some("agent-2".into()),
        role: None,
        branch: "agents/migrations".into(),
        base: "main".into(),
        conclusion: Conclusion::Failure,
        findings: paths
            .iter()
            .enumerate()
            .map(|(i, p)| {
                Finding::failure(Rule::Scope, format!("`{p}` is outside what agent-2 owns"))
                    .at(p.clone(), Some(i as u32 + 1))
            })
            .collect(),
        merge_progress: Vec::new(),
        evidence: Vec::new(),
    }
}

#[track_caller]
fn assert_no_runner_command(what: &str, out: &str) {
    for line in out.lines() {
        assert!(
            !is_runner_command(line),
            "{what} prints a runner command: {line:?}"
        );
    }
}

#[test]
fn the_long_name_is_4000_characters() {
    assert_eq!(hostile().last().unwrap().chars().count(), 4000);
}

#[test]
fn text_report_escapes_every_name_on_its_own_line() {
    let paths = hostile();
    let out = report::render(Format::Text, &verdict(&paths));
    assert_no_runner_command("text", &out);
    let finding_lines: Vec<&str> = out.lines().filter(|l| l.starts_with("    ")).collect();
    assert_eq!(finding_lines.len(), paths.len(), "{out}");
    for (i, p) in paths.iter().enumerate() {
        let msg = format!("`{p}` is outside what agent-2 owns");
        let want = format!("    {}:{}  {}", esc(p), i + 1, esc(&msg));
        assert_eq!(finding_lines[i], want);
    }
    assert!(out.contains("    x\\n::error title=forged::owned.ts:1"));
    assert!(out.contains("    \\::warning::leading.ts:2"));
    assert!(out.contains("a #\\#[error]legacy.ts"));
    assert!(out.contains("tab\\there.ts") && out.contains("back\\\\slash\\\\n.ts"));
    assert!(out.contains("evil\\u{202e}gpj.ts") && out.contains("100%,a:b\\r.ts"));
}

#[test]
fn workflow_commands_escape_properties_and_data() {
    let paths = hostile();
    let out = workflow::commands(&verdict(&paths), 100);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), paths.len(), "{out}");
    for (line, p) in lines.iter().zip(&paths) {
        let rest = line.strip_prefix("::error file=").expect(line);
        let (props, data) = rest.split_once("::").expect(line);
        let file = props.split(',').next().unwrap();
        assert!(!file.contains([':', ',', '\r', '\n']), "{file}");
        let unescape = |s: &str| {
            s.replace("%0D", "\r")
                .replace("%0A", "\n")
                .replace("%3A", ":")
                .replace("%2C", ",")
                .replace("%25", "%")
        };
        assert_eq!(unescape(file), *p);
        assert!(unescape(data).starts_with(&format!("`{p}` is outside")));
        assert!(!line.contains(['\r', '\n']));
    }
    assert!(lines[7].starts_with("::error file=100%25%2Ca%3Ab%0D.ts,line=8,title=scope::"));
}

#[test]
fn json_carries_the_names_as_they_are() {
    let paths = hostile();
    let out = report::render(Format::Json, &verdict(&paths));
    assert_no_runner_command("json", &out);
    let v: Value = serde_json::from_str(&out).unwrap();
    let got: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(got, paths);
}

#[test]
fn sarif_uris_encode_every_unsafe_byte() {
    let paths = hostile();
    let out = report::render(Format::Sarif, &verdict(&paths));
    assert_no_runner_command("sarif", &out);
    let v: Value = serde_json::from_str(&out).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), paths.len());
    for (r, p) in results.iter().zip(&paths) {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            uri.bytes()
                .all(|b| b.is_ascii_graphic() && b != b'#' && b != b'`'),
            "{uri}"
        );
        assert_eq!(percent_decode(uri), p.trim_start_matches('/'));
        assert_eq!(
            r["message"]["text"],
            format!("`{p}` is outside what agent-2 owns")
        );
    }
    assert_eq!(escape::uri("-rf --force.ts"), "-rf%20--force.ts");
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn markdown_keeps_one_list_item_per_finding_and_no_runner_command() {
    let paths = hostile();
    let out = report::render(Format::Markdown, &verdict(&paths));
    assert_no_runner_command("markdown", &out);
    let items: Vec<&str> = out.lines().filter(|l| l.starts_with("- ")).collect();
    assert_eq!(items.len(), paths.len(), "{out}");
    assert!(!out.contains('\r'));
    // A name holding `##[` is escaped text, not a code span.
    assert_eq!(
        escape::markdown_code("a ##[error]x"),
        "a \\#\\#\\[error\\]x"
    );
    assert_eq!(escape::markdown_code("x\n::error::y"), "`x ::error::y`");
}

/// End to end: a real repository with hostile names outside agent-2's scope,
/// judged by the binary; the text report escapes them and exits 1.
#[test]
fn check_prints_hostile_names_from_git_escaped() {
    let r = Repo::uploads();
    r.branch("agents/migrations", "main");
    let names: Vec<&[u8]> = vec![
        b"x\n::error title=forged::owned.ts",
        b"tab\there.ts",
        b"-leading.ts",
        b"back\\slash.ts",
        b"q\"uote.ts",
        b"caf\xff.ts",
    ];
    for n in &names {
        std::fs::write(r.dir.join(std::ffi::OsStr::from_bytes(n)), "x\n").unwrap();
    }
    r.git(&["add", "-A"]);
    r.commit("hostile names");
    let run = r.check_text(&["--base", "main"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert_no_runner_command("check (text)", &run.stdout);
    assert_no_runner_command("check (stderr)", &run.stderr);
    assert!(!run.stdout.contains('\t'), "{}", run.stdout);
    let json = r.check(&["--base", "main"]);
    assert_eq!(json.code, 1);
    let scoped = json.paths("scope");
    assert_eq!(scoped.len(), names.len(), "{scoped:?}");
    for p in &scoped {
        assert!(
            run.stdout.contains(&*esc(p)),
            "{p:?} not shown escaped:\n{}",
            run.stdout
        );
    }
}
