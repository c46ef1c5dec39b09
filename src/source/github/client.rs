//! The GitHub REST client of contract-gate: requests with retries, bounded
//! waits, rate-limit handling, messages that say what to do, and request
//! counting. Transport is octocrab ([`super::transport`]); the policy is
//! [`super::retry`]; errors are [`super::error`].
//!
//! octocrab's client spawns its worker with `tokio::spawn` when it is built,
//! which panics outside a runtime. [`Api::new`] is synchronous, so the
//! clients are built on the first request instead; an `Api` then belongs to
//! the tokio runtime of its first request.
//!
//! The token is never printed: [`Token`] shows `***`, `Api`'s `Debug` shows
//! whether a token is set, and every text an error carries is scrubbed once,
//! where it is made ([`Scrubber`]).

use std::fmt;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;

pub use super::error::{ApiError, GET_A_TOKEN};
pub use super::retry::{RetryPolicy, RETRY_BASE_MS_ENV};
pub use super::token::Token;
pub use super::transport::{ACCEPT_JSON, ACCEPT_RAW, USER_AGENT};

use super::retry::{secs, Budget, Stop};
use super::target::{build_target, check_token, check_url};
use super::token::Scrubber;
use super::transport::{error_chain, ClientError, Clients, Failure, Method};
use outcome::{Ask, Outcome};

/// The API root of github.com.
pub(crate) const PUBLIC_API_URL: &str = "https://api.github.com";

struct Inner {
    api_url: String,
    token: Option<Token>,
    scrub: Scrubber,
    policy: RetryPolicy,
    clients: OnceLock<Result<Clients, ClientError>>,
    requests: AtomicUsize,
    waited_nanos: AtomicU64,
}

/// One page of a list answer.
#[derive(Debug, Clone)]
pub(super) struct Page<T> {
    /// The decoded body.
    pub(super) items: T,
    /// The `Link: rel="next"` URL, when the list goes on.
    pub(super) next: Option<String>,
}

/// The GitHub REST client. Cheap to clone (an `Arc` inside); clones share
/// the request and wait counters.
#[derive(Clone)]
pub struct Api {
    inner: Arc<Inner>,
}

impl fmt::Debug for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Api")
            .field("api_url", &self.inner.api_url)
            .field("token", &self.inner.token.as_ref().map(|_| "***"))
            .field("policy", &self.inner.policy)
            .field("requests", &self.requests())
            .field("waited", &self.waited())
            .finish()
    }
}

impl Api {
    /// A client of the API at `api_url` (`https://api.github.com`, or
    /// `https://HOST/api/v3` for GitHub Enterprise Server; a trailing `/` is
    /// ignored). A token that is empty or only whitespace counts as none;
    /// surrounding whitespace (a newline from a file) is trimmed.
    pub fn new(api_url: &str, token: Option<Token>, policy: RetryPolicy) -> Result<Api, ApiError> {
        let token = token.and_then(Token::normalised);
        let scrub = Scrubber::new(token.as_ref());
        let api_url = check_url(api_url).map_err(|e| match e {
            ApiError::InvalidUrl { url, reason } => ApiError::InvalidUrl {
                url: scrub.clean(&url),
                reason: scrub.clean(&reason),
            },
            e => e,
        })?;
        if let Some(t) = &token {
            check_token(t.expose())?;
        }
        Ok(Api {
            inner: Arc::new(Inner {
                api_url,
                token,
                scrub,
                policy,
                clients: OnceLock::new(),
                requests: AtomicUsize::new(0),
                waited_nanos: AtomicU64::new(0),
            }),
        })
    }

    /// The API root, without a trailing `/`.
    pub fn api_url(&self) -> &str {
        &self.inner.api_url
    }

    /// Fails at once, saying how to get a token, when none is set: reading a
    /// pull request without one would only retry into a 401 or a 404.
    pub(crate) fn require_token(&self) -> Result<(), ApiError> {
        match self.inner.token {
            Some(_) => Ok(()),
            None => Err(ApiError::MissingToken),
        }
    }

    /// GET a path relative to the API root (e.g. "/repos/o/r/pulls/1") with
    /// query pairs; JSON decoded.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ApiError> {
        self.json(Ask::get(false), path, query, None).await
    }

    /// Same, but 404 → Ok(None).
    pub async fn get_json_opt<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Option<T>, ApiError> {
        self.json(Ask::get(true), path, query, None).await
    }

    /// GET with `Accept: application/vnd.github.raw+json` (file contents as
    /// raw text); 404 → Ok(None).
    pub async fn get_raw(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Option<String>, ApiError> {
        let ask = Ask {
            raw: true,
            ..Ask::get(true)
        };
        let target = self.target(path, query)?;
        Ok(self
            .request(ask, &target, None)
            .await?
            .map(|(text, _)| text))
    }

    /// POST with retries (for requests that are safe to repeat).
    pub async fn post_json<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &Value,
    ) -> Result<T, ApiError> {
        self.json(Ask::send(Method::Post, false), path, &[], Some(body))
            .await
    }

    /// POST tried once: a create that must not be repeated blindly. The
    /// caller looks for what a failed try may have made before trying again
    /// (see [`Api::pause_before_retry`]).
    pub async fn post_json_once<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &Value,
    ) -> Result<T, ApiError> {
        self.json(Ask::send(Method::Post, true), path, &[], Some(body))
            .await
    }

    pub async fn patch_json<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &Value,
    ) -> Result<T, ApiError> {
        self.json(Ask::send(Method::Patch, false), path, &[], Some(body))
            .await
    }

    /// The retry policy's attempts per request.
    pub(crate) fn max_attempts(&self) -> u32 {
        self.inner.policy.max_attempts.max(1)
    }

    /// Sleeps the policy's backoff before try `retry` (1 = the first retry)
    /// of a request the caller retries itself.
    pub(crate) async fn pause_before_retry(&self, retry: u32) {
        let shift = retry.saturating_sub(1);
        let wait = self
            .inner
            .policy
            .base_backoff
            .saturating_mul(1u32.checked_shl(shift).unwrap_or(u32::MAX));
        sleep(self.inner.clone(), wait).await;
    }

    /// HTTP requests actually sent so far (each retry counts; so does an
    /// attempt that could not connect).
    pub fn requests(&self) -> usize {
        self.inner.requests.load(Ordering::SeqCst)
    }

    /// Total intended waiting so far (backoffs and rate-limit waits, before
    /// time_scale).
    pub fn waited(&self) -> Duration {
        Duration::from_nanos(self.inner.waited_nanos.load(Ordering::SeqCst))
    }

    async fn json<T: DeserializeOwned>(
        &self,
        ask: Ask,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<T, ApiError> {
        Ok(self.json_page(ask, path, query, body).await?.items)
    }

    async fn json_page<T: DeserializeOwned>(
        &self,
        ask: Ask,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Page<T>, ApiError> {
        let target = self.target(path, query)?;
        match self.request(ask, &target, body).await? {
            Some((text, next)) => Ok(Page {
                items: self.decode(ask.method, &target, &text)?,
                next,
            }),
            // Decodes as `None` (callers ask for an `Option`).
            None if ask.missing_ok => Ok(Page {
                items: self.decode(ask.method, &target, "null")?,
                next: None,
            }),
            None => Err(self.not_found(ask.method, &target)),
        }
    }

    /// GET one page of a list: its body and the `Link: rel="next"` URL
    /// (absolute, under the API root; pass it as `path` with no query to
    /// read the next page).
    pub(super) async fn get_page<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Page<T>, ApiError> {
        self.json_page(Ask::get(false), path, query, None).await
    }

    /// Every page of a list, following `Link: rel="next"` from `path` to
    /// the end, at most `max_pages` pages: the pages in order, and whether
    /// the list ended there (false: a next page was left unread, so the
    /// list is incomplete and must never be judged as if whole).
    pub(crate) async fn get_all_pages<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        max_pages: usize,
    ) -> Result<(Vec<T>, bool), ApiError> {
        let mut pages = Vec::new();
        let mut page = self.get_page::<T>(path, query).await?;
        loop {
            pages.push(page.items);
            let Some(next) = page.next else {
                return Ok((pages, true));
            };
            if pages.len() >= max_pages {
                return Ok((pages, false));
            }
            page = self.get_page::<T>(&next, &[]).await?;
        }
    }

    fn not_found(&self, method: Method, target: &str) -> ApiError {
        ApiError::NotFound {
            method: method.as_str(),
            path: self.inner.scrub.clean(target),
            token_set: self.inner.token.is_some(),
        }
    }

    fn decode_error(&self, method: Method, target: &str, message: &str) -> ApiError {
        ApiError::Decode {
            method: method.as_str(),
            path: self.inner.scrub.clean(target),
            message: self.inner.scrub.clean(message),
        }
    }

    fn decode<T: DeserializeOwned>(
        &self,
        method: Method,
        target: &str,
        body: &str,
    ) -> Result<T, ApiError> {
        // A 204 (or an empty 200) decodes as JSON `null`.
        let text = if body.trim().is_empty() { "null" } else { body };
        serde_json::from_str(text).map_err(|e| self.decode_error(method, target, &e.to_string()))
    }

    /// The request target (path and query, encoded) relative to the API root.
    fn target(&self, path: &str, query: &[(&str, String)]) -> Result<String, ApiError> {
        build_target(&self.inner.api_url, path, query).map_err(|reason| ApiError::InvalidRequest {
            path: self.inner.scrub.clean(path),
            reason: self.inner.scrub.clean(&reason.to_string()),
        })
    }

    fn clients(&self) -> Result<&Clients, ApiError> {
        let built = self
            .inner
            .clients
            .get_or_init(|| Clients::build(&self.inner.api_url, self.inner.token.as_ref()));
        built.as_ref().map_err(|e| ApiError::Client {
            message: self.inner.scrub.clean(&error_chain(e)),
        })
    }

    /// Sends one request with retries; the body of a 2xx, or None for a 404
    /// when `missing_ok`. backon drives the attempts; [`Budget`] decides
    /// each wait (a rate limit's own time, else the doubling backoff) and
    /// why it stops.
    async fn request(
        &self,
        ask: Ask,
        target: &str,
        body: Option<&Value>,
    ) -> Result<Option<(String, Option<String>)>, ApiError> {
        use backon::Retryable as _;
        let policy = &self.inner.policy;
        let clients = self.clients()?;
        let url = format!("{}{target}", self.inner.api_url);
        let once = RetryPolicy {
            max_attempts: 1,
            ..policy.clone()
        };
        let budget = std::sync::Mutex::new(Budget::new(if ask.once { &once } else { policy }));
        let stopped: std::sync::Mutex<Option<Stop>> = std::sync::Mutex::new(None);
        let attempt = || async {
            if let Ok(mut b) = budget.lock() {
                b.attempt += 1;
            }
            self.inner.requests.fetch_add(1, Ordering::SeqCst);
            let sent = clients
                .send(ask.method, &url, body, ask.raw, policy.request_timeout)
                .await;
            let failed = match sent {
                Ok(resp) => outcome::judge(
                    &self.inner.scrub,
                    self.inner.token.is_some(),
                    ask,
                    target,
                    &resp,
                ),
                Err(failure) => match self.failure_text(ask.method, target, failure) {
                    Ok(message) => Outcome::Retry {
                        status: None,
                        message,
                    },
                    Err(e) => Outcome::Fail(e),
                },
            };
            match failed {
                Outcome::Body(text, next) => Ok(Some((text, next))),
                Outcome::Missing => Ok(None),
                other => Err(other),
            }
        };
        let inner = self.inner.clone();
        let result = attempt
            .retry(backon::ConstantBuilder::new().without_max_times())
            .sleep(move |wait| sleep(inner.clone(), wait))
            .when(|o| !matches!(o, Outcome::Fail(_)))
            .adjust(|o, _| {
                let mut b = budget.lock().ok()?;
                let next = match o {
                    Outcome::RateLimit { wait, .. } => b.rate_limit(*wait).map(|()| *wait),
                    _ => b.backoff(),
                };
                next.map_err(|why| stopped.lock().map(|mut s| *s = Some(why)))
                    .ok()
            })
            .await;
        // No recorded stop (never expected) reads as an empty reason.
        let stopped = stopped
            .into_inner()
            .ok()
            .flatten()
            .map(|s| s.to_string())
            .unwrap_or_default();
        let attempts = budget.lock().map_or(0, |b| b.attempt);
        self.ended(ask, target, result, attempts, stopped)
    }

    /// What a request's last attempt comes to once retrying has stopped.
    fn ended(
        &self,
        ask: Ask,
        target: &str,
        last: Result<Option<(String, Option<String>)>, Outcome>,
        attempts: u32,
        stopped: String,
    ) -> Result<Option<(String, Option<String>)>, ApiError> {
        match last {
            Ok(text) => Ok(text),
            Err(Outcome::RateLimit {
                status,
                message,
                wait,
                resets,
            }) => Err(ApiError::RateLimited {
                method: ask.method.as_str(),
                path: self.inner.scrub.clean(target),
                status,
                message,
                resets,
                wait_secs: secs(wait),
                reason: stopped,
            }),
            Err(Outcome::Retry { status, message }) => {
                Err(self.gave_up(ask.method, target, status, message, attempts, stopped))
            }
            Err(Outcome::Fail(e)) => Err(e),
            // Never an error (the attempt answers them as `Ok`).
            Err(Outcome::Body(text, next)) => Ok(Some((text, next))),
            Err(Outcome::Missing) => Ok(None),
        }
    }

    /// The retryable text of a failed attempt, or the error that ends it.
    fn failure_text(
        &self,
        method: Method,
        target: &str,
        failure: Failure,
    ) -> Result<String, ApiError> {
        match failure {
            Failure::Timeout => Ok(format!(
                "no answer within {}",
                super::retry::human(self.inner.policy.request_timeout)
            )),
            Failure::Transport(e) => Ok(self.inner.scrub.clean(&error_chain(&*e))),
            Failure::NotUtf8 => {
                Err(self.decode_error(method, target, "the body is not UTF-8 text"))
            }
            Failure::Invalid(e) => Err(ApiError::InvalidRequest {
                path: self.inner.scrub.clean(target),
                reason: self.inner.scrub.clean(&error_chain(&*e)),
            }),
        }
    }

    /// The error after the last attempt of a transient failure.
    fn gave_up(
        &self,
        method: Method,
        target: &str,
        status: Option<u16>,
        message: String,
        attempts: u32,
        stopped: String,
    ) -> ApiError {
        let path = self.inner.scrub.clean(target);
        let method = method.as_str();
        match status {
            Some(status) => ApiError::Server {
                status,
                method,
                path,
                message,
                attempts,
                stopped,
            },
            None => ApiError::Transport {
                api_url: self.inner.api_url.clone(),
                method,
                path,
                message,
                attempts,
                stopped,
            },
        }
    }
}

/// Records an intended wait and sleeps it, times `time_scale`.
async fn sleep(inner: Arc<Inner>, wait: Duration) {
    let nanos = u64::try_from(wait.as_nanos()).unwrap_or(u64::MAX);
    inner.waited_nanos.fetch_add(nanos, Ordering::SeqCst);
    let scale = inner.policy.time_scale;
    if scale > 0.0 && scale.is_finite() && !wait.is_zero() {
        let real = Duration::try_from_secs_f64(wait.as_secs_f64() * scale).unwrap_or(Duration::MAX);
        tokio::time::sleep(real).await;
    }
}

mod outcome;

#[cfg(test)]
impl Api {
    /// What an answer means, as a request would see it.
    fn judge(&self, ask: Ask, target: &str, resp: &super::transport::Response) -> Outcome {
        outcome::judge(
            &self.inner.scrub,
            self.inner.token.is_some(),
            ask,
            target,
            resp,
        )
    }
}

#[cfg(test)]
mod tests;
