//! Collects the input of the `interface` rule from git: where each committed
//! item occurs at the base in the files a change touched (plus the
//! commitments' locations), and whether it is still in the head. Only the
//! changed files and `git grep` hits are read, so big trees stay fast.

use std::collections::{BTreeMap, BTreeSet};

use super::git::GitError;
use super::merge_tree::{grep_lines, objects, texts, Plumb};
use contract_gate_core::change::{ChangeStatus, ChangedFile};
use contract_gate_core::contract::Contract;
use contract_gate_core::interface::{self, Commitment, FilePair, HeadState, ItemScan, Needle};

/// Scans `contract`'s commitments between two tree-ish (commits or trees).
pub fn scan(
    p: &Plumb,
    contract: &Contract,
    base: &str,
    head: &str,
    files: &[ChangedFile],
) -> Result<Vec<ItemScan>, GitError> {
    let all = interface::commitments(contract);
    let paths: Vec<String> = all
        .iter()
        .filter_map(|k| match &k.needle {
            Needle::Path(p) => Some(p.clone()),
            _ => None,
        })
        .collect();
    let found = exists(p, base, &paths)?;
    let locations = interface::locations(&all, |x| found.contains(x));
    let items: Vec<Commitment> = all
        .into_iter()
        .filter(|k| !matches!(k.needle, Needle::Path(_)))
        .collect();
    if items.is_empty() {
        return Ok(Vec::new());
    }
    // Base path → head path for every file the change touched.
    let mut moved: BTreeMap<String, Option<String>> = BTreeMap::new();
    for f in files {
        match f.status {
            ChangeStatus::Added => {}
            ChangeStatus::Deleted => {
                moved.insert(f.path.clone(), None);
            }
            ChangeStatus::Renamed => {
                let old = f.previous_path.clone().unwrap_or_else(|| f.path.clone());
                moved.insert(old, Some(f.path.clone()));
            }
            _ => {
                moved.insert(f.path.clone(), Some(f.path.clone()));
            }
        }
    }
    // The changed files are read whole (one cat-file process) and searched
    // here: a long pathspec list makes `git grep` slow. Locations (few, and
    // maybe directories) go through `git grep`.
    // Texts are read as `rev:path` (one `cat-file --batch` per side): a
    // second diff of the whole change only to learn blob ids cost more than
    // the check itself on a 100,000-file branch.
    let raw: BTreeMap<String, (String, String)> = BTreeMap::new();
    let changed: Vec<String> = moved.keys().cloned().collect();
    let mut hit_files: BTreeSet<String> = BTreeSet::new();
    for (path, text) in changed
        .iter()
        .zip(side_texts(p, base, &changed, &raw, false)?)
    {
        if text.is_some_and(|t| !interface::present_in(&items, [t.as_str()]).is_empty()) {
            hit_files.insert(path.clone());
        }
    }
    let located: Vec<String> = locations.values().flatten().cloned().collect();
    if !located.is_empty() {
        let anchors: Vec<String> = items
            .iter()
            .map(|k| k.needle.anchor().to_string())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        for (path, _, _) in grep_lines(p, base, &anchors, &located, false)? {
            hit_files.insert(path);
        }
    }
    let pairs = read_pairs(p, (base, head), &raw, &hit_files, &moved, &items)?;
    let first = interface::judge(&items, &pairs, &BTreeSet::new());
    let elsewhere = present_elsewhere(p, head, &items, &first, &locations)?;
    Ok(if elsewhere.is_empty() {
        first
    } else {
        interface::judge(&items, &pairs, &elsewhere)
    })
}

/// Which of `paths` exist at `rev` (files or directories).
fn exists(p: &Plumb, rev: &str, paths: &[String]) -> Result<BTreeSet<String>, GitError> {
    let mut out = BTreeSet::new();
    for path in paths {
        let o = p.output(&["cat-file", "-e", &format!("{rev}:{path}")])?;
        if o.status.success() {
            out.insert(path.clone());
        }
    }
    Ok(out)
}

/// Texts of paths on one side of the change: by blob id when the path
/// changed, else by `rev:path` (a location the change did not touch).
fn side_texts(
    p: &Plumb,
    rev: &str,
    paths: &[String],
    raw: &BTreeMap<String, (String, String)>,
    head_side: bool,
) -> Result<Vec<Option<String>>, GitError> {
    let names: Vec<String> = paths
        .iter()
        .map(|path| match raw.get(path) {
            // An all-zero id (absent on this side) is reported missing.
            Some((old, new)) => if head_side { new } else { old }.clone(),
            None => format!("{rev}:{path}"),
        })
        .collect();
    objects(p, &names)
}

fn read_pairs(
    p: &Plumb,
    (base, head): (&str, &str),
    raw: &BTreeMap<String, (String, String)>,
    hit_files: &BTreeSet<String>,
    moved: &BTreeMap<String, Option<String>>,
    items: &[Commitment],
) -> Result<Vec<FilePair>, GitError> {
    let base_paths: Vec<String> = hit_files.iter().cloned().collect();
    // Locations the change did not touch are the same file in the head.
    let head_paths: Vec<Option<String>> = base_paths
        .iter()
        .map(|b| moved.get(b).cloned().unwrap_or_else(|| Some(b.clone())))
        .collect();
    let base_texts = side_texts(p, base, &base_paths, raw, false)?;
    let wanted: Vec<String> = head_paths.iter().flatten().cloned().collect();
    let head_texts = side_texts(p, head, &wanted, raw, true)?;
    // Changed lines matter only where the head still holds an item.
    let holding: Vec<String> = wanted
        .iter()
        .zip(&head_texts)
        .filter(|(_, t)| {
            t.as_deref()
                .is_some_and(|t| !interface::present_in(items, [t]).is_empty())
        })
        .map(|(w, _)| w.clone())
        .collect();
    let added = added_lines(p, base, head, &holding)?;
    let mut head_texts = head_texts.into_iter();
    let mut out = Vec::new();
    for ((bp, bt), hp) in base_paths.into_iter().zip(base_texts).zip(head_paths) {
        let head_text = match &hp {
            Some(_) => head_texts.next().flatten(),
            None => None,
        };
        let head_path = hp.unwrap_or_default();
        out.push(FilePair {
            added_lines: added.get(&head_path).cloned().unwrap_or_default(),
            base_path: bp,
            base: bt,
            head_path,
            head: head_text,
        });
    }
    Ok(out)
}

/// Lines each head file gained or had rewritten (`git diff -U0`).
fn added_lines(
    p: &Plumb,
    base: &str,
    head: &str,
    paths: &[String],
) -> Result<BTreeMap<String, BTreeSet<u32>>, GitError> {
    let mut out: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    for chunk in paths.chunks(2000) {
        let mut args: Vec<String> = [
            "diff",
            "-U0",
            "--no-color",
            "--no-ext-diff",
            "--no-prefix",
            "--no-renames",
            base,
            head,
            "--",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.extend(chunk.iter().map(|c| format!(":(literal){c}")));
        let diff = p.run(&args)?;
        let mut current: Option<String> = None;
        for line in String::from_utf8_lossy(&diff).lines() {
            if let Some(path) = line.strip_prefix("+++ ") {
                current = (path != "/dev/null").then(|| path.to_string());
            } else if let (Some(hunk), Some(path)) = (line.strip_prefix("@@ "), &current) {
                if let Some((start, count)) = new_range(hunk) {
                    out.entry(path.clone())
                        .or_default()
                        .extend(start..start + count);
                }
            }
        }
    }
    Ok(out)
}

/// `-a,b +c,d @@` → (c, d); a missing count is 1.
fn new_range(hunk: &str) -> Option<(u32, u32)> {
    let plus = hunk.split_whitespace().find(|w| w.starts_with('+'))?;
    let mut it = plus[1..].split(',');
    let start = it.next()?.parse().ok()?;
    let count = it.next().map_or(Some(1), |c| c.parse().ok())?;
    Some((start, count))
}

/// Items judged gone from the changed files that the head still holds
/// elsewhere: in the committing agent's locations, or (without locations)
/// anywhere in the tree.
fn present_elsewhere(
    p: &Plumb,
    head: &str,
    items: &[Commitment],
    first: &[ItemScan],
    locations: &BTreeMap<String, Vec<String>>,
) -> Result<BTreeSet<usize>, GitError> {
    let mut out = BTreeSet::new();
    for s in first.iter().filter(|s| s.head == HeadState::Gone) {
        let Some(i) = items.iter().position(|k| *k == s.commitment) else {
            continue;
        };
        let k = &items[i];
        let within = locations.get(&k.agent).cloned().unwrap_or_default();
        let hits = grep_lines(p, head, &[k.needle.anchor().to_string()], &within, false)?;
        let files: BTreeSet<String> = hits.into_iter().map(|(path, _, _)| path).collect();
        let files: Vec<String> = files.into_iter().collect();
        let t = texts(p, head, &files)?;
        let found = interface::present_in(
            std::slice::from_ref(k),
            t.iter().flatten().map(String::as_str),
        );
        if !found.is_empty() {
            out.insert(i);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn hunk_ranges() {
        assert_eq!(super::new_range("-1,2 +3,4 @@"), Some((3, 4)));
        assert_eq!(super::new_range("-1 +7 @@ fn x"), Some((7, 1)));
        assert_eq!(super::new_range("-3 +2,0 @@"), Some((2, 0)));
    }
}
