//! PDF decoding in worker processes. (Being written by the pdf helper.)
use crate::cli::WorkerArgs;

/// `motebok __worker`: serve decode requests on stdin/stdout.
pub fn serve(_args: &WorkerArgs) -> i32 {
    2
}
