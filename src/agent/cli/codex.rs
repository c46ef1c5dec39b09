//! OpenAI Codex CLI: a PreToolUse hook in `.codex/hooks.json`, the same
//! shape and answer as Claude Code. File edits arrive as `apply_patch`,
//! shell calls as `Bash` (older builds named them `shell`, `exec_command`,
//! `local_shell` or `container.exec`).

use super::{claude_code, MatcherSyntax, Protocol, Tool};

pub(super) const PROTOCOL: Protocol = Protocol {
    name: "codex",
    title: "Codex CLI",
    settings: ".codex/hooks.json",
    event: "PreToolUse",
    matcher: MatcherSyntax::ExactOrRegex,
    tools: &[
        ("apply_patch", Tool::Patch),
        ("Bash", Tool::Shell),
        ("shell", Tool::Shell),
        ("exec_command", Tool::Shell),
        ("local_shell", Tool::Shell),
        ("container.exec", Tool::Shell),
        // Claude Code's file tools: a Claude-shaped event sent here is
        // judged, not let through as a tool the gate does not know.
        ("Edit", Tool::Edit(&["file_path"])),
        ("Write", Tool::Edit(&["file_path"])),
        ("MultiEdit", Tool::Edit(&["file_path"])),
        ("NotebookEdit", Tool::Edit(&["notebook_path", "file_path"])),
    ],
    answer: claude_code::answer,
};
