//! Incremental runs: the manifest, reuse of earlier extractions, and the
//! changelog.
//!
//! # Manifest: `OUT/manifest.json`
//!
//! Per input: its path (as given), sha256, size, the motebok version, the
//! rules fingerprint ([`crate::rules::Rules::fingerprint`]), the extraction
//! options that change what is extracted (`--ocr` mode, OCR language,
//! whether a `--password` was given), and its per-file JSON.
//!
//! # Reuse
//!
//! An input is not decoded again when the previous manifest has an entry
//! for the same path with the same sha256 and size, made by the same motebok
//! version with the same rules fingerprint and options, and that entry's
//! JSON in the previous output parses and names the same file and sha256:
//! its [`FileRecord`] is read back from there. Every input is read and
//! hashed on every run (reading is cheap; decoding is what is skipped), so
//! a changed file is always noticed, whatever its mtime says. `--force`
//! re-extracts everything. Records that are not `ok` (failed, partial,
//! no_text) are never reused: the cause may have been passing (a memory
//! cap, a time-out on a loaded machine, tesseract not installed yet), so
//! they are tried again on every run and counted as `retried`. The OCR
//! engine's availability is one of the options, so a rerun after
//! installing tesseract re-reads every file.
//!
//! # Changelog: `OUT/changes.json`
//!
//! Files added / changed / removed since the previous run (by path and
//! sha256, against the previous manifest), which files were decoded and
//! why, and meetings and items (the merged `meetings.csv` / `items.csv`
//! rows, by primary key) added / changed / removed against the previous
//! output's CSVs. A first run (no previous manifest) has everything
//! added. Deterministic: no times in it, so two runs over the same input
//! give the same file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::FileRecord;
use crate::output::json;

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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format of this file.
    pub manifest_version: u32,
    pub motebok_version: String,
    pub rules_fingerprint: String,
    pub options: String,
    /// Sorted by `file`.
    pub files: Vec<ManifestEntry>,
}

impl Manifest {
    /// The manifest of a batch: `records` with their JSON stems.
    pub fn of(records: &[&FileRecord], stems: &[String], settings: &Settings) -> Manifest {
        let mut files: Vec<ManifestEntry> = records
            .iter()
            .zip(stems)
            .map(|(r, stem)| ManifestEntry {
                file: r.source.file.clone(),
                sha256: r.source.sha256.clone(),
                bytes: r.source.bytes,
                motebok_version: settings.motebok_version.clone(),
                rules_fingerprint: settings.rules_fingerprint.clone(),
                options: settings.options.clone(),
                json: json::rel_path(stem),
            })
            .collect();
        files.sort_by(|a, b| a.file.cmp(&b.file));
        Manifest {
            manifest_version: 1,
            motebok_version: settings.motebok_version.clone(),
            rules_fingerprint: settings.rules_fingerprint.clone(),
            options: settings.options.clone(),
            files,
        }
    }

    /// The manifest of the output in `out`, if there is a readable one.
    pub fn load(out: &Path) -> Option<Manifest> {
        let bytes = std::fs::read(out.join(MANIFEST)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("a manifest serialises");
        v.push(b'\n');
        v
    }

    pub fn entry(&self, file: &str) -> Option<&ManifestEntry> {
        self.files.binary_search_by(|e| e.file.as_str().cmp(file)).ok().map(|i| &self.files[i])
    }
}

/// Why an input is decoded on this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
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
}

/// What to do with one input.
#[derive(Debug)]
pub enum Plan {
    /// The earlier record, and the earlier JSON file when its bytes are
    /// exactly what writing the record gives (so it can be linked, not
    /// rewritten).
    Reuse(Box<FileRecord>, Option<std::path::PathBuf>),
    Extract(Reason),
}

/// Decide whether `input` needs decoding. Reads (at most `limit` bytes)
/// and hashes the file; on a match reads the earlier record from `out`.
pub fn plan(input: &crate::inputs::Input, previous: Option<&Manifest>, settings: &Settings, out: &Path, force: bool, limit: u64) -> Plan {
    let name = input.key.as_str();
    let Some(prev) = previous else { return Plan::Extract(Reason::New) };
    let Some(entry) = prev.entry(name) else { return Plan::Extract(Reason::New) };
    if force {
        return Plan::Extract(Reason::Forced);
    }
    let Ok(bytes) = crate::util::read_input(&input.path, limit) else { return Plan::Extract(Reason::Unreadable) };
    if bytes.len() as u64 != entry.bytes || crate::util::sha256_hex(&bytes) != entry.sha256 {
        return Plan::Extract(Reason::Changed);
    }
    // The earlier record, when it is there and about this file.
    let rel = Path::new(&entry.json);
    let cached = if rel.is_absolute() || rel.components().any(|c| matches!(c, std::path::Component::ParentDir)) {
        None
    } else {
        let json_path = out.join(rel);
        std::fs::read(&json_path).ok().and_then(|old| match serde_json::from_slice::<FileRecord>(&old) {
            Ok(rec) if rec.source.file == name && rec.source.sha256 == entry.sha256 && rec.source.bytes == entry.bytes => {
                Some((rec, old, json_path))
            }
            _ => None,
        })
    };
    // Not ok last time: whatever else changed, this is a retry.
    if cached.as_ref().is_some_and(|(rec, _, _)| rec.status != crate::model::Status::Ok) {
        return Plan::Extract(Reason::Retry);
    }
    if entry.motebok_version != settings.motebok_version {
        return Plan::Extract(Reason::Version);
    }
    if entry.rules_fingerprint != settings.rules_fingerprint {
        return Plan::Extract(Reason::Rules);
    }
    if entry.options != settings.options {
        return Plan::Extract(Reason::Options);
    }
    match cached {
        Some((rec, old, json_path)) => {
            let same = json::to_bytes(&rec).is_ok_and(|b| b == old);
            Plan::Reuse(Box::new(rec), same.then_some(json_path))
        }
        None => Plan::Extract(Reason::NoCachedRecord),
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Decoded {
    pub file: String,
    pub reason: Option<Reason>,
}

/// What the extraction step did, per input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Extraction {
    /// Inputs decoded, with why; sorted by file.
    pub decoded: Vec<Decoded>,
    /// Inputs whose earlier record was reused; sorted.
    pub reused: Vec<String>,
    /// Reused inputs whose earlier JSON file can be linked as it is.
    #[serde(skip)]
    pub unchanged_json: BTreeMap<String, std::path::PathBuf>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SetChanges {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: usize,
}

impl SetChanges {
    fn line(&self, what: &str) -> String {
        format!("{what} {} added, {} changed, {} removed", self.added.len(), self.changed.len(), self.removed.len())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ExtractionCounts {
    pub decoded: usize,
    /// Of `decoded`: not ok on the previous run, tried again.
    #[serde(default)]
    pub retried: usize,
    pub reused: usize,
    pub decoded_files: Vec<Decoded>,
}

/// `changes.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    /// True when there was no previous manifest to compare with.
    pub first_run: bool,
    pub files: SetChanges,
    pub extraction: ExtractionCounts,
    /// Merged meetings (`meetings.csv`), named `NUIT 2/2022`.
    pub meetings: SetChanges,
    /// Merged saker (`items.csv`), named `NUIT 13/2022`.
    pub items: SetChanges,
}

impl Changes {
    /// The one-line summary printed on stderr.
    pub fn summary_line(&self) -> String {
        format!(
            "{}; {}; {}; {} decoded, {} reused, {} retried",
            self.files.line("files"),
            self.meetings.line("meetings"),
            self.items.line("items"),
            self.extraction.decoded,
            self.extraction.reused,
            self.extraction.retried
        )
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("changes serialise");
        v.push(b'\n');
        v
    }
}

/// Rows of a CSV keyed by the given columns, each row as the whole record.
fn keyed_rows(path: &Path, key: &[&str], name: fn(&[String]) -> String) -> Option<BTreeMap<String, Vec<String>>> {
    let mut rdr = csv::Reader::from_path(path).ok()?;
    let header: Vec<String> = rdr.headers().ok()?.iter().map(str::to_string).collect();
    let idx: Vec<usize> = key.iter().map(|k| header.iter().position(|h| h == k)).collect::<Option<_>>()?;
    let mut out = BTreeMap::new();
    for rec in rdr.records() {
        let rec: Vec<String> = rec.ok()?.iter().map(str::to_string).collect();
        let k: Vec<String> = idx.iter().map(|&i| rec.get(i).cloned().unwrap_or_default()).collect();
        let mut full = header.clone();
        full.extend(rec);
        out.insert(name(&k), full);
    }
    Some(out)
}

fn set_changes(old: &BTreeMap<String, Vec<String>>, new: &BTreeMap<String, Vec<String>>) -> SetChanges {
    let mut c = SetChanges::default();
    for (k, v) in new {
        match old.get(k) {
            None => c.added.push(k.clone()),
            Some(o) if o != v => c.changed.push(k.clone()),
            Some(_) => c.unchanged += 1,
        }
    }
    c.removed = old.keys().filter(|k| !new.contains_key(*k)).cloned().collect();
    c
}

fn meeting_name(k: &[String]) -> String {
    format!("{} {}/{}", k[0], k[1], k[2])
}

/// Compare the new output (`new_dir`, the staging dir) with the previous
/// one (`old_dir`) whose manifest was `previous`.
pub fn changes(old_dir: &Path, new_dir: &Path, previous: Option<&Manifest>, current: &Manifest, extraction: &Extraction) -> Changes {
    let mut files = SetChanges::default();
    let old_files: BTreeMap<&str, &ManifestEntry> = previous.map(|m| m.files.iter().map(|e| (e.file.as_str(), e)).collect()).unwrap_or_default();
    let new_files: BTreeSet<&str> = current.files.iter().map(|e| e.file.as_str()).collect();
    for e in &current.files {
        match old_files.get(e.file.as_str()) {
            None => files.added.push(e.file.clone()),
            Some(o) if o.sha256 != e.sha256 || o.bytes != e.bytes => files.changed.push(e.file.clone()),
            Some(_) => files.unchanged += 1,
        }
    }
    files.removed = old_files.keys().filter(|f| !new_files.contains(*f)).map(|f| f.to_string()).collect();
    let mkey: &[&str] = &["body", "meeting_number", "meeting_year"];
    let ikey: &[&str] = &["body", "sak_number", "sak_year"];
    let load = |dir: &Path, rel: &str, key: &[&str]| keyed_rows(&dir.join(rel), key, meeting_name).unwrap_or_default();
    let (old_m, old_i) = if previous.is_some() {
        (load(old_dir, "csv/meetings.csv", mkey), load(old_dir, "csv/items.csv", ikey))
    } else {
        Default::default()
    };
    let new_m = load(new_dir, "csv/meetings.csv", mkey);
    let new_i = load(new_dir, "csv/items.csv", ikey);
    let mut decoded_files = extraction.decoded.clone();
    decoded_files.sort_by(|a, b| a.file.cmp(&b.file));
    Changes {
        first_run: previous.is_none(),
        files,
        extraction: ExtractionCounts {
            decoded: extraction.decoded.len(),
            retried: extraction.decoded.iter().filter(|d| d.reason == Some(Reason::Retry)).count(),
            reused: extraction.reused.len(),
            decoded_files,
        },
        meetings: set_changes(&old_m, &new_m),
        items: set_changes(&old_i, &new_i),
    }
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
