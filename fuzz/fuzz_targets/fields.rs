//! Text → fields: arbitrary page text must never panic, and must not take
//! super-linear time (run with `-timeout=10 -max_len=200000`).
//!
//! The input is split into pages at form feeds (U+000C), as a text layer
//! gives them, and read as UTF-8 lossily.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use motebok::model::Engine;
use motebok::pdf::PageText;
use motebok::rules::Rules;

static RULES: OnceLock<Rules> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let rules = RULES.get_or_init(Rules::embedded);
    let text = String::from_utf8_lossy(data);
    let pages: Vec<PageText> = text
        .split('\u{c}')
        .enumerate()
        .map(|(i, t)| PageText::new(i as u32 + 1, t.to_string(), Engine::Lopdf))
        .collect();
    let docs = motebok::read::read_file(&pages, rules);
    // What the output stage does with them next: must serialise.
    serde_json::to_vec(&docs).expect("documents serialise");
});
