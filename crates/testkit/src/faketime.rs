//! A program run at another clock, through libfaketime preloaded (the `faketime` package;
//! `scripts/test.sh` installs it). Not through the `faketime` wrapper: it creates a semaphore
//! `/faketime_sem_<its pid>` exclusively and leaves it behind when it is killed, so a later
//! wrapper given that pid again (pids wrap at 32,768 on many machines) fails at once with
//! "faketime: sem_open: File exists" instead of running the test's program.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::Command;

/// libfaketime's library, where Debian's, Ubuntu's or Fedora's package puts it.
pub fn library() -> PathBuf {
    let candidates = [
        "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib64/faketime/libfaketime.so.1",
        "/usr/lib/faketime/libfaketime.so.1",
    ];
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|path| path.exists())
        .expect("libfaketime.so.1 (install the `faketime` package)")
}

/// `program` whose clock starts at `instant` (`YYYY-MM-DD HH:MM:SS`, UTC) and runs on from
/// there, as `faketime -f '@instant' program` runs it; the monotonic clock left true, so that
/// timeouts and waits keep their length. Each process it starts begins at `instant` too.
pub fn command(program: impl AsRef<OsStr>, instant: &str) -> Command {
    let mut command = Command::new(program);
    command
        .env("LD_PRELOAD", library())
        .env("FAKETIME", format!("@{instant}"))
        .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
        // libfaketime reads the instant in the local zone.
        .env("TZ", "UTC");
    command
}
