//! A local double of USGS's catalogue query (`fdsnws/event/1/query`, `api-notes.md` §4 for the
//! GeoJSON shape): `GET /fdsnws/event/1/query?format=geojson&starttime=..&endtime=..` answers
//! the events of its catalogue whose time is on or after `starttime` and on or before
//! `endtime` (both inclusive, as FDSN says), as a `FeatureCollection`. As the real service it
//! answers `204 No Content` when none matches, and `400` with its plain-text body when more
//! than [`SEARCH_LIMIT`] match (`20160 matching events exceeds search limit of 20000. Modify
//! the search to match fewer events.`) or when a parameter is unknown or a time unreadable
//! (`Bad starttime value "2026-13-01". Valid values are ISO-8601 timestamps.`); it reads
//! times as USGS does (see [`instant`], to the second), and FDSN's short names `start` and
//! `end` as `starttime` and `endtime`, the one written last counting, an empty one taken as
//! left out (USGS's default); so the magnitude and the
//! box's bounds (`minmagnitude` or `minmag`, `minlatitude` or `minlat`, …, see [`LIMITS`]).
//! `offset` (from 1, as USGS counts) skips the events before it, of those matching in time
//! order. The
//! answer's `bbox`, the box holding its events (`[min lon, min lat, min depth, max lon, max lat,
//! max depth]`), comes after `features`, as USGS writes it; its `metadata` before them, or after
//! them too for a catalogue [`Catalogue::metadata_after_features`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};

/// The most events one answer may hold; a window matching more is refused.
pub const SEARCH_LIMIT: usize = 20_000;

/// The catalogue's path on the double.
pub const QUERY_PATH: &str = "/fdsnws/event/1/query";

/// The parameters the double knows.
const KNOWN: &[&str] = &[
    "format",
    "starttime",
    "start",
    "endtime",
    "end",
    "orderby",
    "offset",
];

/// The bounds on a number of an event the double reads, by their long names and FDSN's short
/// ones (USGS reads both alike): magnitude, then the box's latitude and longitude.
const LIMITS: [(&str, &str); 6] = [
    ("minmagnitude", "minmag"),
    ("maxmagnitude", "maxmag"),
    ("minlatitude", "minlat"),
    ("maxlatitude", "maxlat"),
    ("minlongitude", "minlon"),
    ("maxlongitude", "maxlon"),
];

/// Every event's magnitude.
const MAGNITUDE: f64 = 1.5;

/// The double's catalogue and the windows it was asked for.
#[derive(Clone)]
pub struct Catalogue {
    /// Event times, epoch milliseconds, in order; event `i` is `us{i:08}`.
    times: Arc<Vec<i64>>,
    /// Every `(starttime, endtime)` asked, as written.
    asked: Arc<Mutex<Vec<(String, String)>>>,
    /// Whether `metadata` is written after `features`, not before.
    metadata_after: bool,
}

impl Catalogue {
    /// A catalogue of `count` events spread evenly from `start`, one every `step_ms`, each
    /// further east than the one before (see [`place`]).
    pub fn evenly(start: DateTime<Utc>, count: usize, step_ms: i64) -> Catalogue {
        let first = start.timestamp_millis();
        let times = (0..count).map(|i| first + i as i64 * step_ms).collect();
        Catalogue {
            times: Arc::new(times),
            asked: Arc::default(),
            metadata_after: false,
        }
    }

    /// The catalogue answering with its `metadata` after `features` (beside `bbox`), not before.
    pub fn metadata_after_features(mut self) -> Catalogue {
        self.metadata_after = true;
        self
    }

    /// The router serving the catalogue at [`QUERY_PATH`].
    pub fn router(&self) -> Router {
        Router::new()
            .route(QUERY_PATH, get(query))
            .with_state(self.clone())
    }

    /// The windows asked so far, in order.
    pub fn asked(&self) -> Vec<(String, String)> {
        self.asked
            .lock()
            .map(|asked| asked.clone())
            .unwrap_or_default()
    }
}

/// USGS's plain-text refusal, its reason `said`.
fn refusal(said: &str) -> Response {
    let body = format!(
        "Error 400: Bad Request\n\n{said}\n\nUsage details are available from \
         https://earthquake.usgs.gov/fdsnws/event/1\n"
    );
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "text/plain")],
        body,
    )
        .into_response()
}

/// A time as USGS reads it: ISO 8601, as its service documents, with the variants its parser
/// reads too: a day (its midnight), or a day and a time of day joined by `T` or a space, to the
/// minute or the second, with or without a fraction (dropped: USGS reads a time to the second),
/// UTC unless a `Z` or an offset (`+01:00`, `+0100`, `+01`) follows. A space before an offset
/// (a `+` sent unencoded) is refused, as USGS refuses a second time of day. Epoch milliseconds.
fn instant(text: &str) -> Option<i64> {
    to_the_millisecond(text).map(|ms| ms.div_euclid(1000) * 1000)
}

/// A time as [`instant`] reads it, its fraction kept.
fn to_the_millisecond(text: &str) -> Option<i64> {
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(day.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis());
    }
    let (day, time) = text.split_at_checked(10)?;
    let time = time.strip_prefix(['T', ' '])?;
    let zone_at = time.find(['Z', '+', '-']).unwrap_or(time.len());
    let (clock, zone) = time.split_at(zone_at);
    let clock = match clock.len() {
        5 => format!("{clock}:00"),
        _ => clock.to_owned(),
    };
    let zone = match zone {
        "" | "Z" => "+00:00".to_owned(),
        zone if zone.len() == 3 => format!("{zone}:00"),
        zone => zone.to_owned(),
    };
    DateTime::parse_from_str(&format!("{day}T{clock}{zone}"), "%Y-%m-%dT%H:%M:%S%.f%z")
        .ok()
        .map(|time| time.timestamp_millis())
}

/// The value of a parameter `name` (`starttime`, `minmagnitude`) or of its FDSN short name
/// `short` (`start`, `minmag`), which USGS reads alike: the one written last, none when it is
/// empty (USGS takes `starttime=` for left out, its default).
fn bound<'a>(params: &'a [(String, String)], name: &str, short: &str) -> Option<&'a String> {
    params
        .iter()
        .rev()
        .find(|(written, _)| written == name || written == short)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

async fn query(
    State(catalogue): State<Catalogue>,
    Query(written): Query<Vec<(String, String)>>,
) -> Response {
    if let Some((unknown, _)) = written.iter().find(|(name, _)| {
        !KNOWN.contains(&name.as_str())
            && !LIMITS
                .iter()
                .any(|(long, short)| name == long || name == short)
    }) {
        return refusal(&format!("Unknown parameter '{unknown}'."));
    }
    let read = |name: &str, short: &str, default: i64| match bound(&written, name, short) {
        None => Ok(default),
        Some(text) => instant(text).ok_or_else(|| {
            format!("Bad {name} value \"{text}\". Valid values are ISO-8601 timestamps.")
        }),
    };
    let (start, end) = match (
        read("starttime", "start", i64::MIN),
        read("endtime", "end", i64::MAX),
    ) {
        (Ok(start), Ok(end)) => (start, end),
        (Err(said), _) | (_, Err(said)) => return refusal(&said),
    };
    if let Ok(mut asked) = catalogue.asked.lock() {
        let text = |name: &str, short: &str| bound(&written, name, short).cloned();
        asked.push((
            text("starttime", "start").unwrap_or_default(),
            text("endtime", "end").unwrap_or_default(),
        ));
    }
    let limits = match limits(&written) {
        Ok(limits) => limits,
        Err(said) => return refusal(&said),
    };
    let params: HashMap<String, String> = written.into_iter().collect();
    let matching: Vec<(usize, i64)> = catalogue
        .times
        .iter()
        .copied()
        .enumerate()
        .filter(|(i, time)| (start..=end).contains(time) && within(&limits, *i))
        .collect();
    if matching.len() > SEARCH_LIMIT {
        return refusal(&format!(
            "{} matching events exceeds search limit of {SEARCH_LIMIT}. Modify the search to \
             match fewer events.",
            matching.len()
        ));
    }
    // `offset` counts from 1, after the cap is judged on every matching event.
    let skipped = match params.get("offset").map(|text| text.parse::<usize>()) {
        None => 0,
        Some(Ok(offset)) if offset >= 1 => offset - 1,
        Some(_) => return refusal("Bad offset value."),
    };
    if matching.len() <= skipped {
        return StatusCode::NO_CONTENT.into_response();
    }
    let served = &matching[skipped..];
    let features: Vec<_> = served
        .iter()
        .map(|(i, time)| {
            json!({
                "type": "Feature",
                "id": format!("us{i:08}"),
                "properties": {"mag": MAGNITUDE, "time": time, "updated": time + 60_000,
                               "status": "reviewed", "magType": "ml", "type": "earthquake"},
                "geometry": {"type": "Point", "coordinates": place(*i)}
            })
        })
        .collect();
    let metadata = json!({"generated": Utc::now().timestamp_millis(), "status": 200,
                          "title": "USGS Earthquakes", "count": features.len()});
    let features = Value::Array(features);
    let bbox = bbox(served.iter().map(|(i, _)| place(*i)));
    // Written member by member: the order is the answer's, whatever serde_json's maps keep.
    let body = match catalogue.metadata_after {
        false => format!(
            r#"{{"type":"FeatureCollection","metadata":{metadata},"features":{features},"bbox":{bbox}}}"#
        ),
        true => format!(
            r#"{{"type":"FeatureCollection","features":{features},"metadata":{metadata},"bbox":{bbox}}}"#
        ),
    };
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The [`LIMITS`] written, in their order (each the one written last under either name), or
/// USGS's refusal of one that is no number.
fn limits(params: &[(String, String)]) -> Result<[Option<f64>; 6], String> {
    let mut read = [None; 6];
    for (at, (long, short)) in LIMITS.iter().enumerate() {
        if let Some(text) = bound(params, long, short) {
            let value = text
                .parse::<f64>()
                .map_err(|_| format!("Bad {long} value \"{text}\". Valid values are numeric"))?;
            read[at] = Some(value);
        }
    }
    Ok(read)
}

/// Whether event `i` is within the `limits` read (see [`LIMITS`]), both ends inclusive.
fn within(limits: &[Option<f64>; 6], i: usize) -> bool {
    let [lon, lat, _] = place(i);
    let ranges = [(MAGNITUDE, 0), (lat, 2), (lon, 4)];
    ranges.iter().all(|(value, at)| {
        limits[*at].is_none_or(|min| *value >= min)
            && limits[at + 1].is_none_or(|max| *value <= max)
    })
}

/// Event `i`'s `[longitude, latitude, depth]`: each event a little east of the one before, its
/// latitude and depth cycling, so the parts of a window hold different boxes.
fn place(i: usize) -> [f64; 3] {
    [
        -120.0 + i as f64 / 10_000.0,
        35.0 + (i % 10) as f64 / 10.0,
        (i % 50) as f64 + 0.5,
    ]
}

/// The box holding `places`, as USGS writes it: the least of each coordinate, then the greatest.
fn bbox(places: impl Iterator<Item = [f64; 3]>) -> Value {
    let mut bounds = [
        f64::INFINITY,
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for place in places {
        for (axis, value) in place.into_iter().enumerate() {
            bounds[axis] = bounds[axis].min(value);
            bounds[axis + 3] = bounds[axis + 3].max(value);
        }
    }
    json!(bounds)
}
