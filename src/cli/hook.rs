//! `contract-gate hook …`: the hooks `setup` installs. One per agent CLI
//! (JSON event on stdin, decision on stdout), and git's `pre-push`.

use std::io::Read;
use std::path::PathBuf;

use super::agent_cli::AgentHook;
use super::error::{CliError, Outcome};
use crate::agent::hook::{self, HookOptions};
use crate::term::emit;
use contract_gate_core::edit_guard::Decision;

/// `contract-gate hook`.
#[derive(Debug, clap::Args)]
pub struct HookArgs {
    #[command(subcommand)]
    which: HookKind,
}

/// Which hook.
#[derive(Debug, clap::Subcommand)]
enum HookKind {
    /// One per agent CLI (`agent::cli`): JSON event on stdin, decision on stdout.
    #[command(flatten)]
    Agent(AgentHook),
    /// git's pre-push hook: refuse a push that CI would fail (waiting on predecessors never blocks).
    PrePush(PrePushArgs),
}

/// `hook pre-push`: git passes the remote's name and URL.
#[derive(Debug, Clone, clap::Args)]
struct PrePushArgs {
    /// The remote's name (from git).
    remote: Option<String>,
    /// The remote's URL (from git).
    url: Option<String>,
    /// Judge against this base instead of the one `setup` recorded.
    #[arg(long, value_name = "REF")]
    base: Option<String>,
    /// Read this contract (repeatable) instead of the ones `setup` recorded.
    #[arg(long = "contract", value_name = "PATH")]
    contracts: Vec<String>,
}

/// Runs a hook; the exit code is the protocol's. A hook prints its own
/// answer, refusal or error, so nothing it returns is printed again.
pub(super) fn run(a: &HookArgs) -> Result<Outcome, CliError> {
    let (cli, args) = match &a.which {
        HookKind::Agent(x) => (x.cli, &x.args),
        HookKind::PrePush(x) => return pre_push(x),
    };
    let opts = HookOptions {
        cli,
        allow_outside: args.allow_outside.clone(),
        base: args.base.clone(),
        contracts: args.contracts.clone(),
    };
    let mut input = String::new();
    let decision = match std::io::stdin().read_to_string(&mut input) {
        Ok(_) => {
            let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            decide_in_time(opts, input, cwd, args.timeout)
        }
        Err(e) => Decision::Deny(format!(
            "contract-gate could not read the hook event on stdin, so the call is denied: {e}"
        )),
    };
    let (out, code) = hook::render(cli, &decision);
    emit(&out);
    answered(code)
}

/// The exit code a CLI's protocol chose, as an outcome: 0 and 1 as
/// themselves, anything else (no protocol uses one today) exits 2 with the
/// answer already printed.
fn answered(code: i32) -> Result<Outcome, CliError> {
    match code {
        0 => Ok(Outcome::Pass),
        1 => Ok(Outcome::Blocked),
        _ => Err(CliError::Reported),
    }
}

/// The decision, or a deny once `secs` pass without one (a git that hangs
/// on a lock, a huge repository): the process answers and exits, leaving
/// the stuck work behind.
fn decide_in_time(opts: HookOptions, input: String, cwd: PathBuf, secs: u64) -> Decision {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(hook::decide(&opts, &input, &cwd));
    });
    match rx.recv_timeout(std::time::Duration::from_secs(secs)) {
        Ok(d) => d,
        Err(_) => Decision::Deny(format!(
            "contract-gate did not decide within {secs} s, so the call is denied (raise it with `--timeout SECS` in the hook command)"
        )),
    }
}

/// git's protocol: exit 1 (`Blocked`) refuses the push, and every failure
/// refuses it too (fail closed), with the reason on stderr.
fn pre_push(a: &PrePushArgs) -> Result<Outcome, CliError> {
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("contract-gate pre-push: cannot read stdin: {e}; the push is refused");
        return Ok(Outcome::Blocked);
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let git = match crate::source::local::git::Git::open(&cwd) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("contract-gate pre-push: {e}; the push is refused");
            return Ok(Outcome::Blocked);
        }
    };
    let place = crate::agent::place::Place::locate(git.root()).ok();
    let base = a
        .base
        .clone()
        .or_else(|| place.as_ref().and_then(|p| p.recorded_base()));
    let contracts = if a.contracts.is_empty() {
        place.map(|p| p.recorded_contracts()).unwrap_or_default()
    } else {
        a.contracts.clone()
    };
    let answer = crate::agent::prepush::run(&git, base, &contracts, &input);
    eprint!("{}", answer.report);
    Ok(Outcome::blocked_if(answer.refused))
}
