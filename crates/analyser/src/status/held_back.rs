//! What the collector's state file says holds a source back (see [`releve::held_back`]): a
//! backoff after its clock was found behind the API's, said in one line, and a pause the API
//! asked for whose end the collector dated again, which replaces the end its failed run
//! recorded.

use std::path::Path;

use chrono::{DateTime, Utc};
use releve::clock_behind::ClockBehind;
use releve::held_back::HeldBack;

use super::{SourceStatus, table};

/// Reads what holds `status`'s source back in its state file, once its runs are read.
pub(super) fn read(raw_dir: &Path, status: &mut SourceStatus, now: DateTime<Utc>) {
    let held = HeldBack::read(raw_dir, &status.name);
    if let Some(end) = held.pause_moved_to(now)
        && status.last_error.is_some()
    {
        status.retry_from = Some(end);
    }
    status.clock_behind = held.clock_behind;
}

/// The line saying that `source`'s runs found this machine's clock behind its API's, by how
/// much and when, and when the collector tries it again.
pub(super) fn clock_behind_line(source: &str, behind: &ClockBehind, now: DateTime<Utc>) -> String {
    let when = match behind.backing_off(now) {
        Some(retry) => format!(
            "from {} by this clock, in {}",
            table::time(crate::format::cron_minute(retry)),
            table::duration(retry - now)
        ),
        None => "at its next run".to_owned(),
    };
    format!(
        "source `{source}` is not collected: this machine's clock was found {} behind its API's at {} (by this clock); the collector tries it again {when}, and collects it then if the clock was set right since (`timedatectl` says whether NTP has synchronised it)",
        releve::store::clocks_apart(behind.api_date - behind.found_at),
        table::time(behind.found_at),
    )
}
