//! Documents of the genre in forms the fixtures do not show: labels with
//! colons, "Sak 12/23:" prefixes, "Forfall" for absence, a body the rules
//! know only by alias. Expected values are read off the texts by hand.

use motebok::model::{Attendance, DocumentKind, Role};
use motebok::rules::Rules;

fn parse(text: &str) -> Vec<motebok::model::Document> {
    motebok::read::read_file(&crate::common::pages_of(text, 40), &Rules::embedded())
}

const NUFA_MINUTES: &str = "Referat fra møte i NUFA
Møte: 3/2023
Dato: Onsdag 24. mai 2023
Tid: kl. 09.00–15.30
Sted: Teams
Til stede:
Ola Nordmann (Helse Vest RHF)
Kari Nordmann, KS
Forfall:
Per Hansen (FFO)
Helsedirektoratet:
Lise Berg
Sak 12/23 Godkjenning av innkalling og dagsorden
Vedtak: NUFA godkjenner innkalling og dagsorden.
Sak 13/23: Nasjonal e-helseportefølje
Helsedirektoratet orienterte om porteføljen 15. mai 2023.
Vedtak: NUFA tar saken
til orientering.
Sak 14/23 Eventuelt
Ingen saker.
";

#[test]
fn minutes_with_colon_labels_and_sak_prefixes() {
    let d = parse(NUFA_MINUTES);
    assert_eq!(d.len(), 1);
    let m = &d[0];
    assert_eq!((m.kind, m.body.as_deref()), (DocumentKind::Minutes, Some("NUFA")));
    let meeting = m.meeting.as_ref().unwrap();
    assert_eq!(meeting.label.as_deref(), Some("3/2023"));
    assert_eq!(meeting.date.as_deref(), Some("2023-05-24"));
    assert_eq!((meeting.start_time.as_deref(), meeting.end_time.as_deref()), (Some("09:00"), Some("15:30")));
    assert_eq!(meeting.location.as_deref(), Some("Teams"));
    let people: Vec<_> = m.participants.iter().map(|p| (p.name.as_str(), p.organisation.as_deref(), p.role, p.attendance)).collect();
    assert_eq!(
        people,
        vec![
            ("Ola Nordmann", Some("Helse Vest RHF"), Role::Member, Some(Attendance::Present)),
            ("Kari Nordmann", Some("KS"), Role::Member, Some(Attendance::Present)),
            ("Per Hansen", Some("FFO"), Role::Member, Some(Attendance::Absent)),
            ("Lise Berg", Some("Helsedirektoratet"), Role::Secretariat, Some(Attendance::Present)),
        ]
    );
    let items: Vec<_> = m.items.iter().map(|i| (i.sak.as_str(), i.title.as_deref(), i.decision.as_deref())).collect();
    assert_eq!(
        items,
        vec![
            ("12/23", Some("Godkjenning av innkalling og dagsorden"), Some("NUFA godkjenner innkalling og dagsorden.")),
            ("13/23", Some("Nasjonal e-helseportefølje"), Some("NUFA tar saken til orientering.")),
            ("14/23", Some("Eventuelt"), None),
        ]
    );
}

#[test]
fn agenda_from_an_alias_title_with_inline_table_cells() {
    let text = "Møte i Nasjonalt e-helseråd
Møte 1/2025
Dato 20. mars 2025
Tid Kl. 10.00 – 15.00
Sted Oslo
Medlemmer Ola Nordmann (Helse Vest RHF) Kari Nordmann (KS)
Sak Tittel på sak Tidspunkt Sakstype
1/25 Godkjenning av innkalling og dagsorden 10:00 Godkjenning
2/25 Evaluering av nasjonal rådsmodell for e-helse 10:10 Drøfting
3/25 Eventuelt 14:50
Sak Tema
1/25 Godkjenning av innkalling og dagsorden
Forslag til vedtak: Nasjonalt e-helseråd godkjenner innkalling og dagsorden.
2/25 Evaluering av nasjonal rådsmodell for e-helse
Forslag til vedtak:
Nasjonalt e-helseråd gir sine innspill.
3/25 Eventuelt
";
    let d = parse(text);
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].kind, d[0].body.as_deref()), (DocumentKind::Agenda, Some("E-helserådet")));
    assert!(d[0].participants.iter().all(|p| p.attendance.is_none()));
    assert_eq!(d[0].participants.len(), 2);
    let items: Vec<_> = d[0].items.iter().map(|i| (i.sak.as_str(), i.time.as_deref(), i.sak_type.as_deref(), i.proposed_decision.as_deref())).collect();
    assert_eq!(
        items,
        vec![
            ("1/25", Some("10:00"), Some("Godkjenning"), Some("Nasjonalt e-helseråd godkjenner innkalling og dagsorden.")),
            ("2/25", Some("10:10"), Some("Drøfting"), Some("Nasjonalt e-helseråd gir sine innspill.")),
            ("3/25", Some("14:50"), None, None),
        ]
    );
}

#[test]
fn running_text_never_invents_documents() {
    let text = "Notat om arbeidet med strategien.
Møte i NUIT 8. april ble det drøftet.
Vi viser til Møte i NUIT og til saken.
Til
slutt takker vi for innspillene.
";
    let d = parse(text);
    assert!(d.iter().all(|d| d.kind == DocumentKind::Other), "{d:?}");
    assert!(d.iter().all(|d| d.items.is_empty() && d.participants.is_empty()));
}

#[test]
fn other_header_and_heading_words_from_the_rules() {
    let text = "Referat fra møte i NUIT
Møte 5/2024
Dato 12. juni 2024
Tidspunkt 10.00 – 15.00
Lokale Storo, Oslo
Til stede Ola Nordmann (Helse Vest RHF)
Sekretariat Kari Hansen
Per Berg
Sak 40/24 Godkjenning av innkalling og dagsorden
Vedtak: NUIT godkjenner innkalling og dagsorden.
";
    let d = parse(text);
    // "Dato …", "Til stede …" and "Sak 40/24 …" close together are no memo box.
    assert_eq!(d.iter().map(|d| d.kind).collect::<Vec<_>>(), vec![DocumentKind::Minutes]);
    let m = d[0].meeting.as_ref().unwrap();
    assert_eq!((m.start_time.as_deref(), m.end_time.as_deref()), (Some("10:00"), Some("15:00")));
    assert_eq!(m.location.as_deref(), Some("Storo, Oslo"));
    let staff: Vec<_> = d[0].participants.iter().filter(|p| p.role == Role::Secretariat).map(|p| p.name.as_str()).collect();
    assert_eq!(staff, vec!["Kari Hansen", "Per Berg"]);
    assert!(d[0].unknown_labels.is_empty(), "{:?}", d[0].unknown_labels);
}
