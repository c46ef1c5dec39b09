//! Markdown → [`Contract`]: reads each known section; never fails, records
//! every problem as a [`Diagnostic`] with a span instead. Every line of a
//! known section is read into the model, kept as a prose note, or refused
//! with an error ([`LineStats`](super::LineStats)).

use super::blocks::{sections, Section};
use super::heading::{kind_of, Kind};
use super::reader::Reader;
use super::{document, Code, Contract, Diagnostic};

/// Reads a contract's markdown into the model, with every diagnostic.
pub fn parse(path: &str, source: &str) -> Contract {
    if source.len() > MAX_CONTRACT_BYTES {
        return too_large(
            path,
            format!(
                "the contract is {} bytes; the limit is {MAX_CONTRACT_BYTES} (8 MiB)",
                source.len()
            ),
        );
    }
    // GitHub and editors on Windows write CRLF; spans stay byte offsets into
    // the text as given, which miette draws correctly either way. The reader
    // reads the visible text (no BOM, front matter or HTML comments) at the
    // same offsets.
    let vis = super::blocks::visible(source);
    let secs = sections(&vis);
    let mut r = Reader::new(
        &vis,
        Contract {
            path: path.to_string(),
            source: source.to_string(),
            ..Contract::default()
        },
    );
    r.c.title = secs
        .iter()
        .find(|s| s.level == 1)
        .map(|s| s.heading.clone());
    document::front_matter_rules(&mut r, source);
    document::invisible_characters(&mut r, source);
    let kinds = resolve_kinds(&secs);
    let kinds = document::one_section_per_kind(&mut r, &secs, kinds);
    for (s, (k, _)) in secs.iter().zip(&kinds) {
        if *k == Kind::Agents {
            r.agents_section(s);
        } else if *k == Kind::Other && s.level > 0 && super::agents::is_agent_section(s) {
            r.per_agent_section(s, &s.heading);
        }
    }
    // No agent read, whatever the sections: no branch is assigned.
    if r.c.agents.is_empty() {
        r.c.diagnostics.push(
            Diagnostic::error(Code::NoAgentsSection, 0..source.len().min(1), "the contract has no Worktrees or Agents section: no branch is assigned to any agent")
                .help("add `## Worktrees` with items like `- wt-api  branch: agents/api  agent: agent-1`"),
        );
    }
    let has_scope = kinds.iter().any(|(k, _)| *k == Kind::Scope);
    r.c.scope_section = has_scope;
    read_sections(&mut r, &secs, &kinds);
    document::apply_excludes(&mut r);
    if let Some(why) = over_limits(&r.c) {
        return too_large(path, why);
    }
    super::validate::check_contract(&mut r.c, has_scope);
    document::not_enforced(&mut r.c);
    r.c
}

/// Reads every section by its kind, and warns of empty ones.
fn read_sections(r: &mut Reader, secs: &[Section], kinds: &[(Kind, bool)]) {
    for (i, (s, (k, cont))) in secs.iter().zip(kinds).enumerate() {
        // Empty when neither it nor its sub-headings hold anything.
        let empty = !cont
            && s.blocks.is_empty()
            && !secs[i + 1..]
                .iter()
                .zip(&kinds[i + 1..])
                .take_while(|(_, (_, c))| *c)
                .any(|(t, _)| !t.blocks.is_empty());
        if s.level > 0 && !matches!(k, Kind::Other | Kind::Ignored) && !cont && empty {
            r.warn(
                Code::EmptySection,
                s.span.clone(),
                format!("section `{}` is empty", s.heading),
            );
        }
        match k {
            Kind::Scope => r.pattern_section(s, false),
            Kind::CannotTouch => r.pattern_section(s, true),
            Kind::Interface => r.interface_section(s),
            Kind::SharedState => r.shared_section(s),
            Kind::MergeOrder => r.merge_order_section(s),
            Kind::IntegrationBranch => r.integration_section(s),
            Kind::Matrix => r.matrix_section(s),
            Kind::Permissions => r.permissions_section(s),
            Kind::Approvers => r.approvers_section(s),
            Kind::Other if s.level > 0 && !super::agents::is_agent_section(s) => r.misplaced(s),
            Kind::Agents | Kind::Other | Kind::Ignored => {}
        }
    }
}

/// Why a contract is too big to judge in seconds, when it is.
fn over_limits(c: &Contract) -> Option<String> {
    let patterns: usize = c
        .agents
        .iter()
        .map(|a| a.owns.len() + a.cannot_touch.len())
        .sum::<usize>()
        + c.shared_state.len();
    (c.agents.len() > MAX_AGENTS || patterns > MAX_PATTERNS).then(|| {
        format!(
            "the contract defines {} agents and {patterns} patterns; the limits are {MAX_AGENTS} agents and {MAX_PATTERNS} patterns",
            c.agents.len()
        )
    })
}

/// Past these a contract is refused (CG026) rather than read and checked
/// slowly: the pattern checks are near-linear, but a contract this big is a
/// mistake or an attack, and the gate must answer in seconds either way.
pub const MAX_CONTRACT_BYTES: usize = 8 << 20;
/// See [`MAX_CONTRACT_BYTES`].
pub const MAX_AGENTS: usize = 20_000;
/// Owned, cannot-touch and shared-state patterns together; see
/// [`MAX_CONTRACT_BYTES`].
pub const MAX_PATTERNS: usize = 50_000;

/// A contract refused for its size: no model, one error, so every branch it
/// might govern fails closed.
fn too_large(path: &str, why: String) -> Contract {
    Contract {
        path: path.to_string(),
        diagnostics: vec![Diagnostic::error(Code::TooLarge, 0..0, why).help(
            "split the work into several contracts (`.github/contracts/*.md`), or use globs",
        )],
        ..Contract::default()
    }
}

/// Each section's kind, and whether it continues an enclosing known section
/// (`## Scope` / `### Backend`): deeper unknown headings do.
pub(super) fn resolve_kinds(secs: &[Section]) -> Vec<(Kind, bool)> {
    let mut out = Vec::with_capacity(secs.len());
    let mut current: Option<(Kind, u8)> = None;
    for s in secs {
        let own = if s.level == 0 {
            Kind::Other
        } else {
            kind_of(&s.heading)
        };
        let (k, cont) = match (own, current) {
            (Kind::Other, Some((ck, cl))) if s.level > cl => (ck, true),
            _ => (own, false),
        };
        if !cont {
            current = (k != Kind::Other).then_some((k, s.level));
        }
        out.push((k, cont));
    }
    out
}
