//! `motebok text FILE.pdf`: the page text exactly as the pipeline reads it.
//!
//! The same decoding as `motebok extract` (worker isolation, the text
//! engines, OCR for pages without a usable text layer) but no parsing: each
//! page's text is printed as the parser receives it, pages separated by a
//! form feed. Meant for writing rules for a new layout, and for the fidelity
//! benchmark (`benches/fidelity.sh`), which compares it with `pdftotext`.
//!
//! `--json` prints one object: the file, its warnings, and per page the
//! engine, the quality verdict, any error and the text.

use std::io::Write;
use std::path::Path;

use super::{EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE};
use crate::cli::TextArgs;
use crate::pdf::{DecodeOptions, DecodedPdf, PageText};

/// Run `motebok text` and return the exit code: 0 the file was read (some
/// pages may still be flagged), 1 it could not be decoded, 2 a usage error.
pub fn run(args: &TextArgs) -> i32 {
    let pages = match args.pages.as_deref().map(parse_pages).transpose() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("motebok text: --pages: {e}");
            return EXIT_USAGE;
        }
    };
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("motebok text: {}: {e}", args.file.display());
            return EXIT_USAGE;
        }
    };
    let isolation = if args.no_isolation {
        None
    } else {
        let timeout = std::time::Duration::from_secs(args.timeout.max(1));
        crate::worker::PoolConfig::current_exe(timeout, Some(args.max_memory), false)
            .ok()
            .map(|c| std::sync::Arc::new(crate::worker::Pool::new(c)))
    };
    let opts = DecodeOptions { password: args.password.clone(), isolation, ..DecodeOptions::default() };
    let mut decoded = match crate::worker::decode_file(&args.file, &bytes, &opts) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("motebok text: {}: {e}", args.file.display());
            return EXIT_SOME_FAILED;
        }
    };
    crate::ocr::apply(&mut decoded, &bytes, args.ocr.into(), &opts, &crate::ocr::OcrConfig::from_env());
    let selected: Vec<&PageText> = decoded
        .pages
        .iter()
        .filter(|p| pages.as_ref().is_none_or(|ranges| ranges.iter().any(|&(a, b)| (a..=b).contains(&p.number))))
        .collect();
    if selected.is_empty() {
        eprintln!("motebok text: {}: no such pages (the file has {})", args.file.display(), decoded.pages.len());
        return EXIT_USAGE;
    }
    let out = if args.json { json(&args.file, &decoded, &selected) } else { plain(&selected) };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = stdout.write_all(out.as_bytes()).and_then(|_| stdout.flush());
    if !args.json {
        for w in &decoded.warnings {
            eprintln!("motebok text: warning: {w}");
        }
        for p in &selected {
            if let Some(e) = &p.error {
                eprintln!("motebok text: page {}: {e}", p.number);
            }
            if let Some(why) = &p.quality_note {
                eprintln!("motebok text: page {}: {} text ({why})", p.number, p.quality.as_str());
            }
        }
    }
    EXIT_OK
}

/// The pages' text, a form feed between two pages.
fn plain(pages: &[&PageText]) -> String {
    pages.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\u{0C}")
}

fn json(file: &Path, decoded: &DecodedPdf, pages: &[&PageText]) -> String {
    let pages: Vec<serde_json::Value> = pages
        .iter()
        .map(|p| {
            serde_json::json!({
                "page": p.number,
                "engine": p.engine,
                "quality": p.quality,
                "quality_note": p.quality_note,
                "ocr_confidence": p.ocr_confidence,
                "error": p.error,
                "text": p.text,
            })
        })
        .collect();
    let value = serde_json::json!({
        "file": file.to_string_lossy(),
        "pages_in_file": decoded.page_count,
        "warnings": decoded.warnings,
        "pages": pages,
    });
    let mut s = serde_json::to_string_pretty(&value).unwrap_or_default();
    s.push('\n');
    s
}

/// "3-5", "2", "1,4-6", "7-" (to the end) → inclusive ranges.
pub fn parse_pages(spec: &str) -> Result<Vec<(u32, u32)>, String> {
    let mut out = Vec::new();
    for part in spec.split(',').map(str::trim) {
        let number = |s: &str| -> Result<u32, String> {
            s.trim().parse::<u32>().ok().filter(|&n| n > 0).ok_or_else(|| format!("not a page number: {s:?}"))
        };
        let range = match part.split_once('-') {
            Some((a, b)) if b.trim().is_empty() => (number(a)?, u32::MAX),
            Some((a, b)) => (number(a)?, number(b)?),
            None => {
                let n = number(part)?;
                (n, n)
            }
        };
        if range.0 > range.1 {
            return Err(format!("{part:?} runs backwards"));
        }
        out.push(range);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_ranges() {
        assert_eq!(parse_pages("3-5"), Ok(vec![(3, 5)]));
        assert_eq!(parse_pages("2"), Ok(vec![(2, 2)]));
        assert_eq!(parse_pages("1, 4-6"), Ok(vec![(1, 1), (4, 6)]));
        assert_eq!(parse_pages("7-"), Ok(vec![(7, u32::MAX)]));
        assert!(parse_pages("0").is_err());
        assert!(parse_pages("5-3").is_err());
        assert!(parse_pages("a").is_err());
        assert!(parse_pages("").is_err());
    }
}
