//! `contract-gate --pr N`: judges a real pull request and prints the
//! report; posts the check-run only with `--post`.

use super::post::{self, Posted, Stamp};
use super::run::{api, exit_code, fail, judge, Settings, EXIT_ERROR};
use crate::report::{checkrun, render};
use crate::source::github::loader::Target;
use crate::term::emit;

/// Runs `--pr N`. Without a token it stops at once and says how to get
/// one, rather than retrying unauthenticated requests into a 401 or 404.
pub(crate) async fn dry_run(s: &Settings, number: u64, post_it: bool) -> i32 {
    let api = match api(s) {
        Ok(a) => a,
        Err(e) => return fail(s.format, None, &e.to_string()),
    };
    if let Err(e) = api.require_token() {
        return fail(s.format, None, &e.to_string());
    }
    let stamp = Stamp::now();
    let target = Target {
        number,
        merge_group: None,
        delivered: None,
    };
    let (snapshot, mut v) = match judge(s, &api, &target).await {
        Ok(x) => x,
        Err(e) => return fail(s.format, None, &e.to_string()),
    };
    // Rehearsed as the action would, when run inside a checkout.
    let section = super::rehearsal::apply(&s.workspace, &snapshot, &mut v);
    let read_requests = api.requests();
    emit(&render(s.format, &v));
    let mut pending = false;
    if post_it {
        let mut plan = checkrun::plan(&v);
        if let Some(section) = &section {
            checkrun::add_section(&mut plan, section);
        }
        let sha = &snapshot.head_sha;
        match post::report(&api, &s.repo, Some(number), sha, &stamp, &plan, None).await {
            Ok(Posted::Run { id, .. }) => {
                pending = plan.status == checkrun::RunStatus::InProgress;
                eprintln!("contract-gate: posted check-run {id} on {sha}");
            }
            Ok(Posted::Skipped(why)) => eprintln!("contract-gate: not posted: {why}"),
            Ok(Posted::Forbidden(why)) => eprintln!("contract-gate: warning: {why}"),
            Err(e) => {
                eprintln!("contract-gate: posting failed: {e}");
                return EXIT_ERROR;
            }
        }
    }
    eprintln!(
        "contract-gate: {} API requests ({read_requests} to read the pull request)",
        api.requests()
    );
    exit_code(&v, pending)
}
