//! The token, and the one place its text is scrubbed out of errors.

use std::fmt;

/// A token that never prints: Debug and Display show "***".
#[derive(Clone)]
pub struct Token(String);

impl Token {
    pub fn new(s: impl Into<String>) -> Token {
        Token(s.into())
    }

    /// The token itself, for the one place that sends it.
    pub(super) fn expose(&self) -> &str {
        &self.0
    }

    /// The token trimmed (a newline from a file), or None when blank.
    pub(crate) fn normalised(self) -> Option<Token> {
        let t = self.0.trim();
        (!t.is_empty()).then(|| Token(t.to_string()))
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

/// Removes the token from text on its way into an error. Every text an
/// error holds (GitHub's message, a transport error, a path, the URL) passes
/// through [`Scrubber::clean`] once, where it is made.
#[derive(Clone, Default)]
pub(crate) struct Scrubber(Option<Token>);

impl Scrubber {
    pub(crate) fn new(token: Option<&Token>) -> Scrubber {
        Scrubber(token.cloned())
    }

    pub(crate) fn clean(&self, text: &str) -> String {
        match &self.0 {
            Some(t) if !t.expose().is_empty() => text.replace(t.expose(), "***"),
            _ => text.to_string(),
        }
    }
}
