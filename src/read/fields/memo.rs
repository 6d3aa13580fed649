//! Case memos ("toppnotat"): the title, the proposed decision, and the
//! header box whose labels (Til, Dato, Saksnummer, Type/Innretning,
//! Fra/Sakseier, Saksbehandler) may be printed apart from their values.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::Memo;
use crate::read::lexicon::labels::{memo_label, MemoLabel};
use crate::read::lexicon::sak::find_sak;
use crate::read::lines::{join_lines, Line};
use crate::rules::labels::{is_label, strip_label};
use crate::rules::Rules;

/// How far below the proposal label its text may run.
const PROPOSAL_MAX_LINES: usize = 25;
/// How many lines a box may take, labels and values together.
const BOX_MAX_LINES: usize = 24;

/// Read a memo. `title_end` is the line of its "Forslag til vedtak" label
/// (the title is above it); `box_at` where its header box starts.
pub fn parse_memo(lines: &[Line], title_end: usize, box_at: usize, default_year: Option<i32>, rules: &Rules) -> Memo {
    let mut memo = Memo::default();
    let title = join_lines(&lines[..title_end].iter().map(|l| l.text.as_str()).collect::<Vec<_>>());
    memo.title = Some(title).filter(|t| !t.is_empty());
    if title_end < lines.len() && is_label(&lines[title_end].text, &rules.labels.decisions.proposed) {
        memo.proposed_decision = proposal(&lines[title_end + 1..], box_at.saturating_sub(title_end + 1), rules);
    }
    read_box(&lines[box_at.min(lines.len())..], &mut memo, default_year, rules);
    memo
}

fn proposal(lines: &[Line], box_offset: usize, rules: &Rules) -> Option<String> {
    let sections = &rules.labels.memo.sections;
    let mut parts = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if i == box_offset || i >= PROPOSAL_MAX_LINES || strip_label(&line.text, sections).is_some_and(|r| r.len() < 40) {
            break;
        }
        parts.push(line.text.as_str());
    }
    Some(join_lines(&parts)).filter(|s| !s.is_empty())
}

static NAME_LIKE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-ZÆØÅÄÖÜ][\p{L}'’.-]*(?:\s+[A-ZÆØÅÄÖÜ][\p{L}'’.-]*)+$").expect("valid regex"));

/// Read the box: labels either each with its value ("Dato: 08.04.2022"),
/// or printed as a group with the values following in the same order.
fn read_box(lines: &[Line], memo: &mut Memo, default_year: Option<i32>, rules: &Rules) {
    let mut pending: std::collections::VecDeque<MemoLabel> = Default::default();
    let mut filled: Vec<(MemoLabel, Vec<String>)> = Vec::new();
    for line in lines.iter().take(BOX_MAX_LINES) {
        let t = line.text.as_str();
        if let Some((label, rest)) = memo_label(t, rules) {
            if filled.iter().any(|(l, _)| *l == label) || pending.contains(&label) {
                break;
            }
            if rest.is_empty() {
                pending.push_back(label);
            } else {
                filled.push((label, vec![rest.to_string()]));
            }
            continue;
        }
        // A value that ends in a comma or slash goes on on the next line.
        if let Some((_, v)) = filled.last_mut().filter(|(_, v)| v.last().is_some_and(|x| x.ends_with([',', '/']))) {
            v.push(t.to_string());
            continue;
        }
        if let Some(label) = take_pending(&mut pending, t, rules) {
            filled.push((label, vec![t.to_string()]));
            continue;
        }
        // A wrapped last name of the officers' list ("…/Anne" + "Greibrokk").
        match filled.last_mut() {
            Some((MemoLabel::Officers | MemoLabel::Owner, v))
                if t.split_whitespace().count() == 1
                    && t.chars().next().is_some_and(char::is_uppercase)
                    && !t.ends_with(['.', ':'])
                    && strip_label(t, &rules.labels.memo.sections).is_none() =>
            {
                v.push(t.to_string());
            }
            _ => {
                if filled.len() >= 2 {
                    break;
                }
            }
        }
    }
    for (label, v) in filled {
        let value = join_lines(&v);
        match label {
            MemoLabel::To => {
                if let Some((sak, _)) = find_sak(&value) {
                    memo.meeting_label = Some(sak.printed);
                }
                memo.to = Some(value);
            }
            MemoLabel::Date => {
                memo.date = crate::dates::parse_date(&value, default_year, rules)
                    .ok()
                    .or_else(|| crate::dates::find_date(&value, default_year, rules).map(|(d, _)| d))
                    .map(|d| d.to_string())
            }
            MemoLabel::Sak => memo.sak = find_sak(&value).map(|(s, _)| s.printed),
            MemoLabel::SakType => memo.sak_type = Some(value),
            MemoLabel::Owner => memo.owner = Some(value),
            MemoLabel::Officers => memo.case_officers = split_officers(&value),
        }
    }
}

/// The pending label a value line belongs to: the one its shape names (a
/// date, a sak number, a sak type) if that label is waiting, else the first
/// label waiting. Shapes keep a box readable when a cell is missing or the
/// cells come out of order.
fn take_pending(pending: &mut std::collections::VecDeque<MemoLabel>, value: &str, rules: &Rules) -> Option<MemoLabel> {
    let v = value.trim();
    let shaped = if crate::dates::parse_date(v, None, rules).is_ok() || crate::dates::parse_date(v, Some(2000), rules).is_ok() {
        Some(MemoLabel::Date)
    } else if find_sak(v).is_some_and(|(_, r)| r.start == 0 && r.end == v.len()) {
        Some(MemoLabel::Sak)
    } else if rules.documents.sak_types.names.iter().any(|n| crate::rules::labels::eq_fold(n, v)) {
        Some(MemoLabel::SakType)
    } else {
        None
    };
    if let Some(pos) = shaped.and_then(|k| pending.iter().position(|p| *p == k)) {
        return pending.remove(pos);
    }
    // A value of no telling shape never fills a label that expects one.
    let pos = pending.iter().position(|p| !matches!(p, MemoLabel::Date | MemoLabel::Sak | MemoLabel::SakType) || shaped.is_some())?;
    pending.remove(pos)
}

/// "A/B/C", "A, B" and "A og B" list several officers; "Terje Wistner,
/// avdelingsdirektør KS" is one officer with a title.
pub fn split_officers(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in value.split('/') {
        let pieces: Vec<&str> = part.split([',', '&']).flat_map(|p| p.split(" og ")).map(str::trim).filter(|p| !p.is_empty()).collect();
        if pieces.len() > 1 && pieces.iter().all(|p| NAME_LIKE.is_match(p)) {
            out.extend(pieces.iter().map(|p| p.to_string()));
        } else if !part.trim().is_empty() {
            out.push(part.trim().to_string());
        }
    }
    out
}

/// A case paper without a header box ("Sak til bystyret", a saksframlegg):
/// its own number ("Byrådssak 213/25") near the top, its title (the
/// heading under that), the date it is signed ("Byrådet, den 18. desember
/// 2025") or labelled, and the proposal after "… innstiller … følgende
/// vedtak:" or a proposal label.
pub fn read_case_paper(lines: &[Line], title_end: usize, cx: &crate::read::Cx) -> Memo {
    let rules = cx.rules;
    let mut memo = Memo::default();
    let top = lines.len().min(30);
    let number_at = lines[..top].iter().position(|l| crate::read::lexicon::sak::case_paper_number(&l.text).is_some());
    if let Some(k) = number_at {
        memo.sak = crate::read::lexicon::sak::case_paper_number(&lines[k].text).map(|s| s.printed);
    }
    // The title: the lines after the number (or the title block) up to a
    // label or a section heading.
    let from = number_at.map_or(title_end, |k| k + 1);
    let mut parts: Vec<&str> = Vec::new();
    for l in lines.iter().skip(from).take(6) {
        let t = l.text.as_str();
        if t.ends_with(':') || crate::read::lexicon::labels::decision_label(t, rules).is_some() || (!parts.is_empty() && l.blank_before) || t.split_whitespace().count() > 16 {
            break;
        }
        parts.push(t);
    }
    memo.title = Some(join_lines(&parts)).filter(|t| !t.is_empty());
    memo.date = lines.iter().rev().find_map(|l| crate::read::lexicon::labels::signed_date(&l.text, rules)).map(|d| d.to_string());
    let outcome = crate::read::fields::outcome::read_outcome(lines, false, cx);
    memo.proposed_decision = outcome.proposed;
    memo
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::read::lines::lines_of;

    #[test]
    fn labels_apart_from_values() {
        let rules = Rules::embedded();
        let l = lines_of("Ny strategi\nForslag til vedtak\nNUIT ber om innspill.\nBakgrunn\nTekst.\nTil\nDato\nSaksnummer\nType\nMøte 2/22\n08.04.2022\n14/22\nDrøfting\nFra\nSaksbehandler\nKarl Vestli\nSiv Ingebrigtsen/Nina Bjørlykke/Anne\nGreibrokk\nDette er lang tekst som følger boksen.\n", 1);
        let m = parse_memo(&l, 1, 5, Some(2022), &rules);
        assert_eq!(m.title.as_deref(), Some("Ny strategi"));
        assert_eq!(m.proposed_decision.as_deref(), Some("NUIT ber om innspill."));
        assert_eq!(m.meeting_label.as_deref(), Some("2/22"));
        assert_eq!(m.date.as_deref(), Some("2022-04-08"));
        assert_eq!(m.sak.as_deref(), Some("14/22"));
        assert_eq!(m.sak_type.as_deref(), Some("Drøfting"));
        assert_eq!(m.owner.as_deref(), Some("Karl Vestli"));
        assert_eq!(m.case_officers, vec!["Siv Ingebrigtsen", "Nina Bjørlykke", "Anne Greibrokk"]);
    }

    #[test]
    fn labels_with_their_values_on_the_same_line() {
        let rules = Rules::embedded();
        let l = lines_of("Tittel\nForslag til vedtak\nNUIT tar saken til orientering.\nTil: Møte 3/25\nDato: 11.09.2025\nSaksnummer: 31/25\nInnretning: Orientering\nSakseier: Lucie Aunan\nSaksbehandler: Siv Ingebrigtsen\nTekst.\n", 1);
        let m = parse_memo(&l, 1, 3, None, &rules);
        assert_eq!((m.sak.as_deref(), m.sak_type.as_deref(), m.owner.as_deref()), (Some("31/25"), Some("Orientering"), Some("Lucie Aunan")));
        assert_eq!(m.date.as_deref(), Some("2025-09-11"));
    }

    #[test]
    fn box_as_a_table_read_row_by_row() {
        // A bordered two-column box: each label followed by its value.
        let rules = Rules::embedded();
        let l = lines_of("Tittel\nForslag til vedtak\nNUIT tar saken til orientering.\nTil\nMøte 3/25\nFra\nLucie Aunan\nDato\n11.09.2025\nSaksbehandler\nSiv Ingebrigtsen\nSaksnummer\n31/25\nInnretning\nOrientering\nTekst som følger boksen, lang nok til å være brødtekst.\n", 1);
        let m = parse_memo(&l, 1, 3, None, &rules);
        assert_eq!(m.meeting_label.as_deref(), Some("3/25"));
        assert_eq!(m.date.as_deref(), Some("2025-09-11"));
        assert_eq!(m.sak.as_deref(), Some("31/25"));
        assert_eq!(m.sak_type.as_deref(), Some("Orientering"));
        assert_eq!(m.owner.as_deref(), Some("Lucie Aunan"));
        assert_eq!(m.case_officers, vec!["Siv Ingebrigtsen"]);
    }

    #[test]
    fn officers_with_titles_are_not_split() {
        assert_eq!(split_officers("Terje Wistner, avdelingsdirektør KS"), vec!["Terje Wistner, avdelingsdirektør KS"]);
        assert_eq!(split_officers("Beate Sørslett, Bjørn Nilsen"), vec!["Beate Sørslett", "Bjørn Nilsen"]);
    }
}
