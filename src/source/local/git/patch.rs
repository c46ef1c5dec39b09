//! Parsing `git diff -U0` patches into removed head-side lines (pure).

use contract_gate_core::change::Removals;

use super::runner::lossy;

/// One file's part of a patch.
#[derive(Default)]
pub(super) struct Section {
    /// The name on the head side, from `+++ b/…`, `rename to` or `copy to`.
    new_name: Option<String>,
    /// The name on the base side, from `--- a/…`.
    old_name: Option<String>,
    /// The file is deleted here (`+++ /dev/null`). A type change (a file
    /// replaced by a symlink or a submodule) is a deletion plus an addition
    /// of the same name: the deletion's lines are the ones removed.
    deleted: bool,
    binary: bool,
    lines: Vec<u32>,
    /// The name both sides share in `diff --git a/X b/X` (a mode-only
    /// change has no `---`/`+++` lines to name it).
    same_name: Option<String>,
}

impl Section {
    /// The head-side name this part is about (the base-side one for a
    /// deletion), None when the headers do not say.
    pub(super) fn name(&self) -> Option<&str> {
        if self.deleted {
            return self.old_name.as_deref();
        }
        self.new_name.as_deref().or(self.same_name.as_deref())
    }

    pub(super) fn removals(sections: &[&Section]) -> Removals {
        if sections.iter().any(|s| s.binary) {
            return Removals::Unavailable("binary file".into());
        }
        let mut lines: Vec<u32> = sections
            .iter()
            .flat_map(|s| s.lines.iter().copied())
            .collect();
        lines.sort_unstable();
        lines.dedup();
        Removals::Known(lines)
    }
}

/// `a/X b/X` (or both quoted): X, when both sides name the same path.
fn same_name(rest: &[u8]) -> Option<String> {
    if rest.len() < 5 || rest.len() % 2 == 0 {
        return None;
    }
    let n = (rest.len() - 5) / 2;
    let (a, b) = (&rest[..n + 2], &rest[n + 3..]);
    if rest[n + 2] != b' ' {
        return None;
    }
    let (a, b) = (header_name(a, b"a/")?, header_name(b, b"b/")?);
    (a == b).then_some(a)
}

pub(super) fn parse_patch(patch: &[u8]) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut hunks: Vec<u8> = Vec::new();
    let flush = |hunks: &mut Vec<u8>, sections: &mut Vec<Section>| {
        if let Some(s) = sections.last_mut() {
            s.lines = contract_gate_core::diff::removals_in_patch(&String::from_utf8_lossy(hunks));
        }
        hunks.clear();
    };
    // Inside hunks every line starts with `+`, `-`, ` ` or `\\`, so only
    // `diff --git` lines need care there; the headers are read only before
    // the first hunk. The hunks themselves are read by `contract_gate_core::diff`.
    for line in patch.split(|&b| b == b'\n') {
        if let Some(rest) = line.strip_prefix(b"diff --git ") {
            flush(&mut hunks, &mut sections);
            sections.push(Section {
                same_name: same_name(rest),
                ..Section::default()
            });
            continue;
        }
        if sections.is_empty() {
            continue;
        }
        if line.starts_with(b"@@ ") || !hunks.is_empty() {
            hunks.extend_from_slice(line);
            hunks.push(b'\n');
            continue;
        }
        let Some(section) = sections.last_mut() else {
            continue;
        };
        if let Some(rest) = line.strip_prefix(b"+++ ") {
            if rest == b"/dev/null" {
                section.deleted = true;
            } else {
                section.new_name = header_name(rest, b"b/");
            }
        } else if let Some(rest) = line.strip_prefix(b"--- ") {
            if rest != b"/dev/null" {
                section.old_name = header_name(rest, b"a/");
            }
        } else if let Some(rest) = line
            .strip_prefix(b"rename to ")
            .or_else(|| line.strip_prefix(b"copy to "))
        {
            if section.new_name.is_none() {
                section.new_name = Some(lossy(&unquote_name(rest)));
            }
        } else if (line.starts_with(b"Binary files ") && line.ends_with(b" differ"))
            || line == b"GIT binary patch"
        {
            section.binary = true;
        }
    }
    flush(&mut hunks, &mut sections);
    sections
}

/// The name in a `--- a/…` / `+++ b/…` line: quoted C-style, or bare with a
/// tab appended by git when the name has a space.
pub(super) fn header_name(rest: &[u8], prefix: &[u8]) -> Option<String> {
    let name = if rest.starts_with(b"\"") {
        unquote_name(rest)
    } else {
        rest.strip_suffix(b"\t").unwrap_or(rest).to_vec()
    };
    name.strip_prefix(prefix).map(lossy)
}

/// Undoes git's C-style quoting (`"…"` with `\t \n \" \\` and octal
/// escapes); a name that is not quoted is returned as is.
pub(super) fn unquote_name(raw: &[u8]) -> Vec<u8> {
    let Some(inner) = raw.strip_prefix(b"\"").and_then(|r| r.strip_suffix(b"\"")) else {
        return raw.to_vec();
    };
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        let b = inner[i];
        if b != b'\\' || i + 1 == inner.len() {
            out.push(b);
            i += 1;
            continue;
        }
        let e = inner[i + 1];
        i += 2;
        match e {
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b't' => out.push(b'\t'),
            b'n' => out.push(b'\n'),
            b'v' => out.push(0x0b),
            b'f' => out.push(0x0c),
            b'r' => out.push(b'\r'),
            b'0'..=b'7' => {
                let mut value = u32::from(e - b'0');
                let mut digits = 1;
                while digits < 3 && i < inner.len() && (b'0'..=b'7').contains(&inner[i]) {
                    value = value * 8 + u32::from(inner[i] - b'0');
                    i += 1;
                    digits += 1;
                }
                out.push((value & 0xff) as u8);
            }
            other => out.push(other),
        }
    }
    out
}
