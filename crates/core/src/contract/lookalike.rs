//! Head branches that no contract names but that look like an agent's: the
//! same prefix as a contract's agent branches (`agents/…`), or a small edit
//! away from one (`agents/upload` for `agents/uploads`). Such a branch is
//! almost always a typo or an agent working off-contract, so it fails.

use super::Contract;

/// The agent branch a look-alike head branch probably meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookAlike {
    /// The agent's branch, as the contract writes it.
    pub branch: String,
    /// The agent's name.
    pub agent: String,
    /// The contract's path.
    pub contract: String,
}

/// Edits allowed between a head branch and an agent's branch.
fn allowed(len: usize) -> usize {
    if len >= 8 {
        2
    } else {
        1
    }
}

/// Levenshtein distance, giving up (`None`) past `max`; branch names are short.
fn distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        if cur.iter().min().is_some_and(|&m| m > max) {
            return None;
        }
        prev = cur;
    }
    prev.last().copied().filter(|&d| d <= max)
}

/// The first path segment and its slash: `agents/` of `agents/uploads`.
fn prefix(branch: &str) -> Option<&str> {
    branch.find('/').map(|i| &branch[..=i])
}

/// The agent branch `head` probably meant, when `head` is named by no
/// contract: the nearest agent branch within a small edit distance, else
/// (when `head` shares an agent branch's prefix) the nearest agent branch
/// with that prefix.
pub fn lookalike_branch(contracts: &[Contract], head: &str) -> Option<LookAlike> {
    let mut near: Option<(usize, LookAlike)> = None;
    let mut same_prefix: Option<(usize, LookAlike)> = None;
    let head_prefix = prefix(head);
    for c in contracts {
        for a in &c.agents {
            let Some(b) = a.branch.as_deref() else {
                continue;
            };
            let hit = || LookAlike {
                branch: b.to_string(),
                agent: a.name.clone(),
                contract: c.path.clone(),
            };
            if let Some(d) = distance(head, b, allowed(b.len())) {
                if near.as_ref().is_none_or(|(nd, _)| d < *nd) {
                    near = Some((d, hit()));
                }
            } else if head_prefix.is_some() && prefix(b) == head_prefix {
                // Rank by a rough distance: shared leading characters.
                let common = head
                    .chars()
                    .zip(b.chars())
                    .take_while(|(x, y)| x == y)
                    .count();
                let score = usize::MAX - common;
                if same_prefix.as_ref().is_none_or(|(s, _)| score < *s) {
                    same_prefix = Some((score, hit()));
                }
            }
        }
    }
    near.or(same_prefix).map(|(_, l)| l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_is_bounded() {
        assert_eq!(distance("agents/upload", "agents/uploads", 2), Some(1));
        assert_eq!(distance("agents/uplaods", "agents/uploads", 2), Some(2));
        assert_eq!(distance("feature/login", "agents/uploads", 2), None);
    }
}
