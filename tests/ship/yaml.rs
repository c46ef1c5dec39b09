//! The action, the workflows and the example workflow parse, and the
//! action's inputs and the CLI's flags agree (so they never drift).

use std::path::Path;

use clap::{CommandFactory, Parser};
use contract_gate::cli::Cli;
use serde_yaml::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn load(rel: &str) -> Value {
    let text = std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{rel} is not valid YAML: {e}"))
}

fn yaml_files() -> Vec<String> {
    let mut out = vec!["action.yml".to_string()];
    for dir in [".github/workflows", "examples/workflows"] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "yml" || x == "yaml") {
                out.push(p.strip_prefix(root()).unwrap().display().to_string());
            }
        }
    }
    out
}

/// Every YAML file of the project parses, and every workflow has `on` and `jobs`.
#[test]
fn every_yaml_file_parses() {
    let files = yaml_files();
    assert!(files.len() >= 5, "{files:?}");
    for f in files {
        let v = load(&f);
        if f != "action.yml" {
            assert!(v.get("on").is_some(), "{f} has no `on`");
            assert!(v.get("jobs").is_some(), "{f} has no `jobs`");
        }
    }
}

fn subcommand(name: &str) -> clap::Command {
    Cli::command()
        .find_subcommand(name)
        .unwrap_or_else(|| panic!("no subcommand {name}"))
        .clone()
}

fn long_flags(cmd: &clap::Command) -> Vec<String> {
    cmd.get_arguments()
        .filter_map(|a| a.get_long().map(String::from))
        .collect()
}

fn possible_values(cmd: &clap::Command, long: &str) -> Vec<String> {
    cmd.get_arguments()
        .find(|a| a.get_long() == Some(long))
        .unwrap_or_else(|| panic!("no --{long}"))
        .get_possible_values()
        .iter()
        .map(|v| v.get_name().to_string())
        .collect()
}

/// The action's inputs map to flags that `event` and `sweep` accept, with valid defaults.
#[test]
fn action_inputs_match_cli_flags() {
    let action = load("action.yml");
    let inputs = action["inputs"].as_mapping().expect("inputs");
    let names: Vec<&str> = inputs.keys().filter_map(|k| k.as_str()).collect();
    for want in [
        "token",
        "contract",
        "unassigned",
        "command",
        "format",
        "args",
    ] {
        assert!(names.contains(&want), "action.yml lacks input `{want}`");
    }
    let script = std::fs::read_to_string(root().join("scripts/run-action.sh")).unwrap();
    // Inputs with a flag of the same name: the flag exists on both subcommands,
    // and the script passes it.
    for (input, flag) in [
        ("contract", "contract"),
        ("unassigned", "unassigned"),
        ("format", "format"),
    ] {
        for sub in ["event", "sweep"] {
            assert!(
                long_flags(&subcommand(sub)).contains(&flag.to_string()),
                "`contract-gate {sub}` has no --{flag} for input `{input}`"
            );
        }
        assert!(
            script.contains(&format!("--{flag}")),
            "run-action.sh never passes --{flag}"
        );
        let env_name = format!("INPUT_{}", input.to_uppercase());
        assert!(
            script.contains(&env_name),
            "run-action.sh never reads {env_name}"
        );
    }
    for (input, flag) in [("unassigned", "unassigned"), ("format", "format")] {
        let default = inputs[input]["default"].as_str().unwrap();
        let values = possible_values(&subcommand("event"), flag);
        assert!(
            values.contains(&default.to_string()),
            "default `{default}` of `{input}` is not one of {values:?}"
        );
        let described = inputs[input]["description"].as_str().unwrap();
        for v in &values {
            assert!(
                described.contains(v.as_str()),
                "input `{input}` does not mention `{v}`"
            );
        }
    }
    // The script passes the `format` input to `sweep` too: every format the
    // input documents must parse there (sweep hides the verdict-only ones).
    for v in possible_values(&subcommand("event"), "format") {
        let parsed =
            Cli::try_parse_from(["contract-gate", "sweep", "--base", "main", "--format", &v]);
        assert!(
            parsed.is_ok(),
            "`sweep --format {v}` is refused: {parsed:?}"
        );
    }
    // `command` values are subcommands: check runs `event`, sweep runs `sweep`.
    assert!(script.contains("check) args+=(event)"));
    assert!(script.contains("sweep) args+=(sweep --base"));
    assert!(long_flags(&subcommand("sweep")).contains(&"base".to_string()));
    // Inputs reach the script through env, never `${{ }}` inside `run:`.
    for step in action["runs"]["steps"].as_sequence().unwrap() {
        if let Some(run) = step.get("run").and_then(Value::as_str) {
            assert!(
                !run.contains("${{"),
                "a run: line interpolates an expression: {run}"
            );
        }
    }
    // The outputs are the keys the binary writes to GITHUB_OUTPUT.
    let outputs = action["outputs"].as_mapping().unwrap();
    let run_rs = std::fs::read_to_string(root().join("src/action/run.rs")).unwrap();
    for k in outputs.keys().filter_map(|k| k.as_str()) {
        assert!(
            run_rs.contains(&format!("{k}=")),
            "the binary never writes output `{k}`"
        );
    }
}

/// The example workflow triggers on what the gate needs, with least permissions and one run per PR.
#[test]
fn example_workflow_is_least_privilege() {
    let w = load("examples/workflows/contract-gate.yml");
    let on = &w["on"];
    let types: Vec<&str> = on["pull_request_target"]["types"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for t in [
        "opened",
        "synchronize",
        "reopened",
        "edited",
        "ready_for_review",
    ] {
        assert!(types.contains(&t), "pull_request_target lacks `{t}`");
    }
    assert!(on.get("merge_group").is_some(), "no merge_group trigger");
    assert!(on.get("push").is_some(), "no push trigger for the sweep");
    let perms = w["permissions"].as_mapping().unwrap();
    assert_eq!(perms.len(), 4, "{perms:?}");
    assert_eq!(w["permissions"]["statuses"], "read");
    assert_eq!(on["workflow_run"]["types"][0], "completed");
    assert_eq!(w["permissions"]["checks"], "write");
    assert_eq!(w["permissions"]["pull-requests"], "read");
    assert_eq!(w["permissions"]["contents"], "read");
    let group = w["concurrency"]["group"].as_str().unwrap();
    assert!(group.contains("pull_request.number"), "{group}");
    let uses = serde_yaml::to_string(&w["jobs"]).unwrap();
    assert!(uses.contains("contract-gate@v1"));
    // The only checkout is the base's (pull_request_target's default), with
    // history for the merge rehearsal: never the PR's head.
    let steps = w["jobs"]["judge"]["steps"].as_sequence().unwrap();
    let checkouts: Vec<&Value> = steps
        .iter()
        .filter(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/checkout"))
        })
        .collect();
    assert_eq!(checkouts.len(), 1, "{steps:?}");
    assert_eq!(checkouts[0]["with"]["fetch-depth"], 0);
    assert!(
        checkouts[0]["with"].get("ref").is_none(),
        "the gate must not check out the PR"
    );
}

/// The release workflow builds every platform the action installs.
#[test]
fn release_covers_the_action_targets() {
    let release = std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    let install = std::fs::read_to_string(root().join("scripts/install-action.sh")).unwrap();
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(
            release.contains(target),
            "release.yml does not build {target}"
        );
        assert!(
            install.contains(target),
            "install-action.sh does not know {target}"
        );
    }
    assert!(release.contains("SHA256SUMS") && install.contains("SHA256SUMS"));
}
