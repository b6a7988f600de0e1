use chrono::TimeZone;

use super::*;
use crate::testing::landing;

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, h, m, 0)
        .single()
        .expect("time")
}

#[test]
fn a_state_a_run_saved_is_told_from_one_holding_nothing() {
    let saved = serde_json::to_vec(&SourceState::default()).expect("JSON");
    assert!(
        written_by_a_run(&saved),
        "every time forgotten, still a run's"
    );
    assert!(!written_by_a_run(b"{}"));
    assert!(!written_by_a_run(br#"{"x":1}"#));
}

/// The sequence of the last landing within its second is saved and read back, so a run
/// in that second once its file is summarised and gone still names a newer file.
#[test]
fn the_last_landing_s_sequence_is_kept_across_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = crate::testing::minutely();
    let mut state = SourceState::default();
    let landed = releve::rawfile::LandingOrder {
        landed_at: at(10, 31),
        sequence: 3,
    };
    state.succeeded(at(10, 30), landed, None, None, None);
    state.save(dir.path(), "usgs").expect("saved");
    let loaded = SourceState::load(dir.path(), &source).expect("state read");
    assert_eq!(loaded.last_landing(), Some(landed));
    state.succeeded(at(10, 32), landing(at(10, 33)), None, None, None);
    assert_eq!(state.last_landing(), Some(landing(at(10, 33))));
}

#[test]
fn a_stretch_disabled_starts_at_the_first_collection_it_skipped() {
    let hour = &crate::testing::configured(
        "[[source]]\nname = \"usgs\"\nkind = \"http_json\"\nurl = \"https://example.org/feed\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"time\"\n",
    );
    let mut state = SourceState::default();
    state.succeeded(at(10, 0), landing(at(10, 1)), None, None, None);
    assert_eq!(
        state.disabled_from(hour, at(15, 20)),
        None,
        "never disabled"
    );
    state.disabled_since = Some(at(10, 30));
    assert_eq!(
        state.disabled_from(hour, at(15, 20)),
        Some(at(11, 0)),
        "nothing was due before its next run"
    );
    state.disabled_since = Some(at(12, 30));
    assert_eq!(state.disabled_from(hour, at(15, 20)), Some(at(12, 30)));
    state.disabled_since = Some(at(10, 30));
    assert_eq!(
        state.disabled_from(hour, at(11, 0)),
        None,
        "enabled again before a run was due: nothing skipped"
    );
    state.failed(at(15, 20), "HTTP 503", None);
    assert_eq!(state.disabled_since, None, "told by the run, failed or not");
}

/// An hourly source whose last run cron started at 09:00:05 is disabled at 09:30 and
/// enabled again, cron's run taking up at 14:00:03: the collections of 10:00, 11:00, 12:00
/// and 13:00 were skipped (the schedule counts from the run's minute, `Every::due_after`,
/// so the first skipped was due at 10:00:00). The stretch must start there: dated 10:00:05
/// (an hour after the run's second, not its minute), the report's count of collections
/// skipped while disabled (whole intervals from its start to the run that took up again,
/// 3h59m58s) is 3, so the day's completeness reads one collection expected and missed that
/// no schedule called for.
#[test]
fn a_stretch_disabled_starts_at_the_minute_its_first_skipped_collection_was_due() {
    use chrono::TimeZone;
    let hour = &crate::testing::configured(
        "[[source]]\nname = \"usgs\"\nkind = \"http_json\"\nurl = \"https://example.org/feed\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"time\"\n",
    );
    let hms = |h: u32, m: u32, s: u32| {
        Utc.with_ymd_and_hms(2026, 11, 22, h, m, s)
            .single()
            .expect("time")
    };
    let mut state = SourceState::default();
    state.succeeded(hms(9, 0, 5), landing(hms(9, 0, 9)), None, None, None);
    state.disabled_since = Some(hms(9, 30, 2));
    let due = hour.every.due_after(hms(9, 0, 5), hour.days_in);
    assert_eq!(due, hms(10, 0, 0), "the schedule's next collection");
    assert_eq!(
        state.disabled_from(hour, hms(14, 0, 3)),
        Some(due),
        "the first collection skipped was due on the minute the schedule counts"
    );
}

/// A source whose last success an older collector landed (no interval recorded), then
/// run by the upgraded collector and paused by a 429, and disabled during the pause: found
/// disabled by the upgraded collector's next run, so from then, not from its last attempt
/// (the report would read the pause as a stretch disabled).
#[test]
fn a_source_failed_since_the_upgrade_is_disabled_from_when_it_was_found_so() {
    let minute = chrono::TimeDelta::minutes(1);
    let mut state = SourceState::default();
    state.succeeded(at(9, 59), landing(at(9, 59)), None, None, None);
    assert_eq!(
        state.found_disabled_at(minute, at(12, 1)),
        at(10, 0),
        "an older collector's state: from the collection due after its last run"
    );
    state.failed(at(10, 0), "HTTP 429", Some(at(16, 0)));
    assert_eq!(
        state.found_disabled_at(minute, at(12, 1)),
        at(12, 1),
        "the upgraded collector failed it since: it would have noted it disabled"
    );
}

#[test]
fn runs_dated_in_the_future_are_forgotten() {
    let mut state = SourceState::default();
    state.succeeded(at(10, 30), landing(at(10, 31)), None, None, None);
    assert_eq!(
        state.forget_future_runs(at(10, 0) + chrono::TimeDelta::days(-30)),
        Some(at(10, 31))
    );
    assert_eq!(
        (
            state.last_success_started,
            state.last_success_landed,
            state.last_attempt
        ),
        (None, None, None)
    );
    state.succeeded(at(10, 30), landing(at(10, 31)), None, None, None);
    assert_eq!(
        state.forget_future_runs(at(10, 30)),
        None,
        "a minute of drift is allowed"
    );
    assert_eq!(state.last_success_started, Some(at(10, 30)));

    // A per-day source: the days not over yet are forgotten, the others kept.
    let day = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d).expect("day");
    state.days = [day(20), day(21), day(22), day(25)].into();
    assert!(state.forget_future_runs(at(10, 30)).is_some());
    assert_eq!(state.days, [day(20), day(21)].into());
}

#[test]
fn the_cursor_never_passes_the_start_of_the_run_that_landed_it() {
    let mut state = SourceState::default();
    // The day's forecast rows run to 22:45; the run started at 10:30.
    state.succeeded(
        at(10, 30),
        landing(at(10, 31)),
        Some(at(22, 45)),
        None,
        None,
    );
    assert_eq!(state.cursor, Some(at(10, 30)));
    state.succeeded(
        at(10, 45),
        landing(at(10, 46)),
        Some(at(10, 15)),
        None,
        None,
    );
    assert_eq!(state.cursor, Some(at(10, 30)), "a cursor never goes back");

    let mut saved_ahead = SourceState {
        cursor: Some(at(22, 45)),
        ..SourceState::default()
    };
    let legacy = SourceState {
        last_success_started: Some(at(10, 0)),
        cursor: Some(at(22, 45)),
        ..SourceState::default()
    };
    assert_eq!(
        legacy.cursor(),
        Some(at(10, 0)),
        "the next run takes up from the start of the run that saved it"
    );
    saved_ahead.succeeded(at(11, 0), landing(at(11, 1)), Some(at(22, 45)), None, None);
    assert_eq!(
        saved_ahead.cursor,
        Some(at(11, 0)),
        "a cursor saved ahead of its run is capped by the next success"
    );
}
