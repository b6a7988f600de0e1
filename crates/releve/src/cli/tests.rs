//! Unit tests of the command line the stages share.

use clap::{CommandFactory, Parser};

use super::arguments::{
    advice, first_line, options_before, refused_option, suggestion, taken_elsewhere,
};
use super::*;
use crate::store::DEFAULT_URI;

/// A URI given with spaces around it (a quoted variable) is read trimmed by the run, so its
/// password on the command line is warned of as without them.
#[test]
fn a_password_uri_with_spaces_around_is_warned_of() {
    let given = |uri: &str| {
        uri_with_secret_given(
            ["--mongodb-uri", uri]
                .map(std::ffi::OsString::from)
                .into_iter(),
        )
    };
    assert!(given("mongodb://alice:s3cret@db.example.org/x"));
    assert!(given("  mongodb://alice:s3cret@db.example.org/x "));
    assert!(!given(" mongodb://db.example.org/x"));
    for refused_at_once in [
        "mongodb://alice:s3:cret@db.example.org/x",
        "mongodb://alice:s3/cret@db.example.org/x",
        "mongodb://alice:s3%cret@db.example.org/x",
        "mongodb://alice:s3@cret@db.example.org/x",
        "mongodb+srv://alice:s3:cret@cluster0.example.net/x",
        "mysql://alice:s3cret@db.example.org/x",
    ] {
        assert!(!given(refused_at_once), "{refused_at_once}");
    }
    assert!(given("mongodb+srv://alice:s3cret@cluster0.example.net/x"));
}

#[test]
fn the_configuration_s_folder_is_read_from_the_command_line_before_clap() {
    let folder = |args: &[&str]| {
        config_given(args.iter().map(std::ffi::OsString::from))
            .as_deref()
            .and_then(folder_of)
            .map(|folder| folder.display().to_string())
    };
    assert_eq!(
        folder(&["--force", "--config", "/srv/releve/sources.toml"]).as_deref(),
        Some("/srv/releve")
    );
    assert_eq!(
        folder(&["--config=../releve/sources.toml"]).as_deref(),
        Some("../releve")
    );
    assert_eq!(
        folder(&["--config", "sources.toml"]),
        None,
        "the working folder"
    );
    assert_eq!(folder(&["--force"]), None);
    assert_eq!(folder(&["--", "--config", "/x/sources.toml"]), None);
}

#[derive(clap::Parser)]
struct Cli {
    #[command(flatten)]
    mongo: MongoArgs,
}

#[test]
fn a_command_line_that_cannot_be_read_is_said_in_clap_s_first_line() {
    let err = Cli::try_parse_from(["stage", "--bogus"])
        .err()
        .expect("refused");
    assert_eq!(first_line(&err), "unexpected argument '--bogus' found");
    assert!(err.use_stderr());
    let err = Cli::try_parse_from(["stage", "--mongodb-uri"])
        .err()
        .expect("refused");
    assert_eq!(
        first_line(&err),
        "a value is required for '--mongodb-uri <URI>' but none was supplied"
    );
    assert_eq!(suggestion(&err), None);
    let err = Cli::try_parse_from(["stage", "--databse", "x"])
        .err()
        .expect("refused");
    assert_eq!(suggestion(&err).as_deref(), Some("--database"), "{err}");
    let help = Cli::try_parse_from(["stage", "--help"])
        .err()
        .expect("help");
    assert!(!help.use_stderr(), "help is printed, not refused");
}

#[derive(clap::Parser)]
#[command(args_conflicts_with_subcommands = true)]
struct WithSubcommands {
    #[command(subcommand)]
    command: Option<Subcommand>,
    #[command(flatten)]
    mongo: MongoArgs,
    #[arg(long)]
    only_here: bool,
}

#[derive(clap::Subcommand)]
enum Subcommand {
    Status {
        #[command(flatten)]
        mongo: MongoArgs,
        #[arg(long)]
        json: bool,
    },
}

#[test]
fn options_before_a_subcommand_are_said_to_go_after_it() {
    let err = WithSubcommands::try_parse_from(["stage", "--database", "x", "status"])
        .err()
        .expect("refused");
    let command = WithSubcommands::command();
    assert_eq!(
        options_before(&command, &err),
        Some(("status".to_owned(), Some("--database".to_owned()))),
        "{err}"
    );
    let err = WithSubcommands::try_parse_from(["stage", "--only-here", "status"])
        .err()
        .expect("refused");
    assert_eq!(
        options_before(&command, &err),
        Some(("status".to_owned(), None)),
        "`status` takes no `--only-here`: {err}"
    );
    let err = Cli::try_parse_from(["stage", "--bogus"])
        .err()
        .expect("refused");
    assert_eq!(options_before(&Cli::command(), &err), None);
    let parsed = WithSubcommands::try_parse_from(["stage", "status", "--database", "x"]);
    assert!(
        matches!(parsed, Ok(WithSubcommands { command: Some(Subcommand::Status { ref mongo, .. }), .. }) if mongo.database() == "x")
    );
}

/// `analyser status --date 2026-01-01`: `--date` is the report's, and clap's "did you
/// mean `--database`?" sent the user to another option altogether.
#[test]
fn an_option_of_another_subcommand_is_said_to_be_its() {
    let command = WithSubcommands::command();
    let err = WithSubcommands::try_parse_from(["stage", "status", "--only-here"])
        .err()
        .expect("refused");
    assert_eq!(
        taken_elsewhere("stage", &command, &err).as_deref(),
        Some("`stage`"),
        "{err}"
    );
    let err = WithSubcommands::try_parse_from(["stage", "status", "--only-here=yes"])
        .err()
        .expect("refused");
    assert_eq!(
        refused_option(&err).as_deref(),
        Some("--only-here"),
        "{err}"
    );
    let err = WithSubcommands::try_parse_from(["stage", "status", "--databse", "x"])
        .err()
        .expect("refused");
    assert_eq!(
        taken_elsewhere("stage", &command, &err),
        None,
        "a misspelling: {err}"
    );
}

/// `analyser --json`, no subcommand given: `--json` is `analyser status`'s, and the line
/// said "not of the subcommand given" of a command line that gave none. The command that
/// refused it is named, whether a subcommand or the stage alone.
#[test]
fn an_option_of_a_subcommand_given_to_none_is_said_not_to_be_the_stage_s() {
    let command = WithSubcommands::command();
    let err = WithSubcommands::try_parse_from(["stage", "--json"])
        .err()
        .expect("refused");
    assert_eq!(
        advice("stage", &command, &err),
        "`--json` is an option of `stage status`, not of `stage`; see its --help",
        "{err}"
    );
    let err = WithSubcommands::try_parse_from(["stage", "status", "--only-here=yes"])
        .err()
        .expect("refused");
    assert_eq!(
        advice("stage", &command, &err),
        "`--only-here` is an option of `stage`, not of `stage status`; see its --help",
        "{err}"
    );
}

/// clap quotes the value it could not place: a URI given without `--mongodb-uri` (as
/// mongosh takes it), or after another option, must not show its password in that line.
#[test]
fn a_refused_command_line_never_shows_a_uri_s_password() {
    let uri = "mongodb://alice:s3cret@db.example.org/?authSource=admin";
    for args in [vec!["stage", uri], vec!["stage", "status", uri]] {
        let err = WithSubcommands::try_parse_from(&args)
            .err()
            .expect("refused");
        let line = crate::logging::shown(&first_line(&err));
        assert!(!line.contains("s3cret"), "{args:?}: {line}");
    }
}

/// A password written unencoded with a space or a quote in it (the README asks only
/// `@ : / ? # %` to be percent-encoded) is quoted whole by clap: no part of it may show.
#[test]
fn a_refused_uri_never_shows_a_password_holding_a_space_or_a_quote() {
    for (uri, secret) in [
        (
            "mongodb://alice:correct horse@db.example.org/?authSource=admin",
            "horse",
        ),
        (
            "mongodb://alice:it's-Zebra@db.example.org/?authSource=admin",
            "Zebra",
        ),
        (
            "mongodb://alice:say\"Zebra\"@db.example.org/?authSource=admin",
            "Zebra",
        ),
    ] {
        let err = WithSubcommands::try_parse_from(["stage", uri])
            .err()
            .expect("refused");
        let line = crate::logging::shown(&first_line(&err));
        assert!(!line.contains(secret), "{uri}: {line}");
    }
}

/// A URI missing a `/` of its scheme, or its scheme, given without `--mongodb-uri`: clap
/// quotes it, and the line goes to `logs/<stage>.log` and cron's mail. `redact` hides these
/// forms' password in `MONGODB_URI`; the line must not show it either (found by the review
/// of stop 55).
#[test]
fn a_refused_uri_missing_its_scheme_s_slashes_never_shows_its_password() {
    for uri in [
        "mongodb:/alice:Zebra42@db.example.org/?authSource=admin",
        "alice:Zebra42@db.example.org:27017",
    ] {
        let err = WithSubcommands::try_parse_from(["stage", uri])
            .err()
            .expect("refused");
        let line = crate::logging::shown(&first_line(&err));
        assert!(!line.contains("Zebra42"), "{uri}: {line}");
    }
}

/// A URI glued to the text before it (an environment line pasted from a compose file,
/// `MONGO_URL=mongodb://…`, or one written between `<` and `>`), whose password holds a `/`
/// left unencoded (the case `uri_database` guards against): clap quotes it whole, and
/// `redact_uris` must still read it as a MongoDB URI, hiding up to its last `@`, as it did
/// before other URLs' credentials were made to end within their host part (found by the
/// review of stop 56's fixes).
#[test]
fn a_refused_uri_glued_to_other_text_never_shows_a_password_holding_a_slash() {
    for given in [
        "MONGO_URL=mongodb://alice:Zeb/ra42@db.example.org/phd",
        "<mongodb://alice:Zeb/ra42@db.example.org/phd>",
        "(mongodb://alice:Zeb?ra42@db.example.org/phd)",
    ] {
        let err = WithSubcommands::try_parse_from(["stage", "status", given])
            .err()
            .expect("refused");
        let line = crate::logging::shown(&first_line(&err));
        assert!(!line.contains("ra42"), "{given}: {line}");
    }
}

/// A URI given without `--mongodb-uri` whose options quote another address (`appName=`
/// a lab's URL, an OIDC `TOKEN_RESOURCE:api://…`): `redact_uris` slices the line backwards
/// at the second `://` and panics, and the panic message prints the whole line, password
/// included, to `logs/<stage>.log` and cron's mail, with a backtrace instead of the line.
#[test]
fn a_refused_uri_whose_options_quote_another_address_never_shows_its_password() {
    let uri = "mongodb://alice:s3cret@db.example.org/phd?authSource=admin&appName=https://lab.example.org";
    let err = WithSubcommands::try_parse_from(["stage", uri])
        .err()
        .expect("refused");
    let said = first_line(&err);
    let line = std::panic::catch_unwind(|| crate::logging::shown(&said))
        .unwrap_or_else(|_| panic!("the failure line panics, quoting the password: {said}"));
    assert!(!line.contains("s3cret"), "{line}");
}

/// A passphrase of five words or more (diceware's advice: `correct horse battery staple
/// orbit`), written unencoded as the README allows (only `@ : / ? # %` need encoding):
/// credentials run on across three words at most, and the rest of the passphrase is
/// printed in the failure line.
#[test]
fn a_refused_uri_never_shows_a_passphrase_of_five_words() {
    let uri = "mongodb://alice:correct horse battery staple orbit@db.example.org/phd";
    let err = WithSubcommands::try_parse_from(["stage", uri])
        .err()
        .expect("refused");
    let line = crate::logging::shown(&first_line(&err));
    for word in ["correct", "horse", "battery", "staple", "orbit"] {
        assert!(!line.contains(word), "`{word}` is shown: {line}");
    }
}

/// A client key's passphrase holding spaces, written unencoded in the URI's options as
/// the README allows (only `@ : / ? # %` need encoding), as a password may be: only its
/// first word is hidden, the rest of it printed in the failure line.
#[test]
fn a_refused_uri_never_shows_a_key_passphrase_holding_spaces() {
    let uri =
        "mongodb://db.example.org/phd?tls=true&tlsCertificateKeyFilePassword=correct horse battery";
    let err = WithSubcommands::try_parse_from(["stage", uri])
        .err()
        .expect("refused");
    let line = crate::logging::shown(&first_line(&err));
    for word in ["correct", "horse", "battery"] {
        assert!(!line.contains(word), "`{word}` is shown: {line}");
    }
}

#[test]
fn an_empty_uri_means_the_default() {
    let parsed = Cli::parse_from(["stage", "--mongodb-uri", " "]);
    assert_eq!(parsed.mongo.uri, DEFAULT_URI);
    let parsed = Cli::parse_from(["stage", "--mongodb-uri", "mongodb://db:27017"]);
    assert_eq!(parsed.mongo.uri, "mongodb://db:27017");
}
