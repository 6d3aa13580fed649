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

/// A file or folder name as text, losslessly: valid UTF-8 is kept as it
/// is; every byte that is not part of valid UTF-8, every ASCII control
/// character and `%` itself are written `%XX` (upper-case hex). So
/// `a%b.pdf` is `a%25b.pdf`, a Latin-1 `ø` (byte F8) is `%F8`, and two
/// names that differ only in invalid bytes stay different.
pub fn escape_name(name: &std::ffi::OsStr) -> String {
    #[cfg(unix)]
    let bytes: &[u8] = std::os::unix::ffi::OsStrExt::as_bytes(name);
    #[cfg(not(unix))]
    let owned = name.to_string_lossy().into_owned();
    #[cfg(not(unix))]
    let bytes: &[u8] = owned.as_bytes();
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    while !rest.is_empty() {
        let (valid, bad) = match std::str::from_utf8(rest) {
            Ok(s) => (s, 0),
            Err(e) => {
                let (ok, tail) = rest.split_at(e.valid_up_to());
                // SAFETY-free: `ok` is valid UTF-8 by `valid_up_to`.
                let ok = std::str::from_utf8(ok).unwrap_or_default();
                (ok, e.error_len().unwrap_or(tail.len()))
            }
        };
        for c in valid.chars() {
            if c == '%' || c.is_ascii_control() {
                out.push_str(&format!("%{:02X}", c as u32));
            } else {
                out.push(c);
            }
        }
        let used = valid.len();
        for b in &rest[used..used + bad] {
            out.push_str(&format!("%{b:02X}"));
        }
        rest = &rest[used + bad..];
    }
    out
}

/// Why [`read_input`] would not read a file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("not a regular file ({0})")]
    NotRegular(&'static str),
    #[error("larger than --max-file-size ({limit} bytes): {size} bytes")]
    TooLarge { size: u64, limit: u64 },
    #[error("cannot read file: {0}")]
    Io(#[from] std::io::Error),
}

/// What kind of special file `t` is, for messages; `None` for a regular
/// file or a directory.
pub fn special_kind(t: std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO");
        }
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    if t.is_file() || t.is_dir() {
        None
    } else {
        Some("a special file")
    }
}

/// Read an input file, at most `limit` bytes. Opened without blocking (a
/// FIFO swapped in since it was listed is refused, not waited on) and
/// checked to be a regular file before a byte is read.
pub fn read_input(path: &std::path::Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut o, libc::O_NONBLOCK | libc::O_NOCTTY);
    let f = o.open(path)?;
    let meta = f.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(special_kind(meta.file_type()).unwrap_or("a directory")));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge { size: meta.len(), limit });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The file may grow while it is read: never past the limit.
    f.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { size: bytes.len() as u64, limit });
    }
    Ok(bytes)
}

/// Write to stderr, ignoring errors: a closed pipe (`motebok … 2>&1 |
/// head`) must not end a run.
pub fn say(args: std::fmt::Arguments) {
    use std::io::Write;
    let mut line = args.to_string();
    line.push('\n');
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// `eprintln!` that never panics (see [`say`]).
#[macro_export]
macro_rules! say {
    ($($t:tt)*) => { $crate::util::say(format_args!($($t)*)) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_escape_losslessly() {
        use std::ffi::OsStr;
        assert_eq!(escape_name(OsStr::new("møte 1.pdf")), "møte 1.pdf");
        assert_eq!(escape_name(OsStr::new("100%.pdf")), "100%25.pdf");
        assert_eq!(escape_name(OsStr::new("a\nb")), "a%0Ab");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            assert_eq!(escape_name(OsStr::from_bytes(b"m\xf8te.pdf")), "m%F8te.pdf");
            assert_eq!(escape_name(OsStr::from_bytes(b"\xff\xfe")), "%FF%FE");
            assert_ne!(escape_name(OsStr::from_bytes(b"a\xff")), escape_name(OsStr::from_bytes(b"a\xfe")));
        }
    }

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
