//! A checkout on a shared server (a university's, thirty students' homes on one machine): what
//! its owner is told at each run of files in it that others could change.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use axum::Router;
use axum::routing::get;
use common::{Site, usgs_body, usgs_source};
use testkit::http::LocalServer;

fn mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A checkout collecting a USGS feed from a loopback server; for a test that needs root to
/// give `what` the group `users`.
fn a_checkout_as_root(what: &str) -> Site {
    assert!(
        rustix::process::geteuid().is_root(),
        "this test needs root: it gives {what} the group `users`"
    );
    let body = usgs_body(2);
    let server = LocalServer::start(Router::new().route(
        "/feed",
        get(move || {
            let body = body.clone();
            async move { body }
        }),
    ));
    Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""))
}

/// The stderr of the real collector's run in `site`'s folder, as cron runs it.
fn collected(site: &Site) -> String {
    collected_with(site, &[])
}

/// [`collected`], with the variables `set` in the run's environment (a crontab's lines above
/// relevé's block).
fn collected_with(site: &Site, set: &[(&str, &str)]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .env("RUST_LOG", "warn")
        .env_remove("RELEVE_TRUSTED_GROUP")
        .envs(set.iter().copied())
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    stderr
}

/// A student's checkout in a home every user can enter (Debian's `useradd -m`), on a server
/// whose students share the primary group `users` under a umask of 002 (or a `chmod -R g+w`
/// for a team project): `sources.toml` is `-rw-rw-r--`, writable by every classmate, who
/// could point her keyed source's `url` at their own host and collect her API key at the next
/// minute; `.env`, `-rw-rw-rw-` after an editor's copy, lets any user set her `MONGODB_URI`
/// or an `HTTPS_PROXY` of theirs. The `.env` others could read is warned of, these never
/// were. Expected: at each run, one line for each file naming it, who can write it and
/// `chmod go-w`; none once each is `chmod go-w`. Needs root, to give `sources.toml` the group
/// `users` (gid 100, Debian's).
#[test]
fn files_others_can_write_in_a_checkout_are_said_at_each_run() {
    let site = a_checkout_as_root("sources.toml");
    mode(site.dir.path(), 0o755);
    let config = site.config();
    std::os::unix::fs::chown(&config, None, Some(100)).expect("chgrp users");
    mode(&config, 0o664);
    let dotenv = site.dir.path().join(".env");
    std::fs::write(&dotenv, "RELEVE_TEST_WRITABLE_LOG=debug\n").expect(".env");
    mode(&dotenv, 0o666);

    let said = collected(&site);
    let line = |file: &str| {
        said.lines()
            .filter(|line| line.contains(&format!("{file} can be written by")))
            .collect::<Vec<_>>()
    };
    let config_lines = line("sources.toml");
    assert!(
        config_lines.len() == 1
            && config_lines[0].contains("the members of group `users`")
            && config_lines[0].contains("`chmod go-w sources.toml`"),
        "one line says classmates can write sources.toml: {said}"
    );
    let dotenv_lines = line(".env");
    assert!(
        dotenv_lines.len() == 1
            && dotenv_lines[0].contains("every user of this machine")
            && dotenv_lines[0].contains("`chmod go-w .env`"),
        "one line says every user can write .env: {said}"
    );

    mode(&config, 0o644);
    mode(&dotenv, 0o644);
    let said = collected(&site);
    assert!(!said.contains("can be written by"), "{said}");
}

/// A team project's checkout, meant to be written by the team's group (`chmod -R g+w`, a
/// shared folder): every run warned that the group's members can write `sources.toml`, with no
/// way to say it is meant. Expected: `RELEVE_TRUSTED_GROUP=users`, in the crontab's lines
/// above relevé's block (the run's own environment), silences the warnings naming that group
/// alone; every user's write is still said; set in `.env` (which the group may write: a member
/// could silence their own change) it is not read, and that is said. Needs root, as above.
#[test]
fn a_group_trusted_to_write_the_checkout_is_named_outside_it() {
    let site = a_checkout_as_root("sources.toml");
    mode(site.dir.path(), 0o755);
    let config = site.config();
    std::os::unix::fs::chown(&config, None, Some(100)).expect("chgrp users");
    mode(&config, 0o664);
    let dotenv = site.dir.path().join(".env");
    std::fs::write(&dotenv, "RELEVE_TEST_TEAM_LOG=debug\n").expect(".env");
    mode(&dotenv, 0o666);

    let said = collected_with(&site, &[("RELEVE_TRUSTED_GROUP", "users")]);
    assert!(
        !said.contains("sources.toml can be written by"),
        "the group trusted: {said}"
    );
    assert!(
        said.contains(".env can be written by every user of this machine"),
        "every user is never trusted: {said}"
    );
    let said = collected_with(&site, &[("RELEVE_TRUSTED_GROUP", "staff")]);
    assert!(
        said.contains("sources.toml can be written by the members of group `users`"),
        "another group trusted: {said}"
    );

    mode(&dotenv, 0o644);
    std::fs::write(&dotenv, "RELEVE_TRUSTED_GROUP=users\n").expect(".env");
    let said = collected(&site);
    assert!(
        said.contains("sources.toml can be written by the members of group `users`")
            && said.contains(".env sets `RELEVE_TRUSTED_GROUP`, which is not read from it"),
        "{said}"
    );
}

/// The lines of `said` warning of the folder `folder`.
fn folder_lines<'a>(said: &'a str, folder: &Path) -> Vec<&'a str> {
    let named = format!("{} can be written by", folder.display());
    said.lines().filter(|line| line.contains(&named)).collect()
}

/// A checkout folder classmates can write (`drwxrwxr-x`, its group `users` under a umask of
/// 002, or `chmod -R g+w`), its `sources.toml` and `.env` mended with `chmod go-w`: any of them
/// could still rename their own `sources.toml` or `.env` over hers, or replace what her
/// crontab runs, and nothing was said. Expected: one line naming the folder, who can write it
/// and `chmod o-w,g-w`, whichever files are in it; none once mended, none for a folder only
/// its owner (root here) can write, none for a sticky folder (as /tmp: others cannot rename
/// over her files), none for the group trusted in `RELEVE_TRUSTED_GROUP`. Needs root, to give
/// the folder the group `users` (gid 100, Debian's).
#[test]
fn a_checkout_folder_others_can_write_is_said_once_at_each_run() {
    let site = a_checkout_as_root("the checkout");
    let folder = std::fs::canonicalize(site.dir.path()).expect("the checkout's path");
    std::os::unix::fs::chown(&folder, None, Some(100)).expect("chgrp users");
    mode(&folder, 0o775);
    mode(&site.config(), 0o644);
    std::fs::write(folder.join(".env"), "RELEVE_TEST_FOLDER_LOG=debug\n").expect(".env");
    mode(&folder.join(".env"), 0o600);

    let said = collected(&site);
    let lines = folder_lines(&said, &folder);
    let quoted = format!("`chmod o-w,g-w {}`", folder.display());
    assert!(
        lines.len() == 1
            && lines[0].contains("the members of group `users`")
            && lines[0].contains(&quoted),
        "one line says classmates can write the checkout: {said}"
    );
    assert!(!said.contains("sources.toml can be written by"), "{said}");

    mode(&folder, 0o777);
    let said = collected(&site);
    let lines = folder_lines(&said, &folder);
    assert!(
        lines.len() == 1 && lines[0].contains("every user of this machine"),
        "{said}"
    );

    let said = collected_with(&site, &[("RELEVE_TRUSTED_GROUP", "users")]);
    assert_eq!(
        folder_lines(&said, &folder).len(),
        1,
        "every user is never trusted: {said}"
    );
    mode(&folder, 0o775);
    let said = collected_with(&site, &[("RELEVE_TRUSTED_GROUP", "users")]);
    assert!(folder_lines(&said, &folder).is_empty(), "trusted: {said}");

    mode(&folder, 0o1777);
    let said = collected(&site);
    assert!(folder_lines(&said, &folder).is_empty(), "sticky: {said}");

    mode(&folder, 0o755);
    let said = collected(&site);
    assert!(
        folder_lines(&said, &folder).is_empty(),
        "its owner's: {said}"
    );
}

/// The collector a crontab runs, from a folder classmates can write (a `bin/` of the checkout
/// made `drwxrwxr-x` with the group `users`): any of them could replace the program, which
/// then runs as her at the next minute. Expected: one line naming that folder; run from the
/// checkout folder itself, one line for the two, not one each. Needs root, as above.
#[test]
fn the_folder_of_the_program_run_is_judged_as_the_checkout_s() {
    let site = a_checkout_as_root("the folder");
    let folder = std::fs::canonicalize(site.dir.path()).expect("the checkout's path");
    mode(&folder, 0o755);
    let bin = folder.join("bin");
    std::fs::create_dir(&bin).expect("bin");
    std::os::unix::fs::chown(&bin, None, Some(100)).expect("chgrp users");
    mode(&bin, 0o775);
    let program = bin.join("collector");
    let built = Path::new(env!("CARGO_BIN_EXE_collector"));
    if std::fs::hard_link(built, &program).is_err() {
        std::fs::copy(built, &program).expect("the collector copied");
    }
    let run = |program: &Path| {
        let output = Command::new(program)
            .current_dir(&folder)
            .env("RUST_LOG", "warn")
            .env_remove("RELEVE_TRUSTED_GROUP")
            .output()
            .expect("collector runs");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "{stderr}");
        stderr
    };

    let said = run(&program);
    let lines = folder_lines(&said, &bin);
    assert!(
        lines.len() == 1 && lines[0].contains("the members of group `users`"),
        "one line says classmates can replace the program: {said}"
    );
    assert!(folder_lines(&said, &folder).is_empty(), "{said}");

    std::os::unix::fs::chown(&folder, None, Some(100)).expect("chgrp users");
    mode(&folder, 0o775);
    let beside = folder.join("collector");
    std::fs::rename(&program, &beside).expect("the program moved beside sources.toml");
    let said = run(&beside);
    assert_eq!(
        said.matches("can be written by").count(),
        1,
        "one line for the folder: {said}"
    );
    assert_eq!(folder_lines(&said, &folder).len(), 1, "{said}");
}

/// The crontab runs `target/release/collector` of the checkout: `target/` made `drwxrwxr-x`
/// with the group `users` (a `chmod -R g+w` of the checkout, `release/` rebuilt 755 since)
/// lets any classmate rename `release/` aside and put a folder of theirs, and their program,
/// in its place. Expected: the folders from the program's up to the checkout's are judged, one
/// line naming `target/`. Needs root, as above.
#[test]
fn a_folder_between_the_checkout_and_its_program_is_judged_too() {
    let site = a_checkout_as_root("the folder");
    let folder = std::fs::canonicalize(site.dir.path()).expect("the checkout's path");
    mode(&folder, 0o755);
    let target = folder.join("target");
    let release = target.join("release");
    std::fs::create_dir_all(&release).expect("target/release");
    std::os::unix::fs::chown(&target, None, Some(100)).expect("chgrp users");
    mode(&target, 0o775);
    mode(&release, 0o755);
    let program = release.join("collector");
    let built = Path::new(env!("CARGO_BIN_EXE_collector"));
    if std::fs::hard_link(built, &program).is_err() {
        std::fs::copy(built, &program).expect("the collector copied");
    }
    let output = Command::new(&program)
        .current_dir(&folder)
        .env("RUST_LOG", "warn")
        .env_remove("RELEVE_TRUSTED_GROUP")
        .output()
        .expect("collector runs");
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{said}");
    let lines = folder_lines(&said, &target);
    assert!(
        lines.len() == 1 && lines[0].contains("the members of group `users`"),
        "one line says classmates can replace target/release: {said}"
    );
    assert_eq!(said.matches("can be written by").count(), 1, "{said}");
}
