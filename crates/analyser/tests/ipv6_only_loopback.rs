//! The demo's servers on a machine whose loopback has no IPv4 address (an IPv6-only server or
//! container of a university, `::1` its only loopback), simulated in a network namespace of
//! the test's own where `127.0.0.1` is removed from `lo`. Where the machine lets no user make
//! one (unprivileged user namespaces off, no `unshare` or `ip`), the tests say so and pass.

use std::path::Path;
use std::process::{Command, Output};

/// `script` run by bash with `args` (`$0`, `$1`, …) in a network namespace whose loopback
/// holds `::1` alone; `None` where no such namespace can be made here.
fn without_ipv4_loopback(script: &str, args: &[&Path]) -> Option<Output> {
    let path = format!(
        "{}:/usr/sbin:/sbin",
        std::env::var("PATH").unwrap_or_default()
    );
    let namespace = |script: &str, args: &[&Path]| {
        Command::new("unshare")
            .args(["--user", "--map-root-user", "--net", "bash", "-c"])
            // On a line of its own: a `&` of the script's first line would else put the
            // `ip` commands and it in the background as one list, its `$!` not the program's.
            .arg(format!(
                "ip link set lo up && ip addr del 127.0.0.1/8 dev lo || exit 1\n{script}"
            ))
            .args(args)
            .env("PATH", &path)
            .output()
    };
    match namespace("true", &[]) {
        Ok(output) if output.status.success() => Some(namespace(script, args).ok()?),
        _ => {
            eprintln!("no network namespace can be made here: the IPv6-only loopback is not tried");
            None
        }
    }
}

/// `scripts/mongo-local.sh start` (the demo's and the tests' server) on such a machine: it
/// stopped with a Python traceback ("OSError: [Errno 99] Cannot assign requested address"),
/// binding 127.0.0.1 to find a free port. nx-27017 listens on `::1` as well: the script must
/// start it there and print a URI the stages can use, `mongodb://[::1]:PORT`.
#[test]
fn mongo_local_starts_on_ipv6_loopback_where_there_is_no_127_0_0_1() {
    let root = testkit::workspace_root();
    let dir = tempfile::tempdir().expect("temp dir");
    let script = root.join("scripts/mongo-local.sh");
    let Some(output) = without_ipv4_loopback(
        r#"status=0; "$0" start "$1" || status=$?; "$0" stop "$1"; exit $status"#,
        &[&script, dir.path()],
    ) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.trim().starts_with("mongodb://[::1]:"),
        "the URI names the IPv6 loopback in brackets: {stdout}"
    );
}

/// The demo's replay server (`releve-replay`, serving the recorded API answers) on such a
/// machine: it stopped at once, "cannot serve on a loopback port: Cannot assign requested
/// address (os error 99)", binding 127.0.0.1 only. It must serve on `::1` and say that address.
#[test]
fn the_replay_server_serves_on_ipv6_loopback_where_there_is_no_127_0_0_1() {
    let root = testkit::workspace_root();
    let replay = testkit::binary("releve-replay");
    let dir = tempfile::tempdir().expect("temp dir");
    let said = dir.path().join("replay.url");
    let Some(output) = without_ipv4_loopback(
        r#""$0" "$1" >"$2" 2>&1 & pid=$!
for _ in $(seq 1 300); do [ -s "$2" ] && break; sleep 0.1; done
url="$(head -n1 "$2")"
python3 -c 'import socket, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1]); socket.create_connection((u.hostname, u.port), 5)' "$url"
status=$?; kill "$pid"; echo "$url"; exit $status"#,
        &[&replay, &root.join("tests/fixtures/recorded"), &said],
    ) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.trim().starts_with("http://[::1]:"),
        "the replay server says its IPv6 loopback address: {stdout}"
    );
}
