//! `scripts/demo.sh` asked for help, or given an option it does not take, in a copy of the
//! checkout's scripts with a stand-in `cargo` that records being called: it must answer
//! without building, and leave the last demo's data (`.demo/raw`, `.demo/mongo`), which the
//! README says is kept until the next demo, where it is.

mod common;

use std::path::Path;
use std::process::{Command, Output};

/// A stand-in for cargo: says it was called (and builds nothing).
const FAKE_CARGO: &str = r#"#!/bin/sh
echo "$*" >>"$(dirname "$0")/cargo-called"
"#;

/// A stand-in for `scripts/mongo-local.sh` that starts no server, so a demo that goes on
/// stops there, after clearing the last demo's data as it does before starting its server.
const FAKE_MONGO_LOCAL: &str = r#"#!/bin/sh
[ "$1" != start ] || { echo "mongo-local stand-in: no server in this test" >&2; exit 1; }
"#;

/// A copy of the scripts the demo runs, a kept demo's data, and the stand-in cargo.
fn checkout(dir: &Path) {
    let root = testkit::workspace_root();
    let _writing = common::writing_or_forking();
    for file in ["scripts/demo.sh", "scripts/packages.sh"] {
        let target = dir.join("checkout").join(file);
        std::fs::create_dir_all(target.parent().expect("a parent")).expect("make folders");
        std::fs::copy(root.join(file), &target).expect("copy a checkout file");
    }
    for kept in [".demo/raw/usgs-earthquakes", ".demo/mongo/data"] {
        let folder = dir.join("checkout").join(kept);
        std::fs::create_dir_all(&folder).expect("a kept folder");
        std::fs::write(folder.join("kept"), b"the last demo's").expect("a kept file");
    }
    common::write_executable(&dir.join("bin/cargo"), FAKE_CARGO);
    common::write_executable(
        &dir.join("checkout/scripts/mongo-local.sh"),
        FAKE_MONGO_LOCAL,
    );
}

fn demo(dir: &Path, args: &[&str]) -> Output {
    let path = format!(
        "{}:{}",
        dir.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let child = {
        let _forking = common::writing_or_forking();
        Command::new(dir.join("checkout/scripts/demo.sh"))
            .args(args)
            .env("PATH", path)
            .env_remove("CARGO_TARGET_DIR")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run demo.sh")
    };
    child.wait_with_output().expect("demo.sh ends")
}

fn kept(dir: &Path) -> bool {
    [".demo/raw/usgs-earthquakes", ".demo/mongo/data"]
        .iter()
        .all(|kept| dir.join("checkout").join(kept).join("kept").is_file())
}

#[test]
fn demo_help_prints_its_usage_without_building_or_deleting_the_last_demo() {
    let dir = tempfile::tempdir().expect("temp dir");
    checkout(dir.path());
    let output = demo(dir.path(), &["--help"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let built = std::fs::read_to_string(dir.path().join("bin/cargo-called")).unwrap_or_default();
    assert!(
        output.status.success() && built.is_empty() && kept(dir.path()),
        "`scripts/demo.sh --help` exits {:?}, called `cargo {}`, kept the last demo's data: {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status.code(),
        built.trim(),
        kept(dir.path()),
    );
}

#[test]
fn demo_refuses_an_option_it_does_not_take_without_building_or_deleting_the_last_demo() {
    let dir = tempfile::tempdir().expect("temp dir");
    checkout(dir.path());
    let output = demo(dir.path(), &["--no-build"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let built = std::fs::read_to_string(dir.path().join("bin/cargo-called")).unwrap_or_default();
    assert!(
        output.status.code() == Some(2) && built.is_empty() && kept(dir.path()),
        "`scripts/demo.sh --no-build` exits {:?}, called `cargo {}`, kept the last demo's data: {}\nstderr:\n{stderr}",
        output.status.code(),
        built.trim(),
        kept(dir.path()),
    );
}

/// A stand-in for `scripts/mongo-local.sh` that "starts" a server and prints its URI.
const FAKE_MONGO_STARTS: &str = r#"#!/bin/sh
[ "$1" != start ] || echo "mongodb://127.0.0.1:1"
"#;

/// A stand-in for the replay server: says its loopback address (`REPLAY_URL`, else
/// 127.0.0.1's), then serves nothing.
const FAKE_REPLAY: &str = r#"#!/bin/sh
echo "${REPLAY_URL:-http://127.0.0.1:1}"
exec sleep 60
"#;

/// A stand-in for the collector: notes the proxy variables it was run with.
const FAKE_COLLECTOR: &str = r#"#!/bin/sh
env | grep -i -E '^(https?|all|no)_proxy=' >"$(dirname "$0")/collector-env"
exit 0
"#;

/// `address` as a number of 128 bits (an IPv4 address in its low 32) and its width in bits.
fn bits(address: std::net::IpAddr) -> (u128, u32) {
    match address {
        std::net::IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
        std::net::IpAddr::V6(v6) => (u128::from(v6), 128),
    }
}

/// Whether the `NO_PROXY` entry `entry` names `host` (an address), as the collector's HTTP
/// client reads it: `*`, the address itself, or a network (`127.0.0.0/8`) holding it. A
/// bracketed IPv6 entry (`[::1]`) is read as a name, which no address matches.
fn exempts(entry: &str, host: std::net::IpAddr) -> bool {
    let (host, width) = bits(host);
    let (net, prefix) = entry.split_once('/').unwrap_or((entry, ""));
    let Ok(net) = net.parse::<std::net::IpAddr>() else {
        return entry == "*";
    };
    let (net, net_width) = bits(net);
    let prefix = match prefix {
        "" => width,
        prefix => prefix.parse::<u32>().unwrap_or(u32::MAX),
    };
    if net_width != width || prefix > width {
        return false;
    }
    let mask = u128::MAX.checked_shl(width - prefix).unwrap_or(0) & (u128::MAX >> (128 - width));
    host & mask == net & mask
}

/// Whether a request to `http://HOST:PORT` (`host` an address) made with `env` (`NAME=value`
/// lines) goes to a proxy, as the collector's HTTP client (and curl) read the variables:
/// `HTTP_PROXY` or `http_proxy`, else `ALL_PROXY` or `all_proxy`, unless `NO_PROXY` (else
/// `no_proxy`) names the address, a network holding it, or `*`.
fn loopback_goes_to_a_proxy(env: &str, host: &str) -> bool {
    let host: std::net::IpAddr = host.parse().expect("an address");
    let get = |names: [&str; 2]| {
        names.iter().find_map(|name| {
            env.lines()
                .find_map(|line| line.strip_prefix(&format!("{name}=")))
                .map(str::to_owned)
        })
    };
    let proxy = get(["HTTP_PROXY", "http_proxy"])
        .filter(|value| !value.is_empty())
        .or_else(|| get(["ALL_PROXY", "all_proxy"]).filter(|value| !value.is_empty()));
    let exempt = get(["NO_PROXY", "no_proxy"]).is_some_and(|list| {
        list.split(',')
            .map(str::trim)
            .any(|entry| exempts(entry, host))
    });
    proxy.is_some() && !exempt
}

/// The proxy variables the demo's collector is run with, on a campus network whose shells set
/// `HTTP_PROXY` and `HTTPS_PROXY` (without a `NO_PROXY`), its replay server saying `replay`.
fn demo_collector_env_behind_a_proxy(replay: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    checkout(dir.path());
    let root = dir.path().join("checkout");
    common::write_executable(&root.join("scripts/mongo-local.sh"), FAKE_MONGO_STARTS);
    common::write_executable(&root.join("target/debug/releve-replay"), FAKE_REPLAY);
    common::write_executable(&root.join("target/debug/collector"), FAKE_COLLECTOR);
    for stage in ["summariser", "analyser"] {
        common::write_executable(
            &root.join("target/debug").join(stage),
            "#!/bin/sh\nexit 0\n",
        );
    }
    std::fs::write(
        root.join("sources.toml"),
        "[[source]]\nname = \"usgs-earthquakes\"\nurl = \"https://earthquake.usgs.gov/feed\"\n",
    )
    .expect("a configuration");
    let path = format!(
        "{}:{}",
        dir.path().join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = {
        let _forking = common::writing_or_forking();
        let mut command = Command::new(root.join("scripts/demo.sh"));
        command.env("PATH", path).env_remove("CARGO_TARGET_DIR");
        for name in ["NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"] {
            command.env_remove(name);
        }
        command
            .env("REPLAY_URL", replay)
            .env("HTTP_PROXY", "http://proxy.univ.example:3128")
            .env("HTTPS_PROXY", "http://proxy.univ.example:3128")
            .env("http_proxy", "http://proxy.univ.example:3128")
            .env("https_proxy", "http://proxy.univ.example:3128")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run demo.sh")
    }
    .wait_with_output()
    .expect("demo.sh ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    std::fs::read_to_string(root.join("target/debug/collector-env"))
        .unwrap_or_else(|_| panic!("the demo ran its collector: {stderr}"))
}

/// The README's demo is "the main job once, end to end, offline": its API answers come from a
/// replay server on 127.0.0.1. On a campus network whose shells set `HTTP_PROXY` and
/// `HTTPS_PROXY` (without a `NO_PROXY` naming 127.0.0.1), the demo passes them on, and the
/// collector sends every request for the replay server to the campus proxy, which cannot reach
/// this machine's loopback: every source fails ("HTTP 403: an HTML page titled …" from the
/// proxy) and the demo stops. Its stages must reach the replay server directly.
#[test]
fn the_offline_demo_reaches_its_loopback_replay_server_without_the_campus_proxy() {
    let env = demo_collector_env_behind_a_proxy("http://127.0.0.1:1");
    assert!(
        !loopback_goes_to_a_proxy(&env, "127.0.0.1"),
        "the demo's collector would send its requests for http://127.0.0.1 to the proxy, with:\n{env}"
    );
}

/// The same on an IPv6-only machine, whose replay server is on `::1` (`http://[::1]:PORT`):
/// the demo's `NO_PROXY` named `127.0.0.1` and `localhost` only, so the collector sent the
/// replay server's requests to the campus proxy, as before that fix.
#[test]
fn the_offline_demo_reaches_its_replay_server_on_ipv6_loopback_without_the_campus_proxy() {
    let env = demo_collector_env_behind_a_proxy("http://[::1]:1");
    assert!(
        !loopback_goes_to_a_proxy(&env, "::1"),
        "the demo's collector would send its requests for http://[::1] to the proxy, with:\n{env}"
    );
}

/// A stand-in for a stage: notes the arguments it was run with, in `<stage>-args` beside it.
const FAKE_STAGE_NOTING_ARGS: &str = r#"#!/bin/sh
printf '%s\n' "$@" >"$0-args"
echo "$(dirname "$0")/report.pdf"
exit 0
"#;

/// A checkout whose demo runs stand-in stages that note their arguments.
fn checkout_with_stages(dir: &Path) -> std::path::PathBuf {
    checkout(dir);
    let root = dir.join("checkout");
    let _writing = common::writing_or_forking();
    common::write_executable(&root.join("scripts/mongo-local.sh"), FAKE_MONGO_STARTS);
    common::write_executable(&root.join("target/debug/releve-replay"), FAKE_REPLAY);
    for stage in ["collector", "summariser", "analyser"] {
        common::write_executable(
            &root.join("target/debug").join(stage),
            FAKE_STAGE_NOTING_ARGS,
        );
    }
    std::fs::write(
        root.join("sources.toml"),
        "[[source]]\nname = \"usgs-earthquakes\"\nurl = \"https://earthquake.usgs.gov/feed\"\n",
    )
    .expect("a configuration");
    root
}

/// The value following `option` in the arguments a stand-in stage noted.
fn noted_value(root: &Path, stage: &str, option: &str) -> Option<String> {
    let noted =
        std::fs::read_to_string(root.join("target/debug").join(format!("{stage}-args"))).ok()?;
    let args: Vec<&str> = noted.lines().collect();
    let at = args.iter().position(|arg| *arg == option)?;
    args.get(at + 1).map(|value| (*value).to_owned())
}

fn is_a_day(value: &str) -> bool {
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok()
}

/// macOS has no flock(1) (util-linux is not part of it). `scripts/demo.sh` takes its
/// one-demo-at-a-time lock with `flock -n 9`, and reads any failure of it as the lock being
/// held: on a Mac every demo stops at once with "another demo is running in …; run it again
/// when that one has finished", though none runs. The demo must run, or say that flock(1)
/// is missing, not blame a demo that does not exist.
#[test]
fn the_demo_on_a_mac_without_flock_does_not_say_another_demo_is_running() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = checkout_with_stages(dir.path());
    {
        // What bash does for a command not found: a line, and exit status 127.
        let _writing = common::writing_or_forking();
        common::write_executable(
            &dir.path().join("bin/flock"),
            "#!/bin/sh\necho \"scripts/demo.sh: line 40: flock: command not found\" >&2\nexit 127\n",
        );
    }
    let output = demo(dir.path(), &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let collected = root.join("target/debug/collector-args").is_file();
    assert!(
        !stderr.contains("another demo is running") && (collected || stderr.contains("flock")),
        "no other demo runs; the demo exits {:?}, ran its collector: {collected}\nstderr:\n{stderr}",
        output.status.code()
    );
}

/// macOS's date(1) is BSD's: no `-d` (`date: illegal option -- d`). `scripts/demo.sh` works out
/// the collector's `--since` and the analyser's `--date` with `date -u -d '2 days ago'` and
/// `date -u -d yesterday`: on a Mac the substitutions are empty and the stages are given
/// `--since ""` and `--date ""` (the collector refuses it, so the demo stops there). The demo
/// must give them the days it means.
#[test]
fn the_demo_on_a_mac_gives_its_stages_the_days_it_means_with_bsd_date() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = checkout_with_stages(dir.path());
    {
        // BSD date: `-u`, `-j`, `-v`, `-f`, `-r`, `-I`, `+format`; `-d` and long options refused.
        let _writing = common::writing_or_forking();
        common::write_executable(
            &dir.path().join("bin/date"),
            r#"#!/bin/sh
for arg in "$@"; do
    case "$arg" in
        -d* | --*)
            echo "date: illegal option -- d" >&2
            echo "usage: date [-jnRu] [-I[date|hours|minutes|seconds]] [-f input_fmt]" >&2
            echo "            [-r filename|seconds] [-v[+|-]val[y|m|w|d|H|M|S]]" >&2
            echo "            [[[[mm]dd]HH]MM[[cc]yy][.SS] | new_date] [+output_fmt]" >&2
            exit 1 ;;
    esac
done
exec /bin/date "$@"
"#,
        );
    }
    let output = demo(dir.path(), &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let since = noted_value(&root, "collector", "--since");
    let day = noted_value(&root, "analyser", "--date");
    assert!(
        since.as_deref().is_some_and(is_a_day) && day.as_deref().is_some_and(is_a_day),
        "the collector was given --since {since:?}, the analyser --date {day:?}; the demo exits {:?}\nstderr:\n{stderr}",
        output.status.code()
    );
}

/// The README's "Try it": the demo "keeps the data until the next demo … to query with the
/// queries below and the demo's day, … or to export as CSV (`target/debug/analyser export
/// --config .demo/sources.toml --mongodb-uri URI --database releve_demo --source
/// open-meteo-toulouse-hourly`)". The demo's data is one replayed day, yesterday (UTC) when the
/// demo ran, and the demo names it to its own analyser (`--date "$(days_ago 1)"`, as a run
/// before 02:00 UTC would otherwise report the day before); the export command the README gives
/// names none, so it exports the day the defaults pick at the time it is typed. Checked on a
/// demo run on 6 December (replaying the 5th): the same command under
/// `faketime '2026-12-06 01:30'` exports Friday 4 December, `rows=0` (a header alone), and
/// under `faketime '2026-12-07 09:00'` exports 6 December (the hourly forecast's tomorrow, not
/// the demo's day): a user exploring the kept demo data the next morning, as the README invites,
/// gets another day than the report's, or nothing. The command should name the demo's day.
#[test]
fn the_readmes_export_of_the_demos_data_names_the_demos_day() {
    let readme =
        std::fs::read_to_string(testkit::workspace_root().join("README.md")).expect("README.md");
    let start = readme
        .find("export --config .demo/sources.toml")
        .expect("the README's export of the demo's data");
    let end = readme[start..]
        .find('`')
        .map_or(readme.len(), |at| start + at);
    let command = readme[start..end].split_whitespace().collect::<Vec<_>>();
    assert!(
        command.contains(&"--date"),
        "the README's export of the kept demo data names no --date, so it exports the default \
         day at the time it is typed (before 02:00 UTC the day before the demo's, the next day \
         another day), not the demo's: {}",
        command.join(" ")
    );
}

/// The README's "Real set-up" puts production's `MONGODB_URI` and France Travail credentials in
/// the checkout's `.env`. A demo run again afterwards, in that checkout (to try something), gives
/// its stages its own server's URI: each stage read the production `.env` too, and warned that
/// `MONGODB_URI` "is set in the environment and, to another value, in .env: … unset it there, or
/// remove it from .env" (three times, one per stage). Removing it, as told, leaves cron's lines
/// on the default `mongodb://127.0.0.1:27017`: production stops. The demo's stages must leave
/// the production `.env` unread, and so say nothing of it.
#[test]
fn a_demo_run_after_the_real_set_up_does_not_tell_the_user_to_remove_production_settings() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = checkout_with_stages(dir.path());
    {
        let _writing = common::writing_or_forking();
        std::fs::remove_file(root.join("target/debug/analyser")).expect("the stand-in analyser");
        std::os::unix::fs::symlink(
            env!("CARGO_BIN_EXE_analyser"),
            root.join("target/debug/analyser"),
        )
        .expect("the real analyser in the checkout");
        std::fs::write(
            root.join(".env"),
            "MONGODB_URI=mongodb://127.0.0.1:2/releve\nFRANCE_TRAVAIL_CLIENT_ID=prod-id\n",
        )
        .expect("the production .env");
        std::fs::set_permissions(
            root.join(".env"),
            std::os::unix::fs::PermissionsExt::from_mode(0o600),
        )
        .expect("chmod 600 .env");
    }
    let output = demo(dir.path(), &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let ran = root.join("target/debug/summariser-args").is_file();
    assert!(
        ran && !stderr.contains(".env"),
        "the demo ran its stages: {ran}; it exits {:?}, its stages speaking of the production \
         .env:\n{stderr}",
        output.status.code()
    );
}
