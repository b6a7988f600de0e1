//! A Python front (`tests/fixtures/*.py`) before the shared test server: it listens on a free
//! loopback port, printed on its first line, and passes the bytes on to the server, changed as
//! the script says (TLS ended there, queries held).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running front; killed when dropped.
pub struct Front {
    child: Child,
    /// The loopback port it listens on.
    pub port: u16,
}

impl Front {
    /// Starts `tests/fixtures/<script>` before the shared test server, with `args` after the
    /// server's port.
    pub fn start(script: &str, args: &[&Path]) -> Front {
        let upstream = testkit::MongoServer::shared()
            .uri()
            .rsplit(':')
            .next()
            .and_then(|port| port.trim_end_matches('/').parse::<u16>().ok())
            .expect("the test server's port");
        let mut child = Command::new("python3")
            .arg(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fixtures")
                    .join(script),
            )
            .arg(upstream.to_string())
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs the front");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("its stdout"))
            .read_line(&mut line)
            .expect("its port");
        let port = line.trim().parse().expect("a port");
        Front { child, port }
    }
}

impl Drop for Front {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
