//! JSON output: the verdict of `check`, and the could-not-evaluate form.

use serde_json::{json, Value};

use contract_gate_core::verdict::Verdict;

pub(super) fn verdict(v: &Verdict) -> String {
    let json =
        serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    super::escape::json_for_log(json)
}

/// Exit 2: the gate could not evaluate; it still says why, in the same shape.
pub(crate) fn error(branch: Option<&str>, base: Option<&str>, message: &str) -> String {
    let v: Value = json!({
        "contract": null,
        "agent": null,
        "branch": branch,
        "base": base,
        "conclusion": "failure",
        "error": message,
        "findings": [],
    });
    super::escape::json_for_log(serde_json::to_string_pretty(&v).unwrap_or_default())
}
