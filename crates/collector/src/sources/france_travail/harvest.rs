//! Runs a day's [`Planner`] against the API with a few calls in flight, so the client-side
//! rate limiter, not the network's latency, sets the pace.

use std::future::Future;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveTime, TimeDelta};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use releve::FieldPath;
use releve::config::OfferFilters;

use super::paging::{Dimension, Reference, SearchPage, SearchQuery};
use super::partition::{Call, FiltersIgnored, Harvest, Planner};

/// Calls in flight at most: enough to keep 10 calls/s going with 400 ms answers.
const IN_FLIGHT: usize = 6;

/// The two requests the collection makes.
pub(crate) trait OfferSearch {
    /// Why a request finally failed.
    type Error;

    /// One page of a search.
    fn search(
        &self,
        query: &SearchQuery,
        start: u64,
    ) -> impl Future<Output = Result<SearchPage, Self::Error>> + Send;

    /// The codes a filter accepts.
    fn reference(
        &self,
        dimension: Dimension,
    ) -> impl Future<Output = Result<Vec<Reference>, Self::Error>> + Send;
}

/// The query for every offer created on `day` (UTC, both bounds inclusive, to the second)
/// that the source's `scope` filters keep.
pub(crate) fn whole_day(day: NaiveDate, scope: OfferFilters) -> SearchQuery {
    let from = day.and_time(NaiveTime::MIN).and_utc();
    SearchQuery {
        from,
        to: from + TimeDelta::seconds(86_399),
        filters: Vec::new(),
        scope: Arc::new(scope),
    }
}

enum Answer {
    Page(usize, u64, SearchPage),
    Reference(Dimension, Vec<Reference>),
}

async fn perform<A: OfferSearch>(api: &A, call: Call) -> Result<Answer, A::Error> {
    match call {
        Call::Search { node, query, start } => {
            let page = api.search(&query, start).await?;
            Ok(Answer::Page(node, start, page))
        }
        Call::Reference(dimension) => {
            let values = api.reference(dimension).await?;
            Ok(Answer::Reference(dimension, values))
        }
    }
}

/// Collects every reachable offer created on `day` that the source's `scope` filters keep,
/// less the `dropped` fields; the first
/// failed call ends the day, and so does an API found to ignore the creation-date bounds.
/// `progress` hears the day's announced total once, and the count of new offers of each page.
pub(crate) async fn harvest_day<A: OfferSearch>(
    api: &A,
    day: NaiveDate,
    scope: OfferFilters,
    dropped: Vec<FieldPath>,
    mut progress: impl FnMut(Option<u64>, u64),
) -> Result<Harvest, A::Error>
where
    A::Error: From<FiltersIgnored>,
{
    let mut planner = Planner::new(whole_day(day, scope), dropped);
    let mut in_flight = FuturesUnordered::new();
    loop {
        while in_flight.len() < IN_FLIGHT {
            match planner.next_call() {
                Some(call) => in_flight.push(perform(api, call)),
                None => break,
            }
        }
        match in_flight.next().await {
            None => break,
            Some(answer) => match answer? {
                Answer::Page(node, start, page) => {
                    let announced = (node == 0 && start == 0).then_some(page.total);
                    let new = planner.absorb_page(node, start, page);
                    progress(announced, new);
                }
                Answer::Reference(dimension, values) => {
                    planner.absorb_reference(dimension, values);
                }
            },
        }
    }
    if let Some(fault) = planner.fault() {
        return Err(fault.clone().into());
    }
    Ok(planner.finish())
}
