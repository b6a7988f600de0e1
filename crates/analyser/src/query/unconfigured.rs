//! What the database holds of sources the configuration does not collect: a note of the
//! report's cover, not its data.

use std::collections::BTreeMap;

use mongodb::Database;
use mongodb::bson::doc;
use mongodb::options::FindOptions;
use releve::Config;
use releve::store;

use crate::period::ReportPeriod;

/// The records of the period that `hourly` holds of sources the configuration does not
/// collect (a source renamed or its table removed keeps its history under its old name; a
/// table refused), by source name. A note of the cover, not the report's data: what cannot be
/// read is passed over.
pub async fn unconfigured(
    db: &Database,
    config: &Config,
    period: &ReportPeriod,
) -> BTreeMap<String, i64> {
    let names: Vec<&str> = config
        .sources
        .iter()
        .map(|source| source.name.as_str())
        .collect();
    let filter = doc! {"source": {"$nin": names}, "hour": {
        "$gte": store::bson_date(period.first_hour()),
        "$lt": store::bson_date(period.end_hour()),
    }};
    let only = FindOptions::builder()
        .projection(doc! {"_id": 0, "source": 1, "count": 1})
        .build();
    let mut counts = BTreeMap::new();
    let found = db
        .collection::<mongodb::bson::Document>(store::HOURLY)
        .find(filter)
        .with_options(only)
        .await;
    let Ok(mut cursor) = found else {
        return counts;
    };
    while let Ok(Some(summary)) = futures_util::TryStreamExt::try_next(&mut cursor).await {
        // Read as every reader reads a count; one that does not read is passed over.
        let Some(Ok(count)) = summary
            .get("count")
            .map(|count| store::count(mongodb::bson::Deserializer::new(count.clone())))
        else {
            continue;
        };
        if let Ok(source) = summary.get_str("source")
            && count > 0
        {
            *counts.entry(source.to_owned()).or_insert(0) += count;
        }
    }
    counts
}

/// A source the configuration does not collect that `runs` holds a run of in the period (or
/// of the day after it, when a per-day source collects a day): a source refused or removed
/// whose runs failed has a section in a report written before, though `hourly` holds nothing
/// of it. What cannot be read counts as such a run, of no name known (the report is then left
/// as it is).
pub async fn others_ran(
    db: &Database,
    config: &Config,
    period: &ReportPeriod,
) -> Option<Option<String>> {
    let names: Vec<&str> = config
        .sources
        .iter()
        .map(|source| source.name.as_str())
        .collect();
    let filter = doc! {"$and": [
        {"source": {"$nin": names}},
        {"started": {
            "$gte": store::bson_date(period.start()),
            "$lt": store::bson_date(period.end() + chrono::TimeDelta::days(1)),
        }},
    ]};
    match db
        .collection::<mongodb::bson::Document>(store::RUNS)
        .find_one(filter)
        .projection(doc! {"_id": 0, "source": 1})
        .await
    {
        Ok(None) => None,
        Ok(Some(run)) => Some(run.get_str("source").ok().map(str::to_owned)),
        Err(_) => Some(None),
    }
}
