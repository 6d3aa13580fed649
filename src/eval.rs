//! Slot scoring against gold annotations, as `shared/eval/score.py`.
//! (Being written: see the eval helper.)
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{0}")]
    Io(String),
}

/// `motebok eval GOLD OUT`: the report score.py prints.
pub fn run_cli(_gold: &Path, _out: &Path, _json: bool, _verbose: bool) -> Result<String, EvalError> {
    Err(EvalError::Io("not implemented yet".into()))
}
