//! Stage 4: the fields of each logical document. (Being written.)
use crate::model::Document;
use crate::pdf::PageText;
use crate::rules::Rules;

/// Pages of one file → its logical documents with every field filled.
pub fn parse_documents(_pages: &[PageText], _rules: &Rules) -> Vec<Document> {
    Vec::new()
}
