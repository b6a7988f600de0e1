//! The bounds of a window past the cap as written, read as USGS reads them: ISO 8601, as its
//! `fdsnws/event/1` page documents (`2026-01-01`, `2026-01-01T10:00:00`,
//! `2026-01-01T10:00:00+00:00`, UTC unless a zone is given), with the variants its parser also
//! reads (`T` or a space, minutes alone or seconds, a fraction, dropped as USGS drops it, `Z` or
//! an offset). A bound
//! written otherwise, or under FDSN's short names `start` and `end` (which USGS reads as
//! `starttime` and `endtime`), fails a window past the cap in one line, not split. An empty one
//! (`starttime=`) is skipped, as USGS skips it.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, SubsecRound, Utc};

use super::in_url::in_url;
use crate::sources::SourceError;

/// The forms read, in words, for the failure of a bound written otherwise.
const FORMS: &str = "a day (2026-01-01), or a day and a time with `T` or a space, to the minute or the second, a fraction, `Z` or an offset (2026-01-01T10:00, 2026-01-01 10:00:00.5, 2026-01-01T10:00:00+01:00), UTC unless a zone is given";

/// An instant as USGS reads `starttime` and `endtime` (see the module's forms), to the second:
/// USGS drops a fraction.
pub(super) fn instant(text: &str) -> Option<DateTime<Utc>> {
    to_the_nanosecond(text).map(|time| time.trunc_subsecs(0))
}

/// An instant written in one of the module's forms, its fraction kept.
fn to_the_nanosecond(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    let (date, rest) = (text.get(..10)?, text.get(10..)?);
    let day = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    if rest.is_empty() {
        return Some(day.and_hms_opt(0, 0, 0)?.and_utc());
    }
    let rest = rest.strip_prefix(['T', ' '])?;
    let (clock, offset) = match rest.strip_suffix('Z') {
        Some(clock) => (clock, FixedOffset::east_opt(0)?),
        None => match rest.find(['+', '-']) {
            Some(at) => (rest.get(..at)?, offset(rest.get(at..)?)?),
            None => (rest, FixedOffset::east_opt(0)?),
        },
    };
    let time = NaiveTime::parse_from_str(clock, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(clock, "%H:%M"))
        .ok()?;
    let local = day.and_time(time).and_local_timezone(offset).single()?;
    Some(local.to_utc())
}

/// An offset from UTC written `+01:00`, `+0100` or `+01` (or with `-`).
fn offset(text: &str) -> Option<FixedOffset> {
    let (sign, digits) = match text.split_at_checked(1)? {
        ("+", digits) => (1, digits),
        ("-", digits) => (-1, digits),
        _ => return None,
    };
    let digits = digits.replacen(':', "", usize::from(digits.len() == 5));
    if !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits.get(..2)?.parse().ok()?,
            digits.get(2..)?.parse().ok()?,
        ),
        _ => return None,
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

/// The failure of a window past the cap (USGS's words `said`) whose bound is written where
/// `params` or the source's `url` write it, in a form not read: the window to split is unknown.
pub(super) fn unread(url: &str, params: &[(String, String)], said: &str) -> Option<SourceError> {
    let (name, key, value) = ["starttime", "endtime"].iter().find_map(|name| {
        match params.iter().find(|(param, _)| param == name) {
            Some((_, value)) => (!value.is_empty() && instant(value).is_none())
                .then(|| (*name, "params", value.clone())),
            None => in_url(url, name)
                .into_iter()
                .find(|value| !value.is_empty() && instant(value).is_none())
                .map(|value| (*name, "url", value)),
        }
    })?;
    let plus = match key == "url" && value.contains(' ') {
        true => " (in a url a `+` reads as a space: write it %2B)",
        false => "",
    };
    Some(SourceError::Unexpected {
        what: "GET".to_owned(),
        message: format!(
            "`{name}` = \"{}\" in `{key}` is not a time read here{plus}, so the window the API refused as past its cap (HTTP 400: {said}) cannot be asked in parts: write it as {FORMS}; nothing landed",
            value.escape_debug()
        ),
    })
}

/// The failure of a window past the cap (USGS's words `said`) whose bounds `params` or the
/// source's `url` write under FDSN's short names, which USGS reads: the parts' own `starttime`
/// and `endtime` would be sent beside them, and which one USGS kept is unknown.
pub(super) fn short_name(
    url: &str,
    params: &[(String, String)],
    said: &str,
) -> Option<SourceError> {
    let (short, long, key) = [("start", "starttime"), ("end", "endtime")]
        .iter()
        .find_map(|(short, long)| {
            let written = |value: &String| !value.is_empty();
            let key = match params
                .iter()
                .any(|(param, value)| param == short && written(value))
            {
                true => "params",
                false => in_url(url, short).iter().any(written).then_some("url")?,
            };
            Some((*short, *long, key))
        })?;
    Some(SourceError::Unexpected {
        what: "GET".to_owned(),
        message: format!(
            "`{short}` in `{key}` is FDSN's short name for `{long}`, which the API reads, so the window it refused as past its cap (HTTP 400: {said}) cannot be asked in parts (each part's `{long}` would be sent beside it): write it `{long}`; nothing landed"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each form USGS reads is read as the same instant, sent as a part's bound in the one
    /// form the collector writes (UTC, `T`, to the second).
    #[test]
    fn each_form_usgs_reads_is_read_as_the_same_instant() {
        let forms = [
            ("a day", "2026-01-01"),
            ("to the minute", "2026-01-01T00:00"),
            ("to the second", "2026-01-01T00:00:00"),
            ("a fraction", "2026-01-01T00:00:00.000"),
            ("a fraction, dropped", "2026-01-01T00:00:00.999"),
            ("a space for the T", "2026-01-01 00:00:00"),
            ("a space, to the minute", "2026-01-01 00:00"),
            ("Z", "2026-01-01T00:00:00Z"),
            ("an offset", "2026-01-01T01:00:00+01:00"),
            ("an offset without a colon", "2026-01-01T01:00+0100"),
            ("an offset in hours", "2026-01-01T01:00:00+01"),
            ("a negative offset", "2025-12-31T19:00:00-05:00"),
        ];
        for (form, text) in forms {
            assert_eq!(
                instant(text).map(super::super::written).as_deref(),
                Some("2026-01-01T00:00:00"),
                "{form}: {text}"
            );
        }
    }

    /// A form USGS does not read is not read either: a `+` sent unencoded in a url (a space
    /// before the offset), a month 13, a slash, a zone name.
    #[test]
    fn a_form_usgs_refuses_is_not_read() {
        for text in [
            "2026-01-01T00:00:00 01:00",
            "2026-13-01",
            "2026/01/01",
            "2026-01-01T00:00:00+1:00",
            "2026-01-01T25:00",
            "2026-01-01Tnoon",
        ] {
            assert_eq!(instant(text), None, "{text}");
        }
    }

    /// A bound not read names its key, where it is written, its value and the forms read; a
    /// space in the url's says how to write a `+`.
    #[test]
    fn a_bound_not_read_is_said_with_the_forms_read() {
        let said = "20160 matching events exceeds search limit of 20000.";
        let params = [("starttime".to_owned(), "2026/01/01".to_owned())];
        let err = unread("http://h/q", &params, said).expect("not read");
        assert!(
            err.to_string().starts_with(
                "GET: `starttime` = \"2026/01/01\" in `params` is not a time read here, so"
            ) && err.to_string().contains(said)
                && err.to_string().contains("2026-01-01T10:00:00+01:00"),
            "{err}"
        );
        let url = "http://h/q?starttime=2026-01-01&endtime=2026-02-01T00:00:00+01:00";
        let err = unread(url, &[], said).expect("not read");
        assert!(
            err.to_string().starts_with(
                "GET: `endtime` = \"2026-02-01T00:00:00 01:00\" in `url` is not a time read here (in a url a `+` reads as a space: write it %2B)"
            ),
            "{err}"
        );
        assert!(unread("http://h/q?starttime=2026-01-01T00:00", &[], said).is_none());
    }

    /// FDSN's short names, in `params` or the `url`, are named with the long one to write.
    #[test]
    fn a_short_name_is_said_with_the_long_one() {
        let said = "20160 matching events exceeds search limit of 20000.";
        let err = short_name("http://h/q?end=2026-02-01", &[], said).expect("short");
        assert!(
            err.to_string()
                .starts_with("GET: `end` in `url` is FDSN's short name for `endtime`")
                && err.to_string().contains("write it `endtime`"),
            "{err}"
        );
        let params = [("start".to_owned(), "2026-01-01".to_owned())];
        assert!(short_name("http://h/q", &params, said).is_some());
        assert!(short_name("http://h/q?starttime=2026-01-01", &[], said).is_none());
    }
}
