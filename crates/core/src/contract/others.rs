//! Interface boundary, Integration branch, Verification matrix and
//! Permission policy sections.

use super::blocks::{Block, Section};
use super::items::plain_text;
use super::matrix::{CiSpec, MatrixError};
use super::reader::{block_cells, Reader};
use super::{Approver, CiSource, Code, MatrixRow};

/// Why the integration branch's line names no branch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum IntegrationError {
    #[error("the integration branch section's first line `{line}` does not say which word is the branch: write it in backticks")]
    WhichWord { line: String },
    #[error("the integration branch line `{line}` has several names in backticks: which is the branch? write only the branch in backticks")]
    SeveralSpans { line: String },
    #[error("the integration branch section names no branch (write it in backticks)")]
    NoBranch,
}

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
                match integration_line(&cell.raw) {
                    Ok((branch, rest)) => {
                        self.read_line();
                        self.c.integration_branch = Some(branch);
                        if !rest.is_empty() {
                            self.keep_note("Integration branch", &rest);
                        }
                    }
                    Err(why) => {
                        self.c.lines.refused += 1;
                        self.err(
                            Code::NoIntegrationBranch,
                            cell.span.clone(),
                            why.to_string(),
                        );
                    }
                }
            }
        }
    }

    /// A verification matrix: a table (one row per check, one column per
    /// agent and `Integrator`) or a list (one check per item, see
    /// [`Reader::matrix_item`]), whichever comes first; other blocks are
    /// unreadable. One matrix per contract.
    pub(super) fn matrix_section(&mut self, s: &Section) {
        if !self.c.matrix.is_empty() || !self.c.matrix_columns.is_empty() {
            self.c.lines.refused += 1;
            self.err(
                Code::MatrixTwice,
                s.span.clone(),
                "a second verification matrix: write one matrix per contract (merge the two)"
                    .to_string(),
            );
            return;
        }
        let table_first = s
            .blocks
            .iter()
            .find(|b| !matches!(b, Block::Paragraph(_)))
            .is_some_and(|b| matches!(b, Block::Table { .. }));
        let mut done = false;
        for b in &s.blocks {
            match b {
                Block::Table { header, rows } if table_first && !done => {
                    done = true;
                    self.matrix_table(header, rows);
                }
                Block::Item(it) if !table_first => {
                    self.matrix_item(&it.cell);
                    for c in &it.children {
                        self.unreadable(c, "Verification matrix");
                    }
                }
                _ => {
                    for c in block_cells(b) {
                        self.unreadable(c, "Verification matrix");
                    }
                }
            }
        }
        // A list (or prose) that leaves nothing required would pass every
        // PR without evidence: refused. A table says so cell by cell.
        let nothing = !self.c.matrix.iter().any(|r| r.required.contains(&true));
        if !table_first && nothing && !s.blocks.is_empty() {
            self.err(
                Code::MatrixNothingRequired,
                s.span.clone(),
                "the verification matrix requires no check of anyone: list each check as `- `npm test` (every agent)`, or remove the section"
                    .to_string(),
            );
        }
    }

    fn matrix_table(&mut self, header: &[super::blocks::Cell], rows: &[Vec<super::blocks::Cell>]) {
        // A `CI check` (or `CI`) column names the CI check proving each row,
        // a `Source` (or `CI source`) column who may report it; neither is
        // an agent column.
        let ci_col = header
            .iter()
            .skip(1)
            .position(|h| is_ci_header(&plain_text(&h.raw)))
            .map(|i| i + 1);
        let source_col = header
            .iter()
            .skip(1)
            .position(|h| is_source_header(&plain_text(&h.raw)))
            .map(|i| i + 1);
        let agent_cells: Vec<(usize, &super::blocks::Cell)> = header
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(i, _)| Some(*i) != ci_col && Some(*i) != source_col)
            .collect();
        // Columns in the contract's own spelling of agent names; a note in
        // parentheses after the name is allowed (`agent-1 (uploads)`).
        let mut columns: Vec<String> = Vec::with_capacity(agent_cells.len());
        for (_, h) in &agent_cells {
            let name = match self.matrix_column(&h.raw) {
                Ok(Some(name)) => {
                    if columns.iter().any(|c| c.eq_ignore_ascii_case(&name)) {
                        self.err(
                            Code::MatrixColumnUnclear,
                            h.span.clone(),
                            format!("a second matrix column names `{name}`: one column per agent"),
                        );
                    }
                    name
                }
                Ok(None) => {
                    let name = plain_text(&h.raw);
                    self.warn(
                        Code::MatrixUnknownColumn,
                        h.span.clone(),
                        format!("matrix column `{name}` names no agent of the contract"),
                    );
                    name
                }
                Err(why) => {
                    self.err(Code::MatrixColumnUnclear, h.span.clone(), why.to_string());
                    plain_text(&h.raw)
                }
            };
            columns.push(name);
        }
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
            let (check, spec) = match row_ci(
                check_cell,
                ci_col.and_then(|i| row.get(i)),
                source_col.and_then(|i| row.get(i)),
            ) {
                Ok(x) => {
                    self.read_line();
                    x
                }
                Err(msg) => {
                    self.c.lines.refused += 1;
                    self.err(
                        Code::MatrixCiUnreadable,
                        check_cell.span.clone(),
                        format!(
                            "verification matrix: row `{}`: {msg} (known: {})",
                            plain_text(&check_cell.raw),
                            super::matrix::CI_WORDS
                        ),
                    );
                    (plain_text(&check_cell.raw), CiSpec::default())
                }
            };
            let mut m = MatrixRow {
                check,
                span: check_cell.span.clone(),
                required,
                ci: None,
                ci_source: CiSource::default(),
                skipped_ok: false,
                neutral_ok: false,
            };
            spec.apply(&mut m);
            self.c.matrix.push(m);
        }
        self.c.matrix_columns = columns;
    }

    /// The policy is one table (the classes read it by its columns); a
    /// second table would be read with the first one's columns, so it is
    /// refused, and other lines are notes (or refused when they name a
    /// path or an agent).
    pub(super) fn permissions_section(&mut self, s: &Section) {
        for b in &s.blocks {
            match b {
                Block::Table { header, rows } if self.c.permission_policy.is_empty() => {
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
                Block::Table { header, rows } => {
                    self.c.lines.refused += rows.len() + 1;
                    let at = header.first().map_or(s.span.clone(), |h| h.span.clone());
                    self.err(
                        Code::UnreadableLine,
                        at,
                        "Permission policy: a second table (the policy is one table: merge the rows into the first)".to_string(),
                    );
                }
                _ => {
                    for c in block_cells(b) {
                        self.unreadable(c, "Permission policy");
                    }
                }
            }
        }
    }
}

/// The integration branch's line: the branch in the one backtick span (or
/// a bare first word followed by nothing, `,`, `.` or a dash), and the rest
/// of the line, kept as a note. Two spans could each be the branch: refused.
fn integration_line(raw: &str) -> Result<(String, String), IntegrationError> {
    let spans: Vec<&str> = raw.split('`').skip(1).step_by(2).collect();
    let (branch, rest) = match spans.as_slice() {
        [one] => {
            let rest = raw.replacen(&format!("`{one}`"), "", 1);
            (one.trim().to_string(), rest)
        }
        [] => {
            let first = raw.split_whitespace().next().unwrap_or("");
            let word = first.trim_end_matches([',', '.', ';', ':']);
            let after = raw[raw.find(first).map_or(0, |i| i + first.len())..].trim_start();
            let ends = first.len() > word.len()
                || after.is_empty()
                || after.starts_with(['—', '–', '-', '(']);
            if !ends {
                return Err(IntegrationError::WhichWord {
                    line: raw.to_string(),
                });
            }
            (word.to_string(), after.to_string())
        }
        _ => {
            return Err(IntegrationError::SeveralSpans {
                line: raw.to_string(),
            });
        }
    };
    if branch.is_empty() || branch.contains(char::is_whitespace) {
        return Err(IntegrationError::NoBranch);
    }
    let rest = rest
        .trim()
        .trim_start_matches([',', '.', ';', ':', '—', '–', '-'])
        .trim()
        .to_string();
    Ok((branch, rest))
}

/// `CI check` or `CI` (any case) heads the matrix's CI column.
fn is_ci_header(name: &str) -> bool {
    let n = name.trim().to_ascii_lowercase();
    n == "ci" || n == "ci check"
}

/// `Source` or `CI source` (any case) heads the matrix's source column.
fn is_source_header(name: &str) -> bool {
    let n = name.trim().to_ascii_lowercase();
    n == "source" || n == "ci source"
}

/// A table row's check text and CI spec: a trailing `(ci: …)` on the
/// check, the `CI check` cell and the `Source` cell, which must agree.
fn row_ci(
    check: &super::blocks::Cell,
    ci_cell: Option<&super::blocks::Cell>,
    source_cell: Option<&super::blocks::Cell>,
) -> Result<(String, CiSpec), MatrixError> {
    use super::matrix::{ci_inner, is_blank, parse_ci_spec, parse_source_cell, trailing_paren};
    let (text, mut spec) = match trailing_paren(&check.raw) {
        Some((before, inner)) if ci_inner(inner).is_some() => (
            plain_text(before),
            parse_ci_spec(ci_inner(inner).unwrap_or_default())?,
        ),
        _ => (plain_text(&check.raw), CiSpec::default()),
    };
    if let Some(c) = ci_cell.filter(|c| !is_blank(&plain_text(&c.raw))) {
        spec = spec.merge(parse_ci_spec(&c.raw)?)?;
    }
    if let Some(c) = source_cell {
        spec = spec.merge(parse_source_cell(&c.raw)?)?;
    }
    Ok((text, spec))
}

impl Reader<'_> {
    /// `@user` and `@org/team` handles, anywhere in the section's lines;
    /// lines without one are notes. A section naming nobody is an error:
    /// it would leave every approval counting.
    pub(super) fn approvers_section(&mut self, s: &Section) {
        let mut any = false;
        for b in &s.blocks {
            for cell in block_cells(b) {
                let words: Vec<&str> = cell
                    .raw
                    .split(|c: char| {
                        c.is_whitespace() || matches!(c, ',' | ';' | '`' | '(' | ')' | '|')
                    })
                    .map(|w| w.trim_end_matches(['.', ':']))
                    .collect();
                // `@someone` that is no GitHub handle: whose approval was meant?
                if let Some(bad) = words
                    .iter()
                    .find(|w| w.starts_with('@') && w.len() > 1 && Approver::parse(w).is_none())
                {
                    self.c.lines.refused += 1;
                    self.err(
                        Code::UnreadableLine,
                        cell.span.clone(),
                        format!("Approvers: `{bad}` is no GitHub `@user` or `@org/team` handle"),
                    );
                    continue;
                }
                let found: Vec<Approver> =
                    words.iter().filter_map(|w| Approver::parse(w)).collect();
                if found.is_empty() {
                    self.note("Approvers", &cell.raw);
                    continue;
                }
                // The words around the handles (`(integration owner)`) are a note.
                let rest: Vec<&str> = words
                    .iter()
                    .filter(|w| !w.is_empty() && Approver::parse(w).is_none())
                    .copied()
                    .collect();
                if !rest.is_empty() {
                    self.keep_note("Approvers", &rest.join(" "));
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
