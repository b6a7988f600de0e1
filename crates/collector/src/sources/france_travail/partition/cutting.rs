//! How the planner grows its tree of queries: a probed query that does not fit the window is
//! cut by creation time, then a crowded second by filters, and a query whose parts are all
//! known is fetched page by page, with what its parts could not reach counted.

use releve::config::OfferFilter;

use super::super::paging::{Dimension, SearchQuery, WINDOW, later_pages};
use super::{Call, FiltersIgnored, Planner, SLICE_FILL, Split};

/// The filter to cut a crowded second's `query` by next: the first of the cascade after those
/// it is cut by already that can divide it under the source's filters; `None` when none is
/// left.
fn next_cut(query: &SearchQuery) -> Option<Dimension> {
    let after = query
        .filters
        .last()
        .and_then(|(last, _)| Dimension::CASCADE.iter().position(|d| d == last))
        .map_or(0, |at| at + 1);
    Dimension::CASCADE
        .get(after..)?
        .iter()
        .copied()
        .find(|&dimension| query.divides_by(dimension))
}

impl Planner {
    /// Takes the `total` a query's first page announced: the query is read whole when it fits
    /// the window, else cut by time, else by the next filter (once its values are known), else
    /// read as far as the window reaches.
    pub(super) fn probed(&mut self, node: usize, total: u64) {
        self.nodes[node].total = Some(total);
        if node == 0 {
            self.harvest.announced = total;
        }
        if let Some(parent) = self.nodes[node].parent {
            self.part_probed(parent);
        }
        let query = &self.nodes[node].query;
        if total <= WINDOW {
            self.fetch_window(node, total);
        } else if query.seconds() > 1 {
            let parts = (total as f64 / (WINDOW as f64 * SLICE_FILL)).ceil() as i64;
            let slices = query.split_time(parts.max(2));
            if !self.room_for(slices.len()) {
                return;
            }
            let parts: Vec<usize> = slices
                .into_iter()
                .map(|slice| self.probe(slice, Some(node)))
                .collect();
            let pending = parts.len();
            self.nodes[node].split = Split::Time { parts, pending };
        } else if let Some(dimension) = next_cut(query) {
            if self.references.contains_key(&dimension) {
                self.split_by(node, dimension);
            } else {
                let waiting = self.waiting.entry(dimension).or_default();
                if waiting.is_empty() {
                    self.queue.push_front(Call::Reference(dimension));
                }
                waiting.push(node);
            }
        } else {
            self.unreachable = self.unreachable.saturating_add(total - WINDOW);
            self.harvest.past_window.push((query.clone(), total));
            self.fetch_window(node, total);
        }
    }

    /// Asks the pages of `node`'s query after its first, as far as the window reaches.
    pub(super) fn fetch_window(&mut self, node: usize, total: u64) {
        let query = &self.nodes[node].query;
        let calls: Vec<Call> = later_pages(total)
            .map(|start| Call::Search {
                node,
                query: query.clone(),
                start,
            })
            .collect();
        self.queue.extend(calls);
    }

    /// Cuts `node`'s query into one query per value of `dimension` that the source's filters
    /// allow (within its region, or the source's regions, for a département), each probed: no
    /// part reaches an offer the source's filters leave out.
    pub(super) fn split_by(&mut self, node: usize, dimension: Dimension) {
        let query = self.nodes[node].query.clone();
        let allowed: Option<Vec<&str>> = match dimension {
            Dimension::Departement => query
                .scope
                .departements()
                .map(|codes| codes.into_iter().collect()),
            _ => query
                .scope
                .values(dimension.filter())
                .map(|codes| codes.iter().map(String::as_str).collect()),
        };
        let regions: Option<Vec<&str>> = match query.filter(Dimension::Region) {
            Some(region) => Some(vec![region]),
            None => query
                .scope
                .values(OfferFilter::Region)
                .map(|codes| codes.iter().map(String::as_str).collect()),
        };
        let values: Vec<String> = self
            .references
            .get(&dimension)
            .into_iter()
            .flatten()
            .filter(|r| {
                allowed
                    .as_ref()
                    .is_none_or(|a| a.contains(&r.code.as_str()))
            })
            .filter(|r| match (&regions, r.region.as_deref()) {
                (Some(regions), Some(region)) => regions.contains(&region),
                _ => true,
            })
            .map(|r| r.code.clone())
            .collect();
        if !self.room_for(values.len()) {
            return;
        }
        let parts: Vec<usize> = values
            .iter()
            .map(|value| self.probe(query.narrowed(dimension, value), Some(node)))
            .collect();
        let pending = parts.len();
        self.nodes[node].split = Split::Filter { parts, pending };
        if pending == 0 {
            self.parts_known(node);
        }
    }

    /// Counts one more part of `parent`'s split probed.
    pub(super) fn part_probed(&mut self, parent: usize) {
        if let Split::Time { pending, .. } | Split::Filter { pending, .. } =
            &mut self.nodes[parent].split
        {
            *pending -= 1;
            if *pending == 0 {
                self.parts_known(parent);
            }
        }
    }

    /// Every part of a split is probed. For a filter, offers lacking its attribute are the
    /// difference, and the parent's window is fetched to reach those it holds; time windows
    /// must add up to their parent, else the difference cannot be reached.
    pub(super) fn parts_known(&mut self, node: usize) {
        let (parts, by_time) = match &self.nodes[node].split {
            Split::Time { parts, .. } => (parts, true),
            Split::Filter { parts, .. } => (parts, false),
            Split::None => return,
        };
        // Served totals: a count past what 64 bits hold is an API gone wrong, not a panic.
        let in_parts = parts
            .iter()
            .filter_map(|&p| self.nodes[p].total)
            .fold(0, u64::saturating_add);
        let total = self.nodes[node].total.unwrap_or_default();
        let complement = total.saturating_sub(in_parts);
        if by_time {
            // Disjoint windows hold at most their parent's offers (a few more if some were
            // created while the day was collected): twice as many is an API ignoring the bounds,
            // which would otherwise be cut down to single seconds, hours of calls for nothing.
            if parts.len() >= 2 && total > WINDOW && in_parts >= total.saturating_mul(2) {
                self.ignored = Some(FiltersIgnored::Dates { total, in_parts });
                self.queue.clear();
                return;
            }
            if complement > 0 {
                tracing::warn!(
                    total,
                    in_parts,
                    "Time windows hold fewer offers than the window they cut; counting the difference as shortfall (are the creation-date bounds still inclusive?)."
                );
                self.unreachable = self.unreachable.saturating_add(complement);
                self.harvest.between_windows =
                    self.harvest.between_windows.saturating_add(complement);
            }
            return;
        }
        self.nodes[node].complement = complement;
        if complement > 0 {
            self.fetch_window(node, total);
        }
        tracing::debug!(
            total,
            in_parts,
            complement,
            "Split one creation second by a filter."
        );
    }
}
