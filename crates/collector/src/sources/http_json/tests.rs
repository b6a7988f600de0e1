use serde_json::{Value, json};

use crate::sources::survey;

use super::records_at::{null_records, records_at};
use super::what_is_there::what_is_there;
use super::*;

fn source() -> Source {
    crate::testing::configured(
        "[[source]]\nname = \"quakes\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/q\"\nevery = \"1m\"\nrecords = \"features\"\nkey = \"id\"\ntime = \"properties.time\"\nnumeric = [\"properties.mag\", \"properties.depth\"]\n",
    )
}

#[test]
fn records_read_one_at_a_time_are_counted_and_surveyed_as_the_whole_body_was() {
    let body = json!({
        "type": "FeatureCollection",
        "metadata": {"count": 3},
        "features": [
            {"id": "a", "properties": {"time": 1_763_712_000_000_i64, "mag": 1.2}},
            {"id": "a", "properties": {"time": 1_763_712_060_000_i64, "mag": 1.4}},
            {"properties": {"time": 1_763_712_120_000_i64, "mag": {"value": 2}}},
        ],
    });
    let text = serde_json::to_vec(&body).expect("json");
    let (count, survey) = survey_as_served(&source(), &text).expect("records");
    let features = body["features"].as_array().expect("an array");
    assert_eq!(count, 3);
    assert_eq!(survey, survey::survey(&source(), features));
    assert_eq!((survey.unusable, survey.key_clashes), (1, 1));
    assert_eq!(
        survey.absent,
        vec!["`properties.depth` (numeric)".to_owned()]
    );
}

#[test]
fn a_records_path_not_in_the_answer_is_said_with_what_is_there() {
    let body = serde_json::json!({"data": {"items": [], "total": 3}, "ok": true});
    let said = |path: &str| what_is_there(&body, &path.parse().expect("path"));
    assert_eq!(
        said("data.item"),
        " (`data` holds `items`, `total`; did you mean `data.items`?)"
    );
    assert_eq!(said("results"), " (its top level holds `data`, `ok`)");
    assert_eq!(said("ok.records"), "", "a value, not an object");
    let wide = Value::Object(
        (0..12)
            .map(|i| (format!("k{i:02}"), Value::from(i)))
            .collect(),
    );
    assert!(what_is_there(&wide, &"x".parse().expect("path")).ends_with("`k09`, and 2 more)"));
}

#[test]
fn a_records_path_past_an_array_of_places_says_how_to_reach_one() {
    let places = serde_json::json!([{"hourly": {}}, {"hourly": {}}]);
    let said = |body: &Value, path: &str| what_is_there(body, &path.parse().expect("path"));
    assert_eq!(
        said(&places, "hourly"),
        " (its top level is an array of 2 items, each holding `hourly`: `0.hourly` reads the first's … `1.hourly` the last's, one source each, as an API asked for several places answers one item per place)"
    );
    assert_eq!(
        said(&places, "0.hourl"),
        " (`0` holds `hourly`; did you mean `0.hourly`?)"
    );
    assert_eq!(
        said(&serde_json::json!({"data": [1, 2]}), "data.items"),
        " (`data` is an array of 2 items)"
    );
}

#[test]
fn the_names_said_of_an_answer_keep_to_one_line_and_drive_no_terminal() {
    let body = serde_json::json!({"ok\n\u{1b}[31mred": 1});
    let said = what_is_there(&body, &"features".parse().expect("path"));
    assert!(!said.contains(|c: char| c.is_control()), "{said:?}");
}

/// Many APIs write an error code of 0 for success (`{"error": 0, "data": null}`,
/// `{"errors": 0, …}`): beside a null where the records go, that is an empty answer,
/// which lands as `[]`, not the API's failure.
#[test]
fn an_error_code_of_zero_beside_null_records_is_no_failure() {
    for served in [
        json!({"error": 0, "features": null}),
        json!({"errors": 0, "features": null}),
    ] {
        let mut body = served.clone();
        let read = null_records(&source(), &mut body);
        assert!(matches!(read, Ok(true)), "{served}: {read:?}");
    }
}

/// An API's words quoted in a failure keep to one line and drive no terminal, as
/// `what_is_there` and `api_message` make them (`one_line`): JSON's escaping leaves DEL,
/// C1 controls (U+009B is a terminal's CSI), U+2028 and bidirectional controls raw.
#[test]
fn an_error_or_a_value_quoted_from_the_answer_keeps_to_one_line() {
    let breaks =
        |c: char| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}');
    let mut body = json!({"error": "bad key\u{2028}\u{9b}2J\u{202e}yek", "features": null});
    let message = null_records(&source(), &mut body)
        .expect_err("the API's failure")
        .to_string();
    assert!(!message.contains(breaks), "{message:?}");
    let mut body = json!({"features": "down\u{2028}for maintenance\u{85}\u{9b}2J"});
    let message = records_at(&source(), &mut body)
        .expect_err("not records")
        .to_string();
    assert!(!message.contains(breaks), "{message:?}");
}

/// `{"error": true, "reason": "…"}` (Open-Meteo's shape) or `{"error": true,
/// "message": "…"}` beside null records: the run fails "with its words" (README), which
/// are in `reason` or `message`, not in `true`.
#[test]
fn an_error_flag_beside_null_records_fails_with_the_apis_words() {
    for served in [
        json!({"error": true, "reason": "API key expired", "features": null}),
        json!({"error": true, "message": "API key expired", "features": null}),
    ] {
        let mut body = served.clone();
        let message = null_records(&source(), &mut body)
            .expect_err("the API's failure")
            .to_string();
        assert!(message.contains("API key expired"), "{served}: {message}");
    }
}

#[test]
fn a_body_not_plainly_records_is_left_to_the_whole_reading_and_its_messages() {
    for body in [
        r#"{"type": "FeatureCollection"}"#,
        r#"{"features": 3}"#,
        r#"{"features": [], "features": [{"id": "a"}]}"#,
    ] {
        assert_eq!(survey_as_served(&source(), body.as_bytes()), None, "{body}");
    }
}
