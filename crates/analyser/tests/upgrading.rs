//! The README's upgrade, as a user whose `sources.toml` holds changes of their own (the README
//! has them add their sources to it) runs it: the file is tracked, and the shipped one changes
//! with most versions. Needs git.

use std::path::Path;
use std::process::Command;

/// The ```sh blocks of the README's "Upgrading relevé" section, each as its lines: the upgrade,
/// then what to run once a conflict git left is mended.
fn upgrade_blocks() -> Vec<Vec<String>> {
    let readme =
        std::fs::read_to_string(testkit::workspace_root().join("README.md")).expect("README.md");
    let section = readme
        .split("\n### Upgrading relevé\n")
        .nth(1)
        .expect("the README has an \"Upgrading relevé\" section");
    let section = section.split("\n### ").next().unwrap_or_default();
    section
        .split("```sh\n")
        .skip(1)
        .filter_map(|rest| rest.split("\n```").next())
        .map(|block| block.lines().map(str::to_owned).collect())
        .collect()
}

/// The lines of the section's first ```sh block, the upgrade.
fn upgrade_commands() -> Vec<String> {
    upgrade_blocks()
        .into_iter()
        .next()
        .expect("the upgrade section has a ```sh block")
}

/// Runs the `git` lines of `commands` in `checkout` as the user's shell would; each must succeed.
fn run_git_lines(checkout: &Path, commands: &[String]) {
    for command in commands.iter().filter(|line| line.starts_with("git ")) {
        let output = Command::new("sh")
            .args(["-c", command])
            .current_dir(checkout)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", checkout)
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
/// `sources.toml` and the version pulled changed it too (21 of relevé's first 1,847 commits
/// did): the upgrade stopped at its first command.
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

    run_git_lines(&checkout, &upgrade_commands());
    let now = std::fs::read_to_string(&config).expect("sources.toml after the upgrade");
    assert_eq!(now, format!("{upgraded}{mine}"), "both changes kept");
}

/// A version that changed the very line the user changed: `git pull --autostash` leaves the
/// conflict in `sources.toml` (exit 0). Before, the README said to mend it and run `git stash
/// drop`, which left the file unmerged: the next upgrade's `git pull --autostash` was refused
/// ("Pulling is not possible because you have unmerged files"), the upgrade stopped there.
#[test]
fn a_conflict_mended_as_the_readme_says_leaves_the_next_upgrade_working() {
    let dir = tempfile::tempdir().expect("temp dir");
    let upstream = dir.path().join("upstream");
    std::fs::create_dir(&upstream).expect("upstream folder");
    git(&upstream, &["init", "-q", "-b", "main"]);
    let shipped = "[[source]]\nname = \"eco2mix\"\nevery = \"15m\"\nkind = \"opendatasoft\"\n\
        dataset = \"eco2mix-national-tr\"\nlookback = \"3h\"\n";
    std::fs::write(upstream.join("sources.toml"), shipped).expect("sources.toml");
    git(&upstream, &["add", "sources.toml"]);
    git(&upstream, &["commit", "-q", "-m", "the version installed"]);
    git(dir.path(), &["clone", "-q", "upstream", "releve"]);
    let checkout = dir.path().join("releve");
    let config = checkout.join("sources.toml");
    let mine = shipped.replace("15m", "5m");
    std::fs::write(&config, &mine).expect("the user's every");
    let next = |text: &str| {
        std::fs::write(upstream.join("sources.toml"), text).expect("next version");
        git(&upstream, &["commit", "-q", "-am", "the next version"]);
    };
    next(&shipped.replace("15m", "30m"));

    let blocks = upgrade_blocks();
    run_git_lines(&checkout, &upgrade_commands());
    let conflicted = std::fs::read_to_string(&config).expect("sources.toml");
    assert!(conflicted.contains("<<<<<<<"), "no conflict: {conflicted}");
    std::fs::write(&config, &mine).expect("the user keeps their side");
    let mended = blocks.get(1).expect("a ```sh block for a conflict mended");
    run_git_lines(&checkout, mended);

    next(&format!(
        "{}\n[[source]]\nname = \"new\"\n",
        shipped.replace("15m", "30m")
    ));
    run_git_lines(&checkout, &upgrade_commands());
    let now = std::fs::read_to_string(&config).expect("sources.toml");
    assert_eq!(now, format!("{mine}\n[[source]]\nname = \"new\"\n"));
}
