//! Where pull-request snapshots come from: a local git repository or the
//! GitHub REST API. Both build the core's `PrSnapshot`.

pub mod github;
pub mod local;
