//! Command-line interface: parses arguments and wires a source to the
//! evaluator to a reporter. Each command sits in its own file; `error`
//! turns what they return into the process exit code.

mod agent_cli;
mod args;
mod brief;
mod check;
mod completions;
mod demo;
mod error;
mod fmt;
mod github;
mod hook;
mod lint;
mod rehearse;
mod setup;

pub use args::{Cli, Command, EXIT_CODES, VERSION};
use error::{CliError, Outcome};

/// Runs the parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    error::exit_code(dispatch(cli))
}

fn dispatch(cli: Cli) -> Result<Outcome, CliError> {
    match cli.command {
        Some(Command::Check(a)) => check::run(&a),
        Some(Command::Lint(a)) => lint::run(&a),
        Some(Command::Brief(a)) => brief::run(&a),
        Some(Command::Fmt(a)) => fmt::run(&a),
        Some(Command::Rehearse(a)) => rehearse::main(&a),
        Some(Command::Hook(a)) => hook::run(&a),
        Some(Command::Setup(a)) => setup::run(&a),
        Some(Command::Demo(a)) => demo::run(a.keep),
        Some(Command::Completions(a)) => completions::run(&a),
        Some(Command::Event(a)) => github::event(&a),
        Some(Command::Sweep(a)) => github::sweep(&a),
        None => github::top_level(&cli),
    }
}
