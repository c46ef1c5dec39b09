//! Merge order in its forms: a numbered list (`1.` or `1)`), one line or one
//! bullet with `→ -> => ⇒ >` or commas between names, prose ("agent-2 lands
//! first, then agent-1, then agent-3"), or a table with an Agent column.

use super::blocks::{Block, Cell, Section};
use super::items::{clean_name, split_list};
use super::parse::{locate, Reader};
use super::{Code, MergeStep};

const SECTION: &str = "Merge order";

/// Words that may stand before a name in prose orders.
const FILLERS: &[&str] = &[
    "then",
    "and",
    "finally",
    "first",
    "next",
    "last",
    "after that",
];

/// Splits a line into the parts naming one agent each.
fn parts(line: &str) -> Vec<String> {
    let mut l = line.to_string();
    for a in ["⇒", "=>", "->", " > "] {
        l = l.replace(a, "→");
    }
    let l = l.replace(", then ", "→").replace(" then ", "→");
    l.split('→')
        .flat_map(|p| {
            split_list(p)
                .into_iter()
                .map(|q| q.text.to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `agent-2 (migration first)` → (`agent-2`, Some(note)); the note is the
/// text in the first parentheses.
fn split_paren(raw: &str) -> (&str, Option<String>) {
    match raw.find('(') {
        Some(i) => (
            raw[..i].trim(),
            Some(raw[i + 1..].trim().trim_end_matches(')').trim().to_string())
                .filter(|n| !n.is_empty()),
        ),
        None => (raw.trim(), None),
    }
}

fn strip_fillers(mut t: &str) -> &str {
    loop {
        let lower = t.to_lowercase();
        match FILLERS
            .iter()
            .find(|f| lower.starts_with(*f) && lower[f.len()..].starts_with([' ', ',', ':']))
        {
            Some(f) => t = t[f.len()..].trim_start_matches([' ', ',', ':']),
            None => return t,
        }
    }
}

impl Reader<'_> {
    pub(super) fn merge_order_section(&mut self, s: &Section) {
        for b in &s.blocks {
            match b {
                Block::Item(it) => {
                    self.order_line(&it.cell, true);
                    for c in &it.children {
                        self.unreadable(c, SECTION);
                    }
                }
                Block::Paragraph(c) => self.order_line(c, false),
                Block::Table { header, rows } => self.order_table(header, rows),
            }
        }
    }

    /// One item or paragraph line; an item always names at least one agent.
    fn order_line(&mut self, cell: &Cell, item: bool) {
        let parts = parts(&cell.raw);
        let mut steps = Vec::new();
        for part in &parts {
            let (head, note) = split_paren(part);
            let head = clean_name(strip_fillers(&clean_name(head)));
            let found = self.leading_agent(&head).or_else(|| {
                // `Agents land in this order: agent-2`
                head.rsplit_once(':')
                    .and_then(|(_, t)| self.leading_agent(t.trim()))
            });
            match found {
                Some((i, _)) => steps.push((i, note, part.clone())),
                None if parts.len() > 1 || item => steps.push((usize::MAX, note, head)),
                None => {}
            }
        }
        let known = steps.iter().any(|s| s.0 != usize::MAX);
        let prose = steps.iter().any(|s| s.2.split_whitespace().count() > 3);
        if steps.is_empty() || (!known && (!item || prose)) {
            return self.unreadable(cell, SECTION);
        }
        self.read_line();
        for (i, note, text) in steps {
            let span = locate(self.src, &cell.span, text.trim());
            self.merge_step(i, text, note, span);
        }
    }

    fn order_table(&mut self, header: &[Cell], rows: &[Vec<Cell>]) {
        let heads: Vec<String> = header
            .iter()
            .map(|h| clean_name(&h.raw).to_lowercase())
            .collect();
        let col = heads
            .iter()
            .position(|h| matches!(h.as_str(), "agent" | "name" | "who" | "agent name"))
            .unwrap_or(usize::from(matches!(
                heads.first().map(String::as_str),
                Some("#" | "step" | "order" | "position" | "n" | "no")
            )));
        let note_col = heads.iter().position(|h| {
            matches!(
                h.as_str(),
                "why" | "reason" | "note" | "notes" | "depends on"
            )
        });
        for row in rows {
            let Some(c) = row.get(col) else { continue };
            let name = clean_name(&c.raw);
            let note = note_col
                .and_then(|n| row.get(n))
                .map(|n| clean_name(&n.raw))
                .filter(|n| !n.is_empty());
            let idx = self.agent_index(&name).unwrap_or(usize::MAX);
            self.read_line();
            self.merge_step(idx, name, note, c.span.clone());
        }
    }

    /// Appends one step; `usize::MAX` marks a name no agent has.
    fn merge_step(
        &mut self,
        idx: usize,
        text: String,
        note: Option<String>,
        span: std::ops::Range<usize>,
    ) {
        let name = if idx == usize::MAX {
            let n = clean_name(&text);
            self.err(
                Code::UnknownAgent,
                span.clone(),
                format!("merge order names unknown agent `{n}`"),
            );
            n
        } else {
            let n = self.c.agents[idx].name.clone();
            if !self.ordered.insert(idx) {
                self.err(
                    Code::MergeOrderDuplicate,
                    span.clone(),
                    format!("merge order lists `{n}` twice"),
                );
            }
            n
        };
        self.c.merge_order.push(MergeStep {
            agent: name,
            note,
            span,
        });
    }
}
