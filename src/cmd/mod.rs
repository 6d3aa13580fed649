//! The commands: each turns its parsed arguments into the options of the
//! stages, runs them, and decides the exit code. Exit codes live here and
//! nowhere else.

mod eval;
mod extract;
mod merge;
mod search;
mod text;
mod worker;

use clap::Parser;

use crate::cli::{Cli, Command};

/// Exit codes, documented in the README (and `motebok --help`).
pub const EXIT_OK: i32 = 0;
/// The batch completed, but a file failed (or, by `--fail-on` /
/// `--strict`, was partial or the report has errors).
pub const EXIT_SOME_FAILED: i32 = 1;
/// Nothing was written: a usage error, no inputs, a broken rules file, the
/// output locked by another run, or an output that cannot be written.
pub const EXIT_USAGE: i32 = 2;

/// Parse arguments, run, and return the process exit code.
pub fn main() -> i32 {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // A bare `motebok` (what `cargo run --release` runs) extracts the
    // bundled fixtures into output/.
    let cli = if argv.len() <= 1 {
        if !std::path::Path::new("fixtures").is_dir() {
            crate::say!(
                "motebok: no command given, and no ./fixtures here for the demo run \
                 (`motebok` alone extracts the fixtures of a clone of the repository).\n\
                 Try `motebok extract PATH... --out DIR`, or `motebok --help`."
            );
            return EXIT_USAGE;
        }
        Cli::parse_from(["motebok", "extract", "fixtures", "--out", "output", "--fail-on", "never"])
    } else {
        match Cli::try_parse_from(&argv) {
            Ok(c) => c,
            Err(e) => {
                let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
                let _ = e.print();
                return code;
            }
        }
    };
    match cli.command {
        None => {
            crate::say!("motebok: no command (try `motebok extract PATH... --out DIR`)");
            EXIT_USAGE
        }
        Some(Command::Extract(args)) => extract::run(&args),
        Some(Command::Eval(args)) => eval::run(&args),
        Some(Command::Merge(args)) => merge::run(&args),
        Some(Command::Search(args)) => search::run(&args),
        Some(Command::Text(args)) => text::run(&args),
        Some(Command::Worker(args)) => worker::run(&args),
    }
}
