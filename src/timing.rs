//! Per-stage timing, for the throughput benchmark (`benches/throughput.sh`).
//!
//! Off unless the environment variable `MOTEBOK_TIMINGS` is set (to anything
//! but `0` or the empty string): then every stage adds the time it took to a
//! process-wide total, and at exit the process prints one line a stage to
//! stderr, all starting `motebok-timing:`:
//!
//! ```text
//! motebok-timing: stage decode      1.234 s  (2400 calls)   CPU time in decoders (worker-reported when isolated)
//! ```
//!
//! Stages are summed over threads, so with `--jobs N` they are CPU-seconds,
//! not wall time. Decoding in worker processes is timed by the worker (the
//! file read and the decode; the JSON encoding of its answer apart) and
//! reported back on a line of its own (see [`crate::worker`]); the parent
//! times the whole round trip as `decode-roundtrip`. `output` is the wall time from the end of the
//! last file's parsing to the exit of the process: writing the datasets,
//! SQLite, report and summary. Peak RSS: this process's `VmHWM`, and the
//! largest and summed `VmHWM` of the decoding workers (read from `/proc`
//! just before each is closed).
//!
//! When off, a stage costs one relaxed atomic load.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

/// A stage of the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading the input file and hashing it (parent).
    Read,
    /// A decode request to a worker, from sending to the parsed answer
    /// (parent; includes the worker's read, decode and encode and the pipe).
    DecodeRoundtrip,
    /// Decoding in a worker: reading the file and `pdf::decode` (worker).
    WorkerDecode,
    /// Encoding the worker's answer as JSON (worker).
    WorkerEncode,
    /// `pdf::decode` in this process (`--no-isolation`).
    Decode,
    /// OCR step (in this process).
    Ocr,
    /// `text::clean_pages`.
    Clean,
    /// `segment::segment`.
    Segment,
    /// Field parsing of every document.
    Fields,
    /// Taking a record into the output: its JSON, its rows in the store,
    /// its findings and page text (one writer thread).
    Store,
    /// The merge over the store.
    Merge,
    /// CSV files and datapackage.json, from the store.
    Csv,
    /// motebok.sqlite (copy and full-text indexes).
    Sqlite,
    /// report.md, report.json, manifest.json, changes.json.
    Report,
}

const STAGES: [(Stage, &str); 14] = [
    (Stage::Read, "read+hash"),
    (Stage::DecodeRoundtrip, "decode-roundtrip"),
    (Stage::WorkerDecode, "decode(worker)"),
    (Stage::WorkerEncode, "encode(worker)"),
    (Stage::Decode, "decode(in-proc)"),
    (Stage::Ocr, "ocr"),
    (Stage::Clean, "clean"),
    (Stage::Segment, "segment"),
    (Stage::Fields, "fields"),
    (Stage::Store, "store(writer)"),
    (Stage::Merge, "merge"),
    (Stage::Csv, "csv+datapackage"),
    (Stage::Sqlite, "sqlite+fts"),
    (Stage::Report, "report+changes"),
];

struct Totals {
    nanos: [AtomicU64; 14],
    calls: [AtomicU64; 14],
    pages: AtomicU64,
    /// Nanoseconds since `start` at which the last file finished parsing.
    last_parse_end: AtomicU64,
    worker_hwm_max_kb: AtomicU64,
    worker_hwm_sum_kb: AtomicU64,
    workers: AtomicU64,
}

static TOTALS: Totals = Totals {
    nanos: [const { AtomicU64::new(0) }; 14],
    calls: [const { AtomicU64::new(0) }; 14],
    pages: AtomicU64::new(0),
    last_parse_end: AtomicU64::new(0),
    worker_hwm_max_kb: AtomicU64::new(0),
    worker_hwm_sum_kb: AtomicU64::new(0),
    workers: AtomicU64::new(0),
};

static ON: AtomicBool = AtomicBool::new(false);
static INIT: OnceLock<Instant> = OnceLock::new();

fn index(stage: Stage) -> usize {
    STAGES.iter().position(|(s, _)| *s == stage).unwrap_or(0)
}

/// Whether timing is on (`MOTEBOK_TIMINGS` set). The first call decides,
/// and, in a process that is not a decoding worker, arranges for the report
/// at exit.
pub fn enabled() -> bool {
    if INIT.get().is_some() {
        return ON.load(Ordering::Relaxed);
    }
    init(false)
}

/// Set up timing once; `worker`: this is a decoding worker, which reports
/// per request instead of at exit.
pub fn init(worker: bool) -> bool {
    let mut first = false;
    INIT.get_or_init(|| {
        first = true;
        let on = std::env::var_os("MOTEBOK_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0");
        ON.store(on, Ordering::Relaxed);
        Instant::now()
    });
    let on = ON.load(Ordering::Relaxed);
    if first && on && !worker {
        // SAFETY: registers a plain extern "C" function with no arguments.
        unsafe {
            libc::atexit(report_at_exit);
        }
    }
    on
}

/// Time `f` as `stage` (when timing is on).
#[inline]
pub fn time<T>(stage: Stage, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let t = Instant::now();
    let r = f();
    add(stage, t.elapsed().as_nanos() as u64);
    r
}

/// Add `nanos` to `stage`'s total, as one call.
pub fn add(stage: Stage, nanos: u64) {
    let i = index(stage);
    TOTALS.nanos[i].fetch_add(nanos, Ordering::Relaxed);
    TOTALS.calls[i].fetch_add(1, Ordering::Relaxed);
}

/// A file finished parsing, with `pages` pages.
pub fn file_done(pages: u64) {
    if !enabled() {
        return;
    }
    TOTALS.pages.fetch_add(pages, Ordering::Relaxed);
    if let Some(start) = INIT.get() {
        TOTALS.last_parse_end.fetch_max(start.elapsed().as_nanos() as u64, Ordering::Relaxed);
    }
}

/// A decoding worker's peak RSS, in KiB (its `VmHWM` just before it closes).
pub fn worker_peak(kb: u64) {
    TOTALS.worker_hwm_max_kb.fetch_max(kb, Ordering::Relaxed);
    TOTALS.worker_hwm_sum_kb.fetch_add(kb, Ordering::Relaxed);
    TOTALS.workers.fetch_add(1, Ordering::Relaxed);
}

/// `VmHWM` (peak resident set) of process `pid` (`None`: this process), KiB.
pub fn peak_rss_kb(pid: Option<u32>) -> Option<u64> {
    let path = match pid {
        Some(p) => format!("/proc/{p}/status"),
        None => "/proc/self/status".to_string(),
    };
    let status = std::fs::read_to_string(path).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The report, one line a stage.
pub fn report() -> String {
    let mut out = String::new();
    let wall = INIT.get().map_or(0, |s| s.elapsed().as_nanos() as u64);
    for (i, (_, name)) in STAGES.iter().enumerate() {
        let calls = TOTALS.calls[i].load(Ordering::Relaxed);
        if calls == 0 {
            continue;
        }
        let secs = TOTALS.nanos[i].load(Ordering::Relaxed) as f64 / 1e9;
        out.push_str(&format!("motebok-timing: stage {name:<17} {secs:9.3} s  ({calls} calls)\n"));
    }
    let last = TOTALS.last_parse_end.load(Ordering::Relaxed);
    if last > 0 && wall >= last {
        out.push_str(&format!(
            "motebok-timing: stage {:<17} {:9.3} s  (wall: last file parsed -> exit)\n",
            "output",
            (wall - last) as f64 / 1e9
        ));
    }
    out.push_str(&format!("motebok-timing: wall {:.3} s, pages {}\n", wall as f64 / 1e9, TOTALS.pages.load(Ordering::Relaxed)));
    let main = peak_rss_kb(None).unwrap_or(0);
    let workers = TOTALS.workers.load(Ordering::Relaxed);
    out.push_str(&format!(
        "motebok-timing: peak-rss main {} KiB, workers {} (max {} KiB, sum {} KiB), main+sum {} KiB\n",
        main,
        workers,
        TOTALS.worker_hwm_max_kb.load(Ordering::Relaxed),
        TOTALS.worker_hwm_sum_kb.load(Ordering::Relaxed),
        main + TOTALS.worker_hwm_sum_kb.load(Ordering::Relaxed)
    ));
    out
}

extern "C" fn report_at_exit() {
    use std::io::Write;
    let _ = std::io::stderr().write_all(report().as_bytes());
}

/// The timing line a worker sends before an answer:
/// `#T <decode ns> <encode ns> <peak RSS KiB>`.
pub const WORKER_LINE: &str = "#T ";

/// Parse a worker's timing line into (decode ns, encode ns, peak RSS KiB).
pub fn parse_worker_line(line: &str) -> Option<(u64, u64, u64)> {
    let rest = line.strip_prefix(WORKER_LINE)?;
    let mut it = rest.split_whitespace().map(|v| v.parse::<u64>().ok());
    Some((it.next()??, it.next()??, it.next()??))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_lines_parse() {
        assert_eq!(parse_worker_line("#T 12 34 5\n"), Some((12, 34, 5)));
        assert_eq!(parse_worker_line("{\"Ok\":{}}"), None);
        assert_eq!(parse_worker_line("#T x 1"), None);
    }
}
