//! `kind = "opendatasoft"`: an Explore API v2.1 dataset; `url` is the portal base.
//!
//! Keys: `dataset`, optional `select`, `where`, `order_by`, `refine` (a list of `facet:value`),
//! `incremental`. The first `/records` call (limit 100) tells the selection's `total_count`;
//! a selection it does not hold comes whole from one `/exports/json` call, which has no window
//! and does not shift like pages of a live dataset (see [`windowed`]). A record served twice
//! alike is kept once.
//!
//! A selection is ordered by `time` unless `order_by` is set (pages of a selection the portal
//! orders as it likes could each come in another order), when `time` names a field or an
//! alias rather than a dotted path. `incremental = true` adds
//! `` `<time>` >= date'<start>' `` to the `where` clause. The start is the newest record `time` landed so far (from
//! the source's state file, else its newest landed file) less `lookback` (default 3 hours), so
//! rows the portal completes after they first landed are fetched again; `--since` replaces it.
//! A first run, with no cursor, fetches the 24 hours up to the selection's newest row (one
//! call of a single row asks for it): the last 24 hours, unless the dataset is published late
//! or its station is down, when the last 24 hours would hold nothing, no cursor would ever be
//! set and every run would ask the same empty window again.

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use releve::config::Opendatasoft;
use releve::{Source, SourceKind};

use super::windowed::{self, Endpoints, Portal};
use super::{Collected, RunContext, SourceError};

/// The largest `limit` the records endpoint accepts.
const PAGE_LIMIT: u64 = 100;

/// Fetches every record of the selection.
pub(super) async fn collect(
    ctx: &RunContext,
    source: &Source,
    settings: &Opendatasoft,
) -> Result<Collected, SourceError> {
    let base = format!(
        "{}/api/explore/v2.1/catalog/datasets/{}",
        source.url.trim_end_matches('/'),
        settings.dataset
    );
    let start = match ctx.since {
        Some(since) => Some(since),
        None if settings.incremental => Some(first_start(ctx, source, settings, &base).await?),
        None => None,
    };
    let portal = Portal {
        ctx,
        endpoints: Endpoints {
            page_url: format!("{base}/records"),
            page_name: "records",
            paging: ["offset", "limit"],
            bulk_url: format!("{base}/exports/json"),
            bulk_name: "exports/json",
            bulk_params: &[],
            narrowing: "`where`, `refine`, `select`, or `incremental = true`",
        },
        query: selection(source, settings, start)
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect(),
    };
    windowed::collect(ctx, source, &portal, PAGE_LIMIT).await
}

/// Where an incremental source's first run starts, with no cursor yet: 24 hours before the
/// selection's newest row not dated ahead of now, or before now when the selection holds
/// none, or when its `time` is a dotted path ODSQL cannot order by.
async fn first_start(
    ctx: &RunContext,
    source: &Source,
    settings: &Opendatasoft,
    base: &str,
) -> Result<DateTime<Utc>, SourceError> {
    let now = Utc::now();
    let fallback = now - TimeDelta::days(1);
    if source.time.segments().len() != 1 {
        return Ok(fallback);
    }
    let mut query = selection(source, settings, None);
    query.retain(|(name, _)| *name != "order_by");
    // Rows dated ahead (a year mistyped, a forecast's) are not the newest published.
    let field = odsql_field(source);
    let published = format!("{field} <= {}", date_literal(now));
    match query.iter_mut().find(|(name, _)| *name == "where") {
        Some((_, clause)) => *clause = format!("{clause} AND {published}"),
        None => query.push(("where", published)),
    }
    query.push(("order_by", format!("{field} desc")));
    query.push(("limit", "1".to_owned()));
    let what = "records (the selection's newest row, for a first incremental run)";
    let answer = ctx
        .client
        .send_json(what, |http| {
            http.get(format!("{base}/records")).query(&query)
        })
        .await?;
    let page: NewestRow = ctx.client.decode(&answer, what)?;
    let newest = page.results.first().and_then(|row| {
        let written = source.time.get(row)?;
        releve::record::timestamp_in(written, source.local_times)
    });
    Ok(match newest {
        Some(newest) if newest < now => {
            if newest < fallback {
                tracing::info!(source = %source.name, newest = %newest, "First incremental run: the selection's newest row is over a day old; its last 24 hours are collected.");
            }
            newest - TimeDelta::days(1)
        }
        _ => fallback,
    })
}

/// `at` as an ODSQL date literal, `date'2026-11-22T07:45:00.000Z'`.
fn date_literal(at: DateTime<Utc>) -> String {
    format!("date'{}'", at.to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// The one row of a first incremental run's question.
#[derive(serde::Deserialize)]
struct NewestRow {
    #[serde(default)]
    results: Vec<serde_json::Value>,
}

/// The query parameters shared by `/records` and `/exports/json`; `since`, an incremental
/// source's start.
fn selection(
    source: &Source,
    settings: &Opendatasoft,
    since: Option<DateTime<Utc>>,
) -> Vec<(&'static str, String)> {
    let mut query = vec![("timezone", "UTC".to_owned())];
    if let Some(select) = &settings.select {
        query.push(("select", select.clone()));
    }
    let mut conditions = Vec::new();
    if let Some(clause) = settings
        .where_clause
        .as_ref()
        .filter(|w| !w.trim().is_empty())
    {
        conditions.push(format!("({clause})"));
    }
    if let Some(start) = since.filter(|_| settings.incremental) {
        let field = odsql_field(source);
        conditions.push(format!("{field} >= {}", date_literal(start)));
    }
    if !conditions.is_empty() {
        query.push(("where", conditions.join(" AND ")));
    }
    if let Some(order_by) = order_by(source, settings) {
        query.push(("order_by", order_by));
    }
    for refine in &settings.refine {
        query.push(("refine", refine.clone()));
    }
    query
}

/// The order the selection asks for: `order_by`, else the source's `time`. Without one the
/// portal promises no order, so pages (the fallback when an export fails) could each come in
/// another one, and miss records or serve one twice. A `time` of a dataset's field, or of a
/// `select` alias, names what ODSQL can order by; a dotted path may not, and is left out.
fn order_by(source: &Source, settings: &Opendatasoft) -> Option<String> {
    match &settings.order_by {
        Some(order_by) => Some(order_by.clone()),
        None => (source.time.segments().len() == 1).then(|| odsql_field(source)),
    }
}

/// The source's `time` as ODSQL names it: a field in back-quotes, which ODSQL requires of a
/// field named like one of its keywords (`date`) or only with digits, and accepts of any; a
/// dotted path as written.
fn odsql_field(source: &Source) -> String {
    match source.time.segments().len() {
        1 => format!("`{}`", source.time.as_str()),
        _ => source.time.as_str().to_owned(),
    }
}

/// True when an incremental selection comes oldest first: ordered by the source's `time`
/// (the default, when `time` names a field), ascending. Then records a run did not reach are
/// newer than those it landed, and the next run, starting from the newest landed, asks for
/// them. A selection asking for no order comes in the portal's own.
pub fn in_time_order(source: &Source) -> bool {
    let SourceKind::Opendatasoft(settings) = &source.kind else {
        return false;
    };
    let Some(order_by) = order_by(source, settings) else {
        return false;
    };
    // The first key decides which records come first.
    let first_key = order_by.split(',').next().unwrap_or_default();
    let mut words = first_key.split_whitespace();
    let written = words.next().unwrap_or_default();
    let field = written
        .strip_prefix('`')
        .and_then(|quoted| quoted.strip_suffix('`'))
        .unwrap_or(written);
    let direction = words.next().unwrap_or("asc");
    field == source.time.as_str() && direction.eq_ignore_ascii_case("asc") && words.next().is_none()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn source(incremental: bool) -> (Source, Opendatasoft) {
        let text = format!(
            r#"
[[source]]
name = "eco2mix"
kind = "opendatasoft"
url = "https://odre.example"
dataset = "eco2mix-national-tr"
where = "nature = 'Données temps réel'"
refine = ["perimetre:France"]
incremental = {incremental}
every = "15m"
key = "date_heure"
time = "date_heure"
"#
        );
        let source = crate::testing::configured(&text);
        let releve::SourceKind::Opendatasoft(settings) = source.kind.clone() else {
            panic!("opendatasoft kind");
        };
        (source, settings)
    }

    #[test]
    fn incremental_selection_starts_at_the_given_start_in_time_order() {
        let (source, settings) = source(true);
        let cursor = Utc
            .with_ymd_and_hms(2026, 11, 22, 7, 45, 0)
            .single()
            .expect("time");
        let query = selection(&source, &settings, Some(cursor));
        let where_clause = query
            .iter()
            .find(|(name, _)| *name == "where")
            .map(|(_, v)| v.as_str());
        assert_eq!(
            where_clause,
            Some(
                "(nature = 'Données temps réel') AND `date_heure` >= date'2026-11-22T07:45:00.000Z'"
            )
        );
        assert!(query.contains(&("order_by", "`date_heure`".to_owned())));
        assert!(query.contains(&("refine", "perimetre:France".to_owned())));
        // Without a start (the question of a first run's newest row), the selection as written.
        let whole = selection(&source, &settings, None);
        assert!(whole.contains(&("where", "(nature = 'Données temps réel')".to_owned())));
    }

    #[test]
    fn only_an_ascending_order_by_time_reads_oldest_first() {
        let (mut source, mut settings) = source(true);
        for (order_by, oldest_first) in [
            (None, true),
            (Some("date_heure"), true),
            (Some(" date_heure  ASC "), true),
            (Some("date_heure desc"), false),
            (Some("consommation"), false),
            (Some("date_heure, consommation"), true),
            (Some("date_heure ASC,consommation DESC"), true),
            (Some("date_heure DESC, consommation"), false),
            (Some("`date_heure` asc"), true),
            (Some("`date_heure` desc"), false),
        ] {
            settings.order_by = order_by.map(str::to_owned);
            source.kind = releve::SourceKind::Opendatasoft(settings.clone());
            assert_eq!(in_time_order(&source), oldest_first, "{order_by:?}");
        }
    }

    #[test]
    fn plain_selection_has_no_time_bound_and_is_ordered_by_time() {
        let (plain, settings) = source(false);
        let query = selection(&plain, &settings, None);
        assert_eq!(
            query.iter().find(|(name, _)| *name == "where"),
            Some(&("where", "(nature = 'Données temps réel')".to_owned())),
            "the configured clause alone"
        );
        assert_eq!(
            query.iter().find(|(name, _)| *name == "order_by"),
            Some(&("order_by", "`date_heure`".to_owned())),
            "pages come in one order"
        );
        let (mut nested, settings) = source(false);
        nested.time = "fields.date_heure".parse().expect("a path");
        let query = selection(&nested, &settings, None);
        assert!(
            query.iter().all(|(name, _)| *name != "order_by"),
            "a dotted path is no name ODSQL orders by: {query:?}"
        );
    }

    /// A selection no `order_by` orders (its `time` a dotted path) comes in the portal's own
    /// order: records a run did not reach may be older than the newest it landed, so the
    /// cursor must not pass them.
    #[test]
    fn a_selection_left_unordered_does_not_read_oldest_first() {
        let (mut nested, settings) = source(true);
        nested.time = "fields.date_heure".parse().expect("a path");
        assert!(
            selection(&nested, &settings, None)
                .iter()
                .all(|(name, _)| *name != "order_by")
        );
        assert!(!in_time_order(&nested));
    }
}
