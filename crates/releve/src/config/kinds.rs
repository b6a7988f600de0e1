//! The keys each source kind adds to a `[[source]]` table. The collector has one module per
//! kind that fetches with these settings; the other stages only need the common keys.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::config::Every;
use crate::config::offer_filters::OfferFilters;
use crate::record::FieldPath;

/// How a source is fetched, chosen by its `kind` key.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SourceKind {
    /// Any GET endpoint answering JSON (USGS feeds, Open-Meteo).
    HttpJson(HttpJson),
    /// An Opendatasoft Explore API v2.1 dataset (ODRÉ, Toulouse Métropole).
    Opendatasoft(Opendatasoft),
    /// A legacy Opendatasoft v1 / data4citizen `records/1.0/search` dataset.
    OdsV1(OdsV1),
    /// France Travail job offers (Offres d'emploi v2), one file per creation day.
    FranceTravail(FranceTravail),
}

impl SourceKind {
    /// Every kind's name, as `kind` takes it. A new kind joins this list and `KindName`
    /// (the compiler points to `kind_name`, then to every match on
    /// `KindName`; the tests of `source_table` hold this list to the enum's names as serde
    /// reads them).
    pub const NAMES: [&str; 4] = ["http_json", "opendatasoft", "ods_v1", "france_travail"];

    /// The kind's name as written in `sources.toml`.
    pub fn name(&self) -> &'static str {
        self.kind_name().name()
    }

    /// Which kind this is, without its settings.
    pub(crate) fn kind_name(&self) -> KindName {
        match self {
            SourceKind::HttpJson(_) => KindName::HttpJson,
            SourceKind::Opendatasoft(_) => KindName::Opendatasoft,
            SourceKind::OdsV1(_) => KindName::OdsV1,
            SourceKind::FranceTravail(_) => KindName::FranceTravail,
        }
    }

    /// Deserializes the keys of the kind called `kind` (its [`name`](Self::name)) on their own,
    /// without the `kind` tag; `None` when no kind has that name. Read this way rather than
    /// through `Source`'s flatten, a bad key keeps its position in the file.
    pub(super) fn deserialize_keys<'de, D: serde::Deserializer<'de>>(
        kind: &str,
        keys: D,
    ) -> Option<Result<(), D::Error>> {
        let checked = match KindName::named(kind)? {
            KindName::HttpJson => HttpJson::deserialize(keys).map(drop),
            KindName::Opendatasoft => Opendatasoft::deserialize(keys).map(drop),
            KindName::OdsV1 => OdsV1::deserialize(keys).map(drop),
            KindName::FranceTravail => FranceTravail::deserialize(keys).map(drop),
        };
        Some(checked)
    }

    /// Where a landed file of this source keeps its records: `http_json` files are the API's
    /// body as served, so the configured `records` path; the other kinds land a JSON array.
    pub fn records_path(&self) -> FieldPath {
        match self {
            SourceKind::HttpJson(http) => http.records.clone(),
            // Each named, so a new kind says where its files keep their records.
            SourceKind::Opendatasoft(_) | SourceKind::OdsV1(_) | SourceKind::FranceTravail(_) => {
                FieldPath::root()
            }
        }
    }
}

/// A source kind without its settings: what a table's `kind = "…"` names. Code that chooses
/// by the kind of a table it could not read whole (a refusal's hint) matches on it, so that the
/// compiler points to each such choice when a kind is added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KindName {
    HttpJson,
    Opendatasoft,
    OdsV1,
    FranceTravail,
}

impl KindName {
    /// Every kind, in [`SourceKind::NAMES`]'s order.
    pub(crate) const ALL: [KindName; 4] = [
        KindName::HttpJson,
        KindName::Opendatasoft,
        KindName::OdsV1,
        KindName::FranceTravail,
    ];

    /// The kind's name as written in `sources.toml`.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            KindName::HttpJson => "http_json",
            KindName::Opendatasoft => "opendatasoft",
            KindName::OdsV1 => "ods_v1",
            KindName::FranceTravail => "france_travail",
        }
    }

    /// The kind `name` names, if any.
    pub(crate) fn named(name: &str) -> Option<KindName> {
        KindName::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

/// `kind = "http_json"`: one GET per run, the body landed as served.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpJson {
    /// Dotted path to the record array in the body; `""` is the body itself. When the path
    /// leads to an object, that object is one record (Open-Meteo's `current`).
    #[serde(default = "FieldPath::root")]
    pub records: FieldPath,
    /// Extra query parameters; a number or a boolean is sent as TOML reads it (`latitude =
    /// 43.6` as `43.6`, `1.0` as `1`).
    #[serde(default, deserialize_with = "query_values")]
    pub params: BTreeMap<String, String>,
    /// Extra request headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Name of the environment variable holding an API key; the key itself never goes in a file.
    pub key_env: Option<String>,
    /// Query parameter that carries the key (default: sent as the `key_header` header instead).
    pub key_param: Option<String>,
    /// Header that carries the key when `key_param` is not set (see [`HttpJson::key_header`]).
    #[serde(rename = "key_header")]
    pub key_header_set: Option<String>,
    /// The object at `records` holds one array per field, as Open-Meteo's `hourly`: record `i`
    /// is made of each array's item `i`, and a member that is not an array goes into every
    /// record. The file lands with those records as an array at the same path.
    #[serde(default)]
    pub columns: bool,
    /// A field the collector adds to every record, holding when the API answered (UTC, whole
    /// seconds, `2026-12-04T03:15:42Z`): the time of a snapshot whose records carry none (a
    /// feed of each station's current state), for `time` (and `key`) to name.
    pub stamp: Option<String>,
}

/// Query parameters whose values are text, numbers or booleans, as text; another value is
/// refused naming its parameter and how to write it.
fn query_values<'de, D>(deserializer: D) -> Result<BTreeMap<String, String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let values = BTreeMap::<String, toml::Value>::deserialize(deserializer)?;
    values
        .into_iter()
        .map(|(name, value)| {
            let text = match value {
                toml::Value::String(text) => text,
                toml::Value::Integer(n) => n.to_string(),
                // TOML's `nan` and `inf` would be sent as `NaN` and `inf`, which no API reads
                // as a number.
                toml::Value::Float(x) if !x.is_finite() => {
                    let written = match x {
                        x if x.is_nan() => "nan",
                        x if x > 0.0 => "inf",
                        _ => "-inf",
                    };
                    return Err(serde::de::Error::custom(format!(
                        "`{name}` = {written} is no number an API reads: write it as text to send it as written"
                    )));
                }
                toml::Value::Float(x) => x.to_string(),
                toml::Value::Boolean(flag) => flag.to_string(),
                toml::Value::Datetime(when) => {
                    return Err(serde::de::Error::custom(format!(
                        "`{name}` = {when} is a TOML date: write it as text, `{name} = \"{when}\"`, to send it as written"
                    )));
                }
                toml::Value::Array(items) => {
                    return Err(serde::de::Error::custom(format!(
                        "`{name}`: each value is text, a number or true/false; write a list as the one text the API reads (`{name} = \"{}\"`)",
                        as_one_text(&items)
                    )));
                }
                // `filter.year = 2026` is TOML's table `filter`, not a name with a dot.
                toml::Value::Table(table) => {
                    let inner = table.keys().next().map_or("year", String::as_str);
                    return Err(serde::de::Error::custom(format!(
                        "`{name}` is a table (`{name}.{inner} = …` or `{name} = {{ … }}`), and each value is text, a number or true/false: quote a parameter name holding a dot or brackets, `\"{name}.{inner}\" = …` or `\"{name}[{inner}]\" = …`"
                    )));
                }
            };
            Ok((name, text))
        })
        .collect()
}

/// A list of parameter values as the one text most APIs read, its items joined by commas
/// (`temperature_2m,precipitation`); `1,2` for a list of other values, or of none.
fn as_one_text(items: &[toml::Value]) -> String {
    let texts: Option<Vec<String>> = items
        .iter()
        .map(|item| match item {
            toml::Value::String(text) => Some(text.clone()),
            toml::Value::Integer(n) => Some(n.to_string()),
            toml::Value::Float(x) if x.is_finite() => Some(x.to_string()),
            toml::Value::Boolean(flag) => Some(flag.to_string()),
            _ => None,
        })
        .collect();
    match texts {
        Some(texts) if !texts.is_empty() => {
            texts.join(",").replace('\\', "\\\\").replace('"', "\\\"")
        }
        _ => "1,2".to_owned(),
    }
}

impl HttpJson {
    /// The header that carries the key: `key_header`, else `Authorization`.
    pub fn key_header(&self) -> &str {
        self.key_header_set.as_deref().unwrap_or("Authorization")
    }

    /// The time zone other than UTC the source asks its API to answer in, as a `timezone`
    /// query parameter in `params` or else in `url` (each the url writes is sent, and an API may
    /// read any of them, so each counts), and the key naming it; `None` when it asks for none,
    /// or only for UTC (any of its names, or an empty value). An address that does not parse
    /// asks for none (the configuration's checks refuse it).
    pub fn local_zone(&self, url: &str) -> Option<LocalZone> {
        self.sent("timezone", url)
            .into_iter()
            .find(|(_, zone)| !names_utc(zone))
            .map(|(key, zone)| LocalZone { key, zone })
    }

    /// Every value sent for the query parameter `name`, and the key giving it: `params`'s,
    /// sent in place of the address `url`'s, else each of the url's (none when it does not
    /// parse).
    pub fn sent(&self, name: &str, url: &str) -> Vec<(&'static str, String)> {
        if let Some(value) = self.params.get(name) {
            return vec![("params", value.clone())];
        }
        url::Url::parse(url)
            .map(|url| {
                url.query_pairs()
                    .filter(|(sent, _)| sent == name)
                    .map(|(_, value)| ("url", value.into_owned()))
                    .collect()
            })
            .unwrap_or_else(|_| Vec::new())
    }
}

/// The names of UTC in the IANA database (its links included) and in ISO 8601, in any case.
const UTC_NAMES: [&str; 19] = [
    "UTC",
    "GMT",
    "Z",
    "UCT",
    "Zulu",
    "Universal",
    "Greenwich",
    "GMT0",
    "GMT+0",
    "GMT-0",
    "Etc/UTC",
    "Etc/GMT",
    "Etc/UCT",
    "Etc/Zulu",
    "Etc/Universal",
    "Etc/Greenwich",
    "Etc/GMT0",
    "Etc/GMT+0",
    "Etc/GMT-0",
];

/// True when `zone` names UTC, or is empty (no zone asked for).
pub fn names_utc(zone: &str) -> bool {
    let zone = zone.trim();
    zone.is_empty() || UTC_NAMES.iter().any(|utc| zone.eq_ignore_ascii_case(utc))
}

/// A time zone other than UTC that an `http_json` source asks its API to answer in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalZone {
    /// The key naming it: `params` or `url`.
    pub key: &'static str,
    /// The zone as written (`Europe/Paris`, `auto`).
    pub zone: String,
}

/// `kind = "opendatasoft"`: an Explore API v2.1 dataset; `url` is the portal base.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Opendatasoft {
    /// Dataset identifier, e.g. `eco2mix-national-tr`.
    pub dataset: String,
    /// ODSQL `select` clause.
    pub select: Option<String>,
    /// ODSQL `where` clause.
    #[serde(rename = "where")]
    pub where_clause: Option<String>,
    /// ODSQL `order_by` clause; an incremental source without one is ordered by its `time`.
    pub order_by: Option<String>,
    /// Facet refinements, each `facet:value`.
    #[serde(default)]
    pub refine: Vec<String>,
    /// Fetch only records from the newest `time` already landed on, less `lookback`.
    #[serde(default)]
    pub incremental: bool,
    /// How far before the newest landed `time` an incremental run starts again, so rows the
    /// portal fills in after they first landed (éCO2mix's latest rows hold nulls until its
    /// hourly refresh) land again with their values. Default 3 hours.
    pub lookback: Option<Every>,
    /// How far before the newest landed `time` the first run of each UTC day starts instead,
    /// so rows the portal revises long after they landed (éCO2mix's quarter-hours
    /// consolidated) land again, revised. None: never further than `lookback`.
    pub recheck: Option<Every>,
}

impl Opendatasoft {
    /// The `lookback` of an incremental source when none is set.
    pub const DEFAULT_LOOKBACK: Every = Every::from_secs(3 * 3600);

    /// How far before the cursor an incremental run starts.
    pub fn lookback(&self) -> Every {
        self.lookback.unwrap_or(Self::DEFAULT_LOOKBACK)
    }

    /// How far before the cursor an incremental run starts when it is the source's first
    /// successful one of its UTC day: `recheck`, when set.
    pub fn reach(&self, first_of_its_day: bool) -> Every {
        match self.recheck {
            Some(recheck) if first_of_its_day => recheck.max(self.lookback()),
            _ => self.lookback(),
        }
    }
}

/// `kind = "ods_v1"`: a legacy `api/records/1.0/search` dataset; `url` is the portal base.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OdsV1 {
    /// Dataset identifier.
    pub dataset: String,
    /// Full-text query.
    pub q: Option<String>,
    /// Facet refinements: `{ facet = "value" }` becomes `refine.facet=value`.
    #[serde(default)]
    pub refine: BTreeMap<String, String>,
    /// Facet exclusions: `{ facet = "value" }` becomes `exclude.facet=value`, leaving out the
    /// records holding that value.
    #[serde(default)]
    pub exclude: BTreeMap<String, String>,
    /// Facets to ask for.
    #[serde(default)]
    pub facet: Vec<String>,
    /// Sort field.
    pub sort: Option<String>,
    /// Page size (the portal caps it, 1000 on older portals).
    #[serde(default = "default_v1_rows")]
    pub rows: u32,
}

impl OdsV1 {
    /// The largest page: records past the 10,000th of a search cannot be paged to.
    pub const MAX_ROWS: u32 = 10_000;
}

fn default_v1_rows() -> u32 {
    1000
}

/// `kind = "france_travail"`: Offres d'emploi v2; `url` is the API base. Credentials come
/// from `FRANCE_TRAVAIL_CLIENT_ID` / `FRANCE_TRAVAIL_CLIENT_SECRET` (environment or `.env`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FranceTravail {
    /// OAuth2 token endpoint.
    #[serde(default = "default_token_url")]
    pub token_url: String,
    /// OAuth2 scope.
    #[serde(default = "default_scope")]
    pub scope: String,
    /// Search filters sent on every query (`departement = "31"`): only the offers they match
    /// are collected. Default none, every offer of France.
    #[serde(default)]
    pub params: OfferFilters,
}

impl FranceTravail {
    /// The offer field `drop` removes by default: the recruiter's contact (personal data).
    pub fn personal_data() -> FieldPath {
        FieldPath::field("contact")
    }
}

fn default_token_url() -> String {
    "https://entreprise.francetravail.fr/connexion/oauth2/access_token?realm=/partenaire".to_owned()
}

fn default_scope() -> String {
    FranceTravail::DEFAULT_SCOPE.to_owned()
}

impl FranceTravail {
    /// The scope Offres d'emploi v2 grants, asked for unless `scope` is set.
    pub const DEFAULT_SCOPE: &str = "api_offresdemploiv2 o2dsoffre";
}
