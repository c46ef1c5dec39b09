//! The `interface` rule's input on GitHub, read from the pull request's
//! patches: only the files whose patch removes or adds a line holding a
//! committed item's anchor word are read whole (base and head text, two
//! requests each), so a typical PR costs nothing more. A file GitHub sent no
//! patch for (binary, too large) is read too: unseen is never "kept".

use std::collections::BTreeSet;

use tokio::task::JoinSet;

use super::client::Api;
use super::models::PrFile;
use super::repo::{contract_file, file_at, GithubLoadError, RepoId};
use crate::source::contracts::ContractFile;
use contract_gate_core::contract::Contract;
use contract_gate_core::interface::{self, Commitment, FilePair, HeadState, ItemScan, Needle};

/// Past this many files to read whole, the scan refuses (fail closed)
/// rather than make hundreds of requests.
const MAX_READ: usize = 100;

/// Scans `contract`'s commitments over the PR's files.
pub(super) async fn scan(
    api: &Api,
    repo: &RepoId,
    contract: &Contract,
    files: &[PrFile],
    base_sha: &str,
    head_sha: &str,
) -> Result<Vec<ItemScan>, GithubLoadError> {
    let all = interface::commitments(contract);
    let items: Vec<Commitment> = all
        .iter()
        .filter(|k| !matches!(k.needle, Needle::Path(_)))
        .cloned()
        .collect();
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let anchors: Vec<&str> = items.iter().map(|k| k.needle.anchor()).collect();
    let mut wanted: Vec<&PrFile> = Vec::new();
    // Items some patch adds (moved into another file, or kept in a rewrite).
    let mut added_anywhere = BTreeSet::new();
    for f in files {
        let Some(patch) = &f.patch else {
            if f.status != "added" {
                wanted.push(f);
            }
            continue;
        };
        let (removed, added) = sides(patch);
        added_anywhere.extend(interface::present_in(&items, [added.as_str()]));
        let touches = |text: &str| anchors.iter().any(|a| !a.is_empty() && text.contains(a));
        if touches(&removed) || touches(&added) {
            wanted.push(f);
        }
    }
    if wanted.len() > MAX_READ {
        return Err(GithubLoadError::Other(format!(
            "{} changed files hold committed interface names; reading more than {MAX_READ} whole is refused (the interface rule cannot be judged)",
            wanted.len()
        )));
    }
    let pairs = read_pairs(api, repo, &wanted, base_sha, head_sha).await?;
    let first = interface::judge(&items, &pairs, &BTreeSet::new());
    let read: BTreeSet<&str> = pairs.iter().map(|p| p.head_path.as_str()).collect();
    let elsewhere = present_elsewhere(
        api,
        repo,
        (&all, &items, &first),
        &added_anywhere,
        &read,
        head_sha,
    )
    .await?;
    Ok(if elsewhere.is_empty() {
        first
    } else {
        interface::judge(&items, &pairs, &elsewhere)
    })
}

/// The removed and the added lines of a unified-diff patch, joined.
fn sides(patch: &str) -> (String, String) {
    let (mut removed, mut added) = (String::new(), String::new());
    for line in patch.lines() {
        if let Some(l) = line.strip_prefix('-') {
            removed.push_str(l);
            removed.push('\n');
        } else if let Some(l) = line.strip_prefix('+') {
            added.push_str(l);
            added.push('\n');
        }
    }
    (removed, added)
}

/// Head-side line numbers the patch adds or rewrites.
fn added_lines(patch: &str) -> BTreeSet<u32> {
    let mut out = BTreeSet::new();
    let mut line = 0u32;
    for l in patch.lines() {
        if let Some(h) = l.strip_prefix("@@ ") {
            line = h
                .split_whitespace()
                .find_map(|w| w.strip_prefix('+'))
                .and_then(|r| r.split(',').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
        } else if l.starts_with('+') {
            out.insert(line);
            line += 1;
        } else if !l.starts_with('-') && !l.starts_with('\\') {
            line += 1;
        }
    }
    out
}

async fn read_pairs(
    api: &Api,
    repo: &RepoId,
    wanted: &[&PrFile],
    base_sha: &str,
    head_sha: &str,
) -> Result<Vec<FilePair>, GithubLoadError> {
    let mut set = JoinSet::new();
    for (i, f) in wanted.iter().enumerate() {
        let base_path = f
            .previous_filename
            .clone()
            .unwrap_or_else(|| f.filename.clone());
        let head_path = f.filename.clone();
        let (added, removed) = (f.status == "added", f.status == "removed");
        let (api, repo) = (api.clone(), repo.clone());
        let (base_sha, head_sha) = (base_sha.to_string(), head_sha.to_string());
        let lines = f.patch.as_deref().map(added_lines);
        set.spawn(async move {
            let base = if added {
                None
            } else {
                file_at(&api, &repo, &base_path, &base_sha).await?
            };
            let head = if removed {
                None
            } else {
                file_at(&api, &repo, &head_path, &head_sha).await?
            };
            // No patch: every line of the head counts as changed.
            let added_lines = lines.unwrap_or_else(|| {
                (1..=head.as_deref().map_or(0, |t| t.lines().count() as u32)).collect()
            });
            Ok::<_, GithubLoadError>((
                i,
                FilePair {
                    base_path,
                    base,
                    head_path,
                    head,
                    added_lines,
                },
            ))
        });
    }
    let mut pairs: Vec<Option<FilePair>> = (0..wanted.len()).map(|_| None).collect();
    while let Some(r) = set.join_next().await {
        let (i, pair) = r.map_err(|e| GithubLoadError::Other(format!("a task failed: {e}")))??;
        pairs[i] = Some(pair);
    }
    Ok(pairs.into_iter().flatten().collect())
}

/// Items judged gone from the files read that the head still holds: added
/// by some patch (moved into another file), or in the committing agent's
/// location files (read at the head only when needed).
async fn present_elsewhere(
    api: &Api,
    repo: &RepoId,
    (all, items, first): (&[Commitment], &[Commitment], &[ItemScan]),
    added_anywhere: &BTreeSet<usize>,
    read: &BTreeSet<&str>,
    head_sha: &str,
) -> Result<BTreeSet<usize>, GithubLoadError> {
    let mut out = BTreeSet::new();
    let locations = interface::locations(all, |_| true);
    for s in first.iter().filter(|s| s.head == HeadState::Gone) {
        let Some(i) = items.iter().position(|k| *k == s.commitment) else {
            continue;
        };
        if added_anywhere.contains(&i) {
            out.insert(i);
            continue;
        }
        // A location already read as a changed file was judged with it.
        for path in locations
            .get(&items[i].agent)
            .into_iter()
            .flatten()
            .filter(|p| !read.contains(p.as_str()))
        {
            // Read through the contents API's JSON: a directory (a listing,
            // whose file names could match) or a link is not searched, so
            // the item stays "gone" there (closed).
            if let ContractFile::Text(text) = contract_file(api, repo, path, head_sha).await? {
                if !items[i].needle.lines_in(&text).is_empty() {
                    out.insert(i);
                    break;
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn patch_sides_and_added_lines() {
        let patch = "@@ -1,3 +1,3 @@\n export function requireAuth(req) {\n-  old();\n+  new();\n }\n@@ -10,0 +11,2 @@\n+a\n+b\n";
        let (removed, added) = super::sides(patch);
        assert_eq!(removed, "  old();\n");
        assert_eq!(added, "  new();\na\nb\n");
        let lines: Vec<u32> = super::added_lines(patch).into_iter().collect();
        assert_eq!(lines, vec![2, 11, 12]);
    }
}
