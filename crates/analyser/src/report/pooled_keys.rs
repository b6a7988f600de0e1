//! The note above a source's numeric charts when its `key` tells apart several things of one
//! time (the stations of a bike-share snapshot, the regions of a regional dataset, the
//! stations and pollutants of an air-quality dataset in long format, the runs of a stamped
//! forecast): each hour's figures pool them all, which a reader of a station's occupancy would
//! otherwise take for one station's, and a reader of NO₂ for NO₂ alone.

use releve::{Resolution, Source, SourceKind};

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
    if let Some(note) = runs_pooled_note(source, &pooled) {
        return Some(note);
    }
    let named = pooled.join(" and ");
    let selected_by = match source.kind {
        SourceKind::Opendatasoft(_) | SourceKind::OdsV1(_) => "`refine`",
        SourceKind::HttpJson(_) | SourceKind::FranceTravail(_) => "the API's `params`",
    };
    Some(format!(
        "Each hour's figures below (mean, min–max range, total) are over all the hour's records \
         together, every {named} pooled, not per {named}: a series per {named} is read from \
         MongoDB's `records`, or collected as a source of its own, selected by {selected_by} \
         (README: Several series in one dataset)."
    ))
}

/// The note of a source whose key tells its records apart by the collector's `stamp` alone
/// besides their time (a forecast stamped `run_at`, keyed by hour and run): every run's copy
/// of an hour is pooled, which no `params` can select, so the note points to one run's in
/// `records`; `None` for any other key.
fn runs_pooled_note(source: &Source, pooled: &[String]) -> Option<String> {
    let SourceKind::HttpJson(http) = &source.kind else {
        return None;
    };
    let stamp = http.stamp.as_deref()?;
    if pooled != [format!("`{stamp}`")] {
        return None;
    }
    let (unit, ahead) = match source.resolution {
        Resolution::Hour => ("hour", "24 hours ahead"),
        Resolution::Day => ("day", "the day before"),
    };
    Some(if source.forecast {
        format!(
            "Each {unit}'s figures below are over every run's forecast of the {unit} together, \
             every `{stamp}` pooled: the mean mixes forecasts made long ahead with the latest, \
             and a total adds up every run's (two runs forecasting 0.2 mm read 0.4 mm). One \
             run's forecast, such as the one made {ahead}, is read from MongoDB's `records` by \
             its `{stamp}` (README: `stamp`)."
        )
    } else {
        format!(
            "Each {unit}'s figures below are over every run's copy of the {unit}'s records \
             together, every `{stamp}` pooled: a total adds up every run's. One run's copy is \
             read from MongoDB's `records` by its `{stamp}` (README: `stamp`)."
        )
    })
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

    /// An air-quality dataset in long format, a row per station, pollutant and hour, collected
    /// as one source: its hourly mean pools NO₂ with PM10, so the note says how to have one
    /// pollutant's series (a source of its own, selected by `refine`), and where the README
    /// says how, not only that the series is in `records`.
    #[test]
    fn a_long_format_dataset_keyed_by_station_and_pollutant_says_how_to_split_it() {
        let text = "[[source]]\nname = \"atmo\"\nkind = \"opendatasoft\"\n\
                    url = \"http://127.0.0.1:9\"\ndataset = \"mesures\"\nevery = \"1h\"\n\
                    key = [\"code_station\", \"nom_poll\", \"date_debut\"]\n\
                    time = \"date_debut\"\nnumeric = [\"valeur\"]\n";
        let config = releve::Config::parse(text, std::path::Path::new("sources.toml"))
            .expect("configuration");
        let note = pooled_note(&config.sources[0]).expect("said");
        assert!(
            note.contains("every `code_station` and `nom_poll` pooled"),
            "{note}"
        );
        assert!(
            note.contains("a series per `code_station` and `nom_poll` is read from"),
            "{note}"
        );
        assert!(
            note.contains("or collected as a source of its own, selected by `refine`"),
            "{note}"
        );
        assert!(
            note.contains("(README: Several series in one dataset)"),
            "{note}"
        );
    }

    /// Open-Meteo's hourly forecast stamped by each run and keyed by hour and run, to keep every
    /// run's forecast: the note says the hour's figures pool every run's forecast (a total adding
    /// them up) and points to one run's in `records` and the README's `stamp`, not to collecting
    /// each run as a source of its own selected by `params`, which no run can be.
    #[test]
    fn a_stamped_forecast_says_its_hours_pool_every_runs_forecast() {
        let text = "[[source]]\nname = \"forecast-runs\"\nkind = \"http_json\"\n\
                    url = \"http://127.0.0.1:9/v1/forecast\"\nevery = \"1h\"\n\
                    records = \"hourly\"\ncolumns = true\nforecast = true\n\
                    stamp = \"run_at\"\nkey = [\"time\", \"run_at\"]\ntime = \"time\"\n\
                    numeric = [\"precipitation\"]\ntotals = [\"precipitation\"]\n";
        let config = releve::Config::parse(text, std::path::Path::new("sources.toml"))
            .expect("configuration");
        let note = pooled_note(&config.sources[0]).expect("said");
        assert!(note.contains("every run's forecast of the hour"), "{note}");
        assert!(note.contains("a total adds up every run's"), "{note}");
        assert!(
            note.contains("One run's forecast, such as the one made 24 hours ahead"),
            "{note}"
        );
        assert!(note.contains("(README: `stamp`)"), "{note}");
        assert!(!note.contains("a source of its own"), "{note}");
        assert!(!note.contains("Several series in one dataset"), "{note}");
    }

    /// Open-Meteo's daily values stamped by each run (`resolution = "day"`): the report charts
    /// them per day, so the note speaks of each day's figures, not of an hour's.
    #[test]
    fn a_stamped_daily_forecast_says_its_days_pool_every_runs_forecast() {
        let text = "[[source]]\nname = \"daily-runs\"\nkind = \"http_json\"\n\
                    url = \"http://127.0.0.1:9/v1/forecast\"\nevery = \"1d\"\n\
                    records = \"daily\"\ncolumns = true\nforecast = true\n\
                    resolution = \"day\"\nstamp = \"run_at\"\n\
                    key = [\"time\", \"run_at\"]\ntime = \"time\"\n\
                    numeric = [\"precipitation_sum\"]\n";
        let config = releve::Config::parse(text, std::path::Path::new("sources.toml"))
            .expect("configuration");
        let note = pooled_note(&config.sources[0]).expect("said");
        assert!(note.starts_with("Each day's figures below"), "{note}");
        assert!(note.contains("every run's forecast of the day"), "{note}");
        assert!(!note.contains("hour"), "{note}");
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
