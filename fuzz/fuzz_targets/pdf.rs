//! PDF bytes → pages: `motebok::pdf::decode` must return, never abort,
//! overflow the stack, hang (`-timeout`) or blow memory (`-rss_limit_mb`).
//!
//! A panic inside lopdf is caught by `decode` itself and becomes
//! `PdfError::Crashed` ("crashed: PDF reader panicked: …" in files.csv):
//! the batch survives it, so it is not a finding by default. Set
//! `MOTEBOK_FUZZ_STRICT=1` to make caught panics crash the fuzzer too.
//!
//! The second text engine (pdf-extract) is off: it runs only in worker
//! processes, which contain its crashes. Seed the corpus with the fixture
//! PDFs (see fuzz/README.md): mutations of real PDFs get much further than
//! random bytes.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use motebok::pdf::{DecodeOptions, PdfError};

static STRICT: OnceLock<bool> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let strict = *STRICT.get_or_init(|| std::env::var_os("MOTEBOK_FUZZ_STRICT").is_some());
    let opts = DecodeOptions { second_engine: false, ..DecodeOptions::default() };
    if let Err(PdfError::Crashed(msg)) = motebok::pdf::decode(data, &opts) {
        if strict {
            panic!("decode caught a panic: {msg}");
        }
    }
});
