//! What a `status` member's text says: the HTTP status code it is or leads with, or a
//! failure said in words (`REQUEST_DENIED`, `Service Unavailable`), unless a word of its own
//! denies it or counts it none (`no_error`, `errors: 0`).

mod counted;

/// The HTTP status code a status text is, or starts its status line with (before a `:` or
/// `-`): `"404"`, a code of 400 or more followed by a capital (`"429 Too Many Requests"`,
/// nginx's `"413 Request Entity Too Large"`, `"404: Not Found"`), any code followed by its own
/// reason phrase in any case (`"200 OK"`, `"503 service unavailable"`), a code of 400 or more
/// after an `HTTP/1.1` whatever follows it (`"HTTP/1.1 503 maintenance"`). A count is none
/// (`"500 records processed"`, `"150 errors"`), nor a lower code followed by other words
/// (`"200 Error: locked"`, `"HTTP/1.1 200 Error: locked"`): their words tell.
pub(super) fn status_code(status: &str) -> Option<u16> {
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
pub(super) fn says_failure(status: &str) -> bool {
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

    use super::super::error_member;

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
