//! Commands said to the user to paste into a shell (`chmod 600 …`, `mkdir -p …`).

use std::borrow::Cow;

/// `word` as one shell word: as it is when it needs no quoting (`.env`, `exports/2026`),
/// else quoted so that a shell reads it back whole (`'Mes données/l'\''année'`). A word a shell
/// cannot be given (one holding a NUL) is shown as it is.
pub fn word(word: &str) -> Cow<'_, str> {
    shlex::try_quote(word).unwrap_or(Cow::Borrowed(word))
}

/// [`word`] of a path, its non-UTF-8 bytes shown as `�`; a relative one beginning with `-`
/// as `./-x`, so that the command it is given to does not take it for an option.
pub fn path(path: &std::path::Path) -> String {
    let shown = path.to_string_lossy();
    match shown.starts_with('-') {
        true => word(&format!("./{shown}")).into_owned(),
        false => word(&shown).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a shell reads back from `said`, one argument per line (`printf '%s\n'`).
    fn read_back(said: &str) -> String {
        let out = std::process::Command::new("sh")
            .args(["-c", &format!("printf '%s\\n' {said}")])
            .output()
            .expect("sh runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    #[test]
    fn a_word_a_shell_would_split_or_expand_reads_back_whole() {
        for given in [
            "exports/2026",
            ".env",
            "/tmp/Mes données/l'année 2026 (M1)/relevé & co/.env",
            "a $HOME `b` *",
            "-dash",
        ] {
            assert_eq!(read_back(&word(given)), format!("{given}\n"), "{given}");
        }
        assert_eq!(
            word("exports/2026"),
            "exports/2026",
            "no quotes where none are needed"
        );
    }

    /// `--output=-x/quakes.csv`, its folder missing: the `mkdir -p -x` said, pasted, is refused
    /// as an unknown option (`chmod 600 -x/.env` alike). A path is never read as an option.
    #[test]
    fn a_folder_whose_name_begins_with_a_dash_is_made_by_the_command_said() {
        let dir = tempfile::tempdir().expect("temp dir");
        let said = format!(
            "mkdir -p {}",
            path(std::path::Path::new("-x/exports de M1"))
        );
        let made = std::process::Command::new("sh")
            .args(["-c", &said])
            .current_dir(dir.path())
            .status()
            .expect("sh runs");
        assert!(
            made.success() && dir.path().join("-x/exports de M1").is_dir(),
            "`{said}` did not make the folder"
        );
    }
}
