//! What users see when things go wrong: bad files quarantined with a reason while the others
//! go through, an unreachable MongoDB that deletes nothing, and a second run kept out by the lock.

mod common;

use common::{Workspace, count, quake, snapshot, stderr};
use releve::RunLock;

#[tokio::test]
async fn unusable_files_are_quarantined_with_a_reason_and_never_block_the_others() {
    let ws = Workspace::new("quarantine");
    let broken = ws.land_bytes("usgs", (10, 1, 0), br#"{"features": [{"id": "x""#);
    let no_records = ws.land_bytes("usgs", (10, 2, 0), br#"{"type": "FeatureCollection"}"#);
    let keyless = ws.land_bytes(
        "usgs",
        (10, 3, 0),
        br#"{"features": [{"properties": {"mag": 1}}]}"#,
    );
    let latin1 = ws.land_bytes(
        "usgs",
        (10, 3, 30),
        b"{\"features\": [{\"id\": \"Z\xfcrich\"}]}",
    );
    let mut mixed = snapshot(vec![quake("good", (10, 5), 1.0)]);
    mixed["features"]
        .as_array_mut()
        .expect("features")
        .push(serde_json::json!({"id": "no-time"}));
    ws.land("usgs", (10, 4, 0), &mixed);

    let output = ws.summarise_with(&[]);
    assert!(
        !output.status.success(),
        "quarantined files make the run fail"
    );
    let errors = stderr(&output);
    let quarantine = ws.raw().join("_quarantine");
    for (file, reason) in [
        (&broken, "not valid JSON"),
        (&no_records, "records path `features` is missing"),
        (&keyless, "has both a key at `id` and a time"),
        (&latin1, "not UTF-8"),
    ] {
        let name = file
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        assert!(!file.exists(), "{name} left the source folder");
        assert!(quarantine.join(&name).exists(), "{name} is in quarantine");
        let why = std::fs::read_to_string(quarantine.join(format!("{name}.reason")))
            .expect("reason file");
        assert!(why.contains(reason), "{name}: {why}");
        let lines: Vec<&str> = errors.lines().filter(|l| l.contains(&name)).collect();
        assert_eq!(lines.len(), 1, "one stderr line names {name}: {errors}");
    }
    assert_eq!(
        count(&ws.hour("usgs", 10).await.expect("good file summarised")),
        1
    );
    assert_eq!(ws.remaining("usgs"), 0);
}

#[tokio::test]
async fn an_unreachable_mongodb_fails_with_one_line_and_deletes_nothing() {
    let ws = Workspace::new("down");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
    let uri = format!(
        "mongodb://127.0.0.1:{}",
        closed.local_addr().expect("addr").port()
    );
    drop(closed);
    let output = ws.command(&uri).output().expect("summariser runs");
    assert!(!output.status.success());
    let errors = stderr(&output);
    let lines: Vec<&str> = errors
        .lines()
        .filter(|l| l.contains("unreachable"))
        .collect();
    assert_eq!(
        lines.len(),
        1,
        "one line says MongoDB is unreachable: {errors}"
    );
    assert!(
        lines[0].contains(&uri),
        "the line names the server: {errors}"
    );
    assert_eq!(ws.remaining("usgs"), 1, "nothing is deleted");
}

#[tokio::test]
async fn a_run_started_while_another_holds_the_lock_touches_nothing() {
    let ws = Workspace::new("lock");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    let held = RunLock::try_acquire(&summariser::lock_path(&ws.raw()))
        .expect("lock file")
        .expect("lock free");
    let output = ws.summarise();
    assert!(
        stderr(&output).contains("holds the lock"),
        "{}",
        stderr(&output)
    );
    assert_eq!(ws.remaining("usgs"), 1, "the files wait for the holder");
    assert!(ws.hour("usgs", 10).await.is_none());
    drop(held);
    ws.summarise();
    assert_eq!(ws.remaining("usgs"), 0);
    assert_eq!(count(&ws.hour("usgs", 10).await.expect("summarised")), 1);
}

#[tokio::test]
async fn two_runs_started_together_summarise_each_file_once() {
    let ws = Workspace::new("concurrent");
    for minute in 0..20 {
        ws.land(
            "usgs",
            (10, 30 + minute, 0),
            &snapshot(vec![quake("a", (10, 5), 1.0 + f64::from(minute))]),
        );
    }
    let spawn = || {
        ws.command(testkit::MongoServer::shared().uri())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("summariser starts")
    };
    let (first, second) = (spawn(), spawn());
    for child in [first, second] {
        let output = child.wait_with_output().expect("summariser ends");
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let runs_left = ws.remaining("usgs");
    if runs_left > 0 {
        ws.summarise();
    }
    let hour = ws.hour("usgs", 10).await.expect("summarised");
    assert_eq!(count(&hour), 1);
    assert_eq!(
        common::numeric(&hour, "properties.mag", "max"),
        mongodb::bson::Bson::Double(20.0)
    );
    let db = ws.db().await;
    let records = db.collection::<mongodb::bson::Document>("records");
    assert_eq!(
        records
            .count_documents(mongodb::bson::doc! {})
            .await
            .expect("count"),
        1
    );
}
