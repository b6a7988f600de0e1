//! The systemd user units of `deploy/systemd/` and `scripts/install-systemd.sh`, for a machine
//! without cron: the units run the crontab's commands at its hours, the collector's runs
//! overlapping; the installer writes them with the checkout's path, which systemd reads whole,
//! refuses a path they cannot carry, and starts the timers (against a stand-in `systemctl`).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `OnCalendar=` of a crontab line's minute and hour fields: `15` and `4-23` read
/// `*-*-* 04..23:15:00`.
fn on_calendar(minute: &str, hour: &str) -> String {
    let field = |field: &str| match field {
        "*" => "*".to_owned(),
        range => range
            .split('-')
            .map(|n| format!("{:02}", n.parse::<u32>().expect("a number")))
            .collect::<Vec<_>>()
            .join(".."),
    };
    format!("*-*-* {}:{}:00", field(hour), field(minute))
}

/// The value of `key=` in a unit file of `deploy/systemd/`.
fn unit_value(unit: &str, key: &str) -> String {
    let path = testkit::workspace_root().join("deploy/systemd").join(unit);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{unit}: {err}"));
    text.lines()
        .find_map(|line| line.strip_prefix(&format!("{key}=")))
        .unwrap_or_else(|| panic!("{unit} has no {key}="))
        .to_owned()
}

/// The systemd user units run each crontab line's command at its hours: the collector each
/// minute through a transient unit of its own (so its runs overlap), the summariser at :05, each
/// report job with its period and `--if-missing`, status at the alert line's :20.
#[test]
fn systemd_units_run_the_crontab_s_commands_at_its_hours() {
    let crontab =
        std::fs::read_to_string(testkit::workspace_root().join("crontab")).expect("crontab");
    let mut checked = 0;
    for line in crontab.lines() {
        let line = line.strip_prefix("# ").unwrap_or(line);
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 6 || !fields[0].chars().all(|c| c == '*' || c.is_ascii_digit()) {
            continue;
        }
        let command = fields[5..].join(" ");
        let (timer, service, runs) = if command.contains("target/release/collector") {
            (
                "releve-collector.timer",
                "releve-collector.service".to_owned(),
                "target/release/collector".to_owned(),
            )
        } else if command.contains("target/release/summariser") {
            (
                "releve-summariser.timer",
                "releve-summariser.service".to_owned(),
                "target/release/summariser".to_owned(),
            )
        } else if command.contains("analyser status") {
            (
                "releve-status.timer",
                "releve-status.service".to_owned(),
                "target/release/analyser status".to_owned(),
            )
        } else {
            let period = ["day", "week", "month"]
                .into_iter()
                .find(|period| command.contains(&format!("--period {period} ")))
                .unwrap_or_else(|| panic!("a crontab line of no known job: {line}"));
            assert!(
                command.contains(&format!(
                    "analyser --raw-dir raw --period {period} --if-missing"
                )),
                "{line}"
            );
            let timer = match period {
                "day" => "releve-report-day.timer",
                "week" => "releve-report-week.timer",
                _ => "releve-report-month.timer",
            };
            assert_eq!(
                unit_value(timer, "Unit"),
                format!("releve-report@{period}.service")
            );
            (
                timer,
                "releve-report@.service".to_owned(),
                "target/release/analyser --raw-dir raw --period %i --if-missing".to_owned(),
            )
        };
        assert_eq!(
            unit_value(timer, "OnCalendar"),
            on_calendar(fields[0], fields[1]),
            "{timer} at the hours of: {line}"
        );
        let exec = unit_value(&service, "ExecStart").replace('"', "");
        assert!(
            exec.ends_with(&format!("@RELEVE_HOME@/{runs}")),
            "{service}: {exec}"
        );
        checked += 1;
    }
    assert_eq!(
        checked, 6,
        "collector, summariser, three reports and status"
    );
    let collector = unit_value("releve-collector.service", "ExecStart");
    assert!(
        collector.starts_with("/usr/bin/systemd-run --user --no-block"),
        "each collector run a transient unit of its own, so runs overlap: {collector}"
    );
}

/// A machine with no cron (Arch, Fedora and hosting images without cronie, a Debian cloud
/// image) runs relevé from systemd timers: a `.service` and `.timer` per crontab line. The
/// README and `deploy/` give set-ups for cron and Kubernetes only; translated line by line, the
/// collector's minutely timer never starts its service while the one before still runs, so
/// the collector's runs never overlap, unlike cron's line (no `flock` "so a four-minute France
/// Travail day does not hold back the minute sources", README's Locks) and the Kubernetes
/// CronJob (`concurrencyPolicy: Allow`, tested above). A daily source whose API hangs holds a
/// run 2 min 37 s (5 attempts of 30 s, retried every 15 minutes while it fails), France Travail's
/// nightly day minutes: every `1m` source misses those minutes, which the reports count as
/// collections missed ("no run … was the collector stopped?"), with nothing in the journal.
/// The README should say how to run the stages under systemd (and the collector so that its
/// runs overlap), as it does for Kubernetes.
#[test]
fn the_readme_says_how_to_run_the_stages_from_systemd_timers_with_the_collector_s_runs_overlapping()
{
    let readme =
        std::fs::read_to_string(testkit::workspace_root().join("README.md")).expect("README.md");
    let heading = |line: &str| {
        ["## ", "### ", "#### "]
            .iter()
            .any(|marks| line.starts_with(marks))
    };
    let lines: Vec<&str> = readme.lines().collect();
    let start = lines
        .iter()
        .position(|line| heading(line) && line.to_lowercase().contains("systemd"))
        .unwrap_or_else(|| {
            panic!(
                "the README has no section on running relevé from systemd timers (it names \
                 systemd only for WSL's cron); a unit per crontab line serialises the \
                 collector's runs, and a long run then loses every minute source's collections"
            )
        });
    let end = lines[start + 1..]
        .iter()
        .position(|line| line.starts_with("## ") || line.starts_with("### "))
        .map_or(lines.len(), |at| start + 1 + at);
    let section = lines[start..end].join("\n");
    let lower = section.to_lowercase();
    assert!(
        lower.contains("ontimer") || lower.contains("oncalendar"),
        "the README's systemd section gives no timer: {section}"
    );
    assert!(
        lower.contains("overlap"),
        "the README's systemd section does not say how the collector's runs overlap, as \
         cron's and the Kubernetes CronJob's do: {section}"
    );
}

/// The value of `key=` in a unit file of `deploy/systemd/`, `None` when it has none.
fn unit_value_if_any(unit: &str, key: &str) -> Option<String> {
    let path = testkit::workspace_root().join("deploy/systemd").join(unit);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{unit}: {err}"));
    text.lines()
        .find_map(|line| line.strip_prefix(&format!("{key}=")))
        .map(str::to_owned)
}

/// `releve-report@.service` sends stdout (the report's path) to `/dev/null`, as the crontab's
/// `>/dev/null` does, but sets no `StandardError=`: its default, `inherit`, duplicates the
/// descriptor of standard output for standard error (systemd.exec(5)), so the analyser's whole
/// log (its `tracing` lines go to stderr: "Wrote the report", "left as it is", every failure
/// line and its exit reason) goes to `/dev/null` too. `journalctl --user -t releve-report-day`,
/// which the README and the unit's comment point to, shows nothing; a report job failing every
/// hour (MongoDB down, a full disk) says why nowhere. The crontab keeps stderr (`2>&1` into
/// logs/analyser.log).
#[test]
fn a_report_job_run_by_systemd_keeps_its_log_lines_in_the_journal() {
    let unit = "releve-report@.service";
    let stdout = unit_value_if_any(unit, "StandardOutput");
    let stderr = unit_value_if_any(unit, "StandardError");
    if stdout.as_deref() == Some("null") {
        assert!(
            matches!(stderr.as_deref(), Some(to) if to != "inherit" && to != "null"),
            "{unit}: StandardOutput=null with StandardError={stderr:?}: stderr inherits stdout's \
             /dev/null, so the analyser's log lines (stderr) never reach the journal \
             (`journalctl --user -t releve-report-day` is empty); it needs StandardError=journal"
        );
    }
}

/// `releve-collector.service` passes `--working-directory=` to `systemd-run`, an option added
/// in systemd 240 (systemd-run(1): "Added in version 240"). RHEL 8 and its rebuilds (Rocky,
/// Alma: systemd 239) and Ubuntu 18.04 (237) refuse it ("unrecognized option"), so each minute's
/// service fails before starting the collector: nothing is collected, and the journal holds
/// only systemd-run's usage error. `--property=WorkingDirectory=…` (a transient property
/// systemd-run accepted long before) works on every version; the other units use
/// `WorkingDirectory=` itself.
#[test]
fn the_collector_unit_starts_its_runs_on_a_systemd_older_than_240() {
    let exec = unit_value("releve-collector.service", "ExecStart");
    assert!(
        !exec
            .split_whitespace()
            .any(|word| word.starts_with("--working-directory")
                || word == "-d"
                || word == "--same-dir"),
        "releve-collector.service: systemd-run's --working-directory= is refused by systemd \
         before 240 (RHEL 8: 239), failing every minute's run: {exec}"
    );
}

/// Splits a unit file's command line as systemd does (systemd.service(5), "Command lines"):
/// words separated by blanks, a word in double or single quotes kept whole, `\` escaping the
/// next character.
fn systemd_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&first) = chars.peek() else {
            return words;
        };
        let mut word = String::new();
        if first == '"' || first == '\'' {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => word.extend(chars.next()),
                    c if c == first => break,
                    c => word.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                chars.next();
                if c == '\\' {
                    word.extend(chars.next());
                } else {
                    word.push(c);
                }
            }
        }
        words.push(word);
    }
}

/// A copy of the checkout's units and installer at `checkout`, a stand-in `systemctl` that
/// notes its arguments, and a home for the units: the installer run there with `--no-build`
/// (and `extra`), its output and the stand-in's calls.
fn install_systemd(checkout: &Path, extra: &[&str]) -> (Output, PathBuf, String) {
    let units_home = checkout.parent().expect("a parent").join("config");
    let bin = checkout.parent().expect("a parent").join("bin");
    {
        let _writing = common::writing_or_forking();
        for folder in ["deploy/systemd", "scripts", "target/release"] {
            std::fs::create_dir_all(checkout.join(folder)).expect("make folders");
        }
        std::fs::create_dir_all(&bin).expect("bin/");
        for entry in std::fs::read_dir(testkit::workspace_root().join("deploy/systemd"))
            .expect("deploy/systemd/")
        {
            let entry = entry.expect("a unit");
            std::fs::copy(
                entry.path(),
                checkout.join("deploy/systemd").join(entry.file_name()),
            )
            .expect("copy a unit");
        }
        std::fs::copy(
            testkit::workspace_root().join("scripts/install-systemd.sh"),
            checkout.join("scripts/install-systemd.sh"),
        )
        .expect("copy the installer");
        for stage in ["collector", "summariser", "analyser"] {
            common::write_executable(&checkout.join("target/release").join(stage), "#!/bin/sh\n");
        }
        common::write_executable(
            &bin.join("systemctl"),
            &format!("#!/bin/sh\necho \"$*\" >>'{}/calls'\n", bin.display()),
        );
    }
    let output = {
        let _forking = common::writing_or_forking();
        Command::new("sh")
            .arg(checkout.join("scripts/install-systemd.sh"))
            .arg("--no-build")
            .args(extra)
            .env("SYSTEMCTL", bin.join("systemctl"))
            .env("XDG_CONFIG_HOME", &units_home)
            .output()
            .expect("run install-systemd.sh")
    };
    let calls = std::fs::read_to_string(bin.join("calls")).unwrap_or_default();
    (output, units_home.join("systemd/user"), calls)
}

/// A checkout in `~/My Projects/releve`: the installer writes units whose commands systemd
/// reads whole (unquoted, it would split them at the blank and run `/home/u/My`, status
/// 203/EXEC, every stage failing each time its timer fires), reloads the manager and starts
/// the six timers.
#[test]
fn the_installer_writes_units_that_run_the_binaries_of_a_checkout_whose_path_holds_a_blank() {
    let dir = tempfile::tempdir().expect("temp dir");
    let checkout = dir.path().join("My Projects").join("releve");
    let (output, units, calls) = install_systemd(&checkout, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let checkout = checkout.canonicalize().expect("checkout path");
    for (unit, stage) in [
        ("releve-collector.service", "collector"),
        ("releve-summariser.service", "summariser"),
        ("releve-report@.service", "analyser"),
        ("releve-status.service", "analyser"),
    ] {
        let text =
            std::fs::read_to_string(units.join(unit)).unwrap_or_else(|err| panic!("{unit}: {err}"));
        let exec = text
            .lines()
            .find_map(|line| line.strip_prefix("ExecStart="))
            .unwrap_or_else(|| panic!("{unit} has no ExecStart="));
        let words = systemd_words(exec);
        let binary = checkout.join("target/release").join(stage);
        assert!(
            words
                .iter()
                .any(|word| *word == binary.display().to_string()),
            "{unit}: systemd reads its ExecStart as {words:?}, which never names {}",
            binary.display()
        );
    }
    assert!(calls.contains("--user daemon-reload"), "{calls}");
    let enabled = calls
        .lines()
        .find(|call| call.starts_with("--user enable --now"))
        .unwrap_or_else(|| panic!("no timer started: {calls}"));
    assert_eq!(
        enabled
            .split_whitespace()
            .filter(|word| word.ends_with(".timer"))
            .count(),
        6
    );
}

/// A checkout under `~/R&D/`: sed would read `&` in the path as the text it matched, writing
/// `~/R@RELEVE_HOME@D/…` into every unit, and every stage would fail. The installer refuses the
/// path in one line, writing no unit.
#[test]
fn the_installer_refuses_a_checkout_path_the_units_cannot_carry() {
    let dir = tempfile::tempdir().expect("temp dir");
    let checkout = dir.path().join("R&D").join("releve");
    let (output, units, calls) = install_systemd(&checkout, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("move the checkout") && stderr.lines().count() == 1,
        "{stderr}"
    );
    assert!(!units.exists() && calls.is_empty(), "{calls}");
}

/// `--uninstall` stops the timers and removes the units it wrote, and only them.
#[test]
fn uninstalling_stops_the_timers_and_removes_the_units() {
    let dir = tempfile::tempdir().expect("temp dir");
    let checkout = dir.path().join("releve");
    let (installed, units, _) = install_systemd(&checkout, &[]);
    assert!(installed.status.success());
    std::fs::write(units.join("mine.timer"), "[Timer]\n").expect("a unit of the user's");
    let (output, _, calls) = install_systemd(&checkout, &["--uninstall"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        calls.contains("--user disable --now releve-collector.timer"),
        "{calls}"
    );
    let left: Vec<String> = std::fs::read_dir(&units)
        .expect("the units' folder")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(left, ["mine.timer"]);
}

/// A copy of the checkout's units, installer and `scripts/packages.sh` at `checkout`, a
/// stand-in `systemctl` running `systemctl_body` (after noting its arguments) and a `cargo`
/// running `cargo_body`, both first on `PATH`: the installer run there with `args`, its output
/// and the stand-in's calls.
fn install_systemd_with(
    checkout: &Path,
    args: &[&str],
    systemctl_body: &str,
    cargo_body: &str,
) -> (Output, PathBuf, String) {
    install_systemd_env(checkout, args, systemctl_body, cargo_body, &[])
}

/// [`install_systemd_with`], the installer run with `envs` set too.
fn install_systemd_env(
    checkout: &Path,
    args: &[&str],
    systemctl_body: &str,
    cargo_body: &str,
    envs: &[(&str, &str)],
) -> (Output, PathBuf, String) {
    let units_home = checkout.parent().expect("a parent").join("config");
    let bin = checkout.parent().expect("a parent").join("bin");
    {
        let _writing = common::writing_or_forking();
        for folder in ["deploy/systemd", "scripts", "target/release"] {
            std::fs::create_dir_all(checkout.join(folder)).expect("make folders");
        }
        std::fs::create_dir_all(&bin).expect("bin/");
        for entry in std::fs::read_dir(testkit::workspace_root().join("deploy/systemd"))
            .expect("deploy/systemd/")
        {
            let entry = entry.expect("a unit");
            std::fs::copy(
                entry.path(),
                checkout.join("deploy/systemd").join(entry.file_name()),
            )
            .expect("copy a unit");
        }
        for script in ["install-systemd.sh", "packages.sh"] {
            std::fs::copy(
                testkit::workspace_root().join("scripts").join(script),
                checkout.join("scripts").join(script),
            )
            .expect("copy a script");
        }
        for stage in ["collector", "summariser", "analyser"] {
            common::write_executable(&checkout.join("target/release").join(stage), "#!/bin/sh\n");
        }
        common::write_executable(
            &bin.join("systemctl"),
            &format!(
                "#!/bin/sh\necho \"$*\" >>'{}/calls'\n{systemctl_body}\n",
                bin.display()
            ),
        );
        common::write_executable(&bin.join("cargo"), &format!("#!/bin/sh\n{cargo_body}\n"));
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = {
        let _forking = common::writing_or_forking();
        Command::new("sh")
            .arg(checkout.join("scripts/install-systemd.sh"))
            .args(args)
            .env("SYSTEMCTL", bin.join("systemctl"))
            .env("XDG_CONFIG_HOME", &units_home)
            .env("PATH", path)
            .envs(envs.iter().copied())
            .output()
            .expect("run install-systemd.sh")
    };
    let calls = std::fs::read_to_string(bin.join("calls")).unwrap_or_default();
    (output, units_home.join("systemd/user"), calls)
}

/// An upgrade whose build fails (a crate that no longer compiles on the machine's older Rust,
/// a full disk, Ctrl-C during the long build): the installer has stopped the summariser's
/// timer before building, and `set -e` exits on cargo's error, so the timer stays stopped and
/// nothing says so. The collector goes on landing files every minute that nothing stores
/// until the user happens to run the installer again: raw/ grows, the reports go empty.
/// The summariser's timer should be started again on the old binaries (or the failure say it
/// is left stopped, and how to start it).
#[test]
fn a_failed_rebuild_does_not_leave_the_summariser_stopped_unsaid() {
    let dir = tempfile::tempdir().expect("temp dir");
    let checkout = dir.path().join("releve");
    let (output, _, calls) = install_systemd_with(
        &checkout,
        &[],
        "exit 0",
        "echo 'error: could not compile `collector`' >&2; exit 101",
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the build failed: {stderr}");
    assert!(
        calls.contains("stop releve-summariser.timer"),
        "the summariser was stopped for the build: {calls}"
    );
    let started_again = calls
        .lines()
        .skip_while(|call| !call.contains(" stop "))
        .any(|call| {
            (call.contains(" start ") || call.contains("enable --now"))
                && call.contains("releve-summariser.timer")
        });
    assert!(
        started_again || stderr.contains("releve-summariser.timer"),
        "after the failed build the summariser's timer stays stopped, unsaid: systemctl calls {calls:?}, stderr: {stderr}"
    );
}

/// Logged in without a user manager to talk to (`su - alice`, `sudo -u alice -i`, an ssh
/// session on a host whose PAM does not start one): every `systemctl --user` answers "Failed to
/// connect to bus". The installer wrote the units, then `daemon-reload` failed and `set -e`
/// ended it with systemctl's line alone: exit 1, no timer started, no word of the installer's
/// on why or what to do (log in through ssh or a desktop session, or `sudo loginctl
/// enable-linger` and `XDG_RUNTIME_DIR=/run/user/$(id -u)`). The installer asks the manager
/// first, before building or writing anything, and says it in a line of its own.
#[test]
fn the_installer_says_what_to_do_when_systemctl_has_no_user_manager() {
    let dir = tempfile::tempdir().expect("temp dir");
    let checkout = dir.path().join("releve");
    let (output, _, calls) = install_systemd_with(
        &checkout,
        &["--no-build"],
        "echo 'Failed to connect to bus: No medium found' >&2; exit 1",
        "exit 0",
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "nothing was started: {stderr}");
    assert!(
        !calls.contains("daemon-reload") && !calls.contains("enable"),
        "the user manager is checked before anything is written or started: {calls}"
    );
    assert!(
        stderr
            .lines()
            .any(|line| line.starts_with("install-systemd.sh:") && line.contains("linger")),
        "the installer fails with systemctl's words alone, saying nothing of the user manager it lacks: {stderr}"
    );
}

/// A user whose shell exports `CDPATH` (`export CDPATH=.:~/src` in `.bashrc`, a common
/// shortcut) runs `scripts/install-systemd.sh` from the checkout as the README says: the
/// installer finds its checkout with `cd "$(dirname "$0")/.."`, which, `CDPATH` consulted for
/// the relative `scripts/..`, prints the folder too, so the path it reads is the checkout's
/// twice with a newline between; it then refuses it as "a character systemd units cannot
/// carry … move the checkout", for a checkout whose path is plain, install and `--uninstall`
/// alike.
#[test]
fn the_installer_run_from_a_shell_exporting_cdpath_installs_a_plain_checkout() {
    let dir = tempfile::tempdir().expect("temp dir");
    let checkout = dir.path().join("releve");
    let (first, units, _) = install_systemd_with(&checkout, &["--no-build"], "exit 0", "exit 0");
    assert!(first.status.success(), "set-up");
    let bin = dir.path().join("bin");
    let output = {
        let _forking = common::writing_or_forking();
        Command::new("sh")
            .arg("scripts/install-systemd.sh")
            .arg("--no-build")
            .current_dir(&checkout)
            .env("CDPATH", format!(".:{}", dir.path().display()))
            .env("SYSTEMCTL", bin.join("systemctl"))
            .env(
                "XDG_CONFIG_HOME",
                units.parent().and_then(Path::parent).expect("config"),
            )
            .output()
            .expect("run install-systemd.sh")
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "a checkout at {} refused under CDPATH: {stderr}",
        checkout.display()
    );
}

/// A checkout of another user's than root (`nobody`'s here, standing for alice), and that
/// user's name, for the installer run as under `sudo`. Needs root.
fn alice_s_checkout(dir: &Path) -> (PathBuf, String) {
    assert!(
        rustix::process::geteuid().is_root(),
        "this test needs root, as under sudo: it makes a checkout of another user's"
    );
    let checkout = dir.join("releve");
    std::fs::create_dir_all(&checkout).expect("checkout");
    std::os::unix::fs::chown(&checkout, Some(65_534), Some(65_534)).expect("chown");
    let alice = Command::new("id")
        .args(["-un", "65534"])
        .output()
        .expect("id");
    let alice = String::from_utf8(alice.stdout)
        .expect("a name")
        .trim()
        .to_owned();
    (checkout, alice)
}

/// `sudo scripts/install-systemd.sh` on alice's checkout would install root's units, every
/// stage running as root in her checkout (root's files in raw/ and reports/ her runs cannot
/// replace; root's timers beside hers once she installs her own), or, root having no user
/// manager under sudo, end on "Failed to connect to bus" with advice to make root linger. It is
/// refused before anything is written or asked of systemd, in one line naming sudo and alice,
/// and how to remove units an earlier sudo run installed for root.
#[test]
fn the_installer_run_with_sudo_on_a_user_s_checkout_is_refused_saying_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (checkout, alice) = alice_s_checkout(dir.path());
    let sudo = [("SUDO_USER", alice.as_str()), ("SUDO_UID", "65534")];
    let (output, units, calls) =
        install_systemd_env(&checkout, &["--no-build"], "exit 1", "exit 0", &sudo);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        !units.exists() && calls.is_empty(),
        "nothing written or asked: {calls}"
    );
    assert!(
        stderr.lines().count() == 1
            && stderr.contains("without sudo")
            && stderr.contains(&alice)
            && stderr.contains("--uninstall"),
        "{stderr}"
    );
}

/// Removing units an earlier sudo run (or root itself) installed for root takes sudo again:
/// `sudo scripts/install-systemd.sh --uninstall` is not refused, and removes them.
#[test]
fn uninstalling_root_s_units_with_sudo_removes_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (checkout, alice) = alice_s_checkout(dir.path());
    // Root's units, installed by root itself (no sudo).
    let (installed, units, _) =
        install_systemd_env(&checkout, &["--no-build"], "exit 0", "exit 0", &[]);
    assert!(
        installed.status.success(),
        "{}",
        String::from_utf8_lossy(&installed.stderr)
    );
    let sudo = [("SUDO_USER", alice.as_str()), ("SUDO_UID", "65534")];
    let (output, _, calls) =
        install_systemd_env(&checkout, &["--uninstall"], "exit 0", "exit 0", &sudo);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        calls.contains("disable --now") && !units.join("releve-collector.timer").exists(),
        "root's units removed: {calls}"
    );
}

/// Staging and production checkouts on one machine: the units have fixed names, so the second
/// install would replace the first's (its timers then running the other checkout). It is
/// refused, naming the checkout whose units are installed, as is an `--uninstall` from the
/// other checkout (which would remove them); the first's units stay.
#[test]
fn a_second_checkout_does_not_replace_or_remove_the_units_of_the_first() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (staging, production) = (dir.path().join("staging"), dir.path().join("production"));
    let (first, units, _) = install_systemd_env(&staging, &["--no-build"], "exit 0", "exit 0", &[]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let staging = staging.canonicalize().expect("staging");
    let unit = || std::fs::read_to_string(units.join("releve-summariser.service")).expect("unit");
    for args in [&["--no-build"][..], &["--uninstall"][..]] {
        let (output, _, _) = install_systemd_env(&production, args, "exit 0", "exit 0", &[]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&staging.display().to_string()),
            "{args:?}: {stderr}"
        );
        assert!(
            unit().contains(&format!("WorkingDirectory={}", staging.display())),
            "{args:?}: the staging units stay"
        );
    }
}

/// A checkout reached through a symbolic link (`~/releve` linking to `/data/releve`, a home on
/// another disk), whose units were installed by the README's commands before the installer
/// came (`sed "s#@RELEVE_HOME@#$PWD#g"`: the path as the shell shows it, through the link).
/// Upgrading as the README now says, with `scripts/install-systemd.sh`, is refused as "another
/// checkout's, ~/releve: run `scripts/install-systemd.sh --uninstall` there", though it is this
/// very checkout; and `--uninstall` there is refused the same way (the installer reads its own
/// path with `pwd -P`): no command of relevé's installs or removes them.
#[test]
fn units_installed_through_a_symlink_to_this_checkout_are_upgraded_not_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let real = dir.path().join("data");
    let checkout = real.join("releve");
    let (first, units, _) =
        install_systemd_env(&checkout, &["--no-build"], "exit 0", "exit 0", &[]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let link = dir.path().join("home");
    std::os::unix::fs::symlink(&real, &link).expect("a link to the checkout's folder");
    let through_link = link.join("releve");
    // The units as the README's earlier commands wrote them, run from the linked path.
    for entry in std::fs::read_dir(checkout.join("deploy/systemd")).expect("deploy/systemd/") {
        let entry = entry.expect("a unit");
        let text = std::fs::read_to_string(entry.path()).expect("a unit");
        std::fs::write(
            units.join(entry.file_name()),
            text.replace("@RELEVE_HOME@", &through_link.display().to_string()),
        )
        .expect("write a unit");
    }
    for args in [&["--no-build"][..], &["--uninstall"][..]] {
        let (output, _, _) = install_systemd_env(&through_link, args, "exit 0", "exit 0", &[]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "{args:?} from the checkout whose units these are (through the link {}) is refused: {stderr}",
            through_link.display()
        );
    }
}

/// A checkout moved (`mv ~/releve ~/src/releve`) after its units were installed: its timers
/// now fail each time (their folder is gone), and running the installer in the moved checkout
/// is refused as "the units installed are another checkout's, ~/releve: run
/// `scripts/install-systemd.sh --uninstall` there", a folder that no longer exists, holding no
/// installer; `--uninstall` in the moved checkout is refused the same way. The units of a
/// checkout that no longer exists protect nothing, and the advice cannot be followed.
#[test]
fn a_moved_checkout_can_install_its_units_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let before = dir.path().join("releve");
    let (first, units, _) = install_systemd_env(&before, &["--no-build"], "exit 0", "exit 0", &[]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let after = dir.path().join("releve-moved");
    std::fs::rename(&before, &after).expect("move the checkout");
    let (output, _, _) = install_systemd_env(&after, &["--no-build"], "exit 0", "exit 0", &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let after = after.canonicalize().expect("the moved checkout");
    let unit = std::fs::read_to_string(units.join("releve-summariser.service")).expect("unit");
    assert!(
        output.status.success() && unit.contains(&format!("WorkingDirectory={}", after.display())),
        "the units name {}, which no longer exists; the moved checkout's install is refused, \
         sent to run a command there: {stderr}",
        before.display()
    );
}
