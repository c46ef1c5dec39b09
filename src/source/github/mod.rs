//! The GitHub source: the REST client (with its transport, retry policy,
//! errors, targets and token), the API's JSON models, and the loader that
//! reads a pull request into a snapshot.

pub mod checks;
pub mod client;
pub mod error;
mod interface_scan;
pub mod loader;
mod merge_state;
pub mod models;
pub mod repo;
pub mod retry;
pub mod reviews;
mod target;
pub mod token;
mod transport;
