//! Where a reader finds a source's data, as its credit prints it: an Opendatasoft dataset's
//! page on its portal, else the API's address. The PDF is mailed and posted, so the address is
//! printed without what may be a secret: no query (the place and fields collected, a key the
//! configuration did not recognise as one), no login, and its path only up to a segment that
//! looks like a key (`/v1/3f9a…b3c/`, `/apikey/Zq8s…/`), which an API taking its key in its
//! path needs and `key_param`/`key_header` cannot send.

use releve::{Source, SourceKind};
use url::Url;

/// The address a source's credit prints, or none when `url` is no address.
pub(super) fn published_at(source: &Source) -> Option<String> {
    let url = Url::parse(&source.url).ok()?;
    let mut address = format!("{}://{}", url.scheme(), url.host_str()?);
    if let Some(port) = url.port() {
        address.push_str(&format!(":{port}"));
    }
    address.push('/');
    let segments: Vec<String> = url
        .path_segments()
        .map_or(Vec::new(), |segments| segments.map(decoded).collect());
    let kept = segments
        .iter()
        .enumerate()
        .take_while(|(n, segment)| {
            !looks_secret(segment) && (*n + 1 == segments.len() || !names_a_key(segment))
        })
        .map(|(_, segment)| segment.as_str())
        .collect::<Vec<_>>();
    let whole = kept.len() == segments.len();
    let path = kept.join("/");
    address.push_str(&path);
    if !whole && !path.is_empty() {
        address.push('/');
    }
    let dataset = match &source.kind {
        SourceKind::Opendatasoft(ods) => Some(ods.dataset.as_str()),
        SourceKind::OdsV1(ods) => Some(ods.dataset.as_str()),
        SourceKind::HttpJson(_) | SourceKind::FranceTravail(_) => None,
    };
    Some(match dataset {
        Some(dataset) => format!(
            "{}/explore/dataset/{dataset}/",
            address.trim_end_matches('/')
        ),
        None => address,
    })
}

/// A path segment as a reader writes it (`météo`, not `m%C3%A9t%C3%A9o`), or as served when
/// its escapes are no UTF-8 text (then judged a key).
fn decoded(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .map_or_else(|_| segment.to_owned(), |text| text.into_owned())
}

/// Words that, ending a segment's name (lowercased, without `-` and `_`), say the next
/// segment holds a secret: `/apikey/<key>/`, `/token/<token>/`, `/keys/<key>/`.
const KEY_WORDS: [&str; 10] = [
    "key", "keys", "token", "tokens", "secret", "secrets", "password", "passwd", "appid", "auth",
];

/// Whether `segment` names a key, as `/apikey/` before its value.
fn names_a_key(segment: &str) -> bool {
    let plain: String = segment
        .chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    KEY_WORDS.iter().any(|word| plain.ends_with(word))
}

/// The shortest run of letters and digits, between `-`, `_` and `.`, taken for a key when it
/// mixes letters and digits.
const KEY_LENGTH: usize = 16;

/// Whether a path segment (decoded) may be a key: a long run of letters and digits mixed (hex
/// digests, base64 tokens), such a run split by `-` or `_` with a capital among its letters
/// (a base64url token, `AB12-CD34-EF56-GH78`), a UUID, a `name=value` or anything beyond the
/// plain characters of a path (a `+`/`=`-padded token). A plain word or version is kept, in
/// any script (`v1`, `forecast`, `all_hour.geojson`, `eco2mix-national-tr`, `météo`).
fn looks_secret(segment: &str) -> bool {
    let plain = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '~');
    if !segment.chars().all(plain) {
        return true;
    }
    let digits_and_letters = |run: &str| {
        run.chars().any(|c| c.is_ascii_digit()) && run.chars().any(|c| c.is_ascii_alphabetic())
    };
    let runs: Vec<&str> = segment.split(['-', '_', '.', '~']).collect();
    let mixed = |run: &&str| run.chars().count() >= KEY_LENGTH && digits_and_letters(run);
    let joined: String = segment
        .chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .collect();
    let grouped = joined.split(['.', '~']).any(|run| {
        run.chars().count() >= KEY_LENGTH
            && digits_and_letters(run)
            && run.chars().any(|c| c.is_ascii_uppercase())
    });
    let uuid = runs.iter().map(|run| run.len()).eq([8, 4, 4, 4, 12])
        && runs
            .iter()
            .all(|run| run.chars().all(|c| c.is_ascii_hexdigit()));
    runs.iter().any(mixed)
        || runs.iter().any(|run| run.chars().count() >= 2 * KEY_LENGTH)
        || grouped
        || uuid
}

#[cfg(test)]
pub(super) mod tests {
    use std::path::Path;

    use super::*;

    /// A source of `kind`'s table lines, its other keys the least a configuration holds.
    pub(in crate::report) fn source(kind: &str) -> Source {
        let text = format!(
            "[[source]]\nname = \"s\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"t\"\n{kind}\n"
        );
        let config = releve::Config::parse(&text, Path::new("sources.toml")).expect("config");
        config.sources[0].clone()
    }

    fn api(url: &str) -> Option<String> {
        published_at(&source(&format!("kind = \"http_json\"\nurl = \"{url}\"")))
    }

    #[test]
    fn a_portal_s_dataset_is_credited_by_its_page() {
        let ods = source(
            "kind = \"ods_v1\"\nurl = \"https://data.toulouse-metropole.fr\"\ndataset = \"compans\"",
        );
        assert_eq!(
            published_at(&ods).as_deref(),
            Some("https://data.toulouse-metropole.fr/explore/dataset/compans/")
        );
    }

    #[test]
    fn a_plain_address_is_printed_whole_without_its_query() {
        assert_eq!(
            api("https://earthquake.usgs.gov/earthquakes/feed/v1.0/summary/all_hour.geojson?x=1")
                .as_deref(),
            Some("https://earthquake.usgs.gov/earthquakes/feed/v1.0/summary/all_hour.geojson")
        );
        assert_eq!(
            api("http://127.0.0.1:8080/").as_deref(),
            Some("http://127.0.0.1:8080/")
        );
    }

    #[test]
    fn an_address_is_cut_before_what_looks_like_a_key() {
        for (url, printed) in [
            (
                "https://a.example/v1/3f9a2c7b1e8d4f6a9b0c5d2e/obs",
                "https://a.example/v1/",
            ),
            ("https://a.example/apikey/Zq8sLm/obs", "https://a.example/"),
            (
                "https://a.example/d/0f8fad5b-d9cb-469f-a165-70867728950e",
                "https://a.example/d/",
            ),
            (
                "https://a.example/k/abc%2Bdef%3D/obs",
                "https://a.example/k/",
            ),
            ("https://a.example/x/key=abc/obs", "https://a.example/x/"),
            (
                "https://a.example/v2/k3J_9dX-pQ2mZ7vL1nB4wA/obs",
                "https://a.example/v2/",
            ),
            (
                "https://a.example/v2/AB12-CD34-EF56-GH78/obs",
                "https://a.example/v2/",
            ),
            ("https://a.example/keys/abc/obs", "https://a.example/"),
            ("https://a.example/tokens/abc/obs", "https://a.example/"),
        ] {
            assert_eq!(api(url).as_deref(), Some(printed), "{url}");
        }
    }
    #[test]
    fn a_path_in_any_script_is_printed_as_written() {
        assert_eq!(
            api("https://api.example.fr/m%C3%A9t%C3%A9o/v1/relev%C3%A9s-2026/obs").as_deref(),
            Some("https://api.example.fr/météo/v1/relevés-2026/obs")
        );
        assert_eq!(
            api("https://data.example.fr/api/eco2mix-national-tr_2026/records").as_deref(),
            Some("https://data.example.fr/api/eco2mix-national-tr_2026/records")
        );
    }
}
