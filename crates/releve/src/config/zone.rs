//! Time zones named in the configuration (`[report] timezone`, a source's `local_times`): an
//! IANA name, with a hint when it is not one.

use chrono_tz::Tz;
use serde::Deserialize;

use super::source_table;

pub(super) fn time_zone<'de, D: serde::Deserializer<'de>>(value: D) -> Result<Tz, D::Error> {
    let name = String::deserialize(value)?;
    if let Some(fixed) = fixed_all_year(&name) {
        return Err(serde::de::Error::custom(fixed));
    }
    name.parse().map_err(|_| {
        serde::de::Error::custom(format!(
            "`{name}` is not an IANA time zone such as `Europe/Paris`{}",
            hint(&name)
        ))
    })
}

/// Why a legacy zone named like a region's standard time is refused: `EST` and `MST` are IANA
/// names, but of an offset kept all year, so a New York user writing `EST` would get days an
/// hour off from March to November. The message names a place of each kind. (`HST` is
/// accepted: Hawaii keeps UTC-10 all year.) Written in another case (`est`), the name is no
/// zone, and refused with the same words rather than pointed to `EST`.
fn fixed_all_year(name: &str) -> Option<String> {
    // In any case: `est` is no zone, and the hint for it would be `EST`.
    let (offset, summer, all_year) = match name.to_ascii_uppercase().as_str() {
        "EST" => ("UTC-5", "America/New_York", "America/Panama"),
        "MST" => ("UTC-7", "America/Denver", "America/Phoenix"),
        _ => return None,
    };
    Some(format!(
        "`{name}` is {offset} all year, with no summer time: name the zone of the place, such as `{summer}`, which follows its summer time, or `{all_year}`, which keeps {offset} all year"
    ))
}

pub(super) fn some_time_zone<'de, D: serde::Deserializer<'de>>(
    value: D,
) -> Result<Option<Tz>, D::Error> {
    time_zone(value).map(Some)
}

/// What is meant, said after a name that is no zone: ` (did you mean `Europe/Paris`?)` for a
/// name a letter or a case off; for an offset (`+01:00`), the `Etc/GMT` zone of that offset,
/// whose sign is the other way round, when there is one; for an abbreviation (`PST`), which
/// several zones hours apart may share and a letter's change turns into another zone, no
/// guess.
fn hint(name: &str) -> String {
    let names: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect();
    if let Some(zone) = names.iter().find(|zone| zone.eq_ignore_ascii_case(name)) {
        return format!(" (did you mean `{zone}`?)");
    }
    if let Some(offset) = Offset::read(name) {
        return offset.hint();
    }
    // A place alone (`Paris`, `new york`): the zone of a continent, an ocean or the Arctic
    // named after it (not `Etc/GMT+1`, whose sign is the other way round, nor a legacy
    // `US/Pacific`).
    const AREAS: &[&str] = &[
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    ];
    let place = name.trim().replace(' ', "_");
    if let Some(zone) = names.iter().find(|zone| {
        zone.split_once('/')
            .is_some_and(|(area, _)| AREAS.contains(&area))
            && zone
                .rsplit('/')
                .next()
                .is_some_and(|city| city.eq_ignore_ascii_case(&place))
    }) {
        return format!(" (did you mean `{zone}`?)");
    }
    if name.eq_ignore_ascii_case("z") {
        return " (did you mean `UTC`?)".to_owned();
    }
    let abbreviation = (1..=5).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphabetic())
        && (name.chars().all(|c| c.is_ascii_uppercase())
            || name.chars().all(|c| c.is_ascii_lowercase()));
    if abbreviation {
        return " (an abbreviation names no zone, and several zones hours apart may share one: name the zone of the place, which follows its summer time, such as `Europe/Paris` or `America/Los_Angeles`)".to_owned();
    }
    source_table::closest(name, &names)
        .map(|zone| format!(" (did you mean `{zone}`?)"))
        .unwrap_or_default()
}

/// An offset from UTC written where a zone was expected: `+01:00`, `+0100`, `+01`, `UTC+1`,
/// `GMT-05:30`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Offset {
    /// -1 west of UTC, 1 east of it.
    sign: i8,
    hours: u8,
    minutes: u8,
}

impl Offset {
    fn read(name: &str) -> Option<Offset> {
        let upper = name.trim().to_ascii_uppercase();
        let rest = upper
            .strip_prefix("UTC")
            .or_else(|| upper.strip_prefix("GMT"))
            .unwrap_or(&upper);
        let (sign, digits) = if let Some(digits) = rest.strip_prefix('+') {
            (1, digits)
        } else if let Some(digits) = rest.strip_prefix('-').or_else(|| rest.strip_prefix('−')) {
            (-1, digits)
        } else {
            return None;
        };
        let (hours, minutes) = match digits.split_once(':') {
            Some((hours, minutes)) => (hours, minutes),
            None if digits.len() == 4 => digits.split_at(2),
            None => (digits, "00"),
        };
        let number = |text: &str, most: usize| {
            (!text.is_empty() && text.len() <= most && text.bytes().all(|b| b.is_ascii_digit()))
                .then(|| text.parse::<u8>().ok())
                .flatten()
        };
        let minutes = number(minutes, 2).filter(|m| minutes.len() == 2 && *m < 60)?;
        Some(Offset {
            sign,
            hours: number(hours, 2)?,
            minutes,
        })
    }

    /// The offset as UTC writes it: `UTC+1`, `UTC-5:30`.
    fn written(self) -> String {
        let sign = if self.sign < 0 { '-' } else { '+' };
        match self.minutes {
            0 => format!("UTC{sign}{}", self.hours),
            minutes => format!("UTC{sign}{}:{minutes:02}", self.hours),
        }
    }

    fn hint(self) -> String {
        let hours = i32::from(self.sign) * i32::from(self.hours);
        // `Etc/GMT` zones are whole hours, from UTC-12 to UTC+14.
        if self.minutes != 0 || !(-12..=14).contains(&hours) {
            return format!(
                " (an offset is no zone, and no `Etc/GMT` zone is {}: name the zone of the place, such as `Asia/Kolkata` for UTC+5:30)",
                self.written()
            );
        }
        let etc = match hours {
            0 => "Etc/GMT".to_owned(),
            hours => format!("Etc/GMT{:+}", -hours),
        };
        format!(
            " (an offset is no zone: `Etc/GMT` zones are written with the sign the other way round, `{etc}` for {}, and follow no summer time)",
            self.written()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_read_in_their_usual_forms() {
        let offset = |sign, hours, minutes| {
            Some(Offset {
                sign,
                hours,
                minutes,
            })
        };
        assert_eq!(Offset::read("+01:00"), offset(1, 1, 0));
        assert_eq!(Offset::read("+0100"), offset(1, 1, 0));
        assert_eq!(Offset::read("utc-5"), offset(-1, 5, 0));
        assert_eq!(Offset::read("GMT+05:30"), offset(1, 5, 30));
        assert_eq!(Offset::read("−03"), offset(-1, 3, 0));
        for none in [
            "Europe/Paris",
            "+",
            "+1:5",
            "+123",
            "-2147483648",
            "+01:60",
            "UTC",
        ] {
            assert_eq!(Offset::read(none), None, "{none}");
        }
    }

    #[test]
    fn an_offset_is_pointed_to_its_etc_zone_only_when_there_is_one() {
        assert!(hint("+00:00").contains("`Etc/GMT` for UTC+0"));
        assert!(hint("UTC+14").contains("`Etc/GMT-14` for UTC+14"));
        assert!(hint("-12:00").contains("`Etc/GMT+12` for UTC-12"));
        assert!(hint("+05:30").contains("no `Etc/GMT` zone is UTC+5:30"));
        assert!(hint("-13:00").contains("no `Etc/GMT` zone is UTC-13"));
    }

    #[test]
    fn a_standard_time_kept_all_year_is_refused_with_the_zone_of_the_place() {
        let read = |name: &str| {
            time_zone(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(name))
        };
        let refused = read("EST").expect_err("EST has no summer time").to_string();
        assert!(refused.contains("`EST` is UTC-5 all year"), "{refused}");
        assert!(refused.contains("`America/New_York`"), "{refused}");
        assert!(refused.contains("`America/Panama`"), "{refused}");
        for written in ["est", "Est"] {
            let refused = read(written).expect_err("not a zone").to_string();
            assert!(
                refused.contains(&format!("`{written}` is UTC-5 all year"))
                    && refused.contains("`America/New_York`")
                    && !refused.contains("did you mean `EST`"),
                "not pointed to the refused `EST`: {refused}"
            );
        }
        let refused = read("MST").expect_err("MST has no summer time").to_string();
        assert!(
            refused.contains("`America/Denver`") && refused.contains("`America/Phoenix`"),
            "{refused}"
        );
        for zone in [
            "HST",
            "EST5EDT",
            "Etc/GMT+5",
            "America/New_York",
            "CET",
            "UTC",
        ] {
            assert!(read(zone).is_ok(), "{zone}");
        }
    }

    #[test]
    fn an_abbreviation_gets_no_guess_but_a_typo_does() {
        for abbreviation in ["PST", "cst", "AEST", "MSK"] {
            assert!(
                hint(abbreviation).contains("an abbreviation names no zone"),
                "{abbreviation}"
            );
        }
        assert_eq!(hint("z"), " (did you mean `UTC`?)");
        assert_eq!(hint("cet"), " (did you mean `CET`?)");
        assert_eq!(hint("Japn"), " (did you mean `Japan`?)");
        assert_eq!(hint("Paris"), " (did you mean `Europe/Paris`?)");
        assert_eq!(hint("new york"), " (did you mean `America/New_York`?)");
        assert!(
            hint("GMT+1").contains("`Etc/GMT-1` for UTC+1"),
            "not Etc/GMT+1, UTC-1"
        );
        assert!(hint("gmt-5").contains("`Etc/GMT+5` for UTC-5"));
        assert!(!hint("Eastern").contains("Canada"), "{}", hint("Eastern"));
        assert_eq!(
            hint("Longyearbyen"),
            " (did you mean `Arctic/Longyearbyen`?)"
        );
    }
}
