//! The binary's one error type and the one place outcomes become exit
//! codes: 0 pass (success or neutral), 1 blocked (failure), 2 could not
//! evaluate.

use crate::report::{self, Format};
use contract_gate_core::verdict::{Conclusion, Verdict};

/// How a command that ran to the end came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// Success or neutral.
    Pass,
    /// A failure: the contract forbids this change (or lint found errors).
    Blocked,
}

impl Outcome {
    /// The outcome of a verdict.
    pub(super) fn of(v: &Verdict) -> Outcome {
        Outcome::blocked_if(v.conclusion == Conclusion::Failure)
    }

    /// `Blocked` when `blocked`, else `Pass`.
    pub(super) fn blocked_if(blocked: bool) -> Outcome {
        if blocked {
            Outcome::Blocked
        } else {
            Outcome::Pass
        }
    }
}

/// Why a command could not evaluate.
#[derive(Debug)]
pub(super) enum CliError {
    /// Bad input, no repository, an unreadable file…: printed in the
    /// command's format, naming the branch and base when known.
    Evaluate {
        /// What went wrong, and where: the error itself, with its sources.
        cause: Box<dyn std::error::Error + Send + Sync>,
        /// JSON errors go to stdout as a verdict-shaped object; text to stderr.
        format: Format,
        /// The head branch, when known.
        branch: Option<String>,
        /// The base, when known.
        base: Option<String>,
    },
    /// The error was already reported (the Actions runtime reports its own,
    /// on the check-run and the step summary).
    Reported,
}

/// A problem the command itself found (a missing flag, a bad value): the
/// cause when there is no underlying error.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Problem(String);

impl CliError {
    /// An error the command found itself, printed as text on stderr.
    pub(super) fn new(message: impl Into<String>) -> CliError {
        CliError::of(Problem(message.into()))
    }

    /// An error with its cause (and the cause's sources), printed as text
    /// on stderr.
    pub(super) fn of(cause: impl std::error::Error + Send + Sync + 'static) -> CliError {
        CliError::Evaluate {
            cause: Box::new(cause),
            format: Format::Text,
            branch: None,
            base: None,
        }
    }

    /// The same error, printed in `format`.
    pub(super) fn in_format(self, f: Format) -> CliError {
        match self {
            CliError::Evaluate {
                cause,
                branch,
                base,
                ..
            } => CliError::Evaluate {
                cause,
                format: f,
                branch,
                base,
            },
            CliError::Reported => CliError::Reported,
        }
    }

    /// The same error, naming the branch and base it was about.
    pub(super) fn about(self, branch: Option<&str>, base: Option<&str>) -> CliError {
        match self {
            CliError::Evaluate { cause, format, .. } => CliError::Evaluate {
                cause,
                format,
                branch: branch.map(String::from),
                base: base.map(String::from),
            },
            CliError::Reported => CliError::Reported,
        }
    }

    /// The cause, when there is one (never for `Reported`).
    #[cfg(test)]
    fn cause(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        match self {
            CliError::Evaluate { cause, .. } => Some(cause.as_ref()),
            CliError::Reported => None,
        }
    }

    fn report(&self) {
        let CliError::Evaluate {
            cause,
            format,
            branch,
            base,
        } = self
        else {
            return;
        };
        // The cause's own text already says what its sources say (each
        // module's error writes them in); printing the chain again would
        // repeat it.
        let message = cause.to_string();
        match format {
            Format::Json => crate::term::emit(&format!(
                "{}\n",
                report::json::error(branch.as_deref(), base.as_deref(), &message)
            )),
            _ => eprintln!("contract-gate: could not evaluate: {message}"),
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Evaluate { cause, .. } => write!(f, "{cause}"),
            CliError::Reported => f.write_str("could not evaluate (reported above)"),
        }
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CliError::Evaluate { cause, .. } => cause.source(),
            CliError::Reported => None,
        }
    }
}

/// The exit code the action runtime returned, read back as an outcome:
/// it prints its own errors, so a 2 is `Reported`.
pub(super) fn from_action(code: i32) -> Result<Outcome, CliError> {
    match code {
        0 => Ok(Outcome::Pass),
        1 => Ok(Outcome::Blocked),
        _ => Err(CliError::Reported),
    }
}

/// The one place an outcome becomes an exit code (and an error is printed).
pub(super) fn exit_code(result: Result<Outcome, CliError>) -> i32 {
    match result {
        Ok(Outcome::Pass) => 0,
        Ok(Outcome::Blocked) => 1,
        Err(e) => {
            e.report();
            2
        }
    }
}

/// Prints the deprecation warning for an old flag (kept one release).
pub(super) fn deprecated(old: &str, new: &str) {
    eprintln!("contract-gate: warning: {old} is deprecated and will be removed in the next release; use {new}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes() {
        assert_eq!(exit_code(Ok(Outcome::Pass)), 0);
        assert_eq!(exit_code(Ok(Outcome::Blocked)), 1);
        assert_eq!(exit_code(Err(CliError::Reported)), 2);
        assert_eq!(from_action(0).unwrap(), Outcome::Pass);
        assert_eq!(from_action(1).unwrap(), Outcome::Blocked);
        assert!(matches!(from_action(2), Err(CliError::Reported)));
    }

    /// The cause is kept, with its sources, not flattened into text.
    #[test]
    fn the_cause_is_kept() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let e = CliError::of(io)
            .in_format(Format::Json)
            .about(Some("b"), None);
        let cause = e.cause().unwrap();
        let io = cause.downcast_ref::<std::io::Error>().unwrap();
        assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
        assert_eq!(e.to_string(), "gone");
    }
}
