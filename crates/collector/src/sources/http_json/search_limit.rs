//! A window past an FDSN event service's cap on one answer: USGS's catalogue `query` refuses a
//! `starttime`–`endtime` window matching more than 20,000 events with `400` and the words
//! `20160 matching events exceeds search limit of 20000. Modify the search to match fewer
//! events.` The window is then halved, and each half refused halved again, down to one second,
//! the parts asked one after another (each through the client's retries and politeness); their
//! events land together in the run's one body (the first part's `type` and `metadata` beside
//! them, its `count` theirs, and the union of the parts' `bbox`), each `key` once (an event on
//! a boundary, both ends being inclusive, is served by both parts: the later copy is kept). A
//! part that fails fails the run naming its window, nothing landed. Any other refusal fails as
//! served. The window's bounds
//! and `offset` are read where they are written, in `params` or in the source's `url` (one in
//! `params` is sent in place of the url's, as each part's bounds are); a bound left out of both,
//! or empty (`starttime=`, which USGS skips), is USGS's default: `starttime` 30 days before the source is asked, `endtime` then.

use std::collections::HashMap;
use std::ops::Range;

use bytes::Bytes;
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use releve::Source;
use releve::locate::{Located, for_each_record};
use serde_json::Value;

use crate::http::{Answer, FetchError};
use crate::sources::SourceError;
use beside::{Bbox, Beside};
use bound::instant;
use in_url::in_url;

mod beside;
mod bound;
mod in_url;

/// What USGS's refusal of a window past its cap says (its count and cap before and after).
const PAST_THE_CAP: &str = "matching events exceeds search limit";

/// USGS's window when `params` leave its bounds out: from 30 days before now (`starttime`) to
/// now (`endtime`), as its service documents.
const DEFAULT_SPAN: TimeDelta = TimeDelta::days(30);

/// A window no longer halved: a part this short still refused fails the run.
const SHORTEST: TimeDelta = TimeDelta::seconds(1);

/// USGS's words when a failure is its refusal of a window past its cap.
fn past_the_cap(err: &SourceError) -> Option<&str> {
    match err {
        SourceError::Fetch(FetchError::Rejected {
            status: 400,
            message,
            ..
        }) if message.contains(PAST_THE_CAP) => Some(message),
        _ => None,
    }
}

/// The failure of a window no longer halved, still refused with USGS's words `said`.
fn still_past_the_cap(from: DateTime<Utc>, to: DateTime<Utc>, said: &str) -> SourceError {
    SourceError::Unexpected {
        what: "GET".to_owned(),
        message: format!(
            "the window {} to {} (UTC), halved down to one second, still matches more events than one answer may hold (HTTP 400: {said}); nothing landed",
            written(from),
            written(to)
        ),
    }
}

/// Where a bound of the window was read: `params`, the source's `url`, or USGS's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Written {
    InParams,
    InUrl,
    ByDefault,
}

impl Written {
    /// Where the bound `name` is written for a source of `url` asked with `params` (an empty
    /// one, `starttime=`, is USGS's default).
    fn of(name: &str, params: &[(String, String)], url: &str) -> Written {
        match params.iter().find(|(param, _)| param == name) {
            Some((_, value)) if value.is_empty() => Written::ByDefault,
            Some(_) => Written::InParams,
            None if in_url(url, name).iter().any(|value| !value.is_empty()) => Written::InUrl,
            None => Written::ByDefault,
        }
    }

    /// The bound `name` at `at` in words: `` `endtime` = 2026-02-01T00:00:00 (UTC) in `url` ``,
    /// or USGS's default, `default` saying which (e.g. "30 days before the run").
    fn said(self, name: &str, at: DateTime<Utc>, default: &str) -> String {
        let at = written(at);
        match self {
            Written::InParams => format!("`{name}` = {at} (UTC) in `params`"),
            Written::InUrl => format!("`{name}` = {at} (UTC) in `url`"),
            Written::ByDefault => format!("USGS's default `{name}` ({default}, {at} UTC)"),
        }
    }
}

/// The failure of a window refused as past the cap (USGS's words `said`) that leaves nothing
/// to ask in parts, its end `to` not after its start `from`: an `endtime` alone, 30 days or
/// more before the run, USGS's default `starttime` coming after it; or a `starttime` ahead of a
/// clock behind, USGS's default `endtime` being the run's time.
fn no_window(
    (from, start): (DateTime<Utc>, Written),
    (to, end): (DateTime<Utc>, Written),
    said: &str,
) -> SourceError {
    let advice = match (start, end) {
        (Written::ByDefault, _) => "set `starttime`, before `endtime`",
        (_, Written::ByDefault) => {
            "set `endtime`, after `starttime`, or check this machine's clock (the default `endtime` is its now)"
        }
        _ => "write `starttime` before `endtime`",
    };
    SourceError::Unexpected {
        what: "GET".to_owned(),
        message: format!(
            "{} is not before {}, so the window has no part to ask, and the API refused the query as past its cap on events (HTTP 400: {said}): {advice}; nothing landed",
            start.said("starttime", from, "30 days before the run"),
            end.said("endtime", to, "the run's time"),
        ),
    }
}

/// An instant as a part's `starttime` or `endtime`: UTC, without a zone, to the second, as
/// USGS reads a time (a bound's fraction, `23:59:59.999`, is dropped when it is read).
fn written(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// The failure of a part answered without records where the source's `records` path leads:
/// landed alone it would stand for the whole window, the other parts' events lost.
fn unread_part(
    source: &Source,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    answer: &Answer,
) -> SourceError {
    SourceError::Unexpected {
        what: "GET".to_owned(),
        message: format!(
            "the part {} to {} (UTC) of a window past the API's cap was answered (HTTP {}) without records at `{}`; nothing landed",
            written(from),
            written(to),
            answer.status,
            source.records_path()
        ),
    }
}

/// The failure of a window past the cap asked with an `offset` past the first event (in
/// `params`, or in the source's `url` when `params` set none: theirs is sent in its place):
/// every part would skip its own first events, the run landing short without a word.
fn offset_in_parts(params: &[(String, String)], url: &str) -> Option<SourceError> {
    let in_params: Vec<(&str, String)> = params
        .iter()
        .filter(|(name, _)| name == "offset")
        .map(|(_, offset)| ("params", offset.clone()))
        .collect();
    let sent = match in_params.is_empty() {
        true => in_url(url, "offset")
            .into_iter()
            .map(|offset| ("url", offset))
            .collect(),
        false => in_params,
    };
    let (key, offset) = sent
        .into_iter()
        .find(|(_, offset)| !offset.is_empty() && offset.trim() != "1")?;
    Some(SourceError::Unexpected {
        what: "GET".to_owned(),
        message: format!(
            "`offset` = {} in `{key}` would skip events in each part of a window past the API's cap (asked in parts): remove it, or narrow the window to fewer events than the cap; nothing landed",
            offset.escape_debug()
        ),
    })
}

/// A part's request in words, for its failures (a connection dropped, a 5xx after retries):
/// `GET the part 2026-11-01T12:00:00 to 2026-11-02T00:00:00 (UTC) of a window past the API's
/// cap`.
fn part_request(from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    format!(
        "GET the part {} to {} (UTC) of a window past the API's cap",
        written(from),
        written(to)
    )
}

/// The parameters with `starttime` and `endtime` set to `from` and `to` (added when `params`
/// left them out).
fn with_window(params: &[(String, String)], from: &str, to: &str) -> Vec<(String, String)> {
    let mut window: Vec<(String, String)> = params
        .iter()
        .filter(|(name, _)| name != "starttime" && name != "endtime")
        .cloned()
        .collect();
    window.push(("starttime".to_owned(), from.to_owned()));
    window.push(("endtime".to_owned(), to.to_owned()));
    window
}

/// The answer to `params`, from `get`: as served, unless it is the refusal of a window past
/// the cap: then one answer holding the events of the window's parts, the window being
/// `starttime` to `endtime`, each left out being USGS's default reckoned from `now`. `get`
/// is handed the request in words (`GET`, or the part's window) for its failures to name.
/// With the answer, the parts it was asked in, when it was.
pub(super) async fn answer<F, Fut>(
    source: &Source,
    params: &[(String, String)],
    now: DateTime<Utc>,
    get: F,
) -> Result<(Answer, Option<u64>), SourceError>
where
    F: Fn(String, Vec<(String, String)>) -> Fut,
    Fut: Future<Output = Result<Answer, SourceError>>,
{
    let refused = match get("GET".to_owned(), params.to_vec()).await {
        Err(err) if past_the_cap(&err).is_some() => err,
        served => return served.map(|answer| (answer, None)),
    };
    let said = past_the_cap(&refused).unwrap_or_default().to_owned();
    // A bound left out, or empty (`starttime=`, which USGS skips), is USGS's default; one
    // written in a form USGS does not read was refused for it first; one written in a form read
    // by USGS but not here, one the url writes twice, differently (USGS leaves it undefined),
    // and FDSN's short names fail naming them (the window USGS read is unknown).
    // The default's ends are whole seconds: a clock's nanoseconds are past what USGS documents.
    let now = now.trunc_subsecs(0);
    let bound = |name: &str, default: DateTime<Utc>| {
        if let Some((_, value)) = params.iter().find(|(param, _)| param == name) {
            return match value.is_empty() {
                true => Some(default),
                false => instant(value),
            };
        }
        let written = in_url(&source.url, name);
        if written.iter().all(String::is_empty) {
            return Some(default);
        }
        let mut instants = written.iter().map(|value| instant(value));
        let first = instants.next()?;
        instants
            .all(|other| other == first)
            .then_some(first)
            .flatten()
    };
    let (Some(from), Some(to)) = (
        bound("starttime", now - DEFAULT_SPAN),
        bound("endtime", now),
    ) else {
        let unread = in_url::written_twice(&source.url, params, &refused)
            .or_else(|| bound::unread(&source.url, params, &said));
        return Err(unread.unwrap_or(refused));
    };
    if let Some(short) = bound::short_name(&source.url, params, &said) {
        return Err(short);
    }
    if to <= from {
        let start = Written::of("starttime", params, &source.url);
        let end = Written::of("endtime", params, &source.url);
        return Err(no_window((from, start), (to, end), &said));
    }
    if let Some(offset) = offset_in_parts(params, &source.url) {
        return Err(offset);
    }
    tracing::info!(
        source = %source.name,
        "The API refused the window as past its cap on events: asking for it in parts."
    );
    let mut parts = Parts::new(source);
    // Windows still to ask, the next one last; the whole window was refused already.
    let mut pending = vec![(from, to, Some(refused))];
    while let Some((from, to, refused)) = pending.pop() {
        let answer = match refused {
            Some(err) => Err(err),
            None => {
                let window = with_window(params, &written(from), &written(to));
                get(part_request(from, to), window).await
            }
        };
        match answer {
            Ok(answer) => {
                if let Some(unread) = parts.add(answer) {
                    return Err(unread_part(source, from, to, &unread));
                }
            }
            Err(err) => match past_the_cap(&err) {
                Some(said) if to - from <= SHORTEST => {
                    return Err(still_past_the_cap(from, to, said));
                }
                Some(_) => pending.extend(halves(from, to)),
                None => return Err(err),
            },
        }
    }
    tracing::info!(
        source = %source.name,
        parts = parts.answered,
        "The window's parts were all answered: their events land together."
    );
    let answered = parts.answered as u64;
    Ok((parts.into_answer(), Some(answered)))
}

/// The halves of `from`..`to`, split at a whole second, the first half last (asked next),
/// neither asked yet.
fn halves(from: DateTime<Utc>, to: DateTime<Utc>) -> [Window; 2] {
    let half = TimeDelta::seconds(((to - from).num_seconds() / 2).max(1));
    let middle = from + half;
    [(middle, to, None), (from, middle, None)]
}

/// A window to ask, its start and end, with its refusal when it was asked already.
type Window = (DateTime<Utc>, DateTime<Utc>, Option<SourceError>);

/// The events of the parts answered so far, each key once, written one after another as the
/// landed body holds them: each part's body is dropped once its events are copied, so a window
/// asked in parts is held about once (not its parts' texts and then the body made of them).
struct Parts<'a> {
    source: &'a Source,
    /// The records' texts, in the order served, separated by commas.
    records: Vec<u8>,
    /// The records written so far.
    count: usize,
    /// Where the text of each key served by an earlier part is in `records`.
    at: HashMap<String, Range<usize>>,
    /// The parts answered.
    answered: usize,
    /// The first part's members beside its records (USGS's `type` and `metadata`), when its
    /// records are a member of the top level.
    beside: Option<Beside>,
    /// The box holding the parts' events, when their records are a member of the top level.
    bbox: Bbox,
}

impl<'a> Parts<'a> {
    fn new(source: &'a Source) -> Parts<'a> {
        Parts {
            source,
            records: Vec::new(),
            count: 0,
            at: HashMap::new(),
            answered: 0,
            beside: None,
            bbox: Bbox::NoEvents,
        }
    }

    /// Adds a part's records, an event an earlier part served replaced by this part's copy (a
    /// key one part serves twice is left to the usual key-clash warning); a part whose records
    /// cannot be read is handed back, to fail the run (the records written are then unused).
    fn add(&mut self, answer: Answer) -> Option<Answer> {
        self.answered += 1;
        if answer.status == 204 && answer.body.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        let Ok(text) = std::str::from_utf8(&answer.body) else {
            return Some(answer);
        };
        let text = text.trim_start_matches('\u{feff}');
        let path = self.source.records_path();
        let mut new_keys = HashMap::new();
        let mut span: Option<Range<usize>> = None;
        let located = for_each_record(text, path.segments(), |record| {
            span = within(text, record.get()).map(|at| match &span {
                Some(first) => first.start..at.end,
                None => at,
            });
            let key = serde_json::from_str::<Value>(record.get())
                .ok()
                .and_then(|value| self.source.key.get(&value));
            match key.as_ref().and_then(|key| self.at.get(key)).cloned() {
                Some(earlier) => self.replace(earlier, record.get(), &mut new_keys),
                None => {
                    if self.count > 0 {
                        self.records.push(b',');
                    }
                    let start = self.records.len();
                    self.records.extend_from_slice(record.get().as_bytes());
                    self.count += 1;
                    if let Some(key) = key {
                        new_keys.entry(key).or_insert(start..self.records.len());
                    }
                }
            }
        });
        if !matches!(located, Ok(Located::Records)) {
            return Some(answer);
        }
        if path.segments().len() == 1 {
            let beside = Beside::read(text, span.clone());
            if span.is_some() {
                let served = beside.as_ref().and_then(Beside::bbox);
                self.bbox = std::mem::replace(&mut self.bbox, Bbox::Unknown).with(served);
            }
            if self.beside.is_none() {
                self.beside = beside;
            }
        }
        self.at.extend(new_keys);
        None
    }

    /// Writes `text` in place of an earlier part's copy at `earlier`, the texts after it moved
    /// when their lengths differ (an event on a boundary between parts: few).
    fn replace(
        &mut self,
        earlier: Range<usize>,
        text: &str,
        new_keys: &mut HashMap<String, Range<usize>>,
    ) {
        let (old_len, new_len) = (earlier.len(), text.len());
        self.records
            .splice(earlier.clone(), text.bytes())
            .for_each(drop);
        let moved = |range: &mut Range<usize>| {
            if range.start > earlier.start {
                *range = range.start + new_len - old_len..range.end + new_len - old_len;
            } else if range.start == earlier.start {
                range.end = range.start + new_len;
            }
        };
        self.at.values_mut().for_each(moved);
        new_keys.values_mut().for_each(moved);
    }

    /// One answer holding every part's records at the source's `records` path, written around
    /// the records' texts in place (USGS's `bbox`, the union of the parts', after them).
    fn into_answer(self) -> Answer {
        let path = self.source.records_path();
        let segments = path.segments();
        let mut opening = String::new();
        for (depth, segment) in segments.iter().enumerate() {
            opening.push('{');
            if let (0, Some(beside)) = (depth, &self.beside) {
                opening.push_str(&beside.written(self.count));
            }
            opening.push_str(&Value::String(segment.clone()).to_string());
            opening.push(':');
        }
        opening.push('[');
        let mut body = self.records;
        body.splice(0..0, opening.bytes()).for_each(drop);
        body.push(b']');
        if segments.len() == 1 {
            body.extend_from_slice(self.bbox.written().as_bytes());
        }
        body.extend_from_slice("}".repeat(segments.len()).as_bytes());
        Answer {
            status: 200,
            headers: reqwest::header::HeaderMap::new(),
            body: Bytes::from(body),
        }
    }
}

/// Where `part`, a slice of `text` (a record the parser handed over), is in `text`.
fn within(text: &str, part: &str) -> Option<Range<usize>> {
    let start = (part.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    (start + part.len() <= text.len()).then(|| start..start + part.len())
}

#[cfg(test)]
mod tests;
