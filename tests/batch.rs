//! Issue 3, "Done when": ONE run of the real binary over every fixture —
//! the dev set, `layout/`, `bad/`, `scanned/` — plus generated hostile
//! inputs (worker faults acted out through the hidden `--test-faults` hook,
//! and a real self-referencing Form XObject). Every file's status and reason
//! in `csv/files.csv`, the exit code, and the accuracy of the good fixtures
//! in that same output are checked.
//!
//! Also here: `--fail-on` and the exit codes 0 / 1 / 2, and a real
//! `motebok extract` killed with SIGKILL mid-run leaving the previous
//! output complete. (The exhaustive kill-timing test of the output stage is
//! `tests/output.rs::killed_runs_leave_a_complete_output`; the per-fault
//! tests are in `tests/robustness.rs`.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_motebok");

/// Copied from `tests/accuracy.rs` (`F1_FLOOR`): the slot-F1 floor the
/// fixtures must score. Keep the two equal.
const F1_FLOOR: f64 = 0.99;

/// Per-file time limit of the batch. It is what the hung worker costs, so
/// short, but far above what the slowest good fixture takes in a debug
/// build on a loaded machine (under 1 s alone).
const TIMEOUT_S: u64 = 8;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures").join(rel)
}

fn copy_as(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(from, to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
}

fn pdfs_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    v.sort();
    v
}

/// A file that makes a `--test-faults` worker act out `fault`
/// (see `src/worker.rs`).
fn fault_file(path: &Path, fault: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, format!("%MOTEBOK-TEST {fault}\n")).unwrap();
}

fn motebok(args: &[&std::ffi::OsStr]) -> Output {
    let o = Command::new(BIN).args(args).output().expect("run motebok");
    eprintln!("motebok {:?}\nstderr: {}", args, String::from_utf8_lossy(&o.stderr));
    o
}

fn extract(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<&std::ffi::OsStr> = vec!["extract".as_ref()];
    args.extend(inputs.iter().map(|p| p.as_os_str()));
    args.extend(["--out".as_ref(), out.as_os_str(), "--ocr".as_ref(), "never".as_ref()]);
    args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
    motebok(&args)
}

// ---------------------------------------------------------------------------
// A real hostile PDF: a Form XObject that draws itself (pdf-extract would
// recurse until the stack overflows). Page 1 fails, page 2 is read:
// status `partial`.

// ---------------------------------------------------------------------------
// files.csv

#[derive(Debug, Clone)]
struct Row {
    status: String,
    error: String,
    pages: u32,
    documents: usize,
    json: String,
}

/// `csv/files.csv` by input file name (the inputs of these tests have
/// distinct names).
fn files_csv(out: &Path) -> BTreeMap<String, Row> {
    let mut rdr = csv::Reader::from_path(out.join("csv/files.csv")).expect("csv/files.csv written");
    let headers = rdr.headers().unwrap().clone();
    let col = |n: &str| headers.iter().position(|h| h == n).unwrap_or_else(|| panic!("files.csv lacks column {n}"));
    let (file, pages, status, documents, error, json) =
        (col("file"), col("pages"), col("status"), col("documents"), col("error"), col("json"));
    let mut rows = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let name = Path::new(&rec[file]).file_name().unwrap().to_string_lossy().to_string();
        let row = Row {
            status: rec[status].to_string(),
            error: rec[error].to_string(),
            pages: rec[pages].parse().unwrap_or_else(|_| panic!("{name}: pages {:?}", &rec[pages])),
            documents: rec[documents].parse().unwrap(),
            json: rec[json].to_string(),
        };
        assert!(rows.insert(name.clone(), row).is_none(), "{name}: two rows");
    }
    rows
}

fn json_at(out: &Path, row: &Row) -> serde_json::Value {
    let path = out.join(&row.json);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

// ---------------------------------------------------------------------------
// The batch

#[test]
fn one_batch_over_every_fixture_and_hostile_input() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    // Good fixtures under their own names: their JSON stems (000, …,
    // 002-layout) name gold files, so the scorer picks exactly these.
    let mut good: Vec<(String, u32)> = Vec::new();
    for (id, pages) in [("000", 7), ("001", 45), ("002", 8), ("003", 35), ("004", 40)] {
        copy_as(&fixture(&format!("{id}.pdf")), &input.join(format!("{id}.pdf")));
        good.push((format!("{id}.pdf"), pages));
    }
    copy_as(&fixture("layout/002-layout.pdf"), &input.join("layout/002-layout.pdf"));
    good.push(("002-layout.pdf".into(), 6));
    // Every bad fixture (none of their names starts with a digit).
    let bad = pdfs_in(&fixture("bad"));
    assert_eq!(bad.len(), 7, "fixtures/bad changed: extend this test");
    for p in &bad {
        copy_as(p, &input.join("bad").join(p.file_name().unwrap()));
    }
    // The scan under a name the scorer ignores: it is no_text, not scored.
    copy_as(&fixture("scanned/002-scan.pdf"), &input.join("scanned/scan-of-002.pdf"));
    // Generated hostile inputs.
    let hostile = input.join("hostile");
    fault_file(&hostile.join("crash.pdf"), "crash");
    fault_file(&hostile.join("hang.pdf"), "hang");
    fault_file(&hostile.join("oom.pdf"), "oom");
    fault_file(&hostile.join("overflow.pdf"), "overflow");
    std::fs::write(hostile.join("self-drawing-form.pdf"), motebok::pdfgen::form_xobject_pdf(true)).unwrap();

    let out = tmp.path().join("out");
    let timeout = TIMEOUT_S.to_string();
    let started = Instant::now();
    let o = extract(
        &[&input],
        &out,
        &["--test-faults", "--timeout", &timeout, "--max-memory", "256M", "--jobs", "2"],
    );
    let took = started.elapsed();
    assert_eq!(o.status.code(), Some(1), "the batch completed and some files failed: exit code 1");
    assert!(took < Duration::from_secs(120), "the batch must not wait on hung workers: {took:?}");

    let rows = files_csv(&out);
    let names: BTreeSet<&str> = rows.keys().map(String::as_str).collect();
    let expected: BTreeSet<&str> = [
        "000.pdf", "001.pdf", "002.pdf", "003.pdf", "004.pdf", "002-layout.pdf",
        "broken-xref.pdf", "empty.pdf", "encrypted-nopass.pdf", "encrypted-password.pdf",
        "garbage.pdf", "html.pdf", "truncated.pdf",
        "scan-of-002.pdf",
        "crash.pdf", "hang.pdf", "oom.pdf", "overflow.pdf", "self-drawing-form.pdf",
    ]
    .into_iter()
    .collect();
    assert_eq!(names, expected, "one files.csv row per input, no more");

    // Every row agrees with its JSON, and a reason is one line.
    for (name, row) in &rows {
        let v = json_at(&out, row);
        assert_eq!(v["status"], row.status.as_str(), "{name}: files.csv and JSON disagree");
        assert!(!row.error.contains('\n'), "{name}: the reason must be one line");
        if row.status != "ok" {
            assert!(!row.error.is_empty(), "{name}: {} without a reason", row.status);
        }
    }

    #[track_caller]
    fn expect(rows: &BTreeMap<String, Row>, file: &str, status: &str, reason_starts: &str) {
        let r = rows.get(file).unwrap_or_else(|| panic!("{file}: no row"));
        assert_eq!(r.status, status, "{file}: status (reason {:?})", r.error);
        assert!(r.error.starts_with(reason_starts), "{file}: reason {:?} should start with {reason_starts:?}", r.error);
        if status == "failed" {
            assert_eq!(r.documents, 0, "{file}: a failed file has no documents");
        }
    }

    // The good fixtures: ok, every page, some documents.
    for (name, pages) in &good {
        expect(&rows, name, "ok", "");
        assert_eq!(rows[name].error, "", "{name}");
        assert_eq!(rows[name].pages, *pages, "{name}: pages");
        assert!(rows[name].documents > 0, "{name}: no documents");
    }
    // bad/ as its README says.
    expect(&rows, "empty.pdf", "failed", "empty file");
    expect(&rows, "html.pdf", "failed", "not a PDF: looks like HTML");
    expect(&rows, "garbage.pdf", "failed", "not a readable PDF");
    expect(&rows, "truncated.pdf", "failed", "truncated / damaged PDF: no trailer");
    expect(&rows, "encrypted-password.pdf", "failed", "password-protected");
    expect(&rows, "encrypted-nopass.pdf", "ok", "");
    expect(&rows, "broken-xref.pdf", "ok", "");
    let broken = json_at(&out, &rows["broken-xref.pdf"]);
    assert_eq!(
        broken["errors"][0]["message"].as_str().map(|m| m.starts_with("damaged cross-reference table: rebuilt")),
        Some(true),
        "broken-xref.pdf: the repair is reported as a warning: {}",
        broken["errors"]
    );
    // The recovered files give the very documents of the original.
    let original = json_at(&out, &rows["002.pdf"]);
    for recovered in ["encrypted-nopass.pdf", "broken-xref.pdf"] {
        assert_eq!(rows[recovered].pages, 8, "{recovered}");
        assert_eq!(json_at(&out, &rows[recovered])["documents"], original["documents"], "{recovered}: documents of 002.pdf");
    }
    // scanned/: no text layer, with its page numbers, never an empty success.
    expect(&rows, "scan-of-002.pdf", "no_text", "no text layer on pages 1-8");
    assert_eq!(rows["scan-of-002.pdf"].pages, 8);
    // Generated hostile inputs.
    expect(&rows, "crash.pdf", "failed", "crashed: signal 11 (SIGSEGV)");
    expect(&rows, "hang.pdf", "failed", &format!("timed out after {TIMEOUT_S} s"));
    expect(&rows, "oom.pdf", "failed", "over memory limit (256 MiB)");
    expect(&rows, "overflow.pdf", "failed", "crashed: stack overflow");
    // (files.csv prefixes a page's error with its number: "page 1: …")
    expect(&rows, "self-drawing-form.pdf", "partial", "page 1");
    assert!(rows["self-drawing-form.pdf"].error.contains("a Form XObject draws itself"), "{:?}", rows["self-drawing-form.pdf"]);
    let form = json_at(&out, &rows["self-drawing-form.pdf"]);
    assert_eq!(form["errors"][0]["page"], 1, "the failed page is named: {}", form["errors"]);
    assert_eq!(rows["self-drawing-form.pdf"].pages, 2);

    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("19 files") && stderr.contains("9 failed, 1 partial, 1 no text"), "summary line: {stderr}");

    // The good fixtures of this very output score at least the floor.
    let gold = root().join("tests/gold");
    let scored: BTreeSet<String> = std::fs::read_dir(out.join("json"))
        .unwrap()
        .map(|e| e.unwrap().path().file_stem().unwrap().to_string_lossy().to_string())
        .filter(|s| s.as_bytes()[0].is_ascii_digit())
        .collect();
    assert_eq!(
        scored,
        ["000", "001", "002", "002-layout", "003", "004"].map(String::from).into_iter().collect(),
        "exactly the good fixtures are scored"
    );
    let score = motebok::eval::score_dirs(&gold, &out).unwrap();
    for m in score.misses.iter().take(40) {
        eprintln!("{m:?}");
    }
    assert!(score.f1 >= F1_FLOOR, "f1 {:.4} of the good fixtures in the batch is below the floor {F1_FLOOR}", score.f1);

    // And what was written is a complete, consistent dataset.
    motebok::output::validate(&out).unwrap_or_else(|p| panic!("output does not validate: {p:#?}"));
}

// ---------------------------------------------------------------------------
// Exit codes and --fail-on

#[test]
fn fail_on_and_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = |name: &str, files: &[(&str, Vec<u8>)]| -> PathBuf {
        let d = tmp.path().join(name);
        std::fs::create_dir(&d).unwrap();
        for (f, bytes) in files {
            std::fs::write(d.join(f), bytes).unwrap();
        }
        d
    };
    let good = std::fs::read(fixture("002.pdf")).unwrap();
    let all_ok = dir("all-ok", &[("002.pdf", good.clone())]);
    let with_partial = dir("partial", &[("002.pdf", good.clone()), ("form.pdf", motebok::pdfgen::form_xobject_pdf(true))]);
    let with_no_text = dir("no-text", &[("002.pdf", good.clone()), ("scan.pdf", std::fs::read(fixture("scanned/002-scan.pdf")).unwrap())]);
    let with_failed = dir("failed", &[("002.pdf", good), ("empty.pdf", vec![])]);

    // (inputs, --fail-on, expected exit code)
    let cases: &[(&Path, Option<&str>, i32)] = &[
        (&all_ok, None, 0),
        (&all_ok, Some("failed"), 0),
        (&all_ok, Some("partial"), 0),
        (&all_ok, Some("never"), 0),
        (&with_partial, None, 0),
        (&with_partial, Some("failed"), 0),
        (&with_partial, Some("partial"), 1),
        (&with_partial, Some("never"), 0),
        // A file without a text layer counts as partial for --fail-on.
        (&with_no_text, None, 0),
        (&with_no_text, Some("partial"), 1),
        (&with_no_text, Some("never"), 0),
        (&with_failed, None, 1),
        (&with_failed, Some("failed"), 1),
        (&with_failed, Some("partial"), 1),
        (&with_failed, Some("never"), 0),
    ];
    for (i, (input, fail_on, code)) in cases.iter().enumerate() {
        let out = tmp.path().join(format!("out-{i}"));
        let mut extra = vec!["--jobs", "1"];
        if let Some(f) = fail_on {
            extra.extend(["--fail-on", f]);
        }
        let o = extract(&[input], &out, &extra);
        assert_eq!(o.status.code(), Some(*code), "{} --fail-on {fail_on:?}", input.display());
        // Whatever the exit code, the batch completed and wrote its output.
        assert!(out.join("csv/files.csv").is_file(), "{}: no output", input.display());
    }
}

#[test]
fn usage_errors_exit_2_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let f002 = fixture("002.pdf");
    let f = f002.as_os_str();
    let o = out.as_os_str();
    let s = |x: &'static str| -> &std::ffi::OsStr { x.as_ref() };
    let missing = tmp.path().join("no-such.pdf");
    let cases: Vec<(&str, Vec<&std::ffi::OsStr>)> = vec![
        ("unknown flag", vec![s("extract"), f, s("--out"), o, s("--no-such-flag")]),
        ("no input", vec![s("extract"), s("--out"), o]),
        ("unknown command", vec![s("frobnicate")]),
        ("bad --fail-on", vec![s("extract"), f, s("--out"), o, s("--fail-on"), s("sometimes")]),
        ("bad --max-memory", vec![s("extract"), f, s("--out"), o, s("--max-memory"), s("12X")]),
        ("bad --timeout", vec![s("extract"), f, s("--out"), o, s("--timeout"), s("soon")]),
        ("missing input", vec![s("extract"), missing.as_os_str(), s("--out"), o]),
        ("--rules not a directory", vec![s("extract"), f, s("--out"), o, s("--rules"), missing.as_os_str()]),
    ];
    for (what, args) in &cases {
        let r = motebok(args);
        assert_eq!(r.status.code(), Some(2), "{what}");
        assert!(!r.stderr.is_empty(), "{what}: says why");
        assert!(!out.exists(), "{what}: nothing written");
    }
    let r = motebok(&[s("extract"), missing.as_os_str(), s("--out"), o]);
    assert!(String::from_utf8_lossy(&r.stderr).contains("no-such.pdf"), "the missing input is named");
}

/// A broken rules file is a usage error (2) naming the file and the line,
/// before any file is decoded. (tests/rules_override.rs checks a broken
/// months.toml in-process; this is labels.toml through the workers.)
#[test]
fn broken_rules_file_exits_2_naming_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    let default = motebok::rules::RULE_FILES.iter().find(|(n, _)| *n == "labels.toml").expect("labels.toml").1;
    // A line that is not TOML, as line 3.
    let mut lines: Vec<&str> = default.lines().collect();
    lines.insert(2, "this line is = = not toml");
    std::fs::write(rules.join("labels.toml"), lines.join("\n")).unwrap();
    let out = tmp.path().join("out");
    let r = extract(&[&fixture("002.pdf")], &out, &["--rules", rules.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("labels.toml:3"), "file and line named: {err}");
    assert!(!out.exists(), "nothing written on a rules error");

    // A file that parses but says something impossible: the file is named.
    std::fs::write(rules.join("labels.toml"), default).unwrap();
    let months = motebok::rules::RULE_FILES.iter().find(|(n, _)| *n == "months.toml").unwrap().1;
    std::fs::write(rules.join("months.toml"), months.replacen("= 1\n", "= 13\n", 1)).unwrap();
    assert_ne!(months.replacen("= 1\n", "= 13\n", 1), months, "months.toml has a `= 1` line");
    let r = extract(&[&fixture("002.pdf")], &out, &["--rules", rules.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("months.toml") && err.contains("13"), "file and value named: {err}");
    assert!(!out.exists());
}

// ---------------------------------------------------------------------------
// SIGKILL

/// A real run killed with SIGKILL at several moments leaves the previous
/// output complete and readable, and the next run completes normally.
#[cfg(unix)]
#[test]
fn killed_extract_leaves_the_previous_output_complete() {
    let tmp = tempfile::tempdir().unwrap();
    let small = tmp.path().join("small");
    copy_as(&fixture("000.pdf"), &small.join("000.pdf"));
    copy_as(&fixture("bad/empty.pdf"), &small.join("empty.pdf"));
    // A larger batch, so that kills land while decoding and while writing.
    let large = tmp.path().join("large");
    for i in 0..12 {
        for id in ["000", "001", "002", "003", "004"] {
            copy_as(&fixture(&format!("{id}.pdf")), &large.join(format!("copy{i:02}/{id}.pdf")));
        }
    }
    let out = tmp.path().join("out");
    assert_eq!(extract(&[&small], &out, &["--jobs", "1"]).status.code(), Some(1));
    let previous = std::fs::read(out.join("csv/files.csv")).unwrap();
    let previous_rows = files_csv(&out).len();
    assert_eq!(previous_rows, 2);

    let mut landed = 0;
    for delay_ms in [50u64, 300, 800, 1500, 2500] {
        let mut child = Command::new(BIN)
            .arg("extract")
            .arg(&large)
            .arg("--out")
            .arg(&out)
            .args(["--ocr", "never", "--jobs", "2", "--force"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // OUT is there, complete and consistent: the old batch, or (if the
        // run got to its end before the kill) the new one, never a mix.
        let target = crate::common::output_or_backup(&out);
        motebok::output::validate(&target)
            .unwrap_or_else(|p| panic!("after a kill at {delay_ms} ms: {:#?}", &p[..p.len().min(5)]));
        let now = std::fs::read(target.join("csv/files.csv")).unwrap();
        if now == previous {
            landed += 1;
        } else {
            // The large batch repeats file names in other directories, so
            // count rows rather than names.
            let rows = csv::Reader::from_path(target.join("csv/files.csv")).unwrap().records().count();
            assert_eq!(rows, 60, "after a kill at {delay_ms} ms: a mixed files.csv");
        }
    }
    assert!(landed > 0, "no kill landed while a run was under way");
    // The next run completes and cleans up after the killed ones.
    let o = extract(&[&small], &out, &["--jobs", "1"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read(out.join("csv/files.csv")).unwrap(), previous, "a rerun writes the same bytes");
    let left: Vec<String> =
        std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    let mut left: Vec<String> = left.into_iter().filter(|n| n != "small" && n != "large").collect();
    left.sort();
    assert_eq!(left, ["out"], "staging directories of killed runs are cleaned up");
}
