//! Rule `needs-approval`: each permission class, judged by `check` on a
//! real repository (the generated class reads `.gitignore` and
//! `.gitattributes` at the base).

use crate::support::*;

/// The uploads repository with ignore and attribute rules on `main`.
fn uploads_with_rules() -> Repo {
    let r = Repo::uploads_after_migrations();
    r.write(".gitignore", "dist/\n*.log\n")
        .write(
            ".gitattributes",
            "src/api/uploads/gen/** linguist-generated\n",
        )
        .write("src/api/uploads/tracked.log", "kept on purpose\n")
        .git(&["add", "-f", "src/api/uploads/tracked.log"]);
    r.commit("Ignore build output");
    r
}

#[test]
fn secret_lockfile_and_deploy_files_in_scope_need_approval() {
    let r = Repo::uploads_after_migrations();
    r.branch("agents/uploads", "main")
        .write("src/api/uploads/handler.ts", "export {};\n")
        .write("src/api/uploads/.env.local", "TOKEN=x\n")
        .write("src/api/uploads/.env.example", "TOKEN=\n")
        .write("src/api/uploads/package-lock.json", "{}\n")
        .write("src/api/uploads/Dockerfile", "FROM node\n")
        .commit("uploads");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["needs-approval"]);
    assert_eq!(
        run.paths("needs-approval"),
        [
            "src/api/uploads/.env.local",
            "src/api/uploads/Dockerfile",
            "src/api/uploads/package-lock.json"
        ]
    );
    let f = &run.findings("needs-approval")[0];
    assert_eq!(
        f["message"],
        "src/api/uploads/.env.local needs a human's approval: it is an environment or secret file (the contract's permission policy)"
    );
}

#[test]
fn generated_files_need_approval_unless_already_tracked() {
    let r = uploads_with_rules();
    r.branch("agents/uploads", "main")
        .write("src/api/uploads/dist/bundle.js", "x\n")
        .write("src/api/uploads/gen/client.ts", "x\n")
        .write("src/api/uploads/tracked.log", "changed\n")
        .write("src/api/uploads/handler.ts", "export {};\n");
    r.git(&["add", "-f", "src/api/uploads/dist/bundle.js"]);
    r.commit("uploads with build output");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["needs-approval"]);
    assert_eq!(
        run.paths("needs-approval"),
        [
            "src/api/uploads/dist/bundle.js",
            "src/api/uploads/gen/client.ts"
        ]
    );
}

#[test]
fn a_policy_table_adds_paths_and_switches_classes_off() {
    let contract = format!(
        "{UPLOADS}\n## Permission policy\n\n| Permission class | Allowed without approval | Requires approval |\n|---|---|---|\n| File edits | lockfiles | `src/db/migrations/deploy.yaml` |\n"
    );
    // agent-2 is first in the merge order: nothing to wait for.
    let r = Repo::with_contract(&contract);
    r.branch("agents/migrations", "main")
        .write("src/db/migrations/package-lock.json", "{}\n")
        .write("src/db/migrations/deploy.yaml", "x: 1\n")
        .commit("migrations");
    let run = r.check(&["--base", "main"]);
    run.blocked(&["needs-approval"]);
    assert_eq!(
        run.paths("needs-approval"),
        ["src/db/migrations/deploy.yaml"]
    );
}
