//! The invariant behind the reader, made checkable: in a contract that
//! reads without errors, every word of every rule line (Scope, Cannot touch,
//! Shared state, Merge order, Integration branch, Approvers) is a word of the vocabulary or is held by the
//! model (a pattern, an exception, a note, a policy, a name). A word that
//! is neither was dropped, which is the defect this checks for. A property
//! test and the `contract` fuzz target assert [`unaccounted`] is empty.
//! (A contract with errors drops nothing: every branch it governs fails.)

use std::ops::Range;

use super::blocks::{sections, visible, Block};
use super::document::ignore_marker;
use super::heading::Kind;
use super::parse::resolve_kinds;
use super::Contract;

/// Words that carry structure, not content: joins, qualifiers, verbs of
/// the scope prose, the order vocabulary.
fn vocabulary(w: &str) -> bool {
    const WORDS: &[&str] = &[
        "and",
        "or",
        "&",
        "and/or",
        "+",
        "with",
        "after",
        "additions",
        "only",
        "additions-only",
        "append",
        "append-only",
        "read-only",
        "read",
        "readonly",
        "except",
        "excluding",
        "but",
        "not",
        "in",
        "parallel",
        "between",
        "the",
        "middle",
        "at",
        "end",
        "either",
        "any",
        "order",
        "them",
        "lastly",
        "firstly",
        "secondly",
        "thirdly",
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "followed",
        "by",
        "owns",
        "may",
        "edit",
        "change",
        "touch",
        "edits",
        "cannot",
        "can't",
        "can’t",
        "must",
        "does",
        "never",
        "touches",
        "concurrently",
        "together",
    ];
    WORDS.contains(&w)
        || super::order::FILLERS.contains(&w)
        || super::order::FORWARD.contains(&w)
        || super::order::LAST.contains(&w)
        || super::scope::VERBS
            .iter()
            .any(|v| v.split(' ').any(|p| p == w))
        || w.chars().all(|c| c.is_ascii_digit())
        || super::order::position_word(w).is_some()
}

/// Everything the model holds, lowercase, for the containment test.
fn model_text(c: &Contract) -> String {
    let mut t = String::new();
    let mut add = |s: &str| {
        t.push_str(&s.replace('`', "").to_lowercase());
        t.push('\n');
    };
    for a in &c.agents {
        add(&a.name);
        a.branch.iter().for_each(|b| add(b));
        a.worktree.iter().for_each(|w| add(w));
        for e in a.owns.iter().chain(&a.cannot_touch) {
            add(&e.pattern.text);
            e.except.iter().for_each(|x| add(&x.text));
        }
        a.notes.iter().chain(&a.cannot_notes).for_each(|n| add(n));
        a.interface.iter().for_each(|n| add(n));
    }
    for r in &c.shared_state {
        add(&r.pattern.text);
        add(&r.policy);
        r.except.iter().for_each(|x| add(&x.text));
    }
    for s in &c.merge_order {
        add(&s.agent);
        s.note.iter().for_each(|n| add(n));
    }
    c.notes.iter().for_each(|n| add(n));
    c.integration_branch.iter().for_each(|b| add(b));
    c.approvers.iter().for_each(|a| add(&a.to_string()));
    t
}

/// The words of rule lines the model does not hold, with the line's span.
/// Empty for a contract with errors (nothing of it is enforced).
pub fn unaccounted(c: &Contract) -> Vec<(Range<usize>, String)> {
    if c.has_errors() || c.source.is_empty() {
        return Vec::new();
    }
    let vis = visible(&c.source);
    let secs = sections(&vis);
    let kinds = resolve_kinds(&secs);
    let model = model_text(c);
    let mut out = Vec::new();
    let mut ignoring = false;
    for (s, (k, cont)) in secs.iter().zip(kinds) {
        if !cont {
            ignoring = ignore_marker(&s.heading).is_some();
        }
        let rule = matches!(
            k,
            Kind::Scope
                | Kind::CannotTouch
                | Kind::SharedState
                | Kind::MergeOrder
                | Kind::IntegrationBranch
                | Kind::Approvers
        );
        if !rule || ignoring || s.level == 0 {
            continue;
        }
        for b in &s.blocks {
            let cells: Vec<&super::blocks::Cell> = match b {
                Block::Item(it) => std::iter::once(&it.cell).chain(&it.children).collect(),
                Block::Table { rows, .. } => rows.iter().flatten().collect(),
                Block::Paragraph(c) => vec![c],
            };
            for cell in cells {
                for w in words(&cell.raw) {
                    if !vocabulary(&w) && !model.contains(&w) && !nfc_contains(&model, &w) {
                        out.push((cell.span.clone(), w));
                    }
                }
            }
        }
    }
    out
}

fn nfc_contains(model: &str, w: &str) -> bool {
    let w = crate::pattern::nfc(w);
    crate::pattern::nfc(model).contains(&*w)
}

/// A line's words, lowercase, without markup and punctuation around them.
fn words(raw: &str) -> Vec<String> {
    raw.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '|' | ':' | '`'))
        .map(|w| {
            w.trim_matches(|c: char| {
                matches!(
                    c,
                    '`' | '*'
                        | '_'
                        | '.'
                        | ':'
                        | '!'
                        | '"'
                        | '\''
                        | '—'
                        | '–'
                        | '-'
                        | '→'
                        | '>'
                        | '='
                        | '⇒'
                        | '?'
                        | '['
                        | ']'
                        | '{'
                        | '}'
                )
            })
            .replace('`', "")
            .to_lowercase()
        })
        .filter(|w| w.chars().any(|c| c.is_alphanumeric()))
        .collect()
}
