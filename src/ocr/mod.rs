//! OCR fallback for pages without a usable text layer (issue 5).
//!
//! Stage 1½: after [`crate::pdf::decode`], [`apply`] finds the pages that
//! need OCR (per [`Mode`]), gets an image of each — the page's own JPEG
//! when the page is a single full-page JPEG, else a 300 dpi greyscale
//! rendering by poppler's `pdftoppm` — and runs the `tesseract` command on
//! it, one process per page (`OMP_THREAD_LIMIT=1`), pages in parallel on
//! rayon. OCR'd pages come back as [`PageText`] with [`Engine::Ocr`] and
//! tesseract's mean word confidence.
//!
//! Why the command and not a binding (leptess, tesseract-rs): the bindings
//! need libtesseract-dev, libleptonica-dev and clang at *build* time, pin
//! the crate to one libtesseract ABI, and run tesseract inside our process,
//! where a crash on a bad image would take the batch down. The command
//! needs only the runtime packages (`tesseract-ocr tesseract-ocr-nor`), is
//! isolated per page, and its process start (~0.1 s) is small beside the
//! ~1.5 s it spends on a page. Without tesseract the crate still builds
//! and runs; only OCR is unavailable, with an error naming the packages.
//!
//! Environment (mainly for tests and unusual installs): `MOTEBOK_TESSERACT`
//! and `MOTEBOK_PDFTOPPM` name the programs, `MOTEBOK_OCR_LANG` the
//! tesseract language (default `nor`); `TESSDATA_PREFIX` is honoured by
//! tesseract itself.

mod image;
mod tesseract;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::model::{Engine, Quality};
use crate::pdf::{DecodeOptions, DecodedPdf, PageText};

pub use image::{embedded_jpegs, EmbeddedJpeg};
pub use tesseract::{text_from_tsv, word_confidence, OcrText};

/// Debian packages that provide everything OCR needs.
pub const DEBIAN_PACKAGES: &str = "tesseract-ocr tesseract-ocr-nor poppler-utils";

/// When OCR runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// OCR pages that have no usable text layer.
    #[default]
    Auto,
    /// OCR every page.
    Always,
    /// Never OCR; pages without text are reported as such.
    Never,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Auto => "auto",
            Mode::Always => "always",
            Mode::Never => "never",
        }
    }
}

/// How OCR is run.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrConfig {
    /// The tesseract program (name looked up on PATH, or a path).
    pub tesseract: String,
    /// Poppler's pdftoppm program.
    pub pdftoppm: String,
    /// Tesseract language(s), e.g. `nor` or `nor+eng`.
    pub lang: String,
    /// Resolution pages are rendered at.
    pub dpi: u32,
    /// Most seconds one tesseract or pdftoppm run may take.
    pub timeout_secs: u64,
}

impl Default for OcrConfig {
    fn default() -> Self {
        OcrConfig {
            tesseract: "tesseract".into(),
            pdftoppm: "pdftoppm".into(),
            lang: "nor".into(),
            dpi: 300,
            timeout_secs: 300,
        }
    }
}

impl OcrConfig {
    /// The defaults, overridden by `MOTEBOK_TESSERACT`, `MOTEBOK_PDFTOPPM`
    /// and `MOTEBOK_OCR_LANG` when set.
    pub fn from_env() -> Self {
        let mut c = OcrConfig::default();
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        if let Some(v) = var("MOTEBOK_TESSERACT") {
            c.tesseract = v;
        }
        if let Some(v) = var("MOTEBOK_PDFTOPPM") {
            c.pdftoppm = v;
        }
        if let Some(v) = var("MOTEBOK_OCR_LANG") {
            c.lang = v;
        }
        c
    }
}

// ---------------------------------------------------------------- detection

/// Whether `text` is a usable text layer (not empty, not U+FFFD runs,
/// unmapped glyphs or symbol soup). Decoding and OCR share one definition:
/// the text-quality check of [`crate::pdf::quality`].
pub use crate::pdf::is_usable_text;

/// Whether `page` goes to OCR under `mode`: under `auto`, every page whose
/// text the quality check did not find good (no text, or text that does
/// not read).
pub fn needs_ocr(page: &PageText, mode: Mode) -> bool {
    match mode {
        Mode::Never => false,
        // A page already read by OCR is not read again.
        Mode::Always => page.engine != Engine::Ocr,
        Mode::Auto => page.engine != Engine::Ocr && page.quality != Quality::Good,
    }
}

// ------------------------------------------------------------ normalisation

/// Characters tesseract reads a list bullet (•) as, alone or two or three
/// together, at the start of a line.
const BULLET_LOOKALIKES: &[char] =
    &['•', '*', '»', '+', '·', '●', '◦', '▪', '■', '►', '➢', '©', '®', '¢', '°', '‣', '⁃'];

/// Tidy tesseract's text without changing what it says: keep one line per
/// text line, strip trailing spaces and the page-separator form feed,
/// collapse runs of empty lines to one (tesseract's paragraph break) and
/// drop them at the start and end, and write a bullet misread as `*`, `»`,
/// `+`, `©`… at the start of a line as `•`. Words are never touched: ä read
/// as å stays å; O/0 and l/1 tolerance belongs to the parser.
pub fn normalise_ocr_text(raw: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut blank = false;
    for line in raw.split(['\n', '\u{0C}']) {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push(String::new());
            blank = false;
        }
        out.push(fix_bullet(line));
    }
    if out.is_empty() {
        return String::new();
    }
    let mut s = out.join("\n");
    s.push('\n');
    s
}

fn fix_bullet(line: &str) -> String {
    let body = line.trim_start();
    let marks = body.chars().take_while(|c| BULLET_LOOKALIKES.contains(c)).count();
    if marks == 0 || marks > 3 {
        return line.to_string();
    }
    let after: String = body.chars().skip(marks).collect();
    let Some(rest) = after.strip_prefix(' ') else { return line.to_string() };
    let rest = rest.trim_start();
    let starts_ok = rest.chars().next().is_some_and(|c| c.is_alphanumeric() || "«\"'(".contains(c));
    // "+ 5" may be arithmetic; a bullet is followed by words.
    let plus_only = body.starts_with('+') && marks == 1;
    if !starts_ok || (plus_only && !rest.chars().next().is_some_and(char::is_alphabetic)) {
        return line.to_string();
    }
    format!("• {rest}")
}

// ------------------------------------------------------------------ tools

pub(crate) enum RunError {
    NotFound,
    Timeout,
    Io(std::io::Error),
}

/// Spawn `cmd` and wait for it, killing it after `timeout`.
pub(crate) fn run_with_timeout(cmd: &mut Command, timeout: Duration) -> Result<ExitStatus, RunError> {
    let mut child = cmd.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => RunError::NotFound,
        _ => RunError::Io(e),
    })?;
    let started = Instant::now();
    let mut nap = Duration::from_millis(5);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) => {}
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(RunError::Io(e));
            }
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Err(RunError::Timeout);
        }
        std::thread::sleep(nap);
        nap = (nap * 2).min(Duration::from_millis(50));
    }
}

pub(crate) fn first_line(s: &str) -> String {
    s.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("").chars().take(300).collect()
}

pub(crate) fn missing_tesseract_message(program: &str) -> String {
    format!(
        "tesseract is not installed (no `{program}` command); install the Debian packages {DEBIAN_PACKAGES} \
         (apt-get install {DEBIAN_PACKAGES})"
    )
}

pub(crate) fn missing_pdftoppm_message(program: &str) -> String {
    format!(
        "pdftoppm (poppler-utils) is not installed (no `{program}` command), needed to render pages for OCR; \
         install the Debian packages {DEBIAN_PACKAGES} (apt-get install {DEBIAN_PACKAGES})"
    )
}

fn missing_lang_message(program: &str, lang: &str) -> String {
    let pkgs: Vec<String> = lang.split('+').map(|l| format!("tesseract-ocr-{l}")).collect();
    format!(
        "tesseract (`{program}`) has no '{lang}' language data; install the Debian packages {DEBIAN_PACKAGES} \
         (for '{lang}': {})",
        pkgs.join(" ")
    )
}

fn checks() -> &'static Mutex<HashMap<String, Result<(), String>>> {
    static CHECKS: OnceLock<Mutex<HashMap<String, Result<(), String>>>> = OnceLock::new();
    CHECKS.get_or_init(|| Mutex::new(HashMap::new()))
}

fn cached(key: String, check: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    if let Some(r) = checks().lock().ok().and_then(|m| m.get(&key).cloned()) {
        return r;
    }
    let r = check();
    if let Ok(mut m) = checks().lock() {
        m.insert(key, r.clone());
    }
    r
}

/// Whether tesseract runs and has the language data `cfg.lang` needs.
/// Checked once per process for each program/language.
pub fn check_tesseract(cfg: &OcrConfig) -> Result<(), String> {
    cached(format!("tesseract\0{}\0{}", cfg.tesseract, cfg.lang), || {
        let out = Command::new(&cfg.tesseract)
            .arg("--list-langs")
            .env("OMP_THREAD_LIMIT", "1")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => {
                    missing_tesseract_message(&cfg.tesseract)
                }
                _ => format!("tesseract (`{}`) could not be run: {e}", cfg.tesseract),
            })?;
        // Tesseract 5 lists languages on stdout, older ones on stderr.
        let listed: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .chain(String::from_utf8_lossy(&out.stderr).lines())
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty() && !l.contains(' '))
            .collect();
        if cfg.lang.split('+').all(|l| listed.contains(l)) {
            Ok(())
        } else {
            Err(missing_lang_message(&cfg.tesseract, &cfg.lang))
        }
    })
}

/// Whether pdftoppm runs. Checked once per process.
pub fn check_pdftoppm(cfg: &OcrConfig) -> Result<(), String> {
    cached(format!("pdftoppm\0{}", cfg.pdftoppm), || {
        let mut cmd = Command::new(&cfg.pdftoppm);
        cmd.arg("-v").stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
        match run_with_timeout(&mut cmd, Duration::from_secs(30)) {
            Ok(_) => Ok(()),
            Err(RunError::NotFound) => Err(missing_pdftoppm_message(&cfg.pdftoppm)),
            Err(RunError::Timeout) => Err(format!("pdftoppm (`{}`) does not answer", cfg.pdftoppm)),
            Err(RunError::Io(e)) => Err(format!("pdftoppm (`{}`) could not be run: {e}", cfg.pdftoppm)),
        }
    })
}

// ------------------------------------------------------------------ driver

/// OCR one page: its JPEG if it has one, else a rendering.
fn ocr_page(
    n: u32,
    jpeg: Option<&EmbeddedJpeg>,
    pdf: Option<&Path>,
    password: Option<&str>,
    dir: &Path,
    cfg: &OcrConfig,
) -> Result<OcrText, String> {
    let (img, dpi) = match (jpeg, pdf) {
        (Some(j), _) => {
            let p = dir.join(format!("page-{n}.jpg"));
            std::fs::write(&p, &j.bytes).map_err(|e| format!("writing page image: {e}"))?;
            (p, j.dpi)
        }
        (None, Some(pdf)) => (image::render_page(pdf, n, password, dir, cfg)?, cfg.dpi),
        (None, None) => return Err("no page image".into()),
    };
    let r = tesseract::recognise(&img, Some(dpi), &dir.join(format!("ocr-{n}")), cfg);
    let _ = std::fs::remove_file(&img);
    r
}

/// OCR whatever pages of `decoded` need it under `mode`, in place.
///
/// A page that needed OCR (no usable text layer) and got text becomes
/// `engine: ocr` with its confidence. One that needed it but could not be
/// read keeps no text (`engine: none`): a per-page failure is recorded in
/// the page's `error`; a missing program (tesseract, its language data,
/// pdftoppm) in one file-level warning naming the packages to install, so
/// an all-scan file ends `no_text`. Under `always`, a page with a text
/// layer that OCR fails on keeps its text layer, with a warning.
pub fn apply(decoded: &mut DecodedPdf, bytes: &[u8], mode: Mode, decode: &DecodeOptions, cfg: &OcrConfig) {
    apply_with_progress(decoded, bytes, mode, decode, cfg, &|_, _| {})
}

/// [`apply`], calling `page_done(done, of)` as each OCR'd page is read
/// (for a progress display; it may be called from several threads).
pub fn apply_with_progress(
    decoded: &mut DecodedPdf,
    bytes: &[u8],
    mode: Mode,
    decode: &DecodeOptions,
    cfg: &OcrConfig,
    page_done: &(dyn Fn(usize, usize) + Sync),
) {
    let targets: Vec<u32> = decoded.pages.iter().filter(|p| needs_ocr(p, mode)).map(|p| p.number).collect();
    if targets.is_empty() {
        return;
    }
    // Pages whose text layer does not read well: OCR is their hope. (A
    // page with poor text keeps it when OCR cannot do better.)
    let required: BTreeSet<u32> =
        decoded.pages.iter().filter(|p| p.quality != Quality::Good).map(|p| p.number).collect();
    let give_up = |decoded: &mut DecodedPdf, pages: &[u32], why: &str| {
        let need: Vec<u32> = pages.iter().copied().filter(|n| required.contains(n)).collect();
        let what = if need.is_empty() {
            format!("OCR (--ocr always) not run on pages {}", crate::util::page_list(pages))
        } else {
            format!("OCR needed on pages {} but not run", crate::util::page_list(&need))
        };
        decoded.warnings.push(format!("{what}: {why}"));
    };
    if let Err(why) = check_tesseract(cfg) {
        // Once per run on stderr too: in a large batch this is the news.
        static TOLD: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
        if !TOLD.swap(true, std::sync::atomic::Ordering::Relaxed) {
            crate::say!("motebok: OCR unavailable: {why}");
        }
        give_up(decoded, &targets, &why);
        return;
    }
    let password = decode.password.as_deref();
    let jpegs = image::embedded_jpegs(bytes, password, decode.max_decompressed, &targets);
    let dir = match tempfile::Builder::new().prefix("motebok-ocr-").tempdir() {
        Ok(d) => d,
        Err(e) => {
            give_up(decoded, &targets, &format!("cannot make a temporary directory: {e}"));
            return;
        }
    };
    let to_render: Vec<u32> = targets.iter().copied().filter(|n| !jpegs.contains_key(n)).collect();
    let mut targets = targets;
    let mut pdf_path = None;
    if !to_render.is_empty() {
        let p = dir.path().join("input.pdf");
        let ready = check_pdftoppm(cfg)
            .and_then(|_| std::fs::write(&p, bytes).map_err(|e| format!("cannot write a temporary file: {e}")));
        match ready {
            Ok(()) => pdf_path = Some(p),
            Err(why) => {
                give_up(decoded, &to_render, &why);
                targets.retain(|n| jpegs.contains_key(n));
            }
        }
    }
    let done = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<(u32, Result<OcrText, String>)> = targets
        .par_iter()
        .map(|&n| {
            let r = ocr_page(n, jpegs.get(&n), pdf_path.as_deref(), password, dir.path(), cfg);
            page_done(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, targets.len());
            (n, r)
        })
        .collect();
    for (n, result) in results {
        let Some(page) = decoded.pages.iter_mut().find(|p| p.number == n) else { continue };
        let needed = required.contains(&n);
        let had_text = page.quality == Quality::Poor;
        match result {
            Ok(t) if t.words > 0 && !t.text.trim().is_empty() => {
                let verdict = crate::pdf::quality::assess(&t.text, None);
                if had_text && verdict.quality != Quality::Good {
                    decoded.warnings.push(format!(
                        "page {n}: OCR read no better than the text layer ({}); the text layer is kept",
                        verdict.reason.as_deref().unwrap_or("poor text")
                    ));
                    continue;
                }
                if let Some(err) = page.error.take() {
                    decoded.warnings.push(format!("page {n}: {err}; its text was read by OCR instead"));
                }
                // Say why a text layer was set aside.
                let replaced = page.quality_note.take().filter(|_| had_text).map(|why| format!("text layer not used ({why}); read by OCR"));
                page.text = t.text;
                page.engine = Engine::Ocr;
                page.ocr_confidence = t.confidence;
                page.quality = verdict.quality;
                page.quality_note = verdict.reason.or(replaced);
                page.lines.clear();
            }
            // A blank page: nothing to read, nothing wrong.
            Ok(_) => {
                if needed && !had_text {
                    blank(page);
                }
            }
            Err(e) if needed && !had_text => {
                blank(page);
                page.error = Some(match page.error.take() {
                    Some(prev) => format!("{prev}; OCR failed: {e}"),
                    None => format!("OCR failed: {e}"),
                });
            }
            Err(e) if needed => decoded.warnings.push(format!("page {n}: OCR failed, poor text layer kept: {e}")),
            Err(e) => decoded.warnings.push(format!("page {n}: OCR failed, text layer kept: {e}")),
        }
    }
}

fn blank(page: &mut PageText) {
    page.text.clear();
    page.engine = Engine::None;
    page.ocr_confidence = None;
    page.quality = Quality::Empty;
    page.quality_note = None;
    page.lines.clear();
}
