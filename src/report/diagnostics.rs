//! Contract diagnostics as miette reports with a span into the markdown.

use miette::{GraphicalReportHandler, GraphicalTheme, NamedSource, SourceSpan};

use contract_gate_core::contract::{Contract, Diagnostic, Severity};

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
struct Report {
    message: String,
    #[source_code]
    src: NamedSource<String>,
    #[label("{label}")]
    span: SourceSpan,
    label: String,
    #[help]
    help: Option<String>,
    #[diagnostic(severity)]
    severity: miette::Severity,
}

/// Renders one diagnostic of a contract, drawn on its source.
pub fn render(c: &Contract, d: &Diagnostic, color: bool) -> String {
    let (c, d) = &super::clamp::for_diagnostic(c, d); // long lines cut: no far columns
    let len = d.span.end.saturating_sub(d.span.start).max(1);
    let start = d.span.start.min(c.source.len().saturating_sub(1));
    let report = Report {
        // The stable code first: `[CG010 scope-overlap] …`.
        message: format!("[{}] {}", d.code, d.message),
        src: NamedSource::new(&c.path, c.source.clone()),
        span: (start, len.min(c.source.len().saturating_sub(start))).into(),
        label: match d.severity {
            Severity::Error => "here".into(),
            Severity::Warning => "this".into(),
        },
        help: d.help.clone(),
        severity: match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        },
    };
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    let _ = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .render_report(&mut out, &report);
    out
}
