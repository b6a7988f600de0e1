//! A category field's most frequent values over the period, as horizontal bars.

use std::collections::HashMap;

use plotters::prelude::*;

use super::{
    ChartError, ChartImage, KeyedAxis, count_axis, desc_style, draw, fitted, fitted_title, font_px,
    label_style, number_label, palette, title_style,
};
use crate::format::grouped;

/// Longest value label drawn; longer ones are cut with an ellipsis.
const LABEL_CHARS: usize = 48;

/// Bars of `values` (most frequent first), the largest on top, each with its count, over
/// whole-number ticks.
pub fn category_bars(
    values: &[(String, i64)],
    title: &str,
    size: (u32, u32),
) -> Result<ChartImage, ChartError> {
    let rows = values.len().max(1);
    let right = values.iter().map(|(_, c)| *c).max().unwrap_or(0).max(1) as f64 * 1.15;
    let fail = ChartError::from_plotters(title);
    let mut image = draw(title, size, |root| {
        // Room for the widest label as the font draws it (capitals and `W`s run wide), at most
        // two fifths of the chart: a label wider than that is cut in its middle.
        let room = f64::from(size.0) * 0.4 - font_px(8.0);
        let labels = fitted_labels(values, |label| fitted(root, &label, &label_style(), room));
        let widest = labels
            .iter()
            .filter_map(|label| root.estimate_text_size(label, &label_style()).ok())
            .map(|(width, _)| f64::from(width))
            .fold(0.0, f64::max);
        let label_width = (widest + font_px(8.0)) as u32;
        let centres: Vec<f64> = (0..values.len()).map(|i| i as f64 + 0.5).collect();
        let y_range = KeyedAxis::new(0.0..rows as f64, centres);
        let mut chart = ChartBuilder::on(root)
            .caption(fitted_title(root, title), title_style())
            .margin(font_px(6.0) as u32)
            .x_label_area_size(font_px(24.0) as u32)
            .y_label_area_size(label_width)
            .build_cartesian_2d(count_axis(right), y_range)
            .map_err(&fail)?;
        let row_of = |y: f64| rows - 1 - (y.floor().max(0.0) as usize).min(rows - 1);
        let y_label = |y: &f64| labels.get(row_of(*y)).cloned().unwrap_or_default();
        let x_label = |x: &f64| number_label(*x, right);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(palette::GRID)
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .label_style(label_style())
            .axis_desc_style(desc_style())
            .x_desc("Records")
            .draw()
            .map_err(&fail)?;
        let slot = |i: usize| (rows - 1 - i) as f64;
        chart
            .draw_series(values.iter().enumerate().map(|(i, (_, count))| {
                let y = slot(i);
                Rectangle::new(
                    [(0.0, y + 0.18), (*count as f64, y + 0.82)],
                    palette::DATA.filled(),
                )
            }))
            .map_err(&fail)?;
        chart
            .draw_series(values.iter().enumerate().map(|(i, (_, count))| {
                let position = (*count as f64 + right * 0.01, slot(i) + 0.72);
                Text::new(grouped(*count), position, label_style())
            }))
            .map_err(&fail)?;
        Ok(())
    })?;
    // Each value whole, as the bars rank them; a blank one as its bar names it.
    image.words.extend(values.iter().map(|(value, count)| {
        let value = if value.trim().is_empty() {
            "(empty)"
        } else {
            value
        };
        format!("{value}: {}", grouped(*count))
    }));
    Ok(image)
}

/// [`fitted_labels`] with room for any width.
#[cfg(test)]
fn value_labels(values: &[(String, i64)]) -> Vec<String> {
    fitted_labels(values, |label| label)
}

/// The bars' labels: each value as it reads, cut in its middle past [`LABEL_CHARS`] and by
/// `fit` (to the room the chart has). Values that cutting made alike (long ones parting in
/// their middle, such as a number within a name) are shown from a little before where each
/// parts from the others, `…numéro 412 — agglomération…`, and any still alike told apart by
/// their rank among them.
fn fitted_labels(values: &[(String, i64)], fit: impl Fn(String) -> String) -> Vec<String> {
    let cut: Vec<String> = values
        .iter()
        .map(|(value, _)| fit(shorten(value)))
        .collect();
    let parted: Vec<String> = values
        .iter()
        .zip(&cut)
        .enumerate()
        .map(|(i, ((value, _), label))| {
            let parts_at = values
                .iter()
                .zip(&cut)
                .enumerate()
                .filter(|(j, (other, other_label))| {
                    *j != i && other_label == &label && other.0 != *value
                })
                .map(|(_, ((other, _), _))| shared_start(value, other))
                .max();
            match parts_at {
                Some(at) if at > BEFORE_PARTING => {
                    // From a word's start when a space comes first, not a quoted ` numéro`.
                    let from: String = value.chars().skip(at - BEFORE_PARTING).collect();
                    fit(format!("…{}", shorten(from.trim_start())))
                }
                _ => label.clone(),
            }
        })
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    parted
        .into_iter()
        .map(|label| {
            let count = seen.entry(label.clone()).or_default();
            *count += 1;
            if *count == 1 {
                label
            } else {
                format!("{label} ({count})")
            }
        })
        .collect()
}

/// Characters kept before where a value parts from others cut alike, so its label reads from
/// within a word of it.
const BEFORE_PARTING: usize = 10;

/// How many characters `a` and `b` share at their start.
fn shared_start(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// A value as a bar's label: `(empty)` for blanks; line breaks as `↵` and other control
/// characters as spaces; quoted when spaces begin or end it (`"actif "` is not `actif`); cut in
/// the middle with `…` past [`LABEL_CHARS`], so values sharing a long start stay apart.
fn shorten(value: &str) -> String {
    if value.trim().is_empty() {
        return "(empty)".to_owned();
    }
    let visible: String = value
        .chars()
        .map(|c| match c {
            '\n' | '\r' => '↵',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let visible = if visible.trim() == visible {
        visible
    } else {
        format!("\"{visible}\"")
    };
    if visible.chars().count() <= LABEL_CHARS {
        visible
    } else {
        crate::format::cut_middle(&visible, LABEL_CHARS - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_value_is_in_the_charts_words_a_blank_one_as_its_bar_names_it() {
        let values: Vec<(String, i64)> = vec![
            ("COMMERCE DE GROS".to_owned(), 1200),
            (String::new(), 3),
            (" ".to_owned(), 1),
        ];
        let size = (crate::charts::px(174.0), crate::charts::px(60.0));
        let image = category_bars(&values, "t", size).expect("chart");
        assert_eq!(
            image.words,
            ["t", "COMMERCE DE GROS: 1,200", "(empty): 3", "(empty): 1"]
        );
    }

    #[test]
    fn wide_labels_stay_inside_the_image() {
        let values: Vec<(String, i64)> = vec![
            ("W".repeat(40), 30),
            (
                "COMMERCE DE GROS (COMMERCE INTERENTREPRISES)".to_owned(),
                20,
            ),
            ("actif".to_owned(), 10),
        ];
        let size = (crate::charts::px(174.0), crate::charts::px(60.0));
        let image = category_bars(&values, "t", size).expect("chart");
        let w = image.width as usize;
        let leftmost = (0..image.height as usize)
            .flat_map(|y| (0..w).map(move |x| (x, (y * w + x) * 3)))
            .filter(|&(_, at)| image.rgb[at..at + 3].iter().any(|&c| c < 250))
            .map(|(x, _)| x)
            .min()
            .expect("a chart");
        assert!(
            leftmost >= font_px(4.0) as usize,
            "labels start inside the margin, not cut at the edge: column {leftmost}"
        );
    }

    #[test]
    fn long_values_parting_in_their_middle_keep_what_tells_them_apart() {
        let values: Vec<(String, i64)> = [412, 37, 5, 104, 109]
            .iter()
            .map(|n| {
                (
                    format!(
                        "Établissement public de coopération intercommunale numéro {n} — agglomération du Grand Montauban"
                    ),
                    1,
                )
            })
            .collect();
        // As a chart of the report's width cuts them.
        let labels = fitted_labels(&values, |label| crate::format::cut_middle(&label, 40));
        for (label, n) in labels.iter().zip(["412", "37", "5", "104", "109"]) {
            assert!(
                label.contains(&format!("numéro {n} ")),
                "a reader can tell which value each bar is: {labels:?}"
            );
            assert!(
                !label.ends_with(')') && !label.contains('"'),
                "neither a rank nor quotes: {labels:?}"
            );
        }
    }

    #[test]
    fn labels_keep_values_apart() {
        let values: Vec<(String, i64)> = [
            "Établissement recevant du public — catégorie 1 — type M",
            "Établissement recevant du public — catégorie 1 — type N",
            "actif",
            "actif ",
            "Ligne 1\nLigne 2",
            "  ",
        ]
        .iter()
        .map(|v| ((*v).to_owned(), 1))
        .collect();
        assert_eq!(
            value_labels(&values),
            [
                "Établissement recevant d… — catégorie 1 — type M",
                "Établissement recevant d… — catégorie 1 — type N",
                "actif",
                "\"actif \"",
                "Ligne 1↵Ligne 2",
                "(empty)",
            ]
        );
        let same_ends: Vec<(String, i64)> = ["a", "b", "c"]
            .iter()
            .map(|middle| (format!("{}{middle}{}", "x".repeat(30), "y".repeat(30)), 1))
            .collect();
        let labels = value_labels(&same_ends);
        assert_eq!(
            labels,
            [
                format!("…{}a{}", "x".repeat(10), "y".repeat(30)),
                format!("…{}b{}", "x".repeat(10), "y".repeat(30)),
                format!("…{}c{}", "x".repeat(10), "y".repeat(30)),
            ],
            "each shown from where it parts from the others"
        );
        let narrow = fitted_labels(&same_ends, |label| label.chars().take(4).collect());
        assert_eq!(
            narrow,
            ["…xxx", "…xxx (2)", "…xxx (3)"],
            "too narrow to part them: told apart by rank"
        );
        let prefix = value_labels(&[("ab".to_owned(), 2), ("a".to_owned(), 1)]);
        assert_eq!(
            prefix,
            ["ab", "a"],
            "a value that starts another is not alike"
        );
        let parentheses =
            value_labels(&[("Autre (préciser)".to_owned(), 2), ("Autre".to_owned(), 1)]);
        assert_eq!(parentheses, ["Autre (préciser)", "Autre"]);
    }
}
