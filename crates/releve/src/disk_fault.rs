//! What to do when a file cannot be created for a reason of its disk, said alike by each stage
//! and by `analyser status`.

use std::io;

/// What to do about a folder in which a file could not be created for `err`, when the cause
/// is its disk's: full (of bytes, or of inodes, which `df -h` does not show), its user's
/// quota reached (an NFS home, while `df` shows the server's space free), a file past the
/// size limit of the process (`ulimit -f`), or mounted read-only (as Linux does to a disk
/// after an error). `None` for other causes (permissions, a path that is not a folder),
/// which the caller knows better.
pub fn advice(err: &io::Error) -> Option<&'static str> {
    match err.kind() {
        io::ErrorKind::StorageFull => Some(
            "free space on its disk, or delete files there if its inodes are all used (`df -i`)",
        ),
        io::ErrorKind::QuotaExceeded => Some(
            "your disk quota there is used up, of space or of files (`quota -s` says; `df` shows the disk's free space, not yours): delete or move files, or ask for a larger quota",
        ),
        io::ErrorKind::FileTooLarge => Some(
            "a file past the size limit of this process (`ulimit -f`, set by the shell or cron's environment: raise or remove it) or of its file system (FAT32, a USB stick's: 4 GiB at most; write to another disk)",
        ),
        io::ErrorKind::ReadOnlyFilesystem => Some(
            "its disk is mounted read-only (`mount` says so; after a disk error, check the disk before mounting it read-write again)",
        ),
        _ => None,
    }
}

/// [`advice`] for `err`, after `: ` to follow the error in a line, or nothing when its cause
/// is not its disk's.
pub fn advice_after(err: &io::Error) -> String {
    advice(err)
        .map(|advice| format!(": {advice}"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_disk_full_or_read_only_is_told_what_to_do_and_other_causes_are_left_to_the_caller() {
        let full = advice(&io::Error::from(io::ErrorKind::StorageFull)).expect("advice");
        assert!(
            full.contains("free space") && full.contains("df -i"),
            "{full}"
        );
        let read_only =
            advice(&io::Error::from(io::ErrorKind::ReadOnlyFilesystem)).expect("advice");
        assert!(read_only.contains("mounted read-only"), "{read_only}");
        let quota = advice(&io::Error::from(io::ErrorKind::QuotaExceeded)).expect("advice");
        assert!(quota.contains("quota"), "{quota}");
        let limit = advice(&io::Error::from(io::ErrorKind::FileTooLarge)).expect("advice");
        assert!(limit.contains("ulimit -f"), "{limit}");
        assert_eq!(
            advice(&io::Error::from(io::ErrorKind::PermissionDenied)),
            None
        );
    }
}
