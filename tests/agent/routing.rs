//! Every tool call the hook reader judges is routed to the hook by the
//! matcher setup installs, and no other: the reader and the matcher derive
//! from one list per CLI (`agent::cli`), and this reads the matcher the way
//! each CLI does.

use contract_gate::agent::cli::{Cli, MatcherSyntax};
use contract_gate::agent::event::{self, Action};
use serde_json::{json, Value};

use crate::support::*;

/// Whether a CLI runs a hook whose entry says `matcher` for `tool`.
/// Claude Code and Codex: `*`, empty, or letters, digits, `_` and `|` as a
/// list of exact names, else an unanchored regex (Codex
/// `hooks/src/events/common.rs` `matches_matcher`; Claude Code's hooks
/// reference). Gemini CLI: the trimmed matcher as an unanchored regex, an
/// invalid one as an exact name (`hookPlanner.ts` `matchesToolName`).
fn routes(syntax: MatcherSyntax, matcher: &str, tool: &str) -> bool {
    let regex = |m: &str| regex::Regex::new(m).map(|r| r.is_match(tool));
    match syntax {
        MatcherSyntax::ExactOrRegex => {
            if matcher.is_empty() || matcher == "*" {
                true
            } else if matcher
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '|')
            {
                matcher.split('|').any(|n| n == tool)
            } else {
                regex(matcher).unwrap_or(false)
            }
        }
        MatcherSyntax::Regex => {
            let m = matcher.trim();
            m.is_empty() || m == "*" || regex(m).unwrap_or(m == tool)
        }
    }
}

/// Tool names to try: every CLI's, and near misses an unanchored or
/// unescaped matcher would also route (`BashOutput`, `containerXexec`).
fn candidates() -> Vec<String> {
    let mut names: Vec<String> = Cli::ALL
        .iter()
        .flat_map(|c| c.protocol().tool_names())
        .map(str::to_string)
        .collect();
    let near: Vec<String> = names
        .iter()
        .flat_map(|n| {
            [
                format!("{n}Output"),
                format!("x{n}"),
                format!("mcp__srv__{n}"),
                n.replace('.', "X"),
                n.to_lowercase(),
            ]
        })
        .collect();
    names.extend(near);
    names.extend(
        [
            "Read",
            "Grep",
            "Glob",
            "Task",
            "WebFetch",
            "read_file",
            "glob",
            "web_fetch",
            "list_directory",
            "update_plan",
            "view_image",
            "",
        ]
        .map(str::to_string),
    );
    names.sort();
    names.dedup();
    names
}

/// Whether the reader judges `tool` for `cli` (anything but "not the
/// gate's business"; an input it cannot read is judged, as a deny).
fn judged(cli: Cli, tool: &str) -> bool {
    let ev = json!({"tool_name": tool, "tool_input": {
        "file_path": "a.ts", "command": "true", "input": "*** Add File: a.ts\n"}});
    !matches!(event::parse(cli, &ev.to_string()), Ok(e) if e.action == Action::Other)
}

/// Routed where judged, for every candidate tool.
fn assert_routes_exactly_the_judged_tools(cli: Cli, matcher: &str) {
    let syntax = cli.protocol().matcher;
    let mut wrong = Vec::new();
    for tool in candidates() {
        let (j, r) = (judged(cli, &tool), routes(syntax, matcher, &tool));
        if j != r {
            wrong.push(format!("`{tool}`: judged {j}, routed {r}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{cli:?} matcher `{matcher}`:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_installed_matcher_routes_every_judged_tool_and_no_other() {
    for &cli in Cli::ALL {
        let p = cli.protocol();
        assert!(p.tool_names().all(|t| judged(cli, t)), "{}", p.name);
        assert_routes_exactly_the_judged_tools(cli, &p.matcher());
    }
}

/// The same, from the settings files a real `setup --hooks` writes for
/// every CLI.
#[test]
fn setup_writes_each_cli_a_matcher_routing_what_its_hook_judges() {
    let r = Repo::uploads();
    let names: Vec<&str> = Cli::ALL.iter().map(|c| c.protocol().name).collect();
    let run = r.gate(&[
        "setup",
        "--base",
        "main",
        "--agent",
        "agent-1",
        "--hooks",
        &names.join(","),
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let wt = r.outside("wt-uploads");
    let exclude = r.git(&["rev-parse", "--git-common-dir"]);
    let exclude = std::fs::read_to_string(r.dir.join(exclude.trim()).join("info/exclude")).unwrap();
    for &cli in Cli::ALL {
        let p = cli.protocol();
        let text = std::fs::read_to_string(wt.join(p.settings))
            .unwrap_or_else(|e| panic!("{}: {e}", p.settings));
        let v: Value = serde_json::from_str(&text).unwrap();
        let entry = &v["hooks"][p.event][0];
        let command = entry["hooks"][0]["command"].as_str().unwrap();
        assert!(
            command.ends_with(&format!("' hook {}", p.name)),
            "{command}"
        );
        let matcher = entry["matcher"].as_str().expect("a matcher string");
        assert_routes_exactly_the_judged_tools(cli, matcher);
        assert!(
            exclude.lines().any(|l| l == format!("/{}", p.settings)),
            "{} is not kept out of git:\n{exclude}",
            p.settings
        );
    }
}

/// `hook` and `setup --hooks` take the registered names, and clap refuses
/// any other, listing them.
#[test]
fn unknown_agent_clis_are_refused_by_name() {
    let r = Repo::uploads();
    let run = r.gate(&["setup", "--base", "main", "--hooks", "claude-code,no-such"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    let names: Vec<&str> = Cli::ALL.iter().map(|c| c.protocol().name).collect();
    let listed = format!("[possible values: {}]", names.join(", "));
    assert!(
        run.stderr
            .contains("invalid value 'no-such' for '--hooks <HOOKS>'")
            && run.stderr.contains(&listed),
        "{}",
        run.stderr
    );
    let run = r.gate_stdin(&["hook", "no-such"], "{}");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unrecognized subcommand 'no-such'"),
        "{}",
        run.stderr
    );
    let help = r.gate(&["hook", "--help"]).stdout;
    for name in names {
        assert!(help.contains(&format!("  {name} ")), "{help}");
    }
}
