//! Command-line interface: parses arguments and wires a source to the
//! evaluator to a reporter. Returns the process exit code.

pub mod demo;
pub mod github;
pub mod hook;
pub mod setup;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::term::{color, emit};

use crate::report::{self, Format};
use crate::source::local::git::Git;
use crate::source::local::{self, Request};
use contract_gate_core::evaluate::{evaluate, Options, Unassigned};

/// `--unassigned`: what to do with a branch that no contract names. The
/// core's `Unassigned` stays free of clap; this is its face on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum UnassignedArg {
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

/// Exit code: the gate could not evaluate (bad input, no repository, …).
pub const EXIT_ERROR: i32 = 2;

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
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Judge this pull request through the GitHub API and print the report (nothing is posted without --post).
    #[arg(long, value_name = "N")]
    pub pr: Option<u64>,
    /// With --pr: post the `contract-gate` check-run on the PR's head.
    #[arg(long, requires = "pr")]
    pub post: bool,
    #[command(flatten)]
    pub github: GithubArgs,
}

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

/// Where and how to reach GitHub.
#[derive(Debug, Clone, clap::Args)]
pub struct GithubArgs {
    /// Repository `owner/name` (default: GITHUB_REPOSITORY, then the `origin` remote).
    #[arg(long, value_name = "OWNER/NAME")]
    pub repo: Option<String>,
    /// API token (default: GITHUB_TOKEN, GH_TOKEN, then `gh auth token`). Never printed.
    #[arg(long, value_name = "TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// REST API root (default: GITHUB_API_URL, then https://api.github.com; GitHub Enterprise Server: https://HOST/api/v3).
    #[arg(long, value_name = "URL")]
    pub api_url: Option<String>,
    /// Contract path(s) at the base (repeatable; default: CONTRACT.md and .github/contracts/*.md).
    #[arg(long = "contract", value_name = "PATH")]
    pub contracts: Vec<String>,
    /// Branches that no contract names: a notice (allow) or a failure (block).
    #[arg(long, value_enum, default_value_t = UnassignedArg::Allow)]
    pub unassigned: UnassignedArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

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
    /// Build a demo repository (the uploads example) and judge its branches.
    Demo(DemoArgs),
    /// Judge the event of a GitHub Actions run (pull_request, pull_request_target, merge_group, push).
    #[command(after_help = EXIT_CODES)]
    Event(EventArgs),
    /// Re-judge every open pull request into a base branch and post fresh check-runs.
    #[command(after_help = EXIT_CODES)]
    Sweep(SweepArgs),
    /// Hooks for the agent's own loop: `claude-code`, `codex`, `gemini` (edit-time) and `pre-push`.
    Hook(hook::HookArgs),
    /// Create each agent's branch and worktree from the contract at the base, write its brief, install its hooks.
    Setup(setup::SetupArgs),
    /// Print shell completions.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, clap::Args)]
pub struct EventArgs {
    /// Event name (default: GITHUB_EVENT_NAME).
    #[arg(long, env = "GITHUB_EVENT_NAME")]
    pub event_name: String,
    /// Event payload file (default: GITHUB_EVENT_PATH).
    #[arg(long, env = "GITHUB_EVENT_PATH")]
    pub event_path: PathBuf,
    #[command(flatten)]
    pub github: GithubArgs,
}

#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// The base branch whose open pull requests are re-judged.
    #[arg(long, value_name = "BRANCH")]
    pub base: String,
    /// Judge and print, but post nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub github: GithubArgs,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The base: the contract is read from here, never from the head.
    #[arg(long, value_name = "REF")]
    pub base: String,
    /// The head to judge.
    #[arg(long, value_name = "REF", default_value = "HEAD")]
    pub head: String,
    /// Head branch name (default: the head ref's name, else GITHUB_HEAD_REF; required when detached).
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,
    /// PR body (markdown) holding the verification evidence; `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    pub body: Option<PathBuf>,
    /// Branches that no contract names: a notice (allow) or a failure (block).
    #[arg(long, value_enum, default_value_t = UnassignedArg::Allow)]
    pub unassigned: UnassignedArg,
    /// Contract path(s) at the base (repeatable; default: CONTRACT.md and .github/contracts/*.md).
    #[arg(long = "contract", value_name = "PATH")]
    pub contracts: Vec<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Repository directory (default: the current directory).
    #[arg(long, short = 'C', value_name = "DIR", default_value = ".")]
    pub repo: PathBuf,
    /// Judge the worktree as it stands: commits since the base plus staged, unstaged and untracked files.
    #[arg(long, conflicts_with = "head")]
    pub worktree: bool,
}

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Contract files (default: CONTRACT.md and .github/contracts/*.md of the repository).
    pub paths: Vec<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also warn about patterns that match no file at this revision.
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct BriefArgs {
    /// Agent name (case-insensitive) or its branch.
    pub agent: String,
    /// Contract file(s) (default: CONTRACT.md and .github/contracts/*.md).
    #[arg(long = "contract", value_name = "PATH")]
    pub contracts: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Keep the demo repository and print its path.
    #[arg(long)]
    pub keep: bool,
}

pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Some(Command::Check(a)) => check(&a),
        Some(Command::Lint(a)) => lint(&a),
        Some(Command::Brief(a)) => brief(&a),
        Some(Command::Demo(a)) => crate::cli::demo::run(a.keep),
        Some(Command::Hook(a)) => hook::run(&a),
        Some(Command::Setup(a)) => setup::run(&a),
        Some(Command::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "contract-gate", &mut out);
            emit(&String::from_utf8_lossy(&out));
            0
        }
        Some(Command::Event(e)) => {
            let env = crate::action::run::ActionsEnv {
                event_name: e.event_name,
                event_path: e.event_path,
                step_summary: std::env::var_os("GITHUB_STEP_SUMMARY").map(PathBuf::from),
                output: std::env::var_os("GITHUB_OUTPUT").map(PathBuf::from),
            };
            with_github(&e.github, |s| async move {
                crate::action::run::event(&s, &env).await
            })
        }
        Some(Command::Sweep(a)) => with_github(&a.github, |s| async move {
            crate::action::run::sweep(&s, &a.base, !a.dry_run).await
        }),
        None => match cli.pr {
            Some(n) => with_github(&cli.github, |s| async move {
                crate::action::run::dry_run(&s, n, cli.post).await
            }),
            None if std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true") => {
                let (Some(name), Some(path)) = (
                    std::env::var_os("GITHUB_EVENT_NAME"),
                    std::env::var_os("GITHUB_EVENT_PATH"),
                ) else {
                    return fail(
                        cli.github.format,
                        None,
                        None,
                        "GITHUB_ACTIONS=true but GITHUB_EVENT_NAME or GITHUB_EVENT_PATH is not set",
                    );
                };
                let env = crate::action::run::ActionsEnv {
                    event_name: name.to_string_lossy().into_owned(),
                    event_path: PathBuf::from(path),
                    step_summary: std::env::var_os("GITHUB_STEP_SUMMARY").map(PathBuf::from),
                    output: std::env::var_os("GITHUB_OUTPUT").map(PathBuf::from),
                };
                with_github(&cli.github, |s| async move {
                    crate::action::run::event(&s, &env).await
                })
            }
            None => {
                let _ = <Cli as clap::CommandFactory>::command().print_help();
                EXIT_ERROR
            }
        },
    }
}

/// Resolves the GitHub settings (repo, token, API URL) and runs `f` on a
/// tokio runtime.
fn with_github<F, Fut>(g: &GithubArgs, f: F) -> i32
where
    F: FnOnce(crate::action::run::Settings) -> Fut,
    Fut: std::future::Future<Output = i32>,
{
    let settings = match crate::cli::github::resolve(g) {
        Ok(s) => s,
        Err(e) => return fail(g.format, None, None, &e),
    };
    match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt.block_on(f(settings)),
        Err(e) => fail(
            g.format,
            None,
            None,
            &format!("cannot start the async runtime: {e}"),
        ),
    }
}

fn fail(format: Format, branch: Option<&str>, base: Option<&str>, msg: &str) -> i32 {
    match format {
        Format::Json => emit(&format!("{}\n", report::json::error(branch, base, msg))),
        _ => eprintln!("contract-gate: could not evaluate: {msg}"),
    }
    EXIT_ERROR
}

fn read_body(p: &std::path::Path) -> std::io::Result<String> {
    if p.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
        Ok(s)
    } else {
        std::fs::read_to_string(p)
    }
}

pub fn check(a: &CheckArgs) -> i32 {
    let body = match &a.body {
        Some(p) => match read_body(p) {
            Ok(b) => Some(b),
            Err(e) => {
                let msg = format!("cannot read --body {}: {e}", p.display());
                return fail(a.format, a.branch.as_deref(), Some(&a.base), &msg);
            }
        },
        None => None,
    };
    let git = match Git::open(&a.repo) {
        Ok(g) => g,
        Err(e) => return fail(a.format, a.branch.as_deref(), Some(&a.base), &e.to_string()),
    };
    // CI checkouts of a pull request are detached; Actions names the head
    // branch in GITHUB_HEAD_REF.
    let branch = a.branch.clone().or_else(|| {
        (a.head == "HEAD")
            .then(|| std::env::var("GITHUB_HEAD_REF").ok())
            .flatten()
            .filter(|b| !b.trim().is_empty())
    });
    let req = Request {
        base: a.base.clone(),
        head: a.head.clone(),
        branch,
        body,
        contracts: a.contracts.clone(),
    };
    let mut loaded = match local::load(&git, &req) {
        Ok(l) => l,
        Err(e) => return fail(a.format, a.branch.as_deref(), Some(&a.base), &e.to_string()),
    };
    let mut warnings = Vec::new();
    if a.worktree {
        match crate::agent::worktree::as_it_stands(&git, &mut loaded, &a.base) {
            Ok(w) => warnings = w,
            Err(e) => return fail(a.format, a.branch.as_deref(), Some(&a.base), &e),
        }
    }
    let mut options = Options {
        unassigned: a.unassigned.into(),
        ..Options::default()
    };
    for c in &a.contracts {
        if let Ok(p) = contract_gate_core::pattern::Pattern::parse(&format!(
            "path:{}",
            local::normalise_path(c)
        )) {
            options.protected.push(p);
        }
    }
    match crate::agent::generated::at_base(git.root(), &a.base, &loaded.pr.files) {
        Ok(g) => options.generated = g,
        Err(e) => return fail(a.format, a.branch.as_deref(), Some(&a.base), &e),
    }
    let mut v = evaluate(&loaded.contracts, &loaded.pr, &loaded.merge, &options);
    v.findings.extend(warnings);
    v.findings.sort_by_key(|f| (f.level, f.rule));
    emit(&report::render(a.format, &v));
    v.conclusion.exit_code()
}

fn lint(a: &LintArgs) -> i32 {
    if matches!(a.format, Format::Markdown | Format::Sarif) {
        return fail(Format::Text, None, None, "lint prints text or json");
    }
    let cwd = PathBuf::from(".");
    let git = Git::open(&cwd).ok();
    let root = git.as_ref().map(|g| g.root().to_path_buf()).unwrap_or(cwd);
    let mut contracts = match local::contracts_in_dir(&root, &a.paths) {
        Ok(c) => c,
        Err(e) => return fail(a.format, None, None, &e.to_string()),
    };
    if contracts.is_empty() {
        return fail(
            a.format,
            None,
            None,
            "no contract found: pass a path, or add CONTRACT.md or .github/contracts/*.md",
        );
    }
    if let (Some(g), Some(base)) = (&git, &a.base) {
        match g.list_files(base, None) {
            Ok(files) => {
                for c in contracts.iter_mut() {
                    let w = contract_gate_core::contract::unmatched_pattern_warnings(c, &files);
                    c.diagnostics.extend(w);
                }
            }
            Err(e) => return fail(a.format, None, Some(base), &e.to_string()),
        }
    }
    match a.format {
        Format::Json => emit(&format!("{}\n", report::lint::json(&contracts))),
        _ => emit(&report::lint::text(&contracts, color())),
    }
    i32::from(contracts.iter().any(|c| c.has_errors()))
}

fn brief(a: &BriefArgs) -> i32 {
    let cwd = PathBuf::from(".");
    let root = Git::open(&cwd)
        .map(|g| g.root().to_path_buf())
        .unwrap_or(cwd);
    let contracts = match local::contracts_in_dir(&root, &a.contracts) {
        Ok(c) => c,
        Err(e) => return fail(Format::Text, None, None, &e.to_string()),
    };
    for c in &contracts {
        let found = c.agent(&a.agent).or_else(|| c.agent_for_branch(&a.agent));
        if let Some(agent) = found {
            emit(&report::brief::brief(c, agent));
            return 0;
        }
    }
    let known: Vec<String> = contracts
        .iter()
        .flat_map(|c| c.agents.iter().map(|a| a.name.clone()))
        .collect();
    let msg = if known.is_empty() {
        "no contract with agents found".to_string()
    } else {
        format!("no agent `{}`; agents: {}", a.agent, known.join(", "))
    };
    fail(Format::Text, None, None, &msg)
}
