//! `collector --check`: what a run would do with each source of the configuration, told
//! without calling any API or writing any file, so an edited `sources.toml` can be checked
//! (by hand or by a script, through the exit code) before cron next runs it.

use std::fmt;
use std::path::{Path, PathBuf};

use releve::{Config, RefusedSource, ReportFault};

use crate::sources::{self, Unavailable};
use crate::{Args, RunError};

/// What a run would do with one `[[source]]` table.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Collected when due.
    Ready,
    /// Kept in the file with `enabled = false`: never collected on schedule.
    Disabled,
    /// Skipped, without failing the run, until what it lacks is set.
    Skipped(Unavailable),
    /// Collected, and failing, until what it lacks is set.
    WouldFail(String),
    /// Refused when the configuration is read: never collected nor summarised until fixed.
    Refused(RefusedSource),
    /// Collected, without entries of its table left out until they are mended (each `line N:
    /// what`): a unit, label, total or range of a field it does not summarise.
    Mend(Vec<String>),
}

/// One table's line of the check.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceCheck {
    /// The source's name (`?` for a refused table without a readable one).
    pub name: String,
    /// `http_json, every 1m`, for the tables read.
    pub summary: Option<String>,
    /// What a run would do.
    pub verdict: Verdict,
    /// What would work against the run, such as a `rate_limit` above the API's own.
    pub caution: Option<String>,
    line: usize,
}

/// The check of a whole configuration, table by table in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    /// The configuration file.
    pub config: PathBuf,
    /// One entry per table (those named by `--source` when given).
    pub sources: Vec<SourceCheck>,
    /// Why `[report]` could not be read, if it could not: runs collect all the same, and
    /// fail so it gets fixed.
    pub report_fault: Option<ReportFault>,
    /// Folders of the raw folder holding landed files of sources the configuration lacks (a
    /// source renamed or removed), when no `--source` is named: no run reads them.
    pub unconfigured: Vec<releve::rawfile::Unconfigured>,
    /// What is amiss with the raw folder, when it does not exist or cannot be read: a run
    /// would create a relative one in the working folder, most often another folder than the
    /// checkout whose raw folder the other stages read.
    pub raw_missing: Option<String>,
    /// Whether a source checked has entries left out (see [`Config::left_out`]): collected,
    /// but its file wants mending.
    pub left_out: bool,
}

impl CheckReport {
    /// True when a run would neither refuse a table nor fail a source for what it lacks, and
    /// no entry of a source is left out.
    pub fn ready(&self) -> bool {
        self.report_fault.is_none()
            && !self.left_out
            && !self.sources.iter().any(|source| {
                matches!(
                    source.verdict,
                    Verdict::Refused(_) | Verdict::WouldFail(_) | Verdict::Mend(_)
                )
            })
    }
}

/// Reads the configuration as a run would, with the same checks of the command line and the
/// raw folder, and says what the run would do with each table.
pub fn check(args: &Args) -> Result<CheckReport, RunError> {
    let config = Config::load_sources(&args.config.config)?;
    crate::check_args(args, &config, crate::NamedRefused::Listed)?;
    let named = |name: &str| args.sources.is_empty() || args.sources.iter().any(|n| n == name);
    let mut checks: Vec<SourceCheck> = config
        .sources
        .iter()
        .filter(|source| named(&source.name))
        .map(|source| {
            let left_out: Vec<String> = config
                .left_out
                .iter()
                .filter(|entry| entry.source == source.name)
                .map(|entry| format!("line {}: {}", entry.at, entry.what))
                .collect();
            let verdict = match verdict(source, !args.sources.is_empty(), &args.raw_dir.raw_dir) {
                Verdict::Ready if !left_out.is_empty() => Verdict::Mend(left_out.clone()),
                verdict => verdict,
            };
            // Said in the verdict when it is the one thing amiss, else beside it.
            let left_out = match verdict {
                Verdict::Mend(_) => Vec::new(),
                _ => left_out,
            };
            SourceCheck {
                name: source.name.clone(),
                summary: Some(summary(source)),
                verdict,
                caution: caution(
                    source,
                    &config.sources,
                    !args.sources.is_empty(),
                    &args.raw_dir.raw_dir,
                    left_out,
                ),
                line: source.line,
            }
        })
        .collect();
    checks.extend(
        crate::refused_tables(args, &config).map(|refused| SourceCheck {
            name: refused.name.clone().unwrap_or_else(|| "?".to_owned()),
            summary: None,
            verdict: Verdict::Refused(refused.clone()),
            caution: None,
            line: refused.table_line,
        }),
    );
    checks.sort_by_key(|check| check.line);
    let unconfigured = match args.sources.is_empty() {
        true => releve::rawfile::unconfigured(&args.raw_dir.raw_dir, &config),
        false => Vec::new(),
    };
    let raw_missing = raw_missing(&args.raw_dir.raw_dir);
    let left_out = config.left_out.iter().any(|entry| named(&entry.source));
    Ok(CheckReport {
        config: args.config.config.clone(),
        left_out,
        sources: checks,
        report_fault: config.report_fault,
        unconfigured,
        raw_missing,
    })
}

/// What a run would make of `raw_dir` when it is not there, or cannot be looked at.
fn raw_missing(raw_dir: &Path) -> Option<String> {
    let err = std::fs::symlink_metadata(raw_dir).err()?;
    let named = releve::working_folder::named(raw_dir);
    Some(match err.kind() {
        std::io::ErrorKind::NotFound if raw_dir.is_relative() => format!(
            "the raw folder {named} does not exist: a run would create it there, where the summariser and `analyser status`, run from the checkout, would not read it (run every stage from the same folder, or give --raw-dir)"
        ),
        std::io::ErrorKind::NotFound => format!(
            "the raw folder {named} does not exist: the first run creates it (give the other stages the same --raw-dir)"
        ),
        _ => format!("the raw folder {named} cannot be looked at: {err}"),
    })
}

/// What would work against a run of an accepted source: a source disabled yet named by
/// `--source` (collected now, never by cron), a `rate_limit` above the API's own or slowed by
/// another source of its host, a v1
/// portal's `recordid` as `key` or its points read the wrong way round.
fn caution(
    source: &releve::Source,
    all: &[releve::Source],
    named: bool,
    raw_dir: &Path,
    left_out: Vec<String>,
) -> Option<String> {
    let disabled = (!source.enabled && named).then(|| {
        "enabled = false: collected only when named by --source; cron's runs skip it".to_owned()
    });
    let parts: Vec<String> = disabled
        .into_iter()
        .chain(sources::rate_above_api(source))
        .chain(sources::shared_rate(source, all))
        .chain(sources::kind_cautions(source))
        .chain(key_changed(source, raw_dir))
        .chain(query_changed(source, raw_dir))
        .chain(
            left_out
                .into_iter()
                .map(|entry| format!("{entry}: left out until mended")),
        )
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// A `key` other than the source's last run's and than the one its stored records were stored
/// under (see [`crate::state::SourceState::stored_key`]): the records stored are not re-keyed,
/// so those landed again would be stored twice.
fn key_changed(source: &releve::Source, raw_dir: &Path) -> Option<String> {
    // Read as it is: a check writes nothing, so a state file it cannot read is left in place
    // (a run puts it aside) and tells no key.
    let state = crate::state::SourceState::saved(raw_dir, &source.name)?;
    let key = source.key.fingerprint();
    let stored = state.stored_key(raw_dir, &source.name, None)?;
    (state.key.as_ref() != Some(&key) && *stored != key).then(|| {
        format!(
            "`key` = {} is not the one its stored records were stored under: the records it lands again would be stored a second time beside those stored under the key before, and counted twice (README, `key`)",
            source.key
        )
    })
}

/// A query other than the source's last run's (a dataset moved to a new id, a filter edited):
/// said before the next run, which lands what the new one chooses, and, for a source that
/// keeps a cursor, carries that cursor over to it.
fn query_changed(source: &releve::Source, raw_dir: &Path) -> Option<String> {
    let state = crate::state::SourceState::saved(raw_dir, &source.name)?;
    let last = state.query.as_ref()?;
    if *last == releve::selection::fingerprint(source) {
        return None;
    }
    let keys = releve::selection::keys(source);
    Some(match state.cursor {
        Some(cursor) => format!(
            "its query ({keys}) changed since its last run: the next run goes on from that run's cursor ({}), so a new dataset's earlier records are not collected; give another dataset its own `name` (README, Changing a source)",
            cursor.format("%Y-%m-%d %H:%M UTC")
        ),
        None => format!(
            "its query ({keys}) changed since its last run: the next runs land what the new one chooses"
        ),
    })
}

/// What a run would do with an accepted source; `named` when `--source` names it (a disabled
/// source named is collected).
fn verdict(source: &releve::Source, named: bool, raw_dir: &Path) -> Verdict {
    if !source.enabled && !named {
        return Verdict::Disabled;
    }
    if let Some(unavailable) = sources::unavailable(source) {
        return Verdict::Skipped(unavailable);
    }
    if let Some(fault) = folder_fault(raw_dir, &source.name) {
        return Verdict::WouldFail(fault);
    }
    if let Some(lacking) = sources::lacking(source) {
        return Verdict::WouldFail(lacking);
    }
    Verdict::Ready
}

/// Why a run could not land the source's files in `raw/<source>/`, told without writing: a
/// file or a dangling link in the folder's place, a folder that cannot be read or written in
/// (another user's: a run with sudo), or a folder in
/// the place of its lock or of its state file, a state file it cannot read (the run would
/// fail rather than replace it), or a symbolic link in its lock's place. A folder not made
/// yet is made by the run.
fn folder_fault(raw_dir: &Path, source: &str) -> Option<String> {
    let folder = raw_dir.join(source);
    if let Some(fault) = crate::runner::not_a_folder(&folder) {
        return Some(fault);
    }
    match std::fs::read_dir(&folder) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return None,
        Err(err) => return Some(format!("cannot read {}: {err}", folder.display())),
        Ok(_) => {}
    }
    if let Err(err) = rustix::fs::access(&folder, rustix::fs::Access::WRITE_OK) {
        let err = std::io::Error::from(err);
        return Some(format!(
            "cannot write in {}: {err}; {}",
            folder.display(),
            releve::disk_fault::advice(&err)
                .unwrap_or("check its owner (a collector run by hand with sudo?)")
        ));
    }
    let lock = releve::rawfile::source_lock(raw_dir, source);
    if lock.is_symlink() {
        return Some(format!(
            "{} is a symbolic link, which the run's lock never follows; remove it",
            lock.display()
        ));
    }
    let state = releve::rawfile::state_file(raw_dir, source);
    let folder_in_place = [(lock, "take its lock"), (state.clone(), "read its state")]
        .into_iter()
        .find(|(path, _)| std::fs::metadata(path).is_ok_and(|meta| meta.is_dir()))
        .map(|(path, what)| {
            format!(
                "{} is a folder: the run cannot {what} there; remove it",
                path.display()
            )
        });
    folder_in_place.or_else(|| match std::fs::File::open(&state) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => Some(format!(
            "cannot read the state file {}: {err}; make it a file the collector can read (or delete it to rebuild it from the landed files)",
            state.display()
        )),
        _ => None,
    })
}

/// A source's line of the check: `http_json, every 1m`; an incremental Opendatasoft source's
/// reach back too, and its daily recheck's (`, from 3h before the newest row, 35d at each UTC
/// day's first run`).
fn summary(source: &releve::Source) -> String {
    let mut said = format!("{}, every {}", source.kind.name(), source.every);
    if let releve::SourceKind::Opendatasoft(ods) = &source.kind
        && ods.incremental
    {
        said.push_str(&format!(", from {} before the newest row", ods.lookback()));
        if let Some(recheck) = ods.recheck {
            said.push_str(&format!(
                ", {recheck} at each UTC day's first run (recheck)"
            ));
        }
    }
    said
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = |wanted: fn(&Verdict) -> bool| {
            self.sources.iter().filter(|s| wanted(&s.verdict)).count()
        };
        let counts: [(usize, &str); 6] = [
            (count(|v| matches!(v, Verdict::Ready)), "ready"),
            (count(|v| matches!(v, Verdict::Disabled)), "disabled"),
            (count(|v| matches!(v, Verdict::Skipped(_))), "skipped"),
            (count(|v| matches!(v, Verdict::WouldFail(_))), "failing"),
            (count(|v| matches!(v, Verdict::Refused(_))), "refused"),
            (count(|v| matches!(v, Verdict::Mend(_))), "to mend"),
        ];
        let counts: Vec<String> = counts
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, state)| format!("{n} {state}"))
            .chain(
                self.report_fault
                    .as_ref()
                    .map(|_| "[report] refused".to_owned()),
            )
            .collect();
        writeln!(f, "{}: {}", self.config.display(), counts.join(", "))?;
        let width = self
            .sources
            .iter()
            .map(|s| releve::columns::width(&s.name))
            .max()
            .unwrap_or(0);
        for source in &self.sources {
            let (state, detail) = match &source.verdict {
                Verdict::Ready => ("ready", String::new()),
                Verdict::Disabled => ("disabled", "enabled = false".to_owned()),
                Verdict::Skipped(why) => ("SKIPPED", why.to_string()),
                Verdict::WouldFail(why) => ("FAILING", why.clone()),
                Verdict::Refused(refused) => ("REFUSED", refused.to_string()),
                Verdict::Mend(entries) => (
                    "MEND",
                    format!(
                        "{}: left out, the source collected without them, until mended",
                        entries.join("; ")
                    ),
                ),
            };
            let summary = source.summary.as_deref().unwrap_or("");
            let caution = source.caution.as_deref().unwrap_or("");
            let line = [summary, detail.as_str(), caution]
                .iter()
                .filter(|part| !part.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(": ");
            let name = releve::columns::padded(&source.name, width);
            writeln!(f, "{state:<8}  {name}  {line}")?;
        }
        if let Some(fault) = &self.report_fault {
            let line = fault.with_consequence("the sources are collected and summarised");
            writeln!(f, "REFUSED   [report]: {line}")?;
        }
        for folder in &self.unconfigured {
            writeln!(f, "NO TABLE  {folder}")?;
        }
        if let Some(raw_missing) = &self.raw_missing {
            writeln!(f, "NO RAW    {raw_missing}")?;
        }
        Ok(())
    }
}
