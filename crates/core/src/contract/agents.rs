//! The Worktrees/Agents section in its forms: `key: value` items in any
//! order, arrow items (`- wt-uploads → agents/uploads (agent-1)`), tables,
//! and per-agent sections (`### agent-1` with `- branch:` / `- owns:` items).

use super::blocks::{Block, Cell, Section};
use super::heading::is_exact_synonym;
use super::items::{clean_name, plain_text, split_note, unquote};
use super::reader::Reader;
use super::Code;

const KEYS: &[&str] = &["branch", "agent", "worktree", "wt", "name"];
const ARROWS: &[&str] = &["→", "->", "=>", "⇒"];

/// Keys of a per-agent section's items, and what they set.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Branch,
    Worktree,
    Owns,
    Cannot,
}

fn key_of(k: &str) -> Option<Key> {
    match k.trim().to_lowercase().as_str() {
        "branch" => Some(Key::Branch),
        "worktree" | "wt" | "worktree path" => Some(Key::Worktree),
        "owns" | "scope" | "owned files" | "owned paths" | "paths" | "files" | "may edit" => {
            Some(Key::Owns)
        }
        "cannot touch" | "can't touch" | "can’t touch" | "must not touch" | "do not touch"
        | "forbidden" | "off limits" | "read-only" | "read only" => Some(Key::Cannot),
        _ => None,
    }
}

/// `key: value` of an item, when the key is a per-agent key.
fn keyed(raw: &str) -> Option<(Key, &str)> {
    let t = raw.trim_start_matches(['*', '_']);
    let (k, v) = t.split_once(':')?;
    let k = k.trim_end_matches(['*', '_']);
    key_of(k).map(|key| (key, v.trim_start_matches(['*', '_']).trim()))
}

/// A section (not itself named Agents) whose items are per-agent keys.
pub(super) fn is_agent_section(s: &Section) -> bool {
    !is_exact_synonym(&s.heading)
        && s.blocks.iter().any(|b| matches!(b, Block::Item(it) if matches!(keyed(&it.cell.raw), Some((Key::Branch, _)))))
}

impl Reader<'_> {
    pub(super) fn agents_section(&mut self, s: &Section) {
        if is_agent_section(s) {
            return self.per_agent_section(s, &s.heading);
        }
        for b in &s.blocks {
            match b {
                Block::Item(it) => {
                    self.agent_item(&it.cell);
                    for c in &it.children {
                        self.unreadable(c, "Worktrees");
                    }
                }
                Block::Table { header, rows } => self.agents_table(header, rows),
                Block::Paragraph(c) => self.unreadable(c, "Worktrees"),
            }
        }
    }

    /// `### agent-1` with `- branch: …`, `- worktree: …`, `- owns: …` items.
    pub(super) fn per_agent_section(&mut self, s: &Section, heading: &str) {
        let (name, _) = split_note(heading);
        let name = clean_name(
            name.trim_start_matches("Agent:")
                .trim_start_matches("agent:"),
        );
        let mut branch = None;
        let mut worktree = None;
        for b in &s.blocks {
            if let Block::Item(it) = b {
                match keyed(&it.cell.raw) {
                    Some((Key::Branch, v)) => branch = Some(unquote(v).to_string()),
                    Some((Key::Worktree, v)) => worktree = Some(unquote(v).to_string()),
                    _ => {}
                }
            }
        }
        let idx = self.register_agent(name, s.span.clone(), branch, worktree);
        for b in &s.blocks {
            let Block::Item(it) = b else {
                for c in super::reader::block_cells(b) {
                    self.unreadable(c, "agent section");
                }
                continue;
            };
            match keyed(&it.cell.raw) {
                Some((Key::Branch | Key::Worktree, _)) => self.read_line(),
                Some((key, v)) => {
                    let cannot = key == Key::Cannot;
                    let mut any = self.add_patterns(idx, &it.cell, v, cannot);
                    for c in &it.children {
                        any |= self.add_patterns(idx, c, &c.raw, cannot);
                    }
                    if any {
                        self.read_line();
                    } else {
                        self.unreadable(&it.cell, "agent section");
                    }
                }
                None => self.unreadable(&it.cell, "agent section"),
            }
        }
    }

    /// `- wt-uploads  branch: agents/uploads  agent: agent-1`, in any order,
    /// or with arrows: `- wt-uploads → agents/uploads (agent-1)`.
    fn agent_item(&mut self, cell: &Cell) {
        let raw = cell.raw.replace("**", "");
        let parsed = if ARROWS.iter().any(|a| raw.contains(a)) && !raw.contains("branch:") {
            arrow_item(&raw)
        } else {
            keyed_item(&raw)
        };
        match parsed {
            Some((name, branch, worktree)) => {
                self.register_agent(name, cell.span.clone(), branch, worktree);
                self.read_line();
            }
            None => self.unreadable(cell, "Worktrees (write `agent: NAME  branch: BRANCH`)"),
        }
    }

    pub(super) fn agents_table(&mut self, header: &[Cell], rows: &[Vec<Cell>]) {
        let col = |names: &[&str]| {
            header.iter().position(|h| {
                let h = clean_name(&h.raw).to_lowercase();
                names.contains(&h.as_str())
            })
        };
        let name_col = col(&["agent", "name", "agent name", "who"]);
        let branch_col = col(&["branch"]);
        let wt_col = col(&["worktree", "worktree path", "wt"]);
        let owns_col = col(&[
            "owns",
            "scope",
            "owned paths",
            "owned files",
            "files",
            "paths",
        ]);
        let cannot_col = col(&[
            "cannot touch",
            "can't touch",
            "can’t touch",
            "must not touch",
            "read-only",
            "do not touch",
            "forbidden",
            "off limits",
        ]);
        let Some(name_col) = name_col else {
            if let Some(h) = header.first() {
                self.err(
                    Code::AgentsTableNoAgent,
                    h.span.clone(),
                    "the agents table has no `Agent` column".to_string(),
                );
            }
            return;
        };
        for row in rows {
            let Some(name_cell) = row.get(name_col) else {
                continue;
            };
            let name = clean_name(&name_cell.raw);
            if name.is_empty() {
                continue;
            }
            let cell_text = |c: Option<usize>| {
                c.and_then(|i| row.get(i))
                    .map(|c| unquote(&c.raw).to_string())
                    .filter(|s| !s.is_empty())
            };
            let branch = cell_text(branch_col);
            let worktree = cell_text(wt_col);
            let idx = self.register_agent(name, name_cell.span.clone(), branch, worktree);
            if let Some(c) = owns_col.and_then(|i| row.get(i)) {
                self.add_patterns(idx, c, &c.raw, false);
            }
            if let Some(c) = cannot_col.and_then(|i| row.get(i)) {
                self.add_patterns(idx, c, &c.raw, true);
            }
            self.read_line();
        }
    }
}

/// `key: value` tokens in any order; an unkeyed lead is the worktree.
fn keyed_item(raw: &str) -> Option<(String, Option<String>, Option<String>)> {
    let mut fields: Vec<(String, Vec<&str>)> = vec![(String::new(), Vec::new())];
    for tok in raw.split_whitespace() {
        let (key, rest) = match tok.split_once(':') {
            Some((k, r)) if KEYS.contains(&k.to_lowercase().as_str()) => (Some(k), r),
            _ => (None, tok),
        };
        if let Some(k) = key {
            fields.push((k.to_lowercase(), Vec::new()));
        }
        let rest = rest.trim_end_matches(',');
        if !rest.is_empty() {
            if let Some(f) = fields.last_mut() {
                f.1.push(rest);
            }
        }
    }
    let get = |k: &[&str]| {
        fields
            .iter()
            .find(|(key, v)| k.contains(&key.as_str()) && !v.is_empty())
            .map(|(_, v)| unquote(&v.join(" ")).to_string())
    };
    let lead = fields[0].1.join(" ");
    let name = get(&["agent", "name"])?;
    let branch = get(&["branch"]);
    let mut worktree = get(&["worktree", "wt"]);
    if worktree.is_none() && !lead.is_empty() {
        worktree = Some(unquote(&lead).to_string());
    }
    Some((plain_text(&name), branch, worktree))
}

/// `wt → branch (agent)`, `agent: wt → branch`, or `agent → wt → branch`.
fn arrow_item(raw: &str) -> Option<(String, Option<String>, Option<String>)> {
    let mut line = raw.to_string();
    for a in ARROWS {
        line = line.replace(a, "→");
    }
    let (body, note) = split_note(&line);
    let (mut name, body) = match body.split_once(": ") {
        Some((n, rest)) if !n.contains('→') => (Some(clean_name(n)), rest),
        _ => (None, body),
    };
    if name.is_none() {
        name = note.map(|n| clean_name(n.trim_start_matches("agent:").trim()));
    }
    let parts: Vec<String> = body
        .split('→')
        .map(|p| unquote(p.trim()).to_string())
        .collect();
    let (wt, branch) = match (parts.as_slice(), &name) {
        ([wt, branch], Some(_)) => (wt.clone(), branch.clone()),
        ([n, wt, branch], None) => {
            name = Some(clean_name(n));
            (wt.clone(), branch.clone())
        }
        _ => return None,
    };
    let name = name.filter(|n| !n.is_empty())?;
    Some((
        name,
        Some(branch).filter(|b| !b.is_empty()),
        Some(wt).filter(|w| !w.is_empty()),
    ))
}
