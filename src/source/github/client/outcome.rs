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
    /// A 2xx body, and its `Link: rel="next"` URL when the list goes on.
    Body(String, Option<String>),
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
        return Outcome::Body(resp.body.clone(), next_link(resp.header("link")));
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

/// The `rel="next"` URL of a `Link` header (`<url>; rel="next", <url>;
/// rel="last"`), as GitHub pages every list.
pub(super) fn next_link(header: Option<&str>) -> Option<String> {
    let mut rest = header?;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let close = after.find('>')?;
        let url = &after[..close];
        let params_end = after[close + 1..]
            .find('<')
            .map_or(after.len(), |i| close + 1 + i);
        let params = &after[close + 1..params_end];
        let is_next = params.split(';').any(|p| {
            let p = p.trim().trim_end_matches(',').trim();
            p.strip_prefix("rel=").is_some_and(|v| {
                v.trim_matches('"')
                    .split_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("next"))
            })
        });
        if is_next {
            return Some(url.to_string());
        }
        rest = &after[params_end..];
    }
    None
}

#[cfg(test)]
mod link_tests {
    use super::next_link;

    /// The recorded `Link` header of a list's first page
    /// (shared/fixtures/github/rest/meta/pulls.list.page1-of-many.json).
    #[test]
    fn the_next_page_of_a_recorded_link_header() {
        let h = "<https://api.github.com/repos/openmicroscopy/ome-documentation/pulls?page=2&state=closed>; rel=\"next\", <https://api.github.com/repos/openmicroscopy/ome-documentation/pulls?page=8&state=closed>; rel=\"last\"";
        assert_eq!(
            next_link(Some(h)).as_deref(),
            Some("https://api.github.com/repos/openmicroscopy/ome-documentation/pulls?page=2&state=closed")
        );
        let last = "<https://api.github.com/x?page=1>; rel=\"prev\", <https://api.github.com/x?page=1>; rel=\"first\"";
        assert_eq!(next_link(Some(last)), None);
        assert_eq!(next_link(None), None);
        assert_eq!(next_link(Some("garbage")), None);
    }
}
