//! motebok: meeting PDFs of Norwegian governance bodies in, clean citable
//! datasets out.
//!
//! The pipeline, one module per stage, data flowing one way:
//! [`inputs`] (paths → the files of the batch and their keys) → [`pdf`]
//! (bytes → pages of text) → [`read`] (clean lines → logical
//! documents and their kinds → header, participants, items, decisions,
//! memo, references) → [`model`] (the records of SPEC.md) → [`store`]
//! (each record as it is made) → [`merge`] (one row per meeting, sak,
//! person) and [`report`] → [`output`] (JSON, CSV, datapackage, SQLite),
//! put in order by [`build`].
//! [`dates`] reads Norwegian dates and times; [`rules`] holds what varies
//! between bodies and eras.

pub mod build;
pub mod cli;
pub mod cmd;
pub mod dates;
pub mod eval;
pub mod inputs;
pub mod merge;
pub mod model;
pub mod ocr;
pub mod options;
pub mod output;
pub mod pdf;
pub mod pdfgen;
pub mod pipeline;
pub mod refresh;
pub mod report;
pub mod read;
pub mod rules;
pub mod search;
pub mod store;
pub mod timing;
pub mod util;
pub mod worker;
