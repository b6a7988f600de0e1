use serde_json::json;

use super::*;

fn source() -> Source {
    crate::testing::stations()
}

#[test]
fn fields_no_record_holds_are_named_and_nulls_count_as_held() {
    let records = vec![
        json!({"id": 1, "t": "2026-11-21T10:00:00Z", "value": 3.5, "rain": null, "kind": "a"}),
        json!({"id": 2, "t": "2026-11-21T10:15:00Z", "value": 4.0, "kind": "b"}),
        json!({"t": "2026-11-21T10:30:00Z", "value": 4.5}),
    ];
    let survey = survey(&source(), &records);
    assert_eq!(survey.absent, vec!["`val` (numeric)".to_owned()]);
    assert_eq!(survey.unusable, 1, "the record without an id");
    assert!(
        super::survey(&source(), &[]).absent.is_empty(),
        "no record, no verdict"
    );
}

#[test]
fn records_sharing_a_key_with_other_content_are_counted() {
    let records = vec![
        json!({"id": "net-us", "t": "2026-11-21T10:00:00Z", "val": 1.0}),
        json!({"id": "net-us", "t": "2026-11-21T10:05:00Z", "val": 2.0}),
        json!({"id": "net-ak", "t": "2026-11-21T10:10:00Z", "val": 3.0}),
        json!({"id": "net-ak", "t": "2026-11-21T10:10:00Z", "val": 3.0}),
    ];
    assert_eq!(
        survey(&source(), &records).key_clashes,
        1,
        "the second `net-us`; the same record twice is no clash"
    );
}

#[test]
fn fields_held_only_as_objects_or_arrays_are_named_apart() {
    let records = vec![
        json!({"id": 1, "t": "2026-11-21T10:00:00Z", "val": {"value": 3.5, "unit": "mm"}, "rain": [1, 2], "kind": "a"}),
        json!({"id": 2, "t": "2026-11-21T10:15:00Z", "val": {"value": 4.0}, "rain": 0.5, "kind": {"code": "b"}}),
        json!({"id": 3, "t": "2026-11-21T10:30:00Z", "val": null, "kind": "c"}),
    ];
    let survey = survey(&source(), &records);
    assert_eq!(
        survey.not_values,
        vec!["`val` (numeric)".to_owned()],
        "`rain` and `kind` hold a value in some record; a null (a sensor offline) hides nothing"
    );
    assert!(survey.absent.is_empty());
}

#[test]
fn hours_ahead_without_an_offset_are_a_sign_of_local_times_unless_forecast() {
    let ahead = (Utc::now() + chrono::TimeDelta::hours(2)).format("%Y-%m-%dT%H:%M");
    let records = vec![json!({"id": 1, "t": ahead.to_string(), "val": 3.5})];
    let hints = survey(&source(), &records).hints;
    assert_eq!(
        (hints.ahead_without_offset, hints.ahead_example),
        (1, Some(format!("\"{ahead}\"")))
    );
    let forecast = crate::testing::configured(
        "[[source]]\nname = \"hourly\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/f\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"t\"\nforecast = true\n",
    );
    let hints = survey(&forecast, &records).hints;
    assert_eq!((hints.ahead_without_offset, hints.ahead_example), (0, None));
}

#[test]
fn a_time_years_ahead_is_counted_as_no_record_s_own_forecasts_included() {
    let records = vec![
        json!({"id": 1, "t": 253_402_214_400_000_i64, "val": 1}),
        json!({"id": 2, "t": "2026-11-21T10:00:00Z", "val": 2}),
        json!({"id": 3, "t": "9999-12-31T00:00:00Z", "val": 3}),
    ];
    let forecast = crate::testing::configured(
        "[[source]]\nname = \"hourly\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/f\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"t\"\nforecast = true\n",
    );
    for source in [source(), forecast] {
        let hints = survey(&source, &records).hints;
        assert_eq!(
            (hints.far_ahead, hints.far_ahead_example.as_deref()),
            (2, Some("253402214400000"))
        );
    }
    let soon = (Utc::now() + chrono::TimeDelta::days(16)).to_rfc3339();
    let hints = survey(&source(), &[json!({"id": 1, "t": soon, "val": 1})]).hints;
    assert_eq!(hints.far_ahead, 0, "a forecast's fortnight");
}

/// The placeholder the far-ahead warning names, `9999-12-31`, written as most APIs write
/// it, without an offset: it is counted as a sign of local times as well, and the run also
/// warns that the API may write its local time, advising `local_times` or `forecast = true`,
/// neither of which a placeholder wants.
#[test]
fn a_placeholder_date_years_ahead_is_no_sign_of_local_times() {
    let records = vec![
        json!({"id": 1, "t": "9999-12-31", "val": 1}),
        json!({"id": 2, "t": "9999-12-31T00:00:00", "val": 2}),
        json!({"id": 3, "t": "2026-11-21T10:00:00Z", "val": 3}),
    ];
    let hints = survey(&source(), &records).hints;
    assert_eq!(hints.far_ahead, 2);
    assert_eq!(
        (hints.ahead_without_offset, hints.ahead_example),
        (0, None),
        "a placeholder is said once, as one"
    );
}

#[test]
fn daily_values_hours_apart_are_found_in_any_order_and_days_are_not() {
    let daily = daily();
    let dated = timed;
    let at = |text: &str| text.parse::<DateTime<Utc>>().expect("time");
    let days = dated(&["2026-12-03", "2026-12-01", "2026-12-02", "2026-12-02"]);
    assert_eq!(survey(&daily, &days).hints.hours_apart, None);
    // Out of order: the hour lands between two days already seen, nearer the later one.
    let mixed = dated(&[
        "2026-12-01",
        "2026-12-03",
        "2026-12-02",
        "2026-12-02T20:00:00Z",
        "2026-12-01T01:00:00Z",
    ]);
    assert_eq!(
        survey(&daily, &mixed).hints.hours_apart,
        Some((at("2026-12-02T20:00:00Z"), at("2026-12-03T00:00:00Z"))),
        "the first pair found is named"
    );
    // Stations in Paris and New York, each day dated at its local midnight: six hours
    // apart as instants, the same day on their clocks.
    let zones = dated(&[
        "2026-12-01T00:00:00+01:00",
        "2026-12-01T00:00:00-05:00",
        "2026-12-02T00:00:00-05:00",
        "2026-12-02T00:00:00+01:00",
    ]);
    assert_eq!(survey(&daily, &zones).hints.hours_apart, None);
    let hours = dated(&["2026-12-01T00:00:00+01:00", "2026-12-01T01:00:00+01:00"]);
    assert_eq!(
        survey(&daily, &hours).hints.hours_apart,
        Some((at("2026-11-30T23:00:00Z"), at("2026-12-01T00:00:00Z")))
    );
}

#[test]
fn daily_values_exactly_hours_apart_are_not_under_it() {
    let daily = daily();
    let first = "2026-12-01T00:00:00Z"
        .parse::<DateTime<Utc>>()
        .expect("time");
    let records = |later: DateTime<Utc>| {
        vec![
            json!({"id": 0, "t": first.to_rfc3339()}),
            json!({"id": 1, "t": later.to_rfc3339()}),
        ]
    };
    let apart = |later| survey(&daily, &records(later)).hints.hours_apart;
    assert_eq!(
        apart(first + HOURS_APART),
        None,
        "twice a day is not under it"
    );
    let nearer = first + HOURS_APART - chrono::TimeDelta::minutes(1);
    assert_eq!(apart(nearer), Some((first, nearer)));
}

/// Records `{"id": i, "t": time}`, one per time.
fn timed(times: &[&str]) -> Vec<Value> {
    times
        .iter()
        .enumerate()
        .map(|(id, t)| json!({"id": id, "t": t}))
        .collect()
}

fn daily() -> Source {
    crate::testing::configured(
        "[[source]]\nname = \"daily\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/f\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"t\"\nresolution = \"day\"\n",
    )
}

#[test]
fn local_midnights_in_every_form_with_an_offset_are_days_and_pairs_come_in_time_order() {
    for (paris, new_york) in [
        ("2026-12-01T00:00+01:00", "2026-12-01T00:00-05:00"),
        ("2026-12-01T00:00:00+01", "2026-12-01T00:00:00-05"),
        ("20261201T000000+0100", "20261201T000000-0500"),
        ("2026-12-01 00:00:00+01:00", "2026-12-01 00:00:00-05:00"),
    ] {
        let hints = survey(&daily(), &timed(&[paris, new_york])).hints;
        assert_eq!(hints.hours_apart, None, "{paris} and {new_york}");
    }
    // 03:00 in New York is after 09:00 in Tokyo: the pair names the earlier instant first.
    let records = timed(&["2026-12-01T03:00:00-05:00", "2026-12-01T09:00:00+09:00"]);
    let (earlier, later) = survey(&daily(), &records).hints.hours_apart.expect("found");
    assert!(earlier < later, "{earlier} then {later}");
}

#[test]
fn midnights_on_several_days_are_a_date_column_and_one_hour_of_stations_is_not() {
    let hourly = source();
    let hints = |times: &[&str]| survey(&hourly, &timed(times)).hints;
    assert!(
        hints(&[
            "2026-12-01T00:00:00.000",
            "2026-12-02T00:00:00.000",
            "2026-12-03T00:00:00.000"
        ])
        .midnights_only()
    );
    assert!(
        hints(&["2026-12-01", "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z"]).midnights_only(),
        "days alone mixed with midnights"
    );
    assert!(
        !hints(&["2026-12-01T00:00", "2026-12-01T00:00", "2026-12-01T00:00"]).midnights_only(),
        "three stations' readings of the hour after midnight"
    );
    assert!(
        !hints(&["2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"]).midnights_only(),
        "two records may be at midnight by chance"
    );
    assert!(
        !hints(&[
            "2026-12-01T00:00:00Z",
            "2026-12-02T00:00:00Z",
            "2026-12-02T13:10:00Z"
        ])
        .midnights_only()
    );
    let alone = hints(&["2026-12-01", "2026-12-02"]);
    assert!(alone.dates_alone_only() && !alone.midnights_only());
}
