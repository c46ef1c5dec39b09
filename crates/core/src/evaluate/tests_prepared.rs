//! The evaluator on a large change: judged in parts on several threads, and
//! with the path rules' patterns compiled ahead of time.

use super::tests::{m, merged, pr, uploads, BLOG};
use super::*;
use crate::contract::parse;

/// 30,000 changed files of agent-2's: in scope, out of scope, shared, a
/// lockfile (needs approval) and an additions-only file, interleaved.
fn big_change() -> PrSnapshot {
    let files = (0..30_000)
        .map(|i| match i % 5 {
            0 => m(&format!("src/db/migrations/{i:05}_x.sql")),
            1 => m(&format!("src/api/uploads/h{i}.ts")),
            2 => m(&format!("docs/{i}/package-lock.json")),
            3 => m("src/api/router.ts"),
            _ => m(&format!("lib/{i}.ts")),
        })
        .collect();
    pr("agents/migrations", files)
}

#[test]
fn judging_in_parts_gives_the_single_pass_findings() {
    let c = uploads();
    let pr = big_change();
    let one = evaluate(&c, &pr, &merged(&["agent-1"]), &Options::default());
    let four = evaluate(
        &c,
        &pr,
        &merged(&["agent-1"]),
        &Options {
            threads: 4,
            ..Options::default()
        },
    );
    assert_eq!(one, four);
    let count = |r: Rule| one.findings.iter().filter(|f| f.rule == r).count();
    assert_eq!(count(Rule::Scope), 24_000, "all but the migrations");
    assert_eq!(count(Rule::NeedsApproval), 6_000);
    // In file order within a rule, as one pass lists them.
    let scope: Vec<_> = one
        .findings
        .iter()
        .filter(|f| f.rule == Rule::Scope)
        .take(3)
        .map(|f| f.path.as_deref().unwrap_or_default())
        .collect();
    assert_eq!(
        scope,
        [
            "src/api/uploads/h1.ts",
            "docs/2/package-lock.json",
            "src/api/router.ts"
        ]
    );
}

#[test]
fn prepared_patterns_are_used_only_for_their_claim_and_options() {
    let c = uploads();
    let pr = big_change();
    let merge = merged(&["agent-1"]);
    let options = Options::default();
    let plain = evaluate(&c, &pr, &merge, &options);
    let own = Claim::Agent {
        contract: 0,
        agent: 1,
    };
    let prepared = Prepared::new(&c, own, &options).expect("contract 0 exists");
    assert_eq!(
        evaluate_prepared(&c, &pr, &merge, &options, Some(&prepared)),
        plain
    );
    // Compiled for another contract's agent (here the blog contract's, whose
    // patterns would judge every path out of scope), or without the default
    // protected paths: the rules compile their own, and nothing changes.
    let both = vec![c[0].clone(), parse("blog.md", BLOG)];
    let other = Prepared::new(
        &both,
        Claim::Agent {
            contract: 1,
            agent: 0,
        },
        &options,
    )
    .expect("contract 1 exists");
    assert_eq!(
        evaluate_prepared(&both, &pr, &merge, &options, Some(&other)),
        evaluate(&both, &pr, &merge, &options)
    );
    let bare = Options {
        protected: Vec::new(),
        ..Options::default()
    };
    let unprotected = Prepared::new(&c, own, &bare).expect("contract 0 exists");
    let mut edit = big_change();
    edit.files.push(m(".github/workflows/ci.yml"));
    let v = evaluate_prepared(&c, &edit, &merge, &options, Some(&unprotected));
    assert!(
        v.findings.iter().any(|f| f.rule == Rule::ContractEdit
            && f.path.as_deref() == Some(".github/workflows/ci.yml")),
        "an edit of the gate's workflow is still caught"
    );
    assert!(Prepared::new(&c, Claim::Integrator { contract: 3 }, &options).is_none());
}
