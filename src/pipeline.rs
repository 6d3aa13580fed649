//! The stages put together: one file in, one [`FileRecord`] out; a batch of
//! files in, datasets out.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::cli::{ExtractArgs, FailOn, OcrMode, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE};
use crate::model::{Engine, FileRecord, PageError, PageInfo, Source, Status};
use crate::pdf::{DecodeOptions, DecodedPdf};
use crate::rules::Rules;

/// What every file of a batch is processed with.
pub struct Context {
    pub rules: Rules,
    pub decode: DecodeOptions,
    pub ocr: OcrMode,
}

impl Context {
    /// Default decoding and OCR settings with the given rules.
    pub fn new(rules: Rules) -> Context {
        Context { rules, decode: DecodeOptions::default(), ocr: OcrMode::Auto }
    }
}

/// Why a file yielded no pages at all. The message is the one-line reason
/// written to files.csv.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeFailure(pub String);

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

pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
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
    let documents = crate::fields::parse_documents(&decoded.pages, rules);
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

/// "1-3, 5" for [1, 2, 3, 5].
pub fn page_list(pages: &[u32]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < pages.len() {
        let mut j = i;
        while j + 1 < pages.len() && pages[j + 1] == pages[j] + 1 {
            j += 1;
        }
        parts.push(if i == j { pages[i].to_string() } else { format!("{}-{}", pages[i], pages[j]) });
        i = j + 1;
    }
    parts.join(", ")
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

/// `motebok extract`: run the batch and return the exit code.
pub fn run_cli(args: &ExtractArgs) -> i32 {
    let started = Instant::now();
    let rules = match Rules::load(args.rules.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("motebok: rules: {e}");
            return EXIT_USAGE;
        }
    };
    let inputs = match collect_inputs(&args.paths) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("motebok: {e}");
            return EXIT_USAGE;
        }
    };
    // Decoding runs in worker processes unless --no-isolation.
    let isolation = if args.no_isolation {
        None
    } else {
        let timeout = std::time::Duration::from_secs(args.timeout.max(1));
        match crate::worker::PoolConfig::current_exe(timeout, Some(args.max_memory), args.test_faults) {
            Ok(config) => Some(std::sync::Arc::new(crate::worker::Pool::new(config))),
            Err(e) => {
                eprintln!("motebok: cannot find own binary for decoding workers ({e}); decoding in-process");
                None
            }
        }
    };
    let ctx = Context {
        rules,
        decode: DecodeOptions { password: args.password.clone(), isolation, ..DecodeOptions::default() },
        ocr: args.ocr,
    };
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(args.jobs.unwrap_or(0)).build() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("motebok: {e}");
            return EXIT_USAGE;
        }
    };
    // Incremental runs: what the previous output was made from.
    let _ = crate::output::recover(&args.out);
    let previous = crate::refresh::Manifest::load(&args.out);
    let settings = crate::refresh::Settings::new(
        &ctx.rules.fingerprint,
        crate::refresh::options_string(args.ocr, &crate::ocr::OcrConfig::from_env().lang, args.password.is_some()),
    );
    let bar = progress_bar(inputs.len() as u64);
    type Done = (FileRecord, Option<crate::refresh::Reason>, Option<PathBuf>);
    let done: Vec<Done> = pool.install(|| {
        inputs
            .par_iter()
            .map(|p| {
                let r = match crate::refresh::plan(p, previous.as_ref(), &settings, &args.out, args.force) {
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
    let run = match crate::output::write_run(&args.out, &records, &settings, previous.as_ref(), &extraction) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("motebok: output: {e}");
            return EXIT_SOME_FAILED;
        }
    };
    let mut s = Summary::of(&records);
    s.decoded = extraction.decoded.len();
    s.reused = extraction.reused.len();
    eprintln!(
        "motebok: {} files, {} pages, {} documents, {} meetings, {} items, {} failed, {} partial, {} no text, {:.1} s",
        s.files,
        s.pages,
        s.documents,
        s.meetings,
        s.items,
        s.failed,
        s.partial,
        s.no_text,
        started.elapsed().as_secs_f64()
    );
    eprintln!("motebok: since the previous run: {}", run.changes.summary_line());
    let t = &run.report.totals.findings;
    let n = |k: &str| t.get(k).copied().unwrap_or(0);
    eprintln!(
        "motebok: report: {} errors, {} warnings, {} info (see {})",
        n("error"),
        n("warning"),
        n("info"),
        args.out.join(crate::report::REPORT_MD).display()
    );
    if args.strict && run.report.errors() > 0 {
        eprintln!("motebok: --strict: the report has {} findings of level error", run.report.errors());
        return EXIT_SOME_FAILED;
    }
    let bad = match args.fail_on {
        FailOn::Never => false,
        FailOn::Failed => s.failed > 0,
        FailOn::Partial => s.failed + s.partial + s.no_text > 0,
    };
    if bad {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_lists() {
        assert_eq!(page_list(&[1, 2, 3, 5]), "1-3, 5");
        assert_eq!(page_list(&[4]), "4");
        assert_eq!(page_list(&[]), "");
    }
}
