//! The request bodies of GitHub's check-runs API, as types: the POST that
//! creates a run and the PATCHes that complete it (or fail or supersede it).
//!
//! Fields are declared in alphabetical order on purpose: these bodies were
//! `json!` maps, whose keys serde_json sorts, and the bytes sent stay the
//! same. Absent fields are left out (`skip_serializing_if`), never `null`:
//! GitHub reads `"conclusion": null` as a conclusion.

use serde::Serialize;
use serde_json::Value;

use super::{
    Annotation, Plan, RunStatus, ANNOTATIONS_PER_REQUEST, ANNOTATION_MESSAGE_MAX_BYTES, CHECK_NAME,
    OUTPUT_MAX_BYTES,
};
use crate::report::clamp::{truncate_bytes, truncate_chars};
use crate::report::markdown::TITLE_MAX_CHARS;
use contract_gate_core::verdict::Conclusion;

/// A run's `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Status {
    InProgress,
    Completed,
}

/// A completed run's `conclusion`: a verdict's, or `cancelled` for a run a
/// newer one supersedes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RunConclusion {
    Success,
    Failure,
    Neutral,
    Cancelled,
}

impl From<Conclusion> for RunConclusion {
    fn from(c: Conclusion) -> Self {
        match c {
            Conclusion::Success => RunConclusion::Success,
            Conclusion::Failure => RunConclusion::Failure,
            Conclusion::Neutral => RunConclusion::Neutral,
        }
    }
}

/// POST /repos/{o}/{r}/check-runs: the run, in progress.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct CreateBody {
    external_id: String,
    head_sha: String,
    name: &'static str,
    started_at: String,
    status: Status,
}

/// PATCH /repos/{o}/{r}/check-runs/{id}. Built only by [`update_bodies`],
/// [`fail_body`] and [`supersede_body`], which keep GitHub's rules: a
/// `conclusion` always with `completed_at` and `status: completed`, and
/// neither on a run left in progress.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct UpdateBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) completed_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) conclusion: Option<RunConclusion>,
    pub(super) output: Output,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) status: Option<Status>,
}

/// A body's `output`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Output {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) annotations: Option<Vec<Annotation>>,
    pub(super) summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) text: Option<String>,
    pub(super) title: String,
}

impl CreateBody {
    /// The body as JSON, for the API client.
    pub(crate) fn json(&self) -> Value {
        to_json(self)
    }
}

impl UpdateBody {
    /// The body as JSON, for the API client.
    pub(crate) fn json(&self) -> Value {
        to_json(self)
    }

    /// The status a completing body sets, and the conclusion with it.
    fn set(status: RunStatus, completed_at: &str, output: Output) -> UpdateBody {
        let (status, conclusion, completed_at) = match status {
            RunStatus::InProgress => (Status::InProgress, None, None),
            RunStatus::Completed(c) => (
                Status::Completed,
                Some(c.into()),
                Some(completed_at.to_string()),
            ),
        };
        UpdateBody {
            completed_at,
            conclusion,
            output,
            status: Some(status),
        }
    }
}

// Strings, numbers, enums and lists only: serialising them cannot fail.
fn to_json<T: Serialize>(body: &T) -> Value {
    serde_json::to_value(body).expect("a check-run body always serialises")
}

/// Body of POST /repos/{o}/{r}/check-runs creating the run: name, head_sha,
/// status "in_progress", external_id, and started_at.
pub(crate) fn create_body(head_sha: &str, external_id: &str, started_at: &str) -> CreateBody {
    CreateBody {
        external_id: external_id.to_string(),
        head_sha: head_sha.to_string(),
        name: CHECK_NAME,
        started_at: started_at.to_string(),
        status: Status::InProgress,
    }
}

/// Bodies of the PATCH /repos/{o}/{r}/check-runs/{id} updates that complete
/// the run.
///
/// The first carries `status` and `conclusion` plus `completed_at`, or, when
/// the plan is waiting, `status: "in_progress"` with neither `conclusion` nor
/// `completed_at` (GitHub requires a conclusion whenever `completed_at` is
/// given), and `output` {title, summary, text, annotations: the first ≤ 50}.
/// Each further body carries only `output` {title, summary, annotations: the
/// next ≤ 50}: GitHub appends annotations across updates and keeps the
/// status. There is always at least one body; `annotations` is left out of a
/// body that has none. Limits are enforced again here, so a hand-built plan
/// cannot produce a body GitHub rejects.
pub(crate) fn update_bodies(plan: &Plan, completed_at: &str) -> Vec<UpdateBody> {
    let title = truncate_chars(&plan.title, TITLE_MAX_CHARS);
    let summary = truncate_bytes(&plan.summary, OUTPUT_MAX_BYTES);
    let text = plan
        .text
        .as_deref()
        .map(|t| truncate_bytes(t, OUTPUT_MAX_BYTES));
    let output = |chunk: Option<&[Annotation]>, text: Option<String>| Output {
        annotations: chunk.map(|c| c.iter().map(capped).collect()),
        summary: summary.clone(),
        text,
        title: title.clone(),
    };
    let mut chunks = plan.annotations.chunks(ANNOTATIONS_PER_REQUEST);
    let first = output(chunks.next(), text);
    let mut bodies = vec![UpdateBody::set(plan.status, completed_at, first)];
    bodies.extend(chunks.map(|chunk| UpdateBody {
        completed_at: None,
        conclusion: None,
        output: output(Some(chunk), None),
        status: None,
    }));
    bodies
}

/// The PATCH completing a run as failed: the gate could not evaluate, and
/// `why` says so.
pub(crate) fn fail_body(why: &str, completed_at: &str) -> UpdateBody {
    closing(
        RunConclusion::Failure,
        "contract-gate could not evaluate",
        why,
        completed_at,
    )
}

/// The PATCH completing an outdated run as `cancelled` (a newer run is the
/// one GitHub shows).
pub(crate) fn supersede_body(why: &str, completed_at: &str) -> UpdateBody {
    closing(RunConclusion::Cancelled, "superseded", why, completed_at)
}

fn closing(conclusion: RunConclusion, title: &str, why: &str, completed_at: &str) -> UpdateBody {
    UpdateBody {
        completed_at: Some(completed_at.to_string()),
        conclusion: Some(conclusion),
        output: Output {
            annotations: None,
            summary: truncate_bytes(why, OUTPUT_MAX_BYTES),
            text: None,
            title: title.to_string(),
        },
        status: Some(Status::Completed),
    }
}

/// An annotation within GitHub's bounds: lines at least 1 and in order,
/// message and title cut to fit.
fn capped(a: &Annotation) -> Annotation {
    Annotation {
        annotation_level: a.annotation_level,
        end_line: a.end_line.max(a.start_line).max(1),
        message: if a.message.len() <= ANNOTATION_MESSAGE_MAX_BYTES {
            a.message.clone()
        } else {
            truncate_bytes(&a.message, ANNOTATION_MESSAGE_MAX_BYTES)
        },
        path: a.path.clone(),
        start_line: a.start_line.max(1),
        title: truncate_chars(&a.title, TITLE_MAX_CHARS),
    }
}
