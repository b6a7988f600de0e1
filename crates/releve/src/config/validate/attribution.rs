//! A publisher's wording of the credit it asks for, printed as written in the report's credit
//! line, on every page of its source's section: one line of words, not a paragraph.

use super::{BadValue, bad};

/// The longest `attribution`, in characters: a credit line's wording, which the pages a
/// section runs onto repeat in their top margin.
const MOST_CHARACTERS: usize = 300;

/// Refuses an `attribution` that is blank, holds a line break or a control character, or is
/// longer than [`MOST_CHARACTERS`].
pub(super) fn check_attribution(attribution: Option<&str>) -> Result<(), BadValue> {
    let Some(attribution) = attribution else {
        return Ok(());
    };
    if attribution.trim().is_empty() {
        return Err(bad(
            "attribution",
            "key `attribution` is empty: write the publisher's wording of the credit it asks for, such as `Weather data by Open-Meteo.com`, or leave the key out",
        ));
    }
    if attribution.chars().any(char::is_control) {
        return Err(bad(
            "attribution",
            "key `attribution` holds a line break or a control character: the credit is printed as one line of wording, so write it on one line",
        ));
    }
    let length = attribution.chars().count();
    if length > MOST_CHARACTERS {
        return Err(bad(
            "attribution",
            format!(
                "key `attribution` is {length} characters long: at most {MOST_CHARACTERS}, the wording of a credit line, which every page of the source's section repeats"
            ),
        ));
    }
    Ok(())
}
