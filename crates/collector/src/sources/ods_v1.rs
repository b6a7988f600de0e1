//! `kind = "ods_v1"`: a legacy Opendatasoft v1 / data4citizen dataset; `url` is the portal base.
//!
//! Keys: `dataset`, optional `q`, `refine` (`{ facet = "value" }` → `refine.facet=value`),
//! `facet`, `sort`, `rows` (first page size, default 1000). The first
//! `/api/records/1.0/search/` call tells `nhits`; a selection it does not hold comes whole from
//! one `/api/records/1.0/download/?format=json` call (see [`windowed`]). The landed
//! array holds the API's record objects (`datasetid`, `recordid`, `fields`, `geometry`,
//! `record_timestamp`) as given; a record served twice alike is kept once.

use releve::Source;
use releve::config::OdsV1;

use super::windowed::{self, Endpoints, Portal};
use super::{Collected, RunContext, SourceError};

/// Fetches every record of the selection.
pub(super) async fn collect(
    ctx: &RunContext,
    source: &Source,
    settings: &OdsV1,
) -> Result<Collected, SourceError> {
    let base = format!("{}/api/records/1.0", source.url.trim_end_matches('/'));
    let portal = Portal {
        ctx,
        endpoints: Endpoints {
            page_url: format!("{base}/search/"),
            page_name: "search",
            paging: ["start", "rows"],
            bulk_url: format!("{base}/download/"),
            bulk_name: "download",
            bulk_params: &[("format", "json")],
        },
        query: selection(settings),
    };
    windowed::collect(ctx, source, &portal, u64::from(settings.rows)).await
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
