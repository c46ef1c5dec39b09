//! Reporters: each output format renders a verdict (or a lint result) and
//! touches nothing else.

pub mod brief;
pub mod checkrun;
pub mod diagnostics;
pub mod json;
pub mod lint;
pub mod markdown;
pub mod sarif;
pub mod text;
pub mod workflow;

/// Output formats (`lint` has text and JSON only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// For a person: grouped by rule, with the next step.
    #[default]
    Text,
    /// The verdict as JSON (fixed field names).
    Json,
    /// The check-run summary (markdown).
    Markdown,
    /// SARIF 2.1.0, uploadable to code scanning.
    Sarif,
}

/// Renders a verdict in the chosen format.
pub fn render(format: Format, v: &crate::verdict::Verdict) -> String {
    match format {
        Format::Text => text::verdict(v),
        Format::Json => format!("{}\n", json::verdict(v)),
        Format::Markdown => format!("{}\n", markdown::summary(v)),
        Format::Sarif => format!("{}\n", sarif::sarif(v, env!("CARGO_PKG_VERSION"))),
    }
}
