//! Rules on changed paths: `contract-edit`, `cannot-touch`, `shared-state`,
//! `scope` and `additions-only`. Every pattern of the contract is compiled
//! once into one [`PatternSet`]; each path then costs one lookup.

use crate::change::{ChangeStatus, ChangedFile, PrSnapshot, Removals};
use crate::contract::Contract;
use crate::pattern::PatternSet;
use crate::verdict::{Finding, Rule};

use super::Options;

#[derive(Debug, Clone, Copy)]
enum Tag {
    Owns {
        agent: usize,
        additions_only: bool,
    },
    Cannot {
        agent: usize,
    },
    Shared {
        rule: usize,
    },
    Protected,
    /// An `(except P)` of the pattern tagged `of`: where it matches, that
    /// pattern does not.
    Except {
        of: u32,
    },
}

pub(super) struct Index {
    set: PatternSet,
    tags: Vec<Tag>,
    /// Any `Except` tag: only then does a match need the second look.
    has_except: bool,
}

impl Index {
    /// Drops from `buf` every tag an exception in it takes out, and the
    /// exceptions themselves.
    fn drop_excepted(&self, buf: &mut Vec<u32>) {
        if !self.has_except {
            return;
        }
        let out: Vec<u32> = buf
            .iter()
            .filter_map(|&t| match self.tags[t as usize] {
                Tag::Except { of } => Some(of),
                _ => None,
            })
            .collect();
        buf.retain(|t| !out.contains(t) && !matches!(self.tags[*t as usize], Tag::Except { .. }));
    }
}

impl Index {
    pub(super) fn new(c: &Contract, options: &Options) -> Index {
        let mut b = PatternSet::builder();
        let mut tags = Vec::new();
        let mut has_except = false;
        let mut add = |p: &crate::pattern::Pattern, t: Tag, except: &[crate::pattern::Pattern]| {
            let of = tags.len() as u32;
            b.add(p, of);
            tags.push(t);
            for x in except {
                b.add(x, tags.len() as u32);
                tags.push(Tag::Except { of });
                has_except = true;
            }
        };
        for (ai, a) in c.agents.iter().enumerate() {
            for e in &a.owns {
                add(
                    &e.pattern,
                    Tag::Owns {
                        agent: ai,
                        additions_only: e.additions_only,
                    },
                    &e.except,
                );
            }
            for e in &a.cannot_touch {
                add(&e.pattern, Tag::Cannot { agent: ai }, &e.except);
            }
        }
        for (ri, r) in c.shared_state.iter().enumerate() {
            add(&r.pattern, Tag::Shared { rule: ri }, &r.except);
        }
        for p in &options.protected {
            add(p, Tag::Protected, &[]);
        }
        // The contract files themselves, wherever they live.
        if let Ok(p) = crate::pattern::Pattern::parse(&format!("path:{}", c.path)) {
            add(&p, Tag::Protected, &[]);
        }
        Index {
            set: b.build(),
            tags,
            has_except,
        }
    }
}

/// What one name of a changed file is, for the agent (or the integrator).
enum Outcome {
    Ok,
    Fail(Rule, String),
    AdditionsOnly,
}

/// What the path rules judge: one contract's claim on the change.
pub(super) struct Judging<'a> {
    pub c: &'a Contract,
    /// The claiming agent; `None` for the integrator.
    pub agent: Option<usize>,
    pub pr: &'a PrSnapshot,
    pub options: &'a Options,
    /// The contract's compiled patterns, when the caller built them already.
    pub prepared: Option<&'a Index>,
}

/// Judges every changed path; `also` runs on each file in the same pass
/// (another per-file rule: one walk over a large change, not two).
pub(super) fn check(
    j: &Judging,
    out: &mut Vec<Finding>,
    also: impl Fn(&ChangedFile, &mut Vec<Finding>) + Sync,
) {
    let Judging {
        c,
        agent,
        pr,
        options,
        prepared,
    } = *j;
    let built;
    let index = match prepared {
        Some(index) => index,
        None => {
            built = Index::new(c, options);
            &built
        }
    };
    super::in_parts(&pr.files, options.threads, out, |files, out| {
        let mut buf = Vec::with_capacity(16);
        let mut matcher = index.set.matcher();
        for f in files {
            let names = std::iter::once((f.path.as_str(), false))
                .chain(f.previous_path.as_deref().map(|p| (p, true)));
            for (name, is_old) in names {
                // A copy leaves its source untouched.
                if is_old && f.status == ChangeStatus::Copied {
                    continue;
                }
                buf.clear();
                matcher.matches_into(name, &mut buf);
                index.drop_excepted(&mut buf);
                let outcome = match agent {
                    Some(ai) => classify_agent(c, index, &buf, ai),
                    None => classify_integrator(c, index, &buf),
                };
                match outcome {
                    Outcome::Ok => {}
                    Outcome::Fail(rule, why) => {
                        let message = describe(f, is_old, &why);
                        out.push(
                            Finding::failure(rule, message)
                                .at(name, None)
                                .because(f.status, why),
                        )
                    }
                    Outcome::AdditionsOnly => additions_only(f, name, is_old, out),
                }
            }
            also(f, out);
        }
    });
}

fn describe(f: &ChangedFile, is_old: bool, why: &str) -> String {
    let how = match (f.status, is_old) {
        (ChangeStatus::Renamed, true) => format!("renamed to `{}`", f.path),
        (ChangeStatus::Renamed, false) => format!(
            "renamed from `{}`",
            f.previous_path.as_deref().unwrap_or("?")
        ),
        (ChangeStatus::Added, _) | (ChangeStatus::Copied, _) => "added".into(),
        (ChangeStatus::Deleted, _) => "deleted".into(),
        (ChangeStatus::Modified, _) => "modified".into(),
    };
    format!("{how}; {why}")
}

fn owners(index: &Index, buf: &[u32], except: Option<usize>) -> Vec<usize> {
    let mut v: Vec<usize> = buf
        .iter()
        .filter_map(|&t| match index.tags[t as usize] {
            Tag::Owns { agent, .. } if Some(agent) != except => Some(agent),
            _ => None,
        })
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The first shared-state rule (in contract order) that matches.
fn shared_rule(index: &Index, buf: &[u32]) -> Option<usize> {
    buf.iter()
        .filter_map(|&t| match index.tags[t as usize] {
            Tag::Shared { rule } => Some(rule),
            _ => None,
        })
        .min()
}

fn classify_agent(c: &Contract, index: &Index, buf: &[u32], me: usize) -> Outcome {
    let tag = |t: &u32| index.tags[*t as usize];
    if buf.iter().any(|t| matches!(tag(t), Tag::Protected)) {
        return Outcome::Fail(
            Rule::ContractEdit,
            "agent branches may not change contracts or the workflows that run the gate".into(),
        );
    }
    if buf
        .iter()
        .any(|t| matches!(tag(t), Tag::Cannot { agent } if agent == me))
    {
        return Outcome::Fail(
            Rule::CannotTouch,
            format!("on {}'s cannot-touch list", c.agents[me].name),
        );
    }
    let own = own_scope(index, buf, me);
    if let Some(ri) = shared_rule(index, buf) {
        return shared_for_agent(c, ri, me, own);
    }
    match own {
        Own::Full => Outcome::Ok,
        Own::AdditionsOnly => Outcome::AdditionsOnly,
        Own::No => {
            let others = owners(index, buf, Some(me));
            let mut why = format!("outside what {} owns", c.agents[me].name);
            for (i, o) in others.iter().enumerate() {
                why.push_str(if i == 0 { " (owned by " } else { ", " });
                why.push_str(&c.agents[*o].name);
            }
            if !others.is_empty() {
                why.push(')');
            }
            Outcome::Fail(Rule::Scope, why)
        }
    }
}

/// How much of a path the agent's own scope gives it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Own {
    /// A pattern without `(additions only)` matches.
    Full,
    /// Only `(additions only)` patterns match.
    AdditionsOnly,
    No,
}

fn own_scope(index: &Index, buf: &[u32], me: usize) -> Own {
    let (mut full, mut partial) = (false, false);
    for &t in buf {
        if let Tag::Owns {
            agent,
            additions_only,
        } = index.tags[t as usize]
        {
            if agent == me {
                if additions_only {
                    partial = true;
                } else {
                    full = true;
                }
            }
        }
    }
    match (full, partial) {
        (true, _) => Own::Full,
        (false, true) => Own::AdditionsOnly,
        (false, false) => Own::No,
    }
}

/// A shared file (rule `ri`) changed by agent `me`: its owner may change
/// it (append-only where its own scope says so); anyone else may not.
fn shared_for_agent(c: &Contract, ri: usize, me: usize, own: Own) -> Outcome {
    let r = &c.shared_state[ri];
    match &r.owner {
        Some(o) if *o == c.agents[me].name => {
            if own == Own::AdditionsOnly {
                Outcome::AdditionsOnly
            } else {
                Outcome::Ok
            }
        }
        Some(o) => Outcome::Fail(
            Rule::SharedState,
            format!("shared file owned by {o}{}", rule_quote(r)),
        ),
        None => Outcome::Fail(
            Rule::SharedState,
            format!("shared file nobody edits{}", rule_quote(r)),
        ),
    }
}

/// The contract's rule, quoted after the message when it says more than
/// the message does: a pattern that is not one path, or a policy with more
/// words than `nobody edits.` / `NAME owns.` (who to ask, what to request).
fn rule_quote(r: &crate::contract::SharedRule) -> String {
    let policy = r.policy.trim().trim_end_matches('.').trim();
    let bare = match &r.owner {
        Some(o) => policy.eq_ignore_ascii_case(&format!("{o} owns")),
        None => policy.eq_ignore_ascii_case("nobody edits"),
    };
    let literal = !r.pattern.text.contains(['*', '?', '[', '{']);
    if bare && literal && r.except.is_empty() {
        String::new()
    } else {
        format!(" (`{}`: {})", r.pattern.text, r.policy)
    }
}

fn classify_integrator(c: &Contract, index: &Index, buf: &[u32]) -> Outcome {
    if let Some(ri) = shared_rule(index, buf) {
        let r = &c.shared_state[ri];
        if r.owner.is_none() {
            return Outcome::Fail(
                Rule::SharedState,
                format!("shared file nobody edits{}", rule_quote(r)),
            );
        }
        return Outcome::Ok;
    }
    if owners(index, buf, None).is_empty() {
        Outcome::Fail(Rule::Scope, "owned by no agent of the contract".into())
    } else {
        Outcome::Ok
    }
}

fn additions_only(f: &ChangedFile, name: &str, is_old: bool, out: &mut Vec<Finding>) {
    let fail =
        |msg: String, line: Option<u32>| Finding::failure(Rule::AdditionsOnly, msg).at(name, line);
    if is_old {
        out.push(fail(
            format!(
                "additions-only file renamed to `{}`: every line was removed",
                f.path
            ),
            None,
        ));
        return;
    }
    match f.status {
        ChangeStatus::Added | ChangeStatus::Copied => {}
        ChangeStatus::Deleted => out.push(fail("additions-only file deleted".into(), None)),
        ChangeStatus::Modified | ChangeStatus::Renamed => match &f.removals {
            Removals::Known(lines) => {
                for &l in lines {
                    out.push(fail(
                        "lines removed or changed in an additions-only file".into(),
                        Some(l),
                    ));
                }
            }
            Removals::Unavailable(why) => out.push(fail(
                format!("the diff could not be read ({why}); failing closed"),
                None,
            )),
            Removals::Unknown => {
                out.push(fail("the diff was not read; failing closed".into(), None))
            }
        },
    }
}

/// Paths of the change set that need their removed lines read (the
/// additions-only files of this branch's agent): sources read diffs only for these.
pub fn needs_removals(c: &Contract, agent: usize, files: &[ChangedFile]) -> Vec<String> {
    let mut b = PatternSet::builder();
    let mut any = false;
    for e in c.agents[agent].owns.iter().filter(|e| e.additions_only) {
        b.add(&e.pattern, 0);
        any = true;
    }
    if !any {
        return Vec::new();
    }
    let set = b.build();
    let mut buf = Vec::new();
    files
        .iter()
        .filter(|f| matches!(f.status, ChangeStatus::Modified | ChangeStatus::Renamed))
        .filter(|f| {
            buf.clear();
            set.matches_into(&f.path, &mut buf);
            !buf.is_empty()
        })
        .map(|f| f.path.clone())
        .collect()
}
