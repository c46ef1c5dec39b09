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

use std::ops::Range;

use super::blocks::{Block, Cell, Section};
use super::items::clean_name;
use super::reader::{locate, Reader};
use super::Code;

mod plan;
mod words;

use plan::{positions, Plan, PositionError};
use words::{intro_stripped, sentences, Tok, TokenError, PARALLEL};
pub(super) use words::{position_word, FILLERS, FORWARD, LAST};

const SECTION: &str = "Merge order";

/// Why an order line is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum OrderError {
    #[error("`{name}` follows another name with nothing between them")]
    Adjacent { name: String },
    #[error("the note `({note})` follows an arrow or `then`, not an agent")]
    NoteAfterArrow { note: String },
    #[error("the note `({note})` follows no agent")]
    OrphanParen { note: String },
    #[error("the note `{note}` follows no agent")]
    OrphanDash { note: String },
    #[error("no agent of the contract is named `{word}`")]
    UnknownAgent { word: String },
    #[error("`{word}` is not a word the gate reads in a merge order")]
    UnknownWord { word: String },
    #[error("a position word stands after the last agent with no agent of its own")]
    TrailingPosition,
    #[error("it names no agent")]
    NoAgent,
    #[error("names joined by `and` merge in which order? write `(in parallel)` after them, or an arrow between them")]
    AndUnordered,
    #[error(transparent)]
    Tokens(#[from] TokenError),
    #[error(transparent)]
    Positions(#[from] PositionError),
}

impl OrderError {
    /// The diagnostic code the refused line is reported with.
    fn code(&self) -> Code {
        match self {
            OrderError::UnknownAgent { .. } => Code::UnknownAgent,
            _ => Code::UnreadableLine,
        }
    }
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
        let chains: Result<Vec<Chain>, OrderError> = order
            .into_iter()
            .map(|s| {
                self.order_tokens(s, base)
                    .map_err(OrderError::from)
                    .and_then(|t| self.chain(&t, item))
            })
            .collect();
        match chains {
            Err(why) => {
                self.c.lines.refused += 1;
                self.c.diagnostics.push(
                    super::Diagnostic::error(
                        why.code(),
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
    fn chain(&self, toks: &[Tok], item: bool) -> Result<Chain, OrderError> {
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
                            return Err(OrderError::Adjacent {
                                name: self.c.agents[*idx].name.clone(),
                            })
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
                        return Err(OrderError::NoteAfterArrow { note: p.clone() });
                    } else if let Some(m) = g.members.last_mut() {
                        m.2 = Some(match m.2.take() {
                            Some(prev) => format!("{prev}; {p}"),
                            None => p.clone(),
                        });
                    } else {
                        return Err(OrderError::OrphanParen { note: p.clone() });
                    }
                }
                Tok::DashNote(n) => match g.members.last_mut() {
                    Some(m) if m.2.is_none() => m.2 = Some(n.clone()),
                    Some(m) => m.2 = Some(format!("{}; {n}", m.2.take().unwrap_or_default())),
                    None => return Err(OrderError::OrphanDash { note: n.clone() }),
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
                        return Err(OrderError::UnknownAgent {
                            word: w.to_string(),
                        });
                    } else {
                        return Err(OrderError::UnknownWord {
                            word: w.to_string(),
                        });
                    }
                }
            }
            i += 1;
        }
        if !g.members.is_empty() {
            ch.groups.push(g);
        }
        if !pending.is_empty() {
            return Err(OrderError::TrailingPosition);
        }
        if ch.groups.is_empty() {
            return Err(OrderError::NoAgent);
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
                return Err(OrderError::AndUnordered);
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
}
