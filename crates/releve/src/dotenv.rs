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
/// substitute. dotenv reads a value as unquoted, single-quoted and double-quoted parts, a
/// quoted part running over lines until its quote closes; it substitutes `$` in unquoted and
/// double-quoted parts unless escaped (`\$`), and an unquoted space ends the value (a comment
/// may follow). Single quotes keep a `$` as written.
fn dollar_line(content: &str) -> Option<usize> {
    #[derive(PartialEq)]
    enum Part {
        Unquoted,
        Single,
        Double,
    }
    let mut lines = content.lines().enumerate();
    while let Some((index, line)) = lines.next() {
        let line = line.trim_start();
        let line = line.strip_prefix("export ").unwrap_or(line);
        if line.starts_with('#') {
            continue;
        }
        let Some((_, value)) = line.split_once('=') else {
            continue;
        };
        let (mut part, mut escaped) = (Part::Unquoted, false);
        let mut text = value.trim_start().to_owned();
        loop {
            let mut ended = false;
            for c in text.chars() {
                if escaped {
                    escaped = false;
                    continue;
                }
                match (&part, c) {
                    (Part::Single, '\'') | (Part::Double, '"') => part = Part::Unquoted,
                    (Part::Single, _) => {}
                    (Part::Unquoted, '\'') => part = Part::Single,
                    (Part::Unquoted, '"') => part = Part::Double,
                    (Part::Unquoted | Part::Double, '\\') => escaped = true,
                    (Part::Unquoted | Part::Double, '$') => return Some(index + 1),
                    (Part::Unquoted, c) if c.is_whitespace() => {
                        ended = true;
                        break;
                    }
                    _ => {}
                }
            }
            // A quote still open: the value goes on on the next line.
            if ended || part == Part::Unquoted {
                break;
            }
            let Some((_, next)) = lines.next() else {
                break;
            };
            text = next.to_owned();
        }
    }
    None
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
            "PLAIN=abc",
        ] {
            assert_eq!(dollar_line(kept), None, "{kept}");
        }
    }
}
