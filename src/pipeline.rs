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
/// given (see [`extract_file`] for keys relative to an input root).
pub fn extract_path(path: &Path, ctx: &Context) -> FileRecord {
    let key = crate::util::escape_name(path.as_os_str());
    extract_file(path, &key, ctx, crate::options::DEFAULT_MAX_FILE_SIZE, &|_, _| {})
}

/// Decode and extract one input: `path` read (at most `limit` bytes),
/// recorded under `key`. `ocr_page(done, of)` is called as OCR reads pages.
pub fn extract_file(path: &Path, key: &str, ctx: &Context, limit: u64, ocr_page: &(dyn Fn(usize, usize) + Sync)) -> FileRecord {
    extract_with_text(path, key, ctx, limit, ocr_page).0
}

/// [`extract_file`], with the text of each page that has any (for
/// full-text search).
pub fn extract_with_text(
    path: &Path,
    key: &str,
    ctx: &Context,
    limit: u64,
    ocr_page: &(dyn Fn(usize, usize) + Sync),
) -> (FileRecord, Vec<(u32, String)>) {
    use crate::timing::{time, Stage};
    match time(Stage::Read, || crate::util::read_input(path, limit)) {
        Ok(bytes) => {
            let mut decoded = crate::worker::decode_file(path, &bytes, &ctx.decode);
            if let Ok(d) = decoded.as_mut() {
                time(Stage::Ocr, || {
                    crate::ocr::apply_with_progress(d, &bytes, ctx.ocr, &ctx.decode, &crate::ocr::OcrConfig::from_env(), ocr_page)
                });
            }
            let pages: Vec<(u32, String)> = match &decoded {
                Ok(d) => d.pages.iter().filter(|p| !p.text.trim().is_empty()).map(|p| (p.number, p.text.clone())).collect(),
                Err(_) => Vec::new(),
            };
            let record = record_from_decoded(key, &bytes, decoded, &ctx.rules);
            crate::timing::file_done(record.source.pages as u64);
            (record, pages)
        }
        Err(e) => (record_from_decoded(key, &[], Err(DecodeFailure(e.to_string())), &ctx.rules), Vec::new()),
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

/// Counts printed in the one-line summary at the end of a run: each is the
/// number of rows of the dataset it names (files.csv, documents.csv,
/// meetings.csv, items.csv), or of files.csv rows with that status.
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
    /// From the report's totals (which are counted off the datasets).
    pub fn of(t: &crate::report::Totals) -> Summary {
        let status = |k: &str| t.statuses.get(k).copied().unwrap_or(0);
        Summary {
            files: t.files,
            pages: t.pages,
            documents: t.documents,
            meetings: t.meetings,
            items: t.items,
            failed: status("failed"),
            partial: status("partial"),
            no_text: status("no_text"),
            ..Summary::default()
        }
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

impl From<crate::store::StoreError> for RunError {
    fn from(e: crate::store::StoreError) -> Self {
        RunError::Output(e.into())
    }
}

/// What a completed run did.
#[derive(Debug)]
pub struct RunOutcome {
    pub summary: Summary,
    /// The changelog and the validation report in numbers, and what could
    /// not be cleaned up.
    pub written: crate::build::Built,
    pub elapsed: std::time::Duration,
    /// The inputs that are not ok: key, status and error line (sorted by key).
    pub problems: Vec<(String, Status, String)>,
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

/// One input processed: its record, where its page text and JSON come
/// from, and why it was decoded (`None`: reused).
struct Done {
    idx: usize,
    record: FileRecord,
    pages: crate::build::Pages,
    link: Option<PathBuf>,
    reason: Option<crate::refresh::Reason>,
}

/// `motebok extract`: every input through the stages, then the datasets.
///
/// Before any decoding: the rules are loaded, the inputs listed (none at
/// all is an error unless `allow_empty`), `OUT` locked for the run and
/// checked ([`crate::output::preflight`]); so a run that cannot write its
/// output fails at once, and the previous output is untouched whenever
/// this returns an error.
///
/// Then (issue 12): every input is hashed and compared with the previous
/// manifest (kept in the run's store, not in memory); when nothing changed
/// the previous output is taken as it is. Otherwise records stream from the
/// extracting threads to one writer through a bounded channel and are
/// dropped once stored (see [`crate::build`]): what is kept per input is
/// its key, path, JSON stem and plan.
pub fn run(opts: &RunOptions) -> Result<RunOutcome, RunError> {
    use crate::refresh::{Plan, Reason};
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
    let mut inputs = listed.files;
    if let Some(shard) = opts.shard {
        inputs.retain(|i| shard.contains(&i.key));
    }
    if inputs.is_empty() && !opts.allow_empty && opts.shard.is_none() {
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
    let mut stage = crate::output::Staging::begin(&opts.out)?;
    let ds = crate::output::Datasets::create(Some(&stage.path(crate::output::STORE)), &ctx.rules)?;
    let store = ds.store();
    crate::build::create_tables(store)?;
    // Incremental runs: what the previous output was made from.
    let previous = crate::refresh::Previous::load(store, &opts.out)?;
    // JSON stems depend on the set of keys (inputs come sorted by key).
    let stems = crate::output::stems::assign_stems(&inputs.iter().map(|i| i.key.as_str()).collect::<Vec<_>>());
    // Plan: hash every input and compare with the previous manifest.
    let prev_db = opts.out.join(crate::output::sqlite::DB);
    let mut plans: Vec<Plan> = vec![Plan::Extract(Reason::New); inputs.len()];
    // sha256 (binary) and size of each input, compared with the manifest.
    let mut hashes: Vec<Option<([u8; 32], u64)>> = vec![None; inputs.len()];
    // Whether the previous output can stand as it is, so far.
    let mut unchanged = previous.exists && previous.entries == inputs.len() as u64 && !opts.force;
    if previous.exists {
        hashes = pool.install(|| {
            inputs
                .par_iter()
                .map(|i| match &i.rejected {
                    Some(_) => None,
                    None => crate::timing::time(crate::timing::Stage::Read, || hash_file(&i.path, opts.max_file_size)),
                })
                .collect()
        });
        // Page text of reused records comes from the previous database.
        let prev_has_pages = crate::output::sqlite::open(&opts.out)
            .and_then(|c| c.query_row("SELECT count(*) FROM sqlite_schema WHERE name = 'pages'", [], |r| r.get::<_, i64>(0)))
            .is_ok_and(|n| n == 1);
        for (i, input) in inputs.iter().enumerate() {
            let hex = hashes[i].as_ref().map(|(h, n)| (hex32(h), *n));
            let d = previous.decide(&input.key, hex.as_ref().map(|(s, n)| (s.as_str(), *n)), &settings, opts.force)?;
            let origin = input.origin.as_ref().and_then(|o| serde_json::to_string(o).ok());
            unchanged &= d.origin == origin && input.rejected.is_none() && match &d.plan {
                Plan::Reuse(_) => d.status_known,
                Plan::Extract(r) => *r == Reason::Retry,
            };
            plans[i] = match d.plan {
                Plan::Reuse(_) if !prev_has_pages => Plan::Extract(Reason::NoCachedRecord),
                p => p,
            };
        }
        unchanged &= prev_has_pages && reuse_whole(&opts.out, &plans);
    }
    // Files that were not ok last time are read again; when each comes out
    // as it was, nothing changed all the same.
    if unchanged {
        let retries: Vec<usize> = (0..inputs.len()).filter(|&i| plans[i] == Plan::Extract(Reason::Retry)).collect();
        let same = pool.install(|| {
            retries.par_iter().all(|&i| {
                let input = &inputs[i];
                let mut rec = extract_file(&input.path, &input.key, &ctx, opts.max_file_size, &|_, _| {});
                rec.source.origin = input.origin.clone();
                crate::refresh::same_as_before(&opts.out, &crate::output::json::rel_path(&stems[i]), &rec)
            })
        });
        if same {
            return reuse_previous(opts, stage, &ds, &inputs, &stems, &plans, &retries, started, jobs, recovered);
        }
    }
    // Extract or reuse every input, in parallel; one writer takes the
    // records into the staging dir and the store as they come.
    let bar = progress_bar(inputs.len() as u64, opts.progress);
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Done>(2 * jobs);
    let mut findings = crate::report::Findings::new(store)?;
    let (mut reused, mut decoded, mut retried) = (0, 0, 0);
    let written: Result<(), RunError> = std::thread::scope(|scope| {
        let (inputs, plans, hashes, ctx, cancel, bar) = (&inputs, &plans, &hashes, &ctx, &cancel, &bar);
        scope.spawn(move || {
            pool.install(|| {
                (0..inputs.len()).into_par_iter().for_each_with(tx, |tx, i| {
                    if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                        return;
                    }
                    let done = process(i, &inputs[i], &plans[i], hashes[i].as_ref(), opts, ctx, bar);
                    if tx.send(done).is_err() {
                        cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                    }
                })
            })
        });
        let mut w = crate::build::Writer { stage: &mut stage, ds: &ds, findings: &mut findings };
        for done in rx {
            match done.reason {
                Some(r) => {
                    decoded += 1;
                    retried += usize::from(r == Reason::Retry);
                }
                None => reused += 1,
            }
            if opts.verbose {
                let how = done.reason.map_or("reused", Reason::as_str);
                let rec = &done.record;
                let err = rec.error_line();
                let sep = if err.is_empty() { "" } else { ": " };
                note(&format!("motebok: {} [{}] {}{sep}{err}", rec.source.file, how, rec.status.as_str()));
            }
            let r = w.add(&done.record, &stems[done.idx], done.pages, done.link.as_deref(), Some(done.reason));
            bar.inc(1);
            if let Err(e) = r {
                cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                return Err(e.into());
            }
        }
        Ok(())
    });
    bar.finish_and_clear();
    written?;
    if reused > 0 {
        crate::build::import_pages(&ds, &prev_db, 0)?;
    }
    let problems = problems(store)?;
    let mut built = crate::build::finish(stage, &ds, findings, &settings, &previous, &opts.out)?;
    // Recovery runs again as the output is written: told once is enough.
    built.warnings.retain(|w| !recovered.contains(w));
    let mut summary = Summary::of(&built.report.totals);
    summary.decoded = decoded;
    summary.reused = reused;
    summary.retried = retried;
    summary.jobs = jobs;
    Ok(RunOutcome { summary, written: built, elapsed: started.elapsed(), problems })
}

/// The inputs that are not ok, from the store.
fn problems(store: &crate::store::Store) -> Result<Vec<(String, Status, String)>, RunError> {
    let mut v = Vec::new();
    store.each("SELECT file, status, error FROM files WHERE status != 'ok' ORDER BY file", &[], |r| {
        let status = match crate::store::req_text(r, 1).as_str() {
            "failed" => Status::Failed,
            "partial" => Status::Partial,
            _ => Status::NoText,
        };
        v.push((crate::store::req_text(r, 0), status, crate::store::req_text(r, 2)));
        Ok(())
    })?;
    Ok(v)
}

/// Nothing changed: the previous output, linked file by file into the
/// staging dir, is the new one; only `changes.json` is written.
#[allow(clippy::too_many_arguments)]
fn reuse_previous(
    opts: &RunOptions,
    mut stage: crate::output::Staging,
    ds: &crate::output::Datasets<'_>,
    inputs: &[crate::inputs::Input],
    stems: &[String],
    plans: &[crate::refresh::Plan],
    retries: &[usize],
    started: Instant,
    jobs: usize,
    recovered: Vec<String>,
) -> Result<RunOutcome, RunError> {
    for rel in crate::build::output_files() {
        stage.link(&rel, &opts.out.join(&rel))?;
    }
    for p in plans {
        if let crate::refresh::Plan::Reuse(json) = p {
            stage.link(json, &opts.out.join(json))?;
        }
    }
    // The retried ones: their JSON (the same bytes) under their stems.
    for &i in retries {
        let rel = crate::output::json::rel_path(&stems[i]);
        stage.link(&rel, &opts.out.join(&rel))?;
        crate::refresh::record_extraction(ds.store(), &inputs[i].key, Some(crate::refresh::Reason::Retry))?;
    }
    let mut f = stage.create(crate::refresh::CHANGES)?;
    let path = f.path().to_path_buf();
    let changes = crate::refresh::write_unchanged(ds.store(), &opts.out, inputs.len() as u64, &mut f)
        .map_err(|e| crate::output::OutputError::Io { path, source: std::io::Error::other(e.to_string()) })?;
    f.finish()?;
    let report = crate::report::Report::load(&opts.out.join(crate::report::REPORT_JSON)).unwrap_or_default();
    // The files that are not ok, from the previous files.csv.
    let mut problems = Vec::new();
    if !retries.is_empty() {
        if let Ok(mut rdr) = csv::Reader::from_path(opts.out.join("csv/files.csv")) {
            for rec in rdr.records().flatten() {
                let status = match rec.get(4) {
                    Some("failed") => Status::Failed,
                    Some("partial") => Status::Partial,
                    Some("no_text") => Status::NoText,
                    _ => continue,
                };
                problems.push((rec.get(0).unwrap_or("").to_string(), status, rec.get(6).unwrap_or("").to_string()));
            }
        }
    }
    crate::output::remove_store(&stage)?;
    let mut warnings = stage.commit()?;
    warnings.retain(|w| !recovered.contains(w));
    let mut summary = Summary::of(&report.totals);
    summary.decoded = retries.len();
    summary.retried = retries.len();
    summary.reused = inputs.len() - retries.len();
    summary.jobs = jobs;
    Ok(RunOutcome { summary, written: crate::build::Built { report, changes, warnings }, elapsed: started.elapsed(), problems })
}

/// sha256 and size of a file (`None` when it cannot be read).
fn hash_file(p: &Path, limit: u64) -> Option<([u8; 32], u64)> {
    use sha2::{Digest, Sha256};
    let bytes = crate::util::read_input(p, limit).ok()?;
    Some((Sha256::digest(&bytes).into(), bytes.len() as u64))
}

/// Lowercase hex of a sha256.
fn hex32(h: &[u8; 32]) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether the previous output in `out` holds every file a run writes,
/// and the per-file JSON of every planned reuse.
fn reuse_whole(out: &Path, plans: &[crate::refresh::Plan]) -> bool {
    crate::build::output_files().iter().all(|f| out.join(f).is_file())
        && plans.iter().all(|p| match p {
            crate::refresh::Plan::Reuse(json) => out.join(json).is_file(),
            crate::refresh::Plan::Extract(_) => true,
        })
}

/// Extract or reuse input `i`.
fn process(
    i: usize,
    input: &crate::inputs::Input,
    plan: &crate::refresh::Plan,
    hash: Option<&([u8; 32], u64)>,
    opts: &RunOptions,
    ctx: &Context,
    bar: &indicatif::ProgressBar,
) -> Done {
    use crate::refresh::{Plan, Reason};
    let name = short_name(&input.key);
    bar.set_message(name.clone());
    if let Some(why) = &input.rejected {
        let record = rejected_record(input, why);
        return Done { idx: i, record, pages: crate::build::Pages::Text(Vec::new()), link: None, reason: Some(Reason::Unreadable) };
    }
    let reason = match (plan, hash) {
        (Plan::Reuse(json), Some((sha, bytes))) => match crate::refresh::reuse(&opts.out, json, &input.key, &hex32(sha), *bytes) {
            Some((mut record, mut link)) if record.status == Status::Ok => {
                if record.source.origin != input.origin {
                    // sources.csv changed: the JSON is written anew.
                    record.source.origin = input.origin.clone();
                    link = None;
                }
                return Done { idx: i, record, pages: crate::build::Pages::From(0), link, reason: None };
            }
            // Not ok last time (a manifest that did not say so): a retry.
            Some(_) => Reason::Retry,
            None => Reason::NoCachedRecord,
        },
        (Plan::Reuse(_), None) => Reason::Unreadable,
        (Plan::Extract(r), _) => *r,
    };
    let on_page = |d: usize, of: usize| bar.set_message(format!("OCR page {d}/{of} of {name}"));
    let (mut record, pages) = extract_with_text(&input.path, &input.key, ctx, opts.max_file_size, &on_page);
    record.source.origin = input.origin.clone();
    Done { idx: i, record, pages: crate::build::Pages::Text(pages), link: None, reason: Some(reason) }
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
