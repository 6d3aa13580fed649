//! The integration tests, one binary: each module tests one area of
//! motebok end to end (`common` holds the shared helpers).

#[allow(dead_code)]
mod common;

mod accuracy;
mod batch;
mod eval_matches_python;
mod genre_variants;
mod faults;
mod fidelity;
mod layout_variants;
mod merge;
mod operator;
mod ocr;
mod output;
mod pdf_text_layout;
mod refresh;
mod regressions;
mod robustness;
mod rules_override;
mod seed_quirks;
mod shard;
mod sqlite;
mod tables;
mod unseen_layouts;
