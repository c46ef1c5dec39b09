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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Item(Cell),
    Table {
        header: Vec<Cell>,
        rows: Vec<Vec<Cell>>,
    },
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

pub fn sections(src: &str) -> Vec<Section> {
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
            Event::Start(Tag::Item) if list_depth == 1 => item = Some(None),
            Event::End(TagEnd::Item) if list_depth == 1 => {
                if let Some(Some(span)) = item.take() {
                    let c = cell(src, span);
                    if !c.raw.is_empty() {
                        push(&mut out, Block::Item(c));
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
                let c = cell(src, range);
                if !c.raw.is_empty() {
                    push(&mut out, Block::Paragraph(c));
                }
            }
            Event::TaskListMarker(_) => {}
            _ => {
                if list_depth == 1 {
                    if let Some(acc) = item.as_mut() {
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
        let Block::Item(c) = &s[2].blocks[0] else {
            panic!("{:?}", s[2].blocks)
        };
        assert_eq!(
            c.raw,
            "agent-3: tests/uploads/**, tests/fixtures/uploads/**"
        );
        assert_eq!(&src[c.span.clone()], c.raw);
        let Block::Item(c) = &s[2].blocks[1] else {
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
        let Block::Item(c) = &s[1].blocks[1] else {
            panic!()
        };
        assert_eq!(c.raw, "one two");
    }
}
