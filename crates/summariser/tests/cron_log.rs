//! What the summariser's hourly crontab line writes to `logs/summariser.log` (and so to the
//! mail of whoever reads it) when one cause fails many files: `failure_lines` names the first
//! five files of a cause and counts the rest, "so an hourly cron mail stays readable".

mod common;

use common::{Workspace, quake, snapshot, stderr};

/// A `time` path misspelt in `sources.toml` (`properties.tim`): every landed file of the
/// source is quarantined, each for the same cause. A `1m` USGS source lands 60 files an hour,
/// and the past-hour feed's count of events changes from one minute to the next; the reason
/// names each file's count ("none of its 253 records has both a key at `id` and a time at
/// `properties.tim`: 253 have no time …"), so no two files share a cause, and the hourly run
/// prints one failure line per file: 60 lines an hour, 1,440 a day, of the one key to fix,
/// where `failure_lines` promises the first five and a count.
#[test]
fn files_quarantined_for_one_misspelt_time_path_are_counted_after_a_few() {
    let work = Workspace::new("one-cause-many-counts");
    let config =
        common::CONFIG.replacen("time = \"properties.time\"", "time = \"properties.tim\"", 1);
    std::fs::write(work.dir.path().join("sources.toml"), config).expect("config");
    let files = 12;
    for minute in 0..files {
        // The past hour's feed: a few events more or fewer from one minute to the next.
        let events = (0..3 + minute)
            .map(|i| quake(&format!("ev{minute}-{i}"), (10, minute), 1.0 + f64::from(i)))
            .collect();
        work.land("usgs", (10, minute, 0), &snapshot(events));
    }
    let output = work.summarise_with(&[]);
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("summariser: ") && line.contains("properties.tim"))
        .collect();
    assert_eq!(
        work.raw().join("_quarantine").read_dir().map_or(0, |d| d
            .filter(|e| e
                .as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "json")))
            .count()),
        usize::try_from(files).expect("count"),
        "every file quarantined: {stderr}"
    );
    assert!(
        lines.len() <= 6,
        "{} files quarantined for one misspelt `time` print {} failure lines: {lines:#?}",
        files,
        lines.len()
    );
}
