//! Labels the genre prints before a value: meeting header fields, memo box
//! fields, participant list headings, proposal and decision labels. Each
//! recogniser looks at one line and says which label opens it and what
//! follows; where the label stands in a document is for the stages.

use crate::model::Role;
use crate::rules::labels::{eq_fold, is_label, strip_label};
use crate::rules::Rules;

/// A meeting header field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderLabel {
    Meeting,
    Date,
    Time,
    End,
    Location,
    Body,
}

/// The header label opening `line`, and the rest of the line.
pub fn header_label<'a>(line: &'a str, rules: &Rules) -> Option<(HeaderLabel, &'a str)> {
    // A label is printed capitalised; "kl. 10.30 – 13.30" continuing a
    // participant's note is no time label.
    if !line.chars().next().is_some_and(char::is_uppercase) || !rules.may_be_header_label(line) {
        return None;
    }
    let h = &rules.labels.header;
    let g = &rules.genre;
    let table = [
        (HeaderLabel::Meeting, &h.meeting),
        (HeaderLabel::Date, &h.date),
        (HeaderLabel::Time, &h.time),
        (HeaderLabel::End, &g.header.end_labels),
        (HeaderLabel::Location, &h.location),
        (HeaderLabel::Body, &g.body.labels),
    ];
    let mut best: Option<(usize, HeaderLabel, &str)> = None;
    for (k, labels) in table {
        if let Some(rest) = strip_label(line, labels) {
            let used = line.len() - rest.len();
            if best.is_none_or(|(n, _, _)| used > n) {
                best = Some((used, k, rest));
            }
        }
    }
    let (_, k, rest) = best?;
    // "Møte i Fordelingsutvalget" is a title, not the label "Møte"; "Styre"
    // or "Råd" opening a sentence is no label either.
    let colon = line[..line.len() - rest.len()].contains(':');
    match k {
        HeaderLabel::Meeting if !colon && rest.split_whitespace().next().is_some_and(|w| w.chars().all(char::is_alphabetic) && !w.chars().next().is_some_and(char::is_uppercase)) => None,
        HeaderLabel::Body if !colon => None,
        _ => Some((k, rest)),
    }
}

/// Which memo header label a line carries, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MemoLabel {
    To,
    Date,
    Sak,
    SakType,
    Owner,
    Officers,
}

/// The memo label at the start of `line`, with the rest of the line.
pub fn memo_label<'a>(line: &'a str, rules: &Rules) -> Option<(MemoLabel, &'a str)> {
    let m = &rules.labels.memo;
    let table = [
        (MemoLabel::Officers, &m.officers),
        (MemoLabel::Sak, &m.sak),
        (MemoLabel::SakType, &m.sak_type),
        (MemoLabel::Owner, &m.owner),
        (MemoLabel::Date, &m.date),
        (MemoLabel::To, &m.to),
    ];
    let mut best: Option<(usize, MemoLabel, &str)> = None;
    for (kind, labels) in table {
        if let Some(rest) = strip_label(line, labels) {
            let used = line.len() - rest.len();
            if best.is_none_or(|(n, _, _)| used > n) {
                best = Some((used, kind, rest));
            }
        }
    }
    best.map(|(_, k, r)| (k, r))
}

/// What a participant list heading says of the people under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub role: Role,
    /// The heading states attendance: `Some(true)` present, `Some(false)`
    /// absent, `None` as the document kind says.
    pub present: Option<bool>,
    /// The organisation the people under it belong to ("Fra ViG:").
    pub organisation: Option<String>,
    /// The position the heading gives ("Referenter" → "Referent").
    pub function: Option<String>,
    /// The list names organisations, not people.
    pub organisations_only: bool,
    /// Role given only when a person's line states none (a list with no
    /// role of its own, such as "Andre").
    pub weak_role: bool,
}

impl Section {
    fn new(role: Role, present: Option<bool>) -> Section {
        Section { role, present, organisation: None, function: None, organisations_only: false, weak_role: false }
    }
}

/// If `line` opens a participant list: the section and the rest of the line.
pub fn participant_heading<'a>(line: &'a str, rules: &Rules) -> Option<(Section, &'a str)> {
    let line = line.trim();
    if !rules.may_be_participant_heading(line) {
        return None;
    }
    let p = &rules.labels.participants;
    let g = &rules.genre.participants;
    // "Foreninger som ikke var tilstede: …" lists organisations.
    if let Some(rest) = strip_label(line, &g.organisation_lists) {
        if let Some((_, after)) = rest.split_once(':') {
            let mut s = Section::new(Role::Member, Some(false));
            s.organisations_only = true;
            return Some((s, after.trim()));
        }
    }
    let table: [(&Vec<String>, Section); 9] = [
        (&p.absent, Section::new(Role::Member, Some(false))),
        (&p.present, Section::new(Role::Member, Some(true))),
        (&p.members, Section::new(Role::Member, None)),
        (&p.substitute, Section::new(Role::Substitute, None)),
        (&p.observer, Section::new(Role::Observer, None)),
        (&p.other, Section { weak_role: true, ..Section::new(Role::Other, None) }),
        (&p.secretariat, Section::new(Role::Secretariat, None)),
        (&g.minute_takers, Section { function: Some(g.minute_taker_function.clone()), ..Section::new(Role::Secretariat, Some(true)) }),
        (&g.signatories, Section { function: Some(g.signatory_function.clone()), ..Section::new(Role::Other, None) }),
    ];
    let mut best: Option<(usize, Section, &str)> = None;
    for (labels, section) in table {
        if let Some(rest) = strip_label(line, labels) {
            let used = line.len() - rest.len();
            if best.as_ref().is_none_or(|(n, _, _)| used > *n) {
                best = Some((used, section, rest));
            }
        }
    }
    if let Some((used, s, rest)) = best {
        let colon = line[..used].contains(':');
        // A heading stands alone, ends in a colon, or is followed by a
        // name; "Medlemmer av styret har …" is a sentence.
        let sentence = !colon && !rest.is_empty() && rest.split_whitespace().next().is_some_and(|w| w.chars().next().is_some_and(char::is_lowercase));
        if sentence {
            return None;
        }
        // "Andre Kramer Orten": a given name that is also a heading word,
        // followed by a surname, is a person.
        let head = line[..used].trim().trim_end_matches(':');
        if !colon && !rest.is_empty() && head.split_whitespace().count() == 1 && rules.is_given_name(head) && rest.split_whitespace().count() <= 3 && rest.split_whitespace().all(|w| w.chars().next().is_some_and(char::is_uppercase)) && !rest.contains('(') {
            return None;
        }
        // A minute-taker's position as printed ("Sekretær",
        // "Protokollfører"); a plural heading gives its singular, the
        // shortest listed word it starts with ("Referenter" → "Referent").
        let s = if s.function.as_deref() == Some(rules.genre.participants.minute_taker_function.as_str()) {
            let printed = rules
                .genre
                .participants
                .minute_takers
                .iter()
                .map(|w| w.trim_end_matches(':'))
                .filter(|w| head.get(..w.len()).is_some_and(|h| eq_fold(h, w)))
                .min_by_key(|w| w.len())
                .map(|w| &head[..w.len()]);
            match printed {
                Some(p) if !p.chars().skip(1).any(char::is_lowercase) && p.chars().count() > 1 => {
                    // An uppercase heading ("SEKRETÆR"): the word capitalised.
                    let mut c = p.chars();
                    let first: String = c.next().into_iter().collect();
                    Section { function: Some(first + &c.as_str().to_lowercase()), ..s }
                }
                Some(p) => Section { function: Some(p.to_string()), ..s },
                None => s,
            }
        } else {
            s
        };
        // "Medlemmer Til stede" on one line: the inner heading decides.
        if let Some((inner, rest2)) = (!rest.is_empty()).then(|| participant_heading(rest, rules)).flatten() {
            return Some((inner, rest2));
        }
        return Some((s, rest));
    }
    // "Fra ViG:", "Fra administrasjonen møtte:": staff of an organisation.
    if let Some(rest) = strip_label(line, &g.from_words) {
        let head = &line[..line.len() - rest.len()];
        let (org, after) = match head.trim_end().strip_suffix(':') {
            Some(_) => ("", rest),
            None => match rest.split_once(':') {
                Some((o, a)) if o.split_whitespace().count() <= 4 => (o.trim(), a.trim()),
                _ => return None,
            },
        };
        let mut s = Section::new(Role::Secretariat, Some(true));
        let generic = strip_label(head.trim_end_matches(':').trim(), &g.from_words).is_some_and(|r| r.is_empty()) && head.split_whitespace().count() > 1;
        if !org.is_empty() && !generic && org.chars().next().is_some_and(char::is_uppercase) {
            s.organisation = Some(org.to_string());
        }
        if head.split_whitespace().count() == 1 && org.is_empty() {
            return None; // "Fra:" alone is a letter's sender
        }
        return Some((s, after));
    }
    None
}

/// The secretariat's name as a heading (possibly wrapped over two lines):
/// the name and the rest of the line.
pub fn secretariat_heading<'a>(joined: &'a str, rules: &'a Rules) -> Option<(&'a str, &'a str)> {
    rules.bodies.secretariat.names.iter().find_map(|name| strip_label(joined, std::slice::from_ref(name)).map(|rest| (name.as_str(), rest)))
}

/// Which decision field a label opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionLabel {
    Proposed,
    Decision,
}

/// A proposal or decision label opening `line` (alone, or followed by a
/// colon and the text), and the text after it. Besides the listed labels,
/// a short label ending in "innstilling" or "vedtak" counts
/// ("Formannskapets innstilling:", "KST-vedtak:").
pub fn decision_label<'a>(line: &'a str, rules: &Rules) -> Option<(DecisionLabel, &'a str)> {
    // A label stands alone on its line or ends in a colon: a long line
    // without one is running text.
    if !line.contains(':') && line.split_whitespace().nth(6).is_some() {
        return None;
    }
    let d = &rules.genre.decisions;
    let legacy = &rules.labels.decisions;
    let listed = |labels: &[String], extra: &[String], owned: bool| -> Option<&'a str> {
        let rest = strip_label(line, labels).or_else(|| strip_label(line, extra))?;
        let colon = line[..line.len() - rest.len()].contains(':');
        if rest.is_empty() || colon {
            return Some(rest);
        }
        // "Vedtak i Kommunestyret - 12.02.2024:": a decision's label names
        // whose it is, then a colon. (A proposal's does not count:
        // "Forslag fra SP: …" in the debate is no proposed decision.)
        if !owned {
            return None;
        }
        let (owner, value) = rest.split_once(':')?;
        let of = owner.split_whitespace().next().is_some_and(|w| matches!(w, "i" | "av" | "for"));
        (of && owner.split_whitespace().count() <= 7).then_some(value.trim_start())
    };
    let prop = listed(&d.proposed, &legacy.proposed, false);
    let dec = listed(&d.decision, &legacy.decision, true);
    match (prop, dec) {
        (Some(p), Some(v)) => {
            // The longer label wins ("Forslag til vedtak" over "Forslag").
            return Some(if p.len() <= v.len() { (DecisionLabel::Proposed, p) } else { (DecisionLabel::Decision, v) });
        }
        (Some(p), None) => return Some((DecisionLabel::Proposed, p)),
        (None, Some(v)) => return Some((DecisionLabel::Decision, v)),
        (None, None) => {}
    }
    // "Formannskapets innstilling:", "Kommunestyrets vedtak".
    let (head, rest) = match line.split_once(':') {
        Some((h, r)) => (h.trim(), r.trim()),
        None => (line.trim(), ""),
    };
    if head.split_whitespace().count() > 4 || head.is_empty() {
        return None;
    }
    let last = head.split_whitespace().last()?.to_lowercase();
    let ends = |suffixes: &[String]| suffixes.iter().any(|s| last.ends_with(&s.to_lowercase()));
    if !head.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    if ends(&d.proposed_suffixes) {
        return Some((DecisionLabel::Proposed, rest));
    }
    if ends(&d.decision_suffixes) && (line.contains(':') || head.split_whitespace().count() <= 3) {
        return Some((DecisionLabel::Decision, rest));
    }
    None
}

/// A sentence that announces the decision or proposal printed after it
/// ("Styret fattet følgende enstemmige vedtak", "Byrådet innstiller til
/// bystyret å fatte følgende vedtak:").
pub fn opener_sentence(line: &str, rules: &Rules) -> Option<DecisionLabel> {
    // A cheap test first: the line holds the last word of some opener.
    if !rules.decision_lexicon().opener_tails.iter().any(|t| line.contains(t.as_str()) || t.char_indices().nth(1).is_some_and(|(i, _)| line.contains(&t[i..]))) {
        return None;
    }
    let t = line.trim().trim_end_matches([':', '.', ' ']).to_lowercase();
    let d = &rules.genre.decisions;
    if d.proposed_openers.iter().any(|o| t.ends_with(&o.to_lowercase())) {
        return Some(DecisionLabel::Proposed);
    }
    if d.decision_openers.iter().any(|o| t.ends_with(&o.to_lowercase())) {
        return Some(DecisionLabel::Decision);
    }
    None
}

/// Lines a table heading may spread over (one column name a line).
const TABLE_HEADING_MAX_LINES: usize = 5;

/// If an agenda table heading ("Sak Tema Sakstype", "Sak Agenda NUIT
/// Tidspunkt Sakstype", or the same one word a line) starts at `i`: how
/// many lines it takes.
pub fn agenda_table_heading(lines: &[crate::read::lines::Line], i: usize, rules: &Rules) -> Option<usize> {
    let a = &rules.labels.agenda;
    let rest = strip_label(&lines[i].text, &a.sak)?;
    if !rest.is_empty() {
        return (starts_with_topic(rest, rules) && all_column_words(rest, rules)).then_some(1);
    }
    let mut n = 1;
    while i + n < lines.len() && n < TABLE_HEADING_MAX_LINES && all_column_words(&lines[i + n].text, rules) {
        n += 1;
    }
    (n > 1 && starts_with_topic(&lines[i + 1].text, rules)).then_some(n)
}

fn starts_with_topic(text: &str, rules: &Rules) -> bool {
    strip_label(text, &rules.labels.agenda.topic).is_some()
}

/// `text` consists of column names and body names only.
fn all_column_words(text: &str, rules: &Rules) -> bool {
    let a = &rules.labels.agenda;
    let aliases = rules.body_alias_names();
    let mut rest = text.trim();
    let mut steps = 0;
    while !rest.is_empty() && steps < 12 {
        steps += 1;
        let next = [&a.topic[..], &a.time[..], &a.sak_type[..], aliases].into_iter().find_map(|l| strip_label(rest, l));
        match next {
            Some(r) if r.len() < rest.len() => rest = r,
            _ => return false,
        }
    }
    rest.is_empty()
}

/// A heading of a list of items ("Agenda", "Saksliste", "Dagsorden").
pub fn is_list_heading(line: &str, rules: &Rules) -> bool {
    is_label(line, &rules.genre.items.list_headings)
}

/// A heading of a table of contents ("Innhold", "Sideoversikt").
pub fn is_contents_heading(line: &str, rules: &Rules) -> bool {
    is_label(line, &rules.genre.kinds.contents)
}

/// "Byrådet, den 18. desember 2025", "Oslo, 18.12.2025": the line a paper
/// is signed and dated on, and its date.
pub fn signed_date(line: &str, rules: &Rules) -> Option<crate::dates::Date> {
    let (who, when) = line.split_once(',')?;
    let who_ok = who.split_whitespace().count() <= 4 && who.chars().next().is_some_and(char::is_uppercase) && !who.chars().any(|c| c.is_ascii_digit());
    let when = when.trim();
    if !who_ok {
        return None;
    }
    crate::dates::parse_date(when.strip_prefix("den ").unwrap_or(when), None, rules).ok()
}

/// Whether `word` is one of `words`, case-insensitively.
pub fn is_one_of(word: &str, words: &[String]) -> bool {
    words.iter().any(|w| eq_fold(w, word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn participant_headings() {
        let r = Rules::embedded();
        let h = |l: &str| participant_heading(l, &r).map(|(s, rest)| (s.role, s.present, s.organisation, s.function, rest.to_string()));
        assert_eq!(h("Tilstede:"), Some((Role::Member, Some(true), None, None, String::new())));
        assert_eq!(h("Forfall: Per Hansen"), Some((Role::Member, Some(false), None, None, "Per Hansen".into())));
        assert_eq!(h("Fra ViG:"), Some((Role::Secretariat, Some(true), Some("ViG".into()), None, String::new())));
        assert_eq!(h("Fra adm. (ev. andre):").map(|x| (x.0, x.2)), Some((Role::Secretariat, None)));
        assert_eq!(h("Referent: Joakim Lindquister").map(|x| (x.0, x.3, x.4)), Some((Role::Secretariat, Some("Referent".into()), "Joakim Lindquister".into())));
        // The position as printed, singular.
        assert_eq!(h("Referenter:").and_then(|x| x.3), Some("Referent".into()));
        assert_eq!(h("Sekretær: Trine Vik").and_then(|x| x.3), Some("Sekretær".into()));
        assert_eq!(h("PROTOKOLLFØRER:").and_then(|x| x.3), Some("Protokollfører".into()));
        assert_eq!(h("Signert av paraferer").map(|x| (x.0, x.3)), Some((Role::Other, Some("Parafer".into()))));
        assert!(participant_heading("Foreninger som ikke var tilstede: Ifi-avis, PING og Mikro.", &r).unwrap().0.organisations_only);
        assert_eq!(h("Medlemmer av styret har fått saken"), None);
        assert_eq!(h("Fra: Kari Nordmann"), None);
        assert_eq!(h("Andre Kramer Orten"), None);
        assert_eq!(h("Andre: Kari Nordmann").map(|x| x.0), Some(Role::Other));
    }

    #[test]
    fn decision_labels() {
        let r = Rules::embedded();
        let d = |l: &str| decision_label(l, &r).map(|(k, rest)| (k, rest.to_string()));
        assert_eq!(d("Forslag til vedtak:"), Some((DecisionLabel::Proposed, String::new())));
        assert_eq!(d("Rådmannens innstilling:"), Some((DecisionLabel::Proposed, String::new())));
        assert_eq!(d("Formannskapets vedtak: Saken utsettes."), Some((DecisionLabel::Decision, "Saken utsettes.".into())));
        assert_eq!(d("KST-vedtak:"), Some((DecisionLabel::Decision, String::new())));
        assert_eq!(d("Vedtak:"), Some((DecisionLabel::Decision, String::new())));
        assert_eq!(d("Forslag"), Some((DecisionLabel::Proposed, String::new())));
        assert_eq!(d("Vedtak fra tidligere behandlinger"), None);
        assert_eq!(d("Forslag 3: På lik linje"), None);
        assert_eq!(opener_sentence("Styret fattet følgende enstemmige vedtak", &r), Some(DecisionLabel::Decision));
        assert_eq!(opener_sentence("Byrådet innstiller til bystyret å fatte følgende vedtak:", &r), Some(DecisionLabel::Proposed));
    }

    #[test]
    fn header_labels() {
        let r = Rules::embedded();
        assert_eq!(header_label("Møtedato: 16.03.05", &r), Some((HeaderLabel::Date, "16.03.05")));
        assert_eq!(header_label("Avsluttet: 21.30", &r), Some((HeaderLabel::End, "21.30")));
        assert_eq!(header_label("Utvalg: Kommunestyret", &r), Some((HeaderLabel::Body, "Kommunestyret")));
        assert_eq!(header_label("Møte 6/2021", &r), Some((HeaderLabel::Meeting, "6/2021")));
        assert_eq!(header_label("Møte i Fordelingsutvalget", &r), None);
        assert_eq!(header_label("Styret fattet følgende vedtak", &r), None);
    }
}
