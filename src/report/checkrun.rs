//! What to send to GitHub's check-runs API: the body that creates the run and
//! the bodies that complete it, within GitHub's limits.
//!
//! Limits (from the REST reference and GitHub's actual validation):
//! - `output.title` and an annotation's `title`: 255 characters;
//! - `output.summary` and `output.text`: 65,535 — documented as characters,
//!   but GitHub rejects by UTF-8 byte size ("summary exceeds a maximum bytesize
//!   of 65535", github/docs#35252, dorny/test-reporter#57), so they are capped
//!   at 65,535 bytes, which also keeps them under 65,535 characters;
//! - an annotation's `message`: 64 KB, capped at 65,536 bytes;
//! - 50 annotations per request; more go in further updates, which GitHub
//!   appends.
//!
//! Nothing here fails: anything too long is cut with a visible note.

use serde_json::{json, Map, Value};

use super::clamp::{truncate_bytes, truncate_chars};
use super::escape::markdown_cell;
use super::markdown::{self, TITLE_MAX_CHARS};
use contract_gate_core::verdict::{Conclusion, Finding, Rule, Verdict};

pub const CHECK_NAME: &str = "contract-gate";

/// GitHub's limit for `output.summary` and `output.text` (bytes; see the module docs).
pub const OUTPUT_MAX_BYTES: usize = 65_535;
/// GitHub's limit for an annotation's message (64 KB).
pub const ANNOTATION_MESSAGE_MAX_BYTES: usize = 65_536;
/// Annotations per request.
pub const ANNOTATIONS_PER_REQUEST: usize = 50;
/// Annotations per check run. Each 50 cost one more PATCH request; a change
/// with 100,000 out-of-scope paths must not turn into 2,000 API calls (and
/// GitHub's secondary rate limits). The summary lists every finding and says
/// how many annotations were left out.
pub const MAX_ANNOTATIONS: usize = 1_000;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Annotation {
    pub path: String,
    pub start_line: u32,
    pub end_line: u32,
    /// "failure" | "warning" | "notice"
    pub annotation_level: &'static str,
    pub message: String,
    pub title: String,
}

/// Where the check-run stands: in progress (waiting on predecessors or
/// CI), or completed with a conclusion (never one without the other).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    InProgress,
    Completed(Conclusion),
}

impl RunStatus {
    /// GitHub's `status`: `in_progress` or `completed`.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::InProgress => "in_progress",
            RunStatus::Completed(_) => "completed",
        }
    }

    /// GitHub's `conclusion`, once completed.
    pub fn conclusion(self) -> Option<&'static str> {
        match self {
            RunStatus::InProgress => None,
            RunStatus::Completed(c) => Some(c.as_str()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub status: RunStatus,
    pub title: String,
    pub summary: String,
    pub text: Option<String>,
    pub annotations: Vec<Annotation>,
}

pub fn plan(v: &Verdict) -> Plan {
    let status = if v.waiting_only() {
        RunStatus::InProgress
    } else {
        RunStatus::Completed(v.conclusion)
    };
    // For a waiting verdict the title is the merge-order phrase alone:
    // "waiting on agent-2".
    let title = truncate_chars(&markdown::title(v), TITLE_MAX_CHARS);

    let with_path = v.findings.iter().filter(|f| f.path.is_some()).count();
    let annotations: Vec<Annotation> = v
        .findings
        .iter()
        .filter_map(annotation)
        .take(MAX_ANNOTATIONS)
        .collect();
    let left_out = with_path - annotations.len();
    let left_out_note = (left_out > 0).then(|| {
        format!(
            "_{left_out} of {with_path} findings with a path have no annotation (at most {MAX_ANNOTATIONS} per check run); all are listed here._\n\n"
        )
    });

    let mut full = markdown::overview(v);
    if let Some(n) = &left_out_note {
        full.push_str(n);
    }
    let findings = markdown::findings(v);
    let (summary, text) = if full.len() + findings.len() <= OUTPUT_MAX_BYTES {
        full.push_str(&findings);
        (full, None)
    } else {
        // Too long for the summary: keep the overview plus one row per rule
        // there, and move the full findings list into `text` (also capped).
        full.push_str(&rule_table(v));
        full.push_str("The findings are listed one by one in the details below the summary.\n");
        (
            truncate_bytes(&full, OUTPUT_MAX_BYTES),
            Some(truncate_bytes(&findings, OUTPUT_MAX_BYTES)),
        )
    };
    Plan {
        status,
        title,
        summary,
        text,
        annotations,
    }
}

/// Appends a section (the merge rehearsal) to the summary, within
/// GitHub's bound on it.
pub fn add_section(plan: &mut Plan, section: &str) {
    let joined = format!("{}\n{section}", plan.summary);
    plan.summary = truncate_bytes(&joined, OUTPUT_MAX_BYTES);
}

/// `| rule | findings | next step |`, one row per rule with findings.
fn rule_table(v: &Verdict) -> String {
    let mut o = String::from("| rule | findings | next step |\n|---|---|---|\n");
    for rule in Rule::ALL {
        let n = v.findings.iter().filter(|f| f.rule == rule).count();
        if n > 0 {
            o.push_str(&format!(
                "| `{}` | {n} | {} |\n",
                rule.id(),
                markdown_cell(rule.next_step())
            ));
        }
    }
    o.push('\n');
    o
}

/// The annotation of a finding with a path: at its line (line 1 when none),
/// titled with the rule id, the message followed by the next step.
fn annotation(f: &Finding) -> Option<Annotation> {
    let path = f.path.as_ref()?;
    let line = f.line.unwrap_or(1).max(1);
    Some(Annotation {
        path: path.clone(),
        start_line: line,
        end_line: line,
        annotation_level: f.level.as_str(),
        message: truncate_bytes(
            &format!("{} — {}", f.message, f.rule.next_step()),
            ANNOTATION_MESSAGE_MAX_BYTES,
        ),
        title: truncate_chars(f.rule.id(), TITLE_MAX_CHARS),
    })
}

/// Body of POST /repos/{o}/{r}/check-runs creating the run: name, head_sha,
/// status "in_progress", external_id, and started_at.
pub fn create_body(head_sha: &str, external_id: &str, started_at: &str) -> Value {
    json!({
        "name": CHECK_NAME,
        "head_sha": head_sha,
        "status": "in_progress",
        "external_id": external_id,
        "started_at": started_at,
    })
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
pub fn update_bodies(plan: &Plan, completed_at: &str) -> Vec<Value> {
    let title = truncate_chars(&plan.title, TITLE_MAX_CHARS);
    let summary = truncate_bytes(&plan.summary, OUTPUT_MAX_BYTES);
    let text = plan
        .text
        .as_deref()
        .map(|t| truncate_bytes(t, OUTPUT_MAX_BYTES));
    let mut chunks = plan.annotations.chunks(ANNOTATIONS_PER_REQUEST);
    let output = |chunk: Option<&[Annotation]>, text: Option<&str>| -> Value {
        let mut o = Map::new();
        o.insert("title".into(), json!(title));
        o.insert("summary".into(), json!(summary));
        if let Some(t) = text {
            o.insert("text".into(), json!(t));
        }
        if let Some(c) = chunk {
            let list: Vec<Value> = c.iter().map(capped_annotation).collect();
            o.insert("annotations".into(), Value::Array(list));
        }
        Value::Object(o)
    };

    let mut first = Map::new();
    first.insert("status".into(), json!(plan.status.as_str()));
    if let Some(conclusion) = plan.status.conclusion() {
        first.insert("conclusion".into(), json!(conclusion));
        first.insert("completed_at".into(), json!(completed_at));
    }
    first.insert("output".into(), output(chunks.next(), text.as_deref()));
    let mut bodies = vec![Value::Object(first)];
    for chunk in chunks {
        bodies.push(json!({ "output": output(Some(chunk), None) }));
    }
    bodies
}

fn capped_annotation(a: &Annotation) -> Value {
    json!({
        "path": a.path,
        "start_line": a.start_line.max(1),
        "end_line": a.end_line.max(a.start_line).max(1),
        "annotation_level": a.annotation_level,
        "message": if a.message.len() <= ANNOTATION_MESSAGE_MAX_BYTES {
            a.message.clone()
        } else {
            truncate_bytes(&a.message, ANNOTATION_MESSAGE_MAX_BYTES)
        },
        "title": truncate_chars(&a.title, TITLE_MAX_CHARS),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Sample as _;
    use contract_gate_core::verdict::Level;

    const SCHEMA: &str =
        include_str!("../../fixtures/github/rest/check-run-create.request.schema.json");

    /// The fixture is GitHub's OpenAPI 3.0 Schema Object for the POST body.
    /// Its OpenAPI-only keyword (`discriminator`) is ignored by a JSON Schema
    /// validator; everything else is plain JSON Schema, so Draft 7 applies
    /// (as recorded in the shared SOURCES.md). Formats are checked by default
    /// under Draft 7, so `started_at`/`completed_at` must be date-times.
    fn validator() -> jsonschema::Validator {
        let schema: Value = serde_json::from_str(SCHEMA).unwrap();
        jsonschema::draft7::new(&schema).unwrap()
    }

    fn assert_valid(validator: &jsonschema::Validator, body: &Value) {
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{errors:?}\nbody: {body}");
    }

    /// The update bodies are PATCH bodies, and only the POST schema is in the
    /// fixtures. The PATCH schema has the same `status`/`conclusion`/
    /// `completed_at`/`output` properties, minus `head_sha`, with an optional
    /// `name` and an `output` that only requires `summary`. So each update
    /// body is validated against the POST schema after adding `name` and
    /// `head_sha`: that checks the status/conclusion `oneOf`, the date-time
    /// format, the output and annotation shapes and `maxItems: 50`, and is
    /// stricter than the PATCH schema on `output.title` (which we always send).
    fn as_post(body: &Value) -> Value {
        let mut b = body.clone();
        b["name"] = json!(CHECK_NAME);
        b["head_sha"] = json!("ce587453ced02b1526dfb4cb910479d431683101");
        b
    }

    fn verdict(conclusion: Conclusion, findings: Vec<Finding>) -> Verdict {
        Verdict::sample(conclusion, findings)
    }

    fn scope(i: usize) -> Finding {
        Finding::failure(
            Rule::Scope,
            "added; outside what agent-1 owns (owned by agent-2)",
        )
        .at(format!("src/db/file-{i}.ts"), None)
    }

    fn merge_order() -> Finding {
        Finding::failure(
            Rule::MergeOrder,
            "waiting on agent-2 (agents/migrations): it merges before agent-1 and has not merged into `main` yet",
        )
        .about("agent-2")
    }

    fn annotations_of(body: &Value) -> usize {
        body["output"]["annotations"]
            .as_array()
            .map_or(0, |a| a.len())
    }

    #[test]
    fn create_body_is_valid() {
        let b = create_body(
            "ce587453ced02b1526dfb4cb910479d431683101",
            "pr-41",
            "2024-05-01T12:00:00Z",
        );
        assert_valid(&validator(), &b);
        assert_eq!(b["status"], "in_progress");
        assert_eq!(b["name"], CHECK_NAME);
        assert!(b.get("conclusion").is_none());
    }

    #[test]
    fn the_schema_is_the_real_one() {
        // Guards against a validator that accepts anything.
        let v = validator();
        let completed_without_conclusion =
            json!({"name": "x", "head_sha": "y", "status": "completed"});
        assert!(!v.is_valid(&completed_without_conclusion));
        let ann = json!({"path": "a", "start_line": 1, "end_line": 1, "annotation_level": "notice", "message": "m"});
        let too_many = json!({"name": "x", "head_sha": "y", "output": {"title": "t", "summary": "s",
            "annotations": vec![ann; 51]}});
        assert!(!v.is_valid(&too_many));
        let bad_time = json!({"name": "x", "head_sha": "y", "started_at": "yesterday"});
        assert!(!v.is_valid(&bad_time));
    }

    #[test]
    fn success_completes_in_one_body() {
        let p = plan(&verdict(Conclusion::Success, vec![]));
        assert_eq!(p.status, RunStatus::Completed(Conclusion::Success));
        assert_eq!(p.title, "all changed files within agent-1's scope");
        let bodies = update_bodies(&p, "2024-05-01T12:00:05Z");
        assert_eq!(bodies.len(), 1);
        assert_eq!(bodies[0]["conclusion"], "success");
        assert_eq!(bodies[0]["completed_at"], "2024-05-01T12:00:05Z");
        assert!(bodies[0]["output"].get("annotations").is_none());
        assert_valid(&validator(), &as_post(&bodies[0]));
    }

    #[test]
    fn annotations_go_fifty_per_body() {
        let v = verdict(Conclusion::Failure, (0..120).map(scope).collect());
        let p = plan(&v);
        assert_eq!(p.annotations.len(), 120);
        let a = &p.annotations[0];
        assert_eq!(a.path, "src/db/file-0.ts");
        assert_eq!((a.start_line, a.end_line), (1, 1));
        assert_eq!(a.annotation_level, "failure");
        assert_eq!(a.title, "scope");
        assert_eq!(
            a.message,
            format!(
                "added; outside what agent-1 owns (owned by agent-2) — {}",
                Rule::Scope.next_step()
            )
        );
        let bodies = update_bodies(&p, "2024-05-01T12:00:05Z");
        let counts: Vec<usize> = bodies.iter().map(annotations_of).collect();
        assert_eq!(counts, vec![50, 50, 20]);
        assert_eq!(bodies[0]["status"], "completed");
        assert_eq!(bodies[0]["conclusion"], "failure");
        for b in &bodies[1..] {
            let keys: Vec<&String> = b.as_object().unwrap().keys().collect();
            assert_eq!(keys, vec!["output"]);
            assert!(b["output"].get("text").is_none());
            assert_eq!(b["output"]["title"], bodies[0]["output"]["title"]);
        }
        let val = validator();
        for b in &bodies {
            assert_valid(&val, &as_post(b));
        }
        // The annotations are the plan's, in order.
        assert_eq!(
            bodies[2]["output"]["annotations"][19]["path"],
            "src/db/file-119.ts"
        );
    }

    #[test]
    fn line_and_level_mapping() {
        let v = verdict(
            Conclusion::Failure,
            vec![
                Finding::failure(Rule::AdditionsOnly, "line 7 changed")
                    .at("src/api/router.ts", Some(7)),
                Finding::failure(Rule::Evidence, "no evidence for required check `npm test`"),
                Finding::failure(Rule::ContractInvalid, "bad glob")
                    .at("CONTRACT.md", Some(12))
                    .with_level(Level::Warning),
                Finding::failure(Rule::UnassignedBranch, "n")
                    .at("x", None)
                    .with_level(Level::Notice),
            ],
        );
        let p = plan(&v);
        // The evidence finding has no path: no annotation.
        assert_eq!(p.annotations.len(), 3);
        assert_eq!(
            (p.annotations[0].start_line, p.annotations[0].end_line),
            (7, 7)
        );
        let levels: Vec<_> = p.annotations.iter().map(|a| a.annotation_level).collect();
        assert_eq!(levels, vec!["failure", "warning", "notice"]);
    }

    #[test]
    fn long_message_is_cut_at_64_kb_with_a_note() {
        let msg = format!("{}é", "x".repeat(100 * 1024)); // 100 KB, ends on a 2-byte char
        let v = verdict(
            Conclusion::Failure,
            vec![Finding::failure(Rule::Scope, msg).at("a.ts", None)],
        );
        let p = plan(&v);
        let m = &p.annotations[0].message;
        assert!(m.len() <= 65_536, "{}", m.len());
        assert!(m.len() > 60_000);
        assert!(m.contains("… truncated ("), "no note");
        assert!(m.ends_with("more characters)"));
        let bodies = update_bodies(&p, "2024-05-01T12:00:05Z");
        assert_valid(&validator(), &as_post(&bodies[0]));
    }

    #[test]
    fn long_title_is_cut_to_255() {
        let mut p = plan(&verdict(Conclusion::Success, vec![]));
        p.title = "t".repeat(300);
        p.annotations = vec![Annotation {
            path: "a".into(),
            start_line: 1,
            end_line: 1,
            annotation_level: "notice",
            message: "m".into(),
            title: "a".repeat(300),
        }];
        let bodies = update_bodies(&p, "2024-05-01T12:00:05Z");
        let t = bodies[0]["output"]["title"].as_str().unwrap();
        assert_eq!(t.chars().count(), 255);
        assert!(t.ends_with('…'));
        let at = bodies[0]["output"]["annotations"][0]["title"]
            .as_str()
            .unwrap();
        assert_eq!(at.chars().count(), 255);
        // Through plan(): a 300-character base name in the title.
        let mut v = verdict(
            Conclusion::Failure,
            vec![Finding::failure(Rule::StaleBase, "rebase")],
        );
        v.base = "b".repeat(300);
        assert_eq!(plan(&v).title.chars().count(), 255);
    }

    #[test]
    fn waiting_only_stays_in_progress() {
        let v = verdict(Conclusion::Failure, vec![merge_order()]).waiting_on_agent_2();
        assert!(v.waiting_only());
        let p = plan(&v);
        assert_eq!(p.status, RunStatus::InProgress);
        assert!(p.title.starts_with("waiting on"), "{}", p.title);
        assert_eq!(p.title, "waiting on agent-2");
        let bodies = update_bodies(&p, "2024-05-01T12:00:05Z");
        assert_eq!(bodies.len(), 1);
        assert_eq!(bodies[0]["status"], "in_progress");
        assert!(bodies[0].get("conclusion").is_none());
        assert!(bodies[0].get("completed_at").is_none());
        assert_valid(&validator(), &as_post(&bodies[0]));
    }

    #[test]
    fn waiting_for_ci_stays_in_progress_and_scope_with_it_fails() {
        let pending = || Finding::failure(Rule::CiPending, "waiting for CI `build`");
        let v = verdict(Conclusion::Failure, vec![pending()]);
        assert!(v.waiting_only());
        let p = plan(&v);
        assert_eq!(p.status, RunStatus::InProgress);
        assert_eq!(p.title, "waiting for CI `build`");
        let v = verdict(Conclusion::Failure, vec![scope(1), pending()]);
        let p = plan(&v);
        assert_eq!(p.status, RunStatus::Completed(Conclusion::Failure));
        assert_eq!(p.title, "1 file out of scope · waiting for CI `build`");
    }

    #[test]
    fn scope_plus_merge_order_completes_as_failure() {
        let v = verdict(Conclusion::Failure, vec![scope(1), merge_order()]);
        assert!(!v.waiting_only());
        let p = plan(&v);
        assert_eq!(p.status, RunStatus::Completed(Conclusion::Failure));
        assert_eq!(p.title, "1 file out of scope · waiting on agent-2");
        // Stale base is the author's to fix: not waiting.
        let v = verdict(
            Conclusion::Failure,
            vec![Finding::failure(Rule::StaleBase, "rebase onto main")],
        );
        assert!(!v.waiting_only());
        // No failures at all: not waiting.
        assert!(!verdict(Conclusion::Success, vec![]).waiting_only());
    }

    #[test]
    fn neutral_for_unassigned() {
        let mut v = verdict(
            Conclusion::Neutral,
            vec![Finding::failure(
                Rule::UnassignedBranch,
                "branch `feature/x` is assigned to no agent",
            )
            .with_level(Level::Notice)],
        );
        v.agent = None;
        v.contract = None;
        v.role = None;
        v.branch = "feature/x".into();
        let p = plan(&v);
        assert_eq!(p.status, RunStatus::Completed(Conclusion::Neutral));
        assert_eq!(p.title, "branch feature/x is not in any contract");
        assert_valid(
            &validator(),
            &as_post(&update_bodies(&p, "2024-05-01T12:00:05Z")[0]),
        );
    }

    #[test]
    fn ten_thousand_findings_give_valid_bodies_quickly() {
        let start = std::time::Instant::now();
        let mut findings: Vec<Finding> = (0..10_000)
            .map(|i| {
                Finding::failure(
                    Rule::Scope,
                    "modified; outside what agent-1 owns (owned by agent-2)",
                )
                .at(format!("src/모듈 {i}/파일.ts"), Some(i as u32 % 500))
            })
            .collect();
        findings.push(merge_order());
        let v = verdict(Conclusion::Failure, findings);
        let p = plan(&v);
        let bodies = update_bodies(&p, "2024-05-01T12:00:05Z");
        let elapsed = start.elapsed();
        // Linear work; generous for a debug build on a busy machine.
        assert!(elapsed.as_secs() < 10, "{elapsed:?}");

        assert!(p.summary.len() <= OUTPUT_MAX_BYTES);
        let text = p.text.as_deref().expect("findings moved to text");
        assert!(text.len() <= OUTPUT_MAX_BYTES);
        assert!(text.contains("… truncated ("));
        assert!(p.summary.contains("| `scope` | 10000 |"));
        assert!(p
            .summary
            .contains("9000 of 10000 findings with a path have no annotation"));
        assert_eq!(p.annotations.len(), MAX_ANNOTATIONS);
        assert_eq!(bodies.len(), MAX_ANNOTATIONS / ANNOTATIONS_PER_REQUEST);
        assert!(bodies.iter().all(|b| annotations_of(b) <= 50));
        assert_eq!(bodies[0]["output"]["text"].as_str(), Some(text));
        let val = validator();
        for b in &bodies {
            assert_valid(&val, &as_post(b));
            assert!(b["output"]["summary"].as_str().unwrap().len() <= OUTPUT_MAX_BYTES);
        }
    }

    #[test]
    fn huge_single_message_in_summary_is_capped() {
        // One pathless finding whose message alone is over the limit.
        let v = verdict(
            Conclusion::Failure,
            vec![Finding::failure(Rule::Incomplete, "가".repeat(40_000))],
        );
        let p = plan(&v);
        assert!(p.summary.len() <= OUTPUT_MAX_BYTES);
        assert!(p.text.as_ref().unwrap().len() <= OUTPUT_MAX_BYTES);
        assert!(p.text.as_ref().unwrap().contains("… truncated ("));
        assert!(std::str::from_utf8(p.summary.as_bytes()).is_ok());
        assert_valid(
            &validator(),
            &as_post(&update_bodies(&p, "2024-05-01T12:00:05Z")[0]),
        );
    }
}
