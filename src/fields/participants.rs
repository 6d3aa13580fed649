//! Participant lists: members, attendance, observers, substitutes and the
//! secretariat's staff, in the one- or two-column layouts of the genre.
//!
//! Lines are first merged into entries (a person's organisation or note can
//! wrap onto the next line), then an entry holding two people (a grid read
//! row by row) is split, then each person is read.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::{Attendance, Participant, Role};
use crate::rules::labels::{eq_fold, find_word, strip_label};
use crate::rules::Rules;
use crate::text::{join_lines, push_joined, Line};

/// The list a section heading opens.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub role: Role,
    /// `None`: as the document kind says (present in minutes, null in agendas).
    pub absent: bool,
    /// The secretariat's name, for staff listed under it.
    pub organisation: Option<String>,
}

/// If the line (or the line with the next one, for a wrapped heading) opens
/// a participant section: the section, the rest of the line after the
/// heading, and the number of lines the heading used.
pub fn section_heading(lines: &[Line], i: usize, rules: &Rules) -> Option<(Section, String, usize)> {
    let p = &rules.labels.participants;
    let line = lines[i].text.as_str();
    let table: [(&Vec<String>, Role, bool); 7] = [
        (&p.absent, Role::Member, true),
        (&p.present, Role::Member, false),
        (&p.members, Role::Member, false),
        (&p.substitute, Role::Substitute, false),
        (&p.observer, Role::Observer, false),
        (&p.other, Role::Other, false),
        (&p.secretariat, Role::Secretariat, false),
    ];
    let mut best: Option<(usize, Section, &str)> = None;
    for (labels, role, absent) in table {
        if let Some(rest) = strip_label(line, labels) {
            let used = line.len() - rest.len();
            if best.as_ref().is_none_or(|(n, _, _)| used > *n) {
                best = Some((used, Section { role, absent, organisation: None }, rest));
            }
        }
    }
    if let Some((_, s, rest)) = best {
        // "Medlemmer" followed by "Til stede" on the same line.
        if let Some((inner, rest2, _)) = (!rest.is_empty()).then(|| section_heading(&[Line::new(rest, 0)], 0, rules)).flatten() {
            return Some((inner, rest2, 1));
        }
        return Some((s, rest.to_string(), 1));
    }
    // The secretariat's name as a heading, possibly wrapped over two lines.
    for span in 1..=2usize {
        if i + span > lines.len() {
            break;
        }
        let parts: Vec<&str> = lines[i..i + span].iter().map(|l| l.text.as_str()).collect();
        let joined = join_lines(&parts);
        for name in &rules.bodies.secretariat.names {
            if let Some(rest) = strip_label(&joined, std::slice::from_ref(name)) {
                // A wrapped heading must be the heading alone.
                if span == 2 && !rest.is_empty() {
                    continue;
                }
                let section = Section { role: Role::Secretariat, absent: false, organisation: Some(name.clone()) };
                return Some((section, rest.to_string(), span));
            }
        }
    }
    None
}

static NAME: &str = r"[A-ZÆØÅÄÖÜÉ][\p{L}'’.-]*(?:\s+(?:[A-ZÆØÅÄÖÜÉ][\p{L}'’.-]*|von|van|de|af|av))*\s+[A-ZÆØÅÄÖÜÉ][\p{L}'’.-]*";

// A second person in the same entry: a name and an opening parenthesis
// after a closed one ("… (KS) Ole Johan Kvan (Helse Sør-Øst RHF)").
static NEXT_PERSON: LazyLock<Regex> = LazyLock::new(|| Regex::new(&format!(r"\)[^()]*?\s(?P<name>{NAME})\s*\(")).expect("valid regex"));
static SUBSTITUTE_FOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?:,\s*)?\b(?:stiller\s+|møter\s+)?for\s+(?P<for>{NAME})")).expect("valid regex"));
static PERSON: LazyLock<Regex> = LazyLock::new(|| Regex::new(&format!(r"^(?P<name>{NAME})\s*(?:\((?P<org>[^()]*)\)|,\s*(?P<org2>[^,–]+?)\s*(?:,|$))?(?P<note>.*)$")).expect("valid regex"));
static SINGLE_WORD_THEN_PAREN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[\p{L}'’.-]+\s*\(").expect("valid regex"));

/// Read the entries of one section (the text after the heading and the
/// following lines up to the next heading).
pub fn read_section(section: &Section, lines: &[(String, u32)], in_minutes: bool, rules: &Rules) -> Vec<Participant> {
    let mut out = Vec::new();
    for (entry, page) in merge_entries(lines) {
        for person in split_people(&entry) {
            if let Some(p) = read_person(&person, section, in_minutes, *page, rules) {
                out.push(p);
            }
        }
    }
    out
}

/// Merge wrapped lines into one entry per person (or per grid row).
fn merge_entries(lines: &[(String, u32)]) -> Vec<(String, &u32)> {
    let mut out: Vec<(String, &u32)> = Vec::new();
    for (line, page) in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let continues = match out.last() {
            None => false,
            Some((prev, _)) => continues_entry(prev, line),
        };
        if continues {
            if let Some((prev, _)) = out.last_mut() {
                push_joined(prev, line);
            }
        } else {
            out.push((line.to_string(), page));
        }
    }
    out
}

fn continues_entry(prev: &str, line: &str) -> bool {
    let open = prev.matches('(').count() > prev.matches(')').count();
    let first = line.chars().next().unwrap_or(' ');
    let prev_trail = prev.trim_end();
    let dangling = prev_trail.ends_with(['–', '-', ',', '/'])
        || prev_trail.ends_with(" kl.")
        || prev_trail.ends_with(" deltok")
        || prev_trail.ends_with(" for")
        || prev_trail.ends_with(" fra");
    let no_org_yet = !prev.contains('(') && !prev.contains(',');
    open
        || dangling
        || first == '('
        || first.is_lowercase()
        || first.is_ascii_digit()
        || first == '–'
        || (no_org_yet && prev.contains(" for ") && SINGLE_WORD_THEN_PAREN.is_match(line))
}

/// Split an entry holding several people (a grid row read across).
fn split_people(entry: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = entry;
    while let Some(c) = NEXT_PERSON.captures(rest) {
        let at = c.name("name").expect("group").start();
        out.push(rest[..at].trim().to_string());
        rest = &rest[at..];
    }
    out.push(rest.trim().to_string());
    out
}

fn read_person(entry: &str, section: &Section, in_minutes: bool, page: u32, rules: &Rules) -> Option<Participant> {
    let mut text = entry.trim().trim_end_matches([',', ';']).trim().to_string();
    let mut substitute_for = None;
    if let Some(c) = SUBSTITUTE_FOR.captures(&text) {
        if section.role == Role::Substitute {
            substitute_for = Some(c["for"].trim().to_string());
            let m = c.get(0).expect("match");
            text = format!("{}{}", &text[..m.start()], &text[m.end()..]);
        }
    }
    let c = PERSON.captures(&text)?;
    let name = c["name"].trim().to_string();
    let mut organisation = c.name("org").or(c.name("org2")).map(|m| m.as_str().trim().to_string());
    let mut role = section.role;
    if let Some(org) = &organisation {
        // "(HOD, observatør)": the parenthesis states the role.
        for marker in &rules.labels.participants.observer_markers {
            if let Some(p) = find_word(org, marker) {
                role = Role::Observer;
                let cleaned = format!("{}{}", &org[..p], &org[p + marker.len()..]);
                organisation = Some(cleaned.trim().trim_matches([',', ' ']).to_string()).filter(|s| !s.is_empty());
                break;
            }
        }
    }
    if organisation.is_none() {
        organisation = section.organisation.clone();
    }
    let note = clean_note(c.name("note").map_or("", |m| m.as_str()));
    let attendance = in_minutes.then_some(if section.absent { Attendance::Absent } else { Attendance::Present });
    if name.split_whitespace().count() < 2 || is_heading_word(&name, rules) {
        return None;
    }
    Some(Participant { name, organisation, role, attendance, note, substitute_for, function: None, page })
}

fn is_heading_word(name: &str, rules: &Rules) -> bool {
    rules.bodies.secretariat.names.iter().any(|s| eq_fold(s, name))
}

fn clean_note(raw: &str) -> Option<String> {
    let n = raw.trim().trim_start_matches(['–', '-', '—', ',', ';', ':']).trim().trim_end_matches([',', ';']).trim();
    (!n.is_empty()).then(|| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sec(role: Role) -> Section {
        Section { role, absent: false, organisation: None }
    }

    fn read(lines: &[&str], section: Section, minutes: bool) -> Vec<Participant> {
        let rules = Rules::embedded();
        let v: Vec<(String, u32)> = lines.iter().map(|l| (l.to_string(), 1)).collect();
        read_section(&section, &v, minutes, &rules)
    }

    #[test]
    fn wrapped_organisations_and_notes() {
        let p = read(
            &["Kristin Brekke (Bergen kommune) – deltok", "kl. 10.30 – 13.30", "Bente R. Herdlevær (Bærum", "kommune) – fra kl. 12.00", "Morten Fronth-Andersen", "(Helsedirektoratet)"],
            sec(Role::Member),
            true,
        );
        let got: Vec<_> = p.iter().map(|p| (p.name.as_str(), p.organisation.as_deref(), p.note.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                ("Kristin Brekke", Some("Bergen kommune"), Some("deltok kl. 10.30 – 13.30")),
                ("Bente R. Herdlevær", Some("Bærum kommune"), Some("fra kl. 12.00")),
                ("Morten Fronth-Andersen", Some("Helsedirektoratet"), None),
            ]
        );
        assert!(p.iter().all(|p| p.attendance == Some(Attendance::Present)));
    }

    #[test]
    fn two_people_on_one_line() {
        let p = read(&["Mariann Hornnes (Direktoratet for e-helse) Ole Johan Kvan (Helse Sør-Øst RHF)", "Bjørn Nilsen (Helse Nord RHF) Terje Wistner (KS) – fra kl. 10.30"], sec(Role::Member), false);
        let names: Vec<_> = p.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["Mariann Hornnes", "Ole Johan Kvan", "Bjørn Nilsen", "Terje Wistner"]);
        assert_eq!(p[3].note.as_deref(), Some("fra kl. 10.30"));
        assert!(p.iter().all(|p| p.attendance.is_none()));
    }

    #[test]
    fn observer_in_parenthesis_and_comma_organisation() {
        let p = read(&["Guro Thorshaug (HOD, observatør)", "Hilde Smedshammer, Helse- og omsorgsdepartementet"], sec(Role::Other), true);
        assert_eq!(p[0].role, Role::Observer);
        assert_eq!(p[0].organisation.as_deref(), Some("HOD"));
        assert_eq!(p[1].role, Role::Other);
        assert_eq!(p[1].organisation.as_deref(), Some("Helse- og omsorgsdepartementet"));
    }

    #[test]
    fn substitutes_name_who_they_stand_in_for() {
        let p = read(
            &["Erik Hansen for Inger Cathrine Bryne (Helse", "Vest RHF)", "Kai Øivind Brenden for Lill Sverresdatter", "Larsen (Norsk Sykepleierforbund)", "Mario Gaarder, Kreftforeningen, stiller for Jon Kirknes"],
            sec(Role::Substitute),
            true,
        );
        let got: Vec<_> = p.iter().map(|p| (p.name.as_str(), p.organisation.as_deref(), p.substitute_for.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                ("Erik Hansen", Some("Helse Vest RHF"), Some("Inger Cathrine Bryne")),
                ("Kai Øivind Brenden", Some("Norsk Sykepleierforbund"), Some("Lill Sverresdatter Larsen")),
                ("Mario Gaarder", Some("Kreftforeningen"), Some("Jon Kirknes")),
            ]
        );
    }

    #[test]
    fn secretariat_heading_wrapped_or_inline() {
        let rules = Rules::embedded();
        let lines = vec![Line::new("Direktoratet", 1), Line::new("for e-helse", 1), Line::new("Karl Vestli", 1)];
        let (s, rest, used) = section_heading(&lines, 0, &rules).unwrap();
        assert_eq!((s.role, s.organisation.as_deref(), rest.as_str(), used), (Role::Secretariat, Some("Direktoratet for e-helse"), "", 2));
        let lines = vec![Line::new("Helsedirektoratet Lucie Aunan", 1)];
        let (s, rest, _) = section_heading(&lines, 0, &rules).unwrap();
        assert_eq!((s.organisation.as_deref(), rest.as_str()), (Some("Helsedirektoratet"), "Lucie Aunan"));
        // A person's organisation line is not a heading.
        assert!(section_heading(&[Line::new("(Helsedirektoratet)", 1)], 0, &rules).is_none());
    }
}
