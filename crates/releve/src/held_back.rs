//! What holds a source back, as its collector state file (`raw/<source>/.state.json`) says
//! it, for `analyser status`: a backoff after a run found this machine's clock behind its
//! API's (see [`ClockBehind`]), and a pause the API asked for (see [`ApiPause`]), whose end
//! the collector dates again when it was set ahead of its clock.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::api_pause::ApiPause;
use crate::clock_behind::ClockBehind;
use crate::rawfile;

/// The part of the state file read here.
#[derive(Deserialize)]
struct StateFile {
    #[serde(default)]
    clock_behind: Option<ClockBehind>,
    #[serde(default)]
    last_attempt: Option<DateTime<Utc>>,
    #[serde(default)]
    last_error: Option<String>,
    #[serde(default)]
    paused_until: Option<DateTime<Utc>>,
    #[serde(default)]
    paused_at: Option<DateTime<Utc>>,
}

/// What holds a source back, by its state file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeldBack {
    /// The last runs found this machine's clock behind the API's.
    pub clock_behind: Option<ClockBehind>,
    /// The pause the API asked for at the last failed run, if it asked for one.
    pub pause: Option<ApiPause>,
    /// Whether a collector run dated that pause again, found set ahead of its clock: the
    /// failed run's metrics then tell its end as it was set, which no longer holds.
    pub pause_redated: bool,
}

impl HeldBack {
    /// What the state file of `source` says holds it back; nothing when it cannot be read
    /// (the collector says why at its next run).
    pub fn read(raw_dir: &Path, source: &str) -> HeldBack {
        let Some(state) = rawfile::read_state::<StateFile>(raw_dir, source) else {
            return HeldBack::default();
        };
        let pause = ApiPause::recorded(
            state.last_error.is_some(),
            state.last_attempt,
            state.paused_at,
            state.paused_until,
        );
        HeldBack {
            clock_behind: state.clock_behind,
            pause,
            // Set at the failed run's start; another time is a run's dating it again.
            pause_redated: pause.is_some()
                && state.paused_at.is_some()
                && state.paused_at != state.last_attempt,
        }
    }

    /// When the collector tries the source again after the pause, at `now`, when that pause's
    /// end is not the one the failed run recorded: it was set ahead of `now`, or dated again.
    pub fn pause_moved_to(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.pause
            .filter(|pause| self.pause_redated || pause.set_ahead(now))
            .map(|pause| pause.end(now))
    }
}
