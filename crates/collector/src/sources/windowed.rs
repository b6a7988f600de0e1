//! What both Opendatasoft APIs share: a selection that fits one page comes from the paged
//! endpoint, and a larger one whole from the bulk endpoint (v2.1 `/exports/json`, v1
//! `/download/`), which answers it at once and knows no offset window (`offset + limit ≤
//! 10000` on the paged endpoints). A record served twice alike is kept once.

use releve::Source;

use super::landing::EachElement;
use super::page::Page;
use super::records::RecordSet;
use super::{Collected, RunContext, SourceError};
use crate::http::{FetchError, OnTimeout};

/// `offset + limit` may not exceed this on either API, so neither may a page.
const WINDOW: u64 = 10_000;

/// An Opendatasoft endpoint pair: paged search and bulk export of the same selection.
pub(super) trait WindowedApi {
    /// Records `offset..offset + limit` of the selection, each handed to `records` as it is
    /// read.
    async fn page(
        &self,
        offset: u64,
        limit: u64,
        records: &mut RecordSet<'_>,
    ) -> Result<Page, SourceError>;
    /// The whole selection in one call (what the `first` page told of it), each record
    /// handed to `records` as it is read; returns how many the answer held.
    async fn bulk(
        &self,
        on_timeout: OnTimeout,
        first: &Page,
        records: &mut RecordSet<'_>,
    ) -> Result<u64, SourceError>;
}

/// Where one Opendatasoft API serves a selection, and what it calls things.
pub(super) struct Endpoints {
    /// The paged endpoint, e.g. `…/records` (v2.1) or `…/search/` (v1).
    pub page_url: String,
    /// Its name in messages: `records`, `search`.
    pub page_name: &'static str,
    /// Its offset and limit parameters: `offset`/`limit` (v2.1), `start`/`rows` (v1).
    pub paging: [&'static str; 2],
    /// The bulk endpoint, e.g. `…/exports/json` (v2.1) or `…/download/` (v1).
    pub bulk_url: String,
    /// Its name in messages: `exports/json`, `download`.
    pub bulk_name: &'static str,
    /// Parameters only the bulk endpoint takes (v1: `format=json`).
    pub bulk_params: &'static [(&'static str, &'static str)],
    /// The source's keys that narrow its selection, in words for advice: v2.1's `where`,
    /// `refine`, `select` and `incremental`, v1's `q` and `refine`.
    pub narrowing: &'static str,
}

/// One selection (the query parameters both endpoints share) on one portal.
pub(super) struct Portal<'a> {
    /// The run, for its HTTP client.
    pub ctx: &'a RunContext,
    /// The API's endpoints.
    pub endpoints: Endpoints,
    /// The selection's query parameters.
    pub query: Vec<(String, String)>,
}

impl WindowedApi for Portal<'_> {
    async fn page(
        &self,
        offset: u64,
        limit: u64,
        records: &mut RecordSet<'_>,
    ) -> Result<Page, SourceError> {
        let Endpoints {
            page_url,
            page_name,
            paging: [offset_param, limit_param],
            ..
        } = &self.endpoints;
        let paging = [(*offset_param, offset), (*limit_param, limit)];
        let what = format!("{page_name} {offset_param} {offset}");
        let answer = self
            .ctx
            .client
            .send_json(&what, |http| {
                http.get(page_url).query(&self.query).query(&paging)
            })
            .await?;
        Ok(Page::read(&self.ctx.client, &answer, &what, records)?)
    }

    async fn bulk(
        &self,
        on_timeout: OnTimeout,
        first: &Page,
        records: &mut RecordSet<'_>,
    ) -> Result<u64, SourceError> {
        let Endpoints {
            bulk_url,
            bulk_name,
            bulk_params,
            narrowing,
            ..
        } = &self.endpoints;
        let answer = self
            .ctx
            .client
            .send_json_with(
                bulk_name,
                |http| http.get(bulk_url).query(&self.query).query(bulk_params),
                on_timeout,
            )
            .await?;
        let size = answer.body.len() as u64;
        let reckoned = first.records_in(size);
        refuse_beyond_memory(bulk_name, size, reckoned, narrowing)?;
        records.make_room(reckoned, answer.body.len());
        let each = EachElement(|record| {
            records.add(record);
        });
        Ok(self.ctx.client.decode_seed(&answer, bulk_name, each)?)
    }
}

/// Refuses a bulk answer of `size` bytes holding `records` too large for a run to read
/// record by record (see [`crate::http::too_large_to_read`]), advising the source's keys that
/// narrow its selection (`narrowing`).
fn refuse_beyond_memory(
    what: &str,
    size: u64,
    records: u64,
    narrowing: &str,
) -> Result<(), SourceError> {
    let Some(memory) = crate::http::too_large_to_read(size, records) else {
        return Ok(());
    };
    let mib = releve::rawfile::MIB;
    Err(SourceError::TooLargeToRead {
        what: what.to_owned(),
        size_mib: size.div_ceil(mib),
        records,
        held_mib: crate::http::memory::held_reading_records(size, records).div_ceil(mib),
        room_mib: crate::http::memory::records_room(memory) / mib,
        memory_mib: memory / mib,
        narrowing: narrowing.to_owned(),
    })
}

/// Fetches every record of the selection: from its first page when that holds all of it,
/// else from the bulk endpoint, in one call.
///
/// Pages of a live dataset shift between calls: a record updated, added or removed moves the
/// others, so paging could miss records or land one twice while the totals still agree. The
/// bulk endpoint answers the whole selection at once, has no window to outgrow, and costs one
/// call of the portal's quota instead of one per page. When it fails all the same (exports
/// switched off, too slow for the source's `timeout`), a selection within the window is paged
/// instead, as the next best answer. Records announced and not served are counted as the
/// run's `shortfall`.
pub(super) async fn collect(
    ctx: &RunContext,
    source: &Source,
    api: &impl WindowedApi,
    page_size: u64,
) -> Result<Collected, SourceError> {
    let page_size = page_size.clamp(1, WINDOW);
    // Held as the text that lands until the selection is known to fit the page, or until
    // the export has answered: paging after a failed export goes on from it.
    let mut first_records = RecordSet::new(source);
    let first = api.page(0, page_size, &mut first_records).await?;
    let announced = first.total;
    ctx.announce(announced);
    let received = first.received;
    // A full page holding more records than the selection's count proves the count wrong:
    // the selection may hold more than the page, which the count would hide.
    let miscounted = received > announced && received >= page_size;
    if received >= announced && !miscounted {
        ctx.progress_advance(first_records.len() as u64);
        return landed(source, first_records, announced, Answered::Whole);
    }
    if miscounted {
        tracing::warn!(source = %source.name, announced, served = received, "The portal announced fewer records than its first page holds: its count is wrong, so the selection is fetched whole.");
    } else {
        tracing::debug!(source = %source.name, announced, "The selection is larger than a page; fetching it whole.");
    }
    // Within the window, an export too slow for `timeout` is paged at once rather than tried
    // again: it would most likely time out again, and each try costs a call of the quota.
    let pageable = announced <= WINDOW;
    let on_timeout = if pageable {
        OnTimeout::GiveUp
    } else {
        OnTimeout::TryAgain
    };
    let mut records = RecordSet::new(source);
    let whole = match api.bulk(on_timeout, &first, &mut records).await {
        Ok(whole) => whole,
        Err(err) if pageable && worth_paging_after(&err) => {
            tracing::warn!(source = %source.name, error = %err, "The bulk export failed; paging the selection instead, which fits the paging window.");
            return paged(ctx, source, api, page_size, first, first_records).await;
        }
        // Sent to another host (a file host), which is not followed: the portal's own pages
        // reach its window, the rest is the run's shortfall, rather than nothing landing.
        Err(err @ SourceError::Fetch(FetchError::Redirected { .. })) => {
            tracing::warn!(source = %source.name, error = %err, announced, window = WINDOW, "The bulk export is sent to another host, which is not followed; paging the selection instead, as far as the portal's paging window reaches: the records past it are the run's shortfall.");
            return paged(ctx, source, api, page_size, first, first_records).await;
        }
        Err(err) => return Err(err),
    };
    // A bulk answer holding less than the first page is broken: land nothing rather than
    // fewer records, and let the next run try again.
    if whole < received {
        return Err(SourceError::Unexpected {
            what: "the bulk export".to_owned(),
            message: format!(
                "it holds {whole} records, fewer than the first page's {received} of the {announced} announced"
            ),
        });
    }
    ctx.progress_advance(records.len() as u64);
    landed(source, records, announced, Answered::Whole)
}

/// True when a failed bulk call leaves paging worth trying: not when the API asked to wait (a
/// quota), which the pages would meet too. An export that ran out of time is paged: pages are
/// small requests that make progress, where the export would time out again at every run. So
/// is one redirected elsewhere (a download served by a file host): the pages are asked of the
/// endpoint that has just answered the first, and one redirected too fails the run there. One
/// too large for the memory is not: its records, paged, would take that memory all the same.
/// Nor one a network's sign-in page answered, which would answer the pages too (an HTML page
/// answered 200; one refusing it, from the portal whose first page has just answered JSON, is
/// the portal's own error page, as exports switched off behind a proxy answer, and is paged).
fn worth_paging_after(err: &SourceError) -> bool {
    !matches!(
        err,
        SourceError::Fetch(
            FetchError::Paused { .. } | FetchError::TooLarge { .. } | FetchError::SignInPage { .. }
        ) | SourceError::TooLargeToRead { .. }
    )
}

/// Pages on from the `first` page, whose records `records` holds, until the announced
/// selection is reached, within the window; what it does not reach is the shortfall.
async fn paged(
    ctx: &RunContext,
    source: &Source,
    api: &impl WindowedApi,
    page_size: u64,
    first: Page,
    mut records: RecordSet<'_>,
) -> Result<Collected, SourceError> {
    let mut offset = first.received;
    let mut announced = first.total;
    // A full page ending past the count proves the count wrong: paging goes on until a page
    // is not full.
    let mut full = offset >= page_size;
    ctx.progress_advance(records.len() as u64);
    while offset < WINDOW && (offset < announced || (full && offset > announced)) {
        let limit = page_size.min(WINDOW - offset);
        let held = records.len();
        let page = api.page(offset, limit, &mut records).await?;
        // A later page announcing less (0 beside an empty page) does not hide the shortfall.
        announced = announced.max(page.total);
        if page.received == 0 {
            break;
        }
        full = page.received >= limit;
        offset += page.received;
        ctx.progress_advance((records.len() - held) as u64);
    }
    landed(source, records, announced, Answered::InPages)
}

/// How the selection came: whole in one answer, or in pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answered {
    /// One answer (a first page holding it all, or the export): a record it holds twice is a
    /// row the dataset holds twice, served like the others.
    Whole,
    /// Pages, which shift when the dataset changes between calls: a record served twice
    /// stands for one that was not served at all.
    InPages,
}

/// The run's result, with the records `announced` and not served as its shortfall: over
/// pages, every record announced and not landed; in one answer, every row announced and not
/// sent (a row the dataset holds twice is sent, and lands once).
fn landed(
    source: &Source,
    records: RecordSet<'_>,
    announced: u64,
    answered: Answered,
) -> Result<Collected, SourceError> {
    let received = records.received();
    let mut collected = records.into_collected(Some(announced))?;
    let served = match answered {
        Answered::Whole => received,
        Answered::InPages => collected.records,
    };
    collected.shortfall = announced.saturating_sub(served);
    if collected.shortfall > 0 {
        tracing::warn!(source = %source.name, announced, served, "The portal served fewer records than it announced; the run counts them as its shortfall.");
    }
    Ok(collected)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use serde_json::{Value, json};

    use super::*;
    use crate::http::{RetryPolicy, SourceClient};

    /// A selection of `total` records that serves at most `cap` records a page and `bulk`
    /// records whole (or fails as `bulk_fails` says), noting every call. Like both APIs, it
    /// refuses a page whose `offset + limit` passes the window, with the portal's 400.
    struct Selection {
        total: u64,
        /// The count pages announce, when it is not `total`.
        announces: Option<u64>,
        cap: u64,
        bulk: u64,
        bulk_fails: Option<BulkFailure>,
        calls: Mutex<Vec<String>>,
    }

    #[derive(Clone, Copy)]
    enum BulkFailure {
        /// Exports switched off on the portal.
        NotFound,
        /// An exhausted quota.
        Quota,
    }

    impl Selection {
        fn new(total: u64) -> Self {
            Selection {
                total,
                announces: None,
                cap: u64::MAX,
                bulk: total,
                bulk_fails: None,
                calls: Mutex::default(),
            }
        }

        fn calls(&self) -> Vec<String> {
            self.calls.lock().map(|c| c.clone()).unwrap_or_default()
        }

        fn note(&self, call: String) {
            if let Ok(mut calls) = self.calls.lock() {
                calls.push(call);
            }
        }
    }

    fn record(i: u64) -> Value {
        json!({"id": i.to_string(), "t": "2026-11-22T08:00:00Z"})
    }

    impl WindowedApi for Selection {
        async fn page(
            &self,
            offset: u64,
            limit: u64,
            records: &mut RecordSet<'_>,
        ) -> Result<Page, SourceError> {
            self.note(format!("page {offset} {limit}"));
            if offset + limit > WINDOW {
                return Err(SourceError::Fetch(FetchError::Rejected {
                    what: format!("records offset {offset}"),
                    status: 400,
                    message: format!(
                        "InvalidRESTParameterError: Invalid value for sum of offset + limit API parameter: {} was found but <= 10000 is expected.",
                        offset + limit
                    ),
                }));
            }
            let end = (offset + limit.min(self.cap)).min(self.total);
            records.append((offset..end).map(record).collect());
            Ok(Page {
                total: self.announces.unwrap_or(self.total),
                received: end.saturating_sub(offset),
                sizes: None,
            })
        }

        async fn bulk(
            &self,
            _: OnTimeout,
            _: &Page,
            records: &mut RecordSet<'_>,
        ) -> Result<u64, SourceError> {
            self.note("bulk".to_owned());
            match self.bulk_fails {
                None => {
                    records.append((0..self.bulk).map(record).collect());
                    Ok(self.bulk)
                }
                Some(BulkFailure::NotFound) => Err(SourceError::Fetch(FetchError::Rejected {
                    what: "exports/json".to_owned(),
                    status: 404,
                    message: "exports are disabled".to_owned(),
                })),
                Some(BulkFailure::Quota) => Err(SourceError::Fetch(FetchError::Paused {
                    what: "exports/json".to_owned(),
                    until: chrono::Utc::now() + chrono::TimeDelta::hours(1),
                    longer: false,
                    last: "HTTP 429".to_owned(),
                })),
            }
        }
    }

    fn context() -> RunContext {
        RunContext {
            client: SourceClient::new(Duration::from_secs(1), 100.0, RetryPolicy::default())
                .expect("a client"),
            day: chrono::NaiveDate::default(),
            since: None,
            progress: None,
            announced: Default::default(),
        }
    }

    fn source() -> Source {
        crate::testing::configured(
            "[[source]]\nname = \"x\"\nkind = \"http_json\"\nurl = \"http://x\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"t\"\n",
        )
    }

    #[tokio::test]
    async fn a_selection_one_page_holds_takes_one_call() {
        let api = Selection::new(100);
        let collected = collect(&context(), &source(), &api, 100)
            .await
            .expect("collected");
        assert_eq!((collected.records, collected.shortfall), (100, 0));
        assert_eq!(api.calls(), ["page 0 100"]);
    }

    #[tokio::test]
    async fn a_count_smaller_than_a_full_first_page_does_not_hide_the_rest() {
        let api = Selection {
            announces: Some(50),
            ..Selection::new(300)
        };
        let collected = collect(&context(), &source(), &api, 100)
            .await
            .expect("collected");
        assert_eq!(collected.records, 300, "the whole selection, not the page");
        assert_eq!(api.calls(), ["page 0 100", "bulk"]);

        // A page not full holds the whole selection, whatever the count says.
        let api = Selection {
            announces: Some(5),
            ..Selection::new(20)
        };
        let collected = collect(&context(), &source(), &api, 100)
            .await
            .expect("collected");
        assert_eq!((collected.records, collected.shortfall), (20, 0));
        assert_eq!(api.calls(), ["page 0 100"]);

        // The export failing, the pages go on until one is not full.
        let api = Selection {
            announces: Some(50),
            bulk_fails: Some(BulkFailure::NotFound),
            ..Selection::new(250)
        };
        let collected = collect(&context(), &source(), &api, 100)
            .await
            .expect("collected");
        assert_eq!(collected.records, 250, "every page, not the first alone");
        assert_eq!(
            api.calls(),
            ["page 0 100", "bulk", "page 100 100", "page 200 100"]
        );
    }

    #[tokio::test]
    async fn a_larger_selection_comes_whole_from_one_bulk_call() {
        let api = Selection {
            bulk: 480,
            ..Selection::new(450)
        };
        let collected = collect(&context(), &source(), &api, 100)
            .await
            .expect("collected");
        assert_eq!(
            collected.records, 480,
            "every record of the bulk answer, grown since the count, once"
        );
        assert_eq!(collected.announced, Some(450));
        assert_eq!(collected.shortfall, 0);
        assert_eq!(api.calls(), ["page 0 100", "bulk"]);
    }

    #[tokio::test]
    async fn a_portal_serving_fewer_rows_than_asked_gives_the_rest_whole() {
        let api = Selection {
            cap: 1000,
            ..Selection::new(4500)
        };
        let collected = collect(&context(), &source(), &api, 20_000)
            .await
            .expect("collected");
        assert_eq!(collected.records, 4500, "every record, none skipped");
        assert_eq!(
            api.calls(),
            ["page 0 10000", "bulk"],
            "no page past the window"
        );
    }

    #[tokio::test]
    async fn records_announced_and_not_served_are_the_shortfall() {
        let api = Selection {
            bulk: 12_000,
            ..Selection::new(15_000)
        };
        let collected = collect(&context(), &source(), &api, 100)
            .await
            .expect("what was served lands");
        assert_eq!(
            (collected.records, collected.announced, collected.shortfall),
            (12_000, Some(15_000), 3_000)
        );
    }

    #[tokio::test]
    async fn a_bulk_answer_smaller_than_the_first_page_lands_nothing() {
        let api = Selection {
            bulk: 0,
            ..Selection::new(350)
        };
        let err = collect(&context(), &source(), &api, 100)
            .await
            .err()
            .map(|err| err.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("holds 0 records, fewer than the first page's 100 of the 350 announced"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_failed_export_of_a_selection_within_the_window_is_paged_instead() {
        let api = Selection {
            bulk_fails: Some(BulkFailure::NotFound),
            ..Selection::new(250)
        };
        let collected = collect(&context(), &source(), &api, 100)
            .await
            .expect("paged instead");
        assert_eq!((collected.records, collected.shortfall), (250, 0));
        assert_eq!(
            api.calls(),
            ["page 0 100", "bulk", "page 100 100", "page 200 100"]
        );
    }

    #[tokio::test]
    async fn paging_after_a_failed_export_asks_no_page_past_the_window() {
        // A v1 source with `rows = 3000` on a portal whose exports are switched off: the last
        // page is cut to end at the window, which the portal would refuse to pass.
        let api = Selection {
            bulk_fails: Some(BulkFailure::NotFound),
            ..Selection::new(9_500)
        };
        let collected = collect(&context(), &source(), &api, 3_000)
            .await
            .expect("paged within the window");
        assert_eq!((collected.records, collected.shortfall), (9_500, 0));
        assert_eq!(
            api.calls(),
            [
                "page 0 3000",
                "bulk",
                "page 3000 3000",
                "page 6000 3000",
                "page 9000 1000"
            ]
        );
    }

    #[tokio::test]
    async fn an_export_refused_for_a_quota_or_past_the_window_is_not_paged() {
        for (total, failure) in [(250, BulkFailure::Quota), (15_000, BulkFailure::NotFound)] {
            let api = Selection {
                bulk_fails: Some(failure),
                ..Selection::new(total)
            };
            let failed = collect(&context(), &source(), &api, 100).await;
            assert!(failed.is_err(), "{total}");
            assert_eq!(api.calls(), ["page 0 100", "bulk"], "{total}");
        }
    }
}
