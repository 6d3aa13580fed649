//! OCR fallback for pages without a usable text layer. (Being written.)
