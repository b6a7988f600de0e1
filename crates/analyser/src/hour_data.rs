//! Whether an hour's records hold data: the one rule every place of the report counts hours
//! (days) with data by, so a source's pages and the quality table agree.

use releve::store::HourlySummary;

/// Whether the records of `hour` hold data: a value in one of the source's numeric or
/// category fields (a number out of its plausible range is one), or any record when it
/// configures none. Records of nulls only (Open-Meteo's archive asked up to today serves the
/// hours to come so) are not data.
pub(crate) fn holds_data(hour: &HourlySummary) -> bool {
    let numbers = hour.numeric.iter().any(|n| n.count + n.implausible > 0);
    let categories = hour
        .categories
        .iter()
        .any(|c| c.other > 0 || c.values.iter().any(|v| v.count > 0));
    hour.count > 0
        && (numbers || categories || (hour.numeric.is_empty() && hour.categories.is_empty()))
}
