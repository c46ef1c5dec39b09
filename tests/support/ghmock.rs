//! A local mock of GitHub's REST API for tests, on `wiremock`.
//!
//! wiremock serves HTTP on its own thread; one catch-all mock hands every
//! request to the routes a test registers here, which answer with recorded
//! GitHub payloads (`fixtures/github`). Every request is recorded, and
//! unregistered routes answer GitHub's 404 JSON. Dropping the mock stops it.
//!
//! ```ignore
//! let mock = GhMock::start();
//! mock.on("GET", "/repos/o/r/pulls/42", Reply::fixture(200, "rest/pull-request.get.json"));
//! mock.on_seq("GET", "/x", vec![Reply::status(502), Reply::json(200, json!({}))]);
//! let api = Api::new(&mock.api_url(), None, policy)?;
//! ```

use std::fmt;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use wiremock::{matchers, Mock, MockServer, Request, Respond, ResponseTemplate};

/// GitHub's 404 body.
pub const NOT_FOUND_BODY: &str =
    r#"{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}"#;

/// One answer of the mock.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    hang: bool,
}

impl Reply {
    /// A JSON body (`application/json; charset=utf-8`).
    pub fn json(status: u16, body: Value) -> Reply {
        Reply::bytes(status, "application/json; charset=utf-8", body.to_string())
    }

    /// A body of any type, sent as given.
    pub fn bytes(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
            hang: false,
        }
    }

    /// Plain text, as `Accept: application/vnd.github.raw+json` gets it.
    pub fn text(status: u16, body: &str) -> Reply {
        Reply::bytes(status, "text/plain; charset=utf-8", body)
    }

    /// A contents-API answer for a file at `path` holding `content`: the
    /// recorded `fixtures/github/rest/contents.file.json` with its name,
    /// path, size and base64 content (wrapped at 60 columns, as GitHub
    /// sends it) replaced.
    pub fn contents(path: &str, content: impl AsRef<[u8]>) -> Reply {
        use base64::Engine as _;
        let bytes = content.as_ref();
        let mut v: Value = serde_json::from_slice(&fixture("rest/contents.file.json")).unwrap();
        let packed = base64::engine::general_purpose::STANDARD.encode(bytes);
        let wrapped: String = packed
            .as_bytes()
            .chunks(60)
            .map(|c| format!("{}\n", String::from_utf8_lossy(c)))
            .collect();
        v["name"] = path.rsplit('/').next().unwrap_or(path).into();
        v["path"] = path.into();
        v["size"] = bytes.len().into();
        v["content"] = wrapped.into();
        Reply::json(200, v)
    }

    /// The bytes of `fixtures/github/<rel>` as a JSON body.
    pub fn fixture(status: u16, rel: &str) -> Reply {
        Reply::bytes(status, "application/json; charset=utf-8", fixture(rel))
    }

    /// No body.
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            hang: false,
        }
    }

    /// GitHub's error shape: `{"message": ..., "documentation_url": ...}`.
    pub fn github_error(status: u16, message: &str) -> Reply {
        Reply::json(
            status,
            serde_json::json!({
                "message": message,
                "documentation_url": "https://docs.github.com/rest",
            }),
        )
    }

    /// What an unregistered route answers.
    pub fn not_found() -> Reply {
        Reply::bytes(404, "application/json; charset=utf-8", NOT_FOUND_BODY)
    }

    /// Never answers while the test runs (the client's timeout fires first).
    pub fn hang() -> Reply {
        Reply {
            hang: true,
            ..Reply::status(200)
        }
    }

    /// Adds a response header (`retry-after`, `x-ratelimit-*`, `date`, ...).
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    fn template(&self) -> ResponseTemplate {
        let mut t = ResponseTemplate::new(self.status).set_body_bytes(self.body.clone());
        for (k, v) in &self.headers {
            t = t.append_header(k.as_str(), v.as_str());
        }
        if self.hang {
            t = t.set_delay(Duration::from_secs(3600));
        }
        t
    }
}

/// The bytes of `fixtures/github/<rel>`.
pub fn fixture(rel: &str) -> Vec<u8> {
    let path = format!("{}/fixtures/github/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read fixture {path}: {e}"))
}

/// `http://127.0.0.1:PORT` of a port that nobody listens on (connection
/// refused).
pub fn closed_url() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("http://127.0.0.1:{port}")
}

/// One request the mock received.
#[derive(Clone)]
pub struct Recorded {
    pub method: String,
    /// The path as received (with the mock's prefix), without the query.
    pub path: String,
    /// The raw query string, without `?` ("" when none).
    pub query: String,
    /// Header names in lower case; the `authorization` value is replaced by
    /// `present`.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    authorization: Option<String>,
    pairs: Vec<(String, String)>,
}

impl fmt::Debug for Recorded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorded")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

impl Recorded {
    fn of(req: &Request) -> Recorded {
        let mut headers = Vec::new();
        let mut authorization = None;
        for (k, v) in &req.headers {
            let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
            if k == http::header::AUTHORIZATION {
                authorization = Some(v);
                headers.push((k.as_str().to_string(), "present".to_string()));
            } else {
                headers.push((k.as_str().to_string(), v));
            }
        }
        Recorded {
            method: req.method.as_str().to_string(),
            path: req.url.path().to_string(),
            query: req.url.query().unwrap_or("").to_string(),
            headers,
            body: req.body.clone(),
            authorization,
            pairs: req.url.query_pairs().into_owned().collect(),
        }
    }

    /// The first value of a header (name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_all(name).into_iter().next()
    }

    /// Every value of a header, in order.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether an `Authorization` header came.
    pub fn has_auth(&self) -> bool {
        self.authorization.is_some()
    }

    /// Whether `Authorization` was exactly `Bearer <token>`.
    pub fn auth_is_bearer(&self, token: &str) -> bool {
        self.authorization.as_deref() == Some(format!("Bearer {token}").as_str())
    }

    /// Decoded query pairs.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.pairs.clone()
    }

    pub fn body_text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a UTF-8 body")
    }

    pub fn body_json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// An answer computed from the request and everything received before it.
type ReplyFn = dyn Fn(&Recorded, &[Recorded]) -> Reply + Send + Sync;

enum Replies {
    /// In turn; the last one repeats.
    Seq(Vec<Reply>),
    Computed(Box<ReplyFn>),
}

struct Route {
    method: String,
    path: String,
    query: Option<Vec<(String, String)>>,
    replies: Replies,
    served: usize,
}

#[derive(Default)]
struct State {
    routes: Mutex<Vec<Route>>,
    log: Mutex<Vec<Recorded>>,
}

/// The catch-all wiremock responder: records, then routes.
struct Router {
    state: Arc<State>,
    prefix: String,
}

impl Respond for Router {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let rec = Recorded::of(req);
        let reply = route(&self.state, &self.prefix, &rec);
        self.state.log.lock().unwrap().push(rec);
        reply.template()
    }
}

/// The mock server. Stops when dropped.
pub struct GhMock {
    server: Option<MockServer>,
    prefix: String,
    state: Arc<State>,
}

impl GhMock {
    /// A mock whose API root is `http://127.0.0.1:PORT`.
    pub fn start() -> GhMock {
        GhMock::start_with_prefix("")
    }

    /// A mock whose API root is `http://127.0.0.1:PORT{prefix}` (for GHES,
    /// `/api/v3`). Routes are registered relative to the prefix; a request
    /// outside it answers 404.
    pub fn start_with_prefix(prefix: &str) -> GhMock {
        let prefix = prefix.trim_end_matches('/').to_string();
        let state = Arc::new(State::default());
        let router = Router {
            state: state.clone(),
            prefix: prefix.clone(),
        };
        // wiremock's start is async and needs a tokio runtime; a thread of
        // its own works from sync and async tests alike. The server itself
        // runs on wiremock's own thread.
        let server = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let server = MockServer::builder().start().await;
                Mock::given(matchers::any())
                    .respond_with(router)
                    .mount(&server)
                    .await;
                server
            })
        })
        .join()
        .expect("the mock server starts");
        GhMock {
            server: Some(server),
            prefix,
            state,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.server.as_ref().unwrap().uri()
    }

    /// [`GhMock::url`] plus the prefix: the API root to give the client.
    pub fn api_url(&self) -> String {
        format!("{}{}", self.url(), self.prefix)
    }

    /// Answers `method path` (any query) with `reply`, every time.
    pub fn on(&self, method: &str, path: &str, reply: Reply) -> &Self {
        self.add(method, path, None, Replies::Seq(vec![reply]))
    }

    /// Answers `method path` with `replies` in turn; the last one repeats.
    pub fn on_seq(&self, method: &str, path: &str, replies: Vec<Reply>) -> &Self {
        assert!(!replies.is_empty(), "a route needs a reply");
        self.add(method, path, None, Replies::Seq(replies))
    }

    /// Answers `method path` with what `f` makes of the request and of the
    /// requests received before it (a server that remembers what it made).
    pub fn on_fn(
        &self,
        method: &str,
        path: &str,
        f: impl Fn(&Recorded, &[Recorded]) -> Reply + Send + Sync + 'static,
    ) -> &Self {
        self.add(method, path, None, Replies::Computed(Box::new(f)))
    }

    /// Answers `method path` only when the query holds every pair of
    /// `query` (`"page=2&per_page=100"`, any order). Routes with a query
    /// matcher win over routes without.
    pub fn on_query(&self, method: &str, path: &str, query: &str, reply: Reply) -> &Self {
        let pairs = url_pairs(query);
        self.add(method, path, Some(pairs), Replies::Seq(vec![reply]))
    }

    /// [`GhMock::on_query`] with replies in turn; the last one repeats.
    pub fn on_query_seq(
        &self,
        method: &str,
        path: &str,
        query: &str,
        replies: Vec<Reply>,
    ) -> &Self {
        assert!(!replies.is_empty(), "a route needs a reply");
        let pairs = url_pairs(query);
        self.add(method, path, Some(pairs), Replies::Seq(replies))
    }

    fn add(
        &self,
        method: &str,
        path: &str,
        query: Option<Vec<(String, String)>>,
        replies: Replies,
    ) -> &Self {
        self.state.routes.lock().unwrap().push(Route {
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
            query,
            replies,
            served: 0,
        });
        self
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.log.lock().unwrap().clone()
    }

    /// How many requests were received.
    pub fn count(&self) -> usize {
        self.state.log.lock().unwrap().len()
    }

    /// The only request received; panics unless there was exactly one.
    pub fn only_request(&self) -> Recorded {
        let log = self.requests();
        assert_eq!(log.len(), 1, "one request expected: {log:#?}");
        log.into_iter().next().unwrap()
    }
}

impl Drop for GhMock {
    fn drop(&mut self) {
        // Dropped on a thread of its own: wiremock's drop may block on its
        // state, which must not happen on a tokio test's worker.
        if let Some(server) = self.server.take() {
            let _ = std::thread::spawn(move || drop(server)).join();
        }
    }
}

fn route(state: &State, prefix: &str, req: &Recorded) -> Reply {
    let Some(path) = strip_prefix(&req.path, prefix) else {
        return Reply::not_found();
    };
    let mut routes = state.routes.lock().unwrap();
    let matching = |r: &Route| r.method == req.method && r.path == path;
    let with_query = routes.iter().position(|r| {
        matching(r)
            && r.query
                .as_ref()
                .is_some_and(|q| q.iter().all(|p| req.pairs.contains(p)))
    });
    let chosen =
        with_query.or_else(|| routes.iter().position(|r| matching(r) && r.query.is_none()));
    let Some(i) = chosen else {
        return Reply::not_found();
    };
    let r = &mut routes[i];
    r.served += 1;
    match &r.replies {
        Replies::Seq(replies) => replies[(r.served - 1).min(replies.len() - 1)].clone(),
        Replies::Computed(f) => f(req, &state.log.lock().unwrap()),
    }
}

fn strip_prefix<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    if prefix.is_empty() {
        return Some(path);
    }
    let rest = path.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// `a=1&b=x%20y` → decoded pairs (the same decoding as received queries).
fn url_pairs(q: &str) -> Vec<(String, String)> {
    let url = url::Url::parse(&format!("http://x/?{q}")).expect("a query");
    url.query_pairs().into_owned().collect()
}
