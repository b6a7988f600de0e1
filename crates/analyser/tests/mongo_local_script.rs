//! `scripts/mongo-local.sh` on a Mac, in a copy of the checkout's scripts sharing the
//! workspace's `.venv`, with the BSD `stat` macOS ships on the PATH; and after a power cut,
//! its pid file left behind.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// macOS's stat(1) is BSD's: `-f FORMAT`, and no `-c` (`stat: illegal option -- c`).
const BSD_STAT: &str = r#"#!/bin/sh
for arg in "$@"; do
    case "$arg" in
        -c* | --*)
            echo "stat: illegal option -- c" >&2
            echo "usage: stat [-FLnq] [-f format | -l | -r | -s | -x] [-t timefmt] [file ...]" >&2
            exit 1 ;;
    esac
done
exec /usr/bin/stat "$@"
"#;

/// A checkout holding the scripts, its `.venv` the workspace's (nx-27017 installed there by the
/// test run), and a `bin/` of BSD tools.
struct Checkout {
    dir: tempfile::TempDir,
}

impl Checkout {
    fn new() -> Checkout {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = testkit::workspace_root();
        let _writing = common::writing_or_forking();
        for file in [
            "scripts/mongo-local.sh",
            "scripts/packages.sh",
            "scripts/nx-27017-constraints.txt",
        ] {
            let target = dir.path().join("checkout").join(file);
            std::fs::create_dir_all(target.parent().expect("a parent")).expect("make folders");
            std::fs::copy(root.join(file), &target).expect("copy a checkout file");
        }
        let venv = root
            .join(".venv")
            .canonicalize()
            .expect("the workspace's .venv");
        std::os::unix::fs::symlink(venv, dir.path().join("checkout/.venv")).expect("link .venv");
        common::write_executable(&dir.path().join("bin/stat"), BSD_STAT);
        Checkout { dir }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("checkout/.demo/mongo")
    }

    fn mongo_local(&self, args: &[&str]) -> Output {
        let path = format!(
            "{}:{}",
            self.dir.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let _forking = common::writing_or_forking();
        Command::new(self.dir.path().join("checkout/scripts/mongo-local.sh"))
            .args(args)
            .env("PATH", path)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run mongo-local.sh")
            .wait_with_output()
            .expect("mongo-local.sh ends")
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        let data = self.data();
        self.mongo_local(&["stop", path_str(&data)]);
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// The README: `scripts/mongo-local.sh start .demo/mongo` serves the demo's data again (a new
/// port at each start), and `start DIR [PORT]` any folder. A start that failed once in a folder
/// (its port taken: `address already in use` in `nx.log`) must not make every later start there
/// fail. The script reads only what this launch adds to `nx.log`, from the size `stat -c %s`
/// gives; BSD stat refuses `-c`, the size reads 0, the old failure is read as this launch's, and
/// on a Mac each later start fails five times ("did not start … (tried port …)") for good,
/// until `nx.log` is deleted by hand.
#[test]
fn on_a_mac_a_start_that_failed_once_on_a_taken_port_does_not_fail_every_later_start() {
    let checkout = Checkout::new();
    let data = checkout.data();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("hold a port");
    let port = taken.local_addr().expect("its address").port().to_string();
    let first = checkout.mongo_local(&["start", path_str(&data), &port]);
    assert!(
        !first.status.success(),
        "port {port} is taken: that start fails\n{}",
        String::from_utf8_lossy(&first.stderr)
    );
    drop(taken);

    let again = checkout.mongo_local(&["start", path_str(&data)]);
    let log = std::fs::read_to_string(data.join("nx.log")).unwrap_or_default();
    assert!(
        again.status.success(),
        "a start on a free port fails: {}\nnx.log:\n{log}",
        String::from_utf8_lossy(&again.stderr)
    );
}

/// The demo's first start (`scripts/demo.sh`, or `scripts/mongo-local.sh start .demo/mongo` as
/// the README says) in a folder where no server ran yet, so without an `nx.log`: the server
/// starts, and the script prints its URI and nothing else. It prints, first, bash's
/// "scripts/mongo-local.sh: line 55: …/nx.log: No such file or directory": the size of the
/// log is read with `wc -c <"$dir/nx.log" 2>/dev/null`, whose input is opened before its
/// errors go to /dev/null. A user's first demo opens with an error about a missing file.
#[test]
fn a_first_start_in_a_new_folder_prints_no_error_about_a_missing_log() {
    let checkout = Checkout::new();
    let data = checkout.data();
    let first = checkout.mongo_local(&["start", path_str(&data)]);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "the first start fails: {stderr}");
    assert!(
        !stderr.contains("No such file or directory"),
        "a start that succeeded says a file is missing:\n{stderr}"
    );
}

/// `scripts/mongo-local.sh --help`, as a user tries a script the README names: its usage on
/// standard output, each command said, exit 0 (it printed a one-line usage on stderr and exited
/// 2, as for a mistake). A command it does not know is still refused, naming it, exit 2.
#[test]
fn help_says_each_command_and_succeeds_while_an_unknown_command_is_refused_by_name() {
    let checkout = Checkout::new();
    let help = checkout.mongo_local(&["--help"]);
    let stdout = String::from_utf8_lossy(&help.stdout);
    assert_eq!(help.status.code(), Some(0), "--help fails: {stdout}");
    for command in ["install", "start DIR [PORT]", "stop DIR"] {
        assert!(
            stdout.contains(command),
            "--help does not say `{command}`:\n{stdout}"
        );
    }

    let unknown = checkout.mongo_local(&["restart"]);
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert_eq!(
        unknown.status.code(),
        Some(2),
        "an unknown command: {stderr}"
    );
    assert!(
        stderr.contains("`restart`") && stderr.contains("--help"),
        "an unknown command is not named, with where to look:\n{stderr}"
    );
}

/// After a power cut, the demo's `nx.pid` (of a server started to query its data, as the
/// README says) names a server gone, and its number may be another program's since. `stop`,
/// which the demo and the README's removal of it run, sent that program SIGTERM, then SIGKILL
/// after 5 s; `start` took it for the server and printed the old URI, where nothing answers.
#[test]
fn a_pid_file_naming_another_program_is_not_taken_for_the_server() {
    let checkout = Checkout::new();
    let data = checkout.data();
    std::fs::create_dir_all(&data).expect("the demo's server folder");
    let mut other = {
        let _forking = common::writing_or_forking();
        Command::new("sleep")
            .arg("120")
            .spawn()
            .expect("another program")
    };
    std::fs::write(data.join("nx.pid"), format!("{}\n", other.id())).expect("nx.pid");
    std::fs::write(data.join("uri"), "mongodb://127.0.0.1:9\n").expect("uri");
    let stopped = checkout.mongo_local(&["stop", path_str(&data)]);
    let survived = other
        .try_wait()
        .expect("the other program's state")
        .is_none();
    let started = checkout.mongo_local(&["start", path_str(&data)]);
    let _ = other.kill();
    let _ = other.wait();
    assert!(stopped.status.success(), "{stopped:?}");
    assert!(survived, "stop killed the program now holding the pid");
    let uri = String::from_utf8_lossy(&started.stdout);
    assert!(
        started.status.success() && uri.trim() != "mongodb://127.0.0.1:9",
        "start took the other program for the server: {uri} {}",
        String::from_utf8_lossy(&started.stderr)
    );
}
