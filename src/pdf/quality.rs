//! The text-quality check: does a page's text read as text?
//!
//! A text layer can be present and still be garbage: glyphs no font maps to
//! a character, codes read through the wrong encoding (symbol soup such as
//! `C '„"N' C…`), or an OCR layer whose letters make no words. Each engine's
//! text is checked page by page, and a page that fails goes to the next
//! engine (pdf-extract, then OCR); one that no engine reads well keeps the
//! best text found and is flagged [`Quality::Poor`], never passed off as
//! good.
//!
//! The tests, in order (each needs enough material to judge by; a short page
//! — a slide with "2022", a page number — is left alone):
//!
//! 1. **unmapped glyphs**: more than 5 % of the codes drawn (and at least
//!    ten) map to no character, or U+FFFD runs, or control / private-use
//!    characters, or pdf-extract's "?Identity-H" marker;
//! 2. **symbol soup**: fewer than half the characters are letters or digits;
//! 3. **word shape**: fewer than 75 % of the letters stand in words of a
//!    shape Norwegian and English words have — lower case, Capitalised,
//!    ALL CAPS (with a genitive `s`: "NUITs"), with a vowel unless very
//!    short or an acronym, letters and digits not interleaved ("20L2");
//! 4. **OCR confusions**, for an OCR layer (text drawn invisibly over a
//!    scan): 2 % or more of its words (and at least two) mix letters and
//!    digits ("g6ende") or put a capital after a small letter ("pA" for
//!    "på"): the scanner's OCR was poor, and our own may do better;
//! 5. **letter frequencies**: the fourteen letters most common in both
//!    Norwegian and English text (e t a o i n s r l h d k g m) make up
//!    about 83 % of either; below 62 % the letters are not Norwegian or
//!    English text (a shifted or wrong encoding).
//!
//! Digits and punctuation are text: a page of figures is [`Quality::Good`].

use crate::model::Quality;

/// Codes drawn and codes no font maps, when the engine knows them.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Glyphs {
    pub codes: usize,
    pub unmapped: usize,
    /// Codes drawn invisibly: the page's text is an OCR layer over an image.
    pub invisible: usize,
}

/// The check's answer: the quality and, when not good, why.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub quality: Quality,
    pub reason: Option<String>,
}

impl Verdict {
    fn good() -> Verdict {
        Verdict { quality: Quality::Good, reason: None }
    }

    fn poor(reason: String) -> Verdict {
        Verdict { quality: Quality::Poor, reason: Some(reason) }
    }
}

/// Letters common in Norwegian and English text alike (see [`latin_letter`]).
#[cfg(test)]
const COMMON: &str = "etaoinsrlhdkgm";
/// Share of Latin letters [`COMMON`] must reach.
const COMMON_FLOOR: f64 = 0.62;
/// Share of letters that must stand in well-shaped words.
const SHAPE_FLOOR: f64 = 0.75;
/// Share of codes that may be unmapped.
const UNMAPPED_CEILING: f64 = 0.05;

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'æ' | 'ø' | 'å' | 'é' | 'è' | 'ê' | 'ë' | 'á' | 'à' | 'â' | 'ä' | 'ó' | 'ò'
            | 'ô' | 'ö' | 'ú' | 'ù' | 'û' | 'ü' | 'í' | 'ì' | 'î' | 'ï' | 'A' | 'E' | 'I' | 'O' | 'U' | 'Y' | 'Æ'
            | 'Ø' | 'Å' | 'É' | 'È' | 'Ê' | 'Ë' | 'Á' | 'À' | 'Â' | 'Ä' | 'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Ú' | 'Ù' | 'Û'
            | 'Ü' | 'Í' | 'Ì' | 'Î' | 'Ï'
    )
}

/// Latin letters as counted by the letter-frequency test, and whether a
/// letter is one of the [`COMMON`] ones.
fn latin_letter(c: char) -> Option<bool> {
    let lower = if c.is_ascii() { c.to_ascii_lowercase() } else { c.to_lowercase().next().unwrap_or(c) };
    match lower {
        'e' | 't' | 'a' | 'o' | 'i' | 'n' | 's' | 'r' | 'l' | 'h' | 'd' | 'k' | 'g' | 'm' => Some(true),
        'a'..='z' | 'æ' | 'ø' | 'å' | 'é' | 'è' | 'ê' | 'ó' | 'ò' | 'ô' | 'ü' | 'ä' | 'ö' => Some(false),
        _ => None,
    }
}

/// Whether a run of letters and digits is shaped like a word, a number or
/// a code ("A4", "HL7", "inf1000", "3b").
#[cfg(test)]
fn word_shaped(word: &str) -> bool {
    shape(word).1
}


/// The letters of a run of letters and digits, and whether it is shaped
/// like a word, a number or a code ("A4", "HL7", "inf1000", "3b").
#[cfg(test)]
fn shape(word: &str) -> (usize, bool) {
    let mut w = Word::default();
    for c in word.chars() {
        if c.is_alphabetic() {
            w.letter(c, c.is_uppercase(), c.is_lowercase());
        } else {
            w.digit();
        }
    }
    w.finish()
}

/// The shape of the word being read, one character at a time, without
/// allocating: this runs on every word of every page.
#[derive(Default)]
struct Word {
    /// Letter ↔ digit changes; the last character's kind (0 none, 1
    /// letter, 2 digit).
    switches: u32,
    last_kind: u8,
    letters: usize,
    upper: usize,
    uncased: bool,
    first_upper: bool,
    last_letter: char,
    vowel: bool,
    /// CamelCase so far: every capital after the first followed by two
    /// small letters (`need_lower` still owed).
    not_camel: bool,
    need_lower: u8,
}

impl Word {
    fn kind(&mut self, kind: u8) {
        if self.last_kind != 0 && self.last_kind != kind {
            self.switches += 1;
        }
        self.last_kind = kind;
    }

    fn digit(&mut self) {
        self.kind(2);
    }

    fn letter(&mut self, c: char, is_upper: bool, is_lower: bool) {
        self.kind(1);
        if !is_upper && !is_lower {
            self.uncased = true;
        }
        if self.letters == 0 {
            self.first_upper = is_upper;
        }
        if is_upper {
            self.upper += 1;
            if self.need_lower > 0 {
                self.not_camel = true;
            }
            self.need_lower = 2;
        } else if is_lower {
            self.need_lower = self.need_lower.saturating_sub(1);
        }
        self.vowel |= is_vowel(c);
        self.last_letter = c;
        self.letters += 1;
    }

    /// The word's letters and whether it is well shaped; ready for the next.
    fn finish(&mut self) -> (usize, bool) {
        let w = std::mem::take(self);
        let letters = w.letters;
        // Letters and digits may sit side by side once: "HL7", "2022a", not "20L2".
        if w.switches > 1 {
            return (letters, false);
        }
        if letters <= 1 || w.uncased {
            // Scripts without case: no shape to judge.
            return (letters, true);
        }
        let camel = !w.not_camel && w.first_upper && w.need_lower == 0;
        let all_lower = w.upper == 0;
        let all_upper = w.upper == letters;
        let capitalised = w.first_upper && w.upper == 1;
        let genitive = letters >= 3 && w.last_letter == 's' && w.upper == letters - 1 && w.first_upper;
        if !(all_lower || all_upper || capitalised || genitive || camel) {
            return (letters, false);
        }
        // Acronyms and short abbreviations ("NRK", "kl", "nr", "Sth") need no vowel.
        (letters, all_upper || genitive || letters <= 3 || w.vowel)
    }
}

/// A word with a digit between letters ("g6ende") or a capital right after
/// a small letter that does not start a hump of its own ("pA", "fAr", but
/// not "dotKom"): what a poor OCR makes of å, l and ø.
fn ocr_confusion(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    let hump = |i: usize| chars.get(i + 1..i + 3).is_some_and(|n| n.iter().all(|c| c.is_lowercase()));
    (1..chars.len()).any(|i| chars[i - 1].is_lowercase() && chars[i].is_uppercase() && !hump(i))
        || chars.windows(3).any(|w| w[0].is_alphabetic() && w[1].is_numeric() && w[2].is_alphabetic())
}

/// Check `text` (and the glyph counts, when the engine has them).
pub fn assess(text: &str, glyphs: Option<Glyphs>) -> Verdict {
    if text.contains("?Identity-H") || text.contains("?Identity-V") {
        return Verdict::poor("glyphs without a character mapping (Identity-H font)".into());
    }
    let mut nonspace = 0usize;
    let mut letters = 0usize;
    let mut digits = 0usize;
    let mut replacement = 0usize;
    let mut control = 0usize;
    let mut run = 0usize;
    let mut longest_run = 0usize;
    let mut latin = 0usize;
    let mut common = 0usize;
    // Letters in words, and those in well-shaped words.
    let mut word = Word::default();
    let mut counted = 0usize;
    let mut shaped = 0usize;
    let mut end_word = |word: &mut Word| {
        if word.last_kind != 0 {
            let (n, ok) = word.finish();
            counted += n;
            shaped += if ok { n } else { 0 };
        }
    };
    for c in text.chars() {
        if c.is_ascii() {
            // The common case, without Unicode tables.
            match c {
                ' ' | '\n' | '\t' | '\r' | '\u{0C}' | '\u{0B}' => end_word(&mut word),
                'a'..='z' | 'A'..='Z' => {
                    nonspace += 1;
                    run = 0;
                    letters += 1;
                    latin += 1;
                    common += usize::from(matches!(
                        c.to_ascii_lowercase(),
                        'e' | 't' | 'a' | 'o' | 'i' | 'n' | 's' | 'r' | 'l' | 'h' | 'd' | 'k' | 'g' | 'm'
                    ));
                    word.letter(c, c.is_ascii_uppercase(), c.is_ascii_lowercase());
                }
                '0'..='9' => {
                    nonspace += 1;
                    run = 0;
                    digits += 1;
                    word.digit();
                }
                c => {
                    nonspace += 1;
                    run = 0;
                    control += usize::from(c.is_ascii_control());
                    end_word(&mut word);
                }
            }
            continue;
        }
        if c.is_whitespace() {
            end_word(&mut word);
            continue;
        }
        nonspace += 1;
        if c == '\u{FFFD}' {
            replacement += 1;
            run += 1;
            longest_run = longest_run.max(run);
            end_word(&mut word);
            continue;
        }
        run = 0;
        if c.is_alphabetic() {
            letters += 1;
            if let Some(is_common) = latin_letter(c) {
                latin += 1;
                common += usize::from(is_common);
            }
            word.letter(c, c.is_uppercase(), c.is_lowercase());
        } else if c.is_numeric() {
            digits += 1;
            word.digit();
        } else {
            if c.is_control() || ('\u{E000}'..='\u{F8FF}').contains(&c) {
                control += 1;
            }
            end_word(&mut word);
        }
    }
    end_word(&mut word);
    if let Some(g) = glyphs {
        if g.unmapped >= 10 && g.unmapped as f64 > UNMAPPED_CEILING * g.codes as f64 {
            return Verdict::poor(format!(
                "{} of {} glyphs map to no character",
                g.unmapped, g.codes
            ));
        }
    }
    if nonspace == 0 {
        return Verdict { quality: Quality::Empty, reason: None };
    }
    if longest_run >= 3 || replacement * 20 > nonspace {
        return Verdict::poor(format!("{replacement} characters could not be decoded (U+FFFD)"));
    }
    if control * 10 > nonspace {
        return Verdict::poor(format!("{control} of {nonspace} characters are control or private-use codes"));
    }
    if nonspace >= 30 && (letters + digits) * 2 < nonspace {
        return Verdict::poor(format!(
            "symbol soup: {} of {nonspace} characters are letters or digits",
            letters + digits
        ));
    }
    if letters >= 60 && counted > 0 && (shaped as f64) < SHAPE_FLOOR * counted as f64 {
        return Verdict::poor(format!(
            "letters that form no words: {:.0} % of them in misshapen words",
            100.0 * (counted - shaped) as f64 / counted as f64
        ));
    }
    if glyphs.is_some_and(|g| g.codes > 0 && g.invisible * 10 >= g.codes * 9) {
        let words: Vec<&str> =
            text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().any(char::is_alphabetic)).collect();
        let confused = words.iter().filter(|w| ocr_confusion(w)).count();
        if confused >= 2 && confused * 50 >= words.len() {
            return Verdict::poor(format!(
                "an OCR text layer with recognition errors: {confused} of {} words like \"{}\"",
                words.len(),
                words.iter().find(|w| ocr_confusion(w)).copied().unwrap_or_default()
            ));
        }
    }
    if latin >= 200 && (common as f64) < COMMON_FLOOR * latin as f64 {
        return Verdict::poor(format!(
            "letters not of Norwegian or English text ({:.0} % common letters)",
            100.0 * common as f64 / latin as f64
        ));
    }
    Verdict::good()
}

/// Whether `text` is a usable text layer: [`assess`] finds it good.
pub fn is_usable_text(text: &str) -> bool {
    assess(text, None).quality == Quality::Good
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quality(text: &str) -> Quality {
        assess(text, None).quality
    }

    #[test]
    fn text_and_figures_are_good() {
        assert_eq!(quality("Referat fra møte i NUIT"), Quality::Good);
        assert_eq!(quality("side 2\n2022"), Quality::Good);
        let figures = "2021 2022 2023\n1 234 567 1 345 678 1 456 789\n12,5 % 13,1 % 14,0 %\n".repeat(5);
        assert_eq!(quality(&figures), Quality::Good, "a page of figures is text");
        let prose = "Nasjonalt e-helsestyre (NEHS) behandlet saken. NUITs innstilling: Styret tar saken til orientering. \
                     HL7 Norge, FHIR-fagforum, inf1000-seminar, A4-ark og kl. 09.00–15.00 i møterom 3b.\n"
            .repeat(4);
        assert_eq!(assess(&prose, None), Verdict::good());
    }

    #[test]
    fn nothing_is_empty() {
        assert_eq!(quality(""), Quality::Empty);
        assert_eq!(quality("  \n\u{0C} "), Quality::Empty);
    }

    #[test]
    fn garbage_is_poor() {
        assert_eq!(quality("Møte \u{FFFD}\u{FFFD}\u{FFFD} i NUIT"), Quality::Poor);
        assert_eq!(quality("?Identity-H Unimplemented?"), Quality::Poor);
        assert_eq!(quality("\u{1}\u{2}\u{3}\u{4}a"), Quality::Poor);
        let soup = "C '„\"N' C… ;; ' „ ^ \" ' ] [ ` ´ „ C ' N … '' \" ; ' ^ „ ] [".repeat(3);
        assert_eq!(quality(&soup), Quality::Poor, "symbol soup");
        // Every letter shifted by three (a font read through the wrong encoding).
        let shifted: String = "Referat fra moete i styret. Styret vedtok budsjettet for neste aar og tok saken til orientering. "
            .repeat(4)
            .chars()
            .map(|c| if c.is_ascii_lowercase() { (((c as u8 - b'a' + 3) % 26) + b'a') as char } else { c })
            .collect();
        assert_eq!(quality(&shifted), Quality::Poor, "{shifted}");
        // An OCR layer that reads l as I and o as 0.
        let ocr = "GenerafforsamIing L6. ApriI 20L2 VeIkommen veI Ieder. OIav Prestegarden og EIIing Overaa valgt ved akkIamasjon. "
            .repeat(3);
        assert_eq!(quality(&ocr), Quality::Poor, "{ocr}");
    }

    #[test]
    fn unmapped_glyphs_are_poor() {
        let text = "Referat fra møte";
        let g = |codes, unmapped| Some(Glyphs { codes, unmapped, invisible: 0 });
        assert_eq!(assess(text, g(300, 285)).quality, Quality::Poor);
        assert_eq!(assess(text, g(300, 3)).quality, Quality::Good);
        assert_eq!(assess("", g(40, 40)).quality, Quality::Poor);
    }

    #[test]
    fn a_poor_ocr_layer_is_poor() {
        let text = "Valg av referenter. Dag Olav valgt ved akklamasjon pA generalforsamlingen. Det g6ende styret fAr ansvar.\n";
        let visible = Some(Glyphs { codes: 100, unmapped: 0, invisible: 0 });
        let ocr_layer = Some(Glyphs { codes: 100, unmapped: 0, invisible: 100 });
        assert_eq!(assess(text, visible).quality, Quality::Good, "printed text is not held to OCR's standard");
        assert_eq!(assess(text, ocr_layer).quality, Quality::Poor);
        let clean = "Valg av referenter. Dag Olav valgt ved akklamasjon på generalforsamlingen.\n";
        assert_eq!(assess(clean, ocr_layer).quality, Quality::Good);
    }

    #[test]
    fn common_letters() {
        for c in COMMON.chars() {
            assert_eq!(latin_letter(c), Some(true), "{c}");
            assert_eq!(latin_letter(c.to_ascii_uppercase()), Some(true), "{c}");
        }
        assert_eq!(latin_letter('q'), Some(false));
        assert_eq!(latin_letter('Ø'), Some(false));
        assert_eq!(latin_letter('ж'), None);
    }

    #[test]
    fn word_shapes() {
        for w in ["møte", "Møte", "NUIT", "NUITs", "HL7", "inf1000", "2022a", "A4", "kl", "Sth", "e", "FHIR", "AllergyIntolerance"] {
            assert!(word_shaped(w), "{w}");
        }
        for w in ["OIav", "EIIing", "20L2", "mIxEd", "bcdfgh", "ApriI"] {
            assert!(!word_shaped(w), "{w}");
        }
    }
}
