//! The hosts that have answered JSON in a source's run: an HTML page refusing a request of one
//! of them (a WAF's `Access denied`, a reverse proxy's 404) is its own error page, not a public
//! Wi-Fi's sign-in page, which answers every address from the first request on.

use std::collections::HashSet;
use std::sync::Mutex;

/// The origins (`https://host:port`) that have answered JSON, under any status.
#[derive(Debug, Default)]
pub(super) struct JsonHosts(Mutex<HashSet<String>>);

impl JsonHosts {
    /// Notes that `origin` answered JSON.
    pub(super) fn note(&self, origin: &str) {
        if let Ok(mut origins) = self.0.lock()
            && !origins.contains(origin)
        {
            origins.insert(origin.to_owned());
        }
    }

    /// Whether `origin` has answered JSON in this run.
    pub(super) fn answered(&self, origin: &str) -> bool {
        self.0.lock().is_ok_and(|origins| origins.contains(origin))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_is_known_once_it_answered_json() {
        let hosts = JsonHosts::default();
        assert!(!hosts.answered("https://data.example.org"));
        hosts.note("https://data.example.org");
        assert!(hosts.answered("https://data.example.org"));
        assert!(!hosts.answered("https://data.example.org:8443"));
    }
}
