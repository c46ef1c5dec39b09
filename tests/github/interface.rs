//! Issue 10 §1 on GitHub: the `interface` rule reads the PR's patches, and
//! only files whose patch touches a committed name are read whole.

use super::*;

const AUTH_BASE: &str = "export function requireAuth(req, res, next) {\n  next();\n}\n";

/// PR #2 changing one file (`path`, with `patch`); agent-1 (scope `src/**`)
/// commits to `commitment`. `contents` answers file reads: (path, ref, reply).
fn world(commitment: &str, path: &str, patch: &str, contents: Vec<(&str, &str, Reply)>) -> World {
    let named = format!(
        "{}\n## Interface boundary\n- agent-1 commits to: {commitment}\n",
        contract("`src/**`")
    );
    // The recorded files answer, its modified entry moved to `path`.
    let recorded: Vec<Value> =
        serde_json::from_slice(&fixture("rest/pull-request.files.json")).unwrap();
    let mut f = recorded[0].clone();
    f["filename"] = json!(path);
    f["patch"] = json!(patch);
    let contents: Vec<(String, String, Reply)> = contents
        .into_iter()
        .map(|(p, r, reply)| (p.to_string(), r.to_string(), reply))
        .collect();
    World::build("", "`src/**`", true, move |m| {
        serve_contract(m, &named);
        let mut p = pr();
        p["changed_files"] = json!(1);
        m.on("GET", &format!("{R}/pulls/2"), Reply::json(200, p));
        m.on(
            "GET",
            &format!("{R}/pulls/2/files"),
            Reply::json(200, json!([f.clone()])),
        );
        for (path, r, reply) in &contents {
            m.on_query(
                "GET",
                &format!("{R}/contents/{path}"),
                &format!("ref={r}"),
                reply.clone(),
            );
        }
    })
}

/// agent-1's snippet commitment in `src/auth.ts`, read at base and head.
fn auth_world(patch: &str, head_text: &str) -> World {
    world(
        "the exported `requireAuth(req, res, next)` from `src/auth.ts`.",
        "src/auth.ts",
        patch,
        vec![
            ("src/auth.ts", BASE, Reply::text(200, AUTH_BASE)),
            ("src/auth.ts", HEAD, Reply::text(200, head_text)),
        ],
    )
}

#[test]
fn a_renamed_commitment_fails_on_github() {
    let renamed = AUTH_BASE.replace("requireAuth", "requireAuthenticatedUser");
    let w = auth_world(
        "@@ -1,3 +1,3 @@\n-export function requireAuth(req, res, next) {\n+export function requireAuthenticatedUser(req, res, next) {\n   next();\n }",
        &renamed,
    );
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let last = w.patches().pop().unwrap();
    assert_eq!(last["conclusion"], "failure", "{last}");
    let text = last["output"].to_string();
    assert!(text.contains("### interface"), "{text}");
    assert!(text.contains("requireAuth"), "{text}");
    assert_eq!(
        w.sent("GET", "/contents/src/auth.ts").len(),
        2,
        "base and head read"
    );
}

#[test]
fn a_patch_that_leaves_the_names_alone_reads_nothing_more() {
    let w = auth_world(
        "@@ -1,3 +1,3 @@\n export function requireAuth(req, res, next) {\n-  next();\n+  return next();\n }",
        &AUTH_BASE.replace("  next();", "  return next();"),
    );
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(w.sent("GET", "/contents/src/auth.ts").is_empty());
}

/// A caller drops `requireAuth` from `src/routes.ts`, but the name lives on
/// in its location `src/auth.ts`, which the PR did not touch: kept, and the
/// location is read once through the contents API (a directory listing or a
/// link would not be searched).
#[test]
fn a_name_kept_in_its_location_passes() {
    let w = world(
        "`requireAuth`, exported from `src/auth.ts`.",
        "src/routes.ts",
        "@@ -1,2 +1,2 @@\n-router.use(requireAuth);\n+router.use(auth);\n x();",
        vec![
            (
                "src/routes.ts",
                BASE,
                Reply::text(200, "router.use(requireAuth);\nx();\n"),
            ),
            (
                "src/routes.ts",
                HEAD,
                Reply::text(200, "router.use(auth);\nx();\n"),
            ),
            (
                "src/auth.ts",
                HEAD,
                Reply::contents("src/auth.ts", AUTH_BASE),
            ),
        ],
    );
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(w.sent("GET", "/contents/src/auth.ts").len(), 1);
}
