//! One HTTP attempt through octocrab on tokio.
//!
//! octocrab is used through its raw methods (`_get`, `_post`, `_patch`),
//! which hand back the `http::Response`, so every status and header is seen.
//! Its service stack is built here rather than by `Octocrab::builder()`,
//! because the default builder always adds `User-Agent: octocrab` next to
//! ours (two lines on every request). The stack is octocrab's own layers
//! on its own hyper-rustls client:
//!
//! - `BaseUriLayer`: we always pass absolute URLs (`{api_url}{path}`), so
//!   the GHES `/api/v3` prefix is never dropped or doubled;
//! - `AuthHeaderLayer`: the token goes only to the API root's authority;
//! - `ExtraHeadersLayer`: exactly one `Accept` and one `User-Agent`.
//!   `X-GitHub-Api-Version: 2022-11-28` comes from octocrab's request
//!   builder. `_post`/`_patch` take no per-request headers, so there are
//!   two clients: JSON and raw file contents.
//!
//! No octocrab retry layer is in the stack: [`super::client::Api`] retries
//! itself so waits are bounded and every sent request is counted.

use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderMap, HeaderValue, ACCEPT, USER_AGENT as USER_AGENT_HEADER};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use octocrab::service::middleware::{
    auth_header::AuthHeaderLayer, base_uri::BaseUriLayer, extra_headers::ExtraHeadersLayer,
};
use octocrab::{AuthState, OctoBody, Octocrab, OctocrabBuilder};
use serde_json::Value;

use super::token::Token;

/// `Accept` of JSON requests.
pub const ACCEPT_JSON: &str = "application/vnd.github+json";
/// `Accept` of raw file contents.
pub const ACCEPT_RAW: &str = "application/vnd.github.raw+json";
/// Our `User-Agent`, the only one sent.
pub const USER_AGENT: &str = concat!("contract-gate/", env!("CARGO_PKG_VERSION"));
/// Longest GitHub message kept in an error.
const MAX_MESSAGE: usize = 500;

/// The HTTP methods contract-gate uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
    Patch,
}

impl Method {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
        }
    }
}

/// One answer, read in full.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

impl Response {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok().map(str::trim)
    }

    /// GitHub's JSON `message` (plus `errors` when present), else the body,
    /// else the status's reason phrase.
    pub(crate) fn message(&self) -> String {
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
            http::StatusCode::from_u16(self.status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("no message")
                .to_string()
        } else {
            text
        };
        truncate(&text, MAX_MESSAGE)
    }
}

/// An underlying error (octocrab's, hyper's, …), kept with its sources:
/// only its chain is read ([`error_chain`]), never its type.
pub(crate) type Cause = Box<dyn std::error::Error + Send + Sync>;

/// Why one attempt got no answer.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    #[error("no answer in time")]
    Timeout,
    /// Connection refused or reset, DNS, TLS, a body cut short: retried.
    #[error(transparent)]
    Transport(Cause),
    /// The body is not UTF-8: not retried.
    #[error("the body is not UTF-8 text")]
    NotUtf8,
    /// The request could not be built: not retried.
    #[error(transparent)]
    Invalid(Cause),
}

/// Why the HTTPS clients could not be built. Each wraps the error as it
/// is (`transparent`: the same text and sources), so [`error_chain`] of it
/// reads as it did of the underlying error.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ClientError {
    /// The system's CA certificates could not be loaded.
    #[error(transparent)]
    Roots(std::io::Error),
    /// The API URL is no URI (checked before, so a bug).
    #[error(transparent)]
    BaseUri(http::uri::InvalidUri),
    /// A header could not be made from its value.
    #[error(transparent)]
    Header(http::header::InvalidHeaderValue),
}

/// The two octocrab clients (see the module docs).
pub(crate) struct Clients {
    json: Octocrab,
    raw: Octocrab,
}

impl Clients {
    /// Builds both clients. Must run inside a tokio runtime (octocrab
    /// spawns its worker when built).
    pub(crate) fn build(api_url: &str, token: Option<&Token>) -> Result<Clients, ClientError> {
        Ok(Clients {
            json: client(api_url, token, ACCEPT_JSON)?,
            raw: client(api_url, token, ACCEPT_RAW)?,
        })
    }

    /// One attempt, bounded by `timeout` from sending to the last byte.
    pub(crate) async fn send(
        &self,
        method: Method,
        url: &str,
        body: Option<&Value>,
        raw: bool,
        timeout: Duration,
    ) -> Result<Response, Failure> {
        let client = if raw { &self.raw } else { &self.json };
        let attempt = async {
            let sent = match method {
                Method::Get => client._get(url).await,
                Method::Post => client._post(url, body).await,
                Method::Patch => client._patch(url, body).await,
            };
            let resp = sent.map_err(send_failure)?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let body = client.body_to_string(resp).await.map_err(|e| match e {
                octocrab::Error::InvalidUtf8 { .. } => Failure::NotUtf8,
                e => Failure::Transport(e.into()),
            })?;
            Ok(Response {
                status,
                headers,
                body,
            })
        };
        tokio::time::timeout(timeout, attempt)
            .await
            .unwrap_or(Err(Failure::Timeout))
    }
}

fn client(api_url: &str, token: Option<&Token>, accept: &str) -> Result<Octocrab, ClientError> {
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .map_err(ClientError::Roots)?
        .https_or_http()
        .enable_http1()
        .build();
    let http = Client::builder(TokioExecutor::new()).build::<_, OctoBody>(connector);
    let base: http::Uri = api_url.parse().map_err(ClientError::BaseUri)?;
    let header = |v: &str| HeaderValue::from_str(v).map_err(ClientError::Header);
    let headers = vec![
        (ACCEPT, header(accept)?),
        (USER_AGENT_HEADER, header(USER_AGENT)?),
    ];
    let auth = match token {
        Some(t) => {
            let mut v = header(&format!("Bearer {}", t.expose()))?;
            v.set_sensitive(true);
            Some(v)
        }
        None => None,
    };
    OctocrabBuilder::new_empty()
        .with_service(http)
        .with_layer(&ExtraHeadersLayer::new(Arc::new(headers)))
        .with_layer(&AuthHeaderLayer::new(auth, base.clone(), base.clone()))
        .with_layer(&BaseUriLayer::new(base))
        .with_auth(AuthState::None)
        .build()
        .map_err(|e| match e {})
}

/// An octocrab error that happened before any answer.
fn send_failure(e: octocrab::Error) -> Failure {
    match e {
        octocrab::Error::UriParse { .. }
        | octocrab::Error::Uri { .. }
        | octocrab::Error::Http { .. }
        | octocrab::Error::InvalidHeaderValue { .. }
        | octocrab::Error::Serde { .. } => Failure::Invalid(e.into()),
        e => Failure::Transport(e.into()),
    }
}

/// An error and its sources, one line (no backtraces).
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
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

/// Whitespace collapsed, at most `max` characters.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max {
        s
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}
