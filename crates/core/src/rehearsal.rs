//! The pure part of a merge rehearsal: the agents' branches trial-merged one
//! after another in contract order. A source runs the merges (`git
//! merge-tree`) and reads what each step added, changed and removed; this
//! module turns that into the cross-branch findings: `conflict`,
//! `collision` and `dangling-reference` (the `interface` rule is judged on
//! the combined tree by [`crate::evaluate::interface_findings`] over the same scan as `check`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::verdict::{Finding, Rule};

/// How one step of the rehearsal went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepState {
    /// Merged onto the previous steps without a conflict.
    Clean,
    /// Textual conflicts: later steps are rehearsed without this branch.
    Conflict,
    /// The agent has no branch (or the contract names none).
    NoBranch,
    /// The branch is already contained in the base.
    AlreadyMerged,
}

impl StepState {
    /// The stable kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            StepState::Clean => "clean",
            StepState::Conflict => "conflict",
            StepState::NoBranch => "no-branch",
            StepState::AlreadyMerged => "already-merged",
        }
    }
}

/// One conflicted file of a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConflictFile {
    /// The path.
    pub path: String,
    /// git's kind: `content`, `add/add`, `modify/delete`, `rename/delete`, …
    pub kind: String,
}

/// One step as the source read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The agent, as the merge order names it.
    pub agent: String,
    /// Its branch, when it has one.
    pub branch: Option<String>,
    /// How the trial merge went.
    pub state: StepState,
    /// Conflicted files (state `conflict`).
    pub conflicts: Vec<ConflictFile>,
    /// Paths the branch adds (relative to its merge base with the base).
    pub added: Vec<String>,
    /// Every path the branch changes.
    pub changed: Vec<String>,
    /// Names the branch removed: defined on a removed line, gone from every
    /// file it changed.
    pub removed: Vec<String>,
    /// The tree after this step (the previous one when the step did not merge).
    pub tree: Option<String>,
}

/// A line of the rehearsed tree that names a removed identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// Path in the rehearsed tree.
    pub path: String,
    /// 1-based line.
    pub line: u32,
    /// The line's text.
    pub text: String,
}

/// `conflict`: each conflicted file names the agent of the step and the
/// earlier agent(s) whose branch changed the same path.
pub fn conflicts(steps: &[Step]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        for c in &s.conflicts {
            let earlier: Vec<&str> = steps[..i]
                .iter()
                .filter(|e| e.state == StepState::Clean && e.changed.contains(&c.path))
                .map(|e| e.agent.as_str())
                .collect();
            let with = if earlier.is_empty() {
                "the base".to_string()
            } else {
                earlier.join(" and ")
            };
            let mut f = Finding::failure(
                Rule::Conflict,
                format!(
                    "{} conflicts with {with} in {} ({})",
                    s.agent, c.path, c.kind
                ),
            )
            .at(c.path.clone(), None);
            if let Some(first) = earlier.first() {
                f = f.about(*first);
            }
            out.push(f);
        }
    }
    out
}

/// The leading number or timestamp of a file name: `20260506120000_a.sql`
/// → `20260506120000`; `0002_x` → `0002`. None without a separator after it.
pub fn leading_number(name: &str) -> Option<&str> {
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    let sep = name.as_bytes().get(digits)?;
    (digits > 0 && matches!(sep, b'_' | b'-' | b'.')).then(|| &name[..digits])
}

/// `collision`: two branches add the same path, or add files in one
/// directory whose names share a leading number or timestamp.
pub fn collisions(steps: &[Step]) -> Vec<Finding> {
    let mut same: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut numbered: BTreeMap<(&str, &str), Vec<(&str, &str)>> = BTreeMap::new();
    for s in steps {
        for p in &s.added {
            same.entry(p).or_default().push(&s.agent);
            let (dir, name) = p.rsplit_once('/').unwrap_or(("", p));
            if let Some(n) = leading_number(name) {
                numbered.entry((dir, n)).or_default().push((&s.agent, p));
            }
        }
    }
    let mut out = Vec::new();
    for (path, agents) in &same {
        if agents.len() > 1 {
            out.push(
                Finding::failure(
                    Rule::Collision,
                    format!("{} all add {path}", agents.join(", ")),
                )
                .at(*path, None)
                .about(agents[0]),
            );
        }
    }
    for ((dir, n), files) in &numbered {
        let mut agents: Vec<&str> = files.iter().map(|(a, _)| *a).collect();
        agents.dedup();
        let mut paths: Vec<&str> = files.iter().map(|(_, p)| *p).collect();
        paths.sort();
        paths.dedup();
        if agents.len() > 1 && paths.len() > 1 {
            let shown: Vec<String> = files.iter().map(|(a, p)| format!("{p} ({a})")).collect();
            let dir = if dir.is_empty() { "." } else { dir };
            out.push(
                Finding::failure(
                    Rule::Collision,
                    format!(
                        "files numbered {n} in {dir}/ from two branches: {}",
                        shown.join(", ")
                    ),
                )
                .at(paths[1], None)
                .about(agents[0]),
            );
        }
    }
    out
}

/// The name a definition-looking line defines: `function x`, `fn x`,
/// `def x`, `class X`, `type X`, `interface X`, `struct X`, `enum X`,
/// `func X` (Go methods too), top-level `const`/`let`/`var`, with any
/// `export`/`pub`/`async`/`default` in front.
pub fn definition_name(line: &str) -> Option<&str> {
    let top_level = !line.starts_with([' ', '\t']);
    let mut words = line.split_whitespace();
    let mut w = words.next()?;
    while matches!(
        w,
        "export"
            | "pub"
            | "pub(crate)"
            | "async"
            | "default"
            | "declare"
            | "static"
            | "abstract"
            | "unsafe"
    ) {
        w = words.next()?;
    }
    let name_word = match w {
        "function" | "function*" | "fn" | "def" | "class" | "type" | "interface" | "struct"
        | "enum" | "trait" => words.next()?,
        "const" | "let" | "var" if top_level => words.next()?,
        "func" => {
            let next = words.next()?;
            if next.starts_with('(') && next.ends_with(')') {
                words.next()?
            } else if next.starts_with('(') {
                // Go method: `func (r *T) Name(`.
                words
                    .find(|x| x.ends_with(')'))
                    .and_then(|_| words.next())?
            } else {
                next
            }
        }
        _ => return None,
    };
    let end = name_word
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .unwrap_or(name_word.len());
    let name = &name_word[..end];
    (!name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit())).then_some(name)
}

/// Names defined on the removed lines of a unified diff (`-U0` is enough).
pub fn removed_definitions(diff: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in diff.lines() {
        if line.starts_with("---") {
            continue;
        }
        if let Some(removed) = line.strip_prefix('-') {
            if let Some(n) = definition_name(removed) {
                if !out.iter().any(|o| o == n) {
                    out.push(n.to_string());
                }
            }
        }
    }
    out
}

/// `dangling-reference`: a name removed by one step that the rehearsed tree
/// still references. A name the tree defines again (a line that looks like
/// its definition) is not dangling.
pub fn dangling(steps: &[Step], refs: &BTreeMap<String, Vec<Reference>>) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in steps.iter().filter(|s| s.state == StepState::Clean) {
        for name in &s.removed {
            let Some(hits) = refs.get(name) else { continue };
            if hits
                .iter()
                .any(|r| definition_name(&r.text) == Some(name.as_str()))
            {
                continue;
            }
            for r in hits {
                let by = steps
                    .iter()
                    .filter(|o| o.agent != s.agent && o.changed.contains(&r.path))
                    .map(|o| o.agent.as_str())
                    .next();
                let whose = match by {
                    Some(a) => format!("{a}'s {}", r.path),
                    None => format!("{} (untouched by the branches)", r.path),
                };
                let mut f = Finding::failure(
                    Rule::DanglingReference,
                    format!(
                        "{} removed `{name}`, but {whose} still references it",
                        s.agent
                    ),
                )
                .at(r.path.clone(), Some(r.line));
                if let Some(a) = by {
                    f = f.about(a);
                }
                out.push(f);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(agent: &str, added: &[&str]) -> Step {
        Step {
            agent: agent.into(),
            branch: Some(format!("agents/{agent}")),
            state: StepState::Clean,
            conflicts: Vec::new(),
            added: added.iter().map(|s| s.to_string()).collect(),
            changed: added.iter().map(|s| s.to_string()).collect(),
            removed: Vec::new(),
            tree: None,
        }
    }

    #[test]
    fn timestamps_and_same_paths_collide_across_branches_only() {
        let steps = [
            step(
                "agent-1",
                &["db/20260506120000_a.sql", "db/0002_x.sql", "db/0003_y.sql"],
            ),
            step("agent-2", &["db/20260506120000_b.sql", "docs/x.md"]),
            step("agent-3", &["docs/x.md", "db/0004_z.sql"]),
        ];
        let f = collisions(&steps);
        let msgs: Vec<&str> = f.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "agent-2, agent-3 all add docs/x.md",
                "files numbered 20260506120000 in db/ from two branches: db/20260506120000_a.sql (agent-1), db/20260506120000_b.sql (agent-2)"
            ]
        );
        assert_eq!(leading_number("0002_x"), Some("0002"));
        assert_eq!(leading_number("v2_x"), None);
        assert_eq!(leading_number("2024"), None);
    }

    #[test]
    fn definitions_are_read_from_definition_lines_only() {
        assert_eq!(
            definition_name("export function requireAuth(req, res, next) {"),
            Some("requireAuth")
        );
        assert_eq!(definition_name("pub fn parse(s: &str)"), Some("parse"));
        assert_eq!(definition_name("export const router = x"), Some("router"));
        assert_eq!(definition_name("  const local = 1"), None);
        assert_eq!(
            definition_name("func (s *Server) Handle(w http.ResponseWriter) {"),
            Some("Handle")
        );
        assert_eq!(definition_name("requireAuth(req, res, next)"), None);
        let diff = "--- a/x.ts\n+++ b/x.ts\n@@ -1 +1 @@\n-export function requireAuth() {}\n+export function requireAuthenticatedUser() {}\n";
        assert_eq!(removed_definitions(diff), ["requireAuth"]);
    }

    #[test]
    fn dangling_names_the_referencing_agent_and_line() {
        let mut a = step("agent-1", &[]);
        a.changed = vec!["src/auth.ts".into()];
        a.removed = vec!["requireAuth".into()];
        let b = step("agent-2", &["src/routes/admin.ts"]);
        let mut refs = BTreeMap::new();
        refs.insert(
            "requireAuth".to_string(),
            vec![Reference {
                path: "src/routes/admin.ts".into(),
                line: 2,
                text: "app.use(requireAuth)".into(),
            }],
        );
        let f = dangling(&[a.clone(), b.clone()], &refs);
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].message,
            "agent-1 removed `requireAuth`, but agent-2's src/routes/admin.ts still references it"
        );
        assert_eq!(
            (f[0].path.as_deref(), f[0].line),
            (Some("src/routes/admin.ts"), Some(2))
        );
        refs.get_mut("requireAuth").unwrap().push(Reference {
            path: "src/x.ts".into(),
            line: 1,
            text: "export function requireAuth() {}".into(),
        });
        assert!(dangling(&[a, b], &refs).is_empty());
    }

    #[test]
    fn conflicts_name_both_agents() {
        let a = step("agent-1", &["tests/shared.ts"]);
        let mut c = step("agent-3", &["tests/shared.ts"]);
        c.state = StepState::Conflict;
        c.conflicts = vec![ConflictFile {
            path: "tests/shared.ts".into(),
            kind: "add/add".into(),
        }];
        let f = conflicts(&[a, c]);
        assert_eq!(
            f[0].message,
            "agent-3 conflicts with agent-1 in tests/shared.ts (add/add)"
        );
        assert_eq!(f[0].agent.as_deref(), Some("agent-1"));
    }
}
