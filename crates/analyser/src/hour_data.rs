//! Whether an hour's records hold data: the one rule every place of the report counts hours
//! (days) with data by, so a source's pages and the quality table agree.

use releve::store::HourlySummary;

/// Whether the records of `hour` hold data: a value in one of the source's measured fields,
/// its `numeric` ones (a number out of its plausible range is one); of a source measuring
/// nothing, a value in one of its `categories` fields; of a source configuring neither, any
/// record. The fields are those the hour was summarised with. Records of nulls only
/// (Open-Meteo's archive asked up to today serves the hours to come so), or of labels alone
/// (éCO2mix's latest rows: null figures, their `nature` filled), are not data.
pub(crate) fn holds_data(hour: &HourlySummary) -> bool {
    if hour.count <= 0 {
        false
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
