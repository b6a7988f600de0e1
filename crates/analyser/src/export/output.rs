//! Where the CSV goes: a file that appears whole or not at all, or standard output.

use std::path::{Path, PathBuf};

use releve::rawfile::Replacement;

use super::{ExportError, TableError};

/// A file that appears whole or not at all, written as [`releve::rawfile::replace_file`]
/// writes a report (a temporary file beside it, renamed over it once complete), with the
/// permissions any new file gets, as readable as one written by `> FILE`.
pub(super) struct PartFile {
    path: PathBuf,
    pub(super) out: std::io::BufWriter<Replacement>,
}

impl PartFile {
    /// A temporary file beside `path`, to become it; beside the file a symbolic link at `path`
    /// points to, to become that file, so the link stays (as `> FILE` writes through it).
    pub(super) fn create(path: &Path) -> Result<PartFile, ExportError> {
        let replacement = through_link(path)
            .and_then(fit_for_output)
            .and_then(|file| Replacement::create(&file))
            .map_err(|cause| ExportError::Write {
                path: path.to_owned(),
                cause,
            })?;
        Ok(PartFile {
            path: path.to_owned(),
            out: std::io::BufWriter::new(replacement),
        })
    }

    /// Puts the file in place once `written` succeeded; the temporary file goes otherwise.
    pub(super) fn finish(self, written: Result<(), TableError>) -> Result<(), ExportError> {
        let failed = |cause: std::io::Error| ExportError::Write {
            path: self.path.clone(),
            cause,
        };
        match written {
            Ok(()) => {}
            Err(TableError::Store(err)) => return Err(ExportError::Store(err)),
            Err(TableError::Write(cause)) => return Err(failed(cause)),
        }
        let replacement = self
            .out
            .into_inner()
            .map_err(|err| failed(err.into_error()))?;
        replacement.commit().map_err(failed)
    }
}

/// `file`, unless the export cannot be written there, said before anything is read: a folder
/// (name a file in it), a device or a pipe (`/dev/null`, a FIFO, which a file renamed over
/// it would replace, as root for good), or a file in a folder that does not exist.
fn fit_for_output(file: PathBuf) -> std::io::Result<PathBuf> {
    let refused = |why: String| Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, why));
    let folder_named = names_a_folder(&file);
    match std::fs::metadata(&file) {
        Ok(meta) if meta.is_dir() => refused(format!(
            "it is a folder: name a file in it (`--output {}`)",
            releve::shell::path(&bare(&file).join("export.csv"))
        )),
        Ok(meta) if !meta.is_file() => refused(
            "it is a device or a pipe, not a file, which the export would replace: write to standard output and redirect it there (`> FILE`)".to_owned(),
        ),
        Ok(_) => Ok(file),
        // A file where a folder of the path should be (`--output exports` made one), the path
        // itself when it ends in `/` (`exports/`).
        Err(_)
            if let Some(in_the_way) = bare(&file)
                .ancestors()
                .skip(usize::from(!folder_named))
                .find(|up| up.is_file()) =>
        {
            refused(format!(
                "{} is a file, not a folder: name a file in a folder",
                in_the_way.display()
            ))
        }
        // The folder it names (`exports/`), or the one it is in, not there.
        Err(_) => {
            let folder = match folder_named {
                true => Some(bare(&file)),
                false => file
                    .parent()
                    .filter(|folder| !folder.as_os_str().is_empty())
                    .map(Path::to_owned),
            };
            match folder {
                Some(folder) if !folder.is_dir() => refused(format!(
                    "its folder {} does not exist: make it first (`mkdir -p {}`){}",
                    folder.display(),
                    releve::shell::path(&folder),
                    if folder_named { ", and name a file in it" } else { "" }
                )),
                _ => Ok(file),
            }
        }
    }
}

/// Whether `path` is written as a folder's, ending in `/`.
fn names_a_folder(path: &Path) -> bool {
    path.as_os_str().to_string_lossy().ends_with('/')
}

/// `path` without the `/` it may end in (`exports/` is `exports`, which may be a file).
fn bare(path: &Path) -> PathBuf {
    let text = path.to_string_lossy();
    match text.trim_end_matches('/') {
        "" => path.to_owned(),
        trimmed => PathBuf::from(trimmed),
    }
}

/// The file a symbolic link at `path` points to, through a chain of links, each relative one
/// read from its own folder, whether that file exists yet or not (a dangling link is written
/// through, as `> FILE` does); else `path`.
fn through_link(path: &Path) -> std::io::Result<PathBuf> {
    // As many links as Linux follows before it gives up on a loop.
    const MAX_LINKS: usize = 40;
    let mut path = path.to_owned();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&path)?;
                path = match path.parent() {
                    Some(folder) => folder.join(target),
                    None => target,
                };
            }
            _ => return Ok(path),
        }
    }
    Err(std::io::Error::other(format!(
        "more than {MAX_LINKS} symbolic links in a row (a loop?)"
    )))
}

/// A writer counting the bytes its inner one took: whether any of an export that failed went
/// past its own buffer to standard output (whose own line buffer may still hold the last).
pub(super) struct Counted<W> {
    inner: W,
    /// Bytes written through.
    pub(super) bytes: u64,
}

impl<W> Counted<W> {
    pub(super) fn new(inner: W) -> Self {
        Counted { inner, bytes: 0 }
    }
}

impl<W: std::io::Write> std::io::Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let taken = self.inner.write(buf)?;
        self.bytes += taken as u64;
        Ok(taken)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The outcome of a table written to standard output: whether it was written whole. A reader
/// that stops early (`| head`) ends the export without an error.
pub(super) fn to_stdout(written: Result<(), TableError>) -> Result<bool, ExportError> {
    match written {
        Ok(()) => Ok(true),
        Err(TableError::Write(cause)) if cause.kind() == std::io::ErrorKind::BrokenPipe => {
            Ok(false)
        }
        Err(TableError::Store(err)) => Err(ExportError::Store(err)),
        Err(TableError::Write(cause)) => Err(ExportError::Write {
            path: PathBuf::from("standard output"),
            cause,
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_device_is_refused_not_replaced_by_a_file() {
        match PartFile::create(Path::new("/dev/null")) {
            Err(err) => assert!(err.to_string().contains("a device or a pipe"), "{err}"),
            Ok(_) => panic!("/dev/null taken as a file to replace"),
        }
        let meta = std::fs::metadata("/dev/null").expect("/dev/null");
        assert!(!meta.is_file(), "/dev/null is still the device");
    }

    /// A first `--output exports` (no folder there) wrote the export to a file named
    /// `exports`; the user, seeing it, runs `--output exports/` (or `--output
    /// exports/2026/x.csv`). The line says the folder "does not exist" and to `mkdir -p` it,
    /// which fails ("File exists", "Not a directory"): a file is in the way, which is not said.
    #[cfg(unix)]
    #[test]
    fn a_file_in_the_way_of_the_folder_named_is_said_not_a_missing_folder_to_make() {
        let dir = tempfile::tempdir().expect("temp dir");
        let exports = dir.path().join("exports");
        std::fs::write(&exports, "time,key\n").expect("the file of the first export");
        for asked in [
            format!("{}/2026/x.csv", exports.display()),
            format!("{}/", exports.display()),
        ] {
            let said = match fit_for_output(PathBuf::from(&asked)) {
                Err(err) => err.to_string(),
                Ok(_) => panic!("--output {asked} taken"),
            };
            assert!(
                !said.contains("mkdir -p") && said.contains("is a file"),
                "--output {asked}, {} being a file: {said}",
                exports.display()
            );
        }
    }

    fn refusal(asked: &str) -> String {
        match fit_for_output(PathBuf::from(asked)) {
            Err(err) => err.to_string(),
            Ok(_) => panic!("--output {asked} taken"),
        }
    }

    /// The command a refusal says, between its backquotes.
    fn command_in(said: &str) -> &str {
        said.split('`')
            .nth(1)
            .unwrap_or_else(|| panic!("no command in: {said}"))
    }

    /// A student's exports in `~/Mes données/relevé & co/exports de M1`: the `mkdir -p` said
    /// for its missing folder, pasted, makes `Mes`, `données/relevé` and puts the rest in the
    /// background; the `--output` said for a folder, given as `exports/`, read `exports//…`.
    /// A file named in a missing folder is not told to "name a file in it" too.
    #[cfg(unix)]
    #[test]
    fn the_commands_said_for_output_paste_whole_and_say_only_what_is_missing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let folder = dir.path().join("Mes données/relevé & co/exports de M1");
        let asked = format!("{}/quakes.csv", folder.display());
        let said = refusal(&asked);
        let made = std::process::Command::new("sh")
            .args(["-c", command_in(&said)])
            .current_dir(dir.path())
            .status()
            .expect("sh runs");
        assert!(
            made.success() && folder.is_dir(),
            "`{}` did not make {}",
            command_in(&said),
            folder.display()
        );
        assert!(
            !said.contains("name a file in it"),
            "a file was named: {said}"
        );

        let exports = dir.path().join("exports");
        std::fs::create_dir(&exports).expect("exports");
        let said = refusal(&format!("{}/", exports.display()));
        assert_eq!(
            command_in(&said),
            format!("--output {}", exports.join("export.csv").display()),
            "{said}"
        );
        let said = refusal(&format!("{}/nothing/", exports.display()));
        assert!(said.contains("and name a file in it"), "{said}");
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_written_through_and_stays_a_link() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("2026-12-02.csv");
        std::fs::write(&target, "old\n").expect("write the target");
        let link = dir.path().join("latest.csv");
        std::os::unix::fs::symlink("2026-12-02.csv", &link).expect("link");
        let mut part = PartFile::create(&link).expect("create");
        part.out.write_all(b"time,key\n").expect("write");
        part.finish(Ok(())).expect("finish");
        let meta = std::fs::symlink_metadata(&link).expect("the link");
        assert!(meta.file_type().is_symlink(), "the link stays a link");
        assert_eq!(
            std::fs::read_to_string(&target).expect("read"),
            "time,key\n",
            "the file it points to holds the table"
        );
        let mut fresh = PartFile::create(&dir.path().join("new.csv")).expect("create");
        fresh.out.write_all(b"x\n").expect("write");
        fresh.finish(Ok(())).expect("finish");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("new.csv")).expect("read"),
            "x\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_link_stays_and_the_file_it_names_is_created() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("exports")).expect("folder");
        let link = dir.path().join("latest.csv");
        // A relative link, through a second link, to a file not written yet.
        std::os::unix::fs::symlink("exports/next.csv", dir.path().join("exports.csv"))
            .expect("link");
        std::os::unix::fs::symlink("exports.csv", &link).expect("link");
        let mut part = PartFile::create(&link).expect("create");
        part.out.write_all(b"time,key\n").expect("write");
        part.finish(Ok(())).expect("finish");
        for link in [&link, &dir.path().join("exports.csv")] {
            let meta = std::fs::symlink_metadata(link).expect("the link");
            assert!(
                meta.file_type().is_symlink(),
                "{} stays a link",
                link.display()
            );
        }
        assert_eq!(
            std::fs::read_to_string(dir.path().join("exports/next.csv")).expect("read"),
            "time,key\n",
            "the file the links name holds the table"
        );
    }
}
