//! The note above a source's numeric charts when its `key` tells apart several things of one
//! time (the stations of a bike-share snapshot, the regions of a regional dataset, the runs of
//! a stamped forecast): each hour's figures pool them all, which a reader of a station's
//! occupancy would otherwise take for one station's.

use releve::Source;

/// `Each hour's figures below … every `number` pooled, not per `number` …`: the paths of the
/// source's `key` other than its `time`, when there are any and the source has numeric fields;
/// `None` for a key of one path (an event's id, a reading's time).
pub(super) fn pooled_note(source: &Source) -> Option<String> {
    if source.numeric.is_empty() {
        return None;
    }
    let time = source.time.to_string();
    let pooled: Vec<String> = source
        .key
        .paths()
        .iter()
        .map(ToString::to_string)
        .filter(|path| *path != time)
        .map(|path| format!("`{path}`"))
        .collect();
    if source.key.paths().len() < 2 || pooled.is_empty() {
        return None;
    }
    let named = pooled.join(" and ");
    Some(format!(
        "Each hour's figures below (mean, min–max range, total) are over all the hour's records \
         together, every {named} pooled, not per {named}; one {named}'s series is read from \
         MongoDB's `records` (README: A snapshot dataset)."
    ))
}

#[cfg(test)]
mod tests {
    use super::pooled_note;

    fn source(key: &str, time: &str) -> releve::Source {
        let text = format!(
            "[[source]]\nname = \"velo\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"5m\"\nstamp = \"collected_at\"\nkey = {key}\ntime = \"{time}\"\nnumeric = [\"available_bikes\"]\n"
        );
        let config = releve::Config::parse(&text, std::path::Path::new("sources.toml"))
            .expect("configuration");
        config.sources[0].clone()
    }

    /// A bike-share snapshot sampled every 5 minutes, keyed by station and run: the report says
    /// its hourly mean of bikes available pools the stations, naming the station's field.
    #[test]
    fn a_snapshot_keyed_by_station_and_run_says_its_hours_pool_the_stations() {
        let note =
            pooled_note(&source(r#"["number", "collected_at"]"#, "collected_at")).expect("said");
        assert!(
            note.contains("every `number` pooled, not per `number`"),
            "{note}"
        );
        assert!(note.contains("`records`"), "{note}");
    }

    /// An event's id, or a reading's time alone, is one thing per record: nothing to say.
    #[test]
    fn a_key_of_one_path_pools_nothing() {
        assert_eq!(pooled_note(&source("\"number\"", "collected_at")), None);
        assert_eq!(
            pooled_note(&source("[\"collected_at\"]", "collected_at")),
            None
        );
    }
}
