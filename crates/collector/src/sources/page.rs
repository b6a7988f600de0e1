//! One page of an Opendatasoft selection (v2.1 `/records`, v1 `/search/`), read record by
//! record into the records that land, as an export is ([`EachElement`]): a page of 10,000
//! wide records parsed whole as a tree took about 16 times its size. Also what the first page
//! tells of the records an export of the same selection holds, for the memory it is reckoned
//! to take.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::landing::EachElement;
use super::records::RecordSet;
use crate::http::{Answer, FetchError, SourceClient};

/// What a page told, its records handed to the run's [`RecordSet`] as they were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Page {
    /// Records in the selection, as the API announces them.
    pub total: u64,
    /// Records this page held, those already held alike included.
    pub received: u64,
    /// The sizes of this page's records as served, when it held any.
    pub sizes: Option<RecordSizes>,
}

/// The smallest and the largest record of a page, in bytes of its text as served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RecordSizes {
    /// The smallest record's text.
    pub smallest: u64,
    /// The largest record's text.
    pub largest: u64,
}

impl Page {
    /// Reads `answer` as a page (v2.1's `total_count` and `results`, v1's `nhits` and
    /// `records`), handing each record to `records` as it is read; errors as
    /// [`SourceClient::decode`]'s, the API's own message quoted.
    pub(super) fn read(
        client: &SourceClient,
        answer: &Answer,
        what: &str,
        records: &mut RecordSet<'_>,
    ) -> Result<Page, FetchError> {
        let (total, received) = client.decode_seed(answer, what, PageAnswer(records))?;
        Ok(Page {
            total,
            received,
            sizes: RecordSizes::of(&answer.body),
        })
    }

    /// The records an export of the same selection, of `size` bytes, is reckoned to hold: the
    /// count the page announced, unless the export's size cannot hold that many, were each of
    /// its records half as large as the page's smallest (a portal announcing more than it
    /// serves; the page is a sample, and the export's records may be smaller than any of it),
    /// or holds more, were each as large as the page's largest (a portal announcing fewer). A
    /// record there takes its text and a comma. Without a record on the page, the count alone.
    pub(super) fn records_in(&self, size: u64) -> u64 {
        let Some(sizes) = self.sizes else {
            return self.total;
        };
        let holds = |record: u64| (size + 1) / (record + 1);
        self.total
            .clamp(holds(sizes.largest), holds(sizes.smallest / 2))
    }
}

impl RecordSizes {
    /// The sizes of the records of the page `body`, as served; `None` for a page without a
    /// record, or that is no page.
    fn of(body: &[u8]) -> Option<RecordSizes> {
        /// The records of a page, each as the text it was served as.
        #[derive(Deserialize)]
        struct Served<'a> {
            #[serde(alias = "records", default, borrow)]
            results: Vec<&'a RawValue>,
        }
        let served: Served<'_> = serde_json::from_slice(body).ok()?;
        let lengths = served
            .results
            .iter()
            .map(|record| record.get().len() as u64);
        Some(RecordSizes {
            smallest: lengths.clone().min()?,
            largest: lengths.max()?,
        })
    }
}

/// A page as either API answers it, its records handed to a [`RecordSet`] one at a time: what
/// a `#[derive(Deserialize)]` struct of `total_count` (alias `nhits`) and `results` (alias
/// `records`, default empty) reads, with the same errors, without holding the records as a
/// tree. Yields the total announced and the records read.
struct PageAnswer<'r, 's>(&'r mut RecordSet<'s>);

/// The page's member names, as errors name them.
const TOTAL: &str = "total_count";
const RESULTS: &str = "results";

impl<'de> DeserializeSeed<'de> for PageAnswer<'_, '_> {
    type Value = (u64, u64);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(u64, u64), D::Error> {
        deserializer.deserialize_struct("PageAnswer", &[TOTAL, RESULTS], self)
    }
}

impl<'de> Visitor<'de> for PageAnswer<'_, '_> {
    type Value = (u64, u64);

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("struct PageAnswer")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut members: A) -> Result<(u64, u64), A::Error> {
        let mut total = None;
        let mut received = None;
        while let Some(name) = members.next_key::<MemberName>()? {
            match name {
                MemberName::Total if total.is_some() => {
                    return Err(de::Error::duplicate_field(TOTAL));
                }
                MemberName::Total => total = Some(members.next_value()?),
                MemberName::Results if received.is_some() => {
                    return Err(de::Error::duplicate_field(RESULTS));
                }
                MemberName::Results => {
                    received = Some(members.next_value_seed(self.each_record())?);
                }
                MemberName::Other => {
                    members.next_value::<IgnoredAny>()?;
                }
            }
        }
        let total = total.ok_or_else(|| de::Error::missing_field(TOTAL))?;
        Ok((total, received.unwrap_or_default()))
    }

    /// A page written as an array, `[total, [records]]`, as a derived struct reads one.
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut members: A) -> Result<(u64, u64), A::Error> {
        let expected = "struct PageAnswer with 2 elements";
        let total = members
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(0, &expected))?;
        let received = members
            .next_element_seed(self.each_record())?
            .unwrap_or_default();
        Ok((total, received))
    }
}

impl PageAnswer<'_, '_> {
    /// The reading of the records' array, each handed to the set.
    fn each_record(&mut self) -> EachElement<impl FnMut(serde_json::Value) + '_> {
        let records = &mut *self.0;
        EachElement(move |record| {
            records.add(record);
        })
    }
}

/// A page member's name: the two read, either API's, or another.
enum MemberName {
    Total,
    Results,
    Other,
}

impl<'de> Deserialize<'de> for MemberName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(MemberNameVisitor)
    }
}

/// Reads a member's name.
struct MemberNameVisitor;

impl Visitor<'_> for MemberNameVisitor {
    type Value = MemberName;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("field identifier")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<MemberName, E> {
        Ok(match name {
            "total_count" | "nhits" => MemberName::Total,
            "results" | "records" => MemberName::Results,
            _ => MemberName::Other,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// How a derived struct of the same name and members reads a page: the reading before
    /// pages were read record by record.
    mod derived {
        #[derive(serde::Deserialize)]
        pub(super) struct PageAnswer {
            #[serde(alias = "nhits")]
            pub(super) total_count: u64,
            #[serde(alias = "records", default)]
            pub(super) results: Vec<serde_json::Value>,
        }
    }

    fn read(body: &str) -> Result<(u64, Vec<Value>), String> {
        let source = crate::testing::stations();
        let mut records = RecordSet::new(&source);
        let mut deserializer = serde_json::Deserializer::from_str(body);
        let (total, received) = PageAnswer(&mut records)
            .deserialize(&mut deserializer)
            .and_then(|read| deserializer.end().map(|()| read))
            .map_err(|err| err.to_string())?;
        let held = records
            .into_collected(Some(total))
            .map_err(|err| err.to_string())?;
        let landed: Vec<Value> = serde_json::from_slice(&held.body).map_err(|e| e.to_string())?;
        assert_eq!(received, landed.len() as u64, "{body}");
        Ok((total, landed))
    }

    #[test]
    fn either_api_s_page_is_read_with_its_total_and_records() {
        let records =
            json!([{"id": 1, "t": "2026-12-06T10:00:00Z"}, {"id": 2, "t": "2026-12-06T11:00:00Z"}]);
        let v2 = json!({"total_count": 2, "results": records}).to_string();
        let v1 =
            json!({"nhits": 2, "parameters": {"rows": 10}, "records": records, "facet_groups": []})
                .to_string();
        for body in [v2, v1] {
            let (total, landed) = read(&body).expect("a page");
            assert_eq!(total, 2);
            assert_eq!(Value::Array(landed), records);
        }
        assert_eq!(read(r#"{"nhits": 0}"#), Ok((0, Vec::new())), "no records");
        assert_eq!(
            read("[3]"),
            Ok((3, Vec::new())),
            "an array, as a derived struct reads one"
        );
    }

    /// A body that is not a page fails with the words a derived struct says, which the
    /// user reads in the source's failure.
    #[test]
    fn a_body_that_is_no_page_fails_as_a_derived_struct_would() {
        for body in [
            r#"{"results": []}"#,
            r#"{"total_count": 1, "nhits": 1}"#,
            r#"{"total_count": 1, "results": [], "records": []}"#,
            r#"{"total_count": "12", "results": []}"#,
            r#"{"total_count": 2, "results": {"id": 1}}"#,
            r#"{"total_count": 2, "results": null}"#,
            r#"{"total_count": -1}"#,
            r#""Service Unavailable""#,
            "[]",
            "[3, [{\"id\": 1}], 4]",
            r#"{"total_count": 1, "results": [{"v": 1e400}]}"#,
            r#"{"total_count": 1} x"#,
        ] {
            let derived = serde_json::from_str::<derived::PageAnswer>(body)
                .map(|page| (page.total_count, page.results))
                .map_err(|err| err.to_string());
            assert!(derived.is_err(), "{body}");
            assert_eq!(read(body), derived, "{body}");
        }
    }

    #[test]
    fn the_records_sizes_are_those_served() {
        let body = r#"{"nhits": 3, "records": [{"id": 1}, {"id": 22,  "t": "x"}, {"id":333}]}"#;
        assert_eq!(
            RecordSizes::of(body.as_bytes()),
            Some(RecordSizes {
                smallest: 9,
                largest: 21
            })
        );
        assert_eq!(
            RecordSizes::of(br#"{"total_count": 0, "results": []}"#),
            None
        );
    }

    fn page(total: u64, smallest: u64, largest: u64) -> Page {
        Page {
            total,
            received: 100,
            sizes: Some(RecordSizes { smallest, largest }),
        }
    }

    /// 230,000 records of 199 bytes, 46 MB, as an export writes them (a comma between).
    #[test]
    fn an_export_is_reckoned_to_hold_what_its_size_holds_within_the_count_announced() {
        let size = 230_000 * 200 - 1;
        assert_eq!(page(230_000, 199, 199).records_in(size), 230_000, "honest");
        assert_eq!(
            page(2_300_000, 199, 199).records_in(size),
            460_000,
            "ten times the records announced: at most twice what the page's records make"
        );
        assert_eq!(
            page(50, 199, 199).records_in(size),
            230_000,
            "fewer announced than the size holds"
        );
        // Records of 100 to 300 bytes: any count the size may hold is believed.
        for believed in [153_334, 200_000, 460_000] {
            assert_eq!(page(believed, 99, 299).records_in(size), believed);
        }
        // 2 million rows of 40 bytes (81 MB) whose first page held rows of 60 to 90 bytes: the
        // honest count is believed, not the 1.3 million the page's smallest record would make.
        assert_eq!(
            page(2_000_000, 60, 90).records_in(2_000_000 * 41),
            2_000_000,
            "an honest count of records smaller than the page's"
        );
        let unknown = Page {
            sizes: None,
            ..page(2_300_000, 0, 0)
        };
        assert_eq!(unknown.records_in(size), 2_300_000, "no record to measure");
    }
}
