//! The pure core of contract-gate.
//!
//! Evaluation is a function of (contracts, pull-request snapshot, merge
//! state) → [`verdict::Verdict`], with no I/O: nothing here touches files,
//! processes, the clock, the environment or the network. The binary crate
//! reads git and the GitHub API into a [`change::PrSnapshot`] and renders the
//! verdict.
#![deny(missing_docs)]
// No I/O: not even a stray debugging print.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod approval;
pub mod change;
pub mod ci_evidence;
pub mod contract;
pub mod diff;
pub mod edit_guard;
pub mod evaluate;
pub mod interface;
pub mod pattern;
pub mod permission;
pub mod pr_body;
pub mod rehearsal;
pub mod verdict;
