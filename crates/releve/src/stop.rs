//! A stage asked to stop: `SIGTERM` (a container stopped, a Kubernetes Job past its deadline,
//! the machine shutting down) or `SIGINT` (Ctrl-C). Without a handler the kernel ignores
//! `SIGTERM` sent to a container's first process, which then runs on until it is killed; with
//! one, a stage ends its run as it would on a failure, its locks released and nothing lost.

use std::sync::LazyLock;

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::watch;

/// The signal asked for, once one came.
static ASKED: LazyLock<watch::Sender<Option<&'static str>>> =
    LazyLock::new(|| watch::channel(None).0);

/// Listens for `SIGTERM` and `SIGINT` from now on, within the running Tokio runtime: the first
/// that comes is kept for [`requested`] and [`asked`]. Said at debug level when a signal
/// cannot be listened for (the default action then stands).
pub fn listen() {
    for (kind, name) in [
        (SignalKind::terminate(), "SIGTERM"),
        (SignalKind::interrupt(), "SIGINT"),
    ] {
        match signal(kind) {
            Ok(mut signals) => {
                tokio::spawn(async move {
                    if signals.recv().await.is_some() {
                        ASKED.send_if_modified(|asked| {
                            asked.is_none() && asked.replace(name).is_none()
                        });
                    }
                });
            }
            Err(err) => {
                tracing::debug!(signal = name, error = %err, "Cannot listen for the signal.")
            }
        }
    }
}

/// Has a write past the file-size limit (`ulimit -f`, a cluster's login node; a cron log
/// grown to it) fail as a write does, "File too large" naming its file, its temporary file
/// removed, rather than `SIGXFSZ` kill the stage half-way through writing it: a handler, once
/// set, stays for the process's life, and the signal then only comes to it. Called first
/// thing, before a stage says or writes anything.
pub fn file_size_limit_as_error() {
    // The handler only has to be there (the flag it sets is never read); where it cannot be
    // set, the signal kills the stage, as it would have.
    let came = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let _ = signal_hook::flag::register(libc::SIGXFSZ, came);
}

/// The signal that asked this process to stop, if one did.
pub fn asked() -> Option<&'static str> {
    *ASKED.borrow()
}

/// Resolves once a signal asks this process to stop, with its name (at once if one did).
pub async fn requested() -> &'static str {
    let mut asked = ASKED.subscribe();
    loop {
        if let Some(name) = *asked.borrow_and_update() {
            return name;
        }
        if asked.changed().await.is_err() {
            // The sender lives in a static: never dropped.
            std::future::pending::<()>().await;
        }
    }
}

/// `work`'s outcome, or the signal that asked this process to stop before it ended (`work`
/// dropped then, as on an early return: its locks released).
pub async fn or_stopped<T>(work: impl Future<Output = T>) -> Result<T, &'static str> {
    tokio::select! {
        biased;
        signal = requested() => Err(signal),
        done = work => Ok(done),
    }
}

/// Whether a run's recorded error says it was stopped by a signal ([`stopped_by`]), not failed
/// by its API or this machine's network.
pub fn is_stopped(error: &str) -> bool {
    error.starts_with("stopped by SIG")
}

/// What a run cut short by `signal` says of itself.
pub fn stopped_by(signal: &str) -> String {
    format!(
        "stopped by {signal} before it finished (a container or service stopped, the machine shutting down, Ctrl-C?)"
    )
}
