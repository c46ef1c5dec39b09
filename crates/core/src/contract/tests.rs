use super::*;

const UPLOADS: &str = include_str!("../../../../fixtures/contracts/uploads.md");
const BLOG: &str = include_str!("../../../../fixtures/contracts/blog-discovery.md");

fn texts(p: &[PatternEntry]) -> Vec<&str> {
    p.iter().map(|e| e.pattern.text.as_str()).collect()
}

#[test]
fn reads_uploads_contract_as_it_stands() {
    let c = parse("CONTRACT.md", UPLOADS);
    assert!(!c.has_errors(), "{:#?}", c.diagnostics);
    assert_eq!(
        c.title.as_deref(),
        Some("Context contract — feature/uploads")
    );
    let names: Vec<_> = c.agents.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["agent-1", "agent-2", "agent-3"]);
    let a1 = c.agent("agent-1").unwrap();
    assert_eq!(a1.branch.as_deref(), Some("agents/uploads"));
    assert_eq!(a1.worktree.as_deref(), Some("wt-uploads"));
    assert_eq!(texts(&a1.owns), ["src/api/uploads/**", "src/api/router.ts"]);
    assert!(!a1.owns[0].additions_only && a1.owns[1].additions_only);
    assert_eq!(
        texts(&c.agent("agent-3").unwrap().owns),
        ["tests/uploads/**", "tests/fixtures/uploads/**"]
    );
    assert!(a1.interface[0].starts_with("POST /api/uploads"));
    let shared: Vec<_> = c
        .shared_state
        .iter()
        .map(|s| (s.pattern.text.as_str(), s.owner.as_deref()))
        .collect();
    assert_eq!(
        shared,
        [
            ("package.json", Some("agent-1")),
            ("tsconfig.json", None),
            ("src/db/schema.ts", Some("agent-2")),
            ("README.md", None)
        ]
    );
    let order: Vec<_> = c.merge_order.iter().map(|s| s.agent.as_str()).collect();
    assert_eq!(order, ["agent-2", "agent-1", "agent-3"]);
    assert_eq!(
        c.merge_order[0].note.as_deref(),
        Some("migration must land first; agent-1 imports the new table")
    );
    assert_eq!(c.integration_branch, None);
}

#[test]
fn reads_blog_contract_with_prose_as_warnings() {
    let c = parse("blog.md", BLOG);
    assert!(!c.has_errors(), "{:#?}", c.diagnostics);
    let m = c.agent("metadata agent").unwrap();
    assert_eq!(m.name, "Metadata agent");
    assert_eq!(m.branch.as_deref(), Some("agent/metadata-filter-contract"));
    assert_eq!(m.worktree.as_deref(), Some("../repo-agent-metadata"));
    assert_eq!(texts(&m.owns), ["src/content/config.ts"]);
    assert_eq!(texts(&m.cannot_touch), ["src/layouts/BaseLayout.astro"]);
    // Each note keeps the list it came from.
    assert_eq!(
        m.notes,
        ["content frontmatter validation", "listing data shape"]
    );
    assert_eq!(m.cannot_notes, ["visual layout changes"]);
    let r = c.agent("Review agent").unwrap();
    assert!(r.owns.is_empty());
    assert_eq!(r.notes.len(), 3);
    assert_eq!(
        r.cannot_notes,
        ["implementation edits unless explicitly reassigned"]
    );
    assert_eq!(
        c.integration_branch.as_deref(),
        Some("integration/blog-discovery")
    );
    assert!(c.merge_order.is_empty());
    let prose = c
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning && d.message.contains("is not a path"))
        .count();
    assert_eq!(prose, 10);
    let checks: Vec<_> = c
        .required_checks("Metadata agent")
        .iter()
        .map(|r| r.check.as_str())
        .collect();
    assert_eq!(
        checks,
        [
            "npm run check",
            "ASTRO_TELEMETRY_DISABLED=1 npm run build",
            "PR notes include commands run and remaining risk"
        ]
    );
    assert_eq!(c.required_checks(INTEGRATOR).len(), 6);
    assert_eq!(c.permission_policy.len(), 6);
    assert_eq!(c.permission_policy[0][0], "Permission class");
}

#[test]
fn headings_any_level_case_insensitive_and_crlf() {
    let src = "### WORKTREES\r\n- wt  branch: b1  agent: a1\r\n\r\n#### scope\r\n- a1: src/**\r\n";
    let c = parse("c.md", src);
    assert!(!c.has_errors(), "{:#?}", c.diagnostics);
    assert_eq!(texts(&c.agent("a1").unwrap().owns), ["src/**"]);
}

#[test]
fn errors_are_all_reported_with_spans() {
    let src = "# C\n## Worktrees\n- w1 branch: b agent: a1\n- w2 branch: b agent: a2\n- w3 branch: c agent: a1\n## Scope\n- a1: src/x/**\n- a2: src/x/**\n- ghost: src/y/**\n## Merge order\n1. a1\n2. a1\n3. nobody\n## Shared state\n- x.json: someone else\n";
    let c = parse("c.md", src);
    let errs: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| (d.message.as_str(), c.line_of(d.span.start)))
        .collect();
    let has = |needle: &str, line: u32| errs.iter().any(|(m, l)| m.contains(needle) && *l == line);
    assert!(has("agent `a1` has two branches", 5), "{errs:#?}");
    assert!(has("branch `b` is claimed by two agents", 4), "{errs:#?}");
    assert!(has("owned by two agents", 8), "{errs:#?}");
    assert!(
        has("no Worktrees/Agents entry names agent `ghost`", 9),
        "{errs:#?}"
    );
    assert!(has("lists `a1` twice", 12), "{errs:#?}");
    assert!(has("unknown agent `nobody`", 13), "{errs:#?}");
    assert!(has("names no owner", 15), "{errs:#?}");
}

#[test]
fn garbage_never_panics() {
    for src in [
        "",
        "#",
        "| a |\n|---|\n| b |",
        "## Scope\n- :\n- a:",
        "## Merge order\n1. (x\n",
        "## Worktrees\n- branch:\n- agent:\n",
        "## Integration branch\n\n``\n",
    ] {
        let _ = parse("x.md", src);
    }
}

#[test]
fn two_contracts_claiming_a_branch() {
    let mut cs = vec![parse("a.md", UPLOADS), parse("b.md", UPLOADS)];
    validate_set(&mut cs);
    assert!(cs[0].has_errors() && cs[1].has_errors());
    assert!(cs[0].diagnostics.iter().any(|d| d
        .message
        .contains("claimed by two contracts: a.md and b.md")));
}

#[test]
fn unmatched_patterns_warn() {
    let c = parse("c.md", UPLOADS);
    let files = vec!["src/api/router.ts".to_string(), "package.json".to_string()];
    let w = unmatched_pattern_warnings(&c, &files);
    assert!(w
        .iter()
        .any(|d| d.message.contains("`src/db/schema.ts` matches no file")));
    assert!(!w.iter().any(|d| d.message.contains("`package.json`")));
}
