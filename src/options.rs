//! What a run is asked to do. The command line (or a test, or another
//! program using the library) fills in [`RunOptions`]; the pipeline reads
//! it. No stage below sees a flag: each gets the part it needs
//! (`pdf::DecodeOptions`, `ocr::Mode`, …) from the pipeline.

use std::path::PathBuf;
use std::time::Duration;

/// `--max-file-size` unless given: 2 GiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 2 << 30;

/// `--jobs` is capped at this many per core.
pub const MAX_JOBS_PER_CORE: usize = 4;

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
    /// Key inputs by their path under this directory (see `crate::inputs`).
    pub root: Option<PathBuf>,
    /// Larger inputs become failed rows, unread.
    pub max_file_size: u64,
    /// A run whose inputs yield no file may replace the output with an
    /// empty dataset (otherwise it is an error and the output is kept).
    pub allow_empty: bool,
    /// Wait for another run writing the same output instead of failing.
    pub wait: bool,
    /// Show a progress bar on stderr (when it is a terminal).
    pub progress: bool,
    /// Report each file as it is done (through `notify`).
    pub verbose: bool,
    /// Where notes for the operator go as they happen (waiting for a lock,
    /// inputs skipped, leftovers that could not be deleted, per-file lines
    /// with `verbose`).
    pub notify: fn(&str),
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
            root: None,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            allow_empty: false,
            wait: false,
            progress: false,
            verbose: false,
            notify: |_| {},
        }
    }
}
