//! Run locks: a stage (or a source within a stage) holds an exclusive `flock` on a file for as
//! long as it runs. The kernel drops the lock when the holder dies, even by `kill -9`, so a
//! crashed run never blocks the next one.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// A held lock; released when dropped or when the process ends.
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

impl RunLock {
    /// Takes the lock at `path` without waiting; `Ok(None)` when another process holds it.
    /// The holder's pid is written into the file for people looking at it, when it can be.
    pub fn try_acquire(path: &Path) -> io::Result<Option<RunLock>> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
            Err(std::fs::TryLockError::Error(err)) => return Err(err),
        }
        // For people only: a full disk leaves the file as it was, and the lock is held.
        if file.set_len(0).is_ok() {
            let _ = writeln!(file, "{}", std::process::id());
        }
        Ok(Some(RunLock { _file: file }))
    }
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
        drop(first);
        assert!(RunLock::try_acquire(&path).expect("lock file").is_some());
    }
}
