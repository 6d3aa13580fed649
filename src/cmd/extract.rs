//! `motebok extract`: run the batch, print the summary, choose the exit code.

use super::{EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE};
use crate::cli::{ExtractArgs, FailOn};
use crate::options::RunOptions;
use crate::pipeline::RunError;

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
    }
}

pub fn run(args: &ExtractArgs) -> i32 {
    let outcome = match crate::pipeline::run(&options(args)) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("motebok: {e}");
            return match e {
                RunError::Output(_) => EXIT_SOME_FAILED,
                RunError::Rules(_) | RunError::Inputs(_) | RunError::Threads(..) => EXIT_USAGE,
            };
        }
    };
    let s = &outcome.summary;
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
        outcome.elapsed.as_secs_f64()
    );
    let report = &outcome.written.report;
    eprintln!("motebok: since the previous run: {}", outcome.written.changes.summary_line());
    let t = &report.totals.findings;
    let n = |k: &str| t.get(k).copied().unwrap_or(0);
    eprintln!(
        "motebok: report: {} errors, {} warnings, {} info (see {})",
        n("error"),
        n("warning"),
        n("info"),
        args.out.join(crate::report::REPORT_MD).display()
    );
    if args.strict && report.errors() > 0 {
        eprintln!("motebok: --strict: the report has {} findings of level error", report.errors());
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
