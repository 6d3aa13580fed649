//! `motebok.sqlite`, `metadata.json` and the report (issue 4), on one run
//! over the five dev fixtures and the agenda + minutes pair.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use rusqlite::Connection;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_motebok");

/// One output shared by the tests of this file (and the run's stderr).
fn run() -> &'static (tempfile::TempDir, PathBuf, String) {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf, String)> = OnceLock::new();
    OUT.get_or_init(|| {
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
        // A copy of 002.pdf and two of the damaged one: the same findings in several files.
        let copies = t.path().join("copies");
        std::fs::create_dir(&copies).unwrap();
        std::fs::copy(crate::common::fixture("002.pdf"), copies.join("002-copy.pdf")).unwrap();
        std::fs::copy(crate::common::fixture("bad/broken-xref.pdf"), copies.join("xref-1.pdf")).unwrap();
        std::fs::copy(crate::common::fixture("bad/broken-xref.pdf"), copies.join("xref-2.pdf")).unwrap();
        let o = cmd.arg(&pair).arg(&copies).arg("--out").arg(&out).args(["--ocr", "never"]).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert!(o.status.success(), "{err}");
        (t, out, err)
    })
}

fn out() -> &'static Path {
    &run().1
}

fn csv_rows(name: &str) -> usize {
    csv::Reader::from_path(out().join(format!("csv/{name}.csv"))).unwrap().records().count()
}

#[test]
fn summary_counts_are_rows_of_the_datasets_they_name() {
    let err = &run().2;
    let line = err.lines().find(|l| l.contains(" files, ")).unwrap();
    let n = |what: &str| -> usize {
        let at = line.find(&format!(" {what}")).unwrap_or_else(|| panic!("{what} in {line}"));
        line[..at].rsplit([' ', ',']).next().unwrap().parse().unwrap()
    };
    assert_eq!(n("files"), csv_rows("files"), "{line}");
    assert_eq!(n("documents"), csv_rows("documents"), "{line}");
    assert_eq!(n("meetings"), csv_rows("meetings"), "{line}");
    assert_eq!(n("items"), csv_rows("items"), "{line}");
    // Copies add documents, not meetings or saker.
    assert!(n("documents") > n("meetings") && n("meetings") == 8, "{line}");
    let report: Value = serde_json::from_slice(&std::fs::read(out().join("report.json")).unwrap()).unwrap();
    assert_eq!(report["totals"]["meetings"].as_u64(), Some(csv_rows("meetings") as u64));
    assert_eq!(report["totals"]["items"].as_u64(), Some(csv_rows("items") as u64));
    assert_eq!(report["totals"]["attendance"].as_u64(), Some(csv_rows("attendance") as u64));
}

#[test]
fn report_lists_every_warning_once_with_its_files() {
    let report: Value = serde_json::from_slice(&std::fs::read(out().join("report.json")).unwrap()).unwrap();
    let findings = report["findings"].as_array().unwrap();
    // The damaged cross-reference table, a warning in two copies: one finding, two places.
    let xref: Vec<&Value> = findings.iter().filter(|f| f["code"] == "file_warning" && f["message"].as_str().unwrap().contains("cross-reference")).collect();
    assert_eq!(xref.len(), 1, "{xref:#?}");
    assert_eq!(xref[0]["level"], "warning");
    let places: Vec<&str> = xref[0]["places"].as_array().unwrap().iter().map(|p| p["file"].as_str().unwrap()).collect();
    assert!(places.len() == 2 && places[0].ends_with("xref-1.pdf") && places[1].ends_with("xref-2.pdf"), "{places:?}");
    // The Eventuelt of NUIT 4/2021, in 002.pdf and its copy: one line.
    let md = std::fs::read_to_string(out().join("report.md")).unwrap();
    let eventuelt: Vec<&str> = md.lines().filter(|l| l.contains("sak 32/21 (Eventuelt)") && l.contains("002")).collect();
    assert_eq!(eventuelt.len(), 1, "{eventuelt:#?}");
    assert!(eventuelt[0].contains("002.pdf#1") && eventuelt[0].contains("002-copy.pdf#1") && eventuelt[0].contains("xref-2.pdf#1"), "{}", eventuelt[0]);
    assert!(md.contains("damaged cross-reference table"), "the warning is in report.md");
    // No finding is listed twice.
    let mut keys: Vec<String> = findings.iter().map(|f| format!("{}|{}|{}|{}|{}", f["level"], f["code"], f["meeting"], f["sak"], f["message"])).collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n);
    let counted: u64 = report["totals"]["findings"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(counted, n as u64);
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
    let (outcome, meeting): (String, String) = c
        .query_row("SELECT outcome, meeting_id FROM items WHERE body = 'NUFA' AND sak_number = 3 AND sak_year = 2024", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((outcome.as_str(), meeting.as_str()), ("amended", "NUFA 1/2024"));
    let has_minutes: i64 = c.query_row("SELECT has_minutes FROM meetings WHERE meeting_id = 'NUIT 2/2025'", [], |r| r.get(0)).unwrap();
    assert_eq!(has_minutes, 1);
    // Every value of every CSV is in the database, in the same order.
    for r in pkg["resources"].as_array().unwrap() {
        let name = r["name"].as_str().unwrap();
        let mut rdr = csv::Reader::from_path(out().join(r["path"].as_str().unwrap())).unwrap();
        let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
        let mut stmt = c.prepare(&format!("SELECT * FROM \"{name}\" ORDER BY rowid")).unwrap();
        let db: Vec<Vec<String>> = stmt
            .query_map([], |row| {
                Ok((0..header.len())
                    .map(|i| match row.get::<_, rusqlite::types::Value>(i).unwrap() {
                        rusqlite::types::Value::Null => String::new(),
                        rusqlite::types::Value::Integer(n) => n.to_string(),
                        rusqlite::types::Value::Real(f) => f.to_string(),
                        rusqlite::types::Value::Text(t) => t,
                        rusqlite::types::Value::Blob(_) => "blob".into(),
                    })
                    .collect())
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let types: Vec<&str> = r["schema"]["fields"].as_array().unwrap().iter().map(|f| f["type"].as_str().unwrap()).collect();
        let csv_rows: Vec<Vec<String>> = rdr
            .records()
            .map(|rec| {
                rec.unwrap()
                    .iter()
                    .zip(&types)
                    .map(|(v, t)| match (*t, v) {
                        ("boolean", "true") => "1".to_string(),
                        ("boolean", "false") => "0".to_string(),
                        _ => v.to_string(),
                    })
                    .collect()
            })
            .collect();
        assert_eq!(db, csv_rows, "{name}");
    }
}

#[test]
fn single_column_keys_link_items_meetings_participants() {
    let c = db();
    let fk = |t: &str| -> Vec<(String, String, String)> {
        let mut stmt = c.prepare(&format!("SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('{t}')")).unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
    };
    let meeting = ("meetings".to_string(), "meeting_id".to_string(), "meeting_id".to_string());
    for t in ["items", "attendance", "participants", "document_items", "memos", "references", "documents", "meeting_sources", "pages"] {
        assert!(fk(t).contains(&meeting), "{t}: {:?}", fk(t));
    }
    assert!(fk("document_items").contains(&("items".into(), "item_id".into(), "item_id".into())));
    assert!(fk("memos").contains(&("items".into(), "item_id".into(), "item_id".into())));
    // Every item of a meeting links to it, and back: 0 orphans.
    let orphans: i64 = c.query_row("SELECT count(*) FROM items WHERE meeting_id NOT IN (SELECT meeting_id FROM meetings)", [], |r| r.get(0)).unwrap();
    assert_eq!(orphans, 0);
    let n: i64 = c
        .query_row("SELECT count(*) FROM attendance a JOIN meetings m USING (meeting_id) WHERE m.meeting_id = 'Nasjonalt e-helsestyre 4/2021'", [], |r| r.get(0))
        .unwrap();
    let listed: i64 = c.query_row("SELECT participants FROM meetings WHERE meeting_id = 'Nasjonalt e-helsestyre 4/2021'", [], |r| r.get(0)).unwrap();
    assert_eq!((n, listed), (25, 25));
    // No provenance lists in the merged rows: they have tables of their own.
    for t in ["meetings", "items", "attendance"] {
        let cols: Vec<String> = c.prepare(&format!("SELECT name FROM pragma_table_info('{t}')")).unwrap().query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        assert!(!cols.iter().any(|c| c == "sources"), "{t}: {cols:?}");
    }
}

#[test]
fn datasette_metadata() {
    let m: Value = serde_json::from_slice(&std::fs::read(out().join("metadata.json")).unwrap()).unwrap();
    for k in ["title", "description", "source", "license"] {
        assert!(m[k].as_str().is_some_and(|s| !s.is_empty()), "{k}");
    }
    let tables = m["databases"]["motebok"]["tables"].as_object().unwrap();
    let items = &tables["items"];
    assert_eq!(items["fts_table"], "items_fts");
    assert!(items["description"].as_str().unwrap().contains("outcome"));
    assert_eq!(tables["memos"]["fts_table"], "memos_fts");
    assert_eq!(tables["pages"]["fts_table"], "pages_fts");
    assert!(tables.contains_key("document_items") && tables.contains_key("attendance"));
    // Short, and no column descriptions: the table page opens on its rows.
    for (name, t) in tables {
        assert!(t["description"].as_str().unwrap().len() <= 90, "{name}");
        assert!(t.get("columns").is_none(), "{name}");
        // Datasette's default (escaped) search: e-helse is a phrase, not FTS5 syntax.
        assert!(t.get("searchmode").is_none(), "{name}");
    }
}

/// Hits of `q` in `table` through its FTS index, escaped as Datasette's
/// search box escapes it.
fn hits(c: &Connection, table: &str, q: &str) -> i64 {
    let escaped = motebok::output::sqlite::escape_fts(q);
    c.query_row(&format!("SELECT count(*) FROM {table}_fts WHERE {table}_fts MATCH ?1"), [escaped], |r| r.get(0)).unwrap()
}

#[test]
fn search_finds_the_genres_own_words() {
    let c = db();
    // e-helse: a phrase, in sak text, memo text and page text.
    assert!(hits(&c, "items", "e-helse") >= 10);
    assert!(hits(&c, "memos", "e-helse") >= 1);
    assert!(hits(&c, "pages", "e-helse") >= 50);
    // kjernejournal: printed 31 times in the fixtures, mostly in memo and minutes text.
    assert!(hits(&c, "pages", "kjernejournal") >= 10, "{}", hits(&c, "pages", "kjernejournal"));
    // A phrase of two words, quoted; an odd quote is closed.
    assert!(hits(&c, "pages", "\"nasjonal e-helsestrategi\"") >= 1);
    assert!(hits(&c, "pages", "\"kjernejournal") >= 10);
    // Unescaped, FTS5 reads e-helse as column syntax: the error Datasette showed.
    assert!(c.query_row("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'e-helse'", [], |r| r.get::<_, i64>(0)).is_err());
    // Every page of every text file is there, with the document and meeting it belongs to.
    let (pages, docs): (i64, i64) = c.query_row("SELECT count(*), count(doc) FROM pages", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    // (A page no document covers, such as a cover sheet, has no doc.)
    assert!(pages >= 60 && docs * 10 >= pages * 9, "{pages} {docs}");
    let m: String = c.query_row("SELECT meeting_id FROM pages WHERE file LIKE '%001.pdf' AND page = 7", [], |r| r.get(0)).unwrap();
    assert_eq!(m, "Nasjonalt e-helsestyre 4/2021");
}

#[test]
fn search_command_prints_hits_with_file_and_page() {
    let o = Command::new(BIN).args(["search", "kjernejournal", "--out"]).arg(out()).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 10, "{text}");
    assert!(lines.iter().all(|l| l.contains(".pdf:") && l.to_lowercase().contains("«kjernejournal»")), "{text}");
    let o = Command::new(BIN).args(["search", "e-helse", "--limit", "3", "--out"]).arg(out()).output().unwrap();
    let text = String::from_utf8(o.stdout).unwrap();
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.lines().next().unwrap().contains(": item "), "saker first: {text}");
    let o = Command::new(BIN).args(["search", "qqqzzz", "--out"]).arg(out()).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let o = Command::new(BIN).args(["search", "x", "--out", "/nonexistent"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
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
    assert_eq!(files.len(), 10);
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
