//! Where a change removes or changes lines, in head-side line numbers: from
//! a unified diff (git's `-U0` output, GitHub's `patch` field with context)
//! or from two versions of a file.

/// The head line a hunk's removal sits at: the first line that replaced it,
/// or for a pure deletion the line before it (at least 1).
fn position(block_start_new: u32, added: usize) -> u32 {
    if added > 0 {
        block_start_new.max(1)
    } else {
        block_start_new.saturating_sub(1).max(1)
    }
}

/// `@@ -a[,b] +c[,d] @@` → the first head line of the hunk's body.
fn hunk_start(line: &str) -> Option<u32> {
    let inner = line.strip_prefix("@@ ")?;
    let inner = &inner[..inner.find(" @@")?];
    let new = inner.split(' ').nth(1)?.strip_prefix('+')?;
    let (start, len) = match new.split_once(',') {
        Some((s, l)) => (s.parse::<u32>().ok()?, l.parse::<u32>().ok()?),
        None => (new.parse::<u32>().ok()?, 1),
    };
    // With no head lines, git names the line *before* the hunk.
    Some(if len == 0 { start + 1 } else { start })
}

#[derive(Default)]
struct Block {
    start: u32,
    removed: usize,
    added: usize,
}

impl Block {
    /// Any removed line is a removal or change: the diff compares bytes, so
    /// a line that differs only in trailing whitespace, a CR (`\r\n` line
    /// ends) or its final newline (`\ No newline at end of file`) is a
    /// changed line too. Appending to a file whose last line had no newline
    /// changes that line: it gains one.
    fn removal(&self) -> Option<u32> {
        (self.removed > 0).then(|| position(self.start, self.added))
    }
}

/// Head-side lines of every block of removed or changed lines in the hunks
/// of a unified diff (file headers before the first `@@` are skipped).
pub fn removals_in_patch(patch: &str) -> Vec<u32> {
    let mut out = Vec::new();
    let mut new_line: Option<u32> = None;
    let mut block: Option<Block> = None;
    let flush = |block: &mut Option<Block>, out: &mut Vec<u32>| {
        if let Some(l) = block.take().and_then(|b| b.removal()) {
            out.push(l);
        }
    };
    for raw in patch.split('\n') {
        // A CR ends a line of a CRLF patch; in a removed or added line it may
        // be content, but any removed line counts, whatever its bytes.
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.starts_with("@@ ") {
            flush(&mut block, &mut out);
            new_line = hunk_start(line);
            continue;
        }
        let Some(n) = new_line.as_mut() else { continue };
        match line.chars().next() {
            Some('-') | Some('+') => {
                let b = block.get_or_insert_with(|| Block {
                    start: *n,
                    ..Block::default()
                });
                if line.starts_with('-') {
                    b.removed += 1;
                } else {
                    b.added += 1;
                    *n += 1;
                }
            }
            // `\ No newline at end of file`: the line before it is in the
            // block already (removed or added), so nothing to count.
            Some('\\') => {}
            Some(' ') | None => {
                if line.is_empty() && raw.is_empty() {
                    // The split's trailing empty piece, or a blank context
                    // line some tools emit without the leading space.
                    continue;
                }
                flush(&mut block, &mut out);
                *n += 1;
            }
            _ => {
                // `diff --git` of the next file, or anything unknown: end of hunk.
                flush(&mut block, &mut out);
                new_line = None;
            }
        }
    }
    flush(&mut block, &mut out);
    out
}

/// Head-side lines where `new` removes or changes lines of `old`: a byte
/// diff of lines that keep their line ends, so a line that gains or loses
/// its final newline, a CR or trailing whitespace is a changed line.
pub fn removals_between(old: &str, new: &str) -> Vec<u32> {
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let mut out = Vec::new();
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &a, &b) {
        match op {
            similar::DiffOp::Delete { new_index, .. } => {
                out.push(position(new_index as u32 + 1, 0));
            }
            similar::DiffOp::Replace {
                new_index, new_len, ..
            } => out.push(position(new_index as u32 + 1, new_len)),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_context_hunks() {
        assert_eq!(
            removals_in_patch("@@ -0,0 +1,2 @@\n+a\n+b\n"),
            Vec::<u32>::new()
        );
        assert_eq!(removals_in_patch("@@ -3 +3 @@\n-x\n+y\n"), [3]);
        assert_eq!(removals_in_patch("@@ -3 +2,0 @@\n-x\n"), [2]);
        assert_eq!(removals_in_patch("@@ -1 +0,0 @@\n-x\n"), [1]);
    }

    #[test]
    fn github_patch_with_context() {
        // As GitHub sends `patch`: three lines of context, no file headers.
        let p = "@@ -1,5 +1,6 @@\n a\n b\n-c\n+C\n d\n e\n+f\n";
        assert_eq!(removals_in_patch(p), [3]);
        let p = "@@ -2,4 +2,3 @@ fn x() {\n b\n-c\n d\n e";
        assert_eq!(removals_in_patch(p), [2]);
        let crlf = "@@ -1,2 +1,2 @@\r\n a\r\n-b\r\n+B\r\n";
        assert_eq!(removals_in_patch(crlf), [2]);
    }

    #[test]
    fn a_line_that_changes_only_its_line_end_is_changed() {
        // Appending after a last line without a newline: that line gains one.
        let p = "@@ -5 +5,2 @@\n-last\n\\ No newline at end of file\n+last\n+new\n";
        assert_eq!(removals_in_patch(p), [5]);
        let p = "@@ -5 +5,2 @@\n-last\n\\ No newline at end of file\n+LAST\n+new\n";
        assert_eq!(removals_in_patch(p), [5]);
        // The final newline dropped.
        let p = "@@ -2 +2 @@\n-b\n+b\n\\ No newline at end of file\n";
        assert_eq!(removals_in_patch(p), [2]);
        // CRLF line ends, trailing whitespace.
        let p = "@@ -1,2 +1,2 @@\n-a\n-b\n\\ No newline at end of file\n+a\r\n+b\r\n";
        assert_eq!(removals_in_patch(p), [1]);
        assert_eq!(removals_in_patch("@@ -3 +3 @@\n-x\n+x \n"), [3]);
    }

    #[test]
    fn two_versions() {
        assert_eq!(removals_between("a\nb\n", "a\nb\nc\n"), Vec::<u32>::new());
        assert_eq!(removals_between("a\nb\nc\n", "a\nB\nc\n"), [2]);
        assert_eq!(removals_between("a\nb\nc\n", "a\nc\n"), [1]);
        // Any byte of an existing line, its line end included.
        assert_eq!(removals_between("a\nb", "a\nb\nc\n"), [2]);
        assert_eq!(removals_between("a\nb\n", "a\nb"), [2]);
        assert_eq!(removals_between("a\nb", "a\r\nb\r\n"), [1]);
        assert_eq!(removals_between("a\nb\n", "a \nb\n"), [1]);
        assert_eq!(removals_between("a\nb\n", "a\nb\n\n"), Vec::<u32>::new());
    }
}
