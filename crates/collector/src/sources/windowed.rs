//! What both Opendatasoft APIs share: a selection is paged while it fits the API's offset
//! window (`offset + limit ≤ 10000`), and fetched whole from the bulk endpoint (v2.1
//! `/exports/json`, v1 `/download/`) when it is larger, or when it grows past the window while
//! being paged (the API then refuses the page with a 400). A record served twice alike (a page
//! shift) is kept once.

use releve::Source;
use serde::Deserialize;
use serde_json::Value;

use super::records::RecordSet;
use super::{Collected, RunContext, SourceError};
use crate::http::FetchError;

/// `offset + limit` may not exceed this, on both APIs.
const WINDOW: u64 = 10_000;

/// One page of a selection, with the API's count of the whole selection.
pub(super) struct Page {
    /// Records in the selection, as the API announces them.
    pub total: u64,
    /// This page's records.
    pub records: Vec<Value>,
}

/// An Opendatasoft endpoint pair: paged search and bulk export of the same selection.
pub(super) trait WindowedApi {
    /// Records `offset..offset + limit` of the selection.
    async fn page(&self, offset: u64, limit: u64) -> Result<Page, SourceError>;
    /// The whole selection in one call.
    async fn bulk(&self) -> Result<Vec<Value>, SourceError>;
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
}

/// A page as either API answers it: v2.1 `total_count` and `results`, v1 `nhits` and
/// `records`.
#[derive(Deserialize)]
struct PageAnswer {
    #[serde(alias = "nhits")]
    total_count: u64,
    #[serde(alias = "records", default)]
    results: Vec<Value>,
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
    async fn page(&self, offset: u64, limit: u64) -> Result<Page, SourceError> {
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
        let page: PageAnswer = answer.json(&what)?;
        Ok(Page {
            total: page.total_count,
            records: page.results,
        })
    }

    async fn bulk(&self) -> Result<Vec<Value>, SourceError> {
        let Endpoints {
            bulk_url,
            bulk_name,
            bulk_params,
            ..
        } = &self.endpoints;
        let answer = self
            .ctx
            .client
            .send_json(bulk_name, |http| {
                http.get(bulk_url).query(&self.query).query(bulk_params)
            })
            .await?;
        Ok(answer.json(bulk_name)?)
    }
}

/// Fetches every record of the selection, `page_size` at a time within the window.
///
/// Each page starts where the records received so far end, so a portal that serves fewer
/// rows than asked (older v1 portals cap `rows` at 1,000) is paged on, not skipped over. A
/// page that comes back empty while the selection it announces holds more is inconsistent:
/// the selection is then fetched whole, rather than landed short.
pub(super) async fn collect(
    ctx: &RunContext,
    source: &Source,
    api: &impl WindowedApi,
    page_size: u64,
) -> Result<Collected, SourceError> {
    let page_size = page_size.clamp(1, WINDOW);
    let first = api.page(0, page_size).await?;
    let mut announced = first.total;
    ctx.progress_total(announced);
    let mut records = RecordSet::new(source);
    let whole_needed = announced > WINDOW || {
        let received = first.records.len() as u64;
        ctx.progress_advance(records.append(first.records));
        page_on(
            ctx,
            source,
            api,
            page_size,
            received,
            &mut records,
            &mut announced,
        )
        .await?
    };
    if whole_needed {
        let whole = api.bulk().await?;
        // A bulk answer holding less than paging already gave is broken too: land nothing
        // rather than fewer records, and let the next run try again.
        if whole.len() < records.len() {
            return Err(SourceError::Unexpected {
                what: "the bulk export".to_owned(),
                message: format!(
                    "it holds {} records, fewer than the {} already paged of the {announced} announced",
                    whole.len(),
                    records.len()
                ),
            });
        }
        ctx.progress_advance(records.replace(whole));
    }
    records.into_collected(announced)
}

/// Pages on from `offset`, the rows received so far, until the selection `announced` (updated
/// from each page) is reached; true when it must be fetched whole instead.
async fn page_on(
    ctx: &RunContext,
    source: &Source,
    api: &impl WindowedApi,
    page_size: u64,
    mut offset: u64,
    records: &mut RecordSet<'_>,
    announced: &mut u64,
) -> Result<bool, SourceError> {
    let outgrown = |offset: u64| {
        tracing::info!(source = %source.name, offset, "The selection outgrew the paging window; fetching it whole instead.");
        true
    };
    while offset < *announced {
        let limit = page_size.min(WINDOW - offset);
        let page = match api.page(offset, limit).await {
            Ok(page) => page,
            Err(SourceError::Fetch(FetchError::Rejected { status: 400, .. })) => {
                return Ok(outgrown(offset));
            }
            Err(err) => return Err(err),
        };
        if page.records.is_empty() && offset < page.total {
            tracing::warn!(source = %source.name, offset, announced = page.total, "The portal served an empty page inside the selection; fetching it whole instead.");
            return Ok(true);
        }
        *announced = page.total;
        if page.records.is_empty() {
            break;
        }
        if *announced > WINDOW {
            return Ok(outgrown(offset));
        }
        offset += page.records.len() as u64;
        ctx.progress_advance(records.append(page.records));
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use serde_json::json;

    use super::*;
    use crate::http::{RetryPolicy, SourceClient};

    /// A selection of `total` records whose paging is refused from `refused_from` on, that
    /// serves at most `cap` records a page, an empty page at `empty_at`, and `bulk` records
    /// whole.
    struct Growing {
        total: u64,
        refused_from: u64,
        cap: u64,
        empty_at: Option<u64>,
        bulk: u64,
        asked: Mutex<Vec<(u64, u64)>>,
    }

    impl Growing {
        fn new(total: u64, refused_from: u64) -> Self {
            Growing {
                total,
                refused_from,
                cap: u64::MAX,
                empty_at: None,
                bulk: total + 50,
                asked: Mutex::default(),
            }
        }

        fn asked(&self) -> Vec<(u64, u64)> {
            self.asked.lock().map(|a| a.clone()).unwrap_or_default()
        }
    }

    fn record(i: u64) -> Value {
        json!({"id": i.to_string(), "t": "2026-11-22T08:00:00Z"})
    }

    impl WindowedApi for Growing {
        async fn page(&self, offset: u64, limit: u64) -> Result<Page, SourceError> {
            if let Ok(mut asked) = self.asked.lock() {
                asked.push((offset, limit));
            }
            if offset >= self.refused_from {
                return Err(SourceError::Fetch(FetchError::Rejected {
                    what: format!("records offset {offset}"),
                    status: 400,
                    message: "Invalid value for sum of offset + limit".to_owned(),
                }));
            }
            let end = if self.empty_at == Some(offset) {
                offset
            } else {
                (offset + limit.min(self.cap)).min(self.total)
            };
            Ok(Page {
                total: self.total,
                records: (offset..end).map(record).collect(),
            })
        }

        async fn bulk(&self) -> Result<Vec<Value>, SourceError> {
            Ok((0..self.bulk).map(record).collect())
        }
    }

    fn context() -> RunContext {
        RunContext {
            client: SourceClient::new(Duration::from_secs(1), 100.0, RetryPolicy::default())
                .expect("a client"),
            day: chrono::NaiveDate::default(),
            since: None,
            progress: None,
        }
    }

    fn source() -> Source {
        let text = "[[source]]\nname = \"x\"\nkind = \"http_json\"\nurl = \"http://x\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"t\"\n";
        releve::Config::parse(text, std::path::Path::new("sources.toml"))
            .expect("valid config")
            .sources
            .remove(0)
    }

    #[tokio::test]
    async fn a_selection_that_outgrows_the_window_while_paged_is_fetched_whole() {
        let api = Growing::new(450, 200);
        let collected = collect(&context(), &source(), &api, 100)
            .await
            .expect("collected");
        assert_eq!(
            collected.records, 500,
            "every record of the bulk answer, once"
        );
        assert_eq!(collected.announced, Some(450));
        assert_eq!(api.asked(), vec![(0, 100), (100, 100), (200, 100)]);
    }

    #[tokio::test]
    async fn pages_near_the_window_edge_ask_only_what_fits() {
        let api = Growing::new(WINDOW, u64::MAX);
        let collected = collect(&context(), &source(), &api, 3000)
            .await
            .expect("collected");
        assert_eq!(collected.records, WINDOW);
        assert_eq!(
            api.asked(),
            vec![(0, 3000), (3000, 3000), (6000, 3000), (9000, 1000)]
        );
    }

    #[tokio::test]
    async fn a_portal_serving_fewer_rows_than_asked_is_paged_on_from_what_came() {
        let api = Growing {
            cap: 1000,
            ..Growing::new(4500, u64::MAX)
        };
        let collected = collect(&context(), &source(), &api, 2000)
            .await
            .expect("collected");
        assert_eq!(collected.records, 4500, "every record, none skipped");
        let starts: Vec<u64> = api.asked().iter().map(|(offset, _)| *offset).collect();
        assert_eq!(starts, vec![0, 1000, 2000, 3000, 4000]);
    }

    #[tokio::test]
    async fn an_empty_page_inside_the_selection_fetches_it_whole() {
        let api = Growing {
            empty_at: Some(200),
            ..Growing::new(350, u64::MAX)
        };
        let collected = collect(&context(), &source(), &api, 100)
            .await
            .expect("collected");
        assert_eq!(
            collected.records, 400,
            "the bulk answer, not the 200 records paged before the empty page"
        );
    }

    #[tokio::test]
    async fn a_bulk_answer_smaller_than_what_was_paged_lands_nothing() {
        let api = Growing {
            empty_at: Some(200),
            bulk: 0,
            ..Growing::new(350, u64::MAX)
        };
        let err = collect(&context(), &source(), &api, 100)
            .await
            .err()
            .map(|err| err.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("holds 0 records, fewer than the 200 already paged of the 350 announced"),
            "{err}"
        );
    }
}
