//! `contract-gate rehearse`: trial-merge every agent branch that has not
//! merged yet, in contract order, onto the base, and report the seam:
//! conflicts, collisions, dangling references and broken interface
//! commitments. With `--run`, the verification matrix's commands run on each
//! step's tree in a temporary directory. Exit 0 clean, 1 findings, 2 could
//! not rehearse.

mod run;

use std::time::Duration;

use crate::cli::error::{CliError, Outcome as CliOutcome};
use crate::report::rehearsal as render;
use crate::source::local::git::{Git, GitError};
use crate::source::local::merge_tree::Plumb;
use crate::source::local::rehearsal::rehearse;
use crate::source::local::{self};
use crate::term::emit;
use contract_gate_core::rehearsal::Outcome;

use run::commands;

use crate::cli::args::{RehearseArgs, RehearseFormat};

/// Runs the command: blocked when a step has findings or a command failed.
pub(super) fn main(a: &RehearseArgs) -> Result<CliOutcome, CliError> {
    match outcomes(a) {
        Ok(outs) => {
            let text = match a.format {
                RehearseFormat::Text => render::text(&outs),
                RehearseFormat::Json => format!("{}\n", render::json(&outs)),
                RehearseFormat::Markdown => render::markdown(&outs),
            };
            emit(&text);
            Ok(CliOutcome::blocked_if(
                outs.iter().any(Outcome::has_findings),
            ))
        }
        Err(e) => {
            // Printed here, in rehearse's own shapes (its JSON has
            // `contracts` and `error`, a verdict's does not).
            let msg = e.to_string();
            match a.format {
                RehearseFormat::Json => emit(&format!("{}\n", render::json_error(&msg))),
                _ => eprintln!("contract-gate: could not rehearse: {msg}"),
            }
            Err(CliError::Reported)
        }
    }
}

/// Why the branches could not be rehearsed.
#[derive(Debug, thiserror::Error)]
enum RehearseError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Contracts(#[from] local::LocalSourceError),
    #[error("no contract with agents at `{0}`: add CONTRACT.md or .github/contracts/*.md, or pass --contract")]
    NoContract(String),
    #[error("contract {0} has errors; run `contract-gate lint`")]
    ContractErrors(String),
}

fn outcomes(a: &RehearseArgs) -> Result<Vec<Outcome>, RehearseError> {
    let git = Git::open(&a.dir.dir)?;
    let base_commit = git.resolve(&a.base)?;
    let contracts = local::read_contracts_at(&git, &base_commit, &a.contracts)?;
    let contracts: Vec<_> = contracts
        .into_iter()
        .filter(|c| !c.agents.is_empty())
        .collect();
    if contracts.is_empty() {
        return Err(RehearseError::NoContract(a.base.clone()));
    }
    if let Some(bad) = contracts.iter().find(|c| c.has_errors()) {
        return Err(RehearseError::ContractErrors(bad.path.clone()));
    }
    let plumb = Plumb::new(git.root());
    let mut out = Vec::new();
    for c in &contracts {
        let rehearsed = rehearse(&plumb, c, &a.base, &base_commit)?;
        let run = if a.run {
            let cmds = commands(c);
            Some(run::run_steps(
                &plumb,
                &rehearsed,
                &cmds,
                Duration::from_secs(a.timeout),
            )?)
        } else {
            None
        };
        out.push(Outcome { rehearsed, run });
    }
    Ok(out)
}
