//! The README's set-up by students on Fedora (dnf, cronie), Arch (pacman, cronie) and Alpine
//! (apk, busybox's crontab): machines without apt-get, simulated by a PATH of stand-ins. What
//! the scripts install with apt-get on Debian must be named in words that help there, in one
//! line, rather than end on `apt-get: command not found`; the installer must take their
//! crontab commands' ways of saying a user has no crontab yet.

mod common;

use std::path::Path;
use std::process::Command;

use common::scripts::{DOES_NOTHING, checkout, run, stand_ins, usr_bin_without};

/// id(1) for the student (uid 1000), or root in a container (uid 0), whatever user runs the
/// tests.
fn id_as(uid: &str) -> String {
    format!(
        r#"#!/bin/sh
case "$*" in
    -u) echo {uid} ;;
    -un | "-u -n" | -nu) echo student ;;
    *) exec /usr/bin/id "$@" ;;
esac
"#
    )
}

/// sudo for a user it lists, as the real one answers a command not installed: its own line,
/// exit status 1 (as for a refusal).
const SUDO: &str = r#"#!/bin/sh
[ "$1" != -n ] || shift
command -v "$1" >/dev/null 2>&1 || { echo "sudo: $1: command not found" >&2; exit 1; }
exec "$@"
"#;

/// The system's own package manager, noting what it was asked (never anything installed).
const PACKAGE_MANAGER: &str = "#!/bin/sh\necho \"${0##*/} $*\" >>\"$PM_LOG\"\nexit 1\n";

/// `dir/bin` holding `programs` (stand-in scripts by name), then links to every program of
/// /usr/bin but `hidden` (and apt-get, which these systems lack): the script's whole PATH.
fn machine_path(dir: &Path, programs: &[(&str, &str)], hidden: &[&str]) -> String {
    let bin = stand_ins(dir, programs);
    let hidden: Vec<&str> = hidden.iter().copied().chain(["apt-get"]).collect();
    let usr_bin = usr_bin_without(dir, &hidden);
    format!("{}:{}", bin.display(), usr_bin.display())
}

/// `scripts/test.sh` on a fresh Fedora laptop (its student may use sudo) and as root in an
/// Alpine container with bash added, without a C compiler, then without poppler's tools, then
/// without faketime (which the three systems package as libfaketime): the student was told
/// sudo refused them and to ask an administrator for `apt-get install build-essential`, and
/// root got `apt-get: command not found` and exit status 127; without faketime, each was told
/// to install a `faketime` package none of the three has.
#[test]
fn a_tool_missing_without_apt_get_is_named_with_each_systems_package() {
    let compiler: &[&str] = &["cc", "gcc", "c89", "c99"];
    let poppler: &[&str] = &["pdftoppm", "pdftotext"];
    let cases: [(&[&str], &[&str]); 3] = [
        (
            compiler,
            &[
                "C compiler",
                "dnf install gcc",
                "pacman -S base-devel",
                "apk add build-base",
            ],
        ),
        (
            poppler,
            &[
                "pdftoppm",
                "dnf install poppler-utils",
                "pacman -S poppler",
                "apk add poppler-utils",
            ],
        ),
        (
            &["faketime"],
            &[
                "faketime",
                "dnf install libfaketime",
                "pacman -S libfaketime",
                "apk add libfaketime",
            ],
        ),
    ];
    for (hidden, said) in cases {
        for uid in ["1000", "0"] {
            let dir = tempfile::tempdir().expect("temp dir");
            let checkout = checkout(dir.path(), &["scripts/test.sh", "scripts/packages.sh"]);
            let id = id_as(uid);
            let path = machine_path(
                dir.path(),
                &[
                    ("id", &id),
                    ("sudo", SUDO),
                    ("cargo", DOES_NOTHING),
                    ("dnf", PACKAGE_MANAGER),
                ],
                hidden,
            );
            let output = run(Command::new(checkout.join("scripts/test.sh"))
                .current_dir(&checkout)
                .env("PATH", path)
                .env("PM_LOG", dir.path().join("pm.log")));
            let stderr = String::from_utf8_lossy(&output.stderr);
            let last = stderr.trim_end().lines().last().unwrap_or_default();
            assert!(
                output.status.code() == Some(1)
                    && said.iter().all(|words| last.contains(words))
                    && !stderr.contains("command not found")
                    && !stderr.contains("sudo refused"),
                "without {hidden:?} as uid {uid}, `scripts/test.sh` exits {:?}; its last line \
                 does not name what is missing with Fedora's, Arch's and Alpine's packages:\n\
                 {stderr}",
                output.status.code()
            );
        }
    }
}

/// pgrep(1) finding a cron daemon, and finding none.
const CRON_DAEMON_RUNS: &str = "#!/bin/sh\necho 4242\n";
const NO_CRON_DAEMON: &str = "#!/bin/sh\nexit 1\n";

/// `scripts/install-cron.sh --no-build` in a copy of the checkout under `dir`, by a student
/// (uid 1000) with `crontab` and `pgrep` the stand-ins given (its crontab kept in
/// `dir/bin/installed`).
fn install_cron(dir: &Path, crontab: &str, pgrep: &str) -> std::process::Output {
    let checkout = checkout(
        dir,
        &["scripts/install-cron.sh", "scripts/packages.sh", "crontab"],
    );
    let path = machine_path(
        dir,
        &[
            ("id", &id_as("1000")),
            ("crontab", crontab),
            ("pgrep", pgrep),
        ],
        &[],
    );
    run(Command::new(checkout.join("scripts/install-cron.sh"))
        .arg("--no-build")
        .env("PATH", path))
}

/// crontab(1) of busybox (Alpine): `-l` shows the user's file in the crontabs folder, saying
/// it cannot open it when the user has none; `FILE` installs FILE.
const BUSYBOX_CRONTAB: &str = r#"#!/bin/sh
store="$(dirname "$0")/installed"
case "$1" in
    -l) [ -f "$store" ] || { echo "crontab: can't open '$(id -un)': No such file or directory" >&2; exit 1; }
        cat "$store" ;;
    *) cat "$1" >"$store" ;;
esac
"#;

/// `scripts/install-cron.sh` in an Alpine container, by a user who has no crontab yet: the
/// installer took busybox's words for a failure and stopped, installing nothing.
#[test]
fn busybox_crontab_of_a_user_without_one_installs_the_schedule() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = install_cron(dir.path(), BUSYBOX_CRONTAB, CRON_DAEMON_RUNS);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let installed = std::fs::read_to_string(dir.path().join("bin/installed")).unwrap_or_default();
    assert!(
        output.status.success() && installed.contains("target/release/collector"),
        "`install-cron.sh` with busybox's crontab exits {:?}, installing {installed:?}:\n{stderr}",
        output.status.code()
    );
}

/// crontab(1) of cronie (Fedora, Arch): "no crontab for USER" when there is none.
const CRONIE_CRONTAB: &str = r#"#!/bin/sh
store="$(dirname "$0")/installed"
case "$1" in
    -l) [ -f "$store" ] || { echo "no crontab for $(id -un)" >&2; exit 1; }; cat "$store" ;;
    *) cat "$1" >"$store" ;;
esac
"#;

/// Arch installs cronie without starting it: the installer said no cron daemon runs, and to
/// run `sudo service cron start`, a command Arch does not have (and a unit Fedora does not
/// name so: its daemon is `crond`).
#[test]
fn no_cron_daemon_on_fedora_or_arch_is_told_the_unit_to_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = install_cron(dir.path(), CRONIE_CRONTAB, NO_CRON_DAEMON);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let warning = stderr
        .lines()
        .find(|line| line.contains("no cron daemon"))
        .unwrap_or_default();
    assert!(
        output.status.success()
            && warning.contains("systemctl enable --now crond")
            && warning.contains("systemctl enable --now cronie"),
        "`install-cron.sh` where cronie is not started exits {:?}:\n{stderr}",
        output.status.code()
    );
}

/// `scripts/mongo-local.sh install` (the demo's, the tests') in an Alpine container, which has
/// no python3 until added: the line said only Debian's `apt-get install python3 python3-venv`.
#[test]
fn python3_missing_is_named_with_each_systems_package() {
    let dir = tempfile::tempdir().expect("temp dir");
    let checkout = checkout(
        dir.path(),
        &[
            "scripts/mongo-local.sh",
            "scripts/packages.sh",
            "scripts/nx-27017-constraints.txt",
        ],
    );
    let path = machine_path(
        dir.path(),
        &[("id", &id_as("0")), ("sudo", SUDO)],
        &["python3"],
    );
    let output = run(Command::new(checkout.join("scripts/mongo-local.sh"))
        .arg("install")
        .env("PATH", path));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.trim_end().lines().last().unwrap_or_default();
    assert!(
        !output.status.success()
            && last.contains("python3 is missing")
            && last.contains("dnf install python3")
            && last.contains("pacman -S python")
            && last.contains("apk add python3"),
        "`mongo-local.sh install` without python3 exits {:?}:\n{stderr}",
        output.status.code()
    );
}
