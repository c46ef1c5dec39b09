//! Tests of the pure readers of git's output: hunk headers, quoted names
//! and `--name-status -z` (no repository needed).

use super::name_status::{parse, utf8_names, ListingError};
use super::patch::{header_name, unquote_name};
use super::runner::lossy;
use super::GitError;
use contract_gate_core::change::ChangeStatus;

#[test]
fn hunk_headers() {
    let r = |p: &str| contract_gate_core::diff::removals_in_patch(p);
    assert_eq!(r("@@ -5 +5,2 @@\n-a\n+b\n+c\n"), [5]);
    assert_eq!(r("@@ -3,2 +2,0 @@ ctx\n-a\n-b\n"), [2]);
    assert_eq!(r("@@ -1,2 +0,0 @@\n-a\n-b\n"), [1]);
    assert_eq!(
        r("@@ -4,0 +5,3 @@ fn x() {\n+a\n+b\n+c\n"),
        Vec::<u32>::new()
    );
    assert_eq!(r("@@ -0,0 +1 @@\n+a\n"), Vec::<u32>::new());
    assert_eq!(r("@@ garbage\n-a\n"), Vec::<u32>::new());
}

#[test]
fn quoted_names() {
    assert_eq!(unquote_name(br#""a\tb\n\"c\\d""#), b"a\tb\n\"c\\d".to_vec());
    assert_eq!(
        lossy(&unquote_name(br#""docs/\352\260\200.md""#)),
        "docs/가.md"
    );
    assert_eq!(unquote_name(b"plain name"), b"plain name".to_vec());
    assert_eq!(
        header_name(b"b/src/[x] y.astro\t", b"b/").as_deref(),
        Some("src/[x] y.astro")
    );
    assert_eq!(header_name(br#""b/q\"t""#, b"b/").as_deref(), Some("q\"t"));
}

fn parse_name_status(out: &[u8]) -> Result<Vec<contract_gate_core::change::ChangedFile>, String> {
    parse(out).map(|l| l.files).map_err(|e| e.to_string())
}

#[test]
fn name_status_parsing() {
    let out = b"R087\0old x\0new x\0C100\0a\0b\0T\0link\0X\0";
    let err = parse_name_status(out).unwrap_err();
    assert!(err.contains("X"), "{err}");
    assert_eq!(
        parse(out).unwrap_err(),
        ListingError::UnexpectedStatus("X".into())
    );
    let files = parse_name_status(b"R087\0old x\0new x\0C100\0a\0b\0T\0link\0").unwrap();
    assert_eq!(files[0].path, "new x");
    assert_eq!(files[0].previous_path.as_deref(), Some("old x"));
    assert_eq!(files[1].status, ChangeStatus::Copied);
    assert_eq!(files[2].status, ChangeStatus::Modified);
    let listing = parse(b"A\0a\0R087\0old x\0new x\0M\0m\0C100\0a\0b\0").unwrap();
    assert_eq!(listing.renamed, [1, 3]);
    assert!(parse_name_status(b"").unwrap().is_empty());
    // A record cut short fails, whether its path or its new name is missing.
    for cut in [&b"A\0"[..], b"R100\0old\0", b"M\0\0"] {
        let err = parse_name_status(cut).unwrap_err();
        assert!(err.starts_with("missing path after status"), "{err}");
    }
}

/// A name that is not UTF-8 is listed lossily with its real bytes kept;
/// where it cannot be named by them, it fails closed, saying which.
#[test]
fn a_name_that_is_not_utf8_is_kept_or_refused() {
    let listing = parse(b"M\0ok.ts\0A\0caf\xff.ts\0").unwrap();
    assert_eq!(listing.files[1].path, "caf\u{fffd}.ts");
    assert_eq!(listing.not_utf8, [b"caf\xff.ts".to_vec()]);
    match listing.utf8_only() {
        Err(e @ GitError::NotUtf8 { .. }) => {
            assert!(e.to_string().contains("caf\u{fffd}.ts"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(parse(b"M\0ok.ts\0").unwrap().utf8_only().unwrap().len(), 1);
    assert_eq!(utf8_names(b"a\0b c\0").unwrap(), ["a", "b c"]);
    assert!(matches!(
        utf8_names(b"a\0\xfe\0"),
        Err(GitError::NotUtf8 { path }) if path == "\u{fffd}"
    ));
}
