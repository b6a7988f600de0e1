//! Where the runs `runs` still keeps begin, once its TTL index has deleted older ones.

use chrono::{DateTime, Utc};
use mongodb::Database;
use mongodb::bson::doc;
use releve::Config;
use releve::store::{self, StoreError, StoredRun};

use crate::reading::{Unread, find_first};

/// Where the runs still kept begin, when `runs` has lost older ones: the end of the oldest run
/// kept, when it ended about [`store::RUNS_KEPT`] before `now`, which is where the TTL index
/// has been deleting (see [`kept_from`]). An older oldest run means runs are not being deleted
/// (a server without TTL), a younger one that none has aged enough yet: nothing is lost then.
pub async fn runs_kept_from(
    db: &Database,
    config: &Config,
    now: DateTime<Utc>,
    unread: &Unread,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    // The TTL index on `finished` serves this sort; a run without `finished` never expires.
    // Configured sources only: a run of a source removed since is not this report's concern.
    let names: Vec<&str> = config.sources.iter().map(|s| s.name.as_str()).collect();
    let oldest: Option<StoredRun> = find_first(
        db,
        store::RUNS,
        // Dates only (a range compares no other type); nx-27017 knows no `$type: "date"`.
        doc! {"source": {"$in": names}, "finished": {"$gte": mongodb::bson::DateTime::from_millis(0)}},
        doc! {"finished": 1},
        "reading the oldest run kept",
        unread,
    )
    .await?;
    let intervals = config
        .sources
        .iter()
        .filter(|source| source.enabled)
        .map(|source| source.every.as_chrono());
    Ok(kept_from(oldest.map(|run| run.ended()), intervals, now))
}

/// The end of the oldest run kept, `oldest`, when the TTL index has been deleting up to it:
/// when it ended within a day of the horizon, [`store::RUNS_KEPT`] before `now` (a day
/// before it: deletions lag), or after it by up to the slowest of the enabled sources'
/// `intervals` and an hour for its run, since the run after the last one deleted can end that
/// late. An interval of half the time runs are kept or more (a quarterly source) widens
/// nothing: its runs, one or two kept at a time, would mark runs lost from its first on.
pub fn kept_from(
    oldest: Option<DateTime<Utc>>,
    intervals: impl IntoIterator<Item = chrono::TimeDelta>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let kept = chrono::TimeDelta::seconds(i64::try_from(store::RUNS_KEPT.as_secs()).unwrap_or(0));
    let horizon = now - kept;
    let day = chrono::TimeDelta::days(1);
    let slowest = intervals
        .into_iter()
        .filter(|every| *every * 2 < kept)
        .max()
        .unwrap_or_default();
    let later = day.max(slowest + chrono::TimeDelta::hours(1));
    oldest.filter(|finished| horizon - day <= *finished && *finished <= horizon + later)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    #[test]
    fn the_oldest_run_kept_marks_lost_runs_when_it_ended_near_the_horizon() {
        let now = Utc::now();
        let horizon = now - TimeDelta::days(90);
        let after = |t: TimeDelta| Some(horizon + t);
        let quarter_hour = TimeDelta::minutes(15);
        let day = TimeDelta::days(1);
        // Sources every 15 minutes: runs are deleted up to the horizon, give or take a day.
        assert_eq!(
            kept_from(after(quarter_hour), [quarter_hour], now),
            after(quarter_hour)
        );
        assert_eq!(kept_from(after(-day), [quarter_hour], now), after(-day));
        // Older: no TTL deletes runs; younger: none has aged that far yet.
        assert_eq!(kept_from(after(-day * 2), [quarter_hour], now), None);
        assert_eq!(kept_from(after(day * 2), [quarter_hour], now), None);
        // Daily sources only: the run after the last one deleted ended up to a day and its
        // run's length later.
        let daily_run = day + TimeDelta::minutes(4);
        assert_eq!(kept_from(after(daily_run), [day], now), after(daily_run));
        assert_eq!(kept_from(after(day * 2), [day], now), None);
        // A weekly source widens the later side only: a run older than the horizon by more
        // than a day still means a server without TTL.
        let week = TimeDelta::days(7);
        assert_eq!(kept_from(after(day * 6), [week], now), after(day * 6));
        assert_eq!(kept_from(after(-day * 2), [week], now), None);
        assert_eq!(kept_from(after(day * 9), [week], now), None);
        assert_eq!(kept_from(None, [day], now), None);
        // A quarterly source beside a daily one: the daily one's interval holds. Alone, its
        // first run, today, is no run kept after others were deleted.
        let quarter = TimeDelta::days(91);
        assert_eq!(kept_from(after(day * 9), [day, quarter], now), None);
        assert_eq!(
            kept_from(after(daily_run), [quarter, day], now),
            after(daily_run)
        );
        assert_eq!(kept_from(Some(now), [quarter], now), None);
        assert_eq!(kept_from(Some(now - day * 10), [quarter], now), None);
    }
}
