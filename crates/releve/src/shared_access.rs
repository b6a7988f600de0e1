//! Who besides its owner can read, or write, a file of a checkout on a shared machine: every
//! user, or the members of a group it shares with others (a university's `students`), through
//! folders they can all enter. A `.env` holding credentials others can read, or a
//! `sources.toml` or `.env` others can write (a keyed source's `url` pointed at their own
//! host, a `MONGODB_URI` or proxy of theirs), is said at each run until its mode is mended.
//!
//! A group is told shared from `/etc/group` and `/etc/passwd`: one named otherwise than the
//! owner (not Debian's user private group), or with another member listed or given it as
//! primary group. A group those files do not name (a directory's alone) is not judged.

use std::path::Path;

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
/// mends it.
pub fn written_by_others(
    path: &Path,
    file: &std::fs::Metadata,
    shown: &str,
    could: &str,
) -> Option<String> {
    let others = others_with(path, file, Access::Write)?;
    // Quoted for a shell, an apostrophe in a folder's name included (`l'année`).
    let quoted = crate::shell::path(Path::new(shown));
    Some(format!(
        "{shown} can be written by {others} (mode {:o}): any of them could {could}; run `chmod go-w {quoted}`",
        mode_bits(file)
    ))
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
