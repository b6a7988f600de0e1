//! How numbers and times are written in the report: grouped thousands, significant digits,
//! times in the report's time zone, text cut to fit.

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The cron minute at or after `time`: when the collector, started by cron each minute, runs
/// a source it put off until `time` (a retry falls between two minutes).
pub fn cron_minute(time: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::DurationRound;
    time.duration_round_up(chrono::TimeDelta::minutes(1))
        .unwrap_or(time)
}

/// An interval in words, as a reader says it: `every minute`, `every 15 minutes`, `every
/// hour`, `every 2 days` (`1m` could be read as a month).
pub fn every_words(every: chrono::TimeDelta) -> String {
    let seconds = every.num_seconds().max(1);
    let (n, unit) = [(86_400, "day"), (3_600, "hour"), (60, "minute")]
        .into_iter()
        .find(|(size, _)| seconds % size == 0)
        .map_or((seconds, "second"), |(size, unit)| (seconds / size, unit));
    match n {
        1 => format!("every {unit}"),
        n => format!("every {} {unit}s", grouped(n)),
    }
}

/// What follows a value of that unit: ` hPa`, or nothing.
pub fn after_value(unit: Option<&str>) -> String {
    unit.map(|unit| format!(" {unit}")).unwrap_or_default()
}

/// `12345` → `12,345`.
pub fn grouped(n: impl Into<i128>) -> String {
    let n: i128 = n.into();
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Items as a sentence lists them: `a`, `a and b`, `a, b and c`; empty for none.
pub fn listed<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", rest.join(", "), last.as_ref())
        }
    }
}

/// `n` and a noun that takes an `s` in the plural, in agreement: `1 record`, `0 records`,
/// `12,345 records`.
pub fn counted(n: impl Into<i128>, noun: &str) -> String {
    let n: i128 = n.into();
    let plural = if n == 1 { "" } else { "s" };
    format!("{} {noun}{plural}", grouped(n))
}

/// A time as `2026-11-21 14:05` in the report's time zone; in the hour a clock change
/// repeats, with its offset (`2026-10-25 02:30 +01:00`), which tells the two apart.
pub fn local_time(time: DateTime<Utc>, tz: Tz) -> String {
    let local = time.with_timezone(&tz).format("%Y-%m-%d %H:%M");
    format!("{local}{}", repeated_offset(time, tz))
}

/// ` +01:00`, the offset of `time` in `tz` when its local time is one a clock change repeats;
/// else nothing.
pub fn repeated_offset(time: DateTime<Utc>, tz: Tz) -> String {
    let local = time.with_timezone(&tz);
    match tz.from_local_datetime(&local.naive_local()) {
        chrono::LocalResult::Ambiguous(..) => local.format(" %:z").to_string(),
        _ => String::new(),
    }
}

/// A "last successful collection" cell: the time in the report's time zone, or `never`.
pub fn last_collection(last_success: Option<DateTime<Utc>>, tz: Tz) -> String {
    last_success.map_or_else(|| "never".to_owned(), |time| local_time(time, tz))
}

/// `part` as a percentage of `whole` to a tenth, rounded down (at most 100): 9,996 of 10,000
/// is `99.9%`, never a `100.0%` that hides what is missing.
pub fn share_floored(part: u64, whole: u64) -> String {
    let permille = (u128::from(part) * 1000)
        .checked_div(u128::from(whole))
        .unwrap_or(0)
        .min(1000);
    format!("{}.{}%", permille / 10, permille % 10)
}

/// A measured value with a sensible number of decimals, trailing zeros dropped: `7.06`, `3.8`,
/// `58`, `14.1`, `1,013`; under 1, three significant digits (`0.0051`, `0.123`); a whole value
/// (a count, a power of 0 MW) reads as one.
pub fn value(v: f64) -> String {
    // `-0` reads as zero.
    let v = if v == 0.0 { 0.0 } else { v };
    if !v.is_finite() {
        not_finite(v)
    } else if v.abs() >= 1e15 {
        // Past a million billion, digits stop being readable (and an i64 stops holding them).
        scientific(v)
    } else if v != 0.0 && v.abs() < 1.0 {
        // Two decimals would write 0.0051 and 0.006 both as 0.01: three significant digits,
        // as long as they stay readable.
        let decimals = (-v.abs().log10()).ceil().max(0.0) as usize + 2;
        if decimals <= 6 {
            with_decimals(v, decimals)
        } else {
            scientific(v)
        }
    } else {
        let decimals = if v.abs() >= 1000.0 {
            0
        } else if v.abs() >= 10.0 {
            1
        } else {
            2
        };
        with_decimals(v, decimals)
    }
}

/// `v` in scientific notation to four significant digits, trailing zeros dropped as
/// elsewhere: `1e-9`, `2.5e15`, `1.235e300`.
fn scientific(v: f64) -> String {
    let written = scientific_halves_away(v, 3);
    match written.split_once('e') {
        Some((mantissa, exponent)) if mantissa.contains('.') => {
            let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
            format!("{mantissa}e{exponent}")
        }
        _ => written,
    }
}

/// A value that is no number (a document edited by hand can hold one): said as such, never
/// as a 0.
fn not_finite(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_owned()
    } else if v > 0.0 {
        "∞".to_owned()
    } else {
        "-∞".to_owned()
    }
}

/// Values written side by side (a min, a mean, a max): as [`value`] writes them, or, when that
/// would write two different values alike (12.041 and 12.046 as `12.0`), with the decimals that
/// tell the closest two apart. Values a rounding error apart (a mean of equal values computed
/// from hourly means) count as equal.
pub fn values_apart<const N: usize>(values: [f64; N]) -> [String; N] {
    // A NaN or an infinity is written as such, and measures nothing against the others.
    let largest = values
        .iter()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, |m, v| m.max(v.abs()));
    // A mean of values around zero can come out a rounding error off it (-1.7e-27): a value
    // between the others (the mean, not a min or a max, which are values as measured) that
    // close to zero next to the largest is zero.
    let between = |v: f64| values.iter().any(|o| *o < v) && values.iter().any(|o| *o > v);
    let values = values.map(|v| {
        if v.abs() <= largest * 1e-12 && between(v) {
            0.0
        } else {
            v
        }
    });
    let mut plain = values.map(value);
    // One notation for the small values of a sentence: `-9.88e-4` beside `-2.336e-5`, never
    // `-0.000988`; `0.5` stays as it is.
    let small = |v: f64| v != 0.0 && v.abs() < 0.01;
    if (0..N).any(|i| small(values[i]) && plain[i].contains('e')) {
        plain = std::array::from_fn(|i| {
            if small(values[i]) {
                scientific(values[i])
            } else {
                plain[i].clone()
            }
        });
    }
    let mut closest = f64::INFINITY;
    let mut alike = false;
    for (i, a) in values.iter().enumerate() {
        for (j, b) in values.iter().enumerate().skip(i + 1) {
            let apart = (a - b).abs();
            if apart > largest * 1e-12 {
                closest = closest.min(apart);
                alike |= plain[i] == plain[j];
            }
        }
    }
    if !alike || !closest.is_finite() || largest >= 1e15 {
        return plain;
    }
    // One decimal more than the difference's first significant one, within the 15 significant
    // digits a double holds.
    let whole_digits = largest.log10().floor().max(0.0);
    let most = (14.0 - whole_digits).max(0.0);
    let decimals = ((-closest.log10()).ceil() + 1.0).clamp(0.0, most) as usize;
    values.map(|v| with_decimals(v, decimals))
}

/// `value` with `decimals` decimals, trailing zeros dropped, and its whole part's thousands
/// grouped: `101,600.5`. For values below 1e15.
pub fn with_decimals(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return not_finite(value);
    }
    let text = halves_away_from_zero(value.abs(), decimals);
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let whole = grouped(whole.parse::<i64>().unwrap_or(0));
    let fraction = fraction.trim_end_matches('0');
    let sign = if value < 0.0 && (whole != "0" || !fraction.is_empty()) {
        "-"
    } else {
        ""
    };
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

/// `v` (not negative) with `decimals` decimals, a value exactly halfway rounded up, as a
/// spreadsheet and a reader round it: Rust's formatting sends it to the even neighbour,
/// 3672.5 to `3672` and 3673.5 to `3674`.
fn halves_away_from_zero(v: f64, decimals: usize) -> String {
    let rounded = || format!("{v:.decimals$}");
    // Only a value whose next decimal is a 5 can lie halfway: most figures stop here.
    if !format!("{v:.next$}", next = decimals + 1).ends_with('5') {
        return rounded();
    }
    // A double's decimal expansion ends within 1,074 decimals: this one is exact.
    let exact = format!("{v:.1100}");
    exact
        .split_once('.')
        .and_then(|(whole, fraction)| halfway_up(whole, fraction, decimals))
        .unwrap_or_else(rounded)
}

/// `v` in scientific notation with `decimals` decimals in its mantissa (`1.235e15`), a value
/// exactly halfway rounded away from zero, as [`halves_away_from_zero`] does.
fn scientific_halves_away(v: f64, decimals: usize) -> String {
    let sign = if v < 0.0 { "-" } else { "" };
    // Only a mantissa whose next decimal is a 5 can lie halfway.
    let next = format!("{:.next$e}", v.abs(), next = decimals + 1);
    if !next
        .split_once('e')
        .is_some_and(|(mantissa, _)| mantissa.ends_with('5'))
    {
        return format!("{v:.decimals$e}");
    }
    let exact = format!("{:.1100e}", v.abs());
    let halfway = exact.split_once('e').and_then(|(mantissa, exponent)| {
        let (whole, fraction) = mantissa.split_once('.')?;
        let exponent: i32 = exponent.parse().ok()?;
        let rounded = halfway_up(whole, fraction, decimals)?;
        // 9.9995 up to 10.000: one more power of ten.
        Some(match rounded.strip_prefix("10") {
            Some(rest) => format!("1{rest}e{}", exponent + 1),
            None => format!("{rounded}e{exponent}"),
        })
    });
    match halfway {
        Some(written) => format!("{sign}{written}"),
        None => format!("{v:.decimals$e}"),
    }
}

/// The exact decimal `whole.fraction` with `decimals` decimals when it lies exactly halfway
/// between two such, rounded up (away from zero); `None` when it does not.
fn halfway_up(whole: &str, fraction: &str, decimals: usize) -> Option<String> {
    let (kept, rest) = fraction.split_at(decimals.min(fraction.len()));
    let halfway = rest
        .strip_prefix('5')
        .is_some_and(|after| after.bytes().all(|digit| digit == b'0'));
    if !halfway {
        return None;
    }
    // The kept digits, one more in their last place.
    let mut digits: Vec<u8> = whole.bytes().chain(kept.bytes()).collect();
    let mut carry = true;
    for digit in digits.iter_mut().rev() {
        if !carry {
            break;
        }
        carry = *digit == b'9';
        *digit = if carry { b'0' } else { *digit + 1 };
    }
    let mut written = String::from(if carry { "1" } else { "" });
    let split = digits.len() - kept.len();
    written.push_str(&String::from_utf8_lossy(&digits[..split]));
    if !kept.is_empty() {
        written.push('.');
        written.push_str(&String::from_utf8_lossy(&digits[split..]));
    }
    Some(written)
}

/// `text` keeping `kept` of its characters, its start and its end, joined by `…` (all of it
/// when it is that short).
pub fn cut_middle(text: &str, kept: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= kept {
        return text.to_owned();
    }
    let head = kept.div_ceil(2);
    let tail = kept / 2;
    chars[..head]
        .iter()
        .chain(std::iter::once(&'…'))
        .chain(&chars[chars.len() - tail..])
        .collect()
}

/// `text` whole when `fits` takes it, else cut in its middle (see [`cut_middle`]) to the most
/// characters `fits` takes.
pub fn cut_to_fit(text: &str, fits: impl Fn(&str) -> bool) -> String {
    if fits(text) {
        return text.to_owned();
    }
    // The most characters kept that fit: `cut_middle(low)` fits, `cut_middle(high)` does not.
    let (mut low, mut high) = (0, text.chars().count());
    while high - low > 1 {
        let middle = (low + high) / 2;
        if fits(&cut_middle(text, middle)) {
            low = middle;
        } else {
            high = middle;
        }
    }
    cut_middle(text, low)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interval_reads_in_words() {
        let words = |seconds: i64| every_words(chrono::TimeDelta::seconds(seconds));
        assert_eq!(words(60), "every minute");
        assert_eq!(words(900), "every 15 minutes");
        assert_eq!(words(3_600), "every hour");
        assert_eq!(words(5_400), "every 90 minutes");
        assert_eq!(words(86_400), "every day");
        assert_eq!(words(7 * 86_400), "every 7 days");
        assert_eq!(words(45), "every 45 seconds");
    }

    #[test]
    fn a_time_in_the_hour_a_clock_change_repeats_carries_its_offset() {
        let paris = chrono_tz::Europe::Paris;
        let at = |text: &str| text.parse::<DateTime<Utc>>().expect("time");
        // 25 October 2026: 02:00 to 03:00 in Paris twice, at +02:00 then +01:00.
        for (utc, shown) in [
            ("2026-10-25T00:30:00Z", "2026-10-25 02:30 +02:00"),
            ("2026-10-25T01:30:00Z", "2026-10-25 02:30 +01:00"),
            ("2026-10-25T02:30:00Z", "2026-10-25 03:30"),
            ("2026-11-21T13:05:00Z", "2026-11-21 14:05"),
        ] {
            assert_eq!(local_time(at(utc), paris), shown);
        }
    }

    #[test]
    fn a_share_is_rounded_down_so_a_shortfall_never_reads_as_all() {
        assert_eq!(share_floored(9_996, 10_000), "99.9%");
        assert_eq!(share_floored(10_000, 10_000), "100.0%");
        assert_eq!(share_floored(123, 1_000), "12.3%");
        assert_eq!(share_floored(39_000, 40_000), "97.5%");
        assert_eq!(share_floored(0, 5), "0.0%");
        assert_eq!(share_floored(6, 5), "100.0%");
    }

    #[test]
    fn a_value_that_is_no_number_is_never_written_as_a_number() {
        assert_eq!(values_apart([1.0, 2.0, f64::INFINITY]), ["1", "2", "∞"]);
        assert_eq!(
            values_apart([f64::NEG_INFINITY, 2.5, 7.0]),
            ["-∞", "2.5", "7"]
        );
        assert_eq!(
            values_apart([f64::NAN, 12.041, 12.046]),
            ["NaN", "12.041", "12.046"]
        );
        assert_eq!(value(f64::NAN), "NaN");
        assert_eq!(value(f64::INFINITY), "∞");
        assert_eq!(value(f64::NEG_INFINITY), "-∞");
        assert_eq!(with_decimals(f64::NAN, 2), "NaN");
    }

    #[test]
    fn huge_and_tiny_values_are_written_in_scientific_notation() {
        assert_eq!(value(1e300), "1e300");
        assert_eq!(value(-3.2e298), "-3.2e298");
        assert_eq!(value(999_999_999_999_999.0), "999,999,999,999,999");
        assert_eq!(value(1_234.4), "1,234");
        assert_eq!(value(1.2e-5), "1.2e-5");
        assert_eq!(value(-1.23456e20), "-1.235e20");
        assert_eq!(value(0.0), "0");
        assert_eq!(value(0.05), "0.05");
        assert_eq!(value(-0.0), "0");
    }

    #[test]
    fn whole_values_read_as_whole_numbers_and_no_value_ends_in_a_zero_decimal() {
        assert_eq!(value(58.0), "58");
        assert_eq!(value(3.0), "3");
        assert_eq!(value(3.8), "3.8");
        assert_eq!(value(7.06), "7.06");
        assert_eq!(value(-0.5), "-0.5");
        assert_eq!(value(14.06), "14.1");
        assert_eq!(value(9.999), "10");
        assert_eq!(value(999.96), "1,000");
        assert_eq!(value(0.004), "0.004", "a rain mean next to its max of 0.7");
        assert_eq!(value(-0.0012345), "-0.00123");
        assert_eq!(value(0.000_123_4), "0.000123");
        assert_eq!(value(0.0049), "0.0049");
        assert_eq!(value(0.0051), "0.0051", "not 0.01, twice its value");
        assert_eq!(value(0.006), "0.006");
        assert_eq!(value(0.015), "0.015");
        assert_eq!(value(0.1234), "0.123");
        assert_eq!(value(0.25), "0.25");
        assert_eq!(value(0.999), "0.999");
    }

    #[test]
    fn close_values_side_by_side_get_the_decimals_that_tell_them_apart() {
        assert_eq!(
            values_apart([12.040, 12.043, 12.046]),
            ["12.04", "12.043", "12.046"]
        );
        assert_eq!(
            values_apart([1_000_000.0, 1_000_000.000_2]),
            ["1,000,000", "1,000,000.0002"]
        );
        assert_eq!(
            values_apart([1.0, 2.5, 4.0]),
            ["1", "2.5", "4"],
            "told apart already: as `value` writes them"
        );
        assert_eq!(values_apart([3.0, 3.0]), ["3", "3"]);
        assert_eq!(
            values_apart([12.0, 12.04, 13.0]),
            ["12", "12.04", "13"],
            "a whole value next to one that rounds to it"
        );
        assert_eq!(
            values_apart([1_013.3, 1_013.299_999_999_999_8, 1_013.3]),
            ["1,013", "1,013", "1,013"],
            "a mean a rounding error off is the same value"
        );
        assert_eq!(
            values_apart([-1e-9, -1.7e-27, 1e-9]),
            ["-1e-9", "0", "1e-9"],
            "a mean a rounding error off zero is zero"
        );
        assert_eq!(
            values_apart([0.005, 1.0e299, 3.0e300]),
            ["0.005", "1e299", "3e300"],
            "a min is as measured, however small beside the max"
        );
        assert_eq!(
            values_apart([-0.000_988, -2.336e-5, 0.5]),
            ["-9.88e-4", "-2.336e-5", "0.5"],
            "small values in one notation"
        );
        assert_eq!(
            values_apart([-0.000_988, 0.0, 3.0]),
            ["-0.000988", "0", "3"],
            "plain when none needs more"
        );
        assert_eq!(with_decimals(-1_234.25, 2), "-1,234.25");
        assert_eq!(cut_middle("Établissement", 5), "Éta…nt");
        assert_eq!(cut_middle("court", 5), "court");
        assert_eq!(with_decimals(-0.0001, 2), "0");
    }

    /// Figures in scientific notation, a large total (1,234,500,000,000,000, exactly
    /// representable) and a small value beside a tiny one in a caption (0.0078125 = 2^-7 beside
    /// 1e-5), are still rounded to the even neighbour by `{:.3e}`: `1.234e15` and `7.812e-3`,
    /// where the same report rounds every other halfway figure away from zero (3,672.5 reads
    /// 3,673) and a spreadsheet reads 1.235E+15 and 7.813E-03. Expected: halves away from zero
    /// in scientific notation too.
    #[test]
    fn a_value_halfway_in_scientific_notation_rounds_away_from_zero_too() {
        assert_eq!(value(1_234_500_000_000_000.0), "1.235e15");
        assert_eq!(value(-1_234_500_000_000_000.0), "-1.235e15");
        assert_eq!(
            value(9_999_500_000_000_000.0),
            "1e16",
            "carried into the exponent"
        );
        assert_eq!(
            values_apart([0.007_812_5, 0.000_01]),
            ["7.813e-3", "1e-5"],
            "a caption's two small values"
        );
    }

    #[test]
    fn a_value_halfway_between_two_printed_figures_rounds_away_from_zero_every_time() {
        // Values exactly halfway (3672.5 MW, a mean of 1.125 °C) are printed as a spreadsheet
        // and a reader round them: always up in size, not to the even neighbour, which sends
        // 3672.5 down and 3673.5 up in the same report.
        assert_eq!(value(3_672.5), "3,673", "a power of 3672.5 MW");
        assert_eq!(value(3_673.5), "3,674");
        assert_eq!(value(-3_672.5), "-3,673");
        assert_eq!(value(12.25), "12.3");
        assert_eq!(value(12.75), "12.8");
        assert_eq!(value(1.125), "1.13");
        assert_eq!(value(1.375), "1.38");
        assert_eq!(value(0.5), "0.5", "no rounding needed");
        assert_eq!(value(9_999.5), "10,000", "carried into a new digit");
        assert_eq!(
            value(9.995),
            "9.99",
            "stored just below halfway, as every reader rounds it"
        );
        assert_eq!(
            values_apart([1.125, 919.771_25, 3_672.5]),
            ["1.13", "919.8", "3,673"],
            "a caption's min and max as a reader rounds them"
        );
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(-4_500), "-4,500");
    }

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(counted(1, "record"), "1 record");
        assert_eq!(counted(0, "record"), "0 records");
        assert_eq!(counted(2, "value"), "2 values");
        assert_eq!(counted(12_345, "record"), "12,345 records");
    }

    #[test]
    fn times_are_shown_in_the_report_zone() {
        let time = "2026-11-21T13:05:00Z".parse().expect("instant");
        assert_eq!(
            last_collection(Some(time), chrono_tz::Europe::Paris),
            "2026-11-21 14:05"
        );
        assert_eq!(last_collection(None, chrono_tz::Europe::Paris), "never");
    }
}
