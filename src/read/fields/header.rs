//! The meeting header of an agenda or minutes: number, date, times, place
//! and body, labelled (`Dato: 14.03.2019`, `Tid`, `Møtested`, `Møte nr.
//! 2/2019`, `Utvalg:`, `Avsluttet`) or not (a date in the title, a date line
//! under it — `1. April 2016, kl. 16:15 på Scheme` —, `Møtet ble hevet kl.
//! 14:25` anywhere). A date in running text is never the meeting date: only
//! the title, the lines of the header and sentences about the meeting
//! itself are read.

use crate::dates::{find_date, find_time_range, parse_date, parse_time_range, Time};
use crate::model::Meeting;
use crate::read::lexicon::labels::{self, HeaderLabel};
use crate::read::lexicon::{ident, sak, titles};
use crate::read::lines::{join_lines, Line};
use crate::read::Cx;
use crate::rules::labels::find_word;

/// Lines after the title searched for an unlabelled date line.
const DATE_LINE_WINDOW: usize = 4;

/// What the header gave.
#[derive(Debug, Default)]
pub struct Header {
    pub meeting: Meeting,
    /// The body named by a label ("Utvalg: Kommunestyret").
    pub body: Option<String>,
    /// Lines after the title the header took.
    pub used: usize,
    /// Labels met that no rule knows.
    pub unknown_labels: Vec<String>,
}

/// Read the header of a meeting document. `title` is the title block,
/// `rest` the lines after it, `all` the whole document (for the end time).
pub fn read_header(title: &[Line], rest: &[Line], cx: &Cx) -> Header {
    let rules = cx.rules;
    let title_lines: Vec<&str> = title.iter().map(|l| l.text.as_str()).collect();
    let title_text = join_lines(&title_lines);
    let mut h = Header { meeting: Meeting { extraordinary: titles::is_extraordinary(&title_text, rules), ..Meeting::default() }, ..Header::default() };
    let labelled = labelled_fields(rest, cx, &mut h);
    let m = &mut h.meeting;
    for (k, v) in &labelled {
        let text = join_lines(v);
        if text.is_empty() {
            continue;
        }
        match k {
            HeaderLabel::Meeting => {
                if let Some((s, _)) = sak::find_sak(&text) {
                    m.label = Some(s.printed);
                    m.number = Some(s.number);
                    m.year = Some(s.year);
                } else if let Some((d, _)) = find_date(&text, None, rules) {
                    // "Møte 31.01.00": the meeting's date under the label.
                    m.date.get_or_insert(d.to_string());
                } else if let Some(n) = text.trim_start_matches(['n', 'r', '.', ' ']).split_whitespace().next().and_then(|w| w.trim_end_matches(['.', ',']).parse::<u32>().ok()) {
                    m.label = Some(n.to_string());
                    m.number = Some(n);
                }
            }
            HeaderLabel::Location => m.location = Some(text),
            HeaderLabel::Time => {
                if let Some((start, end)) = parse_time_range(&text).or_else(|| compact_time_range(&text)) {
                    m.start_time = Some(start.to_string());
                    m.end_time = end.map(|e| e.to_string());
                }
            }
            HeaderLabel::End => {
                if let Some((t, _)) = parse_time_range(&text) {
                    m.end_time = Some(t.to_string());
                }
            }
            HeaderLabel::Body => h.body = Some(titles::known_body(&text, rules).unwrap_or(text)),
            HeaderLabel::Date => {}
        }
    }
    // The date last: its year may come from the meeting label.
    if let Some((_, v)) = labelled.iter().find(|(k, _)| *k == HeaderLabel::Date) {
        let text = join_lines(v);
        let date = parse_date(&text, m.year, rules).ok().or_else(|| find_date(&text, m.year, rules).map(|(d, _)| d));
        m.date = date.map(|d| d.to_string());
        // A time printed with the date ("8. april 2022 kl. 08.00–10.00").
        if m.start_time.is_none() && text.to_lowercase().contains("kl") {
            set_times(m, &text);
        }
    }
    // Unlabelled: a date in the title, or on a line of its own under it.
    if m.date.is_none() {
        let from_title = title.iter().enumerate().find_map(|(i, l)| find_date(&l.text, m.year, rules).map(|d| (i, d)));
        let date_line = from_title.map(|(i, (d, r))| (join_lines(&title_lines[i..]), d, r.start)).or_else(|| {
            rest.iter().take(DATE_LINE_WINDOW).enumerate().find_map(|(i, l)| {
                if i > 0 && is_structure(&l.text, cx) {
                    return None;
                }
                let (d, r) = find_date(&l.text, m.year, rules)?;
                // The date opens the line (after a weekday), or the line
                // says the meeting was held then.
                let head = l.text[..r.start].trim();
                let opens = head.split_whitespace().all(|w| rules.is_weekday(w));
                let held = rules.genre.header.held_phrases.iter().any(|p| find_word(&l.text, p).is_some());
                (opens || held).then(|| (l.text.clone(), d, r.start))
            })
        });
        if let Some((line, d, at)) = date_line {
            m.date = Some(d.to_string());
            let after = &line[at..];
            if m.start_time.is_none() {
                set_times(m, after);
            }
            if m.location.is_none() {
                m.location = place_after(after, cx);
            }
        }
    }
    if m.end_time.is_none() {
        m.end_time = ended_at(rest, cx).map(|t| t.to_string());
    }
    if m.start_time.is_none() {
        // Minutes whose headings carry time stamps start at the first.
        m.start_time = rest.iter().find_map(|l| ident::leading_ident(&l.text, rules).and_then(|(i, _)| i.time).or_else(|| stamped_heading(&l.text))).map(|t| t.to_string());
    }
    h
}

/// "[16:30] Velkommen v/leder": a heading with a time stamp and no number.
fn stamped_heading(text: &str) -> Option<Time> {
    let t = text.strip_prefix('[')?;
    let (time, rest) = t.split_once(']')?;
    if rest.trim().is_empty() {
        return None;
    }
    crate::dates::parse_time(time)
}

/// Start and end from a text with a time range ("kl. 16:15", "klokka 13",
/// "10:00-15:30").
fn set_times(m: &mut Meeting, text: &str) {
    if let Some(((start, end), _)) = find_time_range(text) {
        m.start_time = Some(start.to_string());
        if m.end_time.is_none() {
            m.end_time = end.map(|e| e.to_string());
        }
    }
}

/// "Kl. 0900 – 1430": four-digit times.
fn compact_time_range(text: &str) -> Option<(Time, Option<Time>)> {
    let digits: Vec<&str> = text.split(|c: char| !c.is_ascii_digit()).filter(|w| w.len() == 4).collect();
    let time = |w: &str| Time::new(w[..2].parse().ok()?, w[2..].parse().ok()?);
    let start = time(digits.first()?)?;
    Some((start, digits.get(1).and_then(|w| time(w))))
}

/// The place in a date line: the words after "på" ("… kl. 16:15 på
/// Scheme", "klokka 13 på Klosterøya eller per telefon"), to the end of
/// the sentence.
fn place_after(text: &str, cx: &Cx) -> Option<String> {
    for w in &cx.rules.genre.header.place_words {
        if let Some(at) = find_word(text, w) {
            let place = text[at + w.len()..].split(['.', ';']).next().unwrap_or("").trim().trim_end_matches(',').trim();
            if !place.is_empty() && place.split_whitespace().count() <= 8 && place.chars().next().is_some_and(char::is_uppercase) {
                return Some(place.to_string());
            }
        }
    }
    None
}

/// "Møtet ble hevet kl. 14:25", "Generalforsamlingen heves klokken 01:02.":
/// the last sentence of the document that says the meeting ended and when.
fn ended_at(lines: &[Line], cx: &Cx) -> Option<Time> {
    let phrases = &cx.rules.genre.header.end_phrases;
    lines.iter().rev().find_map(|l| {
        let t = &l.text;
        if t.len() > 160 || !phrases.iter().any(|p| find_word(t, p).is_some()) {
            return None;
        }
        let ((time, _), _) = find_time_range(t)?;
        Some(time)
    })
}

/// A line that opens another part of the document: a participant heading,
/// an item, a list heading, a decision label.
fn is_structure(text: &str, cx: &Cx) -> bool {
    let r = cx.rules;
    labels::participant_heading(text, r).is_some()
        || labels::is_list_heading(text, r)
        || labels::decision_label(text, r).is_some()
        || ident::leading_ident(text, r).is_some_and(|(_, t)| !t.is_empty())
}

/// The labelled fields at the start of `lines`, each label with its value
/// lines (on the label's line or the lines below it).
fn labelled_fields<'a>(lines: &'a [Line], cx: &Cx, h: &mut Header) -> Vec<(HeaderLabel, Vec<&'a str>)> {
    let mut values: Vec<(HeaderLabel, Vec<&str>)> = Vec::new();
    let mut used = 0;
    for (i, line) in lines.iter().enumerate() {
        let awaiting_value = values.last().is_some_and(|(_, v)| v.is_empty());
        if is_structure(&line.text, cx) && !awaiting_value {
            break;
        }
        if let Some((k, rest)) = labels::header_label(&line.text, cx.rules) {
            if values.iter().any(|(seen, _)| *seen == k) {
                break; // a second Dato belongs to something else
            }
            // "Møtedato: 05.03.2024  Tid: 09:00": several labelled values on
            // one line.
            let mut pairs = vec![(k, rest)];
            while let Some((value, next, after)) = pairs.last().and_then(|(_, v)| inline_label(v, cx)) {
                if pairs.iter().any(|(seen, _)| *seen == next) || values.iter().any(|(seen, _)| *seen == next) {
                    break;
                }
                if let Some(last) = pairs.last_mut() {
                    last.1 = value;
                }
                pairs.push((next, after));
            }
            for (k, rest) in pairs {
                values.push((k, if rest.is_empty() { vec![] } else { vec![rest] }));
            }
        } else if let Some((k, v)) = values.last_mut() {
            // Møte, Dato and Tid hold one short value; a further "Label
            // value" line after them is a label the rules do not know.
            if !v.is_empty() && *k != HeaderLabel::Location {
                if let Some(label) = unknown_label(&line.text) {
                    h.unknown_labels.push(label);
                    used = i + 1;
                    continue;
                }
                break;
            }
            if !v.is_empty() && line.text.split_whitespace().count() > 8 {
                break; // running text after the place
            }
            v.push(&line.text);
        } else if i >= 2 {
            break;
        } else {
            // A line before the first label (a subtitle) is no header.
            continue;
        }
        used = i + 1;
    }
    h.used = used;
    values
}

/// A header label with a colon inside a value, after a space: (the value
/// before it, the label, the value after it).
fn inline_label<'a>(value: &'a str, cx: &Cx) -> Option<(&'a str, HeaderLabel, &'a str)> {
    let mut from = 0;
    while let Some(at) = value[from..].find(char::is_whitespace).map(|p| from + p) {
        let start = at + value[at..].len() - value[at..].trim_start().len();
        if start >= value.len() {
            return None;
        }
        let candidate = &value[start..];
        if candidate.starts_with(char::is_uppercase) {
            if let Some((k, after)) = labels::header_label(candidate, cx.rules) {
                let label_part = &candidate[..candidate.len() - after.len()];
                if label_part.contains(':') {
                    return Some((value[..at].trim_end(), k, after));
                }
            }
        }
        from = start;
    }
    None
}

/// "Lokasjon Bergen": a capitalised word followed by a value.
fn unknown_label(line: &str) -> Option<String> {
    let mut words = line.split_whitespace();
    let first = words.next()?.trim_end_matches(':');
    let rest = words.next();
    let shaped = first.chars().next().is_some_and(char::is_uppercase)
        && first.chars().all(|c| c.is_alphabetic() || c == '-')
        && first.chars().count() >= 3
        && rest.is_some()
        && line.split_whitespace().count() <= 6;
    shaped.then(|| first.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::lines::lines_of;
    use crate::rules::Rules;

    fn header(text: &str, title_lines: usize) -> Meeting {
        let rules = Rules::embedded();
        let cx = Cx::new(&rules);
        let lines = lines_of(text, 1);
        read_header(&lines[..title_lines], &lines[title_lines..], &cx).meeting
    }

    #[test]
    fn labelled_header() {
        let m = header("MØTEPROTOKOLL\nUtvalg: Kommunestyret\nMøtedato: 16.03.05\nTid: 18.00\nAvsluttet: 21.30\nTilstede på møtet\n", 1);
        assert_eq!((m.date.as_deref(), m.start_time.as_deref(), m.end_time.as_deref()), (Some("2005-03-16"), Some("18:00"), Some("21:30")));
        let m = header("Møte i NUIT\nMøte nr. 2/2019\nDato: 14.03.2019\nKl. 0900 – 1430\nSted: Oslo\n", 1);
        assert_eq!((m.label.as_deref(), m.number, m.year), (Some("2/2019"), Some(2), Some(2019)));
        assert_eq!(m.date.as_deref(), Some("2019-03-14"));
        // Several labels on one line, and a value with a colon-less word in it.
        let m = header("Møtebok\nUtvalg: Formannskapet\nMøtedato: 05.03.2024  Tid: 09:00 Sted: Formannskapssalen\n", 1);
        assert_eq!((m.date.as_deref(), m.start_time.as_deref(), m.location.as_deref()), (Some("2024-03-05"), Some("09:00"), Some("Formannskapssalen")));
        let m = header("Møtebok\nMøtested: Tid og Rom kafé\nDato: 05.03.2024\n", 1);
        assert_eq!(m.location.as_deref(), Some("Tid og Rom kafé"));
    }

    #[test]
    fn date_in_the_title_or_on_a_line_of_its_own() {
        let m = header("Referat fra Fordelingsutvalgmøte fredag 16. mars 2012\nTid: 14:15 - 16:00\nSted: Awk (Rom 3118)\n", 1);
        assert_eq!((m.date.as_deref(), m.start_time.as_deref(), m.end_time.as_deref(), m.location.as_deref()), (Some("2012-03-16"), Some("14:15"), Some("16:00"), Some("Awk (Rom 3118)")));
        let m = header("Møte i Fordelingsutvalget\n1. April 2016, kl. 16:15 på Scheme\nTilstede:\n", 1);
        assert_eq!((m.date.as_deref(), m.start_time.as_deref(), m.location.as_deref()), (Some("2016-04-01"), Some("16:15"), Some("Scheme")));
        assert_eq!(m.number, None);
        let m = header("OFFENTLIG HOVEDUTSKRIFT\nKOMMUNESTYRET\nMøte 31.01.00\nFraværende :\n", 2);
        assert_eq!(m.date.as_deref(), Some("2000-01-31"));
    }

    #[test]
    fn end_time_from_a_sentence_and_running_dates_ignored() {
        let m = header("Møte i Fordelingsutvalget\n9. oktober 2015 kl 12:15\nTil stede:\nKari Nordmann\n1. Godkjenning\nVi møtes igjen 2. november 2015.\nMøtet hevet kl. 14.23\n", 1);
        assert_eq!((m.date.as_deref(), m.start_time.as_deref(), m.end_time.as_deref()), (Some("2015-10-09"), Some("12:15"), Some("14:23")));
        let m = header("GenVORS 2023 - Referat\nReferenter\nMagnus og Johanna\nVi møtes 2. oktober aka førstkommende mandag.\n", 1);
        assert_eq!(m.date, None);
    }

    #[test]
    fn a_sentence_in_the_title_block_gives_time_and_place() {
        let m = header("Protokoll fra ekstraordinært styremøte 9. mars 2015\nProtokoll fra ekstraordinært styremøtet 9. mars 2015 klokka 13 på Klosterøya eller per\ntelefon\nTilstede:\n", 3);
        assert!(m.extraordinary);
        assert_eq!((m.date.as_deref(), m.start_time.as_deref(), m.location.as_deref()), (Some("2015-03-09"), Some("13:00"), Some("Klosterøya eller per telefon")));
    }
}
