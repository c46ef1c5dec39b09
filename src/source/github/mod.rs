//! The GitHub source: the REST client, the API's JSON models, and the
//! loader that reads a pull request into a snapshot.

pub mod client;
pub mod loader;
pub mod models;
