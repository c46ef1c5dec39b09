//! `contract-gate sweep`: re-judges every open PR into a base whose branch
//! belongs to a contract on that base (and the integrator's PR from an
//! integration branch), and posts fresh check-runs.

use super::post::{self, Posted, Stamp};
use super::run::{api, fail, judge, Settings, EXIT_ERROR};
use crate::report::checkrun;
use crate::source::github::client::{Api, ApiError};
use crate::source::github::loader::{self, Target};
use crate::source::github::models::ApiPullRequest as ApiPr;
use crate::term::emit;
use contract_gate_core::contract::Contract;
use contract_gate_core::evaluate::claims;

/// Runs the sweep of `base`; posts only with `post_it`.
pub(crate) async fn sweep(s: &Settings, base: &str, post_it: bool) -> i32 {
    match api(s) {
        Ok(api) => match api.require_token() {
            Ok(()) => sweep_with(s, &api, base, post_it).await,
            Err(e) => fail(s.format, None, &e.to_string()),
        },
        Err(e) => fail(s.format, None, &e.to_string()),
    }
}

pub(super) async fn sweep_with(s: &Settings, api: &Api, base: &str, post_it: bool) -> i32 {
    let contracts = match loader::fetch_contracts(api, &s.repo, base, &s.contracts).await {
        Ok(c) => c,
        Err(e) => return fail(s.format, None, &format!("sweep of {base}: {e}")),
    };
    let open = match open_prs(s, api, base, &contracts).await {
        Ok(o) => o,
        Err(e) => return fail(s.format, None, &format!("sweep of {base}: {e}")),
    };
    let mut code = 0;
    let mut lines = Vec::new();
    for pr in open
        .iter()
        .filter(|p| !claims(&contracts, &p.head.name).is_empty())
    {
        let (line, ok) = rejudge(s, api, base, pr, post_it).await;
        lines.push(line);
        if !ok {
            code = EXIT_ERROR;
        }
    }
    emit(&format!(
        "contract-gate sweep of {base}: {} open pull request(s), {} governed by a contract\n",
        open.len(),
        lines.len()
    ));
    for l in lines {
        emit(&format!("  {l}\n"));
    }
    eprintln!("contract-gate: {} API requests", api.requests());
    code
}

/// Open PRs into `base`, and (when `base` is an integration branch) the
/// integrator's PR from it: an agent merging into it moves that one.
async fn open_prs(
    s: &Settings,
    api: &Api,
    base: &str,
    contracts: &[Contract],
) -> Result<Vec<ApiPr>, ApiError> {
    let integration = contracts
        .iter()
        .any(|c| c.integration_branch.as_deref() == Some(base));
    let mut open: Vec<ApiPr> = Vec::new();
    let head = format!("{}:{base}", s.repo.owner);
    for (key, value) in [("base", base), ("head", head.as_str())] {
        // Every page, by `Link: rel="next"`: a PR left unread would never
        // be re-judged. Past 30 pages (3,000 open PRs) the sweep stops.
        let (pages, ended) = api
            .get_all_pages::<Vec<ApiPr>>(
                &s.repo.path("/pulls"),
                &[
                    ("state", "open".to_string()),
                    (key, value.to_string()),
                    ("per_page", "100".to_string()),
                ],
                30,
            )
            .await?;
        if !ended {
            return Err(ApiError::Incomplete {
                what: format!("open pull requests with {key} `{value}` (more than 30 pages)"),
            });
        }
        open.extend(
            pages
                .into_iter()
                .flatten()
                .filter(|p| key == "base" || (integration && p.head.name == base)),
        );
    }
    open.dedup_by_key(|p| p.number);
    Ok(open)
}

/// Judges one open PR again and posts (with `post_it`); its report line,
/// and whether it went without error.
async fn rejudge(s: &Settings, api: &Api, base: &str, pr: &ApiPr, post_it: bool) -> (String, bool) {
    let stamp = Stamp::now();
    let target = Target {
        number: pr.number,
        merge_group: None,
        delivered: None,
    };
    let (snapshot, mut v) = match judge(s, api, &target).await {
        Ok(x) => x,
        Err(e) => {
            let line = format!("#{} {}: could not evaluate: {e}", pr.number, pr.head.name);
            return (line, false);
        }
    };
    // The base moved: each PR is rehearsed again on the new base.
    let section = super::rehearsal::apply(&s.workspace, &snapshot, &mut v);
    let mut plan = checkrun::plan(&v);
    if let Some(section) = &section {
        checkrun::add_section(&mut plan, section);
    }
    let mut ok = true;
    let outcome = if post_it {
        let sha = &snapshot.head_sha;
        match post::report(api, &s.repo, Some(pr.number), sha, &stamp, &plan, None).await {
            Ok(Posted::Run { id, .. }) => format!("posted check-run {id}"),
            Ok(Posted::Skipped(why)) | Ok(Posted::Forbidden(why)) => format!("not posted: {why}"),
            Err(e) => {
                ok = false;
                format!("posting failed: {e}")
            }
        }
    } else {
        "dry run".to_string()
    };
    let line = format!(
        "#{} {} → {}: {} ({}) — {outcome}",
        pr.number,
        pr.head.name,
        base,
        plan.status.conclusion().unwrap_or("pending"),
        plan.title
    );
    (line, ok)
}
