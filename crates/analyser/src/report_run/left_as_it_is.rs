//! A report written already and left as it is rather than replaced, with the command that
//! writes it again.

use crate::WrittenReport;
use crate::cli::ReportArgs;
use crate::period::ReportPeriod;

/// The report of `period` already written, left as it is rather than replaced, for `why`: the
/// configuration refuses a table or lacks a source whose records the period holds (see
/// [`write_period`]). A warning: the report lacks the hours summarised since.
pub(super) fn left_as_it_is(args: &ReportArgs, period: &ReportPeriod, why: &str) -> WrittenReport {
    let path = args.reports_dir.join(period.file_name());
    let again = again_command(args, period);
    tracing::warn!(
        path = %path.display(),
        "Hours of this report's period were summarised since it was written, but it is left as it is, without them: {why} (a table refused, or a source removed or renamed), whose section writing it again would leave out. Put the table back (`enabled = false` keeps it from collecting), or write the report again without it: `{}`{}.",
        again.command,
        again.note(),
    );
    WrittenReport::found(path)
}

/// The command writing the report of `period` again, as this run was given its options (see
/// [`crate::cli::pasteable`]).
fn again_command(args: &ReportArgs, period: &ReportPeriod) -> crate::cli::Pasteable {
    let first_day = period.first_day.to_string();
    let database = args.mongo.database();
    let given = crate::cli::Given {
        raw_dir: args.raw_dir.as_deref(),
        config: &args.config.config,
        reports_dir: &args.reports_dir,
        database: &database,
        uri: &args.mongo.uri,
    };
    crate::cli::pasteable(
        &["--period", period.kind.name(), "--date", &first_day],
        given,
    )
}
