//! `--version` of the analyser and of each subcommand: a script recording which version ran
//! (`analyser status --version >> audit.log`) was refused, exit 2, "unexpected argument".

use std::process::Command;

#[test]
fn every_subcommand_says_the_version() {
    let dir = tempfile::tempdir().expect("temp dir");
    for args in [&[][..], &["report"], &["status"], &["export"]] {
        let output = Command::new(env!("CARGO_BIN_EXE_analyser"))
            .current_dir(dir.path())
            .args(args)
            .arg("--version")
            .output()
            .expect("analyser --version runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "analyser {args:?} --version: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            stdout.starts_with("analyser")
                && stdout.trim_end().ends_with(env!("CARGO_PKG_VERSION")),
            "analyser {args:?} --version: {stdout}"
        );
    }
}
