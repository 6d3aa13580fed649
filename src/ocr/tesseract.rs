//! Running the `tesseract` command on one page image, and reading what it
//! writes: the plain text (`txt`) and the word table (`tsv`) of one run.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::{run_with_timeout, OcrConfig, RunError};

/// What tesseract read on one page.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrText {
    /// Tesseract's text, one line per text line, normalised by
    /// [`super::normalise_ocr_text`].
    pub text: String,
    /// Mean word confidence (0–100); `None` when no word was found.
    pub confidence: Option<f32>,
    pub words: usize,
}

/// Run tesseract on `image` (any format leptonica reads), writing its
/// outputs next to `out_base`.
pub fn recognise(image: &Path, dpi: Option<u32>, out_base: &Path, cfg: &OcrConfig) -> Result<OcrText, String> {
    let err_path = out_base.with_extension("err");
    let mut cmd = Command::new(&cfg.tesseract);
    cmd.arg(image).arg(out_base).arg("-l").arg(&cfg.lang);
    if let Some(d) = dpi {
        cmd.arg("--dpi").arg(d.to_string());
    }
    // One run, two renderers: text with tesseract's own line structure,
    // and the word table with confidences.
    cmd.arg("txt").arg("tsv");
    // Tesseract's OpenMP threads fight rayon's: one page per core is faster.
    cmd.env("OMP_THREAD_LIMIT", "1");
    cmd.stdin(Stdio::null()).stdout(Stdio::null());
    match std::fs::File::create(&err_path) {
        Ok(f) => cmd.stderr(f),
        Err(_) => cmd.stderr(Stdio::null()),
    };
    let status = run_with_timeout(&mut cmd, Duration::from_secs(cfg.timeout_secs)).map_err(|e| match e {
        RunError::NotFound => super::missing_tesseract_message(&cfg.tesseract),
        RunError::Timeout => format!("tesseract took more than {} s", cfg.timeout_secs),
        RunError::Io(e) => format!("tesseract: {e}"),
    })?;
    let txt = std::fs::read_to_string(out_base.with_extension("txt"));
    let tsv = std::fs::read_to_string(out_base.with_extension("tsv"));
    if !status.success() || txt.is_err() || tsv.is_err() {
        let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
        let msg = stderr
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("Error") || l.contains("Failed") || l.contains("Cannot"))
            .map(str::to_string)
            .unwrap_or_else(|| super::first_line(&stderr));
        return Err(format!("tesseract failed ({status}): {msg}"));
    }
    let (txt, tsv) = (txt.unwrap_or_default(), tsv.unwrap_or_default());
    let (confidence, words) = word_confidence(&tsv);
    // Should the txt renderer give nothing while the table has words, build
    // the lines from the table.
    let raw = if txt.trim().is_empty() && words > 0 { text_from_tsv(&tsv) } else { txt };
    Ok(OcrText { text: super::normalise_ocr_text(&raw), confidence, words })
}

/// Column positions of a tesseract TSV header.
struct Columns {
    level: usize,
    block: usize,
    par: usize,
    line: usize,
    conf: usize,
    text: usize,
}

fn columns(header: &str) -> Option<Columns> {
    let names: Vec<&str> = header.split('\t').map(str::trim).collect();
    let at = |n: &str| names.iter().position(|c| *c == n);
    Some(Columns {
        level: at("level")?,
        block: at("block_num")?,
        par: at("par_num")?,
        line: at("line_num")?,
        conf: at("conf")?,
        text: at("text")?,
    })
}

/// Word rows of a TSV: (block, par, line, conf, text), for level-5 rows
/// with non-blank text.
fn word_rows(tsv: &str) -> Vec<(u32, u32, u32, f32, String)> {
    let mut lines = tsv.lines();
    let Some(cols) = lines.next().and_then(columns) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for row in lines {
        let f: Vec<&str> = row.split('\t').collect();
        let get = |i: usize| f.get(i).copied().unwrap_or("");
        if get(cols.level).trim() != "5" {
            continue;
        }
        let text = get(cols.text).trim();
        let Ok(conf) = get(cols.conf).trim().parse::<f32>() else { continue };
        if text.is_empty() || conf < 0.0 {
            continue;
        }
        let num = |i: usize| get(i).trim().parse::<u32>().unwrap_or(0);
        out.push((num(cols.block), num(cols.par), num(cols.line), conf.min(100.0), text.to_string()));
    }
    out
}

/// Mean word confidence (0–100) over the words of a tesseract TSV, and the
/// number of words. Rows other than words (levels 1–4), words with
/// confidence −1 and blank words are left out. `None` when there is no word.
pub fn word_confidence(tsv: &str) -> (Option<f32>, usize) {
    let rows = word_rows(tsv);
    if rows.is_empty() {
        return (None, 0);
    }
    let sum: f64 = rows.iter().map(|r| r.3 as f64).sum();
    let mean = (sum / rows.len() as f64) as f32;
    (Some((mean * 100.0).round() / 100.0), rows.len())
}

/// The text of a TSV, as tesseract's txt renderer lays it out: words of a
/// line joined by a space, a blank line between paragraphs.
pub fn text_from_tsv(tsv: &str) -> String {
    let mut out = String::new();
    let mut last: Option<(u32, u32, u32)> = None;
    for (block, par, line, _, word) in word_rows(tsv) {
        match last {
            Some((b, p, l)) if (b, p, l) == (block, par, line) => out.push(' '),
            Some((b, p, _)) if (b, p) == (block, par) => out.push('\n'),
            Some(_) => out.push_str("\n\n"),
            None => {}
        }
        out.push_str(&word);
        last = Some((block, par, line));
    }
    out.push('\n');
    out
}
