//! Checks of the whole document around the section readers: what the
//! front matter may hold, characters nobody sees, one section per kind,
//! `!P` exclusions applied once every list is read, and permission rows
//! that nothing enforces. Each records diagnostics on the reader; none
//! reads a rule itself.

use std::collections::HashMap;

use super::blocks::Section;
use super::heading::{kind_of, title, Kind};
use super::reader::Reader;
use super::{Code, Contract, Diagnostic};

/// A Permission-policy row whose approval items no class of the gate
/// checks is kept and shown, never silently believed enforced (CG034).
pub(super) fn not_enforced(c: &mut Contract) {
    for (row, items) in crate::permission::Policy::not_enforced(c) {
        let span = c.permission_spans.get(row).cloned().unwrap_or(0..0);
        let name = c.permission_policy[row]
            .first()
            .cloned()
            .unwrap_or_default();
        let list = items
            .iter()
            .map(|i| format!("`{i}`"))
            .collect::<Vec<_>>()
            .join(", ");
        c.diagnostics.push(
            Diagnostic::warning(
                Code::NotEnforced,
                span,
                format!("permission policy row `{name}`: {list} kept, not enforced: no class of the gate checks it"),
            )
            .help("name a path (`config/deploy.yml`) or a class the README lists (lockfiles, generated files, environment files, deploy files, force push, reset, branch deletion, package installs); CI review covers the rest"),
        );
    }
}

/// `!P` takes `P` out of every pattern of the agent's list (Scope or
/// Cannot touch) that can match it; one that no pattern can match is an
/// error, never a silent no-op.
pub(super) fn apply_excludes(r: &mut Reader) {
    for (agent, cannot, p, span) in std::mem::take(&mut r.excludes) {
        let sample = p.sample();
        let a = &mut r.c.agents[agent];
        let list = if cannot {
            &mut a.cannot_touch
        } else {
            &mut a.owns
        };
        let mut hit = false;
        for e in list.iter_mut().filter(|e| e.pattern.matches(&sample)) {
            e.except.push(p.clone());
            hit = true;
        }
        if !hit {
            let name = a.name.clone();
            r.err(
                Code::ExceptionOutside,
                span,
                format!(
                    "`!{}` takes nothing out of {name}'s patterns: none of them matches it",
                    p.text
                ),
            );
        }
    }
}

/// Front matter is not read as rules: one holding contract keys
/// (`merge_order:`, `agents:`, …) would be rules the gate silently ignores,
/// so it is refused. Other keys (title, owner, date) are fine.
pub(super) fn front_matter_rules(r: &mut Reader, source: &str) {
    let Some(fm) = super::blocks::front_matter(source) else {
        return;
    };
    let text = &source[fm.clone()];
    let mut at = fm.start;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        // Top-level keys only: `key:` (YAML) or `key =` (TOML).
        if line.starts_with([' ', '\t', '-', '#']) {
            continue;
        }
        let Some(key) = line
            .split([':', '='])
            .next()
            .filter(|_| line.contains([':', '=']))
        else {
            continue;
        };
        let words = key
            .trim()
            .trim_matches(['"', '\''])
            .replace(['_', '-'], " ");
        if !words.is_empty() && kind_of(&words) != Kind::Other {
            let span = start..start + key.trim_end().len();
            r.c.lines.refused += 1;
            r.c.diagnostics.push(
                Diagnostic::error(
                    Code::FrontMatterRules,
                    span,
                    format!("front matter key `{}` is a contract rule, but the gate reads rules from sections only", key.trim()),
                )
                .help(format!("move it into a `## {}` section (the README lists the forms), or delete it from the front matter", title(kind_of(&words)))),
            );
        }
    }
}

/// A character a reader of the rendered page cannot see (a control
/// character, a zero-width space, a bidirectional override) can make two
/// names look alike or hide words: refused, at the first one.
pub(super) fn invisible_characters(r: &mut Reader, source: &str) {
    let bad = |c: char| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}')
            || c == '\u{feff}'
    };
    // A BOM at the very start is an encoding mark, blanked before reading.
    let body_start = if source.starts_with('\u{feff}') { 3 } else { 0 };
    if let Some((i, c)) = source[body_start..].char_indices().find(|&(_, c)| bad(c)) {
        let at = body_start + i;
        r.c.diagnostics.push(
            Diagnostic::error(
                Code::InvisibleCharacter,
                at..at + c.len_utf8(),
                format!(
                    "the contract holds U+{:04X}, a character nobody sees when it is rendered",
                    c as u32
                ),
            )
            .help("delete it (an editor's \"show invisibles\" finds it)"),
        );
    }
}

/// Words in a heading that mark a section as no longer in force: such a
/// section is kept as text and not read (a warning says so).
const IGNORE_MARKERS: &[&str] = &[
    "superseded",
    "obsolete",
    "deprecated",
    "archived",
    "outdated",
    "old",
];

pub(super) fn ignore_marker(heading: &str) -> Option<&'static str> {
    let h = heading.to_lowercase();
    h.split(|c: char| !c.is_alphanumeric())
        .find_map(|w| IGNORE_MARKERS.iter().find(|m| **m == w).copied())
}

/// One section per kind: a second one is an error naming both (never added
/// to the first), unless its heading marks it superseded, which makes it
/// ignored with a warning. Ignored sections (and what continues them)
/// become `Other` with no misplaced-section guess.
pub(super) fn one_section_per_kind(
    r: &mut Reader,
    secs: &[Section],
    mut kinds: Vec<(Kind, bool)>,
) -> Vec<(Kind, bool)> {
    let mut first: HashMap<Kind, usize> = HashMap::new();
    let mut ignoring = false;
    for (i, s) in secs.iter().enumerate() {
        let (k, cont) = kinds[i];
        if cont {
            if ignoring {
                kinds[i] = (Kind::Ignored, true);
            }
            continue;
        }
        ignoring = false;
        if k == Kind::Other || s.level == 0 {
            continue;
        }
        if let Some(m) = ignore_marker(&s.heading) {
            ignoring = true;
            kinds[i] = (Kind::Ignored, false);
            r.warn(
                Code::IgnoredSection,
                s.span.clone(),
                format!("section `{}` is marked `{m}`: it is not read", s.heading),
            );
            continue;
        }
        match first.get(&k) {
            None => {
                first.insert(k, i);
            }
            Some(&f) => {
                let (a, b) = (&secs[f], s);
                r.c.lines.refused += 1;
                r.c.diagnostics.push(
                    Diagnostic::error(
                        Code::DuplicateSection,
                        b.span.clone(),
                        format!(
                            "two {} sections: `{}` (line {}) and `{}` (line {}); the gate never adds one to the other",
                            title(k),
                            a.heading,
                            line_of(r.src, a.span.start),
                            b.heading,
                            line_of(r.src, b.span.start)
                        ),
                    )
                    .help("merge them into one, or mark the old one `(superseded)` in its heading"),
                );
                // Neither is read alone: which one is in force is unknown.
                ignoring = true;
                kinds[i] = (Kind::Ignored, false);
            }
        }
    }
    kinds
}

/// 1-based line of a byte offset.
fn line_of(src: &str, offset: usize) -> usize {
    src.as_bytes()[..offset.min(src.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
