//! The source catalogue table: what each source is, what it collects, how often, where it comes
//! from and under which licence. When it was last collected and how many records it brought are
//! the cover's.

use releve::{Config, Resolution};

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
            let fields: Vec<String> = source
                .numeric
                .iter()
                .chain(&source.categories)
                .map(|f| catalogued(source, f.as_str()))
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
                source.name.clone(),
                source.description.clone(),
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
