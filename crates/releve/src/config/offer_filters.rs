//! The search filters a `france_travail` source sets in `params`, sent by the collector on every
//! query of its day (`params = { departement = "31" }` collects Haute-Garonne's offers alone).
//! Only the filters of Offres d'emploi v2 that choose offers are taken, each a text or a list of
//! texts, and a code is checked for its shape: a filter the API would refuse, or one read as
//! another (`departement = "3"`), fails when `sources.toml` is read rather than every night.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

/// A search filter of Offres d'emploi v2. An offer lacking the filtered attribute is never
/// returned by a query filtering on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OfferFilter {
    /// `codeROME`: the trade, such as `M1805`.
    CodeRome,
    /// `typeContrat`: the contract type, such as `CDI`.
    TypeContrat,
    /// `region`: the region of the place of work, such as `76` (Occitanie).
    Region,
    /// `departement`: the département of the place of work, such as `31` or `2A`.
    Departement,
    /// `commune`: the INSEE code of the town of the place of work, such as `31555`.
    Commune,
    /// `motsCles`: words the offer holds.
    MotsCles,
}

/// Query parameters the collector sets itself on each query: it pages and cuts the day.
const COLLECTOR_PARAMS: [&str; 4] = ["range", "minCreationDate", "maxCreationDate", "sort"];

impl OfferFilter {
    /// Every filter, in the order they are sent.
    pub const ALL: [OfferFilter; 6] = [
        OfferFilter::CodeRome,
        OfferFilter::TypeContrat,
        OfferFilter::Region,
        OfferFilter::Departement,
        OfferFilter::Commune,
        OfferFilter::MotsCles,
    ];

    /// Whether it chooses so few offers that a day without one is common: a trade, a town,
    /// words (a contract type, a region or a département have offers every day).
    pub fn is_narrow(self) -> bool {
        matches!(
            self,
            OfferFilter::CodeRome | OfferFilter::Commune | OfferFilter::MotsCles
        )
    }

    /// The query parameter, as written in `params`.
    pub fn param(self) -> &'static str {
        match self {
            OfferFilter::CodeRome => "codeROME",
            OfferFilter::TypeContrat => "typeContrat",
            OfferFilter::Region => "region",
            OfferFilter::Departement => "departement",
            OfferFilter::Commune => "commune",
            OfferFilter::MotsCles => "motsCles",
        }
    }

    fn from_param(name: &str) -> Option<OfferFilter> {
        OfferFilter::ALL.into_iter().find(|f| f.param() == name)
    }

    /// Whether `value` has the shape of one of this filter's codes (a region's, one of the 18);
    /// when not, what it should be.
    fn check(self, value: &str) -> Result<(), &'static str> {
        let digits =
            |text: &str, n: usize| text.len() == n && text.bytes().all(|b| b.is_ascii_digit());
        let fits = match self {
            OfferFilter::CodeRome => {
                value.len() == 5
                    && value.as_bytes()[0].is_ascii_uppercase()
                    && digits(&value[1..], 4)
            }
            OfferFilter::TypeContrat => {
                value.len() == 3 && value.bytes().all(|b| b.is_ascii_uppercase())
            }
            OfferFilter::Region => REGIONS.contains(&value),
            OfferFilter::Departement => is_departement(value),
            // A commune is numbered from 001 in its département, from 01 in an overseas one
            // (`974` + `11`): `31000` and `97400` are postcodes.
            OfferFilter::Commune => {
                (digits(value, 5)
                    || (["2A", "2B"].iter().any(|c| value.starts_with(c))
                        && digits(value.get(2..).unwrap_or_default(), 3)))
                    && !value.ends_with("000")
                    && !(value.starts_with("97") && value.ends_with("00"))
            }
            OfferFilter::MotsCles => true,
        };
        if fits {
            return Ok(());
        }
        Err(match self {
            OfferFilter::CodeRome => {
                "a ROME code is a capital letter and four digits, such as \"M1805\""
            }
            OfferFilter::TypeContrat => {
                "a contract type is three capital letters, such as \"CDI\" or \"CDD\""
            }
            OfferFilter::Region => {
                "a region code is one of the 18 regions' two digits (01 to 04 and 06 overseas, 11, 24, 27, 28, 32, 44, 52, 53, 75, 76, 84, 93, 94), such as \"76\" (Occitanie)"
            }
            OfferFilter::Departement => {
                "a département code is two characters, such as \"31\", \"2A\" or \"2B\", or three digits from \"971\" to \"976\""
            }
            OfferFilter::Commune => {
                "a commune is its five-character INSEE code, such as \"31555\" (Toulouse) or \"2A004\", not its postcode"
            }
            OfferFilter::MotsCles => "",
        })
    }
}

/// Whether `code` is shaped as a département's: `01` to `95` but `20`, `2A`, `2B`, or `971` to
/// `976`.
fn is_departement(code: &str) -> bool {
    match code.as_bytes() {
        [b'2', b'A' | b'B'] => true,
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
            !["00", "20", "96", "97", "98", "99"].contains(&code)
        }
        [b'9', b'7', c] => (b'1'..=b'6').contains(c),
        _ => false,
    }
}

/// The département of a commune's INSEE code: its first two characters, three overseas.
fn departement_of_commune(commune: &str) -> &str {
    let width = if commune.starts_with("97") { 3 } else { 2 };
    commune.get(..width).unwrap_or(commune)
}

/// The filters of a `france_travail` source: each set filter with its values, none empty, each
/// of the shape its filter's codes have; a text holding commas is the list it writes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct OfferFilters(BTreeMap<OfferFilter, Vec<String>>);

impl OfferFilters {
    /// Whether no filter is set: the source collects every offer of France.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The values of `filter`, when it is set.
    pub fn values(&self, filter: OfferFilter) -> Option<&[String]> {
        self.0.get(&filter).map(Vec::as_slice)
    }

    /// Each set filter and its values, in [`OfferFilter::ALL`]'s order.
    pub fn iter(&self) -> impl Iterator<Item = (OfferFilter, &[String])> {
        self.0
            .iter()
            .map(|(filter, values)| (*filter, values.as_slice()))
    }

    /// The départements the filters let an offer be in, when they say: those of `departement`,
    /// and of `commune`'s towns (both set, those of both). An offer outside them is never
    /// returned.
    pub fn departements(&self) -> Option<BTreeSet<&str>> {
        let listed = self
            .values(OfferFilter::Departement)
            .map(|codes| codes.iter().map(String::as_str).collect::<BTreeSet<_>>());
        let of_communes = self.values(OfferFilter::Commune).map(|communes| {
            communes
                .iter()
                .map(|c| departement_of_commune(c))
                .collect::<BTreeSet<_>>()
        });
        match (listed, of_communes) {
            (Some(listed), Some(towns)) => Some(listed.intersection(&towns).copied().collect()),
            (listed, towns) => listed.or(towns),
        }
    }
}

/// The filters as sent, `departement=31,81, typeContrat=CDI`, for messages and the catalogue.
impl std::fmt::Display for OfferFilters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (n, (filter, values)) in self.iter().enumerate() {
            let separator = if n == 0 { "" } else { ", " };
            write!(f, "{separator}{}={}", filter.param(), values.join(","))?;
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for OfferFilters {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let written = BTreeMap::<String, toml::Value>::deserialize(deserializer)?;
        let mut filters = BTreeMap::new();
        for (name, value) in written {
            let filter = filter_named(&name).map_err(serde::de::Error::custom)?;
            let values = filter_values(filter, value).map_err(serde::de::Error::custom)?;
            filters.insert(filter, values);
        }
        Ok(OfferFilters(filters))
    }
}

/// The filter a parameter name sets, or why it is refused.
fn filter_named(name: &str) -> Result<OfferFilter, String> {
    if let Some(filter) = OfferFilter::from_param(name) {
        return Ok(filter);
    }
    if let Some(own) = COLLECTOR_PARAMS
        .iter()
        .find(|p| p.eq_ignore_ascii_case(name))
    {
        return Err(format!(
            "`{own}` is set by the collector on each query (it pages through and cuts the day itself): leave it out"
        ));
    }
    let names = OfferFilter::ALL.map(OfferFilter::param);
    Err(match super::closest(name, &names) {
        Some(near) => format!("unknown filter `{name}` (did you mean `{near}`?)"),
        None => format!(
            "unknown filter `{name}`, expected one of {}",
            names.map(|n| format!("`{n}`")).join(", ")
        ),
    })
}

/// The values written for `filter`: a text (commas separating several) or a list of texts,
/// none blank and each shaped as the filter's codes; sorted, each once.
fn filter_values(filter: OfferFilter, value: toml::Value) -> Result<Vec<String>, String> {
    let name = filter.param();
    let texts = match value {
        toml::Value::String(text) => vec![text],
        toml::Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                toml::Value::String(text) => Ok(text),
                other => Err(not_text(name, &other)),
            })
            .collect::<Result<_, _>>()?,
        other => return Err(not_text(name, &other)),
    };
    let values: Vec<String> = texts
        .iter()
        .flat_map(|text| text.split(','))
        .map(|value| value.trim().to_owned())
        .collect();
    if values.is_empty() || values.iter().any(String::is_empty) {
        return Err(format!(
            "`{name}` has an empty value: write the values it keeps (`{name} = \"…\"` or `{name} = [\"…\", \"…\"]`), or leave it out to keep every offer"
        ));
    }
    for value in &values {
        filter
            .check(value)
            .map_err(|shape| format!("`{name}` = \"{}\": {shape}", value.escape_debug()))?;
    }
    // Sorted, each once: the order written chooses nothing, and the query's fingerprint (and
    // so a changed query) follows what is chosen.
    let mut values = values;
    values.sort();
    values.dedup();
    Ok(values)
}

/// Why a value that is no text is refused: codes are texts (`09`, `2A` are no numbers).
fn not_text(name: &str, value: &toml::Value) -> String {
    let written = match value {
        toml::Value::Integer(n) => format!("{n:02}"),
        toml::Value::Float(x) => x.to_string(),
        _ => "…".to_owned(),
    };
    format!(
        "`{name}` takes a text or a list of texts: write codes in quotes, `{name} = \"{written}\"` (\"09\" and \"2A\" are no numbers)"
    )
}

/// The 18 regions' codes (INSEE's, as France Travail's `referentiel/regions` lists them).
const REGIONS: [&str; 18] = [
    "01", "02", "03", "04", "06", "11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84",
    "93", "94",
];
