//! contract-gate: enforce a context contract for parallel coding agents.
//!
//! The core is pure: [`evaluate::evaluate`] turns (contracts, pull-request
//! snapshot, merge state) into a [`verdict::Verdict`] with no I/O. Sources
//! (`git`) and reporters (`report`) live at the edges.

pub mod cli;
pub mod contract;
pub mod demo;
pub mod diff;
pub mod evaluate;
pub mod evidence;
pub mod git;
pub mod github;
pub mod offline;
pub mod pattern;
pub mod report;
pub mod snapshot;
pub mod verdict;
