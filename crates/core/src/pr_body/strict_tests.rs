//! Evidence is matched strictly: exact check text, failed and struck items
//! never count, risk sections found without a blank line.

use super::*;
use EvidenceStatus::*;

#[test]
fn a_longer_command_is_not_the_check() {
    let e = read_body(
        "- [x] npm run check:quick\n- [x] npm run check-all\n- [x] cargo test --release\n",
    );
    assert_eq!(e.status("npm run check"), Missing);
    assert_eq!(e.status("cargo test"), Missing);
    assert_eq!(e.status("npm run check:quick"), Passed);
    let e = read_body("- [x] ran npm run check.\n- [x] cargo test: all green\n");
    assert_eq!(e.status("npm run check"), Passed);
    assert_eq!(e.status("cargo test"), Passed);
}

#[test]
fn items_marked_failed_do_not_count() {
    for body in [
        "- [x] npm run check FAILED",
        "- [x] npm run check ✗",
        "- [x] ❌ npm run check",
        "- [x] npm run check (could not run: no network)",
        "- [x] npm run check — skipped",
        "- [ ] npm run check: did not run",
    ] {
        assert_eq!(read_body(body).status("npm run check"), Failed, "{body}");
    }
}

#[test]
fn struck_through_items_do_not_count() {
    let e = read_body("- [x] ~~npm run check~~\n- [x] ~~`cargo test`~~ replaced by nextest\n");
    assert_eq!(e.status("npm run check"), Missing);
    assert_eq!(e.status("cargo test"), Missing);
}

#[test]
fn remaining_risk_right_under_the_checklist() {
    let e = read_body("- [x] npm run check\nRemaining risk: tag pages are not paginated.\n");
    assert!(e.has_remaining_risk());
    assert_eq!(e.status("npm run check"), Passed);
    let e = read_body("- [x] npm run check\n## Remaining risk\nNone known.\n");
    assert!(e.has_remaining_risk());
    let e = read_body("**Commands run**\n- [x] npm run check\n\n**Remaining risk**\nNone known.\n");
    assert!(e.has_remaining_risk());
    let e = read_body("- [x] npm run check\n**Remaining risk**\n");
    assert!(!e.has_remaining_risk());
}
