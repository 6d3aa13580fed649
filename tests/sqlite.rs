//! `motebok.sqlite`, `metadata.json` and the report (issue 4), on one run
//! over the five dev fixtures and the agenda + minutes pair.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use rusqlite::Connection;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_motebok");

/// One output shared by the tests of this file.
fn out() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &OUT.get_or_init(|| {
        let t = tempfile::tempdir().unwrap();
        let pair = t.path().join("pairs");
        std::fs::create_dir(&pair).unwrap();
        for which in ["agenda", "minutes"] {
            let text = std::fs::read_to_string(crate::common::root().join(format!("fixtures/pairs/nufa-1-2024-{which}.txt"))).unwrap();
            std::fs::write(pair.join(format!("nufa-1-2024-{which}.pdf")), crate::common::helvetica_pdf(&text, 60)).unwrap();
        }
        let out = t.path().join("out");
        let mut cmd = Command::new(BIN);
        cmd.arg("extract");
        for id in ["000", "001", "002", "003", "004"] {
            cmd.arg(crate::common::fixture(&format!("{id}.pdf")));
        }
        let o = cmd.arg(&pair).arg("--out").arg(&out).args(["--ocr", "never"]).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        (t, out)
    })
    .1
}

fn db() -> Connection {
    let c = Connection::open_with_flags(out().join("motebok.sqlite"), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    c.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    c
}

/// `body sak` of the saker matching an FTS5 query, in key order.
fn search(c: &Connection, q: &str) -> Vec<String> {
    let mut stmt = c
        .prepare(
            "SELECT items.body || ' ' || items.sak FROM items JOIN items_fts ON items.rowid = items_fts.rowid
             WHERE items_fts MATCH ?1 ORDER BY items.body, items.sak_year, items.sak_number",
        )
        .unwrap();
    stmt.query_map([q], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap).collect()
}

#[test]
fn full_text_search_in_norwegian() {
    let c = db();
    // Sak titles: NUIT 30/21 (002.pdf) and NUFA 4/24 (the pair).
    assert_eq!(search(&c, "helsenorge"), ["NUFA 4/24", "NUIT 30/21"]);
    // Proposal and decision text of NUFA 3/24. (In 000–004, "kjernejournal"
    // is only in discussion and memo body text, which is not extracted.)
    assert_eq!(search(&c, "kjernejournal"), ["NUFA 3/24"]);
    // Æ, ø, å are letters of their own, not folded.
    assert!(search(&c, "\"e-helsestrategi\"").contains(&"NUIT 14/22".to_string()));
    assert_eq!(search(&c, "helseopplysninger AND decision:2027"), Vec::<String>::new());
    assert_eq!(search(&c, "decision:2027"), ["NUFA 3/24"]);
}

#[test]
fn tables_keys_and_rows_match_the_csvs() {
    let c = db();
    let pkg: Value = serde_json::from_slice(&std::fs::read(out().join("datapackage.json")).unwrap()).unwrap();
    for r in pkg["resources"].as_array().unwrap() {
        let name = r["name"].as_str().unwrap();
        let csv_rows = csv::Reader::from_path(out().join(r["path"].as_str().unwrap())).unwrap().records().count();
        let n: i64 = c.query_row(&format!("SELECT count(*) FROM \"{name}\""), [], |r| r.get(0)).unwrap();
        assert_eq!(n as usize, csv_rows, "{name}");
        let pk: Vec<String> = {
            let mut stmt = c.prepare(&format!("PRAGMA table_info(\"{name}\")")).unwrap();
            let mut v: Vec<(i64, String)> =
                stmt.query_map([], |r| Ok((r.get::<_, i64>(5)?, r.get::<_, String>(1)?))).unwrap().map(Result::unwrap).filter(|x| x.0 > 0).collect();
            v.sort();
            v.into_iter().map(|x| x.1).collect()
        };
        let declared: Vec<String> = r["schema"]["primaryKey"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
        assert_eq!(pk, declared, "{name}");
    }
    let broken: i64 = c.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
    assert_eq!(broken, 0);
    let fks: i64 = c.query_row("SELECT count(*) FROM pragma_foreign_key_list('items')", [], |r| r.get(0)).unwrap();
    assert!(fks > 0);
    // Typed values.
    let (outcome, n): (String, i64) = c
        .query_row("SELECT outcome, meeting_number FROM items WHERE body = 'NUFA' AND sak_number = 3 AND sak_year = 2024", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((outcome.as_str(), n), ("amended", 1));
    let has_minutes: i64 = c.query_row("SELECT has_minutes FROM meetings WHERE body = 'NUIT' AND meeting_number = 2 AND meeting_year = 2025", [], |r| r.get(0)).unwrap();
    assert_eq!(has_minutes, 1);
}

#[test]
fn datasette_metadata() {
    let m: Value = serde_json::from_slice(&std::fs::read(out().join("metadata.json")).unwrap()).unwrap();
    for k in ["title", "description", "source", "license"] {
        assert!(m[k].as_str().is_some_and(|s| !s.is_empty()), "{k}");
    }
    let items = &m["databases"]["motebok"]["tables"]["items"];
    assert_eq!(items["fts_table"], "items_fts");
    assert!(items["description"].as_str().unwrap().contains("outcome"));
    assert!(items["columns"]["outcome"].as_str().is_some());
    assert!(m["databases"]["motebok"]["tables"]["document_items"].is_object());
}

#[test]
fn report_flags_the_sak_of_another_year_in_001() {
    let report: Value = serde_json::from_slice(&std::fs::read(out().join("report.json")).unwrap()).unwrap();
    let hits: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "sak_year_differs" && f["sak"] == "27/12")
        .collect();
    assert_eq!(hits.len(), 1, "{:#}", report["findings"]);
    let f = hits[0];
    // A file given by itself, inside the current directory: its path from there.
    assert_eq!(f["file"], "fixtures/001.pdf");
    assert_eq!(f["meeting"], "Nasjonalt e-helsestyre 4/2021");
    assert_eq!(f["level"], "warning");
    let md = std::fs::read_to_string(out().join("report.md")).unwrap();
    assert!(md.contains("deltok t.o.m. sak 27/12"), "{md}");
    // Per file its status and documents.
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 7);
    let f001 = files.iter().find(|f| f["file"].as_str().unwrap().ends_with("001.pdf")).unwrap();
    assert_eq!(f001["status"], "ok");
    assert_eq!(f001["documents"].as_array().unwrap().len(), 10);
    // The pair: sak 4/24 has no Vedtak in the minutes (a warning), Eventuelt only info.
    let codes: Vec<(&str, &str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["meeting"] == "NUFA 1/2024")
        .map(|f| (f["level"].as_str().unwrap(), f["code"].as_str().unwrap(), f["sak"].as_str().unwrap_or("")))
        .collect();
    assert!(codes.contains(&("warning", "minutes_item_without_decision", "4/24")), "{codes:?}");
    assert!(codes.contains(&("info", "minutes_item_without_decision", "5/24")), "{codes:?}");
    assert!(md.contains("### NUFA 1/2024"));
}
