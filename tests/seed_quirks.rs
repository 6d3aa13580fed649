//! One test per quirk of the genre named in DEVELOPERS.md, on the real seed
//! texts (the text layers of published PDFs).

use motebok::model::{Attendance, DocumentKind, Role};
use motebok::rules::Rules;

fn docs(id: &str) -> Vec<motebok::model::Document> {
    motebok::read::read_file(&crate::common::pages_of(&crate::common::seed(id), 55), &Rules::embedded())
}

#[test]
fn two_column_member_lists_keep_every_member_with_wrapped_organisations() {
    let d = docs("002");
    let m = &d[0];
    assert_eq!(m.kind, DocumentKind::Minutes);
    let bente = m.participants.iter().find(|p| p.name == "Bente R. Herdlevær").expect("member read across the column break");
    assert_eq!(bente.organisation.as_deref(), Some("Bærum kommune"));
    assert_eq!(bente.note.as_deref(), Some("fra kl. 12.00"));
    let absent: Vec<_> = m.participants.iter().filter(|p| p.attendance == Some(Attendance::Absent)).map(|p| p.name.as_str()).collect();
    assert_eq!(absent, vec!["Asbjørn Finstad", "Wenche P. Dehli"]);
    let staff = m.participants.iter().filter(|p| p.role == Role::Secretariat).count();
    assert_eq!(staff, 6, "secretariat listed under 'Direktoratet / for e-helse' in two columns");
}

#[test]
fn memo_labels_printed_apart_from_values() {
    let d = docs("000");
    let memo = d.iter().find(|d| d.kind == DocumentKind::CaseMemo).and_then(|d| d.memo.as_ref()).expect("memo");
    assert_eq!(memo.sak.as_deref(), Some("14/22"));
    assert_eq!(memo.meeting_label.as_deref(), Some("2/22"));
    assert_eq!(memo.date.as_deref(), Some("2022-04-08"));
    assert_eq!(memo.sak_type.as_deref(), Some("Drøfting"));
    assert_eq!(memo.owner.as_deref(), Some("Karl Vestli"));
    assert_eq!(memo.case_officers, vec!["Siv Ingebrigtsen"]);
}

#[test]
fn memo_header_box_mid_page_does_not_cut_the_memo() {
    // In 000 the box sits on the memo's second page, after pages of text; the
    // memo still starts at its title and runs to the end.
    let d = docs("000");
    let memo = d.iter().find(|d| d.kind == DocumentKind::CaseMemo).unwrap();
    assert_eq!(memo.title.as_deref(), Some("Ny nasjonal e-helsestrategi fra 2023 – mål og tiltak"));
    assert_eq!(memo.references.len(), 10, "the reference table at the memo's end belongs to it");
    assert_eq!(d.len(), 2);
}

#[test]
fn earlier_minutes_bound_into_an_agenda_are_documents_of_their_own() {
    let d = docs("001");
    let kinds: Vec<_> = d.iter().map(|d| (d.kind, d.meeting.as_ref().and_then(|m| m.number))).collect();
    assert_eq!(&kinds[..3], &[(DocumentKind::Agenda, Some(6)), (DocumentKind::Minutes, Some(4)), (DocumentKind::Minutes, Some(5))]);
    assert_eq!(d.iter().filter(|d| d.kind == DocumentKind::CaseMemo).count(), 7);
    // Each keeps its own participants and saker.
    assert_eq!(d[1].items.first().map(|i| i.sak.as_str()), Some("23/21"));
    assert_eq!(d[2].items.first().map(|i| i.sak.as_str()), Some("30/21"));
}

#[test]
fn stray_date_beside_the_agenda_table_is_not_part_of_a_title() {
    let d = docs("004");
    let minutes = d.iter().find(|d| d.kind == DocumentKind::Minutes).unwrap();
    let last = minutes.items.last().unwrap();
    assert_eq!((last.sak.as_str(), last.title.as_deref()), ("23/25", Some("Eventuelt")));
}

#[test]
fn date_in_running_text_is_not_the_meeting_date() {
    // 000's memo text mentions many dates ("9. desember 2021", "22. mars");
    // the meeting date comes from the Dato field only.
    let d = docs("000");
    assert_eq!(d[0].meeting.as_ref().unwrap().date.as_deref(), Some("2022-04-08"));
}

#[test]
fn typo_in_a_note_is_kept_as_printed() {
    // "deltok t.o.m. sak 27/12" in a 2021 meeting: kept verbatim, not "fixed".
    let d = docs("001");
    let steffen = d[1].participants.iter().find(|p| p.name == "Steffen Sutorius").unwrap();
    assert_eq!(steffen.note.as_deref(), Some("deltok t.o.m. sak 27/12"));
}

#[test]
fn body_alias_typo_still_names_the_body() {
    // 004's minutes title names NUIT; the memo references use "E-helserådet"
    // and "Nasjonalt e-helseråd" for the same council.
    let d = docs("004");
    let refs: Vec<_> = d.iter().flat_map(|d| d.references.iter()).filter(|r| r.sak == "18/25").collect();
    assert_eq!(refs[0].body.as_deref(), Some("E-helserådet"));
}

#[test]
fn slide_deck_is_one_document_of_kind_other() {
    let d = docs("003");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].kind, DocumentKind::Other);
    assert_eq!(d[0].title.as_deref(), Some("Med utgangspunkt i Én innbygger – én journal, ble nasjonal e-helsestrategi for 2017-2022 utarbeidet"));
}

#[test]
fn letter_bound_between_memos_is_other_with_its_heading_as_title() {
    let d = docs("004");
    let letters: Vec<_> = d.iter().filter(|d| d.kind == DocumentKind::Other).collect();
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].title.as_deref(), Some("Korrigering - supplerende tildelingsbrev nr. 2"));
}

#[test]
fn line_final_hyphen_is_a_real_hyphen() {
    let d = docs("000");
    let mariann = d[0].participants.iter().find(|p| p.name == "Mariann Hornnes").unwrap();
    assert_eq!(mariann.organisation.as_deref(), Some("Direktoratet for e-helse"), "'e-' + 'helse)'");
}

#[test]
fn every_seed_scores_perfectly_from_its_text_layer() {
    for id in ["000", "001", "002", "003", "004"] {
        let f1 = crate::common::f1_of_pages(id, &crate::common::pages_of(&crate::common::seed(id), 55));
        assert!(f1 >= 0.99, "{id}: f1 {f1:.4}");
    }
}

#[test]
fn both_secretariat_names_give_secretariat_staff() {
    // Direktoratet for e-helse (2021) and Helsedirektoratet (2025, after the merger).
    for (id, kind, org) in [("002", DocumentKind::Minutes, "Direktoratet for e-helse"), ("004", DocumentKind::Minutes, "Helsedirektoratet")] {
        let d = docs(id);
        let m = d.iter().find(|d| d.kind == kind).unwrap();
        let staff: Vec<_> = m.participants.iter().filter(|p| p.role == Role::Secretariat).collect();
        assert!(!staff.is_empty(), "{id}");
        assert!(staff.iter().all(|p| p.organisation.as_deref() == Some(org)), "{id}: {staff:?}");
    }
}

#[test]
fn short_and_long_meeting_labels_name_the_same_meeting() {
    // "Møte 6/2021" in 001's agenda, "Møte 6/21" in its memos' header boxes.
    let d = docs("001");
    let agenda = d[0].meeting.as_ref().unwrap();
    assert_eq!((agenda.label.as_deref(), agenda.number, agenda.year), (Some("6/2021"), Some(6), Some(2021)));
    let memo_label = d.iter().find_map(|d| d.memo.as_ref()).and_then(|m| m.meeting_label.clone()).unwrap();
    assert_eq!(memo_label, "6/21");
    let (s, _) = motebok::read::lexicon::sak::find_sak(&memo_label).unwrap();
    assert_eq!((s.number, s.year), (6, 2021));
}
