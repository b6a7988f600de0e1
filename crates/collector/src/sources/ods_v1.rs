//! `kind = "ods_v1"`: a legacy Opendatasoft v1 / data4citizen dataset; `url` is the portal base.
//!
//! Keys: `dataset`, optional `q`, `refine` (`{ facet = "value" }` → `refine.facet=value`),
//! `exclude` (→ `exclude.facet=value`), `facet`, `sort`, `rows` (first page size, default 1000). The first
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
            narrowing: "`q` or `refine`",
        },
        query: selection(settings),
    };
    windowed::collect(ctx, source, &portal, u64::from(settings.rows)).await
}

/// What the configuration of a v1 source likely gets wrong, for `collector --check`: a `key`
/// on `recordid`, which many portals compute from the record's fields (a value revised, such
/// as a provisional measurement validated, comes back under a new `recordid` and is stored
/// beside the old one); positions read from a `fields` point as `[lon, lat]` (v1 writes its
/// point fields, `geopoint`, `geo_point_2d` or another name, as `[lat, lon]`); a `time` on
/// `record_timestamp`, which a republished or reindexed dataset sets anew on every record.
pub(super) fn cautions(source: &Source) -> Vec<String> {
    if !matches!(source.kind, releve::SourceKind::OdsV1(_)) {
        return Vec::new();
    }
    let mut cautions = Vec::new();
    if source
        .key
        .paths()
        .iter()
        .any(|path| path.as_str() == "recordid")
    {
        cautions.push(
            "`key` reads `recordid`, which many portals compute from the record's fields: a revised value (a provisional measurement validated) would come back as a new record beside the old; key on the fields that identify a record, such as `[\"fields.code_station\", \"fields.date_debut\"]` (README, `ods_v1`)".to_owned(),
        );
    }
    if source.time.as_str() == "record_timestamp" {
        cautions.push(
            "`time` reads `record_timestamp`, when the portal last indexed the record, not when it was measured or published: a dataset republished or reindexed moves every record into that hour; date records by a field of theirs, such as `fields.date_debut` (README, `ods_v1`)".to_owned(),
        );
    }
    let point_first = |path: Option<&releve::FieldPath>, index: &str| {
        path.is_some_and(|path| {
            let segments = path.segments();
            // A point field of any name (`fields.geopoint.0`, Vélib's
            // `fields.coordonnees_geo.0`), not a GeoJSON `fields.geo_shape.coordinates.0`.
            segments.len() == 3 && segments[0] == "fields" && segments[2] == index
        })
    };
    if point_first(source.lon.as_ref(), "0") && point_first(source.lat.as_ref(), "1") {
        cautions.push(format!(
            "`lon` = {} and `lat` = {} read a point of `fields` as [lon, lat], but v1 writes its point fields (`geopoint`, `geo_point_2d`) as [lat, lon] (`geometry.coordinates` is [lon, lat]): the map would put the records elsewhere",
            source.lon.as_ref().map_or("", |path| path.as_str()),
            source.lat.as_ref().map_or("", |path| path.as_str()),
        ));
    }
    cautions
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
    for (facet, value) in &settings.exclude {
        query.push((format!("exclude.{facet}"), value.clone()));
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
            exclude: Default::default(),
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
