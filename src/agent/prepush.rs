//! git's `pre-push` hook: judge each pushed branch against the base
//! recorded for the worktree, and refuse the push when CI would fail.
//! Waiting on predecessors (`merge-order`, `stale-base`) never blocks a
//! push: CI only holds those pending.

use crate::source::local::generated::GeneratedError;
use contract_gate_core::evaluate::{evaluate, Options};
use contract_gate_core::verdict::{Conclusion, Level, PushEffect, Verdict};

use crate::report::{self, Format};
use crate::source::local::git::Git;
use crate::source::local::{self, Request};

/// One line of the hook's stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pushed {
    /// `refs/heads/NAME` (or whatever was pushed).
    local_ref: String,
    /// The commit pushed; all zeros for a deletion.
    local_sha: String,
    /// The ref it updates on the remote.
    remote_ref: String,
}

/// Why a push could not be judged (the push is then refused).
#[derive(Debug, thiserror::Error)]
enum PrePushError {
    #[error("pre-push: cannot read the line `{0}`")]
    BadLine(String),
    #[error(transparent)]
    Load(#[from] local::LocalSourceError),
    /// Which paths are generated could not be told.
    #[error(transparent)]
    Generated(#[from] GeneratedError),
}

/// Reads `<local ref> <local sha> <remote ref> <remote sha>` lines.
fn parse(stdin: &str) -> Result<Vec<Pushed>, PrePushError> {
    stdin
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            match f.as_slice() {
                [lr, ls, rr, _rs] => Ok(Pushed {
                    local_ref: lr.to_string(),
                    local_sha: ls.to_string(),
                    remote_ref: rr.to_string(),
                }),
                _ => Err(PrePushError::BadLine(l.to_string())),
            }
        })
        .collect()
}

/// The verdict for one pushed ref, `None` for a deletion or a tag.
fn judge(
    git: &Git,
    base: &str,
    contracts: &[String],
    p: &Pushed,
) -> Result<Option<Verdict>, PrePushError> {
    if p.local_sha.bytes().all(|b| b == b'0') {
        return Ok(None);
    }
    let name = p
        .local_ref
        .strip_prefix("refs/heads/")
        .or_else(|| p.remote_ref.strip_prefix("refs/heads/"));
    let Some(branch) = name else {
        return Ok(None);
    };
    let req = Request {
        base: base.to_string(),
        head: p.local_sha.clone(),
        branch: Some(branch.to_string()),
        body: None,
        contracts: contracts.to_vec(),
        prepare_with: None,
    };
    let loaded = local::load(git, &req)?;
    let generated = local::generated::at_base(git.root(), base, &loaded.pr.files)
        .map_err(PrePushError::Generated)?;
    let options = Options {
        generated,
        ..Options::default()
    };
    let mut v = evaluate(&loaded.contracts, &loaded.pr, &loaded.merge, &options);
    // CI holds these pending; they are no reason to keep the work local.
    for f in v.findings.iter_mut() {
        if f.rule.push_effect() == PushEffect::Holds && f.level == Level::Failure {
            f.level = Level::Notice;
        }
    }
    let unassigned = v.agent.is_none();
    v.conclusion = Verdict::conclude(&v.findings, unassigned);
    Ok(Some(v))
}

/// What the hook says: the report (for stderr) and whether the push is
/// refused (git then stops it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Answer {
    /// Why each refused ref is refused; empty when none is.
    pub(crate) report: String,
    /// Some ref is refused, or cannot be judged (fail closed).
    pub(crate) refused: bool,
}

impl Answer {
    fn refused(report: String) -> Answer {
        Answer {
            report,
            refused: true,
        }
    }
}

/// Runs the hook: the report of each refused ref; the push is refused when
/// any ref is (or cannot be judged).
pub(crate) fn run(git: &Git, base: Option<String>, contracts: &[String], stdin: &str) -> Answer {
    let Some(base) = base else {
        return Answer::refused(
            "contract-gate pre-push: no base is recorded for this worktree; run `contract-gate setup` \
             (or `git push --no-verify` to push without the check)\n"
                .into(),
        );
    };
    let pushed = match parse(stdin) {
        Ok(p) => p,
        Err(e) => return Answer::refused(format!("contract-gate {e}\n")),
    };
    let mut out = String::new();
    let mut refused = false;
    for p in &pushed {
        match judge(git, &base, contracts, p) {
            Ok(Some(v)) if v.conclusion == Conclusion::Failure => {
                out.push_str(&format!(
                    "contract-gate pre-push: {} would fail the contract check against {base}; the push is refused\n",
                    p.local_ref
                ));
                out.push_str(&report::render(Format::Text, &v));
                refused = true;
            }
            Ok(_) => {}
            Err(e) => {
                out.push_str(&format!(
                    "contract-gate pre-push: cannot judge {}: {e}; the push is refused (fail closed)\n",
                    p.local_ref
                ));
                refused = true;
            }
        }
    }
    Answer {
        report: out,
        refused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_it_cannot_read_is_named() {
        let e = parse("refs/heads/a 1 refs/heads/a 0\nthree words only\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "pre-push: cannot read the line `three words only`"
        );
        assert_eq!(parse("\n").unwrap(), vec![]);
    }
}
