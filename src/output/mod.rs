//! Stage 6: records → per-file JSON, CSV datasets, `datapackage.json`,
//! written crash-safely.
//!
//! ```text
//! OUT/
//!   json/<stem>.json        one FileRecord per input (stems: see `stems`)
//!   csv/files.csv           one row per input: status and error
//!   csv/documents.csv       one row per logical document
//!   csv/meetings.csv        one row per agenda / minutes document
//!   csv/participants.csv    one row per person listed
//!   csv/items.csv           one row per sak listed
//!   csv/references.csv      one row per "Vedtak fra tidligere behandlinger" row
//!   csv/memos.csv           one row per case memo
//!   datapackage.json        Frictionless Tabular Data Package of the CSVs
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
pub mod stems;
pub mod tables;
pub mod validate;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use atomic::{recover, StagedFile, Staging};
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
    /// Two records name the same input file.
    #[error("{}: input given twice", path.display())]
    DuplicateInput { path: PathBuf },
}

/// Write every dataset for `records` under `out`, replacing what was there
/// only once everything is written (see [`atomic`]).
pub fn write_all(out: &Path, records: &[FileRecord]) -> Result<(), OutputError> {
    let mut stage = Staging::begin(out)?;
    write_datasets(&mut stage, records)?;
    stage.commit()
}

/// Write `json/`, `csv/` and `datapackage.json` into a staging dir.
pub fn write_datasets(stage: &mut Staging, records: &[FileRecord]) -> Result<Vec<Written>, OutputError> {
    let batch = tables::Batch::new(records);
    for pair in batch.records.windows(2) {
        if pair[0].source.file == pair[1].source.file {
            return Err(OutputError::DuplicateInput { path: PathBuf::from(&pair[0].source.file) });
        }
    }
    let json_dir = stage.path(json::DIR);
    std::fs::create_dir_all(&json_dir).map_err(|source| OutputError::Io { path: json_dir, source })?;
    for (rec, stem) in batch.records.iter().zip(&batch.stems) {
        json::write_record(stage, stem, rec)?;
    }
    let mut written = Vec::new();
    for table in tables::TABLES {
        let mut file = stage.create(table.path())?;
        let path = file.path().to_path_buf();
        let mut w = HashingWriter::new(&mut file);
        let rows = (table.write)(&batch, &mut w).map_err(|source| OutputError::Csv { path: path.clone(), source })?;
        let (bytes, sha256) = w.finish();
        file.finish()?;
        written.push(Written { table, bytes, sha256, rows });
    }
    let pkg = datapackage::render(&written)
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
