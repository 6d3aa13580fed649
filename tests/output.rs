//! The output stage on hand-built records: file set, CSV contents,
//! determinism, stem collisions, datapackage.json, failed files, and crash
//! safety under SIGKILL.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use motebok::model::*;
use motebok::output::{validate, write_all};

fn meeting(label: &str, number: u32, year: i32, date: &str) -> Meeting {
    Meeting {
        label: Some(label.into()),
        number: Some(number),
        year: Some(year),
        extraordinary: false,
        date: Some(date.into()),
        start_time: Some("10:00".into()),
        end_time: Some("16:00".into()),
        location: Some("Radisson Blu, Gardermoen".into()),
    }
}

fn participant(name: &str, org: Option<&str>, role: Role, attendance: Option<Attendance>, page: u32) -> Participant {
    Participant {
        name: name.into(),
        organisation: org.map(Into::into),
        role,
        attendance,
        note: None,
        substitute_for: None,
        function: None,
        page,
    }
}

fn item(sak: &str, number: u32, year: i32, title: &str, page: u32) -> Item {
    Item {
        sak: sak.into(),
        number: Some(number),
        year: Some(year),
        title: Some(title.into()),
        time: Some("10:00".into()),
        sak_type: Some("Godkjenning".into()),
        proposed_decision: Some("Nasjonalt e-helsestyre godkjenner innkalling og saksliste.".into()),
        decision: None,
        attachments: vec![],
        page,
    }
}

fn ok_source(file: &str, sha: &str) -> Source {
    Source {
        file: file.into(),
        sha256: sha.into(),
        bytes: 12345,
        pages: 9,
        title: Some("Møteinnkalling".into()),
        producer: Some("Microsoft® Word for Microsoft 365".into()),
        origin: None,
    }
}

fn pages(n: u32, engine: Engine) -> Vec<PageInfo> {
    (1..=n).map(|page| PageInfo { page, engine, quality: Default::default(), ocr_confidence: None, chars: 1000 }).collect()
}

/// An agenda (with participants and items), earlier minutes, and a memo
/// with a reference table.
fn rich(file: &str, sha: &str) -> FileRecord {
    let mut agenda = Document::new(DocumentKind::Agenda, 1, 2);
    agenda.title = Some("Møte i Nasjonalt e-helsestyre".into());
    agenda.body = Some("Nasjonalt e-helsestyre".into());
    agenda.meeting = Some(meeting("6/2021", 6, 2021, "2021-12-09"));
    agenda.participants = vec![
        participant("Inger Cathrine Bryne", Some("Helse Vest RHF"), Role::Member, None, 1),
        participant("Stig Slørdahl", Some("Helse Midt-Norge RHF"), Role::Member, None, 1),
        Participant {
            substitute_for: Some("Terje Rootwelt".into()),
            note: Some("video".into()),
            ..participant("Ola, \"Nordmann\"", Some("Helse Sør-Øst RHF"), Role::Substitute, None, 1)
        },
    ];
    let mut i1 = item("40/21", 40, 2021, "Godkjenning av innkalling\nog saksliste", 2);
    i1.attachments = vec!["Vedlegg 1: Toppnotat".into(), "Vedlegg 2: Presentasjon".into()];
    agenda.items = vec![i1, Item { sak_type: None, proposed_decision: None, ..item("41/21", 41, 2021, "Eventuelt", 2) }];

    let mut minutes = Document::new(DocumentKind::Minutes, 3, 4);
    minutes.title = Some("Referat fra møte i Nasjonalt e-helsestyre".into());
    minutes.body = Some("Nasjonalt e-helsestyre".into());
    minutes.meeting = Some(Meeting { extraordinary: true, ..meeting("5/2021", 5, 2021, "2021-10-28") });
    minutes.participants =
        vec![participant("Inger Cathrine Bryne", Some("Helse Vest RHF"), Role::Member, Some(Attendance::Present), 3)];
    minutes.items = vec![Item {
        decision: Some("Vedtatt.".into()),
        ..item("35/21", 35, 2021, "Godkjenning av referat", 3)
    }];

    let mut memo = Document::new(DocumentKind::CaseMemo, 5, 7);
    memo.body = Some("Nasjonalt e-helsestyre".into());
    memo.ocr = true;
    memo.ocr_confidence = Some(87.3);
    memo.memo = Some(Memo {
        sak: Some("42/21".into()),
        meeting_label: Some("6/2021".into()),
        date: Some("2021-11-25".into()),
        sak_type: Some("Drøfting".into()),
        owner: Some("Direktoratet for e-helse".into()),
        case_officers: vec!["Kari Nordmann".into(), "Per Hansen".into()],
        title: Some("Nasjonal e-helseportefølje".into()),
        proposed_decision: Some("Styret tar saken til orientering.\nVidere arbeid drøftes.".into()),
        to: Some("Nasjonalt e-helsestyre".into()),
    });
    memo.references = vec![Reference {
        sak: "27/12".into(),
        date: Some("2021-06-10".into()),
        body: Some("NUIT".into()),
        title: Some("Porteføljestyring".into()),
        decision: Some("NUIT tar saken til orientering.".into()),
        note: None,
        page: 6,
    }];
    let other = Document::new(DocumentKind::Other, 8, 9);

    let mut pg = pages(9, Engine::Lopdf);
    pg[5].engine = Engine::Ocr;
    pg[5].ocr_confidence = Some(87.3);
    pg[6].engine = Engine::PdfExtract;
    FileRecord {
        source: ok_source(file, sha),
        status: Status::Ok,
        errors: vec![],
        pages: pg,
        documents: vec![agenda, minutes, memo, other],
    }
}

fn failed(file: &str) -> FileRecord {
    FileRecord {
        source: Source { file: file.into(), sha256: "ff".repeat(32), bytes: 0, pages: 0, title: None, producer: None, origin: None },
        status: Status::Failed,
        errors: vec![
            PageError { page: None, message: "empty file".into() },
            PageError { page: Some(3), message: "second\nline\r\nthird".into() },
        ],
        pages: vec![],
        documents: vec![],
    }
}

fn no_text(file: &str) -> FileRecord {
    FileRecord {
        source: ok_source(file, &"cc".repeat(32)),
        status: Status::NoText,
        errors: vec![PageError { page: None, message: "no text layer on pages 1-9".into() }],
        pages: pages(9, Engine::None),
        documents: vec![],
    }
}

fn batch() -> Vec<FileRecord> {
    vec![
        rich("fixtures/001.pdf", &"01".repeat(32)),
        failed("fixtures/bad/empty.pdf"),
        rich("a/x.pdf", &"aa".repeat(32)),
        rich("b/x.pdf", &"bb".repeat(32)),
        no_text("fixtures/scanned/002-scan.pdf"),
        rich("fixtures/layout/002-layout.pdf", &"02".repeat(32)),
    ]
}

use crate::common::tree;

struct Table {
    header: Vec<String>,
    rows: Vec<BTreeMap<String, String>>,
}

fn read_csv(path: &Path) -> Table {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let rows = rdr
        .records()
        .map(|r| header.iter().cloned().zip(r.unwrap().iter().map(String::from)).collect())
        .collect();
    Table { header, rows }
}

fn written() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    write_all(&out, &batch()).unwrap();
    (t, out)
}

#[test]
fn file_set() {
    let (t, out) = written();
    let files: Vec<String> = tree(&out).into_keys().collect();
    assert_eq!(
        files,
        vec![
            "csv/attendance.csv",
            "csv/disagreements.csv",
            "csv/document_items.csv",
            "csv/document_meetings.csv",
            "csv/documents.csv",
            "csv/files.csv",
            "csv/item_sources.csv",
            "csv/items.csv",
            "csv/meeting_sources.csv",
            "csv/meetings.csv",
            "csv/memos.csv",
            "csv/participants.csv",
            "csv/references.csv",
            "datapackage.json",
            "json/001.json",
            "json/002-layout.json",
            "json/002-scan.json",
            "json/empty.json",
            "json/x~a.json",
            "json/x~b.json",
        ]
    );
    // Nothing left beside the output.
    let siblings: Vec<_> = std::fs::read_dir(t.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(siblings, vec!["out"]);
}

#[test]
fn per_file_json_round_trips() {
    let (_t, out) = written();
    let text = std::fs::read_to_string(out.join("json/001.json")).unwrap();
    assert!(text.ends_with("}\n") && text.starts_with("{\n  \"source\": {\n    \"file\": \"fixtures/001.pdf\""));
    let back: FileRecord = serde_json::from_str(&text).unwrap();
    assert_eq!(back, rich("fixtures/001.pdf", &"01".repeat(32)));
    // Field order is the struct's.
    let keys = ["\n  \"source\"", "\n  \"status\"", "\n  \"errors\"", "\n  \"pages\"", "\n  \"documents\""];
    let pos: Vec<usize> = keys.iter().map(|k| text.find(k).unwrap()).collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn stem_collisions_are_disambiguated() {
    let (_t, out) = written();
    for (stem, file) in [("x~a", "a/x.pdf"), ("x~b", "b/x.pdf"), ("002-layout", "fixtures/layout/002-layout.pdf")] {
        let rec: FileRecord = serde_json::from_slice(&std::fs::read(out.join(format!("json/{stem}.json"))).unwrap()).unwrap();
        assert_eq!(rec.source.file, file);
    }
    let files = read_csv(&out.join("csv/files.csv"));
    let json: BTreeMap<&str, &str> = files.rows.iter().map(|r| (r["file"].as_str(), r["json"].as_str())).collect();
    assert_eq!(json["a/x.pdf"], "json/x~a.json");
    assert_eq!(json["b/x.pdf"], "json/x~b.json");
    assert_eq!(json["fixtures/001.pdf"], "json/001.json");
}

#[test]
fn files_csv() {
    let (_t, out) = written();
    let t = read_csv(&out.join("csv/files.csv"));
    assert_eq!(t.header[..7], ["file", "sha256", "bytes", "pages", "status", "documents", "error"]);
    for extra in ["title", "producer", "ocr_pages", "poor_pages", "engines", "json"] {
        assert!(t.header.iter().any(|h| h == extra), "{extra}");
    }
    let order: Vec<&str> = t.rows.iter().map(|r| r["file"].as_str()).collect();
    assert_eq!(
        order,
        ["a/x.pdf", "b/x.pdf", "fixtures/001.pdf", "fixtures/bad/empty.pdf", "fixtures/layout/002-layout.pdf", "fixtures/scanned/002-scan.pdf"]
    );
    let by: BTreeMap<&str, &BTreeMap<String, String>> = t.rows.iter().map(|r| (r["file"].as_str(), r)).collect();
    let bad = by["fixtures/bad/empty.pdf"];
    assert_eq!(bad["status"], "failed");
    assert_eq!(bad["error"], "empty file; page 3: second line third");
    assert_eq!(bad["documents"], "0");
    let scan = by["fixtures/scanned/002-scan.pdf"];
    assert_eq!(scan["status"], "no_text");
    assert_eq!(scan["error"], "no text layer on pages 1-9");
    assert_eq!(scan["engines"], "none");
    let good = by["fixtures/001.pdf"];
    assert_eq!(good["status"], "ok");
    assert_eq!(good["error"], "");
    assert_eq!(good["documents"], "4");
    assert_eq!(good["pages"], "9");
    assert_eq!(good["bytes"], "12345");
    assert_eq!(good["ocr_pages"], "1");
    assert_eq!(good["poor_pages"], "");
    assert_eq!(good["engines"], "lopdf | pdf-extract | ocr");
    assert_eq!(good["producer"], "Microsoft® Word for Microsoft 365");
    // The error column is one line for every status but ok.
    for r in &t.rows {
        assert_eq!(r["error"].is_empty(), r["status"] == "ok", "{r:?}");
        assert!(!r["error"].contains('\n') && !r["error"].contains('\r'));
    }
}

#[test]
fn meetings_participants_items_references_memos() {
    let (_t, out) = written();
    let m = read_csv(&out.join("csv/document_meetings.csv"));
    // Two meeting documents per rich file (agenda, minutes), none for memo/other.
    assert_eq!(m.rows.len(), 8);
    let r = &m.rows[0];
    assert_eq!(
        (r["file"].as_str(), r["doc"].as_str(), r["kind"].as_str(), r["body"].as_str()),
        ("a/x.pdf", "1", "agenda", "Nasjonalt e-helsestyre")
    );
    assert_eq!((r["meeting_label"].as_str(), r["meeting_number"].as_str(), r["meeting_year"].as_str()), ("6/2021", "6", "2021"));
    assert_eq!((r["date"].as_str(), r["start_time"].as_str(), r["end_time"].as_str()), ("2021-12-09", "10:00", "16:00"));
    assert_eq!((r["extraordinary"].as_str(), r["page_start"].as_str(), r["page_end"].as_str()), ("false", "1", "2"));
    assert_eq!(r["sha256"], "aa".repeat(32));
    assert_eq!(r["title"], "Møte i Nasjonalt e-helsestyre");
    assert_eq!((m.rows[1]["kind"].as_str(), m.rows[1]["extraordinary"].as_str()), ("minutes", "true"));

    let p = read_csv(&out.join("csv/participants.csv"));
    assert_eq!(p.rows.len(), 4 * 4);
    let sub = &p.rows[2];
    assert_eq!(sub["name"], "Ola, \"Nordmann\"");
    assert_eq!((sub["role"].as_str(), sub["substitute_for"].as_str(), sub["note"].as_str()), ("substitute", "Terje Rootwelt", "video"));
    assert_eq!((sub["attendance"].as_str(), sub["row"].as_str(), sub["meeting_id"].as_str()), ("", "3", "Nasjonalt e-helsestyre 6/2021"));
    assert_eq!(sub["organisation_canonical"], "Helse Sør-Øst RHF");
    assert_eq!(p.rows[3]["attendance"], "present");
    assert_eq!(p.rows[3]["doc"], "2");

    let i = read_csv(&out.join("csv/document_items.csv"));
    assert_eq!(i.rows.len(), 4 * 3);
    let first = &i.rows[0];
    assert_eq!((first["sak"].as_str(), first["number"].as_str(), first["year"].as_str()), ("40/21", "40", "2021"));
    assert_eq!(first["title"], "Godkjenning av innkalling\nog saksliste");
    assert_eq!(first["attachments"], "Vedlegg 1: Toppnotat | Vedlegg 2: Presentasjon");
    assert_eq!((first["body"].as_str(), first["type"].as_str(), first["page"].as_str()), ("Nasjonalt e-helsestyre", "Godkjenning", "2"));
    assert_eq!((first["meeting_id"].as_str(), first["item_id"].as_str()), ("Nasjonalt e-helsestyre 6/2021", "Nasjonalt e-helsestyre sak 40/2021"));
    assert_eq!(i.rows[1]["type"], "");
    assert_eq!((i.rows[2]["decision"].as_str(), i.rows[2]["kind"].as_str()), ("Vedtatt.", "minutes"));

    let refs = read_csv(&out.join("csv/references.csv"));
    assert_eq!(refs.rows.len(), 4);
    let r = &refs.rows[0];
    assert_eq!((r["sak"].as_str(), r["body"].as_str(), r["doc_body"].as_str(), r["memo_sak"].as_str()), ("27/12", "NUIT", "Nasjonalt e-helsestyre", "42/21"));
    assert_eq!((r["kind"].as_str(), r["doc"].as_str(), r["date"].as_str()), ("case_memo", "3", "2021-06-10"));
    // The memo's meeting (its header names 6/2021); 27/12 is no sak of the datasets.
    assert_eq!((r["meeting_id"].as_str(), r["ref_item_id"].as_str()), ("Nasjonalt e-helsestyre 6/2021", ""));

    let memos = read_csv(&out.join("csv/memos.csv"));
    assert_eq!(memos.rows.len(), 4);
    let r = &memos.rows[0];
    assert_eq!(r["case_officers"], "Kari Nordmann | Per Hansen");
    assert_eq!((r["sak"].as_str(), r["type"].as_str(), r["to"].as_str()), ("42/21", "Drøfting", "Nasjonalt e-helsestyre"));
    assert_eq!((r["meeting_id"].as_str(), r["item_id"].as_str()), ("Nasjonalt e-helsestyre 6/2021", "Nasjonalt e-helsestyre sak 42/2021"));
    assert_eq!(r["proposed_decision"], "Styret tar saken til orientering.\nVidere arbeid drøftes.");

    let d = read_csv(&out.join("csv/documents.csv"));
    assert_eq!(d.rows.len(), 4 * 4);
    assert_eq!((d.rows[2]["kind"].as_str(), d.rows[2]["ocr"].as_str(), d.rows[2]["ocr_confidence"].as_str()), ("case_memo", "true", "87.3"));
    assert_eq!(d.rows[3]["kind"], "other");
}

#[test]
fn rerun_is_byte_identical_whatever_the_input_order() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    write_all(&out, &batch()).unwrap();
    let first = tree(&out);
    let mut shuffled = batch();
    shuffled.reverse();
    shuffled.swap(1, 3);
    write_all(&out, &shuffled).unwrap();
    assert_eq!(tree(&out), first);
    let other = t.path().join("elsewhere");
    write_all(&other, &batch()).unwrap();
    assert_eq!(tree(&other), first);
}

#[test]
fn datapackage_describes_exactly_what_was_written() {
    let (_t, out) = written();
    let pkg: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("datapackage.json")).unwrap()).unwrap();
    assert_eq!(pkg["profile"], "tabular-data-package");
    let resources = pkg["resources"].as_array().unwrap();
    let paths: BTreeSet<String> = resources.iter().map(|r| r["path"].as_str().unwrap().to_string()).collect();
    let csvs: BTreeSet<String> = tree(&out).into_keys().filter(|k| k.starts_with("csv/")).collect();
    assert_eq!(paths, csvs);
    for r in resources {
        let t = read_csv(&out.join(r["path"].as_str().unwrap()));
        let fields: Vec<&str> = r["schema"]["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(fields, t.header, "{}", r["name"]);
        for f in r["schema"]["fields"].as_array().unwrap() {
            assert!(["string", "integer", "boolean", "date", "number"].contains(&f["type"].as_str().unwrap()));
            assert!(!f["description"].as_str().unwrap().is_empty());
        }
        assert!(!r["schema"]["primaryKey"].as_array().unwrap().is_empty());
    }
    let by: BTreeMap<&str, &serde_json::Value> = resources.iter().map(|r| (r["name"].as_str().unwrap(), r)).collect();
    assert_eq!(by["files"]["schema"]["primaryKey"], serde_json::json!(["file"]));
    assert_eq!(by["document_meetings"]["schema"]["primaryKey"], serde_json::json!(["file", "doc"]));
    assert_eq!(by["participants"]["schema"]["foreignKeys"][0]["reference"]["resource"], "document_meetings");
    assert_eq!(by["document_items"]["schema"]["foreignKeys"][0]["reference"]["resource"], "document_meetings");
    // The merged tables: one row per meeting, per sak, per person at a
    // meeting, with single-column keys the other tables refer to.
    assert_eq!(by["meetings"]["schema"]["primaryKey"], serde_json::json!(["meeting_id"]));
    assert_eq!(by["items"]["schema"]["primaryKey"], serde_json::json!(["item_id"]));
    assert_eq!(by["attendance"]["schema"]["primaryKey"], serde_json::json!(["meeting_id", "name"]));
    assert_eq!(by["items"]["schema"]["foreignKeys"][0]["reference"]["resource"], "meetings");
    for t in ["documents", "document_meetings", "participants", "document_items", "references", "memos", "attendance", "meeting_sources"] {
        let fks = by[t]["schema"]["foreignKeys"].as_array().unwrap();
        assert!(fks.iter().any(|fk| fk["fields"] == serde_json::json!(["meeting_id"]) && fk["reference"]["resource"] == "meetings"), "{t}");
    }
    for t in ["document_items", "memos", "item_sources", "disagreements"] {
        let fks = by[t]["schema"]["foreignKeys"].as_array().unwrap();
        assert!(fks.iter().any(|fk| fk["fields"] == serde_json::json!(["item_id"]) && fk["reference"]["resource"] == "items"), "{t}");
    }
    // Types, enums, primary-key uniqueness, foreign keys, bytes and hashes.
    let counts = validate(&out).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(counts["files"], 6);
    assert_eq!(counts["document_meetings"], 8);
    // Nasjonalt e-helsestyre 6/2021 (agendas, memos) and 5/2021 (minutes), each in four files.
    assert_eq!(counts["meetings"], 2);
    assert_eq!(counts["meeting_sources"], 4 * 3);
    // 40/21, 41/21 (agenda), 35/21 (minutes), 42/21 (memo).
    assert_eq!(counts["items"], 4);
    // Three people at 6/2021 (in four copies), one at 5/2021.
    assert_eq!(counts["attendance"], 4);
    assert_eq!(counts["item_sources"], 4 * 4);
}

#[test]
fn validate_catches_a_tampered_output() {
    let (_t, out) = written();
    let p = out.join("csv/files.csv");
    let mut text = std::fs::read_to_string(&p).unwrap();
    let line = text.lines().nth(1).unwrap().to_string();
    text.push_str(&line);
    text.push('\n');
    std::fs::write(&p, text).unwrap();
    let problems = validate(&out).unwrap_err();
    assert!(problems.iter().any(|p| p.contains("hash")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("not unique")), "{problems:?}");
}

#[test]
fn empty_batch_and_refusal() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    write_all(&out, &[]).unwrap();
    assert!(out.join("json").is_dir());
    assert_eq!(validate(&out).unwrap()["files"], 0);
    let foreign = t.path().join("docs");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "mine").unwrap();
    let err = write_all(&foreign, &batch()).unwrap_err();
    assert!(err.to_string().contains("docs"), "{err}");
    assert_eq!(std::fs::read_to_string(foreign.join("notes.txt")).unwrap(), "mine");
    let dup = vec![failed("x.pdf"), failed("x.pdf")];
    assert!(write_all(&out, &dup).unwrap_err().to_string().contains("x.pdf"));
    assert_eq!(validate(&out).unwrap()["files"], 0, "a failed write leaves the old output");
}

// ---------------------------------------------------------------------------
// Crash safety.

const CHILD_ENV: &str = "MOTEBOK_TEST_OUTPUT_CRASH_CHILD";

/// A large batch; `producer` carries the generation so outputs differ.
fn big(generation: u32, files: usize) -> Vec<FileRecord> {
    (0..files)
        .map(|i| {
            let mut r = rich(&format!("corpus/{:02}/{i:05}.pdf", i % 7), &format!("{:064x}", i));
            r.source.producer = Some(format!("generation {generation}"));
            r
        })
        .collect()
}

/// Not a test of its own: the body of the child process of
/// `killed_runs_leave_a_complete_output`, which writes generation after
/// generation into the directory named by the environment until killed.
#[test]
fn crash_child() {
    let Some(out) = std::env::var_os(CHILD_ENV) else { return };
    for generation in 1.. {
        write_all(Path::new(&out), &big(generation, 200)).unwrap();
    }
}

fn generation_of(out: &Path) -> String {
    let files = read_csv(&out.join("csv/files.csv"));
    let gens: BTreeSet<String> = files.rows.iter().map(|r| r["producer"].clone()).collect();
    assert_eq!(gens.len(), 1, "mixed generations: {gens:?}");
    gens.into_iter().next().unwrap()
}

#[cfg(unix)]
#[test]
fn killed_runs_leave_a_complete_output() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    write_all(&out, &big(0, 40)).unwrap();
    assert_eq!(generation_of(&out), "generation 0");
    let exe = std::env::current_exe().unwrap();
    let mut seen = BTreeSet::new();
    let mut interrupted = 0;
    // Kill moments spread over process start-up, building, swapping and
    // cleaning up of several generations.
    for delay_ms in [0u64, 30, 100, 250, 400, 600, 900, 1300, 1800, 2500] {
        let mut child = Command::new(&exe)
            .args(["--exact", "output::crash_child", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, &out)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        std::thread::sleep(Duration::from_millis(delay_ms));
        if let Ok(Some(status)) = child.try_wait() {
            panic!("child ended by itself: {status}");
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let leftovers: Vec<String> = std::fs::read_dir(t.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n != "out")
            .collect();
        if !leftovers.is_empty() {
            interrupted += 1;
        }
        // With the atomic exchange, OUT is there and complete at every
        // instant; only the fallback swap may leave it under its backup name.
        let target = crate::common::output_or_backup(&out);
        validate(&target).unwrap_or_else(|p| panic!("after a kill at {:?}: {:#?}", started.elapsed(), &p[..p.len().min(5)]));
        seen.insert(generation_of(&target));
    }
    assert!(interrupted > 0, "no kill landed while a run was under way");
    // The next run cleans up whatever the killed ones left.
    write_all(&out, &big(99, 10)).unwrap();
    let names: Vec<String> = std::fs::read_dir(t.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    assert_eq!(names, vec!["out"]);
    assert_eq!(generation_of(&out), "generation 99");
    eprintln!("generations seen after kills: {seen:?}; {interrupted} kills left a staging dir behind");
}

/// Two copies of one meeting that disagree on a sak's title and on the
/// date: the merge stores the sak's disagreement before the meeting's,
/// and numbers them in the order of the dataset (meeting fields first).
#[test]
fn disagreements_on_a_meeting_and_its_saker_are_numbered_in_order() {
    let mut one = rich("a/x.pdf", &"aa".repeat(32));
    let mut two = rich("b/x.pdf", &"bb".repeat(32));
    for (rec, date, title) in [(&mut one, "2021-12-09", "Godkjenning av innkalling"), (&mut two, "2021-12-10", "Godkjenning av saksliste")] {
        let agenda = &mut rec.documents[0];
        agenda.meeting.as_mut().unwrap().date = Some(date.into());
        agenda.items[0].title = Some(title.into());
    }
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    write_all(&out, &[one, two]).expect("the output is written");
    let dis = read_csv(&out.join("csv/disagreements.csv"));
    let ids: Vec<String> = dis.rows.iter().map(|r| r["id"].clone()).collect();
    let expected: Vec<String> = (1..=dis.rows.len()).map(|n| n.to_string()).collect();
    assert_eq!(ids, expected);
    let fields: Vec<&str> = dis.rows.iter().map(|r| r["field"].as_str()).collect();
    assert_eq!(fields, ["date", "date", "title", "title"], "meeting fields before the sak's: {fields:?}");
}
