//! Item identifiers at the start of a line, in every numbering the genre
//! uses: `13/22`, `Sak 05/19`, `PS 12/23`, `PS TEK 0002/00`, `Sak 23/2019`,
//! `1.`, `3.1`, `12.2.4`, `Punkt 4:`, `1a`, `B)`, `Forslag 2`,
//! `Vedtektsforslag 01`, and a leading time stamp (`[17:35] Sak 1 - …`).
//!
//! This is the shape of one line only. Whether the line *is* an item (and
//! not a numbered paragraph of a decision, a date, an amount) is for the
//! item stage to decide from the sequence the identifiers make.

use std::sync::LazyLock;

use regex::Regex;

use crate::dates::Time;
use crate::rules::labels::eq_fold;
use crate::rules::Rules;

/// Which series an identifier belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Series {
    /// No word before the number (`13/22`, `3.1`).
    Bare,
    /// The main series: its word is dropped (`Sak 4` → `4`).
    Main,
    /// Another series: its word is kept (`Forslag 2`). The word, lower-cased.
    Side(String),
}

/// An item identifier as printed at the start of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    /// The identifier as emitted in `items[].sak`.
    pub sak: String,
    pub series: Series,
    /// The numbers of a dotted identifier (`[3, 1]` for `3.1`), or the one
    /// number (`[13]` for `13/22`, `[4]` for `Sak 4`).
    pub path: Vec<u32>,
    /// The letter of a lettered point (`a` in `1a`, `B` in `B)`).
    pub letter: Option<String>,
    /// The year of an `N/YY` identifier, four digits.
    pub year: Option<i32>,
    /// A time printed before the identifier (`[17:35] Sak 1`).
    pub time: Option<Time>,
    /// The identifier ended in a full stop or closing parenthesis only
    /// (`1.`, `B)`), with nothing else marking it.
    pub dotted: bool,
}

impl Ident {
    /// `number` of the contract: the plain integer or the one before the
    /// slash; `None` for dotted sub-numbers and lettered points.
    pub fn number(&self) -> Option<u32> {
        (self.path.len() == 1 && self.letter.is_none()).then(|| self.path[0])
    }

    /// Depth in a dotted numbering: 1 for `3`, 2 for `3.1`.
    pub fn depth(&self) -> usize {
        self.path.len() + usize::from(self.letter.is_some())
    }

    /// `N/YY` form.
    pub fn has_year(&self) -> bool {
        self.year.is_some()
    }
}

static TIME_STAMP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\[\s*(\d{1,2})[:.](\d{2})\s*\]\s*").expect("valid regex"));
static SLASHED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,4})\s?/\s?(\d{4}|\d{2})(?:[^\d/\-]|$)").expect("valid regex"));
/// `45-2024` after a series word ("Styresak 45-2024"): a dash before a
/// four-digit year. Never bare, where it is a span of years or pages.
static DASHED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,4})-((?:19|20)\d{2})(?:[^\d/\-]|$)").expect("valid regex"));
static DOTTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,3}(?:\.\d{1,3})*)(\.?)([a-zA-Z]\b)?([.):]?)").expect("valid regex"));
static LETTER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([a-zA-Z])([.)])\s").expect("valid regex"));

/// The identifier opening `text`, and the title after it (separators
/// trimmed; empty when the line holds the identifier alone).
pub fn leading_ident<'a>(text: &'a str, rules: &Rules) -> Option<(Ident, &'a str)> {
    let mut rest = text.trim_start();
    let mut time = None;
    if let Some(c) = TIME_STAMP.captures(rest) {
        time = Time::new(c[1].parse().ok()?, c[2].parse().ok()?);
        rest = &rest[c.get(0)?.end()..];
    }
    let (series, after_word, word_printed) = series_word(rest, rules);
    rest = after_word;
    let (mut ident, after) = number_part(rest, &series, word_printed.is_some(), series != Series::Bare)?;
    ident.time = time;
    ident.sak = match (&series, word_printed) {
        (Series::Side(_), Some(w)) => format!("{w} {}", ident.sak),
        _ => ident.sak,
    };
    ident.series = series;
    let title = trim_separators(after);
    // A bare number must be followed by a title that starts like one, or
    // stand alone; a number glued to a lower-case word is running text.
    if ident.series == Series::Bare && !ident.has_year() && !title.is_empty() {
        let first = title.chars().next()?;
        let titled = first.is_uppercase() || matches!(first, '"' | '«' | '“' | '(' | '§');
        if !titled {
            return None;
        }
    }
    Some((ident, title))
}

/// A series word opening the text: (series, rest after the word, the word
/// as printed for a side series).
fn series_word<'a>(text: &'a str, rules: &Rules) -> (Series, &'a str, Option<&'a str>) {
    let words = &rules.genre.items;
    if let Some(rest) = crate::rules::labels::strip_label(text, &words.main) {
        if rest.starts_with(|c: char| c.is_ascii_digit()) {
            return (Series::Main, rest, None);
        }
        // "PS TEK 0002/00": a short capitalised sub-type between word and number.
        if let Some((sub, after)) = rest.split_once(' ') {
            if sub.len() <= words.subtypes_max_len && sub.chars().all(|c| c.is_uppercase()) && after.starts_with(|c: char| c.is_ascii_digit()) {
                return (Series::Main, after, None);
            }
        }
    }
    let word_end = text.find(|c: char| c.is_whitespace()).unwrap_or(text.len());
    let word = &text[..word_end];
    let after = text[word_end..].trim_start();
    if word.chars().next().is_some_and(char::is_uppercase) && after.starts_with(|c: char| c.is_ascii_digit()) {
        let lower = word.to_lowercase();
        let listed = words.side.iter().any(|s| eq_fold(s, word));
        let suffixed = words.side_suffixes.iter().any(|s| lower.ends_with(&s.to_lowercase()) && lower.len() > s.len());
        if listed || suffixed {
            return (Series::Side(lower), after, Some(word));
        }
    }
    (Series::Bare, text, None)
}

/// The number after the series word: `N/YY`, a dotted number with an
/// optional letter, or a letter alone.
fn number_part<'a>(text: &'a str, series: &Series, has_word: bool, after_series_word: bool) -> Option<(Ident, &'a str)> {
    let blank = |sak: String, path: Vec<u32>| Ident { sak, series: series.clone(), path, letter: None, year: None, time: None, dotted: false };
    if let Some(c) = SLASHED.captures(text) {
        let (n, y) = (&c[1], &c[2]);
        let number: u32 = n.parse().ok()?;
        let yy: i32 = y.parse().ok()?;
        let year = if y.len() == 2 { crate::dates::expand_year(yy) } else { yy };
        if number == 0 || !(1900..=2099).contains(&year) {
            return None;
        }
        let end = c.get(2)?.end();
        let mut ident = blank(format!("{n}/{y}"), vec![number]);
        ident.year = Some(year);
        return Some((ident, &text[end..]));
    }
    if let Some(c) = DASHED.captures(text).filter(|_| after_series_word) {
        let number: u32 = c[1].parse().ok()?;
        let year: i32 = c[2].parse().ok()?;
        if number == 0 {
            return None;
        }
        let end = c.get(2)?.end();
        let mut ident = blank(format!("{}-{}", &c[1], &c[2]), vec![number]);
        ident.year = Some(year);
        return Some((ident, &text[end..]));
    }
    if let Some(c) = DOTTED.captures(text) {
        let nums = &c[1];
        let path: Vec<u32> = nums.split('.').map(|p| p.parse().ok()).collect::<Option<_>>()?;
        if path.is_empty() || path.iter().skip(1).any(|&p| p > 99) || path[0] > 999 {
            return None;
        }
        let letter = c.get(3).map(|m| m.as_str().to_string());
        let end = c.get(0)?.end();
        let closing = c.get(4).map_or("", |m| m.as_str());
        let after = &text[end..];
        // The identifier must end where the number ends: a space, a
        // separator or the end of the line ("3.5%", "2021-22" are not).
        if !(after.is_empty() || after.starts_with([' ', '\t']) || !closing.is_empty() || !c[2].is_empty()) {
            return None;
        }
        let mut sak = nums.to_string();
        if let Some(l) = &letter {
            sak.push_str(l);
        }
        let mut ident = blank(sak, path);
        ident.letter = letter;
        ident.dotted = !has_word && (!c[2].is_empty() || closing == "." || closing == ")");
        return Some((ident, after));
    }
    if !has_word {
        if let Some(c) = LETTER.captures(text) {
            let letter = c[1].to_string();
            let mut ident = blank(letter.clone(), Vec::new());
            ident.letter = Some(letter);
            ident.dotted = true;
            return Some((ident, &text[c.get(0)?.end()..]));
        }
    }
    None
}

/// The title after an identifier: separators (`:`, `.`, `)`, `-`, `–`)
/// and spaces trimmed from its start.
fn trim_separators(text: &str) -> &str {
    let t = text.trim_start();
    let t = t.strip_prefix([':', '.', ')']).unwrap_or(t).trim_start();
    let t = t.strip_prefix(['-', '–', '—']).map(str::trim_start).unwrap_or(t);
    t.trim_end()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(text: &str) -> Option<(String, Option<u32>, Option<i32>, String)> {
        let rules = Rules::embedded();
        leading_ident(text, &rules).map(|(i, t)| (i.sak.clone(), i.number(), i.year, t.to_string()))
    }

    fn some(sak: &str, number: Option<u32>, year: Option<i32>, title: &str) -> Option<(String, Option<u32>, Option<i32>, String)> {
        Some((sak.to_string(), number, year, title.to_string()))
    }

    #[test]
    fn sak_numbers_with_years() {
        assert_eq!(id("13/22 Godkjenning av innkalling"), some("13/22", Some(13), Some(2022), "Godkjenning av innkalling"));
        assert_eq!(id("Sak 05/19 Budsjett"), some("05/19", Some(5), Some(2019), "Budsjett"));
        assert_eq!(id("PS 12/23 Regnskap"), some("12/23", Some(12), Some(2023), "Regnskap"));
        assert_eq!(id("PS TEK 0002/00"), some("0002/00", Some(2), Some(2000), ""));
        assert_eq!(id("Sak 23/2019: Styrets beretning"), some("23/2019", Some(23), Some(2019), "Styrets beretning"));
        // A health trust's board: a dash before the year, after a series word only.
        assert_eq!(id("Styresak 45-2024 Regnskap"), some("45-2024", Some(45), Some(2024), "Regnskap"));
        assert_eq!(id("Sak 7-2019: Budsjett"), some("7-2019", Some(7), Some(2019), "Budsjett"));
        assert_eq!(id("2021-2022 Budsjett"), None);
    }

    #[test]
    fn plain_dotted_and_lettered_numbers() {
        assert_eq!(id("1. Godkjenning av innkalling"), some("1", Some(1), None, "Godkjenning av innkalling"));
        assert_eq!(id("3.3. FIFIs søknad"), some("3.3", None, None, "FIFIs søknad"));
        assert_eq!(id("12.2.4 DotKom"), some("12.2.4", None, None, "DotKom"));
        assert_eq!(id("10 - Godkjenning av dagsorden"), some("10", Some(10), None, "Godkjenning av dagsorden"));
        assert_eq!(id("Punkt 4: Valg"), some("4", Some(4), None, "Valg"));
        assert_eq!(id("1a Innkalling"), some("1a", None, None, "Innkalling"));
        assert_eq!(id("B) Budsjett"), some("B", None, None, "Budsjett"));
    }

    #[test]
    fn side_series_keep_their_word() {
        assert_eq!(id("Forslag 3: Fjerne møterett"), some("Forslag 3", Some(3), None, "Fjerne møterett"));
        assert_eq!(id("Vedtektsforslag 01: Endre strukturen"), some("Vedtektsforslag 01", Some(1), None, "Endre strukturen"));
        assert_eq!(id("Saksforslag 01:"), some("Saksforslag 01", Some(1), None, ""));
        assert_eq!(id("Eventueltsak 02: Vors"), some("Eventueltsak 02", Some(2), None, "Vors"));
    }

    #[test]
    fn time_stamps_are_read_and_dropped() {
        let rules = Rules::embedded();
        let (i, t) = leading_ident("[17:35] Sak 1 - Benytte preferansevalg", &rules).unwrap();
        assert_eq!((i.sak.as_str(), i.time.map(|t| t.to_string()), t), ("1", Some("17:35".to_string()), "Benytte preferansevalg"));
    }

    #[test]
    fn running_text_amounts_and_archive_numbers_are_not_identifiers() {
        for t in ["1700 commits ble nådd ved utgivelse.", "2 av 3 planlagte arrangementer", "98/01216", "05/00709 VALG", "3.5% økning", "2021-22 Budsjett", "16.03.05"] {
            let got = id(t);
            assert!(got.as_ref().is_none_or(|g| g.3.is_empty() && !t.contains(' ')), "{t}: {got:?}");
        }
        assert_eq!(id("98/01216"), None);
        assert_eq!(id("Sakene ble behandlet"), None);
    }
}
