//! The demo's seam scenarios: branches that each pass alone, trial-merged
//! in contract order by the real binary's `rehearse` (nothing is merged).

use std::path::{Path, PathBuf};

use super::scenarios::{commit, create_dir, git, write};
use super::{Demo, DemoError, Row};

/// Three agents: auth (middleware, routes), user (types, admin, migrations),
/// tests; merge order auth, user, tests.
const CONTRACT: &str = "# Context contract — auth\n\n## Worktrees\n- wt-auth   branch: agents/auth   agent: agent-1\n- wt-user   branch: agents/user   agent: agent-2\n- wt-tests  branch: agents/tests  agent: agent-3\n\n## Scope\n- agent-1: src/middleware/**, src/routes/**\n- agent-2: src/types/**, src/admin/**, db/migrations/**\n- agent-3: tests/**\n\n## Merge order\n1. agent-1\n2. agent-2\n3. agent-3\n";

const AUTH_TS: &str = "export function requireAuth(req, res, next) {\n  if (!req.user) return res.status(401).end();\n  next();\n}\n";
const ROUTES_TS: &str =
    "import { requireAuth } from '../middleware/auth';\nrouter.use(requireAuth);\n";

/// A fresh repository for one rehearsal (rehearsals look at every branch).
fn repo(root: &Path, name: &str) -> Result<PathBuf, DemoError> {
    let dir = root.join(name);
    create_dir(&dir)?;
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

fn branch(dir: &Path, name: &str, files: &[(&str, String)], msg: &str) -> Result<(), DemoError> {
    git(dir, &["checkout", "-q", "-b", name, "main"])?;
    for (p, c) in files {
        write(dir, p, c)?;
    }
    commit(dir, msg)?;
    git(dir, &["checkout", "-q", "main"])?;
    Ok(())
}

/// One agent branch: its files and commit message.
type Work = (Vec<(&'static str, String)>, &'static str);

/// One seam scenario: agent-1's and agent-2's branches, each fine alone,
/// and what `rehearse` says of them together.
struct Seam {
    dir: &'static str,
    title: &'static str,
    auth: Work,
    user: Work,
    expected: &'static str,
    rules: &'static [&'static str],
}

fn seams() -> [Seam; 3] {
    let file = |p: &'static str, c: &str| (p, c.to_string());
    [
        // Each branch alone is fine, and together they merge cleanly.
        Seam {
            dir: "clean",
            title: "the seam: two branches that merge cleanly",
            auth: (
                vec![file("src/routes/health.ts", "router.get('/health', ok);\n")],
                "health route",
            ),
            user: (
                vec![file("src/admin/list.ts", "export const list = [];\n")],
                "admin list",
            ),
            expected: "CLEAN",
            rules: &[],
        },
        // agent-1 renames requireAuth everywhere it owns; agent-2 adds a caller.
        Seam {
            dir: "dangling",
            title: "the seam: a rename one branch makes, another still calls",
            auth: (
                vec![
                    file(
                        "src/middleware/auth.ts",
                        &AUTH_TS.replace("requireAuth", "requireAuthenticatedUser"),
                    ),
                    file(
                        "src/routes/admin.ts",
                        &ROUTES_TS.replace("requireAuth", "requireAuthenticatedUser"),
                    ),
                ],
                "Rename requireAuth",
            ),
            user: (
                vec![file(
                    "src/admin/users.ts",
                    "import { requireAuth } from '../middleware/auth';\nadmin.use(requireAuth);\n",
                )],
                "Admin users page",
            ),
            expected: "FINDINGS",
            rules: &["dangling-reference"],
        },
        // Two agents add migrations with the same timestamp.
        Seam {
            dir: "collision",
            title: "the seam: two migrations with the same timestamp",
            auth: (
                vec![file(
                    "db/migrations/20260506120000_sessions.sql",
                    "create table sessions (id uuid);\n",
                )],
                "sessions table",
            ),
            user: (
                vec![file(
                    "db/migrations/20260506120000_users.sql",
                    "create table users (id uuid);\n",
                )],
                "users table",
            ),
            expected: "FINDINGS",
            rules: &["collision"],
        },
    ]
}

pub(super) fn scenarios(d: &mut Demo) -> Result<(), DemoError> {
    let root = d.root.join("seam");
    for seam in seams() {
        let dir = repo(&root, seam.dir)?;
        for (name, (files, msg)) in [("agents/auth", &seam.auth), ("agents/user", &seam.user)] {
            branch(&dir, name, files, msg)?;
        }
        d.rehearse(seam.title, &dir, seam.expected, seam.rules)?;
    }
    Ok(())
}

impl Demo {
    /// Runs the real binary's `rehearse` and records its outcome.
    fn rehearse(
        &mut self,
        name: &'static str,
        dir: &Path,
        expected: &'static str,
        expected_rules: &[&'static str],
    ) -> Result<(), DemoError> {
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
