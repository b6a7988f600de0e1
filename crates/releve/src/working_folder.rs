//! Paths as a stage run from cron should name them: a relative path is relative to the
//! working folder, which cron sets to the home folder (or `/`) unless the line changes folder
//! first, so a message naming one says which folder that was.

use std::path::{Path, PathBuf};

/// The working folder `path` is relative to, when it is relative (and the folder can be told).
pub fn of(path: &Path) -> Option<PathBuf> {
    path.is_relative()
        .then(std::env::current_dir)
        .and_then(Result::ok)
}

/// `path` for a message: as given, followed by the working folder it is relative to when it
/// is relative (`raw (in the working folder /home/ana)`).
pub fn named(path: &Path) -> String {
    match of(path) {
        Some(folder) => format!(
            "{} (in the working folder {})",
            path.display(),
            folder.display()
        ),
        None => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_path_names_the_folder_it_is_relative_to() {
        let folder = std::env::current_dir().expect("working folder");
        assert_eq!(
            named(Path::new("raw")),
            format!("raw (in the working folder {})", folder.display())
        );
        assert_eq!(named(Path::new("/srv/releve/raw")), "/srv/releve/raw");
    }
}
