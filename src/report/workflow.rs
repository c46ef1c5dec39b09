//! GitHub Actions workflow commands (`::error file=…::…`) and the step summary.
//!
//! GitHub shows at most 10 error and 10 warning annotations per step, so
//! [`commands`] prints a bounded number of lines and points to the check-run
//! summary for the rest.

use super::clamp::floor_boundary;
use super::escape::{command_data, command_property};
use super::markdown;
use contract_gate_core::verdict::{Finding, Level, Verdict};

/// GitHub's limit for one step's `$GITHUB_STEP_SUMMARY` (1 MiB).
const STEP_SUMMARY_MAX_BYTES: usize = 1024 * 1024;

fn command_name(l: Level) -> &'static str {
    match l {
        Level::Failure => "error",
        Level::Warning => "warning",
        Level::Notice => "notice",
    }
}

/// One command line for a finding:
/// `::error file=PATH,line=N,title=RULE::MESSAGE — NEXT STEP`. A finding with a
/// path and no line is put on line 1 (as in the check run); a finding without
/// a path has only `title`. At `level`: a waiting finding is a notice.
fn command_at(f: &Finding, level: Level) -> String {
    let mut props = Vec::with_capacity(3);
    if let Some(p) = &f.path {
        props.push(format!("file={}", command_property(p)));
        props.push(format!("line={}", f.line.unwrap_or(1).max(1)));
    }
    props.push(format!("title={}", command_property(f.rule.id())));
    format!(
        "::{} {}::{}",
        command_name(level),
        props.join(","),
        command_data(&format!("{} — {}", f.message, f.rule.next_step()))
    )
}

/// Workflow commands for the verdict's findings, failures first, each line
/// ending in `\n`.
///
/// At most `max` lines in all. When the findings do not fit, the last of the
/// `max` lines says how many more findings are in the check-run summary, so it
/// is itself within GitHub's per-step limit (pass 10: 10 error annotations per
/// step). It is an `::error` when a left-out finding is a failure, else a
/// `::warning` or `::notice` for the most severe one left out. With `max` 0 only
/// that line is printed.
pub fn commands(v: &Verdict, max: usize) -> String {
    let mut sorted: Vec<&Finding> = v.findings.iter().collect();
    sorted.sort_by_key(|f| f.level); // stable: the evaluator's order within a level
    let fits = sorted.len() <= max;
    let shown = if fits {
        sorted.len()
    } else {
        max.saturating_sub(1)
    };
    // A verdict that only waits is a pending check, not a red one: its
    // waiting findings are notices in the log, not errors.
    let waiting = v.waiting_only();
    let mut o = String::new();
    for f in &sorted[..shown] {
        let level = if waiting && f.rule.waits() {
            Level::Notice
        } else {
            f.level
        };
        o.push_str(&command_at(f, level));
        o.push('\n');
    }
    if !fits {
        let rest = &sorted[shown..];
        let level = rest.iter().map(|f| f.level).min().unwrap_or(Level::Failure);
        let n = rest.len();
        let s = if n == 1 { "" } else { "s" };
        o.push_str(&format!(
            "::{} title=contract-gate::{}\n",
            command_name(level),
            command_data(&format!(
                "{n} more finding{s} not shown here: see the contract-gate check run's summary"
            ))
        ));
    }
    o
}

/// Markdown for `$GITHUB_STEP_SUMMARY`: the check-run summary and its
/// section (the merge rehearsal), ending in a blank line, capped below
/// GitHub's 1 MiB per step (the room left is for the note and for what
/// else the step appends).
pub(crate) fn step_summary(v: &Verdict, section: Option<&str>) -> String {
    let mut summary = markdown::summary(v);
    if let Some(section) = section {
        summary.push('\n');
        summary.push_str(section);
    }
    let room = STEP_SUMMARY_MAX_BYTES - 200;
    if summary.len() > room {
        summary.truncate(floor_boundary(&summary, room).len());
        summary.push_str("\n\n… truncated: the check-run holds the full report\n");
    }
    summary.push('\n');
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Sample as _;
    use contract_gate_core::verdict::{Conclusion, Rule};

    fn verdict(findings: Vec<Finding>) -> Verdict {
        Verdict::sample(Conclusion::Failure, findings)
    }

    /// Waiting is not an error: with only predecessors (or CI) to wait for,
    /// those findings are notices; next to a real failure they stay errors.
    #[test]
    fn a_waiting_verdict_logs_notices_not_errors() {
        let wait = || Finding::failure(Rule::MergeOrder, "waiting on agent-0");
        let out = commands(&verdict(vec![wait()]), 10);
        assert!(
            out.starts_with("::notice title=merge-order::waiting on agent-0"),
            "{out}"
        );
        let scope = Finding::failure(Rule::Scope, "outside").at("a.ts", None);
        let out = commands(&verdict(vec![wait(), scope]), 10);
        assert!(out.contains("::error title=merge-order::"), "{out}");
        assert!(
            out.contains("::error file=a.ts,line=1,title=scope::"),
            "{out}"
        );
    }

    /// Undo the runner's escaping, as GitHub's toolkit does.
    fn unescape(s: &str) -> String {
        s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    }

    #[test]
    fn tricky_paths_and_messages() {
        let v = verdict(vec![
            Finding::failure(Rule::Scope, "added; 100% outside\nsecond line")
                .at("src/a,b:c.ts", Some(3)),
            Finding::failure(Rule::Evidence, "no evidence for `npm test`"),
        ]);
        let out = commands(&v, 10);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[0],
            format!(
                "::error file=src/a%2Cb%3Ac.ts,line=3,title=scope::added; 100%25 outside%0Asecond line — {}",
                Rule::Scope.next_step()
            )
        );
        assert_eq!(
            lines[1],
            format!(
                "::error title=evidence::no evidence for `npm test` — {}",
                Rule::Evidence.next_step()
            )
        );
        // Every line is one line, and the properties split back into the path.
        let props = lines[0]
            .strip_prefix("::error ")
            .unwrap()
            .split("::")
            .next()
            .unwrap();
        let file = props
            .split(',')
            .next()
            .unwrap()
            .strip_prefix("file=")
            .unwrap();
        assert_eq!(unescape(file), "src/a,b:c.ts");
    }

    #[test]
    fn levels_and_missing_line() {
        let v = verdict(vec![
            Finding::failure(Rule::UnassignedBranch, "n").with_level(Level::Notice),
            Finding::failure(Rule::ContractInvalid, "w")
                .at("CONTRACT.md", None)
                .with_level(Level::Warning),
        ]);
        let out = commands(&v, 10);
        let lines: Vec<&str> = out.lines().collect();
        assert!(
            lines[0].starts_with("::warning file=CONTRACT.md,line=1,title=contract-invalid::w — ")
        );
        assert!(lines[1].starts_with("::notice title=unassigned-branch::n — "));
    }

    #[test]
    fn at_most_max_lines_and_a_pointer_to_the_rest() {
        let findings: Vec<Finding> = (0..25)
            .map(|i| Finding::failure(Rule::Scope, "x").at(format!("f{i}.ts"), None))
            .collect();
        let out = commands(&verdict(findings.clone()), 10);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 10);
        assert!(lines[..9].iter().all(|l| l.starts_with("::error file=f")));
        assert_eq!(
            lines[9],
            "::error title=contract-gate::16 more findings not shown here: see the contract-gate check run's summary"
        );
        // Exactly max findings: all shown, no pointer.
        let out = commands(&verdict(findings[..10].to_vec()), 10);
        assert_eq!(out.lines().count(), 10);
        assert!(!out.contains("more finding"));
        // Notices left out: the pointer is a notice.
        let mut fs = findings[..9].to_vec();
        fs.push(Finding::failure(Rule::Evidence, "n").with_level(Level::Notice));
        fs.push(Finding::failure(Rule::Evidence, "m").with_level(Level::Notice));
        let out = commands(&verdict(fs), 10);
        assert!(out
            .lines()
            .last()
            .unwrap()
            .starts_with("::notice title=contract-gate::2 more findings"));
        // No findings: nothing.
        assert_eq!(commands(&verdict(vec![]), 10), "");
        assert_eq!(
            commands(&verdict(findings[..1].to_vec()), 0)
                .lines()
                .count(),
            1
        );
    }

    #[test]
    fn step_summary_is_the_markdown_summary() {
        let v = verdict(vec![Finding::failure(Rule::Scope, "x").at("a.ts", None)]);
        assert_eq!(
            step_summary(&v, None),
            format!("{}\n", markdown::summary(&v))
        );
        let with = step_summary(&v, Some("### Merge rehearsal\n"));
        assert!(with.ends_with(".\n\n### Merge rehearsal\n\n"), "{with}");
        let long = "é".repeat(STEP_SUMMARY_MAX_BYTES);
        let cut = step_summary(&v, Some(&long));
        assert!(cut.len() <= STEP_SUMMARY_MAX_BYTES - 100);
        assert!(cut.ends_with("\n\n… truncated: the check-run holds the full report\n\n"));
    }
}
