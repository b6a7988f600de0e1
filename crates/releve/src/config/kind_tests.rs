//! Values of the keys that reach an API, refused when `sources.toml` is read rather than when
//! the collector calls: intervals cron cannot keep, headers, and Opendatasoft addresses,
//! refinements and page sizes; and refusals worded for people who write TOML.

use super::tests::{ECO2MIX, USGS, error, parse};

const LEGACY: &str = r#"
[[source]]
name = "air"
kind = "ods_v1"
url = "https://data.example.org"
dataset = "mesures-no2"
every = "1h"
key = "recordid"
time = "fields.date_debut"
"#;

#[test]
fn an_interval_cron_cannot_keep_is_refused() {
    for every in ["30s", "90s"] {
        let message = error(&USGS.replace("every = \"1m\"", &format!("every = \"{every}\"")));
        assert!(
            message.starts_with(
                "sources.toml:6: source `usgs-earthquakes`: key `every` must be a whole number of minutes"
            ),
            "{every}: {message}"
        );
    }
    assert!(parse(&USGS.replace("every = \"1m\"", "every = \"120s\"")).is_ok());
    let message = error(&USGS.replace("every = \"1m\"", "every = \"30s\""));
    assert!(
        message.ends_with("so `30s` would be collected once a minute at most"),
        "{message}"
    );
}

#[test]
fn a_header_cron_could_never_send_is_refused_without_its_value() {
    let message = error(&format!("{USGS}headers = {{ \"X Key\" = \"1\" }}\n"));
    assert!(
        message.starts_with("sources.toml:15: source `usgs-earthquakes`: key `headers`: `X Key` is not a valid header name"),
        "{message}"
    );
    let message = error(&format!(
        "{USGS}headers = {{ \"X-Key\" = \"secret\\nvalue\" }}\n"
    ));
    assert!(
        message.contains("key `headers`: the value of `X-Key` is not a valid header value"),
        "{message}"
    );
    assert!(
        !message.contains("secret"),
        "a value is never repeated: {message}"
    );
    assert!(parse(&format!("{USGS}headers = {{ \"X-Key\" = \"1\" }}\n")).is_ok());
}

#[test]
fn a_key_is_named_by_its_variable_and_sent_one_way() {
    let message = error(&format!("{USGS}key_env = \"sk_live_9f-Secret\"\n"));
    assert!(
        message.contains("key `key_env` names the environment variable holding the key"),
        "{message}"
    );
    assert!(
        !message.contains("Secret"),
        "a key is never repeated: {message}"
    );
    for (extra, said) in [
        (
            "key_header = \"X-API-Key\"\n",
            "key `key_header` names the header carrying the key, and needs `key_env`",
        ),
        (
            "key_env = \"USGS_KEY\"\nkey_param = \"key\"\nkey_header = \"X-API-Key\"\n",
            "keys `key_header` and `key_param` both say where the key goes",
        ),
    ] {
        let message = error(&format!("{USGS}{extra}"));
        assert!(message.contains(said), "{extra}: {message}");
    }
    let config = parse(&format!(
        "{USGS}key_env = \"USGS_KEY\"\nkey_header = \"X-API-Key\"\n"
    ))
    .expect("a key sent in a header");
    match &config.sources[0].kind {
        crate::SourceKind::HttpJson(http) => assert_eq!(http.key_header(), "X-API-Key"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_opendatasoft_url_is_the_portal_base() {
    for kind in [ECO2MIX, LEGACY] {
        let with_path = kind.replace("opendatasoft.com\"", "opendatasoft.com/api/explore/v2.1/\"");
        let with_path = with_path.replace("example.org\"", "example.org/api/records/1.0/search/\"");
        let message = error(&with_path);
        assert!(
            message.contains("key `url` is the portal's base")
                && message.contains("without `/api/...`"),
            "{message}"
        );
        assert!(
            !message.contains("example.org"),
            "the address is not repeated: {message}"
        );
        // A dataset's page copied from the browser, or the portal with a query.
        for copied in ["/explore/dataset/eco2mix-national-tr/table/", "/?lang=fr"] {
            let page = kind
                .replace("opendatasoft.com\"", &format!("opendatasoft.com{copied}\""))
                .replace("example.org\"", &format!("example.org{copied}\""));
            let message = error(&page);
            assert!(
                message.contains("key `url` is the portal's base"),
                "{copied}: {message}"
            );
        }
        let spaced = kind
            .replace("url = \"https://", "url = \" https://")
            .replace("opendatasoft.com\"", "opendatasoft.com \"");
        assert!(
            error(&spaced).contains("key `url` has blanks around the address"),
            "{spaced}"
        );
    }
}

#[test]
fn a_refinement_is_a_facet_and_a_value() {
    let message = error(&format!(
        "{ECO2MIX}refine = [\"nature=Données temps réel\"]\n"
    ));
    assert!(
        message.starts_with(
            "sources.toml:10: source `eco2mix`: key `refine`: `nature=Données temps réel` is not `facet:value`"
        ),
        "{message}"
    );
    assert!(
        parse(&format!(
            "{ECO2MIX}refine = [\"nature:Données temps réel\"]\n"
        ))
        .is_ok()
    );
    let message = error(&format!(
        "{LEGACY}refine = {{ \"fields.polluant\" = \"NO2\" }}\n"
    ));
    assert!(
        message.ends_with(
            "key `refine`: `fields.polluant` is a record path; the API's facet is `polluant`"
        ),
        "{message}"
    );
    assert!(parse(&format!("{LEGACY}refine = {{ polluant = \"NO2\" }}\n")).is_ok());
}

#[test]
fn a_legacy_page_holds_one_to_ten_thousand_rows() {
    for rows in [0, 10_001, 50_000] {
        let message = error(&format!("{LEGACY}rows = {rows}\n"));
        assert!(
            message.starts_with("sources.toml:10: source `air`: key `rows` is the page size"),
            "{message}"
        );
        assert!(message.ends_with(&format!("not {rows}")), "{message}");
    }
    for rows in [1, 10_000] {
        let config = parse(&format!("{LEGACY}rows = {rows}\n")).expect("a page size in range");
        assert_eq!(config.sources.len(), 1);
    }
}

#[test]
fn refusals_speak_of_numbers_and_quoted_names_not_rust_types() {
    let message = error(&format!("{USGS}keep_days = \"2\"\n"));
    assert!(
        message.ends_with(
            "key `keep_days`: expected a whole number of days from 1 to 36500, found the text \"2\""
        ),
        "{message}"
    );
    let message = error(&format!("{USGS}drop = \"contact\"\n"));
    assert!(
        message.ends_with("key `drop`: expected a list `[...]`, found the text \"contact\""),
        "{message}"
    );
    let message = error(&format!("{USGS}enabled = 1\n"));
    assert!(
        message.ends_with("key `enabled`: expected `true` or `false`, found the number 1"),
        "{message}"
    );
    let message = error(&format!("{USGS}units = {{ properties.mag = \"Mw\" }}\n"));
    assert!(
        message.contains("key `units`") && message.contains("quote it, `\"m.pm25\" = ...`"),
        "{message}"
    );
    let message = error(&USGS.replace("key = \"id\"", "key = { a = 1 }"));
    assert!(
        message.contains(
            "key `key`: expected a field path, or an array of field paths, found a table"
        ) && !message.contains("dotted name"),
        "an inline table written as such is not a dotted name: {message}"
    );
    let message = error(&format!("report = \"x\"\n{USGS}"));
    assert!(
        message.ends_with("key `report`: expected a table, found the text \"x\""),
        "{message}"
    );
    let message = error(&USGS.replace("kind = \"http_json\"", "kind = [\"http_json\"]"));
    assert!(
        message.contains("key `kind`: not text: write one of `http_json`, `opendatasoft`"),
        "{message}"
    );
    let message = error(&format!("{USGS}[source.units]\n\"properties.mag\" = 5\n"));
    assert!(
        message.contains("key `units.\"properties.mag\"`: expected text between double quotes, found the number 5"),
        "a sub-table's key is named with its table's: {message}"
    );
}

#[test]
fn a_date_written_for_an_interval_is_called_a_date() {
    let message = error(&USGS.replace("every = \"1m\"", "every = 2026-12-01"));
    assert!(
        message.ends_with(
            "key `every`: expected text between double quotes, found a date (an interval is text with its unit: `\"15m\"`, `\"1h\"`, `\"1d\"`)"
        ),
        "{message}"
    );
}

#[test]
fn a_time_is_called_a_time_and_other_faults_on_a_date_line_get_no_interval_hint() {
    let message = error(&USGS.replace("every = \"1m\"", "every = 12:30:00"));
    assert!(
        message.contains("key `every`: expected text between double quotes, found a time (an interval is text with its unit"),
        "{message}"
    );
    let message = error(&USGS.replace("every = \"1m\"", "every = \"1m\"\nevery = 2026-12-01"));
    assert!(message.contains("duplicate key"), "{message}");
    assert!(!message.contains("an interval is text"), "{message}");
}

#[test]
fn a_dotted_field_in_a_sub_table_header_is_named_and_quoted() {
    let usgs = USGS.replace("\"properties.type\"", "\"a.b\"");
    let message = error(&format!(
        "{usgs}[source.value_labels.a.b]\n\"1\" = \"one\"\n"
    ));
    assert!(
        message.contains(
            "source `usgs-earthquakes`: key `value_labels.a`: expected text between double quotes, found a table (a dotted field name in a header makes a table in TOML: quote it, `[source.value_labels.\"a.b\"]`)"
        ),
        "{message}"
    );
    let quoted = format!("{usgs}[source.value_labels.\"a.b\"]\n\"1\" = \"one\"\n");
    let read = parse(&quoted);
    assert!(read.is_ok(), "the quoted header is read: {read:?}");
}

#[test]
fn every_missing_key_is_named_at_once() {
    let bare = "[[source]]\nname = \"bikes\"\nnumeric = [\"available\"]\n";
    assert_eq!(
        error(bare),
        "sources.toml:1: source `bikes`: missing keys `kind`, `url`, `every`, `key`, `time`"
    );
}

#[test]
fn missing_keys_of_the_kind_and_common_ones_are_named_together() {
    let bare = "[[source]]\nname = \"a\"\nkind = \"opendatasoft\"\nurl = \"https://x.example\"\n";
    assert_eq!(
        error(bare),
        "sources.toml:1: source `a`: missing keys `dataset`, `every`, `key`, `time`"
    );
}

#[test]
fn a_kind_key_gets_the_same_plain_words() {
    let message = error(&format!("{LEGACY}rows = -1\n"));
    assert!(
        message
            .ends_with("key `rows`: expected a whole number from 1 to 10000, found the number -1"),
        "{message}"
    );
    let message = error(&format!(
        "{LEGACY}refine = {{ fields.polluant = \"NO2\" }}\n"
    ));
    assert!(message.contains("quote it"), "{message}");
}

const OFFERS: &str = "[[source]]\nname = \"offres\"\nkind = \"france_travail\"\nurl = \"https://api.example.org/partenaire/offresdemploi/v2\"\nkey = \"id\"\ntime = \"dateCreation\"\n";

#[test]
fn a_france_travail_day_is_collected_daily_and_kept_past_its_landing() {
    let message = error(&format!("{OFFERS}every = \"1h\"\n"));
    assert!(
        message.contains("key `every`: a france_travail source collects one whole day per run"),
        "{message}"
    );
    let message = error(&format!("{OFFERS}every = \"1d\"\nkeep_days = 1\n"));
    assert!(
        message.contains("key `keep_days`: a france_travail day lands once it is over"),
        "{message}"
    );
    assert!(parse(&format!("{OFFERS}every = \"1d\"\nkeep_days = 2\n")).is_ok());
}

/// A credential written in `sources.toml` is refused with where it goes, never repeated.
#[test]
fn a_credential_in_the_table_is_sent_to_env() {
    let message = error(&format!(
        "{OFFERS}every = \"1d\"\nclient_secret = \"s3cr3t-value\"\n"
    ));
    assert!(
        message.contains("unknown key `client_secret`: credentials never go in sources.toml: set FRANCE_TRAVAIL_CLIENT_ID and FRANCE_TRAVAIL_CLIENT_SECRET in `.env`"),
        "{message}"
    );
    assert!(!message.contains("s3cr3t-value"), "{message}");
    let message = error(&USGS.replacen("[[source]]\n", "[[source]]\napiKey = \"abc123\"\n", 1));
    assert!(
        message.contains("unknown key `apiKey`: a secret never goes in sources.toml: put it in `.env` beside it as a variable, and name that variable with `key_env`"),
        "{message}"
    );
}

/// The Haute-Garonne journalist's table: France Travail's search filters in `params`, a text
/// or a list of texts each, as the API reads them.
#[test]
fn france_travail_search_filters_are_taken_in_params() {
    let filtered = |params: &str| format!("{OFFERS}every = \"1d\"\nparams = {{ {params} }}\n");
    for params in [
        "departement = \"31\"",
        "departement = [\"31\", \"81\", \"2A\", \"971\"]",
        "region = \"76\", codeROME = [\"M1805\"], typeContrat = \"CDI\"",
        "motsCles = \"journaliste\", commune = [\"31555\", \"2B033\"]",
    ] {
        let config = parse(&filtered(params)).unwrap_or_else(|err| panic!("{params}: {err}"));
        let crate::SourceKind::FranceTravail(offers) = &config.sources[0].kind else {
            panic!("a france_travail source");
        };
        assert!(!offers.params.is_empty(), "{params}");
    }
    let config = parse(&filtered("departement = \"31, 81\"")).expect("a list in one text");
    let crate::SourceKind::FranceTravail(offers) = &config.sources[0].kind else {
        panic!("a france_travail source");
    };
    assert_eq!(
        offers
            .params
            .values(crate::config::OfferFilter::Departement),
        Some(&["31".to_owned(), "81".to_owned()][..])
    );
    assert_eq!(offers.params.to_string(), "departement=31,81");
}

/// What the API would refuse, or read as another filter, is refused naming the line, the
/// source and the key; the collector's own parameters too, as it sets them on each query.
#[test]
fn france_travail_filters_the_api_would_not_read_are_refused_on_their_line() {
    let refused = |params: &str, said: &str| {
        let message = error(&format!(
            "{OFFERS}every = \"1d\"\nparams = {{ {params} }}\n"
        ));
        assert!(
            message.starts_with(&format!(
                "sources.toml:8: source `offres`: key `params`: {said}"
            )),
            "{params}: {message}"
        );
    };
    for own in ["range", "minCreationDate", "maxCreationDate", "sort"] {
        refused(
            &format!("{own} = \"0-149\""),
            &format!("`{own}` is set by the collector on each query"),
        );
    }
    refused(
        "departemnt = \"31\"",
        "unknown filter `departemnt` (did you mean `departement`?)",
    );
    refused(
        "codeRome = \"M1805\"",
        "unknown filter `codeRome` (did you mean `codeROME`?)",
    );
    refused(
        "qualification = \"9\"",
        "unknown filter `qualification`, expected one of `codeROME`, `typeContrat`, `region`, `departement`, `commune`, `motsCles`",
    );
    for empty in [
        "departement = \"\"",
        "departement = []",
        "departement = [\"31\", \" \"]",
        "motsCles = \"journaliste,\"",
    ] {
        refused(empty, "`");
        let message = error(&format!("{OFFERS}every = \"1d\"\nparams = {{ {empty} }}\n"));
        assert!(message.contains("has an empty value"), "{empty}: {message}");
    }
    refused(
        "departement = 31",
        "`departement` takes a text or a list of texts: write codes in quotes, `departement = \"31\"`",
    );
    refused(
        "departement = [\"31\", 81]",
        "`departement` takes a text or a list of texts",
    );
    // A code with a leading zero is no TOML number at all: toml refuses the line itself.
    let message = error(&format!(
        "{OFFERS}every = \"1d\"\nparams = {{ departement = 09 }}\n"
    ));
    assert!(
        message.starts_with("sources.toml:8: source `offres`: ")
            && message.contains("write a code such as \"09\" in quotes"),
        "{message}"
    );
    for code in ["3", "310", "20", "2C", "977", "31000"] {
        refused(
            &format!("departement = \"{code}\""),
            &format!("`departement` = \"{code}\": a département code is two characters"),
        );
    }
    for code in ["Occitanie", "99", "05", "73"] {
        refused(
            &format!("region = \"{code}\""),
            &format!("`region` = \"{code}\": a region code is one of the 18 regions' two digits"),
        );
    }
    // A postcode in an INSEE code's shape: no commune is numbered 000.
    refused(
        "commune = \"31000\"",
        "`commune` = \"31000\": a commune is its five-character INSEE code, such as \"31555\" (Toulouse) or \"2A004\", not its postcode",
    );
    refused(
        "commune = \"Toulouse\"",
        "`commune` = \"Toulouse\": a commune is its five-character INSEE code",
    );
    refused(
        "commune = \"3155\"",
        "`commune` = \"3155\": a commune is its five-character",
    );
    refused(
        "codeROME = \"m1805\"",
        "`codeROME` = \"m1805\": a ROME code is a capital letter",
    );
    refused(
        "typeContrat = \"cdi\"",
        "`typeContrat` = \"cdi\": a contract type is three capital letters",
    );
    // `params` is a key of France Travail sources now, not only of `http_json` ones.
    let message = error(&format!(
        "{OFFERS}every = \"1d\"\nparms = {{ departement = \"31\" }}\n"
    ));
    assert!(
        message.contains("unknown key `parms` (did you mean `params`?)"),
        "{message}"
    );
}

/// An overseas commune is numbered from 01 after its three-digit département (Saint-Denis de
/// La Réunion is 97411): `97400`, Saint-Denis' postcode, is as much a postcode as `31000`.
#[test]
fn an_overseas_postcode_is_refused_as_a_commune_like_a_metropolitan_one() {
    for code in ["97400", "97200", "97100", "97300", "97600"] {
        let message = error(&format!(
            "{OFFERS}every = \"1d\"\nparams = {{ commune = \"{code}\" }}\n"
        ));
        assert!(
            message.starts_with(&format!(
                "sources.toml:8: source `offres`: key `params`: `commune` = \"{code}\": a commune is its five-character INSEE code"
            )),
            "{code}: {message}"
        );
    }
}

#[test]
fn a_selection_leaving_out_a_field_the_source_reads_is_refused() {
    let numeric = "numeric = [\"consommation\"]\n";
    let message = error(&format!(
        "{ECO2MIX}{numeric}select = \"date_heure, taux_co2\"\n"
    ));
    assert!(
        message.starts_with(
            "sources.toml:11: source `eco2mix`: key `select` does not return `consommation`, which key `numeric` needs"
        ),
        "{message}"
    );
    for select in [
        "date_heure, consommation",
        "date_heure, consommation / 1000 AS consommation",
        "*",
        "exclude(nature)",
    ] {
        let text = format!("{ECO2MIX}{numeric}select = \"{select}\"\n");
        assert!(parse(&text).is_ok(), "{select}");
    }
}

#[test]
fn an_incremental_source_cannot_be_timed_by_an_alias() {
    let aliased = ECO2MIX.replace("time = \"date_heure\"", "time = \"t\"")
        + "select = \"date_heure, date_heure AS t\"\n";
    assert!(
        parse(&aliased).is_ok(),
        "a plain selection may use the alias"
    );
    let message = error(&format!("{aliased}incremental = true\n"));
    assert!(
        message.contains("key `select` makes `t` an alias, but `incremental` filters and orders"),
        "{message}"
    );
}

#[test]
fn a_value_written_as_another_kind_writes_it_is_answered_with_the_right_form() {
    let message = error(&format!("{ECO2MIX}refine = {{ nature = \"Gaz\" }}\n"));
    assert!(
        message.contains("for `opendatasoft`, `refine` lists \"facet:value\" texts, e.g. `refine = [\"nature:Gaz\"]`"),
        "{message}"
    );
    assert!(!message.contains("dotted name"), "{message}");
    let message = error(&format!("{LEGACY}refine = [\"polluant:NO2\"]\n"));
    assert!(
        message.contains("for `ods_v1`, `refine` is a table of facet values, e.g. `refine = { polluant = \"NO2\" }`"),
        "{message}"
    );
    let message = error(&LEGACY.replace("every = \"1h\"", "every = 15"));
    assert!(
        message.ends_with(
            "key `every`: expected text between double quotes, found the number 15 (an interval is text with its unit: `\"15m\"`, `\"1h\"`, `\"1d\"`)"
        ),
        "{message}"
    );
    let message = error(&LEGACY.replace("every = \"1h\"", "every = 15m"));
    assert!(
        message.ends_with(
            "key `every`: string values must be quoted, expected literal string (an interval is text with its unit: `\"15m\"`, `\"1h\"`, `\"1d\"`)"
        ),
        "{message}"
    );
    let message = error(&LEGACY.replace("every = \"1h\"", "every = \"1h\"\ndataset = air"));
    assert!(
        message.ends_with(
            "key `dataset`: string values must be quoted, expected literal string (write text between double quotes: `key = \"text\"`)"
        ),
        "{message}"
    );
    let message = error(&format!("{LEGACY}rows = \"500\"\n"));
    assert!(
        message.ends_with(
            "key `rows`: expected a whole number from 1 to 10000, found the text \"500\""
        ),
        "{message}"
    );
    let message = error(&format!("{ECO2MIX}records = \"results\"\n"));
    assert!(
        message.ends_with(
            "unknown key `records`: a key of `http_json` sources, not of `opendatasoft` ones (see the README's table of kinds)"
        ),
        "{message}"
    );
}

#[test]
fn a_dataset_that_is_no_identifier_is_refused() {
    for (text, written) in [
        (ECO2MIX, "dataset = \"eco2mix-national-tr\""),
        (LEGACY, "dataset = \"mesures-no2\""),
    ] {
        assert!(text.contains(written), "{text}");
        for bad in ["", "eco2mix national", "a/b", "x?y", ".", "..", "a\\\\b"] {
            let message = error(&text.replace(written, &format!("dataset = \"{bad}\"")));
            assert!(
                message.contains("key `dataset` is the dataset's identifier")
                    && message.contains(&format!("not `{bad}`")),
                "{bad}: {message}"
            );
        }
    }
}

#[test]
fn columns_are_an_http_json_key_and_forecast_any_sources() {
    let config = parse(&format!("{USGS}columns = true\nforecast = true\n")).expect("valid");
    let source = &config.sources[0];
    assert!(source.forecast);
    assert!(matches!(&source.kind, super::SourceKind::HttpJson(http) if http.columns));
    let message = error(&format!("{LEGACY}columns = true\n"));
    assert!(
        message
            == "sources.toml:10: source `air`: unknown key `columns`: a key of `http_json` sources, not of `ods_v1` ones (see the README's table of kinds)",
        "{message}"
    );
    let message = error(&format!("{USGS}forecast = \"yes\"\n"));
    assert!(message.contains("key `forecast`"), "{message}");
    assert!(parse(&format!("{LEGACY}forecast = true\n")).is_ok());
}

#[test]
fn resolution_is_an_hour_unless_a_source_says_day() {
    let hourly = parse(USGS).expect("valid");
    assert_eq!(hourly.sources[0].resolution, super::Resolution::Hour);
    let daily = parse(&format!("{LEGACY}resolution = \"day\"\n")).expect("valid");
    assert_eq!(daily.sources[0].resolution, super::Resolution::Day);
    let message = error(&format!("{USGS}resolution = \"week\"\n"));
    assert!(
        message.contains("source `") && message.contains("`resolution`"),
        "{message}"
    );
    assert!(
        message.contains("`hour`") && message.contains("`day`"),
        "{message}"
    );
}

#[test]
fn a_stamp_is_one_plain_field_name_of_an_http_json_source() {
    let config = parse(&format!("{USGS}stamp = \"collected_at\"\n")).expect("valid");
    assert!(matches!(
        &config.sources[0].kind,
        super::SourceKind::HttpJson(http) if http.stamp.as_deref() == Some("collected_at")
    ));
    for (stamp, why) in [
        ("", "is not a plain field name"),
        ("meta.collected_at", "is not a plain field name"),
        ("$at", "is not a plain field name"),
        ("2026", "is not a plain field name"),
        ("at\\n", "is not a plain field name"),
    ] {
        let message = error(&format!("{USGS}stamp = \"{stamp}\"\n"));
        assert!(
            message.starts_with("sources.toml:")
                && message.contains("source `usgs-earthquakes`: key `stamp`: ")
                && message.contains(why)
                && !message.contains('\n'),
            "{stamp}: {message}"
        );
    }
    let message = error(&format!(
        "{USGS}stamp = \"collected_at\"\ndrop = [\"collected_at\"]\n"
    ));
    assert!(
        message.ends_with(
            "key `stamp`: `drop` lists `collected_at`, which would remove the field `collected_at` adds"
        ),
        "{message}"
    );
    // A time as text is no number nor coordinate.
    let stamped = USGS.replace(
        "lon = \"geometry.coordinates.0\"",
        "stamp = \"collected_at\"\nlon = \"geometry.coordinates.0\"",
    );
    for (key, reads) in [
        ("lon", "lon = \"collected_at\""),
        ("numeric", "numeric = [\"collected_at\"]"),
    ] {
        let written = match key {
            "lon" => stamped.replace("lon = \"geometry.coordinates.0\"", reads),
            _ => stamped.replace("numeric = [\"properties.mag\"]", reads),
        };
        let message = error(&written);
        assert!(
            message.contains(&format!(
                "key `stamp`: `{key}` reads `collected_at`, which the stamp fills with a time as text"
            )),
            "{message}"
        );
    }
    let message = error(&format!("{LEGACY}stamp = \"collected_at\"\n"));
    assert!(
        message.contains("unknown key `stamp`: a key of `http_json` sources"),
        "{message}"
    );
}

/// `token_url` misspelt (`token_uri`, `tokenUrl`) is a key of the table the user meant, not a
/// credential: it is refused with the key it most likely is, as any other misspelt key, not
/// sent to `.env` for a secret the line does not hold.
#[test]
fn a_misspelt_token_url_is_not_taken_for_a_credential() {
    for misspelt in ["token_uri", "tokenUrl", "token-url"] {
        let message = error(&format!(
            "{OFFERS}every = \"1d\"\n{misspelt} = \"https://auth.example.org/connexion/oauth2/access_token\"\n"
        ));
        assert!(
            message.contains("(did you mean `token_url`?)")
                && !message.contains("credentials never go in sources.toml"),
            "{misspelt}: {message}"
        );
    }
}

#[test]
fn a_timeout_written_without_quotes_is_answered_with_a_timeout_in_seconds() {
    // `timeout = 20s` or `timeout = 20`, meaning 20 seconds: the hint shows how a timeout is
    // written (`"20s"`, as the message for a bad interval's text says), not only minutes,
    // hours and days, which no per-request timeout is written in.
    for written in ["timeout = 20s", "timeout = 20"] {
        let message = error(&format!("{USGS}{written}\n"));
        assert!(message.contains("key `timeout`"), "{message}");
        assert!(
            message.contains("\"20s\""),
            "{written}: the hint shows no timeout in seconds: {message}"
        );
    }
}

/// The hints chosen by a table's kind keep their words whichever kind: a credential in an
/// Opendatasoft table (its kind takes no secret), and `refine` written the other kind's way.
#[test]
fn hints_chosen_by_the_kind_name_that_kind() {
    let message = error(&format!("{ECO2MIX}password = \"s3cr3t\"\n"));
    assert!(
        message.ends_with(
            "unknown key `password`: a secret never goes in sources.toml (this kind takes none)"
        ),
        "{message}"
    );
    let message = error(&format!("{ECO2MIX}refine = {{ nature = \"Gaz\" }}\n"));
    assert!(
        message.ends_with(
            "(for `opendatasoft`, `refine` lists \"facet:value\" texts, e.g. `refine = [\"nature:Gaz\"]`; `{ facet = \"value\" }` is the `ods_v1` form)"
        ),
        "{message}"
    );
    let message = error(&format!("{LEGACY}refine = [\"polluant:NO2\"]\n"));
    assert!(
        message.ends_with(
            "(for `ods_v1`, `refine` is a table of facet values, e.g. `refine = { polluant = \"NO2\" }`; `[\"facet:value\"]` is the `opendatasoft` form)"
        ),
        "{message}"
    );
}

/// A v1 portal's `exclude.F=value` leaves out the records holding a facet's value (a city
/// leaving out a station under works): written as `refine` is, refused on a record path or on
/// the value `refine` selects (found by an open-data officer).
#[test]
fn a_legacy_exclusion_is_a_facet_and_a_value() {
    let config = parse(&format!("{LEGACY}exclude = {{ station = \"Compans\" }}\n"))
        .expect("an exclusion is accepted");
    let crate::SourceKind::OdsV1(v1) = &config.sources[0].kind else {
        panic!("an ods_v1 source");
    };
    assert_eq!(
        v1.exclude.get("station").map(String::as_str),
        Some("Compans")
    );
    let message = error(&format!(
        "{LEGACY}exclude = {{ \"fields.station\" = \"Compans\" }}\n"
    ));
    assert!(
        message.contains(
            "key `exclude`: `fields.station` is a record path; the API's facet is `station`"
        ),
        "{message}"
    );
    let message = error(&format!(
        "{LEGACY}refine = {{ station = \"Compans\" }}\nexclude = {{ station = \"Compans\" }}\n"
    ));
    assert!(
        message
            .contains("key `exclude` leaves out `station` = `Compans`, the value `refine` selects"),
        "{message}"
    );
}
