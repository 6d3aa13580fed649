//! Document titles: the words that say what a document is, the body a
//! title names, and whether it announces an extraordinary meeting.

use crate::model::DocumentKind;
use crate::rules::labels::{eq_fold, find_word, strip_label};
use crate::rules::Rules;

/// Kinds whose title words appear in `title`, each with the position of
/// its first word (earlier words weigh more: "Referat fra møte i …" is
/// minutes though it holds "møte i").
pub fn kind_words(title: &str, rules: &Rules) -> Vec<(DocumentKind, usize)> {
    let k = &rules.genre.kinds;
    let mut out = Vec::new();
    for (kind, words) in [
        (DocumentKind::Minutes, &k.minutes),
        (DocumentKind::Agenda, &k.agenda),
        (DocumentKind::CaseMemo, &k.case_memo),
        (DocumentKind::Other, &k.other),
    ] {
        if let Some(at) = words.iter().filter_map(|w| find_word(title, w)).min() {
            out.push((kind, at));
        }
    }
    // The legacy title prefixes ("Møte i", "Referat fra møte i").
    for (kind, prefixes) in [(DocumentKind::Minutes, &rules.documents.minutes.titles), (DocumentKind::Agenda, &rules.documents.agenda.titles)] {
        if strip_label(title, prefixes).is_some() && !out.iter().any(|(k, _)| *k == kind) {
            out.push((kind, 0));
        }
    }
    out.sort_by_key(|(_, at)| *at);
    out
}

/// The phrase a line opens with that may start a document in the middle
/// of a file ("Referat fra møte i NUIT", "MØTEPROTOKOLL"), and the rest.
pub fn opener<'a>(line: &'a str, rules: &Rules) -> Option<&'a str> {
    // The longest opener of any list wins ("Referat fra ekstra møte i"
    // over "Referat fra").
    [&rules.genre.kinds.openers, &rules.documents.minutes.titles, &rules.documents.agenda.titles]
        .into_iter()
        .filter_map(|list| strip_label(line, list))
        .min_by_key(|rest| rest.len())
}

/// Whether the title announces an extraordinary meeting.
pub fn is_extraordinary(title: &str, rules: &Rules) -> bool {
    let lower = title.to_lowercase();
    rules.documents.extraordinary.markers.iter().any(|m| lower.contains(&m.to_lowercase()))
        || rules.genre.body.descriptors.iter().filter(|d| d.to_lowercase().starts_with("ekstra")).any(|d| find_word(title, d).is_some())
}

/// The canonical name of a body the rules know, found anywhere in `text`.
pub fn known_body(text: &str, rules: &Rules) -> Option<String> {
    rules.body_alias_pairs().iter().find(|(alias, _)| find_word(text, alias).is_some()).map(|(_, canon)| canon.clone())
}

/// The body a title names, as printed: the phrase after "Møte i",
/// "Referat fra", "Protokoll fra" …, or a title line that is a body's name
/// ("KOMMUNESTYRET", "Generalforsamling"), or the stem of a compound
/// "<body>møte" in its definite form ("Fordelingsutvalgmøte" →
/// "Fordelingsutvalget", "styremøte" → "Styret"). A phrase counts only when
/// a body noun ends one of its words (rules: genre.toml `[body] nouns`).
pub fn printed_body(title_lines: &[&str], rules: &Rules) -> Option<String> {
    for line in title_lines {
        let line = line.trim();
        // "Møte i Fordelingsutvalget 9. oktober 2015", "Referat fra Onlines
        // generalforsamling 2021".
        // The earliest phrase that a body's name follows: "Protokoll fra
        // møte i Eldrerådet" is read after "møte i", not after "fra".
        let mut after: Vec<(usize, &str)> = ["møte i", "møtet i", "møte for", "fra", "i", "for", "til"].iter().filter_map(|p| word_after(line, p)).collect();
        after.sort_by_key(|(at, rest)| (*at, std::cmp::Reverse(rest.len())));
        if let Some(b) = after.iter().find_map(|(_, rest)| body_phrase(rest, rules)) {
            return Some(b);
        }
    }
    for line in title_lines {
        // A line that is the body's name, possibly with the kind word
        // before it ("OFFENTLIG HOVEDUTSKRIFT" / "KOMMUNESTYRET").
        if let Some(b) = body_phrase(line.trim(), rules).filter(|b| b.split_whitespace().count() <= 3) {
            if line.split_whitespace().count() <= 4 {
                return Some(b);
            }
        }
    }
    for line in title_lines {
        for word in line.split_whitespace() {
            if let Some(b) = compound_meeting_body(word, rules) {
                return Some(b);
            }
        }
    }
    None
}

/// A row of a case paper's route through the bodies ("22/24
/// Kommunestyret 12.03.2024" under "Saksnr. | Utvalg | Møtedato"): after
/// the sak number, a body's name and the date it meets, nothing else.
pub fn is_route_row(title: &str, rules: &Rules) -> bool {
    let t = title.trim();
    let Some((_, range)) = crate::dates::find_dates(t, None, rules).into_iter().last() else { return false };
    if !t[range.end..].trim().is_empty() {
        return false;
    }
    let before = t[..range.start].trim();
    // The body's name opens what is before the date.
    let first = before.split_whitespace().next().unwrap_or("");
    !before.is_empty()
        && before.split_whitespace().count() <= 6
        && body_phrase(before, rules).is_some_and(|b| b.split_whitespace().next().is_some_and(|w| eq_fold(w, first)))
}

/// The rest of `line` after the phrase `p` (whole words), with where it was.
fn word_after<'a>(line: &'a str, p: &str) -> Option<(usize, &'a str)> {
    let at = find_word(line, p)?;
    Some((at, line[at + p.len()..].trim_start()))
}

/// A body's name at the start of `text`: words up to the first date, year,
/// time, weekday or punctuation, descriptors ("ekstraordinære") dropped;
/// a name only when one of its words ends in a body noun.
fn body_phrase(text: &str, rules: &Rules) -> Option<String> {
    let mut words: Vec<String> = Vec::new();
    for w in text.split_whitespace() {
        let bare = w.trim_end_matches([',', '.', ':', ';']);
        let stop = bare.is_empty()
            || bare.chars().next().is_some_and(|c| c.is_ascii_digit())
            || rules.is_weekday(bare)
            || rules.month(bare).is_some()
            || matches!(bare.to_lowercase().as_str(), "kl" | "klokka" | "klokken" | "-" | "–" | "den" | "på" | "i" | "om" | "referat" | "protokoll");
        if stop {
            break;
        }
        // Descriptors ("ekstraordinære"), and a kind word before the name
        // ("Møteprotokoll Eldrerådet").
        if rules.genre.body.descriptors.iter().any(|d| eq_fold(d, bare)) || (words.is_empty() && !ends_with_body_noun(bare, rules) && !kind_words(bare, rules).is_empty()) {
            continue;
        }
        words.push(bare.to_string());
        if w.ends_with([',', '.', ':', ';']) || words.len() >= 5 {
            break;
        }
    }
    while words.last().is_some_and(|w| matches!(w.as_str(), "og" | "for" | "i" | "til")) {
        words.pop();
    }
    let nouned = words.iter().any(|w| ends_with_body_noun(w, rules));
    if !nouned || words.is_empty() {
        return None;
    }
    // The body's name ends at its noun: "Fordelingsutvalget CYB" → the
    // first three words at most after the last noun-bearing word.
    let last_noun = words.iter().rposition(|w| ends_with_body_noun(w, rules)).unwrap_or(0);
    let keep_to = if words[..=last_noun].len() == 1 { last_noun } else { (last_noun + 3).min(words.len() - 1) };
    let mut phrase = words[..=keep_to.max(last_noun)].join(" ");
    if phrase.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase) {
        phrase = title_case(&phrase);
    }
    let mut chars = phrase.chars();
    Some(match chars.next() {
        Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
        None => phrase,
    })
}

fn ends_with_body_noun(word: &str, rules: &Rules) -> bool {
    let w = word.to_lowercase();
    rules.genre.body.nouns.iter().any(|n| w.ends_with(&n.to_lowercase()))
}

/// "KOMMUNESTYRET" → "Kommunestyret".
fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// "Fordelingsutvalgmøte" → "Fordelingsutvalget"; "styremøtet" → "Styret".
fn compound_meeting_body(word: &str, rules: &Rules) -> Option<String> {
    let w = word.trim_matches(|c: char| !c.is_alphabetic());
    let lower = w.to_lowercase();
    let stem_len = ["møtet", "møte"].iter().find_map(|s| lower.strip_suffix(s).map(|st| st.len()))?;
    let stem = &w[..stem_len.min(w.len())];
    let lower_stem = stem.to_lowercase();
    for (indefinite, definite) in &rules.genre.body.definite {
        if let Some(head) = lower_stem.strip_suffix(&indefinite.to_lowercase()) {
            let head_printed = &stem[..head.len()];
            let name = format!("{head_printed}{definite}");
            let mut c = name.chars();
            return c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_rows_are_a_body_and_a_date() {
        let r = Rules::embedded();
        assert!(is_route_row("Kommunestyret 12.03.2024", &r));
        assert!(is_route_row("Hovedutvalg for teknikk og miljø 16.04.2024", &r));
        assert!(!is_route_row("Godkjenning av protokoll fra møte 19.09.2024", &r));
        assert!(!is_route_row("Kommunestyret", &r));
        assert!(!is_route_row("Kommunestyret 12.03.2024 - sluttbehandling", &r));
    }

    #[test]
    fn kinds_from_title_words() {
        let r = Rules::embedded();
        let first = |t: &str| kind_words(t, &r).first().map(|(k, _)| *k);
        assert_eq!(first("Referat fra Fordelingsutvalgmøte fredag 16. mars 2012"), Some(DocumentKind::Minutes));
        assert_eq!(first("MØTEPROTOKOLL"), Some(DocumentKind::Minutes));
        assert_eq!(first("Møte i Fordelingsutvalget"), Some(DocumentKind::Agenda));
        assert_eq!(first("Referat fra møte i NUIT"), Some(DocumentKind::Minutes));
        assert_eq!(first("GenVORS 2023 - Referat"), Some(DocumentKind::Minutes));
        assert_eq!(first("Sak til bystyret"), Some(DocumentKind::CaseMemo));
        assert_eq!(first("Valgprotokoll for valgstyret i Nord-Odal kommune"), Some(DocumentKind::Other));
        assert_eq!(first("FHIR fagforum"), None);
    }

    #[test]
    fn bodies_as_printed() {
        let r = Rules::embedded();
        let body = |lines: &[&str]| printed_body(lines, &r);
        assert_eq!(body(&["Møte i Fordelingsutvalget 9. oktober 2015 kl 12:15"]).as_deref(), Some("Fordelingsutvalget"));
        assert_eq!(body(&["Referat fra Fordelingsutvalgmøte fredag 16. mars 2012"]).as_deref(), Some("Fordelingsutvalget"));
        assert_eq!(body(&["Referat fra Onlines ekstraordinære generalforsamling 2017"]).as_deref(), Some("Onlines generalforsamling"));
        assert_eq!(body(&["OFFENTLIG HOVEDUTSKRIFT", "KOMMUNESTYRET"]).as_deref(), Some("Kommunestyret"));
        assert_eq!(body(&["Referat", "Generalforsamling", "1. april 2014"]).as_deref(), Some("Generalforsamling"));
        assert_eq!(body(&["Protokoll fra ekstraordinært styremøte 9. mars 2015"]).as_deref(), Some("Styret"));
        assert_eq!(body(&["GenVORS 2023 - Referat"]), None);
        assert_eq!(body(&["Årsrapport 2023"]), None);
    }

    #[test]
    fn extraordinary_meetings() {
        let r = Rules::embedded();
        assert!(is_extraordinary("Referat fra Onlines ekstraordinære generalforsamling 2017", &r));
        assert!(is_extraordinary("Protokoll fra ekstraordinært styremøte 9. mars 2015", &r));
        assert!(!is_extraordinary("Referat fra Onlines generalforsamling 2021", &r));
    }
}
