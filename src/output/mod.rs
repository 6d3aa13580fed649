//! Stage 6: records → per-file JSON, CSV datasets, `datapackage.json`,
//! `motebok.sqlite`, written crash-safely.
//!
//! ```text
//! OUT/
//!   json/<stem>.json          one FileRecord per input (stems: see `stems`)
//!   csv/files.csv             one row per input: status and error
//!   csv/meetings.csv          one row per meeting, merged across documents
//!   csv/items.csv             one row per sak, merged: proposal, decision, outcome
//!   csv/attendance.csv        one row per meeting × person, merged
//!   csv/documents.csv         one row per logical document
//!   csv/meeting_sources.csv   one row per document of a merged meeting
//!   csv/item_sources.csv      one row per document listing a merged sak
//!   csv/document_meetings.csv one row per agenda / minutes document
//!   csv/participants.csv      one row per person as each document lists them
//!   csv/document_items.csv    one row per sak as each document lists it
//!   csv/references.csv        one row per "Vedtak fra tidligere behandlinger" row
//!   csv/memos.csv             one row per case memo
//!   csv/disagreements.csv     one row per value the documents disagree on
//!   datapackage.json          Frictionless Tabular Data Package of the CSVs
//!   motebok.sqlite            the same tables, page text, full-text indexes (see `sqlite`)
//!   metadata.json             Datasette metadata
//! ```
//!
//! The datasets are built in the run's store ([`dataset::Datasets`]) as
//! records arrive, and exported from it by sorted queries: every byte
//! depends only on the records, not on their order or number of shards.
//! Columns and keys: [`tables`]. Atomic replacement of `OUT`: [`atomic`].
//!
//! To add an output file, write it through the [`Staging`] before
//! [`Staging::commit`].

pub mod atomic;
pub mod datapackage;
pub mod dataset;
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
pub use dataset::Datasets;
pub use validate::validate;

use crate::model::FileRecord;
use crate::store::{self, Store};

/// The store of a run, inside its staging dir (removed before the swap).
pub const STORE: &str = ".store.sqlite";

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

/// Write the datasets of `records` (`json/`, `csv/`, `datapackage.json`)
/// under `out`, replacing what was there only once everything is written
/// (see [`atomic`]). Organisation aliases are the built-in rules'.
pub fn write_all(out: &Path, records: &[FileRecord]) -> Result<(), OutputError> {
    let rules = crate::rules::Rules::embedded();
    let mut stage = Staging::begin(out)?;
    let mut recs: Vec<&FileRecord> = records.iter().collect();
    recs.sort_by(|a, b| a.source.file.cmp(&b.source.file));
    let files: Vec<&str> = recs.iter().map(|r| r.source.file.as_str()).collect();
    let stems = stems::assign_stems(&files);
    let ds = Datasets::create(Some(&stage.path(STORE)), &rules)?;
    for (rec, stem) in recs.iter().zip(&stems) {
        ds.add_record(rec, stem)?;
        json::write_record(&mut stage, stem, rec)?;
    }
    ds.finish(&mut crate::merge::NoSink)?;
    write_datasets(&mut stage, ds.store())?;
    drop(ds);
    remove_store(&stage)?;
    stage.commit().map(drop)
}

/// Delete the store from the staging dir (before the swap).
pub fn remove_store(stage: &Staging) -> Result<(), OutputError> {
    let p = stage.path(STORE);
    match std::fs::remove_file(&p) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(OutputError::Io { path: p, source }),
    }
}

/// Write every CSV of the store's datasets and `datapackage.json`.
pub fn write_datasets(stage: &mut Staging, store: &Store) -> Result<Vec<Written>, OutputError> {
    // json/ exists even when there is no input.
    let json_dir = stage.path(json::DIR);
    std::fs::create_dir_all(&json_dir).map_err(|source| OutputError::Io { path: json_dir, source })?;
    let mut written = Vec::new();
    for table in tables::TABLES.iter().filter(|t| t.csv) {
        let mut file = stage.create(table.path())?;
        let path = file.path().to_path_buf();
        let mut w = HashingWriter::new(&mut file);
        let rows = write_csv(store, table, &mut w).map_err(|e| match e {
            CsvOrStore::Csv(source) => OutputError::Csv { path: path.clone(), source },
            CsvOrStore::Store(e) => e.into(),
        })?;
        let (bytes, sha256) = w.finish();
        file.finish()?;
        written.push(Written { table, bytes, sha256, rows });
    }
    let meta = datapackage::Meta::from_store(store)?;
    let pkg = datapackage::render(&written, &meta).map_err(|source| OutputError::Json { path: stage.path(atomic::MARKER), source })?;
    stage.write(atomic::MARKER, &pkg)?;
    Ok(written)
}

enum CsvOrStore {
    Csv(csv::Error),
    Store(store::StoreError),
}

/// The `SELECT` that exports a table's fields in its order (from the
/// table in `schema`, when given).
pub fn export_sql(table: &tables::Table, schema: Option<&str>) -> String {
    let names: Vec<&str> = (table.fields)().iter().map(|f| f.name).collect();
    let from = match schema {
        Some(s) => format!("{}.{}", store::quote(s), store::quote(table.name)),
        None => store::quote(table.name),
    };
    format!("SELECT {} FROM {from} ORDER BY {}", store::column_list(&names), store::column_list(table.order_by))
}

/// Stream one table of the store to `w` as CSV: header, then rows in order.
fn write_csv(store: &Store, table: &tables::Table, w: &mut dyn Write) -> Result<u64, CsvOrStore> {
    let fields = (table.fields)();
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(w);
    out.write_record(fields.iter().map(|f| f.name)).map_err(CsvOrStore::Csv)?;
    let mut n = 0;
    let mut err = None;
    store
        .each(&export_sql(table, None), &[], |row| {
            if err.is_some() {
                return Ok(());
            }
            for (i, f) in fields.iter().enumerate() {
                let v: store::Value = row.get(i).unwrap_or(store::Value::Null);
                if let Err(e) = out.write_field(tables::render(&v, f.ty).as_bytes()) {
                    err = Some(e);
                    return Ok(());
                }
            }
            if let Err(e) = out.write_record(std::iter::empty::<&[u8]>()) {
                err = Some(e);
            }
            n += 1;
            Ok(())
        })
        .map_err(CsvOrStore::Store)?;
    if let Some(e) = err {
        return Err(CsvOrStore::Csv(e));
    }
    out.flush().map_err(|e| CsvOrStore::Csv(e.into()))?;
    Ok(n)
}

/// Counts and hashes what passes through.
pub struct HashingWriter<W> {
    inner: W,
    bytes: u64,
    hash: Sha256,
}

impl<W: Write> HashingWriter<W> {
    pub fn new(inner: W) -> Self {
        HashingWriter { inner, bytes: 0, hash: Sha256::new() }
    }

    pub fn finish(self) -> (u64, String) {
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
