//! People as the genre prints them: what a person's name looks like, and
//! the positions printed beside it ("styreleder", "FU-koordinator",
//! "Rådmann").

use crate::rules::labels::eq_fold;
use crate::rules::Rules;

/// Particles that may stand inside a name in lower case.
const PARTICLES: [&str; 9] = ["von", "van", "de", "af", "av", "der", "den", "la", "le"];

/// How sure we are that a text is a person's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NameShape {
    /// Not a name: digits, lower-case words, too long, a sentence.
    No,
    /// Capitalised words that could be a name.
    Maybe,
    /// Capitalised words opening with a known given name.
    Likely,
}

/// The shape of `text` as a person's name: one to five words, each
/// capitalised (or an initial, or a particle), no digits.
pub fn name_shape(text: &str, rules: &Rules) -> NameShape {
    let t = text.trim().trim_end_matches([',', ';']);
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.is_empty() || words.len() > 5 || t.chars().any(|c| c.is_ascii_digit() || matches!(c, '(' | ')' | ':' | '@' | '/' | '§' | '«' | '"')) {
        return NameShape::No;
    }
    for (k, w) in words.iter().enumerate() {
        let first = w.chars().next().unwrap_or(' ');
        let particle = k > 0 && k + 1 < words.len() && PARTICLES.contains(w);
        if !(first.is_uppercase() || particle) {
            return NameShape::No;
        }
        // A word in capitals (an abbreviation, a heading) is no name part;
        // an initial ("H.", "S.") is.
        let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
        if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
            return NameShape::No;
        }
    }
    if words.len() == 1 {
        return if rules.is_given_name(words[0]) { NameShape::Likely } else { NameShape::Maybe };
    }
    // "Konsekvens Sekretariat", "Revisjon Midt-Norge": an organisation.
    if rules.is_organisation_word(&words[words.len() - 1].to_lowercase()) {
        return NameShape::No;
    }
    if rules.is_given_name(words[0]) {
        NameShape::Likely
    } else {
        NameShape::Maybe
    }
}

/// Whether `word` (or the end of a compound: "FU-koordinator",
/// "Økonomiansvarlig", "styreleder") names a position.
pub fn is_function_word(word: &str, rules: &Rules) -> bool {
    let w = word.trim_matches(|c: char| !c.is_alphabetic()).to_lowercase();
    if w.len() < 3 {
        return false;
    }
    rules.is_function_word(&w)
}

/// Whether a position makes a person staff of the body.
pub fn is_staff_function(function: &str, rules: &Rules) -> bool {
    let f = function.to_lowercase();
    rules.genre.participants.staff_functions.iter().any(|s| f.split(|c: char| !c.is_alphabetic()).any(|w| w == s.to_lowercase() || w.ends_with(&s.to_lowercase())))
}

/// A text that is a position and nothing else ("styreleder", "styrets
/// nestleder", "avtroppende FU-koordinator", "Økonomiansvarlig"): its last
/// word is a position word and the words before it are lower case.
pub fn is_function(text: &str, rules: &Rules) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    let Some(last) = words.last() else { return false };
    is_function_word(last, rules) && words[..words.len() - 1].iter().all(|w| w.chars().next().is_some_and(char::is_lowercase))
        || rules.genre.participants.functions.iter().any(|f| f.contains(' ') && eq_fold(f, text))
}

/// A position followed by what it is held in ("Økonomiansvarlig FU"):
/// (position, organisation).
pub fn split_function_organisation<'a>(text: &'a str, rules: &Rules) -> Option<(&'a str, &'a str)> {
    let words: Vec<(usize, &str)> = text.split_whitespace().map(|w| (w.as_ptr() as usize - text.as_ptr() as usize, w)).collect();
    for k in (0..words.len().saturating_sub(1)).rev() {
        let (at, w) = words[k];
        if is_function_word(w, rules) && is_function(&text[..at + w.len()], rules) {
            let org = text[at + w.len()..].trim();
            if org.chars().next().is_some_and(char::is_uppercase) {
                return Some((text[..at + w.len()].trim(), org));
            }
        }
    }
    None
}

/// A position printed before a name ("Rådmann Heldal Haugerud", "Leder
/// v/service, informasjon og forvaltning Sletner", "Revisor Odd Knustad"):
/// (position, name). The name is the run of capitalised words at the end.
pub fn split_function_name<'a>(text: &'a str, rules: &Rules) -> Option<(&'a str, &'a str)> {
    let first = text.split_whitespace().next()?;
    if !is_function_word(first, rules) {
        return None;
    }
    // The name ends at its organisation or note ("Revisor Anne Moe,
    // Revisjon Midt-Norge SA", "… (KS)"), which stays with it.
    // A comma before a lower-case word is inside the position ("Leder
    // v/service, informasjon og forvaltning Sletner").
    let comma = text.match_indices(',').map(|(i, _)| i).find(|&i| text[i + 1..].trim_start().starts_with(char::is_uppercase));
    let paren = text.find('(');
    let head = &text[..comma.into_iter().chain(paren).min().unwrap_or(text.len())];
    let words: Vec<(usize, &str)> = head.split_whitespace().map(|w| (w.as_ptr() as usize - text.as_ptr() as usize, w)).collect();
    let mut k = words.len();
    while k > 1 && words[k - 1].1.chars().next().is_some_and(char::is_uppercase) && !is_function_word(words[k - 1].1, rules) {
        k -= 1;
    }
    if k == words.len() || k == 0 {
        return None;
    }
    if name_shape(&head[words[k].0..], rules) == NameShape::No {
        return None;
    }
    Some((text[..words[k].0].trim().trim_end_matches(',').trim(), text[words[k].0..].trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_not_names() {
        let r = Rules::embedded();
        assert_eq!(name_shape("Marius Thingwall", &r), NameShape::Likely);
        assert_eq!(name_shape("Bjarne H. Christiansen", &r), NameShape::Likely);
        assert_eq!(name_shape("Sjur", &r), NameShape::Likely);
        assert_eq!(name_shape("Konsekvens Sekretariat", &r), NameShape::No);
        assert_eq!(name_shape("Bygdeby Kommune", &r), NameShape::No);
        assert_eq!(name_shape("Trøndelag Fylkesrevisjon", &r), NameShape::No);
        assert_eq!(name_shape("Ludvig van Beethoven", &r), NameShape::Maybe);
        assert_eq!(name_shape("Linjeforeningen Online", &r), NameShape::Maybe);
        assert_eq!(name_shape("CYB", &r), NameShape::No);
        assert_eq!(name_shape("P:ISK", &r), NameShape::No);
        assert_eq!(name_shape("Godkjenning av innkalling", &r), NameShape::No);
        assert_eq!(name_shape("16.30-17.30", &r), NameShape::No);
    }

    #[test]
    fn positions() {
        let r = Rules::embedded();
        for f in ["styreleder", "styrets nestleder", "FU-koordinator", "Økonomiansvarlig", "avtroppende FU-koordinator", "Referent", "Parafer"] {
            assert!(is_function(f, &r), "{f}");
        }
        for f in ["Navet", "Foreningsfesten", "Helse Vest RHF", "dagen@ifi"] {
            assert!(!is_function(f, &r), "{f}");
        }
        assert_eq!(split_function_organisation("Økonomiansvarlig FU", &r), Some(("Økonomiansvarlig", "FU")));
        assert_eq!(split_function_name("Rådmann Heldal Haugerud", &r), Some(("Rådmann", "Heldal Haugerud")));
        assert_eq!(split_function_name("Kommunalsjef Haugen", &r), Some(("Kommunalsjef", "Haugen")));
        assert_eq!(
            split_function_name("Leder v/service, informasjon og forvaltning Sletner", &r),
            Some(("Leder v/service, informasjon og forvaltning", "Sletner"))
        );
        assert_eq!(split_function_name("Heidi Kristiansen", &r), None);
        // The organisation after the name stays with it.
        assert_eq!(split_function_name("Revisor Anne Moe, Revisjon Midt-Norge SA", &r), Some(("Revisor", "Anne Moe, Revisjon Midt-Norge SA")));
        assert_eq!(split_function_name("Rådgiver Per Olsen (KS)", &r), Some(("Rådgiver", "Per Olsen (KS)")));
        assert!(is_staff_function("avtroppende FU-koordinator", &r));
        assert!(!is_staff_function("styreleder", &r));
    }
}
