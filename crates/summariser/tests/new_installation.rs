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
/// send her files into the other team's database (found by the review of stop 55).
#[tokio::test]
async fn a_new_installation_whose_uri_names_its_database_starts_beside_another_team_s_releve() {
    let ws = Workspace::new("new-install-shared");
    let server = testkit::MongoServer::shared();
    let someone_else_s = server.client_database("releve").await;
    someone_else_s
        .collection("hourly")
        .insert_one(doc! {"source": "their-feed", "count": 1})
        .await
        .expect("another team's relevé data");
    ws.land("usgs", (9, 30, 0), &snapshot(vec![quake("a", (9, 5), 1.0)]));
    let uri = format!("{}/{}", server.uri().trim_end_matches('/'), ws.database);
    let first = ws.command_with(&["--mongodb-uri", &uri]);
    let errors = stderr(&first);
    someone_else_s.drop().await.expect("releve dropped");
    assert!(
        first.status.success(),
        "the first run of a new installation stops: {errors}"
    );
    assert_eq!(ws.remaining("usgs"), 0, "{errors}");
    assert!(
        ws.record("usgs", "a").await.is_some(),
        "a is in the URI's database: {errors}"
    );
}
