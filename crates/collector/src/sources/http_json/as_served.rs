//! A body landed as served: its records read one at a time at the `records` path, never the
//! whole document as a tree.

use releve::Source;
use releve::locate::{Located, for_each_record};
use serde_json::Value;

use crate::sources::survey::{Survey, Surveyor};

/// The count and survey of the records at the `records` path of `body`, each parsed on its
/// own; `None` when the body is not plainly records there (the path missing or leading to a
/// value, a member on it given twice, a record that does not parse), which
/// [`read_whole`] then reports.
pub(super) fn survey_as_served(source: &Source, body: &[u8]) -> Option<(u64, Survey)> {
    let text = std::str::from_utf8(body).ok()?;
    let path = source.records_path();
    let mut surveyor = Surveyor::new(source);
    let mut count = 0;
    let mut unreadable = false;
    let located = for_each_record(text, path.segments(), |record| {
        count += 1;
        match serde_json::from_str::<Value>(record.get()) {
            Ok(record) => surveyor.add(&record),
            Err(_) => unreadable = true,
        }
    })
    .ok()?;
    let mut survey = surveyor.finish();
    if let Some(clash) = survey.first_clash.take() {
        let mut earlier = None;
        // The records were all read once: a second pass finds the earlier of the two.
        let _ = for_each_record(text, path.segments(), |record| {
            if earlier.is_none()
                && let Ok(record) = serde_json::from_str::<Value>(record.get())
                && clash.is_earlier(source, &record)
            {
                earlier = Some(record);
            }
        });
        if let Some(earlier) = earlier {
            survey.hints.key_clash = Some(clash.differing_from(source, &earlier));
        }
    }
    (located == Located::Records && !unreadable).then_some((count, survey))
}
