//! A proxy variable written wrong, as a student types it in a hurry, is named in the failure
//! line without its password, in whatever form the password was left.

mod common;

use std::path::Path;

use common::{Site, collector_without_proxies, usgs_source};

/// Every file under `dir`, its text (the run's metrics and logs land there).
fn texts_under(dir: &Path) -> String {
    let mut text = String::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return text;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            text.push_str(&texts_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            text.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    text
}

/// A proxy variable without its host (`http://alice:secret`, the host forgotten after the
/// password), without its scheme, or with a password holding a space or a `#`, and no `@`
/// after it: the client cannot read it, and the line saying so showed the variable whole,
/// password included, in the terminal, the cron mail and the run's metrics. It must name the
/// variable and never the password.
#[test]
fn a_proxy_variable_written_wrong_is_named_without_its_password() {
    for value in [
        "http://alice:secret",
        "alice:secret",
        "socks5h://alice:secret",
        "http://alice:se cret",
        "http://alice:secret#1",
        "HTTP://ALICE:SECRET",
    ] {
        let site = Site::new(&usgs_source("usgs", "https://api.example.org/feed", ""));
        let mut command = collector_without_proxies(&site);
        command.env("RUST_LOG", "info").env("HTTPS_PROXY", value);
        let output = command.output().expect("collector runs");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(1), "{value}: {stderr}");
        assert!(
            stderr.contains("HTTPS_PROXY"),
            "the line names the variable to mend ({value}): {stderr}"
        );
        let said = format!("{stderr}{}", texts_under(site.dir.path())).to_lowercase();
        assert!(
            !said.contains("secret") && !said.contains("cret"),
            "never the password ({value}): {stderr}"
        );
    }
}
