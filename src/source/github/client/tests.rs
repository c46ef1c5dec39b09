use super::*;
use crate::source::github::transport::Response;

const SECRET: &str = "ghp_UNIT_TEST_SECRET_4f9c2a7d1e";

fn api() -> Api {
    Api::new(
        "https://ghe.example.com/api/v3/",
        Some(Token::new(format!("  {SECRET}\n"))),
        RetryPolicy::default(),
    )
    .unwrap()
}

fn resp(status: u16, body: &str) -> Response {
    Response {
        status,
        headers: http::HeaderMap::new(),
        body: body.to_string(),
    }
}

/// Errors made from texts that echo the token (GitHub's message, the path,
/// the URL), and the Debug of Api and Token, never show it.
#[test]
fn token_never_printed() {
    let api = api();
    let echo = format!("{{\"message\":\"bad credentials {SECRET}\"}}");
    let path = format!("/repos/o/r/contents/{SECRET}");
    let get = Ask::get(false);
    let post = Ask::send(Method::Post, false);
    let fail = |o: Outcome| match o {
        Outcome::Fail(e) => e,
        _ => panic!("not a failure"),
    };
    let policy = RetryPolicy::default;
    let errors: Vec<ApiError> = vec![
        Api::new(
            &format!("ftp://{SECRET}"),
            Some(Token::new(SECRET)),
            policy(),
        )
        .unwrap_err(),
        Api::new(
            &format!("https://x:{SECRET}@h"),
            Some(Token::new(SECRET)),
            policy(),
        )
        .unwrap_err(),
        Api::new(
            PUBLIC_API_URL,
            Some(Token::new(format!("{SECRET} x"))),
            policy(),
        )
        .unwrap_err(),
        api.target(&format!("https://elsewhere.example/{SECRET}"), &[])
            .unwrap_err(),
        fail(api.judge(get, &path, &resp(401, &echo))),
        fail(api.judge(post, &path, &resp(403, &echo))),
        api.not_found(Method::Get, &path),
        fail(api.judge(get, &path, &resp(422, &echo))),
        api.decode::<u32>(Method::Get, &path, &echo).unwrap_err(),
        api.failure_text(Method::Get, &path, Failure::Invalid(SECRET.into()))
            .unwrap_err(),
        api.gave_up(Method::Get, &path, Some(502), "m".into(), 4, "s".into()),
        api.gave_up(Method::Get, &path, None, "m".into(), 4, "s".into()),
    ];
    for e in &errors {
        let shown = format!("{e} | {e:?}");
        assert!(!shown.contains(SECRET), "token in {shown}");
    }
    assert_eq!(
        api.failure_text(Method::Get, &path, Failure::Transport(SECRET.into()))
            .unwrap(),
        "***"
    );
    match api.judge(get, &path, &resp(502, &echo)) {
        Outcome::Retry { message, .. } => assert_eq!(message, "bad credentials ***"),
        _ => panic!("a 502 is retried"),
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
    assert_eq!(
        api.inner.token.as_ref().map(Token::expose),
        Some(SECRET),
        "the token is trimmed, not lost"
    );
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

/// Without a token, `require_token` fails at once naming every way to get one.
#[test]
fn require_token() {
    let none = Api::new(PUBLIC_API_URL, None, RetryPolicy::default()).unwrap();
    let e = none.require_token().unwrap_err().to_string();
    for way in ["GITHUB_TOKEN", "GH_TOKEN", "--token", "gh auth login"] {
        assert!(e.contains(way), "{e}");
    }
    assert!(api().require_token().is_ok());
}

/// An empty body's reason phrase comes from `http`.
#[test]
fn reason_phrases() {
    assert_eq!(resp(502, "").message(), "Bad Gateway");
    assert_eq!(resp(418, "").message(), "I'm a teapot");
    assert_eq!(resp(599, "").message(), "no message");
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
    send(&api.post_json_once::<Value>("/x", &Value::Null));
    send(&api.patch_json::<Value>("/x", &Value::Null));
    fn sync<T: Send + Sync + 'static>() {}
    sync::<Api>();
}
