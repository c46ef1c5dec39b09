//! Verification evidence in a pull-request body.
//!
//! Pure: [`read_body`] parses the markdown body once (CommonMark + GFM tables
//! and task lists, via `pulldown_cmark`) into a flat list of records; each
//! [`BodyEvidence::reading`] query then scans those records.
//!
//! The reader accounts for every word around a check; it does not guess.
//! A check is evidenced ([`EvidenceStatus::Passed`]) by:
//! - a checked task-list item (`- [x]`, any nesting) whose text is the
//!   check, with nothing else around it but the small pass vocabulary
//!   (`passed`, `pass`, `ok`, `green`, ✅, … see `vocab`), `Ran`/`Run` before
//!   it, and separators (`—`, `-`, `:`);
//! - a GFM table row with a cell naming the check and a pass mark in a
//!   column whose heading clearly names a result (`Result`, `Status`, …),
//!   every other cell empty.
//!
//! Any other text around a tick means "not counted"
//! ([`EvidenceStatus::NotAPass`]), and the reading quotes it. A tick under
//! a heading, lead-in line or parent item whose words say failed, skipped
//! or not run, a mark in such a table column, and a sentence anywhere in the
//! body that names the check and says it did not pass give
//! [`EvidenceStatus::Failed`], which wins over any tick.
//!
//! Precedence: `Failed` > `NotAPass` > `Passed` > `Unchecked` > `Missing`
//! (fail closed). Content inside HTML comments or code blocks never counts,
//! nor do plain paragraphs that merely mention a check.

mod judge;
mod notes;
mod reader;
mod vocab;

/// A PR body read once; queried per check.
#[derive(Debug, Clone, Default)]
pub struct BodyEvidence {
    records: Vec<Record>,
    remaining_risk: bool,
    commands_run: bool,
}

/// What the body says about one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceStatus {
    /// A checked item or a passed row names it, and every word around it
    /// is understood as a pass.
    Passed,
    /// The body says it failed, was skipped or was not run (a tick under
    /// such a heading, a mark in such a column, or a sentence saying so).
    Failed,
    /// A tick or a table row names it, but the text around it is not a
    /// pass (the reading quotes that text).
    NotAPass,
    /// Only an unchecked item (`- [ ]`) names it.
    Unchecked,
    /// Nothing names it.
    Missing,
}

/// What the body says about one check, and why (a quote from the body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The status.
    pub status: EvidenceStatus,
    /// For `Failed` and `NotAPass`: what the body says, to follow the
    /// check's name in a finding (`is ticked, but the text after it,
    /// "wasn't run", is not a pass`).
    pub reason: Option<String>,
}

#[derive(Debug, Clone)]
enum Kind {
    /// A list item; `task` is `Some(checked)` for task-list items.
    /// `nested`: the text of the lists inside it.
    Item { task: Option<bool>, nested: Text },
    /// A table row; `header` for the GFM header row; `columns` are the
    /// header's cells (for body rows).
    Row {
        header: bool,
        cells: Vec<Text>,
        columns: Vec<Text>,
    },
    /// A paragraph outside any list item or table cell (or the visible
    /// text of an HTML block).
    Paragraph,
    /// A heading of the given level (1..=6).
    Heading(u8),
    /// A fenced or indented code block, and its lines.
    Code(Vec<Text>),
}

/// What a record stands under: a heading, the line that leads into its
/// list or table (`Skipped:`), or the list item it is nested in.
#[derive(Debug, Clone)]
enum Context {
    Heading(Text),
    LeadIn(Text),
    Parent(Text),
}

impl Context {
    fn text(&self) -> &Text {
        match self {
            Context::Heading(t) | Context::LeadIn(t) | Context::Parent(t) => t,
        }
    }

    fn describe(&self) -> String {
        match self {
            Context::Heading(t) => format!("the heading \"{}\"", t.shown),
            Context::LeadIn(t) => format!("the line \"{}\"", t.shown),
            Context::Parent(t) => format!("the item \"{}\"", t.shown),
        }
    }
}

#[derive(Debug, Clone)]
struct Record {
    kind: Kind,
    /// Normalised text (see [`Text::new`]); for rows, all cells joined.
    text: Text,
    /// For items and rows: what they stand under, outermost first.
    context: Vec<Context>,
}

/// A text twice, char for char: `low` for matching (lower-cased,
/// backticks removed, whitespace collapsed, invisible characters dropped)
/// and `shown` the same with its case kept, for quoting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Text {
    low: String,
    shown: String,
}

impl Text {
    fn new(raw: &str) -> Text {
        let mut t = Text::default();
        let mut space = false;
        for c in raw.chars() {
            let c = match c {
                // Invisible when rendered, so invisible to the reader: the BOM,
                // zero-width characters, emoji variation selectors, soft hyphen.
                '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{fe0e}'
                | '\u{fe0f}' | '\u{00ad}' => continue,
                '\u{2019}' | '\u{2018}' | '\u{02bc}' => '\'',
                '`' => ' ',
                c => c,
            };
            if c.is_whitespace() {
                space = !t.low.is_empty();
                continue;
            }
            if space {
                t.low.push(' ');
                t.shown.push(' ');
                space = false;
            }
            // One char for one char, so that a place in `low` is one in `shown`.
            let mut lower = c.to_lowercase();
            let l = match (lower.next(), lower.next()) {
                (Some(l), None) => l,
                _ => c,
            };
            t.low.push(l);
            t.shown.push(c);
        }
        t
    }

    fn is_empty(&self) -> bool {
        self.low.is_empty()
    }

    /// The part of the text between two byte offsets of `low`.
    fn slice(&self, from: usize, to: usize) -> Text {
        let a = self.low[..from].chars().count();
        let n = self.low[from..to].chars().count();
        Text {
            low: self.low[from..to].to_string(),
            shown: self.shown.chars().skip(a).take(n).collect(),
        }
    }

    /// The text with its ends' separators and spaces trimmed.
    fn trimmed(&self) -> Text {
        let sep = |c: char| c.is_whitespace() || matches!(c, '—' | '–' | '-' | ':' | ',' | ';');
        let start = self.low.len() - self.low.trim_start_matches(sep).len();
        let end = self.low.trim_end_matches(sep).len().max(start);
        self.slice(start, end)
    }
}

/// Parse a PR body (LF or CRLF line ends, a UTF-8 BOM or not) into
/// queryable evidence.
pub fn read_body(body: &str) -> BodyEvidence {
    let body = body.strip_prefix('\u{feff}').unwrap_or(body);
    let body = body.replace("\r\n", "\n").replace('\r', "\n");
    let records = reader::records(&body);
    let remaining_risk = notes::remaining_risk(&records);
    let commands_run = notes::commands_run(&records);
    BodyEvidence {
        records,
        remaining_risk,
        commands_run,
    }
}

impl BodyEvidence {
    /// Status of one check, named as the contract's matrix writes it, already in plain text
    /// (backticks removed, whitespace collapsed), e.g. "npm run check" or
    /// "Markdown post page still renders TOC for ## and ###".
    pub fn status(&self, check: &str) -> EvidenceStatus {
        self.reading(check).status
    }

    /// Status of one check and, when it is not a pass, why (a quote).
    pub fn reading(&self, check: &str) -> Reading {
        let needle = normalise(check);
        if needle.is_empty() {
            return Reading {
                status: EvidenceStatus::Missing,
                reason: None,
            };
        }
        judge::reading(&self.records, &needle)
    }

    /// True when the body has a remaining-risk section with some content: a heading whose text
    /// contains "risk" (e.g. "## Remaining risk", "### Risks") followed by non-empty content
    /// before the next heading of the same or higher level, or a paragraph/list item that starts
    /// with "Remaining risk:" / "Risk:" followed by text.
    pub fn has_remaining_risk(&self) -> bool {
        self.remaining_risk
    }

    /// Whether the body says which commands were run: a "Commands run"
    /// (or "Verification", "Checks", "Tests run", "Testing") section or
    /// line whose content is more than a placeholder, or a checked task
    /// item that does not say it failed.
    pub fn has_commands_run(&self) -> bool {
        self.commands_run
    }
}

/// Whether a matrix check is the "PR notes include commands run and remaining risk" kind
/// (its text mentions "remaining risk" or "PR notes"): such a check is evidenced by
/// has_remaining_risk() instead of a task item.
pub fn is_pr_notes_check(check: &str) -> bool {
    let n = normalise(check);
    n.contains("remaining risk") || n.contains("pr notes")
}

/// Lowercase, drop backticks and invisible characters, collapse all
/// (Unicode) whitespace to single spaces.
fn normalise(s: &str) -> String {
    Text::new(s).low
}

/// Whether text starts with a command-line flag (`-x`, `--release`).
fn is_flag(t: &str) -> bool {
    let mut c = t.chars();
    c.next() == Some('-') && c.next().is_some_and(|n| n == '-' || n.is_alphanumeric())
}

/// Whether `haystack` names `needle` (both normalised).
fn names(haystack: &str, needle: &str) -> bool {
    occurrences(haystack, needle).next().is_some()
}

/// Where `haystack` names `needle` (both normalised): substring matches that
/// do not start or end in the middle of a word (so "npm run check" is not
/// named by "npm run checks").
fn occurrences<'a>(haystack: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    let first_alnum = needle.chars().next().is_some_and(char::is_alphanumeric);
    let last_alnum = needle
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric);
    haystack.match_indices(needle).filter_map(move |(at, _)| {
        let before_ok = !first_alnum
            || !haystack[..at]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric);
        // Exact: `npm run check` is not named by `npm run check:quick` or
        // `npm run check-all`; sentence punctuation after it is fine.
        let after = &haystack[at + needle.len()..];
        let mut next = after.chars();
        let after_ok = match next.next() {
            None => true,
            // `cargo test --release` is another command than `cargo test`.
            Some(c) if c.is_whitespace() => !is_flag(after.trim_start()),
            Some(',' | ';' | ')' | ']' | '"' | '\'') => true,
            Some('.' | ':' | '!' | '?') => next.next().is_none_or(char::is_whitespace),
            Some(c) => {
                !last_alnum || !(c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '=' | '@'))
            }
        };
        (before_ok && after_ok).then_some(at)
    })
}

/// Update the "inside an HTML comment" state across a chunk of raw HTML;
/// `visible` collects the text outside comments and tags.
fn scan_comment(html: &str, mut in_comment: bool, visible: &mut String) -> bool {
    let mut rest = html;
    loop {
        if in_comment {
            match rest.find("-->") {
                Some(i) => {
                    in_comment = false;
                    rest = &rest[i + 3..];
                }
                None => return true,
            }
        } else {
            match rest.find("<!--") {
                Some(i) => {
                    strip_tags(&rest[..i], visible);
                    rest = &rest[i + 4..];
                    // `<!-->` and `<!--->` are complete (empty) comments.
                    if let Some(r) = rest.strip_prefix('>') {
                        rest = r;
                    } else if let Some(r) = rest.strip_prefix("->") {
                        rest = r;
                    } else {
                        in_comment = true;
                    }
                }
                None => {
                    strip_tags(rest, visible);
                    return false;
                }
            }
        }
    }
}

/// The text of an HTML chunk outside its tags (`<summary>Skipped</summary>`
/// → `Skipped`); a tag becomes a space.
fn strip_tags(html: &str, out: &mut String) {
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
}

#[cfg(test)]
mod forms_tests;
#[cfg(test)]
mod strict_tests;

#[cfg(test)]
mod tests;
