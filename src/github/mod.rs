//! GitHub: the REST client, the API source of snapshots, check-run
//! posting, and the workflow runtime (events, sweep, dry runs).

pub mod api;
pub mod models;
pub mod post;
pub mod run;
pub mod settings;
pub mod source;
