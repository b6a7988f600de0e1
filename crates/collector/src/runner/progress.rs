//! A source's progress bar while it collects, in a terminal.

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

/// What follows a progress bar at most (`1500000/1500000 records 12m 5s`, an export of a
/// large dataset), with its space.
const AFTER_THE_BAR: usize = 32;

/// A source's progress bar, drawn in ASCII: a terminal in a Latin-1 locale shows each `█` of
/// a UTF-8 bar as three characters, two of them control codes. It is 40 columns long, less
/// in a terminal too narrow for it beside the source's name (80 columns and a long name),
/// where the terminal would fold each redraw onto two lines.
pub(super) fn progress_bar(bars: &MultiProgress, source: &str) -> ProgressBar {
    let bar = bars.add(ProgressBar::new(0));
    let columns = releve::columns::stderr_width().unwrap_or(80);
    let name = releve::columns::width(source).max(20);
    let length = columns
        .saturating_sub(name + 1 + AFTER_THE_BAR)
        .clamp(10, 40);
    let template = format!("{{prefix:>20}} {{bar:{length}}} {{pos}}/{{len}} records {{elapsed}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("#>-"));
    }
    bar.set_prefix(source.to_owned());
    bar
}
