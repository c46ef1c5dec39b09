//! Contract diagnostics as miette reports with a span into the markdown.

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};

use contract_gate_core::contract::{Contract, Diagnostic, Severity};

/// Renders one diagnostic of a contract, drawn on its source.
pub fn render(c: &Contract, d: &Diagnostic, color: bool) -> String {
    let (c, d) = &super::clamp::for_diagnostic(c, d); // long lines cut: no far columns
    let len = d.span.end.saturating_sub(d.span.start).max(1);
    let start = d.span.start.min(c.source.len().saturating_sub(1));
    // Built, not derived: a derived `#[diagnostic(severity)]` field was
    // drawn as an error (`×`) whatever it held; a warning is drawn `⚠`.
    let mut diag = MietteDiagnostic::new(format!("[{}] {}", d.code, d.message))
        .with_severity(match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
        .with_label(LabeledSpan::at(
            start..start + len.min(c.source.len().saturating_sub(start)),
            match d.severity {
                Severity::Error => "here",
                Severity::Warning => "this",
            },
        ));
    if let Some(h) = &d.help {
        diag = diag.with_help(h.clone());
    }
    let report =
        miette::Report::new(diag).with_source_code(NamedSource::new(&c.path, c.source.clone()));
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    let _ = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .render_report(&mut out, report.as_ref());
    out
}
