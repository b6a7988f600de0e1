//! `sources.toml`, the contract between users and the three stages: which sources exist, how
//! often they are collected, and which fields of their records are summarised.
//!
//! Unknown keys, missing keys and bad values are refused with the file, the line and the key.

mod every;
mod git_conflict;
mod header_line;
mod highest;
mod kinds;
mod odsql;
mod offer_filters;
mod parse;
mod plain_words;
mod source_table;
mod table_text;
mod toml_fault;
mod top_level;
mod unclosed;
mod validate;
mod zone;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

pub use every::{CRON_EARLY, Every, run_minute};
pub use highest::Highest;
pub use kinds::{FranceTravail, HttpJson, LocalZone, OdsV1, Opendatasoft, SourceKind, names_utc};
pub use offer_filters::{OfferFilter, OfferFilters};
pub use source_table::closest;

use crate::record::{FieldPath, LOCAL_TIME_MARGIN};
use crate::record_key::RecordKey;

/// A configuration that could not be read or accepted. The message is one line that names
/// the file, the line and the key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: cannot read the configuration: {cause}{}", looked_in(.working_folder.as_deref()))]
    Read {
        /// The configuration file.
        path: PathBuf,
        /// The I/O failure.
        cause: std::io::Error,
        /// The folder a relative `path` was looked for in, when it is not there: cron starts
        /// a line in the home folder, or `/`, unless the line changes folder first.
        working_folder: Option<PathBuf>,
    },
    /// The file was read but is not an acceptable configuration.
    #[error("{path}:{line}: {message}")]
    Invalid {
        /// The configuration file.
        path: PathBuf,
        /// 1-based line of the offending key or table.
        line: usize,
        /// What is wrong, naming the key.
        message: String,
    },
}

/// Where a relative configuration path was looked for, said after a file not found there.
fn looked_in(working_folder: Option<&Path>) -> String {
    working_folder.map_or_else(String::new, |folder| {
        format!(
            " (looked for in the working folder {}: run the stage from the checkout, as the \
             crontab's lines do with `cd`, or give --config the file's absolute path)",
            folder.display()
        )
    })
}

/// The whole configuration file.
#[derive(Debug, Clone)]
pub struct Config {
    /// The accepted sources, in file order.
    pub sources: Vec<Source>,
    /// The `[[source]]` tables refused, in file order: each stage runs the other sources,
    /// says why each of these was refused, and exits non-zero.
    pub refused: Vec<RefusedSource>,
    /// Report settings (`[report]`; the defaults when it could not be read).
    pub report: ReportSettings,
    /// Why `[report]` could not be read, when it could not: [`Config::load`] refuses the file
    /// then, [`Config::load_sources`] goes on with the default settings.
    pub report_fault: Option<ReportFault>,
    /// Entries of accepted sources left out, each in one line naming its file, line, source
    /// and key: a unit, label, total or plausible range of a field the source does not
    /// summarise (a field dropped, or mistyped there), or a total of a power or a rate per
    /// second. Each stage logs those of the sources it reads ([`crate::cli::say_left_out`]);
    /// `collector --check` and `analyser status` show them instead.
    pub left_out: Vec<LeftOut>,
}

/// An entry of an accepted source left out (see [`Config::left_out`]).
#[derive(Debug, Clone, PartialEq)]
pub struct LeftOut {
    /// The source's name.
    pub source: String,
    /// The line, `sources.toml:18: source `x`: key `units`: … left out …`.
    pub line: String,
    /// The entry's line in the file.
    pub at: usize,
    /// What is wrong, `key `units`: `pression` is not one of the `numeric` fields`.
    pub what: String,
}

impl std::fmt::Display for LeftOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.line)
    }
}

impl From<ReportFault> for ConfigError {
    fn from(fault: ReportFault) -> Self {
        ConfigError::Invalid {
            path: fault.path,
            line: fault.line,
            message: fault.message,
        }
    }
}

/// A `[report]` table that could not be read: the analyser writes no report until it is
/// fixed; collecting and summarising, which never read it, go on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct ReportFault {
    /// The configuration file.
    pub path: PathBuf,
    /// 1-based line of the offending key.
    pub line: usize,
    /// What is wrong, naming the key.
    pub message: String,
}

impl ReportFault {
    /// The fault and what it costs, in a stage's words: `goes_on` says what that stage still
    /// does.
    pub fn with_consequence(&self, goes_on: &str) -> String {
        format!(
            "{self} (`[report]` is the analyser's, which writes no report until it is fixed; {goes_on})"
        )
    }
}

/// The `[report]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSettings {
    /// IANA time zone the report shows times in, checked when the configuration is read.
    #[serde(default = "default_timezone", deserialize_with = "zone::time_zone")]
    pub timezone: Tz,
    /// How many reports of each period (day, week, month) to keep in the reports folder.
    #[serde(default = "default_keep_reports")]
    pub keep: usize,
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings {
            timezone: default_timezone(),
            keep: default_keep_reports(),
        }
    }
}

fn default_timezone() -> Tz {
    chrono_tz::Europe::Paris
}

fn default_keep_reports() -> usize {
    60
}

/// A `[[source]]` table the configuration refused. It costs its own source only: the stages
/// leave its files in place and run the others.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct RefusedSource {
    /// Its `name`, when the table gives one as text (it may not be a valid name).
    pub name: Option<String>,
    /// The configuration file.
    pub path: PathBuf,
    /// 1-based line of the offending key, or of the `[[source]]` table.
    pub line: usize,
    /// 1-based line of its `[[source]]` header.
    pub table_line: usize,
    /// True when an accepted source has its name (a table repeating a name): that source
    /// runs, and only this table is ignored.
    pub duplicate: bool,
    /// What is wrong, naming the source and the key.
    pub message: String,
}

impl RefusedSource {
    /// What becomes of the table, in a stage's words: `otherwise`, unless an accepted source
    /// has its name and runs, when only this table is ignored.
    pub fn consequence<'a>(&self, otherwise: &'a str) -> &'a str {
        if self.duplicate {
            "this table is ignored"
        } else {
            otherwise
        }
    }
}

/// One `[[source]]` table.
#[derive(Debug, Clone, Deserialize)]
pub struct Source {
    /// Name, `[a-z0-9-]+`: used in file names and in MongoDB.
    pub name: String,
    /// How often the collector fetches it.
    pub every: Every,
    /// Endpoint (`http_json`) or API base (other kinds).
    pub url: String,
    /// The record identity: one dotted path, or several whose values together tell records
    /// apart.
    pub key: RecordKey,
    /// Dotted path to the record time.
    pub time: FieldPath,
    /// Dotted path to a field whose larger value marks a more recent version of a record
    /// (USGS's `properties.updated`): a version served later but less recent (a stale cache)
    /// does not replace it. Default: the version landed last is the most recent.
    pub version: Option<FieldPath>,
    /// Fields summarised as numbers.
    #[serde(default)]
    pub numeric: Vec<FieldPath>,
    /// Numeric fields that add up over time (a rain gauge's readings, an offer's positions):
    /// the report charts their totals per hour (per day in a month), not their means.
    #[serde(default)]
    pub totals: Vec<FieldPath>,
    /// Fields counted per value.
    #[serde(default)]
    pub categories: Vec<FieldPath>,
    /// Optional longitude path.
    pub lon: Option<FieldPath>,
    /// Optional latitude path.
    pub lat: Option<FieldPath>,
    /// The part of the world the report's map shows, `[min_lon, min_lat, max_lon, max_lat]`
    /// in degrees; positions outside are counted in the map's caption (France Travail's
    /// overseas offers on a map of mainland France). Default: every position.
    #[serde(default, deserialize_with = "four_numbers")]
    pub map_frame: Option<[f64; 4]>,
    /// Units of numeric fields for chart axes, e.g. `{ "properties.mag" = "magnitude" }`.
    #[serde(default)]
    pub units: BTreeMap<String, String>,
    /// What the report calls numeric and category fields, e.g.
    /// `{ "geometry.coordinates.2" = "depth" }`; the catalogue says which path each names.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// What the report calls values of category fields, per field, e.g.
    /// `{ weather_code = { "3" = "overcast" } }`: bars read `overcast (3)`.
    #[serde(default)]
    pub value_labels: BTreeMap<String, BTreeMap<String, String>>,
    /// Plausible ranges of numeric fields, `{ field = [low, high] }`: a value outside is counted
    /// as `implausible` in its hour and left out of the statistics (stations that report −50 °C).
    #[serde(default, deserialize_with = "ranges")]
    pub plausible: BTreeMap<String, [f64; 2]>,
    /// The record of a numeric field's highest value in a report's period, named under the
    /// field's chart by its time, kind and place (USGS's strongest earthquake). Default: the
    /// highest value is said with its hour only.
    pub highest: Option<Highest>,
    /// Shown in the report's source catalogue.
    #[serde(default)]
    pub description: String,
    /// How often the provider updates it, in words.
    #[serde(default)]
    pub periodicity: String,
    /// Access conditions (key or not).
    #[serde(default)]
    pub access: String,
    /// Licence of the data.
    #[serde(default)]
    pub licence: String,
    /// The publisher's own wording of the credit it asks a reuse for, printed as written in the
    /// report's credit line (Open-Meteo's `Weather data by Open-Meteo.com`, an Opendatasoft
    /// dataset's `attributions`).
    pub attribution: Option<String>,
    /// Drop a de-duplicated record once its own time is this many days old (default: keep
    /// forever; at least 1). Hours past it keep their summaries.
    pub keep_days: Option<u32>,
    /// Fields removed from every record before it lands (personal data, bulky text); default:
    /// `contact` for `france_travail` (recruiters' names, e-mails and phone numbers), else none.
    pub drop: Option<Vec<FieldPath>>,
    /// Client-side rate limit in calls per second (default: per kind).
    pub rate_limit: Option<f64>,
    /// Per-request timeout (default: the shorter of 30 s and the interval).
    pub timeout: Option<Every>,
    /// Set to false to keep a source in the file without collecting it.
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    /// Records dated ahead of the clock are expected (a forecast's hours): they get no
    /// warning that the API may have written its local time as UTC.
    #[serde(default)]
    pub forecast: bool,
    /// The IANA zone whose clock the API writes times without an offset on
    /// (`2026-12-03T01:00:00` meaning Paris time); default: such times are UTC.
    #[serde(default, deserialize_with = "zone::some_time_zone")]
    pub local_times: Option<Tz>,
    /// How far apart the records' own times are: an `hour` or less (the default: readings,
    /// events), or a `day` (one value a day, as Open-Meteo's `daily`), which the report then
    /// counts and charts per day.
    #[serde(default)]
    pub resolution: Resolution,
    /// Kind and kind-specific keys.
    #[serde(flatten)]
    pub kind: SourceKind,
    /// 1-based line of the `[[source]]` table, for messages.
    #[serde(skip)]
    pub line: usize,
    /// The zone whose days an `every` of whole days counts in: `[report]`'s `timezone`, whose
    /// days the reports expect a daily source once each (see [`Every::due_after`]).
    #[serde(skip, default = "default_timezone")]
    pub days_in: Tz,
}

/// The keys of [`Source`] itself, as written in `sources.toml`: every table takes them
/// whatever its kind. Serde cannot list them for a struct with a flattened field, so they are
/// listed here, in field order; a test fails when `Source` gains a field this list lacks.
const COMMON_KEYS: &[&str] = &[
    "name",
    "every",
    "url",
    "key",
    "time",
    "version",
    "numeric",
    "totals",
    "categories",
    "lon",
    "lat",
    "map_frame",
    "units",
    "labels",
    "value_labels",
    "plausible",
    "highest",
    "description",
    "periodicity",
    "access",
    "licence",
    "attribution",
    "keep_days",
    "drop",
    "rate_limit",
    "timeout",
    "enabled",
    "forecast",
    "local_times",
    "resolution",
];

/// The time step of a source's records, which its report counts and charts by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Resolution {
    /// Records an hour apart or closer, or events: counted per hour.
    #[default]
    Hour,
    /// One record a day (per key), dated by its day: counted per day.
    Day,
}

/// Exactly four numbers (serde's arrays let a fifth slip by).
fn four_numbers<'de, D: serde::Deserializer<'de>>(value: D) -> Result<Option<[f64; 4]>, D::Error> {
    let numbers = Vec::<f64>::deserialize(value)?;
    <[f64; 4]>::try_from(numbers.as_slice())
        .map(Some)
        .map_err(|_| {
            serde::de::Error::custom(format!(
                "expected [min_lon, min_lat, max_lon, max_lat], four numbers, not {}",
                numbers.len()
            ))
        })
}

fn enabled_by_default() -> bool {
    true
}

/// How many days back, yesterday included, a source collecting by day (France Travail) catches
/// up on days it missed while the collector was not running, or failed: a run may collect any of
/// them.
pub const CATCH_UP_DAYS: u64 = 7;

impl Source {
    /// Records dated past this time with a time written without an offset are a sign of an
    /// API writing its local time: [`LOCAL_TIME_MARGIN`] after `now`, or never for a
    /// `forecast`, whose hours lie ahead of the clock by design.
    pub fn local_time_horizon(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        if self.forecast {
            DateTime::<Utc>::MAX_UTC
        } else {
            now + LOCAL_TIME_MARGIN
        }
    }

    /// Where this source's landed files keep their records.
    pub fn records_path(&self) -> FieldPath {
        self.kind.records_path()
    }

    /// The fields removed from every record before it lands: `drop`, else the kind's default.
    pub fn dropped_fields(&self) -> Vec<FieldPath> {
        match (&self.drop, &self.kind) {
            (Some(fields), _) => fields.clone(),
            (None, SourceKind::FranceTravail(_)) => vec![FranceTravail::personal_data()],
            (
                None,
                SourceKind::HttpJson(_) | SourceKind::Opendatasoft(_) | SourceKind::OdsV1(_),
            ) => Vec::new(),
        }
    }

    /// True for a source whose runs each collect one calendar day (France Travail): its run
    /// metrics carry that `day`, which is not the day the run happened.
    pub fn collects_by_day(&self) -> bool {
        match self.kind {
            SourceKind::FranceTravail(_) => true,
            SourceKind::HttpJson(_) | SourceKind::Opendatasoft(_) | SourceKind::OdsV1(_) => false,
        }
    }

    /// Whether `value` of the numeric `field` lies in the field's `plausible` range; without
    /// one, every value does.
    pub fn is_plausible(&self, field: &FieldPath, value: f64) -> bool {
        self.is_plausible_value(field.as_str(), value)
    }

    /// Whether `value` of the numeric field at the dotted path `field` lies in its `plausible`
    /// range, as [`Source::is_plausible`] reads it.
    pub fn is_plausible_value(&self, field: &str, value: f64) -> bool {
        self.plausible
            .get(field)
            .is_none_or(|[low, high]| (low..=high).contains(&&value))
    }

    /// The position paths, when the source is positioned.
    pub fn position(&self) -> Option<(&FieldPath, &FieldPath)> {
        self.lon.as_ref().zip(self.lat.as_ref())
    }

    /// The record fields the summariser reads, each with the key naming it: `key`, `time`,
    /// then `numeric`, `categories`, `lon`, `lat` and `version`.
    pub fn read_fields(&self) -> impl Iterator<Item = (&'static str, &FieldPath)> {
        self.key
            .paths()
            .iter()
            .map(|path| ("key", path))
            .chain([("time", &self.time)])
            .chain(self.numeric.iter().map(|path| ("numeric", path)))
            .chain(self.categories.iter().map(|path| ("categories", path)))
            .chain(self.lon.iter().map(|path| ("lon", path)))
            .chain(self.lat.iter().map(|path| ("lat", path)))
            .chain(self.version.iter().map(|path| ("version", path)))
    }
}

impl Config {
    /// Reads and validates a configuration file, `[report]` included.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        Config::load_sources(path)?.with_report()
    }

    /// Reads and validates a configuration file for the stages that do not read `[report]`
    /// (collecting, summarising): a fault there is kept in [`Config::report_fault`] for them
    /// to warn about, instead of stopping every source.
    pub fn load_sources(path: &Path) -> Result<Config, ConfigError> {
        let text = crate::text_file::read(path).map_err(|cause| ConfigError::Read {
            path: path.to_owned(),
            working_folder: (cause.kind() == std::io::ErrorKind::NotFound)
                .then(|| crate::working_folder::of(path))
                .flatten(),
            cause,
        })?;
        parse::parse(&text, path)
    }

    /// Validates configuration text; `path` is only used in messages. A fault in one
    /// `[[source]]` table refuses that table alone ([`Config::refused`]); a fault elsewhere
    /// (TOML syntax, `[report]`, an unknown table) refuses the file.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        parse::parse(text, path)?.with_report()
    }

    /// The configuration, or the fault of its `[report]` as the file's.
    fn with_report(self) -> Result<Config, ConfigError> {
        match self.report_fault {
            Some(fault) => Err(fault.into()),
            None => Ok(self),
        }
    }

    /// The refused table called `name`, if any.
    pub fn refused_source(&self, name: &str) -> Option<&RefusedSource> {
        self.refused
            .iter()
            .find(|r| r.name.as_deref() == Some(name))
    }

    /// The source called `name`.
    pub fn source(&self, name: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.name == name)
    }

    /// Whether a `[[source]]` table is called `name`, accepted or refused (a refused one's
    /// files are said to wait with its refusal).
    pub fn has_table(&self, name: &str) -> bool {
        self.source(name).is_some() || self.refused_source(name).is_some()
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod kind_tests;

#[cfg(test)]
mod table_tests;

#[cfg(test)]
mod unclosed_tests;

#[cfg(test)]
mod conflict_tests;

/// `{ field = [low, high] }`, each range exactly two numbers (serde alone would take the first
/// two of a longer list).
fn ranges<'de, D>(deserializer: D) -> Result<BTreeMap<String, [f64; 2]>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let written = BTreeMap::<String, Vec<f64>>::deserialize(deserializer)?;
    written
        .into_iter()
        .map(|(field, range)| match range[..] {
            [low, high] => Ok((field, [low, high])),
            _ => Err(serde::de::Error::custom(format!(
                "the range of `{field}` must be two numbers, [low, high], not {}",
                range.len()
            ))),
        })
        .collect()
}
