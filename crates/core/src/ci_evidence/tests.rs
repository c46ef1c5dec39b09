use super::*;

fn row(check: &str, ci: Option<&str>) -> MatrixRow {
    MatrixRow {
        check: check.to_string(),
        span: 0..0,
        required: vec![true],
        ci: ci.map(str::to_string),
    }
}

fn result(name: &str, status: &str, conclusion: Option<&str>, started: &str) -> CiResult {
    CiResult {
        name: name.to_string(),
        state: CiState::from_github(status, conclusion),
        outcome: conclusion.unwrap_or(status).to_string(),
        url: Some(format!("https://ci.example/{name}/{started}")),
        sha: "abc1234def5678".to_string(),
        started_at: started.to_string(),
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
        result("CI / cargo clippy", "completed", Some("skipped"), "t1"),
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
        CiState::from_github("completed", Some("neutral")),
        CiState::Passed
    );
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
