//! Reasons in our words: what is wrong with the file, in one line a user
//! can act on, never a library's internals ("missing feature of lopdf …
//! please open an issue at …", "dictionary has wrong type:" with nothing
//! after the colon).

use lopdf::{DecompressError, Error, ParseError};

/// One line saying what `e` means for the file.
pub(crate) fn reason(e: &Error) -> String {
    match e {
        Error::Unimplemented(_) => "uses a PDF feature motebok does not read".into(),
        Error::ObjectType { expected, found } => {
            format!("an object has the wrong kind: {} where {} belongs", kind(found), kind(expected))
        }
        Error::DictType { expected, found } => {
            format!("a dictionary of type /{found} stands where a /{expected} dictionary belongs")
        }
        Error::AlreadyEncrypted | Error::NotEncrypted | Error::Decryption(_) | Error::InvalidPassword => {
            "the encryption cannot be undone".into()
        }
        Error::UnsupportedSecurityHandler(name) => {
            format!("encrypted by a security handler motebok does not know (/{})", String::from_utf8_lossy(name))
        }
        Error::CharacterEncoding => "a font uses a character encoding motebok does not know".into(),
        Error::Decompress(d) => match d {
            DecompressError::MemoryLimitExceeded { limit } => {
                format!("a stream decompresses to more than the limit of {} (a decompression bomb?)", size(*limit))
            }
            DecompressError::TooManyFilters { count, .. } => format!("a stream is wrapped in {count} filters"),
            DecompressError::Ascii85(_) | DecompressError::AsciiHex(_) | DecompressError::Predictor(_) => {
                "a stream is damaged and cannot be decompressed".into()
            }
        },
        Error::Parse(p) => match p {
            ParseError::EndOfInput => "the file ends in the middle of an object".into(),
            ParseError::InvalidContentStream => "a page's content is damaged".into(),
            ParseError::InvalidFileHeader => "the %PDF header is damaged".into(),
            ParseError::InvalidTrailer => "the trailer is damaged".into(),
            ParseError::InvalidXref => "the cross-reference table is damaged".into(),
        },
        Error::DictKey(key) => format!("a required entry /{key} is missing"),
        Error::InvalidInlineImage(_) => "an inline image on a page is damaged".into(),
        Error::InvalidOutline(_) | Error::NoOutline => "the bookmarks are damaged".into(),
        Error::InvalidStream(_) => "a stream is damaged".into(),
        Error::InvalidObjectStream(_) => "an object stream is damaged".into(),
        Error::InvalidOffset(_) | Error::MissingXrefEntry | Error::Xref(_) | Error::IndirectObject { .. } | Error::ObjectIdMismatch => {
            "the cross-reference table points to the wrong places".into()
        }
        Error::IO(e) => format!("cannot read the file: {e}"),
        Error::ObjectNotFound((n, g)) => format!("object {n} {g} is missing"),
        Error::ReferenceCycle(_) | Error::ReferenceLimit | Error::RecursionLimit => {
            "objects refer to each other in a cycle".into()
        }
        Error::PageNumberNotFound(n) => format!("page {n} is missing from the page tree"),
        Error::NumericCast(_) | Error::TryFromInt(_) | Error::ObjectIdOverflow => "a number is out of range".into(),
        Error::TextStringDecode => "a text string cannot be decoded".into(),
        Error::Syntax(_) => "a page's content has a syntax error".into(),
        Error::ToUnicodeCMap(_) => "a font's character map (ToUnicode) is damaged".into(),
        Error::InvalidEncodingDifferenceCode { code } => format!("a font's encoding names code {code}, beyond 0–255"),
        Error::InvalidEncodingDifferenceGlyph { name } => format!("a font's encoding names an unknown glyph /{name}"),
        #[allow(unreachable_patterns)]
        _ => "the file is damaged".into(),
    }
}

/// What a failed decryption means, in one line.
pub(crate) fn decryption(e: &lopdf::encryption::DecryptionError) -> String {
    use lopdf::encryption::DecryptionError as D;
    match e {
        D::UnsupportedEncryption | D::UnsupportedVersion | D::UnsupportedRevision => {
            "an encryption method motebok does not know".into()
        }
        D::IncorrectPassword | D::Padding => "the password does not open it".into(),
        _ => "its encryption dictionary is damaged".into(),
    }
}

/// An object kind as a user knows it.
fn kind(lopdf_kind: &str) -> String {
    match lopdf_kind {
        "Dictionary" => "a dictionary".into(),
        "Stream" => "a stream".into(),
        "Array" => "an array".into(),
        "Name" => "a name".into(),
        "Integer" => "an integer".into(),
        "Real" => "a number".into(),
        "String" => "a string".into(),
        "Boolean" => "a boolean".into(),
        "Null" => "null".into(),
        "Reference" => "a reference".into(),
        other => format!("a {}", other.to_lowercase()),
    }
}

/// "256 MiB", "10 kB".
fn size(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No reason names a library, points at an issue tracker or ends in a
    /// dangling colon.
    #[test]
    fn reasons_are_ours() {
        let errors = [
            Error::Unimplemented("FlateDecode with an abbreviated name"),
            Error::DictType { expected: "Font", found: "XObject".into() },
            Error::ObjectType { expected: "Dictionary", found: "Integer" },
            Error::Decompress(DecompressError::MemoryLimitExceeded { limit: 256 << 20 }),
            Error::Parse(ParseError::InvalidXref),
            Error::ObjectNotFound((12, 0)),
            Error::DictKey("Pages".into()),
            Error::Syntax("unexpected token".into()),
        ];
        for e in &errors {
            let r = reason(e);
            let lower = r.to_lowercase();
            assert!(!lower.contains("lopdf") && !lower.contains("http") && !lower.contains("issue"), "{r}");
            assert!(!r.trim_end().ends_with(':') && !r.contains('\n') && !r.is_empty(), "{r:?}");
        }
        assert_eq!(reason(&errors[1]), "a dictionary of type /XObject stands where a /Font dictionary belongs");
        assert_eq!(reason(&errors[3]), "a stream decompresses to more than the limit of 256 MiB (a decompression bomb?)");
    }
}
