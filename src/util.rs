//! Small helpers every stage may use. A leaf: imports nothing of motebok.

use sha2::{Digest, Sha256};

/// The lowercase hex SHA-256 of `bytes`: the identity of an input file.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// "1-3, 5" for [1, 2, 3, 5].
pub fn page_list(pages: &[u32]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < pages.len() {
        let mut j = i;
        while j + 1 < pages.len() && pages[j + 1] == pages[j] + 1 {
            j += 1;
        }
        parts.push(if i == j { pages[i].to_string() } else { format!("{}-{}", pages[i], pages[j]) });
        i = j + 1;
    }
    parts.join(", ")
}

/// Runs of whitespace as one space, ends trimmed.
pub fn normalise_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_lists() {
        assert_eq!(page_list(&[1, 2, 3, 5]), "1-3, 5");
        assert_eq!(page_list(&[4]), "4");
        assert_eq!(page_list(&[]), "");
    }

    #[test]
    fn whitespace_is_normalised() {
        assert_eq!(normalise_ws("  a \n b\tc "), "a b c");
    }

    #[test]
    fn sha256_of_empty_input() {
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
