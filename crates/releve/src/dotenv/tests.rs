//! Unit tests of loading `.env`.

use super::*;

/// A name left without `=` and its value, a comment after it, as a line is often
/// filled in later: dotenvy quotes it without its comment, and the line is still named.
#[test]
fn a_name_without_a_value_before_a_comment_is_found_by_number() {
    let content = "A=1\nFRANCE_TRAVAIL_CLIENT_ID   # from the portal\nB=2\n";
    let Some(Err(dotenvy::Error::LineParse(text, _))) =
        dotenvy::from_read_iter(content.as_bytes()).find(Result::is_err)
    else {
        panic!("dotenvy refuses a name without a value");
    };
    assert_eq!(line_of(content, &text), 2, "dotenvy said {text:?}");
}

#[test]
fn a_bad_line_is_found_by_number() {
    assert_eq!(line_of("# c\nMY KEY=1\nA=2\n", "MY KEY=1"), 2);
    let content = "A=1\nSECRET=ZZ SECRET\nB=2\n";
    let Some(Err(dotenvy::Error::LineParse(value, _))) =
        dotenvy::from_read_iter(content.as_bytes()).find(Result::is_err)
    else {
        panic!("dotenvy refuses an unquoted space");
    };
    assert_eq!(
        line_of(content, &value),
        2,
        "found from the bad value alone"
    );
    let commented = "# e.g. SECRET=ZZ SECRET\nSECRET=ZZ SECRET\n";
    assert_eq!(line_of(commented, "ZZ SECRET"), 2, "never the comment");
    assert_eq!(line_of(commented, "absent"), 0);
    assert_eq!(
        line_of("A=\"x y\"\nB=x y\n", "x y"),
        2,
        "the line dotenv refuses, not a quoted one"
    );
    let message = DotenvError::Line {
        file: ".env".into(),
        line: 2,
    }
    .to_string();
    assert!(
        message.starts_with(".env:2: not a `NAME=value` line"),
        "{message}"
    );
    assert!(!message.contains("MY KEY"), "the line is never echoed");
    let unplaced = DotenvError::Line {
        file: ".env".into(),
        line: 0,
    }
    .to_string();
    assert!(
        unplaced.starts_with(".env: not a `NAME=value` line"),
        "no line 0: {unplaced}"
    );
    assert!(
        unplaced.contains("values holding `\\`, in single quotes"),
        "{unplaced}"
    );
}

/// A practical course on one shared Linux server: each student's home is made by
/// `useradd -m` (mode 0755 under Debian's `UMASK 022`), and the student writes `.env` with
/// an editor, as the README's Credentials section says, holding the MongoDB URI with the
/// password of the student's own MongoDB user (the README prefers it to `--mongodb-uri`
/// "on a shared machine, where every user can read a command line"). The file is created
/// `-rw-r--r--`: every classmate can `cat ~alice/releve/.env`, log in as Alice and write
/// into, or read, her graded database. Nothing says so. Expected: a `.env` that users other
/// than its owner can read is named in a warning saying to `chmod 600` it.
#[test]
fn a_dotenv_other_users_can_read_is_said() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("mode");
    };
    // A home every user can enter, as Debian's `useradd -m` makes it.
    mode(dir.path(), 0o755);
    let path = dir.path().join(".env");
    let warned = |content: &str| {
        std::fs::write(&path, content).expect(".env written");
        mode(&path, 0o644);
        load_from(&path, ".env")
            .expect(".env read")
            .into_iter()
            .any(|warning| warning.contains(".env") && warning.contains("chmod 600 .env"))
    };
    assert!(
        warned("RELEVE_TEST_SHARED_SERVER_PASSWORD='s3cret'\n"),
        "a .env readable by every user of the machine is said"
    );
    assert!(
        warned("RELEVE_TEST_SHARED_SERVER_URI='mongodb://alice:s3cret@db.example.org/alice_db'\n"),
        "a URI holding a password too"
    );
    assert!(
        !warned("RELEVE_TEST_SHARED_SERVER_LOG=debug\n"),
        "a .env holding no credential is not"
    );
    // A home others cannot enter keeps it.
    mode(dir.path(), 0o700);
    assert!(!warned("RELEVE_TEST_SHARED_SERVER_PASSWORD='s3cret'\n"));
}

/// A university server whose students share one primary group (`users`, as `useradd`
/// gives where `USERGROUPS_ENAB` is off, or `students` from the directory) and a umask of
/// 027: the student's `.env`, holding her MongoDB password, is `-rw-r-----` in a home every
/// user can enter. Every classmate, a member of that group, can read it; the warning given
/// for a file every user can read is not given. Expected: the same warning, naming the
/// group; none when the group is the owner's own (Debian's user private group). Needs
/// root, to give the file the `users` group (gid 100).
#[test]
fn a_dotenv_a_shared_group_can_read_is_said() {
    use std::os::unix::fs::PermissionsExt;
    assert!(
        rustix::process::geteuid().is_root(),
        "this test needs root: it gives the file the group `users`"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
        .expect("a home every user can enter");
    let path = dir.path().join(".env");
    std::fs::write(&path, "RELEVE_TEST_SHARED_GROUP_PASSWORD='s3cret'\n").expect(".env");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("mode");
    let warnings = |group: u32| {
        std::os::unix::fs::chown(&path, None, Some(group)).expect("chgrp");
        load_from(&path, ".env").expect(".env read")
    };
    let said = warnings(100);
    assert!(
        said.iter().any(|warning| warning.contains("group `users`")
            && warning.contains("chmod 600 .env")
            && !warning.contains("s3cret")),
        "{said:?}"
    );
    assert!(
        warnings(0).is_empty(),
        "root's own group: {:?}",
        warnings(0)
    );
}

/// A student's checkout in `~/Mes données/l'année 2026 (M1)/relevé & co`, its `.env`
/// readable by all, run with `--config` from elsewhere: the warning's command, pasted into
/// a shell, must make that very file `chmod 600` (an apostrophe within single quotes ended
/// them: the shell waited for a closing quote).
#[test]
fn the_chmod_said_for_a_dotenv_in_a_folder_named_with_an_apostrophe_runs_as_given() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().expect("temp dir");
    let checkout = home.path().join("l'année 2026 (M1)/relevé & co");
    std::fs::create_dir_all(&checkout).expect("checkout");
    let path = checkout.join(".env");
    std::fs::write(&path, "RELEVE_TEST_APOSTROPHE_PASSWORD='s3cret'\n").expect(".env");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("mode");
    let shown = path.to_string_lossy().into_owned();
    let warnings = load_from(&path, &shown).expect(".env read");
    let said = warnings
        .iter()
        .find_map(|warning| warning.split_once("run `chmod 600 "))
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(file, _)| format!("chmod 600 {file}"))
        .unwrap_or_else(|| panic!("a chmod said: {warnings:?}"));
    let ran = std::process::Command::new("sh")
        .args(["-c", &said])
        .current_dir(home.path())
        .status()
        .expect("sh runs");
    assert!(ran.success(), "`{said}` failed");
    let mode = std::fs::metadata(&path).expect(".env").permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "`{said}` left the file's mode");
}

#[test]
fn a_variable_set_twice_is_named_once_without_its_values() {
    let content = "SECRET=old\nA=1\nexport SECRET=new\nA=2\nB=3\n";
    assert_eq!(repeated_names(&variables(content)), ["A", "SECRET"]);
    assert!(repeated_names(&variables("A=1\nB=2\n")).is_empty());
}

#[test]
fn dotenv_keeps_the_dollars_the_rule_lets_through() {
    for (text, value) in [
        ("SECRET='ab$cd'", "ab$cd"),
        ("SECRET=ab'$cd'", "ab$cd"),
        ("SECRET=\"ab\\$cd\"", "ab$cd"),
        ("SECRET='line1\nab$cd'", "line1\nab$cd"),
    ] {
        assert_eq!(dollar_line(text), None, "{text}");
        let (_, read) = dotenvy::from_read_iter(text.as_bytes())
            .next()
            .expect("a line")
            .expect("a valid line");
        assert_eq!(read, value, "{text}");
    }
}

#[test]
fn a_dollar_dotenv_would_substitute_is_found_by_number() {
    assert_eq!(dollar_line("A=1\nSECRET=ab$cd\n"), Some(2));
    assert_eq!(dollar_line("SECRET=\"ab${CD}\"\n"), Some(1));
    assert_eq!(dollar_line("export SECRET=$X\n"), Some(1));
    assert_eq!(dollar_line("URI='mongodb://h:'$PORT\n"), Some(1));
    assert_eq!(
        dollar_line("X=zz\nURI=mongodb://h/ab\u{a0}$X\n"),
        Some(2),
        "a no-break space does not end a value"
    );
    assert_eq!(
        dollar_line("URI='mongodb://h/a\\'\n#$X'\n"),
        Some(1),
        "an escaped quote joins the next line, where the `$` is unquoted"
    );
    assert_eq!(
        dollar_line("A=1\nSECRET=\"line1\nab$cd x\"\n"),
        Some(2),
        "a double-quoted value over two lines"
    );
    for kept in [
        "SECRET='ab$cd'",
        "SECRET=ab'$cd'",
        "SECRET=\"ab\\$cd\"",
        "SECRET=abcd # costs $5",
        "API_KEY=\"abc\" # rotated, costs $5/month",
        "SECRET='line1\nab$cd'\nB=2",
        "# SECRET=$X",
        "\u{feff}# URI=mongodb://u:pa$$@h/db\nA=1",
        "API_KEY=#$5",
        "PLAIN=abc",
    ] {
        assert_eq!(dollar_line(kept), None, "{kept}");
    }
}

/// The rule against dotenvy itself, on random comment-free values from the characters that
/// matter: a `$` dotenvy substituted is gone from what it read.
#[test]
fn the_dollar_rule_agrees_with_dotenvy_on_random_values() {
    let alphabet = ['a', '$', '\'', '"', '\\', ' ', '\t', '\n', 'b', '{', '}'];
    let mut seed: u64 = 12345;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut checked = 0;
    for _ in 0..100_000 {
        let len = (next() % 9) as usize;
        let value: String = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        let text = format!("K={value}\n");
        let read: Vec<_> = dotenvy::from_read_iter(text.as_bytes()).collect();
        let [Ok((_, read))] = read.as_slice() else {
            continue;
        };
        checked += 1;
        let substituted = read.matches('$').count() < value.matches('$').count();
        assert_eq!(
            dollar_line(&text).is_some(),
            substituted,
            "{value:?} read as {read:?}"
        );
    }
    assert!(checked > 30_000, "{checked} values dotenvy reads");
}

/// A `.env` whose lines end in a carriage return alone (the classic Mac's line ends, which
/// Notepad keeps in a file that has them, or a value pasted from such a file): dotenv reads
/// the lines as one, the next line's `NAME=` and the `\r` sent as part of the first value, a
/// credential refused as wrong with no word of why. Expected: refused at its line, naming the
/// character, as other invisible control characters are; a CRLF file (Notepad's own) and a
/// last line ending in `\r` alone stay read.
#[test]
fn a_carriage_return_without_a_line_feed_is_refused_at_its_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(".env");
    let load = |content: &str| {
        std::fs::write(&path, content).expect(".env written");
        load_from(&path, ".env").map_err(|err| err.to_string())
    };
    let refused = load("RELEVE_TEST_CR_A=1\nRELEVE_TEST_CR_SECRET=abc\rRELEVE_TEST_CR_B=2\r")
        .expect_err("a carriage return alone inside the file");
    assert!(
        refused.starts_with(".env:2: holds an invisible control character (U+000D, a carriage return without a line feed"),
        "{refused}"
    );
    assert!(
        !refused.contains("abc"),
        "the value is never echoed: {refused}"
    );
    assert!(load("RELEVE_TEST_CR_C=1\r\nRELEVE_TEST_CR_D=2\r\n").is_ok());
    assert!(load("RELEVE_TEST_CR_E=1\r").is_ok(), "a last line's own");
}

/// Two `.env` files Notepad saved with a BOM, joined (`type a.env b.env > .env`): the second
/// mark, invisible, began line 2's name, refused as "not a `NAME=value` line". Expected: read
/// as it shows; a mark inside a value (pasted with it) is refused as invisible, not sent.
#[test]
fn a_bom_of_a_joined_file_begins_no_name_and_one_inside_a_value_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(".env");
    let load = |content: &str| {
        std::fs::write(&path, content).expect(".env written");
        load_from(&path, ".env").map_err(|err| err.to_string())
    };
    load("RELEVE_TEST_JOINED_A=1\r\n\u{feff}RELEVE_TEST_JOINED_B=2\r\n").expect("read");
    assert_eq!(
        std::env::var("RELEVE_TEST_JOINED_B").ok().as_deref(),
        Some("2")
    );
    let inside = load("RELEVE_TEST_JOINED_C=ab\u{feff}c\n").expect_err("inside a value");
    assert!(
        inside.starts_with(".env:1: holds an invisible control character (U+FEFF"),
        "{inside}"
    );
}
