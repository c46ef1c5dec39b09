//! The retry policy: which answers are retried, how long to wait, and the
//! bound on all waiting (README "Faults"). `backon` runs the attempts in
//! [`super::client::Api`]'s `request`, asking [`Budget`] for each wait.

use std::time::{Duration, SystemTime};

use jiff::Timestamp;
use serde_json::Value;

use super::transport::Response;

/// How long to wait on a rate limit that names no time (GitHub's advice for
/// secondary rate limits without `retry-after`: at least one minute).
const UNTIMED_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);

/// Environment variable, for tests only: the first backoff in milliseconds
/// (`0` retries at once). Read by the Actions layer, not by [`Default`].
pub const RETRY_BASE_MS_ENV: &str = "CONTRACT_GATE_RETRY_BASE_MS";

/// How requests are retried and how long they may wait.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Total tries per request (default 4). 0 counts as 1.
    pub max_attempts: u32,
    /// First backoff after a 5xx / timeout / connection error (default 1 s,
    /// doubling).
    pub base_backoff: Duration,
    /// Bound on all waiting for one request, rate-limit waits included
    /// (default 120 s).
    pub max_total_wait: Duration,
    /// Per attempt, from sending to the last byte of the body (default 30 s).
    pub request_timeout: Duration,
    /// Multiplies every actual sleep (1.0 in production; tests use 0.0 so
    /// nothing really waits while the intended waits are still computed and
    /// recorded).
    pub time_scale: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_backoff: Duration::from_secs(1),
            max_total_wait: Duration::from_secs(120),
            request_timeout: Duration::from_secs(30),
            time_scale: 1.0,
        }
    }
}

impl RetryPolicy {
    /// The policy with [`RETRY_BASE_MS_ENV`] applied when it is set to a
    /// number (end-to-end tests set it to 0 so no test sleeps).
    pub(crate) fn with_env_overrides(mut self) -> RetryPolicy {
        if let Some(ms) = std::env::var(RETRY_BASE_MS_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
        {
            self.base_backoff = Duration::from_millis(ms);
        }
        self
    }
}

/// Why a request stops retrying; the text ends the error's sentence
/// (`… after 4 attempts: …`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Stop {
    /// A rate limit asks for longer than the budget has left.
    #[error("more than the {} s left of the {} s wait budget", secs(*.left), secs(*.budget))]
    WaitPastBudget { left: Duration, budget: Duration },
    /// A rate limit ended the last attempt.
    #[error("and all {attempts} attempts are used")]
    AttemptsUsed { attempts: u32 },
    #[error("after {attempts} attempts")]
    Attempts { attempts: u32 },
    #[error("after {attempts} attempts (the next backoff of {} would exceed the {} wait budget)", human(*.backoff), human(*.budget))]
    BackoffPastBudget {
        attempts: u32,
        backoff: Duration,
        budget: Duration,
    },
}

/// The waiting one request has done, against the policy.
pub(crate) struct Budget<'a> {
    policy: &'a RetryPolicy,
    pub(crate) attempt: u32,
    waited: Duration,
    backoffs: u32,
}

impl<'a> Budget<'a> {
    pub(crate) fn new(policy: &'a RetryPolicy) -> Budget<'a> {
        Budget {
            policy,
            attempt: 0,
            waited: Duration::ZERO,
            backoffs: 0,
        }
    }

    fn max_attempts(&self) -> u32 {
        self.policy.max_attempts.max(1)
    }

    /// May it wait `wait` for a rate limit? Err: why not.
    pub(crate) fn rate_limit(&mut self, wait: Duration) -> Result<(), Stop> {
        let left = self.policy.max_total_wait.saturating_sub(self.waited);
        if wait > left {
            return Err(Stop::WaitPastBudget {
                left,
                budget: self.policy.max_total_wait,
            });
        }
        if self.attempt >= self.max_attempts() {
            return Err(Stop::AttemptsUsed {
                attempts: self.max_attempts(),
            });
        }
        self.waited += wait;
        Ok(())
    }

    /// The next backoff after a transient failure. Err: why it stops
    /// (`after 4 attempts`, or the budget).
    pub(crate) fn backoff(&mut self) -> Result<Duration, Stop> {
        let attempt = self.attempt;
        if attempt >= self.max_attempts() {
            return Err(Stop::Attempts { attempts: attempt });
        }
        let backoff = self
            .policy
            .base_backoff
            .saturating_mul(1u32.checked_shl(self.backoffs).unwrap_or(u32::MAX));
        self.backoffs += 1;
        if self.waited.saturating_add(backoff) > self.policy.max_total_wait {
            return Err(Stop::BackoffPastBudget {
                attempts: attempt,
                backoff,
                budget: self.policy.max_total_wait,
            });
        }
        self.waited += backoff;
        Ok(backoff)
    }
}

/// When a 403/429 is a rate limit: how long to wait, and when it resets in
/// words. `clock` is "now" when the answer has no `date` header.
pub(crate) fn rate_limit_wait(resp: &Response, clock: SystemTime) -> Option<(Duration, String)> {
    let retry_after = resp.header("retry-after");
    let remaining_zero = resp.header("x-ratelimit-remaining") == Some("0");
    let message = serde_json::from_str::<Value>(&resp.body)
        .ok()
        .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_else(|| resp.body.clone());
    let says_so = message.to_ascii_lowercase().contains("rate limit");
    if !(resp.status == 429 || retry_after.is_some() || remaining_zero || says_so) {
        return None;
    }
    let now = resp
        .header("date")
        .and_then(parse_http_date)
        .or_else(|| Timestamp::try_from(clock).ok())
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let until = |at: Timestamp| {
        let wait = (at.as_second() - now.as_second()).max(0);
        (Duration::from_secs(wait.unsigned_abs()), format!("at {at}"))
    };
    if let Some(v) = retry_after {
        if let Ok(s) = v.parse::<u64>() {
            return Some((Duration::from_secs(s), format!("in {s} s (retry-after)")));
        }
        if let Some(at) = parse_http_date(v) {
            return Some(until(at));
        }
    }
    if let Some(reset) = resp
        .header("x-ratelimit-reset")
        .and_then(|v| v.parse::<i64>().ok())
        .and_then(|s| Timestamp::from_second(s).ok())
    {
        return Some(until(reset));
    }
    Some((
        UNTIMED_RATE_LIMIT_WAIT,
        format!(
            "at an unstated time (waiting {} s as GitHub advises)",
            UNTIMED_RATE_LIMIT_WAIT.as_secs()
        ),
    ))
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110's IMF-fixdate,
/// a form of RFC 2822).
fn parse_http_date(s: &str) -> Option<Timestamp> {
    jiff::fmt::rfc2822::parse(s).ok().map(|z| z.timestamp())
}

/// Whole seconds, rounded up.
pub(crate) fn secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

pub(crate) fn human(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn resp(status: u16, headers: &[(&'static str, &str)], body: &str) -> Response {
        let mut map = http::HeaderMap::new();
        for (k, v) in headers {
            map.append(*k, v.parse().unwrap());
        }
        Response {
            status,
            headers: map,
            body: body.to_string(),
        }
    }

    /// Dates: HTTP dates parse to the right instant.
    #[test]
    fn dates() {
        let p = |s| parse_http_date(s).map(|t| t.as_second());
        assert_eq!(p("Mon, 01 Jan 2024 00:00:00 GMT"), Some(1_704_067_200));
        assert_eq!(p("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(p("yesterday"), None);
    }

    /// Which 403s and 429s are rate limits, and how long they ask to wait.
    #[test]
    fn rate_limits() {
        let clock = UNIX_EPOCH + Duration::from_secs(1_000);
        let w = |r: Response| rate_limit_wait(&r, clock).map(|(d, _)| d.as_secs());
        assert_eq!(w(resp(403, &[("retry-after", "3")], "{}")), Some(3));
        let reset = [
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "1060"),
        ];
        assert_eq!(w(resp(403, &reset, "{}")), Some(60));
        let (_, words) = rate_limit_wait(&resp(403, &reset, "{}"), clock).unwrap();
        assert_eq!(words, "at 1970-01-01T00:17:40Z");
        assert_eq!(
            w(resp(
                403,
                &[
                    ("x-ratelimit-remaining", "0"),
                    ("x-ratelimit-reset", "1704067205"),
                    ("date", "Mon, 01 Jan 2024 00:00:00 GMT")
                ],
                "{}"
            )),
            Some(5)
        );
        assert_eq!(
            w(resp(
                403,
                &[],
                r#"{"message":"You have exceeded a secondary rate limit"}"#
            )),
            Some(60)
        );
        assert_eq!(w(resp(429, &[], "")), Some(60));
        assert_eq!(
            w(resp(
                403,
                &[("x-ratelimit-remaining", "4999")],
                r#"{"message":"Resource not accessible by integration"}"#
            )),
            None
        );
    }

    /// Backoffs double from the base and stop at the attempts or the budget.
    #[test]
    fn budget() {
        let policy = RetryPolicy {
            max_attempts: 10,
            max_total_wait: Duration::from_secs(5),
            ..RetryPolicy::default()
        };
        let mut b = Budget::new(&policy);
        b.attempt = 1;
        assert_eq!(b.backoff(), Ok(Duration::from_secs(1)));
        b.attempt = 2;
        assert_eq!(b.backoff(), Ok(Duration::from_secs(2)));
        b.attempt = 3;
        let stop = b.backoff().unwrap_err().to_string();
        assert!(
            stop.contains("next backoff of 4 s would exceed the 5 s wait budget"),
            "{stop}"
        );
    }
}
