//! An answer that says the call failed, with status 200: an `error` member beside no records,
//! a JSend `"status": "fail"`, a refusal (`"REQUEST_DENIED"`), `"success": false`. Landed, it
//! would read as a selection matching nothing, and the run would be counted a success.

mod counted;

use releve::Source;
use serde_json::Value;

use super::quoted;
use crate::sources::SourceError;

/// What an answer says of its failure, when it says it failed: a top-level `error` or `errors`
/// member that says something (not null, false, 0 or empty), or a member saying the call
/// failed (see [`failed_by`]); followed by the answer's message when the member is a flag or
/// a code (`"error": true, "reason": "API key expired"`, Open-Meteo's shape).
pub(super) fn error_member(body: &Value) -> Option<String> {
    ["error", "errors"]
        .iter()
        .find_map(|name| {
            let said = body.get(*name)?;
            let empty = match said {
                Value::Null | Value::Bool(false) => true,
                // An error code of 0 is many APIs' success.
                Value::Number(code) => code.as_f64() == Some(0.0),
                Value::String(text) => text.trim().is_empty(),
                Value::Array(items) => items.is_empty(),
                Value::Object(members) => members.is_empty(),
                Value::Bool(true) => false,
            };
            (!empty).then_some((*name, said))
        })
        .or_else(|| failed_by(body))
        .map(|(name, value)| failure_words(body, name, value))
}

/// The words of an answer's failure said by its member `name` = `value`, followed by the
/// answer's message when the member is a flag or a code.
fn failure_words(body: &Value, name: &str, value: &Value) -> String {
    // An `error` holding text, a list or an object says its words itself; a flag or a code
    // does not.
    let says_itself = name.starts_with("error")
        && matches!(value, Value::String(_) | Value::Array(_) | Value::Object(_));
    let message = [
        "message",
        "error_message",
        "error_description",
        "detail",
        "description",
        "msg",
        "reason",
        // Beside a flag (Slack's `"ok": false, "error": "invalid_auth"`).
        "error",
    ]
    .iter()
    .filter(|_| !says_itself)
    .filter(|other| **other != name)
    .find_map(|name| match body.get(*name)? {
        text @ Value::String(said) if !said.trim().is_empty() => {
            Some(format!(", `{name}` = {}", quoted(text)))
        }
        _ => None,
    });
    format!(
        "`{name}` = {}{}",
        quoted(value),
        message.unwrap_or_default()
    )
}

/// Fails a run whose answer holds no record where it says the call failed by a member such as
/// `"status": "REQUEST_DENIED"` beside an empty list (`{"results": [], "status":
/// "REQUEST_DENIED", "error_message": "The provided API key is invalid."}` with status 200):
/// landed, it would read as a selection matching nothing. (An `error` member beside an empty
/// list is not taken for a failure: some APIs say "no data" so.)
pub(super) fn refused_without_records(
    source: &Source,
    body: &[u8],
    count: u64,
) -> Result<(), SourceError> {
    if count > 1 || (count == 1 && !source.records_path().is_root()) {
        return Ok(());
    }
    let Ok(answer) = serde_json::from_slice::<Value>(body) else {
        return Ok(());
    };
    if count == 1 {
        return refused_as_the_record(source, &answer);
    }
    match failed_by(&answer) {
        Some((name, value)) => Err(SourceError::Unexpected {
            what: "GET".to_owned(),
            message: format!(
                "the answer holds no records at `records` = `{}`, and says the call failed: {}",
                source.records_path(),
                failure_words(&answer, name, value)
            ),
        }),
        None => Ok(()),
    }
}

/// Fails a run whose answer, taken whole for the one record (`records = ""`), is an object
/// without the record's `key` or `time` that says the call failed (`{"status": "error",
/// "message": "database is locked"}` with status 200): landed, it would be a record without
/// key or time, quarantined by the summariser for its paths, the API's words said nowhere.
fn refused_as_the_record(source: &Source, answer: &Value) -> Result<(), SourceError> {
    let recordless = source.key.get(answer).is_none() || source.time.get(answer).is_none();
    match error_member(answer).filter(|_| answer.is_object() && recordless) {
        Some(said) => Err(SourceError::Unexpected {
            what: "GET".to_owned(),
            message: format!(
                "the answer, taken whole for the one record (`records` = \"\"), lacks the record's `key` or `time` and says the call failed: {said}"
            ),
        }),
        None => Ok(()),
    }
}

/// A top-level member by which an answer says the call failed, other than `error`: a JSend
/// `"status": "fail"` or `"error"` (Flickr's `stat`), a status naming a refusal or a spent
/// quota (`"REQUEST_DENIED"`, `"OVER_QUERY_LIMIT"`), an HTTP status of 400 or more written in
/// the body (as a number or as text), `"success": false` or `"ok": false` (or `"false"`).
fn failed_by(body: &Value) -> Option<(&'static str, &Value)> {
    ["status", "stat", "success", "ok"].iter().find_map(|name| {
        let value = body.get(*name)?;
        let failed = match (*name, value) {
            // A code written as text too (`"status": "400"`), alone or leading a status line
            // (`"429 Too Many Requests"`, `"200 OK"`).
            ("status" | "stat", Value::String(status)) => match status_code(status) {
                Some(code) => (400..600).contains(&code),
                None => says_failure(status),
            },
            ("status" | "stat", Value::Number(code)) => {
                code.as_u64().is_some_and(|c| (400..600).contains(&c))
            }
            ("success" | "ok", Value::Bool(false)) => true,
            ("success" | "ok", Value::String(flag)) => flag.trim().eq_ignore_ascii_case("false"),
            _ => false,
        };
        failed.then_some((*name, value))
    })
}

/// The HTTP status code a status text is, or starts its status line with (before a `:` or
/// `-`): `"404"`, a code of 400 or more followed by a capital (`"429 Too Many Requests"`,
/// nginx's `"413 Request Entity Too Large"`, `"404: Not Found"`), any code followed by its own
/// reason phrase in any case (`"200 OK"`, `"503 service unavailable"`), a code of 400 or more
/// after an `HTTP/1.1` whatever follows it (`"HTTP/1.1 503 maintenance"`). A count is none
/// (`"500 records processed"`, `"150 errors"`), nor a lower code followed by other words
/// (`"200 Error: locked"`, `"HTTP/1.1 200 Error: locked"`): their words tell.
fn status_code(status: &str) -> Option<u16> {
    let mut status = status.trim();
    let status_line = status
        .get(..5)
        .is_some_and(|start| start.eq_ignore_ascii_case("HTTP/"));
    if status_line {
        status = status
            .split_once(char::is_whitespace)
            .map_or("", |(_, rest)| rest.trim_start());
    }
    let digits = status
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(status.len());
    let code = status[..digits].parse::<u16>().ok()?;
    if digits == status.len() {
        return Some(code);
    }
    let rest = status[digits..].trim_start_matches([' ', ':', '-', '–']);
    let separated = !status[digits..].starts_with(char::is_alphanumeric);
    if separated
        && (400..600).contains(&code)
        && (status_line || rest.starts_with(char::is_uppercase))
    {
        return Some(code);
    }
    let reason = reqwest::StatusCode::from_u16(code)
        .ok()?
        .canonical_reason()?;
    (separated
        && rest
            .get(..reason.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(reason)))
    .then_some(code)
}

/// The words of a failure, run together or not, as the start of a word (`unauth` for
/// `unauthorized`, `unauthorised` and `unauthenticated`).
const FAILURES: &[&str] = &[
    "error",
    "fail",
    "denied",
    "invalid",
    // `Unauthorized`, `UNAUTHENTICATED`.
    "unauth",
    "forbidden",
    "expired",
    // A quota spent (`OVER_QUERY_LIMIT`, `quota exceeded`).
    "limit",
    "quota",
    "exceeded",
    "unavailable",
    "timeout",
    "timedout",
    "aborted",
    "offline",
    "outage",
    "unreachable",
    "refused",
    "rejected",
    // `RESOURCE_EXHAUSTED`, `Too many requests`, `Throttled`.
    "exhausted",
    "toomany",
    "throttl",
    // A refusal said with `not` (`Not Found`, `NOT_AUTHORIZED`, `Method not allowed`).
    "notfound",
    "notauthori",
    "notallowed",
    "notpermitted",
    "notacceptable",
    // A success or a service denied (`NOT OK`, `Not authenticated`, `API key not valid`,
    // `Service not available`, `Not Implemented`).
    "notok",
    "notvalid",
    "notauthent",
    "notavailable",
    "notimplemented",
    "notsuccess",
    "notsupported",
    "notenabled",
];

/// Whether `word` is a failure's (`errors`, `failed`, `timeout`).
fn is_failure_word(word: &str) -> bool {
    FAILURES.iter().any(|failure| word.starts_with(failure))
}

/// Whether a status in words says the call failed: it holds a failure's word, run together or
/// not (`REQUEST_DENIED`, `RATELIMITED`, `404Error`, `NO_QUOTA`, `Service Unavailable`), or is
/// one (`KO`), unless it says a success first (`OK - 0 errors`), the word is counted none
/// (`errors: 0`, `0 failures`, `Timeouts: none`) or it is denied (`no_error`, `Error-free`,
/// `failover`, `unlimited`).
fn says_failure(status: &str) -> bool {
    const ONE_WORD: &[&str] = &["ko", "nok", "err", "down"];
    const SUCCESS_FIRST: &[&str] = &["ok", "success", "succeeded", "completed", "done"];
    let (words, separators) = words_of(status);
    // A success said first, not as a label counted (`Succeeded 0 Failed 12`, `OK: 0, Failed:
    // 3`) nor with what went wrong (`Completed with errors`).
    if words
        .first()
        .is_some_and(|first| SUCCESS_FIRST.contains(&first.as_str()))
        && !words
            .get(1)
            .is_some_and(|second| counted::is_count(second) || second == "with")
    {
        return false;
    }
    // Run together, lower case (`no_error` and `NoError` read alike), without the words
    // counted none and their counts (`errors: 0`, `0 failures`, `Timeouts: none`).
    let left_out = counted::counted_none(&words, &separators);
    let joined: String = words
        .iter()
        .zip(&left_out)
        .filter(|(_, out)| !**out)
        .map(|(word, _)| word.as_str())
        .collect();
    if ONE_WORD.contains(&joined.as_str()) {
        return true;
    }
    // Where each word kept starts in `joined`.
    let starts: Vec<usize> = words
        .iter()
        .zip(&left_out)
        .filter(|(_, out)| !**out)
        .scan(0, |at, (word, _)| {
            let start = *at;
            *at += word.len();
            Some(start)
        })
        .collect();
    FAILURES.iter().any(|word| {
        joined.match_indices(word).any(|(at, _)| {
            let negated = negated_at(&joined, &starts, at);
            !denied(word, negated, &joined[..at], &joined[at + word.len()..])
        })
    })
}

/// Whether what `joined` holds at `at` is said not to be: after a word of its own saying no
/// (`Not expired`, `no_error`, `without errors`), or glued to one (`NoError`), never after a
/// name ending so (`Avignon offline`, `Milano: unavailable`). `starts` are where its words
/// start.
fn negated_at(joined: &str, starts: &[usize], at: usize) -> bool {
    const NO: &[&str] = &["no", "non", "not", "zero", "without"];
    let word_start = starts
        .partition_point(|start| *start <= at)
        .saturating_sub(1);
    let Some(&start) = starts.get(word_start) else {
        return false;
    };
    let before = if start < at {
        // Within its word: the part before it.
        &joined[start..at]
    } else {
        // The word before it.
        match word_start
            .checked_sub(1)
            .and_then(|before| starts.get(before))
        {
            Some(&before) => &joined[before..start],
            None => return false,
        }
    };
    NO.contains(&before)
}

/// The words of a status, lower case, each with the text before it (its separator: `": "`,
/// `", "`, `"."`, or none for the first word at the start).
fn words_of(status: &str) -> (Vec<String>, Vec<String>) {
    let (mut words, mut separators) = (Vec::new(), Vec::new());
    let (mut word, mut separator) = (String::new(), String::new());
    for c in status.chars() {
        if c.is_alphanumeric() {
            if word.is_empty() {
                separators.push(std::mem::take(&mut separator));
            }
            word.extend(c.to_lowercase());
        } else {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            separator.push(c);
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    (words, separators)
}

/// Whether a failure's `word`, between `before` and `after` in a status run together, is denied
/// (`negated`: said not to have happened, `no_error`, `Not expired`) or is part of another
/// word: `ERROR_NONE`, `Error-free`, `Errorless`, `failover`, `unlimited`, `invalidated` (a
/// count of none is read before, see [`counted`]).
fn denied(word: &str, negated: bool, before: &str, after: &str) -> bool {
    let none_before = negated;
    let after_is = |ends: &[&str]| ends.iter().any(|end| after.starts_with(end));
    let not_reached = || after_is(&["notexceeded", "notexhausted", "notreached", "notspent"]);
    match word {
        // `NO_QUOTA`: none left.
        "quota" => not_reached(),
        // `unlimited`, not `Daily run limit reached`.
        "limit" => none_before || (before.ends_with("un") && after_is(&["ed"])) || not_reached(),
        "error" => none_before || after == "none" || after_is(&["free", "less"]),
        "fail" => none_before || after_is(&["over", "safe", "2ban"]),
        "invalid" => none_before || after_is(&["ate"]),
        _ => none_before,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_answer_saying_its_failure_otherwise_than_by_error_is_heard() {
        let said = |body: Value| error_member(&body);
        assert_eq!(
            said(json!({"status": "fail", "data": null, "message": "Invalid API key"})).as_deref(),
            Some("`status` = \"fail\", `message` = \"Invalid API key\"")
        );
        assert_eq!(
            said(json!({"status": "REQUEST_DENIED", "error_message": "The key is expired.", "results": []})).as_deref(),
            Some("`status` = \"REQUEST_DENIED\", `error_message` = \"The key is expired.\"")
        );
        assert_eq!(
            said(json!({"status": 401, "detail": "  "})).as_deref(),
            Some("`status` = 401")
        );
        assert_eq!(
            said(json!({"success": false, "msg": "quota"})).as_deref(),
            Some("`success` = false, `msg` = \"quota\"")
        );
        assert_eq!(
            said(json!({"error": null, "ok": false})).as_deref(),
            Some("`ok` = false")
        );
        for refused in [
            json!({"results": [], "status": "OVER_QUERY_LIMIT", "error_message": "quota"}),
            json!({"results": [], "status": "400"}),
            json!({"results": [], "stat": 404}),
            json!({"success": "false"}),
            json!({"stat": "fail", "message": "Invalid API Key"}),
            json!({"results": [], "status": "quotaExceeded"}),
            json!({"results": [], "status": "RATE_LIMITED"}),
            json!({"results": [], "status": "Unauthorized"}),
            json!({"results": [], "status": "HTTPError"}),
            json!({"results": [], "status": "RATELIMITED"}),
            json!({"results": [], "status": "TOKENEXPIRED"}),
            json!({"results": [], "status": "ratelimit"}),
            json!({"results": [], "status": "404Error"}),
            json!({"results": [], "status": "NO_QUOTA"}),
            json!({"results": [], "status": "Service Unavailable"}),
            json!({"results": [], "status": "offline"}),
            json!({"results": [], "status": "timeout"}),
            json!({"results": [], "status": "KO"}),
            json!({"results": [], "status": "ERR"}),
            json!({"results": [], "status": "500 error"}),
            json!({"results": [], "status": "ERROR_OVER_CAPACITY"}),
            json!({"results": [], "status": "error: overloaded"}),
            json!({"results": [], "status": "timeout 0.5 s"}),
            json!({"results": [], "status": "429 Too Many Requests"}),
            json!({"results": [], "status": "404 Not Found"}),
            json!({"results": [], "status": "502 Bad Gateway"}),
            json!({"results": [], "status": "error 0x80070005"}),
            json!({"results": [], "status": "3 errors"}),
            json!({"results": [], "status": "150 errors"}),
            json!({"results": [], "status": "250 records failed"}),
            json!({"results": [], "status": "200 Error: database is locked"}),
            json!({"results": [], "status": "503 service unavailable"}),
            json!({"results": [], "status": "413 Request Entity Too Large"}),
            json!({"results": [], "status": "404 Page Not Found"}),
            json!({"results": [], "status": "521 Web Server Is Down"}),
            json!({"results": [], "status": "404: Not Found"}),
            json!({"results": [], "status": "404 - Not Found"}),
            json!({"results": [], "status": "HTTP/1.1 404 Not Found"}),
            json!({"results": [], "status": "429: Too Many Requests"}),
            json!({"results": [], "status": "404Error"}),
            json!({"results": [], "status": "HTTP/1.1 503 maintenance"}),
            json!({"results": [], "status": "HTTP/1.1 200 Error: database is locked"}),
            json!({"results": [], "status": "timeout: 0, errors: 3"}),
            json!({"results": [], "status": "failed: 0, errors: 3"}),
            json!({"results": [], "status": "errors: 0, failed: 12"}),
            json!({"results": [], "status": "warnings: 0, errors: 3"}),
            json!({"results": [], "status": "warnings 0 errors 3"}),
            json!({"results": [], "status": "errors 0 failures 3"}),
            json!({"results": [], "status": "Request failed: none of the upstream servers answered"}),
            json!({"results": [], "status": "Access denied: none of the given API keys is valid"}),
            json!({"results": [], "status": "Timeout: none of the backends answered in time"}),
            json!({"results": [], "status": "Remaining quota: none"}),
            json!({"results": [], "status": "Error: none of the upstream servers answered"}),
            json!({"results": [], "status": "Error: none of the stations responded"}),
            json!({"results": [], "status": "Succeeded 0 Failed 12"}),
            json!({"results": [], "status": "OK: 0, Failed: 3"}),
            json!({"results": [], "status": "Completed 0 Failed 5"}),
            json!({"results": [], "status": "Failed at 00:00"}),
            json!({"results": [], "status": "Job failed at 00:05"}),
            json!({"results": [], "status": "Error #0: database locked"}),
            json!({"results": [], "status": "worker-0 failed"}),
            json!({"results": [], "status": "Imported 0 Failed 3"}),
            json!({"results": [], "status": "Passed 10 Skipped 0 Failed 3"}),
            json!({"results": [], "status": "Imported 10 Updated 0 Failed 3"}),
            json!({"results": [], "status": "Synced 0 Failed 12"}),
            json!({"results": [], "status": "Processed 0 Failed 3"}),
            json!({"results": [], "status": "Total 5 Succeeded 0 Failed 5"}),
            json!({"results": [], "status": "Jobs completed 0 failed 5"}),
            json!({"results": [], "status": "Running 0 Failed 2"}),
            json!({"results": [], "status": "passing 0 failing 3"}),
            json!({"results": [], "status": "Warning 0 Errors 2"}),
            json!({"results": [], "status": "Info 0 Warning 0 Error 2"}),
            json!({"results": [], "status": "Updated 0 Errors 2"}),
            json!({"results": [], "status": "Import failed: none imported"}),
            json!({"results": [], "status": "Sync failed: none succeeded"}),
            json!({"results": [], "status": "Failed: none could be imported"}),
            json!({"results": [], "status": "Timeout: none responded"}),
            json!({"results": [], "status": "Warnings: 0 Errors: 3"}),
            json!({"results": [], "status": "Passed: 10 Skipped: 0 Failed: 3"}),
            json!({"results": [], "status": "Total: 5 Succeeded: 0 Failed: 5"}),
            json!({"results": [], "status": "Warnings: 0 Failed: 3"}),
            json!({"results": [], "status": "Error: none responded"}),
            json!({"results": [], "status": "Error: none were reachable"}),
            json!({"results": [], "status": "Error: none could be reached"}),
            json!({"results": [], "status": "Import failed: 0 records imported"}),
            json!({"results": [], "status": "error 0.5"}),
            json!({"results": [], "status": "RESOURCE_EXHAUSTED"}),
            json!({"results": [], "status": "Not Found"}),
            json!({"results": [], "status": "NOT_AUTHORIZED"}),
            json!({"results": [], "status": "Method not allowed"}),
            json!({"results": [], "status": "Not permitted"}),
            json!({"results": [], "status": "Not Acceptable"}),
            json!({"results": [], "status": "UNAUTHENTICATED"}),
            json!({"results": [], "status": "Too many requests"}),
            json!({"results": [], "status": "Partial outage"}),
            json!({"results": [], "status": "Connection refused"}),
            json!({"results": [], "status": "Request rejected"}),
            json!({"results": [], "status": "Throttled"}),
            json!({"results": [], "status": "Host unreachable"}),
            json!({"results": [], "status": "Completed with errors"}),
            json!({"results": [], "status": "Not found: error"}),
            json!({"results": [], "status": "0 retries before the request failed"}),
            json!({"results": [], "status": "0 of 3 requests succeeded, 3 failed"}),
            json!({"results": [], "status": "Errors: none of the retries worked"}),
            json!({"results": [], "status": "Job 0 failed"}),
            json!({"results": [], "status": "Node 0 offline"}),
            json!({"results": [], "status": "Error at line 0"}),
            json!({"results": [], "status": "worker 0 timed out"}),
            json!({"results": [], "status": "Errors 3 Status ok"}),
            json!({"results": [], "status": "Uptime 24h Errors: 3"}),
            json!({"results": [], "status": "Errors in last 24 hours: 2"}),
            json!({"results": [], "status": "Failed 3 Errors: 0"}),
            json!({"results": [], "status": "Done with 3 failures"}),
            json!({"results": [], "status": "Error: no such file"}),
            json!({"results": [], "status": "Error: false positive rejected, retry"}),
        ] {
            assert!(failed_by(&refused).is_some(), "{refused}");
        }
        let slack = json!({"ok": false, "error": "invalid_auth"});
        let (name, value) = failed_by(&slack).expect("a flag");
        assert_eq!(
            failure_words(&slack, name, value),
            "`ok` = false, `error` = \"invalid_auth\"",
            "the words beside a flag"
        );
        for fine in [
            json!({"status": "OK", "data": null, "message": "no results"}),
            json!({"status": "ZERO_RESULTS", "results": []}),
            json!({"status": 200, "success": true, "ok": true}),
            json!({"status": {"code": "error"}}),
            json!({"results": [], "status": "unlimited"}),
            json!({"results": [], "status": "no_error"}),
            json!({"results": [], "status": "NoError"}),
            json!({"results": [], "status": "ERROR_NONE"}),
            json!({"results": [], "status": "no limit"}),
            json!({"results": [], "status": "OK - 0 errors"}),
            json!({"results": [], "status": "errors: 0"}),
            json!({"results": [], "status": "error_count=0"}),
            json!({"results": [], "status": "completed without errors"}),
            json!({"results": [], "status": "zero errors"}),
            json!({"results": [], "status": "Error-free"}),
            json!({"results": [], "status": "Errorless"}),
            json!({"results": [], "status": "failover"}),
            json!({"results": [], "status": "invalidated cache rebuilt"}),
            json!({"results": [], "status": "ok (within rate limits)"}),
            json!({"results": [], "status": "ZeroErrors"}),
            json!({"results": [], "status": "no timeout"}),
            json!({"results": [], "status": "offline: 0"}),
            json!({"results": [], "status": "0 timeouts"}),
            json!({"results": [], "status": "fail_count=0"}),
            json!({"results": [], "status": "error: 0"}),
            json!({"results": [], "status": "failed: 0"}),
            json!({"results": [], "status": "timeout: 0"}),
            json!({"results": [], "status": "200 OK"}),
            json!({"results": [], "status": "204 No Content"}),
            json!({"results": [], "status": "500 records processed"}),
            json!({"results": [], "status": "450 requests remaining"}),
            json!({"results": [], "status": "500.1"}),
            json!({"results": [], "status": "HTTP/1.1 200 OK"}),
            json!({"results": [], "status": "HTTP/2 200"}),
            json!({"results": [], "status": "error: 0, 2 warnings"}),
            json!({"results": [], "status": "error: 0 (3 warnings)"}),
            json!({"results": [], "status": "timeout: 0, retries: 2"}),
            json!({"results": [], "status": "processed 10 items with 0 errors"}),
            json!({"results": [], "status": "Import finished, 0 errors"}),
            json!({"results": [], "status": "error 0"}),
            json!({"results": [], "status": "Import finished: 0 errors"}),
            json!({"results": [], "status": "Sync complete: 0 failures"}),
            json!({"results": [], "status": "Finished: 0 errors, 0 warnings"}),
            json!({"results": [], "status": "failed 0 errors 0"}),
            json!({"results": [], "status": "Timeout 0 Errors 0"}),
            json!({"results": [], "status": "Errors: none"}),
            json!({"results": [], "status": "errors=none"}),
            json!({"results": [], "status": "Failures: none"}),
            json!({"results": [], "status": "0 errors, 12 warnings"}),
            json!({"results": [], "status": "Import finished with 0 errors, 12 warnings"}),
            json!({"results": [], "status": "0 errors 3 warnings"}),
            json!({"results": [], "status": "0 failures, 5 skipped"}),
            json!({"results": [], "status": "0 invalid, 0 failed"}),
            json!({"results": [], "status": "0 errors 0 failures"}),
            json!({"results": [], "status": "Errors: none, warnings: 2"}),
            json!({"results": [], "status": "Error: none found"}),
            json!({"results": [], "status": "Errors: none Warnings: 2"}),
            json!({"results": [], "status": "errors=none warnings=2"}),
            json!({"results": [], "status": "Errors: none found"}),
            json!({"results": [], "status": "Failures: none found"}),
            json!({"results": [], "status": "Timeouts: none"}),
            json!({"results": [], "status": "Processed: 10, Failed: none"}),
            json!({"results": [], "status": "Valid: 10, Invalid: none"}),
            json!({"results": [], "status": "Import finished with 0 errors 12 warnings"}),
            json!({"results": [], "status": "Job finished 0 errors 3 warnings"}),
            json!({"results": [], "status": "Processed 10 items with 0 errors 2 warnings"}),
            json!({"results": [], "status": "10 imported 0 errors 2 warnings"}),
            json!({"results": [], "status": "errors: none warnings: 3"}),
            json!({"results": [], "status": "Errors: None detected"}),
            json!({"results": [], "status": "Errors: none reported"}),
            json!({"results": [], "status": "validation passed with 0 errors 4 warnings"}),
            json!({"results": [], "status": "Errors: 0 of 120"}),
            json!({"results": [], "status": "Failed: 0 out of 120"}),
            json!({"results": [], "status": "Errors: 0 in 24h"}),
            json!({"results": [], "status": "Failed: 0 today"}),
            json!({"results": [], "status": "Errors: 0 total"}),
            json!({"results": [], "status": "Timeouts: 0 in last hour"}),
            json!({"results": [], "status": "Failures: 0 since 2026-12-05T10:00:00Z"}),
            json!({"results": [], "status": "Error(s): 0"}),
            json!({"results": [], "status": "Errors (0)"}),
            json!({"results": [], "status": "Errors [0/120]"}),
            json!({"results": [], "status": "None failed"}),
            json!({"results": [], "status": "Sync finished: none failed"}),
            json!({"results": [], "status": "Error rate: 0.0%"}),
            json!({"results": [], "status": "0 errors at 10:00"}),
            json!({"results": [], "status": "Import finished with 0 errors on 2026-12-05"}),
            json!({"results": [], "status": "0 errors since v1.0.0"}),
            json!({"results": [], "status": "0 errors since build 42"}),
            json!({"results": [], "status": "Total 120 Errors 0 Duration 12s"}),
            json!({"results": [], "status": "Imported 120 Failed 0 Time 3s"}),
            json!({"results": [], "status": "Errors none"}),
            json!({"results": [], "status": "errors none warnings 2"}),
            json!({"results": [], "status": "Failures none"}),
            json!({"results": [], "status": "Failed records: 0"}),
            json!({"results": [], "status": "Failed items: none"}),
            json!({"results": [], "status": "failed_records=0"}),
            json!({"results": [], "status": "Errors found: none"}),
            json!({"results": [], "status": "Errors encountered: 0"}),
            json!({"results": [], "status": "Error count: none"}),
            json!({"results": [], "status": "Failure count: 0"}),
            json!({"results": [], "status": "Invalid records: 0"}),
            json!({"results": [], "status": "Timed out: 0"}),
            json!({"results": [], "status": "Processed 120 records 0 errors 3 warnings"}),
            json!({"results": [], "status": "Synced 120 items 0 errors 2 warnings"}),
            json!({"results": [], "status": "finished in 5 minutes 0 errors 2 warnings"}),
            json!({"results": [], "status": "Stations: 0 offline 12 online"}),
            json!({"results": [], "status": "0 errors and 0 warnings"}),
            json!({"results": [], "status": "Error 0 of 5"}),
            json!({"results": [], "status": "ERROR_NONE"}),
            json!({"results": [], "status": "No outage"}),
            json!({"results": [], "status": "Outages: none"}),
            json!({"results": [], "status": "Rejected: 0"}),
            json!({"results": [], "status": "0 throttled"}),
            json!({"results": [], "status": "Refused: none"}),
            json!({"results": [], "status": "Not throttled"}),
            json!({"results": [], "status": "Not failed"}),
            json!({"results": [], "status": "Error: null"}),
            json!({"results": [], "status": "Errors 0 Status ok"}),
            json!({"results": [], "status": "Failures 0 Mode nightly"}),
            json!({"results": [], "status": "Jobs 0 failed"}),
            json!({"results": [], "status": "Errors in last 24 hours: 0"}),
            json!({"results": [], "status": "Errors (24h): 0"}),
            json!({"results": [], "status": "Failures over 7 days: none"}),
            json!({"results": [], "status": "Uptime 24h Errors: 0"}),
            json!({"results": [], "status": "Errors: no"}),
            json!({"results": [], "status": "errors: false, warnings: 2"}),
            json!({"results": [], "status": "error=nil"}),
            json!({"results": [], "status": "Completed with 0 errors"}),
            json!({"results": [], "status": "OK with warnings"}),
            json!([{"status": "error"}]),
        ] {
            assert_eq!(said(fine.clone()), None, "{fine}");
        }
    }

    /// `none` qualified as `0` is (`Failed: 0 today`, `Errors: 0 in 24h`, `Failures: 0 since
    /// …` land): a status counting no failure so far says nothing failed, whatever word
    /// follows its `none`.
    #[test]
    fn a_none_with_a_qualifier_after_it_counts_its_label_as_a_0_does() {
        for fine in [
            "Failed: none today",
            "Errors: none in 24h",
            "Failures: none since 2026-12-05T10:00:00Z",
            "Errors: none yet",
            "Timeouts: none in last hour",
        ] {
            let zero = fine.replace("none", "0");
            assert_eq!(
                error_member(&json!({"results": [], "status": zero})),
                None,
                "{zero} lands"
            );
            assert_eq!(
                error_member(&json!({"results": [], "status": fine})),
                None,
                "{fine} says no failure, as {zero} does"
            );
        }
    }

    /// A 0 counting what failed (`0 requests failed`, `0 stations offline`) says none did, as
    /// `None failed` and `0 invalid, 0 failed` do.
    #[test]
    fn a_count_of_0_things_that_failed_lands() {
        for fine in [
            "0 requests failed",
            "0 stations unavailable",
            "0 sensors offline",
            "0 of 3 requests failed",
        ] {
            assert_eq!(
                error_member(&json!({"results": [], "status": fine})),
                None,
                "{fine}"
            );
        }
    }

    /// Any failure's word after `not` is denied (`Not expired`, `Not limited`), and a status
    /// saying a quota or a limit is fine (`Rate limit: OK`) lands: else a quiet hour of such an
    /// API reads as a failing source (found by the review of stop 54).
    #[test]
    fn a_status_denying_or_clearing_any_failure_s_word_lands() {
        for fine in [
            "Not expired",
            "Token not expired",
            "Not limited",
            "Rate limit: OK",
            "Quota: OK",
            "Quota not exceeded",
            "Quota not exhausted",
            "Limit not reached",
            "Not forbidden",
            "Throttling: off",
            "Not found: 0",
            "0 not found",
        ] {
            assert_eq!(
                error_member(&json!({"results": [], "status": fine})),
                None,
                "{fine}"
            );
        }
    }

    /// A label said fine (`: OK`, `: off`) is that word only, never what went wrong before it
    /// (found by the review of stop 55).
    #[test]
    fn a_failure_said_before_a_label_said_fine_still_fails() {
        for refused in [
            "API key expired (auto-renew: off)",
            "Quota exceeded (overage: off)",
            "Rate limit exceeded - burst: off",
            "Invalid API key - rate limit: OK",
            "Token expired (refresh: OK)",
        ] {
            assert!(
                error_member(&json!({"results": [], "status": refused})).is_some(),
                "{refused}"
            );
        }
    }

    /// A failure's word is denied by a word of its own saying no, not by a name ending so
    /// (found by the review of stop 55).
    #[test]
    fn a_name_ending_in_no_or_non_does_not_deny_the_failure_after_it() {
        for refused in [
            "Station Avignon offline",
            "Sensor Milano: unavailable",
            "Torino unreachable",
        ] {
            assert!(
                error_member(&json!({"results": [], "status": refused})).is_some(),
                "{refused}"
            );
        }
    }
}
