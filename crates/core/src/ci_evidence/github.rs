//! GitHub's words for where a CI check stands, as types: a check-run's
//! `status` and `conclusion` and a commit status's `state`. Each keeps an
//! unknown word as it was sent (`Unknown`), for messages; wherever a state
//! is judged, an unknown one counts as the worst case ([`CiState::Failed`]),
//! never as a pass.

use super::CiState;

/// Declares a word enum: its variants and their words, `From` a word (an
/// unknown one kept in `Unknown`), serde reading it from the word, and
/// `as_str` giving the word back.
macro_rules! github_words {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $word:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
        #[serde(from = "String")]
        pub enum $name {
            $(
                #[doc = concat!("`", $word, "`.")]
                $variant,
            )*
            /// A word this version does not know, as sent.
            Unknown(String),
        }

        impl From<&str> for $name {
            fn from(word: &str) -> Self {
                match word {
                    $($word => $name::$variant,)*
                    other => $name::Unknown(other.to_string()),
                }
            }
        }

        impl From<String> for $name {
            fn from(word: String) -> Self {
                match $name::from(word.as_str()) {
                    $name::Unknown(_) => $name::Unknown(word),
                    known => known,
                }
            }
        }

        impl $name {
            /// The word, as GitHub sends it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $word,)*
                    $name::Unknown(word) => word,
                }
            }
        }
    };
}

github_words! {
    /// A check-run's `status`.
    CheckStatus {
        Queued = "queued",
        InProgress = "in_progress",
        Completed = "completed",
        Waiting = "waiting",
        Requested = "requested",
        Pending = "pending",
    }
}

github_words! {
    /// A completed check-run's `conclusion`.
    CheckConclusion {
        Success = "success",
        Failure = "failure",
        Neutral = "neutral",
        Cancelled = "cancelled",
        Skipped = "skipped",
        TimedOut = "timed_out",
        ActionRequired = "action_required",
        Stale = "stale",
        StartupFailure = "startup_failure",
    }
}

github_words! {
    /// A commit status's `state`.
    CommitState {
        Success = "success",
        Pending = "pending",
        Failure = "failure",
        Error = "error",
    }
}

impl CiState {
    /// Where a check-run stands. Completed without a conclusion, or with
    /// one this version does not know, is a failure; an unknown status too.
    pub fn of_run(status: &CheckStatus, conclusion: Option<&CheckConclusion>) -> CiState {
        use CheckStatus as S;
        match (status, conclusion) {
            (S::Completed, Some(CheckConclusion::Success)) => CiState::Passed,
            (S::Completed, Some(CheckConclusion::Skipped | CheckConclusion::Neutral)) => {
                CiState::Inconclusive
            }
            (S::Queued | S::InProgress | S::Pending | S::Waiting | S::Requested, _) => {
                CiState::Running
            }
            _ => CiState::Failed,
        }
    }

    /// Where a commit status stands; an unknown state is a failure.
    pub fn of_status(state: &CommitState) -> CiState {
        match state {
            CommitState::Success => CiState::Passed,
            CommitState::Pending => CiState::Running,
            _ => CiState::Failed,
        }
    }

    /// Reads words already taken as text: a check-run's `status` and
    /// `conclusion`, or a commit status's `state` (pass it as `status`, no
    /// conclusion). Unknown words fail closed.
    pub fn from_github(status: &str, conclusion: Option<&str>) -> CiState {
        match (CommitState::from(status), conclusion) {
            (CommitState::Unknown(_), _) | (_, Some(_)) => {
                CiState::of_run(&status.into(), conclusion.map(Into::into).as_ref())
            }
            (state, None) => CiState::of_status(&state),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_and_print_back() {
        for w in [
            "queued",
            "in_progress",
            "completed",
            "waiting",
            "requested",
            "pending",
        ] {
            assert_eq!(CheckStatus::from(w).as_str(), w);
            assert!(!matches!(CheckStatus::from(w), CheckStatus::Unknown(_)));
        }
        let odd: CheckConclusion = serde_json::from_str("\"mystery\"").unwrap();
        assert_eq!(odd, CheckConclusion::Unknown("mystery".into()));
        assert_eq!(odd.as_str(), "mystery");
        let known: CheckConclusion = serde_json::from_str("\"timed_out\"").unwrap();
        assert_eq!(known, CheckConclusion::TimedOut);
        // Case matters: GitHub sends lower case, anything else is unknown.
        assert!(matches!(
            CommitState::from("SUCCESS"),
            CommitState::Unknown(_)
        ));
    }

    #[test]
    fn unknown_words_fail_closed() {
        let completed = CheckStatus::Completed;
        assert_eq!(
            CiState::of_run(&completed, Some(&"mystery".into())),
            CiState::Failed
        );
        assert_eq!(CiState::of_run(&completed, None), CiState::Failed);
        assert_eq!(
            CiState::of_run(&"paused".into(), Some(&CheckConclusion::Success)),
            CiState::Failed
        );
        assert_eq!(CiState::of_status(&"mystery".into()), CiState::Failed);
        assert_eq!(
            CiState::from_github("completed", Some("mystery")),
            CiState::Failed
        );
        assert_eq!(CiState::from_github("mystery", None), CiState::Failed);
    }

    /// `from_github` reads the same words as the typed readers.
    #[test]
    fn text_and_typed_readers_agree() {
        let cases = [
            ("completed", Some("success"), CiState::Passed),
            ("success", None, CiState::Passed),
            ("completed", Some("skipped"), CiState::Inconclusive),
            ("completed", Some("neutral"), CiState::Inconclusive),
            ("queued", None, CiState::Running),
            ("pending", None, CiState::Running),
            ("in_progress", Some("success"), CiState::Running),
            ("completed", Some("cancelled"), CiState::Failed),
            ("failure", None, CiState::Failed),
            ("error", None, CiState::Failed),
            ("completed", None, CiState::Failed),
        ];
        for (status, conclusion, want) in cases {
            assert_eq!(
                CiState::from_github(status, conclusion),
                want,
                "{status} {conclusion:?}"
            );
        }
    }
}
