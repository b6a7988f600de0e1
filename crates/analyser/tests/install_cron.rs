//! `scripts/install-cron.sh` against a stand-in `crontab` command (named by `CRONTAB`) that
//! keeps the "installed" crontab in a file: reinstalling never duplicates relevé's lines,
//! uninstalling removes only them, and the user's own lines survive both.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

/// A stand-in for crontab(1): `-l` prints the stored crontab (or fails like the real one when
/// there is none), `FILE` installs FILE.
const FAKE_CRONTAB: &str = r#"#!/bin/sh
store="$(dirname "$0")/installed"
[ "$1" != "-u" ] || shift 2
case "$1" in
    -l) if [ -f "$store" ]; then cat "$store"; else echo "no crontab for $(id -un)" >&2; exit 1; fi ;;
    -*) echo "fake crontab: unsupported option $1" >&2; exit 2 ;;
    *) cat "$1" >"$store" ;;
esac
"#;

const USER_LINES: &str = "MAILTO=me@example.org\n0 3 * * * /usr/local/bin/backup --quiet\n";

/// A copy of the checkout's installer, template and helpers in a temp dir, so the test
/// installs a schedule for that folder and never touches the real tree.
struct Checkout {
    dir: tempfile::TempDir,
    /// The checkout's folder name.
    name: &'static str,
}

impl Checkout {
    fn new() -> Checkout {
        Checkout::named("checkout")
    }

    /// A checkout in a folder called `name`.
    fn named(name: &'static str) -> Checkout {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = testkit::workspace_root();
        let _writing = common::writing_or_forking();
        for file in [
            "scripts/install-cron.sh",
            "scripts/packages.sh",
            "crontab",
            "deploy/cron/rotate-log",
        ] {
            let target = dir.path().join(name).join(file);
            std::fs::create_dir_all(target.parent().expect("a parent")).expect("make folders");
            std::fs::copy(root.join(file), &target).expect("copy a checkout file");
        }
        common::write_executable(&dir.path().join("bin/crontab"), FAKE_CRONTAB);
        // A cron daemon runs, whatever this machine runs.
        common::write_executable(&dir.path().join("bin/pgrep"), "#!/bin/sh\necho 4242\n");
        Checkout { dir, name }
    }

    fn home(&self) -> PathBuf {
        self.dir
            .path()
            .join(self.name)
            .canonicalize()
            .expect("checkout path")
    }

    fn installed(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("bin/installed")).unwrap_or_default()
    }

    fn set_installed(&self, text: &str) {
        std::fs::write(self.dir.path().join("bin/installed"), text).expect("write the crontab");
    }

    fn install_cron(&self, args: &[&str]) -> Output {
        let output = self.try_install_cron(args);
        assert!(
            output.status.success(),
            "install-cron.sh {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    fn try_install_cron(&self, args: &[&str]) -> Output {
        let crontab = self.dir.path().join("bin/crontab");
        self.try_install_cron_with(args, &crontab.display().to_string())
    }

    /// The installer with `CRONTAB` set to `crontab`.
    fn try_install_cron_with(&self, args: &[&str], crontab: &str) -> Output {
        // The test's `bin` first: a stand-in `cargo` there, when a test writes one.
        let path = format!(
            "{}:{}",
            self.dir.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let child = {
            let _forking = common::writing_or_forking();
            Command::new(self.home().join("scripts/install-cron.sh"))
                .args(args)
                .env("CRONTAB", crontab)
                .env("PATH", path)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("run install-cron.sh")
        };
        child.wait_with_output().expect("install-cron.sh ends")
    }
}

/// The schedule lines (not comments, not variables) of a crontab.
fn jobs(crontab: &str) -> Vec<&str> {
    crontab
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .filter(|line| !line.split_whitespace().next().unwrap_or("").contains('='))
        .collect()
}

#[test]
fn installing_twice_keeps_one_copy_of_each_line_and_the_users_lines() {
    let checkout = Checkout::new();
    checkout.set_installed(USER_LINES);

    checkout.install_cron(&["--no-build"]);
    let first = checkout.installed();
    let output = checkout.install_cron(&["--no-build"]);
    let second = checkout.installed();

    assert_eq!(first, second, "a reinstall changes nothing");
    assert!(
        second.starts_with(USER_LINES),
        "user lines first, untouched:\n{second}"
    );
    let releve = jobs(&second);
    assert_eq!(
        releve.len(),
        6,
        "the backup line and five stage lines:\n{second}"
    );
    for stage in [
        "collector",
        "summariser",
        "analyser --raw-dir raw --period day",
    ] {
        assert_eq!(
            releve
                .iter()
                .filter(|l| l.contains(&format!("target/release/{stage}")))
                .count(),
            1,
            "{stage} is scheduled once:\n{second}"
        );
    }
    let home = checkout.home();
    assert!(second.contains(&format!("cd '{}' &&", home.display())));
    assert!(!second.contains("@RELEVE_HOME@"));
    assert!(home.join("logs").is_dir(), "the installer makes logs/");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("backup --quiet"),
        "the result is printed"
    );
}

#[test]
fn alert_mails_are_switched_on_by_an_option_and_survive_a_reinstall() {
    let checkout = Checkout::new();
    let after_block = "0 5 * * * /usr/local/bin/mine\n";
    checkout.set_installed(USER_LINES);
    let status_jobs = |crontab: &str| -> Vec<String> {
        jobs(crontab)
            .into_iter()
            .filter(|line| line.contains("analyser status"))
            .map(str::to_owned)
            .collect()
    };

    checkout.install_cron(&["--no-build"]);
    assert!(
        status_jobs(&checkout.installed()).is_empty(),
        "off by default"
    );

    checkout.install_cron(&["--no-build", "--mailto", "ops@example.org"]);
    let mut on = checkout.installed();
    on.push_str(after_block);
    checkout.set_installed(&on);
    let alert = status_jobs(&on);
    assert_eq!(alert.len(), 1, "{on}");
    assert!(
        alert[0].contains("analyser status >logs/status.last 2>&1 || [ ! -w logs/status.last ] || mail <logs/status.last")
            && alert[0]
                .ends_with(" -s \"releve status: something needs attention\" ops@example.org"),
        "{}",
        alert[0]
    );
    assert_eq!(
        on.lines().filter(|l| l.starts_with("MAILTO=")).count(),
        1,
        "only the user's own MAILTO: the block sets none, so it never redirects the mail of lines after it:\n{on}"
    );

    checkout.install_cron(&["--no-build"]);
    assert_eq!(
        checkout.installed(),
        on,
        "a reinstall keeps the alerts and the user's lines"
    );

    checkout.install_cron(&["--no-build", "--mailto=none"]);
    let off = checkout.installed();
    assert!(status_jobs(&off).is_empty(), "{off}");
    assert!(off.ends_with(after_block), "{off}");

    // A line edited by hand is not read for an address: alerts go off, with a warning.
    checkout.install_cron(&["--no-build", "--mailto", "ops@example.org"]);
    let edited = checkout
        .installed()
        .replace("ops@example.org", "ops@example.org # cc boss@example.org");
    checkout.set_installed(&edited);
    let output = checkout.install_cron(&["--no-build"]);
    let again = checkout.installed();
    assert!(status_jobs(&again).is_empty(), "{again}");
    assert!(!again.contains("boss@example.org"), "{again}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("edited by hand"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Versions before 30 November 2026 had the user uncomment a `MAILTO=` line and a status line
/// echoing its table inside the block: a reinstall carries that address over to the alert
/// line, rather than switching the alerts off; so it does of the lines written as cron reads
/// them (crontab(5): leading blanks, spaces around `=`, quotes), which mailed it.
#[test]
fn the_alert_lines_of_an_older_version_are_carried_over() {
    for (mailto, status_indent) in [
        ("MAILTO=ops@example.org", ""),
        (" MAILTO=ops@example.org", " "),
        ("MAILTO = ops@example.org", ""),
        ("\tMAILTO=\"ops@example.org\"", "\t"),
    ] {
        let checkout = Checkout::new();
        let home = checkout.home().display().to_string();
        checkout.set_installed(&format!(
            "{USER_LINES}# >>> releve {home} (managed by scripts/install-cron.sh; edits inside are replaced) >>>\n{mailto}\n{status_indent}20 *  *   *   *    cd '{home}' && out=$(target/release/analyser status 2>&1) || echo \"$out\"\n# <<< releve {home} <<<\n"
        ));
        let output = checkout.install_cron(&["--no-build"]);
        let installed = checkout.installed();
        let alerts: Vec<&str> = jobs(&installed)
            .into_iter()
            .filter(|line| line.contains("analyser status"))
            .collect();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            alerts.len() == 1 && alerts[0].ends_with("something needs attention\" ops@example.org"),
            "{mailto:?}: alerts switched off: {stderr}\n{installed}"
        );
        assert!(
            stderr.contains("now mail ops@example.org through --mailto"),
            "{mailto:?}: {stderr}"
        );
    }
}

#[test]
fn options_taken_for_addresses_and_unsafe_addresses_are_refused() {
    let checkout = Checkout::new();
    checkout.set_installed(USER_LINES);
    for args in [
        &["--mailto", "--no-build"][..],
        &["--no-build", "--mailto", "a&b@example.org"],
        &["--no-build", "--mailto", "ops@example.org|x"],
        &["--no-build", "--mailto", "50%@example.org"],
        &["--uninstall", "--mailto", "ops@example.org"],
        &["--no-build", "--mailto", ""],
    ] {
        let output = checkout.try_install_cron(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(checkout.installed(), USER_LINES, "{args:?} changed nothing");
    }
}

#[test]
fn the_schedule_matches_the_documented_times() {
    let checkout = Checkout::new();
    checkout.install_cron(&["--no-build"]);
    let installed = checkout.installed();
    let schedule = |needle: &str| -> String {
        let line = jobs(&installed)
            .into_iter()
            .find(|line| line.contains(needle))
            .unwrap_or_else(|| panic!("no line runs {needle}"));
        line.split_whitespace()
            .take(5)
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(schedule("target/release/collector"), "* * * * *");
    assert_eq!(schedule("target/release/summariser"), "5 * * * *");
    // Hourly from 04:00 (a laptop asleep at night writes them when it wakes), each writing its
    // period's report the first time it can, none of a period before the first collection
    // (`--if-missing`).
    assert_eq!(schedule("--period day --if-missing"), "15 4-23 * * *");
    assert_eq!(schedule("--period week --if-missing"), "25 4-23 * * *");
    assert_eq!(schedule("--period month --if-missing"), "35 4-23 * * *");
    for line in jobs(&installed) {
        // The collector locks each source itself; the other stages are serialised by flock.
        if !line.contains("target/release/collector") {
            assert!(line.contains("flock -n -E 75 logs/"), "serialised: {line}");
        }
        assert!(line.contains(">>logs/"), "logged: {line}");
        assert!(!line.contains('%'), "cron turns % into a newline: {line}");
    }
}

#[test]
fn lines_for_another_user_warn_when_that_user_cannot_write_the_folders() {
    let checkout = Checkout::new();
    let crontab = format!(
        "{} -u nobody",
        checkout.dir.path().join("bin/crontab").display()
    );
    let output = checkout.try_install_cron_with(&["--no-build"], &crontab);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let home = checkout.home();
    let warning = format!(
        "install-cron.sh: warning: the lines run as nobody, who does not own {0}/logs {0}/raw {0}/reports; every line would fail to write there: run `sudo chown -R nobody: {0}/logs {0}/raw {0}/reports`",
        home.display()
    );
    assert!(stderr.contains(&warning), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("Installed relevé's schedule for nobody from "),
        "{stdout}"
    );
    assert!(
        !jobs(&checkout.installed()).is_empty(),
        "installed all the same"
    );
}

/// The README's set-up for lines run as another user (`CRONTAB="sudo crontab -u releve"`: "the
/// lines then run as that user, who must own `logs/`, `raw/` and `reports/`", which the
/// installer checks and gives the `chown` for) beside its Credentials section (`chmod 600
/// .env`, "readable by you alone"): the `.env` stays the installing user's, mode 0600, and
/// every stage of every line, run as the other user, stops with `.env: cannot be read:
/// Permission denied` (exit 2), each minute, from the first; the installer says "Installed"
/// and nothing of it. It should say the lines' user cannot read `.env` (and what to run), as
/// it does for the folders. (Found by the hardened-service probe.)
#[test]
fn lines_for_another_user_warn_when_that_user_cannot_read_the_env_file() {
    use std::os::unix::fs::PermissionsExt;
    let checkout = Checkout::new();
    let env = checkout.home().join(".env");
    std::fs::write(
        &env,
        "FRANCE_TRAVAIL_CLIENT_ID=id\nFRANCE_TRAVAIL_CLIENT_SECRET='s3cret'\n",
    )
    .expect("write .env");
    std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o600)).expect("chmod 600");
    let crontab = format!(
        "{} -u nobody",
        checkout.dir.path().join("bin/crontab").display()
    );
    let output = checkout.try_install_cron_with(&["--no-build"], &crontab);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("{}/.env", checkout.home().display())),
        "the lines run as nobody, who cannot read the installing user's .env (mode 0600), so every stage would stop on it; the installer says nothing of it:\n{stderr}"
    );
}

/// The same `.env`, kept outside the checkout and linked into it (`ln -s /etc/releve/env .env`,
/// secrets kept with the machine's configuration): every stage, run as the lines' user,
/// follows the link and stops with `.env: cannot be read: Permission denied` (exit 2), as with
/// the file itself, but the installer reads the link's own owner and mode (`lrwxrwxrwx`, so
/// "readable by everyone") and says nothing. The README: "and be able to read `.env` (kept
/// `chmod 600` by its owner: the installer says so when that user cannot, with the `chown` to
/// run)".
#[test]
fn lines_for_another_user_warn_when_that_user_cannot_read_the_env_file_a_link_names() {
    use std::os::unix::fs::PermissionsExt;
    let checkout = Checkout::new();
    let kept = checkout.dir.path().join("releve.env");
    std::fs::write(
        &kept,
        "FRANCE_TRAVAIL_CLIENT_ID=id\nFRANCE_TRAVAIL_CLIENT_SECRET='s3cret'\n",
    )
    .expect("write the kept .env");
    std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o600)).expect("chmod 600");
    let env = checkout.home().join(".env");
    std::os::unix::fs::symlink(&kept, &env).expect("link .env to it");
    let crontab = format!(
        "{} -u nobody",
        checkout.dir.path().join("bin/crontab").display()
    );
    let output = checkout.try_install_cron_with(&["--no-build"], &crontab);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("who cannot read {}", env.display())),
        "the lines run as nobody, who cannot read the file .env links to (mode 0600, not theirs), so every stage would stop on it; the installer read the link's own mode and said nothing of it:\n{stderr}"
    );
}

#[test]
fn a_checkout_named_with_accents_installs_and_one_cron_cannot_carry_is_refused() {
    let accented = Checkout::named("relevé");
    accented.install_cron(&["--no-build"]);
    let home = accented.home().display().to_string();
    let installed = accented.installed();
    assert_eq!(jobs(&installed).len(), 5, "{installed}");
    for line in jobs(&installed) {
        assert!(line.contains(&format!("cd '{home}' && ")), "{line}");
    }

    // A WSL student's Windows name holds a blank (`/mnt/c/Users/Jean Dupont/releve`): the
    // line says where to move the checkout, not only that it must move.
    for name in ["rel%eve", "rel'eve", "rel eve", "rel&eve"] {
        let unsafe_path = Checkout::named(name);
        unsafe_path.set_installed(USER_LINES);
        let output = unsafe_path.try_install_cron(&["--no-build"]);
        assert_eq!(output.status.code(), Some(1), "{name}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains(&unsafe_path.home().display().to_string())
                && stderr.contains("move the checkout")
                && stderr.contains("~/releve")
                && stderr.contains("not under /mnt/c"),
            "{stderr}"
        );
        assert_eq!(unsafe_path.installed(), USER_LINES, "{name}");
    }
}

/// A checkout made on Windows for WSL (Git for Windows, GitHub Desktop or a checkout into
/// `/mnt/c/Users/...` by a Windows tool: `core.autocrlf=true`, Git for Windows' default) has
/// its text files with CRLF line ends unless the repository pins them (`.gitattributes`). The
/// installer then does not run at all (`set: Illegal option -` from `set -eu\r`, or
/// `/bin/sh^M: bad interpreter`), and a template with CRLF ends would give every cron line a
/// `\r`. The files the installer and cron run keep LF ends in such a checkout.
#[test]
fn a_checkout_made_with_windows_line_ends_installs_working_lines() {
    let checkout = Checkout::new();
    let root = testkit::workspace_root();
    if !root.join(".git").exists() {
        eprintln!("not a git checkout: nothing to clone with Windows line ends");
        return;
    }
    let clone = tempfile::tempdir().expect("temp dir");
    let git = |args: &[&str], dir: &std::path::Path| {
        let output = Command::new("git")
            .args(["-c", "core.autocrlf=true"])
            .args(args)
            .current_dir(dir)
            .output()
            .expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let files = [
        "scripts/install-cron.sh",
        "scripts/packages.sh",
        "crontab",
        "deploy/cron/rotate-log",
    ];
    git(
        &[
            "clone",
            "-q",
            "--no-checkout",
            &root.display().to_string(),
            "co",
        ],
        clone.path(),
    );
    let co = clone.path().join("co");
    // As a whole checkout does, `.gitattributes` first (git reads it from the work tree).
    if root.join(".gitattributes").exists() {
        git(&["checkout", "-q", "HEAD", "--", ".gitattributes"], &co);
    }
    let mut checkout_args = vec!["checkout", "-q", "HEAD", "--"];
    checkout_args.extend(files);
    git(&checkout_args, &co);
    for file in files {
        let text = std::fs::read(co.join(file)).expect("read the Windows checkout's file");
        assert!(
            !text.contains(&b'\r'),
            "{file} has CRLF line ends in a checkout made with core.autocrlf=true"
        );
        let target = checkout.home().join(file);
        let mode = std::fs::metadata(&target)
            .expect("copied file")
            .permissions();
        std::fs::write(&target, text).expect("write the Windows checkout's file");
        std::fs::set_permissions(&target, mode).expect("keep its mode");
    }
    checkout.install_cron(&["--no-build"]);
    let installed = checkout.installed();
    assert_eq!(jobs(&installed).len(), 5, "{installed}");
    assert!(!installed.contains('\r'), "{installed:?}");
}

/// The template invites editing it (its hours, its alerting line); on WSL a student
/// edits the checkout's `crontab` with Notepad or VS Code set to Windows line ends, which saves
/// it with CRLF. Every installed line then ends in `2>&1\r`, which `sh` refuses ("Syntax
/// error: Bad fd number"): cron runs nothing, ever, and the installer said "Installed". The
/// installer either installs lines without the `\r` or refuses, naming the template and its
/// line ends.
#[test]
fn a_crontab_template_saved_by_a_windows_editor_installs_lines_that_run() {
    let checkout = Checkout::new();
    let template = checkout.home().join("crontab");
    let text = std::fs::read_to_string(&template).expect("read the template");
    std::fs::write(&template, text.replace('\n', "\r\n")).expect("save it with CRLF");
    let output = checkout.try_install_cron(&["--no-build"]);
    let installed = checkout.installed();
    if output.status.success() {
        assert_eq!(jobs(&installed).len(), 5, "{installed}");
        // `str::lines` would take the `\r` off: cron does not.
        let broken: Vec<&str> = installed
            .split('\n')
            .filter(|line| !line.starts_with('#') && line.contains('\r'))
            .collect();
        assert!(
            broken.is_empty(),
            "installed without a word, every line ends in a carriage return that sh refuses \
             (`Syntax error: Bad fd number`), so cron runs nothing: {broken:?}"
        );
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("crontab") && (stderr.contains("CRLF") || stderr.contains("line end")),
            "a refusal names the template and its Windows line ends: {stderr}"
        );
        assert!(!installed.contains('\r'), "{installed:?}");
    }
}

/// Notepad before Windows 10's 1903 update, and "UTF-8 with BOM" chosen in today's, save the
/// edited `crontab` template with a byte-order mark before its first line, beside the CR LF
/// the installer now takes off. The first line is `## relevé's schedule…`, which the installer
/// drops as a `##` line: with the mark before it, `^##` no longer matches, and the line goes
/// into the user's crontab as `\u{feff}## …`, neither a comment nor a job: cron's `crontab`
/// refuses the whole file ("bad minute … errors in crontab file, can't install"), where
/// `sources.toml` saved the same way is read as it shows.
#[test]
fn a_crontab_template_saved_by_notepad_with_a_byte_order_mark_installs_no_line_cron_refuses() {
    let checkout = Checkout::new();
    let template = checkout.home().join("crontab");
    let text = std::fs::read_to_string(&template).expect("read the template");
    std::fs::write(&template, format!("\u{feff}{}", text.replace('\n', "\r\n")))
        .expect("save it as Notepad does, with a mark and CRLF");
    let output = checkout.try_install_cron(&["--no-build"]);
    let installed = checkout.installed();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let neither: Vec<&str> = installed
        .lines()
        .filter(|line| line.contains('\u{feff}'))
        .collect();
    assert!(
        neither.is_empty(),
        "a line that is neither a comment nor a job, which cron refuses with the whole crontab: {neither:?}"
    );
    assert_eq!(jobs(&installed).len(), 5, "{installed}");
}

/// A crontab that cannot be read (sudo refused, a cron daemon's error) is not taken for an
/// empty one: installing then would replace the user's lines with relevé's block alone.
#[test]
fn a_crontab_that_cannot_be_read_is_left_as_it_is() {
    let checkout = Checkout::new();
    checkout.set_installed(USER_LINES);
    let denied = checkout.dir.path().join("bin/crontab-denied");
    {
        let _writing = common::writing_or_forking();
        common::write_executable(
            &denied,
            &FAKE_CRONTAB.replace(
                "    -l) if",
                "    -l) echo \"crontab: Permission denied\" >&2; exit 1; if",
            ),
        );
    }
    for args in [&["--no-build"][..], &["--uninstall"]] {
        let output = checkout.try_install_cron_with(args, &denied.display().to_string());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.lines().count() == 1
                && stderr.contains(
                    "-l` failed (crontab: Permission denied); the crontab is left as it is"
                ),
            "{args:?}: {stderr}"
        );
        assert_eq!(checkout.installed(), USER_LINES, "{args:?}");
    }
}

#[test]
fn uninstalling_removes_only_releves_lines() {
    let checkout = Checkout::new();
    checkout.set_installed(USER_LINES);
    checkout.install_cron(&["--no-build"]);
    let mut with_later_line = checkout.installed();
    with_later_line.push_str("30 4 * * * /usr/bin/true\n");
    checkout.set_installed(&with_later_line);

    checkout.install_cron(&["--uninstall"]);

    assert_eq!(
        checkout.installed(),
        format!("{USER_LINES}30 4 * * * /usr/bin/true\n"),
        "exactly the user's lines remain, in order"
    );
    let again = checkout.install_cron(&["--uninstall"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing removed"));
}

#[test]
fn a_user_without_a_crontab_gets_one() {
    let checkout = Checkout::new();
    checkout.install_cron(&["--no-build"]);
    let installed = checkout.installed();
    assert_eq!(jobs(&installed).len(), 5, "{installed}");
    assert!(
        installed
            .lines()
            .next()
            .unwrap_or("")
            .starts_with("# >>> releve ")
    );
}

#[test]
fn kubernetes_cronjobs_overlap_as_the_crontab_does_and_take_secrets_from_secrets() {
    let folder = testkit::workspace_root().join("deploy/kubernetes");
    let mut cronjobs = Vec::new();
    for file in ["collector.yaml", "summariser.yaml", "analyser.yaml"] {
        let text = std::fs::read_to_string(folder.join(file)).expect("read a manifest");
        cronjobs.extend(
            text.split("\n---\n")
                .filter(|doc| doc.contains("kind: CronJob"))
                .map(str::to_owned),
        );
    }
    assert_eq!(
        cronjobs.len(),
        6,
        "collector, summariser, 3 reports, status"
    );
    for job in &cronjobs {
        // The collector's runs overlap as its crontab line does, kept off one source by
        // each source's lock; every other stage runs one at a time.
        let policy = if job.contains("name: releve-collector\n") {
            "concurrencyPolicy: Allow"
        } else {
            "concurrencyPolicy: Forbid"
        };
        assert!(job.contains(policy), "{job}");
        assert!(
            job.contains("claimName: releve-data"),
            "raw/ on the shared volume: {job}"
        );
        assert!(
            !job.contains("CHANGE-ME"),
            "no secret value in a CronJob: {job}"
        );
    }
    let reads_mongodb =
        |job: &&String| job.contains("secretKeyRef: {name: releve-mongodb, key: uri}");
    assert_eq!(
        cronjobs.iter().filter(reads_mongodb).count(),
        5,
        "all but the collector"
    );
    assert!(cronjobs[0].contains("name: releve-france-travail, key: client-secret"));
    for job in cronjobs
        .iter()
        .filter(|job| job.contains("args: [\"analyser\""))
    {
        assert!(
            job.contains("\"--raw-dir\", \"/data/raw\""),
            "reports and status count quarantined and waiting files, as the crontab's: {job}"
        );
    }
}

/// An upgrade's build replaces the binaries one by one while cron runs: a summariser of the
/// version replaced must not read what the new collector lands (it would quarantine run
/// metrics it does not know). The installer waits for a summariser run in progress, holds its
/// lock through the build, and lets it go once every binary is new.
#[test]
fn the_build_holds_the_summariser_s_lock_and_waits_for_a_run_in_progress() {
    let checkout = Checkout::new();
    let raw = checkout.home().join("raw");
    std::fs::create_dir_all(&raw).expect("raw/");
    let lock = raw.join(".summariser.lock");
    // A stand-in for cargo: says whether the summariser's lock is free while it builds, and
    // leaves the three binaries.
    let said = checkout.dir.path().join("cargo.said");
    common::write_executable(
        &checkout.dir.path().join("bin/cargo"),
        &format!(
            "#!/bin/sh\nif flock -n '{lock}' true; then echo free >>'{said}'; else echo held >>'{said}'; fi\nmkdir -p target/release\nfor stage in collector summariser analyser; do printf '#!/bin/sh\\n' >target/release/$stage; chmod +x target/release/$stage; done\n",
            lock = lock.display(),
            said = said.display()
        ),
    );
    // A summariser run in progress for a second and a half.
    let running = {
        let _forking = common::writing_or_forking();
        Command::new("flock")
            .arg(&lock)
            .args(["sleep", "1.5"])
            .spawn()
            .expect("flock(1)")
    };
    let held = || {
        !Command::new("flock")
            .args(["-n"])
            .arg(&lock)
            .arg("true")
            .status()
            .expect("flock(1)")
            .success()
    };
    while !held() {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let output = checkout.install_cron(&[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr
            .contains("a summariser run is in progress; waiting for it to finish before building"),
        "{stderr}"
    );
    let mut running = running;
    assert!(
        running.try_wait().expect("the run's state").is_some(),
        "the build waited for the run in progress"
    );
    assert_eq!(
        std::fs::read_to_string(&said).expect("cargo ran"),
        "held\n",
        "the lock held through the build"
    );
    assert!(!held(), "let go once the binaries are new");
}

/// The lock the build holds is the installer's own: a process the build leaves running (the
/// server `sccache` starts when `RUSTC_WRAPPER=sccache`, which lives ten idle minutes; any
/// daemon a build script starts) must not keep it once the installer is done, or the
/// summariser's runs meanwhile skip ("Another summariser run holds the lock"), though no
/// summariser runs and the binaries are all new.
#[test]
fn the_summariser_s_lock_is_let_go_though_the_build_left_a_process_running() {
    let checkout = Checkout::new();
    let raw = checkout.home().join("raw");
    std::fs::create_dir_all(&raw).expect("raw/");
    let lock = raw.join(".summariser.lock");
    // A stand-in for cargo that, as `sccache` does, leaves a server running after it exits
    // (its output to a file of its own, so the installer's pipes close), and the binaries.
    let server_log = checkout.dir.path().join("server.log");
    common::write_executable(
        &checkout.dir.path().join("bin/cargo"),
        &format!(
            "#!/bin/sh\nsleep 4 >'{log}' 2>&1 &\nmkdir -p target/release\nfor stage in collector summariser analyser; do printf '#!/bin/sh\\n' >target/release/$stage; chmod +x target/release/$stage; done\n",
            log = server_log.display()
        ),
    );
    checkout.install_cron(&[]);
    let free = Command::new("flock")
        .arg("-n")
        .arg(&lock)
        .arg("true")
        .status()
        .expect("flock(1)")
        .success();
    assert!(
        free,
        "the installer is done, yet a process the build left running holds {}: the summariser's runs skip until it ends",
        lock.display()
    );
}

/// Lines run as another user (`CRONTAB="sudo crontab -u releve"`) whose raw folder is theirs
/// already: the summariser's lock file the build holds must be one that user's summariser can
/// still open. Created by the installer (root here, or a user sharing the folder's group), it
/// is the installer's, mode 0644: every summariser run of that user then fails to open it.
#[test]
fn the_build_leaves_no_summariser_lock_the_user_the_lines_run_as_cannot_open() {
    use std::os::unix::fs::MetadataExt;
    if running_as_root() {
        let checkout = Checkout::new();
        let raw = checkout.home().join("raw");
        std::fs::create_dir_all(&raw).expect("raw/");
        // The folders are nobody's, as `sudo chown -R nobody: ...` left them.
        let nobody = Command::new("id")
            .args(["-u", "nobody"])
            .output()
            .expect("id");
        let nobody: u32 = String::from_utf8_lossy(&nobody.stdout)
            .trim()
            .parse()
            .expect("nobody's uid");
        for dir in ["logs", "raw", "reports"] {
            let path = checkout.home().join(dir);
            std::fs::create_dir_all(&path).expect("a folder");
            std::os::unix::fs::chown(&path, Some(nobody), Some(nobody)).expect("chown");
        }
        common::write_executable(
            &checkout.dir.path().join("bin/cargo"),
            "#!/bin/sh\nmkdir -p target/release\nfor stage in collector summariser analyser; do printf '#!/bin/sh\\n' >target/release/$stage; chmod +x target/release/$stage; done\n",
        );
        let crontab = format!(
            "{} -u nobody",
            checkout.dir.path().join("bin/crontab").display()
        );
        let output = checkout.try_install_cron_with(&[], &crontab);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let lock = raw.join(".summariser.lock");
        if let Ok(meta) = std::fs::metadata(&lock) {
            assert!(
                meta.uid() == nobody || meta.mode() & 0o002 != 0,
                "{} is left owned by uid {} with mode {:o}: nobody's summariser cannot open it to take its lock",
                lock.display(),
                meta.uid(),
                meta.mode() & 0o777
            );
        }
    }
}

/// Whether the test runs as root (who can write anywhere, as `sudo` does).
fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// The README has `MONGODB_URI=mongodb://user:password@…` set above the block; the installer
/// prints the crontab it leaves, and must not print that password on the terminal.
#[test]
fn the_printed_crontab_never_shows_the_mongodb_password() {
    let checkout = Checkout::new();
    checkout.set_installed(
        "MONGODB_URI=mongodb://phd:S3cret%40pw@db.example.org:27017/phd_db?authSource=admin\n",
    );
    for args in [&["--no-build"][..], &["--uninstall"][..]] {
        let output = checkout.install_cron(args);
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            !said.contains("S3cret"),
            "{args:?} prints the password: {said}"
        );
    }
    assert!(
        checkout.installed().contains("S3cret%40pw"),
        "the user's line is kept as it was"
    );
}

/// A password written unencoded with a space in it (the README asks only `@ : / ? # %` to be
/// percent-encoded, and the stages hide such a password whole), or a URI quoted with a space
/// inside: the printed crontab must not show any of it either (found by the review of
/// stop 56).
#[test]
fn the_printed_crontab_never_shows_a_mongodb_password_holding_a_space() {
    let checkout = Checkout::new();
    checkout.set_installed(
        "MONGODB_URI=mongodb://phd:correct horse Zebra@db.example.org:27017/phd_db?authSource=admin\n",
    );
    let output = checkout.install_cron(&["--no-build"]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    for piece in ["correct", "horse", "Zebra"] {
        assert!(
            !said.contains(piece),
            "the printed crontab shows `{piece}` of the password: {said}"
        );
    }
    assert!(
        checkout.installed().contains("phd:correct horse Zebra@"),
        "the user's line is kept as it was"
    );
}

/// The user's own lines are printed as they are: one calling a URL without credentials and
/// mailing an address further on (a health-check ping) has nothing to hide, yet hiding "up to
/// the line's last `@`" prints it as `https://***@example.org`, a line the user never wrote
/// (found by the review of stop 56's fixes); so is a backup line quoting a MongoDB URI
/// without credentials (`mongodump --uri mongodb://localhost:27017/…`), which was printed as
/// `mongodump --uri mongodb://***@example.org` (found at stop 57).
#[test]
fn the_printed_crontab_keeps_a_user_s_line_without_credentials_whole() {
    for mine in [
        "0 3 * * * curl -fsS https://hc-ping.example.org/backup || mail -s failed ops@example.org",
        "0 2 * * * mongodump --uri mongodb://localhost:27017/phd_db --out /backup || mail -s failed ops@example.org",
        // An IPv6 host, whose `:` were taken for a password written as a port; a client key in
        // a home folder named by the login's address (found at stop 57).
        "MONGODB_URI=mongodb://[::1]:27017/releve",
        "0 2 * * * mongodump --uri mongodb://[::1]:27017/phd_db --out /backup",
        "MONGODB_URI=mongodb://db.univ.fr:27017/phd_db?tls=true&tlsCertificateKeyFile=/home/alice@univ.fr/releve/client.pem",
    ] {
        let checkout = Checkout::new();
        checkout.set_installed(&format!("{mine}\n"));
        let output = checkout.install_cron(&["--no-build"]);
        let said = String::from_utf8_lossy(&output.stdout);
        assert!(said.contains(mine), "{said}");
    }
}

/// A URI whose secret is an option (a client certificate's key password, an AWS session
/// token), which the stages hide as `…=***` in every line: the printed crontab hides only
/// what comes before the `@`, and shows the option's value on the terminal (found by the
/// review of stop 56's fixes, second round).
/// The same for the forms of credentials a user mistypes (a scheme missing a `/`, a password
/// with no host after it) and a secret option in any case (URI option names are
/// case-insensitive to the driver), which the stages hide and the printed crontab showed
/// (found at stop 57); the user's lines are kept as they were.
#[test]
fn the_printed_crontab_never_shows_a_mongodb_secret_the_stages_hide() {
    for line in [
        "MONGODB_URI=mongodb://db.example.org:27017/phd_db?tls=true&tlsCertificateKeyFile=/etc/releve/client.pem&tlsCertificateKeyFilePassword=Zebra42pw",
        "MONGODB_URI=mongodb:/phd:Zebra42pw@db.example.org:27017/phd_db",
        // A password of digits and a `/`, and a key passphrase holding spaces (a variable's
        // value runs to the end of its line): found by the last review of stop 57.
        "MONGODB_URI=mongodb://phd:2024/Zebra42pw@db.example.org:27017/phd_db",
        "MONGODB_URI=mongodb://db.example.org:27017/phd_db?tls=true&tlsCertificateKeyFilePassword=correct Zebra42pw",
        // A password of digits, a `/` and a `?`; a variable
        // spaced around its `=` (crontab(5) allows it); an `&` or `;` in a secret value, in a
        // variable and in a command line: found by the security review of stop 57.
        "MONGODB_URI=mongodb://phd:2024/Zebra?42pw@db.example.org:27017/phd_db",
        "MONGODB_URI = mongodb://phd:correct Zebra42pw@db.example.org:27017/phd_db",
        "MONGODB_URI = mongodb://db.example.org:27017/phd_db?tls=true&tlsCertificateKeyFilePassword=correct Zebra42pw",
        "MONGODB_URI=mongodb://db.example.org:27017/phd_db?tls=true&tlsCertificateKeyFilePassword=correct&Zebra42pw",
        "MONGODB_URI=mongodb://db.example.org:27017/phd_db?tls=true;tlsCertificateKeyFilePassword=correct;Zebra42pw",
        "0 2 * * * mongodump --uri 'mongodb://db.example.org/phd_db?authMechanismProperties=AWS_SESSION_TOKEN:ab&Zebra42pw' --out /backup",
        "MONGODB_URI=mongodb://phd:Zebra42pw/phd_db",
        "MONGODB_URI=mongodb://db.example.org/phd_db?authMechanism=MONGODB-AWS&authmechanismproperties=AWS_SESSION_TOKEN:Zebra42pw",
    ] {
        assert!(
            !releve::store::redact(line).contains("Zebra42pw"),
            "the stages hide it: {line}"
        );
        let checkout = Checkout::new();
        checkout.set_installed(&format!("{line}\n"));
        let output = checkout.install_cron(&["--no-build"]);
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            !said.contains("Zebra42pw"),
            "the printed crontab shows the secret of `{line}`: {said}"
        );
        assert!(
            checkout.installed().contains(line),
            "the user's line is kept"
        );
    }
}

/// A password of digits alone in a URI missing a `/` of its scheme (`mongodb:/phd:20241205@…`),
/// which the stages hide: the rules for a scheme missing its `/` want a character other than
/// a digit in the password, and the rule for `://` does not apply, so the printed crontab
/// shows the whole password.
#[test]
fn the_printed_crontab_never_shows_a_password_of_digits_after_a_scheme_missing_a_slash() {
    let line = "MONGODB_URI=mongodb:/phd:20241205@db.example.org:27017/phd_db";
    assert!(
        !releve::store::redact(line).contains("20241205"),
        "the stages hide it: {line}"
    );
    let checkout = Checkout::new();
    checkout.set_installed(&format!("{line}\n"));
    let output = checkout.install_cron(&["--no-build"]);
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        !said.contains("20241205"),
        "the printed crontab shows the password: {said}"
    );
    assert!(said.contains("@db.example.org:27017/phd_db"), "{said}");
}

/// A user's line setting a token for a command joined by `;` without spaces
/// (`cd /srv/app;API_TOKEN=abc;./sync.sh --quiet`): the token is hidden as `;API_TOKEN=***`,
/// then the loop removing pieces without `=` after a secret value takes `;./sync.sh` for more
/// of it, and the printed crontab shows `cd /srv/app;API_TOKEN=*** --quiet`, a line the user
/// never wrote, its command gone.
#[test]
fn the_printed_crontab_keeps_a_command_after_a_secret_set_before_it() {
    let line = "0 * * * * cd /srv/app;API_TOKEN=abc;./sync.sh --quiet";
    let checkout = Checkout::new();
    checkout.set_installed(&format!("{line}\n"));
    let output = checkout.install_cron(&["--no-build"]);
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(said.contains(";./sync.sh --quiet"), "{said}");
}

/// France Travail's credentials and an `http_json` source's key (`key_env`) set "in the
/// environment" (README, Credentials), which for cron's runs is a variable line above the
/// block, or set for one command (`NAME=value command`, as a shell does): the printed crontab
/// never shows them, on the terminal, its scrollback or a screen share, and shows the rest of
/// the line as written. Found by this stop's reviews, case by case: a variable line (commented
/// out too), a value set for one command after a blank, quoted in parts, with an escaped
/// quote, in backquotes, in a quoted command line (`sh -c '…'`) or after a `;`.
#[test]
fn the_printed_crontab_never_shows_a_secret_set_in_a_variable_or_for_one_command() {
    let path = "PATH=/usr/bin:/bin";
    let sync = " ./sync.sh --quiet";
    let air = " /usr/local/bin/air";
    for (line, kept) in [
        ("FRANCE_TRAVAIL_CLIENT_SECRET=Zebra42pw", path),
        ("MY_API_KEY=Zebra42pw", path),
        ("API_TOKEN = Zebra42pw", path),
        ("db_password='Zebra 42pw'", path),
        ("OPENAQ=Zebra42pw", path),
        ("#FRANCE_TRAVAIL_CLIENT_SECRET=Zebra42pw", path),
        ("# OPENAQ = Zebra42pw", path),
        ("## API_TOKEN=Zebra42pw", path),
        (
            "0 3 * * * cd /srv/app && FRANCE_TRAVAIL_CLIENT_SECRET=Zebra42pw ./sync.sh --quiet",
            sync,
        ),
        ("0 4 * * * OPENAQ=Zebra42pw /usr/local/bin/air", air),
        ("0 5 * * * API_TOKEN='Zebra 42pw' ./sync.sh --quiet", sync),
        (
            "0 5 * * * API_TOKEN=ab\"Zebra 42\"pw ./sync.sh --quiet",
            sync,
        ),
        ("0 5 * * * API_TOKEN=$'Zebra' ./sync.sh --quiet", sync),
        (
            r#"0 5 * * * API_TOKEN="ab\"Zebra42pw" ./sync.sh --quiet"#,
            sync,
        ),
        ("0 4 * * * echo `OPENAQ=Zebra42pw /usr/local/bin/air`", air),
        (
            "0 5 * * * sh -c 'API_TOKEN=Zebra42pw ./sync.sh --quiet'",
            sync,
        ),
        (
            "0 5 * * * su -s /bin/sh app -c \"API_TOKEN=Zebra42pw ./sync.sh --quiet\"",
            sync,
        ),
        (
            "0 4 * * * cd /srv/app;OPENAQ=Zebra42pw /usr/local/bin/air",
            air,
        ),
    ] {
        let checkout = Checkout::new();
        // A source's `key_env` may name any variable.
        std::fs::write(
            checkout.home().join("sources.toml"),
            "[[source]]\nname = \"air\"\nkey_env = \"OPENAQ\"\n",
        )
        .expect("sources.toml");
        checkout.set_installed(&format!("{line}\n{path}\n"));
        let output = checkout.install_cron(&["--no-build"]);
        let said = String::from_utf8_lossy(&output.stdout);
        assert!(
            !said.contains("Zebra"),
            "the printed crontab shows the secret of `{line}`: {said}"
        );
        assert!(
            checkout.installed().contains(line),
            "the user's line is kept"
        );
        assert!(said.contains(kept), "`{kept}` is shown: {said}");
        assert!(said.contains(&format!("{path}\n")), "{said}");
    }
}

/// relevé's own template says `MONGODB_URI (default mongodb://127.0.0.1:27017) can be set the
/// same way.`: the rule hiding a password written as a port takes `27017)` for one, and every
/// install prints `MONGODB_URI (default mongodb://*** can be set the same way.`, a line of
/// relevé's that holds no secret, shown as if it hid one and without the default it states.
#[test]
fn the_printed_crontab_keeps_releve_s_own_lines_whole() {
    let checkout = Checkout::new();
    checkout.set_installed(USER_LINES);
    let output = checkout.install_cron(&["--no-build"]);
    let said = String::from_utf8_lossy(&output.stdout);
    let installed = checkout.installed();
    for line in installed.lines() {
        assert!(
            said.contains(&format!("{line}\n")),
            "the printed crontab changes `{line}`: {said}"
        );
    }
}

/// A user's own job that looks for a key in a file, `grep -q 'API_KEY=' /etc/app.env && echo
/// 'found it'`: since quotes count as the start of a value set for one command, the empty
/// quoted pattern's closing quote is read as the opening quote of its value, and the printed
/// crontab shows `grep -q 'API_KEY=*** it'`, the file and the command after it gone, a line
/// the user never wrote (likewise `grep -c "API_KEY=" /etc/app.env | mail -s "keys set" …`).
/// Expected: the line shown as written, as it holds no secret.
#[test]
fn the_printed_crontab_keeps_a_line_quoting_a_secret_name_with_no_value() {
    for (line, kept) in [
        (
            "0 5 * * * grep -q 'API_KEY=' /etc/app.env && echo 'found it'",
            " /etc/app.env && echo 'found it'\n",
        ),
        (
            "0 6 * * * grep -c \"API_KEY=\" /etc/app.env | mail -s \"keys set\" me@example.org",
            " /etc/app.env | mail -s \"keys set\" me@example.org\n",
        ),
    ] {
        let checkout = Checkout::new();
        checkout.set_installed(&format!("{line}\n"));
        let output = checkout.install_cron(&["--no-build"]);
        let said = String::from_utf8_lossy(&output.stdout);
        assert!(
            said.contains(kept),
            "the printed crontab changes `{line}`: {said}"
        );
    }
}

/// A job run through a shell (`sh -c '…'`, `su app -c "…"`) whose secret holds a space, or is
/// quoted as a habit, is written with its value in the other quotes (`sh -c 'API_TOKEN="Zebra
/// 42pw" ./sync.sh'`), in the quotes a shell nests there (`\"…\"` in a double-quoted line, the
/// `'\''` idiom in a single-quoted one), after a `cd … &&` or an `export`, or with a blank
/// escaped (`API_TOKEN=Zebra\ 42pw`). The README says the printed crontab hides the value of a
/// variable so named set for one command; each of these printed it whole, or its words after
/// the first (found by three reviews in turn). Expected: no part of these values shown, the
/// command after them kept.
#[test]
fn the_printed_crontab_never_shows_a_secret_quoted_or_escaped_within_a_command_line() {
    for line in [
        "0 5 * * * sh -c 'API_TOKEN=\"Zebra 42pw\" ./sync.sh --quiet'",
        "0 5 * * * sh -c 'API_TOKEN=\"Zebra42pw\" ./sync.sh --quiet'",
        "0 5 * * * su -s /bin/sh app -c \"API_TOKEN='Zebra 42pw' ./sync.sh --quiet\"",
        r#"0 5 * * * sh -c "API_TOKEN=\"Zebra42pw\" ./sync.sh --quiet""#,
        r"0 5 * * * API_TOKEN=Zebra\ 42pw ./sync.sh --quiet",
        r#"0 5 * * * sh -c 'API_TOKEN='\''Zebra 42pw'\'' ./sync.sh --quiet'"#,
        r#"0 5 * * * sh -c "API_TOKEN=\"Zebra 42pw\" ./sync.sh --quiet""#,
        r#"0 5 * * * sh -c "cd /srv/x && API_TOKEN=\"Zebra 42pw\" ./sync.sh --quiet""#,
        r#"0 5 * * * sh -c "export API_TOKEN=\"Zebra 42pw\"; ./sync.sh --quiet""#,
    ] {
        let checkout = Checkout::new();
        checkout.set_installed(&format!("{line}\n"));
        let output = checkout.install_cron(&["--no-build"]);
        let said = String::from_utf8_lossy(&output.stdout);
        assert!(
            !said.contains("Zebra") && !said.contains("42pw"),
            "the printed crontab shows the secret of `{line}`: {said}"
        );
        assert!(said.contains("./sync.sh --quiet"), "{said}");
    }
}

/// A `.env` linked to a file kept with the machine's configuration in a folder of its owner's
/// alone (`/root/releve.env`, `~/.config/releve/env`: folders made `chmod 700`), the file itself
/// `chmod 644`: the lines' user cannot enter the folder, so every stage stops on `.env: cannot
/// be read: Permission denied`, but the installer reads the file's own mode alone ("readable by
/// everyone") and says nothing, where the README says it does "when that user cannot" read
/// `.env`.
#[test]
fn lines_for_another_user_warn_when_the_file_a_linked_env_names_is_in_a_folder_they_cannot_enter() {
    use std::os::unix::fs::PermissionsExt;
    let checkout = Checkout::new();
    std::fs::set_permissions(checkout.dir.path(), std::fs::Permissions::from_mode(0o755))
        .expect("chmod 755 the test folder");
    let private = checkout.dir.path().join("private");
    std::fs::create_dir(&private).expect("the private folder");
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o700)).expect("chmod 700");
    let kept = private.join("releve.env");
    std::fs::write(&kept, "FRANCE_TRAVAIL_CLIENT_ID=id\n").expect("write the kept .env");
    std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o644)).expect("chmod 644");
    let env = checkout.home().join(".env");
    std::os::unix::fs::symlink(&kept, &env).expect("link .env to it");
    let crontab = format!(
        "{} -u nobody",
        checkout.dir.path().join("bin/crontab").display()
    );
    // As root the system is asked; installing through `sudo crontab -u`, the bits are read.
    for as_root in [true, false] {
        if !as_root {
            pretend_not_root(&checkout);
        }
        let output = checkout.try_install_cron_with(&["--no-build"], &crontab);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert!(
            stderr.contains(&format!("who cannot read {}", env.display())),
            "the lines run as nobody, who cannot enter {} (mode 0700, not theirs) to read the file .env links to, so every stage would stop on it; the installer (as root: {as_root}) said nothing of it:\n{stderr}",
            private.display()
        );
    }
}

/// A stand-in `id` saying the installer does not run as root (`sudo crontab -u` in `CRONTAB`),
/// which then judges who can read `.env` by its owner, group and mode.
fn pretend_not_root(checkout: &Checkout) {
    common::write_executable(
        &checkout.dir.path().join("bin/id"),
        "#!/bin/sh\n[ \"$1\" = -u ] && [ $# -eq 1 ] && { echo 1000; exit 0; }\nexec /usr/bin/id \"$@\"\n",
    );
}

/// A `.env` kept `chmod 600` by the installing user, the lines' user let read it by an ACL
/// (`setfacl -m u:nobody:r .env`, the usual way to share one secret file with one service
/// account without a group). Every stage, run as that user, reads it. The installer judges by
/// the owner, group and mode alone and warns that the lines' user "cannot read" it and that
/// "every stage would stop on it", advising `sudo chown nobody .env`, which would take the
/// file from its owner for nothing.
#[test]
fn lines_for_another_user_let_read_the_env_file_by_an_acl_are_not_warned_of_it() {
    use std::os::unix::fs::PermissionsExt;
    let checkout = Checkout::new();
    std::fs::set_permissions(checkout.dir.path(), std::fs::Permissions::from_mode(0o755))
        .expect("chmod 755 the test folder");
    let env = checkout.home().join(".env");
    std::fs::write(&env, "FRANCE_TRAVAIL_CLIENT_ID=id\n").expect("write .env");
    std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o600)).expect("chmod 600");
    // `setfacl -m u:nobody:r`, written as the kernel takes it (the `acl` tools may be missing).
    let acl = Command::new("python3")
        .args([
            "-c",
            "import os, pwd, struct, sys\n\
             n = 0xFFFFFFFF\n\
             entries = [(1, 6, n), (2, 4, pwd.getpwnam('nobody').pw_uid), (4, 0, n), (16, 4, n), (32, 0, n)]\n\
             os.setxattr(sys.argv[1], 'system.posix_acl_access', struct.pack('<I', 2) + b''.join(struct.pack('<HHI', *e) for e in entries))",
        ])
        .arg(&env)
        .status()
        .expect("python3 runs");
    assert!(acl.success(), "the ACL could not be set");
    if running_as_root() {
        let read = Command::new("runuser")
            .args(["-u", "nobody", "--", "cat"])
            .arg(&env)
            .output()
            .expect("runuser runs");
        assert!(
            read.status.success(),
            "nobody cannot read .env after all: {}",
            String::from_utf8_lossy(&read.stderr)
        );
    }
    let crontab = format!(
        "{} -u nobody",
        checkout.dir.path().join("bin/crontab").display()
    );
    for as_root in [true, false] {
        if !as_root {
            pretend_not_root(&checkout);
        }
        let output = checkout.try_install_cron_with(&["--no-build"], &crontab);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert!(
            !stderr.contains("who cannot read"),
            "the lines' user reads .env by its ACL, as every stage would, yet the installer (as root: {as_root}) says they cannot:\n{stderr}"
        );
    }
}

/// On WSL (which starts no cron daemon by itself) or a minimal system, the schedule was
/// installed and said so, and nothing ever ran it: `analyser status` read STALE days later (the
/// WSL student's note). The installer now says no cron daemon runs, after installing.
#[test]
fn installing_where_no_cron_daemon_runs_says_nothing_will_run_it() {
    let checkout = Checkout::new();
    let output = checkout.install_cron(&["--no-build"]);
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("no cron daemon"),
        "a daemon runs: nothing said"
    );
    common::write_executable(
        &checkout.dir.path().join("bin/pgrep"),
        "#!/bin/sh\nexit 1\n",
    );
    let output = checkout.install_cron(&["--no-build"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("install-cron.sh: no cron daemon runs on this machine (no cron or crond process): the schedule is installed but nothing runs it until one does"),
        "{stderr}"
    );
    assert_eq!(
        jobs(&checkout.installed()).len(),
        5,
        "installed all the same"
    );
    let output = checkout.install_cron(&["--uninstall"]);
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("no cron daemon"),
        "removing the schedule needs no daemon"
    );
}

/// The README says the Kubernetes manifests run "a CronJob per stage with the crontab's
/// schedule". The crontab's report jobs run hourly from 04:15 to 23:15 (`--if-missing`), so a
/// report whose 04:15 run failed (MongoDB restarting, a node drained, the job's pod evicted)
/// is written by the next hour's run, and one whose hours were summarised again later that
/// day (a portal refreshing yesterday's last rows) is written again the same day. The
/// report CronJobs run once a day at 04:15, 04:25 and 04:35: there, a day report whose run
/// failed is missing until the next day's run, 24 hours later (its `backoffLimit` retries
/// come within a minute), and late rows reach the report only then.
#[test]
fn kubernetes_report_jobs_run_on_the_crontab_s_schedule() {
    let root = testkit::workspace_root();
    let crontab = std::fs::read_to_string(root.join("crontab")).expect("the crontab template");
    let cron_schedule = |needle: &str| -> String {
        let line = jobs(&crontab)
            .into_iter()
            .find(|line| line.contains(needle))
            .unwrap_or_else(|| panic!("no crontab line runs {needle}"));
        line.split_whitespace()
            .take(5)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let manifest = std::fs::read_to_string(root.join("deploy/kubernetes/analyser.yaml"))
        .expect("the analyser's manifests");
    let cronjob_schedule = |period: &str| -> String {
        let job = manifest
            .split("\n---\n")
            .find(|doc| doc.contains(&format!("\"--period\", \"{period}\"")))
            .unwrap_or_else(|| panic!("no CronJob writes the {period} report"));
        job.lines()
            .find_map(|line| line.trim().strip_prefix("schedule:"))
            .map(|schedule| schedule.trim().trim_matches('"').to_owned())
            .unwrap_or_else(|| panic!("the {period} CronJob has a schedule"))
    };
    for period in ["day", "week", "month"] {
        assert_eq!(
            cronjob_schedule(period),
            cron_schedule(&format!("--period {period} --if-missing")),
            "the {period} report's CronJob runs on the crontab's schedule, as the README says"
        );
    }
}

/// Homebrew's `flock` (`brew install flock`, discoteq/flock: what a Mac user installs when the
/// installer says flock(1) is missing) takes `-s -u -o -n -w` only: its getopt string is
/// `+suonw:`, so the crontab's `-E 75` is refused with its usage line and exit status 64.
const HOMEBREW_FLOCK: &str = r#"#!/bin/sh
for arg in "$@"; do
    case "$arg" in
        -E* | --*)
            echo "flock: illegal option -- E" >&2
            echo "usage: flock [-suno] [-w secs] <file> <command> [<arguments>...]" >&2
            echo "       flock [-suno] [-w secs] <file-descriptor-number>" >&2
            exit 64 ;;
        -*) ;;
        *) break ;;
    esac
done
exec /usr/bin/flock "$@"
"#;

/// A Mac has no flock(1); the installer says so ("flock(1) is missing (package util-linux)"),
/// and `brew install flock` is the answer at hand. With that flock the installer is silent, yet
/// the crontab's summariser and report lines run `flock -n -E 75 …`, which Homebrew's flock
/// refuses with its usage: no summariser run and no report ever, each hour a usage line in the
/// log, and nothing said at install time. The stage must run with the flock the installer
/// accepted, or the installer must say this flock cannot run the lines.
#[test]
fn with_homebrew_s_flock_on_a_mac_the_summariser_line_runs_or_the_installer_says_it_cannot() {
    let checkout = Checkout::new();
    {
        let _writing = common::writing_or_forking();
        common::write_executable(&checkout.dir.path().join("bin/flock"), HOMEBREW_FLOCK);
        common::write_executable(
            &checkout.home().join("target/release/summariser"),
            "#!/bin/sh\necho ran >>ran.txt\n",
        );
    }
    let output = checkout.install_cron(&["--no-build"]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let installed = checkout.installed();
    let line = jobs(&installed)
        .into_iter()
        .find(|line| line.contains("target/release/summariser"))
        .expect("the summariser's line")
        .split_whitespace()
        .skip(5)
        .collect::<Vec<_>>()
        .join(" ");
    // Run as cron would, with the PATH the installer was run with (Homebrew's flock on it).
    let path = format!(
        "{}:{}",
        checkout.dir.path().join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let status = {
        let _forking = common::writing_or_forking();
        Command::new("sh")
            .arg("-c")
            .arg(&line)
            .env("PATH", path)
            .status()
            .expect("run the summariser's line")
    };
    let ran = checkout.home().join("ran.txt").is_file();
    let log =
        std::fs::read_to_string(checkout.home().join("logs/summariser.log")).unwrap_or_default();
    assert!(
        ran || stderr.contains("flock"),
        "the summariser's line exited {status} without running the summariser, and the installer said nothing of flock:\ninstaller: {stderr}\nlogs/summariser.log:\n{log}"
    );
}

/// The student whose stage failed once ran `sudo scripts/install-cron.sh`: under sudo the
/// installer runs as root (`SUDO_USER` naming the student), and installs the lines into
/// root's crontab for a checkout the student owns, saying only "Installed relevé's schedule
/// for root". Every stage then runs as root, leaving root's files in `logs/`, `raw/<source>/`
/// and `reports/` that the student's own runs (and a later crontab of their own) cannot write
/// or delete. Nothing says that sudo was not needed, whose crontab it went to, or how to put it
/// in the student's (`scripts/install-cron.sh` without sudo, or `CRONTAB="sudo crontab -u
/// USER"`). A stand-in `id` says root; the checkout is the real user's (`nobody`'s when the
/// test runs as root), named in `SUDO_USER` as sudo does.
#[test]
fn installing_with_sudo_for_a_checkout_of_the_sudo_user_warns_the_lines_go_to_root() {
    let checkout = Checkout::new();
    stand_in_binaries(&checkout);
    let student = if running_as_root() {
        let status = Command::new("chown")
            .args(["-R", "nobody:", &checkout.home().display().to_string()])
            .status()
            .expect("chown runs");
        assert!(status.success(), "the checkout made nobody's");
        "nobody".to_owned()
    } else {
        let name = Command::new("id").arg("-un").output().expect("id");
        String::from_utf8_lossy(&name.stdout).trim().to_owned()
    };
    // What `sudo` gives the installer: root, with the user who typed it in SUDO_USER.
    common::write_executable(
        &checkout.dir.path().join("bin/id"),
        "#!/bin/sh\ncase \"$*\" in -u) echo 0 ;; -un) echo root ;; *) exec /usr/bin/id \"$@\" ;; esac\n",
    );
    let crontab = checkout.dir.path().join("bin/crontab");
    let path = format!(
        "{}:{}",
        checkout.dir.path().join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = {
        let _forking = common::writing_or_forking();
        Command::new(checkout.home().join("scripts/install-cron.sh"))
            .arg("--no-build")
            .env("CRONTAB", &crontab)
            .env("PATH", path)
            .env("SUDO_USER", &student)
            .env("SUDO_UID", "65534")
            .output()
            .expect("run install-cron.sh")
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.starts_with("Installed relevé's schedule for root from "),
        "installed into root's crontab: {stdout}"
    );
    let names_both = |line: &str| {
        let words: Vec<&str> = line
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .collect();
        words.contains(&"root") && words.contains(&student.as_str())
    };
    assert!(
        stderr.lines().any(names_both),
        "installed into root's crontab for {student}'s checkout under sudo, and nothing said: stderr {stderr:?}"
    );
}

/// Executable stand-ins for the release binaries, so that the installer warns of none missing.
fn stand_in_binaries(checkout: &Checkout) {
    for stage in ["collector", "summariser", "analyser"] {
        common::write_executable(
            &checkout.home().join("target/release").join(stage),
            "#!/bin/sh\n",
        );
    }
}

/// After root's crontab (a `sudo scripts/install-cron.sh`) ran for a while, the student removes
/// it and installs their own: `logs/` is theirs (made by the repo's first run), but root's
/// runs made `logs/collector.log` (and the other logs), root's, 0644. Each of the student's cron
/// lines appends to its log with `>>`, which the shell cannot open: the stage never starts,
/// and cron mails "sh: 1: cannot create logs/collector.log: Permission denied" every minute
/// (the collector's line) without a word of who owns it or what to run. The installer, run by
/// the student, checks no owner at all when the lines run as the installing user (and only the
/// folders' owners for another user), and says nothing. Needs root, to leave a file of root's
/// in a checkout of another user (`nobody`), who runs the installer.
#[test]
fn installing_where_a_log_root_left_cannot_be_appended_to_says_so_with_the_chown() {
    assert!(
        running_as_root(),
        "this test needs root: it leaves root's logs/collector.log in a checkout of nobody's"
    );
    let checkout = Checkout::new();
    stand_in_binaries(&checkout);
    let home = checkout.home();
    std::fs::create_dir_all(home.join("logs")).expect("logs/");
    std::fs::create_dir_all(home.join("raw")).expect("raw/");
    std::fs::create_dir_all(home.join("reports")).expect("reports/");
    let status = Command::new("chown")
        .args(["-R", "nobody:", &checkout.dir.path().display().to_string()])
        .status()
        .expect("chown runs");
    assert!(status.success(), "the checkout made nobody's");
    let log = home.join("logs/collector.log");
    std::fs::write(&log, "root's runs\n").expect("root's log");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    let as_nobody = |script: &str| {
        let _forking = common::writing_or_forking();
        Command::new("runuser")
            .args(["-u", "nobody", "--", "sh", "-c", script])
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    checkout.dir.path().join("bin").display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("CRONTAB", checkout.dir.path().join("bin/crontab"))
            .output()
            .expect("runuser runs")
    };
    // The collector's cron line, as nobody's cron would run it.
    let line = as_nobody(&format!(
        "cd '{}' && deploy/cron/rotate-log logs/collector.log && true >>logs/collector.log 2>&1",
        home.display()
    ));
    assert!(
        String::from_utf8_lossy(&line.stderr).contains("cannot create logs/collector.log"),
        "the line fails to open its log: {line:?}"
    );
    let output = as_nobody(&format!(
        "'{}' --no-build",
        home.join("scripts/install-cron.sh").display()
    ));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("logs/collector.log") && stderr.contains("chown"),
        "every line of nobody's crontab fails on root's logs/collector.log, and the installer says nothing: stderr {stderr:?}"
    );
}

/// Root's crontab (a `sudo scripts/install-cron.sh --mailto …`) ran the alert line, which
/// left `logs/status.last`, root's, 0644, holding root's last status table. The student then
/// installs their own crontab with the same address: at each :20 their alert line's
/// `analyser status >logs/status.last` cannot open the file, so status never runs, the line
/// fails, and `|| mail <logs/status.last` mails root's old table as "releve status: something
/// needs attention", every hour, for ever: the sources it calls STALE may be fine, and a problem
/// of today is never mailed (cron's own mail says only "cannot create logs/status.last:
/// Permission denied"). Needs root, to leave a file of root's in a checkout of nobody's, whose
/// crontab line runs as nobody.
#[test]
fn an_alert_line_that_cannot_write_its_status_file_does_not_mail_root_s_old_table() {
    assert!(
        running_as_root(),
        "this test needs root: it leaves root's logs/status.last in a checkout of nobody's"
    );
    let checkout = Checkout::new();
    checkout.install_cron(&["--no-build", "--mailto", "ops@example.org"]);
    let alert = jobs(&checkout.installed())
        .into_iter()
        .find(|line| line.contains("analyser status"))
        .expect("the alert line")
        .to_owned();
    let command = alert
        .split_whitespace()
        .skip(5)
        .collect::<Vec<_>>()
        .join(" ");
    let home = checkout.home();
    let bin = checkout.dir.path().join("bin");
    // Today's status, which finds something to say; a `mail` keeping what it is given.
    common::write_executable(
        &home.join("target/release/analyser"),
        "#!/bin/sh\necho \"relevé status now: usgs FAILING since 10:00\"\nexit 1\n",
    );
    common::write_executable(
        &bin.join("mail"),
        &format!("#!/bin/sh\ncat >>'{}/mailed'\n", bin.display()),
    );
    std::fs::create_dir_all(home.join("logs")).expect("logs/");
    let status = std::process::Command::new("chown")
        .args(["-R", "nobody:", &checkout.dir.path().display().to_string()])
        .status()
        .expect("chown runs");
    assert!(status.success(), "the checkout made nobody's");
    let old = home.join("logs/status.last");
    std::fs::write(
        &old,
        "relevé status at 2026-11-01 08:20 UTC (root's run): all STALE\n",
    )
    .expect("root's status table");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    }

    let output = {
        let _forking = common::writing_or_forking();
        Command::new("runuser")
            .args(["-u", "nobody", "--", "sh", "-c", &command])
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    bin.display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .output()
            .expect("runuser runs")
    };
    let mailed = std::fs::read_to_string(bin.join("mailed")).unwrap_or_default();
    assert!(
        !mailed.contains("(root's run)"),
        "nobody's alert line mailed root's old table as the status of now ({}): {mailed:?}",
        String::from_utf8_lossy(&output.stderr).trim()
    );
}

/// Root's crontab ran the summariser for a while, leaving `logs/summariser.lock` (made by
/// `flock`) and `raw/.summariser.lock` (the summariser's own), root's, 0644; the student
/// installs their own crontab. Their summariser line runs all the same: `flock(1)` opens its
/// lock file read only, and the summariser takes a lock file it cannot write read only (this
/// stop). Yet the installer warns "nobody cannot write …/logs/summariser.lock
/// …/raw/.summariser.lock …; the lines writing them would fail at every run: run `sudo chown
/// …`": a failure that does not happen, and a sudo the student is told to run for nothing.
/// Needs root, to leave files of root's in a checkout of nobody's, who runs the installer.
#[test]
fn lock_files_root_left_are_not_said_to_fail_every_run_when_the_lines_take_them() {
    assert!(
        running_as_root(),
        "this test needs root: it leaves root's lock files in a checkout of nobody's"
    );
    let checkout = Checkout::new();
    checkout.install_cron(&["--no-build"]);
    let line = jobs(&checkout.installed())
        .into_iter()
        .find(|line| line.contains("flock -n -E 75 logs/summariser.lock"))
        .expect("the summariser's line")
        .split_whitespace()
        .skip(5)
        .collect::<Vec<_>>()
        .join(" ");
    stand_in_binaries(&checkout);
    let home = checkout.home();
    common::write_executable(
        &home.join("target/release/summariser"),
        "#!/bin/sh\necho summariser ran\n",
    );
    for folder in ["logs", "raw", "reports"] {
        std::fs::create_dir_all(home.join(folder)).expect("folder");
    }
    let status = Command::new("chown")
        .args(["-R", "nobody:", &checkout.dir.path().display().to_string()])
        .status()
        .expect("chown runs");
    assert!(status.success(), "the checkout made nobody's");
    let locks = [
        home.join("logs/summariser.lock"),
        home.join("raw/.summariser.lock"),
    ];
    for lock in &locks {
        std::fs::write(lock, "4242\n").expect("root's lock file");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(lock, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    let as_nobody = |script: &str| {
        let _forking = common::writing_or_forking();
        Command::new("runuser")
            .args(["-u", "nobody", "--", "sh", "-c", script])
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    checkout.dir.path().join("bin").display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("CRONTAB", checkout.dir.path().join("bin/crontab"))
            .output()
            .expect("runuser runs")
    };
    // The summariser's cron line, as nobody's cron runs it: it takes root's lock and runs.
    let ran = as_nobody(&line);
    let log = std::fs::read_to_string(home.join("logs/summariser.log")).unwrap_or_default();
    assert!(
        ran.status.success() && log.contains("summariser ran"),
        "nobody's summariser line runs under root's lock file: {ran:?} {log:?}"
    );

    let output = as_nobody(&format!(
        "'{}' --no-build",
        home.join("scripts/install-cron.sh").display()
    ));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        !stderr.contains("summariser.lock"),
        "the installer says the lines would fail at every run on root's lock files, which they \
         take (and tells nobody to sudo chown them): {stderr}"
    );
}

/// An administrator installs relevé system-wide: the checkout is root's (`/opt/releve`, made
/// with sudo), and `sudo scripts/install-cron.sh` puts its lines in root's crontab, as meant
/// (root owns every file the lines write). The installer warns all the same that the lines go
/// to root's crontab "not nobody's" and advises to `--uninstall` with sudo and run the
/// installer without it: followed, the lines would run as the administrator in a checkout
/// they cannot write, and every one would fail. The warning is meant for another user's
/// checkout (the sudo user's own, this stop's commit says) and looks at no owner. A stand-in
/// `id` says root; `SUDO_USER` names the administrator (`nobody` here).
#[test]
fn installing_with_sudo_for_a_checkout_of_root_s_does_not_advise_the_sudo_user_s_crontab() {
    assert!(
        running_as_root(),
        "this test needs root: the checkout is root's, as a system-wide install's"
    );
    let checkout = Checkout::new();
    stand_in_binaries(&checkout);
    let crontab = checkout.dir.path().join("bin/crontab");
    let path = format!(
        "{}:{}",
        checkout.dir.path().join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = {
        let _forking = common::writing_or_forking();
        Command::new(checkout.home().join("scripts/install-cron.sh"))
            .arg("--no-build")
            .env("CRONTAB", &crontab)
            .env("PATH", path)
            .env("SUDO_USER", "nobody")
            .env("SUDO_UID", "65534")
            .output()
            .expect("run install-cron.sh")
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        !stderr.contains("without it"),
        "a checkout of root's installed into root's crontab is told to go to nobody's, who \
         cannot write it: {stderr}"
    );
}

/// README, "Upgrading relevé": "`git pull`, then `scripts/install-cron.sh` again (it rebuilds
/// the release binaries …)". An installation run from the systemd timers of `deploy/systemd/`
/// (the README's "systemd timers instead of cron", for "a machine without cron") has no
/// `crontab` command: the script stops at "`crontab` not found: install cron …, or run the jobs
/// from systemd timers instead" before it builds anything, so the timers go on running the old
/// binaries after the upgrade, and the README's systemd section says nothing of upgrades (its
/// own `cargo build`, run by hand, takes none of the summariser lock the script holds so that an
/// old summariser does not quarantine the new collector's run metrics).
#[test]
fn upgrading_as_the_readme_says_rebuilds_the_binaries_of_an_installation_run_from_systemd_timers() {
    let readme =
        std::fs::read_to_string(testkit::workspace_root().join("README.md")).expect("README.md");
    let upgrading: String = readme
        .lines()
        .skip_while(|line| !line.starts_with("### Upgrading"))
        .skip(1)
        .take_while(|line| !line.starts_with("#"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        upgrading.contains("scripts/install-cron.sh"),
        "the README's upgrade step: {upgrading}"
    );
    if upgrading.contains("systemd") {
        // The README tells an installation run from systemd timers its own upgrade step.
        return;
    }
    let checkout = Checkout::new();
    // A stand-in for cargo that leaves the three binaries where the build puts them.
    common::write_executable(
        &checkout.dir.path().join("bin/cargo"),
        "#!/bin/sh\nmkdir -p target/release\nfor stage in collector summariser analyser; do printf '#!/bin/sh\\n' >target/release/$stage; chmod +x target/release/$stage; done\n",
    );
    // No cron on this machine: the timers of deploy/systemd/ run the stages.
    let output = checkout.try_install_cron_with(&[], "crontab-not-installed-here");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let built: Vec<&str> = ["collector", "summariser", "analyser"]
        .into_iter()
        .filter(|stage| checkout.home().join("target/release").join(stage).is_file())
        .collect();
    assert_eq!(
        built,
        ["collector", "summariser", "analyser"],
        "`scripts/install-cron.sh` again, the README's upgrade, built nothing on a machine run \
         from systemd timers (exit {:?}): the timers keep running the old binaries: {}",
        output.status.code(),
        stderr.trim()
    );
}

/// The student who ran `sudo scripts/install-cron.sh` on a fresh checkout (no `logs/` yet) is
/// told: "to run them as nobody, run `scripts/install-cron.sh --uninstall` with sudo, then
/// `scripts/install-cron.sh` without it". Doing just that, at once (no stage has run as root
/// yet), leaves the checkout's `logs/` root's: the installer made it under sudo (`mkdir -p
/// "$home/logs"`). The second install, run by the student, checks the logs' files (none yet),
/// not their folder, says nothing, and every line of the student's crontab then fails to
/// create its log (`sh: 1: cannot create logs/collector.log: Permission denied`, mailed by cron
/// every minute): no stage ever runs. The advice of the sudo warning, followed to the letter,
/// gives a silently dead installation. Needs root, as under sudo.
#[test]
fn following_the_sudo_warning_leaves_no_logs_folder_the_user_cannot_write_unsaid() {
    assert!(
        running_as_root(),
        "this test needs root: it runs the installer as under sudo, then as nobody"
    );
    let checkout = Checkout::new();
    stand_in_binaries(&checkout);
    let home = checkout.home();
    let chown_nobody = |path: &std::path::Path| {
        let status = Command::new("chown")
            .args(["-R", "nobody:", &path.display().to_string()])
            .status()
            .expect("chown runs");
        assert!(status.success(), "made nobody's: {}", path.display());
    };
    // nobody's fresh checkout: no logs/ yet.
    chown_nobody(checkout.dir.path());
    assert!(!home.join("logs").exists(), "a fresh checkout has no logs/");
    let path = format!(
        "{}:{}",
        checkout.dir.path().join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let crontab = checkout.dir.path().join("bin/crontab");
    // `sudo scripts/install-cron.sh --no-build`: root, SUDO_USER naming the student.
    let as_sudo = |args: &[&str]| {
        let _forking = common::writing_or_forking();
        Command::new(home.join("scripts/install-cron.sh"))
            .args(args)
            .env("CRONTAB", &crontab)
            .env("PATH", &path)
            .env("SUDO_USER", "nobody")
            .env("SUDO_UID", "65534")
            .output()
            .expect("run install-cron.sh")
    };
    let sudo_install = as_sudo(&["--no-build"]);
    let warned = String::from_utf8_lossy(&sudo_install.stderr).into_owned();
    assert!(
        sudo_install.status.success() && warned.contains("--uninstall` with sudo"),
        "the sudo warning, with its advice: {warned}"
    );
    // Its advice: `sudo scripts/install-cron.sh --uninstall`, ...
    let uninstalled = as_sudo(&["--uninstall"]);
    assert!(
        uninstalled.status.success(),
        "{}",
        String::from_utf8_lossy(&uninstalled.stderr)
    );
    // (the stand-in crontab's store, root's now, given back to nobody, as cron keeps one per user)
    chown_nobody(&checkout.dir.path().join("bin"));
    let as_nobody = |script: &str| {
        let _forking = common::writing_or_forking();
        Command::new("runuser")
            .args(["-u", "nobody", "--", "sh", "-c", script])
            .env("PATH", &path)
            .env("CRONTAB", &crontab)
            .output()
            .expect("runuser runs")
    };
    // ... then `scripts/install-cron.sh` without sudo.
    let installed = as_nobody(&format!(
        "'{}' --no-build",
        home.join("scripts/install-cron.sh").display()
    ));
    let stderr = String::from_utf8_lossy(&installed.stderr);
    assert!(installed.status.success(), "{stderr}");
    // The collector's cron line, as nobody's cron runs it.
    let line = as_nobody(&format!(
        "cd '{}' && deploy/cron/rotate-log logs/collector.log && true >>logs/collector.log 2>&1",
        home.display()
    ));
    let owner = std::process::Command::new("stat")
        .args(["-c", "%U", &home.join("logs").display().to_string()])
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_default();
    assert!(
        line.status.success() || (stderr.contains("logs") && stderr.contains("chown")),
        "after the sudo warning's advice, logs/ is {owner}'s and every line of nobody's crontab fails ({}), the installer silent: {stderr:?}",
        String::from_utf8_lossy(&line.stderr).trim()
    );
}

/// A class's checkout whose `target/release` links to the lecturer's build (the README's "A
/// class on one server"): `scripts/install-cron.sh --mailto a@b`, the README's alerting step,
/// built through the link into the lecturer's folder, cargo failed there (`.cargo-lock:
/// Permission denied`) and the script ended before the crontab was written: no mail line.
#[test]
fn a_checkout_linked_to_a_shared_build_installs_the_mail_line_without_building() {
    let checkout = Checkout::new();
    let shared = checkout.dir.path().join("opt/releve/builds/aaa");
    let called = checkout.dir.path().join("cargo.called");
    {
        let _writing = common::writing_or_forking();
        for stage in ["collector", "summariser", "analyser"] {
            common::write_executable(&shared.join(stage), "#!/bin/sh\n");
        }
        // cargo as it fails in a folder of another user's.
        common::write_executable(
            &checkout.dir.path().join("bin/cargo"),
            &format!(
                "#!/bin/sh\necho called >>'{}'\necho 'error: failed to open: target/release/.cargo-lock: Permission denied' >&2\nexit 101\n",
                called.display()
            ),
        );
    }
    std::fs::create_dir_all(checkout.home().join("target")).expect("target/");
    std::os::unix::fs::symlink(&shared, checkout.home().join("target/release"))
        .expect("link target/release");

    let output = checkout.try_install_cron(&["--mailto", "a@b"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let installed = checkout.installed();
    let mail_line = jobs(&installed)
        .into_iter()
        .any(|job| job.contains("analyser status") && job.ends_with(" a@b"));
    assert!(
        output.status.success() && mail_line && !called.exists(),
        "install-cron.sh --mailto a@b in a checkout linked to a shared build exits {:?}, \
         cargo called: {}; crontab:\n{installed}\nstderr:\n{stderr}",
        output.status.code(),
        called.exists()
    );
    let said = format!("using the shared build at {}", shared.display());
    assert!(
        stderr.lines().filter(|line| line.contains(&said)).count() == 1
            && !stderr
                .lines()
                .any(|line| line.contains("target/release/") && line.contains("is missing")),
        "one line naming the shared build, no binary said missing:\n{stderr}"
    );
}

/// The ```sh blocks of the README's section "A class on one server", in order.
fn class_blocks() -> Vec<String> {
    let readme =
        std::fs::read_to_string(testkit::workspace_root().join("README.md")).expect("README.md");
    let section: Vec<&str> = readme
        .lines()
        .skip_while(|line| *line != "### A class on one server")
        .skip(1)
        .take_while(|line| !line.starts_with('#'))
        .collect();
    let mut blocks = Vec::new();
    let mut block: Option<String> = None;
    for line in section {
        match (&mut block, line) {
            (None, "```sh") => block = Some(String::new()),
            (Some(_), "```") => blocks.extend(block.take()),
            (Some(text), line) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

/// The README's shared build for a class, its commands run as written (`/opt/releve` in a
/// temp folder; cargo and git stand-ins): a student's crontab runs the build of their own
/// checkout's commit, still after the lecturer adds a newer one, and the newer one's three
/// binaries at once after they pull and switch their link; the lecturer's block run again on
/// a commit built already leaves that build (the binaries crontabs run) as it is.
#[test]
fn the_readme_s_class_build_gives_each_student_the_binaries_of_their_own_checkout() {
    use std::os::unix::fs::MetadataExt;
    let blocks = class_blocks();
    // The student's block is the one that installs the crontab; the lecturer's, those before.
    let at = blocks
        .iter()
        .position(|block| block.contains("scripts/install-cron.sh"));
    let Some(at) = at.filter(|at| *at > 0) else {
        panic!(
            "the README's class section has the lecturer's build and the student's link: {blocks:#?}"
        );
    };
    let (lecturer_blocks, student) = (&blocks[..at], &blocks[at]);
    let checkout = Checkout::new();
    let opt = checkout.dir.path().join("opt/releve");
    let lecturer_bin = checkout.dir.path().join("lecturer-bin");
    std::fs::create_dir_all(&opt).expect("/opt/releve");
    let git = "#!/bin/sh\necho \"$COMMIT\"\n";
    {
        let _writing = common::writing_or_forking();
        common::write_executable(
            &lecturer_bin.join("cargo"),
            "#!/bin/sh\nmkdir -p target/release\nfor stage in collector summariser analyser; do rm -f target/release/$stage; printf '#!/bin/sh\\necho %s %s\\n' $stage \"$VERSION\" >target/release/$stage; chmod +x target/release/$stage; done\n",
        );
        common::write_executable(&lecturer_bin.join("git"), git);
        common::write_executable(&checkout.dir.path().join("bin/git"), git);
        common::write_executable(
            &checkout.dir.path().join("bin/cargo"),
            "#!/bin/sh\nexit 101\n",
        );
    }
    let opt_path = opt.display().to_string();
    let lecturer = |version: &str, commit: &str| {
        for block in lecturer_blocks {
            let path = format!(
                "{}:{}",
                lecturer_bin.display(),
                std::env::var("PATH").unwrap_or_default()
            );
            let output = common::scripts::run(
                Command::new("sh")
                    .args(["-ec", &block.replace("/opt/releve", &opt_path)])
                    .current_dir(&opt)
                    .env("PATH", path)
                    .env("VERSION", version)
                    .env("COMMIT", commit),
            );
            assert!(
                output.status.success(),
                "the lecturer's block failed:\n{block}\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    };
    let student_block = student.replace("/opt/releve", &opt_path);
    let student = |commit: &str| {
        let path = format!(
            "{}:{}",
            checkout.dir.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let crontab = checkout.dir.path().join("bin/crontab");
        let output = common::scripts::run(
            Command::new("sh")
                .args(["-ec", &student_block])
                .current_dir(checkout.home())
                .env("PATH", path)
                .env("CRONTAB", &crontab)
                .env("COMMIT", commit),
        );
        assert!(
            output.status.success() && jobs(&checkout.installed()).len() == 5,
            "the student's block:\n{student_block}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let runs = |binary: &std::path::Path| {
        let output = Command::new(binary).output().expect("run a shared binary");
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    };
    let release = checkout.home().join("target/release");
    let all_run = |version: &str, when: &str| {
        for stage in ["collector", "summariser", "analyser"] {
            assert_eq!(
                runs(&release.join(stage)),
                format!("{stage} {version}"),
                "{when}"
            );
        }
    };
    lecturer("1.0", "aaa");
    student("aaa");
    all_run("1.0", "the student's first install");

    lecturer("1.1", "bbb");
    all_run(
        "1.0",
        "a student not yet pulled, after the lecturer adds the new build",
    );

    let built = |stage: &str| {
        let path = opt.join("builds/bbb").join(stage);
        let metadata = std::fs::metadata(&path).expect("the new build");
        (runs(&path), metadata.ino(), metadata.mtime())
    };
    let before: Vec<_> = ["collector", "summariser", "analyser"]
        .into_iter()
        .map(built)
        .collect();
    lecturer("1.1-again", "bbb");
    let after: Vec<_> = ["collector", "summariser", "analyser"]
        .into_iter()
        .map(built)
        .collect();
    assert_eq!(
        after, before,
        "the lecturer's block run again on a commit built already changes nothing"
    );

    student("bbb");
    all_run("1.1", "after the student pulls and switches their link");
    for stage in ["collector", "summariser", "analyser"] {
        assert_eq!(
            runs(&opt.join("builds/aaa").join(stage)),
            format!("{stage} 1.0"),
            "the previous build, kept"
        );
    }
}
