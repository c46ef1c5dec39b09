//! Issue 13 §0/§1: a contract that is a symlink, a submodule (gitlink) or
//! not UTF-8 text is refused with CG025 (`contract-invalid`), never followed
//! and never read as "no contract" — by `check` at the base and by `lint` in
//! the working tree alike.

use crate::support::*;

/// `main` holds CONTRACT.md as `kind`; the real contract sits beside it as
/// `real.md`, so a followed link would find a valid contract.
fn repo_with(kind: &str) -> Repo {
    let r = Repo::uploads();
    let real = std::fs::read_to_string(r.dir.join("CONTRACT.md")).unwrap();
    r.write("real.md", &real).remove("CONTRACT.md");
    match kind {
        "symlink" => std::os::unix::fs::symlink("real.md", r.dir.join("CONTRACT.md")).unwrap(),
        "binary" => std::fs::write(r.dir.join("CONTRACT.md"), b"# Contract\0\n").unwrap(),
        "not-utf8" => std::fs::write(r.dir.join("CONTRACT.md"), b"# Contract \xff\n").unwrap(),
        _ => {}
    }
    r.commit("the contract moves");
    if kind == "gitlink" {
        r.git(&[
            "update-index",
            "--add",
            "--cacheinfo",
            "160000,1111111111111111111111111111111111111111,CONTRACT.md",
        ]);
        r.git(&["commit", "-q", "-m", "the contract is a submodule"]);
    }
    r
}

#[test]
fn check_refuses_a_contract_that_is_not_a_text_file() {
    for (kind, what) in [
        ("symlink", "is a symbolic link"),
        ("gitlink", "is a submodule (gitlink)"),
        ("binary", "is a binary file"),
        ("not-utf8", "is not UTF-8 text"),
    ] {
        let r = repo_with(kind);
        r.branch("agents/migrations", "main")
            .write("src/db/schema.ts", "export const tables = ['t'];\n")
            .commit("migration");
        let run = r.check(&["--base", "main"]);
        assert_eq!(run.code, 1, "{kind}: {}\n{}", run.stdout, run.stderr);
        let f = run.finding("contract-invalid");
        assert_eq!(f["path"], "CONTRACT.md", "{kind}");
        let m = f["message"].as_str().unwrap();
        assert!(m.contains(what), "{kind}: {m}");
        assert!(m.contains("never followed"), "{kind}: {m}");
    }
}

#[test]
fn lint_refuses_a_symlinked_or_non_utf8_contract_in_the_working_tree() {
    for kind in ["symlink", "not-utf8"] {
        let r = repo_with(kind);
        let run = r.gate(&["lint", "--format", "json"]);
        assert_eq!(run.code, 1, "{kind}: {}\n{}", run.stdout, run.stderr);
        let v = run.json();
        let d = &v["diagnostics"][0];
        assert_eq!(d["code"], "CG025", "{kind}: {v}");
        assert_eq!(d["path"], "CONTRACT.md", "{kind}: {v}");
    }
}

/// CONTRACT.md claims the branch, and a second contract beside it cannot be
/// read (a symlink, or a line with an error): that contract might claim or
/// bind the branch too, so the branch is blocked, not judged by the first
/// alone.
#[test]
fn an_unreadable_second_contract_blocks_a_claimed_branch() {
    for broken in ["symlink", "error"] {
        let r = Repo::uploads();
        std::fs::create_dir_all(r.dir.join(".github/contracts")).unwrap();
        match broken {
            "symlink" => std::os::unix::fs::symlink(
                "../../CONTRACT.md",
                r.dir.join(".github/contracts/team.md"),
            )
            .unwrap(),
            _ => {
                r.write(
                    ".github/contracts/team.md",
                    "# Team\n\n## Scope\n- agent-9: glob:src/[a.ts\n",
                );
            }
        }
        r.commit("a second contract");
        r.branch("agents/migrations", "main")
            .write("src/db/migrations/001.sql", "create table t ();\n")
            .commit("migration");
        let run = r.check(&["--base", "main"]);
        run.blocked(&["contract-invalid"]);
        let f = run.findings("contract-invalid");
        assert!(
            f.iter().all(|f| f["path"] == ".github/contracts/team.md"),
            "{broken}: {}",
            run.stdout
        );
        assert_eq!(
            run.json()["agent"],
            "agent-2",
            "{broken}: still judged as agent-2"
        );
    }
}
