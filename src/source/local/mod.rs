//! The local git source: contracts at a revision, the change set and the
//! merge state, read from a repository or any of its worktrees.

pub mod git;
mod load;

pub use load::*;
