//! Shared by the analyser's end-to-end tests: golden data, running the real binary, reading
//! the PDF back with poppler's tools (pages as images, embedded charts, text), and writing the
//! stand-in scripts the cron tests run.

#![allow(dead_code)]

pub mod front;
pub mod golden;
pub mod installation;
pub mod laptop;
pub mod renaming;
pub mod scripts;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, MutexGuard};

/// Held while a test writes a file it will run and while a test forks: a child forked while
/// another thread still has a script open for writing keeps that descriptor until it execs,
/// and running the script then fails with "Text file busy" (ETXTBSY).
static WRITING_OR_FORKING: Mutex<()> = Mutex::new(());

/// Takes [`WRITING_OR_FORKING`] until the guard drops.
pub fn writing_or_forking() -> MutexGuard<'static, ()> {
    WRITING_OR_FORKING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Writes `text` to `path` as an executable script, making its folders; call it while holding
/// [`writing_or_forking`].
pub fn write_executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("make folders");
    std::fs::write(path, text).expect("write a script");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// Runs the real `analyser` in `dir` with `args`.
pub fn analyser(dir: &Path, args: &[&str]) -> Output {
    analyser_logging(dir, args, "warn")
}

/// [`analyser`], logging from `level` on (`info` for what `--if-missing` writes and why).
pub fn analyser_logging(dir: &Path, args: &[&str], level: &str) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_analyser"))
        .current_dir(dir)
        .args(args)
        .env_remove("MONGODB_URI")
        .env_remove("FRANCE_TRAVAIL_CLIENT_ID")
        .env_remove("FRANCE_TRAVAIL_CLIENT_SECRET")
        .env("RUST_LOG", level)
        .output()
        .expect("run the analyser binary");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked at"),
        "the analyser panicked: {stderr}"
    );
    output
}

/// Runs the analyser and checks it succeeded, returning what it printed on stdout.
pub fn analyser_ok(dir: &Path, args: &[&str]) -> String {
    let output = analyser(dir, args);
    assert!(
        output.status.success(),
        "analyser failed with {}\nstdout: {}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn poppler(tool: &str, args: &[&std::ffi::OsStr]) -> Output {
    let output = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|err| {
            panic!(
                "{tool} is missing ({err}): install poppler-utils (apt-get install poppler-utils)"
            )
        });
    assert!(
        output.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A greyscale or RGB raster read from a PNM file.
pub struct Raster {
    pub width: usize,
    pub height: usize,
    pub channels: usize,
    pub pixels: Vec<u8>,
}

impl Raster {
    fn read(path: &Path) -> Raster {
        let bytes = std::fs::read(path).expect("read a PNM file");
        let channels = match &bytes[..2] {
            b"P5" => 1,
            b"P6" => 3,
            other => panic!("{}: unexpected PNM kind {other:?}", path.display()),
        };
        // Header: magic, width, height, maxval, each followed by whitespace.
        let mut fields = Vec::new();
        let mut at = 2;
        while fields.len() < 3 {
            while bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            let start = at;
            while !bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            fields.push(
                std::str::from_utf8(&bytes[start..at])
                    .expect("ascii")
                    .parse::<usize>()
                    .expect("number"),
            );
        }
        Raster {
            width: fields[0],
            height: fields[1],
            channels,
            pixels: bytes[at + 1..].to_vec(),
        }
    }

    /// Share of pixels that are not (nearly) white.
    pub fn ink(&self) -> f64 {
        let inked = self
            .pixels
            .chunks(self.channels)
            .filter(|p| p.iter().any(|&v| v < 235))
            .count();
        inked as f64 / (self.width * self.height) as f64
    }

    /// Share of pixels in the report's data colours (blue bars, lines and points, orange accents).
    pub fn data_colour(&self) -> f64 {
        let coloured = self
            .pixels
            .chunks(3)
            .filter(|p| {
                let (r, b) = (i32::from(p[0]), i32::from(p[2]));
                (b - r > 40) || (r - b > 80)
            })
            .count();
        coloured as f64 / (self.width * self.height) as f64
    }
}

/// The pages rendered at 50 dpi in grey.
pub fn pages(pdf: &Path, scratch: &Path) -> Vec<Raster> {
    let prefix = scratch.join("page");
    poppler(
        "pdftoppm",
        &[
            "-r".as_ref(),
            "50".as_ref(),
            "-gray".as_ref(),
            pdf.as_os_str(),
            prefix.as_os_str(),
        ],
    );
    rasters(scratch, "page", ".pgm")
}

/// The charts embedded in the PDF, in page order.
pub fn charts(pdf: &Path, scratch: &Path) -> Vec<Raster> {
    let prefix = scratch.join("chart");
    poppler("pdfimages", &[pdf.as_os_str(), prefix.as_os_str()]);
    rasters(scratch, "chart", ".ppm")
}

fn rasters(dir: &Path, prefix: &str, suffix: &str) -> Vec<Raster> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("list rendered files")
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.starts_with(prefix) && name.ends_with(suffix)
        })
        .collect();
    paths.sort();
    paths.iter().map(|p| Raster::read(p)).collect()
}

/// The PDF's text, laid out as on the page.
pub fn text(pdf: &Path) -> String {
    let output = poppler(
        "pdftotext",
        &["-layout".as_ref(), pdf.as_os_str(), "-".as_ref()],
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The PDF's text page by page.
pub fn page_texts(pdf: &Path) -> Vec<String> {
    let mut pages: Vec<String> = text(pdf).split('\u{c}').map(str::to_owned).collect();
    if pages.last().is_some_and(|page| page.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// A word of the PDF and where it is.
pub struct PlacedWord {
    /// Its page, from 1.
    pub page: usize,
    /// The word.
    pub text: String,
    /// Distance of its top from the page's top edge, in points.
    pub top: f64,
    /// Distance of its bottom from the page's top edge, in points.
    pub bottom: f64,
    /// Distance of its right end from the page's left edge, in points.
    pub right: f64,
}

/// Every word of the PDF with its page and height on the page, in reading order.
pub fn placed_words(pdf: &Path) -> Vec<PlacedWord> {
    let output = poppler(
        "pdftotext",
        &["-bbox".as_ref(), pdf.as_os_str(), "-".as_ref()],
    );
    let html = String::from_utf8_lossy(&output.stdout);
    let mut words = Vec::new();
    let mut page = 0;
    for line in html.lines().map(str::trim) {
        if line.starts_with("<page ") {
            page += 1;
        } else if let Some(rest) = line.strip_prefix("<word ") {
            let attribute = |name: &str| -> f64 {
                let start =
                    rest.find(&format!("{name}=\"")).expect("an attribute") + name.len() + 2;
                let end = start + rest[start..].find('"').expect("a closing quote");
                rest[start..end].parse().expect("a number")
            };
            let text = rest[rest.find('>').expect("a word") + 1..]
                .trim_end_matches("</word>")
                .to_owned();
            words.push(PlacedWord {
                page,
                text,
                top: attribute("yMin"),
                bottom: attribute("yMax"),
                right: attribute("xMax"),
            });
        }
    }
    words
}

/// How many images each page holds, first page first.
pub fn images_per_page(pdf: &Path, pages: usize) -> Vec<usize> {
    let output = poppler("pdfimages", &["-list".as_ref(), pdf.as_os_str()]);
    let mut counts = vec![0; pages];
    for line in String::from_utf8_lossy(&output.stdout).lines().skip(2) {
        let page: usize = line
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .expect("a page number");
        counts[page - 1] += 1;
    }
    counts
}

/// The document information `pdfinfo` shows, dates in ISO 8601.
pub fn info(pdf: &Path) -> String {
    let output = poppler("pdfinfo", &["-isodates".as_ref(), pdf.as_os_str()]);
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `text` on one line, its words one space apart, for sentences the PDF wraps.
pub fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The words of the first line holding all of `needles`, after `after`.
pub fn row<'t>(text: &'t str, after: &str, needles: &[&str]) -> Vec<&'t str> {
    let start = text
        .find(after)
        .unwrap_or_else(|| panic!("the report mentions {after:?}"));
    text[start..]
        .lines()
        .find(|line| {
            needles
                .iter()
                .all(|n| line.split_whitespace().any(|w| w == *n))
        })
        .unwrap_or_else(|| {
            panic!(
                "a line holding {needles:?} after {after:?}\n{}",
                &text[start..]
            )
        })
        .split_whitespace()
        .collect()
}

/// A line of the PDF's text as poppler sees it printed: its weight and colour.
#[derive(Debug)]
pub struct StyledLine {
    /// The line's text, its entities decoded.
    pub text: String,
    /// Whether it is set in a bold face.
    pub bold: bool,
    /// Its colour, `#rrggbb`.
    pub colour: String,
}

/// Every line of the PDF's text with its weight and colour, from `pdftohtml -xml`.
pub fn styled_lines(pdf: &Path) -> Vec<StyledLine> {
    let output = poppler(
        "pdftohtml",
        &[
            "-xml".as_ref(),
            "-i".as_ref(),
            "-stdout".as_ref(),
            pdf.as_os_str(),
        ],
    );
    let xml = String::from_utf8_lossy(&output.stdout);
    let attribute = |element: &str, name: &str| -> String {
        let start = element
            .find(&format!(" {name}=\""))
            .unwrap_or_else(|| panic!("{name} in {element}"))
            + name.len()
            + 3;
        let end = start + element[start..].find('"').expect("a closing quote");
        element[start..end].to_owned()
    };
    let mut colours = std::collections::HashMap::new();
    let mut lines = Vec::new();
    for line in xml.lines().map(str::trim) {
        if line.starts_with("<fontspec ") {
            colours.insert(attribute(line, "id"), attribute(line, "color"));
        } else if line.starts_with("<text ") {
            let inner = &line[line.find('>').expect("a text element") + 1..];
            let inner = inner.trim_end_matches("</text>");
            let text = inner
                .replace("<b>", "")
                .replace("</b>", "")
                .replace("<i>", "")
                .replace("</i>", "")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&#34;", "\"")
                .replace("&amp;", "&");
            lines.push(StyledLine {
                text,
                bold: inner.starts_with("<b>") || inner.starts_with("<i><b>"),
                colour: colours[&attribute(line, "font")].clone(),
            });
        }
    }
    lines
}
