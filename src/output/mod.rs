//! Stage 6: records → JSON, CSV, datapackage. (Being written by the output helper.)
use std::path::Path;
use crate::model::FileRecord;

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{path}: {source}")]
    Io { path: std::path::PathBuf, source: std::io::Error },
}

/// Write every dataset for `records` under `out`.
pub fn write_all(_out: &Path, _records: &[FileRecord]) -> Result<(), OutputError> {
    Ok(())
}
