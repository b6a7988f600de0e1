//! An administrator rotating relevé's logs with logrotate(8), daily and compressed, as the
//! README's Logs section says: with the shipped `deploy/cron/logrotate.conf`, a stage running
//! at rotation keeps its lines, the crontab's lock files and `status.last` stay where they
//! are, and the next crontab line writes a new log.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// The shipped configuration, rendered by the README's lines for the checkout `home` (all but
/// their `sudo`: printed rather than written into /etc/logrotate.d).
fn rendered(home: &Path) -> String {
    rendered_on_path(home, std::env::var_os("PATH").unwrap_or_default())
}

/// [`rendered`], the README's lines run with `path` as their PATH (stand-ins first).
fn rendered_on_path(home: &Path, path: std::ffi::OsString) -> String {
    let root = testkit::workspace_root();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let block = readme
        .split("```sh\n")
        .map(|block| block.split("```").next().unwrap_or(""))
        .find(|block| block.contains("deploy/cron/logrotate.conf |"))
        .expect("the README's lines installing deploy/cron/logrotate.conf");
    let lines: Vec<&str> = block
        .lines()
        .filter(|line| !line.starts_with("sudo "))
        .map(|line| line.split(" | sudo tee").next().unwrap_or(line))
        .collect();
    let config = home.join("deploy/cron");
    std::fs::create_dir_all(&config).expect("deploy/cron in the checkout");
    std::fs::copy(
        root.join("deploy/cron/logrotate.conf"),
        config.join("logrotate.conf"),
    )
    .expect("deploy/cron/logrotate.conf, the README's logrotate configuration");
    let output = Command::new("sh")
        .arg("-c")
        .arg(lines.join("\n"))
        .current_dir(home)
        .env("PWD", home)
        .env("PATH", path)
        .output()
        .expect("sh");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A checkout whose path holds `&` or `|` (`R&D`): sed's replacement would have put the
/// placeholder itself in the place of `&`, a pattern matching no log, silently (`missingok`),
/// and refused `|`.
#[test]
fn the_readme_renders_the_configuration_for_a_checkout_path_holding_an_ampersand_or_a_bar() {
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path().join("R&D | relevé \\ 2026");
    std::fs::create_dir_all(&home).expect("the checkout");
    let config = rendered(&home);
    let pattern = format!("\"{}/logs/*.log\" {{", home.display());
    assert!(config.contains(&pattern), "{pattern} in\n{config}");
}

/// A lab machine joined to a Windows domain names its users and groups as the domain does:
/// winbind's `LAB\alice`, whose backslash sed's replacement reads as an escape, and the
/// group `domain users`, whose space logrotate reads as an extra argument of `su`. Rendered
/// with the names, the configuration was refused ("extra arguments for su … skipping") and
/// the logs never rotated.
#[test]
fn the_readme_renders_a_configuration_logrotate_reads_for_a_domain_user() {
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path().join("checkout");
    std::fs::create_dir_all(&home).expect("the checkout");
    let bin = common::scripts::stand_ins(
        dir.path(),
        &[(
            "id",
            "#!/bin/sh\ncase \"$*\" in\n  -un) echo 'LAB\\alice' ;;\n  -gn) echo 'domain users' ;;\n  *) exec /usr/bin/id \"$@\" ;;\nesac\n",
        )],
    );
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("a PATH");
    let config = rendered_on_path(&home, path);
    std::fs::write(home.join("logrotate.conf"), &config).expect("config");
    std::fs::set_permissions(
        home.join("logrotate.conf"),
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .expect("config's mode");
    let output = Command::new(logrotate())
        .arg("--debug")
        .arg("--state")
        .arg(home.join("logrotate.state"))
        .arg(home.join("logrotate.conf"))
        .output()
        .expect("logrotate");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && !said.contains("error:"),
        "{said}\n{config}"
    );
}

/// logrotate(8): `scripts/test.sh` installs it; Debian puts it in /usr/sbin, off a user's PATH.
fn logrotate() -> &'static str {
    [
        "/usr/sbin/logrotate",
        "/usr/bin/logrotate",
        "/sbin/logrotate",
    ]
    .into_iter()
    .find(|path| Path::new(path).is_file())
    .expect(
        "logrotate is missing (not in /usr/sbin, /usr/bin or /sbin): install it \
         (apt-get install logrotate, as scripts/test.sh does), then run the tests again",
    )
}

/// Every line of the logs of `stage` in `logs`, compressed or not, rotated or live.
fn all_lines(logs: &Path, stage: &str) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(logs).expect("logs") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with(&format!("{stage}.log")) {
            let output = Command::new("zcat")
                .arg("-f")
                .arg(&path)
                .output()
                .expect("zcat");
            text.push_str(&String::from_utf8_lossy(&output.stdout));
        }
    }
    text
}

/// The README's recipe: `*.log` alone, named apart from deploy/cron/rotate-log's numbered files,
/// compressed a day late so a run under way keeps its lines.
#[test]
fn the_shipped_logrotate_config_rotates_the_logs_alone_and_loses_no_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path();
    let config = rendered(home);
    let rules: Vec<&str> = config
        .lines()
        .map(str::trim)
        .filter(|line| !line.starts_with('#'))
        .collect();
    assert!(
        rules.iter().any(|line| line.ends_with("/logs/*.log\" {")),
        "its pattern must be logs/*.log: logs/ holds the locks and status.last too\n{config}"
    );
    for needed in ["dateext", "delaycompress", "nocreate"] {
        assert!(rules.contains(&needed), "{needed} missing:\n{config}");
    }
    let logrotate = logrotate();

    let logs = home.join("logs");
    std::fs::create_dir_all(&logs).expect("logs");
    for file in ["summariser.lock", "analyser-day.lock"] {
        std::fs::write(logs.join(file), "").expect("a lock");
    }
    std::fs::write(logs.join("status.last"), "SOURCE STATE\n").expect("status.last");
    // As `sudo tee` leaves it in /etc/logrotate.d, 0644 whatever the umask: run as root,
    // logrotate ignores a configuration that its group or others may write (a umask of 0002),
    // exiting 0 having rotated nothing.
    std::fs::write(home.join("logrotate.conf"), &config).expect("config");
    std::fs::set_permissions(
        home.join("logrotate.conf"),
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .expect("config's mode");
    let rotate = || {
        let output = Command::new(logrotate)
            .arg("--force")
            .arg("--state")
            .arg(home.join("logrotate.state"))
            .arg(home.join("logrotate.conf"))
            .output()
            .expect("logrotate");
        assert!(output.status.success(), "{output:?}");
    };

    // A stage under way (a France Travail day) across the rotation, appending as cron's line.
    let mut stage = {
        let _forking = common::writing_or_forking();
        Command::new("sh")
            .arg("-c")
            .arg("exec >>logs/collector.log 2>&1; echo 'before rotation'; read _; echo 'after rotation'")
            .current_dir(home)
            .stdin(Stdio::piped())
            .spawn()
            .expect("a stage")
    };
    while !std::fs::read_to_string(logs.join("collector.log")).is_ok_and(|t| !t.is_empty()) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    rotate();
    stage
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"\n")
        .expect("release the stage");
    assert!(stage.wait().expect("stage").success());
    // The next day's rotation, which compresses the day before's file.
    let rotated = std::fs::read_dir(&logs)
        .expect("logs")
        .map(|entry| entry.expect("entry").path())
        .find(|path| path.to_string_lossy().contains("collector.log-"))
        .expect("collector.log rotated by date");
    std::fs::rename(&rotated, logs.join("collector.log-20000101")).expect("a day older");
    std::fs::write(logs.join("collector.log"), "the next day\n").expect("next day");
    rotate();

    let lines = all_lines(&logs, "collector");
    for line in ["before rotation", "after rotation", "the next day"] {
        assert!(lines.contains(line), "`{line}` lost by rotation:\n{lines}");
    }
    assert!(
        logs.join("collector.log-20000101.gz").exists(),
        "the day before's log compressed"
    );
    let mut names: Vec<String> = std::fs::read_dir(&logs)
        .expect("logs")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| !name.starts_with("collector.log"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["analyser-day.lock", "status.last", "summariser.lock"],
        "the locks and status.last are left as they are"
    );
    assert!(
        !logs.join("collector.log").exists(),
        "nocreate: the next crontab line makes the log"
    );
}
