//! The verification matrix's own small grammar: a row's CI check and its
//! source (`(ci: build, app: circleci-checks)`, a `CI check` cell, a
//! `Source` cell), the roles of a list item (`` - `npm test` (every agent) ``)
//! and a column's note (`agent-1 (uploads)`). Every word is understood or
//! refused with a code; none is dropped.

use super::blocks::Cell;
use super::items::{clean_name, plain_text, split_list};
use super::reader::Reader;
use super::{CiSource, Code, MatrixRow, INTEGRATOR};

/// Why a row's CI check, a list item's roles or a column is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum MatrixError {
    #[error("the row names two CI checks, `{first}` and `{second}`")]
    TwoChecks { first: String, second: String },
    #[error("the row names two CI sources, {} and {}", source_word(.first), source_word(.second))]
    TwoSources { first: CiSource, second: CiSource },
    #[error("a commit status is never skipped or neutral: `skipped ok` and `neutral ok` apply to check-runs")]
    StatusNotSkipped,
    #[error("`(ci: …)` names no CI check")]
    NoCheck,
    #[error("`{option}` is not a CI option the gate knows ({CI_WORDS})")]
    UnknownOption { option: String },
    #[error("`app: {app}` is not a GitHub App slug or id (letters, digits and `-`, as in `app: circleci-checks`)")]
    BadApp { app: String },
    #[error("source `{name}` is not one the gate knows (`github-actions`, `app: SLUG`, `status`)")]
    UnknownSource { name: String },
    #[error("`{parenthetical}` has two such parentheticals: write one")]
    TwoParentheticals { parenthetical: String },
    #[error("the item names no check")]
    ItemNoCheck,
    #[error("`{role}` is not a role the gate knows ({ROLE_WORDS})")]
    UnknownRole { role: String },
    #[error("the parenthetical names no role ({ROLE_WORDS})")]
    NoRole,
    #[error("matrix column `{header}` names an agent only in its note: write the agent first (`agent-1 (uploads)`)")]
    ColumnAgentInNote { header: String },
}

/// What a row says about its CI check: the name, the source, and which
/// conclusions besides success evidence it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct CiSpec {
    pub name: Option<String>,
    pub source: Option<CiSource>,
    pub skipped_ok: bool,
    pub neutral_ok: bool,
}

impl CiSpec {
    /// Adds what `other` says; two different names or sources are refused.
    pub fn merge(mut self, other: CiSpec) -> Result<CiSpec, MatrixError> {
        match (&self.name, other.name) {
            (Some(a), Some(b)) if *a != b => {
                return Err(MatrixError::TwoChecks {
                    first: a.clone(),
                    second: b,
                })
            }
            (None, b) => self.name = b,
            _ => {}
        }
        match (&self.source, other.source) {
            (Some(a), Some(b)) if *a != b => {
                return Err(MatrixError::TwoSources {
                    first: a.clone(),
                    second: b,
                })
            }
            (None, b) => self.source = b,
            _ => {}
        }
        self.skipped_ok |= other.skipped_ok;
        self.neutral_ok |= other.neutral_ok;
        if self.source == Some(CiSource::Status) && (self.skipped_ok || self.neutral_ok) {
            return Err(MatrixError::StatusNotSkipped);
        }
        Ok(self)
    }

    /// Fills a matrix row's CI fields.
    pub fn apply(self, row: &mut MatrixRow) {
        row.ci = self.name;
        row.ci_source = self.source.unwrap_or_default();
        row.skipped_ok = self.skipped_ok;
        row.neutral_ok = self.neutral_ok;
    }
}

fn source_word(s: &CiSource) -> String {
    match s {
        CiSource::GithubActions => "`app: github-actions`".to_string(),
        CiSource::App(a) => format!("`app: {a}`"),
        CiSource::Status => "`status`".to_string(),
    }
}

/// The words a CI spec understands, for messages.
pub(super) const CI_WORDS: &str =
    "`app: SLUG` (or `app: ID`), `status`, `skipped ok`, `neutral ok`";

/// A cell that says "none": empty, a dash, `n/a`.
pub(super) fn is_blank(text: &str) -> bool {
    matches!(text.trim(), "" | "-" | "—" | "–" | "n/a" | "N/A")
}

/// Reads `NAME[, OPTION]…`: the inside of `(ci: …)` after `ci:`, or a
/// `CI check` cell. The name may be in backticks (it may hold commas or
/// parentheses there).
pub(super) fn parse_ci_spec(text: &str) -> Result<CiSpec, MatrixError> {
    let pieces = split_list(text);
    let Some((first, options)) = pieces.split_first() else {
        return Err(MatrixError::NoCheck);
    };
    let name = plain_text(first.text);
    if name.is_empty() {
        return Err(MatrixError::NoCheck);
    }
    let mut spec = CiSpec {
        name: Some(name),
        ..CiSpec::default()
    };
    for o in options {
        spec = spec.merge(parse_option(o.text)?)?;
    }
    Ok(spec)
}

/// One option of a CI spec.
fn parse_option(text: &str) -> Result<CiSpec, MatrixError> {
    let t = plain_text(text).to_ascii_lowercase();
    let spec = match t.as_str() {
        "status" | "commit status" => CiSpec {
            source: Some(CiSource::Status),
            ..CiSpec::default()
        },
        "skipped ok" => CiSpec {
            skipped_ok: true,
            ..CiSpec::default()
        },
        "neutral ok" => CiSpec {
            neutral_ok: true,
            ..CiSpec::default()
        },
        _ => match t.strip_prefix("app:") {
            Some(app) => CiSpec {
                source: Some(parse_app(app.trim())?),
                ..CiSpec::default()
            },
            None => {
                return Err(MatrixError::UnknownOption {
                    option: plain_text(text),
                })
            }
        },
    };
    Ok(spec)
}

/// `app: SLUG` or `app: ID`: a GitHub App slug (letters, digits, `-`) or
/// its numeric id. `github-actions` is the default source.
fn parse_app(app: &str) -> Result<CiSource, MatrixError> {
    let ok = !app.is_empty()
        && !app.starts_with('-')
        && app
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !ok {
        return Err(MatrixError::BadApp {
            app: app.to_string(),
        });
    }
    Ok(
        if app == crate::ci_evidence::ACTIONS_SLUG
            || app == crate::ci_evidence::ACTIONS_APP_ID.to_string()
        {
            CiSource::GithubActions
        } else {
            CiSource::App(app.to_string())
        },
    )
}

/// A `Source` (or `CI source`) cell: `github-actions`, `GitHub Actions`,
/// `app: SLUG`, `status`, `commit status`, or blank (the default).
pub(super) fn parse_source_cell(text: &str) -> Result<CiSpec, MatrixError> {
    let t = plain_text(text);
    if is_blank(&t) {
        return Ok(CiSpec::default());
    }
    let lower = t.to_ascii_lowercase();
    let source = match lower.as_str() {
        "github-actions" | "github actions" | "actions" => CiSource::GithubActions,
        "status" | "commit status" => CiSource::Status,
        _ => match lower.strip_prefix("app:") {
            Some(app) => parse_app(app.trim())?,
            None => return Err(MatrixError::UnknownSource { name: t }),
        },
    };
    Ok(CiSpec {
        source: Some(source),
        ..CiSpec::default()
    })
}

/// The last parenthetical of `raw` that is outside backticks and closes at
/// its end: the text before it, and its inside.
pub(super) fn trailing_paren(raw: &str) -> Option<(&str, &str)> {
    let t = raw.trim_end();
    if !t.ends_with(')') {
        return None;
    }
    let mut in_code = false;
    let mut opens: Vec<usize> = Vec::new();
    let mut last_open = None;
    for (i, c) in t.char_indices() {
        match c {
            '`' => in_code = !in_code,
            '(' if !in_code => opens.push(i),
            ')' if !in_code => {
                let open = opens.pop();
                if i + 1 == t.len() {
                    last_open = open;
                }
            }
            _ => {}
        }
    }
    let open = last_open?;
    Some((t[..open].trim_end(), &t[open + 1..t.len() - 1]))
}

/// `ci: …` at the start of a parenthetical (any case): what follows.
pub(super) fn ci_inner(inner: &str) -> Option<&str> {
    let t = inner.trim_start();
    let head = t.get(..3)?;
    head.eq_ignore_ascii_case("ci:").then(|| &t[3..])
}

/// Who a list item requires a check of.
#[derive(Debug, Default)]
struct Roles {
    agents: Vec<usize>,
    every_agent: bool,
    integrator: bool,
}

/// The roles words of a list item, for messages.
const ROLE_WORDS: &str = "`every agent`, `integrator`, `everyone` or agent names";

impl Reader<'_> {
    /// A list under a matrix heading: one check per item, required of the
    /// roles its parenthetical names (`(every agent)`, `(agent-1,
    /// integrator)`, `(everyone)`), of everyone when it names none; a
    /// `(ci: …)` parenthetical as in a table. Columns: every agent, then
    /// the integrator.
    pub(super) fn matrix_item(&mut self, cell: &Cell) {
        let n = self.c.agents.len();
        if self.c.matrix_columns.is_empty() {
            self.c.matrix_columns = self.c.agents.iter().map(|a| a.name.clone()).collect();
            self.c.matrix_columns.push(INTEGRATOR.to_string());
        }
        let mut rest = cell.raw.as_str();
        let mut ci: Option<&str> = None;
        let mut roles: Option<&str> = None;
        let mut problem: Option<(Code, MatrixError)> = None;
        while let Some((before, inner)) = trailing_paren(rest) {
            let slot = if ci_inner(inner).is_some() {
                &mut ci
            } else {
                &mut roles
            };
            if slot.is_some() {
                problem = Some((
                    Code::MatrixItemRoles,
                    MatrixError::TwoParentheticals {
                        parenthetical: inner.trim().to_string(),
                    },
                ));
                break;
            }
            *slot = Some(inner);
            rest = before;
        }
        let check = plain_text(rest);
        if problem.is_none() && check.is_empty() {
            problem = Some((Code::UnreadableLine, MatrixError::ItemNoCheck));
        }
        let mut spec = CiSpec::default();
        if let (None, Some(inner)) = (&problem, ci.and_then(ci_inner)) {
            match parse_ci_spec(inner) {
                Ok(s) => spec = s,
                Err(e) => problem = Some((Code::MatrixCiUnreadable, e)),
            }
        }
        let mut who = Roles {
            every_agent: roles.is_none(),
            integrator: roles.is_none(),
            ..Roles::default()
        };
        if let (None, Some(inner)) = (&problem, roles) {
            match self.parse_roles(inner) {
                Ok(r) => who = r,
                Err(e) => problem = Some((Code::MatrixItemRoles, e)),
            }
        }
        if let Some((code, msg)) = problem {
            self.c.lines.refused += 1;
            self.err(
                code,
                cell.span.clone(),
                format!(
                    "verification matrix: cannot read `{}`: {msg}",
                    cell.raw.trim()
                ),
            );
            return;
        }
        let mut required: Vec<bool> = (0..n)
            .map(|i| who.every_agent || who.agents.contains(&i))
            .collect();
        required.push(who.integrator);
        self.read_line();
        let mut row = MatrixRow {
            check,
            span: cell.span.clone(),
            required,
            ci: None,
            ci_source: CiSource::default(),
            skipped_ok: false,
            neutral_ok: false,
        };
        spec.apply(&mut row);
        self.c.matrix.push(row);
    }

    /// `every agent`, `all agents`, `integrator`, `everyone`, `all` and
    /// agent names, separated by `,`, `;`, `&` or ` and `.
    fn parse_roles(&self, inner: &str) -> Result<Roles, MatrixError> {
        let mut r = Roles::default();
        let mut any = false;
        let normalised = inner.replace('&', ",");
        for piece in split_list(&normalised) {
            for word in split_and_words(piece.text) {
                let w = clean_name(word);
                any = true;
                match w.to_lowercase().as_str() {
                    "every agent" | "all agents" | "each agent" => r.every_agent = true,
                    "integrator" | "the integrator" => r.integrator = true,
                    "everyone" | "all" => {
                        r.every_agent = true;
                        r.integrator = true;
                    }
                    _ => match self.agent_index(&w) {
                        Some(i) => r.agents.push(i),
                        None => return Err(MatrixError::UnknownRole { role: w }),
                    },
                }
            }
        }
        if !any {
            return Err(MatrixError::NoRole);
        }
        Ok(r)
    }

    /// A matrix column's header: the agent (or `Integrator`) it names,
    /// with a trailing note in parentheses allowed (`agent-1 (uploads)`).
    /// `Err` when only the note names an agent: the column is unclear.
    pub(super) fn matrix_column(&self, header: &str) -> Result<Option<String>, MatrixError> {
        let text = plain_text(header);
        let (name, note) = match trailing_paren(&text) {
            Some((before, inner)) if !before.is_empty() => (before.to_string(), Some(inner)),
            _ => (text.clone(), None),
        };
        let name = clean_name(&name);
        if name.eq_ignore_ascii_case(INTEGRATOR) {
            return Ok(Some(INTEGRATOR.to_string()));
        }
        if let Some(i) = self.agent_index(&name) {
            return Ok(Some(self.c.agents[i].name.clone()));
        }
        if note.is_some_and(|n| self.mentions_agent(n)) {
            return Err(MatrixError::ColumnAgentInNote { header: text });
        }
        Ok(None)
    }
}

/// Splits on ` and ` (any case) between words.
fn split_and_words(text: &str) -> Vec<&str> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut start = 0;
    let mut from = 0;
    while let Some(i) = lower[from..].find(" and ") {
        let at = from + i;
        out.push(text[start..at].trim());
        start = at + 5;
        from = start;
    }
    out.push(text[start..].trim());
    out.into_iter().filter(|w| !w.is_empty()).collect()
}
