//! File systems whose permission bits no `chmod` can change: WSL's Windows drives (drvfs,
//! mounted without `metadata`, where every file shows 777), and FAT, exFAT or NTFS disks, whose
//! every file takes the one mode its mount's options give (NTFS through ntfs-3g, a `fuseblk`
//! mount, unless mounted with its `permissions` option). A warning ending "run `chmod …`"
//! would be said at every run, whatever the user did.

use std::path::Path;

/// A file system whose files' modes `chmod` cannot change, and where it is mounted.
#[derive(Debug, PartialEq, Eq)]
pub struct Unchangeable {
    /// Its type, as `/proc/self/mountinfo` names it (`9p`, `drvfs`, `vfat`, `exfat`,
    /// `fuseblk`, …).
    pub kind: String,
    /// Where it is mounted (`/mnt/c`).
    pub mount_point: String,
    /// Whether it is a Windows drive seen from WSL (drvfs).
    pub windows_drive: bool,
}

impl Unchangeable {
    /// What to do instead of a `chmod`, for a file whose mode gives others too much, on a
    /// disk's file system (WSL's drives are spoken of once: see
    /// [`super::windows_drive_note`]).
    pub fn remedy(&self) -> String {
        // ntfs-3g, Ubuntu's NTFS driver, shows as FUSE's `fuseblk`: said by its name too.
        let (kind, or_permissions) = match self.kind.as_str() {
            "fuseblk" => ("fuseblk (ntfs-3g)", " (or ntfs-3g's `permissions`)"),
            other => (other, ""),
        };
        format!(
            "`chmod` changes nothing on this {kind} file system ({}), whose mount gives every file one mode: mount it with `uid=` yours and `fmask=0177,dmask=0077`{or_permissions}, or move the file to a Linux file system",
            self.mount_point
        )
    }
}

/// The file system holding `path`, when its modes cannot be changed (see the module's doc).
#[cfg(target_os = "linux")]
pub fn unchangeable(path: &Path) -> Option<Unchangeable> {
    let canonical = std::fs::canonicalize(path).ok()?;
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    unchangeable_in(&mountinfo, &canonical)
}

#[cfg(not(target_os = "linux"))]
pub fn unchangeable(_: &Path) -> Option<Unchangeable> {
    None
}

/// [`unchangeable`] of the file at the absolute, canonical `path`, as the mount table
/// `mountinfo` (the text of `/proc/self/mountinfo`) places it: the last mount of the longest
/// mount point holding it.
fn unchangeable_in(mountinfo: &str, path: &Path) -> Option<Unchangeable> {
    let (mount_point, kind, options) = mountinfo
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(' ').collect();
            let mount_point = unescape(fields.get(4)?);
            let dash = fields.iter().position(|field| *field == "-")?;
            let kind = *fields.get(dash + 1)?;
            let options = fields.get(dash + 3).copied().unwrap_or("");
            path.starts_with(&mount_point)
                .then_some((mount_point, kind, options))
        })
        .fold(
            None,
            |held: Option<(String, &str, &str)>, mount| match held {
                Some(held) if held.0.len() > mount.0.len() => Some(held),
                _ => Some(mount),
            },
        )?;
    // WSL 2 mounts its drives as 9p with `aname=drvfs;path=C:\;…`, WSL 1 as `drvfs`; with
    // `metadata` in those options, modes are kept and `chmod` works.
    let option = |name: &str| options.split([',', ';']).any(|option| option == name);
    let windows_drive = kind == "drvfs"
        || (kind == "9p"
            && options
                .split([',', ';'])
                .any(|option| option == "aname=drvfs"));
    let unchangeable = if windows_drive {
        !option("metadata")
    } else if kind == "fuseblk" {
        // ntfs-3g keeps modes only with its `permissions`, which hands FUSE
        // `default_permissions`. exfat-fuse passes `default_permissions` by default though it
        // keeps no modes: both show alike, so such an exFAT disk is judged as one that keeps
        // them (the older driver: Linux 5.7 and later mount exFAT as `exfat`). Other FUSE
        // file systems (`fuse.sshfs`) keep theirs.
        !option("default_permissions")
    } else {
        matches!(kind, "vfat" | "msdos" | "exfat" | "ntfs" | "ntfs3")
    };
    unchangeable.then(|| Unchangeable {
        kind: kind.to_owned(),
        mount_point,
        windows_drive,
    })
}

/// A mount point as `mountinfo` writes it, its blanks and backslashes octal-escaped
/// (`/mnt/c/Users/Jean\040Dupont`).
fn unescape(field: &str) -> String {
    let mut text = String::new();
    let mut rest = field;
    while let Some(at) = rest.find('\\') {
        text.push_str(&rest[..at]);
        let code = rest
            .get(at + 1..at + 4)
            .and_then(|digits| u8::from_str_radix(digits, 8).ok());
        match code {
            Some(code) => {
                text.push(char::from(code));
                rest = &rest[at + 4..];
            }
            None => {
                text.push('\\');
                rest = &rest[at + 1..];
            }
        }
    }
    text.push_str(rest);
    text
}

#[cfg(test)]
mod tests;
