//! The text-fidelity benchmark (issue 11): motebok's page text against
//! poppler's `pdftotext -raw`, file by file. Run by `benches/fidelity.sh`.
//!
//! ```text
//! cargo run --release --example fidelity -- generate DIR
//!     write the generated cases (pdfgen::fidelity) into DIR
//! cargo run --release --example fidelity -- compare [--ocr MODE] PATH...
//!     PDFs, or directories searched for *.pdf; for each: `motebok text
//!     --json` (the release binary beside this example) and `pdftotext
//!     -raw`, the word-multiset agreement of the two (ligatures spelt out
//!     and soft hyphens as '-' on both sides, as a reader sees them), the
//!     engines and the pages flagged
//! ```
//!
//! A file passes when it agrees ≥ 0.99 with pdftotext. Below that it must
//! be flagged — some page's text judged poor or empty, and re-read by a
//! fallback engine (pdf-extract, OCR) where one can — never silently
//! accepted: a file below 0.99 with no page flagged fails. Files pdftotext
//! cannot read are listed apart. Exit code 1 when a file fails.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use motebok::pdfgen::fidelity::{agreement, cases, words};

const FLOOR: f64 = 0.99;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("generate") if args.len() == 2 => generate(Path::new(&args[1])),
        Some("compare") => {
            let mut ocr = "auto".to_string();
            let mut paths = Vec::new();
            let mut it = args[1..].iter();
            while let Some(a) = it.next() {
                if a == "--ocr" {
                    ocr = it.next().cloned().unwrap_or_default();
                } else {
                    paths.push(PathBuf::from(a));
                }
            }
            std::process::exit(compare(&paths, &ocr));
        }
        _ => {
            eprintln!("usage: fidelity generate DIR | fidelity compare [--ocr auto|always|never] PATH...");
            std::process::exit(2);
        }
    }
}

fn generate(dir: &Path) {
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("{}: {e}", dir.display());
        std::process::exit(1);
    }
    for case in cases() {
        let path = dir.join(format!("{}.pdf", case.name));
        if let Err(e) = std::fs::write(&path, &case.bytes) {
            eprintln!("{}: {e}", path.display());
            std::process::exit(1);
        }
        println!("{}\t{}", path.display(), case.what);
    }
}

fn pdfs(paths: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(p: &Path, out: &mut Vec<PathBuf>) {
        if p.is_dir() {
            let mut entries: Vec<PathBuf> =
                std::fs::read_dir(p).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
            entries.sort();
            for e in entries {
                walk(&e, out);
            }
        } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
            out.push(p.to_path_buf());
        }
    }
    let mut out = Vec::new();
    for p in paths {
        walk(p, &mut out);
    }
    out
}

/// What motebok made of one file.
struct Ours {
    text: String,
    pages: usize,
    engines: BTreeMap<String, usize>,
    /// Pages flagged poor or empty, with the reason.
    flagged: Vec<(u64, String)>,
    error: Option<String>,
}

fn motebok_text(exe: &Path, pdf: &Path, ocr: &str) -> Ours {
    let out = Command::new(exe).args(["text", "--json", "--ocr", ocr]).arg(pdf).output();
    let mut ours = Ours { text: String::new(), pages: 0, engines: BTreeMap::new(), flagged: Vec::new(), error: None };
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            ours.error = Some(format!("cannot run {}: {e}", exe.display()));
            return ours;
        }
    };
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&out.stdout) else {
        ours.error = Some(String::from_utf8_lossy(&out.stderr).trim().replace("motebok text: ", "").to_string());
        return ours;
    };
    let pages = v["pages"].as_array().cloned().unwrap_or_default();
    ours.pages = pages.len();
    let mut texts = Vec::new();
    for p in &pages {
        let engine = p["engine"].as_str().unwrap_or("?").to_string();
        *ours.engines.entry(engine).or_default() += 1;
        // Flagged: judged poor or empty, or a text layer set aside for a
        // fallback engine (the note says why).
        let quality = p["quality"].as_str().unwrap_or("?");
        let note = p["quality_note"].as_str();
        if quality != "good" || note.is_some() {
            let why = note.unwrap_or(quality).to_string();
            ours.flagged.push((p["page"].as_u64().unwrap_or(0), why));
        }
        texts.push(p["text"].as_str().unwrap_or("").to_string());
    }
    ours.text = texts.join("\u{0C}");
    ours
}

fn pdftotext(pdf: &Path) -> Option<String> {
    let out = Command::new("pdftotext").arg("-raw").arg(pdf).arg("-").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.success() && !words(&text).is_empty()).then_some(text)
}

fn compare(paths: &[PathBuf], ocr: &str) -> i32 {
    if Command::new("pdftotext").arg("-v").output().is_err() {
        eprintln!("fidelity: pdftotext (poppler-utils) is needed");
        return 2;
    }
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent()?.parent().map(|d| d.join("motebok")))
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("target/release/motebok"));
    let files = pdfs(paths);
    println!("| file | pages | words motebok / pdftotext | agreement | engines | flagged pages | verdict |");
    println!("|---|---|---|---|---|---|---|");
    let (mut passed, mut flagged_files, mut failed, mut unread) = (0, 0, 0, 0);
    let mut below = Vec::new();
    let mut all_flagged = Vec::new();
    for f in &files {
        let name = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let ours = motebok_text(&exe, f, ocr);
        let theirs = pdftotext(f);
        let engines = ours.engines.iter().map(|(e, n)| format!("{e} {n}")).collect::<Vec<_>>().join(", ");
        let flagged = ours.flagged.iter().map(|(p, _)| p.to_string()).collect::<Vec<_>>().join(", ");
        for (p, why) in &ours.flagged {
            all_flagged.push(format!("{name} page {p}: {why}"));
        }
        let fallback = ours.engines.keys().any(|e| e == "pdf-extract" || e == "ocr");
        let (a, verdict) = match (&theirs, &ours.error) {
            (None, Some(e)) => (None, format!("neither reads it (motebok: {e})")),
            (None, None) => (None, "pdftotext reads nothing; motebok does".into()),
            (Some(t), _) => {
                let a = agreement(&ours.text, t);
                let v = if a >= FLOOR {
                    "pass".to_string()
                } else if !ours.flagged.is_empty() && fallback {
                    "flagged, read by the fallback engine".to_string()
                } else if !ours.flagged.is_empty() {
                    "flagged (no fallback engine read it)".to_string()
                } else {
                    "FAIL".to_string()
                };
                (Some(a), v)
            }
        };
        match (&a, verdict.as_str()) {
            (None, _) => unread += 1,
            (Some(_), "pass") => passed += 1,
            (Some(_), "FAIL") => failed += 1,
            _ => flagged_files += 1,
        }
        if let Some(a) = a.filter(|a| *a < FLOOR) {
            below.push(format!("{name}: {a:.4} ({verdict})"));
        }
        println!(
            "| {name} | {} | {} / {} | {} | {engines} | {flagged} | {verdict} |",
            ours.pages,
            words(&ours.text).len(),
            theirs.as_deref().map_or(0, |t| words(t).len()),
            a.map_or("–".into(), |a| format!("{a:.4}")),
        );
    }
    println!();
    println!("Files under {FLOOR}:");
    for b in &below {
        println!("  {b}");
    }
    if below.is_empty() {
        println!("  none");
    }
    println!("Pages flagged:");
    for f in &all_flagged {
        println!("  {f}");
    }
    if all_flagged.is_empty() {
        println!("  none");
    }
    println!(
        "fidelity: {} files: {passed} agree ≥ {FLOOR}, {flagged_files} below but flagged, {failed} below and not flagged (fail), {unread} that pdftotext cannot read",
        files.len()
    );
    i32::from(failed > 0)
}
