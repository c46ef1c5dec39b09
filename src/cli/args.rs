//! The command line's types: every command's flags, built from shared
//! groups (`ContractArgs`, `DirArgs`, `GithubArgs`, `FormatArgs`) so one
//! flag means one thing in every command. Clap stays here: the core and the
//! reporters get plain enums through the `From` impls below.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::report::Format;
use contract_gate_core::evaluate::Unassigned;

/// Shown under every command's help.
pub const EXIT_CODES: &str =
    "Exit codes: 0 pass (success or neutral), 1 blocked (failure), 2 could not evaluate.";

/// The version, with the commit it was built from.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("CONTRACT_GATE_COMMIT"),
    ")"
);

/// The whole command line.
#[derive(Debug, Parser)]
#[command(
    name = "contract-gate",
    version = VERSION,
    about = "Enforce a context contract for parallel coding agents on every pull request",
    long_about = "Enforce a context contract for parallel coding agents on every pull request.\n\n\
        Without a subcommand: `--pr N` judges a GitHub pull request (a dry run; `--post` posts the \
        check-run), and inside GitHub Actions (GITHUB_ACTIONS=true) the event of the run is judged.",
    after_help = EXIT_CODES,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// The command; none means `--pr N` or the Actions event.
    #[command(subcommand)]
    pub(super) command: Option<Command>,
    /// Judge this pull request through the GitHub API and print the report (nothing is posted without --post).
    #[arg(long, value_name = "N")]
    pub(super) pr: Option<u64>,
    #[command(flatten)]
    pub(super) posting: PostArgs,
    #[command(flatten)]
    pub(super) judge: JudgeArgs,
    #[command(flatten)]
    pub(super) github: GithubArgs,
    #[command(flatten)]
    pub(super) dir: DirArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Judge a branch of a local git repository (or worktree) against the
    /// contracts on its base.
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
    /// Show how each contract was read, with every diagnostic.
    #[command(after_help = EXIT_CODES)]
    Lint(LintArgs),
    /// Print what an agent should be handed before it starts.
    #[command(after_help = EXIT_CODES)]
    Brief(BriefArgs),
    /// Print each contract as the gate reads it, in the canonical form (--check: is it already?).
    #[command(
        after_help = "Exit codes: 0 printed (--check: every file is canonical), 1 --check: a file differs, 2 a contract has errors or cannot be read."
    )]
    Fmt(FmtArgs),
    /// Trial-merge the agents' branches in contract order onto the base and report the seam.
    #[command(
        after_help = "Exit codes: 0 clean, 1 findings (or a failing --run), 2 could not rehearse."
    )]
    Rehearse(RehearseArgs),
    /// Build a demo repository (the uploads example) and judge its branches.
    #[command(after_help = DEMO_EXIT_CODES)]
    Demo(DemoArgs),
    /// Judge the event of a GitHub Actions run (pull_request, pull_request_target, merge_group, push).
    #[command(after_help = EXIT_CODES)]
    Event(EventArgs),
    /// Re-judge every open pull request into a base branch (a dry run unless --post).
    #[command(after_help = EXIT_CODES)]
    Sweep(SweepArgs),
    /// Hooks for the agent's own loop: one per agent CLI (edit-time) and `pre-push`.
    #[command(
        after_help = "Exit codes: 0 answered (an agent-CLI hook prints allow, ask or deny on stdout in its CLI's protocol; an event that cannot be read is a deny), 2 usage error; pre-push: 0 push, 1 refused, 2 could not evaluate (refused)."
    )]
    Hook(crate::cli::hook::HookArgs),
    /// Create each agent's branch and worktree from the contract at the base, write its brief, install its hooks.
    #[command(after_help = EXIT_CODES)]
    Setup(crate::cli::setup::SetupArgs),
    /// Print shell completions.
    #[command(after_help = "Exit codes: 0 printed, 2 bad arguments.")]
    Completions(CompletionsArgs),
}

/// The demo's own meaning of the exit codes.
const DEMO_EXIT_CODES: &str =
    "Exit codes: 0 every verdict as expected, 1 a verdict differs, 2 the demo could not run.";

/// `--contract PATH`, the same in every command.
#[derive(Debug, Clone, Default, clap::Args)]
pub(super) struct ContractArgs {
    /// Contract file (repeatable; default: CONTRACT.md and .github/contracts/*.md). Read at the base by check and on GitHub, from the working tree by lint and brief.
    #[arg(long = "contract", value_name = "PATH")]
    pub(super) contracts: Vec<String>,
}

/// `-C/--dir DIR`: the directory to work in, like `git -C`.
#[derive(Debug, Clone, clap::Args)]
pub(super) struct DirArgs {
    /// Work in DIR, as if started there (default: the current directory).
    #[arg(short = 'C', long = "dir", value_name = "DIR", default_value = ".")]
    pub(super) dir: PathBuf,
}

impl Default for DirArgs {
    fn default() -> Self {
        DirArgs { dir: ".".into() }
    }
}

/// Where and how to reach GitHub.
#[derive(Debug, Clone, Default, clap::Args)]
pub(super) struct GithubArgs {
    /// GitHub repository OWNER/NAME (default: GITHUB_REPOSITORY, then the `origin` remote of -C DIR).
    #[arg(long, value_name = "OWNER/NAME")]
    pub(super) repo: Option<String>,
    /// API token (default: GITHUB_TOKEN, GH_TOKEN, then `gh auth token`). Never printed.
    #[arg(long, value_name = "TOKEN", hide_env_values = true)]
    pub(super) token: Option<String>,
    /// REST API root (default: GITHUB_API_URL, then https://api.github.com; GitHub Enterprise Server: https://HOST/api/v3).
    #[arg(long, value_name = "URL")]
    pub(super) api_url: Option<String>,
}

/// `--format` of the commands that print a verdict.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
struct FormatArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
}

/// What every judging command shares: the contracts and the unassigned policy.
#[derive(Debug, Clone, Default, clap::Args)]
pub(super) struct PolicyArgs {
    #[command(flatten)]
    pub(super) contract: ContractArgs,
    /// Branches that no contract names: a notice (allow) or a failure (block).
    #[arg(long, value_enum, default_value_t = UnassignedArg::Allow)]
    pub(super) unassigned: UnassignedArg,
}

/// The policy and the output format of a command that prints a verdict.
#[derive(Debug, Clone, Default, clap::Args)]
pub(super) struct JudgeArgs {
    #[command(flatten)]
    pub(super) policy: PolicyArgs,
    #[command(flatten)]
    format: FormatArgs,
}

impl JudgeArgs {
    /// The chosen output format.
    pub(super) fn format(&self) -> Format {
        self.format.format.into()
    }
}

/// Posting is explicit, the same way for `--pr` and `sweep`.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub(super) struct PostArgs {
    /// Post the `contract-gate` check-run(s); without it nothing is written to GitHub.
    #[arg(long, conflicts_with = "dry_run")]
    pub(super) post: bool,
    /// Post nothing (the default with --pr; kept for scripts).
    #[arg(long)]
    pub(super) dry_run: bool,
}

/// `--format`: the verdict formats on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
enum FormatArg {
    /// For a person: grouped by rule, with the next step.
    #[default]
    Text,
    /// The verdict as JSON (fixed field names).
    Json,
    /// The check-run summary (markdown).
    Markdown,
    /// SARIF 2.1.0, uploadable to code scanning.
    Sarif,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Sarif => Format::Sarif,
        }
    }
}

/// `sweep --format`: the sweep prints a table of the pull requests it judged,
/// as text; `json` also prints an error as JSON. The verdict formats are
/// accepted (hidden) because the Action passes its `format` input to every
/// command, and print the same table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(super) enum SweepFormat {
    /// One line per pull request.
    #[default]
    Text,
    /// One line per pull request; an error as a JSON object.
    Json,
    /// Accepted for the Action; prints the text table.
    #[value(hide = true)]
    Markdown,
    /// Accepted for the Action; prints the text table.
    #[value(hide = true)]
    Sarif,
}

impl From<SweepFormat> for Format {
    fn from(f: SweepFormat) -> Format {
        match f {
            SweepFormat::Json => Format::Json,
            _ => Format::Text,
        }
    }
}

/// `lint --format`: lint prints text or JSON only, so only those are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(super) enum LintFormat {
    /// For a person: each contract as read, then its diagnostics.
    #[default]
    Text,
    /// Contracts and diagnostics as JSON.
    Json,
}

/// `--unassigned`: what to do with a branch that no contract names. The
/// core's `Unassigned` stays free of clap; this is its face on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(super) enum UnassignedArg {
    /// A notice; the conclusion is neutral.
    #[default]
    Allow,
    /// A failure.
    Block,
}

impl From<UnassignedArg> for Unassigned {
    fn from(a: UnassignedArg) -> Unassigned {
        match a {
            UnassignedArg::Allow => Unassigned::Allow,
            UnassignedArg::Block => Unassigned::Block,
        }
    }
}

/// `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The base branch (or revision): the contracts are read from it, never from the head, and the change is measured against it.
    #[arg(long, value_name = "REF")]
    pub(super) base: String,
    /// The head to judge.
    #[arg(long, value_name = "REF", default_value = "HEAD")]
    pub(super) head: String,
    /// Head branch name (default: the head ref's name, else GITHUB_HEAD_REF; required when detached).
    #[arg(long, value_name = "NAME")]
    pub(super) branch: Option<String>,
    /// PR body (markdown) holding the verification evidence; `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    pub(super) body: Option<PathBuf>,
    /// Judge the worktree as it stands: commits since the base plus staged, unstaged and untracked files.
    #[arg(long, conflicts_with = "head")]
    pub(super) worktree: bool,
    #[command(flatten)]
    pub(super) judge: JudgeArgs,
    #[command(flatten)]
    pub(super) dir: DirArgs,
    /// Deprecated: the repository directory; use -C/--dir (--repo means a GitHub OWNER/NAME).
    #[arg(long = "repo", value_name = "DIR", hide = true, conflicts_with = "dir")]
    pub(super) old_repo_dir: Option<PathBuf>,
}

/// `lint`.
#[derive(Debug, clap::Args)]
pub struct LintArgs {
    #[command(flatten)]
    pub(super) contract: ContractArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    pub(super) format: LintFormat,
    /// The base branch (or revision): also warn about patterns that match no file there.
    #[arg(long, value_name = "REF")]
    pub(super) base: Option<String>,
    #[command(flatten)]
    pub(super) dir: DirArgs,
    /// Deprecated: contract files as positional arguments; use --contract PATH.
    #[arg(hide = true, value_name = "PATH")]
    pub(super) old_paths: Vec<String>,
}

/// `fmt`.
#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// Contract files (default: CONTRACT.md and .github/contracts/*.md).
    #[arg(value_name = "PATH")]
    pub(super) paths: Vec<String>,
    /// Print nothing but which files differ from the canonical form (with a diff); exit 1 when one does.
    #[arg(long)]
    pub(super) check: bool,
    #[command(flatten)]
    pub(super) contract: ContractArgs,
    #[command(flatten)]
    pub(super) dir: DirArgs,
}

/// `brief`.
#[derive(Debug, clap::Args)]
pub struct BriefArgs {
    /// Agent name (case-insensitive) or its branch.
    pub(super) agent: String,
    #[command(flatten)]
    pub(super) contract: ContractArgs,
    #[command(flatten)]
    pub(super) dir: DirArgs,
}

/// `demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Keep the demo repository and print its path.
    #[arg(long)]
    pub(super) keep: bool,
}

/// `event`.
#[derive(Debug, clap::Args)]
pub struct EventArgs {
    /// Event name (default: GITHUB_EVENT_NAME).
    #[arg(long, env = "GITHUB_EVENT_NAME")]
    pub(super) event_name: String,
    /// Event payload file (default: GITHUB_EVENT_PATH).
    #[arg(long, env = "GITHUB_EVENT_PATH")]
    pub(super) event_path: PathBuf,
    #[command(flatten)]
    pub(super) judge: JudgeArgs,
    #[command(flatten)]
    pub(super) github: GithubArgs,
    #[command(flatten)]
    pub(super) dir: DirArgs,
}

/// `sweep`.
#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// The base branch whose open pull requests are re-judged (default in a push event: the pushed branch; in a pull_request event: GITHUB_BASE_REF).
    #[arg(long, value_name = "BRANCH")]
    pub(super) base: Option<String>,
    #[command(flatten)]
    pub(super) posting: PostArgs,
    #[command(flatten)]
    pub(super) policy: PolicyArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SweepFormat::Text)]
    pub(super) format: SweepFormat,
    #[command(flatten)]
    pub(super) github: GithubArgs,
    #[command(flatten)]
    pub(super) dir: DirArgs,
}

/// `completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to print completions for.
    #[arg(value_enum)]
    pub(super) shell: clap_complete::Shell,
}

/// Output formats of `rehearse`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(super) enum RehearseFormat {
    /// One line per step, like `git log --graph`.
    #[default]
    Text,
    /// Steps, findings and runs with fixed field names (see the README).
    Json,
    /// A summary with a mermaid diagram of the merge order.
    Markdown,
}

/// Arguments of `rehearse`.
#[derive(Debug, clap::Args)]
pub struct RehearseArgs {
    /// The base the branches merge into; contracts are read from it.
    #[arg(long, value_name = "REF")]
    pub(super) base: String,
    /// Contract path(s) at the base (repeatable; default: CONTRACT.md and .github/contracts/*.md).
    #[arg(long = "contract", value_name = "PATH")]
    pub(super) contracts: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RehearseFormat::Text)]
    pub(super) format: RehearseFormat,
    /// Materialise each step's tree in a temporary directory and run the
    /// verification matrix's commands there (never without this flag).
    #[arg(long)]
    pub(super) run: bool,
    /// With --run: seconds each command may take before it is killed.
    #[arg(long, value_name = "SECS", default_value_t = 600)]
    pub(super) timeout: u64,
    #[command(flatten)]
    pub(super) dir: DirArgs,
}
