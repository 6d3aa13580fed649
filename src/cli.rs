//! The command line as clap reads it: flags as typed, shape-checked only.
//! [`crate::cmd`] turns them into the options of the stages and runs them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "motebok",
    version,
    about = "Meeting PDFs of Norwegian governance bodies in, clean citable datasets out.",
    after_help = "Without a command, motebok runs its demo: `motebok extract fixtures --out output --fail-on never`, \
                  reading the PDFs bundled in ./fixtures of a clone of the repository into ./output.\n\
                  Exit codes: 0 ok; 1 the batch completed but a file failed (see --fail-on, --strict); \
                  2 nothing was written: a usage error, no inputs, the output locked by another run or not writable."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract meetings, participants, saker and decisions from PDFs.
    Extract(ExtractArgs),
    /// Score extracted JSON against gold annotations (strict and lenient slot F1; the same figures as tests/score.py in the repository).
    Eval(EvalArgs),
    /// Combine the outputs of sharded runs (`extract --shard I/N`) into one.
    Merge(MergeArgs),
    /// Full-text search of an output: saker, memos and page text.
    Search(SearchArgs),
    /// Print the page text of a PDF exactly as the pipeline reads it.
    Text(TextArgs),
    /// Internal: decode PDFs sent on stdin (used by the worker pool).
    #[command(name = "__worker", hide = true)]
    Worker(WorkerArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Exit 1 when any file failed (default).
    Failed,
    /// Exit 1 when any file failed or was only partly extracted.
    Partial,
    /// Exit 0 whenever the batch completed.
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OcrArg {
    /// OCR pages that have no usable text layer.
    Auto,
    /// OCR every page.
    Always,
    /// Never OCR; pages without text are reported as such.
    Never,
}

#[derive(Debug, Clone, Args)]
pub struct ExtractArgs {
    /// PDF files or directories (searched recursively for *.pdf).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output directory (replaced as a whole at the end of the run; the
    /// folder holding it must be writable: the new output is built beside it).
    #[arg(short = 'o', long, default_value = "output")]
    pub out: PathBuf,
    /// Key inputs by their path under DIR (default: a directory given leads with its own name; a file given, its path from the current directory, or its name when outside it).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Directory of rule files overriding the built-in ones.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Files decoded at once (default: all cores; at most 4 per core, and no more than there are files).
    #[arg(short = 'j', long, value_parser = parse_count, allow_hyphen_values = true)]
    pub jobs: Option<usize>,
    /// User password for encrypted PDFs.
    #[arg(long)]
    pub password: Option<String>,
    /// Seconds one file may take to decode before it is given up (at least 1).
    #[arg(long, default_value = "60", value_parser = parse_seconds, allow_hyphen_values = true)]
    pub timeout: u64,
    /// Memory cap per decoding worker, e.g. 1G, 512M.
    #[arg(long, default_value = "1G", value_parser = parse_size, allow_hyphen_values = true)]
    pub max_memory: u64,
    /// Larger input files are not read: they get a failed row. E.g. 2G, 500M.
    #[arg(long, default_value = "2G", value_parser = parse_size, allow_hyphen_values = true)]
    pub max_file_size: u64,
    /// Which outcome makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Failed)]
    pub fail_on: FailOn,
    /// When to run OCR.
    #[arg(long, value_enum, default_value_t = OcrArg::Auto)]
    pub ocr: OcrArg,
    /// Re-extract every file, ignoring the manifest of the previous run.
    #[arg(long)]
    pub force: bool,
    /// Findings of level error in the validation report fail the run.
    #[arg(long)]
    pub strict: bool,
    /// Write an empty dataset when the inputs hold no PDF (otherwise exit 2
    /// and keep the previous output: an unmounted share must not wipe it).
    #[arg(long)]
    pub allow_empty: bool,
    /// When another run is writing the same output, wait for it instead of exiting 2.
    #[arg(long)]
    pub wait: bool,
    /// Print only warnings and errors.
    #[arg(short = 'q', long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print a line per file as it is done, and notes on what was skipped.
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// Print the run summary as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// Write the run summary as JSON to FILE (also when the run fails).
    #[arg(long, value_name = "FILE")]
    pub summary_json: Option<PathBuf>,
    /// Decode in this process instead of worker processes (faster, but a
    /// crashing PDF takes the whole run down).
    #[arg(long)]
    pub no_isolation: bool,
    /// Test hook: let workers act out faults named in the input file.
    #[arg(long, hide = true)]
    pub test_faults: bool,
    /// Process only shard I of N (1 <= I <= N) of the inputs, chosen by a
    /// hash of each path; `motebok merge` combines the shards' outputs.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<crate::options::Shard>,
}

#[derive(Debug, Clone, Args)]
pub struct MergeArgs {
    /// Output directories of `motebok extract … --shard I/N`.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// Output directory of the merged datasets.
    #[arg(short = 'o', long, default_value = "output")]
    pub out: PathBuf,
    /// The rule files the shards were extracted with.
    #[arg(long)]
    pub rules: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct SearchArgs {
    /// Words or "a phrase"; each word is searched as a phrase (e-helse is e-helse).
    #[arg(required = true)]
    pub query: Vec<String>,
    /// Output directory of a run (holds motebok.sqlite).
    #[arg(short = 'o', long, default_value = "output")]
    pub out: PathBuf,
    /// Hits shown at most.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
}

/// A count of at least 1 (`--jobs`).
pub fn parse_count(s: &str) -> Result<usize, String> {
    match s.trim().parse::<i128>() {
        Ok(n) if n < 1 => Err(format!("must be at least 1, got {n} (leave the option out for the default)")),
        Ok(n) => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
        Err(_) => Err(format!("not a whole number: {s:?}")),
    }
}

/// Whole seconds, at least 1 and at most a week (`--timeout`).
pub fn parse_seconds(s: &str) -> Result<u64, String> {
    const WEEK: i128 = 7 * 24 * 3600;
    match s.trim().parse::<i128>() {
        Ok(n) if n < 1 => Err(format!("must be at least 1 second, got {n}")),
        Ok(n) if n > WEEK => Err(format!("must be at most {WEEK} seconds (a week), got {n}")),
        Ok(n) => Ok(n as u64),
        Err(_) => Err(format!("not a whole number of seconds: {s:?}")),
    }
}

#[derive(Debug, Clone, Args)]
pub struct EvalArgs {
    /// Directory of gold <id>.json files (id: letters and digits, e.g. 000, r07).
    pub gold: PathBuf,
    /// Output directory of a run (holds json/; json/<id>.json and
    /// json/<id>-<anything>.json are scored against gold <id>.json).
    pub out: PathBuf,
    /// Print figures as JSON.
    #[arg(long)]
    pub json: bool,
    /// List every miss.
    #[arg(long)]
    pub verbose: bool,
}

#[derive(Debug, Clone, Args)]
pub struct TextArgs {
    /// The PDF file.
    pub file: PathBuf,
    /// Pages to print: 3-5, 2, 1,4-6, 7- (default: all).
    #[arg(long)]
    pub pages: Option<String>,
    /// Print JSON: engine, quality and text per page.
    #[arg(long)]
    pub json: bool,
    /// User password for an encrypted PDF.
    #[arg(long)]
    pub password: Option<String>,
    /// When to run OCR.
    #[arg(long, value_enum, default_value_t = OcrArg::Auto)]
    pub ocr: OcrArg,
    /// Seconds the file may take to decode.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
    /// Memory cap of the decoding worker, e.g. 1G, 512M.
    #[arg(long, default_value = "1G", value_parser = parse_size)]
    pub max_memory: u64,
    /// Decode in this process instead of a worker process.
    #[arg(long)]
    pub no_isolation: bool,
}

#[derive(Debug, Clone, Args)]
pub struct WorkerArgs {
    #[arg(long)]
    pub max_memory: Option<u64>,
    #[arg(long)]
    pub test_faults: bool,
}

/// "1G", "512M", "2048K", "1000000" → bytes.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (num, mult) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m = match c.to_ascii_uppercase() {
                'K' => 1u64 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                _ => return Err(format!("unknown size unit in {s:?} (use K, M or G)")),
            };
            (&s[..i], m)
        }
        _ => (s, 1),
    };
    let n: f64 = num.trim().parse().map_err(|_| format!("not a size: {s:?}"))?;
    if n <= 0.0 {
        return Err(format!("size must be positive: {s:?}"));
    }
    Ok((n * mult as f64) as u64)
}

impl From<OcrArg> for crate::ocr::Mode {
    fn from(a: OcrArg) -> Self {
        match a {
            OcrArg::Auto => crate::ocr::Mode::Auto,
            OcrArg::Always => crate::ocr::Mode::Always,
            OcrArg::Never => crate::ocr::Mode::Never,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("512m"), Ok(512 << 20));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("1X").is_err());
        assert!(parse_size("-1G").is_err());
    }

    #[test]
    fn counts_and_seconds() {
        assert_eq!(parse_count("3"), Ok(3));
        assert!(parse_count("0").unwrap_err().contains("at least 1"));
        assert!(parse_count("-1").unwrap_err().contains("at least 1"));
        assert_eq!(parse_count("100000"), Ok(100000));
        assert_eq!(parse_seconds("60"), Ok(60));
        assert!(parse_seconds("0").unwrap_err().contains("at least 1 second"));
        assert!(parse_seconds("-1").unwrap_err().contains("at least 1 second"));
        assert!(parse_seconds("1.5").is_err());
    }
}
