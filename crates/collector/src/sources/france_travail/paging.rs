//! The search API's paging contract: a query (creation-time window and filters) becomes
//! `range=p-d` requests of at most 150 offers with p ≤ 3000 and d ≤ 3149, and an answer
//! (200, 206 or 204, `Content-Range: offres p-d/total`) becomes a [`SearchPage`].

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use releve::config::{OfferFilter, OfferFilters};
use serde_json::Value;

/// Offers per call at most.
pub(crate) const PAGE_SIZE: u64 = 150;
/// Offers one query can reach at most: positions 0 to 3149.
pub(crate) const WINDOW: u64 = 3150;

/// A filter the search accepts, used to split one creation second that holds more offers than
/// the window. Offers lacking the attribute never match a filtered query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Dimension {
    /// `typeContrat`, present on every offer France Travail publishes.
    ContractType,
    /// `region` of the place of work, missing when an offer has no precise place.
    Region,
    /// `departement` of the place of work, missing when an offer has no precise place.
    Departement,
}

/// One value a filter accepts, from the API's reference lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reference {
    /// The code sent as the filter's value.
    pub(crate) code: String,
    /// The region a département belongs to, when the list says.
    pub(crate) region: Option<String>,
}

impl Dimension {
    /// The filters tried in turn, most often present first; regions before départements so
    /// that a crowded second costs 18 probes, not 101.
    pub(crate) const CASCADE: [Dimension; 3] = [
        Dimension::ContractType,
        Dimension::Region,
        Dimension::Departement,
    ];

    /// The query parameter.
    pub(crate) fn param(self) -> &'static str {
        match self {
            Dimension::ContractType => "typeContrat",
            Dimension::Region => "region",
            Dimension::Departement => "departement",
        }
    }

    /// The source's filter on the same attribute.
    pub(crate) fn filter(self) -> OfferFilter {
        match self {
            Dimension::ContractType => OfferFilter::TypeContrat,
            Dimension::Region => OfferFilter::Region,
            Dimension::Departement => OfferFilter::Departement,
        }
    }

    /// The reference list of its values, under the API base.
    pub(crate) fn reference_path(self) -> &'static str {
        match self {
            Dimension::ContractType => "referentiel/typesContrats",
            Dimension::Region => "referentiel/regions",
            Dimension::Departement => "referentiel/departements",
        }
    }
}

/// One search: offers created within `from..=to` (whole seconds) matching every filter, the
/// source's and the cuts'.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SearchQuery {
    /// First creation second included.
    pub(crate) from: DateTime<Utc>,
    /// Last creation second included.
    pub(crate) to: DateTime<Utc>,
    /// Filters of the cuts, in cascade order. A cut's value is one the source's filter on
    /// the same attribute allows, and is sent instead of it.
    pub(crate) filters: Vec<(Dimension, String)>,
    /// The source's own filters (its `params`), sent on every query of its day.
    pub(crate) scope: Arc<OfferFilters>,
}

const DATE_FORMAT: &str = "%Y-%m-%dT%H:%M:%SZ";

impl SearchQuery {
    /// Seconds covered (at least 1).
    pub(crate) fn seconds(&self) -> i64 {
        (self.to - self.from).num_seconds() + 1
    }

    /// Cuts the time window into `parts` consecutive windows of nearly equal length.
    pub(crate) fn split_time(&self, parts: i64) -> Vec<SearchQuery> {
        let seconds = self.seconds();
        let parts = parts.clamp(1, seconds);
        (0..parts)
            .map(|i| SearchQuery {
                from: self.from + TimeDelta::seconds(i * seconds / parts),
                to: self.from + TimeDelta::seconds((i + 1) * seconds / parts - 1),
                filters: self.filters.clone(),
                scope: Arc::clone(&self.scope),
            })
            .collect()
    }

    /// The value of one of its filters.
    pub(crate) fn filter(&self, dimension: Dimension) -> Option<&str> {
        self.filters
            .iter()
            .find(|(d, _)| *d == dimension)
            .map(|(_, v)| v.as_str())
    }

    /// The same query narrowed by one more filter.
    pub(crate) fn narrowed(&self, dimension: Dimension, value: &str) -> SearchQuery {
        let mut filters = self.filters.clone();
        filters.push((dimension, value.to_owned()));
        SearchQuery {
            filters,
            ..self.clone()
        }
    }

    /// Whether cutting by `dimension` can divide the query: not when the source's filters
    /// leave its attribute one value (the one part would be the query again), nor, for the
    /// region, when they name the départements (cut by those, fewer and finer).
    pub(crate) fn divides_by(&self, dimension: Dimension) -> bool {
        let several = |values: Option<usize>| values.is_none_or(|n| n > 1);
        let departements = self.scope.departements();
        match dimension {
            Dimension::ContractType => {
                several(self.scope.values(dimension.filter()).map(<[_]>::len))
            }
            Dimension::Region => {
                departements.is_none()
                    && several(self.scope.values(dimension.filter()).map(<[_]>::len))
            }
            Dimension::Departement => several(departements.map(|d| d.len())),
        }
    }

    /// The filters sent: the source's, each in turn but where a cut on the same attribute
    /// narrows it, then the cuts.
    fn sent_filters(&self) -> Vec<(&'static str, String)> {
        let cut = |filter: OfferFilter| self.filters.iter().any(|(d, _)| d.filter() == filter);
        self.scope
            .iter()
            .filter(|(filter, _)| !cut(*filter))
            .map(|(filter, values)| (filter.param(), values.join(",")))
            .chain(self.filters.iter().map(|(d, v)| (d.param(), v.clone())))
            .collect()
    }

    /// Query parameters for the page starting at `start`.
    pub(crate) fn params(&self, start: u64) -> Vec<(&'static str, String)> {
        let end = (start + PAGE_SIZE - 1).min(WINDOW - 1);
        let mut params = vec![
            ("range", format!("{start}-{end}")),
            ("minCreationDate", self.from.format(DATE_FORMAT).to_string()),
            ("maxCreationDate", self.to.format(DATE_FORMAT).to_string()),
        ];
        params.extend(self.sent_filters());
        params
    }
}

/// The query in words for messages: `created 2026-11-21T08:00:00Z..2026-11-21T08:59:59Z,
/// typeContrat=CDI`.
impl std::fmt::Display for SearchQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "created {}..{}",
            self.from.format(DATE_FORMAT),
            self.to.format(DATE_FORMAT)
        )?;
        for (param, value) in self.sent_filters() {
            write!(f, ", {param}={value}")?;
        }
        Ok(())
    }
}

/// The starts of the pages after the first that reach every offer of a query holding `total`
/// offers, within the window.
pub(crate) fn later_pages(total: u64) -> impl Iterator<Item = u64> {
    (PAGE_SIZE..total.min(WINDOW)).step_by(PAGE_SIZE as usize)
}

/// One answer of the search.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SearchPage {
    /// Offers the query holds, as announced by `Content-Range`.
    pub(crate) total: u64,
    /// The offers of this page.
    pub(crate) offers: Vec<Value>,
}

/// Why an answer is not a page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum PageError {
    /// The body is not `{"resultats": [...]}`.
    #[error("the search answer is not {{\"resultats\": [...]}}: {0}")]
    Body(String),
    /// `Content-Range` is missing or unreadable on a partial answer.
    #[error("the search answer has no readable Content-Range (`{0}`)")]
    ContentRange(String),
}

impl SearchPage {
    /// Reads an answer: 204 is an empty query; 200 and 206 carry offers and a total.
    pub(crate) fn from_answer(
        status: u16,
        content_range: Option<&str>,
        body: &[u8],
    ) -> Result<SearchPage, PageError> {
        if status == 204 || (status == 200 && body.iter().all(u8::is_ascii_whitespace)) {
            return Ok(SearchPage {
                total: 0,
                offers: Vec::new(),
            });
        }
        let mut value: Value =
            serde_json::from_slice(body).map_err(|e| PageError::Body(e.to_string()))?;
        let offers = match value.get_mut("resultats").map(Value::take) {
            Some(Value::Array(offers)) => offers,
            _ => return Err(PageError::Body("no `resultats` array".to_owned())),
        };
        let total = match content_range.map(total_from_content_range) {
            Some(Some(total)) => total,
            None if status == 200 => offers.len() as u64,
            _ => {
                return Err(PageError::ContentRange(
                    content_range.unwrap_or_default().to_owned(),
                ));
            }
        };
        Ok(SearchPage { total, offers })
    }
}

/// The total of `offres 0-149/15262`.
fn total_from_content_range(header: &str) -> Option<u64> {
    header.rsplit_once('/')?.1.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn day_query() -> SearchQuery {
        SearchQuery {
            from: Utc
                .with_ymd_and_hms(2026, 11, 21, 0, 0, 0)
                .single()
                .expect("time"),
            to: Utc
                .with_ymd_and_hms(2026, 11, 21, 23, 59, 59)
                .single()
                .expect("time"),
            filters: Vec::new(),
            scope: Arc::default(),
        }
    }

    #[test]
    fn pages_stay_within_the_api_caps() {
        let starts: Vec<u64> = later_pages(353).collect();
        assert_eq!(starts, vec![150, 300]);
        let starts: Vec<u64> = later_pages(50_000).collect();
        assert_eq!(starts.len(), 20);
        assert_eq!(starts.last(), Some(&3000));
        let params = day_query().params(3000);
        assert_eq!(params[0], ("range", "3000-3149".to_owned()));
        assert_eq!(later_pages(150).count(), 0);
    }

    #[test]
    fn a_day_splits_into_contiguous_windows_covering_every_second() {
        let parts = day_query().split_time(7);
        assert_eq!(parts.len(), 7);
        assert_eq!(parts[0].from, day_query().from);
        assert_eq!(parts[6].to, day_query().to);
        for pair in parts.windows(2) {
            assert_eq!(pair[1].from - pair[0].to, TimeDelta::seconds(1));
        }
        assert_eq!(parts.iter().map(SearchQuery::seconds).sum::<i64>(), 86_400);
        let second = SearchQuery {
            to: day_query().from,
            ..day_query()
        };
        assert_eq!(second.split_time(4), vec![second.clone()]);
    }

    #[test]
    fn filters_and_dates_become_the_documented_parameters() {
        let query = day_query()
            .narrowed(Dimension::ContractType, "CDI")
            .narrowed(Dimension::Departement, "31");
        let params = query.params(0);
        assert_eq!(
            params,
            vec![
                ("range", "0-149".to_owned()),
                ("minCreationDate", "2026-11-21T00:00:00Z".to_owned()),
                ("maxCreationDate", "2026-11-21T23:59:59Z".to_owned()),
                ("typeContrat", "CDI".to_owned()),
                ("departement", "31".to_owned()),
            ]
        );
        assert_eq!(
            query.to_string(),
            "created 2026-11-21T00:00:00Z..2026-11-21T23:59:59Z, typeContrat=CDI, departement=31",
            "messages name the query, not only its range"
        );
    }

    /// The source's filters go with every page; a cut on the same attribute is sent instead
    /// of the source's list, never beside it.
    #[test]
    fn the_source_filters_go_with_every_query_and_a_cut_narrows_them() {
        let scope: OfferFilters = serde_json::from_value(serde_json::json!({
            "departement": ["31", "81"],
            "motsCles": "journaliste",
        }))
        .expect("filters");
        let day = SearchQuery {
            scope: Arc::new(scope),
            ..day_query()
        };
        let slice = &day.split_time(3)[1];
        assert_eq!(
            slice.params(150)[3..],
            [
                ("departement", "31,81".to_owned()),
                ("motsCles", "journaliste".to_owned()),
            ]
        );
        let cut = slice.narrowed(Dimension::Departement, "81");
        assert_eq!(
            cut.params(0)[3..],
            [
                ("motsCles", "journaliste".to_owned()),
                ("departement", "81".to_owned()),
            ]
        );
        assert!(
            cut.to_string()
                .ends_with(", motsCles=journaliste, departement=81")
        );
    }

    #[test]
    fn answers_give_totals_and_offers() {
        let body = br#"{"resultats":[{"id":"207QYWM"},{"id":"207QYWN"}]}"#;
        let page = SearchPage::from_answer(206, Some("offres 300-301/302"), body).expect("page");
        assert_eq!(page.total, 302);
        assert_eq!(page.offers.len(), 2);
        let empty = SearchPage::from_answer(204, None, b"").expect("no content");
        assert_eq!(empty.total, 0);
        let whole = SearchPage::from_answer(200, None, body).expect("all in one page");
        assert_eq!(whole.total, 2);
        assert!(SearchPage::from_answer(206, None, body).is_err());
        assert!(SearchPage::from_answer(206, Some("offres 0-1/x"), body).is_err());
        assert!(SearchPage::from_answer(200, None, b"{\"resultats\":").is_err());
    }
}
