//! `contract-gate completions SHELL`.

use super::args::{Cli, CompletionsArgs};
use super::error::{CliError, Outcome};

/// Prints the completion script for the shell.
pub(super) fn run(a: &CompletionsArgs) -> Result<Outcome, CliError> {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "contract-gate", &mut out);
    crate::term::emit(&String::from_utf8_lossy(&out));
    Ok(Outcome::Pass)
}
