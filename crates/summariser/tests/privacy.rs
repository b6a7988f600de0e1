//! What a data-protection officer checks before signing off a France Travail collection: a
//! recruiter's personal data removed from MongoDB the way the README says stays removed.

mod common;

use common::{Workspace, at};
use mongodb::bson::{Document, doc};
use serde_json::json;

const FRANCE_TRAVAIL: &str = r#"
[[source]]
name = "france-travail-offres"
kind = "france_travail"
url = "http://127.0.0.1:9/partenaire/offresdemploi/v2"
token_url = "http://127.0.0.1:9/connexion/oauth2/access_token?realm=/partenaire"
every = "1d"
key = "id"
time = "dateCreation"
numeric = ["nombrePostes"]
categories = ["typeContrat"]
"#;

fn offer(id: &str, postes: serde_json::Value) -> serde_json::Value {
    json!({
        "id": id,
        "intitule": "Cuisinier (H/F)",
        "dateCreation": at(8, 15, 0).to_rfc3339(),
        "typeContrat": "CDI",
        "nombrePostes": postes,
        "contact": {"nom": "Mme Claire Martin", "courriel": "claire.martin@example.fr", "coordonnees1": "05 61 00 00 00"}
    })
}

/// README, `records`' `data`: files landed before `drop` was added, and records stored from
/// them, keep the dropped fields "until you remove them. Run the summariser once, so the waiting
/// files are stored, then `db.records.updateMany({ source: "france-travail-offres" }, { $unset:
/// { "data.contact": "" } })`"; and "A record's value fixed by hand stays until the API serves
/// that record again". A day's file put in quarantine for one offer MongoDB cannot store (its
/// other offers stored, README) is fixed and moved back as Troubleshooting says: the API served
/// nothing again, yet the recruiter's name and e-mail removed by hand are written back.
#[tokio::test]
async fn a_recruiters_contact_removed_by_hand_as_the_readme_says_is_not_written_back_by_a_file_moved_back_from_quarantine()
 {
    let ws = Workspace::new("privacy-contact-moved-back");
    std::fs::write(ws.dir.path().join("sources.toml"), FRANCE_TRAVAIL).expect("config");
    let source = "france-travail-offres";
    // Landed before `drop` was set: the offers hold their contact. `o2` holds an integer
    // MongoDB cannot store, so the file goes to quarantine and `o1` is stored from it.
    let text = format!(
        "[{},{}]",
        offer("o1", json!(1)),
        offer("o2", json!(1)).to_string().replace(
            "\"nombrePostes\":1",
            "\"nombrePostes\":99999999999999999999"
        )
    );
    let landed = ws.land_bytes(source, (23, 30, 0), text.as_bytes());
    let first = ws.summarise_with(&[]);
    assert!(
        !first.status.success(),
        "the file is quarantined: {}",
        common::stderr(&first)
    );
    let stored = ws.record_data(source, "o1").await.expect("o1 stored");
    assert!(stored.get("contact").is_some(), "landed before `drop`");

    // The README's removal.
    ws.db()
        .await
        .collection::<Document>("records")
        .update_many(
            doc! {"source": source},
            doc! {"$unset": {"data.contact": ""}},
        )
        .await
        .expect("$unset data.contact");
    assert!(
        ws.record_data(source, "o1")
            .await
            .expect("o1")
            .get("contact")
            .is_none()
    );

    // Troubleshooting: fix the cause, move the file back, and the next run takes it.
    let fixed = format!("[{},{}]", offer("o1", json!(1)), offer("o2", json!(2)));
    ws.move_back(&landed, fixed.as_bytes());
    let output = ws.summarise();
    assert!(
        ws.record_data(source, "o2").await.is_some(),
        "o2 stored now"
    );
    let o1 = ws.record_data(source, "o1").await.expect("o1");
    assert_eq!(
        o1.get("contact"),
        None,
        "the recruiter's contact, removed from MongoDB as the README says, is back in `records` though the API served nothing again: {}",
        common::stderr(&output)
    );
}
