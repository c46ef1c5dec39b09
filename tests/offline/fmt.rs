//! `contract-gate fmt`: the canonical form, `--check`, refusal of broken
//! contracts, and the round trip over every clean contract of the fuzz
//! corpus.

use contract_gate_core::contract::{canonical, model_of, parse, Severity};

use crate::support::*;

/// fmt prints the canonical form, which is a fixed point: `fmt --check`
/// passes on it and is blocked (with a diff) on the original.
#[test]
fn fmt_prints_a_fixed_point_and_check_blocks_the_rest() {
    let r = Repo::uploads();
    let run = r.gate(&["fmt", "CONTRACT.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("- agent-1: `src/api/uploads/**`, `src/api/router.ts` (additions only)"),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("1. agent-2 (migration must land first; agent-1 imports the new table)"));
    let check = r.gate(&["fmt", "--check", "CONTRACT.md"]);
    assert_eq!(check.code, 1, "{}", check.stdout);
    assert!(check
        .stdout
        .contains("CONTRACT.md: not in the canonical form"));
    assert!(
        check
            .stdout
            .contains("+- agent-2: `src/db/migrations/**`, `src/db/schema.ts`"),
        "{}",
        check.stdout
    );
    r.write("CONTRACT.md", &run.stdout);
    let again = r.gate(&["fmt", "--check", "CONTRACT.md"]);
    assert_eq!(again.code, 0, "{}", again.stdout);
    assert!(again.stdout.contains("CONTRACT.md: canonical"));
    assert_eq!(r.gate(&["fmt", "CONTRACT.md"]).stdout, run.stdout);
}

/// A contract with errors has no canonical form: exit 2 with the errors.
#[test]
fn fmt_refuses_a_contract_with_errors() {
    let r = Repo::with_contract("# C\n\n## Worktrees\n- wt branch: agents/a agent: agent-1\n\n## Scope\n- agent-1: src/** (mostly)\n");
    let run = r.gate(&["fmt"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("CG028"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

/// Both shared contracts format, and several files are separated by an
/// HTML comment naming each (invisible to the gate).
#[test]
fn fmt_of_several_contracts_names_each() {
    let r = Repo::blog();
    let run = r.gate(&["fmt"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "<!-- contract-gate fmt: CONTRACT.md -->\n# Context contract — feature/uploads"
        ),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("<!-- contract-gate fmt: .github/contracts/blog-discovery.md -->"));
    assert!(
        run.stdout
            .contains("| Metadata agent | `agent/metadata-filter-contract` |"),
        "{}",
        run.stdout
    );
}

/// Every contract of the fuzz corpus that reads without errors reads back
/// to the same model from its canonical form, which is a fixed point.
#[test]
fn every_clean_corpus_contract_round_trips() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/contract");
    let mut clean = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let Ok(src) = std::fs::read_to_string(&p) else {
            continue;
        };
        let name = p.display().to_string();
        let c = parse(&name, &src);
        if c.has_errors() {
            continue;
        }
        clean += 1;
        let once = canonical(&c);
        let c2 = parse(&name, &once);
        let errs: Vec<_> = c2
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errs.is_empty(), "{name}: {errs:#?}\n{once}");
        assert_eq!(model_of(&c2), model_of(&c), "{name}\n{once}");
        assert_eq!(canonical(&c2), once, "{name}");
    }
    assert!(clean >= 10, "{clean}");
}
