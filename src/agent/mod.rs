//! The agent's own loop: edit-time hooks for agent CLIs, the pre-push hook,
//! `check --worktree` and `setup`. The decisions are the core's pure
//! functions (`edit_guard`, `permission`); this module does the I/O.

pub mod cli;
pub mod event;
// Moved to the local source; the hook reaches it here.
pub(crate) use crate::source::local::generated;
mod git;
pub(crate) mod hook;
mod install;
mod paths;
pub(crate) mod place;
pub(crate) mod prepush;
pub(crate) mod setup;
pub(crate) mod worktree;
