//! Whether an hour's records hold data: the one rule every place of the report counts hours
//! (days) with data by, so a source's pages and the quality table agree.

use releve::Source;
use releve::store::HourlySummary;

/// Whether the records of `hour` of `source` hold data. A source whose `key` is not its
/// `time`, nor holds it, keys its records by their own identity (USGS's events, France
/// Travail's offers): each record is an item, data by itself, whatever attribute it lacks.
/// A source keyed by its time is a series of slots the API fills: its records hold data when
/// one holds a value in a measured field, its `numeric` ones (a number out of its plausible
/// range is one); of a series measuring nothing, a value in one of its `categories` fields;
/// of one configuring neither, any record. The fields are those the hour was summarised with.
/// Slots of nulls only (Open-Meteo's archive asked up to today serves the hours to come so),
/// or of labels alone (éCO2mix's latest rows: null figures, their `nature` filled), are not
/// data.
pub(crate) fn holds_data(source: &Source, hour: &HourlySummary) -> bool {
    if hour.count <= 0 {
        false
    } else if !keyed_by_time(source) {
        true
    } else if !hour.numeric.is_empty() {
        hour.numeric.iter().any(|n| n.count + n.implausible > 0)
    } else if !hour.categories.is_empty() {
        hour.categories
            .iter()
            .any(|c| c.other > 0 || c.values.iter().any(|v| v.count > 0))
    } else {
        true
    }
}

/// Whether `source`'s key is its time, or holds it (a snapshot's stamp beside its station):
/// its records are the slots of a series, not items of their own.
fn keyed_by_time(source: &Source) -> bool {
    let time = source.time.segments();
    source
        .key
        .paths()
        .iter()
        .any(|path| path.segments() == time)
}
