//! A local HTTP/1.1 server that answers like GitHub's REST API, for tests.
//!
//! One background thread accepts on `127.0.0.1:0`; each connection gets a
//! thread that reads one request (request line, headers, a `Content-Length`
//! or chunked body), records it, and answers with `Connection: close`.
//! Routes are registered by the test; unregistered routes answer GitHub's
//! 404 JSON and are recorded too. Dropping the mock stops the server.
//!
//! ```ignore
//! let mock = GhMock::start();
//! mock.on("GET", "/repos/o/r/pulls/42", Reply::fixture(200, "rest/pull-request.get.json"));
//! mock.on_seq("GET", "/x", vec![Reply::status(502), Reply::json(200, json!({}))]);
//! let api = Api::new(&mock.api_url(), None, policy)?;
//! ```

use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;

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
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            hang: false,
        }
    }

    /// Plain text, as `Accept: application/vnd.github.raw+json` gets it.
    pub fn text(status: u16, body: &str) -> Reply {
        Reply::bytes(status, "text/plain; charset=utf-8", body)
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

    /// Never answers: holds the connection until the mock is dropped.
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
    /// Header names in lower case, in the order received; the
    /// `authorization` value is replaced by `present`.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    authorization: Option<String>,
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
        parse_query(&self.query)
    }

    pub fn body_text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a UTF-8 body")
    }

    pub fn body_json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

struct Route {
    method: String,
    path: String,
    query: Option<Vec<(String, String)>>,
    replies: Vec<Reply>,
    served: usize,
}

#[derive(Default)]
struct State {
    routes: Mutex<Vec<Route>>,
    log: Mutex<Vec<Recorded>>,
    shutdown: AtomicBool,
    /// Hanging replies wait on this until shutdown.
    released: Mutex<bool>,
    release: Condvar,
}

/// The mock server. Stops when dropped.
pub struct GhMock {
    addr: SocketAddr,
    prefix: String,
    state: Arc<State>,
    acceptor: Option<JoinHandle<()>>,
    conns: Arc<Mutex<Vec<JoinHandle<()>>>>,
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
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let prefix = prefix.trim_end_matches('/').to_string();
        let state = Arc::new(State::default());
        let conns: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let acceptor = {
            let (state, conns, prefix) = (state.clone(), conns.clone(), prefix.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if state.shutdown.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (state, prefix) = (state.clone(), prefix.clone());
                    let h = std::thread::spawn(move || serve(stream, &state, &prefix));
                    conns.lock().unwrap().push(h);
                }
            })
        };
        GhMock {
            addr,
            prefix,
            state,
            acceptor: Some(acceptor),
            conns,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// [`GhMock::url`] plus the prefix: the API root to give the client.
    pub fn api_url(&self) -> String {
        format!("{}{}", self.url(), self.prefix)
    }

    /// Answers `method path` (any query) with `reply`, every time.
    pub fn on(&self, method: &str, path: &str, reply: Reply) -> &Self {
        self.add(method, path, None, vec![reply])
    }

    /// Answers `method path` with `replies` in turn; the last one repeats.
    pub fn on_seq(&self, method: &str, path: &str, replies: Vec<Reply>) -> &Self {
        self.add(method, path, None, replies)
    }

    /// Answers `method path` only when the query holds every pair of
    /// `query` (`"page=2&per_page=100"`, any order). Routes with a query
    /// matcher win over routes without.
    pub fn on_query(&self, method: &str, path: &str, query: &str, reply: Reply) -> &Self {
        self.add(method, path, Some(parse_query(query)), vec![reply])
    }

    fn add(
        &self,
        method: &str,
        path: &str,
        query: Option<Vec<(String, String)>>,
        replies: Vec<Reply>,
    ) -> &Self {
        assert!(!replies.is_empty(), "a route needs a reply");
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
        self.state.shutdown.store(true, Ordering::SeqCst);
        *self.state.released.lock().unwrap() = true;
        self.state.release.notify_all();
        // Wake the acceptor; it sees the flag and stops.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(h) = self.acceptor.take() {
            let _ = h.join();
        }
        let handles: Vec<_> = self.conns.lock().unwrap().drain(..).collect();
        for h in handles {
            let _ = h.join();
        }
    }
}

/// One connection: read a request, record it, answer, close.
fn serve(stream: TcpStream, state: &State, prefix: &str) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let Some(req) = read_request(&mut reader) else {
        return;
    };
    let reply = route(state, prefix, &req);
    state.log.lock().unwrap().push(req);
    if reply.hang {
        let mut released = state.released.lock().unwrap();
        while !*released {
            released = state.release.wait(released).unwrap();
        }
        return;
    }
    let _ = write_reply(stream, &reply);
}

fn route(state: &State, prefix: &str, req: &Recorded) -> Reply {
    let Some(path) = strip_prefix(&req.path, prefix) else {
        return Reply::not_found();
    };
    let pairs = req.query_pairs();
    let mut routes = state.routes.lock().unwrap();
    let matching = |r: &Route| r.method == req.method && r.path == path;
    let with_query = routes.iter().position(|r| {
        matching(r)
            && r.query
                .as_ref()
                .is_some_and(|q| q.iter().all(|p| pairs.contains(p)))
    });
    let chosen =
        with_query.or_else(|| routes.iter().position(|r| matching(r) && r.query.is_none()));
    match chosen {
        Some(i) => {
            let r = &mut routes[i];
            let reply = r.replies[r.served.min(r.replies.len() - 1)].clone();
            r.served += 1;
            reply
        }
        None => Reply::not_found(),
    }
}

fn strip_prefix<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    if prefix.is_empty() {
        return Some(path);
    }
    let rest = path.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Recorded> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    let mut authorization = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end_matches(['\r', '\n']);
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_string());
        if k == "authorization" {
            authorization = Some(v);
            headers.push((k, "present".to_string()));
        } else {
            headers.push((k, v));
        }
    }
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let body = if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        read_chunked(reader)?
    } else {
        let len: usize = find("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        reader.read_exact(&mut body).ok()?;
        body
    };
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target, String::new()),
    };
    Some(Recorded {
        method,
        path,
        query,
        headers,
        body,
        authorization,
    })
}

fn read_chunked(reader: &mut BufReader<TcpStream>) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        reader.read_line(&mut size).ok()?;
        let size = usize::from_str_radix(size.trim().split(';').next()?, 16).ok()?;
        if size == 0 {
            // Trailers, up to the blank line.
            loop {
                let mut t = String::new();
                if reader.read_line(&mut t).ok()? == 0 || t.trim().is_empty() {
                    return Some(body);
                }
            }
        }
        let mut chunk = vec![0; size + 2];
        reader.read_exact(&mut chunk).ok()?;
        chunk.truncate(size);
        body.extend_from_slice(&chunk);
    }
}

fn write_reply(mut stream: TcpStream, reply: &Reply) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        reply.body.len()
    ));
    stream.write_all(head.as_bytes())?;
    stream.write_all(&reply.body)?;
    stream.flush()?;
    stream.shutdown(std::net::Shutdown::Write)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// `a=1&b=x%20y` → pairs, percent- and `+`-decoded.
fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                out.push(hi * 16 + lo);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
