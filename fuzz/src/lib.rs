//! The binary crate's modules that read or render untrusted text, compiled
//! here from their own source files. The fuzz crate does not depend on the
//! binary package: that would build the whole GitHub client stack (octocrab,
//! hyper, rustls, tokio) with coverage instrumentation, minutes of CI time
//! for code no target reaches. These modules name only the core crate,
//! serde and miette, so they compile unchanged in either crate.
#![allow(dead_code, unused_imports)]

/// `src/report/`: the renderers (diagnostics, lint, clamping).
#[path = "../../src/report/mod.rs"]
pub mod report;

/// `src/source/github/models.rs`: the webhook payloads the action reads.
#[path = "../../src/source/github/models.rs"]
pub mod models;

/// `src/agent/event.rs`: the agent CLIs' hook events (Claude Code,
/// Codex `apply_patch`, Gemini CLI).
#[path = "../../src/agent/event.rs"]
pub mod hook_event;

/// `src/agent/cli/`: the agent-CLI registry `hook_event` reads (which
/// tool means what, per CLI) as `super::cli`.
#[path = "../../src/agent/cli/mod.rs"]
pub mod cli;
