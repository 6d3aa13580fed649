//! One record per meeting, per sak and per person at a meeting (issues 4,
//! 12, 13): outcomes on the fixtures and on the agenda + minutes pair of
//! `fixtures/pairs/`, the keys of contract v2, and order independence.

use std::path::{Path, PathBuf};

use motebok::model::*;
use motebok::pipeline::{extract_path, Context};
use motebok::rules::Rules;

use crate::common::{datasets, row};

fn pair_text(which: &str) -> String {
    std::fs::read_to_string(crate::common::root().join("fixtures/pairs").join(format!("nufa-1-2024-{which}.txt"))).unwrap()
}

/// The pair as two PDFs in `dir`.
pub fn write_pair(dir: &Path) -> (PathBuf, PathBuf) {
    let a = dir.join("nufa-1-2024-agenda.pdf");
    let m = dir.join("nufa-1-2024-minutes.pdf");
    std::fs::write(&a, crate::common::helvetica_pdf(&pair_text("agenda"), 60)).unwrap();
    std::fs::write(&m, crate::common::helvetica_pdf(&pair_text("minutes"), 60)).unwrap();
    (a, m)
}

fn extract(paths: &[PathBuf]) -> Vec<FileRecord> {
    let ctx = Context::new(Rules::embedded());
    paths.iter().map(|p| extract_path(p, &ctx)).collect()
}

#[test]
fn pair_texts_parse_as_agenda_and_minutes() {
    let rules = Rules::embedded();
    for (which, kind) in [("agenda", DocumentKind::Agenda), ("minutes", DocumentKind::Minutes)] {
        let docs = motebok::read::read_file(&crate::common::pages_of(&pair_text(which), 60), &rules);
        assert_eq!(docs.len(), 1, "{which}: {docs:#?}");
        let d = &docs[0];
        assert_eq!(d.kind, kind);
        assert_eq!(d.body.as_deref(), Some("NUFA"));
        let m = d.meeting.as_ref().unwrap();
        assert_eq!((m.number, m.year, m.date.as_deref()), (Some(1), Some(2024), Some("2024-03-07")));
        let saks: Vec<&str> = d.items.iter().map(|i| i.sak.as_str()).collect();
        assert_eq!(saks.len(), 5, "{which}: {saks:?}");
        if kind == DocumentKind::Agenda {
            assert!(d.items[..4].iter().all(|i| i.proposed_decision.is_some()), "{:#?}", d.items);
        } else {
            let with: Vec<bool> = d.items.iter().map(|i| i.decision.is_some()).collect();
            assert_eq!(with, [true, true, true, false, false], "{:#?}", d.items);
        }
    }
}

#[test]
fn pair_outcomes_adopted_amended_no_decision() {
    let dir = tempfile::tempdir().unwrap();
    let (a, m) = write_pair(dir.path());
    let recs = extract(&[a, m]);
    let t = datasets(&recs);
    assert_eq!(t["meetings"].len(), 1, "{:#?}", t["meetings"]);
    let meeting = &t["meetings"][0];
    assert_eq!(meeting["meeting_id"], "NUFA 1/2024");
    assert_eq!((meeting["documents"].as_str(), meeting["items"].as_str()), ("2", "5"));
    let outcome = |n: u32| row(&t["items"], "item_id", &format!("NUFA sak {n}/2024"))["outcome"].clone();
    assert_eq!(outcome(1), "adopted_as_proposed");
    assert_eq!(outcome(2), "adopted_as_proposed", "equal after whitespace normalisation");
    assert_eq!(outcome(3), "amended");
    assert_eq!(outcome(4), "no_decision");
    assert_eq!(outcome(5), "no_decision");
    let amended = row(&t["items"], "item_id", "NUFA sak 3/2024");
    assert!(amended["proposed_decision"].contains("2026"));
    assert!(amended["decision"].contains("2027"));
    assert!(amended["proposed_decision_from"].ends_with("(agenda)"));
    assert!(amended["decision_from"].ends_with("(minutes)"));
    assert_eq!(amended["meeting_id"], "NUFA 1/2024");
    // Provenance in its own table: both documents list every sak.
    assert_eq!(t["item_sources"].iter().filter(|r| r["item_id"] == "NUFA sak 3/2024").count(), 2);
    // Agenda alone: everything pending.
    let only_agenda = datasets(&recs[..1]);
    assert!(only_agenda["items"].iter().all(|i| i["outcome"] == "pending"));
}

#[test]
fn fixture_outcomes_decided_and_pending() {
    let recs = extract(&[crate::common::fixture("001.pdf"), crate::common::fixture("004.pdf")]);
    let t = datasets(&recs);
    // NUIT 2/2025: minutes only (bound into 004.pdf).
    let m = row(&t["meetings"], "meeting_id", "NUIT 2/2025");
    assert_eq!((m["has_minutes"].as_str(), m["has_agenda"].as_str()), ("true", "false"));
    let items: Vec<_> = t["items"].iter().filter(|i| i["meeting_id"] == "NUIT 2/2025").collect();
    assert_eq!(items.len(), 12);
    for i in &items {
        let expected = if i["title"] == "Eventuelt" { "no_decision" } else { "decided" };
        assert_eq!(i["outcome"], expected, "{} {:?}", i["sak"], i["title"]);
    }
    // Nasjonalt e-helsestyre 6/2021: agenda and memos in 001.pdf, no minutes.
    let m = row(&t["meetings"], "meeting_id", "Nasjonalt e-helsestyre 6/2021");
    assert_eq!((m["has_agenda"].as_str(), m["has_minutes"].as_str(), m["memos"].as_str()), ("true", "false", "7"));
    let items: Vec<_> = t["items"].iter().filter(|i| i["meeting_id"] == "Nasjonalt e-helsestyre 6/2021").collect();
    assert_eq!(items.len(), 10);
    assert!(items.iter().all(|i| i["outcome"] == "pending"));
    // Memos add their proposal where the agenda has none, and disagreements are listed.
    let s41 = row(&t["items"], "item_id", "Nasjonalt e-helsestyre sak 41/2021");
    assert_eq!(s41["documents"], "2");
    let d: Vec<_> = t["disagreements"].iter().filter(|d| d["item_id"] == "Nasjonalt e-helsestyre sak 41/2021" && d["field"] == "proposed_decision").collect();
    assert_eq!(d.len(), 2, "two alternatives");
    // Every memo knows its meeting and its sak.
    for memo in &t["memos"] {
        assert!(!memo["meeting_id"].is_empty() && !memo["item_id"].is_empty(), "{memo:?}");
    }
}

fn doc(kind: DocumentKind, body: &str, number: Option<u32>, year: Option<i32>, date: Option<&str>) -> Document {
    let mut d = Document::new(kind, 1, 2);
    d.body = Some(body.into());
    d.meeting = Some(Meeting {
        label: number.map(|n| format!("{n}")),
        number,
        year,
        date: date.map(Into::into),
        ..Meeting::default()
    });
    d
}

fn item(sak: &str, number: Option<u32>, year: Option<i32>, decision: Option<&str>) -> Item {
    Item {
        sak: sak.into(),
        number,
        year,
        title: Some(format!("Punkt {sak}")),
        time: None,
        sak_type: None,
        proposed_decision: None,
        decision: decision.map(Into::into),
        attachments: vec![],
        page: 1,
    }
}

fn person(name: &str, org: Option<&str>, attendance: Option<Attendance>) -> Participant {
    Participant { name: name.into(), organisation: org.map(Into::into), role: Role::Member, attendance, note: None, substitute_for: None, function: Some("Medlem".into()), page: 1 }
}

fn rec(file: &str, docs: Vec<Document>) -> FileRecord {
    FileRecord {
        source: Source { file: file.into(), sha256: format!("{:064}", file.len()), bytes: 1, pages: 2, ..Source::default() },
        status: Status::Ok,
        errors: vec![],
        pages: vec![],
        documents: docs,
    }
}

/// Bodies, meetings and items of contract v2: meetings without numbers,
/// items without years, sub-points, side series, nothing to place.
fn v2_batch() -> Vec<FileRecord> {
    let mut minutes = doc(DocumentKind::Minutes, "Kommunestyret", None, None, Some("2024-05-02"));
    minutes.items = vec![
        item("1", Some(1), None, Some("Godkjent.")),
        item("3", Some(3), None, Some("Vedtatt.")),
        item("3.1", None, None, None),
        item("1a", None, None, Some("Tatt til orientering.")),
        item("Forslag 2", Some(2), None, Some("Forslaget ble vedtatt enstemmig.")),
        item("0009/05", Some(9), Some(2005), Some("Godkjennes.")),
        item("10", Some(10), None, None),
    ];
    minutes.participants = vec![
        person("Kari Nordmann", Some("Norsk Helsenett SF"), Some(Attendance::Present)),
        person("Ola  Hansen", None, Some(Attendance::Absent)),
    ];
    let mut agenda = doc(DocumentKind::Agenda, "Kommunestyret", None, None, Some("2024-05-02"));
    agenda.items = vec![item("1", Some(1), None, None), item("3.1", None, None, None), item("4", Some(4), None, None)];
    agenda.participants = vec![person("Kari Nordmann", Some("NHN"), None), person("ola hansen", Some("HOD"), None)];
    let mut numbered = doc(DocumentKind::Minutes, "Styret", Some(3), None, Some("2019-01-10"));
    numbered.items = vec![item("1", Some(1), None, Some("Ok."))];
    // No number, no date: unplaced. No body: unplaced.
    let mut lost = doc(DocumentKind::Minutes, "Fordelingsutvalget", None, None, None);
    lost.items = vec![item("1", Some(1), None, Some("Ok."))];
    let mut nobody = doc(DocumentKind::Agenda, "x", Some(1), Some(2024), None);
    nobody.body = None;
    // A memo whose header names no meeting: the meeting of its sak's listing.
    let mut memo = Document::new(DocumentKind::CaseMemo, 3, 4);
    memo.body = Some("Kommunestyret".into());
    memo.memo = Some(Memo { sak: Some("9/05".into()), title: Some("Gammel sak".into()), proposed_decision: Some("Godkjennes.".into()), ..Memo::default() });
    memo.references = vec![Reference { sak: "9/05".into(), date: None, body: None, title: None, decision: None, note: None, page: 3 }];
    let mut orphan = Document::new(DocumentKind::CaseMemo, 5, 5);
    orphan.body = Some("Kommunestyret".into());
    orphan.memo = Some(Memo { sak: Some("99/24".into()), ..Memo::default() });
    vec![
        rec("b/minutes.pdf", vec![minutes, memo, orphan]),
        rec("a/agenda.pdf", vec![agenda, lost, nobody]),
        rec("c/styret.pdf", vec![numbered]),
        // The same minutes again: a copy.
        rec("d/copy.pdf", vec![{
            let mut m = doc(DocumentKind::Minutes, "Kommunestyret", None, None, Some("2024-05-02"));
            m.participants = vec![person("Kari Nordmann", Some("Norsk helsenett SF"), Some(Attendance::Present))];
            m
        }]),
    ]
}

#[test]
fn contract_v2_keys_meetings_without_numbers_items_without_years() {
    let t = datasets(&v2_batch());
    let ids: Vec<&str> = t["meetings"].iter().map(|m| m["meeting_id"].as_str()).collect();
    assert_eq!(ids, ["Kommunestyret 2024-05-02", "Styret 3/2019"]);
    let k = row(&t["meetings"], "meeting_id", "Kommunestyret 2024-05-02");
    assert_eq!((k["meeting_number"].as_str(), k["meeting_year"].as_str(), k["date"].as_str()), ("", "2024", "2024-05-02"));
    assert_eq!((k["has_agenda"].as_str(), k["has_minutes"].as_str(), k["documents"].as_str()), ("true", "true", "4"));
    // Items in natural order within the meeting; the dated sak has its own key.
    let items: Vec<&str> = t["items"].iter().filter(|i| i["meeting_id"] == "Kommunestyret 2024-05-02").map(|i| i["item_id"].as_str()).collect();
    assert_eq!(
        items,
        [
            "Kommunestyret sak 9/2005",
            "Kommunestyret 2024-05-02 sak 1",
            "Kommunestyret 2024-05-02 sak 1a",
            "Kommunestyret 2024-05-02 sak 3",
            "Kommunestyret 2024-05-02 sak 3.1",
            "Kommunestyret 2024-05-02 sak 4",
            "Kommunestyret 2024-05-02 sak 10",
            "Kommunestyret 2024-05-02 sak Forslag 2",
        ]
    );
    let one = row(&t["items"], "item_id", "Kommunestyret 2024-05-02 sak 1");
    assert_eq!((one["documents"].as_str(), one["outcome"].as_str(), one["sak_number"].as_str(), one["sak_year"].as_str()), ("2", "decided", "1", ""));
    assert_eq!(row(&t["items"], "item_id", "Kommunestyret 2024-05-02 sak 4")["outcome"], "pending");
    assert_eq!(row(&t["items"], "item_id", "Kommunestyret 2024-05-02 sak 3.1")["outcome"], "no_decision");
    // The memo without a meeting label joins the meeting of its sak, and its references resolve.
    let old = row(&t["items"], "item_id", "Kommunestyret sak 9/2005");
    assert_eq!((old["documents"].as_str(), old["outcome"].as_str()), ("2", "adopted_as_proposed"));
    let memo = row(&t["memos"], "sak", "9/05");
    assert_eq!((memo["meeting_id"].as_str(), memo["item_id"].as_str()), ("Kommunestyret 2024-05-02", "Kommunestyret sak 9/2005"));
    assert_eq!(t["references"][0]["meeting_id"], "Kommunestyret 2024-05-02");
    assert_eq!(t["references"][0]["ref_item_id"], "Kommunestyret sak 9/2005");
    // An unplaced memo has no meeting and no item; unplaced documents are not merged.
    let orphan = row(&t["memos"], "sak", "99/24");
    assert_eq!((orphan["meeting_id"].as_str(), orphan["item_id"].as_str()), ("", ""));
    assert!(t["document_meetings"].iter().filter(|d| d["file"] == "a/agenda.pdf" && d["doc"] != "1").all(|d| d["meeting_id"].is_empty()));
    assert!(t["document_items"].iter().filter(|d| d["file"] == "a/agenda.pdf" && d["doc"] == "2").all(|d| d["item_id"].is_empty()));
    // A number without a year takes the date's year.
    assert_eq!(row(&t["items"], "item_id", "Styret 3/2019 sak 1")["outcome"], "decided");
}

#[test]
fn attendance_merges_copies_and_sources() {
    let t = datasets(&v2_batch());
    let att: Vec<_> = t["attendance"].iter().filter(|a| a["meeting_id"] == "Kommunestyret 2024-05-02").collect();
    assert_eq!(att.len(), 2, "{att:#?}");
    let kari = att.iter().find(|a| a["name"] == "Kari Nordmann").unwrap();
    assert_eq!((kari["attendance"].as_str(), kari["listed_in"].as_str()), ("present", "3"));
    assert_eq!((kari["organisation"].as_str(), kari["function"].as_str()), ("Norsk helsenett SF", "Medlem"));
    assert!(kari["listed_from"].ends_with("(minutes)"));
    // Names compare case- and space-insensitively; the minutes' values win.
    let ola = att.iter().find(|a| a["name"] == "Ola Hansen").unwrap();
    assert_eq!((ola["attendance"].as_str(), ola["listed_in"].as_str(), ola["organisation"].as_str()), ("absent", "2", "Helse- og omsorgsdepartementet"));
    assert_eq!(ola["organisation_printed"], "HOD");
    // The printed organisation is kept per listing, the canonical one beside it.
    let p = t["participants"].iter().find(|p| p["organisation"] == "NHN").unwrap();
    assert_eq!((p["organisation_canonical"].as_str(), p["meeting_id"].as_str()), ("Norsk helsenett SF", "Kommunestyret 2024-05-02"));
    assert_eq!(row(&t["meetings"], "meeting_id", "Kommunestyret 2024-05-02")["participants"], "2");
}

#[test]
fn merge_does_not_depend_on_record_order() {
    let batch = v2_batch();
    let first = datasets(&batch);
    let mut rev = batch.clone();
    rev.reverse();
    rev.swap(0, 2);
    assert_eq!(datasets(&rev), first);
}
