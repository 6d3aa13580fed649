//! Participants in any layout: lists under headings (Til stede, Forfall,
//! Medlemmer, Varamedlemmer, Observatører, Fra administrasjonen, Andre,
//! Referent, the secretariat's name), entries shaped `Name (Org)`, `Name,
//! Org`, `Name, position`, `Position Name`, `Name – note`, `X for Y`,
//! names under an organisation heading, bullets, `A og B`, two people on
//! one line, tables (Navn | Funksjon, Referenter | Tidspunkt), and
//! signatories.
//!
//! A section runs from its heading to the next heading or to the first
//! line that opens another part of the document (an item, an agenda, a
//! header label, a decision label, running prose). Inside it, wrapped lines
//! are merged into entries, an entry holding several people is split, and
//! each person is read.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::{Attendance, Participant, Role};
use crate::read::lexicon::labels::{self, Section};
use crate::read::lexicon::person::{self, NameShape};
use crate::read::lexicon::ident;
use crate::read::lines::{join_lines, push_joined, Line};
use crate::read::Cx;
use crate::rules::labels::{eq_fold, find_word};

/// Read every participant listed in `lines` (the document after its
/// title) before line `stop` (where the saker begin), the signatories
/// anywhere, and names standing under the title on a cover page.
pub fn read_participants(title: &[Line], lines: &[Line], stop: usize, minutes: bool, cx: &Cx) -> Vec<Participant> {
    let mut out: Vec<Participant> = Vec::new();
    cover_names(title, lines, cx, &mut out);
    let stop = stop.min(lines.len());
    let mut i = 0;
    while i < stop {
        let Some((section, first, used)) = heading_at(lines, i, cx) else {
            i += 1;
            continue;
        };
        let end = section_end(lines, i + used, stop, cx);
        read_section(&section, first.as_deref(), Some(&lines[i]), &lines[i + used..end], minutes, cx, &mut out);
        i = end.max(i + used);
    }
    // Signatories after the saker ("Signert av", "Henrik Liodden, Parafer").
    let mut i = stop;
    while i < lines.len() {
        let signed = crate::rules::labels::strip_label(lines[i].content(), &cx.rules.genre.participants.signatories).is_some();
        if let Some((section, first, used)) = signed.then(|| heading_at(lines, i, cx)).flatten().filter(|(s, _, _)| is_signature(s, cx)) {
            let end = section_end(lines, i + used, lines.len(), cx);
            read_section(&section, first.as_deref(), Some(&lines[i]), &lines[i + used..end], minutes, cx, &mut out);
            i = end.max(i + used);
            continue;
        }
        i += 1;
    }
    for l in lines {
        signature_line(&l.text, cx, &mut out);
    }
    out
}

fn is_signature(s: &Section, cx: &Cx) -> bool {
    s.function.as_deref() == Some(cx.rules.genre.participants.signatory_function.as_str())
}

/// The participant heading at line `i` (a secretariat's name may wrap over
/// two lines): the section, the text after the heading, lines used.
fn heading_at(lines: &[Line], i: usize, cx: &Cx) -> Option<(Section, Option<String>, usize)> {
    let line = lines[i].content();
    if let Some((s, rest)) = labels::participant_heading(line, cx.rules) {
        return Some((s, Some(rest.to_string()).filter(|r| !r.is_empty()), 1));
    }
    for span in 1..=2usize {
        if i + span > lines.len() {
            break;
        }
        // A wrapped name: the line is the start of a secretariat's name.
        if span == 2 {
            let lower = line.to_lowercase();
            if lower.is_empty() || !cx.rules.bodies.secretariat.names.iter().any(|n| n.to_lowercase().starts_with(&lower) && n.len() > line.len()) {
                break;
            }
        }
        let joined = if span == 1 { line.to_string() } else { join_lines(&[line, lines[i + 1].content()]) };
        if let Some((name, rest)) = labels::secretariat_heading(&joined, cx.rules) {
            // A wrapped heading must be the heading alone.
            if span == 2 && !rest.is_empty() {
                continue;
            }
            let section = Section {
                role: Role::Secretariat,
                present: None,
                organisation: Some(name.to_string()),
                function: None,
                organisations_only: false,
                weak_role: false,
            };
            return Some((section, Some(rest.to_string()).filter(|r| !r.is_empty()), span));
        }
    }
    None
}

/// Where a section that starts at `from` ends: at the next heading or the
/// first line of another part.
fn section_end(lines: &[Line], from: usize, stop: usize, cx: &Cx) -> usize {
    let r = cx.rules;
    let mut k = from;
    while k < stop {
        let t = lines[k].content();
        let other_part = heading_at(lines, k, cx).is_some()
            || labels::agenda_table_heading(lines, k, r).is_some()
            || labels::is_list_heading(t, r)
            || labels::is_contents_heading(t, r)
            || labels::header_label(t, r).is_some_and(|(_, rest)| !rest.is_empty() || t.ends_with(':'))
            || labels::decision_label(t, r).is_some()
            || ident::leading_ident(t, r).is_some_and(|(i, title)| !title.is_empty() && (i.has_year() || i.series != ident::Series::Bare || title.split_whitespace().count() >= 2) && !lines[k].bullet)
            || is_prose(t);
        if other_part {
            break;
        }
        k += 1;
    }
    k
}

/// A line of running text: long, or a sentence that opens in lower case.
fn is_prose(t: &str) -> bool {
    let words = t.split_whitespace().count();
    words > 12 && !t.contains('(') || (words > 6 && t.ends_with('.') && t.split_whitespace().nth(1).is_some_and(|w| w.chars().next().is_some_and(char::is_lowercase)) && !t.contains(','))
}

/// Read the entries of one section into `out`.
fn read_section(section: &Section, first: Option<&str>, heading: Option<&Line>, lines: &[Line], minutes: bool, cx: &Cx, out: &mut Vec<Participant>) {
    if section.organisations_only {
        return;
    }
    let page = lines.first().map_or(0, |l| l.page);
    // "Forfall: A, B og C"; otherwise the text after the heading is the
    // first entry ("Medlemmer Mariann Hornnes (Direktoratet for e-" goes
    // on on the next line).
    let mut with_first: Vec<Line> = Vec::new();
    if let Some(text) = first {
        let listed = split_list(text, cx);
        if listed.len() > 1 {
            for person in listed {
                push(out, read_person(&person, section, None, minutes, page, cx));
            }
        } else {
            with_first.push(Line::new(text, page));
        }
    }
    if let Some(table) = table_columns(section, heading, lines, cx) {
        read_table(section, &table, lines, minutes, cx, out);
        return;
    }
    with_first.extend(lines.iter().cloned());
    for entry in entries(&with_first, cx) {
        for person in split_people(&entry.text, &entry.cells, cx) {
            push(out, read_person(&person, section, entry.group.as_deref(), minutes, entry.page, cx));
        }
    }
}

/// Add a person once: a name met again keeps its first entry, except that
/// a member listed again as a substitute is a substitute.
fn push(out: &mut Vec<Participant>, p: Option<Participant>) {
    let Some(p) = p else { return };
    if let Some(existing) = out.iter_mut().find(|e| same_person(&e.name, &p.name)) {
        if existing.role == Role::Member && p.role == Role::Substitute && existing.attendance != Some(Attendance::Absent) {
            existing.role = Role::Substitute;
            if existing.substitute_for.is_none() {
                existing.substitute_for = p.substitute_for;
            }
        }
        return;
    }
    out.push(p);
}

/// Two spellings of one person's name: equal but for case and spacing, or
/// (a document's own slip: "Lindquiester" / "Lindquister") the same given
/// name and a surname one letter apart.
fn same_person(a: &str, b: &str) -> bool {
    let key = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let (a, b) = (key(a), key(b));
    if a == b {
        return true;
    }
    let (wa, wb): (Vec<&str>, Vec<&str>) = (a.split(' ').collect(), b.split(' ').collect());
    if wa.len() != wb.len() || wa.len() < 2 || wa[..wa.len() - 1] != wb[..wb.len() - 1] {
        return false;
    }
    let (x, y): (Vec<char>, Vec<char>) = (wa[wa.len() - 1].chars().collect(), wb[wb.len() - 1].chars().collect());
    if x.len().min(y.len()) < 6 || x.len().abs_diff(y.len()) > 1 {
        return false;
    }
    // One insertion, deletion or substitution.
    let (short, long) = if x.len() <= y.len() { (&x, &y) } else { (&y, &x) };
    let mut i = 0;
    while i < short.len() && short[i] == long[i] {
        i += 1;
    }
    if short.len() == long.len() {
        short[i + 1..] == long[i + 1..]
    } else {
        short[i..] == long[i + 1..]
    }
}

/// One entry of a list: a person's lines merged, and the organisation
/// heading it stands under.
struct Entry {
    text: String,
    cells: Vec<String>,
    page: u32,
    group: Option<String>,
}

/// Merge wrapped lines into one entry per person (or per grid row), and
/// read organisation headings ("CYB" above its bulleted members).
fn entries(lines: &[Line], cx: &Cx) -> Vec<Entry> {
    let indented = lines.iter().any(|l| l.bullet || l.indent > 0);
    let base_indent = lines.iter().map(|l| l.indent).min().unwrap_or(0);
    let mut out: Vec<Entry> = Vec::new();
    let mut group: Option<String> = None;
    for (k, l) in lines.iter().enumerate() {
        let t = l.content().trim();
        if t.is_empty() || t.chars().all(|c| matches!(c, '_' | '.' | '-' | '–' | ' ')) {
            continue;
        }
        // An organisation heading: not a bullet, not indented, short, and
        // the next line is a bullet or indented further.
        let next = lines.get(k + 1);
        let heads_group = indented
            && !l.bullet
            && l.indent <= base_indent
            && t.split_whitespace().count() <= 3
            && !t.contains(['(', ','])
            && next.is_some_and(|n| (n.bullet || n.indent > l.indent) && (n.row == 0 || n.row != l.row));
        if heads_group {
            group = Some(t.trim_end_matches(':').to_string());
            continue;
        }
        // "Arbeiderpartiet: Kari Nordmann (leder), Ola Hansen": the people
        // of the organisation named before the colon.
        if let Some((org, people)) = labelled_list(t, cx) {
            out.push(Entry { text: people.to_string(), cells: Vec::new(), page: l.page, group: Some(org.to_string()) });
            continue;
        }
        let continues = match out.last() {
            Some(prev) if !l.bullet => continues_entry(&prev.text, t, cx),
            _ => false,
        };
        if continues {
            if let Some(prev) = out.last_mut() {
                push_joined(&mut prev.text, t);
            }
        } else {
            out.push(Entry { text: t.to_string(), cells: l.cells.clone(), page: l.page, group: group.clone() });
        }
    }
    out
}

/// An organisation's label and the list of its people after the colon:
/// the label is one to four capitalised words that are no person, no
/// position and no known heading, and every part of the list is a name.
fn labelled_list<'a>(text: &'a str, cx: &Cx) -> Option<(&'a str, &'a str)> {
    let (label, rest) = text.split_once(':')?;
    let (label, rest) = (label.trim(), rest.trim());
    let words = label.split_whitespace().count();
    if !(1..=4).contains(&words) || rest.is_empty() || !label.starts_with(char::is_uppercase) || label.contains(['(', ',']) {
        return None;
    }
    if person::name_shape(label, cx.rules) == NameShape::Likely
        || person::is_function(label, cx.rules)
        || labels::participant_heading(label, cx.rules).is_some()
        || crate::rules::labels::strip_label(label, &cx.rules.genre.participants.from_words).is_some()
    {
        return None;
    }
    let people = split_list(rest, cx);
    let all_names = people.iter().all(|p| person::name_shape(without_paren(p), cx.rules) != NameShape::No);
    let one_name = match person::name_shape(without_paren(rest), cx.rules) {
        NameShape::Likely => true,
        NameShape::Maybe => without_paren(rest).split_whitespace().count() >= 2,
        NameShape::No => false,
    };
    (all_names && (people.len() > 1 || one_name)).then_some((label, rest))
}

fn continues_entry(prev: &str, line: &str, cx: &Cx) -> bool {
    let open = prev.matches('(').count() > prev.matches(')').count();
    let first = line.chars().next().unwrap_or(' ');
    let prev_trail = prev.trim_end();
    let dangling = prev_trail.ends_with(['–', '-', ',', '/'])
        || prev_trail.ends_with(" kl.")
        || prev_trail.ends_with(" deltok")
        || prev_trail.ends_with(" for")
        || prev_trail.ends_with(" fra");
    let no_org_yet = !prev.contains('(') && !prev.contains(',');
    let single_word_then_paren = line.split_whitespace().next().is_some_and(|w| !w.contains('(')) && line.split_once(' ').is_some_and(|(_, r)| r.trim_start().starts_with('('));
    open
        || dangling
        || first == '('
        || (first.is_lowercase() && !person::is_function(line, cx.rules))
        || first.is_ascii_digit() && !line.contains(' ')
        || first == '–'
        || (no_org_yet && prev.contains(" for ") && single_word_then_paren)
}

static NAME: &str = r"[A-ZÆØÅÄÖÜÉ][\p{L}'’.-]*(?:\s+(?:[A-ZÆØÅÄÖÜÉ][\p{L}'’.-]*|von|van|de|af|av))*";

// A second person in the same entry: a name and an opening parenthesis
// after a closed one ("… (KS) Ole Johan Kvan (Helse Sør-Øst RHF)").
static NEXT_PERSON: LazyLock<Regex> = LazyLock::new(|| Regex::new(&format!(r"\)[^()]*?\s(?P<name>{NAME}\s+[A-ZÆØÅÄÖÜÉ][\p{{L}}'’.-]*)\s*\(")).expect("valid regex"));
static SUBSTITUTE_FOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?:,\s*)?\b(?:stiller\s+|møter\s+|møtte\s+)?for\s+(?P<for>{NAME})")).expect("valid regex"));
static MET_FOR: LazyLock<Regex> = LazyLock::new(|| Regex::new(&format!(r"(?:,\s*)?\b(?:møtte|møter|stilte|stiller)\s+for\s+(?P<for>{NAME})")).expect("valid regex"));
static PERSON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^(?P<name>{NAME})\s*(?:\((?P<paren>[^()]*)\)|,\s*(?P<comma>[^,–]+?)\s*(?:,|$))?(?P<note>.*)$")).expect("valid regex")
});
static PAREN_NOTE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?P<org>[^()]*?)\s*\((?P<note>[^()]*)\)\s*$").expect("valid regex"));

/// "A, B og C": several people when every part is a name (of two words
/// or more, or a known given name); else the text is one entry.
fn split_list(text: &str, cx: &Cx) -> Vec<String> {
    let text = text.trim().trim_end_matches('.');
    let mut parts: Vec<&str> = Vec::new();
    for piece in text.split([',', ';']) {
        let mut rest = piece.trim();
        loop {
            match cx.rules.genre.participants.and_words.iter().find_map(|w| find_word(rest, w).map(|at| (at, w.len()))) {
                Some((at, len)) if at > 0 => {
                    parts.push(rest[..at].trim());
                    rest = rest[at + len..].trim();
                }
                _ => break,
            }
        }
        parts.push(rest);
    }
    let names = parts.len() > 1
        && parts.iter().map(|p| without_position(without_paren(p), cx)).all(|p| match person::name_shape(p, cx.rules) {
            NameShape::Likely => true,
            NameShape::Maybe => p.split_whitespace().count() >= 2,
            NameShape::No => false,
        });
    if names {
        parts.iter().map(|p| p.to_string()).collect()
    } else {
        vec![text.to_string()]
    }
}

/// A list part without the position before the name ("rektor Anne Moe"
/// → "Anne Moe"), for judging whether it is a name.
fn without_position<'a>(part: &'a str, cx: &Cx) -> &'a str {
    person::split_function_name(part, cx.rules).map_or(part, |(_, name)| name)
}

/// A list part without its trailing parenthesis ("Renate Larsen (leder)"
/// → "Renate Larsen"), for judging whether it is a name.
fn without_paren(part: &str) -> &str {
    match part.trim_end().strip_suffix(')').and_then(|p| p.rfind('(').map(|at| &part[..at])) {
        Some(name) if !name.trim().is_empty() => name.trim_end(),
        _ => part,
    }
}

/// Split an entry holding several people: cells that are each a name, a
/// list ("Magnus og Johanna"), or a grid row read across ("Ole (KS) Kari
/// (HOD)").
fn split_people(entry: &str, cells: &[String], cx: &Cx) -> Vec<String> {
    if cells.len() > 1 && cells.iter().all(|c| person::name_shape(c, cx.rules) != NameShape::No) {
        return cells.to_vec();
    }
    let listed = split_list(entry, cx);
    if listed.len() > 1 {
        return listed;
    }
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

/// Whether a parenthesis or a trailing part is a note ("per telefon",
/// "Møtte fra ca 13.00", "daniehol") rather than an organisation.
fn is_note(text: &str, cx: &Cx) -> bool {
    let t = text.trim();
    let lower = t.to_lowercase();
    t.chars().next().is_some_and(char::is_lowercase)
        || t.chars().any(|c| c.is_ascii_digit())
        || cx.rules.genre.participants.note_words.iter().any(|w| find_word(&lower, w).is_some())
}

/// Read one person's entry.
fn read_person(entry: &str, section: &Section, group: Option<&str>, minutes: bool, page: u32, cx: &Cx) -> Option<Participant> {
    let rules = cx.rules;
    let mut text = entry.trim().trim_end_matches([',', ';']).trim().to_string();
    let mut substitute_for = None;
    let mut role = section.role;
    let caught = MET_FOR.captures(&text).or_else(|| (section.role == Role::Substitute).then(|| SUBSTITUTE_FOR.captures(&text)).flatten());
    if let Some(c) = caught {
        substitute_for = Some(c["for"].trim().to_string());
        role = Role::Substitute;
        let m = c.get(0).expect("match");
        text = format!("{}{}", &text[..m.start()], &text[m.end()..]);
    }
    // "Rådmann Heldal Haugerud": the position before the name.
    let (mut function, name_part) = match person::split_function_name(&text, rules) {
        Some((f, n)) => (Some(f.to_string()), n.to_string()),
        None => (None, text.clone()),
    };
    let c = PERSON.captures(&name_part)?;
    let name = c["name"].trim().trim_end_matches('.').to_string();
    let mut organisation: Option<String> = None;
    let mut note = clean_note(c.name("note").map_or("", |m| m.as_str()));
    if let Some(p) = c.name("paren") {
        let p = p.as_str().trim();
        if p.starts_with(char::is_lowercase) && person::is_function(p, rules) {
            // "Renate Larsen (leder)": the position, not a note (a
            // capitalised one, "(Fastlegerepresentant)", is where the
            // organisation stands).
            function = function.or(Some(p.to_string()));
        } else if is_note(p, cx) {
            note = note.or_else(|| Some(p.to_string()).filter(|s| !s.is_empty()));
        } else {
            organisation = Some(p.to_string());
        }
    }
    if let Some(after) = c.name("comma") {
        let mut after = after.as_str().trim().to_string();
        // "CYB (Møtte fra ca 13.00)": the organisation, then a note.
        if let Some(pc) = PAREN_NOTE.captures(&after.clone()) {
            note = note.or_else(|| Some(pc["note"].trim().to_string()));
            after = pc["org"].trim().to_string();
        }
        if person::is_function(&after, rules) {
            function = function.or(Some(after));
        } else if let Some((f, o)) = person::split_function_organisation(&after, rules) {
            function = function.or(Some(f.to_string()));
            organisation = Some(o.to_string());
        } else if is_note(&after, cx) && !after.contains('@') {
            note = note.or(Some(after));
        } else if !after.is_empty() {
            organisation = Some(after);
        }
    }
    if let Some(org) = organisation.clone() {
        // "(HOD, observatør)": the parenthesis states the role.
        for marker in &rules.labels.participants.observer_markers {
            if let Some(p) = find_word(&org, marker) {
                role = Role::Observer;
                let cleaned = format!("{}{}", &org[..p], &org[p + marker.len()..]);
                organisation = Some(cleaned.trim().trim_matches([',', ' ']).to_string()).filter(|s| !s.is_empty());
                break;
            }
        }
    }
    organisation = organisation.or_else(|| group.map(str::to_string)).or_else(|| section.organisation.clone());
    let function = function.or_else(|| section.function.clone());
    if section.weak_role && function.as_deref().is_some_and(|f| person::is_staff_function(f, rules)) {
        role = Role::Secretariat;
    }
    // A name is two words or more, a known given name, or a single name
    // with a position or an organisation heading to place it.
    let shape = person::name_shape(&name, rules);
    let words = name.split_whitespace().count();
    let plausible = match shape {
        NameShape::No => false,
        NameShape::Likely => true,
        NameShape::Maybe => words >= 2 || function.is_some(),
    };
    if !plausible || is_heading_word(&name, cx) {
        return None;
    }
    let attendance = if is_signature(section, cx) {
        None
    } else {
        match section.present {
            Some(true) => minutes.then_some(Attendance::Present),
            Some(false) => minutes.then_some(Attendance::Absent),
            None => minutes.then_some(Attendance::Present),
        }
    };
    Some(Participant { name, organisation, role, attendance, note, substitute_for, function, page })
}

fn is_heading_word(name: &str, cx: &Cx) -> bool {
    cx.rules.bodies.secretariat.names.iter().any(|s| eq_fold(s, name)) || labels::participant_heading(name, cx.rules).is_some()
}

fn clean_note(raw: &str) -> Option<String> {
    let n = raw.trim().trim_start_matches(['–', '-', '—', ',', ';', ':']).trim().trim_end_matches([',', ';']).trim();
    let n = n.strip_prefix('(').and_then(|x| x.strip_suffix(')')).unwrap_or(n).trim();
    (!n.is_empty()).then(|| n.to_string())
}

/// The columns of a participant table under a section heading: the
/// heading itself may be the first column ("Referenter" above
/// "Tidspunkt"), or a row of column names follows it ("Navn Funksjon
/// Parti").
#[derive(Debug, Clone, PartialEq)]
enum Column {
    Name,
    Function,
    Organisation,
    Note,
    SubstituteFor,
}

struct Table {
    columns: Vec<Column>,
    /// Lines the column headings take at the start of the section.
    skip: usize,
    /// Where each column starts on the page, when the headings' geometry
    /// is known: cells are then placed by where they stand, so an empty
    /// cell leaves its column empty instead of shifting the row.
    starts: Option<Vec<f32>>,
}

fn column_of(word: &str, cx: &Cx) -> Option<Column> {
    let p = &cx.rules.genre.participants;
    let w = word.trim().trim_end_matches(':');
    let is = |list: &[String]| list.iter().any(|x| eq_fold(x, w));
    if is(&p.name_columns) {
        Some(Column::Name)
    } else if is(&p.function_columns) {
        Some(Column::Function)
    } else if is(&p.organisation_columns) {
        Some(Column::Organisation)
    } else if is(&p.note_columns) {
        Some(Column::Note)
    } else if is(&p.substitute_columns) {
        Some(Column::SubstituteFor)
    } else {
        None
    }
}

fn table_columns(section: &Section, heading: Option<&Line>, lines: &[Line], cx: &Cx) -> Option<Table> {
    let mut columns = Vec::new();
    let mut skip = 0;
    // Column starts, while every heading line is one column on one row.
    let mut starts: Option<Vec<f32>> = Some(Vec::new());
    let mut row = None;
    let mut place = |l: &Line, one_column: bool, starts: &mut Option<Vec<f32>>| {
        let same_row = l.row != 0 && row.is_none_or(|r| r == l.row);
        row = Some(l.row);
        match starts.as_mut() {
            Some(v) if one_column && same_row => v.push(l.x0),
            _ => *starts = None,
        }
    };
    // A minute-takers' heading is the name column of its table.
    if section.function.is_some() {
        columns.push(Column::Name);
        match heading {
            Some(h) => place(h, true, &mut starts),
            None => starts = None,
        }
    }
    for l in lines.iter().take(4) {
        let words: Vec<&str> = if l.cells.len() > 1 { l.cells.iter().map(String::as_str).collect() } else { l.text.split_whitespace().collect() };
        let whole = column_of(&l.text, cx);
        let cols: Option<Vec<Column>> = match whole {
            Some(c) => Some(vec![c]),
            None => words.iter().map(|w| column_of(w, cx)).collect(),
        };
        match cols {
            Some(c) if !c.is_empty() => {
                place(l, c.len() == 1, &mut starts);
                columns.extend(c);
                skip += 1;
            }
            _ => break,
        }
    }
    let before = columns.len();
    columns.dedup();
    if columns.len() != before {
        starts = None;
    }
    let starts = starts.filter(|s| s.len() == columns.len());
    (skip > 0 && columns.len() >= 2 && columns.contains(&Column::Name)).then_some(Table { columns, skip, starts })
}

/// A table's rows placed by geometry, whatever order the producer wrote
/// the cells in: lines on one baseline are one row (rows top to bottom,
/// page by page), each line in the column whose start is nearest at or
/// left of it.
fn rows_by_geometry(starts: &[f32], lines: &[Line]) -> Option<Vec<Vec<(String, u32)>>> {
    if lines.iter().any(|l| l.row == 0 || l.size <= 0.0) {
        return None;
    }
    let mut order: Vec<&Line> = lines.iter().collect();
    // PDF y grows upwards: a higher baseline is printed first.
    order.sort_by(|a, b| a.page.cmp(&b.page).then(b.baseline.total_cmp(&a.baseline)).then(a.x0.total_cmp(&b.x0)));
    let mut rows: Vec<Vec<(String, u32)>> = Vec::new();
    let mut row_at: Option<(u32, f32)> = None;
    for l in order {
        let same = row_at.is_some_and(|(page, b)| page == l.page && (b - l.baseline).abs() <= 0.4 * l.size);
        if !same {
            rows.push(vec![(String::new(), l.page); starts.len()]);
            row_at = Some((l.page, l.baseline));
        }
        let col = starts.iter().rposition(|&x| x <= l.x0 + 2.0).unwrap_or(0);
        let row = rows.last_mut().expect("a row was pushed");
        if l.cells.len() > 1 {
            // One line holding several cells (a row set as one string with
            // wide gaps): the cells fill the columns from where it starts.
            for (cell, text) in row[col..].iter_mut().zip(&l.cells) {
                push_joined(&mut cell.0, text);
            }
        } else {
            push_joined(&mut row[col].0, l.content());
        }
    }
    Some(rows)
}

/// Rows of a participant table, one cell a line or a row a line.
fn read_table(section: &Section, table: &Table, lines: &[Line], minutes: bool, cx: &Cx, out: &mut Vec<Participant>) {
    let n = table.columns.len();
    let body = &lines[table.skip..];
    let rows: Vec<Vec<(String, u32)>> = match table.starts.as_deref().and_then(|s| rows_by_geometry(s, body)) {
        Some(rows) => rows,
        None => {
            // No geometry: the cells in the order they come, n to a row.
            let mut cells: Vec<(String, u32)> = Vec::new();
            for l in body {
                if l.cells.len() > 1 {
                    cells.extend(l.cells.iter().map(|c| (c.clone(), l.page)));
                } else {
                    cells.push((l.content().to_string(), l.page));
                }
            }
            cells.chunks(n).filter(|r| r.len() == n).map(<[_]>::to_vec).collect()
        }
    };
    for row in &rows {
        let name_at = table.columns.iter().position(|c| *c == Column::Name).unwrap_or(0);
        let name_cell = &row[name_at].0;
        // "Henrik Liodden, Parafer" is a list entry, not a name cell: the
        // table has ended.
        if name_cell.contains(',') && split_list(name_cell, cx).len() < 2 {
            break;
        }
        let people = split_list(name_cell, cx);
        let all_names = people.iter().all(|p| person::name_shape(p, cx.rules) != NameShape::No);
        // The other cells must not be people themselves (the table has
        // ended and a list of names goes on).
        let others_fit = row.iter().enumerate().filter(|(k, _)| *k != name_at && table.columns[*k] != Column::SubstituteFor).all(|(_, (c, _))| {
            let head = c.split(',').next().unwrap_or(c);
            !(person::name_shape(head, cx.rules) == NameShape::Likely && head.split_whitespace().count() >= 2)
        });
        if !all_names || !others_fit {
            break;
        }
        for who in &people {
            let Some(mut p) = read_person(who, section, None, minutes, row[name_at].1, cx) else { continue };
            for (k, col) in table.columns.iter().enumerate() {
                let v = row[k].0.trim();
                if v.is_empty() || k == name_at {
                    continue;
                }
                match col {
                    Column::Function => p.function = Some(v.to_string()),
                    Column::Organisation => p.organisation = Some(v.to_string()),
                    Column::Note => p.note = Some(v.to_string()),
                    Column::SubstituteFor => {
                        p.substitute_for = Some(v.to_string());
                        p.role = Role::Substitute;
                    }
                    Column::Name => {}
                }
            }
            push(out, Some(p));
        }
    }
}

/// Names standing alone under the title on a cover page (the signatories
/// of the minutes): each a known given name and a surname.
fn cover_names(title: &[Line], lines: &[Line], cx: &Cx, out: &mut Vec<Participant>) {
    let Some(page) = title.first().map(|l| l.page) else { return };
    let names: Vec<&Line> = lines.iter().take_while(|l| l.page == page && person::name_shape(l.content(), cx.rules) == NameShape::Likely && l.content().split_whitespace().count() >= 2).collect();
    if names.is_empty() || names.len() > 4 {
        return;
    }
    let rest_of_page = lines[names.len()..].iter().take_while(|l| l.page == page).count();
    if rest_of_page > 0 {
        return; // names in a page of text are no cover
    }
    for l in names {
        push(
            out,
            Some(Participant {
                name: l.content().to_string(),
                organisation: None,
                role: Role::Other,
                attendance: None,
                note: None,
                substitute_for: None,
                function: None,
                page: l.page,
            }),
        );
    }
}

/// "Henrik Liodden, Parafer": a signatory named on a line of its own.
fn signature_line(text: &str, cx: &Cx, out: &mut Vec<Participant>) {
    let g = &cx.rules.genre.participants;
    let Some((name, function)) = text.split_once(',') else { return };
    let function = function.trim();
    if !eq_fold(function, &g.signatory_function) || person::name_shape(name, cx.rules) == NameShape::No || name.split_whitespace().count() < 2 {
        return;
    }
    push(
        out,
        Some(Participant {
            name: name.trim().to_string(),
            organisation: None,
            role: Role::Other,
            attendance: None,
            note: None,
            substitute_for: None,
            function: Some(g.signatory_function.clone()),
            page: 0,
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::lines::lines_of;
    use crate::rules::Rules;

    fn people(text: &str, minutes: bool) -> Vec<Participant> {
        let rules = Rules::embedded();
        let cx = Cx::new(&rules);
        let lines = lines_of(text, 1);
        read_participants(&[], &lines, lines.len(), minutes, &cx)
    }

    fn brief(p: &[Participant]) -> Vec<(String, Option<String>, Role, Option<String>, Option<String>)> {
        p.iter().map(|p| (p.name.clone(), p.organisation.clone(), p.role, p.function.clone(), p.note.clone())).collect()
    }

    fn s(x: &str) -> Option<String> {
        Some(x.to_string())
    }

    #[test]
    fn wrapped_organisations_and_notes() {
        let p = people("Til stede\nKristin Brekke (Bergen kommune) – deltok\nkl. 10.30 – 13.30\nBente R. Herdlevær (Bærum\nkommune) – fra kl. 12.00\nMorten Fronth-Andersen\n(Helsedirektoratet)\n", true);
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
    fn two_people_on_one_line_and_agendas_without_attendance() {
        let p = people("Medlemmer\nMariann Hornnes (Direktoratet for e-helse) Ole Johan Kvan (Helse Sør-Øst RHF)\nBjørn Nilsen (Helse Nord RHF) Terje Wistner (KS) – fra kl. 10.30\n", false);
        let names: Vec<_> = p.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["Mariann Hornnes", "Ole Johan Kvan", "Bjørn Nilsen", "Terje Wistner"]);
        assert_eq!(p[3].note.as_deref(), Some("fra kl. 10.30"));
        assert!(p.iter().all(|p| p.attendance.is_none()));
    }

    #[test]
    fn substitutes_name_who_they_stand_in_for() {
        let p = people("Stedfortreder\nErik Hansen for Inger Cathrine Bryne (Helse\nVest RHF)\nMario Gaarder, Kreftforeningen, stiller for Jon Kirknes\n", true);
        let got: Vec<_> = p.iter().map(|p| (p.name.as_str(), p.organisation.as_deref(), p.substitute_for.as_deref(), p.role)).collect();
        assert_eq!(
            got,
            vec![
                ("Erik Hansen", Some("Helse Vest RHF"), Some("Inger Cathrine Bryne"), Role::Substitute),
                ("Mario Gaarder", Some("Kreftforeningen"), Some("Jon Kirknes"), Role::Substitute),
            ]
        );
    }

    #[test]
    fn names_under_organisation_headings_with_usernames() {
        let p = people("Tilstede\nCYB\n    ● Daniel Høgli Olufsen (daniehol)\nNavet\n    ● Aleksandra Hrpka (aleksahr)\n    ● Denis Ligonja (denisl)\nP:ISK\n       Ikke representert.\n", true);
        assert_eq!(
            brief(&p),
            vec![
                ("Daniel Høgli Olufsen".into(), s("CYB"), Role::Member, None, s("daniehol")),
                ("Aleksandra Hrpka".into(), s("Navet"), Role::Member, None, s("aleksahr")),
                ("Denis Ligonja".into(), s("Navet"), Role::Member, None, s("denisl")),
            ]
        );
    }

    #[test]
    fn positions_organisations_and_notes_after_a_comma() {
        let p = people(
            "Til stede:\nMathias Johan Johansen, FU-koordinator\nJoakim Lindquiester, Økonomiansvarlig FU\nKristin Brænden, Navet\nJan Furlund, CYB (Møtte fra ca 13.00)\n• Jan Kleppe, styreleder\n• Inger Lysa (per telefon)\nFra ViG:\n• Hanne Gro Haugland\nAndre:\n• Revisor Odd Knustad\nAndreas Lind-Johansen, påtroppende FU-koordinator\n",
            true,
        );
        assert_eq!(
            brief(&p),
            vec![
                ("Mathias Johan Johansen".into(), None, Role::Member, s("FU-koordinator"), None),
                ("Joakim Lindquiester".into(), s("FU"), Role::Member, s("Økonomiansvarlig"), None),
                ("Kristin Brænden".into(), s("Navet"), Role::Member, None, None),
                ("Jan Furlund".into(), s("CYB"), Role::Member, None, s("Møtte fra ca 13.00")),
                ("Jan Kleppe".into(), None, Role::Member, s("styreleder"), None),
                ("Inger Lysa".into(), None, Role::Member, None, s("per telefon")),
                ("Hanne Gro Haugland".into(), s("ViG"), Role::Secretariat, None, None),
                ("Odd Knustad".into(), None, Role::Other, s("Revisor"), None),
                ("Andreas Lind-Johansen".into(), None, Role::Secretariat, s("påtroppende FU-koordinator"), None),
            ]
        );
    }

    #[test]
    fn administration_absence_and_substitutes_listed_twice() {
        let p = people(
            "Tilstede på møtet\nMedlemmer:\nJan Tyriberget\nKåre Haugli\n42 representanter tilstede.\nVaramedlemmer:\nKåre Haugli\nFra adm. (ev. andre):\nRådmann Heldal Haugerud\nKommunalsjef Haugen\nForfall:\nGunn R. Fjæstad\nAP SV H KrF Frp UAH\nInnkalling\nSaksliste\n",
            true,
        );
        let got: Vec<_> = p.iter().map(|p| (p.name.as_str(), p.role, p.attendance, p.function.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                ("Jan Tyriberget", Role::Member, Some(Attendance::Present), None),
                ("Kåre Haugli", Role::Substitute, Some(Attendance::Present), None),
                ("Heldal Haugerud", Role::Secretariat, Some(Attendance::Present), Some("Rådmann")),
                ("Haugen", Role::Secretariat, Some(Attendance::Present), Some("Kommunalsjef")),
                ("Gunn R. Fjæstad", Role::Member, Some(Attendance::Absent), None),
            ]
        );
    }

    #[test]
    fn tables_of_minute_takers_and_signatories() {
        let p = people("Referenter\nTidspunkt\nThea Karin Fladby\n16.30-17.30\nMagnus og Johanna\n17.30-18.30\nCarolina sier hei og velkommen til alle sammen i dag.\n", true);
        assert_eq!(
            brief(&p),
            vec![
                ("Thea Karin Fladby".into(), None, Role::Secretariat, s("Referent"), s("16.30-17.30")),
                ("Magnus".into(), None, Role::Secretariat, s("Referent"), s("17.30-18.30")),
                ("Johanna".into(), None, Role::Secretariat, s("Referent"), s("17.30-18.30")),
            ]
        );
        let p = people("Signert av paraferer\n__________________    _____________________\nChristoffer Lofsberg     Lars Føleide\n", true);
        let got: Vec<_> = p.iter().map(|p| (p.name.as_str(), p.role, p.attendance, p.function.as_deref())).collect();
        assert_eq!(got, vec![("Christoffer Lofsberg", Role::Other, None, Some("Parafer")), ("Lars Føleide", Role::Other, None, Some("Parafer"))]);
        let p = people("Henrik Liodden, Parafer\n", true);
        assert_eq!(p[0].function.as_deref(), Some("Parafer"));
    }

    #[test]
    fn a_name_spelt_twice_is_one_person() {
        let p = people("Til stede:\nJoakim Lindquiester, Økonomiansvarlig FU\nReferent: Joakim Lindquister\nKari Olsen\nKari Olson\n", true);
        let names: Vec<_> = p.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["Joakim Lindquiester", "Kari Olsen", "Kari Olson"]);
    }

    #[test]
    fn organisation_lists_give_no_people() {
        let p = people("Foreninger som ikke var tilstede:\nIfi-avis, PING, ProgNett og Mikro.\n", true);
        assert!(p.is_empty(), "{p:?}");
    }
}
