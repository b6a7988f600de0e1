//! The README's set-up on a university lab machine, as a student: an ordinary account that
//! may not use sudo, PyPI blocked by the lab's proxy, and cron denied to the account. Each
//! script run in a copy of the checkout's scripts; each refusal must name what is missing and
//! what to ask an administrator for, in one line, rather than leave the student with the
//! refusal of a tool the script called.

mod common;

use std::path::Path;
use std::process::Command;

use common::scripts::{
    DOES_NOTHING, checkout, run, stand_ins, usr_bin_without, without_pip_settings,
};

/// sudo for a user who is not in the sudoers file: without a password (`-n`) it asks for one;
/// with one it refuses (the prompt goes to the terminal, where the student types it).
const SUDO_NOT_IN_SUDOERS: &str = r#"#!/bin/sh
[ "$1" != -n ] || { echo "sudo: a password is required" >&2; exit 1; }
printf '[sudo] password for %s: \n' "$(id -un)" >/dev/tty
echo "$(id -un) is not in the sudoers file." >&2
exit 1
"#;

/// id(1) for the student, whatever user runs the tests (root in a container must not take the
/// script's branch that installs as root).
const ID_STUDENT: &str = r#"#!/bin/sh
case "$*" in
    -u) echo 1000 ;;
    -un | "-u -n" | -nu) echo student ;;
    *) exec /usr/bin/id "$@" ;;
esac
"#;

/// An apt-get that installs nothing.
const APT_GET: &str = r#"#!/bin/sh
echo "apt-get stand-in: E: Could not open lock file (are you root?)" >&2
exit 100
"#;

/// crontab(1) for a user that /etc/cron.deny names: Debian's cron refuses every command.
const CRONTAB_DENIED: &str = r#"#!/bin/sh
echo "You ($(id -un)) are not allowed to use this program (crontab)" >&2
echo "See crontab(1) for more information" >&2
exit 1
"#;

/// This PATH with `bin` (its stand-ins) first.
fn path_before(bin: &Path) -> std::ffi::OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(bin.to_owned()).chain(std::env::split_paths(&path)))
        .expect("a PATH")
}

/// The files of the checkout `scripts/test.sh` runs on.
const TEST_SH: [&str; 2] = ["scripts/test.sh", "scripts/packages.sh"];

/// The files of the checkout `scripts/mongo-local.sh install` runs on.
const MONGO_LOCAL: [&str; 3] = [
    "scripts/mongo-local.sh",
    "scripts/packages.sh",
    "scripts/nx-27017-constraints.txt",
];

/// A PATH of `bin` (its stand-ins) first, then /usr/bin without poppler-utils' programs: a
/// machine on which `scripts/test.sh` must install them.
fn path_without_poppler(dir: &Path, bin: &Path) -> String {
    let usr_bin = usr_bin_without(dir, &["pdftoppm", "pdftotext"]);
    format!("{}:{}", bin.display(), usr_bin.display())
}

/// A PATH of `bin` (its stand-ins) first, then /usr/bin without poppler-utils' programs nor
/// faketime: a machine on which `scripts/test.sh` must install both.
fn path_without_poppler_nor_faketime(dir: &Path, bin: &Path) -> String {
    let usr_bin = usr_bin_without(dir, &["pdftoppm", "pdftotext", "faketime"]);
    format!("{}:{}", bin.display(), usr_bin.display())
}

/// `scripts/test.sh` typed in a terminal by a student (script(1) gives it one, so sudo may ask
/// for a password) on a machine without poppler-utils nor faketime, `sudo` standing in for
/// sudo: its output.
fn test_sh_typed_with(dir: &Path, sudo: &str) -> std::process::Output {
    let checkout = checkout(dir, &TEST_SH);
    let bin = stand_ins(
        dir,
        &[
            ("sudo", sudo),
            ("cargo", DOES_NOTHING),
            ("id", ID_STUDENT),
            ("apt-get", APT_GET),
        ],
    );
    let path = path_without_poppler_nor_faketime(dir, &bin);
    run(Command::new("script")
        .args(["-qec", "scripts/test.sh", "/dev/null"])
        .current_dir(&checkout)
        .env("PATH", path))
}

/// `scripts/test.sh` typed in a terminal (so sudo may ask for a password) on a machine without
/// poppler-utils nor faketime, by a student whom sudo refuses: the last thing said is sudo's
/// refusal, and nothing names poppler-utils, what the script was installing, nor who could
/// install it. The command to ask an administrator for names faketime too, which the script
/// would stop on next: one visit installs both.
#[test]
fn a_student_refused_by_sudo_is_told_which_package_to_ask_an_administrator_for() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = test_sh_typed_with(dir.path(), SUDO_NOT_IN_SUDOERS);
    let said = String::from_utf8_lossy(&output.stdout);
    let last = said.trim_end().lines().last().unwrap_or_default();
    // The command between backquotes: `apt-get install …`.
    let command = last
        .split('`')
        .find(|part| part.starts_with("apt-get install "))
        .unwrap_or_default();
    let named: Vec<&str> = command.split_whitespace().skip(2).collect();
    assert!(
        !output.status.success()
            && last.contains("poppler-utils")
            && last.contains("administrator")
            && named.contains(&"poppler-utils")
            && named.contains(&"faketime"),
        "`scripts/test.sh` exits {:?}; its last line does not give an administrator one \
         command installing poppler-utils and faketime, both missing (named: {named:?}):\n{said}",
        output.status.code()
    );
}

/// `scripts/mongo-local.sh install` (which the demo and `scripts/test.sh` run) where the lab's
/// proxy blocks PyPI: pip's last words are "Could not find a version that satisfies the
/// requirement nx-27017==0.8.1 (from versions: none)", read as a version that does not exist.
#[test]
fn pypi_out_of_reach_is_said_as_such_with_what_to_set() {
    let dir = tempfile::tempdir().expect("temp dir");
    let checkout = checkout(dir.path(), &MONGO_LOCAL);
    // A machine without python3-venv would have the script install it: never the real
    // apt-get or sudo (as root, in a container, it would run).
    let bin = stand_ins(
        dir.path(),
        &[("sudo", SUDO_NOT_IN_SUDOERS), ("apt-get", APT_GET)],
    );
    let path = path_before(&bin);
    let mut command = Command::new(checkout.join("scripts/mongo-local.sh"));
    // The environment's pip settings (an extra index, a proxy) would reach beyond 127.0.0.1:9.
    without_pip_settings(&mut command);
    let output = run(command
        .arg("install")
        .env("PATH", path)
        .env("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
        .env("PIP_RETRIES", "0")
        .env("PIP_CONFIG_FILE", "/dev/null"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.trim_end().lines().last().unwrap_or_default();
    assert!(
        !output.status.success()
            && last.contains("nx-27017")
            && last.contains("PIP_INDEX_URL")
            && last.contains("proxy"),
        "`mongo-local.sh install` without PyPI exits {:?}; its last line does not say the \
         package index was out of reach, nor what to set:\n{stderr}",
        output.status.code()
    );
}

/// `scripts/install-cron.sh` by a student whom /etc/cron.deny names: it quotes cron's
/// refusal, and says nothing of what to ask for or what runs the jobs instead.
#[test]
fn a_student_denied_cron_is_told_what_to_ask_for_and_what_runs_without_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let checkout = checkout(
        dir.path(),
        &["scripts/install-cron.sh", "scripts/packages.sh", "crontab"],
    );
    let crontab = stand_ins(dir.path(), &[("crontab", CRONTAB_DENIED)]).join("crontab");
    let output = run(Command::new(checkout.join("scripts/install-cron.sh"))
        .arg("--no-build")
        .env("CRONTAB", &crontab));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.trim_end().lines().last().unwrap_or_default();
    assert!(
        !output.status.success()
            && last.contains("cron.allow")
            && last.contains("administrator")
            && last.contains("install-systemd.sh"),
        "`install-cron.sh` denied cron exits {:?}; its last line does not say what to ask an \
         administrator for, nor the systemd timers:\n{stderr}",
        output.status.code()
    );
}

/// sudo for a user it lists: runs the command.
const SUDO_ALLOWED: &str = "#!/bin/sh\n[ \"$1\" != -n ] || shift\nexec \"$@\"\n";

/// apt-get on a machine one of whose repositories fails (a third-party one whose key expired,
/// or gone for this release): `update` refreshes the others and exits 100; `install` works
/// from the lists it has, noting what it installed in `$APT_LOG`.
const APT_GET_ONE_REPOSITORY_FAILING: &str = r#"#!/bin/sh
case "$1" in
    update)
        echo "E: The repository 'https://example.invalid/repo bookworm Release' does not have a Release file." >&2
        exit 100 ;;
    install) shift; echo "install $*" >>"$APT_LOG" ;;
esac
"#;

/// `scripts/test.sh` on a machine without poppler-utils whose sudo works (or as root, a CI
/// container) but one of whose apt repositories fails `apt-get update`: poppler-utils is
/// installed from the other lists and the tests run, rather than the user, who may use sudo,
/// being told `sudo apt-get install poppler-utils` failed (never run) and to ask an
/// administrator.
#[test]
fn one_apt_repository_failing_its_update_does_not_keep_poppler_from_being_installed() {
    for uid in ["1000", "0"] {
        let dir = tempfile::tempdir().expect("temp dir");
        let checkout = checkout(dir.path(), &TEST_SH);
        let apt_log = dir.path().join("apt.log");
        let id = ID_STUDENT.replace("-u) echo 1000", &format!("-u) echo {uid}"));
        let bin = stand_ins(
            dir.path(),
            &[
                ("sudo", SUDO_ALLOWED),
                ("cargo", DOES_NOTHING),
                ("id", &id),
                ("apt-get", APT_GET_ONE_REPOSITORY_FAILING),
            ],
        );
        {
            let _writing = common::writing_or_forking();
            common::write_executable(&checkout.join("scripts/mongo-local.sh"), DOES_NOTHING);
        }
        let path = path_without_poppler(dir.path(), &bin);
        let output = run(Command::new(checkout.join("scripts/test.sh"))
            .current_dir(&checkout)
            .env("PATH", path)
            .env("APT_LOG", &apt_log));
        let stderr = String::from_utf8_lossy(&output.stderr);
        let installed = std::fs::read_to_string(&apt_log).unwrap_or_default();
        assert!(
            output.status.success() && installed.contains("poppler-utils"),
            "as uid {uid}, `scripts/test.sh` exits {:?} having installed {installed:?}:\n{stderr}",
            output.status.code()
        );
    }
}

/// `scripts/mongo-local.sh install` in `checkout` with `python3` the stand-in given, on the
/// lab machine's stand-ins first on PATH: should the script go on to install python3-venv,
/// nothing is installed.
fn mongo_local_install(dir: &Path, checkout: &Path, python3: &str) -> std::process::Output {
    let bin = stand_ins(
        dir,
        &[
            ("python3", python3),
            ("id", ID_STUDENT),
            ("apt-get", APT_GET),
            ("sudo", SUDO_NOT_IN_SUDOERS),
        ],
    );
    run(Command::new(checkout.join("scripts/mongo-local.sh"))
        .arg("install")
        .env("PATH", path_before(&bin)))
}

/// python3 of Ubuntu 22.04 (3.10): the version checks the script makes answer as 3.10 would.
const PYTHON_3_10: &str = r#"#!/bin/sh
case "$*" in
    *print*version_info*) echo 3.10 ;;
    *version_info*) exit 1 ;;
    *) echo "python3 stand-in: $*" >&2; exit 99 ;;
esac
"#;

/// `scripts/mongo-local.sh install` (the demo's, the tests') on a lab machine whose python3 is
/// 3.10: pip answered "No matching distribution found" for the pinned packages, read as a
/// version that does not exist, or PyPI out of reach; the script names the Python it needs.
#[test]
fn a_python_too_old_for_the_pinned_packages_is_named_before_pip_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let checkout = checkout(dir.path(), &MONGO_LOCAL);
    let output = mongo_local_install(dir.path(), &checkout, PYTHON_3_10);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success()
            && stderr.contains("python3 here is 3.10")
            && stderr.contains("3.11 to 3.14")
            && !checkout.join(".venv").exists(),
        "`mongo-local.sh install` with python3 3.10 exits {:?}:\n{stderr}",
        output.status.code()
    );
}

/// The `.venv` a python3 3.10 made before the pins (nx-27017 0.8.1 installs on 3.10): its pip
/// answers the pinned pymongo 4.20.1 as no version there is.
const VENV_PIP_3_10: &str = r#"#!/bin/sh
echo "ERROR: Could not find a version that satisfies the requirement pymongo==4.20.1 (from versions: 4.0, 4.13.2)" >&2
echo "ERROR: No matching distribution found for pymongo==4.20.1" >&2
exit 1
"#;

/// `scripts/mongo-local.sh install` on the lab machine (python3 3.10) whose `.venv`, with
/// nx-27017, was made before the pins: the new pins could not install in it, and the student
/// was told PyPI is out of reach and to set a proxy, rather than the Python it needs.
#[test]
fn a_venv_made_by_a_python_too_old_for_the_pins_is_not_said_as_pypi_out_of_reach() {
    let dir = tempfile::tempdir().expect("temp dir");
    let checkout = checkout(dir.path(), &MONGO_LOCAL);
    // The venv made before the pins, by 3.10.
    stand_ins(
        &checkout.join(".venv"),
        &[
            ("python", PYTHON_3_10),
            ("pip", VENV_PIP_3_10),
            ("nx-27017", DOES_NOTHING),
        ],
    );
    let output = mongo_local_install(dir.path(), &checkout, PYTHON_3_10);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.trim_end().lines().last().unwrap_or_default();
    assert!(
        !output.status.success()
            && last.contains("python3 here is 3.10")
            && last.contains("3.11 to 3.14")
            && !stderr.contains("PIP_INDEX_URL"),
        "`mongo-local.sh install` with a .venv of python3 3.10 exits {:?}:\n{stderr}",
        output.status.code()
    );
}

/// python3 3.12, first on PATH once the student has one: `-m venv` over a folder already there
/// keeps the python it holds, as venv does, and writes a pip run by that python, which installs
/// the pinned packages only where it is 3.11 to 3.14.
const PYTHON_3_12: &str = r#"#!/bin/sh
case "$*" in
    *print*version_info*) echo 3.12 ;;
    *version_info*) exit 0 ;;
    "-m venv "*)
        mkdir -p "$3/bin"
        [ -e "$3/bin/python" ] || cp "$0" "$3/bin/python"
        cat >"$3/bin/pip" <<'PIP'
#!/bin/sh
here=$(dirname "$0")
if "$here/python" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 15))'; then
    printf '#!/bin/sh\n' >"$here/nx-27017" && chmod +x "$here/nx-27017"
    exit 0
fi
echo "ERROR: No matching distribution found for pymongo==4.20.1" >&2
exit 1
PIP
        chmod +x "$3/bin/pip" ;;
    *) echo "python3 stand-in: $*" >&2; exit 99 ;;
esac
"#;

/// The student on python3 3.10 ran `scripts/mongo-local.sh install` before it named the
/// Python it needs: the `.venv` 3.10 made was left without nx-27017 (its pip found none of the
/// pinned versions). Told to put 3.11 to 3.14 first on PATH, they do and run again: the venv of
/// 3.10 was kept, its pip failed again, and they were told PyPI is out of reach.
#[test]
fn a_venv_left_by_a_python_too_old_is_made_again_once_a_fitting_one_is_on_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let checkout = checkout(dir.path(), &MONGO_LOCAL);
    // The venv 3.10 made, its pip's install failed: no nx-27017 in it.
    stand_ins(
        &checkout.join(".venv"),
        &[("python", PYTHON_3_10), ("pip", VENV_PIP_3_10)],
    );
    let output = mongo_local_install(dir.path(), &checkout, PYTHON_3_12);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success()
            && checkout.join(".venv/bin/nx-27017").exists()
            && !stderr.contains("PIP_INDEX_URL"),
        "`mongo-local.sh install` with python3 3.12 over a .venv of 3.10 exits {:?}:\n{stderr}",
        output.status.code()
    );
}

/// A pyenv shim for a version `.python-version` names but pyenv has not installed.
const PYENV_SHIM_NOT_INSTALLED: &str = r#"#!/bin/sh
echo "pyenv: version \`3.12.1' is not installed (set by /home/student/.python-version)" >&2
exit 1
"#;

/// `scripts/mongo-local.sh install` where python3 is a pyenv shim that fails (the version a
/// `.python-version` names not installed): the student was told python3 is missing and to
/// `apt-get install python3`, pyenv's own words hidden.
#[test]
fn a_python3_that_fails_to_run_is_not_said_missing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let checkout = checkout(dir.path(), &MONGO_LOCAL);
    let output = mongo_local_install(dir.path(), &checkout, PYENV_SHIM_NOT_INSTALLED);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success()
            && stderr.contains("is not installed (set by")
            && !stderr.contains("python3 is missing"),
        "`mongo-local.sh install` with a failing python3 exits {:?}:\n{stderr}",
        output.status.code()
    );
}

/// sudo for a user it lists, whose password was mistyped three times: sudo exits 1, as for a
/// user it does not list.
const SUDO_PASSWORD_MISTYPED: &str = r#"#!/bin/sh
[ "$1" != -n ] || { echo "sudo: a password is required" >&2; exit 1; }
echo "sudo: 3 incorrect password attempts" >&2
exit 1
"#;

/// `scripts/test.sh` typed in a terminal by a user whom sudo lists, the password mistyped:
/// the line said sudo refused this user and to ask an administrator, of a user who may
/// install it and need only run again.
#[test]
fn a_password_mistyped_to_sudo_is_not_said_as_this_user_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = test_sh_typed_with(dir.path(), SUDO_PASSWORD_MISTYPED);
    let said = String::from_utf8_lossy(&output.stdout);
    let last = said.trim_end().lines().last().unwrap_or_default();
    assert!(
        !output.status.success()
            && last.contains("poppler-utils")
            && last.contains("password was mistyped")
            && !last.contains("refused this user"),
        "`scripts/test.sh` exits {:?}:\n{said}",
        output.status.code()
    );
}
