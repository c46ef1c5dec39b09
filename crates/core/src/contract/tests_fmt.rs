//! `fmt` round-trips: reading the canonical form gives the same model, and
//! formatting it again gives the same text, for the shared contracts, the
//! test fixtures and the new forms (the fuzz corpus: tests/offline/fmt.rs).

use super::*;

/// Asserts both round-trip properties of one contract; false when the
/// contract has errors (fmt refuses those).
pub(super) fn round_trips(name: &str, src: &str) -> bool {
    let c = parse(name, src);
    if c.has_errors() {
        return false;
    }
    let once = canonical(&c);
    let c2 = parse(name, &once);
    let errs: Vec<_> = c2
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(
        errs.is_empty(),
        "{name}: the canonical form has errors {errs:#?}\n{once}"
    );
    assert_eq!(model_of(&c2), model_of(&c), "{name}: another model\n{once}");
    assert_eq!(canonical(&c2), once, "{name}: fmt(fmt(x)) != fmt(x)");
    true
}

#[test]
fn the_shared_and_fixture_contracts_round_trip() {
    for (name, src) in [
        (
            "uploads.md",
            include_str!("../../../../fixtures/contracts/uploads.md"),
        ),
        (
            "blog-discovery.md",
            include_str!("../../../../fixtures/contracts/blog-discovery.md"),
        ),
    ] {
        assert!(round_trips(name, src), "{name} has errors");
    }
}

#[test]
fn the_new_forms_round_trip() {
    let wt = "# C\n\n## Worktrees\n- wt-1 branch: agents/one agent: agent-1\n- wt-2 branch: agents/two agent: agent-2\n- wt-3 branch: agents/three agent: agent-3\n";
    for body in [
        "## Scope\n- agent-1: src/db/** (except src/db/legacy/**), docs/api.md (read-only)\n- agent-2: src/db/legacy/**, `docs/a b.md` (append-only)\n- agent-3: c/**, listing data shape\n",
        "## Merge order\n1. agent-2 (schema first)\n2. agent-1 and agent-3 (in parallel)\n",
        "## Merge order\nagent-2 first, agent-3 last, agent-1 in between.\n\nAsk before changing it.\n",
        "## Shared state\n- config/** (except config/local.json): nobody edits.\n- package.json: agent-1 owns. Others ask.\n",
        "## Verification matrix\n| Check | agent-1 (uploads) | agent-2 | agent-3 | Integrator |\n|---|---|---|---|---|\n| `npm test` (ci: test, skipped ok) | Required | Required | Not required | Required |\n| `npm run lint` (ci: lint, app: circleci-checks) | Required | Not required | Not required | Required |\n| `make docs` (ci: ci/docs, status) | Required | Not required | Not required | Required |\n| `make site` (ci: site, app: 18001, neutral ok) | Required | Not required | Not required | Required |\n",
        "## Verification matrix\n- `npm test` (every agent)\n- `npm run e2e` (agent-1, integrator)\n",
    ] {
        assert!(round_trips("c.md", &format!("{wt}\n{body}")), "{body}");
    }
}
