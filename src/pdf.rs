//! Stage 1: PDF bytes → pages of text and metadata.
//!
//! In this process; [`crate::worker`] runs it in worker processes so that a
//! PDF that crashes, hangs or eats memory costs only its own file.
//!
//! * Content is sniffed before parsing: an empty file, an HTML error page or
//!   another non-PDF format, and garbage after a `%PDF` header get a
//!   one-line reason instead of a parser error.
//! * lopdf loads the file with a bound on how far any stream may decompress,
//!   decrypts it (RC4, AES-128 and AES-256 R5/R6 — an empty user password is
//!   tried when none is given) and rebuilds a damaged cross-reference table
//!   by scanning for `N G obj` markers (reported as a warning).
//! * Text is taken page by page by [`layout`], which walks lopdf's content
//!   operations following the text and graphics state, so there is one text
//!   line per line and words stay whole and apart whichever way the producer
//!   positions text (one `BT` a page with `Td` moves, a `Tm` per line or per
//!   word, `TJ` kerning). Strings are decoded with lopdf's font encodings.
//!   A page it cannot read is read with lopdf's own `extract_text` chunks
//!   (same engine label). A page whose text is unusable (U+FFFD runs,
//!   an unmapped Identity-H font, almost no letters) is read again with
//!   pdf-extract, inside `catch_unwind`; a page neither engine can read is
//!   marked [`Engine::None`] for the OCR stage.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Once};

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::model::{Engine, Quality};

mod afm;
mod content;
mod fonts;
mod layout;
pub mod quality;
mod crypt;
mod reasons;
mod repair;

use reasons::reason;

pub use fonts::visible_text;
pub use quality::is_usable_text;
pub use layout::TextLine;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DecodeOptions {
    /// User password for encrypted files (`--password`).
    pub password: Option<String>,
    /// Most bytes any one stream may decompress to.
    pub max_decompressed: usize,
    /// Decode in these worker processes instead of in this process
    /// (see [`crate::worker::decode_file`]). `None`: in-process.
    #[serde(skip)]
    pub isolation: Option<Arc<crate::worker::Pool>>,
    /// Try pdf-extract on pages whose lopdf text is unusable. Off when a
    /// file is retried after pdf-extract took its worker down: such pages
    /// are then reported as failed.
    pub second_engine: bool,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions { password: None, max_decompressed: 256 << 20, isolation: None, second_engine: true }
    }
}

/// The error of a page that needed the second engine when it was off.
pub const SECOND_ENGINE_OFF: &str = "not read: the second text engine crashed on this file";

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DecodedPdf {
    pub page_count: u32,
    pub title: Option<String>,
    pub producer: Option<String>,
    /// One entry per page, in order, numbered from 1.
    pub pages: Vec<PageText>,
    /// Problems that did not stop decoding (a rebuilt xref table, say).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PageText {
    pub number: u32,
    pub text: String,
    pub engine: Engine,
    pub ocr_confidence: Option<f32>,
    /// Why this page has no text, when it failed to decode.
    pub error: Option<String>,
    /// The text-quality verdict on `text` ([`quality::assess`]).
    #[serde(default)]
    pub quality: Quality,
    /// Why the quality is not good.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality_note: Option<String>,
    /// The lines of `text` with where they sit on the page, one per line,
    /// when the layout extractor read the page (empty for the other
    /// engines). [`PageText::line_text`] gives a line's text.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "layout::line_codec")]
    pub lines: Vec<TextLine>,
}

impl PageText {
    /// The text of `line`, one of this page's [`PageText::lines`].
    pub fn line_text(&self, line: &TextLine) -> &str {
        self.text.get(line.start as usize..line.end as usize).unwrap_or("")
    }

    /// Page `number` with `text` read by `engine`, judged by the quality
    /// check; no error, no geometry.
    pub fn new(number: u32, text: impl Into<String>, engine: Engine) -> PageText {
        let text = text.into();
        let verdict = quality::assess(&text, None);
        PageText {
            number,
            text,
            engine,
            ocr_confidence: None,
            error: None,
            quality: verdict.quality,
            quality_note: verdict.reason,
            lines: Vec::new(),
        }
    }
}

/// Why a file could not be decoded at all. The `Display` form is the
/// one-line reason written to files.csv.
#[derive(Debug, Clone, PartialEq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum PdfError {
    #[error("empty file")]
    Empty,
    /// Not a PDF at all: "looks like HTML", "no %PDF header", …
    #[error("not a PDF: {0}")]
    NotPdf(String),
    /// A `%PDF` header followed by nothing a PDF reader can use.
    #[error("not a readable PDF: {0}")]
    Unreadable(String),
    #[error("password-protected")]
    PasswordProtected,
    #[error("password-protected: the given password is wrong")]
    WrongPassword,
    #[error("encrypted with an unsupported method: {0}")]
    UnsupportedEncryption(String),
    /// The file ends before its trailer: a cut-off download or copy.
    #[error("truncated / damaged PDF: {0}")]
    Truncated(String),
    #[error("damaged PDF: {0}")]
    Damaged(String),
    /// The PDF reader panicked (a bug met on this file).
    #[error("crashed: {0}")]
    Crashed(String),
    #[error("cannot read file: {0}")]
    Io(String),
}

/// Decode `bytes` in this process.
///
/// Never panics: a panic inside the PDF libraries becomes
/// [`PdfError::Crashed`]. (A stack overflow or an allocation failure still
/// aborts the process — that is what [`crate::worker`] is for.)
pub fn decode(bytes: &[u8], opts: &DecodeOptions) -> Result<DecodedPdf, PdfError> {
    sniff(bytes)?;
    match quietly(|| decode_sniffed(bytes, opts)) {
        Ok(result) => result,
        Err(message) => Err(PdfError::Crashed(format!("PDF reader panicked: {message}"))),
    }
}

// ---------------------------------------------------------------------------
// Sniffing

/// Reject what is plainly not a PDF before any parser sees it.
pub fn sniff(bytes: &[u8]) -> Result<(), PdfError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace() || *b == 0) {
        return Err(PdfError::Empty);
    }
    let head = &bytes[..bytes.len().min(1024)];
    if find(head, b"%PDF-").is_some() {
        return Ok(());
    }
    Err(PdfError::NotPdf(what_it_looks_like(head).to_string()))
}

/// A short description of a file that has no `%PDF` header.
fn what_it_looks_like(head: &[u8]) -> &'static str {
    let trimmed = skip_bom_and_space(head);
    let lower: Vec<u8> = trimmed.iter().take(1024).map(|b| b.to_ascii_lowercase()).collect();
    let has = |needle: &[u8]| find(&lower, needle).is_some();
    if lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html") || has(b"<html") || has(b"<head") || has(b"<body")
    {
        return "looks like HTML";
    }
    if lower.starts_with(b"<?xml") || lower.starts_with(b"<") && has(b">") {
        return "looks like XML";
    }
    let signatures: &[(&[u8], &str)] = &[
        (b"PK\x03\x04", "looks like a ZIP archive (an Office document?)"),
        (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "looks like an old Microsoft Office document"),
        (b"{\\rtf", "looks like an RTF document"),
        (b"%!PS", "looks like PostScript"),
        (b"\x89PNG", "looks like a PNG image"),
        (b"\xFF\xD8\xFF", "looks like a JPEG image"),
        (b"GIF8", "looks like a GIF image"),
        (b"II*\x00", "looks like a TIFF image"),
        (b"MM\x00*", "looks like a TIFF image"),
        (b"\x1F\x8B", "looks like a gzip archive"),
        (b"{", "looks like JSON"),
    ];
    for (magic, what) in signatures {
        if trimmed.starts_with(magic) {
            return what;
        }
    }
    if std::str::from_utf8(trimmed).is_ok_and(|s| s.chars().all(|c| !c.is_control() || c.is_whitespace())) {
        return "looks like plain text";
    }
    "no %PDF header"
}

fn skip_bom_and_space(b: &[u8]) -> &[u8] {
    let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    &b[start..]
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Numbers of the `N G obj` markers in `bytes`, in file order.
fn object_markers(bytes: &[u8]) -> Vec<u32> {
    object_markers_at(bytes).into_iter().map(|(n, _, _)| n).collect()
}

/// The `N G obj` markers in `bytes`, in file order: number, generation and
/// where the object's body starts (just after `obj`).
fn object_markers_at(bytes: &[u8]) -> Vec<(u32, u16, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = find(&bytes[from..], b"obj") {
        let at = from + i;
        from = at + 3;
        // "obj" must end a token: not "objx"; "endobj" has no digits before it.
        if bytes.get(at + 3).is_some_and(|c| c.is_ascii_alphanumeric()) {
            continue;
        }
        let before = &bytes[..at];
        // <ws> G <ws> N <ws-or-start> obj
        let mut j = before.len();
        let skip_ws = |j: &mut usize| {
            let start = *j;
            while *j > 0 && before[*j - 1].is_ascii_whitespace() {
                *j -= 1;
            }
            *j < start
        };
        let digits = |j: &mut usize| {
            let end = *j;
            while *j > 0 && before[*j - 1].is_ascii_digit() {
                *j -= 1;
            }
            (*j < end).then(|| &before[*j..end])
        };
        if !skip_ws(&mut j) {
            continue;
        }
        let Some(gen) = digits(&mut j) else { continue };
        if !skip_ws(&mut j) {
            continue;
        }
        let Some(num) = digits(&mut j) else { continue };
        let parse = |d: &[u8]| std::str::from_utf8(d).ok().and_then(|s| s.parse::<u64>().ok());
        if let (Some(n), Some(g)) = (parse(num), parse(gen)) {
            if let (Ok(n), Ok(g)) = (u32::try_from(n), u16::try_from(g)) {
                out.push((n, g, at + 3));
            }
        }
    }
    out
}

/// Turn a load failure into a reason a user understands, looking at the
/// bytes for what is missing.
fn classify_load_error(bytes: &[u8], err: &lopdf::Error, password_given: bool) -> PdfError {
    match err {
        lopdf::Error::InvalidPassword | lopdf::Error::Decryption(lopdf::encryption::DecryptionError::IncorrectPassword) => {
            return if password_given { PdfError::WrongPassword } else { PdfError::PasswordProtected };
        }
        lopdf::Error::Decryption(e) => return PdfError::UnsupportedEncryption(reasons::decryption(e)),
        lopdf::Error::UnsupportedSecurityHandler(name) => {
            return PdfError::UnsupportedEncryption(format!(
                "security handler /{}",
                String::from_utf8_lossy(name)
            ))
        }
        _ => {}
    }
    let start = find(bytes, b"%PDF-").unwrap_or(0);
    let body = &bytes[start..];
    let markers = object_markers(body);
    if markers.is_empty() {
        return PdfError::Unreadable("no PDF objects after the %PDF header".into());
    }
    let tail = &body[body.len().saturating_sub(2048)..];
    let has_trailer = find(body, b"trailer").is_some() || find(body, b"/XRef").is_some();
    let has_eof = find(tail, b"%%EOF").is_some() || find(tail, b"startxref").is_some();
    if !has_trailer && !has_eof {
        let last = markers.last().copied().unwrap_or(0);
        let why = if rfind(body, b"endobj").is_some_and(|i| body[i..].trim_ascii_end().len() == 6) {
            format!("no trailer, the file ends after object {last}")
        } else {
            format!("no trailer, the file ends inside object {last}")
        };
        return PdfError::Truncated(why);
    }
    if !has_trailer {
        return PdfError::Damaged("no trailer".into());
    }
    PdfError::Damaged(reason(err))
}

/// `err` and its sources on one line.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut s = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        let m = e.to_string();
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        source = e.source();
    }
    one_line(&s)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------
// Decoding

fn decode_sniffed(bytes: &[u8], opts: &DecodeOptions) -> Result<DecodedPdf, PdfError> {
    let load = lopdf::LoadOptions {
        password: opts.password.clone(),
        max_decompressed_size: Some(opts.max_decompressed),
        ..lopdf::LoadOptions::default()
    };
    let needs_own_decryption = |e: &lopdf::Error| {
        matches!(e, lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_))
    };
    let (mut doc, decrypted_here) = match Document::load_mem_with_options(bytes, load.clone()) {
        // lopdf answers Ok with no objects when it cannot authenticate.
        Ok(doc) if doc.is_encrypted() || doc.encryption_state.is_none() && doc.trailer.has(b"Encrypt") => {
            let (doc, warning) = load_decrypting(bytes, opts, &load)?;
            (doc, Some(warning))
        }
        Ok(doc) => (repair::reload_if_dangling(doc, bytes, &load), None),
        Err(e) if needs_own_decryption(&e) => match load_decrypting(bytes, opts, &load) {
            Ok((doc, warning)) => (doc, Some(warning)),
            Err(PdfError::PasswordProtected | PdfError::WrongPassword) => {
                return Err(classify_load_error(bytes, &e, opts.password.is_some()))
            }
            Err(other) => return Err(other),
        },
        Err(e) => return Err(classify_load_error(bytes, &e, opts.password.is_some())),
    };
    let encrypted = decrypted_here.is_some() || doc.was_encrypted();

    let mut warnings: Vec<String> = decrypted_here.into_iter().collect();
    match doc.xref_recovery {
        Some(lopdf::xref::XrefRecovery::Reconstructed) => warnings.push(
            "damaged cross-reference table: rebuilt by scanning the file for objects".to_string(),
        ),
        Some(lopdf::xref::XrefRecovery::OffsetCorrected) => {
            warnings.push("damaged cross-reference table: a wrong offset was corrected".to_string())
        }
        Some(other) => warnings.push(format!("damaged cross-reference table: repaired ({other:?})")),
        None => {}
    }
    let repairs = repair::repair(&mut doc, bytes, encrypted);
    let repaired = repairs.changed;
    warnings.extend(repairs.warnings);
    let doc = doc;

    let page_ids = doc.get_pages();
    if page_ids.is_empty() {
        return Err(if doc.catalog().is_err() {
            PdfError::Damaged("no document catalog".into())
        } else {
            PdfError::Damaged("no pages".into())
        });
    }

    let mut fallback = Fallback::new(bytes, &doc, repaired || encrypted || doc.xref_recovery.is_some());
    let mut fonts = fonts::FontCache::default();
    let mut pages = Vec::with_capacity(page_ids.len());
    for (&number, &page_id) in &page_ids {
        pages.push(decode_page(&doc, number, page_id, opts, &mut fallback, &mut fonts));
    }

    let (title, producer) = info_strings(&doc);
    Ok(DecodedPdf { page_count: pages.len() as u32, title, producer, pages, warnings })
}

/// Load an encrypted file lopdf would not open: `/Encrypt` hidden, every
/// object decrypted here ([`crypt`]).
fn load_decrypting(bytes: &[u8], opts: &DecodeOptions, load: &lopdf::LoadOptions) -> Result<(Document, String), PdfError> {
    let given = opts.password.is_some();
    let hidden = crypt::hide_encrypt(bytes);
    let options = lopdf::LoadOptions { password: None, filter: Some(crypt::hide_object_streams), ..load.clone() };
    let mut doc = Document::load_mem_with_options(&hidden, options).map_err(|e| classify_load_error(bytes, &e, given))?;
    let (encrypt_id, encrypt) = match doc.trailer.get(b"Encrypx") {
        Ok(Object::Reference(id)) => (Some(*id), doc.get_dictionary(*id).ok().cloned()),
        Ok(Object::Dictionary(d)) => (None, Some(d.clone())),
        _ => (None, None),
    };
    let encrypt = encrypt.ok_or_else(|| PdfError::Damaged("the encryption dictionary is missing".into()))?;
    let id0 = doc
        .trailer
        .get(b"ID")
        .and_then(Object::as_array)
        .ok()
        .and_then(|a| a.first())
        .and_then(|o| o.as_str().ok())
        .map(<[u8]>::to_vec)
        .unwrap_or_default();
    // The password given, else (as lopdf does first) the empty one.
    let key = crypt::key(&doc, &encrypt, &id0, opts.password.as_deref().unwrap_or(""))
        .or_else(|f| if given && f == crypt::Failure::WrongPassword { crypt::key(&doc, &encrypt, &id0, "") } else { Err(f) })
        .map_err(|f| match f {
        crypt::Failure::WrongPassword if given => PdfError::WrongPassword,
        crypt::Failure::WrongPassword => PdfError::PasswordProtected,
        crypt::Failure::Unsupported(what) => PdfError::UnsupportedEncryption(what),
        crypt::Failure::Damaged(what) => PdfError::Damaged(format!("encryption dictionary: {what}")),
    })?;
    key.decrypt_document(&mut doc, encrypt_id, opts.max_decompressed);
    if let Some(id) = encrypt_id {
        doc.objects.remove(&id);
    }
    doc.trailer.remove(b"Encrypx");
    let warning = format!(
        "encryption dictionary out of the standard ({}): decrypted as poppler and qpdf do",
        crypt::oddities(&doc, &encrypt, &key)
    );
    Ok((doc, warning))
}

/// What the first engine read of a page.
struct FirstRead {
    text: String,
    lines: Vec<TextLine>,
    /// Codes drawn and unmapped, when the layout extractor read the page.
    glyphs: Option<quality::Glyphs>,
    errors: Vec<String>,
    over_limit: bool,
}

/// The text of a page, one text line a line, and the problems met: the
/// layout-following extractor ([`layout`]), or lopdf's `extract_text` when
/// that cannot read the page (or panics on it).
fn lopdf_page_text<'a>(
    doc: &'a Document, number: u32, page_id: ObjectId, opts: &DecodeOptions, fonts: &mut fonts::FontCache<'a>,
) -> FirstRead {
    let is_over_limit =
        |e: &lopdf::Error| matches!(e, lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }));
    match quietly(|| layout::page_text(doc, page_id, opts.max_decompressed, fonts)) {
        Ok(Ok(page)) => {
            let glyphs = quality::Glyphs {
                codes: page.glyphs.codes,
                unmapped: page.glyphs.unmapped,
                invisible: page.glyphs.invisible,
            };
            return FirstRead {
                text: page.text,
                lines: page.lines,
                glyphs: Some(glyphs),
                errors: page.errors,
                over_limit: page.over_limit,
            };
        }
        // Over the limit: lopdf's extractor would only say so again.
        Ok(Err(e)) if is_over_limit(&e) => {
            return FirstRead {
                text: String::new(),
                lines: Vec::new(),
                glyphs: None,
                errors: vec![reason(&e)],
                over_limit: true,
            }
        }
        Ok(Err(_)) | Err(_) => {}
    }
    let mut text = String::new();
    let mut errors: Vec<String> = Vec::new();
    let mut over_limit = false;
    for chunk in doc.extract_text_chunks_with_limit(&[number], opts.max_decompressed) {
        match chunk {
            Ok(t) => text.push_str(&visible_text(&t)),
            Err(e) => {
                over_limit |= is_over_limit(&e);
                let m = reason(&e);
                if !errors.contains(&m) {
                    errors.push(m);
                }
            }
        }
    }
    FirstRead { text, lines: Vec::new(), glyphs: None, errors, over_limit }
}

fn decode_page<'a>(
    doc: &'a Document, number: u32, page_id: ObjectId, opts: &DecodeOptions, fallback: &mut Fallback,
    fonts: &mut fonts::FontCache<'a>,
) -> PageText {
    let first = lopdf_page_text(doc, number, page_id, opts, fonts);
    let verdict = quality::assess(&first.text, first.glyphs);
    let page = |text: String, engine: Engine, error: Option<String>, verdict: quality::Verdict| PageText {
        number,
        text,
        engine,
        ocr_confidence: None,
        error,
        quality: verdict.quality,
        quality_note: verdict.reason,
        lines: Vec::new(),
    };
    if verdict.quality == Quality::Good && first.errors.is_empty() {
        return PageText { lines: first.lines, ..page(first.text, Engine::Lopdf, None, verdict) };
    }
    let good = verdict.quality == Quality::Good;
    let has_text = verdict.quality != Quality::Empty;
    // lopdf's text does not read well, or some of it could not be decoded
    // (a font without a usable encoding): ask pdf-extract, unless the page
    // is over the decompression limit or plainly has no text to find.
    let try_second = !first.over_limit
        && (!first.errors.is_empty() || has_text || page_may_have_text(doc, page_id, opts.max_decompressed));
    if try_second && !opts.second_engine && !good {
        if has_text {
            return page(first.text, Engine::Lopdf, None, verdict);
        }
        return page(String::new(), Engine::None, Some(format!("page {number} {SECOND_ENGINE_OFF}")), verdict);
    }
    if try_second && opts.second_engine && form_cycle(doc, page_id, opts.max_decompressed) {
        // pdf-extract would recurse until the stack overflows (an abort no
        // catch_unwind can stop).
        let e = format!("page {number} unreadable: a Form XObject draws itself (reference cycle)");
        return if has_text { page(first.text, Engine::Lopdf, None, verdict) } else { page(String::new(), Engine::None, Some(e), verdict) };
    }
    if try_second && opts.second_engine {
        if let Some(second) = fallback.page_text(number) {
            let second = visible_text(&second).into_owned();
            let second_verdict = quality::assess(&second, None);
            if second_verdict.quality == Quality::Good && (!good || letter_count(&second) > letter_count(&first.text)) {
                // Say why the first engine's text was set aside.
                let note = verdict.reason.map(|why| format!("layout extractor's text not used ({why}); read by pdf-extract"));
                return PageText { quality_note: note, ..page(second, Engine::PdfExtract, None, second_verdict) };
            }
        }
    }
    if has_text {
        // The best text there is, flagged when it does not read well.
        let lines = if good { first.lines } else { Vec::new() };
        return PageText { lines, ..page(first.text, Engine::Lopdf, None, verdict) };
    }
    if first.errors.is_empty() {
        // No text layer (a scan) or text nobody can map: the OCR stage's.
        page(String::new(), Engine::None, None, verdict)
    } else {
        page(String::new(), Engine::None, Some(format!("page {number} unreadable: {}", first.errors.join("; "))), verdict)
    }
}

fn letter_count(s: &str) -> usize {
    s.chars().filter(|c| c.is_alphabetic()).count()
}

/// Whether the page shows text or draws a Form XObject (which may hold text
/// lopdf's extractor does not descend into). An image-only page does not.
fn page_may_have_text(doc: &Document, page_id: ObjectId, limit: usize) -> bool {
    let Ok(content) = doc.get_page_content_with_limit(page_id, limit) else { return false };
    let ops: &[&[u8]] = &[b"Tj", b"TJ", b"'", b"\""];
    if ops.iter().any(|op| find(&content, op).is_some()) {
        return true;
    }
    let Ok((resources, inherited)) = doc.get_page_resources(page_id) else { return false };
    let mut dicts: Vec<&Dictionary> = resources.into_iter().collect();
    dicts.extend(inherited.iter().filter_map(|id| doc.get_dictionary(*id).ok()));
    dicts.iter().any(|res| {
        let Ok(xobjects) = res.get_deref(b"XObject", doc).and_then(Object::as_dict) else { return false };
        xobjects.iter().any(|(_, x)| {
            let stream = match x {
                Object::Reference(id) => doc.get_object(*id).and_then(Object::as_stream).ok(),
                Object::Stream(s) => Some(s),
                _ => None,
            };
            stream.is_some_and(|s| s.dict.get(b"Subtype").and_then(Object::as_name).is_ok_and(|n| n == b"Form"))
        })
    })
}

/// Whether a Form XObject the page draws draws itself, directly or
/// through other forms (or forms nest absurdly deep). Only what a content
/// stream draws (`/Name Do`) counts: a form that merely lists itself in its
/// own `/Resources` is no cycle.
fn form_cycle(doc: &Document, page_id: ObjectId, limit: usize) -> bool {
    /// The forms `content` draws, looked up in `resources`.
    fn drawn<'a>(doc: &'a Document, content: &[u8], resources: &[&'a Dictionary]) -> Vec<ObjectId> {
        let names = drawn_names(content);
        let mut out = Vec::new();
        for res in resources {
            let Ok(xobjects) = res.get_deref(b"XObject", doc).and_then(Object::as_dict) else { continue };
            for name in &names {
                if let Ok(Object::Reference(id)) = xobjects.get(name) {
                    out.push(*id);
                }
            }
        }
        out
    }
    fn visit(
        doc: &Document, id: ObjectId, stack: &mut Vec<ObjectId>, done: &mut std::collections::HashSet<ObjectId>,
        limit: usize,
    ) -> bool {
        if stack.contains(&id) || stack.len() > 64 {
            return true;
        }
        if done.contains(&id) {
            return false;
        }
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else { return false };
        if !stream.dict.get(b"Subtype").and_then(Object::as_name).is_ok_and(|n| n == b"Form") {
            return false;
        }
        let content = stream.get_plain_content_with_limit(limit).unwrap_or_default();
        let resources: Vec<&Dictionary> =
            stream.dict.get_deref(b"Resources", doc).and_then(Object::as_dict).into_iter().collect();
        stack.push(id);
        let cycle = drawn(doc, &content, &resources).into_iter().any(|child| visit(doc, child, stack, done, limit));
        stack.pop();
        done.insert(id);
        cycle
    }
    let Ok((resources, inherited)) = doc.get_page_resources(page_id) else { return false };
    let mut dicts: Vec<&Dictionary> = resources.into_iter().collect();
    dicts.extend(inherited.iter().filter_map(|id| doc.get_dictionary(*id).ok()));
    let Ok(content) = doc.get_page_content_with_limit(page_id, limit) else { return false };
    let mut done = std::collections::HashSet::new();
    drawn(doc, &content, &dicts).into_iter().any(|id| visit(doc, id, &mut Vec::new(), &mut done, limit))
}

/// The names a content stream draws with `Do`, read loosely (any `/Name`
/// followed by `Do`), so that no parse error hides one.
fn drawn_names(content: &[u8]) -> Vec<Vec<u8>> {
    let tokens: Vec<&[u8]> = content
        .split(|c| c.is_ascii_whitespace() || matches!(c, b'[' | b']' | b'(' | b')' | b'<' | b'>'))
        .filter(|t| !t.is_empty())
        .collect();
    let mut names: Vec<Vec<u8>> = Vec::new();
    for pair in tokens.windows(2) {
        if pair[1] == b"Do" {
            if let Some(name) = pair[0].strip_prefix(b"/") {
                if !names.iter().any(|n| n == name) {
                    names.push(name.to_vec());
                }
            }
        }
    }
    names
}

/// `/Title` and `/Producer` of the Info dictionary, as text (PDFDocEncoding,
/// or UTF-16BE / UTF-8 with a byte-order mark).
fn info_strings(doc: &Document) -> (Option<String>, Option<String>) {
    let info = doc.trailer.get_deref(b"Info", doc).and_then(Object::as_dict).ok();
    let field = |key: &[u8]| -> Option<String> {
        let value = info?.get_deref(key, doc).ok()?;
        let text = lopdf::decode_text_string(value)
            .ok()
            .or_else(|| value.as_str().ok().map(|b| String::from_utf8_lossy(b).into_owned()))?;
        let text = one_line(&text.replace('\0', ""));
        (!text.is_empty()).then_some(text)
    };
    (field(b"Title"), field(b"Producer"))
}

// ---------------------------------------------------------------------------
// Second engine: pdf-extract (which has its own, older lopdf)

struct Fallback<'a> {
    bytes: &'a [u8],
    doc: &'a Document,
    /// Hand pdf-extract lopdf's repaired, decrypted document rather than
    /// the original bytes.
    reserialize: bool,
    loaded: Option<Result<pdf_extract::Document, String>>,
}

impl<'a> Fallback<'a> {
    fn new(bytes: &'a [u8], doc: &'a Document, reserialize: bool) -> Self {
        Fallback { bytes, doc, reserialize, loaded: None }
    }

    fn load(&self) -> Result<pdf_extract::Document, String> {
        let owned;
        let bytes = if self.reserialize {
            let mut copy = self.doc.clone();
            let mut buf = Vec::new();
            copy.save_to(&mut buf).map_err(|e| error_chain(&e))?;
            owned = buf;
            &owned[..]
        } else {
            self.bytes
        };
        match quietly(|| pdf_extract::Document::load_mem(bytes)) {
            Ok(Ok(doc)) if doc.is_encrypted() => Err("still encrypted".into()),
            Ok(Ok(doc)) => Ok(doc),
            Ok(Err(e)) => Err(error_chain(&e)),
            Err(panic) => Err(format!("panicked: {panic}")),
        }
    }

    /// pdf-extract's text of page `number`, or None when it fails.
    fn page_text(&mut self, number: u32) -> Option<String> {
        if self.loaded.is_none() {
            self.loaded = Some(self.load());
        }
        let doc = self.loaded.as_ref()?.as_ref().ok()?;
        let mut text = String::new();
        let result = quietly(|| {
            let mut out = pdf_extract::PlainTextOutput::new(&mut text);
            pdf_extract::output_doc_page(doc, &mut out, number).is_ok()
        });
        matches!(result, Ok(true)).then_some(text)
    }
}

// ---------------------------------------------------------------------------
// Panics

thread_local! {
    static QUIET: Cell<u32> = const { Cell::new(0) };
}

/// Run `f`, turning a panic into `Err(message)`, without the panic message
/// on stderr (other threads' panics are reported as usual).
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.with(|q| q.get()) == 0 {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(q.get() + 1));
    let result = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(q.get() - 1));
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        one_line(&message)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn fixture(name: &str) -> Vec<u8> {
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name);
        std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    fn seed(id: &str) -> String {
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/seeds").join(format!("{id}.txt"));
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    fn words(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn all_text(d: &DecodedPdf) -> String {
        d.pages.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n")
    }

    fn decode_fixture(name: &str) -> Result<DecodedPdf, PdfError> {
        decode(&fixture(name), &DecodeOptions::default())
    }

    #[test]
    fn pdf_fixtures_match_seed_text() {
        for id in ["000", "001", "002", "003", "004"] {
            let d = decode_fixture(&format!("{id}.pdf")).unwrap();
            assert_eq!(d.page_count as usize, d.pages.len());
            for (i, p) in d.pages.iter().enumerate() {
                assert_eq!(p.number as usize, i + 1);
                assert_eq!(p.engine, Engine::Lopdf, "{id} page {}", p.number);
                assert_eq!(p.error, None);
            }
            assert_eq!(words(&all_text(&d)), words(&seed(id)), "{id}.pdf text differs from its seed");
            assert!(d.warnings.is_empty(), "{id}: {:?}", d.warnings);
            assert_eq!(d.producer.as_deref(), Some("fixture renderer"));
        }
    }

    #[test]
    fn pdf_keeps_one_text_line_per_line() {
        let d = decode_fixture("002.pdf").unwrap();
        let first: Vec<&str> = d.pages[0].text.lines().take(3).collect();
        assert_eq!(first, ["Referat fra ekstramøte i NUIT", "Møte 4/2021", "Dato 15. september 2021"]);
    }

    #[test]
    fn pdf_metadata() {
        let d = decode_fixture("002.pdf").unwrap();
        assert_eq!(d.page_count, 8);
        assert_eq!(d.title.as_deref(), Some("Referat fra ekstramøte i NUIT"));
        let d = decode_fixture("000.pdf").unwrap();
        assert_eq!(d.page_count, 7);
        assert_eq!(d.title.as_deref(), Some("Ekstra møte i NUIT"));
    }

    #[test]
    fn pdf_info_strings_are_decoded() {
        let utf16 = Object::String(b"\xFE\xFF\x00M\x00\xF8\x00t\x00e".to_vec(), lopdf::StringFormat::Hexadecimal);
        assert_eq!(lopdf::decode_text_string(&utf16).unwrap(), "Møte");
        // PDFDocEncoding: 0xF8 is ø as in Latin-1.
        let doc_enc = Object::String(b"M\xF8te".to_vec(), lopdf::StringFormat::Literal);
        assert_eq!(lopdf::decode_text_string(&doc_enc).unwrap(), "Møte");
    }

    #[test]
    fn pdf_bad_empty() {
        assert_eq!(decode_fixture("bad/empty.pdf").unwrap_err(), PdfError::Empty);
        assert_eq!(decode(b"  \n\r\n", &DecodeOptions::default()).unwrap_err(), PdfError::Empty);
        assert_eq!(PdfError::Empty.to_string(), "empty file");
    }

    #[test]
    fn pdf_bad_html() {
        let e = decode_fixture("bad/html.pdf").unwrap_err();
        assert_eq!(e.to_string(), "not a PDF: looks like HTML");
        let e = decode(b"\xEF\xBB\xBF  <html><body>x</body></html>", &DecodeOptions::default()).unwrap_err();
        assert_eq!(e.to_string(), "not a PDF: looks like HTML");
    }

    #[test]
    fn pdf_sniffs_other_formats() {
        let o = DecodeOptions::default();
        assert_eq!(decode(b"PK\x03\x04rest", &o).unwrap_err().to_string(), "not a PDF: looks like a ZIP archive (an Office document?)");
        assert_eq!(decode(b"\x89PNG\r\n\x1a\n....", &o).unwrap_err().to_string(), "not a PDF: looks like a PNG image");
        assert_eq!(decode(b"hello world\n", &o).unwrap_err().to_string(), "not a PDF: looks like plain text");
        assert_eq!(decode(b"\x01\x02\x03\xff", &o).unwrap_err().to_string(), "not a PDF: no %PDF header");
    }

    #[test]
    fn pdf_bad_garbage() {
        let e = decode_fixture("bad/garbage.pdf").unwrap_err();
        assert!(matches!(e, PdfError::Unreadable(_)), "{e:?}");
        assert!(e.to_string().starts_with("not a readable PDF"), "{e}");
    }

    #[test]
    fn pdf_bad_truncated() {
        let e = decode_fixture("bad/truncated.pdf").unwrap_err();
        assert!(matches!(e, PdfError::Truncated(_)), "{e:?}");
        assert!(e.to_string().starts_with("truncated / damaged PDF: no trailer"), "{e}");
    }

    #[test]
    fn pdf_truncated_anywhere_never_panics() {
        let bytes = fixture("002.pdf");
        for cut in (0..bytes.len()).step_by(997) {
            match decode(&bytes[..cut], &DecodeOptions::default()) {
                Ok(d) => assert!(!d.pages.is_empty()),
                Err(e) => assert!(!matches!(e, PdfError::Crashed(_)), "cut at {cut}: {e}"),
            }
        }
    }

    #[test]
    fn pdf_bad_encrypted_nopass_reads_like_002() {
        let d = decode_fixture("bad/encrypted-nopass.pdf").unwrap();
        let plain = decode_fixture("002.pdf").unwrap();
        assert_eq!(d.pages.len(), plain.pages.len());
        for (a, b) in d.pages.iter().zip(&plain.pages) {
            assert_eq!(a.text, b.text, "page {}", a.number);
            assert_eq!(a.engine, Engine::Lopdf);
        }
        assert_eq!(d.title, plain.title);
        assert_eq!(d.producer, plain.producer);
    }

    #[test]
    fn pdf_bad_encrypted_password() {
        let bytes = fixture("bad/encrypted-password.pdf");
        assert_eq!(decode(&bytes, &DecodeOptions::default()).unwrap_err(), PdfError::PasswordProtected);
        assert_eq!(PdfError::PasswordProtected.to_string(), "password-protected");
        let wrong = DecodeOptions { password: Some("guess".into()), ..DecodeOptions::default() };
        assert_eq!(decode(&bytes, &wrong).unwrap_err(), PdfError::WrongPassword);
        let right = DecodeOptions { password: Some("secret".into()), ..DecodeOptions::default() };
        let d = decode(&bytes, &right).unwrap();
        let plain = decode_fixture("000.pdf").unwrap();
        assert_eq!(all_text(&d), all_text(&plain));
        assert_eq!(d.title.as_deref(), Some("Ekstra møte i NUIT"));
    }

    #[test]
    fn pdf_bad_broken_xref_is_rebuilt() {
        let d = decode_fixture("bad/broken-xref.pdf").unwrap();
        let plain = decode_fixture("002.pdf").unwrap();
        assert_eq!(all_text(&d), all_text(&plain));
        assert!(d.pages.iter().all(|p| p.engine == Engine::Lopdf && p.error.is_none()));
        assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
        assert!(d.warnings[0].contains("cross-reference"), "{:?}", d.warnings);
    }

    #[test]
    fn pdf_scanned_pages_have_no_text() {
        let d = decode_fixture("scanned/002-scan.pdf").unwrap();
        assert_eq!(d.page_count, 8);
        for p in &d.pages {
            assert_eq!(p.engine, Engine::None);
            assert_eq!(p.text, "");
            assert_eq!(p.error, None);
        }
    }

    #[test]
    fn pdf_second_engine_reads_text_in_form_xobjects() {
        let d = decode(&crate::pdfgen::form_xobject_pdf(false), &DecodeOptions::default()).unwrap();
        assert_eq!(d.pages.len(), 2);
        assert_eq!(d.pages[0].engine, Engine::PdfExtract, "{:?}", d.pages[0]);
        assert!(d.pages[0].text.contains("Vedtak fra tidligere behandlinger"), "{:?}", d.pages[0].text);
        assert_eq!(d.pages[1].engine, Engine::Lopdf);
        assert_eq!(d.pages[1].text.trim(), "Second page text");

        // With the second engine off (the retry after it crashed a worker),
        // the page is reported as failed and the other still extracts.
        let off = DecodeOptions { second_engine: false, ..DecodeOptions::default() };
        let d = decode(&crate::pdfgen::form_xobject_pdf(false), &off).unwrap();
        assert_eq!(d.pages[0].engine, Engine::None);
        assert_eq!(d.pages[0].text, "");
        assert!(d.pages[0].error.as_deref().unwrap().ends_with(SECOND_ENGINE_OFF));
        assert_eq!(d.pages[1].text.trim(), "Second page text");
    }

    #[test]
    fn pdf_self_referencing_form_fails_its_page_in_process() {
        let d = decode(&crate::pdfgen::form_xobject_pdf(true), &DecodeOptions::default()).unwrap();
        assert_eq!(d.pages[0].engine, Engine::None);
        assert!(d.pages[0].error.as_deref().unwrap().contains("draws itself"), "{:?}", d.pages[0]);
        assert_eq!(d.pages[1].text.trim(), "Second page text");
    }

    #[test]
    fn pdf_decompression_limit_fails_the_page_not_the_file() {
        // Page 1's content inflates past the limit; page 2 is fine.
        let big = "BT /F1 12 Tf 72 700 Td (x) Tj ET\n".repeat(4000);
        let font = "<< /Font << /F1 5 0 R >> >>";
        let bytes = crate::pdfgen::raw_pdf(&[
            "<< /Type /Catalog /Pages 2 0 R >>".into(),
            "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>".into(),
            format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources {font} /Contents 6 0 R >>"),
            format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources {font} /Contents 7 0 R >>"),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into(),
            crate::pdfgen::stream_object("", &big),
            crate::pdfgen::stream_object("", "BT /F1 12 Tf 72 700 Td (Page two) Tj ET"),
        ]);
        let opts = DecodeOptions { max_decompressed: 10_000, ..DecodeOptions::default() };
        let d = decode(&bytes, &opts).unwrap();
        assert_eq!(d.pages[0].engine, Engine::None);
        let e = d.pages[0].error.as_deref().unwrap();
        assert!(e.starts_with("page 1 unreadable") && e.contains("limit"), "{e}");
        assert_eq!(d.pages[1].text.trim(), "Page two");
        assert_eq!(d.pages[1].error, None);
    }

    #[test]
    fn pdf_object_markers() {
        assert_eq!(object_markers(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n12 0 obj\n<<>>\nendobj 3 1 obj"), [1, 12, 3]);
        assert_eq!(object_markers(b"xobj 1 0 objx endobj"), Vec::<u32>::new());
    }
}
