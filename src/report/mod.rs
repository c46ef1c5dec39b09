//! Reporters: each output format renders a verdict (or a lint result) and
//! touches nothing else.

pub mod brief;
pub mod diagnostics;
pub mod json;
pub mod lint;
pub mod text;

/// Output formats of `check` and `lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
}
