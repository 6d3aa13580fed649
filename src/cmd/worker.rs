//! `motebok __worker`: a decoding worker of the pool (see [`crate::worker`]).

use super::{EXIT_OK, EXIT_USAGE};
use crate::cli::WorkerArgs;

pub fn run(args: &WorkerArgs) -> i32 {
    match crate::worker::serve(args.max_memory, args.test_faults) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            crate::say!("motebok worker: {e}");
            EXIT_USAGE
        }
    }
}
