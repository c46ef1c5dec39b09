//! `contract-gate rehearse`: trial-merge every agent branch that has not
//! merged yet, in contract order, onto the base, and report the seam:
//! conflicts, collisions, dangling references and broken interface
//! commitments. With `--run`, the verification matrix's commands run on each
//! step's tree in a temporary directory. Exit 0 clean, 1 findings, 2 could
//! not rehearse.

mod run;

use std::time::Duration;

use crate::report::rehearsal as render;
use crate::source::local::git::Git;
use crate::source::local::merge_tree::Plumb;
use crate::source::local::rehearsal::rehearse;
use crate::source::local::{self};
use crate::term::emit;
use contract_gate_core::rehearsal::Outcome;

use run::commands;

use crate::cli::args::{RehearseArgs, RehearseFormat};

/// Runs the command; returns the exit code.
pub(super) fn main(a: &RehearseArgs) -> i32 {
    match outcomes(a) {
        Ok(outs) => {
            let text = match a.format {
                RehearseFormat::Text => render::text(&outs),
                RehearseFormat::Json => format!("{}\n", render::json(&outs)),
                RehearseFormat::Markdown => render::markdown(&outs),
            };
            emit(&text);
            i32::from(outs.iter().any(Outcome::has_findings))
        }
        Err(msg) => {
            match a.format {
                RehearseFormat::Json => emit(&format!("{}\n", render::json_error(&msg))),
                _ => eprintln!("contract-gate: could not rehearse: {msg}"),
            }
            2 // could not rehearse: the one code `error::from_action` reads as reported
        }
    }
}

fn outcomes(a: &RehearseArgs) -> Result<Vec<Outcome>, String> {
    let git = Git::open(&a.dir.dir).map_err(|e| e.to_string())?;
    let base_commit = git.resolve(&a.base).map_err(|e| e.to_string())?;
    let contracts =
        local::read_contracts_at(&git, &base_commit, &a.contracts).map_err(|e| e.to_string())?;
    let contracts: Vec<_> = contracts
        .into_iter()
        .filter(|c| !c.agents.is_empty())
        .collect();
    if contracts.is_empty() {
        return Err(format!(
            "no contract with agents at `{}`: add CONTRACT.md or .github/contracts/*.md, or pass --contract",
            a.base
        ));
    }
    if let Some(bad) = contracts.iter().find(|c| c.has_errors()) {
        return Err(format!(
            "contract {} has errors; run `contract-gate lint`",
            bad.path
        ));
    }
    let plumb = Plumb::new(git.root());
    let mut out = Vec::new();
    for c in &contracts {
        let rehearsed = rehearse(&plumb, c, &a.base, &base_commit).map_err(|e| e.to_string())?;
        let run = if a.run {
            let cmds = commands(c);
            Some(
                run::run_steps(&plumb, &rehearsed, &cmds, Duration::from_secs(a.timeout))
                    .map_err(|e| e.to_string())?,
            )
        } else {
            None
        };
        out.push(Outcome { rehearsed, run });
    }
    Ok(out)
}
