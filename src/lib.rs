//! contract-gate, the binary: the command line, the sources (git and the
//! GitHub API), the reporters and the Actions runtime around the pure
//! `contract-gate-core`.
//!
//! Imports point one way: `cli` → `action` → `source` / `report` → core.

mod action;
pub mod agent;
pub mod cli;
pub mod panic_guard;
pub mod report;
pub mod source;
mod term;
