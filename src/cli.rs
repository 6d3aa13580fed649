//! The command line as clap reads it: flags as typed, shape-checked only.
//! [`crate::cmd`] turns them into the options of the stages and runs them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "motebok", version, about = "Meeting PDFs of Norwegian governance bodies in, clean citable datasets out.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract meetings, participants, saker and decisions from PDFs.
    Extract(ExtractArgs),
    /// Score extracted JSON against gold annotations (strict and lenient slot F1, as shared/eval/score.py).
    Eval(EvalArgs),
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
    /// Output directory.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Directory of rule files overriding the built-in ones.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Files decoded at once (default: all cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// User password for encrypted PDFs.
    #[arg(long)]
    pub password: Option<String>,
    /// Seconds one file may take to decode before it is given up.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
    /// Memory cap per decoding worker, e.g. 1G, 512M.
    #[arg(long, default_value = "1G", value_parser = parse_size)]
    pub max_memory: u64,
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
    /// Decode in this process instead of worker processes (faster, but a
    /// crashing PDF takes the whole run down).
    #[arg(long)]
    pub no_isolation: bool,
    /// Test hook: let workers act out faults named in the input file.
    #[arg(long, hide = true)]
    pub test_faults: bool,
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
}
