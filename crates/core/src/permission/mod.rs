//! The permission policy: paths and shell commands that need a human's
//! approval whatever the agent's scope (rule `needs-approval`).
//!
//! Built-in classes come from the seeds' policy ("lockfiles, generated
//! files", "environment files", "branch deletion, reset, force push",
//! "package installs"). A contract's Permission policy table can add paths
//! to a class (a path item in a row's "Requires approval" cell) or switch a
//! class off (its name in an "Allowed" cell and in no "Requires" cell, or a
//! row for the class whose "Requires" cell is `none`). Pure functions: the
//! source decides which paths are generated and passes that in as data.

use crate::contract::{looks_like_path, Contract};
use crate::pattern::{Pattern, PatternSet};

mod command;

/// A class of files that needs approval to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileClass {
    /// Dependency lockfiles (`package-lock.json`, `Cargo.lock`, …).
    Lockfile,
    /// A path the base ignores (`.gitignore`) or marks `linguist-generated`.
    Generated,
    /// Environment and secret files (`.env*`, `*.pem`, `*.key`, `id_rsa*`).
    Secret,
    /// CI and deploy surfaces (`Dockerfile`, deploy configs the contract names).
    Deploy,
    /// A class the contract's table defines, by its row name.
    Listed(String),
}

impl FileClass {
    /// A short phrase for messages ("a lockfile").
    pub fn describe(&self) -> String {
        match self {
            FileClass::Lockfile => "a lockfile".into(),
            FileClass::Generated => {
                "a generated file (ignored by .gitignore or marked linguist-generated at the base)"
                    .into()
            }
            FileClass::Secret => "an environment or secret file".into(),
            FileClass::Deploy => "a CI or deploy surface".into(),
            FileClass::Listed(row) => format!("listed under \"{row}\" in the permission policy"),
        }
    }
}

/// A class of shell commands that needs approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandClass {
    /// `git push --force`, `-f`, `--force-with-lease`, `+refspec`.
    ForcePush,
    /// `git reset --hard`.
    ResetHard,
    /// `git branch -d/-D`, `git push --delete`, `git push origin :branch`.
    BranchDeletion,
    /// `npm install`, `cargo add`, `pip install`, …
    PackageInstall,
}

impl CommandClass {
    /// A short phrase for messages.
    pub fn describe(self) -> &'static str {
        match self {
            CommandClass::ForcePush => "a force push",
            CommandClass::ResetHard => "a hard reset",
            CommandClass::BranchDeletion => "a branch deletion",
            CommandClass::PackageInstall => "a package install or dependency upgrade",
        }
    }
}

/// Built-in class switches, with the words a policy table names them by.
const FILE_WORDS: &[(&str, &[&str])] = &[
    ("lockfile", &["lockfile", "lock file"]),
    ("generated", &["generated"]),
    ("secret", &["environment file", "env file", "secret"]),
    ("deploy", &["deploy"]),
];
const COMMAND_WORDS: &[(CommandClass, &[&str])] = &[
    (CommandClass::ForcePush, &["force push", "force-push"]),
    (CommandClass::ResetHard, &["reset"]),
    (
        CommandClass::BranchDeletion,
        &["branch deletion", "delete branch"],
    ),
    (
        CommandClass::PackageInstall,
        &["package install", "dependency upgrade"],
    ),
];

/// Lockfile names, matched on the file name anywhere in the tree.
const LOCKFILES: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lockb",
    "bun.lock",
    "deno.lock",
    "Cargo.lock",
    "go.sum",
    "poetry.lock",
    "uv.lock",
    "Pipfile.lock",
    "pdm.lock",
    "Gemfile.lock",
    "composer.lock",
    "flake.lock",
    "mix.lock",
    "pubspec.lock",
    "Podfile.lock",
    "Package.resolved",
    "packages.lock.json",
    "gradle.lockfile",
];

/// The permission policy in force for one contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Built-in file classes switched on (`lockfile`, `generated`, …).
    files_on: Vec<&'static str>,
    /// Built-in command classes switched on.
    commands_on: Vec<CommandClass>,
    /// Paths the contract adds, with their class.
    extra: Vec<(FileClass, Pattern)>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            files_on: FILE_WORDS.iter().map(|(k, _)| *k).collect(),
            commands_on: COMMAND_WORDS.iter().map(|(c, _)| *c).collect(),
            extra: Vec::new(),
        }
    }
}

fn names(cell: &str, words: &[&str]) -> bool {
    let cell = cell.to_ascii_lowercase();
    words.iter().any(|w| cell.contains(w))
}

fn is_none(cell: &str) -> bool {
    let c = cell.trim().to_ascii_lowercase();
    c.is_empty() || c == "none" || c == "-" || c == "—" || c == "nothing"
}

/// The columns of a policy table: (class, allowed, requires approval).
fn columns(header: &[String]) -> (usize, usize, usize) {
    let find = |word: &str, default: usize| {
        header
            .iter()
            .position(|h| h.to_ascii_lowercase().contains(word))
            .unwrap_or(default)
    };
    (0, find("allowed", 1), find("requires", 2))
}

impl Policy {
    /// The policy of a contract: the built-in classes, as its Permission
    /// policy table extends or switches them.
    pub fn from_contract(c: &Contract) -> Policy {
        let mut p = Policy::default();
        let Some((header, rows)) = c.permission_policy.split_first() else {
            return p;
        };
        let (ci, ai, ri) = columns(header);
        let cell = |row: &Vec<String>, i: usize| row.get(i).cloned().unwrap_or_default();
        let requires: Vec<String> = rows.iter().map(|r| cell(r, ri)).collect();
        let required = |words: &[&str]| requires.iter().any(|r| names(r, words));
        // Off: named as allowed and nowhere as requiring approval, or a row
        // of its own whose "requires" cell is empty.
        let off = |words: &[&str]| {
            !required(words)
                && rows.iter().any(|r| {
                    names(&cell(r, ai), words)
                        || (names(&cell(r, ci), words) && is_none(&cell(r, ri)))
                })
        };
        p.files_on.retain(|k| {
            let words = FILE_WORDS
                .iter()
                .find(|(w, _)| w == k)
                .map_or(&[][..], |(_, v)| v);
            !off(words)
        });
        p.commands_on.retain(|k| {
            let words = COMMAND_WORDS
                .iter()
                .find(|(w, _)| w == k)
                .map_or(&[][..], |(_, v)| v);
            !off(words)
        });
        for r in rows {
            let row_name = cell(r, ci);
            let class = row_class(&row_name);
            for item in cell(r, ri).split(',') {
                let item = item.trim();
                if looks_like_path(item) {
                    if let Ok(pat) = Pattern::parse(item) {
                        p.extra.push((class.clone(), pat));
                    }
                }
            }
        }
        p
    }

    /// The parts of each Permission-policy row's "Requires approval" cell
    /// that nothing of the gate checks: (row index in
    /// `Contract::permission_policy`, the items). A part is checked when it
    /// is a path, or names a class the gate has and keeps on (a file class
    /// for files, a command class for commands: "deploy commands" names
    /// no command class, so it is not checked).
    pub fn not_enforced(c: &Contract) -> Vec<(usize, Vec<String>)> {
        let Some((header, rows)) = c.permission_policy.split_first() else {
            return Vec::new();
        };
        if header.len() < 2 {
            return Vec::new();
        }
        let p = Policy::from_contract(c);
        let (_, _, ri) = columns(header);
        let mut out = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            let cell = r.get(ri).map(String::as_str).unwrap_or("");
            if is_none(cell) {
                continue;
            }
            let items: Vec<String> = cell
                .split(',')
                .map(str::trim)
                .filter(|it| !it.is_empty() && !p.checks(it))
                .map(str::to_string)
                .collect();
            if !items.is_empty() {
                out.push((i + 1, items));
            }
        }
        out
    }

    /// Whether one item of a "Requires approval" cell is checked by a class
    /// in force or is a path.
    fn checks(&self, item: &str) -> bool {
        if looks_like_path(item) {
            return true;
        }
        let command = item.to_ascii_lowercase().contains("command");
        let file = !command
            && FILE_WORDS
                .iter()
                .any(|(k, w)| self.files_on.contains(k) && names(item, w));
        let cmd = COMMAND_WORDS
            .iter()
            .any(|(k, w)| self.commands_on.contains(k) && names(item, w));
        file || cmd
    }

    /// The class a path falls in, if it needs approval. `generated`: the
    /// source found the path ignored or `linguist-generated` at the base.
    /// (To classify many paths, a [`Policy::classifier`] is faster.)
    pub fn classify(&self, path: &str, generated: bool) -> Option<FileClass> {
        self.classifier().classify(path, generated)
    }

    /// The policy ready to classify many paths.
    pub fn classifier(&self) -> FileClassifier {
        let on = |k: &str| self.files_on.contains(&k);
        let mut set = PatternSet::builder();
        for (i, (_, p)) in self.extra.iter().enumerate() {
            set.add(p, i as u32);
        }
        FileClassifier {
            secret: on("secret"),
            lockfile: on("lockfile"),
            deploy: on("deploy"),
            generated: on("generated"),
            lockfiles: LOCKFILES.iter().copied().collect(),
            extra: self.extra.iter().map(|(c, _)| c.clone()).collect(),
            set: set.build(),
        }
    }

    /// Whether generated files need approval (the source can skip reading
    /// `.gitignore` and `.gitattributes` when not).
    pub fn generated_on(&self) -> bool {
        self.files_on.contains(&"generated")
    }

    /// The class of a shell command line, if some part of it needs approval.
    pub fn command(&self, line: &str) -> Option<CommandClass> {
        command::classify(line)
            .into_iter()
            .find(|c| self.commands_on.contains(c))
    }

    /// The classes in force, one line each (for `lint`).
    pub fn in_force(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .files_on
            .iter()
            .map(|k| format!("files: {k}"))
            .collect();
        out.extend(
            self.commands_on
                .iter()
                .map(|c| format!("commands: {}", c.describe())),
        );
        out.extend(
            self.extra
                .iter()
                .map(|(c, p)| format!("files: `{}` ({})", p.text, c.describe())),
        );
        out
    }
}

/// A [`Policy`]'s file classes, read once: the switches as flags and the
/// contract's own paths compiled into one set (a large change is
/// classified path by path).
#[derive(Debug)]
pub struct FileClassifier {
    secret: bool,
    lockfile: bool,
    deploy: bool,
    generated: bool,
    /// [`LOCKFILES`], hashed (one lookup per name, not fourteen compares).
    lockfiles: rustc_hash::FxHashSet<&'static str>,
    /// The class of each path the contract adds, in table order.
    extra: Vec<FileClass>,
    /// Those paths, tagged with their index in `extra`.
    set: PatternSet,
}

impl FileClassifier {
    /// The class a path falls in, if it needs approval (see
    /// [`Policy::classify`]).
    pub fn classify(&self, path: &str, generated: bool) -> Option<FileClass> {
        let name = &path[crate::pattern::dir_len(path)..];
        if self.secret && is_secret(name) {
            return Some(FileClass::Secret);
        }
        if self.lockfile && self.lockfiles.contains(name) {
            return Some(FileClass::Lockfile);
        }
        if self.deploy && (name == "Dockerfile" || name.starts_with("Dockerfile.")) {
            return Some(FileClass::Deploy);
        }
        if !self.extra.is_empty() {
            // The first row (in table order) that lists the path.
            let mut hits = Vec::new();
            self.set.matches_into(path, &mut hits);
            if let Some(&first) = hits.iter().min() {
                return Some(self.extra[first as usize].clone());
            }
        }
        if self.generated && generated {
            return Some(FileClass::Generated);
        }
        None
    }
}

/// The built-in class a policy row names, else a class of its own.
fn row_class(row: &str) -> FileClass {
    if names(row, FILE_WORDS[0].1) {
        FileClass::Lockfile
    } else if names(row, FILE_WORDS[1].1) {
        FileClass::Generated
    } else if names(row, FILE_WORDS[3].1) {
        FileClass::Deploy
    } else if names(row, FILE_WORDS[2].1) {
        FileClass::Secret
    } else {
        FileClass::Listed(row.to_string())
    }
}

/// `.env`, `.env.*` (not `*.example` / `*.sample`), `*.pem`, `*.key`, `id_rsa*`.
fn is_secret(name: &str) -> bool {
    // Fixed-size compares: no call per name on a change of 100,000 files.
    let b = name.as_bytes();
    if b.last_chunk::<4>()
        .is_some_and(|e| e == b".pem" || e == b".key")
    {
        return true;
    }
    match b.first() {
        Some(b'.') => {
            name == ".env"
                || (b.first_chunk::<5>() == Some(b".env.")
                    && !name.ends_with(".example")
                    && !name.ends_with(".sample"))
        }
        Some(b'i') => b.first_chunk::<6>() == Some(b"id_rsa"),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
