//! The merge order's words: the vocabulary, the tokens a line splits into,
//! and the prose around an order (an introduction, sentences naming no agent).

use std::ops::Range;

use super::super::reader::Reader;

/// Words that carry no order themselves: verbs and articles of "agent-2
/// lands first", "agent-1 is merged after agent-2".
pub(in crate::contract) const FILLERS: &[&str] = &[
    "lands",
    "land",
    "merges",
    "merge",
    "merged",
    "goes",
    "go",
    "comes",
    "come",
    "is",
    "are",
    "gets",
    "get",
    "must",
    "should",
    "will",
    "can",
    "then",
    "next",
    "after that",
    "by",
    "and then",
    "and finally",
    "the",
    "its",
    "step",
    "into",
    "in",
    "integration",
    "main",
    "base",
    "branch",
    "which",
    "who",
];

/// Words that put the next group after the one before.
pub(in crate::contract) const FORWARD: &[&str] = &[
    "then",
    "before",
    "followed",
    "and then",
    "next",
    "after that",
];

/// Words marking a group of agents that merge in either order.
pub(super) const PARALLEL: &[&str] = &[
    "in parallel",
    "parallel",
    "together",
    "in either order",
    "either order",
    "any order",
    "in any order",
    "concurrently",
];

/// Words naming a position: 0-based ordinal, or `None` for "in between".
pub(in crate::contract) fn position_word(w: &str) -> Option<Option<usize>> {
    Some(match w {
        "first" | "firstly" => Some(0),
        "second" | "secondly" => Some(1),
        "third" | "thirdly" => Some(2),
        "fourth" => Some(3),
        "fifth" => Some(4),
        "sixth" => Some(5),
        "in between" | "in the middle" | "between them" | "in-between" => None,
        // `1st`, `2nd`, `3rd`, `4th`, …
        _ => {
            let n: usize = w
                .strip_suffix("st")
                .or_else(|| w.strip_suffix("nd"))
                .or_else(|| w.strip_suffix("rd"))
                .or_else(|| w.strip_suffix("th"))?
                .parse()
                .ok()?;
            return (n >= 1).then_some(Some(n - 1));
        }
    })
}

pub(in crate::contract) const LAST: &[&str] = &["last", "lastly", "finally", "at the end"];

/// One word-level token of an order line.
#[derive(Debug, Clone)]
pub(super) enum Tok {
    Name(usize, Range<usize>),
    Paren(String),
    /// `—`, `–`, ` - ` or `:` after a name: the rest of the line is a note.
    DashNote(String),
    Comma,
    Arrow,
    Word(String),
}

/// The longest words first, so `and then` wins over `and`.
pub(super) fn phrase_at<'a>(lower: &str, words: &'a [&'a str]) -> Option<&'a str> {
    let mut best: Option<&str> = None;
    for w in words {
        if lower.starts_with(w)
            && lower[w.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric() && c != '-')
            && best.is_none_or(|b| w.len() > b.len())
        {
            best = Some(w);
        }
    }
    best
}

/// Why a line cannot be split into tokens.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum TokenError {
    #[error("`{rest}` opens a parenthesis it never closes")]
    Unclosed { rest: String },
}

impl Reader<'_> {
    /// Splits a line into tokens, or says which word cannot be read.
    pub(super) fn order_tokens(&self, text: &str, base: usize) -> Result<Vec<Tok>, TokenError> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < text.len() {
            let rest = &text[i..];
            let c = rest.chars().next().unwrap_or(' ');
            if c.is_whitespace() || c == '.' && rest[1..].starts_with(char::is_whitespace) {
                i += c.len_utf8();
                continue;
            }
            if c == '(' {
                let mut depth = 0;
                let end = rest
                    .char_indices()
                    .find(|&(_, ch)| {
                        depth += match ch {
                            '(' => 1,
                            ')' => -1,
                            _ => 0,
                        };
                        depth == 0
                    })
                    .map(|(j, _)| j)
                    .ok_or_else(|| TokenError::Unclosed {
                        rest: rest.to_string(),
                    })?;
                out.push(Tok::Paren(rest[1..end].trim().to_string()));
                i += end + 1;
                continue;
            }
            if matches!(c, '—' | '–' | ':') || rest.starts_with("- ") {
                let note = rest[c.len_utf8()..].trim().trim_end_matches('.').trim();
                if matches!(out.last(), Some(Tok::Name(..)) | Some(Tok::Paren(_)))
                    && !note.is_empty()
                {
                    out.push(Tok::DashNote(note.to_string()));
                    break;
                }
                if c == ':' {
                    i += 1;
                    continue;
                }
            }
            if matches!(c, ',' | ';') {
                out.push(Tok::Comma);
                i += 1;
                continue;
            }
            if let Some(a) = ["→", "->", "=>", "⇒", ">"]
                .iter()
                .find(|a| rest.starts_with(*a))
            {
                out.push(Tok::Arrow);
                i += a.len();
                continue;
            }
            if let Some((idx, after)) = self.leading_agent(rest) {
                let end = text.len() - after.len();
                out.push(Tok::Name(idx, base + i..base + end));
                i = end;
                continue;
            }
            let lower = rest.to_lowercase();
            let multi = [FILLERS, FORWARD, PARALLEL, LAST]
                .iter()
                .filter_map(|l| phrase_at(&lower, l))
                .chain(
                    ["in between", "in the middle", "between them", "at the end"]
                        .iter()
                        .copied()
                        .filter(|p| lower.starts_with(p)),
                )
                .max_by_key(|p| p.len());
            let len = match multi {
                Some(p) if p.contains(' ') => p.len(),
                _ => rest
                    .find(|ch: char| ch.is_whitespace() || matches!(ch, ',' | ';' | '(' | ':'))
                    .unwrap_or(rest.len()),
            };
            let word = lower[..len].trim_end_matches(['.', '!']).to_string();
            if !word.is_empty() {
                out.push(Tok::Word(word));
            }
            i += len.max(1);
            while i < text.len() && !text.is_char_boundary(i) {
                i += 1;
            }
        }
        Ok(out)
    }
}

/// `The merge order is …: agent-2 lands first, …`: prose before the colon
/// that comes before the first agent name is an introduction, not an order.
pub(super) fn intro_stripped<'t>(r: &Reader, text: &'t str) -> &'t str {
    let mut best = text;
    for (i, _) in text.match_indices(':') {
        let (head, tail) = (&text[..i], &text[i + 1..]);
        if !r.mentions_agent(head) && r.mentions_agent(tail) {
            best = tail;
        }
    }
    best
}

/// A line's sentences (`… then agent-3. Pick it deliberately.`): a full
/// stop followed by a space and a capital ends one.
pub(super) fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = text.as_bytes();
    for i in 0..b.len() {
        if b[i] == b'.'
            && b.get(i + 1) == Some(&b' ')
            && b.get(i + 2).is_some_and(|c| c.is_ascii_uppercase())
        {
            out.push(&text[start..i]);
            start = i + 2;
        }
    }
    out.push(&text[start..]);
    out
}
