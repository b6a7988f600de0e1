//! Lays the status out as a plain-text table that reads well in a terminal and in a cron
//! mail: a header line, one row per source, then the last report. In a terminal narrower than
//! the table (80 columns: the table takes 120 and more), each source takes its own lines.

use chrono::{DateTime, TimeDelta, Utc};

use super::{DatabaseState, Health, StatusReport};

const HEADERS: [&str; 9] = [
    "SOURCE",
    "STATE",
    "LAST COLLECTED",
    "LAG",
    "EVERY",
    "WAITING",
    "QUARANTINED",
    "LAST SUMMARISED HOUR",
    "LAST ERROR",
];
const ERROR_WIDTH: usize = 60;
const REASON_WIDTH: usize = 100;

/// Columns of the table kept on a source's first line in a terminal narrower than the table:
/// the rest are said on the lines under it.
const NARROW_COLUMNS: usize = 5;

/// The whole status as text, for a terminal `columns` wide (`None`: not a terminal, the
/// table whatever its width, one line a source for `grep` and `awk`).
pub fn render(report: &StatusReport, columns: Option<usize>) -> String {
    let now = report.now;
    let mut out = format!("relevé status at {}\n", time(now));
    match &report.database {
        DatabaseState::Reachable { shown } => out.push_str(&format!("MongoDB: {shown}\n\n")),
        DatabaseState::Empty { shown } => out.push_str(&format!(
            "MongoDB: {shown}: NO RELEVÉ DATA; showing raw/ only, summarised hours unknown\n\n"
        )),
        DatabaseState::Unreachable { reason } => out.push_str(&format!(
            "MongoDB: UNAVAILABLE ({reason}); showing raw/ only, summarised hours unknown\n\n"
        )),
    }
    let hours_known = matches!(report.database, DatabaseState::Reachable { .. });
    // A count that could not be read is shown as `?`; stderr says why.
    let counted = |count: usize, known: bool| {
        if known {
            count.to_string()
        } else {
            "?".to_owned()
        }
    };
    let rows: Vec<[String; 9]> = report
        .sources
        .iter()
        .map(|source| {
            [
                source.name.clone(),
                source.health(now).label().to_owned(),
                source.last_success.map_or_else(
                    || if hours_known { "never" } else { "unknown" }.to_owned(),
                    time,
                ),
                source.lag(now).map_or_else(|| "-".to_owned(), duration),
                source
                    .every
                    .map_or_else(|| "-".to_owned(), |e| duration(e.as_chrono())),
                counted(source.waiting, source.raw_unreadable.is_none()),
                counted(source.quarantined, report.unreadable.is_none()),
                match (hours_known, source.last_hour) {
                    (false, _) => "unknown".to_owned(),
                    (true, None) => "none".to_owned(),
                    (true, Some(hour)) => time(hour),
                },
                match (&source.refused, &source.unavailable, &source.last_error) {
                    (Some((why, _)), _, _) => shorten(why, REASON_WIDTH),
                    (None, Some(reason), _) if source.health(now) == Health::Skipped => {
                        shorten(reason, REASON_WIDTH)
                    }
                    (None, _, Some((at, e))) => error_cell(now, *at, e),
                    (None, _, None) => "-".to_owned(),
                },
            ]
        })
        .collect();
    let mut widths = HEADERS.map(releve::columns::width);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(releve::columns::width(cell));
        }
    }
    let table_width = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
    match columns {
        Some(columns) if table_width > columns => out.push_str(&narrow(&rows, columns)),
        _ => {
            out.push_str(&line(&HEADERS, &widths));
            for row in &rows {
                out.push_str(&line(row, &widths));
            }
        }
    }
    match &report.last_report {
        Some((path, written)) => out.push_str(&format!(
            "\nLast report: {} (written {})\n",
            path.display(),
            time(*written)
        )),
        None => out.push_str("\nLast report: none yet\n"),
    }
    if !report.free_space.is_empty() {
        let spaces: Vec<String> = report.free_space.iter().map(|s| s.render()).collect();
        out.push_str(&format!("Free space: {}\n", spaces.join(", ")));
    }
    if let Some(fault) = &report.report_fault {
        out.push_str(&format!(
            "Next report: none until `[report]` is fixed ({fault})\n"
        ));
    }
    out
}

/// The rows in a terminal `columns` wide: a source's name, state, last collection, lag and
/// interval under the table's headers, then its counts and hour, and its last error (cut to
/// the terminal's width) on lines of their own. A name too long for the first line beside the
/// rest (a source named in 40 columns, in 80) takes a line of its own above them.
fn narrow(rows: &[[String; 9]], columns: usize) -> String {
    let mut widths = [0; NARROW_COLUMNS];
    for cells in std::iter::once(&HEADERS.map(str::to_owned)).chain(rows) {
        for (width, cell) in widths.iter_mut().zip(cells) {
            *width = (*width).max(releve::columns::width(cell));
        }
    }
    let name_alone = widths.iter().sum::<usize>() + 2 * (NARROW_COLUMNS - 1) > columns;
    if name_alone {
        widths[0] = 0;
    }
    let first = |cells: &[String; 9]| -> [String; NARROW_COLUMNS] {
        std::array::from_fn(|index| match index {
            0 if name_alone => String::new(),
            _ => cells[index].clone(),
        })
    };
    let mut text = String::new();
    if name_alone {
        text.push_str(&format!("{}\n", HEADERS[0]));
    }
    text.push_str(&line(&first(&HEADERS.map(str::to_owned)), &widths));
    for cells in rows {
        if name_alone {
            text.push_str(&format!("{}\n", releve::columns::cut(&cells[0], columns)));
        }
        text.push_str(&line(&first(cells), &widths));
        let [.., waiting, quarantined, hour, error] = cells;
        text.push_str(&format!(
            "  waiting {waiting}, quarantined {quarantined}, last summarised hour {hour}\n"
        ));
        if error != "-" {
            let said = format!("  last error: {error}");
            text.push_str(&format!("{}\n", releve::columns::cut(&said, columns)));
        }
    }
    text
}

fn line<const N: usize>(cells: &[impl AsRef<str>; N], widths: &[usize; N]) -> String {
    let mut text = String::new();
    for (cell, width) in cells.iter().zip(widths) {
        let cell = cell.as_ref();
        let pad = width.saturating_sub(releve::columns::width(cell));
        text.push_str(cell);
        text.push_str(&" ".repeat(pad + 2));
    }
    format!("{}\n", text.trim_end())
}

fn error_cell(now: DateTime<Utc>, at: DateTime<Utc>, error: &str) -> String {
    format!(
        "{} ago: {}",
        duration((now - at).max(TimeDelta::zero())),
        shorten(error, ERROR_WIDTH)
    )
}

/// `text` on one line, cut to `width` columns with an ellipsis; stderr has it in full.
fn shorten(text: &str, width: usize) -> String {
    releve::columns::cut(&text.replace(['\n', '\r'], " "), width)
}

pub(super) fn time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A duration the way people say it: `45s`, `3m`, `2h 5m`, `3d 4h`.
pub fn duration(span: TimeDelta) -> String {
    let secs = span.num_seconds().max(0);
    let (days, hours, minutes) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60);
    match (days, hours, minutes) {
        (0, 0, 0) => format!("{secs}s"),
        // Under ten minutes the seconds count: `1m 40s` is more than 3 × 30s, `1m` is not.
        (0, 0, m) if m < 10 && secs % 60 != 0 => format!("{m}m {}s", secs % 60),
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source named in 40 columns, in an 80-column terminal: its name takes a line of its
    /// own, and every line fits.
    #[test]
    fn a_long_source_name_in_a_narrow_terminal_takes_a_line_of_its_own() {
        let name = "toulouse-atmo-occitanie-no2-hourly-means";
        let row: [String; 9] = [
            name,
            "FAILING",
            "2026-12-07 05:00 UTC",
            "3d 4h",
            "15m",
            "12",
            "0",
            "2026-12-07 04:00 UTC",
            "3m ago: GET: gave up after 5 attempts",
        ]
        .map(str::to_owned);
        let text = narrow(&[row], 80);
        let wide: Vec<&str> = text
            .lines()
            .filter(|line| line.chars().count() > 80)
            .collect();
        assert!(wide.is_empty(), "wider than 80 columns: {wide:#?}\n{text}");
        assert!(text.lines().any(|line| line == name), "{text}");
        assert!(
            text.lines().any(|line| line.starts_with("  FAILING  ")),
            "{text}"
        );
    }

    #[test]
    fn durations_read_like_speech() {
        assert_eq!(duration(TimeDelta::seconds(45)), "45s");
        assert_eq!(duration(TimeDelta::seconds(180)), "3m");
        assert_eq!(duration(TimeDelta::seconds(100)), "1m 40s");
        assert_eq!(duration(TimeDelta::seconds(725)), "12m");
        assert_eq!(duration(TimeDelta::seconds(7500)), "2h 5m");
        assert_eq!(duration(TimeDelta::seconds(3600)), "1h");
        assert_eq!(duration(TimeDelta::seconds(3 * 86_400 + 4 * 3600)), "3d 4h");
    }
}
