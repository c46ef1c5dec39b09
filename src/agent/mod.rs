//! The agent's own loop: edit-time hooks for agent CLIs, the pre-push hook,
//! `check --worktree` and `setup`. The decisions are the core's pure
//! functions (`edit_guard`, `permission`); this module does the I/O.

pub mod cli;
pub mod event;
pub(crate) mod generated;
mod git;
pub(crate) mod hook;
mod install;
mod paths;
pub(crate) mod place;
pub(crate) mod prepush;
pub(crate) mod setup;
pub(crate) mod worktree;
