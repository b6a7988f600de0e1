//! What the configuration checks once serde has read it: names, addresses, paths and
//! ranges that go together. Each refusal names its key, so the message can point at its line.

use url::Url;

mod attribution;
mod credentials;
mod flow;
mod kind;
mod power;
mod secrets;

#[cfg(test)]
mod flow_tests;
#[cfg(test)]
mod power_tests;

use credentials::check_no_credentials;
use kind::check_kind;
pub(super) use secrets::is_secret as names_a_secret;

use super::Source;
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

/// An entry of an accepted source left out: its key, what is wrong, and how to mend it.
pub(super) struct LeftEntry {
    /// The key, to find its line.
    pub(super) key: &'static str,
    /// One line, naming the key.
    pub(super) message: String,
    /// What to do, said after the line.
    pub(super) mend: &'static str,
}

/// How to mend an entry of a field the source does not summarise.
const MEND_PATH: &str = "remove it, or write the field's path as `numeric` or `categories` has it";

/// The slowest `rate_limit` accepted, in calls per second.
const LEAST_RATE_LIMIT: f64 = 0.001;

/// Checks what serde cannot: names, addresses, paths and ranges that go together.
pub(super) fn validate(source: &Source) -> Result<(), BadValue> {
    check_identity(source)?;
    check_position(source)?;
    check_limits(source)?;
    attribution::check_attribution(source.attribution.as_deref())?;
    check_fields(source)
}

/// Removes from `source` the units, totals, labels and plausible ranges of fields it no
/// longer summarises (a field dropped from `numeric`, or moved to `categories`, its unit
/// forgotten), and the totals of a power or of a rate per second, and says each, naming its
/// key: they only present a field, and the source is collected and summarised without them,
/// not refused (its readings of a snapshot API would be lost while it was).
pub(super) fn leftover_presentation(source: &mut Source) -> Vec<LeftEntry> {
    let numeric: Vec<String> = source
        .numeric
        .iter()
        .map(|p| p.as_str().to_owned())
        .collect();
    let categories: Vec<String> = source
        .categories
        .iter()
        .map(|p| p.as_str().to_owned())
        .collect();
    let is_numeric = |field: &str| numeric.iter().any(|path| path == field);
    let is_category = |field: &str| categories.iter().any(|path| path == field);
    let left = [
        (
            "units",
            "`numeric`",
            left_out_of(&mut source.units, is_numeric),
        ),
        (
            "labels",
            "`numeric` or `categories`",
            left_out_of(&mut source.labels, |f| is_numeric(f) || is_category(f)),
        ),
        (
            "value_labels",
            "`categories`",
            left_out_of(&mut source.value_labels, is_category),
        ),
        (
            "plausible",
            "`numeric`",
            left_out_of(&mut source.plausible, is_numeric),
        ),
    ];
    let totals: Vec<String> = source
        .totals
        .iter()
        .filter(|f| !is_numeric(f.as_str()))
        .map(|f| f.as_str().to_owned())
        .collect();
    source.totals.retain(|f| is_numeric(f.as_str()));
    let left = left
        .into_iter()
        .chain(std::iter::once(("totals", "`numeric`", totals)));
    let mut said = Vec::new();
    for (key, which, fields) in left {
        for field in fields {
            said.push(LeftEntry {
                key,
                message: format!("key `{key}`: `{field}` is not one of the {which} fields"),
                mend: MEND_PATH,
            });
        }
    }
    for (field, unit) in power::totals_of_a_power(source) {
        said.push(LeftEntry {
            key: "totals",
            message: power::why(&field, &unit),
            mend: power::MEND,
        });
    }
    for (field, unit) in flow::totals_of_a_rate(source) {
        said.push(LeftEntry {
            key: "totals",
            message: flow::why(&field, &unit),
            mend: flow::MEND,
        });
    }
    // Judged once `totals` is settled: a power's or a rate's field is charted by its values.
    said.extend(highest_left_out(source));
    said
}

/// Removes `highest` when its field is no `numeric` field, or one of `totals` (whose chart says
/// totals, not values), and says why.
fn highest_left_out(source: &mut Source) -> Option<LeftEntry> {
    let field = source.highest.as_ref()?.field.clone();
    let why = if !source.numeric.contains(&field) {
        "is not one of the `numeric` fields"
    } else if source.totals.contains(&field) {
        "is one of the `totals` fields, charted by their totals"
    } else {
        return None;
    };
    source.highest = None;
    Some(LeftEntry {
        key: "highest",
        message: format!("key `highest`: `{field}` {why}"),
        mend: MEND_PATH,
    })
}

/// Removes from `entries` those whose field `kept` refuses, and returns their fields.
fn left_out_of<V>(
    entries: &mut std::collections::BTreeMap<String, V>,
    kept: impl Fn(&str) -> bool,
) -> Vec<String> {
    let gone: Vec<String> = entries.keys().filter(|f| !kept(f)).cloned().collect();
    entries.retain(|field, _| !gone.contains(field));
    gone
}

/// The longest source name.
const NAME_MAX: usize = 100;

/// A name of `[a-z0-9-]+` close to `name`: lower case, accents dropped, other characters as
/// one `-` (`USGS quakes` → `usgs-quakes`, `éCO2mix_national` → `eco2mix-national`); `None`
/// when nothing of it is left.
fn name_like(name: &str) -> Option<String> {
    use unicode_normalization::UnicodeNormalization;
    let mut like = String::new();
    for c in name
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
    {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            like.push(c);
        } else if !like.is_empty() && !like.ends_with('-') {
            like.push('-');
        }
    }
    let like = like.trim_end_matches('-');
    (!like.is_empty() && like.len() <= NAME_MAX).then(|| like.to_owned())
}

/// The source's name, address, interval and kind, and how its records are told apart and
/// timed.
fn check_identity(source: &Source) -> Result<(), BadValue> {
    if !crate::rawfile::is_source_name(&source.name) {
        return Err(bad(
            "name",
            match name_like(&source.name) {
                Some(like) => format!("key `name` must match [a-z0-9-]+: `{like}` would"),
                None => "key `name` must match [a-z0-9-]+".to_owned(),
            },
        ));
    }
    // `raw/<name>/` and its files start with it: a command given `-rf` or `-x_…json` takes an
    // option.
    if source.name.starts_with('-') {
        return Err(bad(
            "name",
            "key `name` starts with `-`, which commands given its folder or files read as an option: start it with a letter or a digit",
        ));
    }
    // Its files are named `<name>_<time>-<sequence>.metrics.json`, within a file system's
    // 255 bytes per name.
    if source.name.len() > NAME_MAX {
        return Err(bad(
            "name",
            format!(
                "key `name` is {} characters long: at most {NAME_MAX}, as it names the source's files",
                source.name.len()
            ),
        ));
    }
    let url = check_url("url", &source.url)?;
    check_no_credentials("url", &url, &source.kind)?;
    let seconds = source.every.duration().as_secs();
    if !seconds.is_multiple_of(60) {
        let instead = match seconds {
            0..60 => "collected once a minute at most",
            _ => "kept to the minute, not to the second",
        };
        return Err(bad(
            "every",
            format!(
                "key `every` must be a whole number of minutes, e.g. `1m` or `15m`: the collector runs once a minute from cron, so `{}` would be {instead}",
                source.every
            ),
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
    match source.keep_days {
        Some(0) => {
            return Err(bad(
                "keep_days",
                "key `keep_days` must be at least 1 (leave it out to keep records forever)",
            ));
        }
        // A TTL date past what MongoDB reads back as a date (year 9999 and beyond) fails
        // every write of the source: a century is far enough.
        Some(days) if days > MOST_KEEP_DAYS => {
            return Err(bad(
                "keep_days",
                format!(
                    "key `keep_days` is at most {MOST_KEEP_DAYS} (a hundred years), not {days}: leave it out to keep records forever"
                ),
            ));
        }
        _ => {}
    }
    Ok(())
}

/// The longest `keep_days`: a hundred years.
const MOST_KEEP_DAYS: u32 = 36_500;

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
    // An empty path names the whole record, an object: never a position nor a version.
    for (key, path) in [
        ("lon", &source.lon),
        ("lat", &source.lat),
        ("version", &source.version),
    ] {
        if path.as_ref().is_some_and(FieldPath::is_root) {
            return Err(bad(key, format!("key `{key}` is an empty field path")));
        }
    }
    let highest = source.highest.iter().flat_map(|highest| highest.paths());
    if let Some((name, _)) = highest.into_iter().find(|(_, path)| path.is_root()) {
        return Err(bad(
            "highest",
            format!("key `highest`: `{name}` is an empty field path"),
        ));
    }
    if let Some(again) = listed_twice(&source.totals) {
        return Err(bad("totals", format!("key `totals` lists `{again}` twice")));
    }
    for (field, [low, high]) in &source.plausible {
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
        if let Some((key, used)) = source.read_fields().find(|(_, used)| dropped.reaches(used)) {
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
