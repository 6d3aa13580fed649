//! Documents of the genre written for these tests, one per kind of body and
//! habit the parser must read without a rule for the file: another
//! secretary of the seeds' family, a municipal protocol from a case
//! system, a company board, an association's annual meeting with points
//! and lettered sub-points, an agenda, and documents that are no meeting's.

use motebok::model::{Attendance, Document, DocumentKind, Role};
use motebok::rules::Rules;

fn read(text: &str) -> Vec<Document> {
    motebok::read::read_file(&crate::common::pages_of(text, 50), &Rules::embedded())
}

fn items(d: &Document) -> Vec<(&str, Option<u32>, Option<i32>, Option<&str>)> {
    d.items.iter().map(|i| (i.sak.as_str(), i.number, i.year, i.title.as_deref())).collect()
}

#[test]
fn the_seeds_family_written_by_another_secretary() {
    let text = "Referat fra møte i NUIT
Møte nr. 2/2019
Dato: 14.03.2019
Kl. 0900 – 1430
Sted: Helsedirektoratet, Oslo
Til stede
Kari Nordmann (KS)
Ola Hansen (Helse Vest RHF) – fra kl. 10.30
Vararepresentant Per Olsen møtte for Lise Berg (HOD)
Forfall
Anne Li (FHI)
Sak 05/19 Godkjenning av innkalling og dagsorden
Innstilling:
NUIT godkjenner innkalling og dagsorden.
Vedtak:
NUIT godkjenner innkalling og dagsorden.
Sak 06/19 Nasjonal e-helsestrategi
Direktoratet orienterte om arbeidet.
Vedtak:
NUIT tar saken til orientering. Referat fra møte i NUFA
Møte 1/2019
Dato: 15.03.2019
Til stede
Siri Dahl (KS)
Sak 01/19 Godkjenning
Vedtak:
NUFA godkjenner innkallingen.
";
    let docs = read(text);
    assert_eq!(docs.iter().map(|d| d.kind).collect::<Vec<_>>(), vec![DocumentKind::Minutes, DocumentKind::Minutes], "{docs:#?}");
    let d = &docs[0];
    let m = d.meeting.as_ref().unwrap();
    assert_eq!((m.label.as_deref(), m.number, m.year), (Some("2/2019"), Some(2), Some(2019)));
    assert_eq!((m.date.as_deref(), m.start_time.as_deref(), m.end_time.as_deref()), (Some("2019-03-14"), Some("09:00"), Some("14:30")));
    assert_eq!(m.location.as_deref(), Some("Helsedirektoratet, Oslo"));
    assert_eq!(d.body.as_deref(), Some("NUIT"));
    let people: Vec<_> = d.participants.iter().map(|p| (p.name.as_str(), p.role, p.attendance, p.substitute_for.as_deref())).collect();
    assert_eq!(
        people,
        vec![
            ("Kari Nordmann", Role::Member, Some(Attendance::Present), None),
            ("Ola Hansen", Role::Member, Some(Attendance::Present), None),
            ("Per Olsen", Role::Substitute, Some(Attendance::Present), Some("Lise Berg")),
            ("Anne Li", Role::Member, Some(Attendance::Absent), None),
        ]
    );
    assert_eq!(d.participants[2].organisation.as_deref(), Some("HOD"));
    assert_eq!(items(d), vec![("05/19", Some(5), Some(2019), Some("Godkjenning av innkalling og dagsorden")), ("06/19", Some(6), Some(2019), Some("Nasjonal e-helsestrategi"))]);
    assert_eq!(d.items[0].proposed_decision.as_deref(), Some("NUIT godkjenner innkalling og dagsorden."));
    assert_eq!(d.items[1].decision.as_deref(), Some("NUIT tar saken til orientering."));
    assert_eq!(docs[1].body.as_deref(), Some("NUFA"));
    assert_eq!(docs[1].meeting.as_ref().unwrap().date.as_deref(), Some("2019-03-15"));
}

#[test]
fn a_municipal_protocol_from_a_case_system() {
    let text = "MØTEPROTOKOLL
Utvalg: Formannskapet
Møtested: Rådhuset, formannskapssalen
Møtedato: 12.09.2023
Tid: 10:00 - 14:30
Til stede:
Navn   Funksjon   Parti
Per Hansen   Ordfører   AP
Kari Li   Varaordfører   H
Forfall:
Ole Brun
Følgende varamedlemmer møtte:
Ola Nordmann for Ole Brun
Fra administrasjonen møtte:
Kommunedirektør Anne Berg
Protokollfører: Siri Dahl
Saksliste
PS 45/23 Godkjenning av protokoll
PS 46/23 Budsjett 2024
PS 45/23 Godkjenning av protokoll
Kommunedirektørens innstilling:
Protokollen godkjennes.
Behandling:
Ingen merknader.
Votering:
Enstemmig vedtatt.
Formannskapets vedtak:
Protokollen godkjennes.
PS 46/23 Budsjett 2024
Kommunedirektørens innstilling:
Budsjettet vedtas som foreslått.
Behandling:
Forslag fra H om økt ramme.
Votering:
Innstillingen vedtatt mot 2 stemmer.
Formannskapets vedtak:
Budsjettet vedtas som foreslått, med endringer i tråd med forslaget fra H.
";
    let docs = read(text);
    assert_eq!(docs.len(), 1, "{docs:#?}");
    let d = &docs[0];
    assert_eq!(d.kind, DocumentKind::Minutes);
    assert_eq!(d.body.as_deref(), Some("Formannskapet"));
    let m = d.meeting.as_ref().unwrap();
    assert_eq!((m.number, m.date.as_deref(), m.start_time.as_deref(), m.end_time.as_deref()), (None, Some("2023-09-12"), Some("10:00"), Some("14:30")));
    assert_eq!(m.location.as_deref(), Some("Rådhuset, formannskapssalen"));
    let people: Vec<_> = d.participants.iter().map(|p| (p.name.as_str(), p.role, p.attendance, p.function.as_deref(), p.organisation.as_deref())).collect();
    assert_eq!(
        people,
        vec![
            ("Per Hansen", Role::Member, Some(Attendance::Present), Some("Ordfører"), Some("AP")),
            ("Kari Li", Role::Member, Some(Attendance::Present), Some("Varaordfører"), Some("H")),
            ("Ole Brun", Role::Member, Some(Attendance::Absent), None, None),
            ("Ola Nordmann", Role::Substitute, Some(Attendance::Present), None, None),
            ("Anne Berg", Role::Secretariat, Some(Attendance::Present), Some("Kommunedirektør"), None),
            ("Siri Dahl", Role::Secretariat, Some(Attendance::Present), Some("Protokollfører"), None),
        ]
    );
    assert_eq!(d.participants[3].substitute_for.as_deref(), Some("Ole Brun"));
    assert_eq!(items(d), vec![("45/23", Some(45), Some(2023), Some("Godkjenning av protokoll")), ("46/23", Some(46), Some(2023), Some("Budsjett 2024"))]);
    assert_eq!(d.items[0].proposed_decision.as_deref(), Some("Protokollen godkjennes."));
    assert_eq!(d.items[0].decision.as_deref(), Some("Protokollen godkjennes."));
    assert_eq!(d.items[1].decision.as_deref(), Some("Budsjettet vedtas som foreslått, med endringer i tråd med forslaget fra H."));
}

#[test]
fn a_company_board_protocol() {
    let text = "Protokoll fra styremøte i Vekst AS
Dato: 3. juni 2019, kl. 09.00–11.00
Sted: Selskapets lokaler
Tilstede:
Jan Kleppe, styreleder
Karin Finnerud, nestleder
Hilde Molberg (per telefon)
Forfall: Tore Marthinsen og Inger Lysa
Fra administrasjonen: Hanne Haugland, daglig leder
Styresak 23/2019 Regnskap for første kvartal
Administrasjonen la fram regnskapet.
Styret tar saken til orientering.
Styresak 24/2019 Eventuelt
Det var ingen saker under eventuelt.
";
    let docs = read(text);
    assert_eq!(docs.len(), 1, "{docs:#?}");
    let d = &docs[0];
    assert_eq!(d.kind, DocumentKind::Minutes);
    assert_eq!(d.body.as_deref(), Some("Styret"));
    let m = d.meeting.as_ref().unwrap();
    assert_eq!((m.date.as_deref(), m.start_time.as_deref(), m.end_time.as_deref()), (Some("2019-06-03"), Some("09:00"), Some("11:00")));
    let people: Vec<_> = d.participants.iter().map(|p| (p.name.as_str(), p.role, p.attendance, p.function.as_deref(), p.note.as_deref())).collect();
    assert_eq!(
        people,
        vec![
            ("Jan Kleppe", Role::Member, Some(Attendance::Present), Some("styreleder"), None),
            ("Karin Finnerud", Role::Member, Some(Attendance::Present), Some("nestleder"), None),
            ("Hilde Molberg", Role::Member, Some(Attendance::Present), None, Some("per telefon")),
            ("Tore Marthinsen", Role::Member, Some(Attendance::Absent), None, None),
            ("Inger Lysa", Role::Member, Some(Attendance::Absent), None, None),
            ("Hanne Haugland", Role::Secretariat, Some(Attendance::Present), Some("daglig leder"), None),
        ]
    );
    assert_eq!(items(d), vec![("23/2019", Some(23), Some(2019), Some("Regnskap for første kvartal")), ("24/2019", Some(24), Some(2019), Some("Eventuelt"))]);
    assert_eq!(d.items[0].decision.as_deref(), Some("Styret tar saken til orientering."));
    assert_eq!(d.items[1].decision, None);
}

#[test]
fn an_annual_meeting_with_points_and_lettered_sub_points() {
    let text = "Protokoll fra årsmøtet i Sandvika Idrettslag
Årsmøtet ble holdt 12. mars 2024 i klubbhuset.
Punkt 1: Godkjenning av innkalling
Godkjennes.
Punkt 2: Valg av møteleder
Kari Nordmann ble valgt ved akklamasjon.
Punkt 3: Innkomne forslag
a) Forslag om nytt klubbmerke
Forslaget falt.
b) Forslag om økt kontingent
Vedtatt mot 3 stemmer.
Punkt 4: Valg
Den nye lederen er Per Hansen.
Møtet ble hevet kl. 21:15.
";
    let docs = read(text);
    assert_eq!(docs.len(), 1, "{docs:#?}");
    let d = &docs[0];
    assert_eq!(d.kind, DocumentKind::Minutes);
    assert_eq!(d.body.as_deref(), Some("Årsmøtet"));
    let m = d.meeting.as_ref().unwrap();
    assert_eq!((m.date.as_deref(), m.end_time.as_deref(), m.number), (Some("2024-03-12"), Some("21:15"), None));
    assert_eq!(
        items(d),
        vec![
            ("1", Some(1), None, Some("Godkjenning av innkalling")),
            ("2", Some(2), None, Some("Valg av møteleder")),
            ("3", Some(3), None, Some("Innkomne forslag")),
            ("3a", None, None, Some("Forslag om nytt klubbmerke")),
            ("3b", None, None, Some("Forslag om økt kontingent")),
            ("4", Some(4), None, Some("Valg")),
        ]
    );
    let decisions: Vec<_> = d.items.iter().map(|i| i.decision.as_deref()).collect();
    assert_eq!(
        decisions,
        vec![Some("Godkjennes."), Some("Kari Nordmann ble valgt ved akklamasjon."), None, Some("Forslaget falt."), Some("Vedtatt mot 3 stemmer."), Some("Den nye lederen er Per Hansen.")]
    );
}

#[test]
fn an_agenda_announces_and_decides_nothing() {
    let text = "MØTEINNKALLING
Utvalg: Eldrerådet
Møtedato: 04.02.2025
Tid: 13:00
Møtested: Kommunestyresalen
Medlemmer
Per Hansen, leder
Kari Li
Saksliste
PS 1/25 Godkjenning av innkalling og saksliste
PS 2/25 Budsjett for eldrerådet
PS 1/25 Godkjenning av innkalling og saksliste
Forslag til vedtak:
Innkalling og saksliste godkjennes.
PS 2/25 Budsjett for eldrerådet
Kommunedirektørens innstilling:
Budsjettet tas til orientering.
";
    let docs = read(text);
    assert_eq!(docs.len(), 1, "{docs:#?}");
    let d = &docs[0];
    assert_eq!(d.kind, DocumentKind::Agenda);
    assert_eq!(d.body.as_deref(), Some("Eldrerådet"));
    assert!(d.participants.iter().all(|p| p.attendance.is_none()), "{:#?}", d.participants);
    assert_eq!(d.participants.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), vec!["Per Hansen", "Kari Li"]);
    assert!(d.items.iter().all(|i| i.decision.is_none()));
    assert_eq!(d.items[1].proposed_decision.as_deref(), Some("Budsjettet tas til orientering."));
}

#[test]
fn reports_letters_and_slides_stay_other() {
    for text in [
        "Årsrapport 2023
Fordelingsutvalget
1. Innledning
Utvalget har behandlet 40 søknader i året som gikk.
2. Økonomi
Regnskapet viser et overskudd. Søknadene ble innvilget med til sammen 400 000 kr.
",
        "Kommunen
Postadresse: Postboks 1, 2120 Sagstua
Telefon: 62 97 20 00
Vår ref: 21/19102
Deres ref:
INNSYN I VALGPROTOKOLL
Vi viser til henvendelsen og sender valgstyrets møtebok.
Med hilsen
Kari Nordmann
",
        "FHIR fagforum
Åpent fagforum for HL7 FHIR i Norge
Agenda
1. Velkommen
2. Nytt fra HL7 Norge
3. Erfaringer fra prosjektene
",
    ] {
        let docs = read(text);
        assert_eq!(docs.iter().map(|d| d.kind).collect::<Vec<_>>(), vec![DocumentKind::Other], "{text}\n{docs:#?}");
    }
}

#[test]
fn a_case_system_protocol_with_member_tables_and_signatures() {
    let text = "Møteprotokoll
Utvalg: Hovedutvalg for oppvekst
Møtested: Rådhuset, møterom 2
Dato: 12.02.2019
Tidspunkt: 09:00 - 15:00
Følgende faste medlemmer møtte:
Navn   Funksjon   Representerer
Per Hansen   Leder   AP
Kari Li   Medlem   SP
Følgende medlemmer hadde forfall:
Navn   Funksjon   Representerer
Ole Brun   Nestleder   H
Følgende varamedlemmer møtte:
Navn   Møtte for   Representerer
Siri Dahl   Ole Brun   H
Fra administrasjonen møtte:
Navn   Stilling
Anne Berg   Kommunalsjef
Underskrift:
Vi bekrefter med underskriftene våre at det som er ført i møteboka er i samsvar med det som ble vedtatt på møtet.
Saksliste
Utvalgssaksnr   Innhold   Arkivsaksnr
PS 1/19   Godkjenning av protokoll   19/120
PS 2/19   Skolestruktur   18/2210
PS 1/19 Godkjenning av protokoll
Rådmannens innstilling
Protokollen godkjennes.
Behandling i Hovedutvalg for oppvekst - 12.02.2019
Ingen merknader.
HO- 1/19 Vedtak:
Protokollen godkjennes.
PS 2/19 Skolestruktur
Rådmannens innstilling
Saken sendes på høring.
Behandling i Hovedutvalg for oppvekst - 12.02.2019
Forslag fra SP: Saken utsettes.
Votering: Forslaget fra SP falt med 1 mot 4 stemmer.
HO- 2/19 Vedtak:
Saken sendes på høring.
";
    let docs = read(text);
    assert_eq!(docs.len(), 1, "{docs:#?}");
    let d = &docs[0];
    assert_eq!(d.kind, DocumentKind::Minutes);
    assert_eq!(d.body.as_deref(), Some("Hovedutvalg for oppvekst"));
    let m = d.meeting.as_ref().unwrap();
    assert_eq!((m.date.as_deref(), m.start_time.as_deref(), m.end_time.as_deref()), (Some("2019-02-12"), Some("09:00"), Some("15:00")));
    let people: Vec<_> = d.participants.iter().map(|p| (p.name.as_str(), p.role, p.attendance, p.function.as_deref(), p.organisation.as_deref(), p.substitute_for.as_deref())).collect();
    assert_eq!(
        people,
        vec![
            ("Per Hansen", Role::Member, Some(Attendance::Present), Some("Leder"), Some("AP"), None),
            ("Kari Li", Role::Member, Some(Attendance::Present), Some("Medlem"), Some("SP"), None),
            ("Ole Brun", Role::Member, Some(Attendance::Absent), Some("Nestleder"), Some("H"), None),
            ("Siri Dahl", Role::Substitute, Some(Attendance::Present), None, Some("H"), Some("Ole Brun")),
            ("Anne Berg", Role::Secretariat, Some(Attendance::Present), Some("Kommunalsjef"), None, None),
        ]
    );
    assert_eq!(items(d), vec![("1/19", Some(1), Some(2019), Some("Godkjenning av protokoll")), ("2/19", Some(2), Some(2019), Some("Skolestruktur"))]);
    assert_eq!(d.items[1].proposed_decision.as_deref(), Some("Saken sendes på høring."));
    assert_eq!(d.items[1].decision.as_deref(), Some("Saken sendes på høring."));
}

#[test]
fn a_municipal_protocol_with_member_tables_under_their_headings() {
    // The skeleton of the big case systems: headings "Faste medlemmer som
    // (ikke) møtte", "Varamedlemmer som møtte" over Navn | Funksjon |
    // Representerer tables, "KS - 1/24 Vedtak:".
    let docs = read(&std::fs::read_to_string(crate::common::root().join("tests/variants/municipal-tables.txt")).unwrap());
    assert_eq!(docs.len(), 1, "{docs:#?}");
    let d = &docs[0];
    assert_eq!((d.kind, d.body.as_deref()), (DocumentKind::Minutes, Some("Kommunestyret")));
    let m = d.meeting.as_ref().unwrap();
    assert_eq!((m.date.as_deref(), m.start_time.as_deref(), m.end_time.as_deref()), (Some("2024-02-12"), Some("18:00"), Some("21:30")));
    let people: Vec<_> = d
        .participants
        .iter()
        .map(|p| (p.name.as_str(), p.organisation.as_deref(), p.role, p.attendance, p.function.as_deref(), p.substitute_for.as_deref()))
        .collect();
    let present = Some(Attendance::Present);
    assert_eq!(
        people,
        vec![
            ("Kari Nordmann", Some("AP"), Role::Member, present, Some("Ordfører"), None),
            ("Ola Hansen", Some("SP"), Role::Member, present, Some("Varaordfører"), None),
            ("Per Berg", Some("H"), Role::Member, present, Some("Medlem"), None),
            ("Lise Dahl", Some("FRP"), Role::Member, present, Some("Medlem"), None),
            ("Jon Lie", Some("SV"), Role::Member, Some(Attendance::Absent), Some("Medlem"), None),
            ("Anne Moe", Some("SV"), Role::Substitute, present, None, Some("Jon Lie")),
            ("Trine Vik", None, Role::Secretariat, present, Some("Kommunedirektør"), None),
        ]
    );
    assert_eq!(items(d), vec![("1/24", Some(1), Some(2024), Some("Godkjenning av innkalling og saksliste")), ("2/24", Some(2), Some(2024), Some("Budsjettregulering 2024"))]);
    assert_eq!(d.items[0].decision.as_deref(), Some("Innkalling og saksliste godkjennes."));
    assert_eq!(d.items[1].proposed_decision.as_deref(), Some("Kommunestyret vedtar budsjettregulering som vist i vedlegg 1."));
    assert_eq!(d.items[1].decision.as_deref(), Some("Kommunestyret vedtar budsjettregulering som vist i vedlegg 1."));
}

#[test]
fn a_health_trust_board_with_dashed_sak_numbers_and_an_inline_member_list() {
    let text = "Protokoll fra styremøte i Helse Nord RHF
Dato: 24. april 2024
Sted: Bodø
Tid: kl. 09.00 – 15.00

Til stede:
Styremedlemmer: Renate Larsen (leder), Fredrik Sund (nestleder), Kari Jørgensen, Tom Hansen
Fra administrasjonen: Marit Lind, administrerende direktør

Styresak 45-2024 Godkjenning av innkalling og saksliste
Styrets vedtak:
Innkalling og saksliste godkjennes.

Styresak 46-2024 Regnskap per mars 2024
Styrets vedtak:
1. Styret tar regnskap per mars 2024 til orientering.
2. Styret ber administrerende direktør legge fram en tiltaksplan.

Styresak 47-2024 Eventuelt
Ingen saker.
";
    let docs = read(text);
    assert_eq!(docs.len(), 1, "{docs:#?}");
    let d = &docs[0];
    assert_eq!(d.kind, DocumentKind::Minutes);
    let people: Vec<_> = d.participants.iter().map(|p| (p.name.as_str(), p.role, p.function.as_deref())).collect();
    assert_eq!(
        people,
        vec![
            ("Renate Larsen", Role::Member, Some("leder")),
            ("Fredrik Sund", Role::Member, Some("nestleder")),
            ("Kari Jørgensen", Role::Member, None),
            ("Tom Hansen", Role::Member, None),
            ("Marit Lind", Role::Secretariat, Some("administrerende direktør")),
        ]
    );
    assert_eq!(
        items(d),
        vec![
            ("45-2024", Some(45), Some(2024), Some("Godkjenning av innkalling og saksliste")),
            ("46-2024", Some(46), Some(2024), Some("Regnskap per mars 2024")),
            ("47-2024", Some(47), Some(2024), Some("Eventuelt")),
        ]
    );
    // The numbered points of a decision are its text, not items.
    assert!(d.items[1].decision.as_deref().is_some_and(|t| t.starts_with("1. Styret tar") && t.contains("2. Styret ber")), "{:?}", d.items[1].decision);
    assert_eq!(d.items[2].decision, None);
}

#[test]
fn a_committee_book_with_several_labels_on_a_line_and_a_secretary() {
    let text = "Møtebok
Utvalg: Formannskapet
Møtedato: 05.03.2024  Tid: 09:00
Møtested: Formannskapssalen

Til stede: Kari Nordmann (Ap), Ola Hansen (Sp), Per Berg (H)
Forfall: Lise Dahl (Frp)
Sekretær: Trine Vik

Sak 012/24 Kjøp av tomt i Sentrumsvegen

Rådmannens forslag til vedtak:
Formannskapet godkjenner kjøp av gnr. 12 bnr. 34.

Formannskapets behandling:
Rådmannens forslag ble enstemmig vedtatt.

Formannskapets vedtak:
Formannskapet godkjenner kjøp av gnr. 12 bnr. 34.
";
    let docs = read(text);
    let d = &docs[0];
    assert_eq!((d.kind, d.body.as_deref()), (DocumentKind::Minutes, Some("Formannskapet")));
    let m = d.meeting.as_ref().unwrap();
    assert_eq!((m.date.as_deref(), m.start_time.as_deref(), m.location.as_deref()), (Some("2024-03-05"), Some("09:00"), Some("Formannskapssalen")));
    let secretary = d.participants.iter().find(|p| p.name == "Trine Vik").expect("the secretary is listed");
    assert_eq!((secretary.role, secretary.function.as_deref()), (Role::Secretariat, Some("Sekretær")));
    assert_eq!(items(d), vec![("012/24", Some(12), Some(2024), Some("Kjøp av tomt i Sentrumsvegen"))]);
    assert_eq!(d.items[0].proposed_decision.as_deref(), Some("Formannskapet godkjenner kjøp av gnr. 12 bnr. 34."));
    assert_eq!(d.items[0].decision.as_deref(), Some("Formannskapet godkjenner kjøp av gnr. 12 bnr. 34."));
}

#[test]
fn a_vote_result_is_a_decision_where_the_minutes_otherwise_label_them() {
    let text = "Referat fra årsmøte i Oslo Turlag 14. mars 2023

Sak 3: Årsberetning 2022
Årsberetningen ble gjennomgått.
Vedtak: Årsberetningen godkjennes.

Sak 4: Innkomne forslag
Forslag fra styret om økt kontingent.
Forslaget ble vedtatt mot 4 stemmer.

Sak 5: Orientering om hytta
Styret orienterte om vedlikeholdet, som ble godkjent av kommunen i fjor.

Sak 6: Nytt naust
Saken ble utsatt til neste årsmøte.
";
    let docs = read(text);
    let d = &docs[0];
    assert_eq!(d.kind, DocumentKind::Minutes);
    let decisions: Vec<_> = d.items.iter().map(|i| (i.sak.as_str(), i.decision.as_deref())).collect();
    assert_eq!(
        decisions,
        vec![
            ("3", Some("Årsberetningen godkjennes.")),
            ("4", Some("Forslaget ble vedtatt mot 4 stemmer.")),
            // Running text that happens to hold a deciding verb is not a decision here.
            ("5", None),
            // A postponement decides nothing about the sak.
            ("6", None),
        ]
    );
}

#[test]
fn a_control_committee_with_party_lists_and_people_before_their_positions() {
    // Members listed after their party's name and a colon; "Revisor Anne
    // Moe, Revisjon Midt-Norge SA"; a secretariat company that is no
    // person; the meeting's closing line after the last decision.
    let docs = read(&std::fs::read_to_string(crate::common::root().join("tests/variants/control-committee.txt")).unwrap());
    assert_eq!(docs.len(), 1, "{docs:#?}");
    let d = &docs[0];
    assert_eq!((d.kind, d.body.as_deref()), (DocumentKind::Minutes, Some("Kontrollutvalget")));
    let m = d.meeting.as_ref().unwrap();
    assert_eq!((m.date.as_deref(), m.start_time.as_deref(), m.end_time.as_deref()), (Some("2024-11-07"), Some("13:00"), Some("15:15")));
    let people: Vec<_> = d.participants.iter().map(|p| (p.name.as_str(), p.organisation.as_deref(), p.role, p.attendance, p.function.as_deref())).collect();
    let present = Some(Attendance::Present);
    assert_eq!(
        people,
        vec![
            ("Kari Nordmann", Some("Arbeiderpartiet"), Role::Member, present, Some("leder")),
            ("Ola Hansen", Some("Arbeiderpartiet"), Role::Member, present, None),
            ("Per Berg", Some("Høyre"), Role::Member, present, Some("nestleder")),
            ("Lise Dahl", Some("Senterpartiet"), Role::Member, present, None),
            ("Jon Lie", Some("SV"), Role::Member, Some(Attendance::Absent), None),
            ("Anne Moe", Some("Revisjon Midt-Norge SA"), Role::Other, present, Some("Revisor")),
            ("Trine Vik", Some("Konsekvens Sekretariat"), Role::Secretariat, present, Some("Sekretær")),
        ]
    );
    let decisions: Vec<_> = d.items.iter().map(|i| (i.sak.as_str(), i.decision.as_deref())).collect();
    assert_eq!(
        decisions,
        vec![
            ("21/24", Some("Protokoll fra møte 19.09.2024 godkjennes.")),
            ("22/24", Some("Kontrollutvalget godkjenner revisjonsplanen for 2025 med det tillegget som ble vedtatt i møtet.")),
        ]
    );
}

#[test]
fn an_agenda_whose_case_papers_print_their_route_through_the_bodies() {
    // Each case paper opens with "Saksnr. | Utvalg | Møtedato": the row of
    // this meeting's sak is where its paper starts, the row of the council's
    // later sak is no item.
    let docs = read(&std::fs::read_to_string(crate::common::root().join("tests/variants/agenda-with-case-papers.txt")).unwrap());
    let d = &docs[0];
    assert_eq!((d.kind, d.body.as_deref()), (DocumentKind::Agenda, Some("Formannskapet")));
    assert_eq!(
        items(d),
        vec![("14/24", Some(14), Some(2024), Some("Kjøp av tomt i Sentrumsvegen")), ("15/24", Some(15), Some(2024), Some("Budsjettregulering 2024"))]
    );
    let proposals: Vec<_> = d.items.iter().map(|i| i.proposed_decision.as_deref()).collect();
    assert_eq!(proposals, [Some("Formannskapet tilrår kommunestyret å godkjenne kjøp av gnr. 12 bnr. 34."), Some("Budsjettet reguleres som vist i vedlegg.")]);
}

#[test]
fn an_advisory_council_states_its_view_and_names_itself_after_møte_i() {
    let text = "Protokoll fra møte i Eldrerådet
Møtedato: 14. mars 2024 kl. 10.00–12.00
Møtested: Bygdeby sjukeheim

Tilstede: Kari Nordmann (leder), Ola Hansen, Per Berg
Forfall: Lise Dahl

Sak 5/2024 Budsjett for eldreomsorgen
Eldrerådet drøftet saken.
Eldrerådets uttalelse:
Eldrerådet er bekymret for kuttene i hjemmetjenesten.

Sak 6/2024 Eventuelt
Ingen saker.
";
    let docs = read(text);
    let d = &docs[0];
    assert_eq!((d.kind, d.body.as_deref()), (DocumentKind::Minutes, Some("Eldrerådet")));
    let m = d.meeting.as_ref().unwrap();
    assert_eq!((m.date.as_deref(), m.start_time.as_deref(), m.end_time.as_deref()), (Some("2024-03-14"), Some("10:00"), Some("12:00")));
    assert_eq!(d.participants.iter().map(|p| (p.name.as_str(), p.attendance)).collect::<Vec<_>>(), vec![
        ("Kari Nordmann", Some(Attendance::Present)),
        ("Ola Hansen", Some(Attendance::Present)),
        ("Per Berg", Some(Attendance::Present)),
        ("Lise Dahl", Some(Attendance::Absent)),
    ]);
    let decisions: Vec<_> = d.items.iter().map(|i| (i.sak.as_str(), i.decision.as_deref())).collect();
    assert_eq!(decisions, vec![("5/2024", Some("Eldrerådet er bekymret for kuttene i hjemmetjenesten.")), ("6/2024", None)]);
    // The kind word before the name is no part of it.
    let docs = read("Møteprotokoll Eldrerådet\nMøtedato: 14.03.2024\nTilstede: Kari Nordmann, Ola Hansen\nSak 5/2024 Budsjett\nVedtak: Godkjent.\n");
    assert_eq!(docs[0].body.as_deref(), Some("Eldrerådet"));
}

#[test]
fn labels_that_name_their_owner_and_date_and_a_noted_sak() {
    // "Innstilling til vedtak:" is a proposal (not a decision for its last
    // word), "Vedtak i Kommunestyret - 12.02.2024:" a decision, and in
    // minutes that label their decisions "Saken tas til orientering." still
    // decides its sak.
    let docs = read(&std::fs::read_to_string(crate::common::root().join("tests/variants/council-labels-with-owner.txt")).unwrap());
    let d = &docs[0];
    assert_eq!((d.kind, d.body.as_deref()), (DocumentKind::Minutes, Some("Kommunestyret")));
    let outcomes: Vec<_> = d.items.iter().map(|i| (i.sak.as_str(), i.proposed_decision.as_deref(), i.decision.as_deref())).collect();
    assert_eq!(
        outcomes,
        vec![
            ("1/24", Some("Protokollen godkjennes."), Some("Protokollen godkjennes.")),
            ("2/24", Some("Skolestrukturen beholdes."), Some("Skolestrukturen beholdes.")),
            ("3/24", None, Some("Saken tas til orientering.")),
        ]
    );
}

#[test]
fn a_university_board_lists_people_after_their_positions() {
    let text = "Protokoll fra møte i universitetsstyret 14. desember 2023

Til stede: Styreleder Kari Nordmann, styremedlemmer Ola Hansen, Per Berg og Lise Dahl
Forfall: Jon Lie
Fra administrasjonen: rektor Anne Moe, universitetsdirektør Trine Vik

V-sak 1 Godkjenning av innkalling og saksliste
Vedtak: Innkalling og saksliste godkjennes.

O-sak 1 Rektors orientering
Rektor orienterte.
";
    let docs = read(text);
    let d = &docs[0];
    assert_eq!((d.kind, d.body.as_deref()), (DocumentKind::Minutes, Some("Universitetsstyret")));
    assert_eq!(d.meeting.as_ref().unwrap().date.as_deref(), Some("2023-12-14"));
    let people: Vec<_> = d.participants.iter().map(|p| (p.name.as_str(), p.role, p.attendance, p.function.as_deref())).collect();
    let present = Some(Attendance::Present);
    assert_eq!(
        people,
        vec![
            ("Kari Nordmann", Role::Member, present, Some("Styreleder")),
            ("Ola Hansen", Role::Member, present, Some("styremedlemmer")),
            ("Per Berg", Role::Member, present, None),
            ("Lise Dahl", Role::Member, present, None),
            ("Jon Lie", Role::Member, Some(Attendance::Absent), None),
            ("Anne Moe", Role::Secretariat, present, Some("rektor")),
            ("Trine Vik", Role::Secretariat, present, Some("universitetsdirektør")),
        ]
    );
    assert_eq!(items(d), vec![("V-sak 1", Some(1), None, Some("Godkjenning av innkalling og saksliste")), ("O-sak 1", Some(1), None, Some("Rektors orientering"))]);
}
