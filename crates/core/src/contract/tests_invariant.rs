//! The invariant: a contract that reads without errors drops no word of a
//! rule line ([`unaccounted`] is empty). Random lines are made of agent
//! names, paths, qualifiers (known and unknown), joining words, order words
//! and words of no vocabulary at all; whatever they say, each line is read
//! or refused, never read in part.

use proptest::prelude::*;

use super::*;

const HEAD: &str = "# C\n\n## Worktrees\n- wt-1 branch: agents/one agent: agent-1\n- wt-2 branch: agents/two agent: agent-2\n- wt-3 branch: agents/three agent: agent-3\n";

/// One token of a generated rule line.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec!["agent-1", "agent-2", "agent-3", "**agent-2**", "`agent-3`"]).prop_map(str::to_string),
        3 => "[a-z]{1,6}(/[a-z]{1,6}){0,2}(/\\*\\*|\\.ts)?".prop_map(|p| p),
        2 => prop::sample::select(vec![
            "(additions only)", "(append-only)", "(read-only)", "(except src/x/**)", "(in parallel)",
            "(mostly)", "(note)", "(v2, superseded)", "!src/x/**", "_src/y.ts_", "`a b.md`",
        ]).prop_map(str::to_string),
        3 => prop::sample::select(vec![
            ",", ";", "and", "or", "&", "→", "->", "then", "before", "after", "first", "last",
            "in between", "lands", "merges", "owns", "must not touch", ":", "—", "finally", "next",
            "unless", "maybe", "except", "not", "only", "TODO", ".", "<!-- x -->", "2nd", "1st",
        ]).prop_map(str::to_string),
        1 => "[A-Za-z]{1,9}",
    ]
}

fn line() -> impl Strategy<Value = String> {
    let lead = prop::sample::select(vec![
        "",
        "agent-1: ",
        "agent-2: ",
        "agent-3 owns ",
        "agent-1 must not touch ",
        "src/z.ts: ",
        "agent-2 → ",
        "1. ",
    ]);
    (lead, proptest::collection::vec(token(), 1..7))
        .prop_map(|(l, t)| format!("{l}{}", t.join(" ")))
}

fn section() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "Scope",
        "Cannot touch",
        "Shared state",
        "Merge order",
        "Integration branch",
        "Approvers",
    ])
}

/// The generated lines, one section per kind; every agent owns a base path
/// so that a contract without other problems reads cleanly.
fn contract(lines: &[(&str, String, bool)]) -> String {
    let mut src = String::from(HEAD);
    for kind in [
        "Scope",
        "Cannot touch",
        "Shared state",
        "Merge order",
        "Integration branch",
        "Approvers",
    ] {
        let mine: Vec<_> = lines.iter().filter(|(s, ..)| *s == kind).collect();
        if mine.is_empty() && kind != "Scope" {
            continue;
        }
        src.push_str(&format!("\n## {kind}\n"));
        if kind == "Scope" {
            src.push_str("- agent-1: base1/**\n- agent-2: base2/**\n- agent-3: base3/**\n");
        }
        for (_, l, item) in mine {
            src.push_str(&format!("{}{l}\n", if *item { "- " } else { "\n" }));
        }
    }
    src
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    /// Every word of every rule line is read into the model, is a word of
    /// the vocabulary, or the contract is refused.
    #[test]
    fn no_word_of_a_rule_line_is_dropped(
        lines in proptest::collection::vec((section(), line(), any::<bool>()), 1..5)
    ) {
        let c = parse("c.md", &contract(&lines));
        let lost = unaccounted(&c);
        prop_assert!(lost.is_empty(), "dropped {lost:?} from\n{}\nmodel:\n{}", c.source, model_of(&c));
    }
}

#[test]
fn the_shared_contracts_account_for_every_word() {
    for src in [
        include_str!("../../../../fixtures/contracts/uploads.md"),
        include_str!("../../../../fixtures/contracts/blog-discovery.md"),
    ] {
        let c = parse("c.md", src);
        assert!(!c.has_errors());
        assert_eq!(unaccounted(&c), vec![]);
    }
}

/// The check itself can fail: a word the model does not hold is reported.
#[test]
fn a_dropped_word_is_reported() {
    let mut c = parse("c.md", &format!("{HEAD}\n## Scope\n- agent-1: src/a/**, listing data shape\n- agent-2: b/**\n- agent-3: c/**\n"));
    assert_eq!(unaccounted(&c), vec![]);
    c.agents[0].notes.clear();
    let lost: Vec<String> = unaccounted(&c).into_iter().map(|(_, w)| w).collect();
    assert_eq!(lost, ["listing", "data", "shape"]);
}

/// Enough generated contracts read cleanly for the property to bite.
#[test]
fn the_generator_makes_clean_contracts() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strat = proptest::collection::vec((section(), line(), any::<bool>()), 1..5);
    let mut clean = 0;
    for _ in 0..1000 {
        let lines = strat.new_tree(&mut runner).unwrap().current();
        if !parse("c.md", &contract(&lines)).has_errors() {
            clean += 1;
        }
    }
    assert!(
        clean >= 50,
        "only {clean} of 1000 generated contracts read cleanly"
    );
}
