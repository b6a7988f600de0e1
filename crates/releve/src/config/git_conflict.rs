//! A conflict git left in the file: an upgrade's `git pull --autostash` (or a `git stash pop`)
//! whose shipped change met the user's own in the same lines writes both sides between its
//! marker lines and exits 0, so the stages are the first to read them. TOML refuses the first
//! marker line as a key with no value, which says nothing of git.

use std::path::Path;

use super::parse::line_of;

/// The marker lines git writes around a conflict: its start, the common ancestor's side (with
/// `merge.conflictStyle = diff3`), the middle and its end, each seven characters long.
const START: &str = "<<<<<<<";
const ANCESTOR: &str = "|||||||";
const MIDDLE: &str = "=======";
const END: &str = ">>>>>>>";
const MARKERS: [&str; 4] = [START, ANCESTOR, MIDDLE, END];

/// Whether `line` is one of git's marker lines: the marker alone, or followed by a blank and
/// the side's name (`<<<<<<< Updated upstream`).
fn is_marker(line: &str, marker: &str) -> bool {
    line.strip_prefix(marker)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r']))
}

/// What to say of the fault toml found at `offset` in `text`, the file at `path`, when its
/// line is one of git's marker lines: the conflict's lines, read in `original` (the file as
/// written, whose `<<<<<<<` line an earlier table's refusal may have blanked out of `text`),
/// and what to do; `None` for any other line.
pub(super) fn around(text: &str, original: &str, path: &Path, offset: usize) -> Option<String> {
    let (first, last) = lines_of(text, original, offset)?;
    Some(format!(
        "a conflict git left unresolved, lines {} to {} (from its `{START}` line to its `{END}` line: a `git pull` or `git stash pop` met a change of yours in the same lines): keep the lines you want of each side and delete git's marker lines; if git said your changes were kept in the stash, then run `git restore --staged {}` (until then git refuses the next `git pull`) and `git stash drop`",
        first + 1,
        last + 1,
        path.display()
    ))
}

/// `message`, the refusal of the whole file for the fault at `offset` in `text` outside any
/// `[[source]]` table, with what that costs when the fault is a conflict's marker line: either
/// side may set what every source reads (`report.timezone = …` written at the top), so the
/// file is refused whole, which the conflict's words alone did not say; a conflict of
/// comments alone changes nothing but needs its markers deleted all the same.
pub(super) fn refusing_the_file(
    text: &str,
    original: &str,
    offset: usize,
    message: String,
) -> String {
    let Some((first, last)) = lines_of(text, original, offset) else {
        return message;
    };
    let lines: Vec<&str> = original.lines().collect();
    let comments_only = lines.get(first..=last).is_some_and(|conflict| {
        conflict.iter().all(|line| {
            let line = line.trim();
            line.is_empty() || line.starts_with('#') || MARKERS.iter().any(|m| is_marker(line, m))
        })
    });
    let mend = match comments_only {
        true => "; both its sides are comments only: deleting its marker lines is enough",
        false => "",
    };
    format!(
        "{message} (this conflict is outside any `[[source]]` table, where a line may set what every source reads, so the whole file is refused: no source is collected, summarised or reported until it is mended{mend})"
    )
}

/// The conflict holding the marker line at `offset` in `text`: its first and last lines
/// (0-based), read in `original`; `None` when that line is no marker.
fn lines_of(text: &str, original: &str, offset: usize) -> Option<(usize, usize)> {
    let at = line_of(text, offset).checked_sub(1)?;
    let faulty = text.lines().nth(at)?;
    if !MARKERS.iter().any(|marker| is_marker(faulty, marker)) {
        return None;
    }
    let lines: Vec<&str> = original.lines().collect();
    let marked = |n: &usize, marker| lines.get(*n).is_some_and(|line| is_marker(line, marker));
    // From its `<<<<<<<` line, where the fault is a later marker of the same conflict.
    let first = (0..=at)
        .rev()
        .take_while(|n| !marked(n, END) || *n == at)
        .find(|n| marked(n, START))
        .unwrap_or(at);
    let last = (at..lines.len()).find(|n| marked(n, END)).unwrap_or(at);
    Some((first, last))
}
