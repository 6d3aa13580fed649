//! "Vedtak fra tidligere behandlinger": the table in a memo listing earlier
//! decisions on the same matter. Each row holds a sak number, the body and
//! date of the meeting, the title and the decision, in cells that wrap and
//! interleave; a row is read as one text and cut where the decision opens
//! with an actor and a verb ("NUIT ber …").

use std::sync::LazyLock;

use regex::Regex;

use crate::model::Reference;
use crate::rules::labels::{eq_fold, strip_label};
use crate::rules::Rules;
use crate::read::lexicon::sak::leading_sak;
use crate::read::lines::{join_lines, Line};

/// Find the references heading in a memo and read its rows.
pub fn parse_references(lines: &[Line], default_body: Option<&str>, rules: &Rules) -> Vec<Reference> {
    let r = &rules.labels.references;
    // The heading opens its line, or ends a short one ("Lover og regler,
    // tidligere vedtak").
    let heading = |t: &str| strip_label(t, &r.heading).is_some() || (t.split_whitespace().count() <= 6 && r.heading.iter().any(|h| t.to_lowercase().trim_end_matches(':').ends_with(&h.to_lowercase())));
    let Some(h) = lines.iter().position(|l| heading(&l.text)) else { return Vec::new() };
    let sections = &rules.labels.memo.sections;
    let mut rows: Vec<(Vec<&str>, u32)> = Vec::new();
    for line in &lines[h + 1..] {
        let t = line.text.as_str();
        if is_column_heading(t, rules) {
            continue;
        }
        if strip_label(t, sections).is_some_and(|rest| rest.is_empty()) {
            break;
        }
        if row_start(t, rules) {
            rows.push((vec![row_text(t)], line.page));
        } else if let Some((row, _)) = rows.last_mut() {
            row.push(t);
        }
    }
    rows.into_iter().filter_map(|(row, page)| read_row(&join_lines(&row), page, default_body, rules)).collect()
}

/// A repeated heading row: column names only.
fn is_column_heading(line: &str, rules: &Rules) -> bool {
    let cols = &rules.labels.references.columns;
    let mut rest = line.trim();
    let mut n = 0;
    while !rest.is_empty() && n < 10 {
        match strip_label(rest, cols) {
            Some(r) if r.len() < rest.len() => rest = r,
            _ => return false,
        }
        n += 1;
    }
    n >= 2
}

/// A row's text without a bullet and without the word naming the sak
/// ("• Bystyresak 332/23, …" → "332/23, …").
fn row_text(line: &str) -> &str {
    let t = crate::read::lines::strip_bullet(line).1;
    match t.split_once(' ') {
        Some((w, rest)) if w.to_lowercase().ends_with("sak") && leading_sak(rest).is_some() => rest,
        _ => t,
    }
}

/// A row starts with a sak number, possibly after the body's name.
fn row_start(line: &str, rules: &Rules) -> bool {
    let line = row_text(line);
    if leading_sak(line).is_some() {
        return true;
    }
    rules
        .body_alias_names()
        .iter()
        .any(|alias| strip_label(line, std::slice::from_ref(alias)).is_some_and(|rest| leading_sak(rest).is_some()))
}

static PAREN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\(([^)]*)\)\.?").expect("valid regex"));

fn read_row(text: &str, page: u32, default_body: Option<&str>, rules: &Rules) -> Option<Reference> {
    let mut body: Option<String> = None;
    let mut rest = text.trim();
    if leading_sak(rest).is_none() {
        let (b, r) = strip_body(rest, rules)?;
        body = Some(b);
        rest = r;
    }
    let (sak, r) = leading_sak(rest)?;
    rest = r;
    let mut date = None;
    let mut note = None;
    // Prefix cells in any order: (date), date, note, body.
    loop {
        if let Some(c) = PAREN.captures(rest) {
            if date.is_none() {
                date = crate::dates::find_date(&c[1], Some(sak.year), rules).map(|(d, _)| d.to_string());
            }
            rest = rest[c.get(0).expect("match").end()..].trim_start();
            continue;
        }
        if let Some(n) = rules.labels.references.notes.iter().find(|n| strip_label(rest, std::slice::from_ref(n)).is_some()) {
            note = Some(n.clone());
            rest = strip_label(rest, std::slice::from_ref(n)).unwrap_or(rest).trim_start_matches(['.', ' ']);
            continue;
        }
        if let Some((b, r)) = strip_body(rest, rules) {
            if body.is_none() {
                body = Some(b);
            }
            rest = r;
            continue;
        }
        if let Some((d, range)) = crate::dates::find_date(rest, Some(sak.year), rules) {
            if range.start == 0 {
                date.get_or_insert(d.to_string());
                rest = rest[range.end..].trim_start_matches(['.', ' ', ',']);
                continue;
            }
        }
        break;
    }
    let (title, decision) = match decision_start(rest, rules) {
        Some(p) => (rest[..p].trim(), Some(rest[p..].trim())),
        None => (rest.trim(), None),
    };
    // A row naming several saker has no one title to give.
    let title = if crate::read::lexicon::sak::find_sak(title).is_some() { "" } else { title };
    if body.is_none() {
        // "Nasjonalt e-helsestyre drøftet saken …": the actor is the body.
        body = decision.and_then(|d| strip_body(d, rules)).map(|(b, _)| b).or(default_body.map(str::to_string));
    }
    Some(Reference {
        sak: sak.printed,
        date,
        body,
        title: Some(title.to_string()).filter(|t| !t.is_empty()),
        decision: decision.map(str::to_string).filter(|d| !d.is_empty()),
        note,
        page,
    })
}

/// A body name or alias at the start of `text`: (canonical name, rest).
fn strip_body<'a>(text: &'a str, rules: &Rules) -> Option<(String, &'a str)> {
    rules.body_alias_pairs().iter().find_map(|(alias, canon)| {
        let head = text.get(..alias.len())?;
        let after = &text[alias.len()..];
        (eq_fold(head, alias) && after.chars().next().is_none_or(|c| !c.is_alphanumeric() && c != '-'))
            .then(|| (canon.clone(), after.trim_start_matches([' ', ','])))
    })
}

/// Where the decision cell starts: "Forslag til vedtak", or an actor (a
/// body, the secretariat, an acronym) followed by a decision verb, after at
/// least one word of title.
fn decision_start(text: &str, rules: &Rules) -> Option<usize> {
    let r = &rules.labels.references;
    let actors = rules.actors();
    let word_starts: Vec<usize> = text
        .char_indices()
        .filter(|&(i, c)| !c.is_whitespace() && (i == 0 || text[..i].ends_with(char::is_whitespace)))
        .map(|(i, _)| i)
        .collect();
    for &i in word_starts.iter().skip(1) {
        let at = &text[i..];
        if strip_label(at, &rules.labels.decisions.proposed).is_some() {
            return Some(i);
        }
        let after_actor = actors
            .iter()
            .find_map(|a| at.get(..a.len()).filter(|h| eq_fold(h, a)).map(|_| &at[a.len()..]))
            .or_else(|| acronym(at));
        if let Some(after) = after_actor {
            let verb = after.split_whitespace().next().unwrap_or("").trim_end_matches([',', '.', ':', ';']);
            if r.decision_verbs.iter().any(|v| eq_fold(v, verb)) {
                return Some(i);
            }
        }
    }
    None
}

/// An all-capitals acronym at the start ("FHI", "KS"): the text after it.
fn acronym(text: &str) -> Option<&str> {
    let end = text.find(|c: char| !c.is_alphabetic()).unwrap_or(text.len());
    let word = &text[..end];
    (word.chars().count() >= 2 && word.chars().count() <= 6 && word.chars().all(|c| c.is_uppercase())).then(|| &text[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::read::lines::lines_of;

    #[test]
    fn rows_with_notes_bodies_dates_and_split_cells() {
        let rules = Rules::embedded();
        let l = lines_of(
            "Vedtak fra tidligere behandlinger i styringsmodellen\nSak Tema Vedtaksformulering\n7/22 (30.03.22)\nMøtet er ikke\navholdt\nNEHS\nNasjonal e-helsestrategi fra\n2023. Drøfte utkast med Nasjonalt\ne-helsestyre.\nForslag til vedtak: Direktoratet for e-helse tar med\nseg innspill.\nNUIT 44/20 Porteføljestyring 2.0 NUIT ber Direktoratet for e-helse ta\nmed seg innspill.\n21/25 NUFA 28.09.25 Endring av mandat for\nNUFA\nNUFA har gitt sine innspill.\n19/25\nNUFA\n28.08.2025\nKvalitetsprosjektet for nesten-\nhendelser\nFHI tar med seg innspill.\n",
            1,
        );
        let refs = parse_references(&l, None, &rules);
        let got: Vec<_> = refs.iter().map(|r| (r.sak.as_str(), r.date.as_deref(), r.body.as_deref(), r.title.as_deref(), r.decision.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                ("7/22", Some("2022-03-30"), Some("Nasjonalt e-helsestyre"), Some("Nasjonal e-helsestrategi fra 2023. Drøfte utkast med Nasjonalt e-helsestyre."), Some("Forslag til vedtak: Direktoratet for e-helse tar med seg innspill.")),
                ("44/20", None, Some("NUIT"), Some("Porteføljestyring 2.0"), Some("NUIT ber Direktoratet for e-helse ta med seg innspill.")),
                ("21/25", Some("2025-09-28"), Some("NUFA"), Some("Endring av mandat for NUFA"), Some("NUFA har gitt sine innspill.")),
                ("19/25", Some("2025-08-28"), Some("NUFA"), Some("Kvalitetsprosjektet for nesten-hendelser"), Some("FHI tar med seg innspill.")),
            ]
        );
        assert_eq!(refs[0].note.as_deref(), Some("Møtet er ikke avholdt"));
    }
}
