//! The README's upgrade, as a user whose `sources.toml` holds changes of their own (the README
//! has them add their sources to it) runs it: the file is tracked, and the shipped one changes
//! with most versions. Needs git.

use std::path::Path;
use std::process::Command;

/// The lines of the first ```sh block of the README's "Upgrading relevé" section.
fn upgrade_commands() -> Vec<String> {
    let readme =
        std::fs::read_to_string(testkit::workspace_root().join("README.md")).expect("README.md");
    let section = readme
        .split("\n### Upgrading relevé\n")
        .nth(1)
        .expect("the README has an \"Upgrading relevé\" section");
    let section = section.split("\n### ").next().unwrap_or_default();
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("the upgrade section has a ```sh block");
    block.lines().map(str::to_owned).collect()
}

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=relevé",
            "-c",
            "user.email=releve@example.org",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Before: the README said `git pull`, which git refuses ("Your local changes to the following
/// files would be overwritten by merge: sources.toml … Aborting") once the user changed
/// `sources.toml` and the version pulled changed it too (it did in 16 of relevé's first two
/// weeks' versions): the upgrade stopped at its first command.
#[test]
fn the_readme_s_upgrade_keeps_the_user_s_own_sources_and_takes_the_shipped_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    let upstream = dir.path().join("upstream");
    std::fs::create_dir(&upstream).expect("upstream folder");
    git(&upstream, &["init", "-q", "-b", "main"]);
    let shipped = "[[source]]\nname = \"quakes\"\nurl = \"https://example.org/feed\"\n\n\
        [[source]]\nname = \"eco2mix\"\nlookback = \"3h\"\nevery = \"15m\"\n";
    std::fs::write(upstream.join("sources.toml"), shipped).expect("sources.toml");
    git(&upstream, &["add", "sources.toml"]);
    git(&upstream, &["commit", "-q", "-m", "the version installed"]);
    git(dir.path(), &["clone", "-q", "upstream", "releve"]);
    let checkout = dir.path().join("releve");
    // The user's own source, and the next version's shipped change.
    let mine = "\n[[source]]\nname = \"my-river\"\nurl = \"https://hubeau.example.org\"\n";
    let config = checkout.join("sources.toml");
    std::fs::write(&config, format!("{shipped}{mine}")).expect("the user's sources.toml");
    let upgraded = shipped.replace("every = \"15m\"", "recheck = \"35d\"\nevery = \"15m\"");
    std::fs::write(upstream.join("sources.toml"), &upgraded).expect("next version");
    git(&upstream, &["commit", "-q", "-am", "the next version"]);

    for command in upgrade_commands()
        .iter()
        .filter(|line| line.starts_with("git "))
    {
        let output = Command::new("sh")
            .args(["-c", command])
            .current_dir(&checkout)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", &checkout)
            .env("GIT_AUTHOR_NAME", "relevé")
            .env("GIT_AUTHOR_EMAIL", "releve@example.org")
            .env("GIT_COMMITTER_NAME", "relevé")
            .env("GIT_COMMITTER_EMAIL", "releve@example.org")
            .output()
            .expect("sh runs");
        assert!(
            output.status.success(),
            "the README's `{command}` fails: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let now = std::fs::read_to_string(&config).expect("sources.toml after the upgrade");
    assert_eq!(now, format!("{upgraded}{mine}"), "both changes kept");
}
