//! Content-stream operations as the page walk reads them: [`Operand`]s
//! borrowed from the stream, and a fast reader for the plain syntax most
//! producers write, which gives exactly the operations lopdf's parser gives.
//!
//! lopdf's content parser (nom combinators, an allocation per token) is the
//! largest cost of reading a page. This reader knows: white space; integers
//! (at most 18 digits) and reals in the forms lopdf reads; names without
//! `#` escapes; literal strings without escapes, line breaks or nested
//! parentheses; hex strings; flat arrays of these; operators. Anything else
//! — comments, dictionaries, `null` / `true` / `false`, inline images,
//! nested arrays, references, odd numbers such as `0.00-4` or `1.2.3`,
//! operands left without an operator, any byte it does not expect — makes
//! it give up (`None`), and the stream goes to lopdf. Tested against lopdf
//! on the fixtures' streams and on random token soups.

use std::borrow::Cow;

use lopdf::Object;

/// An operand of a content operation, as the page walk uses it: borrowed
/// from the content stream (see [`operations`]) or from lopdf's
/// operation.
#[derive(Debug, PartialEq)]
pub(super) enum Operand<'a> {
    Int(i64),
    Real(f32),
    Name(&'a [u8]),
    Str(Cow<'a, [u8]>),
    Array(Vec<Operand<'a>>),
    /// Anything else (`null`, booleans, dictionaries, …): of no use here.
    Other,
}

impl<'a> Operand<'a> {
    pub(super) fn of(o: &'a Object) -> Operand<'a> {
        match o {
            Object::Integer(i) => Operand::Int(*i),
            Object::Real(r) => Operand::Real(*r),
            Object::Name(n) => Operand::Name(n),
            Object::String(s, _) => Operand::Str(Cow::Borrowed(s)),
            Object::Array(items) => Operand::Array(items.iter().map(Operand::of).collect()),
            _ => Operand::Other,
        }
    }

    /// The value of a number (finite only).
    pub(super) fn num(&self) -> Option<f64> {
        match self {
            Operand::Int(i) => Some(*i as f64),
            Operand::Real(r) => Some(*r as f64),
            _ => None,
        }
        .filter(|v| v.is_finite())
    }

    pub(super) fn name(&self) -> Option<&[u8]> {
        match self {
            Operand::Name(n) => Some(n),
            _ => None,
        }
    }
}

/// Operations as (operator, range of their operands in the list of
/// operands), and that list.
pub(super) type Operations<'a> = (Vec<(&'a str, u32, u32)>, Vec<Operand<'a>>);

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0 | 0x0C)
}

fn is_delimiter(c: u8) -> bool {
    b"()<>[]{}/%".contains(&c)
}

fn is_operator_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'*' | b'\'' | b'"')
}

fn skip_space(data: &[u8], mut i: usize) -> usize {
    while i < data.len() && is_space(data[i]) {
        i += 1;
    }
    i
}

/// The operations of `data`, or None when it is not plain.
pub(super) fn operations(data: &[u8]) -> Option<Operations<'_>> {
    if data.len() >= u32::MAX as usize {
        return None;
    }
    let mut ops = Vec::with_capacity(data.len() / 16);
    let mut operands: Vec<Operand> = Vec::with_capacity(data.len() / 8);
    let mut first = 0u32;
    let mut i = skip_space(data, 0);
    while i < data.len() {
        let c = data[i];
        if c.is_ascii_alphabetic() || matches!(c, b'*' | b'\'' | b'"') {
            let end = i + data[i..].iter().take_while(|&&c| is_operator_char(c)).count();
            let word = &data[i..end];
            if [&b"null"[..], b"true", b"false", b"BI"].iter().any(|w| word.starts_with(w)) {
                return None;
            }
            let operator = std::str::from_utf8(word).ok()?;
            let last = operands.len() as u32;
            ops.push((operator, first, last));
            first = last;
            i = end;
        } else {
            let (object, next) = operand(data, i, false)?;
            operands.push(object);
            i = next;
        }
        i = skip_space(data, i);
    }
    (first as usize == operands.len()).then_some((ops, operands))
}

/// One operand starting at `data[i]` (in an array: `in_array`), and
/// where what follows it starts.
fn operand(data: &[u8], i: usize, in_array: bool) -> Option<(Operand<'_>, usize)> {
    match data[i] {
        b'0'..=b'9' | b'+' | b'-' | b'.' => number(data, i),
        b'/' => {
            let start = i + 1;
            let end = start + data[start..].iter().take_while(|&&c| !is_space(c) && !is_delimiter(c)).count();
            let name = &data[start..end];
            if name.contains(&b'#') {
                return None;
            }
            Some((Operand::Name(name), end))
        }
        b'(' => {
            let start = i + 1;
            let mut bytes: Option<Vec<u8>> = None;
            let mut j = start;
            loop {
                let run = data[j..].iter().position(|&c| matches!(c, b')' | b'(' | b'\\' | b'\r' | b'\n'))?;
                if let Some(b) = bytes.as_mut() {
                    b.extend_from_slice(&data[j..j + run]);
                }
                j += run;
                match data[j] {
                    b')' => {
                        let text = match bytes {
                            Some(b) => Cow::Owned(b),
                            None => Cow::Borrowed(&data[start..j]),
                        };
                        return Some((Operand::Str(text), j + 1));
                    }
                    b'\\' => {
                        let (byte, next) = escape(data, j + 1)?;
                        bytes.get_or_insert_with(|| data[start..j].to_vec()).push(byte);
                        j = next;
                    }
                    _ => return None,
                }
            }
        }
        b'<' => {
            let mut j = i + 1;
            if data.get(j) == Some(&b'<') {
                return None;
            }
            let mut bytes = Vec::new();
            let mut half = false;
            loop {
                let c = *data.get(j)?;
                j += 1;
                if is_space(c) {
                    continue;
                }
                if c == b'>' {
                    break;
                }
                let v = (c as char).to_digit(16)? as u8;
                if half {
                    *bytes.last_mut()? |= v;
                } else {
                    bytes.push(v << 4);
                }
                half = !half;
            }
            Some((Operand::Str(Cow::Owned(bytes)), j))
        }
        b'[' if !in_array => {
            let mut items = Vec::new();
            let mut j = skip_space(data, i + 1);
            loop {
                match *data.get(j)? {
                    b']' => return Some((Operand::Array(items), j + 1)),
                    b'0'..=b'9' | b'+' | b'-' | b'.' | b'/' | b'(' | b'<' => {
                        let (item, next) = operand(data, j, true)?;
                        items.push(item);
                        j = skip_space(data, next);
                    }
                    _ => return None,
                }
            }
        }
        _ => None,
    }
}

/// The byte a backslash escape at `data[j]` (just after the `\\`)
/// stands for, as lopdf reads it, and where the string goes on; None for
/// a line continuation or the end of the data.
fn escape(data: &[u8], j: usize) -> Option<(u8, usize)> {
    let c = *data.get(j)?;
    Some(match c {
        b'0'..=b'7' => {
            let n = data[j..].iter().take(3).take_while(|c| (b'0'..=b'7').contains(c)).count();
            let value = data[j..j + n].iter().fold(0u16, |v, &d| v * 8 + (d - b'0') as u16);
            (value as u8, j + n)
        }
        b'\r' | b'\n' => return None,
        b'n' => (b'\n', j + 1),
        b'r' => (b'\r', j + 1),
        b't' => (b'\t', j + 1),
        b'b' => (0x08, j + 1),
        b'f' => (0x0C, j + 1),
        other => (other, j + 1),
    })
}

/// An integer or a real as lopdf reads them, followed by white space,
/// a delimiter that may start another operand, `]` or the end.
fn number(data: &[u8], i: usize) -> Option<(Operand<'_>, usize)> {
    let mut j = i;
    if matches!(data[j], b'+' | b'-') {
        j += 1;
    }
    let digits = |from: usize| data[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let whole = digits(j);
    j += whole;
    let object = if data.get(j) == Some(&b'.') {
        let fraction = digits(j + 1);
        if whole == 0 && fraction == 0 {
            return None;
        }
        j += 1 + fraction;
        let text = std::str::from_utf8(&data[i..j]).ok()?;
        Operand::Real(text.parse::<f32>().ok()?)
    } else {
        if whole == 0 || whole > 18 {
            return None;
        }
        let text = std::str::from_utf8(&data[i..j]).ok()?;
        Operand::Int(text.parse::<i64>().ok()?)
    };
    match data.get(j) {
        None => {}
        Some(&c) if is_space(c) || matches!(c, b'/' | b'(' | b'<' | b'[' | b']') => {}
        Some(_) => return None,
    }
    Some((object, j))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::content::Content;
    use lopdf::Document;

    fn same_as_lopdf(data: &[u8]) -> bool {
        let Some((fast, operands)) = operations(data) else { return false };
        let slow: Vec<lopdf::content::Operation> = Content::decode_iter(data)
            .collect::<lopdf::Result<Vec<_>>>()
            .unwrap_or_else(|e| panic!("lopdf fails where the fast reader does not: {e} on {:?}", String::from_utf8_lossy(data)));
        assert_eq!(fast.len(), slow.len(), "{:?}", String::from_utf8_lossy(data));
        for (&(operator, from, to), b) in fast.iter().zip(&slow) {
            assert_eq!(operator, b.operator, "{:?}", String::from_utf8_lossy(data));
            let theirs: Vec<Operand> = b.operands.iter().map(Operand::of).collect();
            // Operand::of keeps what the page walk uses; lopdf's operands
            // must be of the kinds the fast reader gives.
            assert_eq!(&operands[from as usize..to as usize], &theirs[..], "{:?}", String::from_utf8_lossy(data));
            for o in &b.operands {
                assert!(
                    matches!(o, lopdf::Object::Integer(_) | lopdf::Object::Real(_) | lopdf::Object::Name(_) | lopdf::Object::String(..) | lopdf::Object::Array(_)),
                    "{o:?}"
                );
            }
        }
        true
    }

    /// The fast content reader gives lopdf's operations on every fixture
    /// page it takes, and takes them all.
    #[test]
    fn simple_content_matches_lopdf_on_fixtures() {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        for name in ["000.pdf", "001.pdf", "002.pdf", "003.pdf", "004.pdf", "layout/002-layout.pdf", "scanned/002-scan.pdf"] {
            let doc = Document::load_mem(&std::fs::read(root.join(name)).unwrap()).unwrap();
            for (n, page) in doc.get_pages() {
                let content = doc.get_page_content(page);
                assert!(same_as_lopdf(&content), "{name} page {n}: not read by the fast reader");
            }
        }
    }

    /// On random token soups, whenever the fast reader answers, lopdf
    /// answers the same.
    #[test]
    fn simple_content_matches_lopdf_on_token_soup() {
        let tokens: &[&str] = &[
            "BT", "ET", "/F1", "/F1+0", "12", "Tf", "(abc)", "()", "<48656c6c6f>", "<4 8 6>", "<>", "[(a) -250 (b)]", "[]",
            "[ 1 2 3 ]", "1.5", "-.5", "+3", ".5", "5.", "-0", "Td", "TD", "Tj", "TJ", "'", "\"", "q", "Q", "cm", "T*", "d0",
            "0 0 1 rg", "%c\n", "% x\r\n", "null", "nullx", "true", "false", "1 0 R", "[1 0 R]", "BI /W 1 /H 1 /BPC 8 /CS /G ID x EI",
            "<<>>", "<< /A 1 >>", "(a\\)b)", "(a(b)c)", "(a\nb)", "\r\n", "\t", "/N#41", "/", "1.2.3", "0.00-12", "99999999999999999999",
            "123456789012345678", "-", "+", ".", "[ [1] ]", "]", ")", "{", "}", "(x", "<4", "<zz>", "1e5", "Tj1", "BT1", "\u{e9}",
            "/\u{e9}", "(\u{e9})", "[(a)1(b)]", "[/A(b)<41>]", "5(a)", "5/A", "5<41>", "5[1]", "5]", "5)", "-5.5.5",
            "(a\\(b\\))", "(\\101\\7\\777x)", "(\\8\\9)", "(\\n\\r\\t\\b\\f)", "(\\x)", "(a\\\nb)", "(a\\\r\nb)", "(\\", "(\\\\)", "(a\\)",
        ];
        let seps: &[&str] = &[" ", " ", " ", "\n", "", "\r\n", "\t"];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut taken = 0;
        let rounds: usize = std::env::var("MOTEBOK_SOUP_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(20000);
        for _ in 0..rounds {
            let n = (next() % 12) as usize;
            let mut s = String::new();
            for _ in 0..n {
                s.push_str(tokens[(next() % tokens.len() as u64) as usize]);
                s.push_str(seps[(next() % seps.len() as u64) as usize]);
            }
            if same_as_lopdf(s.as_bytes()) {
                taken += 1;
            }
        }
        assert!(taken > 1000, "{taken}");
    }
}
