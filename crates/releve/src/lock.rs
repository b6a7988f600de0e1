//! Run locks: a stage (or a source within a stage) holds an exclusive `flock` on a file for as
//! long as it runs. The kernel drops the lock when the holder dies, even by `kill -9`, so a
//! crashed run never blocks the next one. A lock file is never opened through a symbolic
//! link: `raw/` may be a shared folder, and a link planted there would have the lock's pid
//! written over whatever file it leads to.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// A held lock; released when dropped or when the process ends.
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

impl RunLock {
    /// Takes the lock at `path` without waiting; `Ok(None)` when another process holds it.
    /// The holder's pid is written into the file for people looking at it, when it can be.
    /// A symbolic link at `path` is refused, not followed, as is anything else that is not a
    /// file (a named pipe would hold the run up until something read it).
    pub fn try_acquire(path: &Path) -> io::Result<Option<RunLock>> {
        Self::try_acquire_marked(path, None)
    }

    /// [`RunLock::try_acquire`], writing `mark` (a line) below the holder's pid, for the next
    /// run to read with [`text`].
    pub fn try_acquire_marked(path: &Path, mark: Option<&str>) -> io::Result<Option<RunLock>> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // The file locked must still be the one at `path`: one removed between its opening
        // and its locking (by hand, taken for a stale lock) would be a lock no other run sees.
        for _ in 0..MOST_TRIES {
            match Self::try_acquire_once(path, mark)? {
                Attempt::Held(lock) => return Ok(Some(lock)),
                Attempt::Busy => return Ok(None),
                Attempt::Moved => {}
            }
        }
        Err(io::Error::other(
            "the lock file was removed or replaced each time it was taken: is something deleting it?",
        ))
    }

    /// One try at the lock.
    fn try_acquire_once(path: &Path, mark: Option<&str>) -> io::Result<Attempt> {
        let opened = open_lock_file(
            OpenOptions::new().create(true).truncate(false).write(true),
            path,
        );
        // A lock file another user left (a stage run once with sudo) is locked as well read
        // only: the lock is the file's, not its content's, which then stays as it was.
        let (mut file, writable) = match opened {
            Ok(file) => (file, true),
            Err(err) if err.kind() == io::ErrorKind::PermissionDenied => {
                match open_lock_file(OpenOptions::new().read(true), path) {
                    Ok(file) => (file, false),
                    Err(_) => return Err(err),
                }
            }
            Err(err) => return Err(err),
        };
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Ok(Attempt::Busy),
            Err(std::fs::TryLockError::Error(err)) => return Err(err),
        }
        if !is_at(&file, path)? {
            return Ok(Attempt::Moved);
        }
        // For people only: a full disk leaves the file as it was, and the lock is held.
        if writable && file.set_len(0).is_ok() {
            let mark = mark.map(|mark| format!("{mark}\n")).unwrap_or_default();
            let _ = write!(file, "{}\n{mark}{HOLDER_NOTE}", std::process::id());
        }
        Ok(Attempt::Held(RunLock { _file: file }))
    }
}

/// Opens the lock file at `path` with `options`, never through a symbolic link, and refuses
/// anything that is not a file. `O_NONBLOCK`: a named pipe in the lock's place would otherwise
/// hold the run up, for ever, until something reads it (it changes nothing for a file).
fn open_lock_file(options: &mut OpenOptions, path: &Path) -> io::Result<File> {
    let file = options
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|err| match err.raw_os_error() {
            Some(libc::ELOOP) => io::Error::new(
                err.kind(),
                "it is a symbolic link, which a lock never follows (the lock would write over the file it leads to): remove it",
            ),
            // A named pipe no process reads.
            Some(libc::ENXIO) => not_a_file(),
            _ => err,
        })?;
    if !file.metadata()?.is_file() {
        return Err(not_a_file());
    }
    Ok(file)
}

/// What the lock file at `path` says (its last holder's pid, and its mark), if there is one
/// that can be read; never through a symbolic link.
pub fn text(path: &Path) -> Option<String> {
    let mut file = open_lock_file(OpenOptions::new().read(true), path).ok()?;
    let mut text = String::new();
    io::Read::read_to_string(&mut file, &mut text).ok()?;
    Some(text)
}

/// Whether a lock file's `text` holds its holder's pid alone, as a run of before
/// 4 December 2026 left it (later runs write a note below it). An empty file is not one:
/// `scripts/install-cron.sh` leaves it so in a new checkout, holding it while it builds.
pub fn pid_alone(text: &str) -> bool {
    text.trim().parse::<u32>().is_ok()
}

/// How many times a lock file removed under its taker is taken again.
const MOST_TRIES: usize = 10;

/// What the lock file says below its holder's pid, for whoever opens it.
const HOLDER_NOTE: &str = "The process above holds this lock while it runs; the system releases it when that process ends, even killed. Never delete this file: a run started meanwhile would not see the lock, and two runs would overlap.\n";

/// The outcome of one try at a lock.
enum Attempt {
    /// Taken.
    Held(RunLock),
    /// Another process holds it.
    Busy,
    /// The file locked is no longer the one at its path: try again.
    Moved,
}

/// Whether `file` is the file at `path` now (same device and inode).
fn is_at(file: &File, path: &Path) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let held = file.metadata()?;
    match std::fs::symlink_metadata(path) {
        Ok(there) => Ok(there.dev() == held.dev() && there.ino() == held.ino()),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(err) => Err(err),
    }
}

/// Whether a process holds the lock at `path` (`false` when there is no lock file). It looks by
/// taking the lock shared, without waiting, and letting it go at once: a run starting in that
/// instant finds it held (the collector waits such an instant out). Never creates the file,
/// nor follows a symbolic link at `path`.
pub fn is_held(path: &Path) -> io::Result<bool> {
    let file = match open_lock_file(OpenOptions::new().read(true), path) {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(err) => return Err(err),
    };
    match file.try_lock_shared() {
        Ok(()) => Ok(false),
        Err(std::fs::TryLockError::WouldBlock) => Ok(true),
        Err(std::fs::TryLockError::Error(err)) => Err(err),
    }
}

/// Why a named pipe, a device or a socket in a lock's place is not taken as one.
fn not_a_file() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "it is not a file (a named pipe, a device or a socket), which a lock never opens: remove it",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("summariser.lock");
        let first = RunLock::try_acquire(&path)
            .expect("lock file")
            .expect("first holder");
        assert!(RunLock::try_acquire(&path).expect("lock file").is_none());
        let said = std::fs::read_to_string(&path).expect("the lock file");
        assert!(
            said.starts_with(&format!("{}\n", std::process::id()))
                && said.contains("Never delete this file"),
            "its holder, and a word to whoever opens it: {said}"
        );
        drop(first);
        assert!(RunLock::try_acquire(&path).expect("lock file").is_some());
    }

    #[test]
    fn a_named_pipe_in_the_place_of_a_lock_is_refused_without_waiting() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(".lock");
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .expect("mkfifo runs");
        assert!(made.success(), "mkfifo");
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = sender.send(RunLock::try_acquire(&path).map(|lock| lock.is_some()));
        });
        let taken = receiver
            .recv_timeout(std::time::Duration::from_secs(5))
            .expect("a named pipe never holds the run up");
        let err = taken.expect_err("a named pipe is not a lock");
        assert_eq!(
            err.to_string(),
            "it is not a file (a named pipe, a device or a socket), which a lock never opens: remove it"
        );
    }

    #[test]
    fn a_symbolic_link_in_the_place_of_a_lock_is_refused_and_its_target_left_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let elsewhere = dir.path().join("notes.txt");
        std::fs::write(&elsewhere, "someone's notes\n").expect("write");
        let path = dir.path().join(".lock");
        std::os::unix::fs::symlink(&elsewhere, &path).expect("link");
        let err = RunLock::try_acquire(&path).expect_err("a link is not a lock");
        assert_eq!(
            err.to_string(),
            "it is a symbolic link, which a lock never follows (the lock would write over the file it leads to): remove it"
        );
        assert_eq!(
            std::fs::read_to_string(&elsewhere).expect("read"),
            "someone's notes\n",
            "the file the link leads to is untouched"
        );
        let dangling = dir.path().join("summariser.lock");
        std::os::unix::fs::symlink(dir.path().join("made-elsewhere"), &dangling).expect("link");
        assert!(RunLock::try_acquire(&dangling).is_err());
        assert!(
            !dir.path().join("made-elsewhere").exists(),
            "no file is made where a dangling link leads"
        );
    }
}
