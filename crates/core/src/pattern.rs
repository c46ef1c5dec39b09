//! Path patterns as contracts write them, and a matcher compiled once per
//! contract.
//!
//! Semantics (documented in the README):
//! - paths are relative to the repository root; a leading `./` or `/` is dropped;
//! - a pattern without `*` or `?` is a literal path: it matches that file, or
//!   everything below it when it names a directory (`src/api` and `src/api/`
//!   both match `src/api/x.ts`). Brackets and braces in it are plain
//!   characters, so `src/pages/blog/[...slug].astro` names exactly that file;
//! - a pattern with `*` or `?` is a glob: `*` and `?` do not cross `/`, `**`
//!   does; brackets and braces stay literal characters;
//! - a trailing `/` on a glob means everything below it;
//! - `glob:PATTERN` turns on the full glob syntax (`[abc]` classes, `{a,b}`
//!   alternatives); `path:PATH` takes the rest literally, even `*`.

// FxHash: the keys are the contract's directories (from the base, not the
// PR), so a fast non-keyed hash is safe; it halves the cost of the
// per-ancestor lookups that dominate matching.
use rustc_hash::FxHashMap as HashMap;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// How a pattern matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternKind {
    /// Matches the path itself and everything below it.
    Literal(String),
    /// Matches everything strictly below a directory (`dir/` or `dir/**`).
    Below(String),
    /// A glob in globset syntax, already escaped as needed.
    Glob(String),
}

/// A path pattern of a contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// As written in the contract (backticks removed).
    pub text: String,
    /// How it matches.
    pub kind: PatternKind,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid pattern `{text}`: {reason}")]
/// A pattern that cannot be compiled.
pub struct PatternError {
    /// The pattern as written.
    pub text: String,
    /// Why it is invalid.
    pub reason: String,
}

fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// Escapes the characters globset would read as classes or alternatives.
fn escape_brackets(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        match c {
            '[' | ']' | '{' | '}' => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out
}

fn normalise(s: &str) -> String {
    let s = s.trim();
    let s = s.strip_prefix("./").unwrap_or(s);
    nfc(s.trim_start_matches('/')).into_owned()
}

/// A name in Unicode NFC (composed): contracts and changed paths may spell
/// `é` as one code point or as `e` and a combining accent (macOS writes
/// names decomposed), and both sides are matched composed. ASCII, nearly
/// every path, is returned as it is.
pub fn nfc(s: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        s.into()
    } else {
        s.nfc().collect::<String>().into()
    }
}

impl Pattern {
    /// Reads a pattern as a contract writes it (see the module docs).
    pub fn parse(text: &str) -> Result<Pattern, PatternError> {
        let text = text.trim();
        let err = |reason: &str| PatternError {
            text: text.to_string(),
            reason: reason.to_string(),
        };
        let kind = if let Some(rest) = text.strip_prefix("path:") {
            let p = normalise(rest);
            let p = p.trim_end_matches('/');
            if p.is_empty() {
                return Err(err("empty path"));
            }
            PatternKind::Literal(p.to_string())
        } else if let Some(rest) = text.strip_prefix("glob:") {
            let mut g = normalise(rest);
            if g.is_empty() {
                return Err(err("empty glob"));
            }
            if g.ends_with('/') {
                g.push_str("**");
            }
            PatternKind::Glob(g)
        } else {
            let p = normalise(text);
            let p = p.as_str();
            if p.is_empty() || p == "/" {
                return Err(err("empty path"));
            }
            if !has_wildcard(p) {
                PatternKind::Literal(p.trim_end_matches('/').to_string())
            } else if let Some(dir) = p.strip_suffix("/**").filter(|d| !has_wildcard(d)) {
                PatternKind::Below(dir.to_string())
            } else {
                let mut g = escape_brackets(p);
                if g.ends_with('/') {
                    g.push_str("**");
                }
                PatternKind::Glob(g)
            }
        };
        if let PatternKind::Glob(g) = &kind {
            build_glob(g).map_err(|e| err(&e.kind().to_string()))?;
        }
        Ok(Pattern {
            text: text.to_string(),
            kind,
        })
    }

    /// The literal directory (or path) every match lies in or at: `src/api`
    /// for `src/api/**` and `src/api/**/*.ts`, the path itself for a literal.
    pub fn anchor(&self) -> &str {
        match &self.kind {
            PatternKind::Literal(p) | PatternKind::Below(p) => p,
            PatternKind::Glob(g) => literal_dir_prefix(g),
        }
    }

    /// A path this pattern matches, made up for overlap checks: wildcards
    /// become `x` (`src/**/*.ts` → `src/x.ts`).
    pub fn sample(&self) -> String {
        match &self.kind {
            PatternKind::Literal(p) => p.clone(),
            PatternKind::Below(d) => format!("{d}/x"),
            PatternKind::Glob(g) => glob_sample(g),
        }
    }

    /// Matches one path (compiles a glob each call: for tests and lint, not
    /// for evaluation, which uses [`PatternSet`]).
    pub fn matches(&self, path: &str) -> bool {
        let mut set = PatternSet::builder();
        set.add(self, 0);
        let set = set.build();
        let mut out = Vec::new();
        set.matches_into(path, &mut out);
        !out.is_empty()
    }
}

/// Wildcards of a glob replaced by `x`, escapes and groups dropped.
pub(crate) fn glob_sample(g: &str) -> String {
    let g = g.replace("**/", "").replace("**", "x");
    let mut out = String::with_capacity(g.len());
    let mut chars = g.chars();
    while let Some(c) = chars.next() {
        match c {
            '*' | '?' => out.push('x'),
            '\\' => out.extend(chars.next()),
            '{' => {
                // The first alternative of a `{a,b}` group.
                let alt: String = chars.by_ref().take_while(|&c| c != '}').collect();
                out.push_str(alt.split(',').next().unwrap_or(""));
            }
            _ => out.push(c),
        }
    }
    out
}

fn build_glob(g: &str) -> Result<globset::Glob, globset::Error> {
    GlobBuilder::new(g)
        .literal_separator(true)
        .backslash_escape(true)
        .empty_alternates(true)
        .build()
}

/// Many patterns, each with a caller's tag, compiled once. Matching a path
/// costs one hash lookup per ancestor directory (and the path itself), plus
/// running only the globs whose literal directory prefix is one of those
/// ancestors: a contract of thousands of globs does not make every path pay
/// for all of them.
#[derive(Debug, Default)]
pub struct PatternSet {
    nodes: HashMap<String, Node>,
    /// The directories (with their last `/`) holding a literal pattern: a
    /// path in any other directory cannot be one, and is not looked up.
    literal_dirs: rustc_hash::FxHashSet<String>,
}

/// Everything keyed by one path or directory.
#[derive(Debug, Default)]
struct Node {
    /// Literal patterns naming this path (they match it and everything below).
    literal: Vec<u32>,
    /// `dir/**` patterns: everything strictly below.
    below: Vec<u32>,
    /// Globs whose literal directory prefix is this directory, as their
    /// rests below it (shared between directories with the same rests).
    globs: Option<(std::sync::Arc<Globs>, Vec<u32>)>,
}

/// A directory's globs: one compiled set, or (should the set not compile,
/// say past the regex size limit) each glob alone. Never an empty set in
/// their place: a pattern that matches nothing would let a cannot-touch
/// path through.
#[derive(Debug)]
enum Globs {
    Set(GlobSet),
    Each(Vec<globset::GlobMatcher>),
}

impl Globs {
    /// Compiles globs (each valid: checked when its pattern was parsed and
    /// again when it was added).
    fn compile(globs: &[String]) -> Globs {
        let built: Vec<globset::Glob> = globs.iter().filter_map(|g| build_glob(g).ok()).collect();
        let mut b = GlobSetBuilder::new();
        for g in &built {
            b.add(g.clone());
        }
        match b.build() {
            Ok(set) => Globs::Set(set),
            Err(_) => Globs::Each(built.iter().map(|g| g.compile_matcher()).collect()),
        }
    }

    fn matches_into(&self, path: &str, tags: &[u32], scratch: &mut Vec<usize>, out: &mut Vec<u32>) {
        match self {
            Globs::Set(set) => {
                set.matches_into(path, scratch);
                out.extend(scratch.iter().map(|&i| tags[i]));
            }
            Globs::Each(each) => out.extend(
                each.iter()
                    .zip(tags)
                    .filter(|(g, _)| g.is_match(path))
                    .map(|(_, t)| *t),
            ),
        }
    }
}

/// Collects patterns for a [`PatternSet`].
#[derive(Debug, Default)]
pub struct PatternSetBuilder {
    literal: HashMap<String, Vec<u32>>,
    below: HashMap<String, Vec<u32>>,
    /// Per literal anchor directory: each glob's rest below it, and tags.
    globs: HashMap<String, (Vec<String>, Vec<u32>)>,
}

/// The leading directories of a glob that hold no glob syntax: `src/api`
/// for `src/api/**/*.ts`, "" for `**/*.md`.
pub(crate) fn literal_dir_prefix(glob: &str) -> &str {
    let mut end = 0;
    for (i, b) in glob.bytes().enumerate() {
        match b {
            b'*' | b'?' | b'[' | b'{' | b'\\' => break,
            b'/' => end = i,
            _ => {}
        }
    }
    &glob[..end]
}

impl PatternSetBuilder {
    /// Adds a pattern with the tag [`PatternSet::matches_into`] reports.
    pub fn add(&mut self, pattern: &Pattern, tag: u32) {
        match &pattern.kind {
            PatternKind::Literal(p) => self.literal.entry(p.clone()).or_default().push(tag),
            PatternKind::Below(p) => self.below.entry(p.clone()).or_default().push(tag),
            PatternKind::Glob(g) => {
                // `A/rest` matches a path under `A/` when `rest` matches the
                // part below it (A holds no glob syntax): groups whose rests
                // are the same share one compiled set, so 200 agents'
                // `docs/aN/*.md` compile one regex, not 200.
                let anchor = literal_dir_prefix(g);
                let rest = if anchor.is_empty() {
                    g.as_str()
                } else {
                    &g[anchor.len() + 1..]
                };
                let (anchor, rest) = if build_glob(rest).is_ok() {
                    (anchor, rest)
                } else {
                    ("", g.as_str())
                };
                let group = self.globs.entry(anchor.to_string()).or_default();
                group.0.push(rest.to_string());
                group.1.push(tag);
            }
        }
    }

    /// Compiles the set.
    pub fn build(self) -> PatternSet {
        let mut nodes: HashMap<String, Node> = HashMap::default();
        for (k, tags) in self.literal {
            nodes.entry(k).or_default().literal = tags;
        }
        for (k, tags) in self.below {
            nodes.entry(k).or_default().below = tags;
        }
        let mut compiled: HashMap<Vec<String>, std::sync::Arc<Globs>> = HashMap::default();
        for (k, (rests, tags)) in self.globs {
            let globs = compiled
                .entry(rests)
                .or_insert_with_key(|rests| std::sync::Arc::new(Globs::compile(rests)))
                .clone();
            nodes.entry(k).or_default().globs = Some((globs, tags));
        }
        let literal_dirs = nodes
            .iter()
            .filter(|(_, n)| !n.literal.is_empty())
            .map(|(k, _)| k[..dir_len(k)].to_string())
            .collect();
        PatternSet {
            nodes,
            literal_dirs,
        }
    }
}

impl PatternSet {
    /// An empty builder.
    pub fn builder() -> PatternSetBuilder {
        PatternSetBuilder::default()
    }

    /// Appends the tags of every pattern matching `path` to `out` (unsorted,
    /// possibly repeated). To match many paths, a [`Matcher`] is faster.
    pub fn matches_into(&self, path: &str, out: &mut Vec<u32>) {
        let path = &*nfc(path);
        let mut one = self.matcher();
        let cut = dir_len(path);
        one.load(path, cut);
        one.emit(path, out);
    }

    /// A matcher for many paths in turn.
    pub fn matcher(&self) -> Matcher<'_> {
        Matcher {
            set: self,
            dir: None,
            tags: Vec::new(),
            globs: Vec::new(),
            literal_here: false,
            scratch: Vec::new(),
        }
    }
}

/// The length of a path's directory part, with its last `/` (0 for a
/// top-level name). A byte loop from the end: a file name is a few bytes
/// long, and `str::rfind` costs more than the search on names this short.
pub(crate) fn dir_len(path: &str) -> usize {
    path.bytes().rposition(|b| b == b'/').map_or(0, |i| i + 1)
}

/// Matches paths one after another against a [`PatternSet`], remembering
/// what the last path's directories matched: paths listed in order (as git
/// and GitHub list them) mostly share their directory with the path before,
/// and then cost one lookup (the path itself) instead of one per ancestor
/// directory. The answers are those of [`PatternSet::matches_into`].
pub struct Matcher<'a> {
    set: &'a PatternSet,
    /// The directory part (up to and with the last `/`) of the last path.
    dir: Option<String>,
    /// The literal and `dir/**` tags of every ancestor directory of it.
    tags: Vec<u32>,
    /// The ancestor nodes with globs, and where the part of a path below
    /// each one starts (0 for the root's globs, which see the whole path).
    globs: Vec<(usize, &'a Node)>,
    /// Whether a literal pattern names a path in that directory (else the
    /// path itself needs no lookup: most directories hold none).
    literal_here: bool,
    /// The indices a glob set answers with (reused: no allocation per path).
    scratch: Vec<usize>,
}

impl Matcher<'_> {
    /// Appends the tags of every pattern matching `path` to `out` (unsorted,
    /// possibly repeated).
    pub fn matches_into(&mut self, path: &str, out: &mut Vec<u32>) {
        let path = &*nfc(path);
        let cut = dir_len(path);
        if self.dir.as_deref() != Some(&path[..cut]) {
            self.load(path, cut);
            let dir = self.dir.get_or_insert_with(String::new);
            dir.clear();
            dir.push_str(&path[..cut]);
        }
        self.emit(path, out);
    }

    /// The tags of `path`, its ancestors' nodes being loaded.
    fn emit(&mut self, path: &str, out: &mut Vec<u32>) {
        out.extend_from_slice(&self.tags);
        for &(below, n) in &self.globs {
            if let Some((globs, tags)) = &n.globs {
                globs.matches_into(&path[below..], tags, &mut self.scratch, out);
            }
        }
        if !self.literal_here {
            return;
        }
        if let Some(n) = self.set.nodes.get(path) {
            out.extend_from_slice(&n.literal);
        }
    }

    /// Looks up every ancestor directory of `path` (those ending before
    /// `cut`, its directory part).
    fn load(&mut self, path: &str, cut: usize) {
        self.tags.clear();
        self.globs.clear();
        self.literal_here = self.set.literal_dirs.contains(&path[..cut]);
        let nodes = &self.set.nodes;
        if let Some(n) = nodes.get("") {
            self.globs.push((0, n));
        }
        for (i, b) in path[..cut].bytes().enumerate() {
            if b == b'/' {
                if let Some(n) = nodes.get(&path[..i]) {
                    self.tags.extend_from_slice(&n.literal);
                    self.tags.extend_from_slice(&n.below);
                    if n.globs.is_some() {
                        self.globs.push((i + 1, n));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, path: &str) -> bool {
        Pattern::parse(p).unwrap().matches(path)
    }

    #[test]
    fn star_does_not_cross_slash_double_star_does() {
        assert!(m("src/*.ts", "src/a.ts"));
        assert!(!m("src/*.ts", "src/x/a.ts"));
        assert!(m("src/**/*.ts", "src/x/y/a.ts"));
        assert!(m("src/**/*.ts", "src/a.ts"));
        assert!(m("src/api/uploads/**", "src/api/uploads/a/b.ts"));
        assert!(!m("src/api/uploads/**", "src/api/uploadsx/b.ts"));
        assert!(m("*.md", "README.md"));
        assert!(!m("*.md", "docs/README.md"));
        assert!(m("**/*.md", "docs/README.md"));
    }

    #[test]
    fn bare_directory_and_trailing_slash_mean_everything_below() {
        assert!(m("src/api", "src/api/router.ts"));
        assert!(m("src/api/", "src/api/x/y.ts"));
        assert!(m("src/api", "src/api"));
        assert!(!m("src/api", "src/apiary.ts"));
        assert!(m("src/*/", "src/x/y.ts"));
    }

    #[test]
    fn literal_with_brackets_is_literal() {
        let p = "src/pages/blog/[...slug].astro";
        assert!(m(p, "src/pages/blog/[...slug].astro"));
        assert!(!m(p, "src/pages/blog/s.astro"));
        assert!(m("src/pages/*/[id].astro", "src/pages/x/[id].astro"));
        assert!(!m("src/pages/*/[id].astro", "src/pages/x/i.astro"));
    }

    #[test]
    fn prefixes_select_syntax() {
        assert!(m("glob:src/[ab].ts", "src/a.ts"));
        assert!(m("glob:src/{a,b}.ts", "src/b.ts"));
        assert!(m("path:docs/*.md", "docs/*.md"));
        assert!(!m("path:docs/*.md", "docs/a.md"));
        assert!(m("./src/a.ts", "src/a.ts"));
        assert!(m("/src/a.ts", "src/a.ts"));
    }

    #[test]
    fn glob_groups_by_literal_prefix() {
        assert_eq!(literal_dir_prefix("src/api/**/*.ts"), "src/api");
        assert_eq!(literal_dir_prefix("**/*.md"), "");
        assert_eq!(literal_dir_prefix("*.md"), "");
        assert_eq!(literal_dir_prefix("src/[[]x]/*.ts"), "src");
        assert!(m("src/a*/x.ts", "src/ab/x.ts"));
        assert!(m("src/api/**/*.ts", "src/api/x/y.ts"));
        assert!(!m("src/api/**/*.ts", "src/apiary/y.ts"));
    }

    #[test]
    fn invalid_glob_is_an_error() {
        assert!(Pattern::parse("glob:src/[a.ts").is_err());
        assert!(Pattern::parse("path:").is_err());
    }

    proptest::proptest! {
        /// The set (globs grouped by anchor, matched below it, compiled
        /// once per distinct group) answers as each pattern alone does.
        #[test]
        fn set_agrees_with_each_pattern(
            patterns in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(vec![
                        "a", "b", "src", "x.ts", "*.ts", "**", "*", "?.md", "[ab]", "{a,b}", "a*",
                    ]),
                    1..4,
                ),
                1..8,
            ),
            paths in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(vec!["a", "b", "src", "x.ts", "y.md", "ab", "a.md"]),
                    1..5,
                ),
                1..16,
            ),
        ) {
            let parsed: Vec<Pattern> = patterns
                .iter()
                .filter_map(|p| Pattern::parse(&p.join("/")).ok())
                .collect();
            let mut b = PatternSet::builder();
            for (i, p) in parsed.iter().enumerate() {
                b.add(p, i as u32);
            }
            let set = b.build();
            // One matcher for every path in turn (it remembers the last
            // directory), and a fresh one for each.
            let mut matcher = set.matcher();
            for path in paths.iter().map(|p| p.join("/")) {
                let mut got = Vec::new();
                matcher.matches_into(&path, &mut got);
                got.sort_unstable();
                got.dedup();
                let mut alone = Vec::new();
                set.matches_into(&path, &mut alone);
                alone.sort_unstable();
                alone.dedup();
                proptest::prop_assert_eq!(&got, &alone, "path {}", path);
                let want: Vec<u32> = parsed
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.matches(&path))
                    .map(|(i, _)| i as u32)
                    .collect();
                proptest::prop_assert_eq!(got, want, "path {}", path);
            }
        }
    }

    #[test]
    fn set_returns_tags_of_all_matches() {
        let mut b = PatternSet::builder();
        b.add(&Pattern::parse("src/**").unwrap(), 1);
        b.add(&Pattern::parse("src/a.ts").unwrap(), 2);
        b.add(&Pattern::parse("**/*.ts").unwrap(), 3);
        b.add(&Pattern::parse("src").unwrap(), 4);
        let set = b.build();
        let mut out = Vec::new();
        set.matches_into("src/a.ts", &mut out);
        out.sort();
        assert_eq!(out, vec![1, 2, 3, 4]);
    }
}
