//! The GitHub source: the REST client (with its transport, retry policy,
//! errors, targets and token), the API's JSON models, and the loader that
//! reads a pull request into a snapshot.

pub(crate) mod checks;
pub mod client;
mod error;
mod interface_scan;
pub(crate) mod loader;
mod merge_state;
pub(crate) mod models;
pub(crate) mod repo;
mod retry;
pub(crate) mod reviews;
mod target;
mod token;
mod transport;
