//! Two installations, one MongoDB server: a department gives two research teams one server,
//! and both teams leave the database at its default.

mod common;

use common::{Workspace, count, numeric, quake, snapshot, stderr};
use mongodb::bson::Bson;

/// Team A has summarised its `usgs` files into the database for weeks. Team B installs its own
/// checkout (another folder, another `sources.toml`, a `usgs` source of its own) and leaves the
/// database at its default too, so its first summariser run meets team A's relevé data. The
/// README says "the first run of a new installation needs nothing", and `raw/.summariser-database`
/// exists "so the files never go to a database nobody reads": here they go to one somebody else
/// reads. Team B's run writes its `usgs` records over team A's (same source name, same key)
/// and folds them into team A's hours, without a word; team A's next report and `status` show
/// team B's data as their own. Expected: a raw folder never summarised, meeting a database
/// that already holds relevé data of the same sources, stops with one line (as a mismatched
/// `raw/.summariser-database` does), leaving its files and the other team's data as they were,
/// until told `--new-database`-like that this is on purpose.
#[tokio::test]
async fn a_second_installation_s_first_run_does_not_write_into_another_installation_s_database() {
    let team_a = Workspace::new("shared-team-a");
    team_a.land("usgs", (9, 30, 0), &snapshot(vec![quake("a", (9, 5), 1.0)]));
    team_a.summarise();
    assert_eq!(team_a.remaining("usgs"), 0);
    let before = team_a.hour("usgs", 9).await.expect("team A's hour");
    assert_eq!(count(&before), 1);

    // Team B: its own folder and configuration, the same (default) database.
    let mut team_b = Workspace::new("shared-team-b");
    team_b.database = team_a.database.clone();
    team_b.land(
        "usgs",
        (9, 40, 0),
        &snapshot(vec![quake("a", (9, 5), 6.5), quake("b", (9, 10), 2.0)]),
    );
    let first = team_b.summarise_with(&[]);
    let said = stderr(&first);

    let after = team_a.hour("usgs", 9).await.expect("team A's hour");
    let stored = team_a.record("usgs", "a").await.expect("team A's record");
    let mag = stored
        .get_document("data")
        .and_then(|data| data.get_document("properties"))
        .map(|properties| properties.get("mag").cloned());
    assert!(
        !first.status.success() && team_b.remaining("usgs") == 1,
        "team B's first run stops, its file waiting, rather than writing into team A's data \
         (exit {:?}; team A's hour now counts {} records, mean magnitude {:?}; team A's record \
         `a` now has magnitude {mag:?}): {said}",
        first.status.code(),
        count(&after),
        numeric(&after, "properties.mag", "mean"),
    );
    assert_eq!(count(&after), 1, "team A's hour is team A's: {said}");
    assert_eq!(mag, Ok(Some(Bson::Double(1.0))), "{said}");
}
