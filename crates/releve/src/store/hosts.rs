//! How the hosts of a MongoDB URI are written: an IPv6 address needs its brackets, which the
//! driver's own words for one without them ("the hostname cannot be empty") do not say.

/// Whether a host of `uri` (`a:27017,b`) is an IPv6 address written without its brackets
/// (`::1`, `2001:db8::5:27017`), which the driver reads as a host and a port.
pub(super) fn unbracketed_ipv6(uri: &str) -> bool {
    let after = uri.find("://").map_or(uri, |at| &uri[at + 3..]);
    let after = after.rsplit_once('@').map_or(after, |(_, hosts)| hosts);
    let hosts = &after[..after.find(['/', '?']).unwrap_or(after.len())];
    hosts.split(',').any(|host| {
        !host.starts_with('[')
            && host.matches(':').count() >= 2
            && host
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
    })
}

#[cfg(test)]
mod tests {
    use super::unbracketed_ipv6;

    #[test]
    fn an_ipv6_host_is_told_from_a_host_and_port() {
        assert!(unbracketed_ipv6("mongodb://::1"));
        assert!(unbracketed_ipv6("mongodb://u:p@2001:db8::5:27017/releve"));
        assert!(unbracketed_ipv6("mongodb://[fd00::5]:27017,fd00::6"));
        assert!(!unbracketed_ipv6("mongodb://[::1]:27017"));
        assert!(!unbracketed_ipv6("mongodb://db.example.org:27017/?a=b:c:d"));
        assert!(!unbracketed_ipv6("mongodb://admin:s3:cret/db"));
    }
}
