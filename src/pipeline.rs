//! The stages put together: one file in, one [`FileRecord`] out; a batch of
//! files in, datasets out.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use std::time::Duration;

use crate::model::{Engine, FileRecord, PageError, PageInfo, Source, Status};
use crate::options::RunOptions;
use crate::pdf::{DecodeOptions, DecodedPdf};
use crate::rules::Rules;
use crate::util::{page_list, sha256_hex};
pub use crate::worker::DecodeFailure;

/// What every file of a batch is processed with.
pub struct Context {
    pub rules: Rules,
    pub decode: DecodeOptions,
    pub ocr: crate::ocr::Mode,
}

impl Context {
    /// Default decoding and OCR settings with the given rules.
    pub fn new(rules: Rules) -> Context {
        Context { rules, decode: DecodeOptions::default(), ocr: crate::ocr::Mode::Auto }
    }
}

/// Every `*.pdf` under the given paths (files are taken as given), sorted,
/// without duplicates.
pub fn collect_inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out).map_err(|e| format!("{}: {e}", p.display()))?;
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(format!("{}: no such file or directory", p.display()));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
            out.push(path);
        }
    }
    Ok(())
}

/// Build the record of one file from its bytes and what decoding gave.
pub fn record_from_decoded(
    name: &str,
    bytes: &[u8],
    decoded: Result<DecodedPdf, DecodeFailure>,
    rules: &Rules,
) -> FileRecord {
    let source = Source {
        file: name.to_string(),
        sha256: crate::timing::time(crate::timing::Stage::Read, || sha256_hex(bytes)),
        bytes: bytes.len() as u64,
        ..Source::default()
    };
    let decoded = match decoded {
        Ok(d) => d,
        Err(e) => {
            return FileRecord {
                source,
                status: Status::Failed,
                errors: vec![PageError { page: None, message: e.0 }],
                pages: vec![],
                documents: vec![],
            }
        }
    };
    let mut errors: Vec<PageError> =
        decoded.warnings.iter().map(|w| PageError { page: None, message: w.clone() }).collect();
    let mut pages = Vec::new();
    for p in &decoded.pages {
        if let Some(e) = &p.error {
            errors.push(PageError { page: Some(p.number), message: e.clone() });
        }
        pages.push(PageInfo {
            page: p.number,
            engine: p.engine,
            ocr_confidence: p.ocr_confidence,
            chars: p.text.chars().filter(|c| !c.is_whitespace()).count(),
        });
    }
    let documents = crate::read::read_file(&decoded.pages, rules);
    let textless: Vec<u32> = pages.iter().filter(|p| p.engine == Engine::None && p.chars == 0).map(|p| p.page).collect();
    let failed_pages = decoded.pages.iter().filter(|p| p.error.is_some()).count();
    let status = if decoded.pages.is_empty() {
        errors.push(PageError { page: None, message: "no pages".into() });
        Status::Failed
    } else if failed_pages > 0 {
        Status::Partial
    } else if textless.len() == pages.len() {
        Status::NoText
    } else {
        Status::Ok
    };
    if status == Status::NoText {
        errors.push(PageError { page: None, message: format!("no text layer on pages {}", page_list(&textless)) });
    }
    FileRecord {
        source: Source {
            pages: decoded.page_count,
            title: decoded.title.clone(),
            producer: decoded.producer.clone(),
            ..source
        },
        status,
        errors,
        pages,
        documents,
    }
}

/// The OCR step (issue 5): replace the pages that need OCR under
/// `ctx.ocr` with OCR'd pages, in place. Runs in this process after
/// decoding, wherever decoding happened: tesseract and pdftoppm are
/// separate processes already.
pub fn apply_ocr(decoded: &mut DecodedPdf, bytes: &[u8], ctx: &Context) {
    crate::ocr::apply(decoded, bytes, ctx.ocr, &ctx.decode, &crate::ocr::OcrConfig::from_env());
}

/// Decode and extract one file in this process.
pub fn extract_path(path: &Path, ctx: &Context) -> FileRecord {
    let name = path.to_string_lossy().to_string();
    use crate::timing::{time, Stage};
    match time(Stage::Read, || std::fs::read(path)) {
        Ok(bytes) => {
            let mut decoded = crate::worker::decode_file(path, &bytes, &ctx.decode);
            if let Ok(d) = decoded.as_mut() {
                time(Stage::Ocr, || apply_ocr(d, &bytes, ctx));
            }
            let record = record_from_decoded(&name, &bytes, decoded, &ctx.rules);
            crate::timing::file_done(record.source.pages as u64);
            record
        }
        Err(e) => record_from_decoded(&name, &[], Err(DecodeFailure(format!("cannot read file: {e}"))), &ctx.rules),
    }
}

/// Counts printed in the one-line summary at the end of a run.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Summary {
    pub files: usize,
    pub pages: u64,
    pub documents: usize,
    pub meetings: usize,
    pub items: usize,
    pub failed: usize,
    pub partial: usize,
    pub no_text: usize,
    /// Files decoded on this run (the others' records were reused).
    pub decoded: usize,
    /// Files whose record was reused from the previous output.
    pub reused: usize,
}

impl Summary {
    pub fn of(records: &[FileRecord]) -> Summary {
        let mut s = Summary { files: records.len(), ..Summary::default() };
        for r in records {
            s.pages += r.source.pages as u64;
            s.documents += r.documents.len();
            s.meetings += r.documents.iter().filter(|d| d.meeting.is_some()).count();
            s.items += r.documents.iter().map(|d| d.items.len()).sum::<usize>();
            match r.status {
                Status::Failed => s.failed += 1,
                Status::Partial => s.partial += 1,
                Status::NoText => s.no_text += 1,
                Status::Ok => {}
            }
        }
        s
    }
}

/// Why a run could not produce its output. The previous output, if any, is
/// untouched in every case.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("rules: {0}")]
    Rules(#[from] crate::rules::RulesError),
    #[error("{0}")]
    Inputs(String),
    #[error("cannot start {0} worker threads: {1}")]
    Threads(usize, String),
    #[error("output: {0}")]
    Output(#[from] crate::output::OutputError),
}

/// What a completed run did.
#[derive(Debug)]
pub struct RunOutcome {
    pub summary: Summary,
    /// The changelog and the validation report, as written.
    pub written: crate::output::RunOutput,
    pub elapsed: std::time::Duration,
}

/// `motebok extract`: every input through the stages, then the datasets.
pub fn run(opts: &RunOptions) -> Result<RunOutcome, RunError> {
    let started = Instant::now();
    let rules = Rules::load(opts.rules_dir.as_deref())?;
    let inputs = collect_inputs(&opts.inputs).map_err(RunError::Inputs)?;
    // Decoding runs in worker processes unless isolation is off.
    let isolation = if opts.isolation {
        match crate::worker::PoolConfig::current_exe(opts.timeout.max(Duration::from_secs(1)), opts.max_memory, opts.test_faults) {
            Ok(config) => Some(std::sync::Arc::new(crate::worker::Pool::new(config))),
            Err(e) => {
                eprintln!("motebok: cannot find own binary for decoding workers ({e}); decoding in-process");
                None
            }
        }
    } else {
        None
    };
    let ctx = Context {
        rules,
        decode: DecodeOptions { password: opts.password.clone(), isolation, ..DecodeOptions::default() },
        ocr: opts.ocr,
    };
    let jobs = opts.jobs.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build().map_err(|e| RunError::Threads(jobs, e.to_string()))?;
    // Incremental runs: what the previous output was made from.
    let _ = crate::output::recover(&opts.out);
    let previous = crate::refresh::Manifest::load(&opts.out);
    let settings = crate::refresh::Settings::new(
        &ctx.rules.fingerprint,
        crate::refresh::options_string(opts.ocr, &crate::ocr::OcrConfig::from_env().lang, opts.password.is_some()),
    );
    let bar = progress_bar(inputs.len() as u64);
    type Done = (FileRecord, Option<crate::refresh::Reason>, Option<PathBuf>);
    let done: Vec<Done> = pool.install(|| {
        inputs
            .par_iter()
            .map(|p| {
                let r = match crate::refresh::plan(p, previous.as_ref(), &settings, &opts.out, opts.force) {
                    crate::refresh::Plan::Reuse(rec, json) => (*rec, None, json),
                    crate::refresh::Plan::Extract(reason) => (extract_path(p, &ctx), Some(reason), None),
                };
                bar.inc(1);
                r
            })
            .collect()
    });
    bar.finish_and_clear();
    let mut extraction = crate::refresh::Extraction::default();
    let mut records = Vec::with_capacity(done.len());
    for (rec, reason, json) in done {
        match reason {
            Some(reason) => extraction.decoded.push(crate::refresh::Decoded { file: rec.source.file.clone(), reason: Some(reason) }),
            None => extraction.reused.push(rec.source.file.clone()),
        }
        if let Some(json) = json {
            extraction.unchanged_json.insert(rec.source.file.clone(), json);
        }
        records.push(rec);
    }
    let written = crate::output::write_run(&opts.out, &records, &settings, previous.as_ref(), &extraction)?;
    let mut summary = Summary::of(&records);
    summary.decoded = extraction.decoded.len();
    summary.reused = extraction.reused.len();
    Ok(RunOutcome { summary, written, elapsed: started.elapsed() })
}

fn progress_bar(len: u64) -> indicatif::ProgressBar {
    if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(len);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}") {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    }
}
