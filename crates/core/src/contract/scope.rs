//! Scope and Cannot touch in their forms: `- agent-1: a, b` lines (bold or
//! backticked names, several paths in one backtick span), nested bullets
//! under the agent, `agent-1 owns a and b` prose, tables, and per-agent
//! sub-headings (`### agent-1` followed by path items).

use super::blocks::{Block, Cell, Item, Section};
use super::entries::{entries, Entry};
use super::heading::is_exact_synonym;
use super::items::{clean_name, looks_like_path, path_list, split_note};
use super::reader::{locate, offset_in, Reader};
use super::{Code, PatternEntry};
use crate::pattern::Pattern;

/// Verbs between an agent's name and its paths in prose lines.
pub(super) const VERBS: &[&str] = &[
    "owns",
    "may edit",
    "may change",
    "may touch",
    "edits",
    "cannot touch",
    "can't touch",
    "can’t touch",
    "must not touch",
    "may not touch",
    "does not touch",
    "must not edit",
    "never touches",
];

/// What follows an agent's name: separators, then an optional verb.
fn after_name(rest: &str) -> &str {
    let mut r = rest;
    loop {
        r = r.trim_start_matches(|c: char| {
            c.is_whitespace() || matches!(c, ':' | '—' | '–' | '-' | '→')
        });
        // The closing `**` of `**agent-1:**`, never the `**` of `**/*.md`.
        match r.strip_prefix("**") {
            Some(t) if t.starts_with(char::is_whitespace) || t.starts_with(':') => r = t,
            _ => break,
        }
    }
    let lower = r.to_lowercase();
    for v in VERBS {
        if lower.starts_with(v) && r.is_char_boundary(v.len()) {
            return r[v.len()..].trim_start_matches([':', ' ']);
        }
    }
    r
}

impl Reader<'_> {
    /// Adds a list of paths (and prose notes) to an agent; false when the
    /// list held nothing at all. Every piece is read by the closed
    /// vocabulary of [`entries`](super::entries): a piece it refuses is an
    /// error, and the line counts as refused.
    pub(super) fn add_patterns(
        &mut self,
        agent: usize,
        cell: &Cell,
        list: &str,
        cannot: bool,
    ) -> bool {
        let pieces = entries(list);
        let base = offset_in(self.src, list);
        // Items come in source order: each is searched for after the one
        // before, so a line of 32,000 items is read in linear time.
        let mut cursor = cell.span.start;
        let mut span_of = |src: &str, r: &std::ops::Range<usize>| match base {
            Some(b) => b + r.start..b + r.end,
            None => {
                let text = &list[r.clone()];
                let rest = cursor.min(cell.span.end)..cell.span.end;
                let found = locate(src, &rest, text);
                if found == rest && text.len() != rest.len() {
                    locate(src, &cell.span, text)
                } else {
                    cursor = found.end;
                    found
                }
            }
        };
        for piece in &pieces {
            let span = span_of(self.src, piece.range());
            match piece {
                Entry::Prose { text, .. } => {
                    let what = if cannot { "cannot-touch" } else { "owned" };
                    let a = &mut self.c.agents[agent];
                    if cannot {
                        a.cannot_notes.push(text.clone());
                    } else {
                        a.notes.push(text.clone());
                    }
                    self.warn(
                        Code::ProseNote,
                        span,
                        format!(
                            "`{text}` is not a path: kept as a note for `{}`, not enforced as {what}",
                            self.c.agents[agent].name
                        ),
                    );
                }
                Entry::Refused { code, why, .. } => {
                    self.refuse_in_line();
                    self.c.diagnostics.push(
                        super::Diagnostic::error(*code, span, why.clone())
                            .help("the README's \"Forms the gate reads\" lists every form; anything else is refused, never dropped"),
                    );
                }
                Entry::Exclude { text, .. } => match Pattern::parse(text) {
                    Ok(p) => self.excludes.push((agent, cannot, p, span)),
                    Err(e) => self.err(Code::InvalidPattern, span, e.to_string()),
                },
                Entry::Path {
                    text,
                    additions_only,
                    read_only,
                    except,
                    ..
                } => self.add_path(
                    agent,
                    cannot,
                    span,
                    text,
                    *additions_only,
                    *read_only,
                    except,
                ),
            }
        }
        !pieces.is_empty()
    }

    /// One path of a Scope or Cannot-touch list, with its qualifiers.
    #[allow(clippy::too_many_arguments)]
    fn add_path(
        &mut self,
        agent: usize,
        cannot: bool,
        span: std::ops::Range<usize>,
        text: &str,
        additions_only: bool,
        read_only: bool,
        except: &[String],
    ) {
        if cannot && additions_only {
            self.refuse_in_line();
            return self.err(
                Code::UnknownQualifier,
                span,
                format!("`{text}` is under Cannot touch and `(additions only)`: a path is either owned with additions only (write it under Scope) or never touched"),
            );
        }
        let pattern = match Pattern::parse(text) {
            Ok(p) => p,
            Err(e) => return self.err(Code::InvalidPattern, span, e.to_string()),
        };
        let ex = self.exceptions(&pattern, text, except, &span);
        let entry = PatternEntry {
            pattern,
            span,
            additions_only,
            except: ex,
        };
        // `(read-only)` in a Scope: the agent may read the path, never edit it.
        let a = &mut self.c.agents[agent];
        if cannot || read_only {
            a.cannot_touch.push(entry);
        } else {
            a.owns.push(entry);
        }
    }

    /// Scope / Cannot touch, every form.
    pub(super) fn pattern_section(&mut self, s: &Section, cannot: bool) {
        // `## Scope` / `### agent-1`: the sub-heading names the agent.
        let sub = (!is_exact_synonym(&s.heading))
            .then(|| self.leading_agent(&s.heading))
            .flatten()
            .filter(|(_, rest)| clean_name(rest).is_empty() || rest.trim_start().starts_with('('))
            .map(|(i, _)| i);
        let name = if cannot { "Cannot touch" } else { "Scope" };
        for b in &s.blocks {
            match b {
                Block::Item(it) => self.pattern_item(it, sub, cannot, name),
                Block::Paragraph(c) => {
                    if !self.pattern_line(c, sub, cannot) {
                        self.unreadable(c, name);
                    }
                }
                Block::Table { header, rows } => self.pattern_table(header, rows, cannot, name),
            }
        }
    }

    fn pattern_item(&mut self, it: &Item, sub: Option<usize>, cannot: bool, section: &str) {
        if it.children.is_empty() {
            if !self.pattern_line(&it.cell, sub, cannot) {
                self.unknown_or_unreadable(&it.cell, section);
            }
            return;
        }
        // `- agent-1` with the paths as nested bullets.
        let Some((idx, rest)) = self.leading_agent(&it.cell.raw) else {
            self.unknown_or_unreadable(&it.cell, section);
            for c in &it.children {
                self.unreadable(c, section);
            }
            return;
        };
        self.add_patterns(idx, &it.cell, after_name(rest), cannot);
        self.read_line();
        for c in &it.children {
            if self.add_patterns(idx, c, &c.raw, cannot) {
                self.read_line();
            }
        }
    }

    /// `agent-1: a, b` / `agent-1 owns a and b` / (under `### agent-1`) `a, b`.
    fn pattern_line(&mut self, cell: &Cell, sub: Option<usize>, cannot: bool) -> bool {
        let (idx, list) = match self.leading_agent(&cell.raw) {
            Some((i, rest)) => (i, after_name(rest)),
            None => match sub {
                Some(i)
                    if looks_like_path(
                        split_note(path_list(&cell.raw).first().map_or("", |p| p.text)).0,
                    ) =>
                {
                    (i, cell.raw.as_str())
                }
                _ => return false,
            },
        };
        // A prose line ends with a full stop, never part of the last path.
        let list = list.trim_end().trim_end_matches('.');
        if !self.add_patterns(idx, cell, list, cannot) {
            return false;
        }
        self.read_line();
        true
    }

    /// `ghost: src/**` names an agent the contract does not define.
    fn unknown_or_unreadable(&mut self, cell: &Cell, section: &str) {
        if let Some((name, list)) = cell.raw.split_once(':') {
            let name = clean_name(name);
            if !name.is_empty()
                && name.split_whitespace().count() <= 3
                && !path_list(list).is_empty()
            {
                self.c.lines.refused += 1;
                return self.err(
                    Code::UnknownAgent,
                    locate(self.src, &cell.span, &name),
                    format!("no Worktrees/Agents entry names agent `{name}`"),
                );
            }
        }
        self.unreadable(cell, section);
    }

    /// `| Agent | Owns |` (or Paths, Scope, Cannot touch, …).
    fn pattern_table(&mut self, header: &[Cell], rows: &[Vec<Cell>], cannot: bool, section: &str) {
        let heads: Vec<String> = header
            .iter()
            .map(|h| clean_name(&h.raw).to_lowercase())
            .collect();
        let agent_col = heads
            .iter()
            .position(|h| matches!(h.as_str(), "agent" | "name" | "who" | "agent name"))
            .unwrap_or(0);
        let path_col = heads
            .iter()
            .position(|h| {
                matches!(
                    h.as_str(),
                    "owns"
                        | "owned files"
                        | "owned paths"
                        | "paths"
                        | "files"
                        | "scope"
                        | "cannot touch"
                        | "can't touch"
                        | "can’t touch"
                        | "forbidden"
                        | "off limits"
                        | "read-only"
                )
            })
            .unwrap_or(if agent_col == 0 { 1 } else { 0 });
        for row in rows {
            let (Some(a), Some(p)) = (row.get(agent_col), row.get(path_col)) else {
                if let Some(c) = row.first() {
                    self.unreadable(c, section);
                }
                continue;
            };
            let name = clean_name(&a.raw);
            match self.agent_index(&name) {
                Some(idx) => {
                    if self.add_patterns(idx, p, &p.raw, cannot) {
                        self.read_line();
                    }
                }
                None => {
                    self.c.lines.refused += 1;
                    self.err(
                        Code::UnknownAgent,
                        a.span.clone(),
                        format!("no Worktrees/Agents entry names agent `{name}`"),
                    );
                }
            }
        }
    }
}
