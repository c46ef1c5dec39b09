//! Property: random contract models rendered in several forms read back to
//! the same model, with no diagnostic.

use proptest::prelude::*;

use super::tests_forms::model;
use super::*;

/// A contract model small enough to render by hand.
#[derive(Debug, Clone)]
struct Spec {
    /// (name, branch, worktree, owned paths)
    agents: Vec<(String, String, String, Vec<String>)>,
    /// (file, owner index or nobody)
    shared: Vec<(String, Option<usize>)>,
    /// Merge order as agent indices (a permutation, or empty).
    order: Vec<usize>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (1usize..6)
        .prop_flat_map(|n| {
            (
                proptest::collection::vec(
                    ("[a-z]{3,8}", proptest::collection::vec("[a-z]{2,6}", 1..4)),
                    n,
                ),
                proptest::collection::vec(proptest::option::of(0..n), 0..3),
                Just((0..n).collect::<Vec<_>>()).prop_shuffle(),
                any::<bool>(),
            )
        })
        .prop_map(|(agents, shared, order, ordered)| Spec {
            agents: agents
                .into_iter()
                .enumerate()
                .map(|(i, (word, dirs))| {
                    let owns = dirs
                        .iter()
                        .enumerate()
                        .map(|(k, d)| {
                            // Disjoint per agent: each path lives under `aI/`.
                            if k % 2 == 0 {
                                format!("a{i}/{d}{k}/**")
                            } else {
                                format!("a{i}/{d}{k}.ts")
                            }
                        })
                        .collect();
                    (
                        format!("agent-{i}"),
                        format!("agents/{word}-{i}"),
                        format!("wt-{word}-{i}"),
                        owns,
                    )
                })
                .collect(),
            shared: shared
                .into_iter()
                .enumerate()
                .map(|(k, o)| (format!("shared{k}.json"), o))
                .collect(),
            order: if ordered { order } else { Vec::new() },
        })
}

fn owner(s: &Spec, o: Option<usize>) -> String {
    o.map_or("nobody edits".to_string(), |i| {
        format!("{} owns", s.agents[i].0)
    })
}

/// Canonical: key-value worktrees, `- agent: paths`, numbered merge order.
fn canonical(s: &Spec) -> String {
    let mut d = String::from("# C\n\n## Worktrees\n");
    for (n, b, w, _) in &s.agents {
        d += &format!("- {w} branch: {b} agent: {n}\n");
    }
    d += "\n## Scope\n";
    for (n, _, _, owns) in &s.agents {
        d += &format!("- {n}: {}\n", owns.join(", "));
    }
    tail(s, d, |names| {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{}. {n}\n", i + 1))
            .collect()
    })
}

/// Tables: an agents table with an Owns column, a shared table, arrows.
fn tables(s: &Spec) -> String {
    let mut d = String::from(
        "# C\n\n## Agents\n\n| Agent | Branch | Worktree | Owned files |\n|---|---|---|---|\n",
    );
    for (n, b, w, owns) in &s.agents {
        d += &format!("| **{n}** | `{b}` | {w} | `{}` |\n", owns.join(", "));
    }
    tail(s, d, |names| format!("{}\n", names.join(" → ")))
}

/// Per-agent sections, nested bullets, prose merge order.
fn sections(s: &Spec) -> String {
    let mut d = String::from("# C\n\n## 🧑 Agents\n");
    for (n, b, w, owns) in &s.agents {
        d += &format!("\n### {n}\n- worktree: {w}\n- branch: {b}\n- owns:\n");
        for p in owns {
            d += &format!("  - `{p}`\n");
        }
    }
    tail(s, d, |names| {
        let mut line = format!("{} lands first", names[0]);
        for n in &names[1..] {
            line += &format!(", then {n}");
        }
        line + ".\n"
    })
}

fn tail(s: &Spec, mut d: String, order: impl Fn(&[&str]) -> String) -> String {
    if !s.shared.is_empty() {
        d += "\n## Shared state\n";
        for (f, o) in &s.shared {
            d += &format!("- `{f}`: {}\n", owner(s, *o));
        }
    }
    if !s.order.is_empty() {
        let names: Vec<&str> = s.order.iter().map(|&i| s.agents[i].0.as_str()).collect();
        d += "\n## Merge order\n";
        d += &order(&names);
    }
    d
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_form_reads_back_to_the_same_model(s in spec()) {
        let base = parse("c.md", &canonical(&s));
        prop_assert!(base.diagnostics.is_empty(), "{:#?}", base.diagnostics);
        prop_assert_eq!(base.agents.len(), s.agents.len());
        let order: Vec<&str> = base.merge_order.iter().map(|m| m.agent.as_str()).collect();
        let want: Vec<&str> = s.order.iter().map(|&i| s.agents[i].0.as_str()).collect();
        prop_assert_eq!(order, want);
        for render in [tables, sections] {
            let src = render(&s);
            let c = parse("c.md", &src);
            prop_assert!(c.diagnostics.is_empty(), "{}\n{:#?}", src, c.diagnostics);
            prop_assert_eq!(model(&c), model(&base), "{}", src);
        }
    }
}
