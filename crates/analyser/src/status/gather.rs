//! Collects what `analyser status` shows: the collector's metrics files and the data files
//! still waiting in `raw/<source>/`, the quarantine, the `runs` and `hourly` collections, and
//! the newest file in the reports folder. A status command must say as much as it can: a
//! folder of `raw/` that cannot be read leaves its counts unknown and is a problem of its own,
//! and a metrics file that cannot be read is logged and skipped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use releve::{Config, RefusedSource, rawfile};

use super::database::{read_database, summarised_elsewhere, summarised_into_another};
use super::raw_files::{
    missing_raw_dir, quarantined_per_source, read_raw_folder, unreadable_raw_dir,
};
use super::{DatabaseState, SourceStatus, StatusArgs, StatusError, StatusReport};
use crate::period::PeriodKind;
use crate::reading::Unread;

/// Gathers the status of every configured source at `now`.
pub async fn gather(args: &StatusArgs, now: DateTime<Utc>) -> Result<StatusReport, StatusError> {
    // `[report]` is not read here: a fault in it is a problem to show, not a reason to hide
    // every source's health (the collector and the summariser go on without it).
    let config = Config::load_sources(&args.config.config)?;
    let raw_dir = &args.raw.raw_dir;
    let raw_unreadable = unreadable_raw_dir(raw_dir);
    let (quarantined, unreadable) = match &raw_unreadable {
        Some(why) => (BTreeMap::new(), Some(why.clone())),
        None => quarantined_per_source(raw_dir),
    };
    let mut sources: Vec<SourceStatus> = config
        .sources
        .iter()
        .map(|source| {
            let mut status = SourceStatus {
                name: source.name.clone(),
                line: source.line,
                enabled: source.enabled,
                unavailable: releve::credentials::missing_for(source).map(|m| m.to_string()),
                every: Some(source.every),
                quarantined: quarantined.get(&source.name).copied().unwrap_or(0),
                ..SourceStatus::default()
            };
            match &raw_unreadable {
                Some(why) => status.raw_unreadable = Some(why.clone()),
                None => {
                    read_raw_folder(raw_dir, &mut status, now);
                    status.unmatched = releve::selection::unmatched(raw_dir, &source.name)
                        .map(|unmatched| (unmatched.since, releve::selection::keys(source)));
                }
            }
            status
        })
        .collect();
    sources.extend(config.refused.iter().map(|refused| {
        let mut status = refused_row(&config, refused, raw_dir, &quarantined, now);
        status.raw_unreadable = raw_unreadable.clone().or(status.raw_unreadable);
        status
    }));
    // The machine's runs, every source's, tell how long each file has waited while the
    // summariser could have taken it.
    let collector = crate::waiting_runs::CollectorRuns::new(sources.iter().map(|status| {
        let every = status.every.filter(|_| status.enabled);
        (every, status.waiting_runs.clone())
    }));
    for status in &mut sources {
        status.waited_for_summariser = status
            .oldest_waiting
            .map(|landed| collector.waited_for_summariser(landed, now));
    }
    let unread = Unread::default();
    // Whether the day due a report was collected: then its report is expected, even with none
    // written ever (cron's analyser lines not running).
    let due_day_start = super::day_reports::due_day_start(config.report.timezone, now);
    let mut collected_before_due = false;
    let read = read_database(args, &mut sources, now, &unread, due_day_start).await;
    for status in sources.iter_mut() {
        if status.refused.is_none() && status.raw_unreadable.is_none() {
            super::held_back::read(raw_dir, status, now);
        }
    }
    let mut others_database = None;
    let mut lost_runs = Vec::new();
    let database = match read {
        Ok((state, collected, named, lost)) => {
            collected_before_due = collected;
            lost_runs = lost;
            others_database = named
                .as_ref()
                .map(summarised_elsewhere)
                .or_else(|| summarised_into_another(args));
            state
        }
        // A URI or database name that cannot be used is the command line's fault, as for
        // every stage: nothing to show but that.
        Err(err) if err.is_usage() => return Err(StatusError::Store(err)),
        Err(err) => DatabaseState::Unreachable {
            reason: err.to_string(),
        },
    };
    let mongodb_down = matches!(database, DatabaseState::Unreachable { .. });
    let unreadable = unreadable.or_else(|| missing_raw_dir(raw_dir, &mut sources));
    sources.sort_by_key(|status| status.line);
    let configured_names: Vec<&str> = config.sources.iter().map(|s| s.name.as_str()).collect();
    let unconfigured = rawfile::unconfigured(raw_dir, &config)
        .iter()
        .map(ToString::to_string)
        .collect();
    Ok(StatusReport {
        now,
        sources,
        database,
        others_database,
        lost_runs,
        last_report: newest_report(&args.reports_dir),
        unreadable,
        unread: unread.lines(),
        unconfigured,
        quarantined,
        raw_dir: raw_dir.clone(),
        missing_reports: missing_reports(args, &config, now, collected_before_due, mongodb_down),
        left_out: config.left_out.iter().map(ToString::to_string).collect(),
        report_fault: config.report_fault,
        free_space: super::disk::free_space(&[raw_dir, &args.reports_dir]),
        unwritable: match super::disk::raw_unwritable(raw_dir) {
            // Said once, not again of each source's folder.
            Some(raw) => vec![raw],
            None => super::disk::source_folders_unwritable(raw_dir, &configured_names),
        }
        .into_iter()
        .chain(super::disk::reports_unwritable(&args.reports_dir))
        .collect(),
    })
}

/// The reports due and not written (see [`super::day_reports`]), with the command that
/// writes one as cron does, in this status's folders.
fn missing_reports(
    args: &StatusArgs,
    config: &Config,
    now: DateTime<Utc>,
    collected_before_due: bool,
    mongodb_down: bool,
) -> Vec<String> {
    // The options status was given that the report reads too.
    let database = args.mongo.database();
    let pasteable = crate::cli::pasteable(
        &[],
        crate::cli::Given {
            raw_dir: Some(&args.raw.raw_dir),
            config: &args.config.config,
            reports_dir: &args.reports_dir,
            database: &database,
            uri: &args.mongo.uri,
        },
    );
    let reports = super::day_reports::Reports {
        dir: &args.reports_dir,
        tz: config.report.timezone,
        command: pasteable.command.clone(),
        keep: config.report.keep,
        mongodb_down,
    };
    let later = [PeriodKind::Week, PeriodKind::Month]
        .into_iter()
        .filter_map(|kind| super::day_reports::missing_latest(kind, &reports, now));
    let note = pasteable.note();
    super::day_reports::missing(&reports, now, collected_before_due)
        .into_iter()
        .chain(later)
        .map(|line| {
            if line.contains('`') {
                format!("{line}{note}")
            } else {
                line
            }
        })
        .collect()
}

/// The row of a `[[source]]` table the configuration refused.
fn refused_row(
    config: &Config,
    refused: &RefusedSource,
    raw_dir: &Path,
    quarantined: &BTreeMap<String, usize>,
    now: DateTime<Utc>,
) -> SourceStatus {
    let shared = |name: &String| {
        refused.duplicate
            || config.refused.iter().any(|other| {
                other.name.as_ref() == Some(name) && other.table_line != refused.table_line
            })
    };
    let name = match &refused.name {
        // Another row has that name: the line tells them apart.
        Some(name) if shared(name) => {
            format!("{} (line {})", name.escape_debug(), refused.table_line)
        }
        Some(name) => name.escape_debug().to_string(),
        None => format!("(line {})", refused.table_line),
    };
    let consequence = refused.consequence("not collected nor summarised until fixed");
    let mut status = SourceStatus {
        name,
        line: refused.table_line,
        refused: Some((refused.to_string(), consequence)),
        enabled: true,
        quarantined: refused
            .name
            .as_ref()
            .and_then(|name| quarantined.get(name))
            .copied()
            .unwrap_or(0),
        ..SourceStatus::default()
    };
    // Its files wait in `raw/<name>/`, unless an accepted source of that name reads them.
    let own_folder = refused
        .name
        .as_deref()
        .is_some_and(|name| rawfile::is_source_name(name) && config.source(name).is_none());
    if own_folder {
        read_raw_folder(raw_dir, &mut status, now);
    }
    status
}

/// The report written last, of those written at one instant (a catch-up writing a week's
/// again, each dated when its data was read) the one named last, the latest day's.
fn newest_report(reports_dir: &Path) -> Option<(PathBuf, DateTime<Utc>)> {
    let entries = std::fs::read_dir(reports_dir).ok()?;
    entries
        .flatten()
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "pdf"))
        .filter_map(|entry| {
            let modified = entry.metadata().ok()?.modified().ok()?;
            Some((entry.path(), DateTime::<Utc>::from(modified)))
        })
        .max_by(|(one, one_modified), (other, other_modified)| {
            (one_modified, one.file_name()).cmp(&(other_modified, other.file_name()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        status: StatusArgs,
    }

    #[test]
    fn the_command_for_a_missing_report_carries_status_s_own_folders_and_database() {
        let reports = tempfile::tempdir().expect("temp dir");
        for day in ["2026-11-18", "2026-11-19"] {
            std::fs::write(reports.path().join(format!("{day}.pdf")), b"%PDF").expect("report");
        }
        let dir = reports.path().to_string_lossy().into_owned();
        let cli = Cli::parse_from([
            "status",
            "--config",
            "etc/my sources.toml",
            "--reports-dir",
            &dir,
            "--database",
            "releve_test",
            "--mongodb-uri",
            "mongodb://user:secret@127.0.0.1:9",
        ]);
        let text = "[report]\ntimezone = \"UTC\"\n\n[[source]]\nname = \"s\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"t\"\n";
        let config = Config::parse(text, Path::new("sources.toml")).expect("config");
        let now = Utc::now();
        let missing = missing_reports(&cli.status, &config, now, false, false);
        let [line] = missing.as_slice() else {
            panic!("one line: {missing:?}")
        };
        // The program is this one, as it can be run from here.
        let program = shlex::try_quote(&crate::cli::program())
            .expect("a path")
            .into_owned();
        assert!(
            line.contains(&format!(
                "`{program} --raw-dir raw --config 'etc/my sources.toml' --reports-dir {dir} --database releve_test --mongodb-uri 'mongodb://***@127.0.0.1:9' --if-missing`"
            )),
            "{line}"
        );
        assert!(!line.contains("secret"), "{line}");
    }

    /// `analyser status --mongodb-uri 'mongodb://alice:S3cret@db.example.org/releve'` with a
    /// day report missing: the command it gives reads `--mongodb-uri
    /// 'mongodb://***@db.example.org/releve'`, and nothing in the line says that `***` stands
    /// for credentials to put back. Pasted as given, the analyser logs in as the user `***` and
    /// says "MongoDB at mongodb://***@db.example.org/releve refused the login: check the user,
    /// password and authSource in the URI", the URI shown exactly as the right one is shown:
    /// the user takes their own password for refused. The line must say that `***` is to be
    /// replaced by the URI's credentials.
    #[test]
    fn a_command_with_hidden_credentials_says_they_are_to_be_put_back() {
        let reports = tempfile::tempdir().expect("temp dir");
        for day in ["2026-11-18", "2026-11-19"] {
            std::fs::write(reports.path().join(format!("{day}.pdf")), b"%PDF").expect("report");
        }
        let dir = reports.path().to_string_lossy().into_owned();
        let cli = Cli::parse_from([
            "status",
            "--reports-dir",
            &dir,
            "--mongodb-uri",
            "mongodb://alice:S3cret@db.example.org/releve",
        ]);
        let text = "[report]\ntimezone = \"UTC\"\n\n[[source]]\nname = \"s\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"t\"\n";
        let config = Config::parse(text, Path::new("sources.toml")).expect("config");
        let missing = missing_reports(&cli.status, &config, Utc::now(), false, false);
        let [line] = missing.as_slice() else {
            panic!("one line: {missing:?}")
        };
        assert!(
            line.contains("mongodb://***@db.example.org/releve"),
            "{line}"
        );
        // The words outside the command (between backquotes).
        let words: String = line
            .split('`')
            .step_by(2)
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        assert!(
            words.contains("***") && (words.contains("credentials") || words.contains("password")),
            "the command's `***` is not said to stand for the credentials to put back, and \
             pasted as given it is refused the login as `mongodb://***@db.example.org`: {line}"
        );
    }
}
