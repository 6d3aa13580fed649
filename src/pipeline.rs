//! The stages put together: one file in, one [`FileRecord`] out; a batch of
//! files in, datasets out.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use std::time::Duration;

use crate::model::{Engine, FileRecord, PageError, PageInfo, Quality, Source, Status};
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
        if p.quality == Quality::Poor {
            let why = p.quality_note.as_deref().unwrap_or("it does not read as text");
            errors.push(PageError {
                page: Some(p.number),
                message: format!("page {}: poor text ({why}); best text kept, from {}", p.number, p.engine.as_str()),
            });
        }
        pages.push(PageInfo {
            page: p.number,
            engine: p.engine,
            quality: p.quality,
            ocr_confidence: p.ocr_confidence,
            chars: p.text.chars().filter(|c| !c.is_whitespace()).count(),
        });
    }
    let documents = crate::read::read_file(&decoded.pages, rules);
    let textless: Vec<u32> = pages.iter().filter(|p| p.engine == Engine::None && p.chars == 0).map(|p| p.page).collect();
    // A page no engine reads well is not silently ok.
    let failed_pages = decoded.pages.iter().filter(|p| p.error.is_some() || p.quality == Quality::Poor).count();
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

/// Decode and extract one file in this process, keyed by its path as
/// given (see [`extract_input`] for keys relative to an input root).
pub fn extract_path(path: &Path, ctx: &Context) -> FileRecord {
    let key = crate::util::escape_name(path.as_os_str());
    extract_file(path, &key, ctx, crate::options::DEFAULT_MAX_FILE_SIZE, &|_, _| {})
}

/// Decode and extract one input: `path` read (at most `limit` bytes),
/// recorded under `key`. `ocr_page(done, of)` is called as OCR reads pages.
pub fn extract_file(path: &Path, key: &str, ctx: &Context, limit: u64, ocr_page: &(dyn Fn(usize, usize) + Sync)) -> FileRecord {
    use crate::timing::{time, Stage};
    match time(Stage::Read, || crate::util::read_input(path, limit)) {
        Ok(bytes) => {
            let mut decoded = crate::worker::decode_file(path, &bytes, &ctx.decode);
            if let Ok(d) = decoded.as_mut() {
                time(Stage::Ocr, || {
                    crate::ocr::apply_with_progress(d, &bytes, ctx.ocr, &ctx.decode, &crate::ocr::OcrConfig::from_env(), ocr_page)
                });
            }
            let record = record_from_decoded(key, &bytes, decoded, &ctx.rules);
            crate::timing::file_done(record.source.pages as u64);
            record
        }
        Err(e) => record_from_decoded(key, &[], Err(DecodeFailure(e.to_string())), &ctx.rules),
    }
}

/// The record of an input rejected unread (see [`crate::inputs`]).
fn rejected_record(input: &crate::inputs::Input, why: &str) -> FileRecord {
    FileRecord {
        source: Source { file: input.key.clone(), sha256: sha256_hex(&[]), ..Source::default() },
        status: Status::Failed,
        errors: vec![PageError { page: None, message: why.to_string() }],
        pages: vec![],
        documents: vec![],
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
    /// Of `decoded`: files that failed, were partial or had no text on the
    /// previous run, tried again.
    pub retried: usize,
    /// Worker threads used (`--jobs` after capping).
    pub jobs: usize,
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
    Inputs(#[from] crate::inputs::InputError),
    /// The inputs yield no file at all (an empty or unmounted folder).
    #[error("no input files found in {0}; the previous output is left as it is (pass --allow-empty to write an empty dataset)")]
    Empty(String),
    #[error("{0}")]
    Locked(#[from] crate::output::LockError),
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
    /// Per input: its key, status and error line (sorted by key).
    pub files: Vec<(String, Status, String)>,
}

/// Worker threads for `requested` jobs (`None`: one per core) over
/// `inputs` files: never more than [`crate::options::MAX_JOBS_PER_CORE`]
/// per core, nor more than there are files (but a single file still gets
/// every core for OCR).
pub fn effective_jobs(requested: Option<usize>, inputs: usize) -> usize {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let want = requested.unwrap_or(cores).max(1);
    want.min(inputs.max(cores)).min(cores * crate::options::MAX_JOBS_PER_CORE).max(1)
}

/// `motebok extract`: every input through the stages, then the datasets.
///
/// Before any decoding: the rules are loaded, the inputs listed (none at
/// all is an error unless `allow_empty`), `OUT` locked for the run and
/// checked ([`crate::output::preflight`]); so a run that cannot write its
/// output fails at once, and the previous output is untouched whenever
/// this returns an error.
pub fn run(opts: &RunOptions) -> Result<RunOutcome, RunError> {
    let started = Instant::now();
    let note = opts.notify;
    let rules = Rules::load(opts.rules_dir.as_deref())?;
    let listed = crate::inputs::collect(
        &opts.inputs,
        &crate::inputs::InputOptions { root: opts.root.clone(), max_file_size: opts.max_file_size },
    )?;
    for w in &listed.warnings {
        note(&format!("motebok: warning: {w}"));
    }
    let inputs = listed.files;
    if inputs.is_empty() && !opts.allow_empty {
        let given: Vec<String> = opts.inputs.iter().map(|p| p.display().to_string()).collect();
        return Err(RunError::Empty(given.join(", ")));
    }
    let _lock = crate::output::OutLock::acquire(&opts.out, opts.wait, &|m| note(&format!("motebok: {m}")))?;
    let recovered = crate::output::preflight(&opts.out)?;
    for w in &recovered {
        note(&format!("motebok: warning: {w}"));
    }
    // Decoding runs in worker processes unless isolation is off.
    let isolation = if opts.isolation {
        match crate::worker::PoolConfig::current_exe(opts.timeout.max(Duration::from_secs(1)), opts.max_memory, opts.test_faults) {
            Ok(config) => Some(std::sync::Arc::new(crate::worker::Pool::new(config))),
            Err(e) => {
                note(&format!("motebok: cannot find own binary for decoding workers ({e}); decoding in-process"));
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
    let jobs = effective_jobs(opts.jobs, inputs.len());
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build().map_err(|e| RunError::Threads(jobs, e.to_string()))?;
    // Incremental runs: what the previous output was made from.
    let previous = crate::refresh::Manifest::load(&opts.out);
    let ocr_cfg = crate::ocr::OcrConfig::from_env();
    // Which OCR engine this run has: a rerun after installing tesseract
    // re-reads what it could not read before.
    let engine = match opts.ocr {
        crate::ocr::Mode::Never => None,
        _ => Some(crate::ocr::check_tesseract(&ocr_cfg).is_ok()),
    };
    let settings = crate::refresh::Settings::new(
        &ctx.rules.fingerprint,
        crate::refresh::options_string(opts.ocr, &ocr_cfg.lang, opts.password.is_some(), engine),
    );
    let bar = progress_bar(inputs.len() as u64, opts.progress);
    type Done = (FileRecord, Option<crate::refresh::Reason>, Option<PathBuf>);
    let done: Vec<Done> = pool.install(|| {
        inputs
            .par_iter()
            .map(|input| {
                let name = short_name(&input.key);
                bar.set_message(name.clone());
                let (mut rec, reason, mut json) = if let Some(why) = &input.rejected {
                    (rejected_record(input, why), Some(crate::refresh::Reason::Unreadable), None)
                } else {
                    match crate::refresh::plan(input, previous.as_ref(), &settings, &opts.out, opts.force, opts.max_file_size) {
                        crate::refresh::Plan::Reuse(rec, json) => (*rec, None, json),
                        crate::refresh::Plan::Extract(reason) => {
                            let on_page = |d: usize, of: usize| bar.set_message(format!("OCR page {d}/{of} of {name}"));
                            (extract_file(&input.path, &input.key, &ctx, opts.max_file_size, &on_page), Some(reason), None)
                        }
                    }
                };
                if rec.source.origin != input.origin {
                    // sources.csv changed: the JSON is written anew.
                    rec.source.origin = input.origin.clone();
                    json = None;
                }
                if opts.verbose {
                    let how = match reason {
                        Some(r) => r.as_str(),
                        None => "reused",
                    };
                    let err = rec.error_line();
                    let sep = if err.is_empty() { "" } else { ": " };
                    note(&format!("motebok: {} [{}] {}{sep}{err}", rec.source.file, how, rec.status.as_str()));
                }
                bar.inc(1);
                (rec, reason, json)
            })
            .collect()
    });
    bar.finish_and_clear();
    let mut extraction = crate::refresh::Extraction::default();
    let mut records = Vec::with_capacity(done.len());
    let mut retried = 0;
    for (rec, reason, json) in done {
        match reason {
            Some(reason) => {
                retried += usize::from(reason == crate::refresh::Reason::Retry);
                extraction.decoded.push(crate::refresh::Decoded { file: rec.source.file.clone(), reason: Some(reason) })
            }
            None => extraction.reused.push(rec.source.file.clone()),
        }
        if let Some(json) = json {
            extraction.unchanged_json.insert(rec.source.file.clone(), json);
        }
        records.push(rec);
    }
    let mut written = crate::output::write_run(&opts.out, &records, &settings, previous.as_ref(), &extraction)?;
    // Recovery runs again as the output is written: told once is enough.
    written.warnings.retain(|w| !recovered.contains(w));
    let mut summary = Summary::of(&records);
    summary.decoded = extraction.decoded.len();
    summary.reused = extraction.reused.len();
    summary.retried = retried;
    summary.jobs = jobs;
    let mut files: Vec<(String, Status, String)> =
        records.iter().map(|r| (r.source.file.clone(), r.status, r.error_line())).collect();
    files.sort();
    Ok(RunOutcome { summary, written, elapsed: started.elapsed(), files })
}

/// The end of a long key, for the progress line.
fn short_name(key: &str) -> String {
    const MAX: usize = 60;
    let n = key.chars().count();
    if n <= MAX {
        key.to_string()
    } else {
        format!("…{}", key.chars().skip(n - MAX + 1).collect::<String>())
    }
}

fn progress_bar(len: u64, show: bool) -> indicatif::ProgressBar {
    if show && std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(len);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:20} {pos}/{len} files {per_sec} ETA {eta} {wide_msg}")
        {
            bar.set_style(style);
        }
        // Redrawn even while one long file (OCR) holds every job.
        bar.enable_steady_tick(Duration::from_millis(250));
        bar
    } else {
        indicatif::ProgressBar::hidden()
    }
}

#[cfg(test)]
mod jobs_tests {
    use super::effective_jobs;

    #[test]
    fn jobs_are_capped_by_cores_and_files() {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        assert_eq!(effective_jobs(Some(1), 100), 1);
        assert_eq!(effective_jobs(None, 1000), cores);
        // One file: every core (for its OCR pages), never 100,000 threads.
        assert_eq!(effective_jobs(Some(100_000), 1), cores);
        assert_eq!(effective_jobs(Some(100_000), 100_000), cores * crate::options::MAX_JOBS_PER_CORE);
        assert_eq!(effective_jobs(Some(3), 0), 3.min(cores));
    }
}
