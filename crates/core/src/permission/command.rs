//! Reading a shell command line for the command classes of the policy.
//!
//! This is a screen for an agent's tool call, not a shell parser: the line
//! is split on `;`, `&&`, `||`, `|`, `&` and newlines, each part into words
//! (quotes removed), leading `VAR=value`, `sudo`, `env` and `command` words
//! skipped. A command hidden from it (`eval`, a script) is CI's to judge.

use super::CommandClass;

/// Every class some part of the line falls in, in order.
pub(super) fn classify(line: &str) -> Vec<CommandClass> {
    let mut out = Vec::new();
    for part in line.split([';', '|', '&', '\n']) {
        let words = words(part);
        if let Some(c) = simple(&words) {
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out
}

fn words(part: &str) -> Vec<String> {
    let mut out: Vec<String> = part
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c| c == '"' || c == '\'' || c == '(' || c == ')')
                .to_string()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let skip = out
        .iter()
        .take_while(|w| {
            matches!(w.as_str(), "sudo" | "env" | "command" | "exec" | "time")
                || (w.contains('=') && !w.starts_with('-'))
        })
        .count();
    out.drain(..skip);
    out
}

fn simple(w: &[String]) -> Option<CommandClass> {
    let (prog, args) = w.split_first()?;
    let prog = prog.rsplit('/').next().unwrap_or(prog);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    if prog == "git" {
        return git(&args);
    }
    package(prog, &args).then_some(CommandClass::PackageInstall)
}

/// `git [-C dir] [-c k=v] SUB ARGS…`
fn git(args: &[&str]) -> Option<CommandClass> {
    let mut i = 0;
    while i < args.len() && args[i].starts_with('-') {
        // Global options that take a value as the next word.
        i += if matches!(args[i], "-C" | "-c" | "--git-dir" | "--work-tree") {
            2
        } else {
            1
        };
    }
    let sub = *args.get(i)?;
    let rest = &args[(i + 1).min(args.len())..];
    let has = |opts: &[&str]| rest.iter().any(|a| opts.contains(a));
    match sub {
        "push" => {
            let force = has(&["-f", "--force", "--force-if-includes", "--mirror"])
                || rest.iter().any(|a| a.starts_with("--force-with-lease"))
                || rest.iter().any(|a| a.starts_with('+'));
            let delete = has(&["-d", "--delete", "--prune"])
                || rest.iter().any(|a| a.starts_with(':') && a.len() > 1);
            if force {
                Some(CommandClass::ForcePush)
            } else if delete {
                Some(CommandClass::BranchDeletion)
            } else {
                None
            }
        }
        "reset" => has(&["--hard", "--merge", "--keep"]).then_some(CommandClass::ResetHard),
        "branch" => has(&["-d", "-D", "--delete"]).then_some(CommandClass::BranchDeletion),
        _ => None,
    }
}

/// Package managers and the subcommands that install or upgrade.
fn package(prog: &str, args: &[&str]) -> bool {
    let first = args.iter().find(|a| !a.starts_with('-')).copied();
    let sub = |subs: &[&str]| first.is_some_and(|f| subs.contains(&f));
    match prog {
        "npm" | "pnpm" | "bun" => sub(&["install", "i", "add", "ci", "update", "upgrade", "up"]),
        "yarn" => first.is_none() || sub(&["add", "install", "upgrade", "up"]),
        "npx" | "pnpx" | "bunx" => false,
        "pip" | "pip3" | "pipx" => sub(&["install"]),
        "uv" => {
            sub(&["add", "sync", "lock"]) || (first == Some("pip") && args.contains(&"install"))
        }
        "poetry" | "pdm" => sub(&["add", "install", "update", "lock"]),
        "cargo" => sub(&["add", "install", "update"]),
        "go" => sub(&["get", "install"]),
        "gem" => sub(&["install", "update"]),
        "bundle" | "bundler" => sub(&["install", "add", "update"]),
        "composer" => sub(&["require", "install", "update"]),
        "apt" | "apt-get" | "dnf" | "yum" | "brew" | "apk" | "pacman" => {
            sub(&["install", "add", "upgrade"]) || args.contains(&"-S")
        }
        _ => false,
    }
}
