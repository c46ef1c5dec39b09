//! The GitHub source: builds the same snapshot as the offline source, from
//! the REST API. Contracts are read at the base SHA; files from every page;
//! merge state from the predecessors' merged pull requests.

use std::collections::BTreeMap;

use tokio::task::JoinSet;

use super::client::Api;
pub(crate) use super::merge_state::OpenPr;
use super::merge_state::{fetch_merge_state, Refs};
use super::models::{ApiPullRequest as ApiPr, Compare, ContentEntry, PrFile};
use super::repo::{contract_file, file_at};
pub(crate) use super::repo::{GithubLoadError, RepoId};
use crate::source::contracts::{
    normalise_path, ContractFile, DEFAULT_CONTRACT, DEFAULT_CONTRACT_DIR,
};
use contract_gate_core::change::{ChangeStatus, ChangedFile, MergeState, PrSnapshot, Removals};
use contract_gate_core::ci_evidence::CiResults;
use contract_gate_core::contract::{self, Contract};
use contract_gate_core::evaluate::{claims, needs_removals, Claim};

/// GitHub lists at most this many files of a pull request.
const MAX_FILES: u64 = 3000;
const PER_PAGE: u64 = 100;

/// What to judge: a pull request, or a merge-queue entry of one.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) number: u64,
    /// For a merge group: judge `base_sha...head_sha` instead of the PR's files.
    pub(crate) merge_group: Option<(String, String)>,
    /// The PR as a `pull_request` event delivered it (the same object the
    /// pulls API answers): not read again. The head is re-read anyway just
    /// before posting, so a stale payload never reports.
    pub(crate) delivered: Option<ApiPr>,
}

/// Everything the evaluator needs, read from the API.
#[derive(Debug)]
pub(crate) struct GithubSnapshot {
    pub(crate) contracts: Vec<Contract>,
    pub(crate) pr: PrSnapshot,
    pub(crate) merge: MergeState,
    /// The SHA the verdict is about (the PR head, or the merge group head).
    pub(crate) head_sha: String,
    pub(crate) base_sha: String,
    pub(crate) number: u64,
    /// The head SHA's check-runs and statuses, read when a contract has a
    /// verification matrix (the core judges its rows against them).
    pub(crate) ci: Option<CiResults>,
    /// The PR author's login (empty when GitHub gives none).
    pub(crate) author: String,
    /// The open pull request of each agent the merge state looked up.
    pub(crate) open_prs: BTreeMap<String, OpenPr>,
}

/// The contracts at `sha`: explicit paths, or `CONTRACT.md` plus
/// `.github/contracts/*.md`, fetched concurrently.
pub(crate) async fn fetch_contracts(
    api: &Api,
    repo: &RepoId,
    sha: &str,
    explicit: &[String],
) -> Result<Vec<Contract>, GithubLoadError> {
    let mut paths: Vec<String> = Vec::new();
    let mut refused_entries: Vec<(String, &str)> = Vec::new();
    let required = !explicit.is_empty();
    if required {
        for p in explicit {
            let p = normalise_path(p);
            if !paths.contains(&p) {
                paths.push(p);
            }
        }
    } else {
        paths.push(DEFAULT_CONTRACT.to_string());
        let listing: Option<Vec<ContentEntry>> = api
            .get_json_opt(
                &repo.path(&format!("/contents/{DEFAULT_CONTRACT_DIR}")),
                &[("ref", sha.to_string())],
            )
            .await?;
        let listing = listing.unwrap_or_default();
        let mut more: Vec<String> = listing
            .iter()
            .filter(|e| e.kind == "file" && e.path.ends_with(".md"))
            .map(|e| e.path.clone())
            .collect();
        more.sort();
        paths.extend(more);
        refused_entries = listing
            .into_iter()
            .filter(|e| e.path.ends_with(".md"))
            .filter_map(|e| match e.kind.as_str() {
                "symlink" => Some((e.path, "a symbolic link")),
                "submodule" => Some((e.path, "a submodule (gitlink)")),
                _ => None,
            })
            .collect();
        refused_entries.sort();
    }
    let mut set = JoinSet::new();
    for (i, p) in paths.iter().enumerate() {
        let (api, repo, p, sha) = (api.clone(), repo.clone(), p.clone(), sha.to_string());
        set.spawn(async move { (i, contract_file(&api, &repo, &p, &sha).await) });
    }
    let mut found: Vec<ContractFile> = vec![ContractFile::Missing; paths.len()];
    while let Some(r) = set.join_next().await {
        let (i, r) = r.map_err(|e| GithubLoadError::Other(format!("a task failed: {e}")))?;
        found[i] = r?;
    }
    // Entries of the contracts directory that are links or submodules are
    // refused, never skipped: one of them may be the contract meant.
    for (p, what) in refused_entries {
        found.push(ContractFile::Refused(what.to_string()));
        paths.push(p);
    }
    let mut out = Vec::new();
    for (p, file) in paths.iter().zip(found) {
        match file {
            ContractFile::Text(s) => out.push(contract::parse(p, &s)),
            ContractFile::Refused(what) => out.push(contract::refused(p, &what)),
            ContractFile::Missing if required => {
                return Err(GithubLoadError::MissingContract {
                    path: p.clone(),
                    sha: sha.to_string(),
                })
            }
            ContractFile::Missing => {}
        }
    }
    contract::validate_set(&mut out);
    Ok(out)
}

fn changed_file(f: &PrFile) -> ChangedFile {
    let status = match f.status.as_str() {
        "added" => ChangeStatus::Added,
        "removed" => ChangeStatus::Deleted,
        "renamed" => ChangeStatus::Renamed,
        "copied" => ChangeStatus::Copied,
        // "modified", "changed", "unchanged": the path is in the change set.
        "modified" | "changed" | "unchanged" => ChangeStatus::Modified,
        // A status this gate does not know (see `unknown_status`): every
        // name GitHub gives is judged, the old one too.
        _ if f.previous_filename.is_some() => ChangeStatus::Renamed,
        _ => ChangeStatus::Modified,
    };
    let mut c = ChangedFile::new(f.filename.clone(), status);
    c.previous_path = f.previous_filename.clone();
    c
}

/// A file status GitHub gave that the gate does not know: the change cannot
/// be judged whole (what did that file's change do?), so it fails closed.
fn unknown_status(files: &[PrFile]) -> Option<String> {
    const KNOWN: &[&str] = &[
        "added",
        "removed",
        "renamed",
        "copied",
        "modified",
        "changed",
        "unchanged",
    ];
    let f = files.iter().find(|f| !KNOWN.contains(&f.status.as_str()))?;
    Some(format!(
        "GitHub lists `{}` with the file status `{}`, which this gate does not know; failing closed",
        f.filename, f.status
    ))
}

/// What the branch's claim needs besides the files, read together: the
/// removed lines of its additions-only files, the interface scan and the
/// merge state (nothing for a branch no contract claims).
async fn read_for_claim(
    api: &Api,
    repo: &RepoId,
    contracts: &[Contract],
    api_files: &[PrFile],
    files: &mut [ChangedFile],
    base_sha: &str,
    refs: Refs<'_>,
) -> Result<
    (
        Vec<contract_gate_core::interface::ItemScan>,
        (MergeState, BTreeMap<String, OpenPr>),
    ),
    GithubLoadError,
> {
    let Some(&first) = claims(contracts, refs.head_branch).first() else {
        return Ok((Vec::new(), (MergeState::new(), BTreeMap::new())));
    };
    let ci = match first {
        Claim::Agent { contract, .. } | Claim::Integrator { contract } => contract,
    };
    let wanted = match first {
        Claim::Agent { contract, agent } => needs_removals(&contracts[contract], agent, files),
        Claim::Integrator { .. } => Vec::new(),
    };
    let patches: BTreeMap<String, Option<String>> = api_files
        .iter()
        .map(|f| (f.filename.clone(), f.patch.clone()))
        .collect();
    let head_sha = refs.head_sha;
    let (removals, interface, merge) = tokio::join!(
        fill_removals(api, repo, files, &patches, &wanted, base_sha, head_sha),
        super::interface_scan::scan(api, repo, &contracts[ci], api_files, base_sha, head_sha),
        fetch_merge_state(api, repo, &contracts[ci], first, refs)
    );
    removals?;
    Ok((interface?, merge?))
}

/// The change's files as listed: every file, and why the list is not the
/// whole change when it is not.
struct Listed {
    files: Vec<PrFile>,
    /// `None`: the list is whole (its count agrees with the PR's).
    truncated: Option<String>,
}

/// Lists the change's files on a task of its own: every page of the PR's
/// files (checked against `changed_files` as the API reports it now), or a
/// merge group's compare.
fn spawn_files(
    api: &Api,
    repo: &RepoId,
    pr: &ApiPr,
    target: &Target,
) -> tokio::task::JoinHandle<Result<Listed, GithubLoadError>> {
    let (api, repo) = (api.clone(), repo.clone());
    let number = pr.number;
    let group = target.merge_group.clone();
    // The event's count may be stale: the PR is read again beside the
    // files (unless it was just read), and the list must match that count.
    let delivered = target
        .delivered
        .as_ref()
        .is_some_and(|d| d.changed_files.is_some());
    let reread = (!delivered).then(|| pr.clone());
    let head_sha = pr.head.sha.clone();
    tokio::spawn(async move {
        match group {
            Some((b, h)) => {
                let c: Compare = api
                    .get_json(&repo.path(&format!("/compare/{b}...{h}")), &[])
                    .await?;
                let truncated = (c.files.len() >= 300).then(|| {
                    "the compare API lists at most 300 files for this merge group".to_string()
                });
                Ok(Listed {
                    files: c.files,
                    truncated,
                })
            }
            None => {
                let now = async {
                    match reread {
                        Some(pr) => Ok::<ApiPr, GithubLoadError>(pr),
                        None => Ok(api
                            .get_json(&repo.path(&format!("/pulls/{number}")), &[])
                            .await?),
                    }
                };
                let hint = pr_files_hint(&api, &repo, number);
                let (now, first) = tokio::join!(now, hint);
                let now = now?;
                let (files, ended) =
                    pr_files(&api, &repo, number, now.changed_files, first?).await?;
                let truncated = file_count_problem(&now, &head_sha, files.len(), ended);
                Ok(Listed { files, truncated })
            }
        }
    })
}

/// Why a pull request's listed files are not the whole change, when they
/// are not: a list GitHub capped, one that went on past the pages read, one
/// whose length disagrees with `changed_files` as re-read from the API, or
/// one of a head that moved while it was read. Such a list is never judged
/// as if whole.
fn file_count_problem(now: &ApiPr, head_sha: &str, listed: usize, ended: bool) -> Option<String> {
    let Some(changed) = now.changed_files else {
        return Some(format!(
            "GitHub gave no `changed_files` for the pull request, so the {listed} files listed cannot be checked to be all of them"
        ));
    };
    if changed > MAX_FILES {
        Some(format!(
            "the pull request changes {changed} files and GitHub lists at most {MAX_FILES}: a truncated list is never judged as if whole"
        ))
    } else if !ended {
        Some(format!(
            "GitHub's list of the pull request's files goes on past {listed} files ({MAX_FILES} at most are read): a truncated list is never judged as if whole"
        ))
    } else if listed as u64 != changed {
        Some(format!(
            "the pull request changes {changed} files (as GitHub reports it now) and GitHub listed {listed}: a list that disagrees with its count is never judged as if whole"
        ))
    } else if now.head.sha != head_sha {
        Some(format!(
            "the pull request's head moved from {head_sha} to {} while it was read: its files are the new head's; the next event judges it",
            now.head.sha
        ))
    } else {
        None
    }
}

type FilesPage = super::client::Page<Vec<PrFile>>;

/// The first page of a pull request's files.
async fn pr_files_hint(
    api: &Api,
    repo: &RepoId,
    number: u64,
) -> Result<FilesPage, GithubLoadError> {
    Ok(api
        .get_page(
            &repo.path(&format!("/pulls/{number}/files")),
            &page_query(1),
        )
        .await?)
}

fn page_query(page: u64) -> Vec<(&'static str, String)> {
    vec![
        ("per_page", PER_PAGE.to_string()),
        ("page", page.to_string()),
    ]
}

/// Every page of a pull request's files: the pages `changed` says there
/// are, fetched concurrently after the first, then `Link: rel="next"`
/// followed from the last one to the end (a count can be stale), at most
/// 3,000 files. Whether the list ended within that.
async fn pr_files(
    api: &Api,
    repo: &RepoId,
    number: u64,
    changed: Option<u64>,
    first: FilesPage,
) -> Result<(Vec<PrFile>, bool), GithubLoadError> {
    let max_pages = MAX_FILES.div_ceil(PER_PAGE);
    let pages = changed
        .unwrap_or(0)
        .min(MAX_FILES)
        .div_ceil(PER_PAGE)
        .max(1);
    let mut set = JoinSet::new();
    for page in 2..=pages {
        let (api, path) = (api.clone(), repo.path(&format!("/pulls/{number}/files")));
        set.spawn(async move {
            (
                page,
                api.get_page::<Vec<PrFile>>(&path, &page_query(page)).await,
            )
        });
    }
    let mut by_page = BTreeMap::new();
    by_page.insert(1, first);
    while let Some(r) = set.join_next().await {
        let (page, r) = r.map_err(|e| GithubLoadError::Other(format!("a task failed: {e}")))?;
        by_page.insert(page, r?);
    }
    let mut read = by_page.len() as u64;
    let mut next = by_page.values().next_back().and_then(|p| p.next.clone());
    let mut files: Vec<PrFile> = by_page.into_values().flat_map(|p| p.items).collect();
    while let Some(url) = next {
        if read >= max_pages {
            return Ok((files, false));
        }
        let page: FilesPage = api.get_page(&url, &[]).await?;
        read += 1;
        next = page.next;
        files.extend(page.items);
    }
    Ok((files, true))
}

/// Head-side removals of additions-only files: from `patch`, or when GitHub
/// omits it (large or binary diffs), from both versions of the file.
async fn fill_removals(
    api: &Api,
    repo: &RepoId,
    files: &mut [ChangedFile],
    patches: &BTreeMap<String, Option<String>>,
    wanted: &[String],
    base_sha: &str,
    head_sha: &str,
) -> Result<(), GithubLoadError> {
    let mut set = JoinSet::new();
    for (i, f) in files.iter().enumerate() {
        if !wanted.contains(&f.path) {
            continue;
        }
        if let Some(Some(p)) = patches.get(&f.path) {
            let lines = contract_gate_core::diff::removals_in_patch(p);
            set.spawn(async move { (i, Ok(Removals::Known(lines))) });
            continue;
        }
        let old_path = f.previous_path.clone().unwrap_or_else(|| f.path.clone());
        let (api, repo, new_path) = (api.clone(), repo.clone(), f.path.clone());
        let (base, head) = (base_sha.to_string(), head_sha.to_string());
        set.spawn(async move {
            let old = file_at(&api, &repo, &old_path, &base).await;
            let new = file_at(&api, &repo, &new_path, &head).await;
            let r = match (old, new) {
                (Ok(Some(a)), Ok(Some(b))) => Ok(Removals::Known(
                    contract_gate_core::diff::removals_between(&a, &b),
                )),
                (Err(e), _) | (_, Err(e)) => Err(e),
                _ => Ok(Removals::Unavailable(
                    "GitHub sent no patch and the file could not be read at both SHAs".into(),
                )),
            };
            (i, r)
        });
    }
    while let Some(r) = set.join_next().await {
        let (i, r) = r.map_err(|e| GithubLoadError::Other(format!("a task failed: {e}")))?;
        files[i].removals = match r {
            Ok(rem) => rem,
            Err(e) => Removals::Unavailable(format!(
                "GitHub sent no patch and reading the file failed: {e}"
            )),
        };
    }
    Ok(())
}

/// Loads a pull request (or a merge-queue entry of it) as a snapshot.
pub(crate) async fn load(
    api: &Api,
    repo: &RepoId,
    target: &Target,
    explicit_contracts: &[String],
) -> Result<GithubSnapshot, GithubLoadError> {
    // A payload without `changed_files` could hide a truncated file list:
    // the API is asked then.
    let pr: ApiPr = match &target.delivered {
        Some(pr) if pr.changed_files.is_some() => pr.clone(),
        _ => {
            api.get_json(&repo.path(&format!("/pulls/{}", target.number)), &[])
                .await?
        }
    };
    let (base_sha, head_sha) = match &target.merge_group {
        Some((b, h)) => (b.clone(), h.clone()),
        None => (pr.base.sha.clone(), pr.head.sha.clone()),
    };
    // Files and contracts are independent: fetch them together.
    let api_files = spawn_files(api, repo, &pr, target);
    let contracts = fetch_contracts(api, repo, &base_sha, explicit_contracts).await?;
    // CI evidence only matters to a matrix; read alongside the files.
    let ci = if contracts.iter().any(|c| !c.matrix.is_empty()) {
        Some(super::checks::fetch_ci(api, repo, &head_sha).await?)
    } else {
        None
    };
    let Listed {
        files: api_files,
        truncated,
    } = api_files
        .await
        .map_err(|e| GithubLoadError::Other(format!("a task failed: {e}")))??;

    let mut files: Vec<ChangedFile> = api_files.iter().map(changed_file).collect();

    let head_branch = pr.head.name.clone();
    let base_branch = pr.base.name.clone();
    let refs = Refs {
        base_branch: &base_branch,
        head_branch: &head_branch,
        head_sha: &head_sha,
        queue_base: target.merge_group.as_ref().map(|(b, _)| b.as_str()),
    };
    let (interface, (merge, open_prs)) = read_for_claim(
        api, repo, &contracts, &api_files, &mut files, &base_sha, refs,
    )
    .await?;
    Ok(GithubSnapshot {
        pr: PrSnapshot {
            branch: head_branch,
            base: base_branch,
            body: Some(pr.body.clone().unwrap_or_default()),
            files,
            files_truncated: truncated.or_else(|| unknown_status(&api_files)),
            interface,
        },
        contracts,
        merge,
        head_sha,
        base_sha,
        number: pr.number,
        ci,
        author: pr
            .user
            .as_ref()
            .map(|u| u.login.clone())
            .unwrap_or_default(),
        open_prs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_ids() {
        assert_eq!(
            RepoId::parse("octo-org/octo-repo"),
            Some(RepoId {
                owner: "octo-org".into(),
                name: "octo-repo".into()
            })
        );
        assert_eq!(RepoId::parse("nope"), None);
        assert_eq!(RepoId::parse("a/b/c"), None);
    }

    #[test]
    fn file_statuses() {
        let f = |s: &str| PrFile {
            filename: "a".into(),
            status: s.into(),
            previous_filename: None,
            patch: None,
        };
        assert_eq!(changed_file(&f("removed")).status, ChangeStatus::Deleted);
        assert_eq!(changed_file(&f("renamed")).status, ChangeStatus::Renamed);
        assert_eq!(changed_file(&f("changed")).status, ChangeStatus::Modified);
        let odd = f("moved");
        assert_eq!(changed_file(&odd).status, ChangeStatus::Modified);
        let why = unknown_status(&[f("added"), odd]).unwrap();
        assert!(
            why.contains("file status `moved`") && why.ends_with("failing closed"),
            "{why}"
        );
        assert_eq!(unknown_status(&[f("added"), f("unchanged")]), None);
    }
}
