//! The mount table read as WSL and a Linux laptop write it.

use super::*;

/// A WSL 2 Ubuntu's table: its own disk, C: as 9p drvfs without `metadata`, D: with it, a
/// Windows user's name holding a blank, and a folder of C: bound elsewhere onto ext4.
const WSL: &str = "\
63 1 8:48 / / rw,relatime - ext4 /dev/sdd rw,discard,errors=remount-ro,data=ordered
81 63 0:56 / /mnt/c rw,noatime - 9p C:\\134 rw,dirsync,aname=drvfs;path=C:\\;uid=1000;gid=1000;symlinkroot=/mnt/,mmap,access=client,msize=65536,trans=fd,rfd=5,wfd=5
82 63 0:57 / /mnt/d rw,noatime - 9p D:\\134 rw,dirsync,aname=drvfs;path=D:\\;uid=1000;gid=1000;metadata;symlinkroot=/mnt/,mmap,access=client,msize=65536,trans=fd,rfd=5,wfd=5
83 81 8:48 /home/jean/data /mnt/c/Users/Jean\\040Dupont/data rw,relatime - ext4 /dev/sdd rw
84 63 8:17 / /media/jean/STICK rw,nosuid,nodev,relatime - vfat /dev/sdb1 rw,uid=1000,gid=1000,fmask=0000,dmask=0000
85 63 8:18 / /media/jean/BIG rw,nosuid,nodev,relatime - exfat /dev/sdb2 rw,uid=1000,gid=1000,fmask=0022,dmask=0022
";

fn held(path: &str) -> Option<(String, String, bool)> {
    unchangeable_in(WSL, Path::new(path))
        .map(|held| (held.kind, held.mount_point, held.windows_drive))
}

#[test]
fn wsl_s_drive_without_metadata_and_fat_disks_keep_no_modes() {
    assert_eq!(
        held("/mnt/c/Users/Jean Dupont/releve/.env"),
        Some(("9p".into(), "/mnt/c".into(), true)),
        "C: without metadata"
    );
    assert_eq!(
        held("/mnt/d/releve/.env"),
        None,
        "D: with metadata keeps modes"
    );
    assert_eq!(held("/home/jean/releve/.env"), None, "the Linux home");
    assert_eq!(
        held("/mnt/c/Users/Jean Dupont/data/.env"),
        None,
        "an ext4 folder bound under C: (its mount point escaped, `\\040`)"
    );
    assert_eq!(
        held("/media/jean/STICK/releve/sources.toml"),
        Some(("vfat".into(), "/media/jean/STICK".into(), false))
    );
    assert_eq!(
        held("/media/jean/BIG/releve/sources.toml").map(|held| held.0),
        Some("exfat".into())
    );
    assert_eq!(
        held("/mnt/cd/x"),
        None,
        "a folder named like a mount point is not under it"
    );
}

#[test]
fn wsl_1_s_drvfs_is_a_windows_drive_too() {
    let table = "1 0 0:1 / / rw - lxfs rootfs rw\n\
        2 1 0:2 / /mnt/c rw,noatime - drvfs C: rw,uid=1000,gid=1000,case=off\n";
    let held = unchangeable_in(table, Path::new("/mnt/c/releve/sources.toml"));
    assert!(held.is_some_and(|held| held.windows_drive && held.mount_point == "/mnt/c"));
}

#[test]
fn a_mount_point_s_escapes_are_read() {
    assert_eq!(
        unescape("/mnt/c/Users/Jean\\040Dupont"),
        "/mnt/c/Users/Jean Dupont"
    );
    assert_eq!(unescape("/a\\134b\\011c"), "/a\\b\tc");
    assert_eq!(unescape("/a\\x"), "/a\\x");
}

/// Ubuntu's NTFS driver for a USB disk or a dual-boot partition, ntfs-3g, is FUSE: its mounts
/// show as `fuseblk`. Without ntfs-3g's `permissions` option (which the table shows as
/// `default_permissions`) every file takes the mount's one mode; sshfs (`fuse.sshfs`) keeps the
/// server's modes, which `chmod` changes.
#[test]
fn ntfs_3g_s_fuseblk_keeps_no_modes_unless_mounted_with_permissions() {
    let table = "\
25 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n\
36 25 8:2 / /media/jean/DATA rw,nosuid,nodev,relatime shared:60 - fuseblk /dev/sda2 rw,user_id=0,group_id=0,allow_other,blksize=4096\n\
37 25 8:3 / /mnt/windows rw,relatime shared:61 - fuseblk /dev/sda3 rw,user_id=0,group_id=0,default_permissions,allow_other,blksize=4096\n\
38 25 0:50 / /home/jean/server rw,nosuid,nodev,relatime shared:62 - fuse.sshfs jean@host:/home/jean rw,user_id=1000,group_id=1000\n";
    let remedy = unchangeable_in(table, Path::new("/media/jean/DATA/releve/.env"))
        .map(|held| held.remedy())
        .unwrap_or_default();
    assert!(
        remedy.contains("this fuseblk (ntfs-3g) file system (/media/jean/DATA)")
            && remedy.contains("`fmask=0177,dmask=0077` (or ntfs-3g's `permissions`)"),
        "{remedy}"
    );
    let held = |path: &str| {
        unchangeable_in(table, Path::new(path)).map(|held| (held.kind, held.mount_point))
    };
    assert_eq!(
        held("/media/jean/DATA/releve/sources.toml"),
        Some(("fuseblk".into(), "/media/jean/DATA".into())),
        "ntfs-3g without `permissions`"
    );
    assert_eq!(
        held("/mnt/windows/releve/sources.toml"),
        None,
        "ntfs-3g with `permissions` keeps modes"
    );
    assert_eq!(
        held("/home/jean/server/releve/sources.toml"),
        None,
        "sshfs's modes are the server's"
    );
}
