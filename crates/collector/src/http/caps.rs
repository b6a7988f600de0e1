//! How much of an answer this process reads, and parses whole, from the memory the collector
//! may use.

use super::{MAX_BODY_BYTES, memory};

/// The memory the collector may use (see [`memory::available`]), read once: both caps below
/// rest on the same reading.
fn available_memory() -> Option<u64> {
    static AVAILABLE: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(memory::available)
}

/// The largest body this process reads: [`MAX_BODY_BYTES`], or less on a machine or under
/// limits leaving the collector less memory (see [`memory`]), with that memory then.
pub(super) fn answer_cap() -> (u64, Option<u64>) {
    let available = available_memory();
    let cap = memory::answer_cap(MAX_BODY_BYTES, available);
    (cap, available.filter(|_| cap < MAX_BODY_BYTES))
}

/// The most of an answer parsed whole as a tree (see [`memory::tree_cap`]) and the memory the
/// collector may use, which sets it, in bytes; `None` where that memory is not known.
pub fn tree_cap() -> Option<(u64, u64)> {
    let available = available_memory()?;
    Some((memory::tree_cap(available), available))
}

/// The memory the collector may use, in bytes, when an answer of `size` bytes holding
/// `records` is too large for it to read one record at a time into the records that land (see
/// [`memory::fits_reading_records`]); `None` when it fits, or where that memory is not known.
pub fn too_large_to_read(size: u64, records: u64) -> Option<u64> {
    let available = available_memory()?;
    (!memory::fits_reading_records(size, records, available)).then_some(available)
}
