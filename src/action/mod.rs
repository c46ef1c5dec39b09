//! The GitHub Actions runtime: events, dry runs, the sweep, and check-run
//! posting.

pub mod post;
pub mod run;
