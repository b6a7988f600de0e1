//! The source catalogue table: what each source is, what it collects, how often, where it comes
//! from and under which licence. When it was last collected and how many records it brought are
//! the cover's.

use releve::{Config, Resolution, Source, SourceKind};

use crate::format::every_words;
use crate::naming::catalogued;
use crate::pdf::{Column, Table};

/// The catalogue of every configured source.
pub fn catalogue_table(config: &Config) -> Table {
    let columns = vec![
        Column::text("Source", 1.3),
        Column::text("Description", 2.0),
        Column::text("Fields", 2.9),
        Column::text("Periodicity", 1.3),
        Column::text("Access", 1.3),
        Column::text("Licence", 1.2),
    ];
    let rows = config
        .sources
        .iter()
        .map(|source| {
            // The time first: which of a record's times its hour is (an offer's creation or
            // its last update) is nowhere else in the report.
            let fields: Vec<String> =
                std::iter::once(format!("records dated by {}", source.time.as_str()))
                    .chain(
                        source
                            .numeric
                            .iter()
                            .chain(&source.categories)
                            .map(|f| catalogued(source, f.as_str())),
                    )
                    .chain(
                        source
                            .position()
                            .map(|(lon, lat)| format!("position ({lon}, {lat})")),
                    )
                    .collect();
            let every = every_words(source.every.as_chrono());
            let collected = match source.resolution {
                Resolution::Hour => format!("collected {every}"),
                Resolution::Day => format!("daily values, collected {every}"),
            };
            let periodicity = match source.periodicity.trim() {
                "" => collected,
                published => format!("{published} ({collected})"),
            };
            vec![
                named_with_origin(source),
                described(source),
                // A field a line, after a bullet that tells it from the line a long one
                // wraps onto: `label = path` pairs run into each other otherwise.
                fields
                    .iter()
                    .map(|field| format!("• {field}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
                periodicity,
                source.access.clone(),
                source.licence.clone(),
            ]
        })
        .collect();
    Table {
        columns,
        rows,
        size: 7.0,
    }
}

/// The source's name, and under it where it is collected from: the API's host, and an
/// Opendatasoft dataset's id (a dozen datasets of two portals are told apart by them).
fn named_with_origin(source: &Source) -> String {
    let host = url::Url::parse(&source.url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned));
    let dataset = match &source.kind {
        SourceKind::Opendatasoft(ods) => Some(ods.dataset.as_str()),
        SourceKind::OdsV1(ods) => Some(ods.dataset.as_str()),
        SourceKind::HttpJson(_) | SourceKind::FranceTravail(_) => None,
    };
    match (host, dataset) {
        (Some(host), Some(dataset)) => format!("{}\n{host}\n{dataset}", source.name),
        (Some(host), None) => format!("{}\n{host}", source.name),
        (None, _) => source.name.clone(),
    }
}

/// The source's description, and on a line of its own the search filters a France Travail
/// source collects under now (`Filtered now: departement 31, 81`), written so a narrow column
/// wraps between values, never inside a name: its figures are not all of France's.
fn described(source: &Source) -> String {
    match &source.kind {
        SourceKind::FranceTravail(offers) if !offers.params.is_empty() => {
            let filters: Vec<String> = offers
                .params
                .iter()
                .map(|(filter, values)| format!("{} {}", filter.param(), values.join(", ")))
                .collect();
            let filtered = format!("Filtered now: {}", filters.join("; "));
            match source.description.trim() {
                "" => filtered,
                description => format!("{description}\n{filtered}"),
            }
        }
        SourceKind::FranceTravail(_)
        | SourceKind::HttpJson(_)
        | SourceKind::Opendatasoft(_)
        | SourceKind::OdsV1(_) => source.description.clone(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// A reader of a Haute-Garonne report learns from the catalogue that its offers are the
    /// département's, not France's; a source without filters reads as it did.
    #[test]
    fn a_france_travail_source_s_filters_are_shown_with_its_description() {
        let table = |params: &str| {
            let text = format!(
                "[[source]]\nname = \"offres-31\"\nkind = \"france_travail\"\nurl = \"https://api.example.org\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"dateCreation\"\ndescription = \"Offres d'emploi\"\n{params}"
            );
            let config = Config::parse(&text, Path::new("sources.toml")).expect("config");
            catalogue_table(&config).rows[0][1].clone()
        };
        assert_eq!(
            table("params = { departement = \"31\", typeContrat = [\"CDI\", \"CDD\"] }\n"),
            "Offres d'emploi\nFiltered now: typeContrat CDD, CDI; departement 31"
        );
        assert_eq!(table(""), "Offres d'emploi");
    }

    /// An economist reading "Records per hour" of job offers learns from the catalogue which of
    /// an offer's times dates it, its creation rather than its last update (found by a
    /// labour-market economist).
    #[test]
    fn each_source_s_fields_begin_with_the_time_its_records_are_dated_by() {
        let text = "[[source]]\nname = \"offres\"\nkind = \"france_travail\"\nurl = \"https://api.example.org\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"dateCreation\"\ncategories = [\"typeContrat\"]\n";
        let config = Config::parse(text, Path::new("sources.toml")).expect("config");
        assert_eq!(
            catalogue_table(&config).rows[0][2],
            "• records dated by dateCreation\n• typeContrat"
        );
    }

    /// A dozen datasets of two portals are told apart by where they come from.
    #[test]
    fn each_source_is_shown_with_its_host_and_dataset() {
        let text = "[[source]]\nname = \"stations\"\nkind = \"opendatasoft\"\nurl = \"https://data.toulouse-metropole.fr\"\ndataset = \"42-station-meteo-toulouse-parc-compans-cafarelli\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"heure_de_paris\"\n\n[[source]]\nname = \"quakes\"\nkind = \"http_json\"\nurl = \"https://earthquake.usgs.gov/earthquakes/feed/v1.0/summary/all_hour.geojson\"\nrecords = \"features\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"properties.time\"\n";
        let config = Config::parse(text, Path::new("sources.toml")).expect("config");
        let table = catalogue_table(&config);
        assert_eq!(
            table.rows[0][0],
            "stations\ndata.toulouse-metropole.fr\n42-station-meteo-toulouse-parc-compans-cafarelli"
        );
        assert_eq!(table.rows[1][0], "quakes\nearthquake.usgs.gov");
    }
}
