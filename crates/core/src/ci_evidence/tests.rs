use super::*;
use crate::contract::CiSource;

fn row(check: &str, ci: Option<&str>) -> MatrixRow {
    MatrixRow {
        check: check.to_string(),
        span: 0..0,
        required: vec![true],
        ci: ci.map(str::to_string),
        ci_source: CiSource::GithubActions,
        skipped_ok: false,
        neutral_ok: false,
    }
}

/// GitHub Actions' `app` as recorded check-runs carry it.
fn actions() -> CiOrigin {
    CiOrigin::App {
        id: Some(15368),
        slug: Some("github-actions".into()),
    }
}

fn result(name: &str, status: &str, conclusion: Option<&str>, started: &str) -> CiResult {
    CiResult {
        name: name.to_string(),
        state: CiState::from_github(status, conclusion),
        outcome: conclusion.unwrap_or(status).to_string(),
        url: Some(format!("https://ci.example/{name}/{started}")),
        sha: "abc1234def5678".to_string(),
        started_at: started.parse().ok(),
        origin: actions(),
    }
}

#[test]
fn ci_success_evidences_a_row_the_body_does_not_tick() {
    let ci = CiResults::new([result("build", "completed", Some("success"), "t1")]);
    let out = judge_row(
        &row("npm run check", Some("build")),
        Some(&ci),
        EvidenceStatus::Missing,
    );
    assert_eq!(
        out,
        RowOutcome::EvidencedByCi {
            name: "build".into(),
            url: Some("https://ci.example/build/t1".into())
        }
    );
}

#[test]
fn ci_failure_contradicts_a_ticked_row() {
    let ci = CiResults::new([result("build", "completed", Some("failure"), "t1")]);
    let out = judge_row(
        &row("npm run check", Some("build")),
        Some(&ci),
        EvidenceStatus::Passed,
    );
    assert_eq!(
        out,
        RowOutcome::ContradictedByCi {
            message: "contradicted by CI: `npm run check` failed on abc1234 (https://ci.example/build/t1)".into()
        }
    );
}

#[test]
fn ci_running_or_absent_named_check_waits() {
    let ci = CiResults::new([result("build", "in_progress", None, "t1")]);
    let out = judge_row(
        &row("npm run check", Some("build")),
        Some(&ci),
        EvidenceStatus::Passed,
    );
    assert_eq!(
        out,
        RowOutcome::WaitingForCi {
            name: "build".into()
        }
    );
    let none = CiResults::default();
    let out = judge_row(
        &row("npm run check", Some("lint")),
        Some(&none),
        EvidenceStatus::Passed,
    );
    assert_eq!(
        out,
        RowOutcome::WaitingForCi {
            name: "lint".into()
        }
    );
}

#[test]
fn no_mapping_is_self_reported() {
    let ci = CiResults::new([result("build", "completed", Some("failure"), "t1")]);
    let out = judge_row(&row("cargo test", None), Some(&ci), EvidenceStatus::Passed);
    assert_eq!(out, RowOutcome::SelfReported(EvidenceStatus::Passed));
}

#[test]
fn implicit_mapping_by_command_text_and_by_job_name() {
    let ci = CiResults::new([
        result("cargo test", "completed", Some("timed_out"), "t1"),
        result("CI / cargo clippy", "completed", Some("success"), "t1"),
    ]);
    let out = judge_row(&row("cargo test", None), Some(&ci), EvidenceStatus::Passed);
    assert_eq!(
        out,
        RowOutcome::ContradictedByCi {
            message: "contradicted by CI: `cargo test` ended `timed_out` on abc1234 (https://ci.example/cargo test/t1)".into()
        }
    );
    let out = judge_row(
        &row("cargo clippy", None),
        Some(&ci),
        EvidenceStatus::Missing,
    );
    assert!(matches!(out, RowOutcome::EvidencedByCi { name, .. } if name == "CI / cargo clippy"));
}

#[test]
fn offline_rows_with_a_ci_check_are_not_consulted() {
    let out = judge_row(
        &row("npm run check", Some("build")),
        None,
        EvidenceStatus::Unchecked,
    );
    assert_eq!(
        out,
        RowOutcome::NotConsultedOffline(EvidenceStatus::Unchecked)
    );
    let out = judge_row(&row("npm run check", None), None, EvidenceStatus::Passed);
    assert_eq!(out, RowOutcome::SelfReported(EvidenceStatus::Passed));
}

#[test]
fn latest_run_per_name_wins_and_the_gate_is_excluded() {
    let ci = CiResults::new([
        result(
            "build",
            "completed",
            Some("success"),
            "2026-01-02T00:00:00Z",
        ),
        result(
            "build",
            "completed",
            Some("failure"),
            "2026-01-01T00:00:00Z",
        ),
        result(
            GATE_CHECK_NAME,
            "completed",
            Some("success"),
            "2026-01-03T00:00:00Z",
        ),
    ]);
    let out = judge_row(&row("x", Some("build")), Some(&ci), EvidenceStatus::Missing);
    assert!(matches!(out, RowOutcome::EvidencedByCi { .. }));
    let out = judge_row(
        &row(GATE_CHECK_NAME, None),
        Some(&ci),
        EvidenceStatus::Missing,
    );
    assert_eq!(out, RowOutcome::SelfReported(EvidenceStatus::Missing));
}

#[test]
fn github_states_map_fail_closed() {
    assert_eq!(
        CiState::from_github("completed", Some("success")),
        CiState::Passed
    );
    for c in ["neutral", "skipped"] {
        assert_eq!(
            CiState::from_github("completed", Some(c)),
            CiState::Inconclusive,
            "{c}"
        );
    }
    assert_eq!(CiState::from_github("success", None), CiState::Passed);
    assert_eq!(CiState::from_github("pending", None), CiState::Running);
    assert_eq!(CiState::from_github("queued", None), CiState::Running);
    for c in ["cancelled", "action_required", "stale", "startup_failure"] {
        assert_eq!(
            CiState::from_github("completed", Some(c)),
            CiState::Failed,
            "{c}"
        );
    }
    assert_eq!(CiState::from_github("error", None), CiState::Failed);
}

fn from(origin: CiOrigin, r: CiResult) -> CiResult {
    CiResult { origin, ..r }
}

/// The recorded check-run's own app (a third-party app, not Actions).
fn pygithub_app() -> CiOrigin {
    CiOrigin::App {
        id: Some(85429),
        slug: Some("test-pygithub".into()),
    }
}

fn circleci() -> CiOrigin {
    CiOrigin::App {
        id: Some(18001),
        slug: Some("circleci-checks".into()),
    }
}

#[test]
fn a_later_run_of_another_app_never_overrides_an_actions_failure() {
    let ci = CiResults::new([
        result(
            "build",
            "completed",
            Some("failure"),
            "2026-01-01T00:00:00Z",
        ),
        from(
            pygithub_app(),
            result(
                "build",
                "completed",
                Some("success"),
                "2026-01-02T00:00:00Z",
            ),
        ),
    ]);
    let r = row("npm run check", Some("build"));
    let out = judge_row(&r, Some(&ci), EvidenceStatus::Passed);
    assert!(
        matches!(&out, RowOutcome::ContradictedByCi { message } if message.contains("failed")),
        "{out:?}"
    );
    let note = ignored_note(&r, Some(&ci)).expect("the other app's run is named");
    assert!(
        note.contains("`build` from app `test-pygithub` (success)"),
        "{note}"
    );
    assert!(
        note.contains("only GitHub Actions reports `build`"),
        "{note}"
    );
}

#[test]
fn a_commit_status_never_overrides_an_actions_failure_nor_evidences_alone() {
    let status = |state: &str, t: &str| from(CiOrigin::Status, result("build", state, None, t));
    let ci = CiResults::new([
        result(
            "build",
            "completed",
            Some("failure"),
            "2026-01-01T00:00:00Z",
        ),
        status("success", "2026-01-02T00:00:00Z"),
    ]);
    let r = row("npm run check", Some("build"));
    let out = judge_row(&r, Some(&ci), EvidenceStatus::Passed);
    assert!(
        matches!(out, RowOutcome::ContradictedByCi { .. }),
        "{out:?}"
    );
    assert!(ignored_note(&r, Some(&ci))
        .unwrap()
        .contains("`build` from a commit status (success)"));

    // Only a status (the author can post one): a named check waits for
    // Actions, an implicit one falls back to the body.
    let only = CiResults::new([status("success", "t1")]);
    assert_eq!(
        judge_row(&r, Some(&only), EvidenceStatus::Missing),
        RowOutcome::WaitingForCi {
            name: "build".into()
        }
    );
    let implicit = row("build", None);
    assert_eq!(
        judge_row(&implicit, Some(&only), EvidenceStatus::Missing),
        RowOutcome::SelfReported(EvidenceStatus::Missing)
    );
    assert!(ignored_note(&implicit, Some(&only)).is_some());
}

#[test]
fn a_row_that_names_its_source_counts_that_source_only() {
    let ci = CiResults::new([
        result("build", "completed", Some("failure"), "t1"),
        from(
            circleci(),
            result("build", "completed", Some("success"), "t1"),
        ),
        from(
            CiOrigin::Status,
            result("ci/circleci", "failure", None, "t1"),
        ),
    ]);
    let mut r = row("npm run check", Some("build"));
    r.ci_source = CiSource::App("circleci-checks".into());
    assert!(matches!(
        judge_row(&r, Some(&ci), EvidenceStatus::Missing),
        RowOutcome::EvidencedByCi { .. }
    ));
    // The Actions failure is named, never hidden.
    assert!(ignored_note(&r, Some(&ci))
        .unwrap()
        .contains("`build` from app `github-actions` (failure)"));
    // By numeric id.
    r.ci_source = CiSource::App("18001".into());
    assert!(matches!(
        judge_row(&r, Some(&ci), EvidenceStatus::Missing),
        RowOutcome::EvidencedByCi { .. }
    ));
    // A commit-status row.
    let mut s = row("lint", Some("ci/circleci"));
    s.ci_source = CiSource::Status;
    assert!(matches!(
        judge_row(&s, Some(&ci), EvidenceStatus::Passed),
        RowOutcome::ContradictedByCi { .. }
    ));
}

#[test]
fn actions_is_known_by_slug_or_by_id_when_the_slug_is_missing() {
    let by_id = CiOrigin::App {
        id: Some(15368),
        slug: None,
    };
    let other = CiOrigin::App {
        id: Some(29310),
        slug: None,
    };
    assert!(by_id.is(&CiSource::GithubActions));
    assert!(!other.is(&CiSource::GithubActions));
    assert!(!CiOrigin::Status.is(&CiSource::GithubActions));
    assert!(!pygithub_app().is(&CiSource::GithubActions));
    // A slug that is not Actions' never counts, whatever its id says.
    let lying = CiOrigin::App {
        id: Some(15368),
        slug: Some("not-actions".into()),
    };
    assert!(!lying.is(&CiSource::GithubActions));
}

#[test]
fn skipped_and_neutral_prove_nothing_unless_the_row_opts_in() {
    let skipped = CiResults::new([result("build", "completed", Some("skipped"), "t1")]);
    let neutral = CiResults::new([result("build", "completed", Some("neutral"), "t1")]);
    let mut r = row("npm run check", Some("build"));
    let out = judge_row(&r, Some(&skipped), EvidenceStatus::Passed);
    let RowOutcome::NothingProved { message } = out else {
        panic!("{out:?}")
    };
    assert!(
        message.contains("a skipped job proves nothing ran"),
        "{message}"
    );
    assert!(message.contains("(ci: build, skipped ok)"), "{message}");
    assert!(matches!(
        judge_row(&r, Some(&neutral), EvidenceStatus::Passed),
        RowOutcome::NothingProved { .. }
    ));
    r.skipped_ok = true;
    assert!(matches!(
        judge_row(&r, Some(&skipped), EvidenceStatus::Missing),
        RowOutcome::EvidencedByCi { .. }
    ));
    // `skipped ok` is not `neutral ok`.
    assert!(matches!(
        judge_row(&r, Some(&neutral), EvidenceStatus::Passed),
        RowOutcome::NothingProved { .. }
    ));
    r.neutral_ok = true;
    assert!(matches!(
        judge_row(&r, Some(&neutral), EvidenceStatus::Missing),
        RowOutcome::EvidencedByCi { .. }
    ));
}

#[test]
fn of_several_job_matches_the_worst_decides() {
    let ci = CiResults::new([
        result("CI / test", "completed", Some("success"), "t1"),
        result("Nightly / test", "completed", Some("failure"), "t1"),
    ]);
    assert!(matches!(
        judge_row(&row("test", None), Some(&ci), EvidenceStatus::Passed),
        RowOutcome::ContradictedByCi { .. }
    ));
}

/// Start times compare as instants: an offset or a fraction of a second no
/// longer sorts as text ("2026-01-01T09:30:00+02:00" is before
/// "2026-01-01T08:00:00Z", though it sorts after it as text).
#[test]
fn the_latest_run_is_the_latest_instant() {
    let ci = CiResults::new([
        result(
            "build",
            "completed",
            Some("success"),
            "2026-01-01T08:00:00Z",
        ),
        result(
            "build",
            "completed",
            Some("failure"),
            "2026-01-01T09:30:00+02:00",
        ),
    ]);
    let out = judge_row(&row("x", Some("build")), Some(&ci), EvidenceStatus::Missing);
    assert!(matches!(out, RowOutcome::EvidencedByCi { .. }), "{out:?}");
    let ci = CiResults::new([
        result(
            "build",
            "completed",
            Some("success"),
            "2026-01-01T08:00:00Z",
        ),
        result(
            "build",
            "completed",
            Some("failure"),
            "2026-01-01T08:00:00.5Z",
        ),
    ]);
    let out = judge_row(&row("x", Some("build")), Some(&ci), EvidenceStatus::Missing);
    assert!(
        matches!(out, RowOutcome::ContradictedByCi { .. }),
        "{out:?}"
    );
}

/// A run whose start time cannot be read never counts as the latest: it
/// does not replace a run with a time, in either order.
#[test]
fn a_run_without_a_readable_time_is_never_the_latest() {
    let timed = || {
        result(
            "build",
            "completed",
            Some("failure"),
            "2026-01-01T08:00:00Z",
        )
    };
    for unreadable in ["", "yesterday", "2026-13-01T00:00:00Z", "9999999999"] {
        let untimed = result("build", "completed", Some("success"), unreadable);
        assert_eq!(untimed.started_at, None, "{unreadable}");
        for ci in [
            CiResults::new([timed(), untimed.clone()]),
            CiResults::new([untimed.clone(), timed()]),
        ] {
            let out = judge_row(&row("x", Some("build")), Some(&ci), EvidenceStatus::Missing);
            assert!(
                matches!(out, RowOutcome::ContradictedByCi { .. }),
                "{out:?}"
            );
        }
    }
}
