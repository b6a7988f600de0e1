//! Whether an answer cut by its time limit was still arriving, at a pace no retry would beat
//! (a slow or metered link: [`super::FetchError::StillArriving`], not downloaded again in the
//! run), or stalled, or slow to start (tried again).

use std::time::Duration;

/// An answer whose last bytes came this recently when its time limit struck, and within the
/// last quarter of the limit, was still arriving: a stalled one has sent nothing for longer.
const RECENT: Duration = Duration::from_secs(2);

/// What was seen of an answer's body when its time limit struck.
pub(super) struct Arriving {
    /// Since its last bytes came.
    pub last_came: Duration,
    /// Since its headers came and its body began to be read.
    pub reading: Duration,
    /// Bytes of its body read.
    pub received: usize,
    /// Its length, when announced.
    pub announced: Option<u64>,
    /// The request's time limit.
    pub limit: Duration,
}

/// Whether the answer was still arriving and would come no faster were it asked again: its
/// last bytes came within [`RECENT`] (and the limit's last quarter), and at the pace it came
/// its whole length would take the limit or longer (of a length not announced, it was read
/// for half the limit or longer). One whose server took most of the limit to start sending
/// is not: a retry starting at once may land it.
pub(super) fn still(seen: Arriving) -> bool {
    if seen.received == 0 || seen.last_came >= RECENT.min(seen.limit / 4) {
        return false;
    }
    match seen.announced {
        Some(length) => {
            let share = length as f64 / seen.received as f64;
            seen.reading.as_secs_f64() * share >= seen.limit.as_secs_f64()
        }
        None => seen.reading >= seen.limit / 2,
    }
}

/// How much of an answer arrived, of `announced` bytes when its length was: `120 kB of 440 kB`.
pub(super) fn arrived(received: usize, announced: Option<u64>) -> String {
    let kb = |bytes: u64| format!("{} kB", bytes.div_ceil(1000));
    let received = kb(u64::try_from(received).unwrap_or(u64::MAX));
    match announced {
        Some(whole) => format!("{received} of {}", kb(whole)),
        None => format!("{received} read"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(reading_ms: u64, received: usize, announced: Option<u64>) -> Arriving {
        Arriving {
            last_came: Duration::from_millis(10),
            reading: Duration::from_millis(reading_ms),
            received,
            announced,
            limit: Duration::from_secs(2),
        }
    }

    #[test]
    fn an_answer_read_the_whole_limit_at_a_slow_pace_would_come_no_faster() {
        assert!(still(seen(1_900, 72_000, Some(160_000))));
        assert!(still(seen(1_900, 72_000, None)));
    }

    #[test]
    fn an_answer_slow_to_start_then_fast_is_worth_another_try() {
        // Headers after 1.8 s, then 72 kB of 160 kB in 0.2 s: the whole in under half a second.
        assert!(!still(seen(200, 72_000, Some(160_000))));
        assert!(!still(seen(200, 72_000, None)));
    }

    #[test]
    fn a_stalled_answer_or_one_with_nothing_read_is_worth_another_try() {
        let stalled = Arriving {
            last_came: Duration::from_millis(1_500),
            ..seen(1_900, 72_000, Some(160_000))
        };
        assert!(!still(stalled));
        assert!(!still(seen(1_900, 0, Some(160_000))));
    }
}
