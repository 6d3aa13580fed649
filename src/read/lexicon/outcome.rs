//! Sentences that state a decision without a label ("Godkjennes.",
//! "Søknaden innvilges med 12 000 kr.", "Det fattes vedtak om at …",
//! "Forslaget faller", "Valgt ved akklamasjon", "Den nye leder er Kari
//! Nordmann."), and sentences that are discussion.

use crate::rules::labels::eq_fold;
use crate::rules::Rules;

/// Whether `sentence` states a decision.
pub fn states_decision(sentence: &str, rules: &Rules) -> bool {
    let d = rules.decision_lexicon();
    let lower = sentence.to_lowercase();
    if has_decision_phrase(&lower, rules) {
        return true;
    }
    let mut words = lower.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty());
    let first = words.clone().next().unwrap_or("");
    if d.subjects.contains(first) && d.subject_verbs.iter().any(|v| contains_phrase(&lower, v)) {
        return true;
    }
    let verb = words.any(|w| {
        if d.not_verbs.contains(w) {
            return false;
        }
        if d.verbs.contains(w) {
            return true;
        }
        // One letter wrong in a long verb ("vedtat" for "vedtatt").
        let n = w.chars().count();
        n >= 6 && d.fuzzy.iter().any(|v| v.len().abs_diff(n) <= 1 && w.starts_with(v[0]) && edit_distance_at_most_one(v, w))
    });
    if verb {
        return true;
    }
    // "Den nye kommunikasjonsansvarlige er Marius Aune."
    rules.genre.decisions.election_openers.iter().any(|o| {
        sentence.get(..o.len()).is_some_and(|h| eq_fold(h, o))
            && sentence[o.len()..].starts_with(' ')
            && sentence.contains(" er ")
            && sentence.split(" er ").nth(1).is_some_and(|after| after.trim_start().chars().next().is_some_and(char::is_uppercase))
    })
}

/// Whether a lower-cased sentence holds a deciding phrase ("til
/// orientering", "tas til etterretning").
pub fn has_decision_phrase(lower: &str, rules: &Rules) -> bool {
    rules.decision_lexicon().phrases.iter().any(|p| contains_phrase(lower, p))
}

/// Whether `sentence` gives a vote's result: a sentence about the proposal
/// or the sak ("Forslaget …", "Innstillingen …") that decides and names
/// the vote ("mot 4 stemmer", "enstemmig") or holds a deciding phrase
/// ("Saken tas til orientering.").
pub fn states_vote(sentence: &str, rules: &Rules) -> bool {
    let d = rules.decision_lexicon();
    let lower = sentence.to_lowercase();
    let mut words = lower.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty());
    if !words.next().is_some_and(|first| d.subjects.contains(first)) {
        return false;
    }
    let voted = lower.split(|c: char| !c.is_alphabetic()).any(|w| d.vote_words.contains(w)) || has_decision_phrase(&lower, rules);
    voted && states_decision(sentence, rules)
}

/// Whether `sentence` opens as discussion ("Det påpekes …", "Det blir
/// kommentert …"): a decision paragraph ends before it.
pub fn is_discussion(sentence: &str, rules: &Rules) -> bool {
    let s = sentence.trim_start();
    rules.genre.decisions.discussion.iter().any(|d| s.get(..d.len()).is_some_and(|h| eq_fold(h, d)))
}

/// Whether `sentence` is an outcome printed in a list of items
/// ("Innstilling vedtatt").
pub fn is_outcome_cell(text: &str, rules: &Rules) -> bool {
    let t = text.trim().trim_end_matches('.');
    rules.genre.decisions.outcomes.iter().any(|o| eq_fold(o, t))
}

fn contains_phrase(hay: &str, phrase: &str) -> bool {
    let mut from = 0;
    while let Some(p) = hay[from..].find(phrase) {
        let i = from + p;
        let before = hay[..i].chars().next_back();
        let after = hay[i + phrase.len()..].chars().next();
        if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) {
            return true;
        }
        from = i + phrase.len();
    }
    false
}

/// Levenshtein distance ≤ 1 (a typo such as "vedtat" for "vedtatt").
fn edit_distance_at_most_one(a: &[char], b: &str) -> bool {
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        match a.len().cmp(&b.len()) {
            std::cmp::Ordering::Greater => i += 1,
            std::cmp::Ordering::Less => j += 1,
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    edits + (a.len() - i) + (b.len() - j) <= 1
}

/// Cut text into sentences: at `.`, `!` or `?` followed by a space and a
/// capital letter (or the end), but not after an abbreviation or a number
/// ("evt.", "kl. 10", "1. april").
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for k in 0..chars.len() {
        let (i, c) = chars[k];
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let next = chars.get(k + 1).map(|&(_, c)| c);
        let after = chars.get(k + 2).map(|&(_, c)| c);
        let ends = match (next, after) {
            (None, _) => true,
            (Some(' '), Some(a)) => a.is_uppercase() || a == '«' || a == '"' || a.is_ascii_digit() && c != '.',
            _ => false,
        };
        if !ends {
            continue;
        }
        // The word before the stop: an abbreviation or a number is no end.
        let word: String = text[start..i].chars().rev().take_while(|c| !c.is_whitespace()).collect::<Vec<_>>().into_iter().rev().collect();
        let lw = word.to_lowercase();
        let abbreviation = c == '.' && (word.chars().all(|c| c.is_ascii_digit()) && !word.is_empty()
            || matches!(lw.as_str(), "evt" | "kl" | "ca" | "jf" | "nr" | "bl.a" | "f.eks" | "dvs" | "mv" | "osv" | "v" | "st" | "pkt" | "t.o.m" | "f.o.m" | "mtp" | "ifm" | "pga")
            || (word.chars().count() == 1 && word.chars().all(char::is_uppercase)));
        if abbreviation {
            continue;
        }
        let end = i + c.len_utf8();
        let s = text[start..end].trim();
        if !s.is_empty() {
            out.push(s);
        }
        start = end;
    }
    let s = text[start..].trim();
    if !s.is_empty() {
        out.push(s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decision_sentences() {
        let r = Rules::embedded();
        for s in [
            "Godkjennes.",
            "Godkjent ved akklamasjon.",
            "Søknaden innvilges med 12 000 kr.",
            "Det fattes vedtak om at søknaden kan behandles igjen.",
            "Forslaget faller grunnet mindretall.",
            "Saken er Vedtat.",
            "Alle velges ved akklamasjon.",
            "Linn Vikre vinner ved flertall.",
            "Den nye kommunikasjonsansvarlige er Marius Aune.",
            "Ingen kommentarer, ordstyrer godkjenner.",
            "Utsettes på grunn av tekniske problemer.",
            "Forslag 4 faller ettersom forslag 3 gikk gjennom.",
            "Punktet om FUs økonomi utgår da regnskapet mangler.",
        ] {
            assert!(states_decision(s, &r), "{s}");
        }
        for s in [
            "FU ønsker å godkjenne søknaden med forbehold.",
            "Den godkjente søknaden blir totalt på 12 930 kr.",
            "Koordinator forteller kort om arbeidet.",
            "Ingen gjester.",
            "Trenger ikke å godkjenne.",
            "Få med studenter som faller utenfor.",
            "Håkon Solbjørg går gjennom stemmesystemet.",
        ] {
            assert!(!states_decision(s, &r), "{s}");
        }
    }

    #[test]
    fn discussion_openers() {
        let r = Rules::embedded();
        assert!(is_discussion("Det påpekes at informasjonen kan bli bedre.", &r));
        assert!(!is_discussion("Hvis dette ikke gjennomføres må utgifter refunderes.", &r));
    }

    #[test]
    fn sentences_are_cut_at_stops_not_abbreviations() {
        assert_eq!(sentences("Godkjennes. Det påpekes at kl. 10 er tidlig."), vec!["Godkjennes.", "Det påpekes at kl. 10 er tidlig."]);
        assert_eq!(sentences("Møtet 1. april ble holdt. Ferdig"), vec!["Møtet 1. april ble holdt.", "Ferdig"]);
        assert_eq!(sentences("ved en evt. oppløsning skal brettspill doneres. Hvis ikke"), vec!["ved en evt. oppløsning skal brettspill doneres.", "Hvis ikke"]);
    }
}
