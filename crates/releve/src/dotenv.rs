//! The checkout's `.env` file (credentials kept out of `sources.toml`): loaded into the
//! environment before anything reads it; variables already set win. The working folder's is
//! read (cron runs each stage from the checkout), or, when it has none, the one beside the
//! configuration file named by `--config` (a stage run by hand from another folder) when it is
//! this user's: a `.env` of a parent folder belongs to something else, another user's `.env` to
//! someone else. A line that is not `NAME=value`, or a value whose `$` would be read as
//! another variable, is an error naming the file and line, never echoing the line (it may hold
//! a secret).

mod beside_config;
mod readers;

use std::path::Path;

use beside_config::BesideConfig;

/// Why `.env` could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DotenvError {
    /// A line that is not `NAME=value`.
    #[error(
        "{}: not a `NAME=value` line (quote values holding spaces; values holding `\\`, in single quotes); nothing runs until it is fixed",
        where_in(file, *line)
    )]
    Line {
        /// The file as named to the user.
        file: String,
        /// 1-based line number, 0 when it could not be found.
        line: usize,
    },
    /// A `$` outside single quotes: dotenv would replace it and the name after it with another
    /// variable's value, silently changing a secret.
    #[error(
        "{file}:{line}: a `$` outside single quotes is read as another variable's value: write the value in single quotes, NAME='...'; nothing runs until it is fixed"
    )]
    Dollar {
        /// The file as named to the user.
        file: String,
        /// 1-based line number.
        line: usize,
    },
    /// A control character (a NUL, which no environment variable can hold, a Ctrl-Z an old
    /// editor left, ...): invisible in an editor, and never meant in a name or a secret.
    #[error(
        "{file}:{line}: holds an invisible control character (U+{code:04X}{}), which no credential holds; delete it (it may look like an empty line or the end of a value); nothing runs until it is fixed",
        control_name(*code)
    )]
    Control {
        /// The file as named to the user.
        file: String,
        /// 1-based line number.
        line: usize,
        /// The character's code point.
        code: u32,
    },
    /// A value between typographic quotes (`“…”`, `‘…’`), which dotenv keeps as part of it: a
    /// credential sent so is refused as wrong, with no word of the quotes.
    #[error(
        "{file}:{line}: the value is between curly quotes ({quotes}), as a word processor or autocorrect writes them, which would be read as part of it: retype them as straight quotes, or remove them; nothing runs until it is fixed"
    )]
    Curly {
        /// The file as named to the user.
        file: String,
        /// 1-based line number.
        line: usize,
        /// The quotes: `“…”` or `‘…’`.
        quotes: &'static str,
    },
    /// The file exists but cannot be read.
    #[error("{file}: cannot be read: {why}")]
    Read {
        /// The file as named to the user.
        file: String,
        /// Why.
        why: String,
    },
}

/// The name of a control character users meet: ` NUL`, ` Ctrl-Z`.
fn control_name(code: u32) -> &'static str {
    match code {
        0 => ", NUL",
        0x1a => ", Ctrl-Z",
        _ => "",
    }
}

/// `file:line`, or `file` alone when the line could not be found (0).
fn where_in(file: &str, line: usize) -> String {
    if line == 0 {
        file.to_owned()
    } else {
        format!("{file}:{line}")
    }
}

/// Loads `.env` from the current folder, if there is one, else from `config_folder` (the
/// folder of the configuration file given, when not the working folder), if there is one
/// there and it is this user's; returns warnings for the log, which is not set up yet (`.env`
/// may configure it).
pub fn load(config_folder: Option<&Path>) -> Result<Vec<String>, DotenvError> {
    let here = Path::new(".env");
    if let Some(path) = config_folder.map(|folder| folder.join(".env"))
        && here.symlink_metadata().is_err()
    {
        let shown = path.display().to_string();
        match beside_config::open(&path) {
            // A lecturer grading with `--config ~alice/releve/sources.toml`: Alice's
            // secrets and settings are not theirs (and a private `.env` cannot be read).
            BesideConfig::Another(owner) => {
                return Ok(vec![format!(
                    "{shown} is another user's (uid {owner}): not read; this run's settings, MONGODB_URI among them, come from its own environment"
                )]);
            }
            BesideConfig::Own(file) => return load_open(&path, file, &shown),
            BesideConfig::Unreadable(err) => {
                return Err(DotenvError::Read {
                    file: shown,
                    why: err.to_string(),
                });
            }
            BesideConfig::Absent => {}
        }
    }
    load_from(here, ".env")
}

/// Loads the `.env` file at `path`, named `shown` to the user, if it is there.
fn load_from(path: &Path, shown: &str) -> Result<Vec<String>, DotenvError> {
    if !path.is_file() {
        // A folder (or anything else) named `.env` holds no variables: said, so variables
        // expected from it are not looked for elsewhere in vain.
        let saved_as_text = path.with_file_name(".env.txt");
        let warnings = match path.symlink_metadata() {
            Ok(_) => vec![format!(
                "{shown} is not a file: no variable is read from it"
            )],
            // Notepad adds `.txt`, which Windows' Explorer hides.
            Err(_) if saved_as_text.is_file() => vec![format!(
                "there is no {shown}, but there is {}: no variable is read from it (an editor added .txt, which Windows hides?); rename it to {shown}",
                saved_as_text.display()
            )],
            Err(_) => Vec::new(),
        };
        return Ok(warnings);
    }
    let file = std::fs::File::open(path).map_err(|err| DotenvError::Read {
        file: shown.to_owned(),
        why: err.to_string(),
    })?;
    load_open(path, file, shown)
}

/// Loads the open `.env` `file`, at `path`, named `shown` to the user: the file judged (who
/// else can read or write it) is the file read.
fn load_open(path: &Path, file: std::fs::File, shown: &str) -> Result<Vec<String>, DotenvError> {
    let shown = shown.to_owned();
    let opened = file.metadata().ok();
    let content = crate::text_file::read_open(file).map_err(|err| DotenvError::Read {
        file: shown.clone(),
        why: err.to_string(),
    })?;
    let content = content.as_str();
    if let Some(at) = content.find(|c: char| c.is_control() && !matches!(c, '\t' | '\r' | '\n')) {
        let line = content[..at].matches('\n').count() + 1;
        let code = content[at..].chars().next().map_or(0, u32::from);
        return Err(DotenvError::Control {
            file: shown,
            line,
            code,
        });
    }
    if let Some(line) = dollar_line(content) {
        return Err(DotenvError::Dollar { file: shown, line });
    }
    // Read before loading: once loaded, the environment holds `.env`'s values too.
    let set = variables(content);
    if let Some((name, quotes)) = set
        .iter()
        .find_map(|(name, value)| Some((name, curly(value)?)))
    {
        return Err(DotenvError::Curly {
            line: line_setting(content, name),
            file: shown,
            quotes,
        });
    }
    let hidden = hidden_by_environment(&set);
    let readable = opened.as_ref().and_then(|file| {
        let readers = readers::readable_by_others(path, file, &set)?;
        // Quoted for a shell, an apostrophe in a folder's name included (`l'année`).
        let quoted = crate::shell::path(Path::new(&shown));
        let mode = crate::shared_access::mode_bits(file);
        Some(format!(
            "{shown} can be read by {readers} (mode {mode:o}) and holds credentials: run `chmod 600 {quoted}`"
        ))
    });
    let writable = opened.as_ref().and_then(|file| {
        crate::shared_access::written_by_others(
            path,
            file,
            &shown,
            "set this checkout's variables, its MongoDB server or a proxy of theirs",
        )
    });
    // Loaded from the text read once above.
    match dotenvy::from_read(content.as_bytes()) {
        Ok(()) => Ok(repeated_names(&set)
            .into_iter()
            .map(|name| {
                format!(
                    "{shown} sets `{name}` more than once: its first value is used (a variable already set in the environment wins over both)"
                )
            })
            .chain(writable)
            .chain(readable)
            .chain(hidden.into_iter().map(|name| {
                format!(
                    "`{name}` is set in the environment and, to another value, in {shown}: the environment's is used (a value left exported in the shell, or set blank in a crontab, hides the file's); unset it there, or remove it from {shown}"
                )
            }))
            .collect()),
        Err(dotenvy::Error::LineParse(text, _)) => Err(DotenvError::Line {
            line: line_of(content, &text),
            file: shown,
        }),
        Err(err) => Err(DotenvError::Read {
            file: shown,
            why: err.to_string(),
        }),
    }
}

/// The typographic quotes `value` is written between, as dotenv kept them: `“…”` or `‘…’`.
fn curly(value: &str) -> Option<&'static str> {
    let value = value.trim();
    let between = |open: &[char], close: &[char]| {
        value.starts_with(open) && value.ends_with(close) && value.chars().count() >= 2
    };
    if between(&['\u{201c}', '\u{201e}'], &['\u{201d}', '\u{201c}']) {
        Some("“…”")
    } else if between(&['\u{2018}', '\u{201a}'], &['\u{2019}', '\u{2018}']) {
        Some("‘…’")
    } else {
        None
    }
}

/// The 1-based line of `content` setting `name` (its first), 0 when not found.
fn line_setting(content: &str, name: &str) -> usize {
    content
        .lines()
        .position(|line| {
            let line = line.trim_start();
            let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
            line.strip_prefix(name)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(0, |at| at + 1)
}

/// The variables `content` sets, as dotenv reads them, in order (a name set twice twice).
fn variables(content: &str) -> Vec<(String, String)> {
    dotenvy::from_read_iter(content.as_bytes())
        .flatten()
        .collect()
}

/// The names `.env` sets that the environment already holds with another value, which hides
/// `.env`'s (its values are never said: they may be secrets).
fn hidden_by_environment(set: &[(String, String)]) -> Vec<String> {
    let mut hidden: Vec<String> = set
        .iter()
        .filter(|(name, value)| {
            std::env::var_os(name).is_some_and(|set| set.to_str() != Some(value.as_str()))
        })
        .map(|(name, _)| name.clone())
        .collect();
    hidden.sort();
    hidden.dedup();
    hidden
}

/// The names `.env` sets more than once, as dotenv reads it: the first value is kept, where a
/// shell would keep the last.
fn repeated_names(set: &[(String, String)]) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut repeated = std::collections::BTreeSet::new();
    for (name, _) in set {
        if !seen.insert(name) {
            repeated.insert(name.clone());
        }
    }
    repeated.into_iter().collect()
}

/// The 1-based number of the first line of the first variable whose value holds a `$` dotenv
/// would substitute. This follows dotenvy 0.15's own reading: lines joined while a quote or an
/// escape is left open, a line starting with `#` skipped, then the value read in unquoted,
/// `'single'` and `"double"` parts, where a `$` neither escaped (`\$`) nor in single quotes is
/// a substitution, and an unquoted space or tab ends the value.
fn dollar_line(content: &str) -> Option<usize> {
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let mut physical = content.split_inclusive('\n');
    let mut read = 0;
    loop {
        let first = read + 1;
        let mut line = String::new();
        let mut state = Join::Complete;
        loop {
            let next = physical.next()?;
            read += 1;
            let start = line.len();
            line.push_str(next);
            if line.trim_start().starts_with('#') {
                line.clear();
                break;
            }
            let (at, end) = join_state(state, &line[start..]);
            state = end;
            match state {
                Join::Complete => break,
                Join::Comment => {
                    line.truncate(start + at);
                    break;
                }
                _ => {}
            }
        }
        if substitutes(&line) {
            return Some(first);
        }
    }
}

/// Where dotenvy's line joining stands at the end of a physical line.
#[derive(Clone, Copy)]
enum Join {
    Complete,
    Escape,
    Single,
    SingleEscape,
    Double,
    DoubleEscape,
    Comment,
    WhiteSpace,
}

/// dotenvy's joining state after `text`, from `state`, and where a comment starts.
fn join_state(mut state: Join, text: &str) -> (usize, Join) {
    let mut at = 0;
    for (position, c) in text.char_indices() {
        at = position;
        state = match (state, c) {
            (Join::WhiteSpace, '#') => return (at, Join::Comment),
            (Join::WhiteSpace | Join::Complete, '\\') => Join::Escape,
            (Join::WhiteSpace | Join::Complete, '"') => Join::Double,
            (Join::WhiteSpace | Join::Complete, '\'') => Join::Single,
            (Join::Complete, c) if c.is_whitespace() && c != '\n' && c != '\r' => Join::WhiteSpace,
            (Join::WhiteSpace | Join::Complete | Join::Escape, _) => Join::Complete,
            (Join::Double, '\\') => Join::DoubleEscape,
            (Join::Double, '"') => Join::Complete,
            (Join::Double | Join::DoubleEscape, _) => Join::Double,
            (Join::Single, '\\') => Join::SingleEscape,
            (Join::Single, '\'') => Join::Complete,
            (Join::Single | Join::SingleEscape, _) => Join::Single,
            (Join::Comment, _) => return (at, Join::Comment),
        };
    }
    (at, state)
}

/// Whether dotenvy would substitute a variable in this (joined) line's value.
fn substitutes(line: &str) -> bool {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return false;
    }
    let key_end = |text: &str| {
        text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(text.len())
    };
    let (key, mut rest) = line.split_at(key_end(line));
    rest = rest.trim_start();
    if key == "export" && !rest.starts_with('=') {
        rest = rest[key_end(rest)..].trim_start();
    }
    let Some(value) = rest.strip_prefix('=').map(str::trim_start) else {
        return false;
    };
    if value.starts_with('#') {
        return false;
    }
    let (mut single, mut double, mut escaped, mut ended) = (false, false, false, false);
    for c in value.chars() {
        if ended {
            if c != ' ' && c != '\t' {
                return false;
            }
        } else if escaped {
            escaped = false;
        } else if single {
            single = c != '\'';
        } else if c == '$' {
            return true;
        } else if double {
            match c {
                '"' => double = false,
                '\\' => escaped = true,
                _ => {}
            }
        } else {
            match c {
                '\'' => single = true,
                '"' => double = true,
                '\\' => escaped = true,
                ' ' | '\t' => ended = true,
                _ => {}
            }
        }
    }
    false
}

/// The 1-based number of the line of `content` dotenvy refused, 0 when not found. dotenvy reports
/// the bad line (without its comment), or only the bad value in it: a line equal to the text
/// wins, then one equal to it but for its comment, then a variable line whose value holds it
/// (comments are never the bad line).
fn line_of(content: &str, text: &str) -> usize {
    let first = text.lines().next().unwrap_or_default();
    if first.trim().is_empty() {
        return 0;
    }
    let lines: Vec<&str> = content.lines().collect();
    let variable = |line: &&str| !line.trim_start().starts_with('#');
    let holds_it = |line: &&str| {
        variable(line)
            && line
                .split_once('=')
                .is_some_and(|(_, value)| value.contains(first))
    };
    // Among the lines holding the bad value, one dotenv refuses on its own (`B=x y` rather
    // than `A="x y"`).
    let refused = |line: &&str| dotenvy::from_read_iter(line.as_bytes()).any(|item| item.is_err());
    lines
        .iter()
        .position(|line| *line == first)
        // A line dotenvy quotes without its comment (`NAME   # to fill in`).
        .or_else(|| {
            lines.iter().position(|line| {
                variable(line)
                    && line.split('#').next().unwrap_or_default().trim_end() == first.trim_end()
            })
        })
        .or_else(|| {
            lines
                .iter()
                .position(|line| holds_it(line) && refused(line))
        })
        .or_else(|| lines.iter().position(holds_it))
        .map_or(0, |index| index + 1)
}

#[cfg(test)]
mod tests {
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
            warned(
                "RELEVE_TEST_SHARED_SERVER_URI='mongodb://alice:s3cret@db.example.org/alice_db'\n"
            ),
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
}
