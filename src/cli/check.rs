//! `contract-gate check`: judges a branch of a local repository.

use std::path::{Path, PathBuf};

use super::args::CheckArgs;
use super::error::{deprecated, CliError, Outcome};
use crate::report::{self, Format};
use crate::source::local::git::Git;
use crate::source::local::{self, Request};
use contract_gate_core::evaluate::{evaluate_prepared, Options};

/// Reads the change from git, evaluates it and prints the verdict.
pub(super) fn run(a: &CheckArgs) -> Result<Outcome, CliError> {
    let format = a.judge.format();
    let dir = match &a.old_repo_dir {
        Some(d) => {
            deprecated(
                "`check --repo DIR`",
                "-C/--dir DIR (--repo means a GitHub OWNER/NAME)",
            );
            d.clone()
        }
        None => a.dir.dir.clone(),
    };
    judge(a, &dir, format).map_err(|e| {
        e.in_format(format)
            .about(a.branch.as_deref(), Some(&a.base))
    })
}

fn judge(a: &CheckArgs, dir: &Path, format: Format) -> Result<Outcome, CliError> {
    let body = match &a.body {
        Some(p) => Some(
            read_body(p)
                .map_err(|e| CliError::new(format!("cannot read --body {}: {e}", p.display())))?,
        ),
        None => None,
    };
    let git =
        Git::open_resolving(dir, &[a.base.as_str(), a.head.as_str()]).map_err(CliError::of)?;
    let mut options = options(a);
    let req = Request {
        base: a.base.clone(),
        head: a.head.clone(),
        branch: head_branch(a),
        body,
        contracts: a.judge.policy.contract.contracts.clone(),
        prepare_with: Some(options.clone()),
    };
    // The base's ignore and attribute files are listed, and the cores
    // counted, while the change is read: none waits for another (counting
    // reads cgroup files, a few ms that would delay the diff).
    let (loaded, (rules, threads)) = std::thread::scope(|s| {
        let side = s.spawn(|| {
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            (
                crate::source::local::generated::rule_files(git.root(), &a.base),
                threads,
            )
        });
        let loaded = local::load(&git, &req);
        let side = side.join().unwrap_or((
            Err(crate::source::local::generated::GeneratedError::Panicked),
            1,
        ));
        (loaded, side)
    });
    options.threads = threads;
    let mut loaded = loaded.map_err(CliError::of)?;
    let rules = rules.map_err(CliError::of)?;
    let mut warnings = Vec::new();
    if a.worktree {
        warnings = crate::agent::worktree::as_it_stands(&git, &mut loaded, &a.base)
            .map_err(CliError::of)?;
    }
    options.generated = if loaded.pr.files.is_empty() {
        Default::default()
    } else {
        crate::source::local::generated::at_base_with(git.root(), &a.base, &loaded.pr.files, rules)
            .map_err(CliError::of)?
    };
    let mut v = evaluate_prepared(
        &loaded.contracts,
        &loaded.pr,
        &loaded.merge,
        &options,
        loaded.prepared.as_ref(),
    );
    v.findings.extend(warnings);
    v.findings.sort_by_key(|f| (f.level, f.rule));
    crate::term::emit(&report::render(format, &v));
    let outcome = Outcome::of(&v);
    // The process ends here: freeing a 100,000-file change one path at a
    // time would only delay the exit.
    std::mem::forget(loaded);
    std::mem::forget(v);
    Ok(outcome)
}

/// The evaluation options the arguments ask for (the thread count and the
/// generated paths are filled in once known).
fn options(a: &CheckArgs) -> Options {
    let mut options = Options {
        unassigned: a.judge.policy.unassigned.into(),
        ..Options::default()
    };
    // A contract named on the command line is protected like the default ones.
    for c in &a.judge.policy.contract.contracts {
        let p = format!("path:{}", local::normalise_path(c));
        if let Ok(p) = contract_gate_core::pattern::Pattern::parse(&p) {
            options.protected.push(p);
        }
    }
    options
}

/// CI checkouts of a pull request are detached; Actions names the head
/// branch in GITHUB_HEAD_REF.
fn head_branch(a: &CheckArgs) -> Option<String> {
    a.branch.clone().or_else(|| {
        (a.head == "HEAD")
            .then(|| std::env::var("GITHUB_HEAD_REF").ok())
            .flatten()
            .filter(|b| !b.trim().is_empty())
    })
}

/// The largest PR body read (GitHub caps a body at 65,536 characters; a
/// file or pipe past this is refused, not half-read).
const MAX_BODY_BYTES: u64 = 16 << 20;

fn read_body(p: &PathBuf) -> std::io::Result<String> {
    use std::io::Read as _;
    let source: Box<dyn std::io::Read> = if p.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(p)?)
    };
    let mut bytes = Vec::new();
    source.take(MAX_BODY_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_BODY_BYTES {
        return Err(std::io::Error::other(format!(
            "the body is over {MAX_BODY_BYTES} bytes (16 MiB), the limit"
        )));
    }
    String::from_utf8(bytes).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "the body is not UTF-8 text",
        )
    })
}
