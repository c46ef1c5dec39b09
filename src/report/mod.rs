//! Reporters: each output format renders a verdict (or a lint result) and
//! touches nothing else.

pub(crate) mod brief;
pub(crate) mod checkrun;
pub mod clamp;
pub mod diagnostics;
pub mod escape;
pub(crate) mod json;
pub mod lint;
mod markdown;
pub(crate) mod rehearsal;
mod sarif;
mod text;
pub mod workflow;

/// Output formats (`lint` has text and JSON only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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
pub fn render(format: Format, v: &contract_gate_core::verdict::Verdict) -> String {
    match format {
        Format::Text => text::verdict(v),
        Format::Json => format!("{}\n", json::verdict(v)),
        Format::Markdown => format!("{}\n", markdown::summary(v)),
        Format::Sarif => format!("{}\n", sarif::sarif(v, env!("CARGO_PKG_VERSION"))),
    }
}

#[cfg(test)]
use contract_gate_core::verdict::{Conclusion, Finding, MergeStepState, Role, StepState, Verdict};

/// Sample verdicts shared by the reporters' tests.
#[cfg(test)]
pub(crate) trait Sample {
    fn sample(conclusion: Conclusion, findings: Vec<Finding>) -> Verdict;
    fn waiting_on_agent_2(self) -> Verdict;
}

#[cfg(test)]
impl Sample for Verdict {
    /// agent-1 of `CONTRACT.md` on `agents/uploads` → `main`, for reporter tests.
    fn sample(conclusion: Conclusion, findings: Vec<Finding>) -> Verdict {
        Verdict {
            contract: Some("CONTRACT.md".into()),
            agent: Some("agent-1".into()),
            role: Some(Role::Agent),
            branch: "agents/uploads".into(),
            base: "main".into(),
            conclusion,
            findings,
            merge_progress: Vec::new(),
            evidence: Vec::new(),
        }
    }

    /// agent-1 waiting on agent-2, for reporter tests.
    fn waiting_on_agent_2(mut self) -> Verdict {
        self.merge_progress = vec![
            MergeStepState {
                agent: "agent-2".into(),
                state: StepState::Waiting,
                reference: None,
                pull: Default::default(),
            },
            MergeStepState {
                agent: "agent-1".into(),
                state: StepState::This,
                reference: None,
                pull: Default::default(),
            },
        ];
        self
    }
}
