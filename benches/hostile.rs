//! Hostile sizes (issue 3, item 8): wall time and peak memory of
//!
//! * `motebok extract` (worker isolation, the default) over a generated
//!   2,000-page PDF;
//! * `motebok extract` over a one-page PDF whose text is a single 5 MB line;
//! * `motebok::read::read_file` fed a single-line page text
//!   directly, at 1.25, 5 and 20 MB to show how it scales: seed text with
//!   its line breaks made spaces, and a line of nothing but trigger words
//!   (sak headings, labels, dates);
//! * for comparison, the 2,000-page file with `--no-isolation`.
//!
//! Run: `cargo bench --bench hostile` (release build; about a minute).
//! Inputs are generated into a temporary directory, nothing is committed.
//!
//! Peak RSS: each measured process runs as a child of this bench; a sampler
//! thread reads `VmHWM` (peak resident set) of the `motebok` process and of
//! each of its worker processes from `/proc` every 5 ms. (`wait4`'s
//! `ru_maxrss` is no use here: a child spawned with vfork/posix_spawn
//! inherits this bench's own high-water mark.)

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_motebok");
const CHILD_ENV: &str = "MOTEBOK_BENCH_CHILD";
const MB: usize = 1 << 20;

fn main() {
    if let Ok(mode) = std::env::var(CHILD_ENV) {
        child(&mode);
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let seeds = seed_text();
    println!("machine: {} cores, {}", num_cpus(), mem_total());
    println!();

    // 2,000 pages of seed text, 55 lines a page (as the fixtures).
    let lines: Vec<&str> = seeds.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let wanted = 2000 * 55;
    let text: String = lines.iter().cycle().take(wanted).map(|l| format!("{l}\n")).collect();
    let t = Instant::now();
    let big = helvetica_pdf(&text, 55);
    let dir_big = tmp.path().join("in-2000");
    std::fs::create_dir(&dir_big).unwrap();
    std::fs::write(dir_big.join("pages-2000.pdf"), &big).unwrap();
    println!("generated pages-2000.pdf: {} bytes, {:.1} s", big.len(), t.elapsed().as_secs_f64());

    // One page, one 5 MB line: the seed text with its line breaks made spaces.
    let line = five_mb_line(&seeds, 5 * MB);
    let t = Instant::now();
    let one = helvetica_pdf(&line, 1);
    let dir_line = tmp.path().join("in-line");
    std::fs::create_dir(&dir_line).unwrap();
    std::fs::write(dir_line.join("line-5mb.pdf"), &one).unwrap();
    println!("generated line-5mb.pdf: {} bytes, {:.1} s", one.len(), t.elapsed().as_secs_f64());
    println!();

    println!("{:<44} {:>8} {:>12} {:>12}  result", "case", "wall s", "process MiB", "worker MiB");
    let extract = |name: &str, input: &Path, extra: &[&str]| {
        let out = tmp.path().join(format!("out-{name}"));
        let mut cmd = Command::new(BIN);
        cmd.arg("extract").arg(input).arg("--out").arg(&out).args(["--ocr", "never", "--jobs", "1"]).args(extra);
        let m = measure(cmd);
        let files = std::fs::read_to_string(out.join("csv/files.csv")).unwrap_or_default();
        let row = files.lines().nth(1).unwrap_or("(no files.csv)");
        let status = summarise_row(files.lines().next().unwrap_or(""), row);
        print_row(name, &m, &format!("exit {:?}; {status}", m.code));
    };
    extract("extract 2,000 pages (isolated)", &dir_big, &[]);
    extract("extract 2,000 pages (--no-isolation)", &dir_big, &["--no-isolation"]);
    extract("extract one 5 MB line (isolated)", &dir_line, &[]);
    extract("extract one 5 MB line (--no-isolation)", &dir_line, &["--no-isolation"]);

    // parse_documents alone, in a child process each so its peak is its
    // own: seed text flattened to one line, and a line that is nothing but
    // sak headings and decision labels (the parser's trigger words).
    for kind in ["seed", "triggers"] {
        let mut figures = Vec::new();
        for size in [5 * MB / 4, 5 * MB, 20 * MB] {
            let exe = std::env::current_exe().unwrap();
            let mut cmd = Command::new(exe);
            cmd.env(CHILD_ENV, format!("{kind}:{size}"));
            let m = measure(cmd);
            let mut out = m.stdout.split_whitespace();
            let parse_s: f64 = out.next().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN);
            let docs = out.next().unwrap_or("?").to_string();
            print_row(
                &format!("parse_documents {:.2} MB line ({kind})", size as f64 / MB as f64),
                &m,
                &format!("exit {:?}; parse {parse_s:.3} s (best of 3), {docs} documents", m.code),
            );
            figures.push((size, parse_s));
        }
        let (s0, t0) = figures[0];
        let (s1, t1) = figures[figures.len() - 1];
        println!(
            "  -> {:.0}x the text took {:.1}x the time (linear {:.0}x, quadratic {:.0}x)",
            s1 as f64 / s0 as f64,
            t1 / t0,
            s1 as f64 / s0 as f64,
            (s1 as f64 / s0 as f64).powi(2)
        );
    }
}

/// Child mode: `KIND:BYTES` parses a single-line page of that size and
/// prints the best of three times parse_documents took, and how many
/// documents it found.
fn child(mode: &str) {
    let (kind, size) = mode.split_once(':').expect("KIND:BYTES");
    let size: usize = size.parse().expect("KIND:BYTES");
    let line = match kind {
        "seed" => five_mb_line(&seed_text(), size),
        "triggers" => five_mb_line("Sak 12/21 Vedtak: Møte 3/2021 Dato 12. mars 2021 kl. 09.00 Til stede: Forfall:", size),
        _ => panic!("unknown kind {kind}"),
    };
    let rules = motebok::rules::Rules::embedded();
    let pages = vec![motebok::pdf::PageText::new(1, line, motebok::model::Engine::Lopdf)];
    let mut best = f64::INFINITY;
    let mut docs = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let d = motebok::read::read_file(&pages, &rules);
        best = best.min(t.elapsed().as_secs_f64());
        docs = std::hint::black_box(d).len();
    }
    println!("{best} {docs}");
}

fn seed_text() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/seeds");
    ["000", "001", "002", "003", "004"]
        .iter()
        .map(|id| std::fs::read_to_string(dir.join(format!("{id}.txt"))).expect("seed text"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `size` bytes of seed text on one line (no line breaks), ASCII-safe cut.
fn five_mb_line(seeds: &str, size: usize) -> String {
    let flat: String = seeds.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(size + flat.len());
    while out.len() < size {
        out.push_str(&flat);
        out.push(' ');
    }
    let mut cut = size;
    while !out.is_char_boundary(cut) {
        cut -= 1;
    }
    out.truncate(cut);
    out
}

fn summarise_row(header: &str, row: &str) -> String {
    let data = format!("{header}\n{row}\n");
    let mut rdr = csv::ReaderBuilder::new().from_reader(data.as_bytes());
    let headers = rdr.headers().cloned().unwrap_or_default();
    let Some(Ok(rec)) = rdr.records().next() else { return row.to_string() };
    let get = |n: &str| headers.iter().position(|h| h == n).and_then(|i| rec.get(i)).unwrap_or("?").to_string();
    let error = get("error");
    format!("{} pages, {}, {} documents{}", get("pages"), get("status"), get("documents"), if error.is_empty() { String::new() } else { format!(", {error:?}") })
}

struct Measured {
    wall: Duration,
    code: Option<i32>,
    /// Peak VmHWM of the process itself, kB.
    own_kb: u64,
    /// Peak VmHWM over its child processes (decoding workers), kB.
    children_kb: u64,
    stdout: String,
}

fn print_row(name: &str, m: &Measured, result: &str) {
    let mib = |kb: u64| if kb == 0 { "-".to_string() } else { format!("{:.0}", kb as f64 / 1024.0) };
    println!("{:<44} {:>8.2} {:>12} {:>12}  {result}", name, m.wall.as_secs_f64(), mib(m.own_kb), mib(m.children_kb));
}

/// Run `cmd` to its end, sampling memory of it and its children.
fn measure(mut cmd: Command) -> Measured {
    let stdout_path = std::env::temp_dir().join(format!("motebok-bench-{}.out", std::process::id()));
    cmd.stdout(std::fs::File::create(&stdout_path).unwrap()).stderr(std::process::Stdio::null());
    let started = Instant::now();
    let child = cmd.spawn().expect("spawn");
    let pid = child.id() as i32;
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut own = 0u64;
            let mut kids: BTreeMap<i32, u64> = BTreeMap::new();
            while !done.load(Ordering::Relaxed) {
                if let Some(kb) = vm_hwm(pid) {
                    own = own.max(kb);
                }
                for c in children_of(pid) {
                    if let Some(kb) = vm_hwm(c) {
                        let e = kids.entry(c).or_default();
                        *e = (*e).max(kb);
                    }
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            (own, kids.values().copied().max().unwrap_or(0))
        })
    };
    let mut status = 0i32;
    // SAFETY: plain wait4 on our own child; `rusage` is plain old data.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let (own_kb, children_kb) = sampler.join().unwrap();
    std::mem::forget(child); // already reaped by wait4
    let code = if r == pid && libc::WIFEXITED(status) { Some(libc::WEXITSTATUS(status)) } else { None };
    let stdout = std::fs::read_to_string(&stdout_path).unwrap_or_default();
    let _ = std::fs::remove_file(&stdout_path);
    Measured { wall, code, own_kb, children_kb, stdout }
}

fn vm_hwm(pid: i32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn children_of(pid: i32) -> Vec<i32> {
    // /proc/PID/task/*/children lists direct children (CONFIG_PROC_CHILDREN).
    let mut out = Vec::new();
    if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
        for t in tasks.flatten() {
            if let Ok(s) = std::fs::read_to_string(t.path().join("children")) {
                out.extend(s.split_whitespace().filter_map(|c| c.parse::<i32>().ok()));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

fn mem_total() -> String {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| s.lines().next().map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" ")))
        .map(|m| format!("{m} RAM"))
        .unwrap_or_default()
}

fn helvetica_pdf(text: &str, per_page: usize) -> Vec<u8> {
    motebok::pdfgen::text_pdf(text, per_page)
}
