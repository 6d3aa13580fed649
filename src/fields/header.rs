//! The meeting header of an agenda or minutes: Møte / Dato / Tid / Sted,
//! each label followed by its value on the same line or the lines below.

use crate::model::Meeting;
use crate::rules::labels::strip_label;
use crate::rules::Rules;
use crate::text::{join_lines, Line};

use super::sak::find_sak;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeaderLabel {
    Meeting,
    Date,
    Time,
    Location,
}

fn header_label<'a>(line: &'a str, rules: &Rules) -> Option<(HeaderLabel, &'a str)> {
    let h = &rules.labels.header;
    [
        (HeaderLabel::Meeting, &h.meeting),
        (HeaderLabel::Date, &h.date),
        (HeaderLabel::Time, &h.time),
        (HeaderLabel::Location, &h.location),
    ]
    .into_iter()
    .find_map(|(k, labels)| strip_label(line, labels).map(|rest| (k, rest)))
}

/// Parse the header that follows the title. `lines` starts just after the
/// title; `stop` says where the header ends (participants or agenda).
/// Returns the meeting and the number of lines the header used.
pub fn parse_header(lines: &[Line], extraordinary: bool, rules: &Rules, stop: impl Fn(usize) -> bool) -> Header {
    let mut meeting = Meeting { extraordinary, ..Meeting::default() };
    let mut unknown_labels = Vec::new();
    let mut values: Vec<(HeaderLabel, Vec<&str>)> = Vec::new();
    let mut used = 0;
    for (i, line) in lines.iter().enumerate() {
        let awaiting_value = values.last().is_some_and(|(_, v)| v.is_empty());
        if stop(i) && !awaiting_value {
            break;
        }
        if let Some((k, rest)) = header_label(&line.text, rules) {
            if values.iter().any(|(seen, _)| *seen == k) {
                break; // a second Dato belongs to something else
            }
            values.push((k, if rest.is_empty() { vec![] } else { vec![rest] }));
        } else if let Some((k, v)) = values.last_mut() {
            // Møte, Dato and Tid hold one short value; a further "Label
            // value" line after them is a label the rules do not know.
            if !v.is_empty() && *k != HeaderLabel::Location {
                if let Some(label) = unknown_label(&line.text) {
                    unknown_labels.push(label);
                    used = i + 1;
                    continue;
                }
            }
            v.push(&line.text);
        } else if i >= 2 {
            break;
        }
        used = i + 1;
    }
    for (k, v) in &values {
        let text = join_lines(v);
        if text.is_empty() {
            continue;
        }
        match k {
            HeaderLabel::Meeting => {
                if let Some((sak, _)) = find_sak(&text) {
                    meeting.label = Some(sak.printed);
                    meeting.number = Some(sak.number);
                    meeting.year = Some(sak.year);
                }
            }
            HeaderLabel::Location => meeting.location = Some(text),
            HeaderLabel::Time => {
                if let Some((start, end)) = crate::dates::parse_time_range(&text) {
                    meeting.start_time = Some(start.to_string());
                    meeting.end_time = end.map(|e| e.to_string());
                }
            }
            HeaderLabel::Date => {}
        }
    }
    // The date last: its year may come from the meeting label.
    if let Some((_, v)) = values.iter().find(|(k, _)| *k == HeaderLabel::Date) {
        let text = join_lines(v);
        let date = crate::dates::parse_date(&text, meeting.year, rules)
            .ok()
            .or_else(|| crate::dates::find_date(&text, meeting.year, rules).map(|(d, _)| d));
        meeting.date = date.map(|d| d.to_string());
        // A time printed with the date ("8. april 2022 kl. 08.00–10.00").
        if meeting.start_time.is_none() && text.to_lowercase().contains("kl") {
            if let Some((start, end)) = crate::dates::parse_time_range(&text) {
                meeting.start_time = Some(start.to_string());
                meeting.end_time = end.map(|e| e.to_string());
            }
        }
    }
    Header { meeting, used, unknown_labels }
}

/// What the header gave.
pub struct Header {
    pub meeting: Meeting,
    /// Lines the header took.
    pub used: usize,
    /// Labels met that no rule knows.
    pub unknown_labels: Vec<String>,
}

/// "Lokasjon Bergen": a capitalised word followed by a value.
fn unknown_label(line: &str) -> Option<String> {
    let mut words = line.split_whitespace();
    let first = words.next()?.trim_end_matches(':');
    let rest = words.next();
    let shaped = first.chars().next().is_some_and(char::is_uppercase)
        && first.chars().all(|c| c.is_alphabetic() || c == '-')
        && first.chars().count() >= 3
        && rest.is_some();
    shaped.then(|| first.to_string())
}
