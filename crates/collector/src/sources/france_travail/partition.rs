//! How one day of offers is cut into queries that each fit the API's 3,150-offer window.
//!
//! The day is split by creation time first, which loses nothing whatever attributes an offer
//! lacks: a window whose total (read from `Content-Range` on its first page) is larger than
//! the window is cut into slices sized from that total, recursively, down to single seconds.
//! A second that still holds too many offers (a bulk import) is split by filters
//! ([`Dimension::CASCADE`]). Offers lacking a filter's attribute match none of the parts: their
//! number is the parent's total minus the parts' totals, and the parent's own window is then
//! fetched to reach those of them it holds. What no query can reach is counted as shortfall.
//!
//! The [`Planner`] is a state machine without I/O: it says which [`Call`]s to make and
//! absorbs their answers, so the caller decides how many run at once. Every first page is
//! kept, so probing a query costs nothing when it turns out to fit.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use releve::FieldPath;
use serde_json::Value;

use super::super::landing::Landing;
use super::super::records::drop_fields;
use super::paging::{Dimension, Reference, SearchPage, SearchQuery};

/// Slices are sized for this share of the window, so that most fit at the first try.
const SLICE_FILL: f64 = 0.75;

/// The most queries one day is cut into. A real day (tens of thousands of offers, a few
/// crowded seconds split by contract type, region and département) needs hundreds; an API
/// announcing totals no day holds, with reference lists as long as it likes, would have the
/// planner cut the day into every second and every code, millions of queries held in memory
/// and hours of calls, when the collector's memory did not run out first.
pub(crate) const MAX_QUERIES: usize = 50_000;

/// Why a day cannot be cut within reach of the 3,150-offer window.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum FiltersIgnored {
    /// The API answered time windows as if it ignored their creation-date bounds: the parts
    /// of a window announce at least twice its offers, so no cut can bring a query within
    /// reach.
    #[error(
        "offres/search ignores minCreationDate/maxCreationDate: a window of {total} offers cut into parts announcing {in_parts} in all; the day cannot be cut within reach of the 3,150-offer window, so nothing lands"
    )]
    Dates {
        /// The window's total.
        total: u64,
        /// The sum of its parts' totals.
        in_parts: u64,
    },
    /// The API's totals (and reference lists) would cut the day into more than
    /// [`MAX_QUERIES`] queries.
    #[error(
        "offres/search announces more offers than its queries can hold: reading the day it announced ({announced} offers) would take more than 50,000 queries, which no real day needs; nothing lands"
    )]
    TooManyQueries {
        /// The day's total as the API announced it.
        announced: u64,
    },
}

/// A request the planner needs answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Call {
    /// The page of a query starting at `start`.
    Search {
        /// Which query (an index the planner gave).
        node: usize,
        /// The query itself.
        query: SearchQuery,
        /// First position.
        start: u64,
    },
    /// The values a filter can take.
    Reference(Dimension),
}

/// How a query over the window was divided.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Split {
    /// Not divided (it fits, or nothing divides it further).
    None,
    /// Into consecutive time windows; `pending` parts are not probed yet.
    Time { parts: Vec<usize>, pending: usize },
    /// Into one query per value of a filter; `pending` parts are not probed yet.
    Filter { parts: Vec<usize>, pending: usize },
}

#[derive(Debug)]
struct Node {
    query: SearchQuery,
    parent: Option<usize>,
    total: Option<u64>,
    split: Split,
    /// Offers lacking the filter this query was split by (`Split::Filter` only).
    complement: u64,
}

/// What a finished day holds.
#[derive(Debug, Default)]
pub(crate) struct Harvest {
    /// Every distinct offer reached, in the order first seen, less the source's `drop`
    /// fields, as it lands.
    pub(crate) offers: Landing,
    /// The day's total announced by the API.
    pub(crate) announced: u64,
    /// Offers the API announced that no query could reach.
    pub(crate) shortfall: u64,
    /// Offers received more than once (a page overlapping an earlier one).
    pub(crate) duplicates: u64,
    /// Offers of the announced total that never came though a query reached them: pages that
    /// held fewer offers than their `Content-Range` (or a 204 in the middle of a window).
    /// They are part of `shortfall`.
    pub(crate) missing_from_pages: u64,
    /// Offers later pages announced beyond their query's first total (the day grew while it
    /// was read), not fetched; part of `announced` and of `shortfall`.
    pub(crate) grown: u64,
    /// Offers a time window announced that the windows cutting it did not hold (bounds no
    /// longer inclusive, offers withdrawn while the day was cut); part of `shortfall`.
    pub(crate) between_windows: u64,
    /// Pages asked again: those holding only offers earlier pages of their query had
    /// brought, and those earlier pages.
    pub(crate) pages_asked_again: u64,
    /// The queries nothing divides that hold more offers than the window reaches (a second's
    /// offers of one contract type and département), with their totals: whose offers the
    /// shortfall lacks.
    pub(crate) past_window: Vec<(SearchQuery, u64)>,
}

/// The plan of one day's collection.
#[derive(Debug, Default)]
pub(crate) struct Planner {
    /// The fields removed from each offer kept.
    dropped: Vec<FieldPath>,
    nodes: Vec<Node>,
    queue: VecDeque<Call>,
    references: HashMap<Dimension, Vec<Reference>>,
    waiting: HashMap<Dimension, Vec<usize>>,
    /// For each offer id, the queries that returned it, with the start of the page.
    seen_in: HashMap<String, Vec<(usize, u64)>>,
    harvest: Harvest,
    /// Offers known to be out of reach: past the window of a query nothing divides, or
    /// missing between time windows.
    unreachable: u64,
    /// Set when the API turns out to ignore the creation-date bounds, or announces more than
    /// [`MAX_QUERIES`] can read: no call is made after.
    ignored: Option<FiltersIgnored>,
    /// Per fetched query, how many offers its later pages announced beyond its first page's
    /// total: offers added while the query was read, past the pages planned.
    grown: HashMap<usize, u64>,
    /// Pages asked again because they held only offers earlier pages of their query had
    /// brought (the API served a page twice), with those earlier pages: which of the two is
    /// the wrong one depends on which answer came back first. Each is asked again once.
    asked_again: HashSet<(usize, u64)>,
}

impl Planner {
    /// Plans the collection of `day`, a query over the whole day, keeping offers less the
    /// `dropped` fields.
    pub(crate) fn new(day: SearchQuery, dropped: Vec<FieldPath>) -> Self {
        let mut planner = Planner {
            dropped,
            ..Planner::default()
        };
        planner.probe(day, None);
        planner
    }

    /// The next call to make, if any is ready.
    pub(crate) fn next_call(&mut self) -> Option<Call> {
        if self.ignored.is_some() {
            return None;
        }
        self.queue.pop_front()
    }

    /// Why the day cannot be collected, when the API ignores the creation-date bounds or
    /// announces more than [`MAX_QUERIES`] can read.
    pub(crate) fn fault(&self) -> Option<&FiltersIgnored> {
        self.ignored.as_ref()
    }

    /// Takes the answer to a [`Call::Search`]; returns how many of its offers were new.
    pub(crate) fn absorb_page(&mut self, node: usize, start: u64, page: SearchPage) -> u64 {
        let before = self.harvest.offers.len();
        let served = page.offers.len();
        let mut seen_here = 0;
        let mut brought_by = BTreeSet::new();
        for offer in page.offers {
            if let Some(earlier) = self.keep(node, start, offer) {
                seen_here += 1;
                brought_by.insert(earlier);
            }
        }
        if start > 0 && served > 0 && seen_here == served {
            // The first page is never asked again: it plans the query's other pages.
            brought_by.insert(start);
            for again in brought_by.into_iter().filter(|&again| again > 0) {
                self.ask_again(node, again);
            }
        }
        if start == 0 {
            self.probed(node, page.total);
        } else if let Some(first) = self.nodes[node].total
            && page.total > first
        {
            let grown = self.grown.entry(node).or_default();
            *grown = (*grown).max(page.total - first);
        }
        (self.harvest.offers.len() - before) as u64
    }

    /// Takes the answer to a [`Call::Reference`].
    pub(crate) fn absorb_reference(&mut self, dimension: Dimension, values: Vec<Reference>) {
        self.references.insert(dimension, values);
        for node in self.waiting.remove(&dimension).unwrap_or_default() {
            self.split_by(node, dimension);
        }
    }

    /// The offers reached and the count of those that could not be.
    pub(crate) fn finish(mut self) -> Harvest {
        let recovered = self.recovered_from_windows();
        // Sums of served totals, saturating: a count past what 64 bits hold is an API gone
        // wrong, not a panic.
        let complements = self
            .nodes
            .iter()
            .map(|n| n.complement)
            .fold(0, u64::saturating_add);
        // Offers added while a query was read are announced too, and out of reach of the
        // pages planned from its first total.
        let grown = self.grown.values().copied().fold(0, u64::saturating_add);
        self.harvest.grown = grown;
        self.harvest.announced = self.harvest.announced.saturating_add(grown);
        let out_of_reach = self
            .unreachable
            .saturating_add(grown)
            .saturating_add(complements.saturating_sub(recovered));
        let landed = self.harvest.offers.len() as u64;
        let not_landed = self.harvest.announced.saturating_sub(landed);
        self.harvest.missing_from_pages = not_landed.saturating_sub(out_of_reach);
        self.harvest.shortfall = out_of_reach.max(not_landed);
        self.harvest
    }

    /// Whether `parts` more queries fit within [`MAX_QUERIES`]; when they do not, the day
    /// stops: no call is made after.
    fn room_for(&mut self, parts: usize) -> bool {
        if self.nodes.len().saturating_add(parts) <= MAX_QUERIES {
            return true;
        }
        self.ignored = Some(FiltersIgnored::TooManyQueries {
            announced: self.harvest.announced,
        });
        self.queue.clear();
        false
    }

    fn probe(&mut self, query: SearchQuery, parent: Option<usize>) -> usize {
        let node = self.nodes.len();
        self.nodes.push(Node {
            query: query.clone(),
            parent,
            total: None,
            split: Split::None,
            complement: 0,
        });
        self.queue.push_back(Call::Search {
            node,
            query,
            start: 0,
        });
        node
    }

    /// Keeps an offer the first time it is seen; when an earlier page of the same query
    /// brought it already, returns that page's start.
    fn keep(&mut self, node: usize, start: u64, offer: Value) -> Option<u64> {
        let Some(id) = offer.get("id").and_then(Value::as_str).map(str::to_owned) else {
            land(&self.dropped, &mut self.harvest.offers, offer);
            return None;
        };
        let pages = self.seen_in.entry(id).or_default();
        if pages.is_empty() {
            land(&self.dropped, &mut self.harvest.offers, offer);
        } else {
            self.harvest.duplicates += 1;
        }
        let earlier = pages
            .iter()
            .find(|(query, _)| *query == node)
            .map(|&(_, earlier)| earlier);
        pages.push((node, start));
        earlier
    }

    /// Asks the page at `start` of `node`'s query once more, unless it was already.
    fn ask_again(&mut self, node: usize, start: u64) {
        if self.asked_again.insert((node, start)) {
            self.harvest.pages_asked_again += 1;
            self.queue.push_front(Call::Search {
                node,
                query: self.nodes[node].query.clone(),
                start,
            });
        }
    }

    fn descends_from(&self, mut node: usize, ancestor: usize) -> bool {
        while let Some(parent) = self.nodes[node].parent {
            if parent == ancestor {
                return true;
            }
            node = parent;
        }
        false
    }

    /// Offers lacking a split's filter that were reached through the split query's own window:
    /// returned by it and by none of its parts.
    fn recovered_from_windows(&self) -> u64 {
        let mut recovered = 0;
        for pages in self.seen_in.values() {
            // Once per query that brought the offer, however many of its pages did (a page
            // served twice, a page asked again).
            let mut queries: Vec<usize> = pages.iter().map(|&(node, _)| node).collect();
            queries.sort_unstable();
            queries.dedup();
            for &node in &queries {
                let lacking = self.nodes[node].complement > 0
                    && !queries.iter().any(|&q| self.descends_from(q, node));
                recovered += u64::from(lacking);
            }
        }
        recovered
    }
}

/// Writes `offer` less the `dropped` fields to `offers`.
fn land(dropped: &[FieldPath], offers: &mut Landing, mut offer: Value) {
    let removed = drop_fields(dropped, &mut offer);
    offers.note_dropped(removed);
    offers.push(&offer);
}

mod cutting;

#[cfg(test)]
mod tests;
