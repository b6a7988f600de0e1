//! Two installations, one MongoDB server: a department gives two research teams one server,
//! and both teams leave the database at its default.

mod common;

use std::fs::Permissions;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;

use common::{Workspace, count, numeric, quake, snapshot, stderr};
use mongodb::bson::Bson;
use testkit::mongo_proxy::{Conduct, MongoProxy};

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

/// A new installation, on a database of its own as the README asks: cron's first summariser
/// run creates relevé's collections there, and MongoDB goes away (a restart, a network cut)
/// while it does, before the run notes its database in `raw/.summariser-database`. The run
/// fails, its file waiting, as it should. But from then on every hourly run stops with exit 2:
/// "the database … holds relevé data, but this raw folder was never summarised into it …
/// another installation's, on a server they share?": the collection the cut run created is
/// taken for another installation's data, though no other installation exists and nothing was
/// ever summarised there; the files pile up until someone reads the mail and dares
/// `--new-database`. Expected: the next run, MongoDB back, summarises the waiting file, as the
/// first run would have.
#[tokio::test]
async fn a_first_run_cut_while_creating_the_collections_is_not_taken_for_another_installation() {
    let ws = Workspace::new("shared-first-cut");
    ws.land("usgs", (9, 30, 0), &snapshot(vec![quake("a", (9, 5), 1.0)]));
    let upstream = testkit::MongoServer::shared().uri();
    // The first index (on `hourly`) is made; MongoDB goes away at the second.
    let proxy = MongoProxy::start(upstream, Conduct::cut_at_command(&["createIndexes"], 2));
    let cut = ws.command(&proxy.uri()).output().expect("summariser runs");
    assert!(
        proxy.has_cut() && !cut.status.success(),
        "the first run fails: {}",
        stderr(&cut)
    );
    assert_eq!(ws.remaining("usgs"), 1, "its file waits");

    let next = ws.summarise_with(&[]);
    assert!(
        next.status.success() && ws.remaining("usgs") == 0,
        "the next run, MongoDB back, summarises the file waiting (exit {:?}): {}",
        next.status.code(),
        stderr(&next)
    );
    assert!(ws.record("usgs", "a").await.is_some(), "{}", stderr(&next));
}

/// A class on one MongoDB server, every student's checkout left at the default database (one
/// MongoDB user for the class, the database forgotten). Student A installs the crontab at
/// 10:04: at 10:05 cron starts the collector and the summariser together, and the summariser
/// lists `raw/` before the collector's first file has landed (or A ran `summariser` by hand
/// once to check the connection, as the README's MongoDB section shows, before collecting).
/// That run finds nothing to summarise, succeeds, creates relevé's collections and notes
/// `releve` in A's `raw/.summariser-database`. Student B installs later, same default
/// database: B's first run meets a database holding relevé's collections but no document yet,
/// takes it for "a first run cut while creating the collections" and summarises B's files
/// into A's database; from then on both folders have a record naming `releve` and every run
/// of either passes, their `usgs` records and hours mixed. Expected: a database another raw
/// folder's run finished in (its collections made on purpose, not cut) is refused to a folder
/// never summarised, as one holding a document is.
#[tokio::test]
async fn a_classmate_s_first_run_that_found_nothing_to_summarise_does_not_open_the_database_to_others()
 {
    let student_a = Workspace::new("shared-class-a");
    let empty = student_a.summarise();
    assert!(
        student_a.raw().join(".summariser-database").exists(),
        "A's first run noted its database: {}",
        stderr(&empty)
    );

    let mut student_b = Workspace::new("shared-class-b");
    student_b.database = student_a.database.clone();
    student_b.land(
        "usgs",
        (9, 40, 0),
        &snapshot(vec![quake("b", (9, 10), 2.0)]),
    );
    let first = student_b.summarise_with(&[]);
    let said = stderr(&first);
    assert!(
        !first.status.success() && student_b.remaining("usgs") == 1,
        "B's first run stops, its file waiting, rather than writing into A's database \
         (exit {:?}; B's record stored there: {}): {said}",
        first.status.code(),
        student_a.record("usgs", "b").await.is_some(),
    );
}

/// The lecturer has the class install the crontab at 10:00; at 10:05 cron starts all 24
/// students' summarisers at once, every one of them at the default database (the database
/// forgotten). Student A's first run has passed its checks, created relevé's collections and
/// begun writing (held here once its pending hours are noted), when student B's first run
/// looks at the database: collections, but no document in `hourly`, `records` or `runs` yet,
/// so B's run takes them for a first run cut while creating them and goes on. Both runs
/// store their `usgs` files into one database; from then on both folders' records name it and
/// every hourly run of either passes. Expected: the second first run stops, its file waiting,
/// as it does when A's run has finished.
#[tokio::test]
async fn two_classmates_first_runs_at_the_same_cron_minute_do_not_both_take_one_database() {
    let student_a = Workspace::new("shared-class-same-minute-a");
    student_a.land("usgs", (9, 30, 0), &snapshot(vec![quake("a", (9, 5), 1.0)]));
    let held = student_a.dir.path().join("held");
    let first_a = student_a
        .command(testkit::MongoServer::shared().uri())
        .env(
            "RELEVE_HOLD_AT",
            format!("pending-written:{}", held.display()),
        )
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("A's summariser starts");
    let waited = std::time::Instant::now();
    while !held.exists() {
        assert!(
            waited.elapsed() < std::time::Duration::from_secs(60),
            "A's run never reached its pending hours"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }

    let mut student_b = Workspace::new("shared-class-same-minute-b");
    student_b.database = student_a.database.clone();
    student_b.land(
        "usgs",
        (9, 40, 0),
        &snapshot(vec![quake("b", (9, 10), 2.0)]),
    );
    let first_b = student_b.summarise_with(&[]);
    std::fs::remove_file(&held).expect("A's run goes on");
    let ended_a = first_a.wait_with_output().expect("A's summariser ends");

    let said = stderr(&first_b);
    assert!(ended_a.status.success(), "{}", stderr(&ended_a));
    assert!(
        !first_b.status.success() && student_b.remaining("usgs") == 1,
        "B's first run stops, its file waiting, rather than writing into the database A's \
         first run is writing into (exit {:?}; B's record stored there: {}): {said}",
        first_b.status.code(),
        student_a.record("usgs", "b").await.is_some(),
    );
}

/// The README says a run of another folder "stops with one line and exit 2, reading, deleting
/// and creating nothing". Student B's run, pointed at student A's database by a copied `.env`,
/// stops, but leaves `raw/.installation` behind: the id is made (folder_id_or_new) before the
/// database is asked whose it is. Expected: a refused run creates nothing in the raw folder.
#[tokio::test]
async fn a_run_refused_for_another_installation_s_database_creates_nothing_in_its_raw_folder() {
    let student_a = Workspace::new("shared-class-nothing-a");
    let empty = student_a.summarise();
    assert!(empty.status.success(), "{}", stderr(&empty));

    let mut student_b = Workspace::new("shared-class-nothing-b");
    student_b.database = student_a.database.clone();
    student_b.land(
        "usgs",
        (9, 40, 0),
        &snapshot(vec![quake("b", (9, 10), 2.0)]),
    );
    let refused = student_b.summarise_with(&[]);
    let said = stderr(&refused);
    assert_eq!(refused.status.code(), Some(2), "{said}");
    assert!(
        said.contains("summarised from another raw folder"),
        "{said}"
    );
    assert!(
        !student_b.raw().join(".installation").exists(),
        "the refused run created raw/.installation: {said}"
    );
}

/// Student A's checkout, an hour of quakes summarised into its database, and student B's,
/// whose `.env` copied from A's names that database, a file of B's own landed.
fn classmates_on_one_database(label: &str) -> (Workspace, Workspace) {
    let student_a = Workspace::new(&format!("{label}-a"));
    student_a.land("usgs", (9, 30, 0), &snapshot(vec![quake("a", (9, 5), 1.0)]));
    student_a.summarise();
    let mut student_b = Workspace::new(&format!("{label}-b"));
    student_b.database = student_a.database.clone();
    student_b.land(
        "usgs",
        (9, 40, 0),
        &snapshot(vec![quake("b", (9, 10), 2.0)]),
    );
    (student_a, student_b)
}

/// An installation summarised for weeks on a database of its own; its `raw/.installation` is
/// deleted by hand (a clean-up of the folder's hidden files), the folder staying where it was.
/// Every summariser run then stops with exit 2 and "the database … is summarised from another
/// raw folder, /…/raw (since …), not from /…/raw: another installation's, on a server they
/// share?": the same folder named twice, once as another's, and a second installation blamed
/// that does not exist. Expected: a run whose folder is the very one the database names, its
/// id gone, says so (this folder's id is missing), never that the folder is another one.
#[tokio::test]
async fn a_run_whose_folder_lost_its_id_is_not_told_it_is_another_raw_folder() {
    let ws = Workspace::new("shared-lost-id");
    ws.land("usgs", (9, 30, 0), &snapshot(vec![quake("a", (9, 5), 1.0)]));
    let first = ws.summarise();
    assert!(first.status.success(), "{}", stderr(&first));
    std::fs::remove_file(ws.raw().join(".installation")).expect("the id, deleted by hand");

    ws.land(
        "usgs",
        (9, 40, 0),
        &snapshot(vec![quake("b", (9, 10), 2.0)]),
    );
    let next = ws.summarise_with(&[]);
    let said = stderr(&next);
    let raw = std::fs::canonicalize(ws.raw()).expect("raw folder");
    assert!(
        !said.contains(&format!("another raw folder, {}", raw.display())),
        "this very folder is named as another raw folder: {said}"
    );
    assert!(
        !next.status.success() && said.contains("no longer holds") && ws.remaining("usgs") == 1,
        "the lost id is said, the file waits: {said}"
    );
    // As the line says: named again, and summarised from then on.
    let named_again = ws
        .command(testkit::MongoServer::shared().uri())
        .arg("--new-database")
        .output()
        .expect("summariser runs");
    assert!(named_again.status.success(), "{}", stderr(&named_again));
    assert_eq!(ws.remaining("usgs"), 0);
    let after = ws.summarise();
    assert!(after.status.success(), "{}", stderr(&after));
}

/// Two teams, one MongoDB server (an Atlas cluster), each deploying relevé as the README's
/// Kubernetes section shows: every installation's raw folder is `/data/raw` (the manifests'
/// `--raw-dir /data/raw`), and the README's URI, `mongodb+srv://USER:PASSWORD@cluster0…/`, has
/// no path, so both use the default database (likewise two machines whose checkouts are both
/// in the home of a `releve` user, as `CRONTAB="sudo crontab -u releve"` suggests). Team A's
/// summariser has named the database. Team B's first run, its folder new (no
/// `raw/.installation`, no `raw/.summariser-database`: never summarised anywhere), is told
/// "the database `releve` names this raw folder, /data/raw, by an id its .installation no
/// longer holds (deleted, or copied over from another folder?) … if this folder's data is the
/// database's, run once with --new-database to name it again": an id deleted that never
/// existed, and no word of another installation (`status` likewise drops "the runs and hours
/// above are another installation's"). Team B, whose secret does name that database, runs
/// `--new-database`: the two teams' records and hours are folded together, team A refused
/// from then on. Here team A's document names team B's path, as the same path in the other
/// deployment reads. Expected: a folder that was never summarised is told the database is
/// another installation's, never that it lost its id.
#[tokio::test]
async fn a_new_installation_at_the_same_path_on_another_machine_is_not_told_it_lost_its_id() {
    let team_a = Workspace::new("shared-same-path-a");
    team_a.land("usgs", (9, 30, 0), &snapshot(vec![quake("a", (9, 5), 1.0)]));
    let first = team_a.summarise();
    assert!(first.status.success(), "{}", stderr(&first));

    let mut team_b = Workspace::new("shared-same-path-b");
    team_b.database = team_a.database.clone();
    team_b.land(
        "usgs",
        (9, 40, 0),
        &snapshot(vec![quake("b", (9, 10), 2.0)]),
    );
    // Team A's machine: the same path as team B's.
    let same_path = std::fs::canonicalize(team_b.raw()).expect("raw folder");
    team_a
        .db()
        .await
        .collection::<mongodb::bson::Document>("installation")
        .update_one(
            mongodb::bson::doc! { "_id": "summariser" },
            mongodb::bson::doc! { "$set": { "raw_dir": same_path.display().to_string() } },
        )
        .await
        .expect("team A's place");
    assert!(!team_b.raw().join(".installation").exists());
    assert!(!team_b.raw().join(".summariser-database").exists());

    let refused = team_b.summarise_with(&[]);
    let said = stderr(&refused);
    assert_eq!(refused.status.code(), Some(2), "{said}");
    assert!(
        !said.contains("no longer holds")
            && said.contains("another installation")
            && said.contains("another raw folder of the same path"),
        "a folder never summarised is told it lost its id, not that the database is another \
         installation's: {said}"
    );
}

/// A class on one server: student B's `.env`, copied from student A's, names A's database.
/// B's run is refused, told "… give this installation a database of its own …, or, if that
/// folder is this one moved or replaced, run once with --new-database". B takes the second
/// way out: the run goes through, B's records are folded into A's hours, and A, refused in
/// turn, is told the same and takes the database back, both datasets mixed for good. A's
/// folder is still there, on this machine, holding the very id the database names: it is
/// another installation, not this one moved. Expected: `--new-database` is refused then
/// (exit 2, B's file waiting, A's hour A's alone), and the refusal offers no such way out.
#[tokio::test]
async fn a_classmate_s_folder_still_holding_the_database_s_id_is_not_taken_for_this_one_moved() {
    let (student_a, student_b) = classmates_on_one_database("shared-class-still-there");

    let refused = student_b.summarise_with(&[]);
    let said = stderr(&refused);
    assert_eq!(refused.status.code(), Some(2), "{said}");
    assert!(
        !said.contains("this one moved or replaced") && said.contains("still on this machine"),
        "the refusal offers --new-database though the other folder is still here: {said}"
    );

    let forced = student_b
        .command(testkit::MongoServer::shared().uri())
        .arg("--new-database")
        .output()
        .expect("summariser runs");
    let said = stderr(&forced);
    let hour = student_a.hour("usgs", 9).await.expect("A's hour");
    assert!(
        forced.status.code() == Some(2) && student_b.remaining("usgs") == 1 && count(&hour) == 1,
        "--new-database folded B's records into A's database (exit {:?}, A's hour counts {}): \
         {said}",
        forced.status.code(),
        count(&hour),
    );
    let theirs = std::fs::canonicalize(student_a.raw()).expect("A's raw folder");
    assert!(said.contains(&theirs.display().to_string()), "{said}");
}

/// The same class, each student a Unix account of their own: student A's checkout is in a home
/// student B cannot enter. B's `.env`, copied from A's, names A's database; B's run is refused
/// and told "or, if that folder is this one moved or replaced, run once with --new-database":
/// B cannot look into A's folder to tell, runs it, and B's records are folded into A's hours.
/// A folder this user cannot reach, on this machine, is not this user's folder moved.
/// Expected: `--new-database` is refused (exit 2, B's file waiting, A's hour A's alone), saying
/// the folder is out of this user's reach. Needs root, to run B's summariser as `nobody`.
#[tokio::test]
async fn a_classmate_s_folder_out_of_this_user_s_reach_is_not_taken_for_this_one_moved() {
    let root = std::process::Command::new("id").arg("-u").output();
    assert!(
        root.is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0"),
        "this test needs root: it runs student B's summariser as nobody"
    );
    let (student_a, student_b) = classmates_on_one_database("shared-class-out-of-reach");
    // A's folder, root's, 0700: out of nobody's reach, as another user's home.
    std::fs::set_permissions(student_a.dir.path(), Permissions::from_mode(0o700))
        .expect("A's home closed");

    let given = std::process::Command::new("chown")
        .args([
            "-R",
            "65534:65534",
            &student_b.dir.path().display().to_string(),
        ])
        .status()
        .expect("chown runs");
    assert!(given.success(), "B's checkout made nobody's");

    let forced = student_b
        .command(testkit::MongoServer::shared().uri())
        .arg("--new-database")
        .uid(65534)
        .gid(65534)
        .output()
        .expect("summariser runs");
    let said = stderr(&forced);
    let hour = student_a.hour("usgs", 9).await.expect("A's hour");
    assert!(
        forced.status.code() == Some(2) && student_b.remaining("usgs") == 1 && count(&hour) == 1,
        "--new-database folded B's records into A's database (exit {:?}, A's hour counts {}): \
         {said}",
        forced.status.code(),
        count(&hour),
    );
    assert!(said.contains("out of this user's reach"), "{said}");
}
