//! The reader every section module extends (`impl Reader`): the visible
//! source, the contract being built, and the per-line accounting. It lives
//! apart from `parse` so the section modules and `document` depend on it,
//! and `parse` on them, in one direction.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::blocks::{Block, Cell, Section};
use super::heading::{title, Kind};
use super::items::{clean_name, mentions_path};
use super::{Code, Contract, Diagnostic};
/// Byte span in the source of `needle` within a cell (falls back to the cell).
pub(super) fn locate(src: &str, cell: &Range<usize>, needle: &str) -> Range<usize> {
    src.get(cell.clone())
        .and_then(|s| s.find(needle))
        .map(|i| cell.start + i..cell.start + i + needle.len())
        .unwrap_or_else(|| cell.clone())
}

/// Where `inner` starts in `outer` when it is a slice of it (pointer
/// arithmetic on addresses, no unsafe): spans of list items then cost
/// nothing, where searching the cell for each of 32,000 items was quadratic.
pub(super) fn offset_in(outer: &str, inner: &str) -> Option<usize> {
    let (o, i) = (outer.as_ptr() as usize, inner.as_ptr() as usize);
    (i >= o && i + inner.len() <= o + outer.len()).then(|| i - o)
}

pub(super) struct Reader<'a> {
    pub src: &'a str,
    pub c: Contract,
    /// Lowercase agent name → index, so lookups stay O(1) with 10,000 agents.
    names: HashMap<String, usize>,
    /// Most words in one agent name (`Metadata agent` has two).
    max_words: usize,
    /// Agents already placed in the merge order.
    pub ordered: HashSet<usize>,
    /// `!P` exclusions: (agent, cannot-touch list?, pattern, span), applied
    /// to every pattern of that agent's list once all sections are read.
    pub excludes: Vec<(usize, bool, crate::pattern::Pattern, Range<usize>)>,
    /// A piece of the line being read was refused (the line counts as refused).
    refused_piece: bool,
}

impl<'a> Reader<'a> {
    /// A reader of the visible text `src` into `c`.
    pub fn new(src: &'a str, c: Contract) -> Self {
        Reader {
            src,
            c,
            names: HashMap::new(),
            max_words: 1,
            ordered: HashSet::new(),
            excludes: Vec::new(),
            refused_piece: false,
        }
    }
}

impl Reader<'_> {
    pub fn err(&mut self, code: Code, span: Range<usize>, msg: String) {
        self.c.diagnostics.push(Diagnostic::error(code, span, msg));
    }

    pub fn warn(&mut self, code: Code, span: Range<usize>, msg: String) {
        self.c
            .diagnostics
            .push(Diagnostic::warning(code, span, msg));
    }

    /// A line read into the model (or refused, when a piece of it was).
    pub fn read_line(&mut self) {
        if std::mem::take(&mut self.refused_piece) {
            self.c.lines.refused += 1;
        } else {
            self.c.lines.read += 1;
        }
    }

    /// A prose line kept as a note of the section it is in (`fmt` writes it
    /// back there).
    pub fn note(&mut self, section: &str, text: &str) {
        // An empty table cell is no line.
        if text.trim().is_empty() {
            return;
        }
        self.c.lines.notes += 1;
        self.keep_note(section, text);
    }

    /// Prose kept from a line that was read (the line counts as read).
    pub fn keep_note(&mut self, section: &str, text: &str) {
        self.c.notes.push(text.to_string());
        // `Worktrees (write …)`: the section's name is the first words.
        let name = section.split(" (").next().unwrap_or(section);
        self.c.note_sections.push(name.to_string());
    }

    /// The `(except …)` patterns of `pattern`, each of which must take
    /// something out of it (CG035) and compile (CG009).
    pub fn exceptions(
        &mut self,
        pattern: &crate::pattern::Pattern,
        text: &str,
        except: &[String],
        span: &Range<usize>,
    ) -> Vec<crate::pattern::Pattern> {
        let mut out = Vec::new();
        for t in except {
            match crate::pattern::Pattern::parse(t) {
                Ok(p) if pattern.matches(&p.sample()) => out.push(p),
                Ok(p) => self.err(
                    Code::ExceptionOutside,
                    span.clone(),
                    format!(
                        "`except {}` takes nothing out of `{text}`: no path matches both",
                        p.text
                    ),
                ),
                Err(e) => self.err(Code::InvalidPattern, span.clone(), e.to_string()),
            }
        }
        out
    }

    /// A piece of the current line was refused with an error of its own.
    pub fn refuse_in_line(&mut self) {
        self.refused_piece = true;
    }

    /// A line of a known section that could not be read: an error when it
    /// names an agent or a path (it meant something the gate would drop),
    /// otherwise a prose note.
    pub fn unreadable(&mut self, cell: &Cell, section: &str) {
        if self.mentions_agent(&cell.raw) || mentions_path(&cell.raw) {
            self.c.lines.refused += 1;
            self.c.diagnostics.push(
                Diagnostic::error(
                    Code::UnreadableLine,
                    cell.span.clone(),
                    format!("{section}: cannot read `{}`", cell.raw),
                )
                .help("write it in one of the forms the README lists, or as prose without agent names or paths"),
            );
        } else {
            self.note(section, &cell.raw);
        }
    }

    pub fn agent_index(&self, name: &str) -> Option<usize> {
        self.names.get(&name.to_lowercase()).copied()
    }

    /// The agent a line starts with (bold, backticks and case ignored), and
    /// the rest of the line after the name.
    pub fn leading_agent<'t>(&self, text: &'t str) -> Option<(usize, &'t str)> {
        let mut ends = Vec::new();
        let mut in_word = false;
        for (i, ch) in text.char_indices() {
            let word = ch.is_alphanumeric() || matches!(ch, '-' | '_');
            if in_word && !word {
                ends.push(i);
            }
            in_word = word;
        }
        if in_word {
            ends.push(text.len());
        }
        // Try the longest name first (`Metadata agent` before `Metadata`).
        for &end in ends.iter().take(self.max_words + 1).rev() {
            let cand = clean_name(&text[..end]);
            if let Some(&i) = self.names.get(&cand.to_lowercase()) {
                let rest = text[end..].trim_start_matches(['*', '`', '_']);
                return Some((i, rest));
            }
        }
        None
    }

    /// Whether a line names any agent of the contract as a word.
    pub fn mentions_agent(&self, text: &str) -> bool {
        let words: Vec<&str> = text
            .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        (0..words.len()).any(|i| {
            (1..=self.max_words.min(words.len() - i)).any(|n| {
                self.names
                    .contains_key(&words[i..i + n].join(" ").to_lowercase())
            })
        })
    }

    /// Adds an agent (or completes one already named), returning its index.
    pub fn register_agent(
        &mut self,
        name: String,
        span: Range<usize>,
        branch: Option<String>,
        worktree: Option<String>,
    ) -> usize {
        if let Some(i) = self.agent_index(&name) {
            let prev = self.c.agents[i].branch.clone();
            match (&prev, &branch) {
                (Some(p), Some(b)) if p != b => self.err(
                    Code::AgentTwoBranches,
                    span,
                    format!("agent `{name}` has two branches: `{p}` and `{b}`"),
                ),
                (None, Some(_)) => self.c.agents[i].branch = branch,
                _ => {}
            }
            if self.c.agents[i].worktree.is_none() {
                self.c.agents[i].worktree = worktree;
            }
            return i;
        }
        if branch.is_none() {
            self.err(
                Code::AgentWithoutBranch,
                span.clone(),
                format!("agent `{name}` names no branch"),
            );
        }
        self.max_words = self.max_words.max(name.split_whitespace().count());
        self.names.insert(name.to_lowercase(), self.c.agents.len());
        self.c.agents.push(super::Agent {
            name,
            span,
            branch,
            worktree,
            ..super::Agent::default()
        });
        self.c.agents.len() - 1
    }

    /// An unknown section that names agents together with paths or arrows
    /// was probably meant as a known one: say which.
    pub fn misplaced(&mut self, s: &Section) {
        let mut arrows = false;
        let mut paths = false;
        let mut agents = false;
        for b in &s.blocks {
            for cell in block_cells(b) {
                agents |= self.mentions_agent(&cell.raw);
                paths |= mentions_path(&cell.raw);
                arrows |= ["→", "->", "=>", "⇒"].iter().any(|a| cell.raw.contains(a));
            }
        }
        if !agents || !(paths || arrows) {
            return;
        }
        let meant = if arrows {
            Kind::MergeOrder
        } else {
            Kind::Scope
        };
        self.c.diagnostics.push(
            Diagnostic::warning(
                Code::MisplacedSection,
                s.span.clone(),
                format!(
                    "section `{}` is not one the gate reads, but it names agents with {}: did you mean `## {}`?",
                    s.heading,
                    if arrows { "arrows" } else { "paths" },
                    title(meant)
                ),
            )
            .help("rename the heading (the README lists every accepted name); as written, nothing in it is enforced"),
        );
    }
}

/// Every cell of a block: an item and its children, each table row's cells,
/// or a paragraph line.
pub(super) fn block_cells(b: &Block) -> Vec<&Cell> {
    match b {
        Block::Item(it) => std::iter::once(&it.cell).chain(&it.children).collect(),
        Block::Table { rows, .. } => rows.iter().flatten().collect(),
        Block::Paragraph(c) => vec![c],
    }
}
