//! `contract-gate lint`: shows how each contract was read.

use std::path::{Path, PathBuf};

use super::args::{LintArgs, LintFormat};
use super::error::{deprecated, CliError, Outcome};
use crate::report::{self, Format};
use crate::source::local;
use crate::source::local::git::Git;
use crate::term::{color, emit};

/// Lints the contracts of the working tree; blocked when one has an error.
pub(super) fn run(a: &LintArgs) -> Result<Outcome, CliError> {
    let format = match a.format {
        LintFormat::Text => Format::Text,
        LintFormat::Json => Format::Json,
    };
    lint(a, format).map_err(|e| e.in_format(format).about(None, a.base.as_deref()))
}

fn lint(a: &LintArgs, format: Format) -> Result<Outcome, CliError> {
    let mut paths = a.contract.contracts.clone();
    if !a.old_paths.is_empty() {
        deprecated(
            "`lint PATH…` (positional contract paths)",
            "--contract PATH",
        );
        paths.extend(a.old_paths.iter().cloned());
    }
    let dir = &a.dir.dir;
    let git = Git::open(dir).ok();
    let root = git
        .as_ref()
        .map(|g| g.root().to_path_buf())
        .unwrap_or_else(|| dir.clone());
    let paths = in_dir(dir, &paths);
    let mut contracts = local::contracts_in_dir(&root, &paths).map_err(CliError::of)?;
    if contracts.is_empty() {
        return Err(CliError::new(
            "no contract found: pass --contract PATH, or add CONTRACT.md or .github/contracts/*.md",
        ));
    }
    if let Some(base) = &a.base {
        let Some(g) = &git else {
            return Err(CliError::new(format!(
                "--base {base} needs a git repository, and {} is not in one",
                dir.display()
            )));
        };
        let files = g.list_files(base, None).map_err(CliError::of)?;
        for c in contracts.iter_mut() {
            let w = contract_gate_core::contract::unmatched_pattern_warnings(c, &files);
            c.diagnostics.extend(w);
        }
    }
    match format {
        Format::Json => emit(&format!("{}\n", report::lint::json(&contracts))),
        _ => emit(&report::lint::text(&contracts, color())),
    }
    Ok(Outcome::blocked_if(
        contracts.iter().any(|c| c.has_errors()),
    ))
}

/// Relative paths name files under `-C DIR`, as if the command started there.
pub(crate) fn in_dir(dir: &Path, paths: &[String]) -> Vec<String> {
    paths
        .iter()
        .map(|p| {
            if dir == Path::new(".") || Path::new(p).is_absolute() {
                p.clone()
            } else {
                PathBuf::from(dir).join(p).display().to_string()
            }
        })
        .collect()
}
