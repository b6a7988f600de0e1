//! MongoDB over TLS trusting the certificates the machine trusts, found as the collector's
//! HTTPS finds them (`rustls-native-certs`): the files `SSL_CERT_FILE` and `SSL_CERT_DIR` name
//! when either is set, else the distribution's bundle (not, as the collector does, the files of
//! its folder of certificates too: a CA put there by `openssl rehash` alone, not added to the
//! bundle by `update-ca-certificates`, is not trusted). A laboratory's own CA installed there is
//! trusted, and the roots are the system's of today, not those compiled in. The driver reads
//! its CAs from one PEM file, when the client is made: a bundle is given by its path; the
//! certificates of `SSL_CERT_DIR`'s folders are written to a temporary file.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use mongodb::options::{ClientOptions, Tls};

use super::StoreError;

/// Over TLS, unless the URI names its own CA file (`tlsCAFile`) or checks no certificate,
/// points `options` at the certificates the machine trusts; the temporary file written for
/// `SSL_CERT_DIR`'s, in `dir`, is returned, to keep until the client is made. With no bundle
/// found, the driver's compiled-in roots stay. Certificates that cannot be read (`SSL_CERT_FILE`
/// naming a file that is not there) are said: when no other is found, as the failure, as are
/// `SSL_CERT_DIR`'s folders holding none.
pub(super) fn machines_certificates(
    options: &mut ClientOptions,
    dir: &Path,
) -> Result<Option<tempfile::TempPath>, StoreError> {
    let Some(Tls::Enabled(tls)) = options.tls.as_mut() else {
        return Ok(None);
    };
    if tls.ca_file_path.is_some() || tls.allow_invalid_certificates == Some(true) {
        return Ok(None);
    }
    let named = |name| std::env::var_os(name).filter(|value| !value.is_empty());
    let (file, dirs) = (named("SSL_CERT_FILE"), named("SSL_CERT_DIR"));
    if dirs.is_none() {
        // One file, given to the driver as it is: `SSL_CERT_FILE`, else the bundle.
        tls.ca_file_path = match file.map(PathBuf::from) {
            Some(file) => Some(readable(file)?),
            None => openssl_probe::probe().cert_file,
        };
        return Ok(None);
    }
    if let Some(file) = file {
        readable(PathBuf::from(file))?;
    }
    let found = rustls_native_certs::load_native_certs();
    let unread = found.errors.iter().map(ToString::to_string);
    let skipped = skipped_in(dirs.as_deref().unwrap_or_default());
    if found.certs.is_empty() {
        let why = match unread.collect::<Vec<_>>().join("; ") {
            _ if !skipped.is_empty() => {
                format!("SSL_CERT_DIR's folders hold {}", skipped.join("; "))
            }
            unread if unread.is_empty() => format!(
                "SSL_CERT_DIR names {}, where no PEM certificate is (one exported as DER, `.cer`, is converted by `openssl x509 -inform der -in CA.cer -out CA.pem`)",
                Path::new(dirs.as_deref().unwrap_or_default()).display()
            ),
            unread => format!(
                "the certificates this machine trusts cannot be read: {unread} (SSL_CERT_FILE and SSL_CERT_DIR name them)"
            ),
        };
        return Err(StoreError::Untrusted { why });
    }
    for unread in unread {
        tracing::warn!(error = %unread, "Some of the certificates this machine trusts cannot be read; MongoDB's is checked against the others.");
    }
    for skipped in skipped {
        tracing::warn!(file = %skipped, "A file of SSL_CERT_DIR's folders holds a certificate the driver skips; MongoDB's is checked against the others.");
    }
    let written = tempfile::Builder::new()
        .prefix("releve-trusted-")
        .suffix(".pem")
        .tempfile_in(dir)
        .and_then(|mut file| {
            file.write_all(as_pem(&found.certs).as_bytes())?;
            file.flush()?;
            Ok(file.into_temp_path())
        })
        .map_err(|err| StoreError::Untrusted {
            why: format!(
                "the certificates of SSL_CERT_DIR's folders are handed to the driver in one temporary file, which cannot be written in {} ({err}): set TMPDIR to a folder this user can write",
                dir.display()
            ),
        })?;
    tls.ca_file_path = Some(written.to_path_buf());
    Ok(Some(written))
}

/// `file`, named by `SSL_CERT_FILE`, when it can be read and the driver reads every certificate
/// it holds: its PEM reader (the one used here) begins a certificate only on a line beginning
/// with `-----BEGIN `, so one after a byte-order mark, or indented, is skipped without a word,
/// and a file of none, or a folder, leaves the driver trusting no CA at all.
fn readable(file: PathBuf) -> Result<PathBuf, StoreError> {
    let why = match std::fs::read(&file) {
        Ok(text) => match unread_certificates(&text) {
            None => return Ok(file),
            Some(why) => why,
        },
        Err(err) if file.is_dir() => {
            format!("a folder ({err}), which SSL_CERT_DIR names, not SSL_CERT_FILE")
        }
        Err(err) => format!("which cannot be read ({err})"),
    };
    Err(StoreError::Untrusted {
        why: format!(
            "SSL_CERT_FILE names {}, {why}: name the bundle of the certificates this machine trusts, or unset it",
            file.display()
        ),
    })
}

/// The files of the folders `dirs` names (`SSL_CERT_DIR`, `:`-separated) holding a certificate
/// the driver's PEM reader skips, each with why, in order: the reader used for the folders
/// skips it without a word, as it does in `SSL_CERT_FILE` (see [`readable`]). Files holding no
/// PEM certificate at all (a README, a DER file said otherwise) are not named.
fn skipped_in(dirs: &std::ffi::OsStr) -> Vec<String> {
    let mut skipped = Vec::new();
    for dir in std::env::split_paths(dirs).filter(|dir| !dir.as_os_str().is_empty()) {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.flatten().map(|entry| entry.path()) {
            // Following links, as `openssl rehash` makes them.
            let Ok(text) = std::fs::read(&path) else {
                continue;
            };
            if !text
                .windows(PEM_CERTIFICATE.len())
                .any(|at| at == PEM_CERTIFICATE)
            {
                continue;
            }
            if let Some(why) = unread_certificates(&text) {
                skipped.push(format!("{}, {why}", path.display()));
            }
        }
    }
    skipped.sort();
    skipped
}

/// Why the driver would not read every certificate of the PEM `text`; `None` when it would.
fn unread_certificates(text: &[u8]) -> Option<String> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let written = text
        .windows(PEM_CERTIFICATE.len())
        .filter(|at| *at == PEM_CERTIFICATE)
        .count();
    let read = CertificateDer::pem_slice_iter(text)
        .filter(Result::is_ok)
        .count();
    let mark = if text.windows(BOM.len()).any(|at| at == BOM) {
        " (a byte-order mark before one: save the file without)"
    } else {
        " (one that does not begin its line?)"
    };
    match (read, written) {
        (0, 0) => {
            Some("which holds no PEM certificate (a line `-----BEGIN CERTIFICATE-----`)".to_owned())
        }
        (0, 1) => Some(format!("whose certificate the driver does not read{mark}")),
        (read, written) if read < written => Some(format!(
            "of whose {written} certificates the driver reads {read}{mark}"
        )),
        _ => None,
    }
}

/// How a PEM certificate begins.
const PEM_CERTIFICATE: &[u8] = b"-----BEGIN CERTIFICATE-----";

/// A UTF-8 byte-order mark.
const BOM: &[u8] = "\u{feff}".as_bytes();

/// `certificates` as PEM, one `CERTIFICATE` block each.
fn as_pem(certificates: &[impl AsRef<[u8]>]) -> String {
    let mut pem = String::new();
    for certificate in certificates {
        let encoded = base64::engine::general_purpose::STANDARD.encode(certificate.as_ref());
        pem.push_str("-----BEGIN CERTIFICATE-----\n");
        for line in encoded.as_bytes().chunks(64) {
            // Base64 is ASCII: each chunk is text.
            pem.push_str(&String::from_utf8_lossy(line));
            pem.push('\n');
        }
        pem.push_str("-----END CERTIFICATE-----\n");
    }
    pem
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As the driver's PEM reader would read them: a certificate after a byte-order mark on its
    /// line is skipped, one after a mark on a comment line is read (found by the reviews).
    #[test]
    fn a_certificate_the_driver_would_skip_is_told() {
        let block = as_pem(&[vec![7u8; 40]]);
        let bom = "\u{feff}";
        assert_eq!(unread_certificates(block.as_bytes()), None);
        assert_eq!(
            unread_certificates(format!("{bom}# Laboratory CA\n{block}").as_bytes()),
            None
        );
        let hidden = unread_certificates(format!("{block}{bom}{block}").as_bytes());
        assert!(
            hidden
                .as_deref()
                .is_some_and(|why| why
                    .contains("of whose 2 certificates the driver reads 1 (a byte-order mark")),
            "{hidden:?}"
        );
        assert!(
            unread_certificates(b"# nothing\n")
                .is_some_and(|why| why.contains("no PEM certificate"))
        );
    }

    #[test]
    fn certificates_are_written_as_pem_blocks_of_64_characters() {
        let pem = as_pem(&[vec![0u8; 100], vec![0u8; 100]]);
        assert_eq!(pem.matches("-----BEGIN CERTIFICATE-----\n").count(), 2);
        let lines: Vec<&str> = pem.lines().collect();
        // 100 bytes are 136 characters of base64.
        assert_eq!(
            lines[1..5]
                .iter()
                .map(|line| line.len())
                .collect::<Vec<_>>(),
            [64, 64, 8, 25]
        );
        assert_eq!(lines[4], "-----END CERTIFICATE-----");
    }
}
