//! Checking the API URL and the token, and building request targets
//! (path and query, percent-encoded with `percent-encoding`).

use octocrab::Octocrab;
use percent_encoding::{
    percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS, NON_ALPHANUMERIC,
};

use super::error::ApiError;
use super::transport::error_chain;

/// RFC 3986's unreserved characters stay; everything else is escaped.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// A repository file path in a URL: unreserved characters and `/` stay.
const FILE_PATH: &AsciiSet = &COMPONENT.remove(b'/');
/// A request path: `pchar`s and `/` stay.
const PATH: &AsciiSet = &FILE_PATH
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');
/// A query given inside a path (a `Link` header's next page) is kept as it
/// is, but for what may not stand in a URL.
const GIVEN_QUERY: &AsciiSet = &CONTROLS.add(b' ').add(b'#');

/// Why a request target cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum TargetError {
    /// An absolute URL elsewhere (a `Link` header pointing away).
    #[error("it is not under the API root {api_url}; the token is only sent there")]
    OutsideRoot { api_url: String },
}

/// A file path of the repository, escaped for `/contents/{path}`.
pub(crate) fn encode_file_path(path: &str) -> String {
    utf8_percent_encode(path, FILE_PATH).to_string()
}

/// Checks and normalises the API URL.
pub(crate) fn check_url(raw: &str) -> Result<String, ApiError> {
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

/// Checks that the token can go in an HTTP header.
pub(crate) fn check_token(token: &str) -> Result<(), ApiError> {
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
pub(crate) fn build_target(
    api_url: &str,
    path: &str,
    query: &[(&str, String)],
) -> Result<String, TargetError> {
    let mut path = path.trim();
    if let Some(rest) = path.strip_prefix(api_url) {
        path = rest;
    } else if path.starts_with("http://") || path.starts_with("https://") || path.starts_with("//")
    {
        return Err(TargetError::OutsideRoot {
            api_url: api_url.to_string(),
        });
    }
    let (path, given_query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    let mut out = String::new();
    if !path.starts_with('/') {
        out.push('/');
    }
    // Decoding first keeps escapes the caller made (`a%20b`) and escapes a
    // stray `%` (`100%` → `100%25`).
    let decoded: Vec<u8> = percent_decode_str(path).collect();
    out.extend(percent_encoding::percent_encode(&decoded, PATH));
    let mut pairs: Vec<String> = Vec::new();
    if let Some(q) = given_query.filter(|q| !q.is_empty()) {
        pairs.push(utf8_percent_encode(q, GIVEN_QUERY).to_string());
    }
    for (k, v) in query {
        pairs.push(format!(
            "{}={}",
            utf8_percent_encode(k, COMPONENT),
            utf8_percent_encode(v, COMPONENT)
        ));
    }
    if !pairs.is_empty() {
        out.push('?');
        out.push_str(&pairs.join("&"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// File paths keep `/` and escape the rest; a target built from one is
    /// unchanged (escaped once, not twice).
    #[test]
    fn file_paths_are_escaped_once() {
        let p = encode_file_path("src/pages/blog/[...slug].astro");
        assert_eq!(p, "src/pages/blog/%5B...slug%5D.astro");
        assert_eq!(encode_file_path("docs/가.md"), "docs/%EA%B0%80.md");
        assert_eq!(encode_file_path("a%20b"), "a%2520b");
        let t = build_target("https://h", &format!("/contents/{p}"), &[]).unwrap();
        assert_eq!(t, format!("/contents/{p}"));
    }
}
