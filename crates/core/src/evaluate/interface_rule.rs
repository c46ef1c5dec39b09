//! The `interface` rule: a committed name or snippet that occurred at the
//! base in a file the change touched must still be in the head. Whoever the
//! agent, the committing one included: crossing the boundary needs a sync
//! step (a contract change by a human). Fed by [`ItemScan`]s a source
//! collected; judges nothing itself when the source collected nothing.

use crate::interface::{HeadState, ItemScan};
use crate::verdict::{Finding, Level, Rule};

/// Findings for the scanned commitments: `Gone` fails, a changed line that
/// still holds the item warns (internal changes stay free).
pub fn findings(scans: &[ItemScan]) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in scans {
        let item = s.commitment.needle.text();
        let who = &s.commitment.agent;
        match &s.head {
            HeadState::Kept => {}
            HeadState::Gone => out.push(
                Finding::failure(
                    Rule::Interface,
                    format!(
                        "`{item}` (committed to by {who}) is gone; it was at {}:{} on the base",
                        s.base_path, s.base_line
                    ),
                )
                .at(s.base_path.clone(), Some(s.base_line))
                .about(who.clone()),
            ),
            HeadState::ChangedLine { path, line } => out.push(
                Finding::failure(
                    Rule::Interface,
                    format!(
                        "`{item}` (committed to by {who}) is on a changed line: the name stays; check that its signature did not change"
                    ),
                )
                .at(path.clone(), Some(*line))
                .about(who.clone())
                .with_level(Level::Warning),
            ),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interface::{Commitment, Needle};

    #[test]
    fn gone_fails_at_the_base_line_and_changed_warns() {
        let c = Commitment {
            agent: "agent-1".into(),
            needle: Needle::Name("requireAuth".into()),
            line_index: 0,
        };
        let scan = |head| ItemScan {
            commitment: c.clone(),
            base_path: "src/auth.ts".into(),
            base_line: 3,
            head,
        };
        let f = findings(&[
            scan(HeadState::Gone),
            scan(HeadState::Kept),
            scan(HeadState::ChangedLine {
                path: "src/auth.ts".into(),
                line: 4,
            }),
        ]);
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].rule, f[0].level), (Rule::Interface, Level::Failure));
        assert_eq!(
            (f[0].path.as_deref(), f[0].line),
            (Some("src/auth.ts"), Some(3))
        );
        assert_eq!(f[0].agent.as_deref(), Some("agent-1"));
        assert_eq!(
            f[0].message,
            "`requireAuth` (committed to by agent-1) is gone; it was at src/auth.ts:3 on the base"
        );
        assert_eq!((f[1].level, f[1].line), (Level::Warning, Some(4)));
    }
}
