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

mod dollar;
mod error;
mod lines;
mod variables;

use dollar::dollar_line;
pub use error::DotenvError;
use lines::{line_of, line_setting};
use variables::{curly, hidden_by_environment, repeated_names, variables};

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
    if let Some(at) = stray_control(content) {
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
        let remedy = crate::shared_access::remedy(
            crate::shared_access::unchangeable(path).as_ref(),
            format!("run `chmod 600 {quoted}`"),
        )?;
        Some(format!(
            "{shown} can be read by {readers} (mode {mode:o}) and holds credentials: {remedy}"
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
            .chain(trusted_group_set(&set, &shown))
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

/// The warning for a `.env`, named `shown`, that sets the trusted group (see
/// [`crate::shared_access`]): read only from the run's own environment, since a member of the
/// group could write it into `.env`.
fn trusted_group_set(set: &[(String, String)], shown: &str) -> Option<String> {
    let name = crate::shared_access::TRUSTED_GROUP_VARIABLE;
    set.iter().any(|(set, _)| set == name).then(|| {
        format!(
            "{shown} sets `{name}`, which is not read from it (a member of that group could write it there): set it in the crontab's lines above relevé's block, or the run's environment"
        )
    })
}

/// Where `content` holds a control character no `.env` means: any but a tab, a line feed and
/// a carriage return ending a line (Windows' CRLF, or the file's last line); a carriage return
/// alone (a classic Mac's line end) would join two lines into one value. A byte-order mark
/// left inside a line (one beginning a line is dropped when read) counts as one.
fn stray_control(content: &str) -> Option<usize> {
    content.char_indices().find_map(|(at, c)| {
        let line_end = c == '\r' && matches!(content.as_bytes().get(at + 1), None | Some(b'\n'));
        let invisible = c.is_control() || c == '\u{feff}';
        (invisible && !matches!(c, '\t' | '\n') && !line_end).then_some(at)
    })
}

#[cfg(test)]
mod tests;
