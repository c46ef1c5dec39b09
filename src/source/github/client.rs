//! The GitHub REST client of contract-gate.
//!
//! Transport is [octocrab] on tokio, used only through its raw methods
//! (`_get`, `_post`, `_patch`), which hand back the `http::Response` so this
//! module sees every status and header. Everything above the transport is
//! ours: retries with bounded waits, rate-limit handling, error messages that
//! say what to do, and request counting.
//!
//! How octocrab 0.54.9 is set up, and why (read from its source):
//!
//! - `base_uri` is the API root. Its `BaseUriLayer` keeps a path in the base
//!   (`https://HOST/api/v3`): a relative request path is joined under it, and
//!   a request whose path already starts with the base path is left alone.
//!   We always pass absolute URLs (`{api_url}{path}`), so the join is a no-op
//!   and the GHES `/api/v3` prefix is never dropped or doubled. The token
//!   header is still added, because octocrab's `AuthHeaderLayer` attaches it to
//!   any request whose authority is the base URI's authority.
//! - octocrab's own retry is disabled (`RetryConfig::None`): we retry
//!   ourselves so waits are bounded and every sent request is counted.
//! - `X-GitHub-Api-Version: 2022-11-28` comes from octocrab itself (its
//!   `build_request` adds it to every request); we do not add it a second time.
//! - `_post`/`_patch` take no per-request headers, so `Accept` is a
//!   client-wide extra header. That is why [`Api`] holds two octocrab clients:
//!   one whose `Accept` is `application/vnd.github+json`, and one whose
//!   `Accept` is `application/vnd.github.raw+json` (file contents as text).
//!   One client with a per-request `Accept` would send two `Accept` lines.
//! - LIMITATION: octocrab's default client always appends `User-Agent:
//!   octocrab` (hard-coded in `OctocrabBuilder::prepare_config`, appended by
//!   its `ExtraHeadersLayer`), and a custom service stack would need
//!   `hyper-util`/`hyper-rustls` as direct dependencies. So every request
//!   carries two `User-Agent` lines: `octocrab` and `contract-gate/<version>`.
//!   GitHub only requires that one is present. Should a single line ever be
//!   needed, only [`Api::send_once`] has to move to reqwest.
//! - octocrab's client spawns its worker with `tokio::spawn` when it is built,
//!   which panics outside a runtime. [`Api::new`] is synchronous, so the
//!   clients are built on the first request instead; an `Api` then belongs to
//!   the tokio runtime of its first request.
//!
//! The token is never printed: [`Token`] shows `***`, `Api`'s `Debug` shows
//! whether a token is set, and every text an error carries (GitHub's messages,
//! transport errors, paths, the URL) has the token scrubbed out.

use std::fmt;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use octocrab::service::middleware::retry::RetryConfig;
use octocrab::Octocrab;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The API root of github.com.
pub const PUBLIC_API_URL: &str = "https://api.github.com";
/// The REST API version every request asks for (sent by octocrab).
pub const API_VERSION: &str = "2022-11-28";
/// `Accept` of JSON requests.
pub const ACCEPT_JSON: &str = "application/vnd.github+json";
/// `Accept` of [`Api::get_raw`]: file contents as raw text.
pub const ACCEPT_RAW: &str = "application/vnd.github.raw+json";
/// Our `User-Agent`.
pub const USER_AGENT: &str = concat!("contract-gate/", env!("CARGO_PKG_VERSION"));

/// How long to wait on a rate limit that names no time (GitHub's advice for
/// secondary rate limits without `retry-after`: at least one minute).
const UNTIMED_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);
/// Longest GitHub message kept in an error.
const MAX_MESSAGE: usize = 500;

/// A token that never prints: Debug and Display show "***".
#[derive(Clone)]
pub struct Token(String);

impl Token {
    pub fn new(s: impl Into<String>) -> Token {
        Token(s.into())
    }

    /// The token itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

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

/// Why a GitHub request failed. Every message says what to do; none holds
/// the token.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("the GitHub API URL `{url}` cannot be used ({reason}): pass https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server")]
    InvalidUrl { url: String, reason: String },

    #[error("the token cannot be sent ({reason}): check that GITHUB_TOKEN/--token holds the token alone")]
    InvalidToken { reason: String },

    #[error("cannot request `{path}` ({reason}): this is a contract-gate bug, please report it with this message")]
    InvalidRequest { path: String, reason: String },

    #[error("cannot set up the HTTPS client ({message}): check that the system's CA certificates are installed")]
    Client { message: String },

    #[error("{}", unauthorized_text(*.token_set, method, path, message))]
    Unauthorized {
        method: &'static str,
        path: String,
        message: String,
        token_set: bool,
    },

    #[error("{hint} ({method} {path} answered 403: {message})")]
    Forbidden {
        method: &'static str,
        path: String,
        hint: String,
        message: String,
    },

    #[error("{path} was not found (404 on {method}): wrong --repo, or a private repository the token cannot see")]
    NotFound { method: &'static str, path: String },

    #[error("GitHub's rate limit stopped {method} {path} ({status}: {message}): it resets {resets}, a wait of {wait_secs} s, {reason}; rerun after the reset, or use a token with a higher rate limit")]
    RateLimited {
        method: &'static str,
        path: String,
        status: u16,
        message: String,
        /// When the limit resets, in words (`at 2024-01-01T01:00:00Z`, `in 3 s`).
        resets: String,
        /// How long it would have had to wait.
        wait_secs: u64,
        /// Why it did not wait.
        reason: String,
    },

    #[error("GitHub answered {status} to {method} {path}: {message}; check --repo and the pull request number, and if they are right, report this as a contract-gate bug")]
    Http {
        status: u16,
        method: &'static str,
        path: String,
        message: String,
    },

    #[error("GitHub answered {status} to {method} {path} ({message}) {stopped}: GitHub may be having trouble (https://www.githubstatus.com); rerun later")]
    Server {
        status: u16,
        method: &'static str,
        path: String,
        message: String,
        attempts: u32,
        /// `after 4 attempts`, or why it stopped sooner.
        stopped: String,
    },

    #[error("could not reach {api_url} for {method} {path} ({message}) {stopped}: check the network and the API URL (--api-url / GITHUB_API_URL)")]
    Transport {
        api_url: String,
        method: &'static str,
        path: String,
        message: String,
        attempts: u32,
        /// `after 4 attempts`, or why it stopped sooner.
        stopped: String,
    },

    #[error("cannot read GitHub's answer to {method} {path} ({message}): check that the API URL points at a GitHub REST API; if it does, report this as a contract-gate bug")]
    Decode {
        method: &'static str,
        path: String,
        message: String,
    },
}

fn unauthorized_text(token_set: bool, method: &str, path: &str, message: &str) -> String {
    if token_set {
        format!("the token was rejected (401): check that GITHUB_TOKEN/--token is set and not expired ({method} {path}: {message})")
    } else {
        format!("GitHub requires a token (401 on {method} {path}: {message}): set GITHUB_TOKEN or pass --token")
    }
}

impl ApiError {
    /// The same error with `secret` replaced by `***` in every text it holds.
    fn scrubbed(self, secret: &str) -> ApiError {
        let s = |t: String| scrub(&t, secret);
        match self {
            ApiError::InvalidUrl { url, reason } => ApiError::InvalidUrl {
                url: s(url),
                reason: s(reason),
            },
            ApiError::InvalidToken { reason } => ApiError::InvalidToken { reason: s(reason) },
            ApiError::InvalidRequest { path, reason } => ApiError::InvalidRequest {
                path: s(path),
                reason: s(reason),
            },
            ApiError::Client { message } => ApiError::Client {
                message: s(message),
            },
            ApiError::Unauthorized {
                method,
                path,
                message,
                token_set,
            } => ApiError::Unauthorized {
                method,
                path: s(path),
                message: s(message),
                token_set,
            },
            ApiError::Forbidden {
                method,
                path,
                hint,
                message,
            } => ApiError::Forbidden {
                method,
                path: s(path),
                hint: s(hint),
                message: s(message),
            },
            ApiError::NotFound { method, path } => ApiError::NotFound {
                method,
                path: s(path),
            },
            ApiError::RateLimited {
                method,
                path,
                status,
                message,
                resets,
                wait_secs,
                reason,
            } => ApiError::RateLimited {
                method,
                path: s(path),
                status,
                message: s(message),
                resets: s(resets),
                wait_secs,
                reason: s(reason),
            },
            ApiError::Http {
                status,
                method,
                path,
                message,
            } => ApiError::Http {
                status,
                method,
                path: s(path),
                message: s(message),
            },
            ApiError::Server {
                status,
                method,
                path,
                message,
                attempts,
                stopped,
            } => ApiError::Server {
                status,
                method,
                path: s(path),
                message: s(message),
                attempts,
                stopped: s(stopped),
            },
            ApiError::Transport {
                api_url,
                method,
                path,
                message,
                attempts,
                stopped,
            } => ApiError::Transport {
                api_url: s(api_url),
                method,
                path: s(path),
                message: s(message),
                attempts,
                stopped: s(stopped),
            },
            ApiError::Decode {
                method,
                path,
                message,
            } => ApiError::Decode {
                method,
                path: s(path),
                message: s(message),
            },
        }
    }
}

fn scrub(text: &str, secret: &str) -> String {
    if secret.is_empty() {
        text.to_string()
    } else {
        text.replace(secret, "***")
    }
}

/// The HTTP methods contract-gate uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
    Patch,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
        }
    }
}

/// One answer, read in full.
#[derive(Debug, Clone)]
struct Response {
    status: u16,
    /// Names in lower case (as hyper gives them).
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }

    /// GitHub's JSON `message` (plus `errors` when present), else the body,
    /// else the status's reason.
    fn message(&self) -> String {
        let text = match serde_json::from_str::<Value>(&self.body) {
            Ok(v) => match v.get("message").and_then(Value::as_str) {
                Some(m) => match v.get("errors") {
                    Some(e) if !e.is_null() => format!("{m} {e}"),
                    _ => m.to_string(),
                },
                None => self.body.trim().to_string(),
            },
            Err(_) => self.body.trim().to_string(),
        };
        let text = if text.is_empty() {
            reason(self.status).to_string()
        } else {
            text
        };
        truncate(&text, MAX_MESSAGE)
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "no message",
    }
}

fn truncate(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max {
        s
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

/// Why one attempt got no answer.
enum Failure {
    Timeout,
    /// Connection refused or reset, DNS, TLS, a body cut short: retried.
    Transport(String),
    /// The body is not UTF-8: not retried.
    NotUtf8,
    /// The request could not be built: not retried.
    Invalid(String),
}

/// A failure that may go away on retry.
struct Transient {
    status: Option<u16>,
    message: String,
}

/// What one answer means.
enum Outcome {
    Body(String),
    Missing,
    RateLimit {
        status: u16,
        message: String,
        wait: Duration,
        resets: String,
    },
    Retry(Transient),
    Fail(ApiError),
}

/// The two octocrab clients (see the module docs).
struct Clients {
    json: Octocrab,
    raw: Octocrab,
}

struct Inner {
    api_url: String,
    token: Option<Token>,
    policy: RetryPolicy,
    clients: OnceLock<Result<Clients, String>>,
    requests: AtomicUsize,
    waited_nanos: AtomicU64,
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
        let token = token
            .map(|t| Token::new(t.expose().trim()))
            .filter(|t| !t.expose().is_empty());
        let secret = token
            .as_ref()
            .map(|t| t.expose().to_string())
            .unwrap_or_default();
        let checked = check_url(api_url).and_then(|url| {
            if let Some(t) = &token {
                check_token(t.expose())?;
            }
            Ok(url)
        });
        let api_url = checked.map_err(|e| e.scrubbed(&secret))?;
        Ok(Api {
            inner: Arc::new(Inner {
                api_url,
                token,
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

    /// GET a path relative to the API root (e.g. "/repos/o/r/pulls/1") with
    /// query pairs; JSON decoded.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ApiError> {
        let target = self.target(path, query)?;
        match self
            .request(Method::Get, &target, None, false, false)
            .await?
        {
            Some(body) => self.decode(Method::Get, &target, &body),
            None => Err(self.not_found(Method::Get, &target)),
        }
    }

    /// Same, but 404 → Ok(None).
    pub async fn get_json_opt<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Option<T>, ApiError> {
        let target = self.target(path, query)?;
        match self
            .request(Method::Get, &target, None, false, true)
            .await?
        {
            Some(body) => self.decode(Method::Get, &target, &body).map(Some),
            None => Ok(None),
        }
    }

    /// GET with `Accept: application/vnd.github.raw+json` (file contents as
    /// raw text); 404 → Ok(None).
    pub async fn get_raw(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Option<String>, ApiError> {
        let target = self.target(path, query)?;
        self.request(Method::Get, &target, None, true, true).await
    }

    pub async fn post_json<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &Value,
    ) -> Result<T, ApiError> {
        self.send_json(Method::Post, path, body).await
    }

    pub async fn patch_json<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &Value,
    ) -> Result<T, ApiError> {
        self.send_json(Method::Patch, path, body).await
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

    async fn send_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &Value,
    ) -> Result<T, ApiError> {
        let target = self.target(path, &[])?;
        match self
            .request(method, &target, Some(body), false, false)
            .await?
        {
            Some(text) => self.decode(method, &target, &text),
            None => Err(self.not_found(method, &target)),
        }
    }

    fn secret(&self) -> &str {
        self.inner.token.as_ref().map(Token::expose).unwrap_or("")
    }

    fn not_found(&self, method: Method, target: &str) -> ApiError {
        ApiError::NotFound {
            method: method.as_str(),
            path: target.to_string(),
        }
        .scrubbed(self.secret())
    }

    fn decode<T: DeserializeOwned>(
        &self,
        method: Method,
        target: &str,
        body: &str,
    ) -> Result<T, ApiError> {
        // A 204 (or an empty 200) decodes as JSON `null`.
        let text = if body.trim().is_empty() { "null" } else { body };
        serde_json::from_str(text).map_err(|e| {
            ApiError::Decode {
                method: method.as_str(),
                path: target.to_string(),
                message: e.to_string(),
            }
            .scrubbed(self.secret())
        })
    }

    /// The request target (path and query, encoded) relative to the API root.
    fn target(&self, path: &str, query: &[(&str, String)]) -> Result<String, ApiError> {
        build_target(&self.inner.api_url, path, query).map_err(|reason| {
            ApiError::InvalidRequest {
                path: path.to_string(),
                reason,
            }
            .scrubbed(self.secret())
        })
    }

    fn clients(&self) -> Result<&Clients, ApiError> {
        let built = self.inner.clients.get_or_init(|| {
            Ok(Clients {
                json: self.build_client(ACCEPT_JSON)?,
                raw: self.build_client(ACCEPT_RAW)?,
            })
        });
        built.as_ref().map_err(|message| {
            ApiError::Client {
                message: message.clone(),
            }
            .scrubbed(self.secret())
        })
    }

    fn build_client(&self, accept: &str) -> Result<Octocrab, String> {
        let mut builder = Octocrab::builder()
            .base_uri(self.inner.api_url.as_str())
            .map_err(|e| error_chain(&e))?
            .add_retry_config(RetryConfig::None)
            .add_header(reqwest::header::ACCEPT, accept.to_string())
            .add_header(reqwest::header::USER_AGENT, USER_AGENT.to_string());
        if let Some(t) = &self.inner.token {
            builder = builder.personal_token(t.expose().to_string());
        }
        builder.build().map_err(|e| error_chain(&e))
    }

    /// Sends one request with retries; the body of a 2xx, or None for a 404
    /// when `missing_ok`.
    async fn request(
        &self,
        method: Method,
        target: &str,
        body: Option<&Value>,
        raw: bool,
        missing_ok: bool,
    ) -> Result<Option<String>, ApiError> {
        self.request_inner(method, target, body, raw, missing_ok)
            .await
            .map_err(|e| e.scrubbed(self.secret()))
    }

    async fn request_inner(
        &self,
        method: Method,
        target: &str,
        body: Option<&Value>,
        raw: bool,
        missing_ok: bool,
    ) -> Result<Option<String>, ApiError> {
        let policy = &self.inner.policy;
        let clients = self.clients()?;
        let url = format!("{}{target}", self.inner.api_url);
        let max_attempts = policy.max_attempts.max(1);
        let mut waited = Duration::ZERO;
        let mut backoffs: u32 = 0;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            self.inner.requests.fetch_add(1, Ordering::SeqCst);
            let transient = match self.send_once(clients, method, &url, body, raw).await {
                Ok(resp) => match self.judge(method, target, &resp, missing_ok) {
                    Outcome::Body(text) => return Ok(Some(text)),
                    Outcome::Missing => return Ok(None),
                    Outcome::Fail(e) => return Err(e),
                    Outcome::RateLimit {
                        status,
                        message,
                        wait,
                        resets,
                    } => {
                        let left = policy.max_total_wait.saturating_sub(waited);
                        let reason = if wait > left {
                            Some(format!(
                                "more than the {} s left of the {} s wait budget",
                                secs(left),
                                secs(policy.max_total_wait)
                            ))
                        } else if attempt >= max_attempts {
                            Some(format!("and all {max_attempts} attempts are used"))
                        } else {
                            None
                        };
                        if let Some(reason) = reason {
                            return Err(ApiError::RateLimited {
                                method: method.as_str(),
                                path: target.to_string(),
                                status,
                                message,
                                resets,
                                wait_secs: secs(wait),
                                reason,
                            });
                        }
                        self.sleep(wait).await;
                        waited += wait;
                        continue;
                    }
                    Outcome::Retry(t) => t,
                },
                Err(Failure::Timeout) => Transient {
                    status: None,
                    message: format!("no answer within {}", human(policy.request_timeout)),
                },
                Err(Failure::Transport(message)) => Transient {
                    status: None,
                    message,
                },
                Err(Failure::NotUtf8) => {
                    return Err(ApiError::Decode {
                        method: method.as_str(),
                        path: target.to_string(),
                        message: "the body is not UTF-8 text".to_string(),
                    })
                }
                Err(Failure::Invalid(reason)) => {
                    return Err(ApiError::InvalidRequest {
                        path: target.to_string(),
                        reason,
                    })
                }
            };
            let stopped = if attempt >= max_attempts {
                Some(format!("after {attempt} attempts"))
            } else {
                let backoff = policy
                    .base_backoff
                    .saturating_mul(1u32.checked_shl(backoffs).unwrap_or(u32::MAX));
                backoffs += 1;
                if waited.saturating_add(backoff) > policy.max_total_wait {
                    Some(format!(
                        "after {attempt} attempts (the next backoff of {} would exceed the {} wait budget)",
                        human(backoff),
                        human(policy.max_total_wait)
                    ))
                } else {
                    self.sleep(backoff).await;
                    waited += backoff;
                    None
                }
            };
            if let Some(stopped) = stopped {
                return Err(match transient.status {
                    Some(status) => ApiError::Server {
                        status,
                        method: method.as_str(),
                        path: target.to_string(),
                        message: transient.message,
                        attempts: attempt,
                        stopped,
                    },
                    None => ApiError::Transport {
                        api_url: self.inner.api_url.clone(),
                        method: method.as_str(),
                        path: target.to_string(),
                        message: transient.message,
                        attempts: attempt,
                        stopped,
                    },
                });
            }
        }
    }

    /// Records an intended wait and sleeps it, times `time_scale`.
    async fn sleep(&self, wait: Duration) {
        let nanos = u64::try_from(wait.as_nanos()).unwrap_or(u64::MAX);
        self.inner.waited_nanos.fetch_add(nanos, Ordering::SeqCst);
        let scale = self.inner.policy.time_scale;
        if scale > 0.0 && scale.is_finite() && !wait.is_zero() {
            let real =
                Duration::try_from_secs_f64(wait.as_secs_f64() * scale).unwrap_or(Duration::MAX);
            tokio::time::sleep(real).await;
        }
    }

    /// One attempt through octocrab, bounded by `request_timeout`.
    async fn send_once(
        &self,
        clients: &Clients,
        method: Method,
        url: &str,
        body: Option<&Value>,
        raw: bool,
    ) -> Result<Response, Failure> {
        let client = if raw { &clients.raw } else { &clients.json };
        let attempt = async {
            let sent = match method {
                Method::Get => client._get(url).await,
                Method::Post => client._post(url, body).await,
                Method::Patch => client._patch(url, body).await,
            };
            let resp = sent.map_err(send_failure)?;
            let status = resp.status().as_u16();
            let headers = resp
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_ascii_lowercase(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let body = client.body_to_string(resp).await.map_err(|e| match e {
                octocrab::Error::InvalidUtf8 { .. } => Failure::NotUtf8,
                e => Failure::Transport(error_chain(&e)),
            })?;
            Ok(Response {
                status,
                headers,
                body,
            })
        };
        match tokio::time::timeout(self.inner.policy.request_timeout, attempt).await {
            Ok(r) => r,
            Err(_) => Err(Failure::Timeout),
        }
    }

    /// What an answer means for the request.
    fn judge(&self, method: Method, target: &str, resp: &Response, missing_ok: bool) -> Outcome {
        let m = method.as_str();
        let path = target.to_string();
        let status = resp.status;
        if (200..300).contains(&status) {
            return Outcome::Body(resp.body.clone());
        }
        if status == 429 || status == 403 {
            if let Some((wait, resets)) = rate_limit_wait(resp, SystemTime::now()) {
                return Outcome::RateLimit {
                    status,
                    message: resp.message(),
                    wait,
                    resets,
                };
            }
        }
        if status >= 500 {
            return Outcome::Retry(Transient {
                status: Some(status),
                message: resp.message(),
            });
        }
        Outcome::Fail(match status {
            401 => ApiError::Unauthorized {
                method: m,
                path,
                message: resp.message(),
                token_set: self.inner.token.is_some(),
            },
            403 => ApiError::Forbidden {
                hint: forbidden_hint(method, target, self.inner.token.is_some()),
                method: m,
                path,
                message: resp.message(),
            },
            404 if missing_ok => return Outcome::Missing,
            404 => ApiError::NotFound { method: m, path },
            _ => ApiError::Http {
                status,
                method: m,
                path,
                message: resp.message(),
            },
        })
    }
}

/// The likely missing permission of a 403, by the request.
fn forbidden_hint(method: Method, target: &str, token_set: bool) -> String {
    if !token_set {
        return "GitHub refused a request made without a token: set GITHUB_TOKEN or pass --token"
            .to_string();
    }
    let path = target.split('?').next().unwrap_or(target);
    let write = method != Method::Get;
    if write && path.contains("/check-runs") {
        "the token cannot write checks: grant `checks: write` (fork pull requests get a read-only token; see README)".to_string()
    } else if path.contains("/pulls") {
        if write {
            "the token cannot write pull requests: grant `pull-requests: write`".to_string()
        } else {
            "the token cannot read pull requests: grant `pull-requests: read`".to_string()
        }
    } else if path.contains("/contents") || path.contains("/compare") {
        "the token cannot read the repository's contents: grant `contents: read`".to_string()
    } else if path.contains("/check-runs") {
        "the token cannot read checks: grant `checks: read`".to_string()
    } else {
        "the token lacks a permission this request needs: check the token's permissions on this repository".to_string()
    }
}

/// When a 403/429 is a rate limit: how long to wait, and when it resets in
/// words. `clock` is "now" when the answer has no `date` header.
fn rate_limit_wait(resp: &Response, clock: SystemTime) -> Option<(Duration, String)> {
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
        .unwrap_or_else(|| {
            clock
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
        });
    if let Some(v) = retry_after {
        if let Ok(s) = v.parse::<u64>() {
            return Some((Duration::from_secs(s), format!("in {s} s (retry-after)")));
        }
        if let Some(at) = parse_http_date(v) {
            let wait = at.saturating_sub(now);
            return Some((Duration::from_secs(wait), format!("at {}", iso_utc(at))));
        }
    }
    if let Some(reset) = resp
        .header("x-ratelimit-reset")
        .and_then(|v| v.parse::<u64>().ok())
    {
        let wait = reset.saturating_sub(now);
        return Some((Duration::from_secs(wait), format!("at {}", iso_utc(reset))));
    }
    Some((
        UNTIMED_RATE_LIMIT_WAIT,
        format!(
            "at an unstated time (waiting {} s as GitHub advises)",
            UNTIMED_RATE_LIMIT_WAIT.as_secs()
        ),
    ))
}

/// Whole seconds, rounded up.
fn secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

fn human(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// An octocrab error that happened before any answer.
fn send_failure(e: octocrab::Error) -> Failure {
    match e {
        octocrab::Error::UriParse { .. }
        | octocrab::Error::Uri { .. }
        | octocrab::Error::Http { .. }
        | octocrab::Error::InvalidHeaderValue { .. }
        | octocrab::Error::Serde { .. } => Failure::Invalid(error_chain(&e)),
        e => Failure::Transport(error_chain(&e)),
    }
}

/// An error and its sources, one line (no backtraces).
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let text = err.to_string();
        let text = text.lines().next().unwrap_or("").trim().to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = err.source();
    }
    truncate(&parts.join(": "), MAX_MESSAGE)
}

/// Checks and normalises the API URL.
fn check_url(raw: &str) -> Result<String, ApiError> {
    let bad = |reason: &str| ApiError::InvalidUrl {
        url: raw.to_string(),
        reason: reason.to_string(),
    };
    let url = raw.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| bad("it must start with https:// or http://"))?;
    let authority = rest.split('/').next().unwrap_or("");
    if authority.is_empty() {
        return Err(bad("it has no host"));
    }
    if authority.contains('@') {
        return Err(ApiError::InvalidUrl {
            url: "(a URL with credentials, not shown)".to_string(),
            reason: "it holds credentials; pass the token with GITHUB_TOKEN/--token instead"
                .to_string(),
        });
    }
    if url.contains(['?', '#']) || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it may not hold a query, a fragment or spaces"));
    }
    // The same parser octocrab uses for its base URI.
    Octocrab::builder()
        .base_uri(url)
        .map_err(|e| bad(&error_chain(&e)))?;
    Ok(url.to_string())
}

/// Checks that the token can go in an HTTP header (octocrab panics otherwise).
fn check_token(token: &str) -> Result<(), ApiError> {
    if token.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        Ok(())
    } else {
        Err(ApiError::InvalidToken {
            reason: "it contains spaces, control characters or non-ASCII characters".to_string(),
        })
    }
}

/// `path` (relative to the API root, or an absolute URL under it, as in a
/// `Link` header) and the query pairs, encoded. A `?` in `path` starts a
/// query that is kept as it is; `%XX` escapes in `path` are kept.
fn build_target(api_url: &str, path: &str, query: &[(&str, String)]) -> Result<String, String> {
    let mut path = path.trim();
    if let Some(rest) = path.strip_prefix(api_url) {
        path = rest;
    } else if path.starts_with("http://") || path.starts_with("https://") || path.starts_with("//")
    {
        return Err(format!(
            "it is not under the API root {api_url}; the token is only sent there"
        ));
    }
    let (path, given_query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    let mut out = String::new();
    if !path.starts_with('/') {
        out.push('/');
    }
    let bytes = path.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let escape = b == b'%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        if escape || b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    let mut pairs: Vec<String> = Vec::new();
    if let Some(q) = given_query.filter(|q| !q.is_empty()) {
        let q: String = q
            .bytes()
            .map(|b| {
                if b.is_ascii_graphic() && b != b'#' {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        pairs.push(q);
    }
    for (k, v) in query {
        pairs.push(format!("{}={}", encode_component(k), encode_component(v)));
    }
    if !pairs.is_empty() {
        out.push('?');
        out.push_str(&pairs.join("&"));
    }
    Ok(out)
}

/// Percent-encodes all but RFC 3986's unreserved characters.
fn encode_component(s: &str) -> String {
    let mut o = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            o.push(b as char);
        } else {
            o.push_str(&format!("%{b:02X}"));
        }
    }
    o
}

/// Seconds since the epoch of an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn parse_http_date(s: &str) -> Option<u64> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let [_, day, month, year, time, zone] = parts.as_slice() else {
        return None;
    };
    if *zone != "GMT" && *zone != "UTC" {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(month))? as i64 + 1;
    let day: i64 = day.parse().ok()?;
    let year: i64 = year.parse().ok()?;
    let hms: Vec<i64> = time
        .split(':')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, sec] = hms.as_slice() else {
        return None;
    };
    if !(1..=31).contains(&day)
        || !(0..24).contains(h)
        || !(0..60).contains(m)
        || !(0..=60).contains(sec)
    {
        return None;
    }
    let t = days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + sec;
    u64::try_from(t).ok()
}

/// `2024-01-01T01:00:00Z` (RFC 3339, UTC).
pub(crate) fn iso_utc(epoch: u64) -> String {
    let days = (epoch / 86_400) as i64;
    let rem = epoch % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

// Howard Hinnant's days_from_civil / civil_from_days.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "ghp_UNIT_TEST_SECRET_4f9c2a7d1e";

    fn api() -> Api {
        Api::new(
            "https://ghe.example.com/api/v3/",
            Some(Token::new(format!("  {SECRET}\n"))),
            RetryPolicy::default(),
        )
        .unwrap()
    }

    fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
        Response {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.to_string(),
        }
    }

    /// The variant's name; no wildcard, so a new variant must be added here
    /// (and to the test below).
    fn variant(e: &ApiError) -> &'static str {
        match e {
            ApiError::InvalidUrl { .. } => "InvalidUrl",
            ApiError::InvalidToken { .. } => "InvalidToken",
            ApiError::InvalidRequest { .. } => "InvalidRequest",
            ApiError::Client { .. } => "Client",
            ApiError::Unauthorized { .. } => "Unauthorized",
            ApiError::Forbidden { .. } => "Forbidden",
            ApiError::NotFound { .. } => "NotFound",
            ApiError::RateLimited { .. } => "RateLimited",
            ApiError::Http { .. } => "Http",
            ApiError::Server { .. } => "Server",
            ApiError::Transport { .. } => "Transport",
            ApiError::Decode { .. } => "Decode",
        }
    }

    /// No error variant, nor the Debug of Api and Token, shows the token, even
    /// when GitHub, the transport, the path or the URL echo it.
    #[test]
    fn token_never_printed() {
        let api = api();
        let echo = format!("{{\"message\":\"bad credentials {SECRET}\"}}");
        let path = format!("/repos/o/r/contents/{SECRET}");
        let g = Method::Get;
        let fail = |o: Outcome| match o {
            Outcome::Fail(e) => e.scrubbed(api.secret()),
            _ => panic!("not a failure"),
        };
        let mut errors: Vec<ApiError> = vec![
            Api::new(
                &format!("ftp://{SECRET}"),
                Some(Token::new(SECRET)),
                RetryPolicy::default(),
            )
            .unwrap_err(),
            Api::new(
                &format!("https://x:{SECRET}@h"),
                Some(Token::new(SECRET)),
                RetryPolicy::default(),
            )
            .unwrap_err(),
            Api::new(
                PUBLIC_API_URL,
                Some(Token::new(format!("{SECRET} x"))),
                RetryPolicy::default(),
            )
            .unwrap_err(),
            api.target(&format!("https://elsewhere.example/{SECRET}"), &[])
                .unwrap_err(),
            ApiError::Client {
                message: format!("no roots {SECRET}"),
            }
            .scrubbed(api.secret()),
            fail(api.judge(g, &path, &resp(401, &[], &echo), false)),
            fail(api.judge(Method::Post, &path, &resp(403, &[], &echo), false)),
            api.not_found(g, &path),
            fail(api.judge(g, &path, &resp(422, &[], &echo), false)),
            api.decode::<u32>(g, &path, &echo).unwrap_err(),
        ];
        errors.push(
            ApiError::RateLimited {
                method: "GET",
                path: path.clone(),
                status: 429,
                message: SECRET.into(),
                resets: SECRET.into(),
                wait_secs: 1,
                reason: SECRET.into(),
            }
            .scrubbed(api.secret()),
        );
        errors.push(
            ApiError::Server {
                status: 502,
                method: "GET",
                path: path.clone(),
                message: SECRET.into(),
                attempts: 4,
                stopped: SECRET.into(),
            }
            .scrubbed(api.secret()),
        );
        errors.push(
            ApiError::Transport {
                api_url: SECRET.into(),
                method: "GET",
                path: path.clone(),
                message: SECRET.into(),
                attempts: 4,
                stopped: SECRET.into(),
            }
            .scrubbed(api.secret()),
        );
        let mut seen: Vec<&str> = errors.iter().map(variant).collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 12, "every variant is covered: {seen:?}");
        for e in &errors {
            let shown = format!("{e} | {e:?}");
            assert!(!shown.contains(SECRET), "token in {shown}");
        }
        let token = Token::new(SECRET);
        for shown in [
            format!("{api:?}"),
            format!("{api:#?}"),
            format!("{token:?}"),
            format!("{token}"),
        ] {
            assert!(!shown.contains(SECRET), "token in {shown}");
        }
        assert_eq!(format!("{token}"), "***");
        assert_eq!(api.secret(), SECRET, "the token is trimmed, not lost");
    }

    /// The API URL is normalised and checked.
    #[test]
    fn api_url_checked() {
        assert_eq!(api().api_url(), "https://ghe.example.com/api/v3");
        let ok = Api::new("https://api.github.com", None, RetryPolicy::default()).unwrap();
        assert_eq!(ok.api_url(), PUBLIC_API_URL);
        for bad in [
            "api.github.com",
            "https://",
            "https://h/x?y=1",
            "https://h /x",
        ] {
            let e = Api::new(bad, None, RetryPolicy::default()).unwrap_err();
            assert!(matches!(e, ApiError::InvalidUrl { .. }), "{bad}: {e}");
        }
        let blank = Api::new(
            PUBLIC_API_URL,
            Some(Token::new(" \n")),
            RetryPolicy::default(),
        )
        .unwrap();
        assert!(format!("{blank:?}").contains("token: None"));
    }

    /// Paths and queries are encoded once; links under the root are accepted.
    #[test]
    fn targets() {
        let root = "https://h/api/v3";
        let t = |p: &str, q: &[(&str, String)]| build_target(root, p, q).unwrap();
        assert_eq!(t("/repos/o/r/pulls/1", &[]), "/repos/o/r/pulls/1");
        assert_eq!(t("repos/o/r", &[]), "/repos/o/r");
        assert_eq!(
            t(
                "/repos/o/r/contents/docs/가 이.md",
                &[("ref", "a b&c".into())]
            ),
            "/repos/o/r/contents/docs/%EA%B0%80%20%EC%9D%B4.md?ref=a%20b%26c"
        );
        assert_eq!(
            t("/repos/o/r/contents/a%20b.md", &[]),
            "/repos/o/r/contents/a%20b.md"
        );
        assert_eq!(t("/x/100%", &[]), "/x/100%25");
        assert_eq!(
            t(
                "https://h/api/v3/repositories/1/pulls?page=2",
                &[("per_page", "100".into())]
            ),
            "/repositories/1/pulls?page=2&per_page=100"
        );
        assert!(build_target(root, "https://evil.example/x", &[]).is_err());
    }

    /// Dates: IMF-fixdate parsing and ISO printing agree.
    #[test]
    fn dates() {
        assert_eq!(
            parse_http_date("Mon, 01 Jan 2024 00:00:00 GMT"),
            Some(1_704_067_200)
        );
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(parse_http_date("yesterday"), None);
        assert_eq!(iso_utc(1_704_070_800), "2024-01-01T01:00:00Z");
        assert_eq!(iso_utc(951_782_400), "2000-02-29T00:00:00Z");
    }

    /// Which 403s and 429s are rate limits, and how long they ask to wait.
    #[test]
    fn rate_limits() {
        let clock = UNIX_EPOCH + Duration::from_secs(1_000);
        let w = |r: Response| rate_limit_wait(&r, clock).map(|(d, _)| d.as_secs());
        assert_eq!(w(resp(403, &[("retry-after", "3")], "{}")), Some(3));
        assert_eq!(
            w(resp(
                403,
                &[
                    ("x-ratelimit-remaining", "0"),
                    ("x-ratelimit-reset", "1060")
                ],
                "{}"
            )),
            Some(60)
        );
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

    /// 403 hints name the permission the request needs.
    #[test]
    fn forbidden_hints() {
        let h = |m, p| forbidden_hint(m, p, true);
        assert!(h(Method::Post, "/repos/o/r/check-runs").contains("`checks: write`"));
        assert!(h(Method::Patch, "/repos/o/r/check-runs/5").contains("`checks: write`"));
        assert!(h(Method::Get, "/repos/o/r/pulls/1/files?page=2").contains("`pull-requests: read`"));
        assert!(h(Method::Get, "/repos/o/r/contents/CONTRACT.md").contains("`contents: read`"));
        assert!(h(Method::Get, "/repos/o/r/compare/a...b").contains("`contents: read`"));
        assert!(forbidden_hint(Method::Get, "/x", false).contains("GITHUB_TOKEN"));
    }

    /// The futures can be spawned on a multi-threaded runtime.
    #[test]
    fn futures_are_send() {
        fn send<T: Send>(_: &T) {}
        let api = api();
        let q: Vec<(&str, String)> = Vec::new();
        send(&api.get_json::<Value>("/x", &q));
        send(&api.get_json_opt::<Value>("/x", &q));
        send(&api.get_raw("/x", &q));
        send(&api.post_json::<Value>("/x", &Value::Null));
        send(&api.patch_json::<Value>("/x", &Value::Null));
        fn sync<T: Send + Sync + 'static>() {}
        sync::<Api>();
    }
}
