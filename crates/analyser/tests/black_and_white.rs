//! The report printed on a black-and-white printer: its warnings' red is a grey hardly darker
//! than its notes' grey, so a warning must stand out by more than its colour.

mod common;

use common::golden;
use testkit::MongoServer;

/// The warning ink, `Ink::ALERT`.
const RED: &str = "#be3c14";
/// The notes' ink, `Ink::MUTED`.
const GREY: &str = "#6e6e6e";

#[tokio::test(flavor = "multi_thread")]
async fn warnings_print_bold_and_notes_do_not() {
    let server = MongoServer::shared();
    let db = server.fresh_database("black_and_white");
    golden::insert(&server.client_database(&db).await).await;
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("sources.toml"), golden::CONFIG).expect("sources.toml");
    let pdf = dir.path().join(golden::report(0));
    let args = [
        "--mongodb-uri".to_owned(),
        server.uri().to_owned(),
        "--database".to_owned(),
        db,
        "--date".to_owned(),
        golden::date(0),
    ];
    let lines = tokio::task::spawn_blocking(move || {
        common::analyser_ok(dir.path(), &args.each_ref().map(String::as_str));
        common::styled_lines(&pdf)
    })
    .await
    .expect("analyser thread");

    let warnings: Vec<&common::StyledLine> = lines.iter().filter(|l| l.colour == RED).collect();
    for said in [
        "No data for this source in this period",
        "offres: 1 collection of 1 failed",
        "quakes: 3 records dropped by the summariser",
    ] {
        assert!(
            warnings.iter().any(|line| line.text.contains(said)),
            "{said:?} is a warning: {lines:#?}"
        );
    }
    let light: Vec<&str> = warnings
        .iter()
        .filter(|line| !line.bold)
        .map(|line| line.text.as_str())
        .collect();
    assert!(
        light.is_empty(),
        "every warning prints bold, as its red prints grey: {light:#?}"
    );
    let notes: Vec<&common::StyledLine> = lines.iter().filter(|l| l.colour == GREY).collect();
    assert!(
        !notes.is_empty() && notes.iter().all(|line| !line.bold),
        "notes stay regular, so a warning reads apart from them: {notes:#?}"
    );
}
