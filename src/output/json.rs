//! `json/<stem>.json`: each [`FileRecord`] as pretty JSON (serde field
//! order, two-space indent, UTF-8, trailing newline).

use std::io::Write;

use super::atomic::Staging;
use super::OutputError;
use crate::model::FileRecord;

/// Directory of the per-file JSON, relative to the output dir.
pub const DIR: &str = "json";

/// The `OUT`-relative path of the JSON of the input with this stem.
pub fn rel_path(stem: &str) -> String {
    format!("{DIR}/{stem}.json")
}

/// Serialise one record exactly as it is written to disk.
pub fn to_bytes(rec: &FileRecord) -> Result<Vec<u8>, serde_json::Error> {
    let mut v = serde_json::to_vec_pretty(rec)?;
    v.push(b'\n');
    Ok(v)
}

pub fn write_record(stage: &mut Staging, stem: &str, rec: &FileRecord) -> Result<(), OutputError> {
    let mut f = stage.create(rel_path(stem))?;
    let path = f.path().to_path_buf();
    serde_json::to_writer_pretty(&mut f, rec).map_err(|source| OutputError::Json { path: path.clone(), source })?;
    f.write_all(b"\n").map_err(|source| OutputError::Io { path, source })?;
    f.finish()
}
