//! The sources of one collector run, in turn. Each first takes its lock and reads its state,
//! all of them at once; the due ones then queue for the run's [`CONCURRENT_SOURCES`] slots,
//! shortest `every` first (minute feeds before daily exports), then in configuration order,
//! and at most [`PER_HOST`] of them for the sources of one API host: a portal that hangs holds
//! two slots until its requests time out, and the other hosts' sources keep their schedule.
//!
//! The sources of one API host also share its rate limit ([`RateLimits`]), at the smallest
//! `rate_limit` any of them allows.
//!
//! A source waiting for its slot already holds its lock: the next minute's run skips it (as
//! it skips a source being collected) rather than queuing behind the same slow host, and no
//! two runs ever collect one source. Locks are only tried, never waited for, and a slot is
//! waited for holding no other slot: nothing waits in a circle.

mod slots;

use std::io::IsTerminal;
use std::sync::Arc;

use releve::Source;

use crate::http::RateLimits;
use crate::runner::{self, RunSettings, SourceResult};
use crate::sources;
use slots::{Rank, Slots};

/// Sources collected at the same time at most.
const CONCURRENT_SOURCES: usize = 4;

/// Sources of one API host collected at the same time at most: half the slots, so that a host
/// that hangs leaves the other half to the other hosts.
const PER_HOST: usize = 2;

/// Runs the sources, each to its verdict, in their order.
pub async fn run_sources(
    selected: &[&Source],
    settings: RunSettings,
) -> Vec<(String, SourceResult)> {
    let settings = Arc::new(settings);
    let bars = std::io::stderr()
        .is_terminal()
        .then(indicatif::MultiProgress::new);
    let prepared = prepare_all(selected, &settings).await;
    for (source, prepared) in selected.iter().zip(&prepared) {
        if let Err(verdict) = prepared {
            say_if_failed(&source.name, verdict, bars.as_ref());
        }
    }
    let hosts: Vec<String> = selected.iter().map(|s| sources::api_host(s)).collect();
    // Every due source is queued before any is let in, so the slots go by rank, whatever
    // order the tasks run in.
    let slots = Slots::new(CONCURRENT_SOURCES, PER_HOST);
    let queued: Vec<_> = selected
        .iter()
        .zip(&hosts)
        .zip(prepared)
        .enumerate()
        .map(|(position, ((source, host), prepared))| {
            prepared.map(|ready| {
                let rank = Rank {
                    every: source.every.duration(),
                    position,
                };
                (ready, slots.queue(host, rank))
            })
        })
        .collect();
    // Of the sources collected: one not due, or held by another run, slows no other.
    let limits = RateLimits::new(
        selected
            .iter()
            .zip(&hosts)
            .zip(&queued)
            .filter(|(_, queued)| queued.is_ok())
            .map(|((source, host), _)| (host.clone(), sources::rate_limit(source))),
    );
    let runs: Vec<_> = selected
        .iter()
        .zip(&hosts)
        .zip(queued)
        .map(|((source, host), queued)| {
            queued.map(|(ready, ticket)| {
                let source = (*source).clone();
                let settings = Arc::clone(&settings);
                let bars = bars.clone();
                let limiter = limits.of(host, sources::rate_limit(&source));
                tokio::spawn(async move {
                    let _slot = ticket.admitted().await;
                    let result =
                        runner::collect(&source, ready, &settings, limiter, bars.as_ref()).await;
                    say_if_failed(&source.name, &result, bars.as_ref());
                    result
                })
            })
        })
        .collect();
    let mut results = Vec::with_capacity(runs.len());
    for (source, run) in selected.iter().zip(runs) {
        let result = match run {
            Ok(task) => task.await.unwrap_or_else(|err| {
                let verdict = stopped(err);
                say_if_failed(&source.name, &verdict, bars.as_ref());
                verdict
            }),
            Err(verdict) => verdict,
        };
        results.push((source.name.clone(), result));
    }
    // From cron, a run with nothing due stays silent (it is most of them); by hand (at a
    // terminal, or naming sources or a day, even from a script), say so.
    if !settings.routine && nothing_collected(&results) {
        for (source, result) in &results {
            match result {
                SourceResult::NotDue(when) => {
                    tracing::info!(source = %source, "Not due: {when}; `--force` collects it now.");
                }
                // `--force` calls the API, which finds the clock behind again.
                SourceResult::BackingOff(why) => {
                    tracing::info!(source = %source, "Not due: {why}.");
                }
                _ => {}
            }
        }
    }
    results
}

/// A failed source's line on stderr, `collector: source `name` failed: why`, said as soon as
/// it failed: dated by then (in a log), not when the run's slowest source ends.
fn say_if_failed(source: &str, result: &SourceResult, bars: Option<&indicatif::MultiProgress>) {
    let SourceResult::Failed(reason) = result else {
        return;
    };
    let say = || {
        releve::logging::failure_line(
            "collector",
            &format_args!("source `{source}` failed: {reason}"),
        )
    };
    match bars {
        Some(bars) => bars.suspend(say),
        None => say(),
    }
}

/// Each source's lock taken and state read ([`runner::prepare`]), all at once (a lock another
/// process holds is tried for a moment), in their order.
async fn prepare_all(
    selected: &[&Source],
    settings: &Arc<RunSettings>,
) -> Vec<Result<runner::Ready, SourceResult>> {
    let tasks: Vec<_> = selected
        .iter()
        .map(|source| {
            let source = (*source).clone();
            let settings = Arc::clone(settings);
            tokio::spawn(async move { runner::prepare(&source, &settings) })
        })
        .collect();
    let mut prepared = Vec::with_capacity(tasks.len());
    for task in tasks {
        prepared.push(task.await.unwrap_or_else(|err| Err(stopped(err))));
    }
    prepared
}

/// The verdict of a source whose task ended without one (a panic).
fn stopped(err: tokio::task::JoinError) -> SourceResult {
    SourceResult::Failed(format!("the collection stopped unexpectedly: {err}"))
}

/// True when no source was collected or failed, and some were not due: a run that looks idle.
/// Skipped sources (no credentials, another run holding them) have said why already.
fn nothing_collected(results: &[(String, SourceResult)]) -> bool {
    results.iter().all(|(_, r)| {
        matches!(
            r,
            SourceResult::NotDue(_) | SourceResult::BackingOff(_) | SourceResult::Skipped(_)
        )
    }) && results
        .iter()
        .any(|(_, r)| matches!(r, SourceResult::NotDue(_) | SourceResult::BackingOff(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_idle_when_nothing_was_due_even_with_skipped_sources() {
        let not_due = || SourceResult::NotDue("next run due at 12:00".to_owned());
        let skipped = || SourceResult::Skipped("no France Travail credentials".to_owned());
        let named = |r| ("s".to_owned(), r);
        assert!(nothing_collected(&[named(not_due()), named(skipped())]));
        assert!(!nothing_collected(&[named(skipped())]), "said why already");
        assert!(!nothing_collected(&[
            named(not_due()),
            named(SourceResult::Failed("HTTP 503".to_owned()))
        ]));
    }
}
