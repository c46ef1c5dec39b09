//! The binary's one error type and the one place outcomes become exit
//! codes: 0 pass (success or neutral), 1 blocked (failure), 2 could not
//! evaluate.

use crate::report::{self, Format};
use contract_gate_core::verdict::{Conclusion, Verdict};

/// How a command that ran to the end came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Success or neutral.
    Pass,
    /// A failure: the contract forbids this change (or lint found errors).
    Blocked,
}

impl Outcome {
    /// The outcome of a verdict.
    pub fn of(v: &Verdict) -> Outcome {
        Outcome::blocked_if(v.conclusion == Conclusion::Failure)
    }

    /// `Blocked` when `blocked`, else `Pass`.
    pub fn blocked_if(blocked: bool) -> Outcome {
        if blocked {
            Outcome::Blocked
        } else {
            Outcome::Pass
        }
    }
}

/// Why a command could not evaluate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CliError {
    /// Bad input, no repository, an unreadable file…: printed in the
    /// command's format, naming the branch and base when known.
    Evaluate {
        /// What went wrong, and where.
        message: String,
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

impl CliError {
    /// An error printed as text on stderr.
    pub fn new(message: impl Into<String>) -> CliError {
        CliError::Evaluate {
            message: message.into(),
            format: Format::Text,
            branch: None,
            base: None,
        }
    }

    /// The same error, printed in `format`.
    pub fn in_format(self, f: Format) -> CliError {
        match self {
            CliError::Evaluate {
                message,
                branch,
                base,
                ..
            } => CliError::Evaluate {
                message,
                format: f,
                branch,
                base,
            },
            CliError::Reported => CliError::Reported,
        }
    }

    /// The same error, naming the branch and base it was about.
    pub fn about(self, branch: Option<&str>, base: Option<&str>) -> CliError {
        match self {
            CliError::Evaluate {
                message, format, ..
            } => CliError::Evaluate {
                message,
                format,
                branch: branch.map(String::from),
                base: base.map(String::from),
            },
            CliError::Reported => CliError::Reported,
        }
    }

    fn report(&self) {
        let CliError::Evaluate {
            message,
            format,
            branch,
            base,
        } = self
        else {
            return;
        };
        match format {
            Format::Json => crate::term::emit(&format!(
                "{}\n",
                report::json::error(branch.as_deref(), base.as_deref(), message)
            )),
            _ => eprintln!("contract-gate: could not evaluate: {message}"),
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Evaluate { message, .. } => f.write_str(message),
            CliError::Reported => f.write_str("could not evaluate (reported above)"),
        }
    }
}

impl std::error::Error for CliError {}

/// The exit code the action runtime returned, read back as an outcome:
/// it prints its own errors, so a 2 is `Reported`.
pub fn from_action(code: i32) -> Result<Outcome, CliError> {
    match code {
        0 => Ok(Outcome::Pass),
        1 => Ok(Outcome::Blocked),
        _ => Err(CliError::Reported),
    }
}

/// The one place an outcome becomes an exit code (and an error is printed).
pub fn exit_code(result: Result<Outcome, CliError>) -> i32 {
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
pub fn deprecated(old: &str, new: &str) {
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
        assert_eq!(from_action(0), Ok(Outcome::Pass));
        assert_eq!(from_action(1), Ok(Outcome::Blocked));
        assert_eq!(from_action(2), Err(CliError::Reported));
    }
}
