//! The local git source: contracts at a revision, the change set and the
//! merge state, read from a repository or any of its worktrees.

pub mod generated;
pub mod git;
pub mod interface_scan;
mod load;
pub mod merge_state;
pub mod merge_tree;
pub mod rehearsal;

pub use load::*;
