//! Records dated ahead of the clock: how far past it a time written without an offset may
//! lie, and what the collector and the summariser say of such records.

use chrono_tz::Tz;

/// How far past the clock a record may be dated, its time written without an offset, before
/// it is said to be most likely a local time read as UTC (a forecast written with its offset
/// is no such sign; see [`without_offset`](super::without_offset)).
pub const LOCAL_TIME_MARGIN: chrono::TimeDelta = chrono::TimeDelta::minutes(15);

/// What the collector and the summariser say of records dated ahead of the clock with a time
/// written without an offset (see [`LOCAL_TIME_MARGIN`]), read on the clock of `local_times`
/// (a source's key) or of UTC.
pub fn ahead_without_offset(local_times: Option<Tz>) -> String {
    let forecast = "a forecast's hours are ahead by design: mark its source `forecast = true`";
    match local_times {
        None => format!(
            "Records dated ahead of this machine's clock have a time written without a UTC offset, read as UTC: if the API writes its local time, they are stored hours off (ask it for UTC or for times with their offset, or name its zone in the source's `local_times`, e.g. `local_times = \"Europe/Paris\"`); {forecast}."
        ),
        Some(zone) => format!(
            "Records dated ahead of this machine's clock have a time written without a UTC offset, read on {zone}'s clock (`local_times`): if the API writes another zone's time, they are stored hours off (name that zone in `local_times`); {forecast}."
        ),
    }
}

/// What the summariser says of records holding values dated `furthest` ahead of the clock at
/// most, their time written with its offset (see [`LOCAL_TIME_MARGIN`]).
pub fn ahead_with_offset(furthest: chrono::TimeDelta) -> String {
    let minutes = (furthest.num_seconds() + 30) / 60;
    let ahead = match (minutes / 60, minutes % 60) {
        (hours, _) if hours >= 48 => format!("{} days", hours / 24),
        (0, minutes) => format!("{minutes} min"),
        (hours, 0) => format!("{hours} h"),
        (hours, minutes) => format!("{hours} h {minutes} min"),
    };
    format!(
        "Records holding values are dated up to {ahead} ahead of this machine's clock, their time written with a UTC offset: if the API labels its local time as UTC (`Z`, `+00:00`) or its clock runs ahead, they are stored hours off, in hours the reports show as still to come (check the machine's clock, and ask the API for UTC); a forecast's hours are ahead by design: mark its source `forecast = true`."
    )
}
