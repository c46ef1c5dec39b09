//! Markdown → [`Contract`]: reads each known section; never fails, records
//! every problem as a [`Diagnostic`] with a span instead.

use std::ops::Range;

use super::blocks::{sections, Block, Cell, Section};
use super::items::{looks_like_path, plain_text, split_list, split_note, unquote};
use super::{
    Agent, Contract, Diagnostic, MatrixRow, MergeStep, PatternEntry, SharedRule, INTEGRATOR,
};
use crate::pattern::Pattern;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Agents,
    Scope,
    CannotTouch,
    Interface,
    SharedState,
    MergeOrder,
    IntegrationBranch,
    Matrix,
    Permissions,
    Other,
}

fn kind_of(heading: &str) -> Kind {
    let h = heading.to_lowercase();
    let h = h.trim().trim_end_matches(':');
    let starts = |keys: &[&str]| {
        keys.iter()
            .any(|k| h == *k || h.starts_with(&format!("{k} ")))
    };
    if starts(&[
        "worktrees",
        "agents",
        "agent worktrees",
        "worktree",
        "agent",
    ]) {
        Kind::Agents
    } else if starts(&["scope", "scopes", "ownership", "owned paths"]) && !h.contains("rule") {
        Kind::Scope
    } else if starts(&[
        "cannot touch",
        "must not touch",
        "do not touch",
        "read-only",
    ]) {
        Kind::CannotTouch
    } else if starts(&[
        "interface boundary",
        "interface boundaries",
        "interface",
        "interfaces",
    ]) {
        Kind::Interface
    } else if starts(&["shared state", "shared files", "shared-state"]) {
        Kind::SharedState
    } else if starts(&["merge order"]) {
        Kind::MergeOrder
    } else if starts(&["integration branch", "integration"]) {
        Kind::IntegrationBranch
    } else if starts(&["verification matrix", "verification"]) {
        Kind::Matrix
    } else if starts(&["permission policy", "permissions", "permission"]) {
        Kind::Permissions
    } else {
        Kind::Other
    }
}

/// Byte span in the source of `needle` within a cell (falls back to the cell).
fn locate(src: &str, cell: &Range<usize>, needle: &str) -> Range<usize> {
    src[cell.clone()]
        .find(needle)
        .map(|i| cell.start + i..cell.start + i + needle.len())
        .unwrap_or_else(|| cell.clone())
}

struct Reader<'a> {
    src: &'a str,
    c: Contract,
}

pub fn parse(path: &str, source: &str) -> Contract {
    // GitHub and editors on Windows write CRLF; spans stay byte offsets into
    // the text as given, which miette draws correctly either way.
    let secs = sections(source);
    let mut r = Reader {
        src: source,
        c: Contract {
            path: path.to_string(),
            source: source.to_string(),
            ..Contract::default()
        },
    };
    r.c.title = secs
        .iter()
        .find(|s| s.level == 1)
        .map(|s| s.heading.clone());

    // Resolve each section's kind; deeper unknown headings continue the
    // enclosing known section (`## Scope` / `### Backend`).
    let mut kinds = Vec::with_capacity(secs.len());
    let mut current: Option<(Kind, u8)> = None;
    for s in &secs {
        let k = if s.level == 0 {
            Kind::Other
        } else {
            kind_of(&s.heading)
        };
        let k = match (k, current) {
            (Kind::Other, Some((ck, cl))) if s.level > cl => ck,
            _ => k,
        };
        current = (k != Kind::Other || s.level == 0).then_some((k, s.level));
        if k == Kind::Other {
            current = None;
        }
        kinds.push(k);
    }
    if !kinds.contains(&Kind::Agents) {
        r.c.diagnostics.push(
            Diagnostic::error(0..source.len().min(1), "the contract has no Worktrees or Agents section: no branch is assigned to any agent")
                .help("add `## Worktrees` with items like `- wt-api  branch: agents/api  agent: agent-1`"),
        );
    }
    for (s, k) in secs.iter().zip(&kinds) {
        if *k == Kind::Agents {
            r.agents_section(s);
        }
    }
    for (s, k) in secs.iter().zip(&kinds) {
        if s.level > 0 && *k != Kind::Other && s.blocks.is_empty() {
            r.c.diagnostics.push(Diagnostic::warning(
                s.span.clone(),
                format!("section `{}` is empty", s.heading),
            ));
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
            Kind::Agents | Kind::Other => {}
        }
    }
    super::validate::check_contract(&mut r.c);
    r.c
}

const KEYS: &[&str] = &["branch", "agent", "worktree", "wt", "name"];

impl Reader<'_> {
    fn err(&mut self, span: Range<usize>, msg: String) {
        self.c.diagnostics.push(Diagnostic::error(span, msg));
    }

    fn warn(&mut self, span: Range<usize>, msg: String) {
        self.c.diagnostics.push(Diagnostic::warning(span, msg));
    }

    /// The agent a leading name refers to: the longest agent name that
    /// prefixes `text` (case-insensitive), with what follows it.
    fn leading_agent<'t>(&self, text: &'t str) -> Option<(String, &'t str)> {
        self.c
            .agents
            .iter()
            .filter(|a| {
                let n = a.name.len();
                // Compare the same bytes of both: case folding can change
                // lengths (`K` KELVIN SIGN), so never slice by a folded length.
                text.is_char_boundary(n.min(text.len()))
                    && text.len() >= n
                    && text[..n].to_lowercase() == a.name.to_lowercase()
                    && text[n..]
                        .chars()
                        .next()
                        .is_none_or(|c| !c.is_alphanumeric() && c != '-' && c != '_')
            })
            .max_by_key(|a| a.name.len())
            .map(|a| (a.name.clone(), &text[a.name.len()..]))
    }

    fn register_agent(
        &mut self,
        name: String,
        span: Range<usize>,
        branch: Option<String>,
        worktree: Option<String>,
    ) -> usize {
        if let Some(i) = self
            .c
            .agents
            .iter()
            .position(|a| a.name.eq_ignore_ascii_case(&name))
        {
            let prev = self.c.agents[i].branch.clone();
            match (&prev, &branch) {
                (Some(p), Some(b)) if p != b => self.err(
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
            self.err(span.clone(), format!("agent `{name}` names no branch"));
        }
        self.c.agents.push(Agent {
            name,
            span,
            branch,
            worktree,
            ..Agent::default()
        });
        self.c.agents.len() - 1
    }

    fn agents_section(&mut self, s: &Section) {
        for b in &s.blocks {
            match b {
                Block::Item(cell) => self.agent_item(cell),
                Block::Table { header, rows } => self.agents_table(header, rows),
                Block::Paragraph(_) => {}
            }
        }
    }

    /// `- wt-uploads  branch: agents/uploads  agent: agent-1`
    fn agent_item(&mut self, cell: &Cell) {
        let mut fields: Vec<(String, Vec<&str>)> = vec![(String::new(), Vec::new())];
        for tok in cell.raw.split_whitespace() {
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
        let name = get(&["agent", "name"]);
        let branch = get(&["branch"]);
        let mut worktree = get(&["worktree", "wt"]);
        if worktree.is_none() && !lead.is_empty() {
            worktree = Some(unquote(&lead).to_string());
        }
        let Some(name) = name else {
            self.warn(
                cell.span.clone(),
                format!(
                    "item `{}` names no agent (write `agent: NAME`); ignored",
                    cell.raw
                ),
            );
            return;
        };
        self.register_agent(name, cell.span.clone(), branch, worktree);
    }

    fn agents_table(&mut self, header: &[Cell], rows: &[Vec<Cell>]) {
        let col = |names: &[&str]| {
            header.iter().position(|h| {
                let h = plain_text(&h.raw).to_lowercase();
                names.contains(&h.as_str())
            })
        };
        let name_col = col(&["agent", "name", "agent name"]);
        let branch_col = col(&["branch"]);
        let wt_col = col(&["worktree", "worktree path"]);
        let owns_col = col(&["owns", "scope", "owned paths", "files"]);
        let cannot_col = col(&[
            "cannot touch",
            "must not touch",
            "read-only",
            "do not touch",
        ]);
        let Some(name_col) = name_col else {
            if let Some(h) = header.first() {
                self.err(
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
            let name = plain_text(&name_cell.raw);
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
        }
    }

    /// Adds a comma-separated list of paths (and prose notes) to an agent.
    fn add_patterns(&mut self, agent: usize, cell: &Cell, list: &str, cannot: bool) {
        for piece in split_list(list) {
            let (item, note) = split_note(piece.text);
            let span = locate(self.src, &cell.span, piece.text);
            if !looks_like_path(item) {
                let what = if cannot { "cannot-touch" } else { "owned" };
                self.c.agents[agent].notes.push(piece.text.to_string());
                self.warn(
                    span,
                    format!(
                        "`{}` is not a path: kept as a note for `{}`, not enforced as {what}",
                        piece.text, self.c.agents[agent].name
                    ),
                );
                continue;
            }
            let additions_only = note.is_some_and(|n| {
                let n = n.to_lowercase();
                n.contains("additions only")
                    || n.contains("additions-only")
                    || n.contains("append only")
            });
            match Pattern::parse(unquote(item)) {
                Ok(pattern) => {
                    let entry = PatternEntry {
                        pattern,
                        span,
                        additions_only,
                    };
                    let a = &mut self.c.agents[agent];
                    if cannot {
                        a.cannot_touch.push(entry);
                    } else {
                        a.owns.push(entry);
                    }
                }
                Err(e) => self.err(span, e.to_string()),
            }
        }
    }

    /// Scope / Cannot touch: `- agent-1: src/api/**, src/api/router.ts (additions only)`
    fn pattern_section(&mut self, s: &Section, cannot: bool) {
        for b in &s.blocks {
            let Block::Item(cell) = b else { continue };
            let Some((name, list)) = cell.raw.split_once(':') else {
                self.warn(
                    cell.span.clone(),
                    format!("`{}` does not start with `AGENT:`; ignored", cell.raw),
                );
                continue;
            };
            let name = plain_text(name);
            let Some(idx) = self
                .c
                .agents
                .iter()
                .position(|a| a.name.eq_ignore_ascii_case(&name))
            else {
                self.err(
                    locate(self.src, &cell.span, name.as_str()),
                    format!("no Worktrees/Agents entry names agent `{name}`"),
                );
                continue;
            };
            self.add_patterns(idx, cell, list, cannot);
        }
    }

    fn interface_section(&mut self, s: &Section) {
        for b in &s.blocks {
            let (Block::Item(cell) | Block::Paragraph(cell)) = b else {
                continue;
            };
            match self.leading_agent(&cell.raw) {
                Some((name, rest)) => {
                    let rest = rest.trim_start_matches(|c: char| c == ':' || c.is_whitespace());
                    let text = ["commits to:", "commits to"]
                        .iter()
                        .find_map(|p| rest.strip_prefix(p))
                        .unwrap_or(rest)
                        .trim()
                        .to_string();
                    if let Some(a) = self.c.agent(&name).map(|a| a.name.clone()) {
                        if let Some(agent) = self.c.agents.iter_mut().find(|x| x.name == a) {
                            agent.interface.push(text);
                        }
                    }
                }
                None => self.warn(
                    cell.span.clone(),
                    "interface item names no agent of the contract; kept nowhere".to_string(),
                ),
            }
        }
    }

    /// `- package.json: agent-1 owns. …` / `- tsconfig.json: nobody edits.`
    fn shared_section(&mut self, s: &Section) {
        for b in &s.blocks {
            let (pattern_text, policy, cell) = match b {
                Block::Item(cell) => {
                    let split = cell
                        .raw
                        .find(": ")
                        .map(|i| (&cell.raw[..i], &cell.raw[i + 2..]))
                        .or_else(|| cell.raw.split_once(':'));
                    let Some((p, pol)) = split else {
                        self.err(
                            cell.span.clone(),
                            format!(
                                "shared-state item `{}` has no `PATH: POLICY` form",
                                cell.raw
                            ),
                        );
                        continue;
                    };
                    (p.to_string(), pol.to_string(), cell.clone())
                }
                Block::Table { rows, .. } => {
                    for row in rows {
                        if let [p, pol, ..] = row.as_slice() {
                            self.shared_rule(&p.raw.clone(), &pol.raw.clone(), p);
                        }
                    }
                    continue;
                }
                Block::Paragraph(_) => continue,
            };
            self.shared_rule(&pattern_text, &policy, &cell);
        }
    }

    fn shared_rule(&mut self, pattern_text: &str, policy: &str, cell: &Cell) {
        let span = locate(self.src, &cell.span, pattern_text.trim());
        let pattern = match Pattern::parse(unquote(pattern_text)) {
            Ok(p) => p,
            Err(e) => return self.err(span, e.to_string()),
        };
        if !looks_like_path(pattern_text) {
            self.warn(
                span.clone(),
                format!("`{pattern_text}` does not look like a path; read as one"),
            );
        }
        let lower = plain_text(policy).to_lowercase();
        let nobody = [
            "nobody",
            "no agent",
            "no one",
            "noone",
            "human only",
            "humans only",
        ]
        .iter()
        .any(|k| lower.contains(k));
        let owner = if nobody {
            None
        } else {
            let found = self.c.agents.iter().find(|a| {
                let n = a.name.to_lowercase();
                lower.starts_with(&format!("{n} owns"))
                    || lower.contains(&format!(" {n} owns"))
                    || lower.contains(&format!("owned by {n}"))
            });
            match found {
                Some(a) => Some(a.name.clone()),
                None => {
                    self.c.diagnostics.push(
                        Diagnostic::error(
                            locate(self.src, &cell.span, policy.trim()),
                            format!("shared-state policy for `{pattern_text}` names no owner: `{}`", policy.trim()),
                        )
                        .help("write `AGENT owns.` with an agent of this contract, or `nobody edits.`"),
                    );
                    return;
                }
            }
        };
        self.c.shared_state.push(SharedRule {
            pattern,
            owner,
            policy: plain_text(policy),
            span,
        });
    }

    fn merge_order_section(&mut self, s: &Section) {
        for b in &s.blocks {
            match b {
                Block::Item(cell) => self.merge_step(&cell.raw, cell),
                Block::Paragraph(cell) => {
                    // A one-line order: `agent-2 → agent-1 → agent-3`.
                    let line = cell.raw.replace("->", "→").replace(" then ", "→");
                    if line.contains('→') {
                        for part in line.split('→') {
                            self.merge_step(part.trim(), cell);
                        }
                    }
                }
                Block::Table { .. } => {}
            }
        }
    }

    fn merge_step(&mut self, raw: &str, cell: &Cell) {
        let (head, note) = match raw.find('(') {
            Some(i) => (
                raw[..i].trim(),
                Some(raw[i + 1..].trim().trim_end_matches(')').trim().to_string()),
            ),
            None => (raw.trim(), None),
        };
        let head = plain_text(head);
        let name = match self.leading_agent(&head) {
            Some((n, _)) => n,
            None => head.trim_end_matches([':', '.', ',']).to_string(),
        };
        let span = locate(self.src, &cell.span, raw.trim());
        if self.c.agent(&name).is_none() {
            self.err(
                span.clone(),
                format!("merge order names unknown agent `{name}`"),
            );
        } else if self.c.merge_position(&name).is_some() {
            self.err(span.clone(), format!("merge order lists `{name}` twice"));
        }
        self.c.merge_order.push(MergeStep {
            agent: name,
            note: note.filter(|n| !n.is_empty()),
            span,
        });
    }

    fn integration_section(&mut self, s: &Section) {
        for b in &s.blocks {
            let (Block::Paragraph(cell) | Block::Item(cell)) = b else {
                continue;
            };
            let raw = &cell.raw;
            let branch = match raw.find('`') {
                Some(i) => raw[i + 1..].split('`').next().unwrap_or("").to_string(),
                None => raw
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .trim_end_matches([',', '.', ';'])
                    .to_string(),
            };
            if branch.is_empty() || branch.contains(char::is_whitespace) {
                self.err(
                    cell.span.clone(),
                    "the integration branch section names no branch (write it in backticks)"
                        .to_string(),
                );
            } else {
                self.c.integration_branch = Some(branch);
            }
            return;
        }
    }

    fn matrix_section(&mut self, s: &Section) {
        for b in &s.blocks {
            let Block::Table { header, rows } = b else {
                continue;
            };
            let columns: Vec<String> = header.iter().skip(1).map(|h| plain_text(&h.raw)).collect();
            for (h, name) in header.iter().skip(1).zip(&columns) {
                if !name.eq_ignore_ascii_case(INTEGRATOR) && self.c.agent(name).is_none() {
                    self.warn(
                        h.span.clone(),
                        format!("matrix column `{name}` names no agent of the contract"),
                    );
                }
            }
            // Use the contract's own spelling of agent names for columns.
            let columns: Vec<String> = columns
                .into_iter()
                .map(|c| self.c.agent(&c).map(|a| a.name.clone()).unwrap_or(c))
                .collect();
            for row in rows {
                let Some(check_cell) = row.first() else {
                    continue;
                };
                let mut required = Vec::with_capacity(columns.len());
                for (i, col) in columns.iter().enumerate() {
                    let cell = row.get(i + 1);
                    let text = cell
                        .map(|c| plain_text(&c.raw).to_lowercase())
                        .unwrap_or_default();
                    let req = match text.as_str() {
                        "required" | "yes" | "y" | "✓" | "✔" | "x" | "must" => true,
                        "not required" | "no" | "n" | "-" | "—" | "" | "optional" | "n/a" => {
                            false
                        }
                        other => {
                            if let Some(c) = cell {
                                self.warn(
                                    c.span.clone(),
                                    format!("matrix cell `{other}` for `{col}` is neither Required nor Not required; read as Required"),
                                );
                            }
                            true
                        }
                    };
                    required.push(req);
                }
                self.c.matrix.push(MatrixRow {
                    check: plain_text(&check_cell.raw),
                    span: check_cell.span.clone(),
                    required,
                });
            }
            self.c.matrix_columns = columns;
            return;
        }
    }

    fn permissions_section(&mut self, s: &Section) {
        for b in &s.blocks {
            match b {
                Block::Table { header, rows } => {
                    self.c
                        .permission_policy
                        .push(header.iter().map(|c| plain_text(&c.raw)).collect());
                    for row in rows {
                        self.c
                            .permission_policy
                            .push(row.iter().map(|c| plain_text(&c.raw)).collect());
                    }
                }
                Block::Item(c) | Block::Paragraph(c) => {
                    self.c.permission_policy.push(vec![plain_text(&c.raw)])
                }
            }
        }
    }
}
