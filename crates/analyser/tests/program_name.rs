//! How the analyser and its subcommands name themselves, as a user types them: `--version`
//! (a script recording which version ran, `analyser status --version >> audit.log`), `help`
//! and a command line refused.

use std::process::{Command, Output};

/// The real analyser run with `args` in a folder of its own (every stage reads the `.env` of
/// its working folder first).
fn analyser(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("temp dir");
    Command::new(env!("CARGO_BIN_EXE_analyser"))
        .current_dir(dir.path())
        .args(args)
        .env_remove("MONGODB_URI")
        .output()
        .expect("analyser runs")
}

/// `analyser status --version` printed `analyser-status 0.1.0`: a name no one types, which
/// `which analyser-status` does not find. Expected: `analyser status 0.1.0`.
#[test]
fn every_subcommand_says_the_version_under_the_name_typed() {
    let version = env!("CARGO_PKG_VERSION");
    for (args, name) in [
        (&[][..], "analyser"),
        (&["report"], "analyser report"),
        (&["status"], "analyser status"),
        (&["export"], "analyser export"),
    ] {
        let args = [args, &["--version"]].concat();
        let output = analyser(&args);
        assert!(
            output.status.success(),
            "analyser {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&output.stdout).trim_end(),
            format!("{name} {version}"),
            "analyser {args:?}"
        );
    }
}

/// `analyser help --help`, as a user unsure of `help` tries: refused, exit 2, "unrecognized
/// subcommand '--help'". Expected: the help of `help`, exit 0.
#[test]
fn help_of_help_is_shown() {
    for flag in ["--help", "-h"] {
        let output = analyser(&["help", flag]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("Usage: analyser help"),
            "analyser help {flag} (exit {:?}):\n{stdout}\n{}",
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// `analyser export` without `--source`: the line began `analyser:`, as if the analyser's
/// report had refused it, in `logs/analyser.log` among the report's lines. Expected: it
/// begins `analyser export:`, as that subcommand's other refusals do.
#[test]
fn an_argument_a_subcommand_lacks_is_said_by_that_subcommand() {
    let output = analyser(&["export", "--date", "2026-01-01"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.lines().count() == 1
            && stderr.starts_with("analyser export: ")
            && stderr.contains("--source"),
        "{stderr}"
    );
}
