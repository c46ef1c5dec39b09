//! The markdown walk behind [`super::read_body`]: pulldown-cmark events in,
//! flat [`Record`]s out (items, paragraphs, headings, table rows, code).

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{cell_mark, normalise, push_lazy_lines, scan_comment, Kind, Mark, Record};

/// Open container collecting inline text while parsing.
enum Frame {
    Item { task: Option<bool>, text: String },
    Paragraph { text: String },
    Heading { level: u8, text: String },
    Cell { text: String },
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
                r.in_comment = scan_comment(&html, r.in_comment);
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
            },
            Tag::Paragraph => Frame::Paragraph {
                text: String::new(),
            },
            Tag::Heading { level, .. } => Frame::Heading {
                level: level as u8,
                text: String::new(),
            },
            Tag::TableCell => Frame::Cell {
                text: String::new(),
            },
            Tag::TableHead | Tag::TableRow => return self.row.clear(),
            Tag::CodeBlock(_) => {
                self.in_code = true;
                return self.code_text.clear();
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
            TagEnd::Item => {
                if let Some(Frame::Item { task, text }) = self.stack.pop() {
                    self.records.push(Record {
                        kind: Kind::Item { task },
                        text: normalise(&text),
                    });
                    push_lazy_lines(&text, &mut self.records);
                }
            }
            TagEnd::Paragraph => self.end_paragraph(),
            TagEnd::Heading(_) => {
                if let Some(Frame::Heading { level, text }) = self.stack.pop() {
                    self.records.push(Record {
                        kind: Kind::Heading(level),
                        text: normalise(&text),
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
            TagEnd::CodeBlock => {
                self.in_code = false;
                self.records.push(Record {
                    kind: Kind::Code,
                    text: normalise(&self.code_text),
                });
                self.code_text.clear();
            }
            _ => {}
        }
    }

    fn end_paragraph(&mut self) {
        let Some(Frame::Paragraph { text }) = self.stack.pop() else {
            return;
        };
        // Inside an item the paragraph is part of the item's text.
        match self.stack.last_mut() {
            Some(parent @ Frame::Item { .. }) => {
                let t = parent.text_mut();
                t.push(' ');
                t.push_str(&text);
            }
            _ => {
                self.records.push(Record {
                    kind: Kind::Paragraph,
                    text: normalise(&text),
                });
                push_lazy_lines(&text, &mut self.records);
            }
        }
    }

    fn end_row(&mut self, header: bool) {
        let cells: Vec<(String, Mark)> = self
            .row
            .drain(..)
            .map(|c| {
                let n = normalise(&c);
                let m = cell_mark(&n);
                (n, m)
            })
            .collect();
        let text = cells
            .iter()
            .map(|(c, _)| c.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        self.records.push(Record {
            kind: Kind::Row { header, cells },
            text,
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
