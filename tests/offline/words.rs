//! Every word of a contract is read or refused, on real repositories: the
//! forms that used to be dropped now block what they forbid, and the forms
//! the gate cannot read fail closed (`contract-invalid`).

use crate::support::*;

const AGENTS: &str = "# C\n\n## Worktrees\n- wt-1 branch: agents/one agent: agent-1\n- wt-2 branch: agents/two agent: agent-2\n- wt-3 branch: agents/three agent: agent-3\n";

fn repo(rules: &str) -> Repo {
    let r = Repo::with_contract(&format!("{AGENTS}\n{rules}"));
    r.write("src/db/migrations/legacy/old.sql", "-- old\n")
        .write("docs/api.md", "# API\n")
        .commit("files");
    r
}

const SCOPE: &str = "## Scope\n- agent-1: src/api/**\n- agent-2: src/db/migrations/** (except src/db/migrations/legacy/**), docs/api.md (read-only)\n- agent-3: tests/**\n";

/// `(read-only)` in a scope is never ownership: editing it is cannot-touch.
#[test]
fn a_read_only_path_blocks_its_edit() {
    let r = repo(SCOPE);
    r.branch("agents/two", "main")
        .write("docs/api.md", "# API v2\n")
        .write("src/db/migrations/002.sql", "-- new\n")
        .commit("edit");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["cannot-touch"]);
    assert_eq!(run.paths("cannot-touch"), ["docs/api.md"]);
}

/// `(except P)` takes P out of the scope: a change there is out of scope.
#[test]
fn an_excepted_path_is_out_of_scope() {
    let r = repo(SCOPE);
    r.branch("agents/two", "main")
        .write("src/db/migrations/legacy/old.sql", "-- changed\n")
        .write("src/db/migrations/002.sql", "-- new\n")
        .commit("edit");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["scope"]);
    assert_eq!(run.paths("scope"), ["src/db/migrations/legacy/old.sql"]);
}

/// `!P` means the same as `(except P)`.
#[test]
fn a_negated_pattern_is_an_exception() {
    let r = repo("## Scope\n- agent-1: src/api/**\n- agent-2: src/db/migrations/**, !src/db/migrations/legacy/**\n- agent-3: tests/**\n");
    r.branch("agents/two", "main")
        .write("src/db/migrations/legacy/old.sql", "-- changed\n")
        .commit("edit");
    r.check(&["--base", "main"]).blocked(&["scope"]);
}

/// "must not touch A or B" forbids both.
#[test]
fn prose_joins_forbid_every_path() {
    let r = repo(&format!(
        "{SCOPE}\n## Cannot touch\nagent-1 must not touch src/api/secret.ts or src/api/keys.ts.\n"
    ));
    r.branch("agents/one", "main")
        .write("src/api/keys.ts", "export {};\n")
        .commit("edit");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["cannot-touch"]);
    assert_eq!(run.paths("cannot-touch"), ["src/api/keys.ts"]);
}

/// A line the gate cannot read fails closed for every branch of the
/// contract, naming the code and the words.
#[test]
fn an_unknown_qualifier_fails_closed() {
    let r = repo(
        "## Scope\n- agent-1: src/api/** (mostly)\n- agent-2: src/db/**\n- agent-3: tests/**\n",
    );
    r.branch("agents/three", "main")
        .write("tests/a.test.ts", "test('x', () => {});\n")
        .commit("test");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["contract-invalid"]);
    let msgs: Vec<String> = run
        .findings("contract-invalid")
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("`(mostly)` is not a qualifier")),
        "{msgs:?}"
    );
}

/// A second Scope section is never merged into the first: fail closed.
#[test]
fn a_second_scope_section_fails_closed() {
    let r = repo(&format!("{SCOPE}\n## Scope (v2)\n- agent-1: src/**\n"));
    r.branch("agents/one", "main")
        .write("src/api/a.ts", "export {};\n")
        .commit("edit");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["contract-invalid"]);
    let m = run.finding("contract-invalid")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(m.contains("two Scope sections"), "{m}");
}

/// A parallel step waits on the step before only: agent-3 passes once
/// agent-2 merged, while agent-1 (its parallel sibling) has not.
#[test]
fn a_parallel_step_waits_only_on_the_stage_before() {
    let r = repo(&format!(
        "{SCOPE}\n## Merge order\n1. agent-2\n2. agent-1 and agent-3 (in parallel)\n"
    ));
    r.branch("agents/two", "main")
        .write("src/db/migrations/002.sql", "-- new\n")
        .commit("migration");
    r.checkout("main").merge("agents/two");
    r.branch("agents/three", "main")
        .write("tests/a.test.ts", "test('x', () => {});\n")
        .commit("test");
    r.check(&["--base", "main"]).pass();
    // Before agent-2 merged, agent-1 waits on it (pending, not red).
    let r = repo(&format!(
        "{SCOPE}\n## Merge order\n1. agent-2\n2. agent-1 and agent-3 (in parallel)\n"
    ));
    r.branch("agents/one", "main")
        .write("src/api/a.ts", "export {};\n")
        .commit("api");
    let run = r.check(&["--base", "main"]);
    let waits = run.findings("merge-order");
    assert_eq!(waits.len(), 1, "{}", run.stdout);
    assert!(waits[0]["message"].as_str().unwrap().contains("agent-2"));
}

/// Prose orders read as they say, and the seed's own sentence is read.
#[test]
fn prose_orders_are_read_exactly() {
    for line in [
        "agent-2 first, agent-3 last, agent-1 in between.",
        "The merge order is a single line, written before any agent runs: agent-2 lands first, then agent-1, then agent-3. Pick it deliberately, based on which diffs unblock the others.",
    ] {
        let r = repo(&format!("{SCOPE}\n## Merge order\n{line}\n"));
        let run = r.gate(&["lint", "--format", "json"]);
        assert_eq!(run.code, 0, "{line}: {}", run.stdout);
        let order = &run.json()["contracts"][0]["merge_order"];
        assert_eq!(*order, serde_json::json!(["agent-2", "agent-1", "agent-3"]), "{line}");
    }
}

/// An order sentence the gate half understands is refused, never half read:
/// "agent-2 before agent-1 before agent-3" used to keep only agent-2.
#[test]
fn a_half_read_order_is_refused() {
    let r = repo(&format!(
        "{SCOPE}\n## Merge order\nagent-2 first, then agent-1 unless agent-3 is ready.\n"
    ));
    let run = r.gate(&["lint", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let d = &run.json()["diagnostics"][0];
    assert_eq!(d["code"], "CG008");
    assert!(d["message"].as_str().unwrap().contains("`unless`"), "{d}");
}

/// An HTML comment and a BOM are invisible; YAML front matter with a
/// merge order is refused rather than ignored.
#[test]
fn invisible_text_is_invisible_and_front_matter_rules_are_refused() {
    let r = Repo::with_contract(&format!("\u{feff}{AGENTS}\n## Scope\n- agent-1: <!-- src/** --> src/api/**\n- agent-2: src/db/**\n- agent-3: tests/**\n"));
    r.branch("agents/one", "main")
        .write("src/lib/x.ts", "x\n")
        .commit("x");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["scope"]);
    let r = Repo::with_contract(&format!(
        "---\nmerge_order: [agent-2, agent-1]\n---\n{AGENTS}\n{SCOPE}"
    ));
    r.branch("agents/one", "main")
        .write("src/api/x.ts", "x\n")
        .commit("x");
    r.check(&["--base", "main"]).blocked(&["contract-invalid"]);
}

/// `brief` and `lint` show an exception with its pattern: an agent never
/// reads `src/db/**` as wholly its own when part of it is not.
#[test]
fn brief_and_lint_show_exceptions() {
    let r = repo(SCOPE);
    let brief = r.gate(&["brief", "agent-2"]);
    assert_eq!(brief.code, 0, "{}", brief.stderr);
    assert!(
        brief.stdout.contains(
            "- `src/db/migrations/**`\n  - except `src/db/migrations/legacy/**`: not yours"
        ),
        "{}",
        brief.stdout
    );
    assert!(brief.stdout.contains("- `docs/api.md`"), "{}", brief.stdout);
    let lint = r.gate(&["lint", "--format", "json"]);
    let a2 = &lint.json()["contracts"][0]["agents"][1];
    assert_eq!(
        a2["except"]["src/db/migrations/**"],
        serde_json::json!(["src/db/migrations/legacy/**"])
    );
    assert_eq!(a2["cannot_touch"], serde_json::json!(["docs/api.md"]));
}
