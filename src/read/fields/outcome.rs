//! What one sak's text says was proposed and decided.
//!
//! Labelled first: "Forslag til vedtak", "Rådmannens innstilling", "…
//! innstiller … følgende vedtak:" open the proposal; "Vedtak",
//! "Formannskapets vedtak", "Styret fattet følgende vedtak" the decision;
//! each runs to the next label, section heading ("Behandling",
//! "Votering") or attachment. In minutes without a decision label, the
//! decision is the sentence that states it ("Godkjennes.", "Søknaden
//! innvilges med …", "Forslaget faller"): the last such sentence of the
//! sak, from the start of its paragraph when the paragraph opens with the
//! decision, to the end of the paragraph, but not into discussion ("Det
//! påpekes …"); a sentence ending in a colon takes the list after it.

use std::sync::LazyLock;

use regex::Regex;

use crate::read::lexicon::labels::{self, DecisionLabel};
use crate::read::lexicon::outcome::{is_discussion, is_outcome_cell, sentences, states_decision, states_vote};
use crate::read::lines::{join_lines, push_joined, Line};
use crate::read::Cx;
use crate::rules::labels::{eq_fold, strip_label};

/// What a sak's text gave.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    pub proposed: Option<String>,
    pub decision: Option<String>,
    pub attachments: Vec<String>,
}

static ATTACHMENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?i)(\S+)\s+\d+[A-Za-z]?\s*:").expect("valid regex"));

fn attachment_start(line: &str, cx: &Cx) -> bool {
    ATTACHMENT.captures(line).is_some_and(|c| cx.rules.labels.decisions.attachment.iter().any(|a| eq_fold(a, &c[1])))
}

/// A section heading that ends a labelled block: "Behandling", "Votering:
/// …", "Behandling i Formannskapet - 12.02.2019".
fn section_end(line: &str, cx: &Cx) -> bool {
    // A heading is printed capitalised; "diskusjon i møtet, …" goes on a
    // sentence.
    if !line.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    let ends = |labels: &[String]| {
        strip_label(line, labels).is_some_and(|rest| {
            let colon = line[..line.len() - rest.len()].contains(':');
            let of_body = rest.split_whitespace().next().is_some_and(|w| matches!(w, "i" | "av" | "for" | "fra" | "ved")) && line.split_whitespace().count() <= 12;
            rest.is_empty() || colon || of_body
        })
    };
    ends(&cx.rules.genre.sections.ends) || ends(&cx.rules.labels.memo.sections) || owned_heading(line, &cx.rules.genre.sections.ends)
}

/// "Møtet ble hevet kl. 15.15.": the meeting's end, after the last sak.
fn closes_meeting(line: &str, cx: &Cx) -> bool {
    let h = &cx.rules.genre.header;
    let first = line.split_whitespace().next().unwrap_or("");
    h.closing_subjects.iter().any(|w| eq_fold(w, first))
        && line.split(|c: char| !c.is_alphabetic()).any(|w| h.end_phrases.iter().any(|p| eq_fold(p, w)))
}

/// "Formannskapets behandling:", "Styrets vurdering": a short heading whose
/// last word is a section word, after the body that owns it.
fn owned_heading(line: &str, ends: &[String]) -> bool {
    let t = line.trim();
    let words: Vec<&str> = t.split_whitespace().collect();
    let Some(last) = words.last().map(|w| w.trim_end_matches(':')) else { return false };
    (2..=3).contains(&words.len())
        && (t.ends_with(':') || words.len() == 2)
        && words[0].ends_with('s')
        && ends.iter().any(|e| !e.contains(' ') && eq_fold(e, last))
}

#[derive(PartialEq)]
enum Part {
    Text,
    Proposed,
    Decision,
    Attachment,
}

/// Read the proposal, decision and attachments of one sak's body lines.
/// `minutes`: an unlabelled decision sentence counts.
pub fn read_outcome(lines: &[Line], minutes: bool, cx: &Cx) -> Outcome {
    let mut proposed: Vec<&str> = Vec::new();
    let mut decision: Vec<&str> = Vec::new();
    let mut attachments: Vec<Vec<&str>> = Vec::new();
    let mut part = Part::Text;
    let (mut seen_proposed, mut seen_decision) = (false, false);
    for line in lines {
        let t = line.text.as_str();
        let label = labels::decision_label(t, cx.rules).or_else(|| labels::opener_sentence(t, cx.rules).map(|k| (k, "")));
        if let Some((k, rest)) = label {
            let (buf, seen) = match k {
                DecisionLabel::Proposed => (&mut proposed, &mut seen_proposed),
                DecisionLabel::Decision => (&mut decision, &mut seen_decision),
            };
            part = if k == DecisionLabel::Proposed { Part::Proposed } else { Part::Decision };
            *seen = true;
            buf.clear();
            buf.extend((!rest.is_empty()).then_some(rest));
            continue;
        }
        if part != Part::Decision && attachment_start(t, cx) {
            part = Part::Attachment;
            attachments.push(vec![t]);
            continue;
        }
        if matches!(part, Part::Proposed | Part::Decision) && (section_end(t, cx) || labels::signed_date(t, cx.rules).is_some() || closes_meeting(t, cx)) {
            part = Part::Text;
            continue;
        }
        // In minutes, a paragraph that states the decision ends the
        // proposal before it.
        if part == Part::Proposed && minutes && line.blank_before && states_decision(t, cx.rules) {
            part = Part::Text;
        }
        match part {
            Part::Text => {}
            Part::Proposed => proposed.push(t),
            Part::Decision => decision.push(t),
            Part::Attachment => {
                if let Some(a) = attachments.last_mut() {
                    a.push(t);
                }
            }
        }
    }
    let mut out = Outcome {
        proposed: seen_proposed.then(|| join_lines(&proposed)).filter(|s| !s.is_empty()),
        decision: seen_decision.then(|| join_lines(&decision)).filter(|s| !s.is_empty()),
        attachments: attachments.iter().map(|a| join_lines(a)).collect(),
    };
    if minutes && !seen_decision {
        out.decision = unlabelled_decision(lines, cx);
    }
    out
}

/// A vote's result printed without a label in minutes that otherwise
/// label their decisions: a sentence about the proposal or the sak that
/// gives the vote ("Forslaget ble vedtatt mot 4 stemmer.") or a deciding
/// phrase ("Saken tas til orientering."), or an outcome alone ("Enstemmig
/// vedtatt."). "Saken ble utsatt." is not (it decides
/// nothing about the sak). The last such sentence wins.
pub fn voted_decision(lines: &[Line], cx: &Cx) -> Option<String> {
    let paras = paragraphs(lines);
    paras
        .iter()
        .rev()
        .filter(|p| !p.aside)
        .find_map(|p| sentences(&p.text).into_iter().rev().find(|s| states_vote(s, cx.rules) || is_outcome_cell(s, cx.rules)))
        .map(str::to_string)
}

/// A paragraph: its text, and whether it is a point of a list or a
/// speaker's turn ("I: …", "SP: …"), which state no decision.
struct Paragraph {
    text: String,
    aside: bool,
}

/// "I:", "SP:", "K:", "Q - 115:": a speaker's turn in a debate.
fn speaker_turn(text: &str) -> bool {
    let Some((tag, _)) = text.split_once(':') else { return false };
    let tag = tag.trim();
    !tag.is_empty() && tag.len() <= 10 && tag.split_whitespace().count() <= 3 && tag.chars().all(|c| c.is_uppercase() || c.is_ascii_digit() || matches!(c, ' ' | '-'))
}

/// Cut lines into paragraphs: a blank line, a bullet, or a line that ends
/// a sentence (or stops short of the page's width) ends one.
fn paragraphs(lines: &[Line]) -> Vec<Paragraph> {
    let mut out: Vec<Paragraph> = Vec::new();
    let mut open = false;
    for (i, l) in lines.iter().enumerate() {
        let after_bullet = i > 0 && lines[i - 1].bullet && !l.bullet;
        let starts_new = !open || l.blank_before || l.bullet || after_bullet || speaker_turn(&l.text);
        if starts_new {
            out.push(Paragraph { text: String::new(), aside: l.bullet || speaker_turn(&l.text) });
        }
        if let Some(p) = out.last_mut() {
            push_joined(&mut p.text, &l.text);
        }
        // A line ends its sentence unless a comma or hyphen leaves it open.
        let ends_sentence = !l.text.ends_with([',', '-']);
        open = !(ends_sentence && l.short) && !l.bullet;
    }
    out
}

/// The unlabelled decision of a sak in minutes, if a sentence states one.
fn unlabelled_decision(lines: &[Line], cx: &Cx) -> Option<String> {
    let paras = paragraphs(lines);
    // The last paragraph holding a decision sentence, and the last such
    // sentence in it.
    let (pi, si) = paras.iter().enumerate().rev().filter(|(_, p)| !p.aside).find_map(|(pi, p)| {
        let s = sentences(&p.text);
        s.iter().rposition(|s| states_decision(s, cx.rules) && !is_discussion(s, cx.rules)).map(|si| (pi, si))
    })?;
    let sents = sentences(&paras[pi].text);
    // From the paragraph's start when it opens with the decision.
    let first = if states_decision(sents[0], cx.rules) && !is_discussion(sents[0], cx.rules) { 0 } else { si };
    let mut out = String::new();
    let mut k = first;
    while k < sents.len() {
        if k > si && is_discussion(sents[k], cx.rules) {
            break;
        }
        push_joined(&mut out, sents[k]);
        k += 1;
    }
    // "… godkjennes med følgende merknader:" takes the list and the lines
    // after it, to the end of the sak.
    if out.ends_with(':') {
        for p in &paras[pi + 1..] {
            push_joined(&mut out, &p.text);
        }
    }
    Some(out).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::lines::lines_of;
    use crate::rules::Rules;

    fn outcome(text: &str, minutes: bool) -> Outcome {
        let rules = Rules::embedded();
        let cx = Cx::new(&rules);
        read_outcome(&lines_of(text, 1), minutes, &cx)
    }

    #[test]
    fn labelled_proposal_decision_and_attachments() {
        let o = outcome("Tekst om saken.\nVedlegg 1:\nToppnotat Ny\nstrategi\nForslag til vedtak:\nNUIT ber Direktoratet for e-\nhelse ta med seg innspill.\n", false);
        assert_eq!(o.proposed.as_deref(), Some("NUIT ber Direktoratet for e-helse ta med seg innspill."));
        assert_eq!(o.attachments, vec!["Vedlegg 1: Toppnotat Ny strategi".to_string()]);
        let o = outcome("Rådmannens innstilling:\nPlanen vedtas.\nBehandling:\nDebatt.\nFormannskapets vedtak:\nPlanen vedtas som innstilt.\n", true);
        assert_eq!(o.proposed.as_deref(), Some("Planen vedtas."));
        assert_eq!(o.decision.as_deref(), Some("Planen vedtas som innstilt."));
    }

    #[test]
    fn an_opening_sentence_labels_what_follows() {
        let o = outcome("Årsberetning og regnskap skal behandles 10. april 2015.\nStyret fattet følgende enstemmige vedtak\nAdministrasjonen justerer utkastet. Styreleder får fullmakt.\n", true);
        assert_eq!(o.decision.as_deref(), Some("Administrasjonen justerer utkastet. Styreleder får fullmakt."));
    }

    #[test]
    fn unlabelled_decision_is_the_sentence_not_the_discussion() {
        let o = outcome("Godkjennes. Det påpekes at informasjonen om fordelingsmøtene kan bli bedre. Koordinator skal finne en liste.\n", true);
        assert_eq!(o.decision.as_deref(), Some("Godkjennes."));
        let o = outcome("ProgNett søkte forrige semester om en representant. Det ble vedtatt at de skulle få observatørstatus. ProgNetts søknad ble enstemmig vedtatt og har innvirkning fra førstkommende møte.\n", true);
        assert_eq!(o.decision.as_deref(), Some("ProgNetts søknad ble enstemmig vedtatt og har innvirkning fra førstkommende møte."));
        let o = outcome("Søknaden ble innvilget med en forutsetning om at vedtektene endres. Hvis dette ikke gjennomføres må utgifter refunderes til FU.\n", true);
        assert_eq!(o.decision.as_deref(), Some("Søknaden ble innvilget med en forutsetning om at vedtektene endres. Hvis dette ikke gjennomføres må utgifter refunderes til FU."));
        let o = outcome("Koordinator forteller kort om hvordan arbeidet går.\n", true);
        assert_eq!(o.decision, None);
        // Not in an agenda: nothing is decided there yet.
        assert_eq!(outcome("Godkjennes.\n", false).decision, None);
    }

    #[test]
    fn a_decision_ending_in_a_colon_takes_its_list() {
        let o = outcome(
            "Det blir diskutert mye.\nTekNats søknad godkjennes med følgende merknader:\n• Postene om kaffe blir stryket.\n• Posten om styremiddag blir redusert med 1 300\nkr.\nDen godkjente søknaden blir totalt på 12 930 kr.\n",
            true,
        );
        assert_eq!(
            o.decision.as_deref(),
            Some("TekNats søknad godkjennes med følgende merknader: • Postene om kaffe blir stryket. • Posten om styremiddag blir redusert med 1 300 kr. Den godkjente søknaden blir totalt på 12 930 kr.")
        );
    }
}
