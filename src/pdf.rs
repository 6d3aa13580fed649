//! Stage 1: PDF bytes → pages of text and metadata.
//! (Interface fixed here; implementation being written by the pdf helper.)

use crate::model::Engine;

#[derive(Debug, Clone)]
pub struct DecodeOptions {
    /// User password for encrypted files (`--password`).
    pub password: Option<String>,
    /// Most bytes any one stream may decompress to.
    pub max_decompressed: usize,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions { password: None, max_decompressed: 256 << 20 }
    }
}

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
}

#[derive(Debug, Clone, PartialEq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum PdfError {
    #[error("empty file")]
    Empty,
    #[error("not a PDF: {0}")]
    NotPdf(String),
    #[error("password-protected")]
    PasswordProtected,
    #[error("damaged PDF: {0}")]
    Damaged(String),
}

/// Decode `bytes` in this process.
pub fn decode(bytes: &[u8], _opts: &DecodeOptions) -> Result<DecodedPdf, PdfError> {
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| PdfError::Damaged(e.to_string()))?;
    let mut pages = Vec::new();
    for (n, _) in doc.get_pages() {
        let text = doc.extract_text(&[n]).unwrap_or_default();
        pages.push(PageText { number: n, text, engine: Engine::Lopdf, ocr_confidence: None, error: None });
    }
    Ok(DecodedPdf { page_count: pages.len() as u32, title: None, producer: None, pages, warnings: vec![] })
}
