use super::*;
use crate::contract::parse;

const BLOG: &str = include_str!("../../../../fixtures/contracts/blog-discovery.md");

fn with_policy(table: &str) -> Policy {
    let src = format!(
        "## Worktrees\n- wt-a  branch: a  agent: agent-1\n\n## Permission policy\n\n{table}"
    );
    Policy::from_contract(&parse("CONTRACT.md", &src))
}

#[test]
fn lockfiles_anywhere_in_the_tree() {
    let p = Policy::default();
    for path in [
        "package-lock.json",
        "web/yarn.lock",
        "Cargo.lock",
        "go.sum",
        "a/b/uv.lock",
    ] {
        assert_eq!(p.classify(path, false), Some(FileClass::Lockfile), "{path}");
    }
    assert_eq!(p.classify("src/package-lock.json.ts", false), None);
    assert_eq!(p.classify("package.json", false), None);
}

#[test]
fn secrets_but_not_examples() {
    let p = Policy::default();
    for path in [
        ".env",
        "src/api/uploads/.env.local",
        "certs/server.pem",
        "tls.key",
        "id_rsa",
        "home/id_rsa.pub",
        ".pem",
        "a/.key",
        ".env.production.local",
    ] {
        assert_eq!(p.classify(path, false), Some(FileClass::Secret), "{path}");
    }
    for path in [
        ".env.example",
        "x/.env.sample",
        "environment.ts",
        "keys.json",
        ".envrc",
        "pem",
        "x.pems",
        "key",
        "id_rs",
        ".en",
        "",
        "src/.env.d/x.ts",
    ] {
        assert_eq!(p.classify(path, false), None, "{path}");
    }
}

#[test]
fn deploy_and_generated() {
    let p = Policy::default();
    assert_eq!(p.classify("Dockerfile", false), Some(FileClass::Deploy));
    assert_eq!(
        p.classify("svc/Dockerfile.prod", false),
        Some(FileClass::Deploy)
    );
    assert_eq!(p.classify("docs/dockerfiles.md", false), None);
    // Generated is data from the source: the same path is a class or not.
    assert_eq!(
        p.classify("src/api/uploads/dist/bundle.js", true),
        Some(FileClass::Generated)
    );
    assert_eq!(p.classify("src/api/uploads/dist/bundle.js", false), None);
}

#[test]
fn the_seed_policy_keeps_every_class_on() {
    let p = Policy::from_contract(&parse("CONTRACT.md", BLOG));
    assert_eq!(p, Policy::default());
    assert!(p.generated_on());
    assert_eq!(p.in_force().len(), 8);
}

#[test]
fn the_first_row_listing_a_path_names_its_class() {
    let p = with_policy(
        "| Permission class | Allowed without approval | Requires approval |\n|---|---|---|\n\
         | Infra notes | - | infra/notes/** |\n\
         | Infra | - | infra/** |\n",
    );
    let c = p.classifier();
    for (path, class) in [
        ("infra/notes/a.md", "Infra notes"),
        ("infra/notes/deep/b.md", "Infra notes"),
        ("infra/main.tf", "Infra"),
    ] {
        let want = Some(FileClass::Listed(class.into()));
        assert_eq!(c.classify(path, false), want, "{path}");
        assert_eq!(p.classify(path, false), want, "{path}");
    }
    assert_eq!(c.classify("src/infra/x.tf", false), None);
}

#[test]
fn a_table_adds_paths_and_switches_classes_off() {
    let p = with_policy(
        "| Permission class | Allowed without approval | Requires approval |\n|---|---|---|\n\
         | File edits | assigned source files, lockfiles | generated files |\n\
         | Deploys | none | `fly.toml`, deploy/** |\n\
         | Local commands | package installs | none |\n",
    );
    assert_eq!(
        p.classify("Cargo.lock", false),
        None,
        "lockfiles switched off"
    );
    assert_eq!(p.classify("fly.toml", false), Some(FileClass::Deploy));
    assert_eq!(
        p.classify("deploy/prod.yaml", false),
        Some(FileClass::Deploy)
    );
    assert_eq!(p.classify("x.ts", true), Some(FileClass::Generated));
    assert_eq!(
        p.command("npm install left-pad"),
        None,
        "installs switched off"
    );
    assert_eq!(p.command("git push -f"), Some(CommandClass::ForcePush));
    let off = with_policy(
        "| Permission class | Allowed without approval | Requires approval |\n|---|---|---|\n\
         | Generated files | all | none |\n| Private notes | - | notes/** |\n",
    );
    assert!(!off.generated_on());
    assert_eq!(off.classify("x.ts", true), None);
    assert_eq!(
        off.classify("notes/a.md", false),
        Some(FileClass::Listed("Private notes".into()))
    );
}

#[test]
fn commands_that_need_approval() {
    let p = Policy::default();
    let cases = [
        (
            "git push --force origin agents/x",
            Some(CommandClass::ForcePush),
        ),
        ("git push origin +agents/x", Some(CommandClass::ForcePush)),
        (
            "git -C ../wt push --force-with-lease",
            Some(CommandClass::ForcePush),
        ),
        ("git reset --hard HEAD~1", Some(CommandClass::ResetHard)),
        (
            "git branch -D agents/tests",
            Some(CommandClass::BranchDeletion),
        ),
        (
            "git push origin --delete agents/x",
            Some(CommandClass::BranchDeletion),
        ),
        (
            "git push origin :agents/x",
            Some(CommandClass::BranchDeletion),
        ),
        (
            "cd web && npm install zod",
            Some(CommandClass::PackageInstall),
        ),
        (
            "sudo apt-get install -y jq",
            Some(CommandClass::PackageInstall),
        ),
        (
            "CI=1 pnpm add -D vitest",
            Some(CommandClass::PackageInstall),
        ),
        ("cargo add serde", Some(CommandClass::PackageInstall)),
        ("pip install requests", Some(CommandClass::PackageInstall)),
        ("git status", None),
        ("git push origin agents/x", None),
        ("git reset --soft HEAD~1", None),
        ("git branch --show-current", None),
        ("npm run check", None),
        ("cargo test", None),
        ("echo 'npm' install", None),
    ];
    for (line, want) in cases {
        assert_eq!(p.command(line), want, "{line}");
    }
}

proptest::proptest! {
    /// The secret-name test (fixed-size compares) says what its plain
    /// definition says.
    #[test]
    fn secret_names_as_defined(
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                ".", "env", "pem", "key", "id_rsa", "id_rs", "example", "sample", "a", "/",
            ]),
            0..6,
        ),
    ) {
        let name = parts.concat();
        let plain = name == ".env"
            || (name.starts_with(".env.") && !name.ends_with(".example") && !name.ends_with(".sample"))
            || name.ends_with(".pem")
            || name.ends_with(".key")
            || name.starts_with("id_rsa");
        proptest::prop_assert_eq!(is_secret(&name), plain, "{}", name);
    }
}
