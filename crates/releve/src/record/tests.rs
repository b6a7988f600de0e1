//! Unit tests of the record model.

use chrono::{TimeZone, Timelike, Utc};
use serde_json::json;

use super::*;

fn path(text: &str) -> FieldPath {
    text.parse().expect("valid path")
}

/// Python's `str(datetime)` writes a fraction only when the microseconds are not zero:
/// both read, with a space as with a `T`, with an offset or without.
#[test]
fn a_time_with_a_space_and_a_fraction_reads_as_with_a_t() {
    let paris = Some(chrono_tz::Europe::Paris);
    assert_eq!(
        timestamp_in(&json!("2026-03-03 01:00:00.250000"), paris),
        timestamp_in(&json!("2026-03-03T01:00:00.250000"), paris)
    );
    assert!(timestamp(&json!("2026-03-03 01:00:00.250000")).is_some());
    assert_eq!(
        timestamp(&json!("2026-03-03 01:00:00.250000+01:00")),
        timestamp(&json!("2026-03-03T00:00:00.250Z"))
    );
    assert!(without_offset(&json!("2026-03-03 01:00:00.250000")));
}

#[test]
fn a_time_without_an_offset_reads_on_the_sources_local_clock() {
    let paris = Some(chrono_tz::Europe::Paris);
    let utc = |d, h, m| Utc.with_ymd_and_hms(2026, 3, d, h, m, 0).single();
    assert_eq!(
        timestamp_in(&json!("2026-03-03T01:00:00"), paris),
        utc(3, 0, 0),
        "winter: UTC+1"
    );
    assert_eq!(
        timestamp_in(&json!("2026-03-03 01:00"), paris),
        utc(3, 0, 0)
    );
    assert_eq!(timestamp_in(&json!("20260303T010000"), paris), utc(3, 0, 0));
    for written in [
        "2026-03-03T01:00:00Z",
        "2026-03-03T01:00Z",
        "2026-03-03T02:00:00+01:00",
    ] {
        assert_eq!(
            timestamp_in(&json!(written), paris),
            timestamp(&json!(written)),
            "{written}: its own offset stands"
        );
    }
    assert_eq!(
        timestamp_in(&json!("2026-03-03"), paris),
        utc(3, 0, 0),
        "a day alone stays its day"
    );
    assert_eq!(
        timestamp_in(&json!(1_772_499_600), paris),
        timestamp(&json!(1_772_499_600)),
        "an epoch is an instant"
    );
    // Summer time begins on 29 March 2026 at 02:00 (01:00 UTC); it ends on 25 October at
    // 03:00 (01:00 UTC), the clock going through 02:00–03:00 twice.
    assert_eq!(
        timestamp_in(&json!("2026-03-29T02:30:00"), paris),
        utc(29, 1, 30),
        "skipped by the clock: read at the offset before"
    );
    assert_eq!(
        timestamp_in(&json!("2026-03-29T03:30:00"), paris),
        utc(29, 1, 30),
        "summer: UTC+2"
    );
    assert_eq!(
        timestamp_in(&json!("2026-10-25T02:30:00"), paris),
        Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).single(),
        "gone through twice: the first"
    );
}

/// A placeholder year far past 9999 (or before year 1) is no time, on a local clock as on
/// UTC's: the record is rejected for its time, the run goes on.
#[test]
fn a_time_at_the_edge_of_the_calendar_on_a_local_clock_is_no_time() {
    for (written, zone) in [
        ("+262142-12-31T23:59:59", chrono_tz::America::New_York),
        ("-262143-01-01T00:00:00", chrono_tz::Europe::Paris),
    ] {
        assert_eq!(timestamp(&json!(written)), None, "{written} on UTC's clock");
        assert_eq!(
            timestamp_in(&json!(written), Some(zone)),
            None,
            "{written} on {zone}'s clock"
        );
    }
}

#[test]
fn a_day_alone_is_told_from_a_time_of_day() {
    for day in [
        json!("2026-11-30"),
        json!(" 2026-11-30 "),
        json!("20261130"),
        json!(20261130),
    ] {
        assert!(date_alone(&day), "{day}");
        assert!(timestamp(&day).is_some(), "{day} is a time too");
    }
    for time in [
        json!("2026-11-30T00:00:00Z"),
        json!("2026-11-30T00:00"),
        json!("2026-11-30 00:00:00"),
        json!(1_764_460_800),
        json!("30/11/2026"),
        json!(null),
    ] {
        assert!(!date_alone(&time), "{time}");
    }
}

/// A long value is cut between whole characters as a reader sees them: a kana written
/// with its voicing mark apart (`か` + U+3099, as a file named on a Mac holds `が`), a
/// flag (two regional letters) or an accented letter written with its accent apart (`e` +
/// U+0301) loses neither part alone, which would show `か…` (another word) for `が…`, a
/// lone letter `🇯` for `🇯🇵`, or `e…` for `é…`.
#[test]
fn a_long_category_value_is_not_cut_inside_a_character_as_read() {
    let before = "a".repeat(CATEGORY_CHARS - 2);
    for whole in ["か\u{3099}", "\u{1F1EF}\u{1F1F5}", "e\u{301}"] {
        let cut = category(&json!(format!("{before}{whole}tail"))).expect("text");
        assert!(
            cut == format!("{before}…") || cut == format!("{before}{whole}…"),
            "{whole:?} cut in two: the summary's value ends {:?}",
            cut.chars().rev().take(3).collect::<Vec<_>>()
        );
    }
}

/// A long text value of plain ASCII with Windows line breaks (a description a portal
/// serves with `\r\n`) whose break falls at the cut is stored as before the upgrade: its
/// first 199 characters and `…`, as the README says of every value that is not a letter and
/// its accent written apart. Cut before the `\r` instead (the two characters of the break
/// taken as one by the grapheme rules), the same value is stored as two across the upgrade:
/// a week's report counts the hours summarised before it and after it under two values.
#[test]
fn a_long_ascii_value_with_a_windows_line_break_at_the_cut_is_stored_as_before() {
    let text = format!("{}\r\n{}", "x".repeat(CATEGORY_CHARS - 2), "y".repeat(20));
    let cut = category(&json!(text)).expect("text");
    assert_eq!(
        cut,
        format!("{}\r…", "x".repeat(CATEGORY_CHARS - 2)),
        "its first {} characters and `…`, as stored before",
        CATEGORY_CHARS - 1
    );
}

#[test]
fn a_long_category_value_is_cut_to_a_summary_s_size() {
    let fits = "é".repeat(CATEGORY_CHARS);
    assert_eq!(category(&json!(fits)), Some(fits.clone()));
    let long = format!("{fits}x");
    let cut = category(&json!(long)).expect("text");
    assert_eq!(cut.chars().count(), CATEGORY_CHARS);
    assert_eq!(cut, format!("{}…", "é".repeat(CATEGORY_CHARS - 1)));
    assert_eq!(category(&json!(12)), Some("12".to_owned()));
    assert_eq!(
        category(&json!(true)),
        Some("true".to_owned()),
        "a boolean is counted as JSON writes it, not as missing"
    );
}

#[test]
fn an_example_value_is_cut_to_a_log_line_s_size() {
    let fits = "x".repeat(EXAMPLE_CHARS);
    assert_eq!(cut_example(&fits), fits);
    let cut = cut_example(&format!("{fits}y"));
    assert_eq!(cut, format!("{}…", "x".repeat(EXAMPLE_CHARS - 1)));
}

#[test]
fn paths_descend_objects_and_index_arrays() {
    let quake = json!({"id": "hv1", "geometry": {"coordinates": [-155.2, 19.3, 3.9]}});
    assert_eq!(
        path("geometry.coordinates.1").get(&quake),
        Some(&json!(19.3))
    );
    assert_eq!(path("id").get(&quake), Some(&json!("hv1")));
    assert_eq!(path("").get(&quake), Some(&quake));
    assert_eq!(path("geometry.coordinates.7").get(&quake), None);
    assert_eq!(path("id.x").get(&quake), None);
    assert!("a..b".parse::<FieldPath>().is_err());
}

#[test]
fn removing_a_path_drops_that_field_only() {
    let mut offer = json!({"id": "207QYWM", "contact": {"nom": "M. X"}, "lieuTravail": {"libelle": "31", "codePostal": "31000"}, "tags": [{"a": 1, "b": 2}, {"a": 3, "b": 4}]});
    assert!(path("contact").remove(&mut offer));
    assert!(path("lieuTravail.codePostal").remove(&mut offer));
    assert!(path("tags.0.b").remove(&mut offer));
    assert!(!path("absent.field").remove(&mut offer));
    assert!(!path("").remove(&mut offer));
    assert!(
        !path("tags.1").remove(&mut offer),
        "an item is never removed"
    );
    assert_eq!(
        offer,
        json!({"id": "207QYWM", "lieuTravail": {"libelle": "31"}, "tags": [{"a": 1}, {"a": 3, "b": 4}]})
    );
    assert!(path("lieuTravail").reaches(&path("lieuTravail.latitude")));
    assert!(path("id").reaches(&path("id")));
    assert!(!path("lieu").reaches(&path("lieuTravail")));
    assert!(!path("lieuTravail.latitude").reaches(&path("lieuTravail")));
}

#[test]
fn removing_a_path_through_an_array_drops_it_from_every_item() {
    let mut offer = json!({"id": "o1", "formations": [
        {"niveau": "bac", "commentaire": "Mme Dupont 06 12 34 56 78"},
        {"niveau": "bts"},
        {"niveau": "cap", "commentaire": "M. Martin", "lieux": [{"tel": "1"}, {"tel": "2", "ville": "Albi"}]},
        "texte"
    ]});
    assert!(path("formations.commentaire").remove(&mut offer));
    assert!(path("formations.lieux.tel").remove(&mut offer));
    assert!(
        !path("formations.commentaire").remove(&mut offer),
        "none left"
    );
    assert_eq!(
        offer,
        json!({"id": "o1", "formations": [
            {"niveau": "bac"},
            {"niveau": "bts"},
            {"niveau": "cap", "lieux": [{}, {"ville": "Albi"}]},
            "texte"
        ]})
    );
    assert!(path("formations.niveau").reaches(&path("formations.0.niveau")));
    assert!(path("formations").reaches(&path("formations.0.niveau")));
    assert!(path("a.b").reaches(&path("a.b.c")));
    assert!(!path("formations.0.niveau").reaches(&path("formations.1.niveau")));
    let quake = json!({"geometry": {"coordinates": [1.0, 2.0]}, "values": {"2024": 3}});
    assert!(path("geometry.coordinates.1").names_item(&quake));
    assert!(!path("values.2024").names_item(&quake), "an object's field");
    assert!(!path("geometry.coordinates").names_item(&quake));
    assert!(!path("formations.niveau").reaches(&path("formations.0.libelle")));
    assert!(!path("a.b.c").reaches(&path("a.b")));
}

#[test]
fn an_array_index_has_one_spelling() {
    let record = json!({"c": [1, 2], "m": {"01": "january"}});
    assert_eq!(path("c.1").get(&record), Some(&json!(2)));
    assert_eq!(path("c.0").get(&record), Some(&json!(1)));
    for other in ["c.01", "c.+1", "c.1.0", "c.-1"] {
        assert_eq!(path(other).get(&record), None, "{other}");
    }
    assert!(
        FieldPath::try_from("c.\u{a0}1".to_owned()).is_err(),
        "a non-breaking space at a name's edge is refused"
    );
    assert_eq!(path("c. 1").get(&record), None, "` 1` names a member");
    assert_eq!(path("m.01").get(&record), Some(&json!("january")));
}

#[test]
fn times_come_in_every_shape_the_apis_use() {
    let expected = Utc.with_ymd_and_hms(2025, 8, 15, 23, 12, 21).single();
    assert_eq!(
        timestamp(&json!(1_755_299_541_200_i64)).map(|t| t.timestamp()),
        expected.map(|t| t.timestamp())
    );
    assert_eq!(timestamp(&json!(1_755_299_541)), expected);
    assert_eq!(timestamp(&json!("2025-08-15T23:12:21Z")), expected);
    assert_eq!(timestamp(&json!("2025-08-16T01:12:21+02:00")), expected);
    assert_eq!(
        timestamp(&json!("20250815T231221Z")),
        expected,
        "basic format"
    );
    assert_eq!(timestamp(&json!("20250816T011221+0200")), expected);
    assert_eq!(timestamp(&json!("20250815T231221")), expected);
    assert_eq!(
        timestamp(&json!("2025-08-16 01:12:21+02")),
        expected,
        "PostgreSQL's text"
    );
    assert_eq!(
        timestamp(&json!("2025-08-16T01:12:21+02")),
        expected,
        "an offset of whole hours"
    );
    assert_eq!(
        timestamp(&json!("2025-08-16T01:12+02")),
        expected.map(|t| t - chrono::TimeDelta::seconds(21))
    );
    for no_seconds in [
        "2025-08-16 01:12+02:00",
        "2025-08-16 01:12+0200",
        "2025-08-16 01:12+02",
    ] {
        assert_eq!(
            timestamp(&json!(no_seconds)),
            expected.map(|t| t - chrono::TimeDelta::seconds(21)),
            "{no_seconds}: as `2025-08-15 23:12Z` is read"
        );
    }
    for naive in ["2025-08-15T23:12:21", "2025-08-15 23:12", "20250815T231221"] {
        assert!(without_offset(&json!(naive)), "{naive}");
    }
    for zoned in [
        "2025-08-15T23:12:21Z",
        "2025-08-16T01:12:21+02:00",
        "2025-08-15",
        "20250815",
    ] {
        assert!(!without_offset(&json!(zoned)), "{zoned}");
    }
    assert!(!without_offset(&json!(1_755_299_541)));
    assert_eq!(
        timestamp(&json!("2026-10-06T14:00")),
        Utc.with_ymd_and_hms(2026, 10, 6, 14, 0, 0).single()
    );
    assert_eq!(
        timestamp(&json!("2026-10-06T14:00Z")),
        Utc.with_ymd_and_hms(2026, 10, 6, 14, 0, 0).single(),
        "no seconds, in UTC"
    );
    assert_eq!(
        timestamp(&json!("2026-10-06")),
        Utc.with_ymd_and_hms(2026, 10, 6, 0, 0, 0).single()
    );
    let day = Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).single();
    assert_eq!(timestamp(&json!(20_261_130)), day, "a date as a number");
    assert_eq!(timestamp(&json!("20261130")), day, "a basic-format date");
    assert_eq!(
        timestamp(&json!(20_261_131)),
        None,
        "no 31 November, and as seconds August 1970"
    );
    assert_eq!(timestamp(&json!(30_000_101)), None, "year 3000");
    for seven_digits in [json!(2_026_113), json!("2026113")] {
        assert_eq!(
            timestamp(&seven_digits),
            None,
            "{seven_digits}: a count, not 3 November 2026"
        );
    }
    for other_field in [
        json!(2.5),
        json!(-3.5),
        json!(0),
        json!("2026"),
        json!(99_999_999),
    ] {
        assert_eq!(
            timestamp(&other_field),
            None,
            "{other_field}: a magnitude, a temperature, a count or a year is no time"
        );
    }
    assert_eq!(
        timestamp(&json!(100_000_000)),
        Utc.timestamp_opt(100_000_000, 0).single(),
        "March 1973"
    );
    assert_eq!(
        timestamp(&json!(-200_000_000)),
        Utc.timestamp_opt(-200_000_000, 0).single(),
        "1963"
    );
    for (number, read) in [
        (
            9_999_999_999_i64,
            Utc.timestamp_opt(9_999_999_999, 0).single(),
        ),
        (
            10_000_000_000,
            Utc.timestamp_millis_opt(10_000_000_000).single(),
        ),
        (
            -10_000_000_000,
            Utc.timestamp_millis_opt(-10_000_000_000).single(),
        ),
        // USGS's catalogue: May 1972 and July 1969, not 4346 and 1494.
        (
            75_000_000_000,
            Utc.timestamp_millis_opt(75_000_000_000).single(),
        ),
        (
            -15_000_000_000,
            Utc.timestamp_millis_opt(-15_000_000_000).single(),
        ),
    ] {
        assert_eq!(
            timestamp(&json!(number)),
            read,
            "{number}: 10^10 and past are milliseconds"
        );
    }
    assert_eq!(timestamp(&json!("soon")), None);
    assert_eq!(timestamp(&Value::Null), None);
    assert_eq!(
        timestamp(&json!(1_755_299_541_200_000_i64)),
        None,
        "microseconds read as milliseconds land in the year 57,593: no time"
    );
    assert_eq!(timestamp(&json!("+12026-01-01T00:00:00Z")), None);
}

#[test]
fn a_leap_second_is_stored_in_the_hour_it_is_counted_in() {
    use crate::store::{bson_date, chrono_date, hour_of};
    for (written, hour, second) in [
        ("2016-12-31T23:59:60Z", (2016, 12, 31, 23), 59),
        ("2026-11-21T10:59:60.5+01:00", (2026, 11, 21, 9), 59),
        ("2026-11-21T10:59:60", (2026, 11, 21, 10), 59),
    ] {
        let (y, m, d, h) = hour;
        let hour = Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single();
        let time = timestamp(&json!(written)).expect(written);
        let stored = chrono_date(bson_date(time));
        assert_eq!(Some(hour_of(time)), hour, "{written}");
        assert_eq!(
            Some(hour_of(stored)),
            hour,
            "{written}: the stored `time` lies in the `hour` counting it"
        );
        assert_eq!(stored.second(), second, "{written}");
    }
}

#[test]
fn a_position_is_on_the_globe_up_to_its_edges_only() {
    for (lon, lat) in [(-180.0, -90.0), (180.0, 90.0), (-155.2, 19.3), (0.0, 0.0)] {
        assert_eq!(on_globe(lon, lat), Some((lon, lat)), "{lon}, {lat}");
    }
    for (lon, lat) in [(200.0, 45.0), (10.0, 95.0), (-180.5, 0.0), (0.0, -90.5)] {
        assert_eq!(on_globe(lon, lat), None, "{lon}, {lat}: no place");
    }
}

#[test]
fn numbers_accept_numeric_text_and_refuse_placeholders() {
    assert_eq!(number(&json!(1.5)), Some(1.5));
    assert_eq!(number(&json!("1586")), Some(1586.0));
    assert_eq!(number(&json!("ND")), None);
    assert_eq!(number(&json!("-")), None);
    assert_eq!(number(&Value::Null), None);
    // As the README says: lenient text, and doubles' limits.
    for (text, read) in [
        (" 3.25", 3.25),
        ("+7", 7.0),
        (".5", 0.5),
        ("7e0", 7.0),
        ("1e-400", 0.0),
    ] {
        assert_eq!(number(&json!(text)), Some(read), "{text}");
    }
    for text in ["1e400", "NaN", "inf", "-Infinity", "0x10", "1,5"] {
        assert_eq!(number(&json!(text)), None, "{text}");
    }
}

/// The Arabic thousands separator (`٬`) out of place is no number: `"٣٬٥"` (most likely
/// 3.5 written with the sign beside the decimal one) was stored as 35, and `"١٬٢"` as 12,
/// where the README reads text that could be either as a null (found by the last review).
#[test]
fn an_arabic_thousands_separator_out_of_place_is_no_number() {
    for text in ["٣٬٥", "١٬٢", "١٢٬٥", "٬٥", "1٬5"] {
        assert_eq!(number(&json!(text)), None, "{text}");
    }
    assert_eq!(number(&json!("١٬٢٣٤")), Some(1234.0));
    assert_eq!(number(&json!("-١٬٢٣٤٬٥٦٧٫٥")), Some(-1_234_567.5));
}

/// An Arabic dataset writes its rainfall `"٣٫٥"` (Arabic-Indic digits and decimal
/// separator), a Persian one `"۱۲"`: numbers, as a reader of them reads them, counted
/// "without a value" before (found by the international student).
#[test]
fn numbers_in_arabic_indic_or_persian_digits_count() {
    for (text, read) in [
        ("٣٫٥", 3.5),
        ("١٢", 12.0),
        ("۱۲", 12.0),
        ("-٠٫٢٥", -0.25),
        ("١٬٢٣٤", 1234.0),
    ] {
        assert_eq!(number(&json!(text)), Some(read), "{text}");
    }
    for text in ["٣,٥", "غائم", "٣٫٥ mm"] {
        assert_eq!(number(&json!(text)), None, "{text}");
    }
}

/// The README's `numeric` section on a number past a double's range: as text (`"1e400"`)
/// it is a null, but as a JSON number (`1e400`) serde_json cannot read it, and the
/// summariser refuses the whole file as not JSON (quarantined, as the README says of a file
/// that "is not JSON (a number past a double's range, `1e400`, included)"): no null.
/// Text past a double's range is a null; a JSON number past it is no JSON at all (its file
/// is quarantined, as the README says).
#[test]
fn a_number_past_a_double_is_a_null_as_text_and_no_json_as_a_number() {
    assert_eq!(number(&json!("1e400")), None);
    assert!(serde_json::from_str::<Value>(r#"{"x": 1e400}"#).is_err());
}

#[test]
fn identities_are_text() {
    assert_eq!(identity(&json!("207QYWM")), Some("207QYWM".to_owned()));
    assert_eq!(identity(&json!(42)), Some("42".to_owned()));
    assert_eq!(identity(&json!(false)), Some("false".to_owned()));
    assert_eq!(identity(&json!("")), None);
    assert_eq!(identity(&json!(null)), None);
}

#[test]
fn a_json_path_is_refused_with_its_dotted_spelling() {
    for (json_path, dotted) in [
        ("$.features", "features"),
        ("$.data.stations[*]", "data.stations"),
        ("features[*]", "features"),
        ("geometry.coordinates[0]", "geometry.coordinates.0"),
        ("$['properties']['mag']", "properties.mag"),
        ("$", "\"\""),
    ] {
        let err = FieldPath::try_from(json_path.to_owned()).expect_err(json_path);
        assert!(
            err.starts_with(&format!(
                "`{json_path}` is JSONPath, not a dotted path: write `{dotted}`"
            )),
            "{err}"
        );
    }
    // `""` for the body (`records`) only: a field, as `version` or `lon`, is never empty.
    let root = FieldPath::try_from("$".to_owned()).expect_err("$");
    assert!(
        root.contains("where the whole body is meant (`records`), or a field's dotted path"),
        "{root}"
    );
    for inexact in ["$..mag", "$.a.*.b", "$['a.b']", "$.features[?(@.x>1)]"] {
        let err = FieldPath::try_from(inexact.to_owned()).expect_err(inexact);
        assert!(
            err.contains("write the fields' names joined by dots"),
            "no spelling that means something else: {err}"
        );
    }
    for plain in [
        "temperature [C]",
        "a[b]",
        "properties.mag",
        "débit/h",
        "_id.$oid",
        "$oid",
    ] {
        assert!(FieldPath::try_from(plain.to_owned()).is_ok(), "{plain}");
    }
}
