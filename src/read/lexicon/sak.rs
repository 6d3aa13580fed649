//! Sak numbers and meeting labels: `13/22` is sak 13 of 2022; `Møte 6/21`
//! and `Møte 6/2021` are the same meeting.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// A number/year pair as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sak {
    /// As printed, spaces removed: `13/22`.
    pub printed: String,
    pub number: u32,
    /// Four digits.
    pub year: i32,
}

// Digits, or the letters OCR mistakes for them ("l3/2O"), at least one
// real digit on each side.
static SAK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\w/.,])([0-9OlI]{0,2}[0-9][0-9OlI]{0,2})\s?/\s?((?:[0-9O]{2}){1,2})(?:$|[^\w/])").expect("valid regex")
});

/// Expand a two-digit year: 00–69 are 2000s, 70–99 the 1900s.
pub fn four_digit_year(y: i32) -> i32 {
    crate::dates::expand_year(y)
}

fn ocr_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'O' => '0',
            'l' | 'I' => '1',
            c => c,
        })
        .collect()
}

/// The first sak number in `text`, with its byte range.
pub fn find_sak(text: &str) -> Option<(Sak, Range<usize>)> {
    find_saks(text).into_iter().next()
}

/// Every sak number in `text`, in order.
pub fn find_saks(text: &str) -> Vec<(Sak, Range<usize>)> {
    let mut out = Vec::new();
    let mut from = 0;
    while from <= text.len() {
        let Some(c) = SAK.captures_at(text, from) else { break };
        let (n, y) = (c.get(1).expect("group"), c.get(2).expect("group"));
        let num = ocr_digits(n.as_str());
        let year = ocr_digits(y.as_str());
        let next = y.end();
        if let (Ok(number), Ok(yy)) = (num.parse::<u32>(), year.parse::<i32>()) {
            if number > 0 {
                let year = if year.len() == 2 { four_digit_year(yy) } else { yy };
                if (1900..=2199).contains(&year) {
                    let printed = format!("{num}/{}", ocr_digits(y.as_str()));
                    out.push((Sak { printed, number, year }, n.start()..y.end()));
                }
            }
        }
        from = next;
    }
    out
}

/// "Byrådssak 213/25", "Styresak 23/2019": a case paper's own number,
/// printed as a line of its own (a word ending in "sak" and the number).
/// An archive number ("Saksnr: 20/1989-526") is not one.
pub fn case_paper_number(line: &str) -> Option<Sak> {
    let (word, rest) = line.trim().split_once(' ')?;
    let lower = word.to_lowercase();
    let is_case_word = lower.ends_with("sak") && lower.chars().count() > 3 && word.chars().next().is_some_and(char::is_uppercase);
    if !is_case_word || rest.split_whitespace().count() > 1 {
        return None;
    }
    let (sak, range) = find_sak(rest)?;
    (range.start == 0 && rest[range.end..].trim().is_empty()).then_some(sak)
}

/// A sak number at the very start of `text` (leading spaces allowed), and
/// the rest of the text after it.
pub fn leading_sak(text: &str) -> Option<(Sak, &str)> {
    let t = text.trim_start();
    let offset = text.len() - t.len();
    let (sak, r) = find_sak(t)?;
    (r.start == 0).then(|| (sak, text[offset + r.end..].trim_start()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_and_four_digit_years() {
        let (s, _) = find_sak("13/22").unwrap();
        assert_eq!((s.number, s.year, s.printed.as_str()), (13, 2022, "13/22"));
        let (s, _) = find_sak("Møte 4/2021").unwrap();
        assert_eq!((s.number, s.year, s.printed.as_str()), (4, 2021, "4/2021"));
    }

    #[test]
    fn dates_and_fractions_are_not_saks() {
        assert!(find_sak("08.04.2022").is_none());
        assert!(find_sak("1/2/2022").is_none());
        assert!(find_sak("Prosjekt/program-mandat").is_none());
        assert!(find_sak("R-108/19").is_none() || find_sak("R-108/19").unwrap().0.number == 108);
    }

    #[test]
    fn leading_sak_gives_the_rest() {
        let (s, rest) = leading_sak(" 24/25 Godkjenning av innkalling").unwrap();
        assert_eq!(s.number, 24);
        assert_eq!(rest, "Godkjenning av innkalling");
        assert!(leading_sak("Sak 24/25").is_none());
    }

    #[test]
    fn ocr_confusions_in_sak_numbers() {
        let (s, _) = find_sak("l3/2O").unwrap();
        assert_eq!((s.number, s.year, s.printed.as_str()), (13, 2020, "13/20"));
    }

    #[test]
    fn case_paper_numbers_and_archive_numbers() {
        assert_eq!(case_paper_number("Byrådssak 213/25").map(|s| s.printed), Some("213/25".to_string()));
        assert_eq!(case_paper_number("Styresak 23/2019").map(|s| s.year), Some(2019));
        assert_eq!(case_paper_number("Saksnr: 20/1989 -526"), None);
        assert_eq!(case_paper_number("Bystyresak 332/23, vedtakspunkt 6"), None);
    }

    #[test]
    fn several_saks_in_order() {
        let v: Vec<u32> = find_saks("sak 27/21 og 28/21, jf. 4/2021").into_iter().map(|(s, _)| s.number).collect();
        assert_eq!(v, vec![27, 28, 4]);
    }
}
