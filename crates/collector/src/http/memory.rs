//! How much of an answer a run may hold in memory: a share of what the collector may use, the
//! least of the machine's memory and the limits set on the process (a container's or a
//! systemd unit's cgroup, `ulimit -v`), so that an answer larger than that (a compression
//! bomb, a body that never ends, a whole dataset exported) fails its source in one line
//! instead of the allocator aborting the run with every source it collects.

use releve::rawfile::MIB;

/// The share of the memory it may use a run holds of one answer: it collects 4 sources at
/// a time, each answer parsed beside its bytes.
pub const ANSWER_SHARE: u64 = 8;

/// The share of the memory it may use a run holds of one answer parsed whole as a tree (to
/// drop fields, add a stamp, make columns records or take out a key the API echoes), which
/// takes about 16 times the answer's size: 4 sources at a time.
pub const TREE_SHARE: u64 = 64;

/// What a run holds of each record of an answer read one record at a time into the records
/// that land (an Opendatasoft export), beside the answer's text and what lands (about as much
/// again): where it starts, its entries in the repeat check and the key check, and the room
/// their tables keep to grow. Measured at 118 bytes a record of 2 million 40-byte rows (423 MB
/// held of an 81 MB answer) and 80 of 200,000 rows of 687 bytes (316 MB of 137 MB).
pub const RECORD_BYTES: u64 = 128;

/// The least answer cap, whatever the memory: below it a machine is too small for relevé.
const LEAST_CAP: u64 = 16 * MIB;

/// The memory an answer of `size` bytes holding `records` takes, read one record at a time
/// into the records that land: its text, what lands, and [`RECORD_BYTES`] a record (5 times
/// the answer's size for 40-byte rows, about twice for rows of a few kilobytes).
pub fn held_reading_records(size: u64, records: u64) -> u64 {
    size.saturating_mul(2)
        .saturating_add(records.saturating_mul(RECORD_BYTES))
}

/// The most a run holds of one answer read one record at a time where the collector may use
/// `available` bytes: four at a time, with an eighth of it left for the rest of the run.
pub fn records_room(available: u64) -> u64 {
    available / 32 * 7
}

/// Whether an answer of `size` bytes holding `records` may be read one record at a time into
/// the records that land where the collector may use `available` bytes: when it takes at most
/// [`records_room`], or is of 16 MiB at most.
pub fn fits_reading_records(size: u64, records: u64, available: u64) -> bool {
    size <= LEAST_CAP || held_reading_records(size, records) <= records_room(available)
}

/// The memory the collector may use, in bytes, when known.
pub fn available() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        [physical(), cgroup_limit(), process_limit()]
            .into_iter()
            .flatten()
            .min()
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// The most of an answer read, in bytes: `most` (what the summariser reads by default), or a
/// share of `available` when that is less.
pub fn answer_cap(most: u64, available: Option<u64>) -> u64 {
    available.map_or(most, |available| {
        (available / ANSWER_SHARE).clamp(LEAST_CAP, most)
    })
}

/// The most of an answer parsed whole as a tree where the collector may use `available`
/// bytes: a [`TREE_SHARE`] of it, 16 MiB at least.
pub fn tree_cap(available: u64) -> u64 {
    (available / TREE_SHARE).max(LEAST_CAP)
}

/// The machine's memory.
#[cfg(target_os = "linux")]
fn physical() -> Option<u64> {
    let info = rustix::system::sysinfo();
    // A `c_ulong`: 32 bits on 32-bit machines.
    #[allow(clippy::useless_conversion)]
    u64::from(info.totalram).checked_mul(u64::from(info.mem_unit.max(1)))
}

/// What is left under the soft limits of the process's address space and data (`ulimit -v`,
/// `ulimit -d`), which its threads' stacks and the allocator's reserves already use part of.
#[cfg(target_os = "linux")]
fn process_limit() -> Option<u64> {
    use rustix::process::{Resource, getrlimit};
    // `/proc/self/statm`: the sizes in pages of the address space (first), and of the data
    // and stack (sixth).
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: Vec<u64> = statm
        .split_whitespace()
        .filter_map(|field| field.parse().ok())
        .collect();
    let page = rustix::param::page_size() as u64;
    let used = |field: usize| pages.get(field).map_or(0, |pages| pages * page);
    [(Resource::As, used(0)), (Resource::Data, used(5))]
        .into_iter()
        .filter_map(|(resource, used)| Some(getrlimit(resource).current?.saturating_sub(used)))
        .min()
}

/// The least `memory.max` (cgroup v2) or `memory.limit_in_bytes` (v1) of the process's
/// cgroup and those above it, as `/proc/self/cgroup` names them.
#[cfg(target_os = "linux")]
fn cgroup_limit() -> Option<u64> {
    let groups = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    groups
        .lines()
        .filter_map(|line| {
            let mut fields = line.splitn(3, ':');
            let (_, controllers, path) = (fields.next()?, fields.next()?, fields.next()?);
            let (root, file) = if controllers.is_empty() {
                ("/sys/fs/cgroup", "memory.max")
            } else if controllers.split(',').any(|c| c == "memory") {
                ("/sys/fs/cgroup/memory", "memory.limit_in_bytes")
            } else {
                return None;
            };
            let mut folder = std::path::PathBuf::from(root);
            folder.push(path.trim_start_matches('/'));
            folder
                .ancestors()
                .take_while(|above| above.starts_with(root))
                .filter_map(|above| limit_in(&above.join(file)))
                .min()
        })
        .min()
}

/// The limit a cgroup file holds: none for `max`, or v1's "no limit" (a page count near
/// `i64::MAX`).
#[cfg(target_os = "linux")]
fn limit_in(file: &std::path::Path) -> Option<u64> {
    let bytes: u64 = std::fs::read_to_string(file).ok()?.trim().parse().ok()?;
    (bytes < 1 << 62).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_holds_a_share_of_the_memory_between_the_least_cap_and_the_most() {
        let most = 1024 * MIB;
        assert_eq!(answer_cap(most, None), most);
        assert_eq!(answer_cap(most, Some(24 * 1024 * MIB)), most);
        // A container limited to 256 MiB.
        assert_eq!(answer_cap(most, Some(256 * MIB)), 32 * MIB);
        // A Raspberry Pi of 1 GiB.
        assert_eq!(answer_cap(most, Some(1024 * MIB)), 128 * MIB);
        assert_eq!(answer_cap(most, Some(64 * MIB)), LEAST_CAP);
    }

    /// Four answers each taking the room a run gives one fit the memory with an eighth of it
    /// left for the rest of the run. Of 40-byte rows (5 times their size), the cap of the
    /// answer's bytes alone would ask for more than twice the memory; rows of a few kilobytes
    /// take about twice their size, and more of them fit.
    #[test]
    fn four_answers_read_record_by_record_fit_the_memory() {
        for memory in [512 * MIB, 1024 * MIB, 8192 * MIB] {
            assert!(4 * records_room(memory) <= memory - memory / 8, "{memory}");
            let cap = answer_cap(1024 * MIB, Some(memory));
            assert!(4 * held_reading_records(cap, cap / 40) > 2 * memory);
        }
        let room = records_room(512 * MIB);
        let tiny = 21 * MIB;
        assert!(fits_reading_records(tiny, tiny / 40, 512 * MIB));
        assert!(!fits_reading_records(
            tiny + MIB,
            (tiny + MIB) / 40,
            512 * MIB
        ));
        let wide = 54 * MIB;
        assert!(held_reading_records(wide, wide / 3000) <= room);
        assert!(!fits_reading_records(60 * MIB, 60 * MIB / 3000, 512 * MIB));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_memory_available_is_known_on_linux_and_at_most_the_machine_s() {
        let available = available().expect("the machine's memory at least");
        assert!(available <= physical().expect("sysinfo"));
        assert!(available > 0);
    }
}
