//! The checks of each kind's own keys: addresses, headers, keys and secrets, Opendatasoft
//! selections and page sizes.

use url::Url;

use super::{BadValue, bad, check_no_credentials, check_url};
use crate::config::{
    HttpJson, LocalZone, OdsV1, Opendatasoft, Resolution, Source, SourceKind, odsql,
};

/// Refuses a `timezone` query parameter other than UTC, in `params` or in the address, on a
/// source of hourly values: an API asked for local times may write them without an offset
/// (Open-Meteo does), which relevé reads as UTC, so every record would be dated off by the
/// zone's offset and the hour repeated when clocks go back would merge into one. A source of
/// daily values may ask for its days in a local zone: the collector then lands only records
/// dated by the day alone (`2026-12-03`), which counts in its own day in any report zone.
fn check_answers_in_utc(source: &Source, http: &HttpJson) -> Result<(), BadValue> {
    let Some(LocalZone { key, zone }) = http.local_zone(&source.url) else {
        return Ok(());
    };
    if source.resolution == Resolution::Day {
        return check_days_written_alone(source, http, &zone);
    }
    // As written, but on one line whatever an address decodes to.
    let zone = zone.escape_debug();
    Err(bad(
        key,
        format!(
            "key `{key}`: timezone = `{zone}` asks the API for local times, which it may write without an offset (Open-Meteo does), and whose hour repeated when summer time ends would make two records of one time; leave `timezone` out or set it to \"UTC\": reports are drawn in `[report] timezone` (a source of daily values, `resolution = \"day\"`, may ask for its days in a local zone; `local_times` is for an API that writes its local times whatever it is asked)"
        ),
    ))
}

/// Refuses, on a source of daily values asking for a local zone's days, an Open-Meteo
/// `timeformat` other than `iso8601`: `unixtime` writes each day as its local midnight, an
/// instant, which counts in the day before in a report zone west of that zone (the collector
/// would refuse every answer; this says so before the first).
fn check_days_written_alone(source: &Source, http: &HttpJson, zone: &str) -> Result<(), BadValue> {
    let Some((key, format)) = http
        .sent("timeformat", &source.url)
        .into_iter()
        .find(|(_, format)| !format.eq_ignore_ascii_case("iso8601"))
    else {
        return Ok(());
    };
    Err(bad(
        key,
        format!(
            "key `{key}`: timeformat = `{}` with timezone = `{}` dates each day by its local midnight as an instant, not by the day alone, and such a day counts in the day before in a report zone west of the API's: leave `timeformat` out (days then come written alone, `2026-11-30`)",
            format.escape_debug(),
            zone.escape_debug()
        ),
    ))
}

/// The keys of the source's kind; `url` is the source's address, checked.
pub(super) fn check_kind(source: &Source, url: &Url) -> Result<(), BadValue> {
    match &source.kind {
        SourceKind::HttpJson(http) => {
            check_answers_in_utc(source, http)?;
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
            super::secrets::check_no_named_secrets(url, &http.headers, &http.params)?;
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
            if let Some(stamp) = &http.stamp {
                check_stamp(source, stamp)?;
            }
        }
        SourceKind::Opendatasoft(ods) => check_opendatasoft(source, url, ods)?,
        SourceKind::OdsV1(v1) => check_ods_v1(source, url, v1)?,
        SourceKind::FranceTravail(france_travail) => {
            let token_url = check_url("token_url", &france_travail.token_url)?;
            check_no_credentials("token_url", &token_url, &source.kind)?;
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

/// Refuses a `stamp` that is not one plain field name (letters, digits, `_` and `-`, starting
/// with a letter or `_`: a dotted path would add a field inside another, `$` starts no name
/// MongoDB stores) or that `drop` would remove again.
fn check_stamp(source: &Source, stamp: &str) -> Result<(), BadValue> {
    let plain = stamp
        .chars()
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && stamp
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !plain {
        return Err(bad(
            "stamp",
            format!(
                "key `stamp`: `{}` is not a plain field name: write letters, digits, `_` or `-`, starting with a letter or `_`, such as \"collected_at\" (the field is added to each record, not inside one of its fields)",
                stamp.escape_debug()
            ),
        ));
    }
    let Ok(stamped) = stamp.parse::<crate::FieldPath>() else {
        return Ok(());
    };
    // A time as text: never a number nor a coordinate.
    let as_number = source
        .numeric
        .iter()
        .map(|path| ("numeric", path))
        .chain(source.lon.iter().map(|path| ("lon", path)))
        .chain(source.lat.iter().map(|path| ("lat", path)))
        .find(|(_, path)| **path == stamped);
    if let Some((key, _)) = as_number {
        return Err(bad(
            "stamp",
            format!(
                "key `stamp`: `{key}` reads `{stamp}`, which the stamp fills with a time as text (`2026-12-04T03:15:42Z`), never a number: point `time` at it instead"
            ),
        ));
    }
    if let Some(dropped) = source
        .dropped_fields()
        .into_iter()
        .find(|dropped| dropped.reaches(&stamped))
    {
        return Err(bad(
            "stamp",
            format!(
                "key `stamp`: `drop` lists `{dropped}`, which would remove the field `{stamp}` adds"
            ),
        ));
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
    check_dataset(&ods.dataset)?;
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
    if let Some(recheck) = ods.recheck {
        if !ods.incremental {
            return Err(bad(
                "recheck",
                "key `recheck` only applies with `incremental = true`",
            ));
        }
        if recheck <= ods.lookback() {
            return Err(bad(
                "recheck",
                format!(
                    "key `recheck` ({recheck}) must reach further back than `lookback` ({}), which every run asks for again",
                    ods.lookback()
                ),
            ));
        }
    }
    Ok(())
}

fn check_ods_v1(source: &Source, url: &Url, v1: &OdsV1) -> Result<(), BadValue> {
    check_portal_base(source, url)?;
    check_dataset(&v1.dataset)?;
    if !(1..=OdsV1::MAX_ROWS).contains(&v1.rows) {
        return Err(bad(
            "rows",
            format!(
                "key `rows` is the page size: 1 to 10,000 (default 1000), not {}",
                v1.rows
            ),
        ));
    }
    for (key, facets) in [("refine", &v1.refine), ("exclude", &v1.exclude)] {
        if let Some(facet) = facets.keys().find(|facet| facet.starts_with("fields.")) {
            return Err(bad(
                key,
                format!(
                    "key `{key}`: `{facet}` is a record path; the API's facet is `{}`",
                    facet.trim_start_matches("fields.")
                ),
            ));
        }
    }
    if let Some((facet, value)) = v1
        .refine
        .iter()
        .find(|(facet, value)| v1.exclude.get(*facet) == Some(*value))
    {
        return Err(bad(
            "exclude",
            format!(
                "key `exclude` leaves out `{facet}` = `{value}`, the value `refine` selects: the selection would be empty"
            ),
        ));
    }
    Ok(())
}

/// An Opendatasoft `dataset` is an identifier that goes in the API's path (or query): empty,
/// or holding a blank or a character of an address's syntax, it would ask for another one.
fn check_dataset(dataset: &str) -> Result<(), BadValue> {
    let odd = |c: char| c.is_whitespace() || matches!(c, '/' | '\\' | '?' | '#' | '%' | '&');
    // `.` and `..` would be read as path steps, asking for another address.
    if dataset.is_empty() || dataset.contains(odd) || dataset.chars().all(|c| c == '.') {
        return Err(bad(
            "dataset",
            format!(
                "key `dataset` is the dataset's identifier, as in its page's address `.../explore/dataset/<identifier>/`, such as `eco2mix-national-tr`, not `{}`",
                dataset.escape_debug()
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
    if url.scheme() == "http" && !is_loopback(url) {
        return Err(bad(
            key,
            format!(
                "key `{key}`: {secret} would cross the network unencrypted over http://: write the https:// address{}",
                fully_qualified_localhost(url)
            ),
        ));
    }
    Ok(())
}

/// Whether `url` names this machine (a local proxy, the tests' doubles): nothing sent there
/// crosses the network. `localhost.`, a name ending in a dot, is asked of DNS rather than of
/// the hosts file (as glibc does), whose answer may be any address.
pub(super) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        // `::ffff:127.0.0.1`, an IPv4 loopback address written as IPv6.
        Some(url::Host::Ipv6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        None => false,
    }
}

/// What to add when `url` names `localhost.`, which [`is_loopback`] does not count: how to
/// name this machine.
fn fully_qualified_localhost(url: &Url) -> &'static str {
    match url.host_str() {
        Some(name) if name.eq_ignore_ascii_case("localhost.") => {
            " (or, for this machine, `localhost` without its final dot, which sends the name to DNS rather than the hosts file)"
        }
        _ => "",
    }
}
