//! `analyser --help` is what a student reads first about `--if-missing`. The crontab (and,
//! from this stop, the Kubernetes CronJobs) run the day, week and month jobs hourly from 04:15
//! to 23:15, and the README says a report already written complete is written again when
//! hours of its period were summarised since (late data, a day caught up, `--resummarise`).
//! The help says the week and month jobs "run daily" and that a report written once complete
//! is otherwise "left as it is".

use std::process::Command;

/// The `--if-missing` paragraph of `analyser --help`.
fn if_missing_help() -> String {
    // In a folder of its own: every stage reads the `.env` of its working folder first.
    let dir = tempfile::tempdir().expect("temp dir");
    let output = Command::new(env!("CARGO_BIN_EXE_analyser"))
        .current_dir(dir.path())
        .arg("--help")
        .output()
        .expect("analyser --help runs");
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout).into_owned();
    let from = help
        .find("--if-missing")
        .expect("--if-missing is in the help");
    let rest = &help[from..];
    let end = rest.find("\n\n").unwrap_or(rest.len());
    rest[..end].to_owned()
}

#[test]
fn the_if_missing_help_says_the_report_jobs_run_hourly_as_the_crontab_does() {
    let help = if_missing_help();
    assert!(
        !help.contains("run daily"),
        "`analyser --help` says the crontab's week and month jobs run daily, where the crontab, \
         the Kubernetes CronJobs and the README run them hourly from 04:25 and 04:35 to 23:25 \
         and 23:35:\n{help}"
    );
}

#[test]
fn the_if_missing_help_says_a_report_is_written_again_when_its_hours_were_summarised_since() {
    let help = if_missing_help();
    assert!(
        help.contains("again"),
        "`analyser --help` says a report written once complete is left as it is, where the \
         README's Install the schedule says the jobs write it again when hours of its period \
         were summarised since:\n{help}"
    );
}
