//! Merge order, read word by word. Every word of an order line is an agent
//! name, a word of the order vocabulary, or a note in parentheses (or after
//! a dash); any other word refuses the line (CG008), so a sentence the gate
//! half understands can never become a half order.
//!
//! Forms (the README's "Forms the gate reads"):
//! - a numbered or bulleted list, one step per item (`1. agent-2 (note)`);
//!   an item naming several agents (`2. agent-1 and agent-3 (in parallel)`)
//!   is one parallel step: they merge after the step before, in either order;
//! - a chain on one line: `A → B → C` (also `->`, `=>`, `⇒`, `>`, commas,
//!   `then`, `before`, `followed by`), or reversed with `after`
//!   (`B merges after A`); `first`, `next`, `finally`, `last` may stand where
//!   they are true;
//! - positions: `A first, C last, B in between` (also `second`, `third`, …);
//! - a table with an Agent column (rows in order).
//!
//! Lines of a section combine: single steps (`- agent-2`) follow each other
//! in the order written, and each chain adds its own "before" pairs. The
//! steps are then the layers of that order (a cycle is CG033).

use std::collections::HashMap;
use std::ops::Range;

use super::blocks::{Block, Cell, Section};
use super::items::clean_name;
use super::parse::{locate, Reader};
use super::{Code, MergeStep};

const SECTION: &str = "Merge order";

/// Words that carry no order themselves: verbs and articles of "agent-2
/// lands first", "agent-1 is merged after agent-2".
pub(super) const FILLERS: &[&str] = &[
    "lands",
    "land",
    "merges",
    "merge",
    "merged",
    "goes",
    "go",
    "comes",
    "come",
    "is",
    "are",
    "gets",
    "get",
    "must",
    "should",
    "will",
    "can",
    "then",
    "next",
    "after that",
    "by",
    "and then",
    "and finally",
    "the",
    "its",
    "step",
    "into",
    "in",
    "integration",
    "main",
    "base",
    "branch",
    "which",
    "who",
];

/// Words that put the next group after the one before.
pub(super) const FORWARD: &[&str] = &[
    "then",
    "before",
    "followed",
    "and then",
    "next",
    "after that",
];

/// Words marking a group of agents that merge in either order.
pub(super) const PARALLEL: &[&str] = &[
    "in parallel",
    "parallel",
    "together",
    "in either order",
    "either order",
    "any order",
    "in any order",
    "concurrently",
];

/// Words naming a position: 0-based ordinal, or `None` for "in between".
fn position_word(w: &str) -> Option<Option<usize>> {
    Some(match w {
        "first" | "firstly" => Some(0),
        "second" | "secondly" => Some(1),
        "third" | "thirdly" => Some(2),
        "fourth" => Some(3),
        "fifth" => Some(4),
        "sixth" => Some(5),
        "in between" | "in the middle" | "between them" | "in-between" => None,
        _ => return None,
    })
}

pub(super) const LAST: &[&str] = &["last", "lastly", "finally", "at the end"];

/// One word-level token of an order line.
#[derive(Debug, Clone)]
enum Tok {
    Name(usize, Range<usize>),
    Paren(String),
    /// `—`, `–`, ` - ` or `:` after a name: the rest of the line is a note.
    DashNote(String),
    Comma,
    Arrow,
    Word(String),
}

/// Agents that merge in either order, at one position of a chain.
#[derive(Debug, Default, Clone)]
struct Group {
    members: Vec<(usize, Range<usize>, Option<String>)>,
    parallel: bool,
    /// `first`, `last`, `second`, `in between`, … said of this group.
    positions: Vec<String>,
}

/// What one line says: groups in the order written and how each follows
/// the one before (`true`: after it; `false`: before it, from `after`).
#[derive(Debug, Default)]
struct Chain {
    groups: Vec<Group>,
    forward: Vec<bool>,
    /// Only commas link the groups (no arrow, `then`, `before`, `after`).
    commas_only: bool,
}

/// The longest words first, so `and then` wins over `and`.
fn phrase_at<'a>(lower: &str, words: &'a [&'a str]) -> Option<&'a str> {
    let mut best: Option<&str> = None;
    for w in words {
        if lower.starts_with(w)
            && lower[w.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric() && c != '-')
            && best.is_none_or(|b| w.len() > b.len())
        {
            best = Some(w);
        }
    }
    best
}

impl Reader<'_> {
    pub(super) fn merge_order_section(&mut self, s: &Section) {
        let mut plan = Plan::default();
        for b in &s.blocks {
            match b {
                Block::Item(it) => {
                    self.order_line(&it.cell, true, &mut plan);
                    for c in &it.children {
                        self.unreadable(c, SECTION);
                    }
                }
                Block::Paragraph(c) => self.order_line(c, false, &mut plan),
                Block::Table { header, rows } => self.order_table(header, rows, &mut plan),
            }
        }
        self.settle(plan, &s.span);
    }

    /// Splits a line into tokens, or says which word cannot be read.
    fn order_tokens(&self, text: &str, base: usize) -> Result<Vec<Tok>, String> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < text.len() {
            let rest = &text[i..];
            let c = rest.chars().next().unwrap_or(' ');
            if c.is_whitespace() || c == '.' && rest[1..].starts_with(char::is_whitespace) {
                i += c.len_utf8();
                continue;
            }
            if c == '(' {
                let mut depth = 0;
                let end = rest
                    .char_indices()
                    .find(|&(_, ch)| {
                        depth += match ch {
                            '(' => 1,
                            ')' => -1,
                            _ => 0,
                        };
                        depth == 0
                    })
                    .map(|(j, _)| j)
                    .ok_or_else(|| format!("`{rest}` opens a parenthesis it never closes"))?;
                out.push(Tok::Paren(rest[1..end].trim().to_string()));
                i += end + 1;
                continue;
            }
            if matches!(c, '—' | '–' | ':') || rest.starts_with("- ") {
                let note = rest[c.len_utf8()..].trim().trim_end_matches('.').trim();
                if matches!(out.last(), Some(Tok::Name(..)) | Some(Tok::Paren(_)))
                    && !note.is_empty()
                {
                    out.push(Tok::DashNote(note.to_string()));
                    break;
                }
                if c == ':' {
                    i += 1;
                    continue;
                }
            }
            if matches!(c, ',' | ';') {
                out.push(Tok::Comma);
                i += 1;
                continue;
            }
            if let Some(a) = ["→", "->", "=>", "⇒", ">"]
                .iter()
                .find(|a| rest.starts_with(*a))
            {
                out.push(Tok::Arrow);
                i += a.len();
                continue;
            }
            if let Some((idx, after)) = self.leading_agent(rest) {
                let end = text.len() - after.len();
                out.push(Tok::Name(idx, base + i..base + end));
                i = end;
                continue;
            }
            let lower = rest.to_lowercase();
            let multi = [FILLERS, FORWARD, PARALLEL, LAST]
                .iter()
                .filter_map(|l| phrase_at(&lower, l))
                .chain(
                    ["in between", "in the middle", "between them", "at the end"]
                        .iter()
                        .copied()
                        .filter(|p| lower.starts_with(p)),
                )
                .max_by_key(|p| p.len());
            let len = match multi {
                Some(p) if p.contains(' ') => p.len(),
                _ => rest
                    .find(|ch: char| ch.is_whitespace() || matches!(ch, ',' | ';' | '(' | ':'))
                    .unwrap_or(rest.len()),
            };
            let word = lower[..len].trim_end_matches(['.', '!']).to_string();
            if !word.is_empty() {
                out.push(Tok::Word(word));
            }
            i += len.max(1);
            while i < text.len() && !text.is_char_boundary(i) {
                i += 1;
            }
        }
        Ok(out)
    }

    /// One item or paragraph line into the plan, or refused.
    fn order_line(&mut self, cell: &Cell, item: bool, plan: &mut Plan) {
        let text = cell.raw.as_str();
        if !self.mentions_agent(text) {
            // A numbered item with one unknown name: `4. agent-9`.
            let name = clean_name(text);
            if item && !name.is_empty() && !name.contains(' ') {
                self.c.lines.refused += 1;
                return self.err(
                    Code::UnknownAgent,
                    locate(self.src, &cell.span, &name),
                    format!("merge order names unknown agent `{name}`"),
                );
            }
            return self.unreadable(cell, SECTION);
        }
        let base = cell.span.start;
        // Spans are found in the source by the tokens' text.
        let body = intro_stripped(self, text);
        // Words around the order are kept as notes, never dropped: the
        // introduction before the colon, and sentences naming no agent.
        let mut kept: Vec<&str> = Vec::new();
        let intro = text[..text.len() - body.len()].trim();
        if !intro.is_empty() {
            kept.push(intro);
        }
        let (order, prose): (Vec<&str>, Vec<&str>) = sentences(body)
            .into_iter()
            .partition(|s| self.mentions_agent(s));
        kept.extend(prose.into_iter().map(str::trim).filter(|s| !s.is_empty()));
        let chains: Result<Vec<Chain>, String> = order
            .into_iter()
            .map(|s| {
                self.order_tokens(s, base)
                    .and_then(|t| self.chain(&t, item))
            })
            .collect();
        match chains {
            Err(why) => {
                self.c.lines.refused += 1;
                let code = if why.starts_with("no agent of the contract") {
                    Code::UnknownAgent
                } else {
                    Code::UnreadableLine
                };
                self.c.diagnostics.push(
                    super::Diagnostic::error(
                        code,
                        cell.span.clone(),
                        format!("{SECTION}: cannot read `{text}`: {why}"),
                    )
                    .help("write one step per numbered item (`2. agent-1 and agent-3 (in parallel)`), or a chain `agent-2 → agent-1 → agent-3`; notes go in parentheses"),
                );
            }
            Ok(chains) => {
                self.read_line();
                for k in kept {
                    self.keep_note(SECTION, k);
                }
                for ch in chains {
                    let spans = self.fix_spans(cell, ch);
                    plan.add(spans);
                }
            }
        }
    }

    /// Tokens' spans were computed on the collapsed text; find them in the source.
    fn fix_spans(&self, cell: &Cell, mut ch: Chain) -> Chain {
        for g in &mut ch.groups {
            for m in &mut g.members {
                let name = &self.c.agents[m.0].name;
                let found = locate(self.src, &cell.span, name);
                m.1 = if found == cell.span {
                    m.1.clone()
                } else {
                    found
                };
            }
        }
        ch
    }

    /// Tokens into a chain of groups, every token accounted for.
    fn chain(&self, toks: &[Tok], item: bool) -> Result<Chain, String> {
        let mut ch = Chain::default();
        let mut g = Group::default();
        // What joins the next name to the group so far.
        #[derive(PartialEq)]
        enum Join {
            Start,
            And,
            Next(bool),
            None,
        }
        let mut join = Join::Start;
        let mut commas_only = true;
        // Position words said before a name (`finally agent-3`).
        let mut pending: Vec<String> = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            match &toks[i] {
                Tok::Name(idx, span) => {
                    match join {
                        Join::Start | Join::And => {}
                        Join::Next(fwd) => {
                            ch.groups.push(std::mem::take(&mut g));
                            ch.forward.push(fwd);
                        }
                        Join::None => {
                            return Err(format!(
                                "`{}` follows another name with nothing between them",
                                self.c.agents[*idx].name
                            ))
                        }
                    }
                    g.members.push((*idx, span.clone(), None));
                    g.positions.append(&mut pending);
                    join = Join::None;
                }
                Tok::Paren(p) => {
                    let lower = super::blocks::collapse_ws(&p.to_lowercase());
                    if PARALLEL.contains(&lower.as_str()) {
                        g.parallel = true;
                    } else if matches!(join, Join::Next(_)) {
                        return Err(format!(
                            "the note `({p})` follows an arrow or `then`, not an agent"
                        ));
                    } else if let Some(m) = g.members.last_mut() {
                        m.2 = Some(match m.2.take() {
                            Some(prev) => format!("{prev}; {p}"),
                            None => p.clone(),
                        });
                    } else {
                        return Err(format!("the note `({p})` follows no agent"));
                    }
                }
                Tok::DashNote(n) => match g.members.last_mut() {
                    Some(m) if m.2.is_none() => m.2 = Some(n.clone()),
                    Some(m) => m.2 = Some(format!("{}; {n}", m.2.take().unwrap_or_default())),
                    None => return Err(format!("the note `{n}` follows no agent")),
                },
                Tok::Comma => {
                    if join == Join::None {
                        join = Join::Next(true);
                    }
                }
                Tok::Arrow => {
                    commas_only = false;
                    join = Join::Next(true);
                }
                Tok::Word(w) => {
                    let w = w.as_str();
                    if w == "and" || w == "&" || w == "+" || w == "with" {
                        // `, and finally` / `and then` join nothing.
                        let next_is_order = matches!(toks.get(i + 1), Some(Tok::Word(n)) if FORWARD.contains(&n.as_str()) || LAST.contains(&n.as_str()));
                        if !next_is_order && !matches!(join, Join::Next(_)) {
                            join = Join::And;
                        }
                    } else if w == "after" {
                        commas_only = false;
                        join = Join::Next(false);
                    } else if FORWARD.contains(&w) {
                        commas_only = false;
                        join = Join::Next(true);
                    } else if PARALLEL.contains(&w) {
                        g.parallel = true;
                    } else if LAST.contains(&w) || position_word(w).is_some() {
                        // Right after a name it is said of that name's
                        // group; otherwise of the next name's.
                        if join == Join::None && w != "finally" {
                            g.positions.push(w.to_string());
                        } else {
                            pending.push(w.to_string());
                            if join == Join::None {
                                join = Join::Next(true);
                            }
                        }
                    } else if FILLERS.contains(&w) {
                    } else if w.contains(|c: char| c.is_ascii_digit()) || w.contains('-') {
                        return Err(format!("no agent of the contract is named `{w}`"));
                    } else {
                        return Err(format!(
                            "`{w}` is not a word the gate reads in a merge order"
                        ));
                    }
                }
            }
            i += 1;
        }
        if !g.members.is_empty() {
            ch.groups.push(g);
        }
        if !pending.is_empty() {
            return Err(
                "a position word stands after the last agent with no agent of its own".into(),
            );
        }
        if ch.groups.is_empty() {
            return Err("it names no agent".into());
        }
        // `2. agent-1, agent-3 (in parallel)`: an item of names and a marker.
        if item && commas_only && ch.groups.iter().any(|g| g.parallel) {
            let mut one = Group {
                parallel: true,
                ..Group::default()
            };
            for g in ch.groups.drain(..) {
                one.members.extend(g.members);
                one.positions.extend(g.positions);
            }
            ch.groups.push(one);
            ch.forward.clear();
        }
        for g in &ch.groups {
            if g.members.len() > 1 && !g.parallel && !item {
                return Err("names joined by `and` merge in which order? write `(in parallel)` after them, or an arrow between them".into());
            }
        }
        ch.commas_only = commas_only;
        positions(&mut ch)?;
        Ok(ch)
    }

    /// `| # | Agent | Why |`: rows in order; equal step numbers merge in
    /// parallel. A column the gate does not read refuses the table, and
    /// step numbers must not go down (the rows' order is the order).
    fn order_table(&mut self, header: &[Cell], rows: &[Vec<Cell>], plan: &mut Plan) {
        let heads: Vec<String> = header
            .iter()
            .map(|h| clean_name(&h.raw).to_lowercase())
            .collect();
        let is_step = |h: &str| {
            matches!(
                h,
                "#" | "step" | "order" | "position" | "n" | "no" | "stage"
            )
        };
        let is_note = |h: &str| matches!(h, "why" | "reason" | "note" | "notes" | "depends on");
        let col = heads
            .iter()
            .position(|h| matches!(h.as_str(), "agent" | "name" | "who" | "agent name"))
            .unwrap_or(usize::from(heads.first().is_some_and(|h| is_step(h))));
        let step_col = heads.iter().position(|h| is_step(h)).filter(|&i| i != col);
        let note_col = heads.iter().position(|h| is_note(h));
        for (i, h) in heads.iter().enumerate() {
            if i != col && Some(i) != step_col && Some(i) != note_col {
                self.c.lines.refused += rows.len();
                return self.err(
                    Code::UnreadableLine,
                    header[i].span.clone(),
                    format!("{SECTION}: the table column `{h}` is not one the gate reads (Agent, #, Why)"),
                );
            }
        }
        let mut chain = Chain {
            commas_only: true,
            ..Chain::default()
        };
        let mut last_step: Option<u64> = None;
        for row in rows {
            let Some(c) = row.get(col) else { continue };
            let name = clean_name(&c.raw);
            let note = note_col
                .and_then(|n| row.get(n))
                .map(|n| clean_name(&n.raw))
                .filter(|n| !n.is_empty());
            let step = match step_col.and_then(|i| row.get(i)) {
                None => None,
                Some(sc) => match clean_name(&sc.raw)
                    .trim_end_matches(['.', ')'])
                    .parse::<u64>()
                {
                    Ok(n) if last_step.is_none_or(|l| n >= l) => Some(n),
                    _ => {
                        self.c.lines.refused += 1;
                        self.err(
                            Code::UnreadableLine,
                            sc.span.clone(),
                            format!(
                                "{SECTION}: step `{}` is not a number after the step above it",
                                sc.raw
                            ),
                        );
                        continue;
                    }
                },
            };
            let Some(idx) = self.agent_index(&name) else {
                self.c.lines.refused += 1;
                self.err(
                    Code::UnknownAgent,
                    c.span.clone(),
                    format!("merge order names unknown agent `{name}`"),
                );
                continue;
            };
            self.read_line();
            let member = (idx, c.span.clone(), note);
            match chain.groups.last_mut() {
                // The same step number as the row above: in parallel.
                Some(g) if step.is_some() && step == last_step => {
                    g.members.push(member);
                    g.parallel = true;
                }
                _ => {
                    if !chain.groups.is_empty() {
                        chain.forward.push(true);
                    }
                    chain.groups.push(Group {
                        members: vec![member],
                        ..Group::default()
                    });
                }
            }
            last_step = step.or(last_step);
        }
        if !chain.groups.is_empty() {
            plan.add(chain);
        }
    }

    /// The plan's steps, as layers of the order it says.
    fn settle(&mut self, plan: Plan, section: &Range<usize>) {
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

/// `first`, `last`, `second`, `in between` must be true of where the group
/// stands; the position form (`A first, C last, B in between`) puts the
/// groups where their words say.
fn positions(ch: &mut Chain) -> Result<(), String> {
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
                Some(None) => {
                    return Err(
                        "`in between` needs every other agent placed by a position word".into(),
                    )
                }
                Some(Some(p)) if *p == order[k] => {}
                Some(Some(_)) => {
                    return Err(format!(
                        "`{}` is not where its position word puts it",
                        ch.groups[k].positions.join(" ")
                    ))
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
            Some(Some(_)) => {
                return Err("two agents are given the same position, or one past the end".into())
            }
            Some(None) => between.push(k),
            None => unreachable!(),
        }
    }
    let free: Vec<usize> = (0..n).filter(|p| slot[*p].is_none()).collect();
    if free.len() != between.len() || between.len() > 1 {
        return Err(
            "`in between` is clear only when it leaves one place between the others".into(),
        );
    }
    if let (Some(p), Some(k)) = (free.first(), between.first()) {
        if *p == 0 || *p == n - 1 {
            return Err("`in between` leaves no agent before or after it".into());
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
fn linear(ch: &Chain) -> Vec<usize> {
    let mut pos = vec![0i64; ch.groups.len()];
    for (k, f) in ch.forward.iter().enumerate() {
        pos[k + 1] = pos[k] + if *f { 1 } else { -1 };
    }
    let min = pos.iter().copied().min().unwrap_or(0);
    pos.iter().map(|p| (p - min) as usize).collect()
}

/// `The merge order is …: agent-2 lands first, …`: prose before the colon
/// that comes before the first agent name is an introduction, not an order.
fn intro_stripped<'t>(r: &Reader, text: &'t str) -> &'t str {
    let mut best = text;
    for (i, _) in text.match_indices(':') {
        let (head, tail) = (&text[..i], &text[i + 1..]);
        if !r.mentions_agent(head) && r.mentions_agent(tail) {
            best = tail;
        }
    }
    best
}

/// A line's sentences (`… then agent-3. Pick it deliberately.`): a full
/// stop followed by a space and a capital ends one.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = text.as_bytes();
    for i in 0..b.len() {
        if b[i] == b'.'
            && b.get(i + 1) == Some(&b' ')
            && b.get(i + 2).is_some_and(|c| c.is_ascii_uppercase())
        {
            out.push(&text[start..i]);
            start = i + 2;
        }
    }
    out.push(&text[start..]);
    out
}

/// What a section's lines say, before it is settled into steps.
#[derive(Default)]
struct Plan {
    /// Lines of one group each follow one another in the order written.
    running: Vec<Chain>,
    /// Lines that say an order of their own.
    chains: Vec<Chain>,
    /// Each agent where it is first named: index, span, note, order seen.
    first: Vec<(usize, Range<usize>, Option<String>, usize)>,
}

impl Plan {
    fn add(&mut self, ch: Chain) {
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
