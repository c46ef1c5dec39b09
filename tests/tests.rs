//! Integration tests of the `contract-gate` binary on real git repositories.

mod support;

#[path = "offline/brief.rs"]
mod brief;
#[path = "offline/cli.rs"]
mod cli;
#[path = "offline/contracts.rs"]
mod contracts;
#[path = "offline/evidence.rs"]
mod evidence;
#[path = "offline/lint.rs"]
mod lint;
#[path = "offline/order.rs"]
mod order;
#[path = "offline/paths.rs"]
mod paths;
