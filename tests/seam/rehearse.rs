//! `contract-gate rehearse`: trial merges in contract order, on real repositories.

use super::seam_support::*;

/// agent-1 renames an uncommitted `requireAuth`; agent-2's new admin panel
/// still calls it: a `dangling-reference` at the caller's line.
#[test]
fn uncommitted_rename_dangles_where_another_branch_calls_it() {
    let r = repo(false);
    rename_require_auth(&r);
    r.branch("agents/user", "main")
        .write(
            "src/admin/panel.ts",
            "import { requireAuth } from '../middleware/auth';\nadmin.use(requireAuth);\n",
        )
        .commit("Admin panel");
    r.checkout("main");
    let run = rehearse(&r, &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let f = findings(&run, "dangling-reference");
    assert_eq!(f.len(), 2, "{}", run.stdout);
    assert_eq!(
        (f[0]["path"].as_str(), f[0]["line"].as_i64()),
        (Some("src/admin/panel.ts"), Some(1))
    );
    assert_eq!(
        (f[1]["path"].as_str(), f[1]["line"].as_i64()),
        (Some("src/admin/panel.ts"), Some(2))
    );
    assert_eq!(
        f[1]["message"],
        "agent-1 removed `requireAuth`, but agent-2's src/admin/panel.ts still references it"
    );
    assert_eq!(f[1]["agent"], "agent-2");
    let steps = &run.json()["contracts"][0]["steps"];
    assert_eq!(steps[0]["state"], "clean");
    assert_eq!(steps[1]["state"], "clean");
    assert_eq!(steps[2]["state"], "no-branch");
}

/// Two branches add `20260506120000_*.sql` in one directory: `collision`.
#[test]
fn migration_timestamps_collide() {
    let r = repo(false);
    r.branch("agents/user", "main")
        .write(
            "db/migrations/20260506120000_users.sql",
            "create table users ();\n",
        )
        .commit("users");
    r.branch("agents/tests", "main")
        .write(
            "db/migrations/20260506120000_seed.sql",
            "insert into users values ();\n",
        )
        .commit("seed");
    r.checkout("main");
    let run = rehearse(&r, &[]);
    assert_eq!(run.code, 1);
    let f = findings(&run, "collision");
    assert_eq!(f.len(), 1, "{}", run.stdout);
    assert_eq!(
        f[0]["message"],
        "files numbered 20260506120000 in db/migrations/ from two branches: db/migrations/20260506120000_users.sql (agent-2), db/migrations/20260506120000_seed.sql (agent-3)"
    );
}

/// agent-1 and agent-3 change the same line: `conflict` names both and the
/// file; the conflicting step is left out of what follows.
#[test]
fn textual_conflict_between_agent_1_and_agent_3() {
    let r = repo(false);
    r.branch("agents/auth", "main")
        .write(
            "src/routes/admin.ts",
            &ROUTES_TS.replace(
                "router.use(requireAuth);",
                "router.use(requireAuth, audit);",
            ),
        )
        .commit("audit");
    r.branch("agents/tests", "main")
        .write(
            "src/routes/admin.ts",
            &ROUTES_TS.replace(
                "router.use(requireAuth);",
                "router.use(requireAuth, trace);",
            ),
        )
        .commit("trace");
    r.checkout("main");
    let run = rehearse(&r, &[]);
    assert_eq!(run.code, 1);
    let f = findings(&run, "conflict");
    assert_eq!(f.len(), 1, "{}", run.stdout);
    assert_eq!(
        f[0]["message"],
        "agent-3 conflicts with agent-1 in src/routes/admin.ts (content)"
    );
    assert_eq!(f[0]["agent"], "agent-1");
    let steps = &run.json()["contracts"][0]["steps"];
    assert_eq!(steps[2]["state"], "conflict");
    assert_eq!(steps[2]["conflicts"][0]["path"], "src/routes/admin.ts");
    // Nothing in the repository moved.
    assert_eq!(r.git(&["status", "--porcelain"]), "");
    assert_eq!(r.git(&["rev-parse", "--abbrev-ref", "HEAD"]), "main");
}

/// Branches that fit together: exit 0, one line per step in the text output.
#[test]
fn clean_rehearsal_exits_0() {
    let r = repo(true);
    r.branch("agents/auth", "main")
        .write("src/routes/health.ts", "router.get('/health', ok);\n")
        .commit("health");
    r.branch("agents/user", "main")
        .write("src/types/role.ts", "export type Role = 'admin';\n")
        .commit("role");
    r.checkout("main");
    let run = r.gate(&["rehearse", "--base", "main"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "contract-gate rehearse: CLEAN  CONTRACT.md onto main"
    );
    assert!(lines[1].starts_with("* main ("));
    assert_eq!(
        &lines[2..],
        [
            "|",
            "* agent-1 agents/auth: merged cleanly (1 file changed)",
            "|",
            "* agent-2 agents/user: merged cleanly (1 file changed)",
            "|",
            "o agent-3 agents/tests: no branch yet",
        ]
    );
    let md = r.gate(&["rehearse", "--base", "main", "--format", "markdown"]);
    assert!(md.stdout.contains("```mermaid\nflowchart LR\n  base[\"main\"]:::base\n  s0[\"agent-1: clean\"]:::clean\n  base --> s0\n"), "{}", md.stdout);
}

/// A check that fails only when agent-1's and agent-3's files are both in
/// the tree: `--run` names the step where it starts failing.
#[test]
fn run_localises_a_failure_to_the_combining_step() {
    let r = repo(false);
    r.write(
        "check.sh",
        "if [ -f src/routes/flag_a ] && [ -f tests/flag_b ]; then echo both; exit 3; fi\n",
    )
    .commit("A check that needs both");
    r.branch("agents/auth", "main")
        .write("src/routes/flag_a", "a\n")
        .commit("a");
    r.branch("agents/tests", "main")
        .write("tests/flag_b", "b\n")
        .commit("b");
    r.checkout("main");
    let plain = rehearse(&r, &[]);
    assert_eq!(plain.code, 0, "{}", plain.stdout);
    assert!(plain.json()["contracts"][0].get("run").is_none());
    let run = rehearse(&r, &["--run", "--timeout", "60"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let rep = &run.json()["contracts"][0]["run"];
    assert_eq!(rep["commands"], serde_json::json!(["sh check.sh"]));
    assert_eq!(
        rep["first_failure"],
        "`sh check.sh` fails after merging agent-3 onto agent-1; passed before"
    );
    assert_eq!(rep["final_ok"], false);
    let stages = rep["stages"].as_array().unwrap();
    let ok: Vec<bool> = stages
        .iter()
        .map(|s| s["results"][0]["ok"].as_bool().unwrap())
        .collect();
    assert_eq!(ok, [true, true, false]);
    assert_eq!(stages[2]["results"][0]["exit_code"], 3);
    assert_eq!(stages[2]["results"][0]["output_tail"], "both");
    // No worktree was registered, and the working tree is untouched.
    assert_eq!(r.git(&["worktree", "list"]).lines().count(), 1);
    assert_eq!(r.git(&["status", "--porcelain"]), "");
}

/// A base that does not resolve: exit 2 and a reason.
#[test]
fn unknown_base_exits_2() {
    let r = repo(false);
    let run = r.gate(&["rehearse", "--base", "nope"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("could not rehearse") && run.stderr.contains("nope"),
        "{}",
        run.stderr
    );
}

/// A command that outlives `--timeout` is killed and reported as timed out.
#[test]
fn run_kills_a_command_at_its_timeout() {
    use std::os::unix::process::CommandExt as _;
    let r = repo(false);
    // The check leaves a grandchild behind in its group and says where.
    let pidfile = r.dir.parent().unwrap().join("grandchild.pid");
    r.write(
        "check.sh",
        &format!("sleep 30 &\necho $! > '{}'\nwait\n", pidfile.display()),
    )
    .commit("A slow check");
    // A bystander in a process group of its own: only the command's group
    // may be signalled (procps' `kill -KILL -PGID` once reached every
    // process of the user, this test runner included).
    let mut bystander = std::process::Command::new("sleep")
        .arg("60")
        .process_group(0)
        .spawn()
        .unwrap();
    let run = rehearse(&r, &["--run", "--timeout", "1"]);
    let alive = bystander.try_wait().unwrap().is_none();
    let _ = bystander.kill();
    let _ = bystander.wait();
    assert!(alive, "a process outside the command's group was killed");
    let grandchild = std::fs::read_to_string(&pidfile).unwrap();
    // Gone, or a zombie its new parent has not reaped yet. SIGKILL is
    // delivered when the process next runs, so its death is awaited on a
    // pidfd (up to 5 s): it was seen alive here once, just after the kill.
    let dead = || {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", grandchild.trim()));
        stat.map_or(true, |s| {
            s.rsplit_once(") ")
                .is_some_and(|(_, rest)| rest.starts_with('Z') || rest.starts_with('X'))
        })
    };
    let pid = grandchild
        .trim()
        .parse()
        .ok()
        .and_then(rustix::process::Pid::from_raw);
    if let Some(fd) =
        pid.and_then(|p| rustix::process::pidfd_open(p, rustix::process::PidfdFlags::empty()).ok())
    {
        use rustix::event::{poll, PollFd, PollFlags, Timespec};
        let five = Timespec {
            tv_sec: 5,
            tv_nsec: 0,
        };
        let _ = poll(&mut [PollFd::new(&fd, PollFlags::IN)], Some(&five));
    }
    let gone = dead();
    assert!(
        gone,
        "the command's background process outlived the timeout"
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let rep = &run.json()["contracts"][0]["run"];
    assert_eq!(
        rep["first_failure"],
        "`sh check.sh` times out on the base main already"
    );
    assert_eq!(rep["stages"][0]["results"][0]["timed_out"], true);
}

/// agent-1 and agent-3 both add the file `name` with other contents: a
/// conflict (and a collision) on a hostile name.
fn both_add(name: &str) -> crate::support::Repo {
    let r = repo(false);
    r.branch("agents/auth", "main")
        .write(name, "one\n")
        .commit("one");
    r.branch("agents/tests", "main")
        .write(name, "two\n")
        .commit("two");
    r.checkout("main");
    r
}

/// The text report escapes what the branches name: a conflicting file
/// named `x⏎::error::…` prints no workflow command an Actions log would run.
#[test]
fn the_text_report_never_prints_a_workflow_command() {
    let evil = "src/routes/x\n::error title=forged::owned.ts";
    let r = both_add(evil);
    let run = r.gate(&["rehearse", "--base", "main"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("src/routes/x\\n::error title=forged::owned.ts"),
        "{}",
        run.stdout
    );
    for line in run.stdout.lines() {
        assert!(
            !line.trim_start().starts_with("::"),
            "a workflow command: {line:?}"
        );
        assert!(!line.contains("##["), "{line:?}");
    }
}

/// The markdown and JSON reports escape the same names: a conflicting file
/// named `x⏎::error::…` or holding `##[` and table syntax prints no workflow
/// command, no broken table row and no markup of its own.
#[test]
fn markdown_and_json_reports_never_print_a_workflow_command() {
    let evil = "src/routes/x\n::error title=forged::o|w*n ##[warning]ed.ts";
    let r = both_add(evil);
    for format in ["markdown", "json"] {
        let run = r.gate(&["rehearse", "--base", "main", "--format", format]);
        assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
        for line in run.stdout.lines() {
            assert!(
                !line.trim_start().starts_with("::") && !line.contains("##["),
                "{format}: a workflow command: {line:?}"
            );
        }
        if format == "json" {
            // The same value to a JSON reader.
            let v = run.json();
            assert_eq!(v["contracts"][0]["steps"][0]["added"][0], evil, "{v}");
            // The conflict names the file itself, not git's quoted form.
            let conflict = &v["contracts"][0]["steps"][2]["conflicts"][0];
            assert_eq!(conflict["path"], evil, "{v}");
            assert_eq!(conflict["kind"], "add/add", "{v}");
        } else {
            // Every table row still has its three cells.
            for row in run.stdout.lines().filter(|l| l.starts_with("| `")) {
                let cells = row.replace("\\|", "").matches('|').count();
                assert_eq!(cells, 4, "{row}");
            }
            assert!(run.stdout.contains("o\\|w\\*n"), "{}", run.stdout);
        }
    }
}
