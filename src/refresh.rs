//! Incremental runs: the manifest, reuse of earlier extractions, and the
//! changelog.
//!
//! # Manifest: `OUT/manifest.json`
//!
//! Per input: its path (as given), sha256, size, the motebok version, the
//! rules fingerprint ([`crate::rules::Rules::fingerprint`]), the extraction
//! options that change what is extracted (`--ocr` mode, OCR language,
//! whether a `--password` was given), and its per-file JSON. One entry a
//! line; read back one entry at a time ([`read_manifest`]) into the run's
//! store, never as a whole.
//!
//! # Reuse
//!
//! An input is not decoded again when the previous manifest has an entry
//! for the same path with the same sha256 and size, made by the same motebok
//! version with the same rules fingerprint and options ([`decide`]). Every
//! input is read and hashed on every run (reading is cheap; decoding is what
//! is skipped), so a changed file is always noticed, whatever its mtime
//! says. `--force` re-extracts everything. Records that are not `ok`
//! (failed, partial, no_text) are never reused: the cause may have been
//! passing (a memory cap, a time-out on a loaded machine, tesseract not
//! installed yet), so they are tried again on every run and counted as
//! `retried`. The OCR engine's availability is one of the options, so a
//! rerun after installing tesseract re-reads every file.
//!
//! When every input is reused (or retried to the same record) and no input
//! was added or removed, nothing can have changed: the previous output's
//! files are taken as they are (hard links), without reading a record. Otherwise the records of
//! reused inputs are read back from their JSON ([`reuse`]: it must parse
//! and name the same file and sha256, else the input is decoded again), and
//! their page text from the previous `motebok.sqlite`.
//!
//! # Changelog: `OUT/changes.json`
//!
//! Files added / changed / removed since the previous run (by path and
//! sha256, against the previous manifest), which files were decoded and
//! why, and meetings and items (the merged `meetings.csv` / `items.csv`
//! rows, by `meeting_id` / `item_id`: `NUIT 2/2022`, `NUIT sak 13/2022`)
//! added / changed / removed against the previous output's CSVs. A first run (no previous manifest) has everything
//! added. Deterministic: no times in it, so two runs over the same input
//! give the same file. Computed in the run's store, written one name a line.

use std::fmt;
use std::io::{self, BufRead, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::model::FileRecord;
use crate::output::json;
use crate::store::{self, opt_int, req_text, SqlType, Store, TableDef, Value};

pub const MANIFEST: &str = "manifest.json";
pub const CHANGES: &str = "changes.json";

/// What an extraction depends on besides the input's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub motebok_version: String,
    pub rules_fingerprint: String,
    /// Extraction options that change results, e.g. `ocr=auto;ocr_lang=nor;password=no`.
    pub options: String,
}

impl Settings {
    pub fn new(rules_fingerprint: &str, options: String) -> Settings {
        Settings { motebok_version: env!("CARGO_PKG_VERSION").to_string(), rules_fingerprint: rules_fingerprint.to_string(), options }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub file: String,
    pub sha256: String,
    pub bytes: u64,
    pub motebok_version: String,
    pub rules_fingerprint: String,
    pub options: String,
    /// The per-file JSON, relative to the output dir: `json/<stem>.json`.
    pub json: String,
    /// The record's status (`ok`, `partial`, …): a record that is not ok is
    /// tried again. Absent in manifests of earlier versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Where the input came from (`sources.csv`), as the record has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<crate::model::Origin>,
}

/// Format of `manifest.json`.
pub const MANIFEST_VERSION: u32 = 2;

/// Hand each element of the list at `path` (keys of nested objects) in the
/// JSON read from `r` to `f`, one at a time; everything else is skipped
/// without being kept. `Ok(false)` when the path is not there.
pub fn stream_list<T: DeserializeOwned>(r: impl io::Read, path: &[&str], f: &mut dyn FnMut(T)) -> serde_json::Result<bool> {
    struct Obj<'a, T> {
        path: &'a [&'a str],
        f: &'a mut dyn FnMut(T),
        found: &'a mut bool,
    }
    struct List<'a, T> {
        f: &'a mut dyn FnMut(T),
    }
    struct Elem<'a, T> {
        f: &'a mut dyn FnMut(T),
    }
    impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Obj<'_, T> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_map(self)
        }
    }
    impl<'de, T: DeserializeOwned> Visitor<'de> for Obj<'_, T> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<String>()? {
                if key == self.path[0] {
                    if self.path.len() == 1 {
                        *self.found = true;
                        map.next_value_seed(List { f: &mut *self.f })?;
                    } else {
                        map.next_value_seed(Obj { path: &self.path[1..], f: &mut *self.f, found: &mut *self.found })?;
                    }
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(())
        }
    }
    impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for List<'_, T> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }
    impl<'de, T: DeserializeOwned> Visitor<'de> for List<'_, T> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while seq.next_element_seed(Elem { f: &mut *self.f })?.is_some() {}
            Ok(())
        }
    }
    impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Elem<'_, T> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            let v = T::deserialize(d)?;
            (self.f)(v);
            Ok(())
        }
    }
    let _ = PhantomData::<T>;
    let mut found = false;
    let mut de = serde_json::Deserializer::from_reader(io::BufReader::new(r));
    Obj { path, f, found: &mut found }.deserialize(&mut de)?;
    de.end()?;
    Ok(found)
}

/// Read the manifest of the output in `out` entry by entry. `None` when
/// there is no readable manifest.
pub fn read_manifest(out: &Path, f: &mut dyn FnMut(ManifestEntry)) -> Option<()> {
    let file = std::fs::File::open(out.join(MANIFEST)).ok()?;
    stream_list(file, &["files"], f).ok().filter(|found| *found).map(|_| ())
}

/// Write `manifest.json`: the settings, then one entry a line, from the
/// store's `files` table (in file order).
pub fn write_manifest(store: &Store, settings: &Settings, w: &mut dyn Write) -> Result<(), RefreshError> {
    #[derive(Serialize)]
    struct Head<'a> {
        manifest_version: u32,
        motebok_version: &'a str,
        rules_fingerprint: &'a str,
        options: &'a str,
    }
    let head = serde_json::to_string(&Head {
        manifest_version: MANIFEST_VERSION,
        motebok_version: &settings.motebok_version,
        rules_fingerprint: &settings.rules_fingerprint,
        options: &settings.options,
    })?;
    // The head's fields, then the list of files.
    writeln!(w, "{},", head.trim_end_matches('}'))?;
    write!(w, "  \"files\": [")?;
    let mut first = true;
    let mut err = None;
    store.each("SELECT file, sha256, bytes, json, status, _origin FROM files ORDER BY file", &[], |r| {
        let e = ManifestEntry {
            file: req_text(r, 0),
            sha256: req_text(r, 1),
            bytes: opt_int(r, 2).unwrap_or(0).max(0) as u64,
            motebok_version: settings.motebok_version.clone(),
            rules_fingerprint: settings.rules_fingerprint.clone(),
            options: settings.options.clone(),
            json: req_text(r, 3),
            status: store::opt_text(r, 4),
            origin: store::opt_text(r, 5).and_then(|o| serde_json::from_str(&o).ok()),
        };
        let line = match serde_json::to_string(&e) {
            Ok(l) => l,
            Err(e) => {
                err.get_or_insert(RefreshError::Json(e));
                return Ok(());
            }
        };
        if let Err(e) = write!(w, "{}\n    {line}", if first { "" } else { "," }) {
            err.get_or_insert(RefreshError::Io(e));
        }
        first = false;
        Ok(())
    })?;
    if let Some(e) = err {
        return Err(e);
    }
    writeln!(w, "{}]\n}}", if first { "" } else { "\n  " })?;
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("{0}")]
    Json(#[from] serde_json::Error),
}

/// Why an input is decoded on this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// No entry in the previous manifest.
    New,
    /// Different sha256 or size.
    Changed,
    Version,
    Rules,
    Options,
    Forced,
    /// The previous JSON is missing, unreadable or not about this file.
    NoCachedRecord,
    /// The file could not be read (the record says why).
    Unreadable,
    /// The previous record was failed, partial or no_text.
    Retry,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::New => "new",
            Reason::Changed => "changed",
            Reason::Version => "version",
            Reason::Rules => "rules",
            Reason::Options => "options",
            Reason::Forced => "forced",
            Reason::NoCachedRecord => "no_cached_record",
            Reason::Unreadable => "unreadable",
            Reason::Retry => "retry",
        }
    }

    fn parse(s: &str) -> Reason {
        match s {
            "changed" => Reason::Changed,
            "version" => Reason::Version,
            "rules" => Reason::Rules,
            "options" => Reason::Options,
            "forced" => Reason::Forced,
            "no_cached_record" => Reason::NoCachedRecord,
            "unreadable" => Reason::Unreadable,
            "retry" => Reason::Retry,
            _ => Reason::New,
        }
    }
}

/// What to do with one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Take the earlier record from this JSON (relative to the previous output).
    Reuse(String),
    Extract(Reason),
}

fn prev_def() -> TableDef {
    let t = |n: &str| (n.to_string(), SqlType::Text);
    TableDef {
        name: "_prev".into(),
        columns: vec![t("file"), t("sha256"), ("bytes".into(), SqlType::Integer), t("version"), t("rules"), t("options"), t("json"), t("status"), t("origin")],
        primary_key: vec!["file".into()],
    }
}

fn extraction_def() -> TableDef {
    TableDef {
        name: "_extraction".into(),
        columns: vec![("file".into(), SqlType::Text), ("decoded".into(), SqlType::Integer), ("reason".into(), SqlType::Text)],
        primary_key: vec!["file".into()],
    }
}

/// The previous manifest, in the store: [`Previous::load`] streams it in,
/// [`Previous::decide`] looks an input up.
pub struct Previous<'s> {
    store: &'s Store,
    /// Entries read (0 when there was no manifest).
    pub entries: u64,
    /// Whether there was a manifest at all.
    pub exists: bool,
}

impl<'s> Previous<'s> {
    /// Read the manifest of `out` (if any) into `store`.
    pub fn load(store: &'s Store, out: &Path) -> store::Result<Previous<'s>> {
        let def = prev_def();
        store.create_table(&def)?;
        store.create_table(&extraction_def())?;
        let mut err = None;
        let mut entries = 0;
        let exists = read_manifest(out, &mut |e: ManifestEntry| {
            if err.is_some() {
                return;
            }
            let r = store.insert(
                &def,
                &[
                    Value::Text(e.file),
                    Value::Text(e.sha256),
                    Value::Integer(e.bytes.min(i64::MAX as u64) as i64),
                    Value::Text(e.motebok_version),
                    Value::Text(e.rules_fingerprint),
                    Value::Text(e.options),
                    Value::Text(e.json),
                    e.status.map_or(Value::Null, Value::Text),
                    e.origin.and_then(|o| serde_json::to_string(&o).ok()).map_or(Value::Null, Value::Text),
                ],
            );
            match r {
                Ok(()) => entries += 1,
                // A manifest naming a file twice is not ours: keep the first.
                Err(e) if matches!(e.source, rusqlite::Error::SqliteFailure(ref f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation) => {}
                Err(e) => err = Some(e),
            }
        })
        .is_some();
        if let Some(e) = err {
            return Err(e);
        }
        Ok(Previous { store, entries, exists })
    }

    /// Decide for the input named `name` with this sha256 and size
    /// (`None`: it could not be read).
    pub fn decide(&self, name: &str, hash: Option<(&str, u64)>, settings: &Settings, force: bool) -> store::Result<Decision> {
        let mut found = None;
        self.store.each("SELECT sha256, bytes, version, rules, options, json, status, origin FROM _prev WHERE file = ?1", &[&name], |r| {
            found = Some(Entry {
                sha256: req_text(r, 0),
                bytes: opt_int(r, 1).unwrap_or(-1),
                version: req_text(r, 2),
                rules: req_text(r, 3),
                options: req_text(r, 4),
                json: req_text(r, 5),
                status: store::opt_text(r, 6),
                origin: store::opt_text(r, 7),
            });
            Ok(())
        })?;
        let plan = decide(found.as_ref(), hash, settings, force);
        Ok(Decision { plan, status_known: found.as_ref().is_some_and(|e| e.status.is_some()), origin: found.and_then(|e| e.origin) })
    }
}

/// An entry of the previous manifest, as [`decide`] reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    pub sha256: String,
    pub bytes: i64,
    pub version: String,
    pub rules: String,
    pub options: String,
    pub json: String,
    /// `ok`, `failed`, …; `None` in manifests that do not say.
    pub status: Option<String>,
    /// The input's origin as JSON, if it had one.
    pub origin: Option<String>,
}

/// What [`Previous::decide`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub plan: Plan,
    /// The previous manifest said whether the record was ok.
    pub status_known: bool,
    /// The previous origin, as JSON.
    pub origin: Option<String>,
}

/// Decide from the previous entry and this input's sha256 and size
/// (`None`: unreadable). In this order: new, forced, unreadable, changed,
/// not ok last time (a retry, whatever else changed), version, rules,
/// options; otherwise reuse.
pub fn decide(prev: Option<&Entry>, hash: Option<(&str, u64)>, settings: &Settings, force: bool) -> Plan {
    let Some(e) = prev else { return Plan::Extract(Reason::New) };
    if force {
        return Plan::Extract(Reason::Forced);
    }
    let Some((h, n)) = hash else { return Plan::Extract(Reason::Unreadable) };
    if n as i64 != e.bytes || h != e.sha256 {
        return Plan::Extract(Reason::Changed);
    }
    if e.status.as_deref().is_some_and(|s| s != "ok") {
        return Plan::Extract(Reason::Retry);
    }
    if e.version != settings.motebok_version {
        return Plan::Extract(Reason::Version);
    }
    if e.rules != settings.rules_fingerprint {
        return Plan::Extract(Reason::Rules);
    }
    if e.options != settings.options {
        return Plan::Extract(Reason::Options);
    }
    let rel = Path::new(&e.json);
    if e.json.is_empty() || rel.is_absolute() || rel.components().any(|c| matches!(c, std::path::Component::ParentDir)) {
        return Plan::Extract(Reason::NoCachedRecord);
    }
    Plan::Reuse(e.json.clone())
}

/// Read an earlier record back from `out/json` for input `name` with this
/// sha256 and size. Also says whether the file's bytes are exactly what
/// writing the record gives (so it can be linked, not rewritten). `None`
/// when it is missing, unreadable or about another file.
pub fn reuse(out: &Path, json: &str, name: &str, sha256: &str, bytes: u64) -> Option<(FileRecord, Option<PathBuf>)> {
    let path = out.join(json);
    let old = std::fs::read(&path).ok()?;
    let rec: FileRecord = serde_json::from_slice(&old).ok()?;
    if rec.source.file != name || rec.source.sha256 != sha256 || rec.source.bytes != bytes {
        return None;
    }
    let same = json::to_bytes(&rec).is_ok_and(|b| b == old);
    Some((rec, same.then_some(path)))
}

/// Whether `rec` is what the previous output holds at `out/json`, byte
/// for byte (a retried record that came out the same).
pub fn same_as_before(out: &Path, json: &str, rec: &FileRecord) -> bool {
    match (std::fs::read(out.join(json)), json::to_bytes(rec)) {
        (Ok(old), Ok(new)) => old == new,
        _ => false,
    }
}

/// Record what was done with an input: decoded (why) or reused.
pub fn record_extraction(store: &Store, file: &str, reason: Option<Reason>) -> store::Result<()> {
    store.execute(
        "INSERT OR REPLACE INTO _extraction VALUES (?1, ?2, ?3)",
        &[&file, &i64::from(reason.is_some()), &reason.map(Reason::as_str)],
    )?;
    Ok(())
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decoded {
    pub file: String,
    pub reason: Option<Reason>,
}

/// Copy the extraction section of another output's `changes.json` (a
/// shard's) into the store. Returns (decoded, reused) counts.
pub fn import_extraction(store: &Store, out: &Path) -> Result<(u64, u64), RefreshError> {
    #[derive(Deserialize)]
    struct Counts {
        decoded: u64,
        reused: u64,
    }
    #[derive(Deserialize)]
    struct Top {
        extraction: Counts,
    }
    let path = out.join(CHANGES);
    let top: Top = serde_json::from_reader(io::BufReader::new(std::fs::File::open(&path)?))?;
    let mut err = None;
    stream_list(std::fs::File::open(&path)?, &["extraction", "decoded_files"], &mut |d: Decoded| {
        if err.is_none() {
            err = record_extraction(store, &d.file, Some(d.reason.unwrap_or(Reason::New))).err();
        }
    })?;
    if let Some(e) = err {
        return Err(e.into());
    }
    Ok((top.extraction.decoded, top.extraction.reused))
}

/// Counts of a changed set, as in the summary line (and `--json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetCounts {
    pub added: u64,
    pub changed: u64,
    pub removed: u64,
    pub unchanged: u64,
}

impl SetCounts {
    fn line(&self, what: &str) -> String {
        format!("{what} {} added, {} changed, {} removed", self.added, self.changed, self.removed)
    }
}

/// What `changes.json` says, in numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    pub first_run: bool,
    pub files: SetCounts,
    pub decoded: u64,
    /// Of `decoded`: not ok on the previous run, tried again.
    pub retried: u64,
    pub reused: u64,
    pub meetings: SetCounts,
    pub items: SetCounts,
}

impl Changes {
    /// The one-line summary printed on stderr.
    pub fn summary_line(&self) -> String {
        format!(
            "{}; {}; {}; {} decoded, {} reused, {} retried",
            self.files.line("files"),
            self.meetings.line("meetings"),
            self.items.line("items"),
            self.decoded,
            self.reused,
            self.retried
        )
    }
}

/// Load the rows of a merged CSV into store table `name` as (key, hash of
/// header and row). The key is the `key` column, or for an output of an
/// earlier version, `<body> <number>/<year>` from `legacy` columns.
fn load_rows(store: &Store, name: &str, path: &Path, key: &str, legacy: [&str; 3], legacy_infix: &str) -> Result<(), RefreshError> {
    use sha2::{Digest, Sha256};
    store.batch(&format!("CREATE TABLE {name} (key TEXT PRIMARY KEY, hash TEXT)"))?;
    let Ok(mut rdr) = csv::Reader::from_path(path) else { return Ok(()) };
    let Ok(header) = rdr.headers().cloned() else { return Ok(()) };
    let pos = |n: &str| header.iter().position(|h| h == n);
    let key_of: Box<dyn Fn(&csv::StringRecord) -> Option<String>> = match (pos(key), pos(legacy[0]), pos(legacy[1]), pos(legacy[2])) {
        (Some(k), _, _, _) => Box::new(move |r| r.get(k).map(str::to_string)),
        (None, Some(b), Some(n), Some(y)) => {
            let infix = legacy_infix.to_string();
            Box::new(move |r| Some(format!("{} {infix}{}/{}", r.get(b)?, r.get(n)?, r.get(y)?)))
        }
        _ => return Ok(()),
    };
    let mut head = Sha256::new();
    for h in header.iter() {
        head.update(h.as_bytes());
        head.update([0x1f]);
    }
    for rec in rdr.records() {
        let Ok(rec) = rec else { break };
        let Some(k) = key_of(&rec) else { continue };
        let mut h = head.clone();
        for f in rec.iter() {
            h.update(f.as_bytes());
            h.update([0x1f]);
        }
        store.execute(&format!("INSERT OR IGNORE INTO {name} VALUES (?1, ?2)"), &[&k, &format!("{:x}", h.finalize())])?;
    }
    Ok(())
}

/// Compare the new output (`new_dir`, the staging dir) with the previous
/// one (`old_dir`, whose manifest is in the store when `previous`), and
/// write `changes.json` to `w`.
pub fn write_changes(store: &Store, old_dir: &Path, new_dir: &Path, previous: bool, w: &mut dyn Write) -> Result<Changes, RefreshError> {
    let mut c = Changes { first_run: !previous, ..Changes::default() };
    for (name, csv, key, legacy, infix) in [
        ("meetings", "csv/meetings.csv", "meeting_id", ["body", "meeting_number", "meeting_year"], ""),
        ("items", "csv/items.csv", "item_id", ["body", "sak_number", "sak_year"], "sak "),
    ] {
        if previous {
            load_rows(store, &format!("_old_{name}"), &old_dir.join(csv), key, legacy, infix)?;
        } else {
            store.batch(&format!("CREATE TABLE _old_{name} (key TEXT PRIMARY KEY, hash TEXT)"))?;
        }
        load_rows(store, &format!("_new_{name}"), &new_dir.join(csv), key, legacy, infix)?;
    }
    writeln!(w, "{{")?;
    writeln!(w, "  \"first_run\": {},", !previous)?;
    // A list of names from a query, one a line; returns how many.
    let list = |w: &mut dyn Write, name: &str, sql: &str| -> Result<u64, RefreshError> {
        write!(w, "    \"{name}\": [")?;
        let mut n = 0u64;
        let mut err = None;
        store.each(sql, &[], |r| {
            let line = serde_json::to_string(&req_text(r, 0)).unwrap_or_default();
            if let Err(e) = write!(w, "{}\n      {line}", if n == 0 { "" } else { "," }) {
                err.get_or_insert(e);
            }
            n += 1;
            Ok(())
        })?;
        if let Some(e) = err {
            return Err(e.into());
        }
        writeln!(w, "{}],", if n == 0 { "" } else { "\n    " })?;
        Ok(n)
    };
    let set = |w: &mut dyn Write, name: &str, old: &str, new: &str, same: &str, last: bool| -> Result<SetCounts, RefreshError> {
        writeln!(w, "  \"{name}\": {{")?;
        let added = list(w, "added", &format!("SELECT n.key FROM {new} n WHERE n.key NOT IN (SELECT key FROM {old}) ORDER BY n.key"))?;
        let changed = list(w, "changed", &format!("SELECT n.key FROM {new} n JOIN {old} o ON o.key = n.key WHERE NOT ({same}) ORDER BY n.key"))?;
        let removed = list(w, "removed", &format!("SELECT o.key FROM {old} o WHERE o.key NOT IN (SELECT key FROM {new}) ORDER BY o.key"))?;
        let unchanged = store.count(&format!("SELECT count(*) FROM {new} n JOIN {old} o ON o.key = n.key WHERE {same}"), &[])?;
        writeln!(w, "    \"unchanged\": {unchanged}")?;
        writeln!(w, "  }}{}", if last { "" } else { "," })?;
        Ok(SetCounts { added, changed, removed, unchanged })
    };
    store.batch("CREATE TEMP VIEW _new_files AS SELECT file AS key, sha256, bytes FROM files; CREATE TEMP VIEW _old_files AS SELECT file AS key, sha256, bytes FROM _prev;")?;
    c.files = set(w, "files", "_old_files", "_new_files", "o.sha256 = n.sha256 AND o.bytes = n.bytes", false)?;
    c.decoded = store.count("SELECT count(*) FROM _extraction WHERE decoded = 1", &[])?;
    c.retried = store.count("SELECT count(*) FROM _extraction WHERE decoded = 1 AND reason = 'retry'", &[])?;
    c.reused = store.count("SELECT count(*) FROM _extraction WHERE decoded = 0", &[])?;
    writeln!(w, "  \"extraction\": {{")?;
    writeln!(w, "    \"decoded\": {},", c.decoded)?;
    writeln!(w, "    \"retried\": {},", c.retried)?;
    writeln!(w, "    \"reused\": {},", c.reused)?;
    write!(w, "    \"decoded_files\": [")?;
    let mut n = 0;
    let mut err = None;
    store.each("SELECT file, reason FROM _extraction WHERE decoded = 1 ORDER BY file", &[], |r| {
        let d = Decoded { file: req_text(r, 0), reason: Some(Reason::parse(&req_text(r, 1))) };
        let line = serde_json::to_string(&d).unwrap_or_default();
        if let Err(e) = write!(w, "{}\n      {line}", if n == 0 { "" } else { "," }) {
            err.get_or_insert(e);
        }
        n += 1;
        Ok(())
    })?;
    if let Some(e) = err {
        return Err(e.into());
    }
    writeln!(w, "{}]", if n == 0 { "" } else { "\n    " })?;
    writeln!(w, "  }},")?;
    c.meetings = set(w, "meetings", "_old_meetings", "_new_meetings", "o.hash = n.hash", false)?;
    c.items = set(w, "items", "_old_items", "_new_items", "o.hash = n.hash", true)?;
    writeln!(w, "}}")?;
    Ok(c)
}

/// The changelog of a run that took the previous output as it is: every
/// file unchanged; the inputs retried (to the same record) are those
/// recorded as decoded in the store. Counts the rows of the previous CSVs.
pub fn write_unchanged(store: &Store, old_dir: &Path, files: u64, w: &mut dyn Write) -> Result<Changes, RefreshError> {
    let rows = |rel: &str| -> u64 {
        std::fs::File::open(old_dir.join(rel)).map_or(0, |f| {
            let mut rdr = csv::ReaderBuilder::new().from_reader(io::BufReader::new(f));
            let mut rec = csv::ByteRecord::new();
            let mut n = 0;
            while rdr.read_byte_record(&mut rec).unwrap_or(false) {
                n += 1;
            }
            n
        })
    };
    let same = |n: u64| SetCounts { unchanged: n, ..SetCounts::default() };
    let decoded = store.count("SELECT count(*) FROM _extraction WHERE decoded = 1", &[])?;
    let retried = store.count("SELECT count(*) FROM _extraction WHERE decoded = 1 AND reason = 'retry'", &[])?;
    let c = Changes {
        first_run: false,
        files: same(files),
        decoded,
        retried,
        reused: files - decoded.min(files),
        meetings: same(rows("csv/meetings.csv")),
        items: same(rows("csv/items.csv")),
    };
    let set = |s: &SetCounts| format!("{{\n    \"added\": [],\n    \"changed\": [],\n    \"removed\": [],\n    \"unchanged\": {}\n  }}", s.unchanged);
    write!(
        w,
        "{{\n  \"first_run\": false,\n  \"files\": {},\n  \"extraction\": {{\n    \"decoded\": {},\n    \"retried\": {},\n    \"reused\": {},\n    \"decoded_files\": [",
        set(&c.files),
        c.decoded,
        c.retried,
        c.reused
    )?;
    let mut n = 0;
    let mut err = None;
    store.each("SELECT file, reason FROM _extraction WHERE decoded = 1 ORDER BY file", &[], |r| {
        let d = Decoded { file: req_text(r, 0), reason: Some(Reason::parse(&req_text(r, 1))) };
        if let Err(e) = write!(w, "{}\n      {}", if n == 0 { "" } else { "," }, serde_json::to_string(&d).unwrap_or_default()) {
            err.get_or_insert(e);
        }
        n += 1;
        Ok(())
    })?;
    if let Some(e) = err {
        return Err(e.into());
    }
    write!(w, "{}]\n  }},\n  \"meetings\": {},\n  \"items\": {}\n}}\n", if n == 0 { "" } else { "\n    " }, set(&c.meetings), set(&c.items))?;
    Ok(c)
}

/// `ocr=auto;ocr_lang=nor;password=no;ocr_engine=tesseract`: the options
/// recorded in the manifest. `engine`: whether tesseract (with the
/// language data) runs, `None` when OCR is off.
pub fn options_string(ocr: crate::ocr::Mode, ocr_lang: &str, password: bool, engine: Option<bool>) -> String {
    let mode = ocr.as_str();
    let engine = match engine {
        None => String::new(),
        Some(true) => ";ocr_engine=tesseract".into(),
        Some(false) => ";ocr_engine=missing".into(),
    };
    format!("ocr={mode};ocr_lang={ocr_lang};password={}{engine}", if password { "yes" } else { "no" })
}

/// The lines of a file (a check that it was written whole, for tests).
pub fn line_count(path: &Path) -> usize {
    std::fs::File::open(path).map_or(0, |f| io::BufReader::new(f).lines().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_lists_stream_out_of_json() {
        let text = r#"{"a": 1, "files": [{"x": 1}, {"x": 2}], "nested": {"skip": [1,2], "list": ["p", "q"]}, "z": {"files": [9]}}"#;
        let mut got = Vec::new();
        assert!(stream_list(text.as_bytes(), &["files"], &mut |v: serde_json::Value| got.push(v["x"].as_i64().unwrap())).unwrap());
        assert_eq!(got, vec![1, 2]);
        let mut got = Vec::new();
        assert!(stream_list(text.as_bytes(), &["nested", "list"], &mut |v: String| got.push(v)).unwrap());
        assert_eq!(got, vec!["p", "q"]);
        assert!(!stream_list(text.as_bytes(), &["missing"], &mut |_: serde_json::Value| {}).unwrap());
        assert!(stream_list(&b"{\"files\": [1, "[..], &["files"], &mut |_: serde_json::Value| {}).is_err());
    }

    #[test]
    fn refresh_decisions() {
        let s = Settings { motebok_version: "1".into(), rules_fingerprint: "r".into(), options: "o".into() };
        let e = |sha: &str, version: &str, rules: &str, options: &str, json: &str, status: Option<&str>| Entry {
            sha256: sha.into(),
            bytes: 10,
            version: version.into(),
            rules: rules.into(),
            options: options.into(),
            json: json.into(),
            status: status.map(Into::into),
            origin: None,
        };
        let ok = e("abc", "1", "r", "o", "json/x.json", Some("ok"));
        assert_eq!(decide(Some(&ok), Some(("abc", 10)), &s, false), Plan::Reuse("json/x.json".into()));
        assert_eq!(decide(Some(&ok), Some(("abd", 10)), &s, false), Plan::Extract(Reason::Changed));
        assert_eq!(decide(Some(&ok), Some(("abc", 10)), &s, true), Plan::Extract(Reason::Forced));
        assert_eq!(decide(Some(&ok), None, &s, false), Plan::Extract(Reason::Unreadable));
        assert_eq!(decide(None, Some(("abc", 10)), &s, false), Plan::Extract(Reason::New));
        assert_eq!(decide(Some(&e("abc", "0", "r", "o", "j", None)), Some(("abc", 10)), &s, false), Plan::Extract(Reason::Version));
        assert_eq!(decide(Some(&e("abc", "1", "q", "o", "j", None)), Some(("abc", 10)), &s, false), Plan::Extract(Reason::Rules));
        assert_eq!(decide(Some(&e("abc", "1", "r", "p", "j", None)), Some(("abc", 10)), &s, false), Plan::Extract(Reason::Options));
        assert_eq!(decide(Some(&e("abc", "1", "r", "o", "../x.json", None)), Some(("abc", 10)), &s, false), Plan::Extract(Reason::NoCachedRecord));
        // Not ok last time: a retry, whatever else changed (but the bytes).
        assert_eq!(decide(Some(&e("abc", "0", "q", "p", "j", Some("failed"))), Some(("abc", 10)), &s, false), Plan::Extract(Reason::Retry));
        assert_eq!(decide(Some(&e("abc", "1", "r", "o", "j", Some("no_text"))), Some(("abd", 10)), &s, false), Plan::Extract(Reason::Changed));
    }

    #[test]
    fn refresh_manifest_round_trips_through_the_store() {
        let store = Store::in_memory().unwrap();
        store.batch("CREATE TABLE files (file TEXT, sha256 TEXT, bytes INTEGER, json TEXT, status TEXT, _origin TEXT)").unwrap();
        for (f, j) in [("b.pdf", "json/b.json"), ("a.pdf", "json/a.json")] {
            store.execute("INSERT INTO files VALUES (?1, 'ff', 3, ?2, 'ok', NULL)", &[&f, &j]).unwrap();
        }
        let s = Settings { motebok_version: "1".into(), rules_fingerprint: "r".into(), options: "o".into() };
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = Vec::new();
        write_manifest(&store, &s, &mut bytes).unwrap();
        std::fs::write(dir.path().join(MANIFEST), &bytes).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["manifest_version"], MANIFEST_VERSION);
        assert_eq!(v["files"][0]["file"], "a.pdf");
        let other = Store::in_memory().unwrap();
        let prev = Previous::load(&other, dir.path()).unwrap();
        assert_eq!((prev.exists, prev.entries), (true, 2));
        let d = prev.decide("a.pdf", Some(("ff", 3)), &s, false).unwrap();
        assert_eq!((d.plan, d.status_known), (Plan::Reuse("json/a.json".into()), true));
        assert_eq!(prev.decide("c.pdf", Some(("ff", 3)), &s, false).unwrap().plan, Plan::Extract(Reason::New));
        // No manifest, an empty one.
        let empty = tempfile::tempdir().unwrap();
        let prev = Previous::load(&Store::in_memory().unwrap(), empty.path()).map(|p| (p.exists, p.entries)).unwrap();
        assert_eq!(prev, (false, 0));
        let mut bytes = Vec::new();
        write_manifest(&Store::in_memory().inspect(|s| { s.batch("CREATE TABLE files (file TEXT, sha256 TEXT, bytes INTEGER, json TEXT, status TEXT, _origin TEXT)").unwrap(); }).unwrap(), &s, &mut bytes).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["files"], serde_json::json!([]));
    }
}
