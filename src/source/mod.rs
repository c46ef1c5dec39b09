//! Where pull-request snapshots come from: a local git repository or the
//! GitHub REST API. Both build the core's `PrSnapshot`; what both know about
//! contract files is in [`contracts`], so neither source depends on the other.

pub mod contracts;
pub mod github;
pub mod local;
