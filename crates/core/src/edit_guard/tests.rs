use super::*;
use crate::contract::parse;

const UPLOADS: &str = include_str!("../../../../fixtures/contracts/uploads.md");
const BLOG: &str = include_str!("../../../../fixtures/contracts/blog-discovery.md");

fn uploads() -> Vec<Contract> {
    vec![parse("CONTRACT.md", UPLOADS)]
}

fn edit(path: &str, generated: bool) -> Decision {
    decide_edit(
        &uploads(),
        "agents/uploads",
        path,
        generated,
        &Options::default(),
    )
}

#[test]
fn owned_paths_are_allowed() {
    assert_eq!(edit("src/api/uploads/handler.ts", false), Decision::Allow);
    // Additions-only: the lines are judged by CI once written.
    assert_eq!(edit("src/api/router.ts", false), Decision::Allow);
}

#[test]
fn another_agents_path_is_denied_with_rule_path_and_next_step() {
    let Decision::Deny(why) = edit("src/db/schema.ts", false) else {
        panic!("expected a deny");
    };
    assert_eq!(
        why,
        "contract-gate shared-state: `src/db/schema.ts` shared file owned by agent-2 \
         (agent-1, CONTRACT.md): stop and report it; do not edit it"
    );
    let Decision::Deny(why) = edit("src/db/migrations/001.sql", false) else {
        panic!("expected a deny");
    };
    assert!(
        why.starts_with("contract-gate scope: `src/db/migrations/001.sql` outside what agent-1 owns (owned by agent-2)"),
        "{why}"
    );
    assert!(
        matches!(edit("CONTRACT.md", false), Decision::Deny(w) if w.starts_with("contract-gate contract-edit"))
    );
    assert!(
        matches!(edit("tsconfig.json", false), Decision::Deny(w) if w.contains("nobody edits"))
    );
}

#[test]
fn permission_classes_inside_the_scope_ask() {
    let Decision::Ask(why) = edit("src/api/uploads/.env.local", false) else {
        panic!("expected ask");
    };
    assert!(why.starts_with("contract-gate needs-approval: src/api/uploads/.env.local needs a human's approval: it is an environment or secret file"), "{why}");
    assert!(
        matches!(edit("src/api/uploads/dist/bundle.js", true), Decision::Ask(w) if w.contains("generated file"))
    );
    assert_eq!(
        edit("src/api/uploads/dist/bundle.js", false),
        Decision::Allow
    );
    // Out of scope wins over asking.
    assert!(matches!(
        edit("package-lock.json", false),
        Decision::Deny(_)
    ));
}

#[test]
fn unassigned_branches_are_not_agent_work() {
    let d = decide_edit(
        &uploads(),
        "feature/x",
        "src/db/schema.ts",
        false,
        &Options::default(),
    );
    assert_eq!(d, Decision::Allow);
}

#[test]
fn cannot_touch_in_a_table_contract() {
    let blog = vec![parse("CONTRACT.md", BLOG)];
    let d = decide_edit(
        &blog,
        "agent/metadata-filter-contract",
        "src/layouts/BaseLayout.astro",
        false,
        &Options::default(),
    );
    assert!(
        matches!(d, Decision::Deny(w) if w.starts_with("contract-gate cannot-touch: `src/layouts/BaseLayout.astro` on Metadata agent's cannot-touch list"))
    );
}

#[test]
fn commands_ask_per_policy() {
    let d = decide_command(&uploads(), "agents/uploads", "git push --force");
    assert_eq!(
        d,
        Decision::Ask("contract-gate needs-approval: `git push --force` is a force push, which the permission policy says needs a human's approval".into())
    );
    assert_eq!(
        decide_command(&uploads(), "agents/uploads", "npm run check"),
        Decision::Allow
    );
}
