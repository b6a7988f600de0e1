//! The checkout's `.env` file (credentials kept out of `sources.toml`): loaded into the
//! environment before anything reads it; variables already set win. Only the working folder's
//! is read (cron runs each stage from the checkout): a `.env` of a parent folder belongs to
//! something else. A line that is not `NAME=value`, or a value whose `$` would be read as
//! another variable, is an error naming the file and line, never echoing the line (it may hold
//! a secret).

use std::path::Path;

/// Why `.env` could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DotenvError {
    /// A line that is not `NAME=value`.
    #[error(
        "{file}:{line}: not a `NAME=value` line (quote values holding spaces); nothing runs until it is fixed"
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
    /// The file exists but cannot be read.
    #[error(".env: cannot be read: {0}")]
    Read(String),
}

/// Loads `.env` from the current folder, if there is one.
pub fn load() -> Result<(), DotenvError> {
    let path = Path::new(".env");
    if !path.is_file() {
        return Ok(());
    }
    let shown = ".env".to_owned();
    let content =
        std::fs::read_to_string(path).map_err(|err| DotenvError::Read(err.to_string()))?;
    if let Some(line) = dollar_line(&content) {
        return Err(DotenvError::Dollar { file: shown, line });
    }
    match dotenvy::from_path(path) {
        Ok(()) => Ok(()),
        Err(dotenvy::Error::LineParse(text, _)) => Err(DotenvError::Line {
            line: line_of(path, &text),
            file: shown,
        }),
        Err(err) => Err(DotenvError::Read(err.to_string())),
    }
}

/// The 1-based number of the first `NAME=value` line whose value holds a `$` dotenv would
/// substitute: unquoted or in double quotes, and not escaped (`\$`). Single quotes keep it.
fn dollar_line(content: &str) -> Option<usize> {
    content
        .lines()
        .position(|line| {
            let line = line.trim_start();
            let line = line.strip_prefix("export ").unwrap_or(line);
            if line.starts_with('#') {
                return false;
            }
            let Some((_, value)) = line.split_once('=') else {
                return false;
            };
            let value = value.trim_start();
            if value.starts_with('\'') {
                return false;
            }
            let quoted = value.starts_with('"');
            let mut previous = ' ';
            for c in value.chars() {
                match c {
                    // An unquoted value's comment.
                    '#' if !quoted && previous.is_whitespace() => return false,
                    '$' if previous != '\\' => return true,
                    _ => {}
                }
                previous = c;
            }
            false
        })
        .map(|index| index + 1)
}

/// The 1-based number of the line of `path` dotenvy refused, 0 when not found. dotenvy reports
/// the bad line, or only the bad value in it: a line equal to the text wins, then a variable
/// line whose value holds it (comments are never the bad line).
fn line_of(path: &Path, text: &str) -> usize {
    let first = text.lines().next().unwrap_or_default();
    if first.trim().is_empty() {
        return 0;
    }
    let Ok(content) = std::fs::read_to_string(path) else {
        return 0;
    };
    let lines: Vec<&str> = content.lines().collect();
    let variable = |line: &&str| !line.trim_start().starts_with('#');
    lines
        .iter()
        .position(|line| *line == first)
        .or_else(|| {
            lines.iter().position(|line| {
                variable(line)
                    && line
                        .split_once('=')
                        .is_some_and(|(_, value)| value.contains(first))
            })
        })
        .map_or(0, |index| index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_line_is_found_by_number() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join(".env");
        std::fs::write(&path, "# c\nMY KEY=1\nA=2\n").expect("write");
        assert_eq!(line_of(&path, "MY KEY=1"), 2);
        std::fs::write(&path, "A=1\nSECRET=ZZ SECRET\nB=2\n").expect("write");
        let Some(Err(dotenvy::Error::LineParse(value, _))) = dotenvy::from_path_iter(&path)
            .expect("iter")
            .find(Result::is_err)
        else {
            panic!("dotenvy refuses an unquoted space");
        };
        assert_eq!(line_of(&path, &value), 2, "found from the bad value alone");
        std::fs::write(&path, "# e.g. SECRET=ZZ SECRET\nSECRET=ZZ SECRET\n").expect("write");
        assert_eq!(line_of(&path, "ZZ SECRET"), 2, "never the comment");
        assert_eq!(line_of(&path, "absent"), 0);
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
    }

    #[test]
    fn a_dollar_dotenv_would_substitute_is_found_by_number() {
        assert_eq!(dollar_line("A=1\nSECRET=ab$cd\n"), Some(2));
        assert_eq!(dollar_line("SECRET=\"ab${CD}\"\n"), Some(1));
        assert_eq!(dollar_line("export SECRET=$X\n"), Some(1));
        for kept in [
            "SECRET='ab$cd'",
            "SECRET=\"ab\\$cd\"",
            "SECRET=abcd # costs $5",
            "# SECRET=$X",
            "PLAIN=abc",
        ] {
            assert_eq!(dollar_line(kept), None, "{kept}");
        }
    }
}
