//! The positions a report's map draws, read from `records`: every record's up to
//! [`MAX_POSITIONS`], else a sample spread over the whole period. A record is kept when a hash
//! of its key falls in the sample, so the sample does not depend on the order MongoDB returns
//! records in, nor line up with a pattern in it (stations reporting in the same order every
//! hour, the regions a France Travail day was collected by).

use std::hash::Hasher;

use mongodb::Database;
use mongodb::bson::{Document, RawDocument, RawDocumentBuf, doc};
use releve::Source;
use releve::store::{self, StoreError};
use serde_json::Value;
use siphasher::sip::SipHasher13;

use crate::period::ReportPeriod;

/// At most this many positions are drawn per source and period; past it, a sample.
pub const MAX_POSITIONS: usize = 20_000;

/// A record's position and the value of the source's first numeric field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    /// Longitude in degrees.
    pub lon: f64,
    /// Latitude in degrees.
    pub lat: f64,
    /// The first numeric field, when the record holds it and it is plausible.
    pub value: Option<f64>,
}

/// The positions of one source's records in the period.
#[derive(Debug, Clone, PartialEq)]
pub struct Positions {
    /// The positions read: of every record, or of about one in every `sampled_every`.
    pub points: Vec<Position>,
    /// Records of the period in `records`, positioned or not.
    pub records: u64,
    /// Of those, the records without a position to draw (no longitude or latitude, one that
    /// is not a number, or a place off the globe), counted over every record read.
    pub unplaced: u64,
    /// 1 when every record was read; n (a power of two) when about one record in n was.
    pub sampled_every: u64,
    /// Of `points`, those added to a sample for their value: up to [`EXTREMES`] of the
    /// period's highest and as many of its lowest, beyond the values the sample holds.
    pub extremes_added: usize,
}

/// A sample keeps this many of the period's highest values and as many of its lowest, so a
/// map of an aftershock sequence still draws its mainshock and its key spans the period's
/// values.
pub const EXTREMES: usize = 32;

/// The positions of `source`'s records in the period (see the module's documentation).
pub async fn load(
    db: &Database,
    source: &Source,
    period: &ReportPeriod,
    most: usize,
) -> Result<Positions, StoreError> {
    let name = source.name.as_str();
    // The records of the hours the summaries cover.
    let filter = crate::query::hours_of(source, period);
    let action = format!("reading `records` of {name}");
    let mut sample = Sample::new(most);
    let records_collection = db.collection::<RawDocumentBuf>(store::RECORDS);
    let find = records_collection
        .find(filter)
        .projection(projection(source));
    store::each_found(find, &action, |document| {
        let hash = key_hash(document.get_str("key").unwrap_or_default());
        sample.offer(hash, position_of(source, &document));
    })
    .await?;
    Ok(sample.into_positions())
}

/// A record's place in the sample: a hash of its key, the same on every run and machine.
fn key_hash(key: &str) -> u64 {
    let mut hasher = SipHasher13::new();
    hasher.write(key.as_bytes());
    hasher.finish()
}

/// A sample of a stream of records that never holds more than `most` positions: a record is
/// kept when its hash is a multiple of `every`, which doubles (dropping the kept records no
/// longer in) while too many are kept; the records of the [`EXTREMES`] highest and lowest
/// values are kept beside it, whatever their hash.
struct Sample {
    most: usize,
    every: u64,
    read: u64,
    unplaced: u64,
    kept: Vec<(u64, Position)>,
    highest: Extremes,
    lowest: Extremes,
}

/// The records of the `EXTREMES` highest values offered (of the lowest, with values negated).
#[derive(Default)]
struct Extremes {
    kept: Vec<(f64, u64, Position)>,
    /// Where the least of `kept` is, once it is full: a value offered is compared with it alone.
    least: usize,
}

impl Extremes {
    fn offer(&mut self, value: f64, hash: u64, position: Position) {
        if self.kept.len() < EXTREMES {
            self.kept.push((value, hash, position));
        } else if value > self.kept[self.least].0 {
            self.kept[self.least] = (value, hash, position);
        } else {
            return;
        }
        self.least = self
            .kept
            .iter()
            .enumerate()
            .min_by(|(_, a), (_, b)| a.0.total_cmp(&b.0))
            .map_or(0, |(at, _)| at);
    }
}

impl Sample {
    fn new(most: usize) -> Self {
        Sample {
            most: most.max(1),
            every: 1,
            read: 0,
            unplaced: 0,
            kept: Vec::new(),
            highest: Extremes::default(),
            lowest: Extremes::default(),
        }
    }

    /// The next record, by its hash, and its position if it has one (worked out for every
    /// record, so records without one are counted whether or not they fall in the sample).
    fn offer(&mut self, hash: u64, position: Option<Position>) {
        self.read += 1;
        let Some(position) = position else {
            self.unplaced += 1;
            return;
        };
        if let Some(value) = position.value {
            self.highest.offer(value, hash, position);
            self.lowest.offer(-value, hash, position);
        }
        if !hash.is_multiple_of(self.every) {
            return;
        }
        self.kept.push((hash, position));
        while self.kept.len() > self.most {
            let Some(every) = self.every.checked_mul(2) else {
                // Only hashes of zero are left: keep the first ones.
                self.kept.truncate(self.most);
                break;
            };
            self.every = every;
            self.kept.retain(|(hash, _)| hash.is_multiple_of(every));
        }
    }

    fn into_positions(self) -> Positions {
        let mut extremes_added = 0;
        let mut kept = self.kept;
        if self.every > 1 {
            // Only values beyond the sample's own: a sample spanning them needs none.
            let values = || kept.iter().filter_map(|(_, position)| position.value);
            let (low, high) = (
                values().fold(f64::INFINITY, f64::min),
                values().fold(f64::NEG_INFINITY, f64::max),
            );
            let beyond = self
                .highest
                .kept
                .into_iter()
                .filter(|(value, _, _)| *value > high)
                .chain(
                    self.lowest
                        .kept
                        .into_iter()
                        .filter(|(value, _, _)| -*value < low),
                );
            let mut hashes: std::collections::HashSet<u64> =
                kept.iter().map(|(hash, _)| *hash).collect();
            for (_, hash, position) in beyond.collect::<Vec<_>>() {
                if hashes.insert(hash) {
                    kept.push((hash, position));
                    extremes_added += 1;
                }
            }
        }
        Positions {
            points: kept.into_iter().map(|(_, position)| position).collect(),
            records: self.read,
            unplaced: self.unplaced,
            sampled_every: self.every,
            extremes_added,
        }
    }
}

/// The parts of a record a position needs: its key, and its longitude, latitude and first
/// numeric field, each projected down to its first array index (a projection cannot index an
/// array) or name starting with `$` (MongoDB refuses them in projections), none inside
/// another (MongoDB refuses overlapping projections).
fn projection(source: &Source) -> Document {
    let paths = source
        .position()
        .into_iter()
        .flat_map(|(lon, lat)| [lon, lat])
        .chain(source.numeric.first());
    data_projection(paths)
}

/// The projection of a record's key and of the fields of its `data` at `paths` (see
/// [`projection`]), read back with [`record_data`].
pub(crate) fn data_projection<'a>(paths: impl Iterator<Item = &'a releve::FieldPath>) -> Document {
    let mut paths: Vec<Vec<&str>> = paths
        .map(|path| {
            path.segments()
                .iter()
                .map(String::as_str)
                .take_while(|segment| {
                    releve::record::array_index(segment).is_none() && !segment.starts_with('$')
                })
                .collect()
        })
        .collect();
    paths.sort();
    paths.dedup();
    let mut projection = doc! {"_id": 0, "key": 1};
    for (index, path) in paths.iter().enumerate() {
        let inside_another = paths[..index].iter().any(|other| path.starts_with(other));
        if !inside_another {
            let field = std::iter::once("data")
                .chain(path.iter().copied())
                .collect::<Vec<_>>()
                .join(".");
            projection.insert(field, 1);
        }
    }
    projection
}

fn position_of(source: &Source, document: &RawDocument) -> Option<Position> {
    let (lon_path, lat_path) = source.position()?;
    let data = record_data(document);
    let (lon, lat) = releve::record::on_globe(
        lon_path.get(&data).and_then(releve::record::number)?,
        lat_path.get(&data).and_then(releve::record::number)?,
    )?;
    // Colours and sizes follow the plausible values only, like the field's chart.
    let value = source.numeric.first().and_then(|path| {
        path.get(&data)
            .and_then(releve::record::number)
            .filter(|value| source.is_plausible(path, *value))
    });
    Some(Position { lon, lat, value })
}

/// The record's `data` from a projected `records` document. MongoDB returns the projected
/// fields nested (`{"data": {"geometry": {...}}}`); nx-27017 returns them under their dotted
/// names (`{"data.geometry.coordinates": [...]}`), which are nested here the same way.
/// Values are read from the raw BSON as the summariser stored them (see
/// [`releve::record_data`]); a field that is not BSON is left out.
pub(crate) fn record_data(document: &RawDocument) -> Value {
    let mut data = Value::Object(serde_json::Map::new());
    'fields: for (name, value) in document.into_iter().flatten() {
        let Ok(value) = releve::record_data::value_json(value) else {
            continue;
        };
        let mut segments = name.split('.');
        if segments.next() != Some("data") {
            continue;
        }
        let mut at = &mut data;
        for segment in segments {
            let Value::Object(map) = at else {
                continue 'fields;
            };
            at = map
                .entry(segment)
                .or_insert_with(|| Value::Object(serde_json::Map::new()));
        }
        *at = value;
    }
    data
}

#[cfg(test)]
mod tests {
    use releve::Config;

    use super::*;

    fn source(fields: &str) -> Source {
        let text = format!(
            "[[source]]\nname = \"quakes\"\nkind = \"http_json\"\nurl = \"http://x\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"t\"\n{fields}"
        );
        Config::parse(&text, std::path::Path::new("sources.toml"))
            .expect("valid config")
            .sources
            .remove(0)
    }

    fn usgs() -> Source {
        source(
            "numeric = [\"properties.mag\"]\nlon = \"geometry.coordinates.0\"\nlat = \"geometry.coordinates.1\"\n",
        )
    }

    #[test]
    fn a_projection_stops_at_array_indexes_and_never_overlaps() {
        assert_eq!(
            projection(&usgs()),
            doc! {"_id": 0, "key": 1, "data.geometry.coordinates": 1, "data.properties.mag": 1}
        );
        let dollar =
            source("numeric = [\"m.$numberDouble\"]\nlon = \"p.$lon\"\nlat = \"q.$lat\"\n");
        assert_eq!(
            projection(&dollar),
            doc! {"_id": 0, "key": 1, "data.m": 1, "data.p": 1, "data.q": 1},
            "a projection stops before a name starting with `$`"
        );
        let nested = source("numeric = [\"place\"]\nlon = \"place.lon\"\nlat = \"place.lat\"\n");
        assert_eq!(
            projection(&nested),
            doc! {"_id": 0, "key": 1, "data.place": 1},
            "a field inside another projected one is not projected again"
        );
    }

    #[test]
    fn positions_read_the_same_from_nested_and_dotted_projections() {
        let expected = Some(Position {
            lon: 1.44,
            lat: 43.6,
            value: Some(2.5),
        });
        let nested = doc! {"key": "a", "data": {"geometry": {"coordinates": [1.44, 43.6, 5.0]}, "properties": {"mag": 2.5}}};
        let raw = |document: &Document| RawDocumentBuf::from_document(document).expect("BSON");
        assert_eq!(
            position_of(&usgs(), &raw(&nested)),
            expected,
            "MongoDB's shape"
        );
        let dotted = doc! {"key": "a", "data.geometry.coordinates": [1.44, 43.6, 5.0], "data.properties.mag": 2.5};
        assert_eq!(
            position_of(&usgs(), &raw(&dotted)),
            expected,
            "nx-27017's shape"
        );
    }

    #[test]
    fn an_implausible_value_neither_colours_nor_sizes_its_point() {
        let stations = source(
            "numeric = [\"t\"]\nlon = \"lon\"\nlat = \"lat\"\nplausible = { t = [-30, 50] }\n",
        );
        let raw = |t: f64| {
            RawDocumentBuf::from_document(
                &doc! {"key": "a", "data": {"lon": 1.44, "lat": 43.6, "t": t}},
            )
            .expect("BSON")
        };
        let value = |t| position_of(&stations, &raw(t)).map(|p| p.value);
        assert_eq!(value(-50.0), Some(None), "drawn, without a value");
        assert_eq!(value(12.5), Some(Some(12.5)));
    }

    #[test]
    fn a_sample_keeps_the_records_whose_hash_falls_in_it_whatever_their_order() {
        let at = |n: u64| Position {
            lon: n as f64,
            lat: 0.0,
            value: None,
        };
        let mut sample = Sample::new(30);
        for n in 0..100 {
            // Hashes 0..100; every tenth record has no position: it counts, it is not drawn.
            sample.offer(n, (n % 10 != 9).then(|| at(n)));
        }
        let positions = sample.into_positions();
        assert_eq!((positions.records, positions.sampled_every), (100, 4));
        assert_eq!(positions.unplaced, 10, "counted sampled or not");
        let kept: Vec<f64> = positions.points.iter().map(|p| p.lon).collect();
        let expected: Vec<f64> = (0..100)
            .step_by(4)
            .filter(|n| n % 10 != 9)
            .map(|n| n as f64)
            .collect();
        assert_eq!(kept, expected);

        let mut few = Sample::new(30);
        (0..30).for_each(|n| few.offer(n * 7, Some(at(n))));
        let all = few.into_positions();
        assert_eq!((all.points.len(), all.sampled_every), (30, 1));

        let mut zeros = Sample::new(3);
        (0..10).for_each(|n| zeros.offer(0, Some(at(n))));
        assert_eq!(
            zeros.into_positions().points.len(),
            3,
            "never more than asked"
        );
    }

    /// An aftershock sequence past the map's 20,000 positions in a month (Ridgecrest, July
    /// 2019: tens of thousands of events of magnitude 0 to 3): the sample must still draw its
    /// mainshock, the point the map is looked at for, and the map's key must reach its 7.1
    /// as the magnitude chart's caption does. A key's hash decides alone, so a mainshock
    /// whose hash falls outside the sample is not drawn, and the key says 2.999 at most.
    #[test]
    fn a_sampled_map_still_draws_the_strongest_earthquake_of_the_period() {
        let mut sample = Sample::new(MAX_POSITIONS);
        let mut aftershocks = 0_u32;
        for n in 0..40_000_u32 {
            let key = format!("ci{}", 38_460_000 + n);
            let position = Position {
                lon: -117.6 + f64::from(n % 200) * 0.001,
                lat: 35.7 + f64::from(n / 200) * 0.001,
                value: Some(f64::from(n % 3_000) / 1_000.0),
            };
            sample.offer(key_hash(&key), Some(position));
            aftershocks += 1;
        }
        // The mainshock's id: among those a sample of one in two or more leaves out, as
        // about half of all ids are.
        let mainshock = (38_457_511_u64..)
            .map(|n| format!("ci{n}"))
            .find(|key| !key_hash(key).is_multiple_of(2))
            .expect("an id whose hash is odd");
        sample.offer(
            key_hash(&mainshock),
            Some(Position {
                lon: -117.599,
                lat: 35.77,
                value: Some(7.1),
            }),
        );
        let positions = sample.into_positions();
        assert_eq!(positions.records, u64::from(aftershocks) + 1);
        assert!(positions.sampled_every > 1, "a sample is drawn");
        let strongest = positions
            .points
            .iter()
            .filter_map(|p| p.value)
            .fold(f64::MIN, f64::max);
        assert_eq!(
            strongest, 7.1,
            "the M7.1 mainshock ({mainshock}) is drawn on the sampled map"
        );
        let weakest = positions
            .points
            .iter()
            .filter_map(|p| p.value)
            .fold(f64::MAX, f64::min);
        assert_eq!(weakest, 0.0, "the key spans the period's lowest value too");
        assert!(
            (1..=2 * EXTREMES).contains(&positions.extremes_added),
            "{}",
            positions.extremes_added
        );
    }

    #[test]
    fn stations_reporting_in_the_same_order_every_hour_all_stay_in_the_sample() {
        // 64 stations every 10 minutes for 30 days, hour after hour in station order: a
        // stride of 16 over that order would keep 4 stations.
        let mut sample = Sample::new(MAX_POSITIONS);
        for step in 0..30 * 24 * 6 {
            for station in 0..64_u32 {
                let key = format!("station-{station}-{step}");
                let position = Position {
                    lon: f64::from(station),
                    lat: 0.0,
                    value: None,
                };
                sample.offer(key_hash(&key), Some(position));
            }
        }
        let positions = sample.into_positions();
        assert!(positions.sampled_every > 1 && positions.points.len() <= MAX_POSITIONS);
        let mut stations: Vec<u64> = positions.points.iter().map(|p| p.lon as u64).collect();
        stations.sort_unstable();
        stations.dedup();
        assert_eq!(stations.len(), 64, "every station is drawn");
    }
}
