//! A checkout whose stages were run once with `sudo` (a student's "permission denied? sudo!",
//! or a crontab installed as root), then by its own user again: files of root's in `raw/` that
//! the user's runs meet.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;

use common::{Workspace, quake, snapshot};

/// The uid the stages run as here: `nobody`, the checkout's owner.
const USER: u32 = 65534;

fn running_as_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// Makes the workspace `nobody`'s, as the user's checkout is, leaving `root_s` root's.
fn give_to_the_user(ws: &Workspace, root_s: &[&std::path::Path]) {
    let status = std::process::Command::new("chown")
        .args(["-R", "65534:65534", &ws.dir.path().display().to_string()])
        .status()
        .expect("chown runs");
    assert!(status.success(), "the workspace made nobody's");
    std::fs::set_permissions(ws.dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    for path in root_s {
        std::os::unix::fs::chown(path, Some(0), Some(0)).expect("chown to root");
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    }
}

/// Root's crontab (`sudo scripts/install-cron.sh`) ran the summariser once: it made
/// `raw/.summariser.lock`, root's, 0644. The student then runs the stages as themselves (their
/// own crontab): every hourly summariser run stopped at once with "summariser: cannot take the
/// lock raw/.summariser.lock: Permission denied (os error 13)", and nothing was ever summarised
/// again, while `analyser status` read `ok`. A `flock` needs no write access: the lock is taken
/// on the file opened for reading, and the run summarises. Needs root, to leave a file of
/// root's in a raw folder of `nobody`'s, who runs the summariser.
#[test]
fn a_lock_file_root_left_does_not_stop_the_user_s_summariser() {
    assert!(
        running_as_root(),
        "this test needs root: it leaves root's raw/.summariser.lock in a raw folder of nobody's"
    );
    let ws = Workspace::new("root_s_lock");
    ws.land(
        "usgs",
        (10, 0, 0),
        &snapshot(vec![quake("q1", (9, 58), 2.5)]),
    );
    let lock = ws.raw().join(".summariser.lock");
    std::fs::write(&lock, "4242\n").expect("root's summariser's lock");
    give_to_the_user(&ws, &[&lock]);

    let output = ws
        .command(testkit::MongoServer::shared().uri())
        .uid(USER)
        .gid(USER)
        .output()
        .expect("summariser runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        ws.remaining("usgs"),
        0,
        "the landed file summarised: {stderr}"
    );
}
