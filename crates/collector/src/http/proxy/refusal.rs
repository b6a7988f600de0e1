//! How a proxy refused a tunnel, learnt by asking it once more: the HTTP client keeps neither
//! the status nor the page of a refused `CONNECT`, nor the login schemes a 407 offers.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::Proxy;

/// How long the proxy's refusal of a tunnel is waited for when asked again.
const ASKED_AGAIN: Duration = Duration::from_secs(10);

/// How a proxy refused a tunnel.
pub(super) struct Refusal {
    pub(super) status: u16,
    /// Its page's words, else its reason phrase.
    pub(super) page: String,
    /// The login schemes its `Proxy-Authenticate` headers offer (`Basic`, `NTLM`, `Negotiate`).
    pub(super) schemes: Vec<String>,
}

impl Refusal {
    /// Whether it takes a user name and password as the client sends them: `Basic`, or a
    /// proxy that says nothing of its schemes.
    pub(super) fn takes_basic(&self) -> bool {
        self.schemes.is_empty()
            || self
                .schemes
                .iter()
                .any(|scheme| scheme.eq_ignore_ascii_case("basic"))
    }
}

/// Whether the proxy is asked again with its variable's login.
#[derive(PartialEq)]
pub(super) enum Login {
    Given,
    Left,
}

/// How an `http://` proxy refuses a tunnel to `target`, asked once more: the client keeps
/// neither its status nor its page (a policy's 403 and an unreachable API's 502 read alike),
/// nor the login schemes a 407 offers.
pub(super) async fn asked_again(proxy: &Proxy, target: &str, login: Login) -> Option<Refusal> {
    if proxy.uri.scheme_str() != Some("http") {
        return None;
    }
    // An IPv6 address without the brackets of its URI.
    let host = proxy
        .uri
        .host()?
        .trim_start_matches('[')
        .trim_end_matches(']');
    let port = proxy.uri.port_u16().unwrap_or(80);
    let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some(auth) = proxy
        .basic_auth
        .as_ref()
        .filter(|_| login == Login::Given)
        .and_then(|auth| auth.to_str().ok())
    {
        request.push_str(&format!("Proxy-Authorization: {auth}\r\n"));
    }
    request.push_str("Connection: close\r\n\r\n");
    let answer = async {
        let mut stream = tokio::net::TcpStream::connect((host, port)).await.ok()?;
        stream.write_all(request.as_bytes()).await.ok()?;
        let mut answer = Vec::new();
        let mut chunk = [0u8; 8192];
        // Until the proxy closes, or a pause once something came (a connection kept open).
        while answer.len() < 64 * 1024 {
            let wait = if answer.is_empty() {
                ASKED_AGAIN
            } else {
                Duration::from_millis(500)
            };
            match tokio::time::timeout(wait, stream.read(&mut chunk)).await {
                Ok(Ok(read)) if read > 0 => answer.extend_from_slice(&chunk[..read]),
                _ => break,
            }
        }
        Some(answer)
    };
    let answer = tokio::time::timeout(ASKED_AGAIN * 2, answer)
        .await
        .ok()
        .flatten()?;
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    let httparse::Status::Complete(head) = response.parse(&answer).ok()? else {
        return None;
    };
    let status = response.code.filter(|status| *status != 200)?;
    let schemes = response
        .headers
        .iter()
        .filter(|header| header.name.eq_ignore_ascii_case("proxy-authenticate"))
        .filter_map(|header| std::str::from_utf8(header.value).ok())
        .flat_map(challenge_schemes)
        .collect();
    let page = match &answer[head..] {
        [] => response.reason.unwrap_or_default().to_owned(),
        body => crate::http::retry::api_message(body),
    };
    Some(Refusal {
        status,
        page,
        schemes,
    })
}

/// The login schemes the `Proxy-Authenticate` headers of an answer offer.
pub(super) fn schemes_of(headers: &http::HeaderMap) -> Vec<String> {
    headers
        .get_all(http::header::PROXY_AUTHENTICATE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(challenge_schemes)
        .collect()
}

/// The schemes of the challenges one `Proxy-Authenticate` value lists (RFC 9110 allows several,
/// comma-separated: `Negotiate, NTLM, Basic realm="campus"`): the first word of each part, when
/// it is a token and no `name=value` parameter of the challenge before.
fn challenge_schemes(value: &str) -> Vec<String> {
    // Commas within a quoted parameter (`realm="Campus, Main Site"`) part nothing.
    let mut quoted = false;
    let parts = value.split(|c: char| {
        if c == '"' {
            quoted = !quoted;
        }
        c == ',' && !quoted
    });
    parts
        .filter_map(|part| part.split_whitespace().next())
        .filter(|word| {
            word.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::challenge_schemes;

    /// A Digest proxy whose realm holds a comma (`realm="Campus, Main Site"`): the words after
    /// the comma inside the quotes are no challenge, yet `Main` is read as a scheme, and the
    /// collector's line says the proxy "asks for a Digest or Main login for a tunnel to …".
    #[test]
    fn a_comma_inside_a_quoted_realm_is_not_read_as_another_login_scheme() {
        assert_eq!(
            challenge_schemes(r#"Digest realm="Campus, Main Site", qop="auth", nonce="abc""#),
            ["Digest"]
        );
    }

    #[test]
    fn each_challenge_of_a_proxy_authenticate_value_is_read() {
        assert_eq!(
            challenge_schemes(r#"Negotiate, NTLM, Basic realm="campus, main""#),
            ["Negotiate", "NTLM", "Basic"]
        );
        assert_eq!(challenge_schemes("NTLM"), ["NTLM"]);
        assert_eq!(
            challenge_schemes(r#"Digest realm="x", qop="auth", nonce="abc""#),
            ["Digest"]
        );
    }
}
