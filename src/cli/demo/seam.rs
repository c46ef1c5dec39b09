//! The demo's seam scenarios: branches that each pass alone, trial-merged
//! in contract order by the real binary's `rehearse` (nothing is merged).

use std::path::{Path, PathBuf};

use super::scenarios::{commit, git, write};
use super::{Demo, Row};

/// Three agents: auth (middleware, routes), user (types, admin, migrations),
/// tests; merge order auth, user, tests.
const CONTRACT: &str = "# Context contract — auth\n\n## Worktrees\n- wt-auth   branch: agents/auth   agent: agent-1\n- wt-user   branch: agents/user   agent: agent-2\n- wt-tests  branch: agents/tests  agent: agent-3\n\n## Scope\n- agent-1: src/middleware/**, src/routes/**\n- agent-2: src/types/**, src/admin/**, db/migrations/**\n- agent-3: tests/**\n\n## Merge order\n1. agent-1\n2. agent-2\n3. agent-3\n";

const AUTH_TS: &str = "export function requireAuth(req, res, next) {\n  if (!req.user) return res.status(401).end();\n  next();\n}\n";
const ROUTES_TS: &str =
    "import { requireAuth } from '../middleware/auth';\nrouter.use(requireAuth);\n";

/// A fresh repository for one rehearsal (rehearsals look at every branch).
fn repo(root: &Path, name: &str) -> Result<PathBuf, String> {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    git(&dir, &["init", "-q", "-b", "main"])?;
    write(&dir, "CONTRACT.md", CONTRACT)?;
    write(&dir, "src/middleware/auth.ts", AUTH_TS)?;
    write(&dir, "src/routes/admin.ts", ROUTES_TS)?;
    write(
        &dir,
        "src/types/user.ts",
        "export type User = { id, email };\n",
    )?;
    commit(&dir, "Add the contract")?;
    Ok(dir)
}

fn branch(dir: &Path, name: &str, files: &[(&str, &str)], msg: &str) -> Result<(), String> {
    git(dir, &["checkout", "-q", "-b", name, "main"])?;
    for (p, c) in files {
        write(dir, p, c)?;
    }
    commit(dir, msg)?;
    git(dir, &["checkout", "-q", "main"])?;
    Ok(())
}

pub(super) fn scenarios(d: &mut Demo) -> Result<(), String> {
    let root = d.root.join("seam");
    // Each branch alone is fine, and together they merge cleanly.
    let clean = repo(&root, "clean")?;
    branch(
        &clean,
        "agents/auth",
        &[("src/routes/health.ts", "router.get('/health', ok);\n")],
        "health route",
    )?;
    branch(
        &clean,
        "agents/user",
        &[("src/admin/list.ts", "export const list = [];\n")],
        "admin list",
    )?;
    d.rehearse(
        "the seam: two branches that merge cleanly",
        &clean,
        "CLEAN",
        &[],
    )?;

    // agent-1 renames requireAuth everywhere it owns; agent-2 adds a caller.
    let dangling = repo(&root, "dangling")?;
    branch(
        &dangling,
        "agents/auth",
        &[
            (
                "src/middleware/auth.ts",
                &AUTH_TS.replace("requireAuth", "requireAuthenticatedUser"),
            ),
            (
                "src/routes/admin.ts",
                &ROUTES_TS.replace("requireAuth", "requireAuthenticatedUser"),
            ),
        ],
        "Rename requireAuth",
    )?;
    branch(
        &dangling,
        "agents/user",
        &[(
            "src/admin/users.ts",
            "import { requireAuth } from '../middleware/auth';\nadmin.use(requireAuth);\n",
        )],
        "Admin users page",
    )?;
    d.rehearse(
        "the seam: a rename one branch makes, another still calls",
        &dangling,
        "FINDINGS",
        &["dangling-reference"],
    )?;

    // Two agents add migrations with the same timestamp.
    let collide = repo(&root, "collision")?;
    branch(
        &collide,
        "agents/auth",
        &[(
            "db/migrations/20260506120000_sessions.sql",
            "create table sessions (id uuid);\n",
        )],
        "sessions table",
    )?;
    branch(
        &collide,
        "agents/user",
        &[(
            "db/migrations/20260506120000_users.sql",
            "create table users (id uuid);\n",
        )],
        "users table",
    )?;
    d.rehearse(
        "the seam: two migrations with the same timestamp",
        &collide,
        "FINDINGS",
        &["collision"],
    )
}

impl Demo {
    /// Runs the real binary's `rehearse` and records its outcome.
    fn rehearse(
        &mut self,
        name: &'static str,
        dir: &Path,
        expected: &'static str,
        expected_rules: &[&'static str],
    ) -> Result<(), String> {
        let (v, code) = self.json(dir, &["rehearse", "--base", "main"])?;
        let mut rules: Vec<String> = v["contracts"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|c| c["findings"].as_array().cloned().unwrap_or_default())
            .filter_map(|f| f["rule"].as_str().map(String::from))
            .collect();
        rules.sort();
        rules.dedup();
        let got = match (v["conclusion"].as_str(), code) {
            (Some("clean"), 0) => "CLEAN",
            (Some("findings"), 1) => "FINDINGS",
            _ => "ERROR",
        };
        self.rows.push(Row {
            name,
            branch: "(every agent branch)".into(),
            expected,
            expected_rules: expected_rules.to_vec(),
            got: got.to_string(),
            got_rules: rules,
            exit: code,
        });
        Ok(())
    }
}
