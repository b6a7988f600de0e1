use super::*;

#[test]
fn a_paris_day_is_labelled_every_three_local_hours() {
    let period = crate::period::ReportPeriod::containing(
        PeriodKind::Day,
        "2026-11-21".parse().expect("date"),
        chrono_tz::Europe::Paris,
    );
    let axis = TimeAxis::new(period.hours(), period.tz, PeriodKind::Day);
    let labels: Vec<String> = axis.key_points().iter().map(|&x| axis.label(x)).collect();
    assert_eq!(labels.first().map(String::as_str), Some("00:00"));
    assert_eq!(labels.len(), 8);
    assert_eq!(labels.last().map(String::as_str), Some("21:00"));
}

#[test]
fn a_days_label_stands_in_its_middle_under_its_bar() {
    let day = "2026-12-03".parse().expect("date");
    let week = crate::period::ReportPeriod::containing(PeriodKind::Week, day, chrono_tz::UTC);
    let axis = TimeAxis::new(week.hours(), week.tz, PeriodKind::Week);
    let points = axis.key_points();
    assert_eq!(points, [12.0, 36.0, 60.0, 84.0, 108.0, 132.0, 156.0]);
    assert_eq!(axis.label(points[3]), "Thu 3");
    // A month's every third day, 3 December among them, in the middle of its bar.
    let month = crate::period::ReportPeriod::containing(PeriodKind::Month, day, chrono_tz::UTC);
    let axis = TimeAxis::new(month.hours(), month.tz, PeriodKind::Month);
    let labelled: Vec<(f64, String)> = axis
        .key_points()
        .into_iter()
        .map(|x| (x, axis.label(x)))
        .collect();
    assert_eq!(labelled[0], (12.0, "1 Dec".to_owned()));
    assert_eq!(labelled[1], (3.0 * 24.0 + 12.0, "4 Dec".to_owned()));
}

#[test]
fn a_day_whose_clocks_change_says_so_under_its_hours() {
    let description = |tz: Tz, date: &str| {
        let period = crate::period::ReportPeriod::containing(
            PeriodKind::Day,
            date.parse().expect("date"),
            tz,
        );
        TimeAxis::new(period.hours(), period.tz, PeriodKind::Day).description()
    };
    let paris = chrono_tz::Europe::Paris;
    assert_eq!(description(paris, "2026-11-21"), "Hour (Europe/Paris)");
    assert_eq!(
        description(paris, "2026-10-25"),
        "Hour (Europe/Paris; 02:00 comes twice: the clocks went back an hour)"
    );
    assert_eq!(
        description(paris, "2026-03-29"),
        "Hour (Europe/Paris; no 02:00: the clocks went forward an hour)"
    );
    assert_eq!(
        description(chrono_tz::Australia::Lord_Howe, "2026-10-04"),
        "Hour (Australia/Lord_Howe; no 02:30: the clocks went forward 30 minutes)"
    );
    assert_eq!(description(chrono_tz::UTC, "2026-10-25"), "Hour (UTC)");
    // Havana skips its midnight: the day begins at 01:00, 23 hours long.
    assert_eq!(
        description(chrono_tz::America::Havana, "2027-03-14"),
        "Hour (America/Havana; no 00:00: the clocks went forward an hour)"
    );
}

/// A week's or a month's bar of a day of 23 or 25 hours is shorter or longer: its axis
/// says why.
#[test]
fn a_week_or_a_month_whose_clocks_change_names_the_day_and_its_hours() {
    let description = |kind: PeriodKind, date: &str| {
        let period = crate::period::ReportPeriod::containing(
            kind,
            date.parse().expect("date"),
            chrono_tz::Europe::Paris,
        );
        TimeAxis::new(period.hours(), period.tz, kind).description()
    };
    assert_eq!(
        description(PeriodKind::Week, "2027-03-25"),
        "Day (Europe/Paris; Sun 28 has 23 hours: the clocks went forward an hour)"
    );
    assert_eq!(
        description(PeriodKind::Month, "2026-10-01"),
        "Day (Europe/Paris; 25 Oct has 25 hours: the clocks went back an hour)"
    );
    assert_eq!(
        description(PeriodKind::Week, "2026-11-25"),
        "Day (Europe/Paris)"
    );
    // Daily values: Paris's Sunday bar spans 23 hours, and is named; Santiago's days, west
    // of UTC, are counted by the UTC hours they cover, 24 each, and none is.
    let daily = |tz: Tz, date: &str| {
        let period = crate::period::ReportPeriod::containing(
            PeriodKind::Week,
            date.parse().expect("date"),
            tz,
        );
        TimeAxis::new(period.hours(), period.tz, PeriodKind::Week)
            .per_day()
            .description()
    };
    assert_eq!(
        daily(chrono_tz::Europe::Paris, "2027-03-25"),
        "Day (Europe/Paris; Sun 28 has 23 hours: the clocks went forward an hour)"
    );
    assert_eq!(
        daily(chrono_tz::America::Santiago, "2026-04-01"),
        "Day (America/Santiago)"
    );
    // Gaza changes twice in October 2040: both days are named.
    let period = crate::period::ReportPeriod::containing(
        PeriodKind::Month,
        "2040-10-01".parse().expect("date"),
        chrono_tz::Asia::Gaza,
    );
    let axis = TimeAxis::new(period.hours(), period.tz, PeriodKind::Month);
    let said = axis.description();
    assert!(
        said.contains("20 Oct has 23 hours") && said.contains("27 Oct has 25 hours"),
        "{said}"
    );
}

#[test]
fn clock_changes_neither_repeat_nor_lose_a_label() {
    let labels = |tz: Tz, kind: PeriodKind, date: &str| -> Vec<String> {
        let period = crate::period::ReportPeriod::containing(kind, date.parse().expect("date"), tz);
        let axis = TimeAxis::new(period.hours(), period.tz, kind);
        axis.key_points().iter().map(|&x| axis.label(x)).collect()
    };
    // Helsinki goes back from 04:00 to 03:00: 03:00 is shown once.
    let helsinki = labels(chrono_tz::Europe::Helsinki, PeriodKind::Day, "2026-10-25");
    assert_eq!(
        helsinki,
        [
            "00:00", "03:00", "06:00", "09:00", "12:00", "15:00", "18:00", "21:00"
        ],
    );
    // Havana skips its midnight in March and goes back from 01:00 to 00:00 in November:
    // each day of those weeks is labelled once.
    for date in ["2026-03-08", "2026-11-01"] {
        let week = labels(chrono_tz::America::Havana, PeriodKind::Week, date);
        assert_eq!(week.len(), 7, "{date}: {week:?}");
    }
}

#[test]
fn a_half_hour_zone_is_labelled_on_its_half_hours() {
    let kolkata = chrono_tz::Asia::Kolkata;
    let day = "2026-11-21".parse().expect("date");
    for (kind, count, first) in [
        (PeriodKind::Day, 8, "00:30"),
        (PeriodKind::Week, 7, "Mon 16"),
        (PeriodKind::Month, 10, "1 Nov"),
    ] {
        let period = crate::period::ReportPeriod::containing(kind, day, kolkata);
        let axis = TimeAxis::new(period.hours(), period.tz, kind);
        let labels: Vec<String> = axis.key_points().iter().map(|&x| axis.label(x)).collect();
        assert_eq!(labels.len(), count, "{kind:?}: {labels:?}");
        assert_eq!(labels.first().map(String::as_str), Some(first), "{kind:?}");
    }
}
