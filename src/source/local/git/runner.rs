//! Starting `git`: one command builder with the settings every call gets,
//! the runs of [`Git`] every `git` of this crate goes through (the local
//! source, the seam's plumbing, the agent's hooks and `setup`), and the
//! byte helpers their output is read with.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::{Git, GitError};

/// Variables that would point `git` at another repository than the one the
/// directory is in (set when running inside a hook, say): removed from every
/// git this crate starts.
pub(super) const REPO_ENV: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_PREFIX",
    "GIT_NAMESPACE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_QUARANTINE_PATH",
];

/// `git`, found on PATH once per process: a check starts several git
/// processes, and a bare name makes each start try every PATH directory
/// in turn. Only absolute directories are searched: a relative one (`.`,
/// or an empty entry) would find a `git` in the repository being judged.
/// None found: the bare name, and spawning says git is missing.
pub(crate) fn git_program() -> Command {
    static FOUND: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    Command::new(FOUND.get_or_init(|| {
        std::env::var_os("PATH")
            .iter()
            .flat_map(std::env::split_paths)
            .filter(|dir| dir.is_absolute())
            .map(|dir| dir.join("git"))
            .find(|p| executable(p))
            .unwrap_or_else(|| PathBuf::from("git"))
    }))
}

#[cfg(unix)]
fn executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn executable(p: &Path) -> bool {
    p.is_file()
}

/// A `git` command with the settings every call gets (the local source, the
/// seam's plumbing and the agent's hooks all start git through this).
pub(crate) fn git_command(cwd: &Path) -> Command {
    let mut cmd = git_program();
    cmd.current_dir(cwd)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Raw UTF-8 names; no signature checks or rename following in `log`.
        .args([
            "-c",
            "core.quotepath=false",
            "-c",
            "log.showSignature=false",
            "-c",
            "log.follow=false",
        ]);
    for var in REPO_ENV {
        cmd.env_remove(var);
    }
    cmd
}

pub(super) fn stderr_text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).trim().to_string()
}

/// The first line of the output, without its line end (a path may end with
/// spaces, so only the newline is removed).
pub(super) fn first_line(bytes: &[u8]) -> &[u8] {
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or(&[]);
    line.strip_suffix(b"\r").unwrap_or(line)
}

pub(super) fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(unix)]
pub(super) fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
pub(super) fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

/// `:(literal)path`: the name matches itself only (no globs, no magic).
pub(super) fn literal(path: &str) -> String {
    format!(":(literal){path}")
}

/// The arguments of a run, as the errors show them.
fn shown<S: AsRef<OsStr>>(args: &[S]) -> String {
    args.iter()
        .map(|a| a.as_ref().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A failed git run as an error: git's words, or how it ended when it said
/// nothing.
pub fn failed<S: AsRef<OsStr>>(args: &[S], out: &Output) -> GitError {
    let mut stderr = stderr_text(out);
    if stderr.is_empty() {
        stderr = match out.status.code() {
            Some(code) => format!("exit code {code}"),
            None => "killed by a signal".to_string(),
        };
    }
    GitError::Failed {
        args: shown(args),
        stderr,
    }
}

fn start_error<S: AsRef<OsStr>>(args: &[S]) -> impl FnOnce(std::io::Error) -> GitError + '_ {
    move |source| GitError::Start {
        args: shown(args),
        source,
    }
}

/// The one way this crate runs `git`: the local source, the seam's
/// plumbing and the agent's hooks all start it through these, in the
/// repository whose work tree root is [`Git::root`].
impl Git {
    /// A runner in the repository whose work tree root is `root` (no `git`
    /// process is started).
    pub fn new(root: &Path) -> Git {
        Git::at_root(root.to_path_buf())
    }

    /// A `git` command in the root with the common settings.
    pub fn command(&self) -> Command {
        git_command(&self.root)
    }

    /// Runs git in the root and returns its output, whatever the exit code.
    pub fn output<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Output, GitError> {
        self.command()
            .args(args)
            .output()
            .map_err(start_error(args))
    }

    /// Runs git in the root with `input` on its standard input, whatever the
    /// exit code. The input is written from a thread while the output is
    /// read: git may fill its output pipe before it has read all its input
    /// (100,000 paths to `check-attr`), and both would wait for ever.
    pub fn output_with_input<S: AsRef<OsStr>>(
        &self,
        args: &[S],
        input: &[u8],
    ) -> Result<Output, GitError> {
        use std::io::Write as _;
        let mut child = self
            .command()
            .args(args)
            .stdin(Stdio::piped())
            .spawn()
            .map_err(start_error(args))?;
        let stdin = child.stdin.take();
        std::thread::scope(|s| {
            // A write error (git exited early) shows in the exit status.
            s.spawn(move || stdin.map(|mut i| i.write_all(input)));
            child.wait_with_output().map_err(start_error(args))
        })
    }

    /// Runs git in the root; a non-zero exit is [`GitError::Failed`].
    pub fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Vec<u8>, GitError> {
        succeeded(args, self.output(args)?)
    }

    /// [`Git::output_with_input`]; a non-zero exit is [`GitError::Failed`].
    pub fn run_with_input<S: AsRef<OsStr>>(
        &self,
        args: &[S],
        input: &[u8],
    ) -> Result<Vec<u8>, GitError> {
        succeeded(args, self.output_with_input(args, input)?)
    }

    /// The first line of a successful run, trimmed.
    pub fn line<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<String, GitError> {
        Ok(lossy(first_line(&self.run(args)?)).trim().to_string())
    }
}

fn succeeded<S: AsRef<OsStr>>(args: &[S], out: Output) -> Result<Vec<u8>, GitError> {
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(failed(args, &out))
    }
}

impl Git {
    /// Runs git in the root and hands each NUL-ended field of its output to
    /// `field` as it arrives, so reading a long listing overlaps with git
    /// still writing it. A non-zero exit is [`GitError::Failed`].
    pub(crate) fn run_fields<S: AsRef<OsStr>>(
        &self,
        args: &[S],
        mut field: impl FnMut(&[u8]),
    ) -> Result<(), GitError> {
        use std::io::Read as _;
        let mut child = self
            .command()
            .args(args)
            .spawn()
            .map_err(start_error(args))?;
        // stderr is drained beside stdout: a full stderr pipe would stall git.
        let mut stderr = child.stderr.take();
        let errors = std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(e) = stderr.as_mut() {
                let _ = e.read_to_end(&mut text);
            }
            text
        });
        // Fields are handed out as slices of one buffer: no allocation per
        // field. A field cut by the end of a read waits for the next one.
        let read = (|| -> std::io::Result<()> {
            let Some(mut out) = child.stdout.take() else {
                return Ok(());
            };
            let mut buf = vec![0u8; 1 << 16];
            let (mut start, mut end) = (0, 0);
            loop {
                if end == buf.len() {
                    if start > 0 {
                        buf.copy_within(start..end, 0);
                        (start, end) = (0, end - start);
                    } else {
                        buf.resize(buf.len() * 2, 0);
                    }
                }
                let n = out.read(&mut buf[end..])?;
                if n == 0 {
                    if start < end {
                        field(&buf[start..end]);
                    }
                    return Ok(());
                }
                let scan = end;
                end += n;
                let mut from = start;
                for i in memchr::memchr_iter(0, &buf[scan..end]) {
                    field(&buf[from..scan + i]);
                    from = scan + i + 1;
                }
                start = from;
            }
        })();
        let status = child.wait().map_err(start_error(args))?;
        let stderr = errors.join().unwrap_or_default();
        read.map_err(start_error(args))?;
        if status.success() {
            Ok(())
        } else {
            let out = Output {
                status,
                stdout: Vec::new(),
                stderr,
            };
            Err(failed(args, &out))
        }
    }
}
