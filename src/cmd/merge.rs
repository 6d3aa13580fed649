//! `motebok merge OUT1 OUT2 … --out OUT`: one output from the outputs of
//! sharded runs (see [`crate::build::merge_outputs`]).

use super::{EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE};
use crate::build::{MergeError, MergeOptions};
use crate::cli::MergeArgs;

pub fn run(args: &MergeArgs) -> i32 {
    let opts = MergeOptions { shards: args.shards.clone(), out: args.out.clone(), rules_dir: args.rules.clone() };
    match crate::build::merge_outputs(&opts) {
        Ok(m) => {
            let t = &m.built.report.totals;
            let n = |k: &str| t.findings.get(k).copied().unwrap_or(0);
            eprintln!(
                "motebok: merged {} outputs: {} files, {} pages, {} documents, {} meetings, {} items",
                args.shards.len(),
                m.files,
                t.pages,
                t.documents,
                t.meetings,
                t.items
            );
            eprintln!("motebok: since the previous output: {}", m.built.changes.summary_line());
            eprintln!(
                "motebok: report: {} errors, {} warnings, {} info (see {})",
                n("error"),
                n("warning"),
                n("info"),
                args.out.join(crate::report::REPORT_MD).display()
            );
            EXIT_OK
        }
        Err(e) => {
            eprintln!("motebok merge: {e}");
            match e {
                MergeError::Output(_) => EXIT_SOME_FAILED,
                MergeError::Rules(_) | MergeError::Shard { .. } => EXIT_USAGE,
            }
        }
    }
}
