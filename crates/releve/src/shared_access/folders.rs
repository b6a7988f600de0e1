//! The folders a run trusts beyond its files: the one holding `sources.toml` (and `.env`, the
//! logs, the scripts the crontab's lines run) and the one holding the running program. Whoever
//! can write such a folder can rename a file of theirs over `sources.toml` or `.env`, or
//! replace the program cron runs next, running code as its owner, whatever each file's own
//! mode says.

use std::path::{Path, PathBuf};

use super::{Access, mode_bits, others_with, remedy, trusted, unchangeable};

/// The folders judged for a run reading the configuration `config`: the one holding it, then
/// the one holding the running program and, when that is inside the checkout
/// (`target/release/`), each folder between them (`target/`: whoever can write it can put
/// another `release/` in its place); each once, canonical (as said to the user).
pub fn judged(config: &Path) -> Vec<PathBuf> {
    let holding = |path: &Path| {
        std::fs::canonicalize(path)
            .ok()
            .and_then(|path| path.parent().map(Path::to_path_buf))
    };
    let checkout = holding(config);
    let program = std::env::current_exe().ok().as_deref().and_then(holding);
    let mut folders: Vec<PathBuf> = checkout.iter().cloned().collect();
    if let Some(program) = program {
        let within = checkout
            .as_deref()
            .filter(|checkout| program.starts_with(checkout));
        let up_to_checkout = program
            .ancestors()
            .take_while(|folder| within.is_some_and(|checkout| *folder != checkout));
        let between: Vec<&Path> = match within {
            Some(_) => up_to_checkout.collect(),
            None => vec![program.as_path()],
        };
        for folder in between {
            if !folders.iter().any(|judged| judged == folder) {
                folders.push(folder.to_path_buf());
            }
        }
    }
    folders
}

/// The warning for the folder `folder` when others can write it, as for a file (the folders
/// above open to them, a group shared with others, the group trusted left unsaid): who, its
/// mode and the `chmod o-w,g-w` that mends it. None for a sticky folder (as `/tmp`), where
/// none but a file's owner can rename or remove it, nor on WSL's Windows drives (said once:
/// see [`super::windows_drive_note`]).
#[cfg(unix)]
pub fn written_by_others(folder: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let metadata = std::fs::metadata(folder).ok()?;
    if !metadata.is_dir() || metadata.mode() & 0o1000 != 0 {
        return None;
    }
    let others = others_with(folder, &metadata, Access::Write).filter(|others| !trusted(others))?;
    let quoted = crate::shell::path(folder);
    let chmod = match &others {
        super::Others::Group(name) => format!(
            "run `chmod o-w,g-w {quoted}` (or, if group `{name}` is meant to write it, set `{}={name}` in the crontab's lines)",
            super::TRUSTED_GROUP_VARIABLE
        ),
        super::Others::Everyone => format!("run `chmod o-w,g-w {quoted}`"),
    };
    let remedy = remedy(unchangeable(folder).as_ref(), chmod)?;
    Some(format!(
        "{} can be written by {others} (mode {:o}): any of them could rename a file of theirs over sources.toml or .env there, or replace a program or script run from it, running code as you; {remedy}",
        folder.display(),
        mode_bits(&metadata)
    ))
}

#[cfg(not(unix))]
pub fn written_by_others(_: &Path) -> Option<String> {
    None
}
