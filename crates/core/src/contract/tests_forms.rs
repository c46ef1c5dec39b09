//! One test per form people write: each reads to the canonical model.

use super::*;

/// One agent: name, branch, worktree, owns, cannot touch.
type AgentModel = (
    String,
    Option<String>,
    Option<String>,
    Vec<String>,
    Vec<String>,
);

/// What a form must agree on: agents, scopes, shared state, merge order.
#[derive(Debug, PartialEq)]
pub(super) struct Model {
    agents: Vec<AgentModel>,
    shared: Vec<(String, Option<String>)>,
    order: Vec<String>,
}

pub(super) fn model(c: &Contract) -> Model {
    let pats = |p: &[PatternEntry]| {
        p.iter()
            .map(|e| {
                let add = if e.additions_only { " +" } else { "" };
                format!("{}{add}", e.pattern.text)
            })
            .collect()
    };
    Model {
        agents: c
            .agents
            .iter()
            .map(|a| {
                (
                    a.name.clone(),
                    a.branch.clone(),
                    a.worktree.clone(),
                    pats(&a.owns),
                    pats(&a.cannot_touch),
                )
            })
            .collect(),
        shared: c
            .shared_state
            .iter()
            .map(|s| (s.pattern.text.clone(), s.owner.clone()))
            .collect(),
        order: c.merge_order.iter().map(|s| s.agent.clone()).collect(),
    }
}

const WT: &str = "- wt-uploads branch: agents/uploads agent: agent-1\n- wt-migrations branch: agents/migrations agent: agent-2\n- wt-tests branch: agents/tests agent: agent-3\n";
const SCOPE: &str = "- agent-1: src/api/uploads/**, src/api/router.ts\n- agent-2: src/db/migrations/**, src/db/schema.ts\n- agent-3: tests/uploads/**\n";
const SHARED: &str = "- package.json: agent-1 owns.\n- tsconfig.json: nobody edits.\n";
const ORDER: &str = "1. agent-2\n2. agent-1\n3. agent-3\n";

fn doc(wt: &str, scope: &str, shared: &str, order: &str) -> String {
    format!("# C\n\n## Worktrees\n{wt}\n## Scope\n{scope}\n## Shared state\n{shared}\n## Merge order\n{order}")
}

fn canonical() -> Model {
    let c = parse("c.md", &doc(WT, SCOPE, SHARED, ORDER));
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
    model(&c)
}

/// The form reads with no diagnostic at all, to the canonical model.
#[track_caller]
fn same(src: &str) {
    let c = parse("c.md", src);
    assert!(c.diagnostics.is_empty(), "{src}\n{:#?}", c.diagnostics);
    assert_eq!(model(&c), canonical(), "{src}");
    assert_eq!(c.lines.refused, 0);
}

#[test]
fn numbered_headings() {
    same(&format!("# C\n## 1. Worktrees\n{WT}\n## 2) Scope\n{SCOPE}\n## 3. Shared state:\n{SHARED}\n## 4) Merge order\n{ORDER}"));
}

#[test]
fn emoji_and_punctuation_headings() {
    same(&format!("# C\n## 🌳 Worktrees\n{WT}\n## Scope:\n{SCOPE}\n## 🔒 SHARED STATE 🔒\n{SHARED}\n## 🚦 Merge order\n{ORDER}"));
}

#[test]
fn bold_only_lines_as_headings() {
    same(&format!("# C\n\n**Worktrees**\n{WT}\n**Scope:**\n\n{SCOPE}\n**Shared state**\n{SHARED}\n**Merge order**\n{ORDER}"));
}

#[test]
fn headings_nested_under_another() {
    same(&format!("# C\n## Contract\n### Worktrees\n{WT}\n### Scope\n{SCOPE}\n### Shared state\n{SHARED}\n### Merge order\n{ORDER}"));
}

#[test]
fn sub_headings_inside_scope_belong_to_it() {
    let scope = "### Backend\n- agent-1: src/api/uploads/**, src/api/router.ts\n- agent-2: src/db/migrations/**, src/db/schema.ts\n#### Tests\n- agent-3: tests/uploads/**\n";
    same(&doc(WT, scope, SHARED, ORDER));
}

#[test]
fn section_synonyms() {
    same(&format!("# C\n## Assignments\n{WT}\n## Owned files\n{SCOPE}\n## Shared files\n{SHARED}\n## Landing order\n{ORDER}"));
    same(&format!("# C\n## Agents\n{WT}\n## File ownership\n{SCOPE}\n## Shared config\n{SHARED}\n## Merge sequence\n{ORDER}"));
    same(&format!("# C\n## Branches\n{WT}\n## Ownership\n{SCOPE}\n## Shared state\n{SHARED}\n## Order\n{ORDER}"));
}

#[test]
fn yaml_and_toml_front_matter_skipped() {
    same(&format!(
        "---\ntitle: uploads\nowner: agent-9\n---\n{}",
        doc(WT, SCOPE, SHARED, ORDER)
    ));
    same(&format!(
        "+++\ntitle = \"uploads\"\n+++\n{}",
        doc(WT, SCOPE, SHARED, ORDER)
    ));
}

#[test]
fn crlf_and_tabs() {
    let src = doc(WT, SCOPE, SHARED, ORDER)
        .replace(' ', "\t ")
        .replace('\n', "\r\n");
    same(
        &src.replace("#\t ", "# ")
            .replace("-\t ", "- ")
            .replace("1.\t ", "1. ")
            .replace("2.\t ", "2. ")
            .replace("3.\t ", "3. "),
    );
}

#[test]
fn merge_order_numbered_with_parens() {
    same(&doc(
        WT,
        SCOPE,
        SHARED,
        "1) agent-2\n2) agent-1\n3) agent-3\n",
    ));
}

#[test]
fn merge_order_one_line_with_each_arrow() {
    for arrow in ["→", "->", "=>", "⇒", ">"] {
        same(&doc(
            WT,
            SCOPE,
            SHARED,
            &format!("agent-2 {arrow} agent-1 {arrow} agent-3\n"),
        ));
        same(&doc(
            WT,
            SCOPE,
            SHARED,
            &format!("- agent-2 {arrow} agent-1 {arrow} agent-3\n"),
        ));
    }
}

#[test]
fn merge_order_with_commas_bold_and_backticks() {
    same(&doc(WT, SCOPE, SHARED, "agent-2, agent-1, agent-3\n"));
    same(&doc(
        WT,
        SCOPE,
        SHARED,
        "1. **agent-2**\n2. `agent-1`\n3. **`agent-3`**\n",
    ));
}

#[test]
fn merge_order_as_prose() {
    same(&doc(
        WT,
        SCOPE,
        SHARED,
        "agent-2 lands first, then agent-1, then agent-3.\n",
    ));
}

#[test]
fn merge_order_as_table() {
    same(&doc(WT, SCOPE, SHARED, "| # | Agent | Why |\n|---|---|---|\n| 1 | agent-2 | schema |\n| 2 | agent-1 | api |\n| 3 | agent-3 | tests |\n"));
}

#[test]
fn scope_as_nested_bullets() {
    let scope = "- agent-1\n  - src/api/uploads/**\n  - src/api/router.ts\n- **agent-2**:\n  - `src/db/migrations/**`\n  - `src/db/schema.ts`\n- agent-3\n  - tests/uploads/**\n";
    same(&doc(WT, scope, SHARED, ORDER));
}

#[test]
fn scope_as_prose_lines() {
    let scope = "agent-1 owns `src/api/uploads/**` and `src/api/router.ts`.\nagent-2 owns src/db/migrations/** and src/db/schema.ts\n\n**agent-3** owns tests/uploads/**\n";
    same(&doc(WT, scope, SHARED, ORDER));
}

#[test]
fn scope_as_table() {
    let scope = "| Agent | Paths |\n|---|---|\n| agent-1 | `src/api/uploads/**`, `src/api/router.ts` |\n| agent-2 | src/db/migrations/**, src/db/schema.ts |\n| **agent-3** | tests/uploads/** |\n";
    same(&doc(WT, scope, SHARED, ORDER));
}

#[test]
fn scope_as_per_agent_sub_headings() {
    let scope = "### agent-1\n- src/api/uploads/**\n- src/api/router.ts\n### agent-2\n- `src/db/migrations/**, src/db/schema.ts`\n### agent-3\n- tests/uploads/**\n";
    same(&doc(WT, scope, SHARED, ORDER));
}

#[test]
fn several_paths_in_one_backtick_span_and_bold_names() {
    let scope = "- **agent-1**: `src/api/uploads/**, src/api/router.ts`\n- **agent-2:** `src/db/migrations/**`, `src/db/schema.ts`\n- `agent-3`: tests/uploads/**\n";
    same(&doc(WT, scope, SHARED, ORDER));
}

#[test]
fn per_agent_sections_under_agents() {
    let src = format!(
        "# C\n## Agents\n### agent-1\n- branch: agents/uploads\n- worktree: wt-uploads\n- owns: src/api/uploads/**, src/api/router.ts\n### agent-2\n- branch: `agents/migrations`\n- worktree: wt-migrations\n- owns:\n  - src/db/migrations/**\n  - src/db/schema.ts\n### agent-3\n- worktree: wt-tests\n- branch: agents/tests\n- owns: tests/uploads/**\n## Shared state\n{SHARED}\n## Merge order\n{ORDER}"
    );
    same(&src);
}

#[test]
fn worktree_lines_in_other_orders_and_with_arrows() {
    let wt = "- agent: agent-1 branch: agents/uploads worktree: wt-uploads\n- wt-migrations → agents/migrations (agent-2)\n- agent-3: wt-tests -> agents/tests\n";
    same(&doc(wt, SCOPE, SHARED, ORDER));
}

#[test]
fn agents_table_with_column_synonyms() {
    let src = format!("# C\n## Agents\n| Agent | Branch | Worktree | Owned files | Forbidden |\n|---|---|---|---|---|\n| agent-1 | agents/uploads | wt-uploads | src/api/uploads/**, src/api/router.ts | |\n| agent-2 | agents/migrations | wt-migrations | src/db/migrations/**, src/db/schema.ts | |\n| agent-3 | agents/tests | wt-tests | tests/uploads/** | |\n## Shared state\n{SHARED}\n## Merge order\n{ORDER}");
    same(&src);
}

#[test]
fn shared_state_forms() {
    same(&doc(
        WT,
        SCOPE,
        "- package.json — agent-1 owns\n- `tsconfig.json`: nobody edits\n",
        ORDER,
    ));
    same(&doc(
        WT,
        SCOPE,
        "- package.json: owned by **agent-1**\n- tsconfig.json: do not edit\n",
        ORDER,
    ));
    same(&doc(
        WT,
        SCOPE,
        "| File | Owner |\n|---|---|\n| package.json | agent-1 |\n| `tsconfig.json` | nobody |\n",
        ORDER,
    ));
    same(&doc(
        WT,
        SCOPE,
        "package.json (agent-1 owns)\ntsconfig.json - nobody edits\n",
        ORDER,
    ));
}

#[test]
fn cannot_touch_forms() {
    let expect = |src: &str| {
        let c = parse("c.md", src);
        assert!(!c.has_errors(), "{:#?}", c.diagnostics);
        let got: Vec<_> = c
            .agents
            .iter()
            .map(|a| {
                a.cannot_touch
                    .iter()
                    .map(|e| e.pattern.text.clone())
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(
            got,
            [
                vec!["src/db/**".to_string()],
                vec!["src/api/**".to_string()],
                vec![]
            ],
            "{src}"
        );
    };
    let base = doc(WT, SCOPE, SHARED, ORDER);
    expect(&format!(
        "{base}\n## Cannot touch\n- agent-1: src/db/**\n- agent-2: src/api/**\n"
    ));
    expect(&format!("{base}\n## Off limits\nagent-1 must not touch src/db/**\nagent-2 cannot touch `src/api/**`\n"));
    expect(&format!("{base}\n## Forbidden\n| Agent | Can't touch |\n|---|---|\n| agent-1 | src/db/** |\n| agent-2 | src/api/** |\n"));
}

#[test]
fn additions_only_note_survives_every_form() {
    let scope = "agent-1 owns src/api/uploads/** and src/api/router.ts (additions only)\n- agent-2: src/db/migrations/**, src/db/schema.ts\n- agent-3: tests/uploads/**\n";
    let c = parse("c.md", &doc(WT, scope, SHARED, ORDER));
    assert!(!c.has_errors(), "{:#?}", c.diagnostics);
    let a1 = c.agent("agent-1").unwrap();
    assert!(a1.owns[1].additions_only && !a1.owns[0].additions_only);
}
