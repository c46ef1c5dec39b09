//! Claude Code: a PreToolUse hook in `.claude/settings.local.json`; the
//! answer is `hookSpecificOutput` JSON (Codex speaks the same).

use contract_gate_core::edit_guard::Decision;

use super::{MatcherSyntax, Protocol, Tool};

pub(super) const PROTOCOL: Protocol = Protocol {
    name: "claude-code",
    title: "Claude Code",
    settings: ".claude/settings.local.json",
    event: "PreToolUse",
    matcher: MatcherSyntax::ExactOrRegex,
    tools: &[
        ("Edit", Tool::Edit(&["file_path"])),
        ("Write", Tool::Edit(&["file_path"])),
        ("MultiEdit", Tool::Edit(&["file_path"])),
        ("NotebookEdit", Tool::Edit(&["notebook_path", "file_path"])),
        ("Bash", Tool::Shell),
    ],
    answer,
};

/// Allow: exit 0 and nothing on stdout. Ask and deny: exit 0 with
/// `permissionDecision` and the reason (never exit 2 with JSON).
pub(super) fn answer(d: &Decision) -> (String, i32) {
    let pre_tool_use = |decision: &str, why: &str| {
        serde_json::json!({
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": decision,
                "permissionDecisionReason": why,
            }
        })
        .to_string()
            + "\n"
    };
    match d {
        Decision::Allow => (String::new(), 0),
        Decision::Ask(why) => (pre_tool_use("ask", why), 0),
        Decision::Deny(why) => (pre_tool_use("deny", why), 0),
    }
}
