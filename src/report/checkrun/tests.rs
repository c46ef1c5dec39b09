//! The check-run plan and bodies, validated against GitHub's schema.

use serde_json::{json, Value};

use super::body::UpdateBody;
use super::*;
use crate::report::Sample as _;

const SCHEMA: &str =
    include_str!("../../../fixtures/github/rest/check-run-create.request.schema.json");

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

/// The update bodies as the API client is given them.
fn update_json(plan: &Plan, completed_at: &str) -> Vec<Value> {
    update_bodies(plan, completed_at)
        .iter()
        .map(UpdateBody::json)
        .collect()
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
    )
    .json();
    assert_valid(&validator(), &b);
    assert_eq!(b["status"], "in_progress");
    assert_eq!(b["name"], CHECK_NAME);
    assert!(b.get("conclusion").is_none());
}

#[test]
fn the_schema_is_the_real_one() {
    // Guards against a validator that accepts anything.
    let v = validator();
    let completed_without_conclusion = json!({"name": "x", "head_sha": "y", "status": "completed"});
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
    let bodies = update_json(&p, "2024-05-01T12:00:05Z");
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
    assert_eq!(a.annotation_level, Level::Failure);
    assert_eq!(a.title, "scope");
    assert_eq!(
        a.message,
        format!(
            "added; outside what agent-1 owns (owned by agent-2) — {}",
            Rule::Scope.next_step()
        )
    );
    let bodies = update_json(&p, "2024-05-01T12:00:05Z");
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
    assert_eq!(levels, vec![Level::Failure, Level::Warning, Level::Notice]);
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
    let bodies = update_json(&p, "2024-05-01T12:00:05Z");
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
        annotation_level: Level::Notice,
        message: "m".into(),
        title: "a".repeat(300),
    }];
    let bodies = update_json(&p, "2024-05-01T12:00:05Z");
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
    let bodies = update_json(&p, "2024-05-01T12:00:05Z");
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
        &as_post(&update_json(&p, "2024-05-01T12:00:05Z")[0]),
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
    let bodies = update_json(&p, "2024-05-01T12:00:05Z");
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
        &as_post(&update_json(&p, "2024-05-01T12:00:05Z")[0]),
    );
}

/// The bytes sent: keys in the order the former `json!` maps sorted them,
/// absent fields left out (not `null`).
#[test]
fn bodies_are_byte_stable() {
    let plan = Plan {
        status: RunStatus::Completed(Conclusion::Neutral),
        title: "t".into(),
        summary: "s".into(),
        text: Some("x".into()),
        annotations: vec![Annotation {
            annotation_level: Level::Notice,
            end_line: 2,
            message: "m".into(),
            path: "a.ts".into(),
            start_line: 2,
            title: "scope".into(),
        }],
    };
    let bodies = update_bodies(&plan, "2024-05-01T12:00:05Z");
    assert_eq!(
        serde_json::to_string(&bodies).unwrap(),
        r#"[{"completed_at":"2024-05-01T12:00:05Z","conclusion":"neutral","output":{"annotations":[{"annotation_level":"notice","end_line":2,"message":"m","path":"a.ts","start_line":2,"title":"scope"}],"summary":"s","text":"x","title":"t"},"status":"completed"}]"#
    );
    let waiting = Plan {
        status: RunStatus::InProgress,
        text: None,
        annotations: Vec::new(),
        ..plan
    };
    assert_eq!(
        serde_json::to_string(&update_bodies(&waiting, "never")).unwrap(),
        r#"[{"output":{"summary":"s","title":"t"},"status":"in_progress"}]"#
    );
    assert_eq!(
        serde_json::to_string(&create_body("abc", "pr-1", "2024-05-01T12:00:00Z")).unwrap(),
        r#"{"external_id":"pr-1","head_sha":"abc","name":"contract-gate","started_at":"2024-05-01T12:00:00Z","status":"in_progress"}"#
    );
}

/// Every body prints its keys sorted, at every level, as the former `json!`
/// maps did.
#[test]
fn typed_bodies_print_sorted_keys() {
    let v = verdict(
        Conclusion::Failure,
        (0..60).map(scope).chain([merge_order()]).collect(),
    );
    let mut texts: Vec<(String, Value)> = update_bodies(&plan(&v), "2024-05-01T12:00:05Z")
        .iter()
        .map(|b| (serde_json::to_string(b).unwrap(), b.json()))
        .collect();
    let create = create_body("abc", "pr-1", "2024-05-01T12:00:00Z");
    texts.push((serde_json::to_string(&create).unwrap(), create.json()));
    let failed = fail_body("why", "2024-05-01T12:00:00Z");
    texts.push((serde_json::to_string(&failed).unwrap(), failed.json()));
    for (typed, value) in texts {
        assert_eq!(typed, value.to_string());
    }
}

#[test]
fn failed_and_superseded_runs_complete_validly() {
    let at = "2024-05-01T12:00:05Z";
    let failed = fail_body("no token", at).json();
    assert_eq!(
        failed.to_string(),
        r#"{"completed_at":"2024-05-01T12:00:05Z","conclusion":"failure","output":{"summary":"no token","title":"contract-gate could not evaluate"},"status":"completed"}"#
    );
    let superseded = supersede_body("a newer push", at).json();
    assert_eq!(superseded["conclusion"], "cancelled");
    assert_eq!(superseded["output"]["title"], "superseded");
    let val = validator();
    assert_valid(&val, &as_post(&failed));
    assert_valid(&val, &as_post(&superseded));
    // A reason past GitHub's bound is cut, not refused.
    let long = fail_body(&"x".repeat(70_000), at);
    assert!(long.output.summary.len() <= OUTPUT_MAX_BYTES);
}
