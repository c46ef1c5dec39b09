//! The agent CLIs whose edit-time hooks the gate speaks, each declared once.
//!
//! One module per CLI holds its [`Protocol`]: the name typed after `hook`
//! and in `setup --hooks`, the settings file and hook event setup writes,
//! the tools routed to the hook with what each one does, and the answer.
//! Everything else derives from it: the command-line values, the installed
//! matcher, the files kept out of git, the event reader and the answer.
//! Adding a CLI is one module and one line in `registry!` below.
//!
//! Plain data on purpose: the fuzz crate compiles this file (through
//! `event.rs`) with only the core crate and serde_json, so the clap side of
//! [`Cli`] lives in `cli/agent_cli.rs`.

use contract_gate_core::edit_guard::Decision;

/// Declares the CLI modules, the [`Cli`] enum and its protocol lookup from
/// one list, so a CLI cannot be half registered.
macro_rules! registry {
    ($($(#[$doc:meta])* $variant:ident => $module:ident,)+) => {
        $(mod $module;)+

        /// An agent CLI whose hooks the gate speaks.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Cli {
            $($(#[$doc])* $variant,)+
        }

        impl Cli {
            /// Every agent CLI, in the order help lists them.
            pub const ALL: &'static [Cli] = &[$(Cli::$variant,)+];

            /// The CLI's hook protocol.
            pub const fn protocol(self) -> &'static Protocol {
                match self {
                    $(Cli::$variant => &$module::PROTOCOL,)+
                }
            }
        }
    };
}

registry! {
    /// Claude Code (PreToolUse).
    ClaudeCode => claude_code,
    /// OpenAI Codex CLI (PreToolUse).
    Codex => codex,
    /// Gemini CLI (BeforeTool).
    Gemini => gemini,
}

/// One agent CLI's hook protocol.
#[derive(Debug)]
pub struct Protocol {
    /// As typed after `hook` and in `setup --hooks`.
    pub name: &'static str,
    /// The CLI's name for people (help text).
    pub(crate) title: &'static str,
    /// The settings file setup merges the hook into, relative to the worktree.
    pub settings: &'static str,
    /// The hook event the hook is installed under (a key of `hooks`).
    pub event: &'static str,
    /// How the CLI reads the `matcher` of a hook entry.
    pub matcher: MatcherSyntax,
    /// The tool calls routed to the hook and judged, by tool name; every
    /// other tool is neither routed nor judged.
    tools: &'static [(&'static str, Tool)],
    /// The answer to a decision: stdout and the exit code.
    pub(super) answer: fn(&Decision) -> (String, i32),
}

/// What a tool call does, as far as the contract cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tool {
    /// Writes the file named by the first of these `tool_input` keys.
    Edit(&'static [&'static str]),
    /// An `apply_patch` patch; it writes the files its `*** …` lines name.
    Patch,
    /// Runs the shell command in `tool_input.command`.
    Shell,
}

/// How a CLI reads a hook entry's `matcher`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatcherSyntax {
    /// Letters, digits, `_` and `|` only: a list of exact tool names split
    /// on `|`; anything else is an unanchored regex (Claude Code's hooks
    /// reference; Codex's `hooks/src/events/common.rs` `matches_matcher`).
    ExactOrRegex,
    /// Always an unanchored regex (Gemini CLI's `hookPlanner.ts`
    /// `matchesToolName`: `new RegExp(matcher).test(toolName)`).
    Regex,
}

impl Protocol {
    /// What the tool named `name` does, when the hook judges it.
    pub(super) fn tool(&self, name: &str) -> Option<Tool> {
        self.tools.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
    }

    /// The tool names, in declaration order.
    pub fn tool_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.tools.iter().map(|(n, _)| *n)
    }

    /// The `matcher` setup installs: exactly the judged tools, no more (an
    /// unanchored regex `Bash` would also route `BashOutput`). A plain `|`
    /// list where the CLI reads that as exact names, else `^(?:…)$`.
    pub fn matcher(&self) -> String {
        let plain = |n: &str| n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let names: Vec<&str> = self.tool_names().collect();
        if self.matcher == MatcherSyntax::ExactOrRegex && names.iter().all(|n| plain(n)) {
            return names.join("|");
        }
        let escaped: Vec<String> = names.iter().map(|n| escape_regex(n)).collect();
        format!("^(?:{})$", escaped.join("|"))
    }
}

/// `name` as a regex matching itself only (JavaScript and Rust alike).
fn escape_regex(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if "\\^$.|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cli_is_declared_once_with_its_own_names_and_files() {
        for (i, a) in Cli::ALL.iter().enumerate() {
            let p = a.protocol();
            let mut seen: Vec<&str> = p.tool_names().collect();
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen.len(), p.tools.len(), "{}: a tool twice", p.name);
            for b in &Cli::ALL[i + 1..] {
                assert_ne!(p.name, b.protocol().name);
                assert_ne!(p.settings, b.protocol().settings);
            }
        }
    }

    #[test]
    fn the_matcher_is_an_exact_list_where_it_can_be_and_an_anchored_regex_otherwise() {
        assert_eq!(
            Cli::ClaudeCode.protocol().matcher(),
            "Edit|Write|MultiEdit|NotebookEdit|Bash"
        );
        // `container.exec` makes Codex read the whole matcher as a regex.
        assert_eq!(
            Cli::Codex.protocol().matcher(),
            r"^(?:apply_patch|Bash|shell|exec_command|local_shell|container\.exec|Edit|Write|MultiEdit|NotebookEdit)$"
        );
        assert_eq!(
            Cli::Gemini.protocol().matcher(),
            "^(?:write_file|replace|edit|run_shell_command|Edit|Write|MultiEdit|NotebookEdit|Bash)$"
        );
    }

    #[test]
    fn answers_keep_their_documented_shapes() {
        let deny = Decision::Deny("no".into());
        let (out, code) = (Cli::Codex.protocol().answer)(&deny);
        assert_eq!(code, 0);
        assert_eq!(
            out,
            "{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"deny\",\"permissionDecisionReason\":\"no\"}}\n"
        );
        let ask = Decision::Ask("why".into());
        let (out, _) = (Cli::Gemini.protocol().answer)(&ask);
        assert_eq!(out, "{\"decision\":\"deny\",\"reason\":\"why\"}\n");
        for &cli in Cli::ALL {
            assert_eq!((cli.protocol().answer)(&Decision::Allow).1, 0);
        }
    }
}
