//! The PR-notes sections: "Remaining risk" and "Commands run" must be
//! there with content; a placeholder (`…`, `- …`, `TODO`, `n/a` alone) is no
//! content.

use super::{Kind, Record};

/// Whether `text` (normalised) is only a placeholder, not a statement.
pub(super) fn placeholder(text: &str) -> bool {
    let t = text
        .trim()
        .trim_start_matches(['-', '*', '+', ':'])
        .trim_end_matches(['.', '!', ':'])
        .trim();
    t.is_empty()
        || t.chars()
            .all(|c| matches!(c, '.' | '…' | '-' | '_' | '*' | '?'))
        || matches!(
            t,
            "todo"
                | "tbd"
                | "tba"
                | "tk"
                | "n/a"
                | "na"
                | "fill in"
                | "xxx"
                | "<fill in>"
                | "<todo>"
        )
}

/// One notes section: what its heading looks like, the `Label: text` line
/// forms, and the bare label lines used as headings.
struct Section {
    heading: fn(&str) -> bool,
    statements: &'static [&'static str],
    bare: &'static [&'static str],
}

const RISK: Section = Section {
    heading: |t| {
        t.split(|c: char| !c.is_alphanumeric())
            .any(|w| w.starts_with("risk"))
    },
    statements: &["remaining risks:", "remaining risk:", "risks:", "risk:"],
    bare: &["remaining risk", "remaining risks"],
};

const COMMANDS: Section = Section {
    heading: |t| {
        let words: Vec<&str> = t.split(|c: char| !c.is_alphanumeric()).collect();
        words.iter().any(|w| {
            matches!(
                *w,
                "commands" | "command" | "verification" | "testing" | "checks"
            )
        }) || t.contains("tests run")
    },
    statements: &["commands run:", "commands:", "ran:", "verification:"],
    bare: &["commands run", "commands"],
};

pub(super) fn remaining_risk(records: &[Record]) -> bool {
    present(records, &RISK)
}

/// A commands section with content, or a checked task item anywhere (`- [x]
/// \`npm test\``: the form the evidence rule reads runs in).
pub(super) fn commands_run(records: &[Record]) -> bool {
    present(records, &COMMANDS)
        || records
            .iter()
            .any(|r| matches!(r.kind, Kind::Item { task: Some(true) }) && !placeholder(&r.text))
}

fn present(records: &[Record], s: &Section) -> bool {
    let content = |r: &Record| !r.text.is_empty() && !placeholder(&r.text);
    for (i, record) in records.iter().enumerate() {
        match record.kind {
            Kind::Paragraph | Kind::Item { .. } | Kind::Heading(_) => {
                let stated = s
                    .statements
                    .iter()
                    .find_map(|p| record.text.strip_prefix(p));
                if let Some(rest) = stated {
                    if !placeholder(rest) {
                        return true;
                    }
                    continue;
                }
            }
            _ => {}
        }
        match record.kind {
            // A bold or plain label line used as a heading: the next line.
            Kind::Paragraph | Kind::Item { .. }
                if s.bare.contains(&record.text.trim_end_matches(':'))
                    && records[i + 1..]
                        .first()
                        .is_some_and(|n| !matches!(n.kind, Kind::Heading(_)) && content(n)) =>
            {
                return true;
            }
            Kind::Heading(level) if (s.heading)(&record.text) => {
                for next in &records[i + 1..] {
                    match next.kind {
                        Kind::Heading(l) if l <= level => break,
                        Kind::Heading(_) => {}
                        _ if content(next) => return true,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::pr_body::read_body;

    #[test]
    fn placeholders_are_not_notes() {
        for body in [
            "## Remaining risk
…

## Commands run
- `npm test`
",
            "## Remaining risk
- …

## Commands run
- `npm test`
",
            "## Remaining risk
TODO

## Commands run
- `npm test`
",
            "## Remaining risk
n/a

## Commands run
- `npm test`
",
            "Remaining risk: TBD

## Commands run
- `npm test`
",
            "## Remaining risk

## Commands run
- `npm test`
",
        ] {
            let e = read_body(body);
            assert!(!e.has_remaining_risk(), "{body}");
            assert!(e.has_commands_run(), "{body}");
        }
        for body in [
            "## Remaining risk
Tag pages are not paginated.

## Commands run
...
",
            "## Remaining risk
None known.

## Commands run
- TODO
",
            "## Remaining risk
None known.

Commands run: n/a
",
            "## Remaining risk
None known.
",
        ] {
            let e = read_body(body);
            assert!(e.has_remaining_risk(), "{body}");
            assert!(!e.has_commands_run(), "{body}");
        }
    }

    #[test]
    fn commands_sections_in_the_forms_bodies_use() {
        for body in [
            "## Commands run
- `npm run check`
",
            "## Verification
- [x] `npm run check`
",
            "### Tests run
`cargo test` passed
",
            "**Commands run**

`npm run build`
",
            "Commands run: `npm run check`, `npm run build`
",
        ] {
            assert!(read_body(body).has_commands_run(), "{body}");
        }
    }
}
