//! What one answer of the API means for its request: a body, a missing
//! resource, a rate limit to wait out, a 5xx to retry, or an error that says
//! what to do. GitHub's message is scrubbed here, where it enters.

use std::time::{Duration, SystemTime};

use crate::source::github::error::{forbidden_hint, ApiError};
use crate::source::github::retry::rate_limit_wait;
use crate::source::github::token::Scrubber;
use crate::source::github::transport::{Method, Response};

/// What one answer means.
pub(super) enum Outcome {
    Body(String),
    Missing,
    RateLimit {
        status: u16,
        message: String,
        wait: Duration,
        resets: String,
    },
    /// A 5xx (or, with no status, no answer at all): may go away on retry.
    Retry {
        status: Option<u16>,
        message: String,
    },
    Fail(ApiError),
}

/// How one request is sent.
#[derive(Clone, Copy)]
pub(super) struct Ask {
    pub(super) method: Method,
    pub(super) raw: bool,
    pub(super) missing_ok: bool,
    /// Tries at most once (a create that must not run twice).
    pub(super) once: bool,
}

impl Ask {
    pub(super) fn get(missing_ok: bool) -> Ask {
        Ask {
            method: Method::Get,
            raw: false,
            missing_ok,
            once: false,
        }
    }

    pub(super) fn send(method: Method, once: bool) -> Ask {
        Ask {
            method,
            raw: false,
            missing_ok: false,
            once,
        }
    }
}

/// What an answer means for the request. GitHub's message is scrubbed
/// here, where it enters.
pub(super) fn judge(
    scrub: &Scrubber,
    token_set: bool,
    ask: Ask,
    target: &str,
    resp: &Response,
) -> Outcome {
    let m = ask.method.as_str();
    let path = scrub.clean(target);
    let status = resp.status;
    let message = || scrub.clean(&resp.message());
    if (200..300).contains(&status) {
        return Outcome::Body(resp.body.clone());
    }
    if status == 429 || status == 403 {
        if let Some((wait, resets)) = rate_limit_wait(resp, SystemTime::now()) {
            return Outcome::RateLimit {
                status,
                message: message(),
                wait,
                resets,
            };
        }
    }
    if status >= 500 {
        return Outcome::Retry {
            status: Some(status),
            message: message(),
        };
    }
    Outcome::Fail(match status {
        401 => ApiError::Unauthorized {
            method: m,
            path,
            message: message(),
            token_set,
        },
        403 => ApiError::Forbidden {
            hint: forbidden_hint(ask.method, &path, token_set),
            method: m,
            path,
            message: message(),
        },
        404 if ask.missing_ok => return Outcome::Missing,
        404 => ApiError::NotFound {
            method: m,
            path,
            token_set,
        },
        _ => ApiError::Http {
            status,
            method: m,
            path,
            message: message(),
        },
    })
}
