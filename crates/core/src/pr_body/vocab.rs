//! The words the evidence reader understands. The principle is positive:
//! the text around a ticked check counts only when every word of it is in
//! [`PASS_WORDS`] (or a pass symbol). The negative words decide only *how*
//! a text that is not a pass is reported, whether a heading, lead-in line
//! or table column says a check did not pass, and whether a sentence
//! anywhere says a failure about a command (which wins over any tick).

/// Words that may stand around a ticked check (`- [x] npm run check — passed`)
/// or fill a result cell. `all` only before another of them (`all green`).
pub(super) const PASS_WORDS: &[&str] = &[
    "pass", "passed", "passes", "passing", "ok", "green", "success",
];

/// Words that may stand before a ticked check (`- [x] Ran npm run check`).
const LEAD_WORDS: &[&str] = &["ran", "run"];

/// Marks that mean "passed".
pub(super) const PASS_SYMBOLS: &[&str] = &["✅", "✔", "✓", "☑", "🟢"];

/// Marks that mean "did not pass" (failed, skipped, warned, waiting).
const FAIL_SYMBOLS: &[&str] = &[
    "❌", "✗", "✘", "✖", "❎", "⚠", "⛔", "🚫", "🔴", "🟥", "🟡", "⏭", "⏸", "⏳", "⌛", "🚧", "⭕",
];

/// GitHub shortcodes, read as the symbol they render.
const SHORTCODES: &[(&str, &str)] = &[
    (":white_check_mark:", "✅"),
    (":heavy_check_mark:", "✔"),
    (":ballot_box_with_check:", "☑"),
    (":green_circle:", "🟢"),
    (":x:", "❌"),
    (":heavy_multiplication_x:", "✖"),
    (":negative_squared_cross_mark:", "❎"),
    (":warning:", "⚠"),
    (":no_entry:", "⛔"),
    (":no_entry_sign:", "🚫"),
    (":red_circle:", "🔴"),
    (":yellow_circle:", "🟡"),
    (":hourglass:", "⌛"),
    (":hourglass_flowing_sand:", "⏳"),
    (":construction:", "🚧"),
    (":fast_forward:", "⏭"),
    (":o:", "⭕"),
];

/// Whole words that say "not passed".
const NEGATIVE_WORDS: &[&str] = &[
    "not",
    "no",
    "none",
    "never",
    "nope",
    "cannot",
    "without",
    "unable",
    "missing",
    "red",
    "n/a",
    "na",
    "todo",
    "tbd",
    "wip",
    "later",
    "blocked",
    "blocker",
    "untested",
    "unverified",
    "unchecked",
    "unknown",
    "incomplete",
    "partial",
    "partially",
    "ignored",
    "disabled",
    "excluded",
    "omitted",
    "hung",
    "stuck",
    "killed",
    "exceeded",
    "regression",
    "regressed",
];

/// Word beginnings that say "not passed" (`fail` → failed, failing,
/// failure; `skip` → skipped; `time` is not one: `timed out` is a phrase).
const NEGATIVE_STEMS: &[&str] = &[
    "fail",
    "skip",
    "err",
    "broke",
    "crash",
    "abort",
    "cancel",
    "timeout",
    "flak",
    "pend",
    "defer",
    "postpon",
    "panic",
    "reject",
    "warn",
    "wait",
    "queue",
    "exception",
];

/// Phrases (normalised, spaces) that say "not passed".
const NEGATIVE_PHRASES: &[&str] = &["timed out", "time out", "to do"];

/// Text with shortcodes replaced by their symbols.
fn symbols(s: &str) -> String {
    let mut out = s.to_string();
    if out.contains(':') {
        for (code, sym) in SHORTCODES {
            out = out.replace(code, sym);
        }
    }
    out
}

/// The words of a normalised text: split on whitespace and the separators
/// `— – - : , . ; ! ? ( ) [ ] * _ " → =>`, symbols split off as words of
/// their own. An apostrophe stays inside its word (`wasn't`).
pub(super) fn words(s: &str) -> Vec<String> {
    let s = symbols(s);
    let mut out = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, out: &mut Vec<String>| {
        let w = cur.trim_matches('\'');
        if !w.is_empty() {
            out.push(w.to_string());
        }
        cur.clear();
    };
    for c in s.chars() {
        if c.is_whitespace()
            || matches!(
                c,
                '—' | '–'
                    | '-'
                    | ':'
                    | ','
                    | '.'
                    | ';'
                    | '!'
                    | '?'
                    | '('
                    | ')'
                    | '['
                    | ']'
                    | '*'
                    | '_'
                    | '"'
                    | '→'
                    | '='
                    | '>'
                    | '<'
                    | '|'
                    | '…'
            )
        {
            flush(&mut cur, &mut out);
        } else if c.is_alphanumeric() || matches!(c, '\'' | '/' | '#' | '@' | '+' | '&' | '%') {
            cur.push(c);
        } else {
            // A symbol (emoji, check mark, ✗): a word of its own.
            flush(&mut cur, &mut out);
            out.push(c.to_string());
        }
    }
    flush(&mut cur, &mut out);
    out
}

fn is_pass_word(w: &str) -> bool {
    PASS_WORDS.contains(&w) || PASS_SYMBOLS.contains(&w)
}

/// Whether every word of `s` is a pass word (`all` only before one). An
/// empty text is a pass: nothing was said beyond the tick.
pub(super) fn only_pass(s: &str) -> bool {
    let w = words(s);
    w.iter().enumerate().all(|(i, x)| {
        is_pass_word(x) || (x == "all" && w.get(i + 1).is_some_and(|n| is_pass_word(n)))
    })
}

/// Whether `s` (the text before a ticked check) is only lead words or pass
/// marks (`Ran`, `✅`).
pub(super) fn only_lead(s: &str) -> bool {
    words(s)
        .iter()
        .all(|x| is_pass_word(x) || LEAD_WORDS.contains(&x.as_str()))
}

/// Whether `s` says something did not pass: a fail mark, a negative word,
/// stem or phrase, or any word ending in `n't` (`wasn't`, `didn't`).
pub(super) fn negative(s: &str) -> bool {
    let s = symbols(s);
    if FAIL_SYMBOLS.iter().any(|m| s.contains(m)) {
        return true;
    }
    let w = words(&s);
    if w.iter().any(|x| {
        NEGATIVE_WORDS.contains(&x.as_str())
            || x.ends_with("n't")
            || NEGATIVE_STEMS.iter().any(|p| x.starts_with(p))
    }) {
        return true;
    }
    let joined = format!(" {} ", w.join(" "));
    NEGATIVE_PHRASES
        .iter()
        .any(|p| joined.contains(&format!(" {p} ")))
}

/// Column headings that make a result column: a pass mark in such a
/// column is a pass.
const RESULT_COLUMNS: &[&str] = &[
    "result",
    "results",
    "status",
    "outcome",
    "pass",
    "passed",
    "ok",
    "pass/fail",
];

/// Whether a table column heading (normalised) clearly names a result
/// column (`Result`, `Status`, `✅`); an empty or other heading does not.
pub(super) fn result_column(s: &str) -> bool {
    let w = words(s);
    !w.is_empty()
        && w.iter()
            .all(|x| RESULT_COLUMNS.contains(&x.as_str()) || PASS_SYMBOLS.contains(&x.as_str()))
}
