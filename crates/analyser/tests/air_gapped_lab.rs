//! The set-up in an air-gapped lab (a network without internet): the IT officer carries in, on a
//! USB stick, the crates (`cargo vendor`) and nx-27017's wheels (`pip download`) fetched on a
//! connected machine, and Debian's packages are out of reach. Each script runs in a copy of
//! the checkout's scripts; a failure must say what is missing there, not advise reaching a
//! network the lab does not have.

mod common;

use std::path::Path;
use std::process::Command;

use common::scripts::{
    DOES_NOTHING, checkout, run, stand_ins, usr_bin_without, without_pip_settings,
};

/// The files of the checkout `scripts/mongo-local.sh install` runs on.
const MONGO_LOCAL: [&str; 3] = [
    "scripts/mongo-local.sh",
    "scripts/packages.sh",
    "scripts/nx-27017-constraints.txt",
];

/// apt-get as root on a machine without a network: `update` keeps the lists it has (warning,
/// as Debian's apt-get does, and exits 0); `install` fails to download a package.
const APT_GET_OFFLINE: &str = r#"#!/bin/sh
case "$1" in
    update)
        echo "W: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Temporary failure resolving 'deb.debian.org'" >&2
        echo "W: Some index files failed to download. They have been ignored, or old ones used instead." >&2
        exit 0 ;;
    install)
        echo "E: Failed to fetch http://deb.debian.org/debian/pool/main/p/poppler/poppler-utils_22.02.0-2+deb12u1_amd64.deb  Temporary failure resolving 'deb.debian.org'" >&2
        echo "E: Unable to fetch some archives, maybe run apt-get update or try with --fix-missing?" >&2
        exit 100 ;;
esac
"#;

/// id(1) for root (the lab's IT officer, or a container), whatever user runs the tests.
const ID_ROOT: &str = r#"#!/bin/sh
case "$*" in
    -u) echo 0 ;;
    -un | "-u -n" | -nu) echo root ;;
    *) exec /usr/bin/id "$@" ;;
esac
"#;

/// `scripts/mongo-local.sh install` told to use no package index (`PIP_NO_INDEX=1`) and a
/// folder of wheels (`PIP_FIND_LINKS`) lacking what the pins need: pip says "conflicting
/// dependencies" or "No matching distribution", and the script advised setting HTTPS_PROXY or
/// PIP_INDEX_URL, which the lab has none of, rather than the wheels the folder lacks.
#[test]
fn a_wheel_folder_lacking_a_pinned_wheel_is_said_as_such_not_as_pypi_out_of_reach() {
    let dir = tempfile::tempdir().expect("temp dir");
    let checkout = checkout(dir.path(), &MONGO_LOCAL);
    let wheels = dir.path().join("wheels");
    std::fs::create_dir_all(&wheels).expect("make the wheel folder");
    // A machine without python3-venv would have the script install it: never the real
    // apt-get (as root, in a container, it would run).
    let bin = stand_ins(dir.path(), &[("apt-get", APT_GET_OFFLINE), ("id", ID_ROOT)]);
    let mut command = Command::new(checkout.join("scripts/mongo-local.sh"));
    // The environment's pip settings (an index, a proxy) would reach beyond the folder.
    without_pip_settings(&mut command);
    let output = run(command
        .arg("install")
        .env("PATH", path_before(&bin))
        .env("PIP_NO_INDEX", "1")
        .env("PIP_FIND_LINKS", &wheels)
        .env("PIP_CONFIG_FILE", "/dev/null"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.trim_end().lines().last().unwrap_or_default();
    assert!(
        !output.status.success()
            && last.contains(&*wheels.to_string_lossy())
            && last.contains("pip download")
            && last.contains("nx-27017-constraints.txt")
            && !last.contains("HTTPS_PROXY"),
        "`mongo-local.sh install` from a folder of wheels lacking them exits {:?}; its last \
         line does not name the folder and how to fill it, or advises a proxy:\n{stderr}",
        output.status.code()
    );
}

/// `scripts/test.sh` as root on a machine without poppler-utils and without a network: the
/// last words were apt-get's "maybe run apt-get update or try with --fix-missing?", with
/// nothing of what relevé was installing nor that it can be installed by other means.
#[test]
fn as_root_without_a_network_a_failed_install_names_the_package_it_needs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let checkout = checkout(dir.path(), &["scripts/test.sh", "scripts/packages.sh"]);
    let bin = stand_ins(
        dir.path(),
        &[
            ("cargo", DOES_NOTHING),
            ("id", ID_ROOT),
            ("apt-get", APT_GET_OFFLINE),
        ],
    );
    let usr_bin = usr_bin_without(dir.path(), &["pdftoppm", "pdftotext"]);
    let output = run(Command::new(checkout.join("scripts/test.sh"))
        .current_dir(&checkout)
        .env("PATH", format!("{}:{}", bin.display(), usr_bin.display())));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.trim_end().lines().last().unwrap_or_default();
    assert!(
        !output.status.success()
            && last.contains("poppler-utils")
            && last.contains("apt-get install poppler-utils")
            && last.contains(".deb"),
        "`scripts/test.sh` as root without a network exits {:?}; its last line does not name \
         poppler-utils and how to install it without one:\n{stderr}",
        output.status.code()
    );
}

/// This PATH with `bin` (its stand-ins) first.
fn path_before(bin: &Path) -> std::ffi::OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(bin.to_owned()).chain(std::env::split_paths(&path)))
        .expect("a PATH")
}
