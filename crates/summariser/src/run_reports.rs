//! The reports of a run's sources as they are made, the one under way last. A run given up
//! midway (MongoDB failing, a signal or the MongoDB deadline dropping the run) still says each
//! file that failed so far, a line each: a file it moved to quarantine may be said by no later
//! run (a container stopped for good).

use tracing::error;

use crate::SourceReport;

/// The reports of a run so far; said as they drop unless [`RunReports::done`] took them.
#[derive(Default)]
pub(crate) struct RunReports(Vec<SourceReport>);

impl RunReports {
    /// The report of `source`, begun now.
    pub(crate) fn begin(&mut self, source: &str) -> &mut SourceReport {
        self.0.push(SourceReport {
            source: source.to_owned(),
            ..SourceReport::default()
        });
        let newest = self.0.len() - 1;
        &mut self.0[newest]
    }

    /// The reports so far.
    pub(crate) fn all(&self) -> &[SourceReport] {
        &self.0
    }

    /// The reports of a run that went through: its failures are said by its caller.
    pub(crate) fn done(mut self) -> Vec<SourceReport> {
        std::mem::take(&mut self.0)
    }
}

impl Drop for RunReports {
    fn drop(&mut self) {
        for failure in self.0.iter().flat_map(|report| &report.failures) {
            error!(file = %failure.file.display(), "{}", failure.outcome());
        }
    }
}
