//! What to do when a file cannot be created for a reason of its disk, said alike by each stage
//! and by `analyser status`.

use std::io;

/// What to do about a folder in which a file could not be created for `err`, when the cause
/// is its disk's: full (of bytes, or of inodes, which `df -h` does not show) or mounted
/// read-only (as Linux does to a disk after an error). `None` for other causes (permissions,
/// a path that is not a folder), which the caller knows better.
pub fn advice(err: &io::Error) -> Option<&'static str> {
    match err.kind() {
        io::ErrorKind::StorageFull => Some(
            "free space on its disk, or delete files there if its inodes are all used (`df -i`)",
        ),
        io::ErrorKind::ReadOnlyFilesystem => Some(
            "its disk is mounted read-only (`mount` says so; after a disk error, check the disk before mounting it read-write again)",
        ),
        _ => None,
    }
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
        assert_eq!(
            advice(&io::Error::from(io::ErrorKind::PermissionDenied)),
            None
        );
    }
}
