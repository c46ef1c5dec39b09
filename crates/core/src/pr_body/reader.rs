//! The markdown walk behind [`super::read_body`]: pulldown-cmark events in,
//! flat [`Record`]s out (items, paragraphs, headings, table rows, code),
//! each item and row with what it stands under (headings, the line leading
//! into its list or table, the items it is nested in).

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{notes, scan_comment, Context, Kind, Record, Text};

/// Open container collecting inline text while parsing.
enum Frame {
    /// `nested`: the text of the (non-task) items nested in it, as they end.
    Item {
        task: Option<bool>,
        text: String,
        nested: String,
    },
    Paragraph {
        text: String,
    },
    Heading {
        level: u8,
        text: String,
    },
    Cell {
        text: String,
    },
}

impl Frame {
    fn text_mut(&mut self) -> &mut String {
        match self {
            Frame::Item { text, .. }
            | Frame::Paragraph { text }
            | Frame::Heading { text, .. }
            | Frame::Cell { text } => text,
        }
    }
}

/// The walk's state.
#[derive(Default)]
struct Reader {
    records: Vec<Record>,
    stack: Vec<Frame>,
    in_comment: bool,
    /// Struck-through text (`~~npm test~~`) is withdrawn: it never counts.
    struck: usize,
    /// Whether a code block is open, and its text.
    in_code: bool,
    code_text: String,
    /// Raw cell texts of the current table row (header or body).
    row: Vec<String>,
    /// The current table's header cells.
    columns: Vec<Text>,
    /// The open headings, outermost first.
    headings: Vec<(u8, Text)>,
    /// The paragraph just ended, when nothing came after it yet: it leads
    /// into a list or table that follows (`Skipped:` over a checklist).
    lead_in: Option<Text>,
    /// The lead-in of each open list, and of the open table.
    lists: Vec<Option<Text>>,
    table_lead: Option<Text>,
    /// Visible text of the open HTML block.
    html: Option<String>,
}

/// The records of a body with LF line ends.
pub(super) fn records(body: &str) -> Vec<Record> {
    let parser = Parser::new_ext(
        body,
        Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH,
    );
    let mut r = Reader::default();
    for event in parser {
        match event {
            Event::Html(html) | Event::InlineHtml(html) => {
                let mut visible = String::new();
                r.in_comment = scan_comment(&html, r.in_comment, &mut visible);
                if let Some(h) = &mut r.html {
                    h.push_str(&visible);
                    h.push('\n');
                }
            }
            Event::Start(tag) => r.start(tag),
            Event::End(tag_end) => r.end(tag_end),
            _ if r.in_comment => {}
            Event::Text(_) | Event::Code(_) if r.struck > 0 => {}
            Event::Text(t) | Event::Code(t) => r.text(&t),
            Event::SoftBreak | Event::HardBreak => r.text("\n"),
            Event::TaskListMarker(checked) => r.task(checked),
            _ => {}
        }
    }
    r.records
}

impl Reader {
    fn start(&mut self, tag: Tag) {
        let frame = match tag {
            Tag::Item => Frame::Item {
                task: None,
                text: String::new(),
                nested: String::new(),
            },
            Tag::Paragraph => {
                self.lead_in = None;
                Frame::Paragraph {
                    text: String::new(),
                }
            }
            Tag::Heading { level, .. } => {
                self.lead_in = None;
                Frame::Heading {
                    level: level as u8,
                    text: String::new(),
                }
            }
            Tag::TableCell => Frame::Cell {
                text: String::new(),
            },
            Tag::List(_) => {
                let lead = self.lead_in.take();
                return self.lists.push(lead);
            }
            Tag::Table(_) => {
                self.table_lead = self.lead_in.take();
                return self.columns.clear();
            }
            Tag::TableHead | Tag::TableRow => return self.row.clear(),
            Tag::CodeBlock(_) => {
                self.lead_in = None;
                self.in_code = true;
                return self.code_text.clear();
            }
            Tag::HtmlBlock => {
                self.lead_in = None;
                self.html = Some(String::new());
                return;
            }
            Tag::Strikethrough => {
                self.struck += 1;
                return;
            }
            _ => return,
        };
        self.stack.push(frame);
    }

    fn end(&mut self, tag_end: TagEnd) {
        match tag_end {
            TagEnd::Strikethrough => self.struck = self.struck.saturating_sub(1),
            TagEnd::Item => self.end_item(),
            TagEnd::Paragraph => self.end_paragraph(),
            TagEnd::Heading(_) => {
                if let Some(Frame::Heading { level, text }) = self.stack.pop() {
                    let text = Text::new(&text);
                    self.headings.retain(|(l, _)| *l < level);
                    self.headings.push((level, text.clone()));
                    self.records.push(Record {
                        kind: Kind::Heading(level),
                        text,
                        context: Vec::new(),
                    });
                }
            }
            TagEnd::TableCell => {
                if let Some(Frame::Cell { text }) = self.stack.pop() {
                    self.row.push(text);
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                self.end_row(matches!(tag_end, TagEnd::TableHead));
            }
            TagEnd::Table => {
                self.table_lead = None;
                self.lead_in = None;
            }
            TagEnd::List(_) => {
                self.lists.pop();
                self.lead_in = None;
            }
            TagEnd::CodeBlock => {
                self.in_code = false;
                let lines = self
                    .code_text
                    .lines()
                    .map(Text::new)
                    .filter(|t| !t.is_empty())
                    .collect();
                self.records.push(Record {
                    kind: Kind::Code(lines),
                    text: Text::new(&self.code_text),
                    context: Vec::new(),
                });
                self.code_text.clear();
            }
            TagEnd::HtmlBlock => {
                let text = Text::new(&self.html.take().unwrap_or_default());
                if !text.is_empty() {
                    self.lead_in = Some(text.clone());
                    self.records.push(Record {
                        kind: Kind::Paragraph,
                        text,
                        context: Vec::new(),
                    });
                }
            }
            _ => {}
        }
    }

    /// What an item or row being recorded now stands under.
    fn context(&self, table: bool) -> Vec<Context> {
        let mut out: Vec<Context> = self
            .headings
            .iter()
            .map(|(_, t)| Context::Heading(t.clone()))
            .collect();
        for f in &self.stack {
            if let Frame::Item { text, .. } = f {
                out.push(Context::Parent(Text::new(&own_text(text))));
            }
        }
        out.extend(self.lists.iter().flatten().cloned().map(Context::LeadIn));
        if table {
            out.extend(self.table_lead.clone().map(Context::LeadIn));
        }
        out
    }

    fn end_item(&mut self) {
        let Some(Frame::Item { task, text, nested }) = self.stack.pop() else {
            return;
        };
        let own = own_text(&text);
        let context = self.context(false);
        // A nested task item is a claim of its own; other nested items are
        // words about the item they are under.
        if let Some(Frame::Item { nested: outer, .. }) =
            self.stack.last_mut().filter(|_| task.is_none())
        {
            outer.push(' ');
            outer.push_str(&own);
            outer.push(' ');
            outer.push_str(&nested);
        }
        self.records.push(Record {
            kind: Kind::Item {
                task,
                nested: Text::new(&nested),
            },
            text: Text::new(&own),
            context,
        });
        push_lazy_lines(&text, &mut self.records);
    }

    fn end_paragraph(&mut self) {
        let Some(Frame::Paragraph { text }) = self.stack.pop() else {
            return;
        };
        // Inside an item or cell the paragraph is part of its text.
        match self.stack.last_mut() {
            Some(parent @ (Frame::Item { .. } | Frame::Cell { .. })) => {
                let t = parent.text_mut();
                t.push('\n');
                t.push_str(&text);
            }
            _ => {
                let t = Text::new(&text);
                self.lead_in = Some(t.clone());
                self.records.push(Record {
                    kind: Kind::Paragraph,
                    text: t,
                    context: Vec::new(),
                });
                push_lazy_lines(&text, &mut self.records);
            }
        }
    }

    fn end_row(&mut self, header: bool) {
        let cells: Vec<Text> = self.row.drain(..).map(|c| Text::new(&c)).collect();
        let text = Text::new(
            &cells
                .iter()
                .map(|c| c.shown.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        );
        if header {
            self.columns.clone_from(&cells);
        }
        let columns = if header {
            Vec::new()
        } else {
            self.columns.clone()
        };
        let context = self.context(true);
        self.records.push(Record {
            kind: Kind::Row {
                header,
                cells,
                columns,
            },
            text,
            context,
        });
    }

    /// Inline text (a line break arrives as `\n` and is kept: a `Remaining
    /// risk:` line right under a checklist is read as its own line).
    fn text(&mut self, t: &str) {
        if self.in_code {
            self.code_text.push_str(t);
        } else if let Some(frame) = self.stack.last_mut() {
            frame.text_mut().push_str(t);
        }
    }

    fn task(&mut self, checked: bool) {
        if let Some(Frame::Item { task, .. }) = self
            .stack
            .iter_mut()
            .rev()
            .find(|f| matches!(f, Frame::Item { .. }))
        {
            task.get_or_insert(checked);
        }
    }
}

/// An item's own words: its lines, except a later line that starts a
/// notes statement of its own (`Remaining risk: …` right under a
/// checklist item is that note, not words about the item's check).
fn own_text(text: &str) -> String {
    let mut lines = text.split('\n');
    let mut out = lines.next().unwrap_or("").to_string();
    for line in lines {
        if !notes::starts_statement(&Text::new(line).low) {
            out.push('\n');
            out.push_str(line);
        }
    }
    out
}

/// The lines of a multi-line paragraph or item, as paragraphs of their own
/// (for the notes and for sentences that say a check failed; paragraphs
/// are never evidence).
fn push_lazy_lines(text: &str, records: &mut Vec<Record>) {
    if !text.trim().contains('\n') {
        return;
    }
    for line in text.split('\n') {
        let t = Text::new(line);
        if !t.is_empty() {
            records.push(Record {
                kind: Kind::Paragraph,
                text: t,
                context: Vec::new(),
            });
        }
    }
}
