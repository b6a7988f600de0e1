//! The query parameters written in a source's `url` that bound a window asked in parts
//! (`starttime`, `endtime`) or skip its events (`offset`): they are sent, and count, as those in
//! `params` do, unless `params` set them too: then `params`' are sent in their place, once, as
//! every parameter (see [`super::super::query`]).

use crate::sources::SourceError;

/// The parameters bounding a window.
const BOUNDS: [&str; 2] = ["starttime", "endtime"];

/// The values of the query parameter `name` written in the address `url` (none when it does
/// not parse: the configuration's checks refuse it).
pub(super) fn in_url(url: &str, name: &str) -> Vec<String> {
    url::Url::parse(url)
        .map(|url| {
            url.query_pairs()
                .filter(|(written, _)| written == name)
                .map(|(_, value)| value.into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The failure of a window past the cap (`refused`) whose `url` writes a bound `params` leave
/// out more than once, with different values: which one the API read, and so the window to ask
/// in parts, is unknown.
pub(super) fn written_twice(
    url: &str,
    params: &[(String, String)],
    refused: &SourceError,
) -> Option<SourceError> {
    let said = super::past_the_cap(refused)?;
    BOUNDS
        .iter()
        .filter(|name| !params.iter().any(|(set, _)| set == *name))
        .find_map(|name| {
            let values = in_url(url, name);
            let first = super::instant(values.first()?);
            if values.iter().all(|value| super::instant(value) == first) {
                return None;
            }
            let times = match values.len() {
                2 => "twice".to_owned(),
                count => format!("{count} times"),
            };
            let values: Vec<String> = values
                .iter()
                .map(|value| value.escape_debug().to_string())
                .collect();
            Some(SourceError::Unexpected {
                what: "GET".to_owned(),
                message: format!(
                    "`{name}` is written {times} in `url` with different values ({}), so the window the API refused as past its cap (HTTP 400: {said}) cannot be asked in parts: write it once in `url`, or set it in `params` (sent in place of the url's); nothing landed",
                    values.join(", ")
                ),
            })
        })
}

#[cfg(test)]
mod tests {

    /// A window past the cap whose url writes `starttime` twice, differently, fails naming it
    /// and `url`, with USGS's words, not split over either (which one USGS read is unknown).
    #[tokio::test]
    async fn a_bound_the_url_writes_twice_differently_fails_naming_it() {
        let config = releve::Config::parse(
            "[[source]]\nname = \"quakes\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/q?starttime=2026-01-01&starttime=2026-03-01&endtime=2026-07-01\"\nevery = \"1d\"\nrecords = \"features\"\nkey = \"id\"\ntime = \"properties.time\"\n",
            std::path::Path::new("sources.toml"),
        )
        .expect("valid");
        let now = super::super::instant("2026-12-07").expect("time");
        let served = super::super::answer(&config.sources[0], &[], now, |_, params| async move {
            if params.is_empty() {
                return Err(crate::sources::SourceError::Fetch(
                    crate::http::FetchError::Rejected {
                        what: "GET".to_owned(),
                        status: 400,
                        message: "20160 matching events exceeds search limit of 20000.".to_owned(),
                    },
                ));
            }
            Ok(crate::http::Answer {
                status: 200,
                headers: reqwest::header::HeaderMap::new(),
                body: bytes::Bytes::from_static(br#"{"features": []}"#),
            })
        })
        .await;
        match served {
            Err(err) => assert!(
                err.to_string().starts_with(
                    "GET: `starttime` is written twice in `url` with different values (2026-01-01, 2026-03-01)"
                ) && err
                    .to_string()
                    .contains("20160 matching events exceeds search limit of 20000."),
                "{err}"
            ),
            Ok((answer, _)) => panic!("landed: {:?}", String::from_utf8_lossy(&answer.body)),
        }
    }
}
