//! A source's category fields: each field's top values over the period as bars, with what
//! is left out.

use std::collections::BTreeMap;

use releve::Source;
use releve::store::{HourlySummary, chrono_date};

use super::added_fields::AddedField;
use super::begun_and_ahead::why_ahead;
use super::source_pages::{say_partly, with_partly};
use crate::charts::{self, ChartError, TimeAxis, px};
use crate::format::{counted, grouped};
use crate::naming::{name_of, value_named};
use crate::pdf::{BODY, CONTENT_WIDTH, Ink, ReportDocument};

/// Category values shown per field.
pub(super) const TOP_VALUES: usize = 10;

/// A category chart's title: how many values it shows of how many, when it cannot show them
/// all (`distinct` values in the period's hourly top lists, more values beyond them when
/// `beyond_hours_top`).
fn category_title(field: &str, distinct: usize, beyond_hours_top: bool) -> String {
    if beyond_hours_top {
        format!(
            "{field}: most frequent values (top {TOP_VALUES} of the hours' top {})",
            releve::store::TOP_CATEGORY_VALUES
        )
    } else if distinct > TOP_VALUES {
        format!(
            "{field}: most frequent values (top {TOP_VALUES} of {})",
            grouped(distinct as u64)
        )
    } else {
        format!(
            "{field}: records per value ({})",
            counted(distinct as u64, "value")
        )
    }
}

/// The top values of `field` over the period as bars; or, `in_words` (a day of daily values,
/// whose few records would draw bars of one), every value in a line when they are few enough
/// to be named.
pub(super) fn category_chart(
    doc: &mut ReportDocument,
    source: &Source,
    field: &str,
    hourly: &[HourlySummary],
    added: &AddedField<'_>,
    axis: &TimeAxis,
    in_words: bool,
) -> Result<(), ChartError> {
    // Forecasts are no values seen: counted apart, unless they are all there is.
    let (ahead, begun): (Vec<&HourlySummary>, Vec<&HourlySummary>) = hourly
        .iter()
        .partition(|h| axis.is_to_come(chrono_date(h.hour)));
    let ahead = Tally::of(&ahead, field);
    let begun = Tally::of(&begun, field);
    let why = why_ahead(source.forecast);
    let all_ahead = begun.records() == 0 && ahead.records() > 0;
    let (ahead_note, counted_hours) = match (begun.records(), ahead.records()) {
        (_, 0) => (None, begun),
        (0, _) => (
            Some(format!(
                "All of these records are of hours or days still to come when the report was generated ({why})."
            )),
            ahead,
        ),
        (_, records) => (
            Some(format!(
                "Not counted: {} of {} still to come when the report was generated ({why}).",
                counted(records, "record"),
                match axis.resolution() {
                    releve::Resolution::Hour => "hours",
                    releve::Resolution::Day => "days",
                }
            )),
            begun,
        ),
    };
    let Tally {
        values: totals,
        other,
        nulls,
    } = counted_hours;
    // What the figures count: forecasts not counted may hold more.
    // Every record counted, or the records ahead being all there is.
    let counted_in = if ahead_note.is_none() || all_ahead {
        "in this period"
    } else if axis.resolution() == releve::Resolution::Day {
        "in the days begun when the report was generated"
    } else {
        "in the hours begun when the report was generated"
    };
    let name = name_of(source, field);
    let summarised = |h: &HourlySummary| h.categories.iter().any(|c| c.field == field);
    let hours: Vec<_> = hourly.iter().map(|h| chrono_date(h.hour)).collect();
    if !hourly.is_empty() && !hourly.iter().any(summarised) {
        doc.heading(&format!("{name}: values"), 10.0, 8.0);
        doc.paragraph(&added.in_no_summary(&hours), BODY, false, Ink::MUTED);
        return Ok(());
    }
    let lacking: Vec<_> = hourly
        .iter()
        .filter(|h| !summarised(h))
        .map(|h| chrono_date(h.hour))
        .collect();
    let partly = added.in_some_summaries(&lacking, hourly.len());
    if totals.is_empty() {
        doc.heading(&format!("{name}: values"), 10.0, 8.0);
        doc.paragraph(
            &format!("No value of {name} {counted_in}."),
            BODY,
            true,
            Ink::ALERT,
        );
        if let Some(note) = &ahead_note {
            doc.paragraph(note, BODY, false, Ink::TEXT);
        }
        say_partly(doc, partly.as_deref());
        return Ok(());
    }
    let title = category_title(name, totals.len(), other > 0);
    let mut ranked: Vec<(String, i64)> =
        totals.into_iter().map(|(v, c)| (v.to_owned(), c)).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let beyond: i64 = ranked.iter().skip(TOP_VALUES).map(|(_, c)| c).sum();
    let ties = tie_at_the_cut(&ranked);
    ranked.truncate(TOP_VALUES);
    for (value, _) in &mut ranked {
        *value = value_named(source, field, value);
    }
    if in_words && other + beyond == 0 {
        let values: Vec<String> = ranked
            .iter()
            .map(|(value, count)| format!("{value} in {}", counted(*count, "record")))
            .collect();
        let without = match nulls {
            0 => String::new(),
            n => format!("; {} without a value", counted(n, "record")),
        };
        doc.heading(name, 10.0, 8.0);
        doc.paragraph(
            &format!("This day: {}{without}.", values.join(", ")),
            BODY,
            false,
            Ink::TEXT,
        );
        say_partly(doc, partly.as_deref());
        return Ok(());
    }
    let height = 20.0 + 6.5 * ranked.len() as f32;
    let chart = charts::category_bars(&ranked, &title, (px(CONTENT_WIDTH), px(height)))?;
    // Said when there are any: every value shown and none missing needs no line.
    let caption = match (other + beyond, nulls) {
        (0, 0) => String::new(),
        (0, nulls) => format!("Without a value: {}.", counted(nulls, "record")),
        (others, 0) => format!("Other values: {}.", counted(others, "record")),
        (others, nulls) => format!(
            "Other values: {}; without a value: {}.",
            counted(others, "record"),
            counted(nulls, "record")
        ),
    };
    // `hourly` keeps each hour's top 20 values and counts the rest as `other`: the ranking
    // is of those, which a value common over the period but never in an hour's top 20 misses.
    let approximate = format!(
        "Each hour's summary keeps its {} most frequent values and counts the others as other values ({} {counted_in}): the ranking is of the values kept.",
        releve::store::TOP_CATEGORY_VALUES,
        counted(other, "record"),
    );
    let mut captions = with_partly(&caption, partly.as_deref());
    captions.retain(|caption| !caption.is_empty());
    if let Some(note) = &ahead_note {
        captions.push(note);
    }
    if let Some(ties) = &ties {
        captions.push(ties);
    }
    if other > 0 {
        captions.push(&approximate);
    }
    doc.chart(chart, &captions);
    Ok(())
}

/// A category field's records over some hours: per value, beyond each hour's top values, and
/// without a value.
#[derive(Default)]
struct Tally<'a> {
    values: BTreeMap<&'a str, i64>,
    other: i64,
    nulls: i64,
}

impl<'a> Tally<'a> {
    /// The records of `field` in `hours`.
    fn of(hours: &[&'a HourlySummary], field: &str) -> Tally<'a> {
        let mut tally = Tally::default();
        for counts in hours
            .iter()
            .flat_map(|h| h.categories.iter().filter(|c| c.field == field))
        {
            for v in &counts.values {
                *tally.values.entry(v.value.as_str()).or_default() += v.count;
            }
            tally.other += counts.other;
            tally.nulls += counts.nulls;
        }
        tally
    }

    /// How many records it counts, with a value or without.
    fn records(&self) -> i64 {
        self.values.values().sum::<i64>() + self.other + self.nulls
    }
}

/// When the values ranked (most records first, then by value) tie across the last place
/// shown, what the caption says of it: which of them are shown is no ranking.
fn tie_at_the_cut(ranked: &[(String, i64)]) -> Option<String> {
    let last_shown = ranked.get(TOP_VALUES - 1)?.1;
    if ranked.get(TOP_VALUES)?.1 != last_shown {
        return None;
    }
    let tied = ranked.iter().filter(|(_, c)| *c == last_shown).count();
    let shown = ranked[..TOP_VALUES]
        .iter()
        .filter(|(_, c)| *c == last_shown)
        .count();
    Some(format!(
        "{tied} values tie at {} each: the {shown} of them shown are the first in the alphabetical order of their stored values, not more frequent than the others.",
        counted(last_shown, "record")
    ))
}

#[cfg(test)]
mod tests {
    use super::{TOP_VALUES, category_title, tie_at_the_cut};

    #[test]
    fn values_tied_across_the_last_place_shown_are_said() {
        let ranked = |counts: &[i64]| -> Vec<(String, i64)> {
            counts
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("FR{i:05}"), *c))
                .collect()
        };
        // 25 stations of 719 records each: 10 shown of 25 tied.
        assert_eq!(
            tie_at_the_cut(&ranked(&[719; 25])).as_deref(),
            Some(
                "25 values tie at 719 records each: the 10 of them shown are the first in the alphabetical order of their stored values, not more frequent than the others."
            )
        );
        let mut counts = vec![900, 800, 700];
        counts.extend([5; 12]);
        assert_eq!(
            tie_at_the_cut(&ranked(&counts))
                .as_deref()
                .map(|s| &s[..40]),
            Some("12 values tie at 5 records each: the 7 o")
        );
        // No tie across the cut, or no cut.
        let distinct: Vec<i64> = (0..15).rev().collect();
        assert_eq!(tie_at_the_cut(&ranked(&distinct)), None);
        assert_eq!(tie_at_the_cut(&ranked(&[3; TOP_VALUES])), None);
    }

    #[test]
    fn a_category_title_says_when_values_are_left_out() {
        assert_eq!(
            category_title("weather_code", 1, false),
            "weather_code: records per value (1 value)"
        );
        assert_eq!(
            category_title("typeContrat", 10, false),
            "typeContrat: records per value (10 values)"
        );
        assert_eq!(
            category_title("net", 1_234, false),
            "net: most frequent values (top 10 of 1,234)"
        );
        // Values left out of an hour's top 20 (`other`) mean some hour held more than 20.
        assert_eq!(
            category_title("net", 24, true),
            "net: most frequent values (top 10 of the hours' top 20)"
        );
    }
}
