//! Issue 13 §1: on GitHub the contract is read as offline, from its tree
//! entry: a symlink (GitHub follows one that points inside the repository
//! and answers for the target, whose path then differs), a submodule,
//! binary or non-UTF-8 content is refused (`CG025`), never read as the
//! contract. The answers are the recorded contents-API payload
//! (`fixtures/github/rest/contents.file.json`) with the file swapped in.

use super::*;

/// Runs the gate with `reply` as the contents API's answer for
/// `CONTRACT.md` (at the base and the default branch); returns the final
/// check-run PATCH.
fn judged_with(reply: impl Fn() -> Reply) -> (Outcome, Value) {
    let w = World::build("", ALL_FILES, true, |m| {
        for r in [BASE, "master"] {
            m.on_query(
                "GET",
                &format!("{R}/contents/CONTRACT.md"),
                &format!("ref={r}"),
                reply(),
            );
        }
    });
    let o = w.event("pull_request", &opened(&w), &[]);
    let last = w.patches().pop().expect("the run was never completed");
    (o, last)
}

fn assert_refused(o: &Outcome, last: &Value, what: &str) {
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(last["conclusion"], "failure", "{last}");
    let text = last["output"].to_string();
    assert!(text.contains("contract-invalid"), "{text}");
    assert!(
        text.contains(&format!(
            "is {what}: a contract is read as a regular UTF-8 text file"
        )),
        "{text}"
    );
}

#[test]
fn the_recorded_payload_reads_as_the_file_it_holds() {
    // The good contract, through the same recorded shape: the run passes.
    let (o, last) = judged_with(|| Reply::contents("CONTRACT.md", contract(ALL_FILES)));
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(last["conclusion"], "success", "{last}");
}

#[test]
fn a_contract_symlink_github_followed_is_refused() {
    // GitHub answered with the link's target: a file at another path.
    let (o, last) = judged_with(|| Reply::contents("docs/contract.md", contract(ALL_FILES)));
    assert_refused(&o, &last, "a symbolic link");
}

#[test]
fn a_contract_symlink_github_describes_is_refused() {
    let (o, last) = judged_with(|| {
        Reply::json(
            200,
            json!({"type": "symlink", "target": "../outside.md", "path": "CONTRACT.md", "name": "CONTRACT.md"}),
        )
    });
    assert_refused(&o, &last, "a symbolic link");
}

#[test]
fn a_binary_or_non_utf8_contract_is_refused() {
    let (o, last) = judged_with(|| Reply::contents("CONTRACT.md", b"# C\0\n## Scope\n"));
    assert_refused(&o, &last, "a binary file");
    let (o, last) = judged_with(|| Reply::contents("CONTRACT.md", b"# C\n\xff\xfe\n"));
    assert_refused(&o, &last, "not UTF-8 text");
}

#[test]
fn a_symlink_in_the_contracts_directory_is_refused_not_skipped() {
    let w = World::build("", ALL_FILES, true, |m| {
        for r in [BASE, "master"] {
            m.on_query(
                "GET",
                &format!("{R}/contents/.github/contracts"),
                &format!("ref={r}"),
                Reply::json(
                    200,
                    json!([{"type": "symlink", "path": ".github/contracts/team.md", "name": "team.md"}]),
                ),
            );
        }
    });
    let o = w.event("pull_request", &opened(&w), &[]);
    let last = w.patches().pop().expect("the run was never completed");
    assert_refused(&o, &last, "a symbolic link");
    assert!(last["output"]
        .to_string()
        .contains(".github/contracts/team.md"));
}
