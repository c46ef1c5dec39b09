//! Gemini CLI: a BeforeTool hook in `.gemini/settings.json`; the answer
//! is `{}` or `{"decision": "deny", "reason": …}`.

use contract_gate_core::edit_guard::Decision;

use super::{MatcherSyntax, Protocol, Tool};

const PATH_KEYS: &[&str] = &["file_path", "absolute_path", "path"];

pub(super) const PROTOCOL: Protocol = Protocol {
    name: "gemini",
    title: "Gemini CLI",
    settings: ".gemini/settings.json",
    event: "BeforeTool",
    matcher: MatcherSyntax::Regex,
    tools: &[
        ("write_file", Tool::Edit(PATH_KEYS)),
        ("replace", Tool::Edit(PATH_KEYS)),
        ("edit", Tool::Edit(PATH_KEYS)),
        ("run_shell_command", Tool::Shell),
        // Claude Code's tools: a Claude-shaped event sent here is judged,
        // not let through as a tool the gate does not know.
        ("Edit", Tool::Edit(&["file_path"])),
        ("Write", Tool::Edit(&["file_path"])),
        ("MultiEdit", Tool::Edit(&["file_path"])),
        ("NotebookEdit", Tool::Edit(&["notebook_path", "file_path"])),
        ("Bash", Tool::Shell),
    ],
    answer,
};

/// Allow: `{}`. BeforeTool documents deny only, so a call that needs
/// approval is refused with the reason, and the user runs or approves it.
fn answer(d: &Decision) -> (String, i32) {
    match d {
        Decision::Allow => ("{}\n".into(), 0),
        Decision::Ask(why) | Decision::Deny(why) => (
            serde_json::json!({"decision": "deny", "reason": why}).to_string() + "\n",
            0,
        ),
    }
}
