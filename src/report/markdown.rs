//! The verdict as GitHub-flavoured markdown: the check-run title and summary,
//! the Actions step summary, and `--format markdown`.
//!
//! Everything that comes from a contract or a pull request (paths, agent and
//! check names, messages) is escaped, so a file named `a|b.ts` cannot break
//! the evidence table and a path with `**` cannot turn into bold text.

use std::collections::HashSet;
use std::fmt::Write;

use contract_gate_core::change::{PullChecks, PullState};
use contract_gate_core::verdict::{Conclusion, Finding, Level, Role, Rule, StepState, Verdict};

use super::clamp::truncate_chars;
use super::escape::{
    markdown_block_start, markdown_cell as escape_cell, markdown_code as code,
    markdown_text as escape_text, mermaid_label,
};

/// GitHub's limit for a check-run title (and for an annotation title).
pub(super) const TITLE_MAX_CHARS: usize = 255;

/// One line saying what is wrong (or that nothing is), at most
/// [`TITLE_MAX_CHARS`] characters.
///
/// Failures only, in rule order, joined with " · ": "2 files out of scope ·
/// waiting on agent-2". Counts are distinct paths per rule (findings without a
/// path count one each).
pub(super) fn title(v: &Verdict) -> String {
    let failures: Vec<&Finding> = v
        .findings
        .iter()
        .filter(|f| f.level == Level::Failure)
        .collect();
    let mut parts: Vec<String> = Vec::new();
    for rule in Rule::ALL {
        let group: Vec<&Finding> = failures
            .iter()
            .copied()
            .filter(|f| f.rule == rule)
            .collect();
        if group.is_empty() {
            continue;
        }
        parts.push(rule_phrase(v, rule, &group));
    }
    let line = if parts.is_empty() {
        ok_title(v)
    } else {
        parts.join(" · ")
    };
    truncate_chars(&line, TITLE_MAX_CHARS)
}

/// The title of a verdict without failures.
fn ok_title(v: &Verdict) -> String {
    let unassigned = v.findings.iter().any(|f| f.rule == Rule::UnassignedBranch);
    let mut t = if unassigned || (v.agent.is_none() && v.conclusion == Conclusion::Neutral) {
        format!("branch {} is not in any contract", v.branch)
    } else if v.role == Some(Role::Integrator) {
        "every agent merged; all changed files owned by an agent".to_string()
    } else {
        match &v.agent {
            Some(a) => format!("all changed files within {a}'s scope"),
            None => "all changed files within the contract".to_string(),
        }
    };
    let others = v
        .findings
        .iter()
        .filter(|f| f.rule != Rule::UnassignedBranch)
        .count();
    if others > 0 {
        let _ = write!(t, " · {}", plural(others, "note", "notes"));
    }
    t
}

fn rule_phrase(v: &Verdict, rule: Rule, group: &[&Finding]) -> String {
    let n = distinct_count(group);
    match rule {
        Rule::ContractInvalid => "contract invalid".to_string(),
        Rule::UnassignedBranch => format!("branch {} is not in any contract", v.branch),
        Rule::BaseBranch => format!("targets {}, not the integration branch", v.base),
        Rule::ContractEdit => format!(
            "{} edited",
            plural(n, "contract or workflow file", "contract or workflow files")
        ),
        Rule::CannotTouch => format!("{} on the cannot-touch list", plural(n, "file", "files")),
        Rule::SharedState => format!("{} edited", plural(n, "shared file", "shared files")),
        Rule::Scope => format!("{} out of scope", plural(n, "file", "files")),
        Rule::AdditionsOnly => format!(
            "lines removed from {}",
            plural(n, "additions-only file", "additions-only files")
        ),
        Rule::MergeOrder => {
            let names = v.waiting_on();
            if names.is_empty() {
                "waiting on a predecessor in the merge order".to_string()
            } else {
                format!("waiting on {}", names.join(", "))
            }
        }
        Rule::StaleBase => format!("rebase onto {}", v.base),
        Rule::Evidence => format!("{} without evidence", plural(n, "check", "checks")),
        Rule::Incomplete => "change too large to judge".to_string(),
        Rule::NeedsApproval => format!("{} need approval", plural(n, "file", "files")),
        Rule::Worktree => "worktree not where the contract puts it".to_string(),
        Rule::Interface => format!(
            "{} of the interface boundary changed",
            plural(n, "commitment", "commitments")
        ),
        Rule::Conflict => format!("{} conflict in the rehearsal", plural(n, "file", "files")),
        Rule::Collision => format!("{} collide", plural(n, "added file", "added files")),
        Rule::DanglingReference => {
            format!("{} to a removed name", plural(n, "reference", "references"))
        }
        // Each message is "waiting for CI `name`"; name them all once.
        Rule::CiPending => {
            let mut msgs: Vec<&str> = group.iter().map(|f| f.message.as_str()).collect();
            msgs.dedup();
            msgs.join(", ")
        }
    }
}

/// Distinct paths, plus one for each finding without a path.
fn distinct_count(group: &[&Finding]) -> usize {
    let paths: HashSet<&str> = group.iter().filter_map(|f| f.path.as_deref()).collect();
    paths.len() + group.iter().filter(|f| f.path.is_none()).count()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The whole summary: [`overview`] then [`findings`].
pub(super) fn summary(v: &Verdict) -> String {
    let mut o = overview(v);
    o.push_str(&findings(v));
    let end = o.trim_end().len();
    o.truncate(end);
    o.push('\n');
    o
}

/// Header line, merge-order progress and evidence table.
pub(super) fn overview(v: &Verdict) -> String {
    let mut o = String::new();
    let head = match v.conclusion {
        Conclusion::Success => "✅ Passed",
        Conclusion::Neutral => "⚪ Neutral",
        Conclusion::Failure if v.waiting_only() => "⏳ Waiting",
        Conclusion::Failure => "❌ Blocked",
    };
    let mut line = format!("## {head}");
    if let Some(a) = &v.agent {
        let _ = write!(line, " · {}", escape_text(a));
    }
    if let Some(c) = &v.contract {
        let _ = write!(line, " · contract {}", code(c));
    }
    let _ = write!(line, " · {} → {}", code(&v.branch), code(&v.base));
    let _ = writeln!(o, "{line}\n");
    if !v.merge_progress.is_empty() {
        let _ = writeln!(o, "**Merge order:** {}\n", progress(v));
        o.push_str(&merge_diagram(v));
    }
    if !v.evidence.is_empty() {
        let _ = writeln!(o, "| check | required | found |\n|---|---|---|");
        for e in &v.evidence {
            let mark = if e.found { "✅" } else { "❌" };
            // What decided the row (CI, self-reported, …) follows the mark.
            let found = match &e.via {
                Some(via) => format!("{mark} {}", escape_cell(via)),
                None => mark.to_string(),
            };
            let _ = writeln!(o, "| {} | ✅ | {found} |", escape_cell(&e.check));
        }
        o.push('\n');
    }
    if v.findings.is_empty() {
        let _ = writeln!(
            o,
            "No findings: every changed path is within the contract, and nothing is missing.\n"
        );
    } else if v.conclusion == Conclusion::Success {
        let _ = writeln!(
            o,
            "No failures: every changed path is within the contract. Notes below.\n"
        );
    }
    o
}

/// `agent-2 ✓ merged (#41) → agent-1 (this PR) → agent-3`
fn progress(v: &Verdict) -> String {
    v.merge_progress
        .iter()
        .map(|s| {
            let name = escape_text(&s.agent);
            match s.state {
                StepState::Merged => match &s.reference {
                    Some(r) => format!("{name} ✓ merged ({})", escape_text(r)),
                    None => format!("{name} ✓ merged"),
                },
                StepState::This => format!("{name} (this PR)"),
                StepState::Waiting => format!("{name} ⏳ {}", waiting_words(s.pull).0),
                _ => name,
            }
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

/// The merge order as a mermaid flowchart, each step coloured by its state:
/// merged, this PR (green when it passes, red when blocked, amber while it
/// waits), waiting (a predecessor not merged yet), later.
fn merge_diagram(v: &Verdict) -> String {
    let this = match v.conclusion {
        Conclusion::Failure if v.waiting_only() => "thiswait",
        Conclusion::Failure => "thisfail",
        _ => "thisok",
    };
    let mut o = String::from("```mermaid\nflowchart LR\n");
    for (i, s) in v.merge_progress.iter().enumerate() {
        let name = mermaid_label(&s.agent);
        let (label, class) = match s.state {
            StepState::Merged => (format!("{name} ✓ merged"), "merged"),
            StepState::This => (format!("{name} · this PR"), this),
            StepState::Waiting => {
                let (words, class) = waiting_words(s.pull);
                (format!("{name} ⏳ {words}"), class)
            }
            _ => (name, "later"),
        };
        let _ = writeln!(o, "  s{i}[\"{label}\"]:::{class}");
        if i > 0 {
            let _ = writeln!(o, "  s{} --> s{i}", i - 1);
        }
    }
    o.push_str(concat!(
        "  classDef merged fill:#d6e4ff,stroke:#36c\n",
        "  classDef thisok fill:#d4f7d4,stroke:#2a2\n",
        "  classDef thisfail fill:#f9d0d0,stroke:#c22\n",
        "  classDef thiswait fill:#fff1c2,stroke:#c90\n",
        "  classDef waiting fill:#fff1c2,stroke:#c90,stroke-dasharray:3\n",
        "  classDef openok fill:#d4f7d4,stroke:#2a2,stroke-dasharray:3\n",
        "  classDef openfail fill:#f9d0d0,stroke:#c22,stroke-dasharray:3\n",
        "  classDef nopr fill:#f4f4f4,stroke:#999,stroke-dasharray:3\n",
        "  classDef later fill:#f4f4f4,stroke:#bbb\n",
        "```\n\n",
    ));
    o
}

/// How a predecessor that has not merged stands, and its diagram class:
/// its open PR and the gate's check on it where the source knows them.
fn waiting_words(pull: PullState) -> (String, &'static str) {
    match pull {
        PullState::Unknown => ("not merged yet".into(), "waiting"),
        PullState::None => ("no PR yet".into(), "nopr"),
        PullState::Open { number, checks } => match checks {
            PullChecks::Passing => (format!("#{number} open, passing"), "openok"),
            PullChecks::Failing => (format!("#{number} open, failing"), "openfail"),
            PullChecks::Running => (format!("#{number} open, checking"), "waiting"),
            PullChecks::NotRun => (format!("#{number} open"), "waiting"),
        },
    }
}

/// One `### rule-id` section per rule that has findings: failures first,
/// then warnings, then notices; rules in their fixed order within a level.
pub(super) fn findings(v: &Verdict) -> String {
    let mut o = String::new();
    let mut groups: Vec<(Level, Rule, Vec<&Finding>)> = Vec::new();
    for rule in Rule::ALL {
        let group: Vec<&Finding> = v.findings.iter().filter(|f| f.rule == rule).collect();
        if let Some(level) = group.iter().map(|f| f.level).min() {
            groups.push((level, rule, group));
        }
    }
    groups.sort_by_key(|(level, rule, _)| (*level, *rule));
    for (level, rule, group) in groups {
        let mark = level.as_str();
        let _ = writeln!(o, "### {}\n", rule.id());
        let _ = writeln!(
            o,
            "{} ({}, {}).\n",
            capitalize(rule.description()),
            mark,
            plural(group.len(), "finding", "findings")
        );
        for f in &group {
            let _ = writeln!(o, "- {}", finding_line(f));
        }
        let _ = writeln!(o, "\n**Next step:** {}.\n", rule.next_step());
    }
    o
}

/// `` `path`:line — message `` (or just the message when there is no path).
/// Findings that are not failures say so: `_(notice)_ …`.
fn finding_line(f: &Finding) -> String {
    let msg = escape_text(&f.message);
    let line = match (&f.path, f.line) {
        (Some(p), Some(l)) => format!("{}:{l} — {msg}", code(p)),
        (Some(p), None) => format!("{} — {msg}", code(p)),
        _ => markdown_block_start(&msg),
    };
    match f.level {
        Level::Failure => line,
        Level::Warning => format!("_(warning)_ {line}"),
        Level::Notice => format!("_(notice)_ {line}"),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Sample as _;
    use contract_gate_core::verdict::{EvidenceRow, MergeStepState};

    fn verdict(conclusion: Conclusion, findings: Vec<Finding>) -> Verdict {
        Verdict::sample(conclusion, findings)
    }

    fn scope(path: &str) -> Finding {
        Finding::failure(Rule::Scope, "added; outside what agent-1 owns").at(path, None)
    }

    fn waiting() -> Finding {
        Finding::failure(
            Rule::MergeOrder,
            "waiting on agent-2 (agents/migrations): it merges before agent-1 and has not merged into `main` yet",
        )
        .about("agent-2")
    }

    #[test]
    fn title_counts_distinct_paths_and_names_who_it_waits_on() {
        // A renamed file gives two findings for two names; the same path twice counts once.
        let v = verdict(
            Conclusion::Failure,
            vec![
                scope("src/a.ts"),
                scope("src/a.ts"),
                scope("src/b.ts"),
                waiting(),
            ],
        );
        assert_eq!(title(&v), "2 files out of scope · waiting on agent-2");
    }

    #[test]
    fn title_prefers_merge_progress_names() {
        let v = verdict(Conclusion::Failure, vec![waiting()]).waiting_on_agent_2();
        assert_eq!(title(&v), "waiting on agent-2");
        // The integrator's message form.
        let mut v = verdict(
            Conclusion::Failure,
            vec![Finding::failure(
                Rule::MergeOrder,
                "Search agent (agent/search) has not merged into `integration/x` yet",
            )
            .about("Search agent")],
        );
        v.role = Some(Role::Integrator);
        assert_eq!(title(&v), "waiting on Search agent");
    }

    #[test]
    fn title_phrases() {
        let v = verdict(
            Conclusion::Failure,
            vec![
                Finding::failure(Rule::SharedState, "modified; shared file nobody edits")
                    .at("tsconfig.json", None),
                Finding::failure(Rule::Evidence, "no evidence for required check `npm test`"),
                Finding::failure(
                    Rule::Evidence,
                    "no evidence for required check `npm run check`",
                ),
            ],
        );
        assert_eq!(
            title(&v),
            "1 shared file edited · 2 checks without evidence"
        );
        let v = verdict(
            Conclusion::Failure,
            vec![Finding::failure(
                Rule::StaleBase,
                "agent-2 merged (abc) but this branch does not contain it: rebase onto main",
            )],
        );
        assert_eq!(title(&v), "rebase onto main");
        let v = verdict(
            Conclusion::Failure,
            vec![Finding::failure(Rule::ContractInvalid, "x").at("CONTRACT.md", Some(3))],
        );
        assert_eq!(title(&v), "contract invalid");
        let v = verdict(Conclusion::Success, vec![]);
        assert_eq!(title(&v), "all changed files within agent-1's scope");
        let mut v = verdict(
            Conclusion::Neutral,
            vec![Finding::failure(
                Rule::UnassignedBranch,
                "branch `feature/x` is assigned to no agent: no contract was found",
            )
            .with_level(Level::Notice)],
        );
        v.branch = "feature/x".into();
        v.agent = None;
        v.contract = None;
        v.role = None;
        assert_eq!(title(&v), "branch feature/x is not in any contract");
    }

    #[test]
    fn title_is_capped() {
        let many: Vec<Finding> = Rule::ALL
            .iter()
            .map(|r| Finding::failure(*r, "x".repeat(50)).at("a", None))
            .collect();
        let mut v = verdict(Conclusion::Failure, many);
        v.base = "b".repeat(300);
        let t = title(&v);
        assert_eq!(t.chars().count(), 255);
        assert!(t.ends_with('…'));
    }

    #[test]
    fn summary_has_header_progress_evidence_and_groups() {
        let mut v = verdict(
            Conclusion::Failure,
            vec![
                Finding::failure(
                    Rule::Scope,
                    "added; outside what agent-1 owns (owned by agent_3)",
                )
                .at("src/**/x|y.ts", Some(4)),
                Finding::failure(Rule::SharedState, "modified; `package.json`: agent-2 owns.")
                    .at("package.json", None),
            ],
        );
        v.merge_progress = vec![
            MergeStepState {
                agent: "agent-2".into(),
                state: StepState::Merged,
                reference: Some("#41".into()),
                pull: Default::default(),
            },
            MergeStepState {
                agent: "agent-1".into(),
                state: StepState::This,
                reference: None,
                pull: Default::default(),
            },
            MergeStepState {
                agent: "agent-3".into(),
                state: StepState::Pending,
                reference: None,
                pull: Default::default(),
            },
        ];
        v.evidence = vec![
            EvidenceRow {
                check: "`npm run check`".into(),
                found: true,
                via: Some("✓ CI (https://ci.example/1)".into()),
            },
            EvidenceRow {
                check: "a | b <c>".into(),
                found: false,
                via: None,
            },
        ];
        let s = summary(&v);
        assert!(s.starts_with(
            "## ❌ Blocked · agent-1 · contract `CONTRACT.md` · `agents/uploads` → `main`\n"
        ));
        assert!(
            s.contains("**Merge order:** agent-2 ✓ merged (#41) → agent-1 (this PR) → agent-3\n")
        );
        // The diagram follows the progress line: blocked, so this PR is red.
        assert!(s.contains(concat!(
            "```mermaid\nflowchart LR\n",
            "  s0[\"agent-2 ✓ merged\"]:::merged\n",
            "  s1[\"agent-1 · this PR\"]:::thisfail\n",
            "  s0 --> s1\n",
            "  s2[\"agent-3\"]:::later\n",
            "  s1 --> s2\n",
        )));
        assert!(s.contains("| check | required | found |\n|---|---|---|\n"));
        assert!(s.contains("| `npm run check` | ✅ | ✅ ✓ CI (https://ci.example/1) |\n"));
        assert!(s.contains("| a \\| b \\<c\\> | ✅ | ❌ |\n"));
        // shared-state comes before scope (rule order), each with a heading.
        let shared = s.find("### shared-state\n").unwrap();
        let scope = s.find("### scope\n").unwrap();
        assert!(shared < scope);
        assert!(s.contains(
            "- `src/**/x|y.ts`:4 — added; outside what agent-1 owns (owned by agent\\_3)\n"
        ));
        assert!(s.contains("- `package.json` — modified; `package.json`: agent-2 owns.\n"));
        assert!(s.contains(&format!("**Next step:** {}.", Rule::Scope.next_step())));
        assert!(s.contains("A changed path is outside what the agent owns (failure, 1 finding)."));
    }

    /// A waiting PR is amber, a waiting predecessor dashed amber; a quote or
    /// line break in an agent's name cannot end its label.
    #[test]
    fn merge_diagram_states_and_escaping() {
        let mut v = verdict(Conclusion::Failure, vec![waiting()]);
        v.merge_progress = vec![
            MergeStepState {
                agent: "agent \"two\"\nx".into(),
                state: StepState::Waiting,
                reference: None,
                pull: Default::default(),
            },
            MergeStepState {
                agent: "agent-1".into(),
                state: StepState::This,
                reference: None,
                pull: Default::default(),
            },
        ];
        let d = merge_diagram(&v);
        assert!(
            d.contains("  s0[\"agent #quot;two#quot; x ⏳ not merged yet\"]:::waiting\n"),
            "{d}"
        );
        assert!(
            d.contains("  s1[\"agent-1 · this PR\"]:::thiswait\n"),
            "{d}"
        );
        assert!(d.ends_with("```\n\n"));
    }

    /// On GitHub a waiting predecessor shows its open PR and the gate's
    /// check on it, or that it has none.
    #[test]
    fn waiting_predecessors_show_their_pull_requests() {
        let open = |checks| PullState::Open { number: 7, checks };
        let cases = [
            (PullState::None, "no PR yet", "nopr"),
            (open(PullChecks::Passing), "#7 open, passing", "openok"),
            (open(PullChecks::Failing), "#7 open, failing", "openfail"),
            (open(PullChecks::Running), "#7 open, checking", "waiting"),
            (open(PullChecks::NotRun), "#7 open", "waiting"),
        ];
        for (pull, words, class) in cases {
            let mut v = verdict(Conclusion::Failure, vec![waiting()]);
            v.merge_progress = vec![MergeStepState {
                agent: "agent-2".into(),
                state: StepState::Waiting,
                reference: None,
                pull,
            }];
            let d = merge_diagram(&v);
            let node = format!("  s0[\"agent-2 ⏳ {words}\"]:::{class}\n");
            assert!(d.contains(&node), "{node}{d}");
            assert!(overview(&v).contains(&format!("agent-2 ⏳ {words}")));
        }
    }

    #[test]
    fn notices_are_marked_and_list_items_stay_list_items() {
        let v = verdict(
            Conclusion::Failure,
            vec![
                Finding::failure(Rule::Evidence, "no evidence for required check `npm test`"),
                Finding::failure(Rule::Evidence, "evidence not checked").with_level(Level::Notice),
                Finding::failure(Rule::Incomplete, "- 3,000 files # max"),
                Finding::failure(Rule::BaseBranch, "12. step"),
            ],
        );
        let s = summary(&v);
        assert!(s.contains("- no evidence for required check `npm test`\n"));
        assert!(s.contains("- _(notice)_ evidence not checked\n"));
        assert!(s.contains("- \\- 3,000 files # max\n"));
        assert!(s.contains("- 12\\. step\n"));
        assert!(s.ends_with(".\n") && !s.ends_with("\n\n"));
    }

    #[test]
    fn success_says_so() {
        let s = summary(&verdict(Conclusion::Success, vec![]));
        assert!(s.starts_with("## ✅ Passed"));
        assert!(s.contains("No findings"));
        assert!(!s.contains("###"));
    }
}
