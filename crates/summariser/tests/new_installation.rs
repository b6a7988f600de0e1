//! A new installation on a shared MongoDB server: the first run writes into the database its
//! URI names, whatever else the server holds. In a test process of its own, as it writes into
//! `releve`, which `failures.rs` reads as an upgraded installation's.

mod common;

use common::{Workspace, quake, snapshot, stderr};
use mongodb::bson::doc;

/// A PhD student's brand-new installation on her university's server, where another team's
/// relevé writes into `releve`: her URI names her own database, as the README's MongoDB section
/// shows. The README says "the first run of a new installation needs nothing"; she never ran
/// relevé before, so no `--database releve` or "remove the database from the URI's path" may
/// send her files into the other team's database (found by the review of stop 55), even when
/// cron's very first run failed, MongoDB not reachable yet (installed before `MONGODB_URI` was
/// set), and left the summariser's lock file (found by the review of stop 56), or
/// `scripts/install-cron.sh`'s build left it empty, as it holds it meanwhile (found by the review
/// of stop 56's fixes).
#[tokio::test]
async fn a_new_installation_whose_uri_names_its_database_starts_beside_another_team_s_releve() {
    let server = testkit::MongoServer::shared();
    let someone_else_s = server.client_database("releve").await;
    someone_else_s
        .collection("hourly")
        .insert_one(doc! {"source": "their-feed", "count": 1})
        .await
        .expect("another team's relevé data");
    let mut said = Vec::new();
    let starts = ["nothing", "a first run failed", "install-cron.sh built"];
    for (n, before) in starts.into_iter().enumerate() {
        let ws = Workspace::new(&format!("new-install-shared-{n}"));
        ws.land("usgs", (9, 30, 0), &snapshot(vec![quake("a", (9, 5), 1.0)]));
        if before == "a first run failed" {
            let unreachable = ws.command_with(&[
                "--mongodb-uri",
                "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500",
            ]);
            assert!(!unreachable.status.success(), "{}", stderr(&unreachable));
            assert_eq!(ws.remaining("usgs"), 1, "nothing summarised");
        }
        if before == "install-cron.sh built" {
            // `exec 7>>raw/.summariser.lock` while it builds: the file is left empty.
            std::fs::write(ws.raw().join(".summariser.lock"), "").expect("empty lock file");
        }
        let uri = format!("{}/{}", server.uri().trim_end_matches('/'), ws.database);
        let first = ws.command_with(&["--mongodb-uri", &uri]);
        let errors = stderr(&first);
        let stored = ws.record("usgs", "a").await.is_some();
        said.push((
            before,
            first.status.success(),
            ws.remaining("usgs"),
            stored,
            errors,
        ));
    }
    someone_else_s.drop().await.expect("releve dropped");
    for (before, succeeded, remaining, stored, errors) in said {
        assert!(
            succeeded && !errors.contains("--database releve"),
            "the first run that reaches MongoDB stops (before it: {before}): {errors}"
        );
        assert_eq!(remaining, 0, "{errors}");
        assert!(stored, "a is in the URI's database: {errors}");
    }
}
