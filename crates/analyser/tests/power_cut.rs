//! A Raspberry Pi on an SD card, in a lab whose power is cut without warning: what a cut leaves
//! in the reports folder must not stay broken for every later run of the crontab's jobs.

mod common;

use std::path::Path;

use common::golden;
use testkit::MongoServer;

/// Runs the analyser on `db` in `dir` with `extra` arguments, off the async runtime.
async fn analyse(dir: &Path, uri: &str, db: &str, extra: &[&str]) -> String {
    let args: Vec<String> = ["--mongodb-uri", uri, "--database", db]
        .iter()
        .chain(extra)
        .map(|arg| (*arg).to_owned())
        .collect();
    let dir = dir.to_owned();
    tokio::task::spawn_blocking(move || {
        common::analyser_ok(&dir, &args.iter().map(String::as_str).collect::<Vec<_>>())
    })
    .await
    .expect("analyser thread")
}

/// Whether `bytes` is a whole PDF: its header, and its trailer's end-of-file mark.
fn whole_pdf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"%PDF-") && bytes.trim_ascii_end().ends_with(b"%%EOF")
}

/// The power went while the SD card held yesterday's report half-written (a card that
/// acknowledges a flush before its cache is written, a file system that zeroes or cuts what it
/// had not committed): `reports/<day>.pdf` is left empty, or cut short. The crontab's day job
/// (`--if-missing`, hourly) then takes it for the report "written once the period was
/// complete" and leaves it as it is at every run, for good, and `analyser status` names it as
/// the last report: the day's report is never had. A file that is no whole PDF is no report;
/// the next job should write it again.
#[tokio::test(flavor = "multi_thread")]
async fn a_report_left_empty_or_cut_short_by_a_power_cut_is_written_again_by_the_next_job() {
    let server = MongoServer::shared();
    let db = server.fresh_database("power-cut-report");
    golden::insert(&server.client_database(&db).await).await;
    let uri = server.uri().to_owned();
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("sources.toml"), golden::CONFIG).expect("sources.toml");
    let day = ["--date", &golden::date(0), "--if-missing"];
    let report = dir.path().join(golden::report(0));
    analyse(dir.path(), &uri, &db, &day).await;
    let whole = std::fs::read(&report).expect("the report");
    assert!(whole_pdf(&whole), "the first job writes a whole PDF");

    // Left empty by the power cut: the next hour's job.
    std::fs::write(&report, b"").expect("an empty report");
    analyse(dir.path(), &uri, &db, &day).await;
    let after_empty = std::fs::read(&report).expect("the report");
    assert!(
        whole_pdf(&after_empty),
        "an empty report ({} bytes after the next job) is left as it is, as if written complete",
        after_empty.len()
    );

    // Cut short: half of it, no trailer.
    std::fs::write(&report, &whole[..whole.len() / 2]).expect("a report cut short");
    analyse(dir.path(), &uri, &db, &day).await;
    let after_cut = std::fs::read(&report).expect("the report");
    assert!(
        whole_pdf(&after_cut),
        "a report cut short ({} of {} bytes, no %%EOF) is left as it is, as if written complete",
        after_cut.len(),
        whole.len()
    );
}
