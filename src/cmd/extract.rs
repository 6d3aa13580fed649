//! `motebok extract`: run the batch, print the summary, choose the exit code.

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use super::{EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE};
use crate::cli::{ExtractArgs, FailOn};
use crate::options::RunOptions;
use crate::say;

/// `--quiet`: notes are dropped, warnings kept.
static QUIET: AtomicBool = AtomicBool::new(false);

fn note(msg: &str) {
    if !QUIET.load(Ordering::Relaxed) || msg.starts_with("motebok: warning") {
        say!("{msg}");
    }
}

/// The options of a run, from the flags.
fn options(args: &ExtractArgs) -> RunOptions {
    RunOptions {
        inputs: args.paths.clone(),
        out: args.out.clone(),
        rules_dir: args.rules.clone(),
        jobs: args.jobs,
        password: args.password.clone(),
        timeout: std::time::Duration::from_secs(args.timeout),
        max_memory: Some(args.max_memory),
        ocr: args.ocr.into(),
        force: args.force,
        isolation: !args.no_isolation,
        test_faults: args.test_faults,
        root: args.root.clone(),
        max_file_size: args.max_file_size,
        allow_empty: args.allow_empty,
        wait: args.wait,
        // Per-file lines (-v) would tear through a bar: one or the other.
        progress: !args.quiet && !args.json && !args.verbose,
        verbose: args.verbose,
        notify: note,
        shard: args.shard,
    }
}

/// `--json` / `--summary-json`: what a run did, for programs.
#[derive(Debug, Default, Serialize)]
struct JsonSummary {
    exit_code: i32,
    /// Why nothing was written (exit code 2); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    out: String,
    files: usize,
    pages: u64,
    documents: usize,
    meetings: usize,
    items: usize,
    failed: usize,
    partial: usize,
    no_text: usize,
    decoded: usize,
    reused: usize,
    retried: usize,
    jobs: usize,
    seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<serde_json::Value>,
    report: Counts,
    warnings: Vec<String>,
    /// Files that are not ok: key, status, reason.
    problems: Vec<Problem>,
}

#[derive(Debug, Default, Serialize)]
struct Counts {
    errors: usize,
    warnings: usize,
    info: usize,
}

#[derive(Debug, Serialize)]
struct Problem {
    file: String,
    status: &'static str,
    error: String,
}

pub fn run(args: &ExtractArgs) -> i32 {
    QUIET.store(args.quiet, Ordering::Relaxed);
    let mut summary = JsonSummary { out: args.out.display().to_string(), ..JsonSummary::default() };
    let code = run_and_fill(args, &mut summary);
    summary.exit_code = code;
    emit_json(args, &summary);
    code
}

fn run_and_fill(args: &ExtractArgs, j: &mut JsonSummary) -> i32 {
    let outcome = match crate::pipeline::run(&options(args)) {
        Ok(o) => o,
        Err(e) => {
            say!("motebok: {e}");
            j.error = Some(e.to_string());
            // Nothing was written: the previous output is as it was.
            return EXIT_USAGE;
        }
    };
    let s = &outcome.summary;
    for w in &outcome.written.warnings {
        say!("motebok: warning: {w}");
    }
    let report = &outcome.written.report;
    let t = &report.totals.findings;
    let n = |k: &str| t.get(k).copied().unwrap_or(0);
    if !args.quiet {
        say!(
            "motebok: {} files, {} pages, {} documents, {} meetings, {} items, {} failed, {} partial, {} no text, {:.1} s",
            s.files,
            s.pages,
            s.documents,
            s.meetings,
            s.items,
            s.failed,
            s.partial,
            s.no_text,
            outcome.elapsed.as_secs_f64()
        );
        say!("motebok: since the previous run: {}", outcome.written.changes.summary_line());
        say!(
            "motebok: report: {} errors, {} warnings, {} info (see {})",
            n("error"),
            n("warning"),
            n("info"),
            args.out.join(crate::report::REPORT_MD).display()
        );
    }
    *j = JsonSummary {
        out: std::mem::take(&mut j.out),
        files: s.files,
        pages: s.pages,
        documents: s.documents,
        meetings: s.meetings,
        items: s.items,
        failed: s.failed,
        partial: s.partial,
        no_text: s.no_text,
        decoded: s.decoded,
        reused: s.reused,
        retried: s.retried,
        jobs: s.jobs,
        seconds: (outcome.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
        changes: serde_json::to_value(&outcome.written.changes).ok(),
        report: Counts { errors: n("error"), warnings: n("warning"), info: n("info") },
        warnings: outcome.written.warnings.clone(),
        problems: outcome
            .problems
            .iter()
            .filter(|(_, st, _)| *st != crate::model::Status::Ok)
            .map(|(f, st, e)| Problem { file: f.clone(), status: st.as_str(), error: e.clone() })
            .collect(),
        ..JsonSummary::default()
    };
    if args.strict && report.errors() > 0 {
        say!("motebok: --strict: the report has {} findings of level error", report.errors());
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

fn emit_json(args: &ExtractArgs, summary: &JsonSummary) {
    let Ok(mut text) = serde_json::to_string_pretty(summary) else { return };
    text.push('\n');
    if args.json {
        use std::io::Write;
        let _ = std::io::stdout().write_all(text.as_bytes());
    }
    if let Some(path) = &args.summary_json {
        if let Err(e) = std::fs::write(path, &text) {
            say!("motebok: warning: cannot write {}: {e}", path.display());
        }
    }
}
