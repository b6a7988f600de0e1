//! What the configuration checks once serde has read it: names, addresses, paths and
//! ranges that go together. Each refusal names its key, so the message can point at its line.

use super::{Source, SourceKind};

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

/// Checks what serde cannot: names, addresses, paths and ranges that go together.
pub(super) fn validate(source: &Source) -> Result<(), BadValue> {
    if !crate::rawfile::is_source_name(&source.name) {
        return Err(bad("name", "key `name` must match [a-z0-9-]+"));
    }
    check_url("url", &source.url)?;
    if let SourceKind::FranceTravail(france_travail) = &source.kind {
        check_url("token_url", &france_travail.token_url)?;
    }
    if source.key.is_root() {
        return Err(bad("key", "key `key` must name the record identity field"));
    }
    if source.time.is_root() {
        return Err(bad("time", "key `time` must name the record time field"));
    }
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
    if let Some(rate) = source.rate_limit
        && !(rate.is_finite() && rate > 0.0)
    {
        return Err(bad(
            "rate_limit",
            "key `rate_limit` must be a positive number of calls per second",
        ));
    }
    if source.keep_days == Some(0) {
        return Err(bad(
            "keep_days",
            "key `keep_days` must be at least 1 (leave it out to keep records forever)",
        ));
    }
    for (key, paths) in [
        ("numeric", &source.numeric),
        ("categories", &source.categories),
    ] {
        if let Some(again) = paths
            .iter()
            .enumerate()
            .find_map(|(i, path)| paths[..i].contains(path).then_some(path))
        {
            return Err(bad(key, format!("key `{key}` lists `{again}` twice")));
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
    if let SourceKind::Opendatasoft(ods) = &source.kind
        && ods.lookback.is_some()
        && !ods.incremental
    {
        return Err(bad(
            "lookback",
            "key `lookback` only applies with `incremental = true`",
        ));
    }
    Ok(())
}

/// An API address: `http://` or `https://` and a host. The address is not repeated in the
/// message: it may carry credentials.
fn check_url(key: &'static str, url: &str) -> Result<(), BadValue> {
    if url.trim().is_empty() {
        return Err(bad(key, format!("key `{key}` must not be empty")));
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
    Ok(())
}

/// A map frame: `[min_lon, min_lat, max_lon, max_lat]` on the globe, lows under highs, for a
/// positioned source.
fn check_map_frame(
    source: &Source,
    [min_lon, min_lat, max_lon, max_lat]: [f64; 4],
) -> Result<(), BadValue> {
    if source.position().is_none() {
        return Err(bad("map_frame", "key `map_frame` needs `lon` and `lat`"));
    }
    let lon = |v: f64| (-180.0..=180.0).contains(&v);
    let lat = |v: f64| (-90.0..=90.0).contains(&v);
    if !(lon(min_lon) && lon(max_lon) && lat(min_lat) && lat(max_lat))
        || min_lon >= max_lon
        || min_lat >= max_lat
    {
        return Err(bad(
            "map_frame",
            "key `map_frame` must be [min_lon, min_lat, max_lon, max_lat] in degrees: longitudes within ±180, latitudes within ±90, each min under its max",
        ));
    }
    Ok(())
}
