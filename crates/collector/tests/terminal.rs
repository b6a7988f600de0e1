//! The collector's log read on a terminal: coloured, unless the user asked for no colours
//! (`NO_COLOR`, <https://no-color.org>) or the terminal cannot show them (`TERM=dumb`, as on a
//! serial console or in Emacs' shell, where each escape code shows as `^[[2m` garbage).
//!
//! A terminal is given by util-linux's `script(1)`, which runs the collector on a
//! pseudo-terminal and copies what it shows.
//!
//! Its progress bars are drawn in ASCII: on a terminal in a Latin-1 locale
//! (`fr_FR.ISO-8859-1`) each `█` of a UTF-8 bar is three characters, two of them control
//! codes (one sets a tab stop), and the bar overflows its line.

mod common;

use std::process::Command;

use axum::Router;
use axum::routing::get;
use common::{Site, usgs_body, usgs_source};
use testkit::http::LocalServer;

/// What a terminal of type `term` (unset when `None`) shows of `collector --check`, with
/// `NO_COLOR` set to `no_color` (unset when `None`). `RUST_LOG=verbose` (not a level) makes
/// the collector log a warning at once, before any other work.
fn shown_on_a_terminal(term: Option<&str>, no_color: Option<&str>) -> String {
    let site = Site::new(&usgs_source("usgs", "http://127.0.0.1:9/feed", ""));
    let collector = env!("CARGO_BIN_EXE_collector");
    let mut command = Command::new("script");
    command
        .args(["-qec", &format!("'{collector}' --check"), "/dev/null"])
        .current_dir(site.dir.path())
        .env("RUST_LOG", "verbose")
        .env_remove("TERM")
        .env_remove("NO_COLOR");
    if let Some(term) = term {
        command.env("TERM", term);
    }
    if let Some(no_color) = no_color {
        command.env("NO_COLOR", no_color);
    }
    let output = command
        .output()
        .expect("util-linux's script(1) gives the collector a terminal");
    let shown = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(shown.contains("RUST_LOG cannot be read"), "{shown}");
    shown
}

#[test]
fn a_terminal_shows_the_log_in_colour() {
    let shown = shown_on_a_terminal(Some("xterm"), None);
    assert!(shown.contains("\u{1b}["), "{shown}");
}

#[test]
fn no_color_keeps_escape_codes_off_the_terminal() {
    let shown = shown_on_a_terminal(Some("xterm"), Some("1"));
    assert!(!shown.contains('\u{1b}'), "{shown:?}");
}

#[test]
fn a_dumb_terminal_is_shown_no_escape_codes() {
    for term in [Some("dumb"), None] {
        let shown = shown_on_a_terminal(term, None);
        assert!(!shown.contains('\u{1b}'), "TERM={term:?}: {shown:?}");
    }
}

/// The lines of `collector --help` wider than `columns`, in a terminal of that width
/// (`COLUMNS`, as a shell gives it to a pipe into `less`).
fn help_lines_wider_than(columns: usize) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(dir.path())
        .arg("--help")
        .env("COLUMNS", columns.to_string())
        .output()
        .expect("collector --help runs");
    assert!(output.status.success());
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| line.chars().count() > columns)
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_help_is_wrapped_to_the_terminal() {
    for columns in [80, 40] {
        let wide = help_lines_wider_than(columns);
        assert!(wide.is_empty(), "wider than {columns} columns: {wide:#?}");
    }
}

#[test]
fn the_progress_bar_is_drawn_in_ascii() {
    let body = usgs_body(3);
    let server = LocalServer::start(Router::new().route("/feed", get(move || async move { body })));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let collector = env!("CARGO_BIN_EXE_collector");
    let output = Command::new("script")
        .args(["-qec", &format!("'{collector}' --force"), "/dev/null"])
        .current_dir(site.dir.path())
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env("LC_ALL", "C")
        .output()
        .expect("util-linux's script(1) gives the collector a terminal");
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(
        shown.contains("records"),
        "a progress bar is drawn: {shown}"
    );
    assert!(shown.is_ascii(), "{shown}");
    assert_eq!(site.data_files("usgs").len(), 1, "{shown}");
}

/// `collector --force` typed in an 80-column terminal: a source of a long name drew a bar
/// line of 84 columns, folded by the terminal onto two lines at each redraw.
#[test]
fn the_progress_bar_fits_an_80_column_terminal() {
    let body = usgs_body(3);
    let server = LocalServer::start(Router::new().route("/feed", get(move || async move { body })));
    let name = "open-meteo-toulouse-hourly";
    let site = Site::new(&usgs_source(name, &format!("{}/feed", server.url()), ""));
    let collector = env!("CARGO_BIN_EXE_collector");
    let output = Command::new("script")
        .args([
            "-qec",
            &format!("stty rows 24 cols 80; '{collector}' --force"),
            "/dev/null",
        ])
        .current_dir(site.dir.path())
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env("LC_ALL", "C")
        .output()
        .expect("util-linux's script(1) gives the collector a terminal");
    let shown = String::from_utf8_lossy(&output.stdout);
    let bars: Vec<String> = shown
        .split(['\r', '\n'])
        .map(|drawn| without_escape_codes(drawn).trim_end().to_owned())
        .filter(|drawn| drawn.contains(" records ") && drawn.contains(name))
        .collect();
    assert!(!bars.is_empty(), "a progress bar is drawn: {shown:?}");
    let wide: Vec<_> = bars.iter().filter(|bar| bar.chars().count() > 80).collect();
    assert!(wide.is_empty(), "wider than 80 columns: {wide:#?}");
}

/// `drawn` without the terminal's control sequences (`ESC [` … a letter) indicatif moves the
/// cursor and clears lines with.
fn without_escape_codes(drawn: &str) -> String {
    let mut text = String::new();
    let mut chars = drawn.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().skip(1).find(char::is_ascii_alphabetic);
        } else {
            text.push(c);
        }
    }
    text
}
