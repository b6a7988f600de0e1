//! A section's credit atop the pages it runs onto, in the top margin's two lines: cut in its
//! wording, never in its address, which a reader must be able to type from any page.

use super::{CONTENT_WIDTH, ReportDocument};

/// A section's credit, in three parts, so that a cut can spare its address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credit {
    /// The wording before the address: `Source: Licence Ouverte v2.0 (RTE, via ODRÉ), `.
    pub lead: String,
    /// Where the data is published, kept whole (empty when there is none).
    pub address: String,
    /// What follows the address: `; figures last updated 2026-12-07 07:52 CET.`.
    pub tail: String,
}

impl Credit {
    /// The credit as one sentence, as the section's first page prints it.
    pub fn text(&self) -> String {
        format!("{}{}{}", self.lead, self.address, self.tail)
    }
}

/// The size of a continued page's credit, in points.
pub(super) const CREDIT: f32 = 7.0;

impl ReportDocument {
    /// `credit` in at most two lines across the content: wrapped when it fits; else its
    /// wording cut in its middle with "…" on the first line, and its address whole, then what
    /// follows it as far as it fits, on the second (an address wider than the line shortened
    /// to its scheme and host).
    pub(super) fn credit_lines(&self, credit: &Credit) -> Vec<String> {
        let wrapped = self
            .metrics
            .wrap(&credit.text(), CREDIT, false, CONTENT_WIDTH);
        if wrapped.len() <= 2 {
            return wrapped;
        }
        let fits = |text: &str| self.metrics.width(text, CREDIT, false) <= CONTENT_WIDTH;
        if credit.address.is_empty() {
            let rest = wrapped[1..].join(" ");
            return vec![
                wrapped[0].clone(),
                self.fitted(&rest, CREDIT, false, CONTENT_WIDTH),
            ];
        }
        let address = if fits(&credit.address) {
            credit.address.clone()
        } else {
            self.fitted(
                scheme_and_host(&credit.address),
                CREDIT,
                false,
                CONTENT_WIDTH,
            )
        };
        let room = CONTENT_WIDTH - self.metrics.width(&address, CREDIT, false);
        let tail = match self.fitted(&credit.tail, CREDIT, false, room) {
            tail if tail.trim() == "…" => String::new(),
            tail => tail,
        };
        vec![
            self.fitted(credit.lead.trim_end(), CREDIT, false, CONTENT_WIDTH),
            format!("{address}{tail}"),
        ]
    }
}

/// `https://host/` of an address: what still leads a reader to the publisher.
fn scheme_and_host(address: &str) -> &str {
    let host_at = address.find("://").map_or(0, |at| at + 3);
    match address[host_at..].find('/') {
        Some(slash) => &address[..=host_at + slash],
        None => address,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_shortened_to_its_scheme_and_host() {
        assert_eq!(
            scheme_and_host("https://data.example.fr/explore/dataset/x/"),
            "https://data.example.fr/"
        );
        assert_eq!(
            scheme_and_host("https://data.example.fr"),
            "https://data.example.fr"
        );
    }
}
