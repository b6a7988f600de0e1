//! The run's slots: how many sources collect at once, in all and per API host. A source queues
//! with a [`Ticket`] naming its host and its [`Rank`]; it is let in once a slot is free and its
//! host holds fewer than its share of them, before any source ranked after it, but never held
//! back by one ranked before it whose host is full: a host that hangs keeps its own sources
//! waiting, not the others.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;

/// Where a source stands in the queue: shortest interval first (minute feeds before daily
/// exports), then in configuration order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rank {
    /// The source's `every`.
    pub every: Duration,
    /// Its place among the run's sources.
    pub position: usize,
}

/// The slots of one collector run.
#[derive(Debug, Clone)]
pub struct Slots {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    /// Sources collecting at once, at most.
    total: usize,
    /// Sources of one host collecting at once, at most.
    per_host: usize,
    board: Mutex<Board>,
    /// Told whenever a slot is taken or freed, or a ticket given up.
    changed: Notify,
}

/// Who collects and who waits.
#[derive(Debug, Default)]
struct Board {
    running: usize,
    by_host: HashMap<String, usize>,
    waiting: BTreeMap<Rank, String>,
}

impl Board {
    fn host_has_room(&self, host: &str, per_host: usize) -> bool {
        self.by_host.get(host).copied().unwrap_or(0) < per_host
    }
}

/// A source's place in the queue; [`Ticket::admitted`] waits for its slot.
#[derive(Debug)]
pub struct Ticket {
    shared: Arc<Shared>,
    rank: Rank,
}

/// A slot taken: freed when dropped.
#[derive(Debug)]
pub struct Slot {
    shared: Arc<Shared>,
    host: String,
}

impl Slots {
    /// `total` slots, at most `per_host` of them for the sources of one host (at least one each).
    pub fn new(total: usize, per_host: usize) -> Slots {
        Slots {
            shared: Arc::new(Shared {
                total: total.max(1),
                per_host: per_host.max(1),
                board: Mutex::new(Board::default()),
                changed: Notify::new(),
            }),
        }
    }

    /// Queues a source of `host` at `rank` (unique in the run), at once: the sources queued
    /// before any is let in are let in by rank, whatever order their tasks then run in.
    pub fn queue(&self, host: &str, rank: Rank) -> Ticket {
        self.shared.board().waiting.insert(rank, host.to_owned());
        Ticket {
            shared: Arc::clone(&self.shared),
            rank,
        }
    }
}

impl Shared {
    fn board(&self) -> MutexGuard<'_, Board> {
        self.board.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Lets the source at `rank` in when a slot is free, its host has room, and no source
    /// ranked before it whose host has room waits; its host, if let in.
    fn admit(&self, rank: Rank) -> Option<String> {
        let mut board = self.board();
        let host = board.waiting.get(&rank)?;
        let first = board.running < self.total
            && board.host_has_room(host, self.per_host)
            && !board
                .waiting
                .range(..rank)
                .any(|(_, before)| board.host_has_room(before, self.per_host));
        if !first {
            return None;
        }
        let host = board.waiting.remove(&rank)?;
        board.running += 1;
        *board.by_host.entry(host.clone()).or_default() += 1;
        // Those it went before may be next now.
        self.changed.notify_waiters();
        Some(host)
    }
}

impl Ticket {
    /// Waits for the source's turn and takes its slot.
    pub async fn admitted(self) -> Slot {
        loop {
            let changed = self.shared.changed.notified();
            tokio::pin!(changed);
            // Listening before looking: a slot freed in between is not missed.
            changed.as_mut().enable();
            if let Some(host) = self.shared.admit(self.rank) {
                return Slot {
                    shared: Arc::clone(&self.shared),
                    host,
                };
            }
            changed.await;
        }
    }
}

impl Drop for Ticket {
    /// A ticket given up (its task ended before its turn) leaves the queue, not to hold back
    /// the sources ranked after it.
    fn drop(&mut self) {
        if self.shared.board().waiting.remove(&self.rank).is_some() {
            self.shared.changed.notify_waiters();
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut board = self.shared.board();
        board.running = board.running.saturating_sub(1);
        if let Some(held) = board.by_host.get_mut(&self.host) {
            *held = held.saturating_sub(1);
            if *held == 0 {
                board.by_host.remove(&self.host);
            }
        }
        self.shared.changed.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn rank(every_secs: u64, position: usize) -> Rank {
        Rank {
            every: Duration::from_secs(every_secs),
            position,
        }
    }

    /// Whether `ticket` is let in without waiting.
    async fn at_once(ticket: Ticket) -> Option<Slot> {
        tokio::time::timeout(Duration::from_millis(50), ticket.admitted())
            .await
            .ok()
    }

    #[tokio::test(start_paused = true)]
    async fn minute_feeds_go_first_then_configuration_order() {
        let slots = Slots::new(1, 1);
        // Queued in configuration order: a daily export, two hourly datasets, a minute feed.
        let sources = [(86_400, "a"), (3600, "b"), (3600, "c"), (60, "d")];
        let tickets: Vec<_> = sources
            .iter()
            .enumerate()
            .map(|(position, (every, host))| (*host, slots.queue(host, rank(*every, position))))
            .collect();
        let order = Arc::new(Mutex::new(Vec::new()));
        // Their tasks run in configuration order; the single slot goes by rank all the same.
        let tasks: Vec<_> = tickets
            .into_iter()
            .map(|(host, ticket)| {
                let order = Arc::clone(&order);
                tokio::spawn(async move {
                    let _slot = ticket.admitted().await;
                    order.lock().expect("order").push(host);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("task");
        }
        assert_eq!(*order.lock().expect("order"), ["d", "b", "c", "a"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_host_holds_back_only_its_own_sources() {
        let slots = Slots::new(4, 2);
        let portal: Vec<_> = (0..5).map(|n| slots.queue("portal", rank(60, n))).collect();
        let feed = slots.queue("usgs", rank(3600, 5));
        let mut portal = portal.into_iter();
        let _held = [
            at_once(portal.next().expect("1")).await.expect("a slot"),
            at_once(portal.next().expect("2")).await.expect("a slot"),
        ];
        assert!(
            at_once(portal.next().expect("3")).await.is_none(),
            "the portal has its two slots"
        );
        assert!(
            at_once(feed).await.is_some(),
            "a source of another host, ranked after the portal's waiting ones, is let in"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn never_more_than_the_slots_at_once_nor_more_than_a_hosts_share() {
        let slots = Slots::new(4, 2);
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let by_host: Arc<Mutex<HashMap<&str, usize>>> = Arc::default();
        let hosts = ["a", "a", "a", "b", "b", "c", "c", "c", "d", "e", "a", "e"];
        let tasks: Vec<_> = hosts
            .into_iter()
            .enumerate()
            .map(|(position, host)| {
                let ticket = slots.queue(host, rank(60 * (position as u64 % 3), position));
                let (running, most, by_host) = (
                    Arc::clone(&running),
                    Arc::clone(&most),
                    Arc::clone(&by_host),
                );
                tokio::spawn(async move {
                    let _slot = ticket.admitted().await;
                    most.fetch_max(running.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                    {
                        let mut by_host = by_host.lock().expect("hosts");
                        let held = by_host.entry(host).or_default();
                        *held += 1;
                        assert!(*held <= 2, "{host} holds {held} slots");
                    }
                    tokio::time::sleep(Duration::from_millis(100 + 37 * position as u64)).await;
                    *by_host.lock().expect("hosts").entry(host).or_default() -= 1;
                    running.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("every source gets its turn");
        }
        assert_eq!(most.load(Ordering::SeqCst), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn a_ticket_given_up_holds_no_one_back() {
        let slots = Slots::new(1, 1);
        let first = at_once(slots.queue("a", rank(60, 0)))
            .await
            .expect("a slot");
        let given_up = slots.queue("b", rank(60, 1));
        let later = slots.queue("c", rank(60, 2));
        drop(given_up);
        drop(first);
        assert!(at_once(later).await.is_some());
    }
}
