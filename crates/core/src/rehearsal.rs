//! The pure part of a merge rehearsal: the agents' branches trial-merged one
//! after another in contract order. A source runs the merges (`git
//! merge-tree`) and reads what each step added, changed and removed; this
//! module turns that into the cross-branch findings: `conflict`,
//! `collision` and `dangling-reference` (the `interface` rule is judged on
//! the combined tree by [`crate::evaluate::interface_findings`] over the same scan as `check`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::verdict::{Finding, Rule};

mod outcome;

pub use outcome::{CommandResult, Outcome, Rehearsed, RunReport, StageRun};

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
    dangling_by(steps, refs)
        .into_iter()
        .map(|(_, _, f)| f)
        .collect()
}

/// Each dangling reference with the agent that removed the name and the
/// agent whose changed file still references it (None: an untouched file).
fn dangling_by<'s>(
    steps: &'s [Step],
    refs: &BTreeMap<String, Vec<Reference>>,
) -> Vec<(&'s str, Option<&'s str>, Finding)> {
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
                out.push((s.agent.as_str(), by, f));
            }
        }
    }
    out
}

/// The findings one pull request causes when it is rehearsed as the last
/// step, on top of the open pull requests before it: a name it removes
/// that the combined tree still uses, or a name an earlier step removed
/// that its own changed files still use, fails; a textual conflict or a
/// colliding file with an earlier step is a warning naming that agent (the
/// rebase after the earlier one merges resolves it). Findings between
/// earlier steps alone belong to their own pull requests and are left out.
pub fn caused_by_last(steps: &[Step], refs: &BTreeMap<String, Vec<Reference>>) -> Vec<Finding> {
    let Some((me, earlier)) = steps.split_last() else {
        return Vec::new();
    };
    let warn = |f: Finding| f.with_level(crate::verdict::Level::Warning);
    let mut out: Vec<Finding> = conflicts(steps)
        .into_iter()
        .skip(conflicts(earlier).len())
        .map(warn)
        .collect();
    let before = collisions(earlier);
    out.extend(
        collisions(steps)
            .into_iter()
            .filter(|f| !before.contains(f))
            .map(warn),
    );
    out.extend(
        dangling_by(steps, refs)
            .into_iter()
            .filter(|(removed_by, _, f)| {
                *removed_by == me.agent || f.path.as_ref().is_some_and(|p| me.changed.contains(p))
            })
            .map(|(_, _, f)| f),
    );
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

    fn conflicted(agent: &str, path: &str) -> Step {
        let mut s = step(agent, &[]);
        s.state = StepState::Conflict;
        s.changed = vec![path.to_string()];
        s.conflicts = vec![ConflictFile {
            path: path.into(),
            kind: "content".into(),
        }];
        s
    }

    #[test]
    fn a_pull_request_answers_for_what_its_own_step_causes() {
        use crate::verdict::Level;
        // a and b collide with each other (not this PR's business); c, the
        // PR, conflicts with a, adds b's migration number, removes `auth`
        // that a's file uses, and calls `gone`, which b removed.
        let mut a = step("a", &["db/0001_a.sql"]);
        a.changed.push("src/x.ts".into());
        a.changed.push("src/shared.ts".into());
        let mut b = step("b", &["db/0001_b.sql", "db/0002_b.sql"]);
        b.removed = vec!["gone".into()];
        let mut c = conflicted("c", "src/shared.ts");
        c.state = StepState::Clean;
        c.conflicts.clear();
        c.added = vec!["db/0002_c.sql".into()];
        c.changed = vec!["db/0002_c.sql".into(), "src/c.ts".into()];
        c.removed = vec!["auth".into()];
        let hit = |path: &str, text: &str| Reference {
            path: path.into(),
            line: 3,
            text: text.into(),
        };
        let refs = BTreeMap::from([
            ("auth".to_string(), vec![hit("src/x.ts", "auth(req)")]),
            (
                "gone".to_string(),
                vec![hit("src/c.ts", "gone()"), hit("lib/old.ts", "gone()")],
            ),
        ]);
        let steps = [a.clone(), b.clone(), c];
        let found = caused_by_last(&steps, &refs);
        let got: Vec<(Rule, Level, Option<&str>)> = found
            .iter()
            .map(|f| (f.rule, f.level, f.path.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (Rule::Collision, Level::Warning, Some("db/0002_c.sql")),
                (Rule::DanglingReference, Level::Failure, Some("src/c.ts")),
                (Rule::DanglingReference, Level::Failure, Some("src/x.ts")),
            ],
            "{found:#?}"
        );
        // The same PR conflicting with a: a warning naming a; a's and b's
        // own collision is left out.
        let steps = [a, b, conflicted("c", "src/shared.ts")];
        let found = caused_by_last(&steps, &BTreeMap::new());
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            (found[0].rule, found[0].level, found[0].agent.as_deref()),
            (Rule::Conflict, Level::Warning, Some("a"))
        );
        assert!(caused_by_last(&[], &BTreeMap::new()).is_empty());
    }
}
