//! From what the lines say to the steps: position words checked or placed,
//! and the "before" pairs of every line layered into stages.

use std::collections::HashMap;
use std::ops::Range;

use super::super::reader::Reader;
use super::super::{Code, MergeStep};
use super::words::{position_word, LAST};
use super::Chain;

/// Why a line's position words cannot be true or cannot place its groups.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum PositionError {
    #[error("`in between` needs every other agent placed by a position word")]
    BetweenUnplaced,
    #[error("`{words}` is not where its position word puts it")]
    Untrue { words: String },
    #[error("two agents are given the same position, or one past the end")]
    Taken,
    #[error("`in between` is clear only when it leaves one place between the others")]
    BetweenUnclear,
    #[error("`in between` leaves no agent before or after it")]
    BetweenAtEnd,
}

/// `first`, `last`, `second`, `in between` must be true of where the group
/// stands; the position form (`A first, C last, B in between`) puts the
/// groups where their words say.
pub(super) fn positions(ch: &mut Chain) -> Result<(), PositionError> {
    let n = ch.groups.len();
    let said: Vec<Option<Option<usize>>> = ch
        .groups
        .iter()
        .map(|g| {
            g.positions.iter().find_map(|w| {
                if LAST.contains(&w.as_str()) {
                    Some(Some(n - 1))
                } else {
                    position_word(w)
                }
            })
        })
        .collect();
    let chain_words = !ch.commas_only || n < 2 || said.iter().any(|s| s.is_none());
    if chain_words {
        // In a chain, a position word must be true where it stands.
        let order = linear(ch);
        for (k, s) in said.iter().enumerate() {
            match s {
                None => {}
                Some(None) => return Err(PositionError::BetweenUnplaced),
                Some(Some(p)) if *p == order[k] => {}
                Some(Some(_)) => {
                    return Err(PositionError::Untrue {
                        words: ch.groups[k].positions.join(" "),
                    })
                }
            }
        }
        return Ok(());
    }
    // The position form: every group has a word; place them.
    let mut slot: Vec<Option<usize>> = vec![None; n];
    let mut between = Vec::new();
    for (k, s) in said.iter().enumerate() {
        match s {
            Some(Some(p)) if *p < n && slot[*p].is_none() => slot[*p] = Some(k),
            Some(Some(_)) => return Err(PositionError::Taken),
            Some(None) => between.push(k),
            None => unreachable!(),
        }
    }
    let free: Vec<usize> = (0..n).filter(|p| slot[*p].is_none()).collect();
    if free.len() != between.len() || between.len() > 1 {
        return Err(PositionError::BetweenUnclear);
    }
    if let (Some(p), Some(k)) = (free.first(), between.first()) {
        if *p == 0 || *p == n - 1 {
            return Err(PositionError::BetweenAtEnd);
        }
        slot[*p] = Some(*k);
    }
    let groups = std::mem::take(&mut ch.groups);
    ch.groups = slot
        .into_iter()
        .map(|k| groups[k.unwrap_or(0)].clone())
        .collect();
    ch.forward = vec![true; n.saturating_sub(1)];
    Ok(())
}

/// Each group's 0-based position in the order a chain says (for the
/// position-word check): forward links count up, `after` links count down,
/// then shifted to start at 0.
pub(super) fn linear(ch: &Chain) -> Vec<usize> {
    let mut pos = vec![0i64; ch.groups.len()];
    for (k, f) in ch.forward.iter().enumerate() {
        pos[k + 1] = pos[k] + if *f { 1 } else { -1 };
    }
    let min = pos.iter().copied().min().unwrap_or(0);
    pos.iter().map(|p| (p - min) as usize).collect()
}

/// What a section's lines say, before it is settled into steps.
#[derive(Default)]
pub(super) struct Plan {
    /// Lines of one group each follow one another in the order written.
    pub(super) running: Vec<Chain>,
    /// Lines that say an order of their own.
    pub(super) chains: Vec<Chain>,
    /// Each agent where it is first named: index, span, note, order seen.
    pub(super) first: Vec<(usize, Range<usize>, Option<String>, usize)>,
}

impl Plan {
    pub(super) fn add(&mut self, ch: Chain) {
        for g in &ch.groups {
            for m in &g.members {
                if let Some(f) = self.first.iter_mut().find(|f| f.0 == m.0) {
                    if f.2.is_none() {
                        f.2.clone_from(&m.2);
                    }
                } else {
                    let n = self.first.len();
                    self.first.push((m.0, m.1.clone(), m.2.clone(), n));
                }
            }
        }
        if ch.groups.len() == 1 {
            // One running chain: each single step after the one before.
            match self.running.first_mut() {
                Some(r) => {
                    r.forward.push(true);
                    r.groups.extend(ch.groups);
                }
                None => self.running.push(ch),
            }
        } else {
            self.chains.push(ch);
        }
    }
}

impl Reader<'_> {
    /// The plan's steps, as layers of the order it says.
    pub(super) fn settle(&mut self, plan: Plan, section: &Range<usize>) {
        let Plan {
            running,
            chains,
            mut first,
        } = plan;
        let mut before: Vec<(usize, usize)> = Vec::new();
        let dup = |r: &mut Reader,
                   seen: &mut HashMap<usize, ()>,
                   m: &(usize, Range<usize>, Option<String>)| {
            if seen.insert(m.0, ()).is_some() {
                let n = r.c.agents[m.0].name.clone();
                r.err(
                    Code::MergeOrderDuplicate,
                    m.1.clone(),
                    format!("merge order lists `{n}` twice"),
                );
            }
        };
        for ch in running.iter().chain(&chains) {
            let mut seen = HashMap::new();
            for g in &ch.groups {
                for m in &g.members {
                    dup(self, &mut seen, m);
                }
            }
            // A name listed twice (an error already) adds no second place.
            let mut kept = std::collections::HashSet::new();
            let mut ch = Chain {
                groups: ch.groups.clone(),
                forward: ch.forward.clone(),
                commas_only: ch.commas_only,
            };
            for g in &mut ch.groups {
                g.members.retain(|m| kept.insert(m.0));
            }
            for (k, fwd) in ch.forward.iter().enumerate() {
                let (a, b) = (&ch.groups[k], &ch.groups[k + 1]);
                let (x, y) = if *fwd { (a, b) } else { (b, a) };
                for p in &x.members {
                    for q in &y.members {
                        before.push((p.0, q.0));
                    }
                }
            }
        }
        // Layers: an agent's stage is the longest "before" path to it,
        // found in one topological pass (Kahn), linear in agents and pairs.
        let nodes: Vec<usize> = first.iter().map(|f| f.0).collect();
        let mut stage: HashMap<usize, usize> = nodes.iter().map(|&n| (n, 0)).collect();
        let mut indeg: HashMap<usize, usize> = nodes.iter().map(|&n| (n, 0)).collect();
        let mut next: HashMap<usize, Vec<usize>> = HashMap::new();
        for &(a, b) in &before {
            next.entry(a).or_default().push(b);
            *indeg.entry(b).or_default() += 1;
        }
        let mut ready: Vec<usize> = nodes.iter().copied().filter(|n| indeg[n] == 0).collect();
        let mut done = 0;
        while let Some(n) = ready.pop() {
            done += 1;
            for &m in next.get(&n).map_or(&[][..], Vec::as_slice) {
                let want = stage[&n] + 1;
                if stage[&m] < want {
                    stage.insert(m, want);
                }
                let d = indeg.get_mut(&m).expect("every node has a degree");
                *d -= 1;
                if *d == 0 {
                    ready.push(m);
                }
            }
        }
        if done < nodes.len() {
            let mut stuck: Vec<&str> = nodes
                .iter()
                .filter(|n| indeg[n] > 0)
                .map(|&n| self.c.agents[n].name.as_str())
                .collect();
            let more = stuck.len().saturating_sub(5);
            stuck.truncate(5);
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            self.err(
                Code::MergeOrderCycle,
                section.clone(),
                format!(
                    "the merge order contradicts itself: {}{tail} each come before themselves through its lines",
                    stuck.join(", ")
                ),
            );
        }
        first.sort_by_key(|f| (stage[&f.0], f.3));
        for (idx, span, note, _) in first {
            self.ordered.insert(idx);
            self.c.merge_order.push(MergeStep {
                agent: self.c.agents[idx].name.clone(),
                note,
                span,
                stage: stage[&idx],
            });
        }
    }
}
