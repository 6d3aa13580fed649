//! One record per meeting and per sak (issue 4): outcomes on the fixtures
//! and on the agenda + minutes pair of `fixtures/pairs/`.

use std::path::{Path, PathBuf};

use motebok::merge::{merge, ItemKey, MeetingKey, Merged, Outcome};
use motebok::model::{DocumentKind, FileRecord};
use motebok::pipeline::{extract_path, Context};
use motebok::rules::Rules;

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

fn merged(recs: &[FileRecord]) -> Merged {
    merge(&recs.iter().collect::<Vec<_>>())
}

fn item_key(body: &str, n: u32, y: i32) -> ItemKey {
    ItemKey { body: body.into(), number: n, year: y }
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
    let mg = merged(&recs);
    assert_eq!(mg.meetings.len(), 1, "{:#?}", mg.meetings);
    let meeting = &mg.meetings[0];
    assert_eq!(meeting.key, MeetingKey { body: "NUFA".into(), number: 1, year: 2024 });
    assert_eq!(meeting.sources.len(), 2);
    assert_eq!(meeting.items, 5);
    let outcome = |n| mg.item(&item_key("NUFA", n, 2024)).unwrap_or_else(|| panic!("sak {n}/24")).outcome;
    assert_eq!(outcome(1), Outcome::AdoptedAsProposed);
    assert_eq!(outcome(2), Outcome::AdoptedAsProposed, "equal after whitespace normalisation");
    assert_eq!(outcome(3), Outcome::Amended);
    assert_eq!(outcome(4), Outcome::NoDecision);
    assert_eq!(outcome(5), Outcome::NoDecision);
    let amended = mg.item(&item_key("NUFA", 3, 2024)).unwrap();
    assert!(amended.proposed_decision.as_deref().unwrap().contains("2026"));
    assert!(amended.decision.as_deref().unwrap().contains("2027"));
    assert_eq!(amended.proposed_from.as_ref().unwrap().kind, DocumentKind::Agenda);
    assert_eq!(amended.decision_from.as_ref().unwrap().kind, DocumentKind::Minutes);
    // Agenda alone: everything pending.
    let only_agenda = merged(&recs[..1]);
    assert!(only_agenda.items.iter().all(|i| i.outcome == Outcome::Pending));
}

#[test]
fn fixture_outcomes_decided_and_pending() {
    let recs = extract(&[crate::common::fixture("001.pdf"), crate::common::fixture("004.pdf")]);
    let mg = merged(&recs);
    // NUIT 2/2025: minutes only (bound into 004.pdf).
    let nuit = MeetingKey { body: "NUIT".into(), number: 2, year: 2025 };
    let m = mg.meeting(&nuit).expect("NUIT 2/2025");
    assert!(m.has(DocumentKind::Minutes) && !m.has(DocumentKind::Agenda));
    let items: Vec<_> = mg.items.iter().filter(|i| i.meeting == nuit).collect();
    assert_eq!(items.len(), 12);
    for i in &items {
        let expected = if i.title.as_deref() == Some("Eventuelt") { Outcome::NoDecision } else { Outcome::Decided };
        assert_eq!(i.outcome, expected, "{} {:?}", i.sak, i.title);
    }
    // Nasjonalt e-helsestyre 6/2021: agenda and memos in 001.pdf, no minutes.
    let nehs = MeetingKey { body: "Nasjonalt e-helsestyre".into(), number: 6, year: 2021 };
    let m = mg.meeting(&nehs).expect("NEHS 6/2021");
    assert!(m.has(DocumentKind::Agenda) && m.has(DocumentKind::CaseMemo) && !m.has(DocumentKind::Minutes));
    let items: Vec<_> = mg.items.iter().filter(|i| i.meeting == nehs).collect();
    assert_eq!(items.len(), 10);
    assert!(items.iter().all(|i| i.outcome == Outcome::Pending));
    // Memos add their proposal where the agenda has none, and disagreements are listed.
    let s41 = mg.item(&item_key("Nasjonalt e-helsestyre", 41, 2021)).unwrap();
    assert_eq!(s41.sources.len(), 2);
    assert!(mg
        .disagreements
        .iter()
        .any(|d| d.field == "proposed_decision" && d.item.as_ref().map(|i| i.1.as_str()) == Some("41/21") && d.values.len() == 2));
}
