//! A small auth/user repository for the seam tests: three agents, committed
//! interface items, and the files those items live in.

use crate::support::Repo;

/// The contract; `{auth}` is agent-1's interface line (empty: none).
pub fn contract(auth: &str) -> String {
    format!(
        "# Context contract — auth

## Worktrees
- wt-auth   branch: agents/auth   agent: agent-1
- wt-user   branch: agents/user   agent: agent-2
- wt-tests  branch: agents/tests  agent: agent-3

## Scope
- agent-1: src/middleware/**, src/routes/**
- agent-2: src/types/**, src/admin/**, db/migrations/**
- agent-3: tests/**

## Interface boundary
{auth}- agent-2 commits to: the user type `{{ id, email }}` in `src/types/user.ts`.

## Merge order
1. agent-1
2. agent-2
3. agent-3

## Verification matrix

| Check | agent-1 | agent-2 | agent-3 | Integrator |
|---|---|---|---|---|
| `sh check.sh` | Required | Required | Required | Required |
"
    )
}

/// agent-1's commitment to the middleware's name and signature.
pub const AUTH_LINE: &str = "- agent-1 commits to: the exported `requireAuth(req, res, next)` from `src/middleware/auth.ts`.\n";

pub const AUTH_TS: &str = "export function requireAuth(req, res, next) {\n  if (!req.user) return res.status(401).end();\n  next();\n}\n";
pub const ROUTES_TS: &str = "import { requireAuth } from '../middleware/auth';\nrouter.use(requireAuth);\nrouter.get('/me', (req) => formatDate(req.user.since));\n";
pub const UTIL_TS: &str = "function formatDate(d) {\n  return d.toISOString();\n}\n";

/// The repository on `main` with the contract (agent-1 committing to
/// `requireAuth` when `committed`).
pub fn repo(committed: bool) -> Repo {
    let r = Repo::empty();
    r.write(
        "CONTRACT.md",
        &contract(if committed { AUTH_LINE } else { "" }),
    )
    .write("src/middleware/auth.ts", AUTH_TS)
    .write("src/routes/admin.ts", ROUTES_TS)
    .write("src/routes/util.ts", UTIL_TS)
    .write(
        "src/types/user.ts",
        "// the user shape\nexport type User = { id, email };\n",
    )
    .write("check.sh", "exit 0\n");
    r.commit("Add the contract");
    r
}

/// agents/auth renames `requireAuth` to `requireAuthenticatedUser` in every
/// file it owns.
pub fn rename_require_auth(r: &Repo) {
    r.branch("agents/auth", "main")
        .write(
            "src/middleware/auth.ts",
            &AUTH_TS.replace("requireAuth", "requireAuthenticatedUser"),
        )
        .write(
            "src/routes/admin.ts",
            &ROUTES_TS.replace("requireAuth", "requireAuthenticatedUser"),
        )
        .commit("Rename requireAuth: the old name was ambiguous");
    r.checkout("main");
}

/// Runs `rehearse --format json` on `main`.
pub fn rehearse(r: &Repo, more: &[&str]) -> crate::support::Run {
    let mut args = vec!["rehearse", "--base", "main", "--format", "json"];
    args.extend_from_slice(more);
    r.gate(&args)
}

/// Every finding of one rule in a rehearsal's JSON.
pub fn findings(run: &crate::support::Run, rule: &str) -> Vec<serde_json::Value> {
    run.json()["contracts"][0]["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}
