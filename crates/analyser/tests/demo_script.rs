//! `scripts/demo.sh` asked for help, or given an option it does not take, in a copy of the
//! checkout's scripts with a stand-in `cargo` that records being called: it must answer
//! without building, and leave the last demo's data (`.demo/raw`, `.demo/mongo`), which the
//! README says is kept until the next demo, where it is.

mod common;

use std::path::Path;
use std::process::{Command, Output};

/// A stand-in for cargo: says it was called (and builds nothing).
const FAKE_CARGO: &str = r#"#!/bin/sh
echo "$*" >>"$(dirname "$0")/cargo-called"
"#;

/// A stand-in for `scripts/mongo-local.sh` that starts no server, so a demo that goes on
/// stops there, after clearing the last demo's data as it does before starting its server.
const FAKE_MONGO_LOCAL: &str = r#"#!/bin/sh
[ "$1" != start ] || { echo "mongo-local stand-in: no server in this test" >&2; exit 1; }
"#;

/// A copy of the scripts the demo runs, a kept demo's data, and the stand-in cargo.
fn checkout(dir: &Path) {
    let root = testkit::workspace_root();
    let _writing = common::writing_or_forking();
    for file in ["scripts/demo.sh", "scripts/packages.sh"] {
        let target = dir.join("checkout").join(file);
        std::fs::create_dir_all(target.parent().expect("a parent")).expect("make folders");
        std::fs::copy(root.join(file), &target).expect("copy a checkout file");
    }
    for kept in [".demo/raw/usgs-earthquakes", ".demo/mongo/data"] {
        let folder = dir.join("checkout").join(kept);
        std::fs::create_dir_all(&folder).expect("a kept folder");
        std::fs::write(folder.join("kept"), b"the last demo's").expect("a kept file");
    }
    common::write_executable(&dir.join("bin/cargo"), FAKE_CARGO);
    common::write_executable(
        &dir.join("checkout/scripts/mongo-local.sh"),
        FAKE_MONGO_LOCAL,
    );
}

fn demo(dir: &Path, args: &[&str]) -> Output {
    let path = format!(
        "{}:{}",
        dir.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let child = {
        let _forking = common::writing_or_forking();
        Command::new(dir.join("checkout/scripts/demo.sh"))
            .args(args)
            .env("PATH", path)
            .env_remove("CARGO_TARGET_DIR")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run demo.sh")
    };
    child.wait_with_output().expect("demo.sh ends")
}

fn kept(dir: &Path) -> bool {
    [".demo/raw/usgs-earthquakes", ".demo/mongo/data"]
        .iter()
        .all(|kept| dir.join("checkout").join(kept).join("kept").is_file())
}

#[test]
fn demo_help_prints_its_usage_without_building_or_deleting_the_last_demo() {
    let dir = tempfile::tempdir().expect("temp dir");
    checkout(dir.path());
    let output = demo(dir.path(), &["--help"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let built = std::fs::read_to_string(dir.path().join("bin/cargo-called")).unwrap_or_default();
    assert!(
        output.status.success() && built.is_empty() && kept(dir.path()),
        "`scripts/demo.sh --help` exits {:?}, called `cargo {}`, kept the last demo's data: {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status.code(),
        built.trim(),
        kept(dir.path()),
    );
}

#[test]
fn demo_refuses_an_option_it_does_not_take_without_building_or_deleting_the_last_demo() {
    let dir = tempfile::tempdir().expect("temp dir");
    checkout(dir.path());
    let output = demo(dir.path(), &["--no-build"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let built = std::fs::read_to_string(dir.path().join("bin/cargo-called")).unwrap_or_default();
    assert!(
        output.status.code() == Some(2) && built.is_empty() && kept(dir.path()),
        "`scripts/demo.sh --no-build` exits {:?}, called `cargo {}`, kept the last demo's data: {}\nstderr:\n{stderr}",
        output.status.code(),
        built.trim(),
        kept(dir.path()),
    );
}
