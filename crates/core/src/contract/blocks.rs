//! Splits contract markdown into sections of list items, tables and
//! paragraphs, keeping each one's raw source text and byte span.
//!
//! Raw source (not rendered text) is kept on purpose: `src/**, tests/**`
//! would otherwise lose its `**` to CommonMark emphasis.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub raw: String,
    pub span: Range<usize>,
}

/// A top-level list item and its nested items (one level; deeper ones are
/// part of their parent child's text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub cell: Cell,
    pub children: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Item(Item),
    Table {
        header: Vec<Cell>,
        rows: Vec<Vec<Cell>>,
    },
    /// One non-empty line of a paragraph.
    Paragraph(Cell),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Heading text; empty for the part before the first heading.
    pub heading: String,
    pub level: u8,
    pub span: Range<usize>,
    pub blocks: Vec<Block>,
}

fn level_num(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Collapses runs of whitespace (line breaks and indentation included).
pub fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn cell(src: &str, span: Range<usize>) -> Cell {
    let text = &src[span.clone()];
    let trimmed = text.trim().trim_matches('|').trim();
    Cell {
        raw: collapse_ws(trimmed),
        span,
    }
}

fn union(acc: &mut Option<Range<usize>>, r: &Range<usize>) {
    *acc = Some(match acc.take() {
        None => r.clone(),
        Some(a) => a.start.min(r.start)..a.end.max(r.end),
    });
}

/// Where the front matter (YAML `---` or TOML `+++`) is, when the source
/// starts with one: the whole block, fences included.
pub fn front_matter(src: &str) -> Option<Range<usize>> {
    let body = src.strip_prefix('\u{feff}').unwrap_or(src);
    let bom = src.len() - body.len();
    let fence = if body.starts_with("---") {
        "---"
    } else if body.starts_with("+++") {
        "+++"
    } else {
        return None;
    };
    let mut lines = body.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != fence {
        return None;
    }
    let mut end = first.len();
    for line in lines {
        end += line.len();
        let t = line.trim_end();
        if t == fence || (fence == "---" && t == "...") {
            return Some(bom..bom + end);
        }
    }
    None
}

/// The text the reader reads: what a reader of the rendered page sees, at
/// the same byte offsets (spans stay valid). Blanked with spaces, line
/// breaks kept: a leading BOM (it would hide the first heading), the front
/// matter (read on its own, see `parse`), and HTML comments (invisible when
/// rendered, so invisible to the gate: `- agent-1: <!-- old --> src/**`
/// reads `src/**`).
pub fn visible(src: &str) -> std::borrow::Cow<'_, str> {
    let mut blank: Vec<Range<usize>> = Vec::new();
    if src.starts_with('\u{feff}') {
        blank.push(0..3);
    }
    if let Some(fm) = front_matter(src) {
        blank.push(fm);
    }
    blank.extend(html_comments(src));
    if blank.is_empty() {
        return src.into();
    }
    let mut out = src.as_bytes().to_vec();
    for r in blank {
        for i in r {
            if !matches!(out[i], b'\n' | b'\r') {
                out[i] = b' ';
            }
        }
    }
    // Whole characters were replaced byte for byte by ASCII spaces.
    String::from_utf8(out)
        .map(Into::into)
        .unwrap_or_else(|_| src.into())
}

/// The byte ranges of HTML comments, as CommonMark sees them: inside HTML
/// (block or inline), never inside code spans or code blocks.
fn html_comments(src: &str) -> Vec<Range<usize>> {
    if !src.contains("<!--") {
        return Vec::new();
    }
    // Contiguous HTML events (an HTML block comes a line at a time).
    let mut html: Vec<Range<usize>> = Vec::new();
    let opts = Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS;
    for (ev, r) in Parser::new_ext(src, opts).into_offset_iter() {
        if matches!(ev, Event::Html(_) | Event::InlineHtml(_)) {
            match html.last_mut() {
                Some(last) if src[last.end..r.start.max(last.end)].trim().is_empty() => {
                    last.end = last.end.max(r.end)
                }
                _ => html.push(r),
            }
        }
    }
    let mut out = Vec::new();
    for h in html {
        let mut at = h.start;
        while let Some(i) = src[at..h.end].find("<!--") {
            let open = at + i;
            let close = src[open + 4..h.end]
                .find("-->")
                .map_or(h.end, |j| open + 4 + j + 3);
            out.push(open..close);
            at = close;
        }
    }
    out
}

/// A line written as a heading in bold only: `**Merge order**`, `__Scope:__`.
fn bold_heading(line: &str) -> Option<&str> {
    let t = line.trim();
    let inner = t
        .strip_prefix("**")
        .and_then(|r| r.trim_end_matches(':').strip_suffix("**"))
        .or_else(|| {
            t.strip_prefix("__")
                .and_then(|r| r.trim_end_matches(':').strip_suffix("__"))
        })?;
    (!inner.is_empty() && !inner.contains("**") && !inner.contains('`')).then_some(inner.trim())
}

/// Level given to bold-only headings: deeper than any `#` heading, so an
/// unknown one continues the section it is in.
pub const BOLD_LEVEL: u8 = 7;

/// Splits a paragraph into its lines; bold-only lines become headings.
fn paragraph_lines(src: &str, range: Range<usize>, out: &mut Vec<Section>) {
    let mut at = range.start;
    for line in src[range.clone()].split_inclusive('\n') {
        let span = at..at + line.trim_end().len();
        at += line.len();
        if let Some(h) = bold_heading(line) {
            out.push(Section {
                heading: collapse_ws(h),
                level: BOLD_LEVEL,
                span,
                blocks: Vec::new(),
            });
            continue;
        }
        let c = cell(src, span);
        if !c.raw.is_empty() {
            push(out, Block::Paragraph(c));
        }
    }
}

pub fn sections(src: &str) -> Vec<Section> {
    let blanked = visible(src);
    let src: &str = &blanked;
    let opts = Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS;
    let mut w = Walk {
        src,
        out: vec![Section {
            heading: String::new(),
            level: 0,
            span: 0..0,
            blocks: Vec::new(),
        }],
        heading: None,
        list_depth: 0,
        item: None,
        children: Vec::new(),
        child: None,
        in_table: false,
        table_head: Vec::new(),
        table_rows: Vec::new(),
        row: Vec::new(),
        quote_depth: 0,
    };
    for (ev, range) in Parser::new_ext(src, opts).into_offset_iter() {
        if !w.heading_text(&ev) {
            w.event(ev, range);
        }
    }
    w.out
}

/// The state of [`sections`]' walk over pulldown-cmark's events.
struct Walk<'a> {
    src: &'a str,
    out: Vec<Section>,
    /// The heading being read: level, span, text so far.
    heading: Option<(u8, Range<usize>, String)>,
    list_depth: usize,
    /// The span of the top-level item being read, and its children's cells.
    item: Option<Option<Range<usize>>>,
    children: Vec<Cell>,
    /// The span of the nested item being read.
    child: Option<Option<Range<usize>>>,
    in_table: bool,
    table_head: Vec<Cell>,
    table_rows: Vec<Vec<Cell>>,
    row: Vec<Cell>,
    quote_depth: usize,
}

impl Walk<'_> {
    /// Inside a heading, its text is collected and every other event is
    /// passed over; true when the event was taken.
    fn heading_text(&mut self, ev: &Event) -> bool {
        let Some((_, _, text)) = self.heading.as_mut() else {
            return false;
        };
        match ev {
            Event::Text(t) | Event::Code(t) => {
                text.push_str(t);
                true
            }
            Event::End(TagEnd::Heading(_)) => false,
            _ => true,
        }
    }

    fn event(&mut self, ev: Event, range: Range<usize>) {
        match ev {
            Event::Start(Tag::Heading { level, .. }) => {
                self.heading = Some((level_num(level), range, String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, span, text)) = self.heading.take() {
                    self.out.push(Section {
                        heading: collapse_ws(&text),
                        level,
                        span,
                        blocks: Vec::new(),
                    });
                }
            }
            Event::Start(Tag::BlockQuote(_)) => self.quote_depth += 1,
            Event::End(TagEnd::BlockQuote(_)) => {
                self.quote_depth = self.quote_depth.saturating_sub(1)
            }
            Event::Start(Tag::List(_)) => self.list_depth += 1,
            Event::End(TagEnd::List(_)) => self.list_depth = self.list_depth.saturating_sub(1),
            Event::Start(Tag::Item) | Event::End(TagEnd::Item) if self.list_depth <= 2 => {
                self.item_event(matches!(ev, Event::Start(_)), range)
            }
            Event::Start(Tag::Table(_))
            | Event::End(TagEnd::Table)
            | Event::Start(Tag::TableHead)
            | Event::Start(Tag::TableRow)
            | Event::End(TagEnd::TableHead)
            | Event::End(TagEnd::TableRow) => self.table_event(ev),
            Event::Start(Tag::TableCell) if self.in_table => {
                // `\|` is a literal pipe inside a cell (GFM), as rendered.
                let mut c = cell(self.src, range);
                if c.raw.contains("\\|") {
                    c.raw = c.raw.replace("\\|", "|");
                }
                self.row.push(c)
            }
            Event::Start(Tag::Paragraph)
                if self.list_depth == 0 && self.quote_depth == 0 && !self.in_table =>
            {
                paragraph_lines(self.src, range, &mut self.out);
            }
            Event::TaskListMarker(_) => {}
            _ => {
                // Anything else inside an item widens its span.
                let acc = match self.list_depth {
                    0 => None,
                    1 => self.item.as_mut(),
                    _ => self.child.as_mut(),
                };
                if let Some(acc) = acc {
                    union(acc, &range);
                }
            }
        }
    }

    /// The start or end of a top-level item (depth 1) or a nested one
    /// (depth 2): a top-level item becomes a block with its children.
    fn item_event(&mut self, start: bool, range: Range<usize>) {
        match (self.list_depth, start) {
            (1, true) => {
                self.item = Some(None);
                self.children.clear();
            }
            (1, false) => {
                if let Some(span) = self.item.take() {
                    let span = span.unwrap_or(range.start..range.start);
                    let c = cell(self.src, span);
                    let children = std::mem::take(&mut self.children);
                    if !c.raw.is_empty() || !children.is_empty() {
                        push(&mut self.out, Block::Item(Item { cell: c, children }));
                    }
                }
            }
            (2, true) => self.child = Some(None),
            (2, false) => {
                if let Some(Some(span)) = self.child.take() {
                    let c = cell(self.src, span);
                    if !c.raw.is_empty() {
                        self.children.push(c);
                    }
                }
            }
            _ => {}
        }
    }

    /// A table's structure: its head row, its rows, and the block at its end.
    fn table_event(&mut self, ev: Event) {
        match ev {
            Event::Start(Tag::Table(_)) => {
                self.in_table = true;
                self.table_head.clear();
                self.table_rows.clear();
            }
            Event::End(TagEnd::Table) => {
                self.in_table = false;
                let block = Block::Table {
                    header: std::mem::take(&mut self.table_head),
                    rows: std::mem::take(&mut self.table_rows),
                };
                push(&mut self.out, block);
            }
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => self.row.clear(),
            Event::End(TagEnd::TableHead) => self.table_head = std::mem::take(&mut self.row),
            Event::End(TagEnd::TableRow) => self.table_rows.push(std::mem::take(&mut self.row)),
            _ => {}
        }
    }
}

fn push(out: &mut [Section], block: Block) {
    if let Some(s) = out.last_mut() {
        s.blocks.push(block);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_raw_double_stars_and_spans() {
        let src = "# T\n\n## Scope\n- agent-3: tests/uploads/**, tests/fixtures/uploads/**\n- [x] done `a`\n";
        let s = sections(src);
        assert_eq!(s.len(), 3);
        assert_eq!(s[2].heading, "Scope");
        let Block::Item(Item { cell: c, .. }) = &s[2].blocks[0] else {
            panic!("{:?}", s[2].blocks)
        };
        assert_eq!(
            c.raw,
            "agent-3: tests/uploads/**, tests/fixtures/uploads/**"
        );
        assert_eq!(&src[c.span.clone()], c.raw);
        let Block::Item(Item { cell: c, .. }) = &s[2].blocks[1] else {
            panic!()
        };
        assert_eq!(c.raw, "done `a`");
    }

    #[test]
    fn tables_and_multiline_items() {
        let src = "## A\n\n| X | Y |\n|---|---|\n| `a` | b c |\n\n- one\n  two\n";
        let s = sections(src);
        let Block::Table { header, rows } = &s[1].blocks[0] else {
            panic!()
        };
        assert_eq!(header[0].raw, "X");
        assert_eq!(rows[0][0].raw, "`a`");
        assert_eq!(rows[0][1].raw, "b c");
        let Block::Item(Item { cell: c, .. }) = &s[1].blocks[1] else {
            panic!()
        };
        assert_eq!(c.raw, "one two");
    }

    #[test]
    fn nested_items_front_matter_and_bold_headings() {
        let src = "---\ntitle: x\n---\n**Scope**\n- agent-1\n  - `a/**`\n  - b.ts\n\nsome\nprose\n";
        let s = sections(src);
        assert_eq!(s.len(), 2, "{s:#?}");
        assert_eq!((s[1].heading.as_str(), s[1].level), ("Scope", BOLD_LEVEL));
        let Block::Item(it) = &s[1].blocks[0] else {
            panic!()
        };
        assert_eq!(it.cell.raw, "agent-1");
        let kids: Vec<_> = it.children.iter().map(|c| c.raw.as_str()).collect();
        assert_eq!(kids, ["`a/**`", "b.ts"]);
        assert!(matches!(&s[1].blocks[1], Block::Paragraph(c) if c.raw == "some"));
        assert!(matches!(&s[1].blocks[2], Block::Paragraph(c) if c.raw == "prose"));
    }
}
