//! What the report says of a `numeric` or `categories` field that some or all of a period's
//! summaries lack: they were summarised before the field was added to the configuration.
//! `summariser --resummarise` summarises such hours again, except those that began more than
//! `keep_days` ago, which are final: the report only advises it where it helps.

use chrono::{DateTime, TimeDelta, Utc};
use releve::Source;

use crate::format::counted;
use crate::naming::name_of;

/// A field added to `key` (`numeric` or `categories`) of `source`, as the report generated at
/// a time sees it.
pub struct AddedField<'a> {
    source: &'a Source,
    field: &'a str,
    key: &'static str,
    /// Hours that began before it are past `keep_days`: final.
    horizon: Option<DateTime<Utc>>,
    /// False when the records of the hours lacking it do not hold it either (see
    /// [`crate::query::SourceData::fields_not_in_records`]).
    in_records: bool,
}

impl<'a> AddedField<'a> {
    /// `field` of `key` (`numeric` or `categories`) of `source`, in a report generated at
    /// `generated`; `in_records` unless the records of the hours lacking it lack it too.
    pub fn new(
        source: &'a Source,
        field: &'a str,
        key: &'static str,
        generated: DateTime<Utc>,
        in_records: bool,
    ) -> AddedField<'a> {
        let horizon = source
            .keep_days
            .and_then(|days| generated.checked_sub_signed(TimeDelta::days(i64::from(days))));
        AddedField {
            source,
            field,
            key,
            horizon,
            in_records,
        }
    }

    /// What stands for the chart when no summary of the period holds the field; `hours` are
    /// the period's summarised hours.
    pub fn in_no_summary(&self, hours: &[DateTime<Utc>]) -> String {
        let (field, key) = (self.field, self.key);
        let said = format!(
            "No summary of this period holds {}: its hours were summarised before `{field}` was added to `{key}` in sources.toml.",
            name_of(self.source, field)
        );
        let advice = match self.within_keep_days(hours) {
            n if n > 0 && !self.in_records => self.not_fetched(hours),
            n if n == hours.len() => format!(
                "Its values are kept in `records`: `summariser --resummarise {}` summarises the stored hours again with it, but for an hour whose records are no longer all there.",
                self.source.name
            ),
            0 => self.all_final(),
            n => format!(
                "`summariser --resummarise {}` summarises again with it the {n} of them within keep_days whose records are all in `records`; the others began earlier and stay as they were summarised.",
                self.source.name
            ),
        };
        format!("{said} {advice}")
    }

    /// What a chart's figures leave out when only some of the period's `summarised` hours
    /// hold the field: `lacking` are the others.
    pub fn in_some_summaries(
        &self,
        lacking: &[DateTime<Utc>],
        summarised: usize,
    ) -> Option<String> {
        let count = lacking.len();
        if count == 0 {
            return None;
        }
        let were = if count == 1 { "was" } else { "were" };
        let said = format!(
            "{count} of the period's {summarised} summarised hours {were} summarised before `{}` was added to `{}` and hold no {}: these figures leave them out",
            self.field,
            self.key,
            name_of(self.source, self.field)
        );
        Some(format!("{said}; {}", self.again(lacking, true)))
    }

    /// What a chart's figures hold when some of the period's `summarised` hours were
    /// summarised before the field's `plausible` range was set: `unranged` are the hours
    /// whose least or greatest value lies outside it, which a summary under the range never
    /// holds, so their values outside it are still counted.
    pub fn before_range(&self, unranged: &[DateTime<Utc>], summarised: usize) -> Option<String> {
        let [low, high] = self.source.plausible.get(self.field)?;
        let count = unranged.len();
        if count == 0 {
            return None;
        }
        let (hold, they) = if count == 1 {
            ("holds", "it was")
        } else {
            ("hold", "they were")
        };
        let said = format!(
            "{count} of the period's {summarised} summarised hours {hold} values of {} outside its `plausible` range [{low}, {high}]: {they} summarised before the range was set, and these figures count those values",
            name_of(self.source, self.field)
        );
        Some(format!("{said}. {}", self.again(unranged, false)))
    }

    /// The advice for `hours` summarised under an earlier configuration: `--resummarise`
    /// where it reaches them, or, for hours `lacking` the field whose records lack it too, a
    /// collection again (hours summarised before a range hold the field).
    fn again(&self, hours: &[DateTime<Utc>], lacking: bool) -> String {
        match self.within_keep_days(hours) {
            n if n > 0 && lacking && !self.in_records => self.not_fetched(hours),
            n if n == hours.len() => format!(
                "`summariser --resummarise {}` summarises them again with it, but for an hour whose records are no longer all in `records`.",
                self.source.name
            ),
            0 => self.all_final(),
            n => format!(
                "`summariser --resummarise {}` summarises again the {n} within keep_days whose records are all in `records`; the others began earlier and stay as they were summarised.",
                self.source.name
            ),
        }
    }

    /// How many of `hours` began within `keep_days`, which `--resummarise` reaches.
    pub(super) fn within_keep_days(&self, hours: &[DateTime<Utc>]) -> usize {
        hours
            .iter()
            .filter(|hour| self.horizon.is_none_or(|horizon| **hour >= horizon))
            .count()
    }

    /// The advice for `hours` whose records were stored without the field: it was not fetched
    /// then, so they must be collected again with it, where the API serves them again.
    fn not_fetched(&self, hours: &[DateTime<Utc>]) -> String {
        let name = &self.source.name;
        let said = format!(
            "None of their records read holds `{}`, not even as null: it was not fetched then (left out of the query, as of a `select`, or dropped), so `summariser --resummarise` cannot add it.",
            self.field
        );
        let first_day = hours
            .iter()
            .filter(|hour| self.horizon.is_none_or(|horizon| **hour >= horizon))
            .min()
            .map(|hour| hour.date_naive());
        let again = match (&self.source.kind, first_day) {
            (releve::SourceKind::Opendatasoft(ods), Some(day)) if ods.incremental => format!(
                "`collector --source {name} --since {day}` collects them again with it (from {day}, 00:00 UTC), and the summariser's next run summarises them."
            ),
            (_, Some(day)) if self.source.collects_by_day() => format!(
                "`collector --source {name} --date DAY` collects a day again with it, each day from {day}, and the summariser's next run summarises them."
            ),
            _ => "The hours collected from now on hold it; past hours hold it only once collected again, where the API serves them again.".to_owned(),
        };
        format!("{said} {again}")
    }

    /// Said when every hour concerned began more than `keep_days` ago.
    fn all_final(&self) -> String {
        format!(
            "They began more than keep_days ({}) ago: their records are expiring, and they stay as they were summarised.",
            counted(self.source.keep_days.unwrap_or_default(), "day")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(keep_days: &str) -> Source {
        let text = format!(
            "[[source]]\nname = \"s\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"t\"\nnumeric = [\"late\"]\n{keep_days}"
        );
        let config = releve::Config::parse(&text, std::path::Path::new("sources.toml"))
            .expect("configuration");
        config.sources[0].clone()
    }

    #[test]
    fn the_advice_is_given_only_for_hours_within_keep_days() {
        let generated = DateTime::<Utc>::UNIX_EPOCH + TimeDelta::days(100);
        let days_ago = |days: i64| generated - TimeDelta::days(days);
        let kept = source("keep_days = 10\n");
        let field = AddedField::new(&kept, "late", "numeric", generated, true);
        let recent = field
            .in_some_summaries(&[days_ago(2), days_ago(3)], 24)
            .expect("said");
        assert!(
            recent.ends_with("`summariser --resummarise s` summarises them again with it, but for an hour whose records are no longer all in `records`."),
            "{recent}"
        );
        let old = field.in_some_summaries(&[days_ago(12)], 24).expect("said");
        assert!(
            old.contains("1 of the period's 24 summarised hours was summarised before")
                && old.ends_with("They began more than keep_days (10 days) ago: their records are expiring, and they stay as they were summarised."),
            "{old}"
        );
        let mixed = field.in_no_summary(&[days_ago(12), days_ago(2), days_ago(1)]);
        assert!(
            mixed.ends_with("`summariser --resummarise s` summarises again with it the 2 of them within keep_days whose records are all in `records`; the others began earlier and stay as they were summarised."),
            "{mixed}"
        );
        let forever = source("");
        let field = AddedField::new(&forever, "late", "numeric", generated, true);
        assert!(field.in_no_summary(&[days_ago(400)]).ends_with(
            "Its values are kept in `records`: `summariser --resummarise s` summarises the stored hours again with it, but for an hour whose records are no longer all there."
        ));
        assert_eq!(field.in_some_summaries(&[], 24), None);
    }

    /// Hours whose records lack the field too (an incremental portal source whose `select`
    /// left it out): collected again from the first one's UTC day, not summarised again.
    #[test]
    fn a_field_the_records_lack_is_collected_again_from_its_first_day() {
        let text = "[[source]]\nname = \"nat\"\nkind = \"opendatasoft\"\nurl = \"http://127.0.0.1:9\"\ndataset = \"eco2mix\"\nincremental = true\nevery = \"15m\"\nkey = \"date_heure\"\ntime = \"date_heure\"\nnumeric = [\"gaz\"]\n";
        let config = releve::Config::parse(text, std::path::Path::new("sources.toml"))
            .expect("configuration");
        let generated = DateTime::<Utc>::UNIX_EPOCH + TimeDelta::days(100);
        let field = AddedField::new(&config.sources[0], "gaz", "numeric", generated, false);
        let said = field
            .in_some_summaries(&[generated - TimeDelta::hours(30)], 48)
            .expect("said");
        assert!(
            said.ends_with("None of their records read holds `gaz`, not even as null: it was not fetched then (left out of the query, as of a `select`, or dropped), so `summariser --resummarise` cannot add it. `collector --source nat --since 1970-04-09` collects them again with it (from 1970-04-09, 00:00 UTC), and the summariser's next run summarises them."),
            "{said}"
        );
    }

    /// A field added once (its first hours fetched without it, so not in their records) whose
    /// `plausible` range was set later: the hours summarised before the range hold its values,
    /// in `records` too, so `--resummarise` applies the range to them; they were fetched with
    /// the field, and collecting them again is no advice for them.
    #[test]
    fn hours_summarised_before_a_range_are_advised_a_resummarise_whatever_older_hours_lack() {
        let config = releve::Config::parse(
            "[[source]]\nname = \"s\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"t\"\nnumeric = [\"late\"]\nplausible = { late = [-30, 50] }\n",
            std::path::Path::new("sources.toml"),
        )
        .expect("configuration");
        let generated = DateTime::<Utc>::UNIX_EPOCH + TimeDelta::days(100);
        // Not in the records of the hours lacking it (see `fields_not_in_records`).
        let field = AddedField::new(&config.sources[0], "late", "numeric", generated, false);
        let said = field
            .before_range(&[generated - TimeDelta::hours(5)], 24)
            .expect("said");
        assert!(
            said.contains("`summariser --resummarise s`")
                && !said.contains("None of their records read holds")
                && !said.contains("collected again"),
            "hours that hold values of `late` are said to be stored without it: {said}"
        );
    }
}
