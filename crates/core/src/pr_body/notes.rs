//! The PR-notes sections: "Remaining risk" and "Commands run" must be
//! there with content; a placeholder (`…`, `- …`, `TODO`, `n/a`, `none
//! yet` alone, in a list or not) is no content, nor is another section's
//! statement (`Remaining risk: …` is not a command run).

use super::{vocab, Kind, Record};

/// Whether `text` (normalised) is only a placeholder, not a statement.
pub(super) fn placeholder(text: &str) -> bool {
    let t = text
        .trim()
        .trim_start_matches(['-', '*', '+', ':', '[', ']', ' ', '(', '<', '_', '~'])
        .trim_end_matches(['.', '!', ':', ']', ')', '>', '_', '~', ' '])
        .trim();
    // `TODO: list the commands` is a placeholder too.
    let first = t
        .split(|c: char| !c.is_alphanumeric() && c != '/')
        .next()
        .unwrap_or("");
    t.is_empty()
        || matches!(first, "todo" | "tbd" | "tbc" | "fixme" | "wip" | "xxx")
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
                | "tbc"
                | "fill in"
                | "fill me in"
                | "xxx"
                | "none yet"
                | "not yet"
                | "nothing yet"
                | "pending"
                | "wip"
                | "coming soon"
                | "later"
                | "to do"
                | "to be added"
                | "to be done"
                | "to be filled in"
                | "placeholder"
        )
}

/// Whether a normalised line starts a notes statement (`Remaining risk:
/// …`, `Commands run: …`): then it is that note, not part of what is
/// above it.
pub(super) fn starts_statement(low: &str) -> bool {
    let t = low.trim_start_matches(['*', '_', ' ']);
    [&RISK, &COMMANDS]
        .iter()
        .any(|s| s.statements.iter().any(|p| t.starts_with(p)))
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
/// A ticked item that says it failed, or stands under a heading that
/// says so (`## Skipped`), is not a command run.
pub(super) fn commands_run(records: &[Record]) -> bool {
    present(records, &COMMANDS)
        || records.iter().any(|r| match &r.kind {
            Kind::Item {
                task: Some(true),
                nested,
            } => {
                !placeholder(&r.text.low)
                    && !vocab::negative(&r.text.low)
                    && !vocab::negative(&nested.low)
                    && !r.context.iter().any(|c| vocab::negative(&c.text().low))
            }
            _ => false,
        })
}

fn present(records: &[Record], s: &Section) -> bool {
    // Another section's statement is not this one's content.
    let content = |r: &Record| {
        !r.text.is_empty() && !placeholder(&r.text.low) && !starts_statement(&r.text.low)
    };
    for (i, record) in records.iter().enumerate() {
        match record.kind {
            Kind::Paragraph | Kind::Item { .. } | Kind::Heading(_) => {
                let stated = s
                    .statements
                    .iter()
                    .find_map(|p| record.text.low.strip_prefix(p));
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
                if s.bare.contains(&record.text.low.trim_end_matches(':'))
                    && records[i + 1..]
                        .first()
                        .is_some_and(|n| !matches!(n.kind, Kind::Heading(_)) && content(n)) =>
            {
                return true;
            }
            Kind::Heading(level) if (s.heading)(&record.text.low) => {
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
