//! `analyser --help` and its subcommands' read on an 80-column terminal, or piped into `less`
//! (which shows a long line cut or folded mid-word): each line fits the terminal's width.

use std::process::Command;

/// The lines of `analyser ARGS --help` wider than `columns`, in a terminal of that width
/// (`COLUMNS`, as a shell gives it to a pipe), but the usage line: it is not cut.
fn help_lines_wider_than(args: &[&str], columns: usize) -> Vec<String> {
    // In a folder of its own: every stage reads the `.env` of its working folder first.
    let dir = tempfile::tempdir().expect("temp dir");
    let output = Command::new(env!("CARGO_BIN_EXE_analyser"))
        .current_dir(dir.path())
        .args(args)
        .arg("--help")
        .env("COLUMNS", columns.to_string())
        .output()
        .expect("analyser --help runs");
    assert!(output.status.success(), "{args:?}");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| line.chars().count() > columns && !line.starts_with("Usage:"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_help_is_wrapped_to_the_terminal() {
    for args in [&[][..], &["status"], &["export"]] {
        for columns in [80, 40] {
            let wide = help_lines_wider_than(args, columns);
            assert!(
                wide.is_empty(),
                "analyser {args:?} --help, wider than {columns} columns: {wide:#?}"
            );
        }
    }
}

/// The lines of `scripts/SCRIPT --help` wider than an 80-column terminal.
fn script_help_lines_wider_than_80(script: &str) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scripts")
        .join(script);
    let output = Command::new(&path)
        .arg("--help")
        .output()
        .expect("the script runs");
    assert!(output.status.success(), "{script} --help");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| line.chars().count() > 80)
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_scripts_help_fits_an_80_column_terminal() {
    for script in [
        "demo.sh",
        "test.sh",
        "mongo-local.sh",
        "install-cron.sh",
        "install-systemd.sh",
    ] {
        let wide = script_help_lines_wider_than_80(script);
        assert!(wide.is_empty(), "{script} --help: {wide:#?}");
    }
}

/// `analyser --help | less` in an 80-column terminal: the shell does not export `COLUMNS`
/// and the pipe has no width, so the help was wrapped at 100 columns and `less` folded each
/// long line at the 80th. Without a width told, each stage's help fits 80 columns.
#[test]
fn piped_with_no_width_told_the_help_fits_80_columns() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (binary, args) in [
        (env!("CARGO_BIN_EXE_analyser").into(), &[][..]),
        (env!("CARGO_BIN_EXE_analyser").into(), &["status"]),
        (env!("CARGO_BIN_EXE_analyser").into(), &["export"]),
        (testkit::binary("collector"), &[]),
        (testkit::binary("summariser"), &[]),
    ] {
        let binary: std::path::PathBuf = binary;
        let output = Command::new(&binary)
            .current_dir(dir.path())
            .args(args)
            .arg("--help")
            .env_remove("COLUMNS")
            .output()
            .expect("--help runs");
        assert!(output.status.success(), "{binary:?} {args:?}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let wide: Vec<_> = stdout
            .lines()
            .filter(|line| line.chars().count() > 80 && !line.starts_with("Usage:"))
            .collect();
        assert!(wide.is_empty(), "{binary:?} {args:?} --help: {wide:#?}");
    }
}
