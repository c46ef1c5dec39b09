//! `contract-gate setup`: branches, worktrees, briefs and hooks for every
//! agent of the contract at the base.

use std::path::PathBuf;

use super::error::{CliError, Outcome};
use crate::agent::cli::Cli;
use crate::agent::setup::{self, SetupError, SetupOptions};
use crate::term::emit;

/// `contract-gate setup`.
#[derive(Debug, clap::Args)]
pub struct SetupArgs {
    /// The base the contract is read from and branches start at (default: the default branch,
    /// origin/HEAD, else the main checkout's; a contract's integration branch for its agents).
    #[arg(long, value_name = "REF")]
    base: Option<String>,
    /// Read this contract at the base (repeatable; default: CONTRACT.md and
    /// .github/contracts/*.md); the hooks are set to read the same.
    #[arg(long = "contract", value_name = "PATH")]
    contracts: Vec<String>,
    /// Set up this agent only (name or branch).
    #[arg(long, value_name = "NAME")]
    agent: Option<String>,
    /// Print the git commands; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Agent CLIs to install edit-time hooks for (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', default_value = "claude-code")]
    hooks: Vec<Cli>,
    /// Work in DIR, as if started there (default: the current directory).
    #[arg(short = 'C', long = "dir", value_name = "DIR", default_value = ".")]
    repo: PathBuf,
}

/// Runs setup: `Pass` when every agent is set up, `Blocked` when some were
/// skipped.
pub(super) fn run(a: &SetupArgs) -> Result<Outcome, CliError> {
    let base = match &a.base {
        Some(b) => b.clone(),
        None => setup::default_base(&a.repo).map_err(reported)?,
    };
    let exe = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "contract-gate".into());
    let o = SetupOptions {
        base,
        agent: a.agent.clone(),
        dry_run: a.dry_run,
        clis: a.hooks.clone(),
        exe,
        contracts: a.contracts.clone(),
        base_given: a.base.is_some(),
    };
    let (rows, notes) = setup::run(&a.repo, &o).map_err(reported)?;
    let mut out = String::new();
    for n in notes {
        out.push_str(&n);
        out.push('\n');
    }
    out.push_str(&setup::table(&rows));
    emit(&out);
    Ok(Outcome::blocked_if(
        rows.iter().any(|r| r.state.starts_with("skipped")),
    ))
}

/// setup words its errors as its own (`contract-gate setup: …`), not as a
/// check that could not evaluate: printed here, and exit 2 adds nothing.
fn reported(e: SetupError) -> CliError {
    eprintln!("contract-gate setup: {e}");
    CliError::Reported
}
