//! Stage 6: records → per-file JSON, CSV datasets, `datapackage.json`,
//! written crash-safely.
//!
//! ```text
//! OUT/
//!   json/<stem>.json        one FileRecord per input (stems: see `stems`)
//!   csv/files.csv           one row per input: status and error
//!   csv/documents.csv       one row per logical document
//!   csv/meetings.csv        one row per meeting, merged across documents
//!   csv/meeting_sources.csv one row per document of a merged meeting
//!   csv/document_meetings.csv one row per agenda / minutes document
//!   csv/participants.csv    one row per person listed
//!   csv/items.csv           one row per sak, merged: proposal, decision, outcome
//!   csv/document_items.csv  one row per sak listed in a document
//!   csv/references.csv      one row per "Vedtak fra tidligere behandlinger" row
//!   csv/memos.csv           one row per case memo
//!   csv/disagreements.csv   one row per value the documents disagree on
//!   datapackage.json        Frictionless Tabular Data Package of the CSVs
//! ```
//!
//! A run of `motebok extract` ([`write_run`]) adds, in the same staging dir:
//!
//! ```text
//!   motebok.sqlite          the CSVs as SQLite, with keys and FTS5 (see `sqlite`)
//!   metadata.json           Datasette metadata
//!   report.md, report.json  the validation report (crate::report)
//!   manifest.json           what each input was extracted from (crate::refresh)
//!   changes.json            what changed since the previous run (crate::refresh)
//! ```
//!
//! Columns and keys: [`tables`]. Atomic replacement of `OUT`: [`atomic`].
//! Every byte depends only on the records (sorted by input path here), so
//! two runs over the same inputs write identical files.
//!
//! To add an output file, write it through the [`Staging`] between
//! [`write_datasets`] and [`Staging::commit`] (as [`write_all`] does).

pub mod atomic;
pub mod datapackage;
pub mod json;
pub mod sqlite;
pub mod stems;
pub mod tables;
pub mod validate;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use atomic::{preflight, recover, LockError, OutLock, StagedFile, Staging};
pub use datapackage::Written;
pub use validate::validate;

use crate::model::FileRecord;

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{}: cannot write JSON: {source}", path.display())]
    Json { path: PathBuf, source: serde_json::Error },
    #[error("{}: cannot write CSV: {source}", path.display())]
    Csv { path: PathBuf, source: csv::Error },
    /// The output path cannot be used (not a directory, or a directory that
    /// is not motebok output).
    #[error("{}: {reason}", path.display())]
    BadOut { path: PathBuf, reason: String },
    #[error("{}: SQLite: {source}", path.display())]
    Sqlite { path: PathBuf, source: rusqlite::Error },
    /// Two records name the same input file.
    #[error("{}: input given twice", path.display())]
    DuplicateInput { path: PathBuf },
}

/// Write every dataset for `records` under `out`, replacing what was there
/// only once everything is written (see [`atomic`]).
pub fn write_all(out: &Path, records: &[FileRecord]) -> Result<(), OutputError> {
    let mut stage = Staging::begin(out)?;
    write_datasets(&mut stage, records)?;
    stage.commit().map(drop)
}

/// Write `json/`, `csv/` and `datapackage.json` into a staging dir.
pub fn write_datasets(stage: &mut Staging, records: &[FileRecord]) -> Result<Vec<Written>, OutputError> {
    write_batch(stage, &tables::Batch::new(records))
}

/// What a full run wrote, besides the files.
#[derive(Debug)]
pub struct RunOutput {
    pub changes: crate::refresh::Changes,
    pub report: crate::report::Report,
    /// What could not be cleaned up after the new output was in place.
    pub warnings: Vec<String>,
}

/// Everything `motebok extract` writes: the datasets, `motebok.sqlite` and
/// `metadata.json`, `report.md` / `report.json`, `manifest.json` and
/// `changes.json` (against the output being replaced and its manifest
/// `previous`), swapped in at once.
pub fn write_run(
    out: &Path,
    records: &[FileRecord],
    settings: &crate::refresh::Settings,
    previous: Option<&crate::refresh::Manifest>,
    extraction: &crate::refresh::Extraction,
) -> Result<RunOutput, OutputError> {
    let mut stage = Staging::begin(out)?;
    let batch = tables::Batch::new(records);
    let manifest = crate::refresh::Manifest::of(&batch.records, &batch.stems, settings);
    // Nothing changed: same inputs, same bytes, same version, rules and
    // options, every per-file JSON unchanged. Every output file is a
    // function of these, so the previous ones are taken as they are (hard
    // links) and only the changelog is new.
    if previous == Some(&manifest) && extraction.decoded.is_empty() && extraction.unchanged_json.len() == records.len() {
        if let Some(files) = previous_files(stage.out(), &manifest) {
            for rel in &files {
                stage.link(rel, &stage.out().join(rel))?;
            }
            let report: crate::report::Report = crate::report::build(&batch.records, &batch.merged);
            let changes = crate::refresh::changes(stage.out(), stage.root(), previous, &manifest, extraction);
            stage.write(crate::refresh::CHANGES, &changes.to_bytes())?;
            let warnings = stage.commit()?;
            return Ok(RunOutput { changes, report, warnings });
        }
    }
    let written = write_batch_linking(&mut stage, &batch, &extraction.unchanged_json)?;
    sqlite::write(&mut stage, &written)?;
    let report = crate::report::build(&batch.records, &batch.merged);
    stage.write(crate::report::REPORT_JSON, &report.to_json())?;
    stage.write(crate::report::REPORT_MD, report.to_markdown().as_bytes())?;
    stage.write(crate::refresh::MANIFEST, &manifest.to_bytes())?;
    let changes = crate::refresh::changes(stage.out(), stage.root(), previous, &manifest, extraction);
    stage.write(crate::refresh::CHANGES, &changes.to_bytes())?;
    let warnings = stage.commit()?;
    Ok(RunOutput { changes, report, warnings })
}

/// Every file a run writes, but changes.json, if all are present in `out`
/// (the previous output, made from `manifest`); `None` if any is missing.
fn previous_files(out: &Path, manifest: &crate::refresh::Manifest) -> Option<Vec<String>> {
    let mut files: Vec<String> = [
        atomic::MARKER,
        sqlite::DB,
        sqlite::METADATA,
        crate::report::REPORT_MD,
        crate::report::REPORT_JSON,
        crate::refresh::MANIFEST,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    files.extend(tables::TABLES.iter().map(|t| t.path()));
    files.extend(manifest.files.iter().map(|e| e.json.clone()));
    files.iter().all(|f| out.join(f).is_file()).then_some(files)
}

/// [`write_datasets`] for a batch already built.
pub fn write_batch(stage: &mut Staging, batch: &tables::Batch<'_>) -> Result<Vec<Written>, OutputError> {
    write_batch_linking(stage, batch, &std::collections::BTreeMap::new())
}

/// [`write_batch`], taking the per-file JSON of the inputs named in
/// `unchanged` from the given files (byte-identical JSON of the previous
/// output, hard-linked instead of written again).
pub fn write_batch_linking(
    stage: &mut Staging,
    batch: &tables::Batch<'_>,
    unchanged: &std::collections::BTreeMap<String, PathBuf>,
) -> Result<Vec<Written>, OutputError> {
    for pair in batch.records.windows(2) {
        if pair[0].source.file == pair[1].source.file {
            return Err(OutputError::DuplicateInput { path: PathBuf::from(&pair[0].source.file) });
        }
    }
    let json_dir = stage.path(json::DIR);
    std::fs::create_dir_all(&json_dir).map_err(|source| OutputError::Io { path: json_dir, source })?;
    for (rec, stem) in batch.records.iter().zip(&batch.stems) {
        match unchanged.get(&rec.source.file) {
            Some(from) => stage.link(json::rel_path(stem), from)?,
            None => json::write_record(stage, stem, rec)?,
        }
    }
    let mut written = Vec::new();
    for table in tables::TABLES {
        let mut file = stage.create(table.path())?;
        let path = file.path().to_path_buf();
        let mut w = HashingWriter::new(&mut file);
        let rows = (table.write)(batch, &mut w).map_err(|source| OutputError::Csv { path: path.clone(), source })?;
        let (bytes, sha256) = w.finish();
        file.finish()?;
        written.push(Written { table, bytes, sha256, rows });
    }
    let pkg = datapackage::render(&written, &datapackage::Meta::of(&batch.records))
        .map_err(|source| OutputError::Json { path: stage.path(atomic::MARKER), source })?;
    stage.write(atomic::MARKER, &pkg)?;
    Ok(written)
}

/// Counts and hashes what passes through.
struct HashingWriter<W> {
    inner: W,
    bytes: u64,
    hash: Sha256,
}

impl<W: Write> HashingWriter<W> {
    fn new(inner: W) -> Self {
        HashingWriter { inner, bytes: 0, hash: Sha256::new() }
    }

    fn finish(self) -> (u64, String) {
        (self.bytes, format!("{:x}", self.hash.finalize()))
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
