use super::*;

#[test]
fn a_window_reads_as_fdsn_writes_it_and_halves_to_whole_seconds() {
    let day = instant("2026-01-01").expect("a day");
    assert_eq!(written(day), "2026-01-01T00:00:00");
    for text in [
        "2026-01-01T12:00:00",
        "2026-01-01T12:00:00Z",
        "2026-01-01T12:00:00.000",
        "2026-01-01T14:00:00+02:00",
    ] {
        assert_eq!(
            instant(text).map(written).as_deref(),
            Some("2026-01-01T12:00:00")
        );
    }
    assert_eq!(instant("2026-13-01"), None);
    // USGS reads a time to the second: a fraction is dropped, as it drops it.
    let end_of_day = instant("2026-01-31T23:59:59.999").expect("a fraction");
    assert_eq!(written(end_of_day), "2026-01-31T23:59:59");
    let end = instant("2026-01-01T00:00:03").expect("time");
    let parts: Vec<_> = halves(day, end)
        .into_iter()
        .map(|(from, to, _)| (written(from), written(to)))
        .collect();
    let window = |from: &str, to: &str| (format!("2026-01-01T{from}"), format!("2026-01-01T{to}"));
    assert_eq!(
        parts,
        [
            window("00:00:01", "00:00:03"),
            window("00:00:00", "00:00:01")
        ]
    );
}
/// A window past the cap asked without `starttime` and `endtime` (USGS's default, the last
/// 30 days to now) is split from 30 days before the run to the run, each part asked with
/// both bounds; before, the run failed with USGS's words.
#[tokio::test]
async fn a_window_without_bounds_is_split_from_thirty_days_before_now() {
    let config = releve::Config::parse(
        "[[source]]\nname = \"quakes\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/q\"\nevery = \"1d\"\nrecords = \"features\"\nkey = \"id\"\ntime = \"properties.time\"\n",
        std::path::Path::new("sources.toml"),
    )
    .expect("valid");
    let params = vec![("format".to_owned(), "geojson".to_owned())];
    // Asked at a clock read to the nanosecond: the bounds written for the parts are whole
    // seconds, as USGS documents its times (at most microseconds).
    let now = instant("2026-12-07T12:00:00.123456789").expect("time");
    let asked = std::sync::Mutex::new(Vec::new());
    let served = answer(&config.sources[0], &params, now, |_, params| {
        let bound = |name: &str| {
            params
                .iter()
                .find(|(param, _)| param == name)
                .map(|(_, value)| value.clone())
        };
        let window = (bound("starttime"), bound("endtime"));
        if let Ok(mut asked) = asked.lock() {
            asked.push(window.clone());
        }
        async move {
            match window {
                (None, None) => Err(SourceError::Fetch(FetchError::Rejected {
                    what: "GET".to_owned(),
                    status: 400,
                    message: format!("20160 {PAST_THE_CAP} of 20000."),
                })),
                _ => Ok(Answer {
                    status: 200,
                    headers: reqwest::header::HeaderMap::new(),
                    body: bytes::Bytes::from_static(br#"{"features": []}"#),
                }),
            }
        }
    })
    .await;
    assert!(
        served.is_ok(),
        "answered: {:?}",
        served.err().map(|e| e.to_string())
    );
    let bounds = |from: &str, to: &str| (Some(from.to_owned()), Some(to.to_owned()));
    assert_eq!(
        asked.lock().map(|asked| asked.clone()).unwrap_or_default(),
        [
            (None, None),
            bounds("2026-11-07T12:00:00", "2026-11-22T12:00:00"),
            bounds("2026-11-22T12:00:00", "2026-12-07T12:00:00"),
        ]
    );
}
/// An event two parts serve (on their boundary) lands once, at the first part's place, as
/// the later part wrote it, the events after it unchanged when the copies differ in length.
#[test]
fn a_boundary_event_lands_once_as_the_later_part_wrote_it() {
    let config = releve::Config::parse(
        "[[source]]\nname = \"quakes\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/q\"\nevery = \"1d\"\nrecords = \"features\"\nkey = \"id\"\ntime = \"properties.time\"\n",
        std::path::Path::new("sources.toml"),
    )
    .expect("valid");
    let answered = |body: &'static str| Answer {
        status: 200,
        headers: reqwest::header::HeaderMap::new(),
        body: bytes::Bytes::from_static(body.as_bytes()),
    };
    let mut parts = Parts::new(&config.sources[0]);
    let first = r#"{"type": "FeatureCollection", "metadata": {"count": 3}, "features": [{"id": "a"}, {"id": "b", "v": 1}, {"id": "c"}]}"#;
    assert!(parts.add(answered(first)).is_none());
    let second = r#"{"features": [{"id": "b", "v": 12345}, {"id": "d"}]}"#;
    assert!(parts.add(answered(second)).is_none());
    let landed = parts.into_answer();
    assert_eq!(
        String::from_utf8_lossy(&landed.body),
        r#"{"type":"FeatureCollection","metadata":{"count":4},"features":[{"id": "a"},{"id": "b", "v": 12345},{"id": "c"},{"id": "d"}]}"#
    );
}
/// A part answered `{"features": null}` (an API refusing with USGS's words, not USGS) is no
/// answer of the window: the run fails naming the part; before, that part was landed alone,
/// the other parts' events lost.
#[tokio::test]
async fn a_part_without_records_fails_naming_its_window() {
    let config = releve::Config::parse(
        "[[source]]\nname = \"quakes\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/q\"\nevery = \"1d\"\nrecords = \"features\"\nkey = \"id\"\ntime = \"properties.time\"\n",
        std::path::Path::new("sources.toml"),
    )
    .expect("valid");
    let params = vec![
        ("starttime".to_owned(), "2026-01-01".to_owned()),
        ("endtime".to_owned(), "2026-01-01T00:00:04".to_owned()),
    ];
    let answered = |body: &'static str| Answer {
        status: 200,
        headers: reqwest::header::HeaderMap::new(),
        body: bytes::Bytes::from_static(body.as_bytes()),
    };
    let now = instant("2026-12-07").expect("time");
    let served = answer(&config.sources[0], &params, now, |_, asked| async move {
        let bound = |name: &str| {
            asked
                .iter()
                .find(|(param, _)| param == name)
                .map(|(_, value)| value.clone())
                .unwrap_or_default()
        };
        match (bound("starttime").as_str(), bound("endtime").as_str()) {
            ("2026-01-01", _) => Err(SourceError::Fetch(FetchError::Rejected {
                what: "GET".to_owned(),
                status: 400,
                message: format!("20160 {PAST_THE_CAP} of 20000."),
            })),
            ("2026-01-01T00:00:00", _) => Ok(answered(r#"{"features": [{"id": "a"}]}"#)),
            _ => Ok(answered(r#"{"features": null}"#)),
        }
    })
    .await;
    match served {
        Err(err) => assert_eq!(
            err.to_string(),
            "GET: the part 2026-01-01T00:00:02 to 2026-01-01T00:00:04 (UTC) of a window past the API's cap was answered (HTTP 200) without records at `features`; nothing landed"
        ),
        Ok((answer, _)) => panic!("landed: {:?}", String::from_utf8_lossy(&answer.body)),
    }
}

/// A `starttime` in `params` ahead of a clock behind (USGS's default `endtime` being the run's
/// time) is said as such, the advice being the `endtime` or the clock, not to set the
/// `starttime` already set (found by a review).
#[test]
fn a_start_after_the_default_end_says_the_end_is_the_run_s_time() {
    let from = instant("2026-01-01").expect("a day");
    let to = instant("2025-12-01").expect("a day");
    let said = no_window(
        (from, Written::InParams),
        (to, Written::ByDefault),
        "43272 matching events exceeds search limit of 20000.",
    )
    .to_string();
    assert!(
        said.contains("`starttime` = 2026-01-01T00:00:00 (UTC) in `params` is not before")
            && said.contains("USGS's default `endtime` (the run's time, 2025-12-01T00:00:00 UTC)")
            && said.contains("set `endtime`, after `starttime`, or check this machine's clock")
            && !said.contains("set `starttime`"),
        "{said}"
    );
}
