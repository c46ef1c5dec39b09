//! Shared state in its forms: `path: agent-1 owns`, `path — agent-1 owns`,
//! `` `path`: nobody edits ``, "do not edit", `path (agent-1 owns)`, several
//! paths before one policy, or a `File | Owner/Policy` table.

use super::blocks::{Block, Cell, Section};
use super::entries::{entries, Entry};
use super::items::{clean_name, looks_like_path, plain_text, split_note, unquote};
use super::reader::{locate, Reader};
use super::{Code, Diagnostic, SharedRule};
use crate::pattern::Pattern;

const SECTION: &str = "Shared state";

/// Policies meaning no agent may edit the file.
const NOBODY: &[&str] = &[
    "nobody",
    "no agent",
    "no one",
    "noone",
    "human only",
    "humans only",
    "do not edit",
    "don't edit",
    "don’t edit",
    "no edits",
    "read-only",
    "read only",
    "frozen",
];

/// `PATH: POLICY`, `PATH — POLICY`, `` `PATH` POLICY``, `PATH (POLICY)`.
fn split_rule(raw: &str) -> Option<(&str, &str)> {
    if let Some(rest) = raw.strip_prefix('`') {
        if let Some(end) = rest.find('`') {
            // `` `P` (except `Q`): POLICY ``: qualifiers stay with the path.
            let mut path_end = end + 2;
            loop {
                let after = &raw[path_end..];
                let gap = after.len() - after.trim_start().len();
                if !after.trim_start().starts_with('(') {
                    break;
                }
                let open = path_end + gap;
                match group_end(&raw[open..]) {
                    Some(len) => path_end = open + len,
                    None => break,
                }
            }
            let policy = raw[path_end..].trim_start_matches(|c: char| {
                c.is_whitespace() || matches!(c, ':' | '—' | '–' | '-' | '→')
            });
            if !policy.is_empty() && !policy.starts_with(',') {
                return Some((&raw[..path_end], policy));
            }
        }
    }
    for sep in [": ", " — ", " – ", " - ", " → ", " -> "] {
        if let Some(i) = raw.find(sep) {
            return Some((&raw[..i], &raw[i + sep.len()..]));
        }
    }
    if let (p, Some(note)) = split_note(raw) {
        return Some((p, note));
    }
    raw.split_once(':')
}

/// The length of the parenthesised group `text` starts with (backticks
/// inside it are skipped), or None when it never closes.
fn group_end(text: &str) -> Option<usize> {
    let mut depth = 0;
    let mut code = false;
    for (i, c) in text.char_indices() {
        match c {
            '`' => code = !code,
            '(' if !code => depth += 1,
            ')' if !code => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

impl Reader<'_> {
    pub(super) fn shared_section(&mut self, s: &Section) {
        for b in &s.blocks {
            match b {
                Block::Item(it) => {
                    self.shared_line(&it.cell);
                    for c in &it.children {
                        self.unreadable(c, SECTION);
                    }
                }
                Block::Paragraph(c) => self.shared_line(c),
                Block::Table { header, rows } => self.shared_table(header, rows),
            }
        }
    }

    fn shared_line(&mut self, cell: &Cell) {
        let Some((paths, policy)) = split_rule(&cell.raw) else {
            return self.unreadable(cell, SECTION);
        };
        let pieces = entries(paths);
        if !pieces.iter().any(|p| matches!(p, Entry::Path { .. })) {
            return self.unreadable(cell, SECTION);
        }
        self.shared_entries(&pieces, policy, cell);
        self.read_line();
    }

    /// The rules of one line or row: every piece of its path list is a
    /// path (with `(except P)`), prose read as a path with a warning, or
    /// refused.
    fn shared_entries(&mut self, pieces: &[Entry], policy: &str, cell: &Cell) {
        for p in pieces {
            match p {
                Entry::Path {
                    text,
                    additions_only: false,
                    read_only: false,
                    except,
                    ..
                } => self.shared_rule(text, except, policy, cell),
                Entry::Prose { text, .. } => self.shared_rule(text, &[], policy, cell),
                Entry::Path { text, .. } => {
                    self.refuse_in_line();
                    self.err(
                        Code::UnknownQualifier,
                        locate(self.src, &cell.span, text),
                        format!("`{text}`: a shared-state path takes only `(except P)`; the policy says who edits it"),
                    );
                }
                Entry::Exclude { text, .. } => {
                    self.refuse_in_line();
                    self.err(
                        Code::UnknownQualifier,
                        locate(self.src, &cell.span, text),
                        format!("`!{text}` in Shared state: write `PATH (except {text}): POLICY`"),
                    );
                }
                Entry::Refused { code, why, range } => {
                    self.refuse_in_line();
                    let span = locate(
                        self.src,
                        &cell.span,
                        &cell.raw[range.clone().start.min(cell.raw.len())
                            ..range.end.min(cell.raw.len())],
                    );
                    self.err(*code, span, why.clone());
                }
            }
        }
    }

    fn shared_table(&mut self, header: &[Cell], rows: &[Vec<Cell>]) {
        let heads: Vec<String> = header
            .iter()
            .map(|h| clean_name(&h.raw).to_lowercase())
            .collect();
        let path_col = heads
            .iter()
            .position(|h| matches!(h.as_str(), "file" | "files" | "path" | "paths" | "pattern"))
            .unwrap_or(0);
        let policy_col = heads
            .iter()
            .position(|h| {
                matches!(
                    h.as_str(),
                    "owner" | "policy" | "owner/policy" | "rule" | "who"
                )
            })
            .unwrap_or(if path_col == 0 { 1 } else { 0 });
        for row in rows {
            let (Some(p), Some(pol)) = (row.get(path_col), row.get(policy_col)) else {
                if let Some(c) = row.first() {
                    self.unreadable(c, SECTION);
                }
                continue;
            };
            let pieces = entries(&p.raw);
            self.shared_entries(&pieces, &pol.raw.clone(), p);
            self.read_line();
        }
    }

    /// The owner a policy names: `agent-1 owns`, `owned by agent-1`,
    /// `owner: agent-1`, or just `agent-1`.
    fn policy_owner(&self, policy: &str) -> Option<usize> {
        let p = plain_text(&policy.replace("**", ""));
        let lower = p.to_lowercase();
        if let Some((i, _)) = self.leading_agent(&p) {
            return Some(i);
        }
        for key in ["owned by ", "owner: ", "owner is ", "owner "] {
            if let Some(at) = lower.find(key) {
                if let Some((i, _)) = self.leading_agent(&p[at + key.len()..]) {
                    return Some(i);
                }
            }
        }
        None
    }

    fn shared_rule(&mut self, pattern_text: &str, except: &[String], policy: &str, cell: &Cell) {
        let span = locate(self.src, &cell.span, pattern_text.trim());
        let pattern = match Pattern::parse(unquote(pattern_text)) {
            Ok(p) => p,
            Err(e) => return self.err(Code::InvalidPattern, span, e.to_string()),
        };
        let ex = self.exceptions(&pattern, pattern_text, except, &span);
        if !looks_like_path(pattern_text) {
            self.warn(
                Code::SharedNotPath,
                span.clone(),
                format!("`{pattern_text}` does not look like a path; read as one"),
            );
        }
        let lower = plain_text(policy).to_lowercase();
        let owner = match self.policy_owner(policy) {
            Some(i) => Some(self.c.agents[i].name.clone()),
            None if NOBODY.iter().any(|k| lower.contains(k)) => None,
            None => {
                self.c.diagnostics.push(
                    Diagnostic::error(
                        Code::SharedStateNoOwner,
                        locate(self.src, &cell.span, policy.trim()),
                        format!(
                            "shared-state policy for `{pattern_text}` names no owner: `{}`",
                            policy.trim()
                        ),
                    )
                    .help("write `AGENT owns.` with an agent of this contract, or `nobody edits.`"),
                );
                return;
            }
        };
        self.c.shared_state.push(SharedRule {
            pattern,
            owner,
            policy: plain_text(policy),
            span,
            except: ex,
        });
    }
}
