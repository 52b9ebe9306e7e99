//! Reading untrusted PDF and Word files in a child process with bounded memory and time, so
//! that a hostile file (a decompression bomb, a reader that loops) costs one refused file and
//! never the server or the rest of an import run.
//!
//! The child is the `mandates` binary itself, started as `mandates read-source`: it reads the
//! document on standard input, writes its text on standard output, and says why it refused
//! on standard error. The parent sets the limits (address space, CPU time, no core file)
//! before the child runs, kills it after a wall-clock timeout, and turns the way it ended
//! into a one-line reason. Plain text never leaves the process: its reader is our own code,
//! linear and fuzzed.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use crate::resolution::{self, MAX_SOURCE_BYTES, SourceError, SourceType};

/// The hidden subcommand that runs the reader child (see [`run_child`]).
pub const CHILD_COMMAND: &str = "read-source";

/// The child's exit code when it refused the document; its reason is on standard error.
const EXIT_REFUSED: u8 = 2;

/// How and with what limits PDF and Word files are read.
#[derive(Debug, Clone)]
pub struct DocumentReader {
    /// The `mandates` binary to start as the reader child.
    pub program: PathBuf,
    /// The most memory (address space) the child may use, in MiB.
    pub memory_mib: u64,
    /// The most CPU time the child may use, in seconds; the wall-clock limit is twice that.
    pub cpu_seconds: u64,
}

/// The default memory limit: reading any resolution PDF of the corpus peaks at about 32 MiB.
pub const DEFAULT_MEMORY_MIB: u64 = 512;
/// The default CPU limit: the slowest resolution PDF of the corpus reads in about 1 s in a
/// debug build.
pub const DEFAULT_CPU_SECONDS: u64 = 10;

impl Default for DocumentReader {
    /// This very binary as the child; in a test binary, set `program` to the `mandates` binary.
    fn default() -> Self {
        Self {
            program: std::env::current_exe().unwrap_or_else(|_| PathBuf::from("mandates")),
            memory_mib: DEFAULT_MEMORY_MIB,
            cpu_seconds: DEFAULT_CPU_SECONDS,
        }
    }
}

/// Why a document was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The reader refused it (empty, binary, damaged, no text layer...).
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The reader child said why it refused (the message of a [`SourceError`]).
    #[error("{0}")]
    Refused(String),
    #[error(
        "the {kind} expands beyond {mib} MiB of memory when read (a decompression bomb?): \
         refused; if it is a genuine resolution, import its text or Word version"
    )]
    TooMuchMemory { kind: &'static str, mib: u64 },
    #[error(
        "the {kind} takes more than {seconds} s to read: refused; if it is a genuine resolution, \
         import its text or Word version"
    )]
    TooSlow { kind: &'static str, seconds: u64 },
    #[error(
        "the {kind} is damaged or uses features the reader does not know (the reader stopped: \
         {how}); import its text or Word version"
    )]
    Crashed { kind: &'static str, how: String },
    #[error("cannot start the document reader {program}: {error}; check that it exists")]
    Spawn { program: String, error: String },
}

impl DocumentReader {
    /// The text of a source file, with its type: plain text here, PDF and Word in a limited
    /// child process. Blocks until the child is done (call it on a blocking thread).
    pub fn read_source(&self, bytes: &[u8]) -> Result<(SourceType, String), ReadError> {
        if bytes.len() as u64 > MAX_SOURCE_BYTES {
            return Err(SourceError::TooLarge {
                size: bytes.len() as u64,
                limit: MAX_SOURCE_BYTES,
            }
            .into());
        }
        let kind = resolution::detect_source_type(bytes);
        let name = match kind {
            SourceType::Text => return Ok(resolution::source_text(bytes)?),
            SourceType::Pdf => "PDF",
            SourceType::Docx => "Word file",
        };
        let text = self.read_in_child(bytes, name)?;
        Ok((kind, text))
    }

    fn read_in_child(&self, bytes: &[u8], kind: &'static str) -> Result<String, ReadError> {
        use std::os::unix::process::{CommandExt, ExitStatusExt};
        let memory = self.memory_mib.saturating_mul(1024 * 1024);
        let cpu = self.cpu_seconds.max(1);
        let mut command = Command::new(&self.program);
        command
            .arg(CHILD_COMMAND)
            .env_clear()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // SAFETY: between fork and exec only setrlimit runs, a plain system call that
        // allocates nothing and takes no lock.
        unsafe {
            command.pre_exec(move || {
                use nix::sys::resource::{Resource, setrlimit};
                setrlimit(Resource::RLIMIT_AS, memory, memory)?;
                // SIGXCPU at the soft limit, SIGKILL a second later should it be caught.
                setrlimit(Resource::RLIMIT_CPU, cpu, cpu + 1)?;
                // A reader that aborts must not write a core file the size of its memory.
                setrlimit(Resource::RLIMIT_CORE, 0, 0)?;
                Ok(())
            });
        }
        let mut child = command.spawn().map_err(|e| ReadError::Spawn {
            program: self.program.display().to_string(),
            error: e.to_string(),
        })?;
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let mut stdout = child.stdout.take().expect("stdout is piped");
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let (done, finished) = std::sync::mpsc::channel();
        let text_limit = memory;
        let result = std::thread::scope(|scope| {
            // A child that stops reading ends this write with a broken pipe; its exit says why.
            scope.spawn(move || {
                let _ = stdin.write_all(bytes);
            });
            let errors = scope.spawn(move || {
                let mut message = Vec::new();
                let _ = (&mut stderr).take(64 * 1024).read_to_end(&mut message);
                String::from_utf8_lossy(&message).into_owned()
            });
            scope.spawn(move || {
                let mut text = Vec::new();
                let read = (&mut stdout).take(text_limit).read_to_end(&mut text);
                // The child's end of the pipe closes when it exits (or is killed).
                let _ = done.send(read.map(|_| text));
            });
            let wall = Duration::from_secs(cpu * 2);
            let output = finished.recv_timeout(wall);
            let timed_out = output.is_err();
            if timed_out {
                // Not yet waited for, so the pid is still this child's.
                let _ = child.kill();
            }
            let status = child.wait();
            let output = match output {
                Ok(output) => output,
                Err(_) => finished.recv().unwrap_or_else(|_| Ok(Vec::new())),
            };
            let message = errors.join().unwrap_or_default();
            (timed_out, status, output, message)
        });
        let (timed_out, status, output, message) = result;
        let too_slow = ReadError::TooSlow {
            kind,
            seconds: self.cpu_seconds,
        };
        if timed_out {
            return Err(too_slow);
        }
        let status = status.map_err(|e| ReadError::Crashed {
            kind,
            how: e.to_string(),
        })?;
        let last_line = message
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
            .to_string();
        // What Rust prints when an allocation fails, here because of RLIMIT_AS, then aborts.
        if message.contains("memory allocation of") {
            return Err(ReadError::TooMuchMemory {
                kind,
                mib: self.memory_mib,
            });
        }
        match (status.code(), status.signal()) {
            (Some(0), _) => {
                let text = output.map_err(|e| ReadError::Crashed {
                    kind,
                    how: e.to_string(),
                })?;
                String::from_utf8(text).map_err(|_| ReadError::Crashed {
                    kind,
                    how: "its text is not UTF-8".into(),
                })
            }
            (Some(code), _) if code == i32::from(EXIT_REFUSED) && !last_line.is_empty() => {
                Err(ReadError::Refused(last_line))
            }
            (_, Some(signal))
                if signal == nix::sys::signal::Signal::SIGXCPU as i32
                    || signal == nix::sys::signal::Signal::SIGKILL as i32 =>
            {
                Err(too_slow)
            }
            (_, Some(signal)) if message.contains("has overflowed its stack") => {
                Err(ReadError::Crashed {
                    kind,
                    how: format!("it nests too deeply, signal {signal}"),
                })
            }
            (code, signal) => Err(ReadError::Crashed {
                kind,
                how: match (code, signal) {
                    (_, Some(signal)) => format!("signal {signal}"),
                    (Some(code), _) if last_line.is_empty() => format!("exit code {code}"),
                    (Some(code), _) => format!("exit code {code}, {last_line}"),
                    (None, None) => "unknown".into(),
                },
            }),
        }
    }
}

/// The body of `mandates read-source`: the document on standard input, its text on standard
/// output, or the reason it is refused on standard error with exit code 2. Runs before the
/// async runtime, `.env` and logging: it needs nothing but its input.
pub fn run_child() -> ExitCode {
    // The readers' panics are caught and reported as a damaged file; their message would
    // only add noise before the one-line reason.
    std::panic::set_hook(Box::new(|_| {}));
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin()
        .take(MAX_SOURCE_BYTES + 1)
        .read_to_end(&mut bytes)
    {
        eprintln!("cannot read the document: {e}");
        return ExitCode::from(EXIT_REFUSED);
    }
    let text = match std::panic::catch_unwind(|| resolution::source_text(&bytes)) {
        Ok(Ok((_, text))) => text,
        Ok(Err(e)) => {
            eprintln!("{e}");
            return ExitCode::from(EXIT_REFUSED);
        }
        Err(_) => {
            eprintln!(
                "the file is damaged or uses features the reader does not know: \
                 import its text version"
            );
            return ExitCode::from(EXIT_REFUSED);
        }
    };
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}
