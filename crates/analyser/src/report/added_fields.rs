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
}

impl<'a> AddedField<'a> {
    /// `field` of `key` (`numeric` or `categories`) of `source`, in a report generated at
    /// `generated`.
    pub fn new(
        source: &'a Source,
        field: &'a str,
        key: &'static str,
        generated: DateTime<Utc>,
    ) -> AddedField<'a> {
        let horizon = source
            .keep_days
            .and_then(|days| generated.checked_sub_signed(TimeDelta::days(i64::from(days))));
        AddedField {
            source,
            field,
            key,
            horizon,
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
        Some(format!("{said}; {}", self.again(lacking)))
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
        Some(format!("{said}. {}", self.again(unranged)))
    }

    /// The advice for `hours` summarised under an earlier configuration: `--resummarise`
    /// where it reaches them.
    fn again(&self, hours: &[DateTime<Utc>]) -> String {
        match self.within_keep_days(hours) {
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
        let field = AddedField::new(&kept, "late", "numeric", generated);
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
        let field = AddedField::new(&forever, "late", "numeric", generated);
        assert!(field.in_no_summary(&[days_ago(400)]).ends_with(
            "Its values are kept in `records`: `summariser --resummarise s` summarises the stored hours again with it, but for an hour whose records are no longer all there."
        ));
        assert_eq!(field.in_some_summaries(&[], 24), None);
    }
}
