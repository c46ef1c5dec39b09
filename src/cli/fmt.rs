//! `contract-gate fmt [--check] [PATH…]`: each contract as the gate reads
//! it, in the one canonical form (README "The canonical form"). `--check`
//! says which files differ, with a diff, and is blocked (exit 1) when one
//! does, so a repository can require the canonical form in CI.

use std::fmt::Write;

use contract_gate_core::contract::{canonical, Contract};

use super::args::FmtArgs;
use super::error::{CliError, Outcome};
use super::lint::in_dir;
use crate::report;
use crate::source::local;
use crate::term::emit;

/// Prints (or checks) the canonical form of each contract.
pub(super) fn run(a: &FmtArgs) -> Result<Outcome, CliError> {
    let dir = &a.dir.dir;
    let root = local::git::Git::open(dir)
        .map(|g| g.root().to_path_buf())
        .unwrap_or_else(|_| dir.clone());
    let mut paths = a.contract.contracts.clone();
    paths.extend(a.paths.iter().cloned());
    let paths = in_dir(dir, &paths);
    let contracts = local::contracts_in_dir(&root, &paths).map_err(CliError::of)?;
    if contracts.is_empty() {
        return Err(CliError::new(
            "no contract found: pass PATH, or add CONTRACT.md or .github/contracts/*.md",
        ));
    }
    // A contract with errors has no canonical form: the gate does not read
    // it at all (every branch it governs fails `contract-invalid`).
    let broken: Vec<&Contract> = contracts.iter().filter(|c| c.has_errors()).collect();
    if !broken.is_empty() {
        let mut msg = String::new();
        for c in &broken {
            for d in c
                .diagnostics
                .iter()
                .filter(|d| d.severity == contract_gate_core::contract::Severity::Error)
            {
                msg.push_str(&report::diagnostics::render(c, d, false));
            }
        }
        let names: Vec<&str> = broken.iter().map(|c| c.path.as_str()).collect();
        let _ = write!(
            msg,
            "{} cannot be formatted: the gate refuses {} (fix the errors above; `contract-gate lint` shows every diagnostic)",
            names.join(", "),
            if broken.len() == 1 { "it" } else { "them" }
        );
        return Err(CliError::new(msg));
    }
    if a.check {
        return Ok(check(&contracts));
    }
    let several = contracts.len() > 1;
    let mut out = String::new();
    for (i, c) in contracts.iter().enumerate() {
        if several {
            // An HTML comment: invisible when rendered, and to the gate.
            let _ = writeln!(
                out,
                "{}<!-- contract-gate fmt: {} -->",
                if i > 0 { "\n" } else { "" },
                crate::report::escape::html_comment(&c.path)
            );
        }
        out.push_str(&canonical(c));
    }
    emit(&out);
    Ok(Outcome::Pass)
}

/// Blocked when a file differs from its canonical form; each one's diff.
fn check(contracts: &[Contract]) -> Outcome {
    let mut out = String::new();
    let mut differ = 0;
    for c in contracts {
        let want = canonical(c);
        if c.source == want {
            let _ = writeln!(out, "{}: canonical", c.path);
            continue;
        }
        differ += 1;
        let _ = writeln!(out, "{}: not in the canonical form", c.path);
        let diff = similar::TextDiff::from_lines(&c.source, &want);
        let _ = write!(
            out,
            "{}",
            diff.unified_diff()
                .context_radius(2)
                .header(&c.path, &format!("{} (canonical)", c.path))
        );
    }
    if differ > 0 {
        let _ = writeln!(
            out,
            "\n{differ} of {} contracts differ; `contract-gate fmt PATH > PATH.new` writes the canonical form",
            contracts.len()
        );
    }
    emit(&out);
    Outcome::blocked_if(differ > 0)
}
