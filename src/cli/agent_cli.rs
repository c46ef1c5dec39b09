//! The agent CLIs on the command line: [`Cli`] as a clap value for `setup
//! --hooks`, and one `hook <cli>` subcommand per registered CLI, both from
//! the registry (`agent::cli`), so neither lists a CLI by hand. Here, not
//! beside the registry, because the fuzz crate compiles the registry and
//! has no clap.

use clap::builder::PossibleValue;
use clap::{ArgMatches, Args, Command, FromArgMatches, Subcommand, ValueEnum};

use crate::agent::cli::Cli;

impl ValueEnum for Cli {
    fn value_variants<'a>() -> &'a [Self] {
        Cli::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.protocol().name))
    }
}

/// `hook <cli>`: the agent CLI whose protocol to speak, and the options
/// every agent-CLI hook takes.
#[derive(Debug, Clone)]
pub(super) struct AgentHook {
    /// Which CLI.
    pub(super) cli: Cli,
    /// Its options.
    pub(super) args: AgentHookArgs,
}

/// `Claude Code PreToolUse hook (Edit, Write, …)`: the help line of a
/// CLI's subcommand, from what its protocol routes.
fn about(cli: Cli) -> String {
    let p = cli.protocol();
    let tools: Vec<&str> = p.tool_names().collect();
    format!("{} {} hook ({})", p.title, p.event, tools.join(", "))
}

fn named(name: &str) -> Option<Cli> {
    Cli::ALL.iter().copied().find(|c| c.protocol().name == name)
}

impl Subcommand for AgentHook {
    fn augment_subcommands(cmd: Command) -> Command {
        Cli::ALL.iter().fold(cmd, |cmd, &cli| {
            // After `augment_args`, which sets the args struct's own doc as about.
            let sub = AgentHookArgs::augment_args(Command::new(cli.protocol().name))
                .about(about(cli))
                .long_about(None);
            cmd.subcommand(sub)
        })
    }

    fn augment_subcommands_for_update(cmd: Command) -> Command {
        Self::augment_subcommands(cmd)
    }

    fn has_subcommand(name: &str) -> bool {
        named(name).is_some()
    }
}

impl FromArgMatches for AgentHook {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let (name, sub) = m
            .subcommand()
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::MissingSubcommand))?;
        let cli = named(name)
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidSubcommand))?;
        Ok(Self {
            cli,
            args: AgentHookArgs::from_arg_matches(sub)?,
        })
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

/// Options every agent-CLI hook takes.
#[derive(Debug, Clone, clap::Args)]
pub(super) struct AgentHookArgs {
    /// A directory outside the worktree that edits may reach (repeatable), e.g. a scratch dir.
    #[arg(long = "allow-outside", value_name = "DIR")]
    pub(super) allow_outside: Vec<std::path::PathBuf>,
    /// Read the contract from this base instead of the one `setup` recorded.
    #[arg(long, value_name = "REF")]
    pub(super) base: Option<String>,
    /// Read this contract (repeatable) instead of the ones `setup` recorded
    /// (default: CONTRACT.md and .github/contracts/*.md).
    #[arg(long = "contract", value_name = "PATH")]
    pub(super) contracts: Vec<String>,
    /// Deny with a reason when no decision is reached in this many seconds
    /// (a hook the agent CLI times out on lets the call through).
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub(super) timeout: u64,
}
