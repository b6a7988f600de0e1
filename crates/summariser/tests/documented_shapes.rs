//! A data scientist querying MongoDB from pymongo or pandas trusts the README's "MongoDB
//! documents (a stable interface)": each collection's example document names its fields and,
//! by its values, their types (`ISODate(…)` a date, `"…"` text, `5` a 64-bit integer, `2.46` a
//! double, `null`). A real run's documents are compared with those examples field by field,
//! both ways: a documented field missing or of another type breaks her queries, a field
//! written and not documented is one she cannot know to rely on.

mod common;

use std::collections::BTreeMap;

use common::{Workspace, eco2mix, keyless_quake, quake, snapshot};
use mongodb::bson::{Bson, Document};
use serde_json::json;

/// What a value is, as a query or a data frame sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Date,
    Text,
    Integer,
    Double,
    Boolean,
    Null,
    Object,
    Array,
}

/// Fields whose content is not relevé's (a record as the API served it): their kind alone is
/// compared.
const OPAQUE: [&str; 1] = ["data"];

/// Each field's path (`numeric[].mean`) and the kinds it holds.
type Shape = BTreeMap<String, Vec<Kind>>;

fn add(shape: &mut Shape, path: &str, kind: Kind) {
    let kinds = shape.entry(path.to_owned()).or_default();
    if !kinds.contains(&kind) {
        kinds.push(kind);
        kinds.sort();
    }
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// The shape of a stored document, `_id` left out (MongoDB's own).
fn stored_shape(document: &Document) -> Shape {
    let mut shape = Shape::new();
    for (key, value) in document {
        if key != "_id" {
            stored_value(&mut shape, key, value);
        }
    }
    shape
}

fn stored_value(shape: &mut Shape, path: &str, value: &Bson) {
    let kind = match value {
        Bson::DateTime(_) => Kind::Date,
        Bson::String(_) => Kind::Text,
        Bson::Int32(_) | Bson::Int64(_) => Kind::Integer,
        Bson::Double(_) => Kind::Double,
        Bson::Boolean(_) => Kind::Boolean,
        Bson::Null => Kind::Null,
        Bson::Document(fields) => {
            add(shape, path, Kind::Object);
            if !OPAQUE.contains(&path) {
                for (key, value) in fields {
                    stored_value(shape, &child(path, key), value);
                }
            }
            return;
        }
        Bson::Array(items) => {
            add(shape, path, Kind::Array);
            for item in items {
                stored_value(shape, &format!("{path}[]"), item);
            }
            return;
        }
        other => panic!("{path}: a value relevé does not write: {other:?}"),
    };
    add(shape, path, kind);
}

/// A reader of the README's example documents: mongosh's notation, with `//` comments.
struct Example<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Example<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    fn skip_blanks(&mut self) {
        loop {
            let rest = self.rest();
            let trimmed = rest.trim_start();
            self.at += rest.len() - trimmed.len();
            if trimmed.starts_with("//") {
                self.at += trimmed.find('\n').unwrap_or(trimmed.len());
            } else {
                return;
            }
        }
    }

    fn eat(&mut self, token: &str) -> bool {
        self.skip_blanks();
        let found = self.rest().starts_with(token);
        if found {
            self.at += token.len();
        }
        found
    }

    fn expect(&mut self, token: &str) {
        assert!(
            self.eat(token),
            "the README's example document: {token:?} expected at {:?}",
            &self.rest()[..self.rest().len().min(40)]
        );
    }

    fn word(&mut self) -> String {
        self.skip_blanks();
        let rest = self.rest();
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '-' || c == '+'))
            .unwrap_or(rest.len());
        self.at += end;
        rest[..end].to_owned()
    }

    fn text(&mut self) {
        self.expect("\"");
        let rest = self.rest();
        let mut escaped = false;
        for (at, c) in rest.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    self.at += at + 1;
                    return;
                }
                _ => escaped = false,
            }
        }
        panic!("the README's example document: a text left open");
    }

    fn value(&mut self, shape: &mut Shape, path: &str) {
        self.skip_blanks();
        if self.eat("{") {
            add(shape, path, Kind::Object);
            while !self.eat("}") {
                let key = self.word();
                self.expect(":");
                let field = child(path, &key);
                if OPAQUE.contains(&field.as_str()) {
                    self.value(&mut Shape::new(), &field);
                    add(shape, &field, Kind::Object);
                } else {
                    self.value(shape, &field);
                }
                self.eat(",");
            }
        } else if self.eat("[") {
            add(shape, path, Kind::Array);
            while !self.eat("]") {
                self.value(shape, &format!("{path}[]"));
                self.eat(",");
            }
        } else if self.rest().starts_with('"') {
            self.text();
            add(shape, path, Kind::Text);
        } else if self.eat("ISODate(") {
            self.text();
            self.expect(")");
            add(shape, path, Kind::Date);
        } else {
            let kind = match self.word().as_str() {
                "null" => Kind::Null,
                "true" | "false" => Kind::Boolean,
                number if number.contains(['.', 'e']) => Kind::Double,
                number if number.parse::<i64>().is_ok() => Kind::Integer,
                other => panic!("{path}: the README's example holds {other:?}"),
            };
            add(shape, path, kind);
        }
    }
}

/// The README's example document of each collection: the ```js blocks of its "MongoDB
/// documents" section that hold a document, each under its collection's bold name.
fn documented_shapes() -> BTreeMap<String, Shape> {
    let readme =
        std::fs::read_to_string(testkit::workspace_root().join("README.md")).expect("README.md");
    let section = readme
        .split("\n## ")
        .find(|section| section.starts_with("MongoDB documents"))
        .expect("the README's MongoDB documents section");
    let mut shapes = BTreeMap::new();
    let mut collection = None;
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        if let Some(name) = line.strip_prefix("**`") {
            collection = name.split('`').next().map(str::to_owned);
        } else if line == "```js" {
            let block: Vec<&str> = lines.by_ref().take_while(|line| *line != "```").collect();
            let block = block.join("\n");
            let mut example = Example {
                text: &block,
                at: 0,
            };
            example.skip_blanks();
            if let (true, Some(name)) = (example.rest().starts_with('{'), &collection) {
                let mut shape = Shape::new();
                example.value(&mut shape, "");
                shape.remove("");
                shapes.insert(name.clone(), shape);
            }
        }
    }
    shapes
}

/// What differs between the README's example of `collection` and a stored document of it.
fn differences(collection: &str, documented: Option<&Shape>, stored: &Shape) -> Vec<String> {
    let Some(documented) = documented else {
        return vec![format!(
            "{collection}: the README shows no example document; a run writes {stored:?}"
        )];
    };
    let mut found = Vec::new();
    for (path, kinds) in documented {
        match stored.get(path) {
            None => found.push(format!("{collection}.{path}: documented, not written")),
            Some(written) if written != kinds => found.push(format!(
                "{collection}.{path}: documented as {kinds:?}, written as {written:?}"
            )),
            Some(_) => {}
        }
    }
    for (path, kinds) in stored {
        if !documented.contains_key(path) {
            found.push(format!(
                "{collection}.{path}: written as {kinds:?}, not documented"
            ));
        }
    }
    found
}

/// The collector's metrics of the run that landed `quakes`, 30 min past 10, in `window_parts`
/// when given.
fn quake_run(
    quakes: &releve::RawFileName,
    window_parts: Option<u64>,
) -> releve::metrics::RunMetrics {
    let landed = common::at(10, 30, 0);
    releve::metrics::RunMetrics {
        window_parts,
        scheduled_from: None,
        source: "usgs".to_owned(),
        kind: "http_json".to_owned(),
        file: Some(quakes.file_name()),
        started: landed - chrono::TimeDelta::milliseconds(360),
        finished: landed,
        duration_ms: Some(360),
        http_calls: Some(1),
        retries: Some(0),
        throttled: Some(0),
        announced: Some(2),
        records: 2,
        coverage: Some(1.0),
        shortfall: 0,
        key_clashes: 0,
        clash_key: None,
        error: None,
        day: None,
        every_s: Some(60),
        disabled_from: None,
        retry_from: None,
    }
}

#[tokio::test]
async fn the_readme_documents_every_field_a_run_writes_with_its_type() {
    let ws = Workspace::new("documented-shapes");
    let quakes = ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 2.5), quake("b", (10, 20), 4.0)]),
    );
    let metrics = quake_run(&quakes, None);
    let metrics = serde_json::to_vec(&metrics).expect("JSON");
    releve::rawfile::write_metrics(&ws.raw(), &quakes, &metrics).expect("metrics");
    ws.land(
        "eco2mix",
        (10, 15, 0),
        &json!([eco2mix((10, 0), json!(61_234))]),
    );
    let run = ws.summarise();
    assert!(run.status.success(), "{}", common::stderr(&run));

    let hour = ws.hour("usgs", 10).await.expect("the quakes' hour");
    let record = ws
        .record("eco2mix", &format!("{}T10:00:00+00:00", common::day()))
        .await
        .expect("a record of a source with keep_days");
    let runs = ws.documents("runs").await;
    let run = runs.first().expect("the run stored");

    let documented = documented_shapes();
    let mut found = Vec::new();
    for (collection, document) in [("hourly", &hour), ("records", &record), ("runs", run)] {
        found.extend(differences(
            collection,
            documented.get(collection),
            &stored_shape(document),
        ));
    }
    assert!(
        found.is_empty(),
        "the README's MongoDB documents and a run's documents differ:\n{}",
        found.join("\n")
    );
}

/// The mongosh statement of the README's conversion to 64-bit integers (after a copy from
/// nx-27017) that updates `collection`.
fn conversion_of(collection: &str) -> String {
    let readme =
        std::fs::read_to_string(testkit::workspace_root().join("README.md")).expect("README.md");
    let block = readme
        .split("```js\n")
        .find(|block| block.starts_with("const long = "))
        .and_then(|block| block.split("```").next())
        .expect("the README's conversion to 64-bit integers");
    block
        .split("\ndb.")
        .find(|statement| statement.starts_with(&format!("{collection}.updateMany(")))
        .unwrap_or_default()
        .to_owned()
}

/// A student moving a month from nx-27017 to MongoDB finds her copied whole numbers 32-bit,
/// where relevé writes 64-bit ones, and converts them with the README's mongosh lines: each
/// whole-number field a run writes in `hourly`, `runs` and `rejected` must be among them, or
/// it stays 32-bit in the month copied and `{$type: "long"}` misses it.
#[tokio::test]
async fn the_readme_s_conversion_to_64_bit_integers_names_every_whole_number_field() {
    let ws = Workspace::new("documented-long");
    let quakes = ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 2.5), keyless_quake((10, 20), 4.0)]),
    );
    let metrics = serde_json::to_vec(&quake_run(&quakes, Some(2))).expect("JSON");
    releve::rawfile::write_metrics(&ws.raw(), &quakes, &metrics).expect("metrics");
    ws.summarise();
    let mut missing = Vec::new();
    for collection in ["hourly", "runs", "rejected"] {
        let documents = ws.documents(collection).await;
        let document = documents.first().expect("a document written");
        let statement = conversion_of(collection);
        for (path, kinds) in stored_shape(document) {
            let named = |field: &str| {
                statement.contains(&format!("\"{field}\""))
                    || statement.contains(&format!("{field}:"))
            };
            let fields = path.split('.').map(|field| field.trim_end_matches("[]"));
            if kinds.contains(&Kind::Integer) && !fields.clone().all(named) {
                missing.push(format!("{collection}.{path}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "the README's conversion to 64-bit integers leaves out {missing:?}"
    );
}
