//! Every word of a rule line is read or refused (issue "account for every
//! word"): one test per class of input that used to be dropped.

use super::*;

const WT: &str = "## Worktrees\n- wt-1 branch: agents/one agent: agent-1\n- wt-2 branch: agents/two agent: agent-2\n- wt-3 branch: agents/three agent: agent-3\n";

fn with(sections: &str) -> Contract {
    parse("c.md", &format!("# C\n\n{WT}\n{sections}"))
}

fn codes(c: &Contract) -> Vec<&'static str> {
    c.diagnostics.iter().map(|d| d.code.code()).collect()
}

fn errors(c: &Contract) -> Vec<&'static str> {
    c.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.code.code())
        .collect()
}

fn owns(c: &Contract, agent: &str) -> Vec<String> {
    c.agent(agent)
        .unwrap()
        .owns
        .iter()
        .map(|e| {
            let mut s = e.pattern.text.clone();
            if e.additions_only {
                s.push_str(" +add");
            }
            for x in &e.except {
                s.push_str(&format!(" -{}", x.text));
            }
            s
        })
        .collect()
}

fn cannot(c: &Contract, agent: &str) -> Vec<String> {
    c.agent(agent)
        .unwrap()
        .cannot_touch
        .iter()
        .map(|e| e.pattern.text.clone())
        .collect()
}

const REST: &str = "- agent-2: b/**\n- agent-3: c/**\n";

#[test]
fn read_only_in_a_scope_is_never_owned() {
    let c = with(&format!(
        "## Scope\n- agent-1: src/db/migrations/**, docs/api.md (read-only)\n{REST}"
    ));
    assert!(errors(&c).is_empty(), "{:#?}", c.diagnostics);
    assert_eq!(owns(&c, "agent-1"), ["src/db/migrations/**"]);
    assert_eq!(cannot(&c, "agent-1"), ["docs/api.md"]);
}

#[test]
fn exceptions_in_both_spellings_are_honoured() {
    for line in [
        "- agent-1: src/db/** (except src/db/legacy/**)",
        "- agent-1: src/db/**, !src/db/legacy/**",
        "- agent-1: `src/db/**`, `!src/db/legacy/**`",
    ] {
        let c = with(&format!("## Scope\n{line}\n{REST}"));
        assert!(errors(&c).is_empty(), "{line}: {:#?}", c.diagnostics);
        assert_eq!(
            owns(&c, "agent-1"),
            ["src/db/** -src/db/legacy/**"],
            "{line}"
        );
    }
    // The excepted directory may be another agent's without an overlap.
    let c = with("## Scope\n- agent-1: src/db/** (except src/db/legacy/**)\n- agent-2: src/db/legacy/**\n- agent-3: c/**\n");
    assert!(errors(&c).is_empty(), "{:#?}", c.diagnostics);
}

#[test]
fn an_exception_that_takes_nothing_out_is_an_error() {
    let c = with(&format!(
        "## Scope\n- agent-1: src/db/** (except lib/x/**)\n{REST}"
    ));
    assert_eq!(errors(&c), ["CG035"]);
    let c = with(&format!(
        "## Scope\n- agent-1: src/db/**, !lib/x/**\n{REST}"
    ));
    assert_eq!(errors(&c), ["CG035"]);
}

#[test]
fn every_spelling_of_additions_only() {
    for q in [
        "additions only",
        "additions-only",
        "append only",
        "append-only",
        "Append-Only",
    ] {
        let c = with(&format!("## Scope\n- agent-1: a/**, a.ts ({q})\n{REST}"));
        assert!(errors(&c).is_empty(), "{q}: {:#?}", c.diagnostics);
        assert_eq!(owns(&c, "agent-1"), ["a/**", "a.ts +add"], "{q}");
    }
}

#[test]
fn an_unknown_parenthetical_is_refused() {
    for q in [
        "mostly",
        "append-only for now",
        "see #12",
        "v2",
        "additions",
    ] {
        let c = with(&format!("## Scope\n- agent-1: a/**, a.ts ({q})\n{REST}"));
        assert_eq!(errors(&c), ["CG028"], "{q}");
        assert_eq!(c.lines.refused, 1, "{q}");
    }
}

#[test]
fn prose_joins_give_every_path() {
    let c = with("## Scope\n- agent-1: a/**\n- agent-2: b/**\n- agent-3: c/**\n\n## Cannot touch\nagent-1 must not touch src/x.ts or src/y.ts.\n- agent-2: `p/**` and q.md, r.md & s.md\n");
    assert!(errors(&c).is_empty(), "{:#?}", c.diagnostics);
    assert_eq!(cannot(&c, "agent-1"), ["src/x.ts", "src/y.ts"]);
    assert_eq!(cannot(&c, "agent-2"), ["p/**", "q.md", "r.md", "s.md"]);
}

#[test]
fn a_path_inside_prose_is_refused_not_noted() {
    for line in [
        "- agent-1: a/**, src/x.ts but not on Fridays",
        "- agent-1: a/**, everything under src/x/",
        "- agent-1: a/** and the tests",
    ] {
        let c = with(&format!("## Scope\n{line}\n{REST}"));
        assert!(
            errors(&c).contains(&"CG032"),
            "{line}: {:#?}",
            c.diagnostics
        );
    }
    // Prose without a path is a note, as before.
    let c = with(&format!(
        "## Scope\n- agent-1: a/**, listing data shape\n{REST}"
    ));
    assert!(errors(&c).is_empty());
    assert_eq!(codes(&c), ["CG015"]);
}

#[test]
fn emphasis_around_a_path_is_markup() {
    let c = with("## Scope\n- agent-1: a/**\n- agent-2: b/**\n- agent-3: c/**\n\n## Cannot touch\n- agent-1: _src/api/uploads/secret.ts_, *src/b.ts*, **src/c.ts**\n");
    assert!(errors(&c).is_empty(), "{:#?}", c.diagnostics);
    assert_eq!(
        cannot(&c, "agent-1"),
        ["src/api/uploads/secret.ts", "src/b.ts", "src/c.ts"]
    );
    // A glob that starts with `*` stays a glob.
    let c = with("## Scope\n- agent-1: *.lock, a/**\n- agent-2: b/**\n- agent-3: c/**\n");
    assert_eq!(owns(&c, "agent-1"), ["*.lock", "a/**"]);
}

#[test]
fn one_backtick_span_of_several_paths() {
    let c = with(&format!(
        "## Scope\n- agent-1: `src/a/**, src/b.ts`\n{REST}"
    ));
    assert_eq!(owns(&c, "agent-1"), ["src/a/**", "src/b.ts"]);
}

#[test]
fn a_second_section_of_a_kind_is_an_error_naming_both() {
    let c = with(&format!(
        "## Scope\n- agent-1: a/**\n{REST}\n## Scope (v2)\n- agent-1: z/**\n"
    ));
    assert_eq!(errors(&c), ["CG030"]);
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.code == Code::DuplicateSection)
        .unwrap();
    assert!(
        d.message.contains("`Scope` (line") && d.message.contains("`Scope (v2)` (line"),
        "{}",
        d.message
    );
    // Nothing of the second is read.
    assert_eq!(owns(&c, "agent-1"), ["a/**"]);
}

#[test]
fn a_superseded_section_is_ignored_with_a_warning() {
    let c = with(&format!(
        "## Scope\n- agent-1: a/**\n{REST}\n## Scope (v1, superseded)\n- agent-1: z/**\n### More\n- agent-2: y/**\n"
    ));
    assert!(errors(&c).is_empty(), "{:#?}", c.diagnostics);
    assert_eq!(codes(&c), ["CG031"]);
    assert_eq!(owns(&c, "agent-1"), ["a/**"]);
    assert_eq!(owns(&c, "agent-2"), ["b/**"]);
}

#[test]
fn front_matter_with_contract_keys_is_refused() {
    let src = format!("---\ntitle: Uploads\nmerge_order: [agent-2, agent-1]\n---\n# C\n\n{WT}");
    let c = parse("c.md", &src);
    assert_eq!(errors(&c), ["CG029"]);
    let d = &c.diagnostics[0];
    assert_eq!(&src[d.span.clone()], "merge_order");
    // Keys that are no rules are fine.
    let c = parse(
        "c.md",
        &format!("---\ntitle: x\nowner: '@me'\n---\n# C\n\n{WT}"),
    );
    assert!(errors(&c).is_empty(), "{:#?}", c.diagnostics);
}

#[test]
fn a_bom_and_html_comments_are_invisible() {
    let c = parse("c.md", &format!("\u{feff}{WT}\n## Scope\n- agent-1: <!-- was lib/** --> a/**, a.ts <!-- (additions only) -->\n{REST}"));
    assert!(errors(&c).is_empty(), "{:#?}", c.diagnostics);
    assert_eq!(c.agents.len(), 3);
    assert_eq!(owns(&c, "agent-1"), ["a/**", "a.ts"]);
    // A comment around a whole line hides it; one in backticks is text.
    let c = with(&format!(
        "## Scope\n<!-- - agent-1: z/** -->\n- agent-1: a/**\n{REST}"
    ));
    assert_eq!(owns(&c, "agent-1"), ["a/**"]);
}

#[test]
fn nfc_and_nfd_spellings_match_each_other() {
    let nfd = "docs/cafe\u{301}.md";
    let nfc = "docs/caf\u{e9}.md";
    let p = crate::pattern::Pattern::parse(nfd).unwrap();
    assert!(p.matches(nfc) && p.matches(nfd));
    let p = crate::pattern::Pattern::parse(nfc).unwrap();
    assert!(p.matches(nfd));
}

#[test]
fn cannot_touch_with_additions_only_is_a_contradiction() {
    let c = with(&format!(
        "## Scope\n- agent-1: a/**\n{REST}\n## Cannot touch\n- agent-1: z.ts (additions only)\n"
    ));
    assert_eq!(errors(&c), ["CG028"]);
}

#[test]
fn shared_state_exceptions() {
    let c = with(&format!("## Scope\n- agent-1: a/**\n{REST}\n## Shared state\n- config/** (except config/local.json): nobody edits.\n"));
    assert!(errors(&c).is_empty(), "{:#?}", c.diagnostics);
    let r = &c.shared_state[0];
    assert_eq!(r.except[0].text, "config/local.json");
}

/// The merge order as (agent, stage) pairs.
fn order(c: &Contract) -> Vec<(String, usize)> {
    c.merge_order
        .iter()
        .map(|s| (s.agent.clone(), s.stage))
        .collect()
}

fn order_of(lines: &str) -> Contract {
    with(&format!(
        "## Scope\n- agent-1: a/**\n{REST}\n## Merge order\n{lines}\n"
    ))
}

fn chain(names: &[&str]) -> Vec<(String, usize)> {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.to_string(), i))
        .collect()
}

#[test]
fn prose_orders_read_as_they_say() {
    for (line, want) in [
        ("agent-2 lands first, then agent-1, then agent-3.", ["agent-2", "agent-1", "agent-3"]),
        ("agent-2 first, agent-3 last, agent-1 in between.", ["agent-2", "agent-1", "agent-3"]),
        ("agent-2 before agent-1 before agent-3.", ["agent-2", "agent-1", "agent-3"]),
        ("agent-3 merges after agent-1, which merges after agent-2.", ["agent-2", "agent-1", "agent-3"]),
        ("The merge order is a single line, written before any agent runs: agent-2 lands first, then agent-1, then agent-3. Pick it deliberately, based on which diffs unblock the others.", ["agent-2", "agent-1", "agent-3"]),
        ("agent-2 first, then agent-1, and finally agent-3", ["agent-2", "agent-1", "agent-3"]),
        ("agent-2 → agent-1 (needs the table) → agent-3", ["agent-2", "agent-1", "agent-3"]),
        ("agent-1 second, agent-2 first, agent-3 third", ["agent-2", "agent-1", "agent-3"]),
        ("agent-2 goes 1st, agent-1 2nd, agent-3 3rd", ["agent-2", "agent-1", "agent-3"]),
        ("First agent-2, then agent-1, then agent-3.", ["agent-2", "agent-1", "agent-3"]),
        ("- agent-2 — migration must land first\n- agent-1\n- agent-3", ["agent-2", "agent-1", "agent-3"]),
        ("- agent-1 merges after agent-2\n- agent-3 merges after agent-1", ["agent-2", "agent-1", "agent-3"]),
    ] {
        let c = order_of(line);
        assert!(errors(&c).is_empty(), "{line}: {:#?}", c.diagnostics);
        assert_eq!(order(&c), chain(&want), "{line}");
    }
}

#[test]
fn parallel_steps_share_a_stage() {
    for lines in [
        "1. agent-2\n2. agent-1 and agent-3 (in parallel)",
        "1. agent-2\n2. agent-1, agent-3 (in parallel)",
        "1. agent-2\n2. agent-1 & agent-3",
        "agent-2 → agent-1 and agent-3 (in parallel)",
        "agent-2 first, then agent-1 and agent-3 in parallel",
        "- agent-1 merges after agent-2\n- agent-3 merges after agent-2",
    ] {
        let c = order_of(lines);
        assert!(errors(&c).is_empty(), "{lines}: {:#?}", c.diagnostics);
        assert_eq!(
            order(&c),
            [
                ("agent-2".into(), 0),
                ("agent-1".into(), 1),
                ("agent-3".into(), 1)
            ],
            "{lines}"
        );
        assert!(c
            .predecessors("agent-3")
            .iter()
            .all(|s| s.agent == "agent-2"));
        assert_eq!(c.predecessors("agent-3").len(), 1);
    }
}

#[test]
fn orders_the_gate_cannot_read_exactly_are_refused() {
    for line in [
        // "and" between two names in a chain: which first?
        "agent-2 first, then agent-1 and agent-3.",
        // A word outside the vocabulary.
        "agent-2 lands first unless agent-1 is ready.",
        "agent-2, maybe agent-1, agent-3",
        // A position word that is not true where it stands.
        "agent-2 → agent-1 first → agent-3",
        // "in between" with nothing to be between.
        "agent-2 first, agent-1 in between, agent-3 in between",
        // Two names with nothing between them.
        "agent-2 agent-1 agent-3",
    ] {
        let c = order_of(line);
        assert_eq!(errors(&c), ["CG008"], "{line}: {:#?}", c.diagnostics);
        assert!(c.merge_order.is_empty(), "{line}: nothing half read");
    }
}

#[test]
fn contradicting_order_lines_are_a_cycle() {
    let c = order_of("- agent-1 merges after agent-2\n- agent-2 merges after agent-1\n- agent-3");
    assert!(errors(&c).contains(&"CG033"), "{:#?}", c.diagnostics);
}

#[test]
fn an_unknown_name_in_a_chain_is_an_unknown_agent() {
    let c = order_of("agent-2 → agent-9 → agent-1 → agent-3");
    assert_eq!(errors(&c), ["CG007"]);
}

#[test]
fn a_parallel_step_waits_only_on_the_stage_before() {
    use crate::change::{AgentMerge, ChangeStatus, ChangedFile, PrSnapshot, Removals};
    use crate::evaluate::{evaluate, Options};
    use crate::verdict::{Conclusion, Rule};
    let c = order_of("1. agent-2\n2. agent-1 and agent-3 (in parallel)");
    let mut f = ChangedFile::new("c/x.ts", ChangeStatus::Modified);
    f.removals = Removals::Known(vec![]);
    let pr = PrSnapshot {
        branch: "agents/three".into(),
        base: "main".into(),
        body: None,
        files: vec![f],
        files_truncated: None,
        interface: Vec::new(),
    };
    let merged = |n: &str| {
        (
            n.to_string(),
            AgentMerge {
                merged_into_base: Some(format!("{n} tip")),
                in_head: true,
                pull: Default::default(),
            },
        )
    };
    // agent-2 merged, agent-1 (same stage as agent-3) not yet: agent-3 passes.
    let v = evaluate(
        std::slice::from_ref(&c),
        &pr,
        &[merged("agent-2")].into_iter().collect(),
        &Options::default(),
    );
    assert_eq!(v.conclusion, Conclusion::Success, "{:#?}", v.findings);
    // Nothing merged: agent-3 waits on agent-2 only.
    let v = evaluate(
        std::slice::from_ref(&c),
        &pr,
        &Default::default(),
        &Options::default(),
    );
    let waits: Vec<_> = v
        .findings
        .iter()
        .filter(|f| f.rule == Rule::MergeOrder)
        .map(|f| f.message.clone())
        .collect();
    assert_eq!(waits.len(), 1, "{waits:?}");
    assert!(waits[0].contains("agent-2"), "{waits:?}");
}

#[test]
fn invisible_characters_are_refused() {
    for c in [
        '\u{200b}', '\u{202e}', '\u{0}', '\u{7}', '\u{2060}', '\u{feff}',
    ] {
        let src = format!("# C\n\n## Worktrees\n- wt branch: agents/a agent: agent{c}-1\n");
        let p = parse("c.md", &src);
        assert!(
            errors(&p).contains(&"CG037"),
            "U+{:04X}: {:#?}",
            c as u32,
            p.diagnostics
        );
    }
    // A BOM at the start is an encoding mark, and tabs are fine.
    let c = parse(
        "c.md",
        "\u{feff}# C\n\n## Worktrees\n-\twt branch: agents/a agent: agent-1\n",
    );
    assert!(!errors(&c).contains(&"CG037"), "{:#?}", c.diagnostics);
}

#[test]
fn a_branch_git_cannot_have_is_refused() {
    for b in [
        "agents/a..b",
        "agents/a~1",
        "wip:agents/a",
        "agents/a.lock",
        "-x",
    ] {
        let c = parse(
            "c.md",
            &format!("# C\n\n## Worktrees\n- wt branch: {b} agent: agent-1\n"),
        );
        assert!(errors(&c).contains(&"CG036"), "{b}: {:#?}", c.diagnostics);
    }
}

#[test]
fn unbalanced_lists_are_refused() {
    for line in [
        "- agent-1: a/** (except a/x/**, b/**",
        "- agent-1: `a/**, b/**",
        "- agent-1: a/**), b/**",
    ] {
        let c = with(&format!("## Scope\n{line}\n{REST}"));
        assert!(
            errors(&c).contains(&"CG008"),
            "{line}: {:#?}",
            c.diagnostics
        );
    }
}

#[test]
fn the_merge_order_table_reads_its_step_numbers() {
    let c =
        order_of("| # | Agent |\n|---|---|\n| 1 | agent-2 |\n| 2 | agent-1 |\n| 2 | agent-3 |\n");
    assert!(errors(&c).is_empty(), "{:#?}", c.diagnostics);
    assert_eq!(
        order(&c),
        [
            ("agent-2".into(), 0),
            ("agent-1".into(), 1),
            ("agent-3".into(), 1)
        ]
    );
    // Steps that go down, and a column the gate does not read, are refused.
    let c =
        order_of("| # | Agent |\n|---|---|\n| 2 | agent-2 |\n| 1 | agent-1 |\n| 3 | agent-3 |\n");
    assert!(errors(&c).contains(&"CG008"));
    let c = order_of("| Agent | Blocked by |\n|---|---|\n| agent-2 | |\n| agent-1 | agent-2 |\n| agent-3 | agent-1 |\n");
    assert!(errors(&c).contains(&"CG008"));
}

#[test]
fn an_invalid_glob_is_still_an_invalid_pattern() {
    let c = with(&format!("## Scope\n- agent-1: glob:src/{{a,b.ts\n{REST}"));
    assert!(
        errors(&c).contains(&"CG008") || errors(&c).contains(&"CG009"),
        "{:#?}",
        c.diagnostics
    );
    let c = with(&format!("## Scope\n- agent-1: glob:src/**/[!a.ts\n{REST}"));
    assert!(!errors(&c).is_empty());
    let c = with(&format!("## Scope\n- agent-1: glob:src/[z-a].ts\n{REST}"));
    assert!(errors(&c).contains(&"CG009"), "{:#?}", c.diagnostics);
}

/// A merge order of thousands of agents, with a contradiction at its end,
/// settles in one pass and names a few of the agents caught in the cycle.
#[test]
fn a_long_order_with_a_cycle_is_refused_briefly() {
    let n = 3000;
    let mut src = String::from("# C\n\n## Worktrees\n");
    for i in 0..n {
        src.push_str(&format!("- wt-{i} branch: agents/a{i} agent: agent-{i}\n"));
    }
    src.push_str("\n## Merge order\n");
    for i in 0..n {
        src.push_str(&format!("- agent-{i} merges after agent-{}\n", (i + 1) % n));
    }
    let c = parse("c.md", &src);
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.code == Code::MergeOrderCycle)
        .expect("a cycle");
    assert!(d.message.contains("and 2995 more"), "{}", d.message);
    assert!(d.message.len() < 300);
}

#[test]
fn the_integration_line_names_one_branch_and_keeps_the_rest() {
    let c = with(&format!("## Scope\n- agent-1: a/**\n{REST}\n## Integration branch\n`integration/x`, owned by a human. Agents merge into it.\n"));
    assert!(errors(&c).is_empty(), "{:#?}", c.diagnostics);
    assert_eq!(c.integration_branch.as_deref(), Some("integration/x"));
    assert!(
        c.notes
            .iter()
            .any(|n| n == "owned by a human. Agents merge into it."),
        "{:?}",
        c.notes
    );
    for line in [
        "Not `main` but `integration/x`.",
        "The integration branch is integration/x",
    ] {
        let c = with(&format!(
            "## Scope\n- agent-1: a/**\n{REST}\n## Integration branch\n{line}\n"
        ));
        assert_eq!(errors(&c), ["CG021"], "{line}");
        assert!(c.integration_branch.is_none());
    }
    let c = with(&format!("## Scope\n- agent-1: a/**\n{REST}\n## Integration branch\nintegration/x — a human merges it\n"));
    assert_eq!(c.integration_branch.as_deref(), Some("integration/x"));
}

#[test]
fn approvers_keep_their_words_and_refuse_broken_handles() {
    let c = with(&format!(
        "## Scope\n- agent-1: a/**\n{REST}\n## Approvers\n- @octocat (integration owner)\n"
    ));
    assert!(errors(&c).is_empty(), "{:#?}", c.diagnostics);
    assert!(
        c.notes.iter().any(|n| n == "integration owner"),
        "{:?}",
        c.notes
    );
    let c = with(&format!(
        "## Scope\n- agent-1: a/**\n{REST}\n## Approvers\n- @octocat, @not_a_handle\n"
    ));
    assert!(errors(&c).contains(&"CG008"), "{:#?}", c.diagnostics);
}
