//! Which words of a status text are counted none (`errors: 0`, `0 failures`, `Timeouts:
//! none`), so that they are no failure's words: a status that counts no error says nothing
//! failed.
//!
//! A status is read in clauses (split at `,`, `;`, `|`, a full stop or a line break), each a
//! run of labels and counts:
//! - a count after a `:` or `=` counts its label, the words before it since the clause's start
//!   or the count before (`Failed records: 0`, `Errors: 0 of 120`), unless a failure's word or
//!   a plural follows it, which it counts (`Import finished: 0 errors`);
//! - a count after a space counts the words before it when the clause ends with a count or a
//!   value with its unit (`Imported 0 Failed 3`, `error 0`, `Errors 0 Duration 12s`), else, or
//!   when no word comes before it, the word after it (`0 errors 3 warnings`, `with 0 errors`),
//!   and a failure's word after that thing (`0 requests failed`, `0 of 3 requests failed`);
//! - `none` counts a failure's word after it (`none failed`), else its label only, at the
//!   clause's end or before an observation, a qualifier or the next label (`Errors: none
//!   found`, `Failed: none today`), not as the subject of what failed (`failed: none of the
//!   servers answered`, `Error: none responded`);
//! - `no`, `false`, `null` or `nil` after a `:` or `=`, ending its clause, is a count of
//!   none (`Errors: no`, `error=false`);
//! - a span of time before a later count is part of its label (`Errors in last 24 hours: 0`);
//! - a number after a thing numbered (`Job 0`, `line 0`) names it;
//! - a quota or limit counted none is spent, which is no success;
//! - a number glued to a word is part of a name (`worker-0`, `#0`), numbers glued by `:` or `-`
//!   are a time or a date (`00:00`), and a number with a fraction is one number, none only when
//!   all zeros (`0.0`, not `0.5`).

/// Words saying what was looked for, after which a `none` still counts its label.
const OBSERVED: &[&str] = &[
    "found", "detected", "reported", "recorded", "logged", "seen", "occurred",
];

/// Units of time: a number with one is a span, part of the label it is written in (`Errors in
/// the last 24 hours: 0`, `Errors (24h): 0`).
const TIME_UNITS: &[&str] = &[
    "ms", "s", "sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes", "h", "hr",
    "hrs", "hour", "hours", "d", "day", "days", "week", "weeks", "month", "months",
];

/// Things numbered rather than counted: a number after one of them names it (`Job 0 failed`,
/// `Error at line 0`).
const NUMBERED: &[&str] = &[
    "line",
    "row",
    "column",
    "col",
    "job",
    "node",
    "worker",
    "task",
    "shard",
    "partition",
    "page",
    "step",
    "attempt",
    "item",
    "record",
    "server",
    "host",
    "replica",
    "thread",
    "process",
    "stage",
    "batch",
    "chunk",
    "index",
    "position",
    "offset",
    "port",
    "instance",
    "pod",
    "station",
    "sensor",
    "device",
];

/// Words qualifying a count of `none` (`Failed: none today`, `Errors: none in 24h`): it
/// counts its label still.
const QUALIFIERS: &[&str] = &[
    "today", "yet", "so", "in", "since", "over", "during", "this", "last", "within", "for",
    "until", "after", "at", "on", "from", "past", "recently", "lately",
];

/// What a word of the status is, read as a count.
#[derive(Clone, Copy, PartialEq)]
enum Count {
    /// `0`, `zero`, `00`, `0.0`.
    Zero,
    /// `none`.
    None,
    /// Any other number, or a number with a fraction (`0.5`).
    Some,
    /// The fraction of the number before (`5` in `0.5`): no count of its own.
    Fraction,
    /// A label's value saying it is fine (`Rate limit: OK`): none of it, a quota or limit too.
    Fine,
}

/// Whether `word` is a count (`0`, `12`, `zero`, `none`).
pub(super) fn is_count(word: &str) -> bool {
    count_of(word).is_some()
}

fn count_of(word: &str) -> Option<Count> {
    match word {
        "zero" => Some(Count::Zero),
        "none" => Some(Count::None),
        _ if !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit()) => {
            Some(if word.bytes().all(|b| b == b'0') {
                Count::Zero
            } else {
                Count::Some
            })
        }
        // A number with its unit (`12s`, `5ms`, `3kb`): a value, ending a clause of labels
        // and values (`Duration 12s`).
        _ => {
            let unit = word.trim_start_matches(|c: char| c.is_ascii_digit());
            (unit.len() < word.len() && (1..=3).contains(&unit.len())).then_some(Count::Some)
        }
    }
}

/// For each of `words` (each with the text before it, `separators`), whether it is counted
/// none or is such a count: left out when looking for a failure's word.
pub(super) fn counted_none(words: &[String], separators: &[String]) -> Vec<bool> {
    let separator = |at: usize| separators.get(at).map_or("", String::as_str);
    let mut counts: Vec<Option<Count>> = words.iter().map(|word| count_of(word)).collect();
    let digits = |at: usize| words[at].bytes().all(|b| b.is_ascii_digit());
    for at in 0..words.len() {
        let glued_to = separator(at);
        // A number glued to a word is part of a name (`worker-0`, `#0`, `v2`), as is one after
        // a thing numbered (`Job 0`), and numbers glued to numbers by `:` or `-` are a time or
        // a date (`00:00`, `2026-12-05`).
        let part_of_name = counts[at].is_some()
            && at > 0
            && (matches!(glued_to, "-" | "_" | "#" | " #") && counts[at - 1].is_none()
                || glued_to == " " && digits(at) && NUMBERED.contains(&words[at - 1].as_str())
                || matches!(glued_to, ":" | "-") && digits(at - 1) && digits(at));
        if part_of_name {
            counts[at] = None;
            if digits(at - 1) {
                counts[at - 1] = None;
            }
        }
    }
    // A fraction (`0.5`, `0,5`) is one number: none when it is all zeros (`0.0`).
    for at in 0..words.len().saturating_sub(1) {
        let number =
            |at: usize| matches!(counts[at], Some(Count::Zero | Count::Some)) && digits(at);
        if number(at) && matches!(separator(at + 1), "." | ",") && number(at + 1) {
            let zero = counts[at] == Some(Count::Zero) && counts[at + 1] == Some(Count::Zero);
            counts[at] = Some(if zero { Count::Zero } else { Count::Some });
            counts[at + 1] = Some(Count::Fraction);
        }
    }
    let breaks = |at: usize| {
        let text = separator(at);
        text.contains([',', ';', '|', '\n']) || text.contains(". ")
    };
    // A label's value of no (`Errors: no`, `error=false`, `Error: null`), or of fine (`Rate
    // limit: OK`, `Throttling: off`), ending its clause counts it none (`Error: no such file`
    // is words).
    for at in 0..words.len() {
        let ends_clause = at + 1 == words.len() || breaks(at + 1);
        let value = match words[at].as_str() {
            "no" | "false" | "null" | "nil" => Count::Zero,
            "ok" | "okay" | "fine" | "off" => Count::Fine,
            _ => continue,
        };
        if separator(at).contains([':', '=']) && ends_clause {
            counts[at] = Some(value);
        }
    }
    let mut left_out = vec![false; words.len()];
    let mut start = 0;
    while start < words.len() {
        let end = (start + 1..words.len())
            .find(|at| breaks(*at))
            .unwrap_or(words.len());
        read_clause(words, separators, &counts, start..end, &mut left_out);
        start = end;
    }
    left_out
}

/// Marks in `left_out` the words of the clause `within` counted none, with their counts.
fn read_clause(
    words: &[String],
    separators: &[String],
    counts: &[Option<Count>],
    within: std::ops::Range<usize>,
    left_out: &mut [bool],
) {
    let separator = |at: usize| separators.get(at).map_or("", String::as_str);
    let labelled = |at: usize| separator(at).contains([':', '=']);
    let spaced = |at: usize| separator(at).trim().is_empty();
    let is_word = |at: usize| within.contains(&at) && counts[at].is_none();
    // A word followed by its own count after a `:` or `=`: a label.
    let label = |at: usize| is_word(at) && within.contains(&(at + 1)) && labelled(at + 1);
    let ends_with_count = counts[within.end - 1].is_some();
    // A span of time (`24 hours`, `24h`) before a later count qualifies that count's label.
    let span = |at: usize| {
        let unit = words[at].trim_start_matches(|c: char| c.is_ascii_digit());
        let unit = match unit {
            "" if within.contains(&(at + 1)) => words[at + 1].as_str(),
            unit => unit,
        };
        TIME_UNITS.contains(&unit) && (at + 1..within.end).any(|later| counts[later].is_some())
    };
    // The end of what a count before `after` counts: the thing counted, and the failure's word
    // after it (`0 requests failed`, `0 of 3 requests failed`), or that one word.
    let things_failed = |after: usize| {
        let failure_at =
            |at: usize| within.contains(&at) && spaced(at) && super::is_failure_word(&words[at]);
        let of_count =
            words[after] == "of" && within.contains(&(after + 1)) && counts[after + 1].is_some();
        if super::is_failure_word(&words[after]) {
            after + 1
        } else if of_count && is_word(after + 2) && failure_at(after + 3) {
            after + 4
        } else if failure_at(after + 1) {
            after + 2
        } else {
            after + 1
        }
    };
    let mut previous_count = None;
    for at in within.clone() {
        let Some(count) = counts[at].filter(|count| *count != Count::Fraction) else {
            continue;
        };
        // The words before it, since the clause's start or the count before.
        let label_words = previous_count.map_or(within.start, |before: usize| before + 1)..at;
        if !span(at) {
            previous_count = Some(at);
        }
        let word_after = (is_word(at + 1) && spaced(at + 1)).then_some(at + 1);
        // A word a count after a label counts in its place: a failure's (`Import finished: 0
        // errors`) or things counted (`0 records imported`), not a qualifier (`Errors: 0 of
        // 120`, `Failed: 0 today`).
        let counts_instead = |after: usize| {
            let word = words[after].as_str();
            super::is_failure_word(word) || word.len() > 3 && word.ends_with('s')
        };
        let counted = match count {
            // Said fine, the word before only (`Rate limit: OK`, `Throttling: off`): never what
            // went wrong before it (`Token expired (refresh: OK)`).
            Count::Fine => (at > within.start).then(|| at - 1..at),
            Count::None
                if word_after.is_some_and(|after| super::is_failure_word(&words[after])) =>
            {
                // `none failed`.
                word_after.map(|after| after..after + 1)
            }
            Count::None => {
                let next = word_after.map(|after| words[after].as_str());
                // Before the clause's next label: `Errors: none Warnings: 2`, `errors none
                // warnings 2`.
                let counts_label = match next {
                    None => true,
                    Some(next) => {
                        OBSERVED.contains(&next)
                            || QUALIFIERS.contains(&next)
                            || label(at + 1)
                            || (spaced(at) && ends_with_count && next != "of")
                    }
                };
                (counts_label && (labelled(at) || spaced(at))).then_some(label_words)
            }
            _ if labelled(at) => match word_after {
                Some(after) if !label(after) && counts_instead(after) => Some(after..after + 1),
                _ => Some(label_words),
            },
            // A clause's first count has no label before it: it counts the word after it
            // (`0 errors since build 42`), unless a failure's word comes before it and none
            // after it (`Errors 0 Status ok`).
            _ if (ends_with_count && !label_words.is_empty())
                || word_after.is_none()
                || label_words
                    .clone()
                    .last()
                    .is_some_and(|before| super::is_failure_word(&words[before]))
                    && word_after.is_some_and(|after| !super::is_failure_word(&words[after])) =>
            {
                Some(label_words)
            }
            _ => word_after.map(|after| after..things_failed(after)),
        };
        let Some(counted) = counted.filter(|counted| !counted.is_empty()) else {
            continue;
        };
        let spent = counted
            .clone()
            .any(|word| words[word].contains("quota") || words[word].contains("limit"));
        if count == Count::Fine || count != Count::Some && !spent {
            left_out[at] = true;
            for word in counted {
                left_out[word] = true;
            }
        }
    }
}
