//! `contract-gate brief AGENT`: what an agent is handed before it starts.

use crate::support::*;

/// The uploads brief for agent-1 has everything the agent needs.
#[test]
fn brief_for_agent_1() {
    let r = Repo::uploads();
    let run = r.gate(&["brief", "agent-1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let o = &run.stdout;
    for needle in [
        "# Brief for agent-1 — Context contract — feature/uploads",
        "- Branch: `agents/uploads`",
        "- Worktree: `wt-uploads` (`git worktree add wt-uploads agents/uploads`)",
        "- `src/api/uploads/**`",
        "- `src/api/router.ts` — additions only",
        "- `package.json` (shared file you own",
        "read-only",
        "- `package.json`: you own it",
        "- `tsconfig.json`: nobody edits it",
        "- `src/db/schema.ts`: agent-2 owns it: ask agent-2 for changes",
        "- You commit to: POST /api/uploads",
        "agent-2 commits to: uploads table",
        "agent-2 → **agent-1 (you)** → agent-3",
        "blocked until the agents before you have merged",
        "- [ ] ",
        "## Remaining risk",
    ] {
        assert!(o.contains(needle), "`{needle}` missing from:\n{o}");
    }
}

/// An agent is found by its branch too, and case-insensitively.
#[test]
fn brief_by_branch_and_case() {
    let r = Repo::uploads();
    let by_branch = r.gate(&["brief", "agents/migrations"]);
    assert_eq!(by_branch.code, 0);
    assert!(by_branch.stdout.contains("# Brief for agent-2"));
    let upper = r.gate(&["brief", "AGENT-3"]);
    assert_eq!(upper.code, 0);
    assert!(upper.stdout.contains("# Brief for agent-3"));
}

/// The blog brief lists the matrix checks as an unticked checklist.
#[test]
fn brief_lists_required_checks() {
    let r = Repo::blog();
    let run = r.gate(&["brief", "Search agent"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let o = &run.stdout;
    assert!(o.contains("- [ ] npm run check"), "{o}");
    assert!(
        o.contains("- [ ] Blog index search still filters by text and tag"),
        "{o}"
    );
    assert!(
        o.contains("Open your pull request against `integration/blog-discovery`"),
        "{o}"
    );
    assert!(!o.contains("- [ ] git diff --name-only"), "{o}");
}

/// An unknown agent exits 2 and lists the agents there are.
#[test]
fn brief_unknown_agent_lists_agents() {
    let r = Repo::uploads();
    let run = r.gate(&["brief", "agent-9"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr
            .contains("no agent `agent-9`; agents: agent-1, agent-2, agent-3"),
        "{}",
        run.stderr
    );
}
