//! The `.env` beside the configuration file given with `--config`, read only when it is this
//! user's (see [`super`]).

use std::path::Path;

/// What stands beside the configuration as `.env`.
#[derive(Debug)]
pub(super) enum BesideConfig {
    /// No file there.
    Absent,
    /// Another user's (of this uid), not read.
    Another(u32),
    /// This user's, open.
    Own(std::fs::File),
    /// This user's, and it cannot be opened: why.
    Unreadable(std::io::Error),
}

/// How the `.env`'s folder is opened: for its path alone where the system can, which needs no
/// right to list it.
#[cfg(any(target_os = "linux", target_os = "android"))]
const FOLDER: rustix::fs::OFlags = rustix::fs::OFlags::PATH
    .union(rustix::fs::OFlags::DIRECTORY)
    .union(rustix::fs::OFlags::CLOEXEC);
#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
const FOLDER: rustix::fs::OFlags = rustix::fs::OFlags::RDONLY
    .union(rustix::fs::OFlags::DIRECTORY)
    .union(rustix::fs::OFlags::CLOEXEC);

/// The `.env` at `path`, opened once and judged by the file opened (its handle's owner), so
/// that the file judged is the file read: its folder's owner could swap it between the two.
/// A link of this user's to another account's file (`.env -> /etc/releve/env`) is this
/// user's too, in a folder no one else can change.
#[cfg(unix)]
pub(super) fn open(path: &Path) -> BesideConfig {
    use rustix::fs::{Mode, OFlags};
    use std::os::unix::fs::MetadataExt;
    let (Some(folder), Some(name)) = (path.parent(), path.file_name()) else {
        return BesideConfig::Absent;
    };
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    // Opened for its path alone: a folder others may enter but not list (mode 0711) holds a
    // `.env` all the same.
    let Ok(folder) = rustix::fs::open(folder, FOLDER, Mode::empty()) else {
        return BesideConfig::Absent;
    };
    let folder = std::fs::File::from(folder);
    // Not blocking: a FIFO named `.env` is no file, and would wait for a writer.
    let flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NONBLOCK;
    let file = match rustix::fs::openat(&folder, name, flags, Mode::empty()) {
        Ok(file) => file,
        Err(err) => return not_opened(&folder, name, err.into()),
    };
    let file = std::fs::File::from(file);
    let Ok(opened) = file.metadata() else {
        return BesideConfig::Absent;
    };
    if !opened.is_file() {
        return BesideConfig::Absent;
    }
    let me = rustix::process::geteuid().as_raw();
    if opened.uid() == me || linked_by(&folder, name, me) {
        BesideConfig::Own(file)
    } else {
        BesideConfig::Another(opened.uid())
    }
}

#[cfg(not(unix))]
pub(super) fn open(path: &Path) -> BesideConfig {
    match std::fs::File::open(path) {
        Ok(file) if file.metadata().is_ok_and(|opened| opened.is_file()) => BesideConfig::Own(file),
        _ => BesideConfig::Absent,
    }
}

/// The `.env` named `name` in `folder` that could not be opened (`err`): another user's kept
/// private (`chmod 600`) is said as theirs, this user's as unreadable; none there is absent.
#[cfg(unix)]
fn not_opened(folder: &std::fs::File, name: &std::ffi::OsStr, err: std::io::Error) -> BesideConfig {
    use rustix::fs::{AtFlags, FileType};
    match rustix::fs::statat(folder, name, AtFlags::empty()) {
        Ok(entry) if FileType::from_raw_mode(entry.st_mode) != FileType::RegularFile => {
            BesideConfig::Absent
        }
        Ok(entry) if entry.st_uid != rustix::process::geteuid().as_raw() => {
            BesideConfig::Another(entry.st_uid)
        }
        Ok(_) => BesideConfig::Unreadable(err),
        Err(_) => BesideConfig::Absent,
    }
}

/// Whether the entry `name` of the open `folder` is a link of the user `me`, in a folder of
/// theirs that no one else can write (its group's write bit aside when the group is theirs
/// alone, as a user private group is under umask 002): no one else could have swapped it
/// since it was opened.
#[cfg(unix)]
fn linked_by(folder: &std::fs::File, name: &std::ffi::OsStr, me: u32) -> bool {
    use rustix::fs::{AtFlags, FileType};
    use std::os::unix::fs::MetadataExt;
    let kept = folder.metadata().is_ok_and(|folder| {
        let group_writes = folder.mode() & 0o020 != 0;
        folder.uid() == me
            && folder.mode() & 0o002 == 0
            && (!group_writes || crate::shared_access::group_private(folder.gid(), me))
    });
    kept && rustix::fs::statat(folder, name, AtFlags::SYMLINK_NOFOLLOW).is_ok_and(|entry| {
        FileType::from_raw_mode(entry.st_mode) == FileType::Symlink && entry.st_uid == me
    })
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::io::Read;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;

    /// Grading with `--config ~alice/releve/sources.toml`: Alice owns her folder, so she can
    /// swap its `.env` (a file of the lecturer's she was given, renamed `.env`) with one of
    /// her own, over and over, while the lecturer's run judges the entry and then opens it by
    /// its path: judged the lecturer's, then opened as hers, her variables (`MONGODB_URI`,
    /// a proxy) went into the lecturer's run. Expected: the file read is always the one
    /// judged, so hers is never read. Needs root, to give her file to `nobody`.
    #[test]
    fn a_dotenv_swapped_while_it_is_judged_is_never_read_as_this_user_s() {
        use std::os::unix::fs::PermissionsExt;
        assert!(
            rustix::process::geteuid().is_root(),
            "this test needs root: Alice's file is another user's (nobody)"
        );
        let folder = tempfile::tempdir().expect("Alice's folder");
        std::fs::set_permissions(folder.path(), std::fs::Permissions::from_mode(0o755))
            .expect("a folder every user can enter");
        let path = folder.path().join(".env");
        let hers = folder.path().join(".env.swap");
        std::fs::write(&path, "WHO=lecturer\n").expect("the lecturer's file");
        std::fs::write(&hers, "WHO=alice\n").expect("Alice's file");
        std::os::unix::fs::chown(&hers, Some(65_534), Some(65_534)).expect("chown");
        let done = AtomicBool::new(false);
        let read_hers = std::thread::scope(|scope| {
            scope.spawn(|| {
                while !done.load(Ordering::Relaxed) {
                    let _ = rustix::fs::renameat_with(
                        rustix::fs::CWD,
                        &path,
                        rustix::fs::CWD,
                        &hers,
                        rustix::fs::RenameFlags::EXCHANGE,
                    );
                }
            });
            let mut read_hers = 0;
            for _ in 0..50_000 {
                if let BesideConfig::Own(mut file) = open(&path) {
                    let mut text = String::new();
                    file.read_to_string(&mut text).expect("read");
                    read_hers += usize::from(text.contains("alice"));
                }
            }
            done.store(true, Ordering::Relaxed);
            read_hers
        });
        assert_eq!(read_hers, 0, "Alice's .env read as the lecturer's");
    }

    /// Ubuntu's and Fedora's umask 002 makes a checkout `drwxrwxr-x`, its group the owner's
    /// private group: a link of the owner's there to a secrets file another account keeps
    /// (`.env -> /etc/releve/env`) is theirs, as in a folder of mode 755; judged by the group's
    /// write bit alone it was taken for another user's and not read. Needs root (root's group
    /// is its own), to give the secrets file to `nobody`.
    #[test]
    fn a_link_in_a_folder_only_its_owner_s_private_group_can_write_is_the_owner_s() {
        use std::os::unix::fs::PermissionsExt;
        assert!(
            rustix::process::geteuid().is_root(),
            "this test needs root: the secrets file is another user's (nobody)"
        );
        assert!(
            crate::shared_access::group_private(0, 0),
            "root's group is root's alone here"
        );
        let secrets = tempfile::tempdir().expect("the secrets' folder");
        let kept = secrets.path().join("env");
        std::fs::write(&kept, "WHO=team\n").expect("the secrets file");
        std::os::unix::fs::chown(&kept, Some(65_534), Some(65_534)).expect("chown");
        let checkout = tempfile::tempdir().expect("the checkout");
        std::os::unix::fs::chown(checkout.path(), Some(0), Some(0)).expect("chown");
        std::fs::set_permissions(checkout.path(), std::fs::Permissions::from_mode(0o775))
            .expect("a folder its group can write");
        let path = checkout.path().join(".env");
        std::os::unix::fs::symlink(&kept, &path).expect("the link");
        assert!(
            matches!(open(&path), BesideConfig::Own(_)),
            "{:?}",
            open(&path)
        );
    }
}
