//! The README's command blocks (```sh) as users paste them into their own interactive shell.
//! macOS's login shell is zsh, whose interactive shell, with its default options, does not take
//! `#` as a comment (`INTERACTIVE_COMMENTS` is off): a `# …` after a command is more words of
//! that command, in which `(`, `'` and `;` still act. Checked with zsh 5.9 started with `zsh -f
//! -i` (no start-up files), the blocks pasted as they stand; bash, dash and fish run them.

/// The lines of the README's ```sh blocks in the section whose heading holds `heading`, up to
/// the next heading of its level or above, with their line numbers (from 1).
fn sh_block_lines(heading: &str) -> Vec<(usize, String)> {
    let readme =
        std::fs::read_to_string(testkit::workspace_root().join("README.md")).expect("README.md");
    let lines: Vec<&str> = readme.lines().collect();
    let level = |line: &str| {
        let marks = line.chars().take_while(|c| *c == '#').count();
        (marks > 0 && line[marks..].starts_with(' ')).then_some(marks)
    };
    let (start, start_level) = lines
        .iter()
        .enumerate()
        .find_map(|(at, line)| {
            level(line)
                .filter(|_| line.contains(heading))
                .map(|marks| (at, marks))
        })
        .unwrap_or_else(|| panic!("the README has no heading holding {heading:?}"));
    let mut found = Vec::new();
    let mut in_sh_block = false;
    let mut in_other_block = false;
    for (at, line) in lines.iter().enumerate().skip(start + 1) {
        if line.starts_with("```") {
            if in_sh_block || in_other_block {
                in_sh_block = false;
                in_other_block = false;
            } else if line.trim_end() == "```sh" {
                in_sh_block = true;
            } else {
                in_other_block = true;
            }
            continue;
        }
        if in_sh_block {
            found.push((at + 1, (*line).to_owned()));
        } else if !in_other_block && level(line).is_some_and(|marks| marks <= start_level) {
            break;
        }
    }
    assert!(
        !found.is_empty(),
        "the README's section {heading:?} has no ```sh block"
    );
    found
}

/// What a shell reading `#` as a comment leaves out of `line`, which zsh's interactive shell
/// reads as words of the command: from a `#` beginning a word outside quotes to the line's end.
fn comment_zsh_reads_as_words(line: &str) -> Option<&str> {
    let mut quote = None;
    let mut word_start = true;
    let mut escaped = false;
    for (at, c) in line.char_indices() {
        if escaped {
            escaped = false;
            word_start = false;
            continue;
        }
        match (quote, c) {
            (None, '#') if word_start => return Some(&line[at..]),
            (None, '\\') | (Some('"'), '\\') => escaped = true,
            (None, '\'' | '"') => quote = Some(c),
            (Some(open), c) if c == open => quote = None,
            _ => {}
        }
        word_start = quote.is_none() && (c.is_whitespace() || matches!(c, ';' | '&' | '|'));
    }
    None
}

/// The lines of a section's ```sh blocks that zsh runs otherwise than bash, each with its
/// comment.
fn lines_with_comments(heading: &str) -> Vec<String> {
    sh_block_lines(heading)
        .into_iter()
        .filter_map(|(number, line)| {
            comment_zsh_reads_as_words(&line)
                .map(|comment| format!("README.md:{number}: {line}\n    zsh's words: {comment}"))
        })
        .collect()
}

/// README, "Try it": the first block a new user pastes, and the README says of macOS that
/// "`scripts/demo.sh` runs as above". Pasted into macOS's zsh (its default options), each
/// line's `# …` is more arguments: `scripts/demo.sh # the main job once, end to end, offline;
/// prints where the PDF is` runs `scripts/demo.sh '#' the main job …`, which answers "demo:
/// unknown option `#` (it takes none): see scripts/demo.sh --help" (exit 2, nothing built),
/// then "zsh: command not found: prints"; `scripts/test.sh # the whole test suite (installs
/// poppler-utils and nx-27017 first)` stops at "zsh: unknown file attribute: i" (zsh reads
/// `(installs …)` as a glob qualifier) and runs nothing. Neither command runs; the student is
/// told of an option they never typed. The comments belong in the text around the block (or
/// the README should say the blocks are for bash and `setopt interactivecomments` in zsh).
#[test]
fn the_readmes_try_it_commands_run_when_pasted_into_macos_zsh() {
    let failing = lines_with_comments("## Try it");
    assert!(
        failing.is_empty(),
        "pasted into zsh (macOS's shell, interactive comments off by default), these \"Try \
         it\" lines pass their comment to the command as arguments (`demo: unknown option \
         `#``; `zsh: unknown file attribute: i`), so neither the demo nor the tests run:\n{}",
        failing.join("\n")
    );
}

/// README, "MongoDB": `export MONGODB_URI='…'` then `target/release/summariser --database
/// releve     # --mongodb-uri URI overrides MONGODB_URI`. In zsh the comment is more
/// arguments, `'#' --mongodb-uri URI overrides MONGODB_URI`: the summariser stops at
/// "summariser: unexpected argument '#' found (see --help)" (exit 2), so the first run of a
/// real set-up fails on words the user did not mean to type (the message names the `#`, not
/// the shell).
#[test]
fn the_readmes_first_summariser_run_on_a_real_mongodb_runs_when_pasted_into_zsh() {
    let failing = lines_with_comments("### MongoDB");
    assert!(
        failing.is_empty(),
        "pasted into zsh, the MongoDB set-up's summariser line is given its comment as \
         arguments and stops at `summariser: unexpected argument '#' found`:\n{}",
        failing.join("\n")
    );
}

/// README, "Crontab" and "Install the schedule": `scripts/install-cron.sh              #
/// builds release binaries, installs relevé's lines for this user` and its siblings. In zsh
/// each comment is more arguments, which the installer refuses ("install-cron.sh: unknown
/// option `#`", its usage, exit 2: nothing installed); `--no-build   # refresh the lines only
/// (binaries already built)` stops at "zsh: unknown file attribute: b"; `--mailto
/// ops@example.org  # and mail …` is refused as the first; and the apostrophe of `relevé's`
/// opens a quote, so zsh waits at `quote>` and joins the next line into the same command (the
/// "Crontab" block's two lines become one refused command; "Install the schedule"'s last line
/// waits at `quote>` for a closing quote). Pasted as the README gives them, the schedule is never
/// installed, nor removed by `--uninstall`.
#[test]
fn the_readmes_crontab_install_commands_install_when_pasted_into_zsh() {
    let mut failing = lines_with_comments("### Crontab");
    failing.extend(lines_with_comments("### Install the schedule"));
    assert!(
        failing.is_empty(),
        "pasted into zsh, these install-cron.sh lines pass their comment as arguments \
         (`install-cron.sh: unknown option `#``, `zsh: unknown file attribute: b`) or open a \
         quote at `relevé's` (zsh's `quote>` prompt), so nothing is installed or removed:\n{}",
        failing.join("\n")
    );
}

/// README, "systemd timers instead of cron", the set-up for "a machine without cron (Fedora,
/// Arch, a cloud image)": in zsh, `scripts/install-systemd.sh              # builds release
/// binaries, writes the units, starts the timers` and `--uninstall  # stop the timers, remove
/// the units` are refused ("install-systemd.sh: unknown option `#`", its usage, exit 2: no unit
/// written or removed), `--no-build   # refresh the units only (binaries already built)` stops
/// at "zsh: unknown file attribute: b", and `sudo loginctl enable-linger "$USER"     # the
/// timers run while you are logged out, and after a reboot` hands loginctl `#`, `the`,
/// `timers`, … as more users to let linger (no such users: loginctl's error names user `#`;
/// not run here, no systemd manager).
#[test]
fn the_readmes_systemd_timer_commands_install_when_pasted_into_zsh() {
    let failing = lines_with_comments("### systemd timers");
    assert!(
        failing.is_empty(),
        "pasted into zsh, these systemd set-up lines pass their comment as arguments \
         (`install-systemd.sh: unknown option `#``, `zsh: unknown file attribute: b`, \
         `loginctl enable-linger USER '#' the timers …`), so no unit is written, refreshed or \
         removed:\n{}",
        failing.join("\n")
    );
}

/// Every ```sh block of the README, whatever its section, runs as pasted into zsh: no `# …`
/// after or in place of a command, and no synopsis (`[--config F]`, a pattern zsh refuses
/// when it matches nothing); a command's options are said in the prose beside it.
#[test]
fn no_command_block_of_the_readme_carries_a_comment_or_a_synopsis() {
    let readme =
        std::fs::read_to_string(testkit::workspace_root().join("README.md")).expect("README.md");
    let mut block: Option<String> = None;
    let mut failing = Vec::new();
    for (at, line) in readme.lines().enumerate() {
        if let Some(fence) = line.strip_prefix("```") {
            block = match block {
                Some(_) => None,
                None => Some(fence.trim().to_owned()),
            };
            continue;
        }
        let synopsis = line.split_whitespace().any(|word| word.starts_with('['));
        if block.as_deref() == Some("sh")
            && (comment_zsh_reads_as_words(line).is_some() || synopsis)
        {
            failing.push(format!("README.md:{}: {line}", at + 1));
        }
    }
    assert!(
        failing.is_empty(),
        "```sh lines zsh runs otherwise than bash (a comment, a synopsis):\n{}",
        failing.join("\n")
    );
}
