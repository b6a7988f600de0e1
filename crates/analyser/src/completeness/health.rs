//! A source's health when the report is generated: the one word the cover and the tables show,
//! and the cover's one-line summary of every source's.

use chrono::{DateTime, Duration, Utc};
use releve::Source;

use super::Completeness;
use crate::query::SourceData;

/// A source's health when the report is generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// The last run succeeded and was recent enough.
    Ok,
    /// No successful run for more than three intervals (what `analyser status` calls stale).
    Late,
    /// The latest run failed.
    Failing,
    /// `enabled = false` in the configuration.
    Disabled,
    /// Never collected, and its credentials are not set where the report is generated: the
    /// collector skips it, which is not a failure.
    Skipped,
    /// No run known, though nothing stops the collector from collecting it (what `analyser
    /// status` calls NEVER).
    Never,
    /// Collected, but its runs have landed no record since its query changed (what `analyser
    /// status` calls EMPTY).
    Empty,
    /// Collected, but a file it landed has waited in `raw/` for the summariser for hours
    /// (what `analyser status` calls BEHIND): the report lacks its records since.
    Behind,
}

impl Health {
    /// The word shown in the report.
    pub fn word(self) -> &'static str {
        match self {
            Health::Ok => "OK",
            Health::Late => "late",
            Health::Failing => "failing",
            Health::Disabled => "disabled",
            Health::Skipped => "skipped",
            Health::Never => "never",
            Health::Empty => "empty",
            Health::Behind => "behind",
        }
    }

    /// True for a health the cover shows in red: a source that should collect and does not.
    pub fn alerts(self) -> bool {
        matches!(
            self,
            Health::Late | Health::Failing | Health::Never | Health::Empty | Health::Behind
        )
    }
}

/// The health now. As in `analyser status`, the runs speak first (where the report is
/// generated need not be where the collector runs, which has the credentials): a source is
/// skipped when its credentials are missing here and it never collected.
pub(super) fn health(
    source: &Source,
    data: &SourceData,
    credentials_missing: bool,
    now: DateTime<Utc>,
) -> Health {
    if !source.enabled {
        return Health::Disabled;
    }
    if data.latest_run_failed {
        return Health::Failing;
    }
    let allowed = source.every.as_chrono() * crate::status::STALE_AFTER_INTERVALS;
    let behind = data
        .waiting
        .waited
        .is_some_and(|waited| waited > Duration::hours(crate::status::BEHIND_AFTER_HOURS));
    match data.last_success {
        Some(last) if now - last <= allowed && behind => Health::Behind,
        Some(last) if now - last <= allowed && data.unmatched.is_some() => Health::Empty,
        Some(last) if now - last <= allowed => Health::Ok,
        None if credentials_missing => Health::Skipped,
        None if data.latest_run.is_none() => Health::Never,
        _ => Health::Late,
    }
}

/// The cover's one-line summary: `4 OK · 1 late (x) · 1 failing (y) · 1 with files of
/// this period quarantined (z)`, and of sources whose files landed after the period wait in
/// quarantine (the health is now's). A source OK but for its quarantined files is not counted
/// OK.
pub fn health_line(assessed: &[(&Source, &Completeness)]) -> String {
    let mut parts = Vec::new();
    for health in [
        Health::Ok,
        Health::Late,
        Health::Failing,
        Health::Never,
        Health::Empty,
        Health::Behind,
        Health::Disabled,
        Health::Skipped,
    ] {
        let names: Vec<&str> = assessed
            .iter()
            .filter(|(_, c)| {
                c.health == health
                    && !(health == Health::Ok && (c.quarantined > 0 || c.quarantined_since > 0))
            })
            .map(|(s, _)| s.name.as_str())
            .collect();
        match (health, names.len()) {
            (_, 0) => {}
            (Health::Ok, n) => parts.push(format!("{n} OK")),
            (Health::Skipped, n) => parts.push(format!(
                "{n} skipped, no credentials set ({})",
                listed(&names)
            )),
            (Health::Never, n) => parts.push(format!("{n} never collected ({})", listed(&names))),
            (Health::Behind, n) => parts.push(format!(
                "{n} behind, files waiting over {} hours for the summariser ({})",
                crate::status::BEHIND_AFTER_HOURS,
                listed(&names)
            )),
            (Health::Empty, n) => parts.push(format!(
                "{n} landing no record since its query changed ({})",
                listed(&names)
            )),
            (other, n) => parts.push(format!("{n} {} ({})", other.word(), listed(&names))),
        }
    }
    let quarantined: Vec<&str> = assessed
        .iter()
        .filter(|(_, c)| c.quarantined > 0)
        .map(|(s, _)| s.name.as_str())
        .collect();
    if !quarantined.is_empty() {
        parts.push(format!(
            "{} with files of this period quarantined ({})",
            quarantined.len(),
            listed(&quarantined)
        ));
    }
    let since: Vec<&str> = assessed
        .iter()
        .filter(|(_, c)| c.quarantined == 0 && c.quarantined_since > 0)
        .map(|(s, _)| s.name.as_str())
        .collect();
    if !since.is_empty() {
        parts.push(format!(
            "{} with files landed since quarantined ({}: `analyser status` names them)",
            since.len(),
            listed(&since)
        ));
    }
    if parts.is_empty() {
        "No source configured.".to_owned()
    } else {
        format!("Sources now: {}.", parts.join(" · "))
    }
}

/// At most [`NAMED_ON_COVER`] source names, `a, b, c, d, e and 25 more` past them: forty
/// sources late on one failing portal would fill the cover, whose table below names each.
fn listed(names: &[&str]) -> String {
    match names.len() {
        n if n <= NAMED_ON_COVER => names.join(", "),
        n => format!(
            "{} and {} more",
            names[..NAMED_ON_COVER - 1].join(", "),
            n - (NAMED_ON_COVER - 1)
        ),
    }
}

/// How many sources the cover's line names in one of its parts.
const NAMED_ON_COVER: usize = 6;
