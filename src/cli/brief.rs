//! `contract-gate brief AGENT`: prints what an agent is handed.

use super::args::BriefArgs;
use super::error::{CliError, Outcome};
use crate::report;
use crate::source::local;
use crate::source::local::git::Git;

/// Finds the agent (by name or branch) in the working tree's contracts and
/// prints its brief.
pub(super) fn run(a: &BriefArgs) -> Result<Outcome, CliError> {
    let dir = &a.dir.dir;
    let root = Git::open(dir)
        .map(|g| g.root().to_path_buf())
        .unwrap_or_else(|_| dir.clone());
    let paths = super::lint::in_dir(dir, &a.contract.contracts);
    let contracts = local::contracts_in_dir(&root, &paths).map_err(CliError::of)?;
    for c in &contracts {
        let found = c.agent(&a.agent).or_else(|| c.agent_for_branch(&a.agent));
        if let Some(agent) = found {
            crate::term::emit(&report::brief::brief(c, agent));
            return Ok(Outcome::Pass);
        }
    }
    let known: Vec<String> = contracts
        .iter()
        .flat_map(|c| c.agents.iter().map(|a| a.name.clone()))
        .collect();
    Err(CliError::new(if known.is_empty() {
        "no contract with agents found".to_string()
    } else {
        format!("no agent `{}`; agents: {}", a.agent, known.join(", "))
    }))
}
