//! A `sources.toml` an upgrade's `git pull --autostash` (or a `git stash pop`) left holding a
//! conflict: the user's own edit and the shipped file's change met in the same lines, and git
//! wrote both between its marker lines, exiting 0 all the same. Checked with git 2.47:
//!
//! ```text
//! <<<<<<< Updated upstream
//! every = "2m"
//! =======
//! every = "1m"
//! >>>>>>> Stashed changes
//! ```

use super::tests::{USGS, error};

/// The USGS table with its `every` line in a conflict of the shipped `2m` and the user's `1m`,
/// as git writes it (`diff3` adds the `|||||||` side of the common ancestor).
fn in_conflict(diff3: bool) -> String {
    let ancestor = if diff3 {
        "||||||| Stash base\nevery = \"5m\"\n"
    } else {
        ""
    };
    USGS.replace(
        "every = \"1m\"\n",
        &format!(
            "<<<<<<< Updated upstream\nevery = \"2m\"\n{ancestor}=======\nevery = \"1m\"\n>>>>>>> Stashed changes\n"
        ),
    )
}

/// Before: "sources.toml:6: source `usgs-earthquakes`: key with no value, expected `=`", a
/// TOML fault of a line the user never wrote, which says nothing of git or of the upgrade.
#[test]
fn a_conflict_git_left_in_the_file_is_said_as_one_with_its_lines_and_what_to_do() {
    for diff3 in [false, true] {
        let message = error(&in_conflict(diff3));
        let last = if diff3 { 12 } else { 10 };
        for said in [
            "sources.toml:6:",
            "source `usgs-earthquakes`",
            "conflict git left",
            &format!("lines 6 to {last}"),
            "git restore --staged sources.toml",
            "git stash drop",
        ] {
            assert!(message.contains(said), "{said:?} is not said: {message}");
        }
        assert!(!message.contains("key with no value"), "{message}");
    }
}

/// A conflict across two tables (the user's own source added where the version pulled added
/// one): the second table's refusal names the conflict from its `<<<<<<<` line, which the
/// first table's refusal had blanked out; before, it said the lines from its own fault on.
#[test]
fn a_conflict_across_two_tables_is_said_from_its_first_line_in_both() {
    let theirs = USGS.replace("usgs-earthquakes", "shipped-new");
    let mine = USGS.replace("usgs-earthquakes", "my-river");
    let text =
        format!("{USGS}<<<<<<< Updated upstream\n{theirs}=======\n{mine}>>>>>>> Stashed changes\n");
    let config = super::Config::parse(&text, std::path::Path::new("sources.toml"))
        .expect("the tables outside the conflict are read");
    let said: Vec<String> = config.refused.iter().map(ToString::to_string).collect();
    assert!(!said.is_empty(), "nothing refused");
    for message in &said {
        assert!(message.contains("lines 15 to 45"), "{message}");
    }
}

/// A description written over several lines may hold lines like git's markers (a heading's
/// underline of `=`, a quoted diff): they are the text's, not a conflict, and a fault elsewhere
/// in the table is said as itself.
#[test]
fn marker_lines_inside_a_multi_line_string_are_no_conflict() {
    let quoted = "description = \"\"\"\nA diff:\n<<<<<<< ours\n=======\n>>>>>>> theirs\n\"\"\"\n";
    let text = USGS.replace(
        "description = \"Earthquakes worldwide, past hour\"\n",
        quoted,
    );
    let config = super::tests::parse(&text).expect("the markers are the description's");
    assert!(config.sources[0].description.contains("<<<<<<< ours"));
    let message = error(&format!("{text}colour = \"red\"\n"));
    assert!(message.contains("colour"), "{message}");
    assert!(!message.contains("conflict"), "{message}");
}

/// A conflict in the comments above the first table (the user's own edit of the file's
/// opening comment met the shipped one's): outside any `[[source]]` table, the file is refused
/// whole and every stage stops every source, rightly so for a line that may set what every
/// source reads. The line said what to mend but not that nothing at all was collected until
/// then, nor that a conflict of comments alone needs only its marker lines deleted.
#[test]
fn a_conflict_outside_the_source_tables_says_the_file_is_refused_whole() {
    let head = "<<<<<<< Updated upstream\n# relevé sources, shipped\n=======\n# my sources\n\
                >>>>>>> Stashed changes\n";
    let message = error(&format!("{head}{USGS}"));
    for said in [
        "sources.toml:1:",
        "lines 1 to 5",
        "outside any `[[source]]` table",
        "no source is collected",
        "comments only",
    ] {
        assert!(message.contains(said), "{said:?} is not said: {message}");
    }
    let head = "<<<<<<< Updated upstream\nreport.keep = 90\n=======\nreport.keep = 30\n\
                >>>>>>> Stashed changes\n";
    let message = error(&format!("{head}{USGS}"));
    assert!(message.contains("no source is collected"), "{message}");
    assert!(!message.contains("comments only"), "{message}");
}
