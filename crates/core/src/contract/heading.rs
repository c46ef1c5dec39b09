//! Which known section a heading names: numbering, emoji, punctuation, case
//! and bold are ignored; each section has synonyms (the README's table).

/// A section of the contract the reader knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Kind {
    Agents,
    Scope,
    CannotTouch,
    Interface,
    SharedState,
    MergeOrder,
    IntegrationBranch,
    Matrix,
    Permissions,
    Approvers,
    /// A known section not read: marked superseded, or a second one.
    Ignored,
    Other,
}

/// Synonyms per section, lowercase. A heading names the section when its
/// normalised text is a synonym or starts with one followed by a space.
pub(super) const SYNONYMS: &[(Kind, &[&str])] = &[
    (
        Kind::Agents,
        &[
            "worktrees",
            "worktree",
            "agent worktrees",
            "agents",
            "agent",
            "branches",
            "assignments",
        ],
    ),
    (
        Kind::Scope,
        &[
            "scope",
            "scopes",
            "ownership",
            "file ownership",
            "owned files",
            "owned paths",
            "owns",
        ],
    ),
    (
        Kind::CannotTouch,
        &[
            "cannot touch",
            "can't touch",
            "can’t touch",
            "must not touch",
            "do not touch",
            "forbidden",
            "off limits",
            "off-limits",
            "read-only",
            "read only",
        ],
    ),
    (
        Kind::Interface,
        &[
            "interface boundary",
            "interface boundaries",
            "interfaces",
            "interface",
        ],
    ),
    (
        Kind::SharedState,
        &[
            "shared state",
            "shared-state",
            "shared files",
            "shared config",
        ],
    ),
    (
        Kind::MergeOrder,
        &["merge order", "merge sequence", "landing order", "order"],
    ),
    (
        Kind::Matrix,
        &[
            "verification matrix",
            "verification",
            "required checks",
            "checks",
        ],
    ),
    // Before the integration branch: "Integration owner" names approvers.
    (
        Kind::Approvers,
        &[
            "approvers",
            "approver",
            "required approvers",
            "required reviewers",
            "integration owner",
            "integration owners",
        ],
    ),
    (
        Kind::IntegrationBranch,
        &["integration branch", "integration", "integrator"],
    ),
    (
        Kind::Permissions,
        &["permission policy", "permissions", "permission"],
    ),
];

/// Heading text without numbering (`2.`, `4)`), emoji, punctuation, bold or
/// a trailing colon; lowercase, whitespace collapsed.
pub(super) fn normalise(heading: &str) -> String {
    let h = heading.replace("**", "").replace('`', "").to_lowercase();
    let h = h.trim_start_matches(|c: char| !c.is_alphabetic());
    let h = h.trim_end_matches(|c: char| !c.is_alphanumeric() && c != ')');
    super::blocks::collapse_ws(h)
}

/// The known section a heading names, or `Other`.
pub(super) fn kind_of(heading: &str) -> Kind {
    let h = normalise(heading);
    for (kind, keys) in SYNONYMS {
        let hit = keys
            .iter()
            .any(|k| h == *k || (h.starts_with(k) && h[k.len()..].starts_with([' ', '('])));
        // `Ownership rules` (a table of rules) is no Scope section.
        if hit && !(*kind == Kind::Scope && h.contains("rule")) {
            return *kind;
        }
    }
    Kind::Other
}

/// True when the heading is exactly a synonym (`Agents`), not a name (`agent-1`).
pub(super) fn is_exact_synonym(heading: &str) -> bool {
    let h = normalise(heading);
    SYNONYMS.iter().any(|(_, keys)| keys.contains(&h.as_str()))
}

/// The section's name as the README writes it, for "did you mean" warnings.
pub(super) fn title(kind: Kind) -> &'static str {
    match kind {
        Kind::Agents => "Worktrees",
        Kind::Scope => "Scope",
        Kind::CannotTouch => "Cannot touch",
        Kind::Interface => "Interface boundary",
        Kind::SharedState => "Shared state",
        Kind::MergeOrder => "Merge order",
        Kind::IntegrationBranch => "Integration branch",
        Kind::Matrix => "Verification matrix",
        Kind::Permissions => "Permission policy",
        Kind::Approvers => "Approvers",
        Kind::Ignored | Kind::Other => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_people_write() {
        for (h, k) in [
            ("2. Scope", Kind::Scope),
            ("4) Merge order", Kind::MergeOrder),
            ("🚦 Merge order", Kind::MergeOrder),
            ("Scope:", Kind::Scope),
            ("SCOPE 🔒", Kind::Scope),
            ("**Landing order**", Kind::MergeOrder),
            ("File ownership", Kind::Scope),
            ("Off limits", Kind::CannotTouch),
            ("Can't touch", Kind::CannotTouch),
            ("Shared config", Kind::SharedState),
            ("Required checks", Kind::Matrix),
            ("Integrator", Kind::IntegrationBranch),
            ("Assignments", Kind::Agents),
            ("Permissions", Kind::Permissions),
            ("Interfaces", Kind::Interface),
            ("Ownership rules", Kind::Other),
            ("agent-1", Kind::Other),
            ("Context contract — feature/uploads", Kind::Other),
        ] {
            assert_eq!(kind_of(h), k, "{h}");
        }
    }
}
