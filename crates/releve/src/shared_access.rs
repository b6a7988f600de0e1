//! Who besides its owner can read, or write, a file of a checkout on a shared machine: every
//! user, or the members of a group it shares with others (a university's `students`), through
//! folders they can all enter. A `.env` holding credentials others can read, or a
//! `sources.toml` or `.env` others can write (a keyed source's `url` pointed at their own
//! host, a `MONGODB_URI` or proxy of theirs), is said at each run until its mode is mended.
//!
//! A group is told shared from `/etc/group` and `/etc/passwd`: one named otherwise than the
//! owner (not Debian's user private group), or with another member listed or given it as
//! primary group. A group those files do not name (a directory's alone) is not judged.
//!
//! On a file system whose modes `chmod` cannot change (see [`file_system`]) the warning says
//! what can be done instead; on WSL's Windows drives, where every file shows 777 and the users
//! are normally the student alone, it is said once to a person, in a run from a terminal
//! ([`windows_drive_note`]), not at each of cron's runs.
//!
//! A team whose group is meant to write the checkout names it in `RELEVE_TRUSTED_GROUP`, read
//! from the run's own environment (a crontab's lines, a systemd unit) before `.env` is loaded,
//! never from `.env`, which the group may write: a member could silence their own change.
//! Only that group's access is then left unsaid, never every user's.
//!
//! The folders holding `sources.toml` and the running program are judged alike ([`folders`]):
//! whoever can write them can replace the files and programs in them.

mod file_system;
pub mod folders;

use std::path::Path;

pub use file_system::{Unchangeable, unchangeable};

/// The group the run's environment trusts to read and write the checkout, as it stood before
/// `.env` was loaded (see the module's doc).
static TRUSTED_GROUP: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// The variable naming the group trusted with the checkout.
pub const TRUSTED_GROUP_VARIABLE: &str = "RELEVE_TRUSTED_GROUP";

/// Takes the trusted group from the environment as it stands: called before `.env` is loaded.
pub fn trust_group_from_environment() {
    let named = std::env::var(TRUSTED_GROUP_VARIABLE)
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty());
    let _ = TRUSTED_GROUP.set(named);
}

/// Whether `others` is the group the run's environment trusts.
pub fn trusted(others: &Others) -> bool {
    let trusted = TRUSTED_GROUP.get().and_then(Option::as_deref);
    matches!(others, Others::Group(name) if Some(name.as_str()) == trusted)
}

/// Those besides its owner who can reach a file and read or write it.
#[derive(Debug, PartialEq, Eq)]
pub enum Others {
    /// Every user of the machine.
    Everyone,
    /// The members of the group of this name.
    Group(String),
}

impl std::fmt::Display for Others {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Others::Everyone => f.write_str("every user of this machine"),
            Others::Group(name) => write!(f, "the members of group `{name}`"),
        }
    }
}

/// What others may do to a file.
#[derive(Debug, Clone, Copy)]
pub enum Access {
    /// Read it.
    Read,
    /// Write it.
    Write,
}

impl Access {
    /// The permission bit of this access for others (that of the group is eight times it).
    fn others_bit(self) -> u32 {
        match self {
            Access::Read => 0o004,
            Access::Write => 0o002,
        }
    }
}

/// Who besides its owner can reach the file at `path`, of metadata `file` (its handle's, when
/// open, so that the file judged is the one read), and have `access` to it. Debian's `useradd`
/// makes homes every user can enter.
#[cfg(unix)]
pub fn others_with(path: &Path, file: &std::fs::Metadata, access: Access) -> Option<Others> {
    use std::os::unix::fs::MetadataExt;
    let mode = file.mode();
    let bit = access.others_bit();
    // Most files give others nothing: no folder above them need be read.
    if mode & (bit | bit << 3) == 0 {
        return None;
    }
    // A folder above it that they cannot enter (a home of mode 0700 or 0750) keeps it.
    let canonical = std::fs::canonicalize(path).ok()?;
    let folders: Vec<std::fs::Metadata> = canonical
        .ancestors()
        .skip(1)
        .map(std::fs::metadata)
        .collect::<Result<_, _>>()
        .ok()?;
    let everyone_enters = folders.iter().all(|folder| folder.mode() & 0o001 != 0);
    if mode & bit != 0 && everyone_enters {
        return Some(Others::Everyone);
    }
    let group_enters = folders.iter().all(|folder| {
        folder.mode() & 0o001 != 0 || (folder.gid() == file.gid() && folder.mode() & 0o010 != 0)
    });
    if mode & (bit << 3) == 0 || !group_enters {
        return None;
    }
    shared_group(
        &read_or_empty("/etc/group"),
        &read_or_empty("/etc/passwd"),
        file.gid(),
        file.uid(),
    )
    .map(Others::Group)
}

#[cfg(not(unix))]
pub fn others_with(_: &Path, _: &std::fs::Metadata, _: Access) -> Option<Others> {
    None
}

/// The warning for a checkout's file, named `shown`, that others can write, when they can:
/// who, the file's mode, what they could do with it (`could`) and the `chmod go-w` that
/// mends it (or what does, where `chmod` cannot: see [`remedy`]).
pub fn written_by_others(
    path: &Path,
    file: &std::fs::Metadata,
    shown: &str,
    could: &str,
) -> Option<String> {
    let others = others_with(path, file, Access::Write).filter(|others| !trusted(others))?;
    // Quoted for a shell, an apostrophe in a folder's name included (`l'année`).
    let quoted = crate::shell::path(Path::new(shown));
    let remedy = remedy(
        unchangeable(path).as_ref(),
        format!("run `chmod go-w {quoted}`"),
    )?;
    Some(format!(
        "{shown} can be written by {others} (mode {:o}): any of them could {could}; {remedy}",
        mode_bits(file)
    ))
}

/// What mends a file others can read or write, on the file system `held_on` when its modes
/// cannot be changed: the `chmod` given elsewhere; none on WSL's Windows drives, which
/// [`windows_drive_note`] speaks of once.
pub fn remedy(held_on: Option<&Unchangeable>, chmod: String) -> Option<String> {
    match held_on {
        Some(drive) if drive.windows_drive => None,
        Some(held_on) => Some(held_on.remedy()),
        None => Some(chmod),
    }
}

/// What it means that the checkout's `files` (its configuration, its `.env`) sit on WSL's
/// Windows drive, where they show a mode that lets every user read or write them and
/// `chmod` changes nothing, when they do; none elsewhere.
pub fn windows_drive_note(files: &[&Path]) -> Option<String> {
    let mut shown = Vec::new();
    let mut drive = None;
    let mut mode = 0;
    for path in files {
        let Ok(file) = std::fs::metadata(path) else {
            continue;
        };
        // The mount table is read only for a file open to others.
        if others_with(path, &file, Access::Write).is_none()
            && others_with(path, &file, Access::Read).is_none()
        {
            continue;
        }
        if let Some(held_on) = unchangeable(path).filter(|held_on| held_on.windows_drive) {
            shown.push(path.display().to_string());
            mode |= mode_bits(&file);
            drive.get_or_insert(held_on);
        }
    }
    Some(windows_drive_text(&shown, &drive?, mode))
}

/// [`windows_drive_note`]'s text, for the files `shown`, of mode `mode`, on `drive`.
fn windows_drive_text(shown: &[String], drive: &Unchangeable, mode: u32) -> String {
    let (names, verb, them) = match shown {
        [one] => (format!("{one} is"), "shows", "it"),
        _ => (format!("{} are", shown.join(" and ")), "show", "them"),
    };
    let access = if mode & 0o002 != 0 {
        "read and change"
    } else {
        "read"
    };
    format!(
        "{names} on WSL's Windows drive ({}, mounted without `metadata`), whose files all {verb} mode {mode:o} and where `chmod` changes nothing: every user of this WSL system (normally you alone) can {access} {them}, Windows' own permissions deciding for other Windows users (a folder under C:\\Users is its owner's); to keep credentials under Linux permissions, move the checkout into your Linux home (`~/releve`, faster too), or mount the drive with `metadata` (/etc/wsl.conf: `[automount]`, `options = \"metadata\"`, then `wsl --shutdown` from Windows) and `chmod 600 .env` (said in runs from a terminal; cron's runs log it at debug level)",
        drive.mount_point
    )
}

/// The permission bits of `file` (`644`).
pub fn mode_bits(file: &std::fs::Metadata) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.permissions().mode() & 0o777
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        0
    }
}

/// The warning for the configuration file at `config`, as the stage names it, when others can
/// write it; none when it cannot be read (the stage says so when it reads it).
pub fn config_written_by_others(config: &Path) -> Option<String> {
    let file = std::fs::metadata(config).ok()?;
    written_by_others(
        config,
        &file,
        &config.display().to_string(),
        "change what this checkout runs, a keyed source's `url` pointed at their own host",
    )
}

/// Whether the group `gid` of a file or folder of the user `uid` is known to be theirs alone:
/// named in `/etc/group` and not shared with other users (see the module's doc), as a user
/// private group. A group those files do not name (one from LDAP or SSSD) is not known so.
#[cfg(unix)]
pub fn group_private(gid: u32, uid: u32) -> bool {
    let groups = read_or_empty("/etc/group");
    let named = groups
        .lines()
        .any(|line| line.split(':').nth(2).and_then(|n| n.parse::<u32>().ok()) == Some(gid));
    named && shared_group(&groups, &read_or_empty("/etc/passwd"), gid, uid).is_none()
}

#[cfg(not(unix))]
pub fn group_private(_: u32, _: u32) -> bool {
    false
}

/// The text of the system file at `path`, empty when it cannot be read.
#[cfg(unix)]
fn read_or_empty(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// The name of the group `gid`, as `groups` (`/etc/group`) names it, when it is shared with
/// users other than the owner `uid` (see the module's doc); `passwd` is `/etc/passwd`.
#[cfg(unix)]
fn shared_group(groups: &str, passwd: &str, gid: u32, uid: u32) -> Option<String> {
    let fields = |text: &'_ str| -> Vec<Vec<String>> {
        text.lines()
            .map(|line| line.split(':').map(str::to_owned).collect())
            .collect()
    };
    let number = |entry: &[String], at: usize| entry.get(at).and_then(|n| n.parse::<u32>().ok());
    let users = fields(passwd);
    let owner = users
        .iter()
        .find(|user| number(user, 2) == Some(uid))
        .and_then(|user| user.first().cloned());
    let group = fields(groups)
        .into_iter()
        .find(|group| number(group, 2) == Some(gid))?;
    let name = group.first()?.clone();
    let listed_other = group.get(3).is_some_and(|members| {
        members
            .split(',')
            .any(|member| !member.is_empty() && Some(member) != owner.as_deref())
    });
    let primary_of_other = users
        .iter()
        .any(|user| number(user, 3) == Some(gid) && number(user, 2) != Some(uid));
    (owner.as_deref() != Some(name.as_str()) || listed_other || primary_of_other).then_some(name)
}

#[cfg(all(test, unix))]
mod tests {
    use super::{group_private, shared_group};

    /// A group `/etc/group` does not name (one from LDAP or SSSD, a class's `students`) may be
    /// shared: it is not known to be its owner's alone.
    #[test]
    fn a_group_the_system_files_do_not_name_is_not_private() {
        let unnamed = 54_321;
        assert!(
            !std::fs::read_to_string("/etc/group")
                .unwrap_or_default()
                .contains(":54321:"),
            "gid 54321 is named here"
        );
        assert!(!group_private(unnamed, 0));
    }

    const PASSWD: &str = "root:x:0:0:root:/root:/bin/bash\n\
        alice:x:1001:1001::/home/alice:/bin/bash\n\
        bob:x:1002:1002::/home/bob:/bin/bash\n\
        carol:x:1003:2000::/home/carol:/bin/bash\n\
        dave:x:1004:2000::/home/dave:/bin/bash\n";

    #[test]
    fn a_user_private_group_is_not_shared_and_a_class_s_group_is() {
        let groups = "root:x:0:\nusers:x:100:\nalice:x:1001:\nbob:x:1002:alice\n\
            students:x:2000:\nlab:x:3000:alice,bob\n";
        assert_eq!(
            shared_group(groups, PASSWD, 1001, 1001),
            None,
            "alice's own"
        );
        assert_eq!(shared_group(groups, PASSWD, 0, 0), None, "root's own");
        assert_eq!(
            shared_group(groups, PASSWD, 100, 1001).as_deref(),
            Some("users")
        );
        assert_eq!(
            shared_group(groups, PASSWD, 2000, 1003).as_deref(),
            Some("students"),
            "dave's primary group too"
        );
        assert_eq!(
            shared_group(groups, PASSWD, 3000, 1001).as_deref(),
            Some("lab")
        );
        assert_eq!(
            shared_group(groups, PASSWD, 1002, 1002).as_deref(),
            Some("bob"),
            "bob's group, alice a member"
        );
        assert_eq!(
            shared_group(groups, PASSWD, 4242, 1001),
            None,
            "a group not named"
        );
    }
}

/// What a WSL student whose checkout sits on `/mnt/c` reads: before, at each of cron's runs
/// (each minute), that `sources.toml` and `.env` can be written and read by every user, with a
/// `chmod` that changes nothing there. Expected: no such per-run warning on a Windows drive,
/// one note saying what the 777 means and what to do instead; on a FAT or exFAT disk (modes
/// enforced, but set by the mount) the warning stays, with a remedy that works.
#[cfg(all(test, unix))]
mod unchangeable_tests {
    use super::{Unchangeable, remedy, windows_drive_text};

    fn on(kind: &str, mount_point: &str, windows_drive: bool) -> Unchangeable {
        Unchangeable {
            kind: kind.into(),
            mount_point: mount_point.into(),
            windows_drive,
        }
    }

    #[test]
    fn a_windows_drive_s_modes_are_said_once_and_a_fat_disk_s_remedy_is_its_mount() {
        let chmod = || "run `chmod go-w sources.toml`".to_owned();
        assert_eq!(remedy(None, chmod()).as_deref(), Some(chmod().as_str()));
        assert_eq!(
            remedy(Some(&on("9p", "/mnt/c", true)), chmod()),
            None,
            "no per-run warning on WSL's drive"
        );
        let stick = remedy(Some(&on("vfat", "/media/jean/STICK", false)), chmod())
            .expect("a FAT stick's files are open to others: still said");
        assert!(
            !stick.contains("run `chmod") && stick.contains("fmask=0177"),
            "{stick}"
        );
        let note = windows_drive_text(
            &["sources.toml".into(), ".env".into()],
            &on("9p", "/mnt/c", true),
            0o777,
        );
        assert!(
            note.starts_with(
                "sources.toml and .env are on WSL's Windows drive (/mnt/c, mounted without `metadata`), whose files all show mode 777 and where `chmod` changes nothing"
            ),
            "{note}"
        );
        assert!(
            note.contains("move the checkout into your Linux home")
                && note.contains("options = \"metadata\""),
            "{note}"
        );
    }
}
