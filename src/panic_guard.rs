//! The last line of defence: a panic anywhere ends the process with exit code
//! 2 ("could not evaluate") and one line on stderr, never 101 and a
//! backtrace. In CI a 101 reads as "the gate broke"; here it reads as the
//! gate failing closed, with the reason. Causes are still fixed where they
//! are; this only decides how an unforeseen one ends.

use std::any::Any;
use std::io::Write;
use std::panic::PanicHookInfo;

/// The exit code of a panic: the same as any error that stops an evaluation.
const PANIC_EXIT: i32 = 2;

/// Replaces the default panic hook (message, `RUST_BACKTRACE` hint, exit 101
/// on the main thread) with one that prints [`message`] and exits with
/// [`PANIC_EXIT`], from whichever thread panicked.
pub fn install_panic_guard() {
    std::panic::set_hook(Box::new(|info: &PanicHookInfo<'_>| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()));
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{}", message(info.payload(), at.as_deref()));
        let _ = err.flush();
        std::process::exit(PANIC_EXIT);
    }));
}

/// One line for a panic payload: what went wrong, where, and that the gate
/// failed closed.
fn message(payload: &(dyn Any + Send), at: Option<&str>) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown cause");
    // One line, whatever the payload holds (it may quote user input).
    let what = crate::report::escape::text(what);
    match at {
        Some(at) => format!(
            "contract-gate: internal error ({what}, at {at}); nothing was judged (exit {PANIC_EXIT}). Please report this."
        ),
        None => format!(
            "contract-gate: internal error ({what}); nothing was judged (exit {PANIC_EXIT}). Please report this."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_cause_and_place_on_one_line() {
        let p: Box<dyn Any + Send> = Box::new("index out of bounds");
        assert_eq!(
            message(p.as_ref(), Some("src/x.rs:3")),
            "contract-gate: internal error (index out of bounds, at src/x.rs:3); nothing was judged (exit 2). Please report this."
        );
        let p: Box<dyn Any + Send> = Box::new(String::from("bad\n::error::forged"));
        let m = message(p.as_ref(), None);
        assert_eq!(m.lines().count(), 1);
        assert!(m.contains("bad\\n::error::forged"));
        let p: Box<dyn Any + Send> = Box::new(42_u8);
        assert!(message(p.as_ref(), None).contains("(unknown cause)"));
    }
}
