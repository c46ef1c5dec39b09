//! The one reader of `--name-status -z` listings (`git diff`, `git
//! diff-tree`): `X\0path\0`, or `R100\0old\0new\0` (and `C…` likewise),
//! read one field at a time as git writes them. Pure: no git is run here.
//!
//! A name that is not UTF-8 is never handed out as if it were another: the
//! listing keeps its real bytes ([`Listing::not_utf8`]), and a caller that
//! cannot name the file by them refuses it ([`Listing::utf8_only`]).

use contract_gate_core::change::{ChangeStatus, ChangedFile};

use super::runner::lossy;
use super::GitError;

/// What is wrong with a listing git wrote.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListingError {
    #[error("unexpected status `{0}`")]
    UnexpectedStatus(String),
    #[error("missing path after status `{0}`")]
    MissingPath(char),
}

/// A `--name-status -z` listing, read.
#[derive(Debug, Default)]
pub struct Listing {
    /// The changed files, in git's order. A name that is not UTF-8 is shown
    /// lossily (U+FFFD where its bytes are not UTF-8).
    pub files: Vec<ChangedFile>,
    /// The names listed that are not UTF-8, byte for byte.
    pub not_utf8: Vec<Vec<u8>>,
    /// Where the renamed and copied files are in `files` (noted while
    /// reading: finding them later would walk every file again).
    pub renamed: Vec<usize>,
}

impl Listing {
    /// The files, when every name is UTF-8; a name that is not fails closed
    /// with [`GitError::NotUtf8`]: its lossy form names no file, so what the
    /// caller reads by it (the file on disk, its diff) would be another's.
    pub fn utf8_only(self) -> Result<Vec<ChangedFile>, GitError> {
        match self.not_utf8.first() {
            Some(raw) => Err(GitError::NotUtf8 { path: lossy(raw) }),
            None => Ok(self.files),
        }
    }
}

/// Reads `--name-status -z` one field at a time ([`NameStatus::push`]), as
/// git writes it, then [`NameStatus::finish`].
#[derive(Default)]
pub struct NameStatus {
    listing: Listing,
    /// The status letter waiting for its path(s), and the first path of a
    /// rename or copy.
    status: Option<u8>,
    old: Option<String>,
    error: Option<ListingError>,
}

impl NameStatus {
    /// One NUL-ended field (without its NUL).
    pub fn push(&mut self, field: &[u8]) {
        if self.error.is_some() {
            return;
        }
        let Some(status) = self.status.take() else {
            match field.first() {
                None => {}
                Some(&s @ (b'A' | b'M' | b'T' | b'D' | b'R' | b'C')) => self.status = Some(s),
                Some(_) => self.error = Some(ListingError::UnexpectedStatus(lossy(field))),
            }
            return;
        };
        if field.is_empty() {
            self.error = Some(ListingError::MissingPath(status as char));
            return;
        }
        // Valid UTF-8 (nearly every name) is copied as is; the rest lossily,
        // with its real bytes kept.
        let path = match std::str::from_utf8(field) {
            Ok(text) => text.to_owned(),
            Err(_) => {
                self.listing.not_utf8.push(field.to_vec());
                lossy(field)
            }
        };
        let kind = match status {
            b'A' => ChangeStatus::Added,
            b'M' | b'T' => ChangeStatus::Modified,
            b'D' => ChangeStatus::Deleted,
            _ if self.old.is_none() => {
                // The previous name of a rename or copy; the new one follows.
                self.old = Some(path);
                self.status = Some(status);
                return;
            }
            b'R' => ChangeStatus::Renamed,
            _ => ChangeStatus::Copied,
        };
        let mut file = ChangedFile::new(path, kind);
        file.previous_path = self.old.take();
        if file.previous_path.is_some() {
            self.listing.renamed.push(self.listing.files.len());
        }
        grow(&mut self.listing.files);
        self.listing.files.push(file);
    }

    /// The listing, or what was wrong with it (a record cut short included).
    pub fn finish(self) -> Result<Listing, ListingError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        if let Some(status) = self.status {
            return Err(ListingError::MissingPath(status as char));
        }
        Ok(self.listing)
    }
}

/// Makes room for one more file. A listing is not counted before it is
/// read, and each growth of the list copies every file into memory never
/// touched before: on W100k and W1M the first touch of those pages (a fault
/// each), not the copy, was a tenth of the check's own time. So the list
/// starts with room for 1,048,576 files and then grows fourfold: room
/// reserved and never touched costs address space only, and a change of up
/// to a million files is never copied. Should a reservation fail, the list
/// grows as usual.
fn grow<T>(files: &mut Vec<T>) {
    const FIRST: usize = 1 << 20;
    if files.len() < files.capacity() {
        return;
    }
    let more = (files.capacity() * 3).max(FIRST);
    if files.try_reserve_exact(more).is_err() {
        files.reserve(1);
    }
}

/// Reads a whole `--name-status -z` output.
pub fn parse(out: &[u8]) -> Result<Listing, ListingError> {
    let mut r = NameStatus::default();
    for field in out.split(|&b| b == 0) {
        r.push(field);
    }
    r.finish()
}

/// The names of a plain `-z` listing (`ls-files -z`), every one UTF-8: a
/// name that is not fails closed, as in [`Listing::utf8_only`].
pub fn utf8_names(out: &[u8]) -> Result<Vec<String>, GitError> {
    out.split(|&b| b == 0)
        .filter(|f| !f.is_empty())
        .map(|f| match std::str::from_utf8(f) {
            Ok(name) => Ok(name.to_owned()),
            Err(_) => Err(GitError::NotUtf8 { path: lossy(f) }),
        })
        .collect()
}
