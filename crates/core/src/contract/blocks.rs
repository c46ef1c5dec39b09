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

/// Blanks YAML (`---`) or TOML (`+++`) front matter with spaces, keeping
/// every byte offset (spans stay valid) and every line break.
fn blank_front_matter(src: &str) -> std::borrow::Cow<'_, str> {
    let fence = if src.starts_with("---") {
        "---"
    } else if src.starts_with("+++") {
        "+++"
    } else {
        return src.into();
    };
    let mut lines = src.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != fence {
        return src.into();
    }
    let mut end = first.len();
    for line in lines {
        end += line.len();
        let t = line.trim_end();
        if t == fence || (fence == "---" && t == "...") {
            let blanked: String = src[..end]
                .chars()
                .map(|c| if c == '\n' || c == '\r' { c } else { ' ' })
                .collect();
            return format!("{blanked}{}", &src[end..]).into();
        }
    }
    src.into()
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
    let blanked = blank_front_matter(src);
    let src: &str = &blanked;
    let opts = Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS;
    let mut out = vec![Section {
        heading: String::new(),
        level: 0,
        span: 0..0,
        blocks: Vec::new(),
    }];
    let mut heading: Option<(u8, Range<usize>, String)> = None;
    let mut list_depth = 0usize;
    let mut item: Option<Option<Range<usize>>> = None;
    let mut children: Vec<Cell> = Vec::new();
    let mut child: Option<Option<Range<usize>>> = None;
    let mut in_table = false;
    let mut table_head: Vec<Cell> = Vec::new();
    let mut table_rows: Vec<Vec<Cell>> = Vec::new();
    let mut row: Vec<Cell> = Vec::new();
    let mut quote_depth = 0usize;

    for (ev, range) in Parser::new_ext(src, opts).into_offset_iter() {
        if let Some((_, _, text)) = heading.as_mut() {
            match &ev {
                Event::Text(t) | Event::Code(t) => {
                    text.push_str(t);
                    continue;
                }
                Event::End(TagEnd::Heading(_)) => {}
                _ => continue,
            }
        }
        match ev {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level_num(level), range, String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, span, text)) = heading.take() {
                    out.push(Section {
                        heading: collapse_ws(&text),
                        level,
                        span,
                        blocks: Vec::new(),
                    });
                }
            }
            Event::Start(Tag::BlockQuote(_)) => quote_depth += 1,
            Event::End(TagEnd::BlockQuote(_)) => quote_depth = quote_depth.saturating_sub(1),
            Event::Start(Tag::List(_)) => list_depth += 1,
            Event::End(TagEnd::List(_)) => list_depth = list_depth.saturating_sub(1),
            Event::Start(Tag::Item) if list_depth == 1 => {
                item = Some(None);
                children.clear();
            }
            Event::End(TagEnd::Item) if list_depth == 1 => {
                if let Some(span) = item.take() {
                    let span = span.unwrap_or(range.start..range.start);
                    let c = cell(src, span);
                    let children = std::mem::take(&mut children);
                    if !c.raw.is_empty() || !children.is_empty() {
                        push(&mut out, Block::Item(Item { cell: c, children }));
                    }
                }
            }
            Event::Start(Tag::Item) if list_depth == 2 => child = Some(None),
            Event::End(TagEnd::Item) if list_depth == 2 => {
                if let Some(Some(span)) = child.take() {
                    let c = cell(src, span);
                    if !c.raw.is_empty() {
                        children.push(c);
                    }
                }
            }
            Event::Start(Tag::Table(_)) => {
                in_table = true;
                table_head.clear();
                table_rows.clear();
            }
            Event::End(TagEnd::Table) => {
                in_table = false;
                push(
                    &mut out,
                    Block::Table {
                        header: std::mem::take(&mut table_head),
                        rows: std::mem::take(&mut table_rows),
                    },
                );
            }
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => row.clear(),
            Event::End(TagEnd::TableHead) => table_head = std::mem::take(&mut row),
            Event::End(TagEnd::TableRow) => table_rows.push(std::mem::take(&mut row)),
            Event::Start(Tag::TableCell) if in_table => row.push(cell(src, range)),
            Event::Start(Tag::Paragraph) if list_depth == 0 && quote_depth == 0 && !in_table => {
                paragraph_lines(src, range, &mut out);
            }
            Event::TaskListMarker(_) => {}
            _ => {
                if list_depth == 1 {
                    if let Some(acc) = item.as_mut() {
                        union(acc, &range);
                    }
                } else if list_depth >= 2 {
                    if let Some(acc) = child.as_mut() {
                        union(acc, &range);
                    }
                }
            }
        }
    }
    out
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
