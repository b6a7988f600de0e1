//! What the configuration checks once serde has read it: names, addresses, paths and
//! ranges that go together. Each refusal names its key, so the message can point at its line.

use std::collections::BTreeMap;

use url::Url;

use super::{OdsV1, Opendatasoft, Source, SourceKind, odsql};
use crate::FieldPath;

/// A value the configuration refuses, and the key holding it.
pub(super) struct BadValue {
    /// The key, to find its line.
    pub(super) key: &'static str,
    /// One line, naming the key.
    pub(super) message: String,
}

fn bad(key: &'static str, message: impl Into<String>) -> BadValue {
    BadValue {
        key,
        message: message.into(),
    }
}

/// The slowest `rate_limit` accepted, in calls per second.
const LEAST_RATE_LIMIT: f64 = 0.001;

/// Checks what serde cannot: names, addresses, paths and ranges that go together.
pub(super) fn validate(source: &Source) -> Result<(), BadValue> {
    check_identity(source)?;
    check_position(source)?;
    check_limits(source)?;
    check_fields(source)
}

/// The source's name, address, interval and kind, and how its records are told apart and
/// timed.
fn check_identity(source: &Source) -> Result<(), BadValue> {
    if !crate::rawfile::is_source_name(&source.name) {
        return Err(bad("name", "key `name` must match [a-z0-9-]+"));
    }
    let url = check_url("url", &source.url)?;
    if !source.every.duration().as_secs().is_multiple_of(60) {
        return Err(bad(
            "every",
            "key `every` must be a whole number of minutes, e.g. `1m` or `15m`: the collector runs once a minute from cron, so a source is never collected more often, and `90s` would be collected every 2 minutes",
        ));
    }
    check_kind(source, &url)?;
    let key = source.key.paths();
    if key.is_empty() || key.iter().any(FieldPath::is_root) {
        return Err(bad(
            "key",
            "key `key` must name the record identity field, or list the fields that together tell records apart",
        ));
    }
    if let Some(again) = listed_twice(key) {
        return Err(bad("key", format!("key `key` lists `{again}` twice")));
    }
    if source.time.is_root() {
        return Err(bad("time", "key `time` must name the record time field"));
    }
    Ok(())
}

/// The record's position and the map's frame.
fn check_position(source: &Source) -> Result<(), BadValue> {
    if source.lon.is_some() != source.lat.is_some() {
        let given = if source.lon.is_some() { "lon" } else { "lat" };
        return Err(bad(
            given,
            "keys `lon` and `lat` go together: give both or neither",
        ));
    }
    if let Some(frame) = source.map_frame {
        check_map_frame(source, frame)?;
    }
    Ok(())
}

/// The call rate and the records' retention.
fn check_limits(source: &Source) -> Result<(), BadValue> {
    if let Some(rate) = source.rate_limit
        && !(rate.is_finite() && rate >= LEAST_RATE_LIMIT)
    {
        return Err(bad(
            "rate_limit",
            format!(
                "key `rate_limit` must be a number of calls per second of at least {LEAST_RATE_LIMIT} (one call every 1,000 s)"
            ),
        ));
    }
    if source.keep_days == Some(0) {
        return Err(bad(
            "keep_days",
            "key `keep_days` must be at least 1 (leave it out to keep records forever)",
        ));
    }
    Ok(())
}

/// The fields summarised, their units and plausible ranges, and the fields dropped.
fn check_fields(source: &Source) -> Result<(), BadValue> {
    for (key, paths) in [
        ("numeric", &source.numeric),
        ("categories", &source.categories),
    ] {
        if let Some(again) = listed_twice(paths) {
            return Err(bad(key, format!("key `{key}` lists `{again}` twice")));
        }
        if paths.iter().any(FieldPath::is_root) {
            return Err(bad(key, format!("key `{key}` lists an empty field path")));
        }
    }
    for (key, path) in [("lon", &source.lon), ("lat", &source.lat)] {
        if path.as_ref().is_some_and(FieldPath::is_root) {
            return Err(bad(key, format!("key `{key}` is an empty field path")));
        }
    }
    for field in source.units.keys() {
        if !source.numeric.iter().any(|path| path.as_str() == field) {
            return Err(bad(
                "units",
                format!("key `units`: `{field}` is not one of the `numeric` fields"),
            ));
        }
    }
    for (field, [low, high]) in &source.plausible {
        if !source.numeric.iter().any(|path| path.as_str() == field) {
            return Err(bad(
                "plausible",
                format!("key `plausible`: `{field}` is not one of the `numeric` fields"),
            ));
        }
        if !(low.is_finite() && high.is_finite() && low <= high) {
            return Err(bad(
                "plausible",
                format!(
                    "key `plausible`: the range of `{field}` must be [low, high] with low <= high"
                ),
            ));
        }
    }
    for dropped in source.drop.iter().flatten() {
        if dropped.is_root() {
            return Err(bad("drop", "key `drop` lists an empty field path"));
        }
        if let Some((key, used)) = source.read_fields().find(|(_, used)| dropped.holds(used)) {
            return Err(bad(
                "drop",
                format!("key `drop`: `{dropped}` would remove `{used}`, which key `{key}` needs"),
            ));
        }
    }
    Ok(())
}

/// The first path `paths` lists again.
fn listed_twice(paths: &[FieldPath]) -> Option<&FieldPath> {
    paths
        .iter()
        .enumerate()
        .find_map(|(i, path)| paths[..i].contains(path).then_some(path))
}

/// Refuses a `timezone` query parameter other than UTC, in `params` or in the address: an API
/// asked for local times may write them without an offset (Open-Meteo does), which relevé
/// reads as UTC, so every record would be dated off by the zone's offset and the hour repeated
/// when clocks go back would merge into one.
fn check_answers_in_utc(url: &Url, params: &BTreeMap<String, String>) -> Result<(), BadValue> {
    let in_url = url
        .query_pairs()
        .find(|(name, _)| name == "timezone")
        .map(|(_, zone)| zone.into_owned());
    let mut asked = params
        .get("timezone")
        .map(|zone| ("params", zone.clone()))
        .into_iter()
        .chain(in_url.map(|zone| ("url", zone)));
    let utc = |zone: &str| {
        ["UTC", "GMT", "Etc/UTC", "Etc/GMT", "Z"]
            .iter()
            .any(|utc| zone.eq_ignore_ascii_case(utc))
    };
    // Both are checked: both are sent.
    let Some((key, zone)) = asked.find(|(_, zone)| !utc(zone)) else {
        return Ok(());
    };
    Err(bad(
        key,
        format!(
            "key `{key}`: timezone = `{zone}` asks the API for local times, which relevé would read as UTC wherever they carry no offset (Open-Meteo writes none: every record would be dated off by the offset); leave `timezone` out or set it to \"UTC\": reports are drawn in `[report] timezone`"
        ),
    ))
}

/// The keys of the source's kind; `url` is the source's address, checked.
fn check_kind(source: &Source, url: &Url) -> Result<(), BadValue> {
    match &source.kind {
        SourceKind::HttpJson(http) => {
            check_answers_in_utc(url, &http.params)?;
            if http.key_env.is_some() {
                check_encrypted("url", url, "the API key")?;
            }
            for (name, value) in &http.headers {
                check_header("headers", name)?;
                // The value is not repeated: it may be a credential.
                if http::HeaderValue::from_str(value).is_err() {
                    return Err(bad(
                        "headers",
                        format!(
                            "key `headers`: the value of `{name}` is not a valid header value (no line break or other control character)"
                        ),
                    ));
                }
            }
            if let Some(name) = &http.key_env
                && !is_variable_name(name)
            {
                // The value is not repeated: it may be the key itself, written here by mistake.
                return Err(bad(
                    "key_env",
                    "key `key_env` names the environment variable holding the key (letters, digits and _, not starting with a digit); the key itself never goes in sources.toml",
                ));
            }
            if let Some(header) = &http.key_header_set {
                if http.key_env.is_none() {
                    return Err(bad(
                        "key_header",
                        "key `key_header` names the header carrying the key, and needs `key_env`, the environment variable holding it",
                    ));
                }
                if http.key_param.is_some() {
                    return Err(bad(
                        "key_header",
                        "keys `key_header` and `key_param` both say where the key goes: keep one",
                    ));
                }
                check_header("key_header", header)?;
            }
            if http.key_param.is_some() && http.key_env.is_none() {
                return Err(bad(
                    "key_param",
                    "key `key_param` names where the key goes, and needs `key_env`, the environment variable holding it",
                ));
            }
        }
        SourceKind::Opendatasoft(ods) => check_opendatasoft(source, url, ods)?,
        SourceKind::OdsV1(v1) => check_ods_v1(source, url, v1)?,
        SourceKind::FranceTravail(france_travail) => {
            let token_url = check_url("token_url", &france_travail.token_url)?;
            check_encrypted("url", url, "the access token")?;
            check_encrypted("token_url", &token_url, "the client secret")?;
            // Its schedule is the day (due while yesterday has not landed); `every` tells the
            // report and `status` how often it should land, and bounds a run's retries.
            if source.every.as_chrono() != chrono::TimeDelta::days(1) {
                return Err(bad(
                    "every",
                    "key `every`: a france_travail source collects one whole day per run, once the day is over: `every` must be \"1d\"",
                ));
            }
            // A day lands once it is over: with one day kept, its hours are past the limit
            // already, and none would be stored.
            if source.keep_days == Some(1) {
                return Err(bad(
                    "keep_days",
                    "key `keep_days`: a france_travail day lands once it is over, so at least 2 (8 to keep the days caught up after a week's outage)",
                ));
            }
        }
    }
    Ok(())
}

/// Whether `name` can name an environment variable a shell or `.env` sets.
fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn check_header(key: &'static str, name: &str) -> Result<(), BadValue> {
    if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
        return Err(bad(
            key,
            format!(
                "key `{key}`: `{name}` is not a valid header name (letters, digits and - _ . ! # $ % & ' * + ^ ` | ~, no spaces)"
            ),
        ));
    }
    Ok(())
}

fn check_opendatasoft(source: &Source, url: &Url, ods: &Opendatasoft) -> Result<(), BadValue> {
    check_portal_base(source, url)?;
    if let Some(refine) = ods.refine.iter().find(|refine| {
        refine
            .split_once(':')
            .is_none_or(|(facet, _)| facet.trim().is_empty())
    }) {
        return Err(bad(
            "refine",
            format!(
                "key `refine`: `{refine}` is not `facet:value`, e.g. `nature:Données temps réel`"
            ),
        ));
    }
    if let Some(selected) = ods.select.as_deref().and_then(odsql::selected_names) {
        let unselected = source.read_fields().find_map(|(key, used)| {
            let top = used.segments().first()?;
            (!selected.iter().any(|field| field.name == *top)).then_some((key, top))
        });
        if let Some((key, top)) = unselected {
            return Err(bad(
                "select",
                format!(
                    "key `select` does not return `{top}`, which key `{key}` needs: add it to the `select`"
                ),
            ));
        }
        let time = source.time.segments().first();
        if ods.incremental
            && let Some(alias) = selected
                .iter()
                .find(|field| field.renamed && Some(&field.name) == time)
        {
            return Err(bad(
                "select",
                format!(
                    "key `select` makes `{}` an alias, but `incremental` filters and orders the portal's records by `time`, which must be a field of the dataset: select that field under its own name and set `time` to it",
                    alias.name
                ),
            ));
        }
    }
    if ods.lookback.is_some() && !ods.incremental {
        return Err(bad(
            "lookback",
            "key `lookback` only applies with `incremental = true`",
        ));
    }
    Ok(())
}

fn check_ods_v1(source: &Source, url: &Url, v1: &OdsV1) -> Result<(), BadValue> {
    check_portal_base(source, url)?;
    if !(1..=OdsV1::MAX_ROWS).contains(&v1.rows) {
        return Err(bad(
            "rows",
            format!(
                "key `rows` is the page size: 1 to 10,000 (default 1000), not {}",
                v1.rows
            ),
        ));
    }
    if let Some(facet) = v1.refine.keys().find(|facet| facet.starts_with("fields.")) {
        return Err(bad(
            "refine",
            format!(
                "key `refine`: `{facet}` is a record path; the API's facet is `{}`",
                facet.trim_start_matches("fields.")
            ),
        ));
    }
    Ok(())
}

/// An Opendatasoft `url` is the portal's base: the collector adds the API's path. The address
/// is not repeated (see [`check_url`]).
fn check_portal_base(source: &Source, url: &Url) -> Result<(), BadValue> {
    // A dataset's page (`/explore/dataset/...`), copied from the browser, or its query.
    if url.query().is_some()
        || url.fragment().is_some()
        || url.path().split('/').any(|segment| {
            ["api", "explore"]
                .iter()
                .any(|s| segment.eq_ignore_ascii_case(s))
        })
    {
        return Err(bad(
            "url",
            format!(
                "key `url` is the portal's base, such as https://data.toulouse-metropole.fr, without `/api/...`, `/explore/...` or `?...`: the collector adds the path of the `{}` API itself (the dataset goes in `dataset`)",
                source.kind.name()
            ),
        ));
    }
    Ok(())
}

/// Refuses a plain `http://` address for a request carrying `secret`, which would cross the
/// network readable by anyone on the way; loopback addresses (a local proxy, the tests'
/// doubles) never leave the machine.
fn check_encrypted(key: &'static str, url: &Url, secret: &str) -> Result<(), BadValue> {
    let loopback = match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    if url.scheme() == "http" && !loopback {
        return Err(bad(
            key,
            format!(
                "key `{key}`: {secret} would cross the network unencrypted over http://: write the https:// address"
            ),
        ));
    }
    Ok(())
}

/// An API address: `http://` or `https://` and a host, parsed. The address is not repeated in
/// the message: it may carry credentials.
fn check_url(key: &'static str, url: &str) -> Result<Url, BadValue> {
    if url.trim().is_empty() {
        return Err(bad(key, format!("key `{key}` must not be empty")));
    }
    if url.trim() != url {
        return Err(bad(
            key,
            format!("key `{key}` has blanks around the address: remove them"),
        ));
    }
    let refused = |why: String| {
        bad(
            key,
            format!("key `{key}` must be an http:// or https:// address: {why}"),
        )
    };
    let parsed = url::Url::parse(url.trim()).map_err(|err| refused(err.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(refused(format!("the scheme is `{}`", parsed.scheme())));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(refused("it names no host".to_owned()));
    }
    Ok(parsed)
}

/// The widest frame across the 180° meridian taken as meant: past it, west and east were
/// most likely swapped (`[10, 41, -5.5, 51.5]` would frame all but France's 15.5°).
const WIDEST_ACROSS: f64 = 270.0;

/// A map frame: `[min_lon, min_lat, max_lon, max_lat]` on the globe for a positioned source,
/// the south under the north; a west longitude over the east one frames across the 180°
/// meridian, as GeoJSON bounding boxes do (`[170, -25, -170, -10]`: Fiji to Samoa).
fn check_map_frame(source: &Source, [west, south, east, north]: [f64; 4]) -> Result<(), BadValue> {
    if source.position().is_none() {
        return Err(bad("map_frame", "key `map_frame` needs `lon` and `lat`"));
    }
    let lon = |v: f64| (-180.0..=180.0).contains(&v);
    let lat = |v: f64| (-90.0..=90.0).contains(&v);
    let width = if west > east {
        east + 360.0 - west
    } else {
        east - west
    };
    if !(lon(west) && lon(east) && lat(south) && lat(north)) || width <= 0.0 || south >= north {
        return Err(bad(
            "map_frame",
            "key `map_frame` must be [west_lon, south_lat, east_lon, north_lat] in degrees: longitudes within ±180 and apart (west over east frames across the 180° meridian), latitudes within ±90, south under north",
        ));
    }
    if west > east && width > WIDEST_ACROSS {
        return Err(bad(
            "map_frame",
            format!(
                "key `map_frame` has its west longitude ({west}) over its east one ({east}), which frames {width}° across the 180° meridian: are they swapped?"
            ),
        ));
    }
    Ok(())
}
