//! The set-up scripts run in a copy of the checkout, on a machine made of stand-ins: programs
//! put first on the script's PATH (sudo, apt-get, a package manager, crontab), and /usr/bin's
//! programs linked but those the machine lacks. No test runs the real apt-get or sudo.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A program that does nothing and succeeds (cargo where building is not the point).
pub const DOES_NOTHING: &str = "#!/bin/sh\nexit 0\n";

/// A copy of `files` of the checkout at `dir/checkout`.
pub fn checkout(dir: &Path, files: &[&str]) -> PathBuf {
    let root = testkit::workspace_root();
    let checkout = dir.join("checkout");
    let _writing = super::writing_or_forking();
    for file in files {
        let target = checkout.join(file);
        std::fs::create_dir_all(target.parent().expect("a parent")).expect("make folders");
        std::fs::copy(root.join(file), &target).expect("copy a checkout file");
    }
    checkout
}

/// `dir/bin` holding `programs`, each a stand-in script by its name: the folder put first on
/// the script's PATH, so that it never runs the real program (apt-get, sudo).
pub fn stand_ins(dir: &Path, programs: &[(&str, &str)]) -> PathBuf {
    let bin = dir.join("bin");
    let _writing = super::writing_or_forking();
    for (name, script) in programs {
        super::write_executable(&bin.join(name), script);
    }
    bin
}

/// `dir/usr-bin`, a link to every program of /usr/bin but `hidden`: a /usr/bin on which those
/// are not installed.
pub fn usr_bin_without(dir: &Path, hidden: &[&str]) -> PathBuf {
    let usr_bin = dir.join("usr-bin");
    std::fs::create_dir_all(&usr_bin).expect("make the folder");
    for entry in std::fs::read_dir("/usr/bin").expect("read /usr/bin") {
        let entry = entry.expect("an entry of /usr/bin");
        let name = entry.file_name();
        if !hidden.iter().any(|hidden| name == *hidden) {
            std::os::unix::fs::symlink(entry.path(), usr_bin.join(&name)).expect("link a program");
        }
    }
    usr_bin
}

/// Runs a script without input, its output kept.
pub fn run(command: &mut Command) -> Output {
    let child = {
        let _forking = super::writing_or_forking();
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run the script")
    };
    child.wait_with_output().expect("the script ends")
}

/// `command` without the environment's pip settings (an index, a folder of wheels, a proxy),
/// which would reach beyond what a test gives pip.
pub fn without_pip_settings(command: &mut Command) -> &mut Command {
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().to_ascii_uppercase();
        if name.starts_with("PIP_") || name.ends_with("_PROXY") {
            command
                .env_remove(&name)
                .env_remove(name.to_ascii_lowercase());
        }
    }
    command
}
