//! One check's reading over the records: every word around a tick is
//! accounted for (see the module doc of [`super`]).

use super::vocab::{negative, only_lead, only_pass, result_column};
use super::{names, occurrences, Context, EvidenceStatus, Kind, Reading, Record, Text};

/// What the records said so far; the first reason of each kind is kept.
#[derive(Default)]
struct Acc {
    failed: Option<String>,
    not_a_pass: Option<String>,
    passed: bool,
    unchecked: bool,
}

impl Acc {
    fn fail(&mut self, why: String) {
        self.failed.get_or_insert(why);
    }

    fn not_a_pass(&mut self, why: String) {
        self.not_a_pass.get_or_insert(why);
    }
}

/// The reading of `needle` (normalised, not empty).
pub(super) fn reading(records: &[Record], needle: &str) -> Reading {
    let mut acc = Acc::default();
    for r in records {
        match &r.kind {
            Kind::Paragraph | Kind::Heading(_) => said_failed(&r.text, needle, &mut acc),
            Kind::Code(lines) => {
                // Pasted output: a line that names the command and says it
                // failed (`npm run check … FAILED`).
                for line in lines {
                    said_failed(line, needle, &mut acc);
                }
            }
            Kind::Item { task: None, nested } => {
                said_failed(&r.text, needle, &mut acc);
                if names(&r.text.low, needle) && negative(&nested.low) {
                    acc.fail(format!(
                        "is said not to pass in the PR body: \"{}\" is under it",
                        nested.shown
                    ));
                }
            }
            Kind::Item {
                task: Some(checked),
                nested,
            } => item(r, *checked, nested, needle, &mut acc),
            Kind::Row {
                header: false,
                cells,
                columns,
            } => row(cells, columns, &r.context, needle, &mut acc),
            Kind::Row { header: true, .. } => {}
        }
    }
    let (status, reason) = if let Some(why) = acc.failed {
        (EvidenceStatus::Failed, Some(why))
    } else if let Some(why) = acc.not_a_pass {
        (EvidenceStatus::NotAPass, Some(why))
    } else if acc.passed {
        (EvidenceStatus::Passed, None)
    } else if acc.unchecked {
        (EvidenceStatus::Unchecked, None)
    } else {
        (EvidenceStatus::Missing, None)
    };
    Reading { status, reason }
}

/// A paragraph, heading, list item or code line anywhere that names the
/// check and says something did not pass wins over any tick: "npm run
/// check passed on Node 20. It failed on Node 18." cannot be told apart
/// from a failure of the check, so it is one (fail closed).
fn said_failed(s: &Text, needle: &str, acc: &mut Acc) {
    let Some((before, after)) = around(s, needle) else {
        return;
    };
    if negative(&before.low) || negative(&after.low) {
        acc.fail(format!(
            "is said not to pass in the PR body: \"{}\"",
            quote(&s.trimmed().shown)
        ));
    }
}

/// A quote of at most 160 characters.
fn quote(s: &str) -> String {
    if s.chars().count() <= 160 {
        return s.to_string();
    }
    let cut: String = s.chars().take(159).collect();
    format!("{cut}…")
}

/// The text before and after the best place `text` names `needle`: the
/// first where both sides are pass words, else the first.
fn around(text: &Text, needle: &str) -> Option<(Text, Text)> {
    let mut first = None;
    for at in occurrences(&text.low, needle) {
        let before = text.slice(0, at);
        let after = text.slice(at + needle.len(), text.low.len());
        if only_lead(&before.low) && only_pass(&after.low) {
            return Some((before, after));
        }
        first.get_or_insert((before, after));
    }
    first
}

/// A task item: counted only when every word around the check is a pass
/// word and nothing it stands under says it did not pass.
fn item(r: &Record, checked: bool, nested: &Text, needle: &str, acc: &mut Acc) {
    let Some((before, after)) = around(&r.text, needle) else {
        return;
    };
    let quote = if !only_pass(&after.low) {
        Some(("after", after.trimmed()))
    } else if !only_lead(&before.low) {
        Some(("before", before.trimmed()))
    } else if !only_pass(&nested.low) {
        Some(("under", nested.trimmed()))
    } else {
        None
    };
    let said_no = negative(&before.low) || negative(&after.low) || negative(&nested.low);
    let ticked = if checked { "is ticked" } else { "is listed" };
    if let Some((place, q)) = quote {
        let why = format!(
            "{ticked}, but the text {place} it, \"{}\", is not a pass",
            q.shown
        );
        if said_no {
            acc.fail(why);
        } else if checked {
            acc.not_a_pass(why);
        } else {
            acc.unchecked = true;
        }
        return;
    }
    if !checked {
        acc.unchecked = true;
    } else if let Some(c) = negative_context(&r.context) {
        acc.fail(format!(
            "is ticked under {}, which does not say it passed",
            c.describe()
        ));
    } else {
        acc.passed = true;
    }
}

fn negative_context(context: &[Context]) -> Option<&Context> {
    context.iter().find(|c| negative(&c.text().low))
}

/// A table body row: a pass mark in a result column, every other cell
/// empty, nothing around the check in its cell, and no heading or column
/// over it that says it did not pass.
fn row(cells: &[Text], columns: &[Text], context: &[Context], needle: &str, acc: &mut Acc) {
    let empty = Text::default();
    let column = |j: usize| columns.get(j).unwrap_or(&empty);
    let heading = |j: usize| match column(j) {
        c if c.is_empty() => "an unnamed column".to_string(),
        c => format!("the column \"{}\"", c.shown),
    };
    for (i, cell) in cells.iter().enumerate() {
        let Some((before, after)) = around(cell, needle) else {
            continue;
        };
        if negative(&column(i).low) {
            acc.fail(format!("is listed in {} of a table", heading(i)));
            continue;
        }
        let mut bad = false;
        let mut mark = false;
        for q in [before.trimmed(), after.trimmed()] {
            if !only_pass(&q.low) {
                bad = true;
                let why = format!(
                    "is in a table row, but the text beside it, \"{}\", is not a pass",
                    q.shown
                );
                if negative(&q.low) {
                    acc.fail(why);
                } else {
                    acc.not_a_pass(why);
                }
            }
        }
        for (j, other) in cells.iter().enumerate() {
            if j == i || other.is_empty() {
                continue;
            }
            let said = format!(
                "has a table row where {} says \"{}\"",
                heading(j),
                other.shown
            );
            if negative(&other.low) {
                acc.fail(said);
            } else if negative(&column(j).low) {
                acc.fail(format!("{said}, which says it did not pass"));
            } else if !only_pass(&other.low) {
                acc.not_a_pass(format!("{said}, which is not a pass"));
            } else if !result_column(&column(j).low) {
                acc.not_a_pass(format!(
                    "{said}, which is not a result column (Result, Status, Outcome, Pass)"
                ));
            } else {
                mark = true;
                continue;
            }
            bad = true;
        }
        if bad || !mark {
            continue;
        }
        match negative_context(context) {
            Some(c) => acc.fail(format!(
                "is marked passed in a table under {}, which does not say it passed",
                c.describe()
            )),
            None => acc.passed = true,
        }
    }
}
