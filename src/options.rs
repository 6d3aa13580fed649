//! What a run is asked to do. The command line (or a test, or another
//! program using the library) fills in [`RunOptions`]; the pipeline reads
//! it. No stage below sees a flag: each gets the part it needs
//! (`pdf::DecodeOptions`, `ocr::Mode`, …) from the pipeline.

use std::path::PathBuf;
use std::time::Duration;

/// Everything `motebok extract` needs to know.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// PDF files, or directories searched recursively for `*.pdf`.
    pub inputs: Vec<PathBuf>,
    /// The output directory, replaced as a whole at the end of the run.
    pub out: PathBuf,
    /// Rule files overriding the built-in ones.
    pub rules_dir: Option<PathBuf>,
    /// Files processed at once (`None`: all cores).
    pub jobs: Option<usize>,
    /// User password for encrypted PDFs.
    pub password: Option<String>,
    /// Time one file may take to decode.
    pub timeout: Duration,
    /// Address-space cap of each decoding worker, in bytes.
    pub max_memory: Option<u64>,
    pub ocr: crate::ocr::Mode,
    /// Re-extract every file, ignoring the previous run's manifest.
    pub force: bool,
    /// Decode in worker processes (a crash costs one file, not the run).
    pub isolation: bool,
    /// Test hook: workers act out faults named in the input file.
    pub test_faults: bool,
}

impl RunOptions {
    /// Defaults for `inputs` → `out`: as `motebok extract` without flags.
    pub fn new(inputs: Vec<PathBuf>, out: PathBuf) -> RunOptions {
        RunOptions {
            inputs,
            out,
            rules_dir: None,
            jobs: None,
            password: None,
            timeout: Duration::from_secs(60),
            max_memory: Some(1 << 30),
            ocr: crate::ocr::Mode::Auto,
            force: false,
            isolation: true,
            test_faults: false,
        }
    }
}
