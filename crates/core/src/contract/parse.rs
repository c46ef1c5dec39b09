//! Markdown → [`Contract`]: reads each known section; never fails, records
//! every problem as a [`Diagnostic`] with a span instead. Every line of a
//! known section is read into the model, kept as a prose note, or refused
//! with an error ([`LineStats`](super::LineStats)).

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::blocks::{sections, Block, Cell, Section};
use super::heading::{kind_of, title, Kind};
use super::items::{clean_name, mentions_path};
use super::{document, Code, Contract, Diagnostic};

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

/// Reads a contract's markdown into the model, with every diagnostic.
pub fn parse(path: &str, source: &str) -> Contract {
    if source.len() > MAX_CONTRACT_BYTES {
        return too_large(
            path,
            format!(
                "the contract is {} bytes; the limit is {MAX_CONTRACT_BYTES} (8 MiB)",
                source.len()
            ),
        );
    }
    // GitHub and editors on Windows write CRLF; spans stay byte offsets into
    // the text as given, which miette draws correctly either way. The reader
    // reads the visible text (no BOM, front matter or HTML comments) at the
    // same offsets.
    let vis = super::blocks::visible(source);
    let secs = sections(&vis);
    let mut r = Reader {
        src: &vis,
        c: Contract {
            path: path.to_string(),
            source: source.to_string(),
            ..Contract::default()
        },
        names: HashMap::new(),
        max_words: 1,
        ordered: HashSet::new(),
        excludes: Vec::new(),
        refused_piece: false,
    };
    r.c.title = secs
        .iter()
        .find(|s| s.level == 1)
        .map(|s| s.heading.clone());
    document::front_matter_rules(&mut r, source);
    document::invisible_characters(&mut r, source);
    let kinds = resolve_kinds(&secs);
    let kinds = document::one_section_per_kind(&mut r, &secs, kinds);
    for (s, (k, _)) in secs.iter().zip(&kinds) {
        if *k == Kind::Agents {
            r.agents_section(s);
        } else if *k == Kind::Other && s.level > 0 && r.is_agent_section(s) {
            r.per_agent_section(s, &s.heading);
        }
    }
    // No agent read, whatever the sections: no branch is assigned.
    if r.c.agents.is_empty() {
        r.c.diagnostics.push(
            Diagnostic::error(Code::NoAgentsSection, 0..source.len().min(1), "the contract has no Worktrees or Agents section: no branch is assigned to any agent")
                .help("add `## Worktrees` with items like `- wt-api  branch: agents/api  agent: agent-1`"),
        );
    }
    let has_scope = kinds.iter().any(|(k, _)| *k == Kind::Scope);
    r.c.scope_section = has_scope;
    read_sections(&mut r, &secs, &kinds);
    document::apply_excludes(&mut r);
    if let Some(why) = over_limits(&r.c) {
        return too_large(path, why);
    }
    super::validate::check_contract(&mut r.c, has_scope);
    document::not_enforced(&mut r.c);
    r.c
}

/// Reads every section by its kind, and warns of empty ones.
fn read_sections(r: &mut Reader, secs: &[Section], kinds: &[(Kind, bool)]) {
    for (i, (s, (k, cont))) in secs.iter().zip(kinds).enumerate() {
        // Empty when neither it nor its sub-headings hold anything.
        let empty = !cont
            && s.blocks.is_empty()
            && !secs[i + 1..]
                .iter()
                .zip(&kinds[i + 1..])
                .take_while(|(_, (_, c))| *c)
                .any(|(t, _)| !t.blocks.is_empty());
        if s.level > 0 && !matches!(k, Kind::Other | Kind::Ignored) && !cont && empty {
            r.warn(
                Code::EmptySection,
                s.span.clone(),
                format!("section `{}` is empty", s.heading),
            );
        }
        match k {
            Kind::Scope => r.pattern_section(s, false),
            Kind::CannotTouch => r.pattern_section(s, true),
            Kind::Interface => r.interface_section(s),
            Kind::SharedState => r.shared_section(s),
            Kind::MergeOrder => r.merge_order_section(s),
            Kind::IntegrationBranch => r.integration_section(s),
            Kind::Matrix => r.matrix_section(s),
            Kind::Permissions => r.permissions_section(s),
            Kind::Approvers => r.approvers_section(s),
            Kind::Other if s.level > 0 && !r.is_agent_section(s) => r.misplaced(s),
            Kind::Agents | Kind::Other | Kind::Ignored => {}
        }
    }
}

/// Why a contract is too big to judge in seconds, when it is.
fn over_limits(c: &Contract) -> Option<String> {
    let patterns: usize = c
        .agents
        .iter()
        .map(|a| a.owns.len() + a.cannot_touch.len())
        .sum::<usize>()
        + c.shared_state.len();
    (c.agents.len() > MAX_AGENTS || patterns > MAX_PATTERNS).then(|| {
        format!(
            "the contract defines {} agents and {patterns} patterns; the limits are {MAX_AGENTS} agents and {MAX_PATTERNS} patterns",
            c.agents.len()
        )
    })
}

/// Past these a contract is refused (CG026) rather than read and checked
/// slowly: the pattern checks are near-linear, but a contract this big is a
/// mistake or an attack, and the gate must answer in seconds either way.
pub const MAX_CONTRACT_BYTES: usize = 8 << 20;
/// See [`MAX_CONTRACT_BYTES`].
pub const MAX_AGENTS: usize = 20_000;
/// Owned, cannot-touch and shared-state patterns together; see
/// [`MAX_CONTRACT_BYTES`].
pub const MAX_PATTERNS: usize = 50_000;

/// A contract refused for its size: no model, one error, so every branch it
/// might govern fails closed.
fn too_large(path: &str, why: String) -> Contract {
    Contract {
        path: path.to_string(),
        diagnostics: vec![Diagnostic::error(Code::TooLarge, 0..0, why).help(
            "split the work into several contracts (`.github/contracts/*.md`), or use globs",
        )],
        ..Contract::default()
    }
}

/// Each section's kind, and whether it continues an enclosing known section
/// (`## Scope` / `### Backend`): deeper unknown headings do.
pub(super) fn resolve_kinds(secs: &[Section]) -> Vec<(Kind, bool)> {
    let mut out = Vec::with_capacity(secs.len());
    let mut current: Option<(Kind, u8)> = None;
    for s in secs {
        let own = if s.level == 0 {
            Kind::Other
        } else {
            kind_of(&s.heading)
        };
        let (k, cont) = match (own, current) {
            (Kind::Other, Some((ck, cl))) if s.level > cl => (ck, true),
            _ => (own, false),
        };
        if !cont {
            current = (k != Kind::Other).then_some((k, s.level));
        }
        out.push((k, cont));
    }
    out
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
    fn misplaced(&mut self, s: &Section) {
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
