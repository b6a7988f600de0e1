//! The source catalogue table: what each source is, where it comes from, under which licence,
//! when it was last collected and how many records it brought in the period.

use std::collections::BTreeMap;

use chrono_tz::Tz;
use releve::Config;

use crate::format::{grouped, last_collection, with_unit};
use crate::pdf::{Column, Table};
use crate::query::SourceData;

/// The catalogue of every configured source.
pub fn catalogue_table(config: &Config, data: &BTreeMap<String, SourceData>, tz: Tz) -> Table {
    let columns = vec![
        Column::text("Source", 1.45),
        Column::text("Description", 1.7),
        Column::text("Fields", 1.6),
        Column::text("Periodicity", 1.1),
        Column::text("Access", 1.2),
        Column::text("Licence", 1.25),
        Column::text("Last successful collection", 1.1),
        Column::number("Records in period", 0.85),
    ];
    let rows = config
        .sources
        .iter()
        .map(|source| {
            let source_data = data.get(&source.name);
            let records = source_data.map_or(0, SourceData::records);
            let last = last_collection(source_data.and_then(|d| d.last_success), tz);
            let fields: Vec<String> = source
                .numeric
                .iter()
                .map(|f| with_unit(source, f.as_str()))
                .chain(source.categories.iter().map(ToString::to_string))
                .chain(
                    source
                        .position()
                        .map(|(lon, lat)| format!("position ({lon}, {lat})")),
                )
                .collect();
            let periodicity = format!("{} (collected every {})", source.periodicity, source.every);
            vec![
                source.name.clone(),
                source.description.clone(),
                fields.join(", "),
                periodicity.trim_start().to_owned(),
                source.access.clone(),
                source.licence.clone(),
                last,
                grouped(records),
            ]
        })
        .collect();
    Table {
        columns,
        rows,
        size: 7.0,
    }
}
