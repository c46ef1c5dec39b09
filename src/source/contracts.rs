//! What both sources know about contract files: where they live by
//! default, how a path given for one is written, and what a contract path
//! holds. The GitHub source and the local one share these; neither reaches
//! into the other.

/// Where contracts live by default (relative to the repository root).
pub const DEFAULT_CONTRACT: &str = "CONTRACT.md";
pub const DEFAULT_CONTRACT_DIR: &str = ".github/contracts";

/// What a contract path holds at a revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContractFile {
    /// No such file (or a directory).
    Missing,
    /// A regular file's UTF-8 text.
    Text(String),
    /// Something a contract must not be, and what it is.
    Refused(String),
}

/// A repository-relative contract path: `./x.md`, `/x.md` and `x.md` are one file.
pub fn normalise_path(p: &str) -> String {
    let mut s = p.trim();
    loop {
        let t = s.trim_start_matches("./").trim_start_matches('/');
        if t == s {
            break;
        }
        s = t;
    }
    s.to_string()
}
