//! The README's Python examples, as written there, run by the checkout's `.venv/bin/python`
//! (whose pymongo nx-27017 brings): the database each picks is the one the stages pick, and
//! the France Travail count per day, département and contract type prints what `records` holds.

use std::process::{Command, Output};

use mongodb::bson::{DateTime, Document, doc};
use testkit::MongoServer;

/// The README's ```python blocks, each with the line of its opening fence, their lines
/// without the indentation of a block inside a list.
fn python_blocks(readme: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut rest = readme;
    while let Some((before, block)) = rest.split_once("```python\n") {
        let fence = readme.len() - rest.len() + before.len();
        let line = readme[..fence].matches('\n').count() + 1;
        let indent = before.rsplit('\n').next().unwrap_or_default();
        let Some((code, after)) = block.split_once("```") else {
            break;
        };
        let code: Vec<&str> = code
            .lines()
            .map(|line| line.strip_prefix(indent).unwrap_or(line))
            .collect();
        blocks.push((line, code.join("\n") + "\n"));
        rest = after;
    }
    blocks
}

fn readme() -> String {
    std::fs::read_to_string(testkit::workspace_root().join("README.md")).expect("README.md")
}

/// Runs `script` with the checkout's Python, its arguments `args` and `MONGODB_URI` set to
/// `uri`.
pub fn python(script: &str, args: &[&str], uri: &str) -> Output {
    let python = testkit::workspace_root().join(".venv/bin/python");
    Command::new(&python)
        .arg("-c")
        .arg(script)
        .args(args)
        .env("MONGODB_URI", uri)
        .output()
        .unwrap_or_else(|err| {
            panic!(
                "{} runs (scripts/mongo-local.sh install): {err}",
                python.display()
            )
        })
}

/// The lines of a Python example that connect and pick the database: from the first holding
/// `MongoClient(` up to the first that neither names `client` or `db` nor is indented.
fn connecting_lines(code: &str) -> String {
    let mut lines = code
        .lines()
        .skip_while(|line| !line.contains("MongoClient("));
    let mut picked: Vec<&str> = lines.next().into_iter().collect();
    picked.extend(lines.take_while(|line| {
        ["client", "db ", "db=", "if db", " "]
            .iter()
            .any(|start| line.starts_with(start))
    }));
    picked.join("\n")
}

/// Every Python example of the README picks the database the stages pick for the same
/// `MONGODB_URI`: the one its path names, but for `admin`, `local` and `config` (named there
/// to log in), else `releve`. A student whose URI ends `/admin` reads the stages' data.
#[test]
fn the_readmes_python_examples_pick_the_stages_database() {
    let readme = readme();
    let blocks: Vec<_> = python_blocks(&readme)
        .into_iter()
        .filter(|(_, code)| code.contains("MongoClient("))
        .collect();
    assert!(
        blocks.len() >= 4,
        "the README's Python examples: {blocks:?}"
    );
    let uris = [
        "mongodb://127.0.0.1:9/admin",
        "mongodb://127.0.0.1:9/local?authSource=admin",
        "mongodb://student:pw@127.0.0.1:9/phd_db?authSource=admin",
        "mongodb://127.0.0.1:9/?authSource=admin",
        "mongodb://127.0.0.1:9",
        "",
    ];
    for (line, code) in blocks {
        let script = format!(
            "import os, sys\nfrom pymongo import MongoClient\nfor given in sys.argv[1:]:\n    \
             os.environ['MONGODB_URI'] = given\n{}\n    print(db.name)\n",
            connecting_lines(&code)
                .lines()
                .map(|line| format!("    {line}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        let output = python(&script, &uris, "");
        let picked = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "the README's Python example at line {line} fails to pick a database:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let picked: Vec<&str> = picked.lines().collect();
        let stages: Vec<String> = uris
            .iter()
            .map(|uri| {
                releve::store::uri_database(uri)
                    .unwrap_or_else(|| releve::store::DEFAULT_DATABASE.to_owned())
            })
            .collect();
        assert_eq!(
            picked, stages,
            "the README's Python example at line {line} picks other databases than the stages for {uris:?}"
        );
    }
}

/// A France Travail offer as the summariser stores it in `records`.
fn offer(id: &str, created: &str, contract: &str, commune: &str) -> Document {
    let time = chrono::DateTime::parse_from_rfc3339(created).expect("a creation time");
    let time = DateTime::from_millis(time.timestamp_millis());
    let hour = DateTime::from_millis(time.timestamp_millis() / 3_600_000 * 3_600_000);
    doc! {
        "source": "offres-31",
        "key": id,
        "time": time,
        "hour": hour,
        "data": {
            "id": id,
            "dateCreation": created,
            "typeContrat": contract,
            "lieuTravail": { "libelle": format!("31 - {commune}"), "commune": commune },
        },
    }
}

/// The README's count of France Travail offers per day, département and contract type, run
/// as written there on offers of two UTC days, prints one line per group with its count.
#[tokio::test(flavor = "multi_thread")]
async fn the_readmes_france_travail_count_per_departement_answers() {
    let mongo = MongoServer::shared();
    let database = mongo.fresh_database("offres");
    let db = mongo.client_database(&database).await;
    db.collection::<Document>("records")
        .insert_many([
            offer("201ABCD", "2026-11-20T23:30:00Z", "CDI", "31555"),
            offer("201ABCE", "2026-11-21T08:00:00Z", "CDI", "31555"),
            offer("201ABCF", "2026-11-21T09:15:00Z", "CDI", "31069"),
            offer("201ABCG", "2026-11-21T09:30:00Z", "CDD", "31555"),
            offer("201ABCH", "2026-11-21T14:00:00Z", "MIS", "31395"),
        ])
        .await
        .expect("store the offers");
    let readme = readme();
    let (line, script) = python_blocks(&readme)
        .into_iter()
        .find(|(_, code)| code.contains("\"offres-31\""))
        .expect("the README's Python count of France Travail offers");
    let uri = crate::uri_with_database(mongo.uri(), &database);
    let output = python(&script, &[], &uri);
    assert!(
        output.status.success(),
        "the README's Python example at line {line} fails:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "2026-11-20 31 CDI 1\n2026-11-21 31 CDD 1\n2026-11-21 31 CDI 2\n2026-11-21 31 MIS 1\n",
        "the README's Python example at line {line}: offers per day, département and contract"
    );
}
