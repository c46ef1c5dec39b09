//! Issue 20 §8: GitHub's states are read as enums, and a state this
//! version does not know fails closed. Recorded payloads, one word altered.

use super::*;

/// The recorded compare, its `status` a word GitHub might add: the head is
/// not known to contain the merged predecessor, so the branch must rebase.
#[test]
fn an_unknown_compare_status_does_not_contain_the_predecessor() {
    let mut cmp: Value = serde_json::from_slice(&fixture("rest/compare.json")).unwrap();
    cmp["status"] = json!("sideways");
    let w = World::build("", ALL_FILES, true, move |m| {
        // The merge commit, then the predecessor's own head: neither is in.
        for sha in [MERGED_SHA, PRED_HEAD] {
            m.on(
                "GET",
                &format!("{R}/compare/{sha}...{HEAD}"),
                Reply::json(200, cmp.clone()),
            );
        }
    });
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let p = w.patches().last().cloned().unwrap();
    assert_eq!(p["conclusion"], "failure", "{p}");
    assert!(
        p["output"]["title"]
            .as_str()
            .unwrap()
            .contains("rebase onto"),
        "{p}"
    );
}

/// The predecessor's pull request, unmerged, in a state this version does
/// not know: not open (and not merged), so this PR waits on it.
#[test]
fn an_unknown_pull_request_state_is_not_open_nor_merged() {
    let mut pred = pr();
    pred["number"] = json!(1);
    pred["state"] = json!("archived");
    pred["head"]["ref"] = json!("agents/first");
    pred["head"]["sha"] = json!(PRED_HEAD);
    let w = World::build("", ALL_FILES, false, move |m| {
        m.on_query(
            "GET",
            &format!("{R}/pulls"),
            "state=all&head=Codertocat:agents/first&base=master",
            Reply::json(200, json!([pred.clone()])),
        );
    });
    let o = w.event("pull_request", &opened(&w), &[]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let p = w.patches().last().cloned().unwrap();
    assert_eq!(p["status"], "in_progress", "{p}");
    let summary = p["output"]["summary"].as_str().unwrap();
    assert!(summary.contains("agent-0 ⏳ no PR yet"), "{summary}");
}
