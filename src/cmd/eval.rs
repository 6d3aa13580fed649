//! `motebok eval GOLD OUT`: score a run against gold annotations.

use super::{EXIT_OK, EXIT_USAGE};
use crate::cli::EvalArgs;

pub fn run(args: &EvalArgs) -> i32 {
    match crate::eval::run_cli(&args.gold, &args.out, args.json, args.verbose) {
        Ok(text) => {
            use std::io::Write;
            // A closed pipe (`motebok eval … | head`) is not an error.
            let _ = std::io::stdout().write_all(text.as_bytes());
            EXIT_OK
        }
        Err(e) => {
            crate::say!("motebok eval: {e}");
            EXIT_USAGE
        }
    }
}
