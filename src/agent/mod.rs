//! The agent's own loop: edit-time hooks for agent CLIs, the pre-push hook,
//! `check --worktree` and `setup`. The decisions are the core's pure
//! functions (`edit_guard`, `permission`); this module does the I/O.

pub mod cli;
pub mod event;
// Moved to the local source; the hook reaches it here.
pub use crate::source::local::generated;
pub mod git;
pub mod hook;
pub mod install;
pub mod paths;
pub mod place;
pub mod prepush;
pub mod setup;
pub mod worktree;
