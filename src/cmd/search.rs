//! `motebok search QUERY --out DIR`: full-text search of an output's
//! saker, memos and page text, one hit a line with its file and page.
//! Exit 0 with hits, 1 without, 2 when the output cannot be searched.

use super::{EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE};
use crate::cli::SearchArgs;

pub fn run(args: &SearchArgs) -> i32 {
    let query = args.query.join(" ");
    match crate::search::search(&args.out, &query, args.limit) {
        Ok(hits) => {
            for h in &hits {
                println!("{}", h.line());
            }
            if hits.is_empty() {
                eprintln!("motebok search: no hits for {query:?}");
                EXIT_SOME_FAILED
            } else {
                EXIT_OK
            }
        }
        Err(e) => {
            eprintln!("motebok search: {e}");
            EXIT_USAGE
        }
    }
}
