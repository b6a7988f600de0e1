//! The query an `http_json` source sends: its `url`'s, as written, and its `params`. A parameter
//! written in both is sent once, `params`'s value, in the first request as in each part of a
//! window asked in parts: APIs leave a parameter sent twice undefined (USGS says so), so the
//! url's copy is left out rather than sent beside it.

use std::borrow::Cow;

/// The address `url` less the query parameters `params` set (their values are sent in place of
/// the url's, not beside them). The rest of the url's query is kept as written.
pub(super) fn address<'a>(url: &'a str, params: &[(String, String)]) -> Cow<'a, str> {
    let Some((base, query)) = url.split_once('?') else {
        return Cow::Borrowed(url);
    };
    let replaced = |pair: &&str| {
        url::form_urlencoded::parse(pair.as_bytes())
            .next()
            .is_some_and(|(name, _)| params.iter().any(|(set, _)| *set == name))
    };
    if !query.split('&').any(|pair| replaced(&pair)) {
        return Cow::Borrowed(url);
    }
    let kept: Vec<&str> = query.split('&').filter(|pair| !replaced(pair)).collect();
    match kept.join("&") {
        kept if kept.is_empty() => Cow::Owned(base.to_owned()),
        kept => Cow::Owned(format!("{base}?{kept}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    /// A part's window replaces the url's bounds, the rest of the url's query sent as written;
    /// a url without the parameters `params` set is sent as it is.
    #[test]
    fn a_bound_in_params_is_sent_in_place_of_the_url_s() {
        let url = "https://earthquake.usgs.gov/fdsnws/event/1/query?format=geojson&starttime=2026-01-01&eventtype=earthquake,explosion&endtime=2026-07-01";
        let window = set(&[
            ("starttime", "2026-01-01T00:00:00"),
            ("endtime", "2026-04-01T12:00:00"),
        ]);
        assert_eq!(
            address(url, &window),
            "https://earthquake.usgs.gov/fdsnws/event/1/query?format=geojson&eventtype=earthquake,explosion"
        );
        assert_eq!(
            address(url, &window[1..]),
            url.replace("&endtime=2026-07-01", "")
        );
        assert_eq!(address(url, &[]), url);
        let only_bounds = "https://earthquake.usgs.gov/q?starttime=2026-01-01&endtime=2026-07-01";
        assert_eq!(
            address(only_bounds, &window),
            "https://earthquake.usgs.gov/q"
        );
    }

    /// Any parameter `params` set, `offset`, `format` or Open-Meteo's `hourly`, encoded or not in
    /// the url, each time the url writes it, is sent once, `params`'s; one the url alone writes
    /// is kept.
    #[test]
    fn any_parameter_in_params_is_sent_in_place_of_the_url_s() {
        let url =
            "https://earthquake.usgs.gov/fdsnws/event/1/query?offset=5&format=csv&minmagnitude=4";
        assert_eq!(
            address(url, &set(&[("offset", "1"), ("format", "geojson")])),
            "https://earthquake.usgs.gov/fdsnws/event/1/query?minmagnitude=4"
        );
        let meteo =
            "https://api.open-meteo.com/v1/forecast?latitude=43.6&hourly=rain&%68ourly=snowfall";
        assert_eq!(
            address(meteo, &set(&[("hourly", "temperature_2m")])),
            "https://api.open-meteo.com/v1/forecast?latitude=43.6"
        );
        assert_eq!(address(url, &set(&[("limit", "10")])), url);
    }
}
