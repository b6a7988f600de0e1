//! Errors in the kind-specific keys of a `[[source]]` table lose their position: serde's
//! `flatten` hands those keys to the kind as bare values, so toml can only point at the
//! `[[source]]` line, and an unknown key is checked against the kind's keys alone. This module
//! reads the refused table again with the position of every key to say which key is wrong, in
//! which source, on which line.

use std::ops::Range;

use serde::Deserialize;
use serde::de::Visitor;
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use super::kinds::KindName;
use super::{COMMON_KEYS, SourceKind};

/// The keys every `[[source]]` table needs.
const REQUIRED_KEYS: &[&str] = &["name", "kind", "url", "every", "key", "time"];

/// Why the configuration is refused, and the offset in the file of what the message is about.
#[derive(Debug)]
pub(super) struct Refusal {
    /// Byte offset of the offending key, value or table.
    pub offset: usize,
    /// One line naming the source and the key when they are known.
    pub message: String,
}

/// One `key = value` line of a table, with the positions of both.
struct Entry<'i> {
    key: Spanned<DeString<'i>>,
    value: Spanned<DeValue<'i>>,
}

impl Entry<'_> {
    /// Whether `offset` falls on this entry, from its key to the end of its value or on
    /// a key or value nested in it (`params.latitude = 43.6` spans only the key `params`).
    fn holds(&self, offset: usize) -> bool {
        (self.key.span().start..self.value.span().end).contains(&offset)
            || value_holds(&self.value, offset)
    }

    /// The value when it is a string.
    fn text(&self) -> Option<&str> {
        self.value.get_ref().as_str()
    }
}

/// Whether `offset` falls on `value` or on a key or value nested in it.
fn value_holds(value: &Spanned<DeValue<'_>>, offset: usize) -> bool {
    value.span().contains(&offset)
        || match value.get_ref() {
            DeValue::Table(table) => table
                .iter()
                .any(|(key, value)| key.span().contains(&offset) || value_holds(value, offset)),
            DeValue::Array(items) => items.iter().any(|item| value_holds(item, offset)),
            _ => false,
        }
}

/// A `[[source]]` table as written, with the position of every key.
pub(super) struct SourceTable<'i> {
    /// The `[[source]]` header.
    header: Range<usize>,
    /// The keys in file order.
    entries: Vec<Entry<'i>>,
}

impl<'i> SourceTable<'i> {
    /// The `[[source]]` table whose header is at `offset`: serde's flatten leaves there the
    /// errors it took the position from. `None` when no table starts there.
    pub(super) fn at_header(text: &'i str, offset: usize) -> Option<Self> {
        let mut root = DeTable::parse(text).ok()?.into_inner();
        let DeValue::Array(tables) = root.remove("source")?.into_inner() else {
            return None;
        };
        tables
            .into_iter()
            .find(|table| table.span().start == offset)
            .and_then(SourceTable::from_value)
    }

    /// The `[[source]]` table that `offset` falls in, from its header to its last value.
    pub(super) fn holding(text: &'i str, offset: usize) -> Option<Self> {
        let mut root = DeTable::parse(text).ok()?.into_inner();
        let DeValue::Array(tables) = root.remove("source")?.into_inner() else {
            return None;
        };
        tables
            .into_iter()
            .filter_map(SourceTable::from_value)
            .find(|table| {
                let end = table
                    .entries
                    .last()
                    .map_or(table.header.end, |entry| entry.value.span().end);
                (table.header.start..end.max(table.header.end)).contains(&offset)
            })
    }

    /// The offset of `key` in this table, when it is written there.
    pub(super) fn key_start(&self, key: &str) -> Option<usize> {
        self.entry(key).map(|entry| entry.key.span().start)
    }

    /// The message prefixed with the source's name, unless it names it already.
    pub(super) fn naming_source(&self, message: String) -> String {
        match self.entry("name").and_then(Entry::text) {
            Some(name) => naming_source(name, message),
            None => message,
        }
    }

    fn from_value(table: Spanned<DeValue<'i>>) -> Option<Self> {
        let header = table.span();
        let DeValue::Table(keys) = table.into_inner() else {
            return None;
        };
        let mut entries: Vec<Entry<'i>> = keys
            .into_iter()
            .map(|(key, value)| Entry { key, value })
            .collect();
        entries.sort_by_key(|entry| entry.key.span().start);
        Some(SourceTable { header, entries })
    }

    /// Why the table is refused: a bad `kind`, an unknown key, then a bad kind-specific key;
    /// else `message`, serde's own, at the `[[source]]` line. A missing key is said with every
    /// other missing one.
    pub(super) fn explain(&self, message: String) -> Refusal {
        let refusal = self
            .kind()
            .and_then(|kind| {
                self.unknown_kind(kind)
                    .or_else(|| self.unknown_key(kind))
                    .or_else(|| self.bad_kind_key(kind))
            })
            .or_else(|| self.kind_not_text(&message))
            .unwrap_or_else(|| self.refusal(self.header.start, message));
        self.missing_keys(&refusal.message).unwrap_or(refusal)
    }

    /// Every key the table lacks, when serde found one missing: serde names only the first
    /// (a kind's own key before the common ones), and each fix would reveal the next.
    fn missing_keys(&self, message: &str) -> Option<Refusal> {
        let (_, named) = message.split_once("missing field `")?;
        let named = named.split('`').next().filter(|key| !key.is_empty())?;
        let mut missing: Vec<&str> = REQUIRED_KEYS
            .iter()
            .copied()
            .filter(|key| self.entry(key).is_none())
            .collect();
        if !missing.contains(&named) {
            missing.insert(0, named);
        }
        let keys = if missing.len() == 1 { "key" } else { "keys" };
        Some(self.refusal(
            self.header.start,
            format!("missing {keys} {}", quoted(&missing)),
        ))
    }

    fn entry(&self, key: &str) -> Option<&Entry<'i>> {
        self.entries.iter().find(|entry| entry.key.get_ref() == key)
    }

    fn kind(&self) -> Option<&str> {
        self.entry("kind").and_then(Entry::text)
    }

    /// The kind the table names, when it names one.
    pub(super) fn kind_name(&self) -> Option<KindName> {
        self.kind().and_then(KindName::named)
    }

    /// The message prefixed with the source's name, when the table has one.
    fn refusal(&self, offset: usize, message: String) -> Refusal {
        Refusal {
            offset,
            message: self.naming_source(message),
        }
    }

    /// The message about a key, at the key's line.
    fn key_refusal(&self, entry: &Entry<'_>, message: &str) -> Refusal {
        let key = entry.key.get_ref();
        self.refusal(entry.key.span().start, format!("key `{key}`: {message}"))
    }

    /// A `kind` that names no kind, with serde's list of the kinds there are.
    fn unknown_kind(&self, kind: &str) -> Option<Refusal> {
        if kind_keys(kind).is_some() {
            return None;
        }
        let entry = self.entry("kind")?;
        let tag = DeTable::from_iter([(entry.key.clone(), entry.value.clone())]);
        let error = SourceKind::deserialize(self.deserializer(tag)).err()?;
        Some(self.key_refusal(entry, &one_line(error.message())))
    }

    /// A `kind` that is not text (`kind = ["http_json"]`): serde only says it expected a
    /// "variant identifier".
    fn kind_not_text(&self, message: &str) -> Option<Refusal> {
        if !message.contains("expected variant identifier") {
            return None;
        }
        let entry = self.entry("kind")?;
        Some(self.key_refusal(
            entry,
            &format!("not text: write one of {}", quoted(&SourceKind::NAMES)),
        ))
    }

    /// The first key that neither every source nor this kind takes.
    fn unknown_key(&self, kind: &str) -> Option<Refusal> {
        let valid = valid_keys(kind)?;
        let named = KindName::named(kind)?;
        let entry = self
            .entries
            .iter()
            .find(|entry| !valid.contains(&entry.key.get_ref().as_ref()))?;
        let key = entry.key.get_ref();
        let elsewhere: Vec<&str> = SourceKind::NAMES
            .iter()
            .copied()
            .filter(|other| *other != kind)
            .filter(|other| kind_keys(other).is_some_and(|keys| keys.contains(&key.as_ref())))
            .collect();
        let zone = ["timezone", "time_zone", "tz", "zone"].contains(&key.as_ref());
        let hint = match (closest(key, &valid), elsewhere.as_slice()) {
            (Some(near), _) => format!(" (did you mean `{near}`?)"),
            // A credential written in the table: said where it goes, never repeated.
            _ if is_credential(key) => credential_hint(named),
            // A zone for the records' times, or the API's own parameter.
            (None, []) if zone => format!(
                ": the zone of times the API writes without an offset is `local_times = \"Europe/Paris\"`{}",
                match named {
                    KindName::HttpJson if key.as_ref() == "timezone" => "; an API's own `timezone` parameter, in `params`, is taken only for a source of daily values (`resolution = \"day\"`)".to_owned(),
                    KindName::HttpJson => format!(
                        "; an API's own `{key}` parameter goes in `params` (`params = {{ {key} = \"…\" }}`), but keep an hourly source's times in UTC: local times repeat an hour when summer time ends"
                    ),
                    KindName::Opendatasoft | KindName::OdsV1 | KindName::FranceTravail => {
                        String::new()
                    }
                }
            ),
            (None, [other, ..]) => {
                format!(
                    ": a key of `{other}` sources, not of `{kind}` ones (see the README's table of kinds)"
                )
            }
            // An API's own query parameter written as a key of the source (`timezone`).
            (None, []) if named == KindName::HttpJson => format!(
                ", expected one of {}; if it is a query parameter of the API, it goes in `params` (`params = {{ {key} = \"…\" }}`)",
                quoted(&valid)
            ),
            (None, []) => format!(", expected one of {}", quoted(&valid)),
        };
        let message = format!("unknown key `{key}`{hint}");
        Some(self.refusal(entry.key.span().start, message))
    }

    /// The first error in the kind-specific keys, read on their own so they keep their
    /// positions: at the offending key, or at the header for a missing key.
    fn bad_kind_key(&self, kind: &str) -> Option<Refusal> {
        let own_keys = kind_keys(kind)?;
        let keys: DeTable<'i> = self
            .entries
            .iter()
            .filter(|entry| own_keys.contains(&entry.key.get_ref().as_ref()))
            .map(|entry| (entry.key.clone(), entry.value.clone()))
            .collect();
        let error = SourceKind::deserialize_keys(kind, self.deserializer(keys))?.err()?;
        let message = one_line(error.message());
        let offset = error.span().map_or(self.header.start, |span| span.start);
        Some(
            match self.entries.iter().find(|entry| entry.holds(offset)) {
                Some(entry) => self.key_refusal(entry, &message),
                None => self.refusal(self.header.start, message),
            },
        )
    }

    /// A deserializer of some of this table's keys that reports their positions in the file.
    fn deserializer(&self, keys: DeTable<'i>) -> toml::de::Deserializer<'i> {
        toml::de::Deserializer::from(Spanned::new(self.header.clone(), keys))
    }
}

/// Whether a key's name says it holds a credential (`client_secret`, `password`, `apiKey`):
/// a secret's name, as `headers` and `params` are read for them, or a login's.
fn is_credential(key: &str) -> bool {
    super::validate::names_a_secret(key, &["clientid", "login", "username", "credentials"])
}

/// Where a credential goes instead of a table of kind `kind`.
fn credential_hint(kind: KindName) -> String {
    match kind {
        KindName::FranceTravail => ": credentials never go in sources.toml: set FRANCE_TRAVAIL_CLIENT_ID and FRANCE_TRAVAIL_CLIENT_SECRET in `.env` beside it (or in the environment)".to_owned(),
        // The kinds taking `key_env`.
        KindName::HttpJson => ": a secret never goes in sources.toml: put it in `.env` beside it as a variable, and name that variable with `key_env` (`key_header` or `key_param` say where it is sent)".to_owned(),
        KindName::Opendatasoft | KindName::OdsV1 => {
            ": a secret never goes in sources.toml (this kind takes none)".to_owned()
        }
    }
}

/// `message` prefixed with the source's name, unless it names it already. The name is escaped:
/// one holding a line break or a control character keeps the message on one line.
pub(super) fn naming_source(name: &str, message: String) -> String {
    let name = name.escape_debug();
    if message.contains(&format!("source `{name}`")) {
        message
    } else {
        format!("source `{name}`: {message}")
    }
}

/// Whether some kind of `[[source]]` table takes `key`.
pub(super) fn is_source_key(key: &str) -> bool {
    SourceKind::NAMES
        .iter()
        .any(|kind| valid_keys(kind).is_some_and(|keys| keys.contains(&key)))
}

/// Every key a table of kind `kind` takes: the common keys, the `kind` tag, the kind's own.
/// `None` when `kind` names no kind.
pub(super) fn valid_keys(kind: &str) -> Option<Vec<&'static str>> {
    let own_keys = kind_keys(kind)?;
    let mut valid = COMMON_KEYS.to_vec();
    valid.insert(1, "kind");
    valid.extend_from_slice(own_keys);
    Some(valid)
}

/// The keys the kind called `kind` adds to the common ones, as serde's derived code lists
/// them; `None` when `kind` names no kind.
pub(super) fn kind_keys(kind: &str) -> Option<&'static [&'static str]> {
    match SourceKind::deserialize_keys(kind, KeyNames)? {
        Err(KeyNamesError::Listed(keys)) => Some(keys),
        Ok(()) | Err(KeyNamesError::NotAStruct) => Some(&[]),
    }
}

/// The valid name nearest to an unknown one, when it is close enough to be a typo (a third of
/// its characters differing at most, case aside): `feature` for `features`.
pub fn closest<'k>(unknown: &str, valid: &[&'k str]) -> Option<&'k str> {
    let most = unknown.chars().count().max(3) / 3;
    // A name in another case is near whatever its length (`QUAKES`, `Every`).
    let unknown = unknown.to_lowercase();
    valid
        .iter()
        .map(|key| {
            (
                strsim::damerau_levenshtein(&unknown, &key.to_lowercase()),
                *key,
            )
        })
        .filter(|(distance, _)| *distance <= most)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, key)| key)
}

fn quoted(keys: &[&str]) -> String {
    keys.iter()
        .map(|key| format!("`{key}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn one_line(message: &str) -> String {
    message.trim().replace('\n', " ")
}

/// A deserializer that only learns the keys of a struct: serde's derived code passes them to
/// `deserialize_struct`, and the probe hands them back as its error.
struct KeyNames;

/// What a [`KeyNames`] probe learnt.
#[derive(Debug)]
enum KeyNamesError {
    /// The struct's keys, as written in `sources.toml`.
    Listed(&'static [&'static str]),
    /// The type did not deserialize as a struct.
    NotAStruct,
}

impl std::fmt::Display for KeyNamesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyNamesError::Listed(keys) => write!(f, "keys {}", quoted(keys)),
            KeyNamesError::NotAStruct => f.write_str("not a struct"),
        }
    }
}

impl std::error::Error for KeyNamesError {}

impl serde::de::Error for KeyNamesError {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        KeyNamesError::NotAStruct
    }
}

impl<'de> serde::Deserializer<'de> for KeyNames {
    type Error = KeyNamesError;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, KeyNamesError> {
        Err(KeyNamesError::NotAStruct)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        keys: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, KeyNamesError> {
        Err(KeyNamesError::Listed(keys))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::kind_keys;
    use crate::config::SourceKind;
    use crate::config::kinds::KindName;

    #[test]
    fn each_kind_is_called_by_the_name_its_table_takes() {
        for kind in SourceKind::NAMES {
            // The keys a table of the kind cannot go without, besides `kind`.
            let required = match kind {
                "opendatasoft" | "ods_v1" => "dataset = \"d\"\n",
                _ => "",
            };
            let read: SourceKind = toml::from_str(&format!("kind = \"{kind}\"\n{required}"))
                .unwrap_or_else(|err| panic!("a `{kind}` table of its required keys: {err}"));
            assert_eq!(read.name(), kind, "SourceKind::name of a `{kind}` table");
            assert_eq!(
                KindName::named(kind),
                Some(read.kind_name()),
                "KindName of a `{kind}` table"
            );
        }
        assert_eq!(
            KindName::ALL.map(KindName::name),
            SourceKind::NAMES,
            "KindName::ALL lists SourceKind::NAMES, in their order"
        );
    }

    #[test]
    fn every_kind_is_named_and_only_kinds_are() {
        for kind in SourceKind::NAMES {
            assert!(
                kind_keys(kind).is_some(),
                "`{kind}` is in SourceKind::NAMES but not in SourceKind::deserialize_keys"
            );
        }
        let text = "[[source]]\nname = \"a\"\nkind = \"usgs\"\n";
        let message = super::super::Config::parse(text, std::path::Path::new("s.toml"))
            .map(|config| config.refused[0].to_string())
            .unwrap_or_else(|err| err.to_string());
        let listed = SourceKind::NAMES.map(|kind| format!("`{kind}`")).join(", ");
        assert!(
            message.ends_with(&format!("expected one of {listed}")),
            "SourceKind::NAMES ({listed}) are not the enum's variants as serde reads them: {message}"
        );
    }
}
