//! A deadline on each MongoDB operation. The driver has none of its own (it refuses a URI's
//! `socketTimeoutMS`), so a server that answers its heartbeats and pings but
//! holds a query (a lock held, a disk full, a machine swapping) would hold a stage, and the
//! cron lock it runs under, until it answered: for hours, each later run skipped.
//!
//! Each client notes when an operation asks its pool for a connection (one made then is
//! handshaken and logged in before it is handed over, which a server may hold too), when it
//! takes one and when it gives it back (the driver's pool events, which carry no document, so
//! they cost nothing per record); [`answered`] gives its work up once an operation has waited
//! for a connection, or held one, past the client's deadline.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use mongodb::event::EventHandler;
use mongodb::event::cmap::CmapEvent;
use mongodb::options::{ClientOptions, ConnectionString, ServerAddress};

use super::StoreError;

/// How long an operation may wait for MongoDB's answer unless the URI's `socketTimeoutMS` says
/// otherwise (`0`: for ever). An operation of relevé's takes seconds on a server that works,
/// even a summariser's insert of a whole day of a busy source.
pub const ANSWER_WAIT: Duration = Duration::from_secs(5 * 60);

/// How often the connections held are looked at.
const LOOKED_AT_EVERY: Duration = Duration::from_millis(500);

/// A connection an operation holds: since when, how long it may, and of which server.
struct Held {
    since: Instant,
    deadline: Duration,
    uri: Arc<str>,
}

/// Which client (numbered in this process), server and connection; a connection asked for and
/// not yet handed over is numbered 0 (the driver numbers its connections from 1).
type Connection = (u64, ServerAddress, u32);

/// The connections held, and the check-outs under way (connection 0), several per server in
/// the order they began.
static HELD: LazyLock<Mutex<HashMap<Connection, Vec<Held>>>> = LazyLock::new(Mutex::default);
static CLIENTS: AtomicU64 = AtomicU64::new(0);

fn held() -> MutexGuard<'static, HashMap<Connection, Vec<Held>>> {
    // A panic elsewhere while it was held leaves the map whole (each change is one call).
    HELD.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The wait `uri` asks for: its `socketTimeoutMS`, else [`ANSWER_WAIT`]; `None` for `0`.
fn wait_asked(uri: &str) -> Option<Duration> {
    // Read from the URI's text (the driver's options drop it): no name is resolved.
    let asked = ConnectionString::parse(uri).ok();
    // Deprecated by the driver because the driver does not act on it: relevé does, here.
    #[allow(deprecated)]
    match asked.and_then(|asked| asked.socket_timeout) {
        Some(Duration::ZERO) => None,
        Some(wait) => Some(wait),
        None => Some(ANSWER_WAIT),
    }
}

/// `uri` without its `socketTimeoutMS`, which the driver refuses ("does not support"): relevé
/// reads it itself ([`wait_asked`]), as other MongoDB drivers do, so a URI written for them
/// works here.
pub(super) fn for_the_driver(uri: &str) -> std::borrow::Cow<'_, str> {
    const OPTION: &str = "sockettimeoutms=";
    // A value that cannot be read is left for the driver to refuse in its words.
    #[allow(deprecated)]
    let asked = ConnectionString::parse(uri).is_ok_and(|read| read.socket_timeout.is_some());
    let Some((head, query)) = super::uri_query(uri).filter(|_| asked) else {
        return uri.into();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            !pair
                .get(..OPTION.len())
                .is_some_and(|name| name.eq_ignore_ascii_case(OPTION))
        })
        .collect();
    if kept.len() == query.split('&').count() {
        return uri.into();
    }
    let kept = kept.join("&");
    if kept.is_empty() {
        head.to_owned().into()
    } else {
        format!("{head}?{kept}").into()
    }
}

/// Has the client made with `options`, of `uri`, note the connections its operations hold, for
/// [`answered`].
pub(super) fn watch(options: &mut ClientOptions, uri: &str) {
    let Some(deadline) = wait_asked(uri) else {
        return;
    };
    let client = CLIENTS.fetch_add(1, Ordering::Relaxed);
    let uri: Arc<str> = super::redact(uri).into();
    // The oldest check-out under way of the server, ended (handed over or failed).
    let asked = move |address: &ServerAddress| -> Option<Held> {
        let mut held = held();
        let waiting = held.get_mut(&(client, address.clone(), 0))?;
        (!waiting.is_empty()).then(|| waiting.remove(0))
    };
    options.cmap_event_handler = Some(EventHandler::callback(move |event| match event {
        CmapEvent::ConnectionCheckoutStarted(started) => {
            let noted = Held {
                since: Instant::now(),
                deadline,
                uri: Arc::clone(&uri),
            };
            let at = (client, started.address, 0);
            held().entry(at).or_default().push(noted);
        }
        CmapEvent::ConnectionCheckoutFailed(failed) => {
            asked(&failed.address);
        }
        CmapEvent::ConnectionCheckedOut(out) => {
            // Its time runs from when it was asked for.
            let noted = asked(&out.address).unwrap_or_else(|| Held {
                since: Instant::now(),
                deadline,
                uri: Arc::clone(&uri),
            });
            held().insert((client, out.address, out.connection_id), vec![noted]);
        }
        CmapEvent::ConnectionCheckedIn(back) => {
            held().remove(&(client, back.address, back.connection_id));
        }
        CmapEvent::ConnectionClosed(closed) => {
            held().remove(&(client, closed.address, closed.connection_id));
        }
        _ => {}
    }));
}

/// The first connection held past its deadline: the server's URI and how long it was allowed.
fn overdue_now() -> Option<(Arc<str>, Duration)> {
    held()
        .values()
        .flatten()
        .find(|held| held.since.elapsed() > held.deadline)
        .map(|held| (Arc::clone(&held.uri), held.deadline))
}

/// Resolves once an operation of this process has waited for MongoDB's answer past its
/// client's deadline.
async fn overdue() -> StoreError {
    let mut looks = tokio::time::interval(LOOKED_AT_EVERY);
    looks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        looks.tick().await;
        if let Some((uri, waited)) = overdue_now() {
            return StoreError::Unanswered {
                uri: uri.to_string(),
                waited,
            };
        }
    }
}

/// `work`, given up with [`StoreError::Unanswered`] once a MongoDB operation has waited for its
/// answer longer than its client's deadline. What `work` holds is dropped then as on any
/// early return (its locks released); a writer's acknowledged writes stay, and what it had not
/// yet had acknowledged is done again by the next run.
pub async fn answered<T, E: From<StoreError>>(
    work: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    tokio::select! {
        biased;
        done = work => done,
        unanswered = overdue() => Err(unanswered.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_uri_asks_its_wait_by_socket_timeout_and_zero_waits_for_ever() {
        assert_eq!(wait_asked("mongodb://h/"), Some(ANSWER_WAIT));
        assert_eq!(
            wait_asked("mongodb+srv://u:p@cluster.example.org/?socketTimeoutMS=45000"),
            Some(Duration::from_secs(45))
        );
        assert_eq!(wait_asked("mongodb://h/?socketTimeoutMS=0"), None);
    }

    /// The driver reads a URI's options from its first `?`, so a later option's value may hold
    /// one (an `appName`, a `tlsCAFile` path); relevé looked for the last `?`, left
    /// `socketTimeoutMS` in and the driver refused the URI: "the Rust driver does not support
    /// socketTimeoutMS", which the README says relevé takes out itself. Exit 2, nothing run.
    #[tokio::test]
    async fn a_socket_timeout_before_an_option_holding_a_question_mark_is_not_refused() {
        let uri = "mongodb://127.0.0.1:9/?socketTimeoutMS=600000&appName=releve?cron";
        assert_eq!(
            for_the_driver(uri),
            "mongodb://127.0.0.1:9/?appName=releve?cron"
        );
        assert!(
            super::super::check_usable(uri, "releve").await.is_ok(),
            "{:?}",
            super::super::check_usable(uri, "releve").await
        );
    }

    #[test]
    fn the_driver_gets_the_uri_without_its_socket_timeout_and_nothing_else_changed() {
        assert_eq!(for_the_driver("mongodb://h/db"), "mongodb://h/db");
        assert_eq!(
            for_the_driver("mongodb://h/db?socketTimeoutMS=9"),
            "mongodb://h/db"
        );
        assert_eq!(
            for_the_driver("mongodb://u:p@h/db?w=majority&SOCKETTIMEOUTMS=9&tls=true"),
            "mongodb://u:p@h/db?w=majority&tls=true"
        );
        assert_eq!(
            for_the_driver("mongodb://h/?appName=socketTimeoutMS=9"),
            "mongodb://h/?appName=socketTimeoutMS=9"
        );
        assert_eq!(
            for_the_driver("mongodb://h/?socketTimeoutMS=soon"),
            "mongodb://h/?socketTimeoutMS=soon"
        );
    }
}
