//! `motebok eval GOLD OUT`: score a run against gold annotations.

use super::{EXIT_OK, EXIT_USAGE};
use crate::cli::EvalArgs;

pub fn run(args: &EvalArgs) -> i32 {
    match crate::eval::run_cli(&args.gold, &args.out, args.json, args.verbose) {
        Ok(text) => {
            print!("{text}");
            EXIT_OK
        }
        Err(e) => {
            eprintln!("motebok eval: {e}");
            EXIT_USAGE
        }
    }
}
