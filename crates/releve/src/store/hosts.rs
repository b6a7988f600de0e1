//! How the hosts of a MongoDB URI are written: an IPv6 address needs its brackets, which the
//! driver's own words for one without them ("the hostname cannot be empty") do not say. And
//! which server a URI names, for the raw folder's record of where its database is.

use mongodb::options::{ConnectionString, HostInfo, ServerAddress};

/// The server `uri` names: its hosts, each with its port, sorted (`db1.example.org:27017,
/// db2.example.org:27017`), or the SRV name of a `mongodb+srv://` URI
/// (`mongodb+srv://cluster0.ab1cd.mongodb.net`); never its user, password, database or
/// options. Read by the driver's own parser, which DNS is not asked for; `None` for a URI it
/// cannot read.
pub fn server(uri: &str) -> Option<String> {
    match ConnectionString::parse(uri).ok()?.host_info {
        HostInfo::DnsRecord(name) => Some(format!("mongodb+srv://{}", name.to_ascii_lowercase())),
        HostInfo::HostIdentifiers(hosts) => {
            let mut hosts: Vec<String> = hosts.iter().map(address).collect();
            hosts.sort();
            hosts.dedup();
            (!hosts.is_empty()).then(|| hosts.join(","))
        }
        _ => None,
    }
}

/// Whether two servers as [`server`] writes them are one: the same, or host lists sharing a
/// host (a replica set named by some of its members in one URI, others in another).
pub fn same_server(one: &str, other: &str) -> bool {
    one.split(',')
        .any(|host| other.split(',').any(|theirs| theirs == host))
}

/// `host:port`, an IPv6 address in its brackets (`[::1]:27017`).
fn address(address: &ServerAddress) -> String {
    match address {
        ServerAddress::Tcp { host, port } if host.contains(':') => {
            format!("[{host}]:{}", port.unwrap_or(27017))
        }
        ServerAddress::Tcp { host, port } => format!("{host}:{}", port.unwrap_or(27017)),
        other => other.to_string(),
    }
}

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
    use super::{same_server, server, unbracketed_ipv6};

    #[test]
    fn an_ipv6_host_is_told_from_a_host_and_port() {
        assert!(unbracketed_ipv6("mongodb://::1"));
        assert!(unbracketed_ipv6("mongodb://u:p@2001:db8::5:27017/releve"));
        assert!(unbracketed_ipv6("mongodb://[fd00::5]:27017,fd00::6"));
        assert!(!unbracketed_ipv6("mongodb://[::1]:27017"));
        assert!(!unbracketed_ipv6("mongodb://db.example.org:27017/?a=b:c:d"));
        assert!(!unbracketed_ipv6("mongodb://admin:s3:cret/db"));
    }

    /// The server is its hosts or SRV name alone: no credentials, database or options.
    #[test]
    fn a_server_is_named_without_credentials_database_or_options() {
        assert_eq!(
            server("mongodb://alice:s3cret@DB2.example.org,db1.example.org:27018/releve?tls=true")
                .as_deref(),
            Some("db1.example.org:27018,db2.example.org:27017")
        );
        assert_eq!(
            server("mongodb+srv://alice:s3cret@Cluster0.ab1cd.mongodb.net/releve?retryWrites=true")
                .as_deref(),
            Some("mongodb+srv://cluster0.ab1cd.mongodb.net")
        );
        assert_eq!(
            server("mongodb://[::1]:27017").as_deref(),
            Some("[::1]:27017")
        );
        assert_eq!(server("http://example.org"), None);
    }

    #[test]
    fn a_replica_set_named_by_other_members_is_the_same_server() {
        assert!(same_server("a:27017,b:27017", "b:27017,c:27017"));
        assert!(!same_server(
            "127.0.0.1:27017",
            "mongodb+srv://cluster0.ab1cd.mongodb.net"
        ));
        assert!(!same_server("127.0.0.1:27017", "127.0.0.1:27018"));
    }
}
