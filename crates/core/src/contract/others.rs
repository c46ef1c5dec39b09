//! Interface boundary, Integration branch, Verification matrix and
//! Permission policy sections.

use super::blocks::{Block, Section};
use super::items::plain_text;
use super::parse::{block_cells, Reader};
use super::{Approver, Code, MatrixRow, INTEGRATOR};

impl Reader<'_> {
    pub(super) fn interface_section(&mut self, s: &Section) {
        let mut last: Option<usize> = None;
        for b in &s.blocks {
            let cell = match b {
                Block::Item(it) => &it.cell,
                Block::Paragraph(c) => c,
                Block::Table { .. } => {
                    for c in block_cells(b) {
                        self.unreadable(c, "Interface boundary");
                    }
                    continue;
                }
            };
            match self.leading_agent(&cell.raw) {
                Some((idx, rest)) => {
                    let rest = rest.trim_start_matches(|c: char| c == ':' || c.is_whitespace());
                    let text = ["commits to:", "commits to"]
                        .iter()
                        .find_map(|p| rest.strip_prefix(p))
                        .unwrap_or(rest)
                        .trim()
                        .to_string();
                    self.c.agents[idx].interface.push(text);
                    self.read_line();
                    last = Some(idx);
                }
                // A paragraph line continuing the previous commitment.
                None if matches!(b, Block::Paragraph(_)) && last.is_some() => {
                    if let Some(t) = last.and_then(|i| self.c.agents[i].interface.last_mut()) {
                        t.push(' ');
                        t.push_str(&cell.raw);
                    }
                    self.read_line();
                }
                None => {
                    self.warn(
                        Code::InterfaceNoAgent,
                        cell.span.clone(),
                        "interface item names no agent of the contract; kept as a note".to_string(),
                    );
                    self.note("Interface boundary", &cell.raw);
                }
            }
            if let Block::Item(it) = b {
                for c in &it.children {
                    match last.and_then(|i| self.c.agents[i].interface.last_mut()) {
                        Some(t) => {
                            t.push_str("; ");
                            t.push_str(&c.raw);
                        }
                        None => continue,
                    }
                    self.read_line();
                }
            }
        }
    }

    pub(super) fn integration_section(&mut self, s: &Section) {
        let mut done = false;
        for b in &s.blocks {
            for cell in block_cells(b) {
                if done {
                    self.note("Integration branch", &cell.raw);
                    continue;
                }
                done = true;
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
                    self.c.lines.refused += 1;
                    self.err(
                        Code::NoIntegrationBranch,
                        cell.span.clone(),
                        "the integration branch section names no branch (write it in backticks)"
                            .to_string(),
                    );
                } else {
                    self.read_line();
                    self.c.integration_branch = Some(branch);
                }
            }
        }
    }

    pub(super) fn matrix_section(&mut self, s: &Section) {
        let mut done = false;
        for b in &s.blocks {
            match b {
                Block::Table { header, rows } if !done => {
                    done = true;
                    self.matrix_table(header, rows);
                }
                _ => {
                    for c in block_cells(b) {
                        self.unreadable(c, "Verification matrix");
                    }
                }
            }
        }
    }

    fn matrix_table(&mut self, header: &[super::blocks::Cell], rows: &[Vec<super::blocks::Cell>]) {
        // A `CI check` (or `CI`) column names the CI check proving each row;
        // it is not an agent column.
        let ci_col = header
            .iter()
            .skip(1)
            .position(|h| is_ci_header(&plain_text(&h.raw)))
            .map(|i| i + 1);
        let agent_cells: Vec<(usize, &super::blocks::Cell)> = header
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(i, _)| Some(*i) != ci_col)
            .collect();
        let columns: Vec<String> = agent_cells
            .iter()
            .map(|(_, h)| plain_text(&h.raw))
            .collect();
        for ((_, h), name) in agent_cells.iter().zip(&columns) {
            if !name.eq_ignore_ascii_case(INTEGRATOR) && self.agent_index(name).is_none() {
                self.warn(
                    Code::MatrixUnknownColumn,
                    h.span.clone(),
                    format!("matrix column `{name}` names no agent of the contract"),
                );
            }
        }
        // Use the contract's own spelling of agent names for columns.
        let columns: Vec<String> = columns
            .into_iter()
            .map(|c| match self.agent_index(&c) {
                Some(i) => self.c.agents[i].name.clone(),
                None => c,
            })
            .collect();
        for row in rows {
            let Some(check_cell) = row.first() else {
                continue;
            };
            let mut required = Vec::with_capacity(columns.len());
            for ((i, _), col) in agent_cells.iter().zip(&columns) {
                let cell = row.get(*i);
                let text = cell
                    .map(|c| plain_text(&c.raw).to_lowercase())
                    .unwrap_or_default();
                let req = match text.as_str() {
                    "required" | "yes" | "y" | "✓" | "✔" | "x" | "must" => true,
                    "not required" | "no" | "n" | "-" | "—" | "" | "optional" | "n/a" => false,
                    other => {
                        if let Some(c) = cell {
                            self.warn(
                                Code::MatrixUnclearCell,
                                c.span.clone(),
                                format!("matrix cell `{other}` for `{col}` is neither Required nor Not required; read as Required"),
                            );
                        }
                        true
                    }
                };
                required.push(req);
            }
            self.read_line();
            let (check, inline_ci) = split_ci_suffix(&plain_text(&check_cell.raw));
            let column_ci = ci_col
                .and_then(|i| row.get(i))
                .map(|c| plain_text(&c.raw))
                .filter(|t| !matches!(t.as_str(), "" | "-" | "—" | "n/a"));
            self.c.matrix.push(MatrixRow {
                check,
                span: check_cell.span.clone(),
                required,
                ci: column_ci.or(inline_ci),
            });
        }
        self.c.matrix_columns = columns;
    }

    pub(super) fn permissions_section(&mut self, s: &Section) {
        for b in &s.blocks {
            match b {
                Block::Table { header, rows } => {
                    let span = |cells: &[super::blocks::Cell]| match (cells.first(), cells.last()) {
                        (Some(a), Some(b)) => a.span.start..b.span.end,
                        _ => s.span.clone(),
                    };
                    self.c.permission_spans.push(span(header));
                    self.c
                        .permission_policy
                        .push(header.iter().map(|c| plain_text(&c.raw)).collect());
                    for row in rows {
                        self.read_line();
                        self.c.permission_spans.push(span(row));
                        self.c
                            .permission_policy
                            .push(row.iter().map(|c| plain_text(&c.raw)).collect());
                    }
                }
                Block::Item(it) => {
                    self.read_line();
                    self.c
                        .permission_policy
                        .push(vec![plain_text(&it.cell.raw)]);
                    for c in &it.children {
                        self.c.permission_policy.push(vec![plain_text(&c.raw)]);
                    }
                }
                Block::Paragraph(c) => {
                    self.read_line();
                    self.c.permission_policy.push(vec![plain_text(&c.raw)])
                }
            }
        }
    }
}

/// `CI check` or `CI` (any case) heads the matrix's CI column.
fn is_ci_header(name: &str) -> bool {
    let n = name.trim().to_ascii_lowercase();
    n == "ci" || n == "ci check"
}

/// Splits a trailing `(ci: build)` off a check's text: the check without it,
/// and the CI check's name.
fn split_ci_suffix(text: &str) -> (String, Option<String>) {
    let t = text.trim_end();
    if let Some(body) = t.strip_suffix(')') {
        if let Some(open) = body.rfind('(') {
            let inner = body[open + 1..].trim();
            let lower = inner.to_ascii_lowercase();
            if let Some(rest) = lower.strip_prefix("ci:") {
                let name = inner[inner.len() - rest.len()..].trim();
                if !name.is_empty() {
                    return (body[..open].trim_end().to_string(), Some(name.to_string()));
                }
            }
        }
    }
    (text.to_string(), None)
}

impl Reader<'_> {
    /// `@user` and `@org/team` handles, anywhere in the section's lines;
    /// lines without one are notes. A section naming nobody is an error:
    /// it would leave every approval counting.
    pub(super) fn approvers_section(&mut self, s: &Section) {
        let mut any = false;
        for b in &s.blocks {
            for cell in block_cells(b) {
                let found: Vec<Approver> = cell
                    .raw
                    .split(|c: char| {
                        c.is_whitespace() || matches!(c, ',' | ';' | '`' | '(' | ')' | '|')
                    })
                    .map(|w| w.trim_end_matches(['.', ':']))
                    .filter_map(Approver::parse)
                    .collect();
                if found.is_empty() {
                    self.note("Approvers", &cell.raw);
                    continue;
                }
                any = true;
                self.read_line();
                for a in found {
                    if !self.c.approvers.contains(&a) {
                        self.c.approvers.push(a);
                    }
                }
            }
        }
        if !any {
            self.err(
                Code::NoApprovers,
                s.span.clone(),
                "the Approvers section names no `@user` or `@org/team`".to_string(),
            );
        }
    }
}
