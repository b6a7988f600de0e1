//! `kind = "ods_v1"`: a legacy Opendatasoft v1 / data4citizen dataset; `url` is the portal base.
//!
//! Keys: `dataset`, optional `q`, `refine` (`{ facet = "value" }` → `refine.facet=value`),
//! `facet`, `sort`, `rows` (page size, default 1000). `/api/records/1.0/search/` is paged with
//! `rows`/`start` while `start + rows ≤ 10000`; when `nhits` is larger than that window, the
//! whole selection comes from `/api/records/1.0/download/?format=json` in one call. The landed
//! array holds the API's record objects (`datasetid`, `recordid`, `fields`, `geometry`,
//! `record_timestamp`) as given; records are kept once by the configured `key`.

use releve::Source;
use releve::config::OdsV1;
use serde::Deserialize;
use serde_json::Value;

use super::records::RecordSet;
use super::{Collected, RunContext, SourceError};
use crate::http::FetchError;

/// `start + rows` may not exceed this.
const WINDOW: u64 = 10_000;

#[derive(Deserialize)]
struct SearchPage {
    nhits: u64,
    #[serde(default)]
    records: Vec<Value>,
}

/// Fetches every record of the selection.
pub(super) async fn collect(
    ctx: &RunContext,
    source: &Source,
    settings: &OdsV1,
) -> Result<Collected, SourceError> {
    let base = format!("{}/api/records/1.0", source.url.trim_end_matches('/'));
    let query = selection(settings);
    let rows = u64::from(settings.rows).clamp(1, WINDOW);
    let first = search_page(ctx, &base, &query, 0, rows).await?;
    let announced = first.nhits;
    ctx.progress_total(announced);
    let mut records = RecordSet::new(source);
    let mut download_all = announced > WINDOW;
    if !download_all {
        let got = records.append(first.records);
        ctx.progress_advance(got);
        let mut start = rows;
        while start < announced {
            let page_rows = rows.min(WINDOW - start);
            match search_page(ctx, &base, &query, start, page_rows).await {
                Ok(page) if page.records.is_empty() => break,
                Ok(page) => {
                    let got = records.append(page.records);
                    ctx.progress_advance(got);
                }
                Err(SourceError::Fetch(FetchError::Rejected { status: 400, .. })) => {
                    download_all = true;
                    break;
                }
                Err(err) => return Err(err),
            }
            start += page_rows;
        }
    }
    if download_all {
        let downloaded = download(ctx, &base, &query).await?;
        let got = records.replace(downloaded);
        ctx.progress_advance(got);
    }
    records.into_collected(announced)
}

/// The parameters shared by search and download.
fn selection(settings: &OdsV1) -> Vec<(String, String)> {
    let mut query = vec![
        ("dataset".to_owned(), settings.dataset.clone()),
        ("timezone".to_owned(), "UTC".to_owned()),
    ];
    if let Some(q) = &settings.q {
        query.push(("q".to_owned(), q.clone()));
    }
    if let Some(sort) = &settings.sort {
        query.push(("sort".to_owned(), sort.clone()));
    }
    for (facet, value) in &settings.refine {
        query.push((format!("refine.{facet}"), value.clone()));
    }
    for facet in &settings.facet {
        query.push(("facet".to_owned(), facet.clone()));
    }
    query
}

async fn search_page(
    ctx: &RunContext,
    base: &str,
    query: &[(String, String)],
    start: u64,
    rows: u64,
) -> Result<SearchPage, SourceError> {
    let url = format!("{base}/search/");
    let what = format!("search start {start}");
    let paging = [("rows", rows.to_string()), ("start", start.to_string())];
    let answer = ctx
        .client
        .send_json(&what, |http| http.get(&url).query(query).query(&paging))
        .await?;
    Ok(answer.json(&what)?)
}

async fn download(
    ctx: &RunContext,
    base: &str,
    query: &[(String, String)],
) -> Result<Vec<Value>, SourceError> {
    let url = format!("{base}/download/");
    let what = "download";
    let answer = ctx
        .client
        .send_json(what, |http| {
            http.get(&url).query(query).query(&[("format", "json")])
        })
        .await?;
    Ok(answer.json(what)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refinements_become_refine_parameters() {
        let settings = OdsV1 {
            dataset: "villes".to_owned(),
            q: Some("paris".to_owned()),
            refine: [("pays".to_owned(), "fr".to_owned())].into_iter().collect(),
            facet: vec!["pays".to_owned()],
            sort: None,
            rows: 1000,
        };
        let query = selection(&settings);
        assert!(query.contains(&("refine.pays".to_owned(), "fr".to_owned())));
        assert!(query.contains(&("facet".to_owned(), "pays".to_owned())));
        assert!(query.contains(&("q".to_owned(), "paris".to_owned())));
    }
}
