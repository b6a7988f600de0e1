//! The checkout's `.env` file (credentials kept out of `sources.toml`): loaded into the
//! environment before anything reads it; variables already set win. A line that is not
//! `NAME=value` is an error naming the file and line, never echoing the line (it may hold a
//! secret).

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
    /// The file exists but cannot be read.
    #[error(".env: cannot be read: {0}")]
    Read(String),
}

/// Loads `.env` from the current folder or its parents, if there is one.
pub fn load() -> Result<(), DotenvError> {
    let Ok(here) = std::env::current_dir() else {
        return Ok(());
    };
    let Some(path) = here
        .ancestors()
        .map(|d| d.join(".env"))
        .find(|p| p.is_file())
    else {
        return Ok(());
    };
    let shown = if path.parent() == Some(here.as_path()) {
        ".env".to_owned()
    } else {
        path.display().to_string()
    };
    match dotenvy::from_path(&path) {
        Ok(()) => Ok(()),
        Err(dotenvy::Error::LineParse(text, _)) => Err(DotenvError::Line {
            line: line_of(&path, &text),
            file: shown,
        }),
        Err(err) => Err(DotenvError::Read(err.to_string())),
    }
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
}
