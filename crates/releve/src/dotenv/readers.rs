//! Who besides its owner can read a `.env` holding credentials on a shared machine: every
//! user, or the members of a group it shares with others (a university's `students`), through
//! folders they can all enter. Said at each run until the file is made `chmod 600`.
//!
//! A group is told shared from `/etc/group` and `/etc/passwd`: one named otherwise than the
//! owner (not Debian's user private group), or with another member listed or given it as
//! primary group. A group those files do not name (a directory's alone) is not judged.

use std::path::Path;

/// Those besides its owner who can read a `.env` holding credentials.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Readers {
    /// Every user of the machine.
    Everyone,
    /// The members of the group of this name.
    Group(String),
}

impl std::fmt::Display for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Readers::Everyone => f.write_str("every user of this machine"),
            Readers::Group(name) => write!(f, "the members of group `{name}`"),
        }
    }
}

/// Who besides its owner can reach and read the `.env` at `path`, and its permission bits,
/// when it `set`s a credential (a password in `MONGODB_URI`, a client secret). Debian's
/// `useradd` makes homes every user can enter.
#[cfg(unix)]
pub(super) fn readable_by_others(path: &Path, set: &[(String, String)]) -> Option<(Readers, u32)> {
    use std::os::unix::fs::MetadataExt;
    if !set.iter().any(|(name, value)| secret_like(name, value)) {
        return None;
    }
    let file = std::fs::metadata(path).ok()?;
    let mode = file.mode() & 0o777;
    // A folder above it that they cannot enter (a home of mode 0700 or 0750) keeps it.
    let canonical = std::fs::canonicalize(path).ok()?;
    let folders: Vec<std::fs::Metadata> = canonical
        .ancestors()
        .skip(1)
        .map(std::fs::metadata)
        .collect::<Result<_, _>>()
        .ok()?;
    let everyone_enters = folders.iter().all(|folder| folder.mode() & 0o001 != 0);
    if mode & 0o004 != 0 && everyone_enters {
        return Some((Readers::Everyone, mode));
    }
    let group_enters = folders.iter().all(|folder| {
        folder.mode() & 0o001 != 0 || (folder.gid() == file.gid() && folder.mode() & 0o010 != 0)
    });
    if mode & 0o040 == 0 || !group_enters {
        return None;
    }
    let group = shared_group(
        &read_or_empty("/etc/group"),
        &read_or_empty("/etc/passwd"),
        file.gid(),
        file.uid(),
    )?;
    Some((Readers::Group(group), mode))
}

#[cfg(not(unix))]
pub(super) fn readable_by_others(_: &Path, _: &[(String, String)]) -> Option<(Readers, u32)> {
    None
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

/// Whether a variable named `name` holding `value` looks like a credential: a name holding
/// SECRET, TOKEN, KEY, PASSWORD, PASSWD or PWD, France Travail's, or a URI with a user (a
/// `MONGODB_URI`'s password).
#[cfg(unix)]
fn secret_like(name: &str, value: &str) -> bool {
    let name = name.to_ascii_uppercase();
    !value.is_empty()
        && ([
            "SECRET",
            "TOKEN",
            "KEY",
            "PASSWORD",
            "PASSWD",
            "PWD",
            "FRANCE_TRAVAIL",
        ]
        .iter()
        .any(|word| name.contains(word))
            || (value.contains("://") && value.contains('@')))
}

#[cfg(all(test, unix))]
mod tests {
    use super::shared_group;

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
