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
    /// Process only this shard of the inputs (`--shard I/N`).
    pub shard: Option<Shard>,
}

/// One of `count` disjoint parts of the inputs (`--shard I/N`, `1 <= I <=
/// N`): an input belongs to shard `I` when the first eight bytes of the
/// SHA-256 of its key (its path under the input root, see
/// `crate::inputs`), read as a big-endian number, leave `I - 1` divided by
/// `N`. Deterministic on every machine and every run, so a
/// Slurm array or a Kubernetes Indexed Job spreads a corpus without any
/// coordination; every input is in exactly one shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: u32,
    pub count: u32,
}

impl Shard {
    pub fn contains(&self, path: &str) -> bool {
        use sha2::{Digest, Sha256};
        let h = Sha256::digest(path.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&h[..8]);
        u64::from_be_bytes(first) % u64::from(self.count) == u64::from(self.index - 1)
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// `3/8`.
    fn from_str(s: &str) -> Result<Shard, String> {
        let (i, n) = s.split_once('/').ok_or_else(|| format!("not a shard: {s:?} (use I/N, e.g. 1/4)"))?;
        let index: u32 = i.trim().parse().map_err(|_| format!("not a shard number: {i:?}"))?;
        let count: u32 = n.trim().parse().map_err(|_| format!("not a shard count: {n:?}"))?;
        if count == 0 || index == 0 || index > count {
            return Err(format!("shard {s:?}: I must be 1 to N"));
        }
        Ok(Shard { index, count })
    }
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
            shard: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Shard;

    #[test]
    fn shards_split_inputs_once() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "1/0", "x", "1/x"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        let shards: Vec<Shard> = (1..=4).map(|index| Shard { index, count: 4 }).collect();
        let mut sizes = [0; 4];
        for i in 0..1000 {
            let path = format!("corpus/{i:04}.pdf");
            let owners: Vec<usize> = (0..4).filter(|&k| shards[k].contains(&path)).collect();
            assert_eq!(owners.len(), 1, "{path}");
            sizes[owners[0]] += 1;
        }
        assert!(sizes.iter().all(|&n| n > 200), "{sizes:?}");
        // Fixed: the same path is in the same shard everywhere.
        assert!(Shard { index: 1, count: 1 }.contains("anything"));
    }
}
