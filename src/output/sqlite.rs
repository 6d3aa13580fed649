//! `motebok.sqlite` and `metadata.json`: the datasets as one SQLite
//! database for Datasette (`datasette OUT/motebok.sqlite -m
//! OUT/metadata.json`).
//!
//! * One SQL table per dataset, same name, same columns in the same order,
//!   built from the same [`Table`] definitions and copied from the run's
//!   store in the CSVs' order: primary keys and foreign keys as declared in
//!   `datapackage.json` (single-column `meeting_id` / `item_id` keys, so
//!   Datasette links an item to its meeting and a meeting to its items,
//!   attendance and participants). Types: integer → `INTEGER`, boolean →
//!   `INTEGER` 0/1, number → `REAL`, string and date → `TEXT`; an empty CSV
//!   cell is `NULL`. Besides the CSV tables, `pages` holds the text of every
//!   page.
//! * Full-text search (FTS5, external content, tokenizer `unicode61` with
//!   diacritics kept, so `å` is not folded into `a`): `items_fts` (title,
//!   proposed decision, decision of every merged sak), `memos_fts` (memo
//!   title and proposed decision) and `pages_fts` (page text). Datasette
//!   finds each by its `content=` table and offers a search box on `items`,
//!   `memos` and `pages`; `metadata.json` leaves Datasette's default
//!   *escaped* search mode on, so `e-helse` is searched as the phrase
//!   `"e-helse"` (the tokens `e` `helse` in a row), never as FTS5 syntax
//!   (where `-` would be a column filter). [`escape_fts`] does the same
//!   escaping for `motebok search` and the tests.
//! * Written inside the staging dir (so it is swapped in with the rest),
//!   with no journal, in one deterministic sequence of statements from a
//!   fresh file: the same datasets give a byte-identical file with the same
//!   SQLite library version (the bundled one, fixed by Cargo.lock).

use std::path::Path;

use rusqlite::Connection;
use serde_json::{json, Map};

use super::atomic::Staging;
use super::tables::{FieldType, Table, TABLES};
use super::OutputError;
use crate::store::{self, Store};

/// The database, relative to the output dir.
pub const DB: &str = "motebok.sqlite";
/// Datasette metadata, relative to the output dir.
pub const METADATA: &str = "metadata.json";

/// A full-text index: its table, the table whose rows it indexes, the
/// columns.
pub struct Fts {
    pub name: &'static str,
    pub table: &'static str,
    pub columns: &'static [&'static str],
}

/// The full-text indexes of `motebok.sqlite`.
pub const FTS: &[Fts] = &[
    Fts { name: "items_fts", table: "items", columns: &["title", "proposed_decision", "decision"] },
    Fts { name: "memos_fts", table: "memos", columns: &["title", "proposed_decision"] },
    Fts { name: "pages_fts", table: "pages", columns: &["text"] },
];

/// Datasette's escaping of a search (its `escape_fts`, the default search
/// mode): every whitespace-separated word not already in double quotes is
/// put in them, so it is a phrase, never FTS5 syntax. An odd `"` is closed.
/// `e-helse` → `"e-helse"`; `"e-helse strategi" kjernejournal` → `"e-helse
/// strategi" "kjernejournal"`.
pub fn escape_fts(query: &str) -> String {
    let mut q = query.to_string();
    if q.matches('"').count() % 2 == 1 {
        q.push('"');
    }
    // Split as Python's re.split(r'\s+|(".*?")', q) does: text between
    // matches, and the quoted groups themselves.
    let mut bits: Vec<&str> = Vec::new();
    let mut rest = q.as_str();
    let mut start = 0;
    let bytes = q.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = q[i..].chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            bits.push(&q[start..i]);
            let mut j = i;
            while j < bytes.len() {
                let d = q[j..].chars().next().unwrap_or('x');
                if !d.is_whitespace() {
                    break;
                }
                j += d.len_utf8();
            }
            i = j;
            start = j;
        } else if c == '"' {
            if let Some(end) = q[i + 1..].find('"') {
                bits.push(&q[start..i]);
                bits.push(&q[i..i + 1 + end + 1]);
                i = i + 1 + end + 1;
                start = i;
            } else {
                i += 1;
            }
        } else {
            i += c.len_utf8();
        }
    }
    rest = &rest[start..];
    bits.push(rest);
    bits.into_iter()
        .filter(|b| !b.is_empty() && *b != "\"\"")
        .map(|b| if b.starts_with('"') { b.to_string() } else { format!("\"{b}\"") })
        .collect::<Vec<_>>()
        .join(" ")
}

fn sql_type(t: FieldType) -> &'static str {
    t.sql().as_str()
}

/// `CREATE TABLE` for one dataset in schema `schema`.
pub fn create_sql(t: &Table, schema: Option<&str>) -> String {
    let q = store::quote;
    let fields = (t.fields)();
    let mut parts: Vec<String> = fields
        .iter()
        .map(|f| {
            let not_null = if t.primary_key.contains(&f.name) { " NOT NULL" } else { "" };
            format!("{} {}{not_null}", q(f.name), sql_type(f.ty))
        })
        .collect();
    let cols = |v: &[&str]| store::column_list(v);
    parts.push(format!("PRIMARY KEY ({})", cols(t.primary_key)));
    for fk in t.foreign_keys {
        parts.push(format!("FOREIGN KEY ({}) REFERENCES {} ({})", cols(fk.fields), q(fk.resource), cols(fk.reference)));
    }
    let name = match schema {
        Some(s) => format!("{}.{}", q(s), q(t.name)),
        None => q(t.name),
    };
    format!("CREATE TABLE {name} (\n  {}\n)", parts.join(",\n  "))
}

/// Build `motebok.sqlite` from the datasets in `store` (no transaction may
/// be open on it), and write `metadata.json`.
pub fn write(stage: &mut Staging, store: &Store) -> Result<(), OutputError> {
    let path = stage.path(DB);
    // Registered with the staging dir (and created empty: a valid empty database).
    stage.create(DB)?.finish()?;
    let err = |source| OutputError::Sqlite { path: path.clone(), source };
    store.attach(&path, "pub")?;
    let result = (|| -> Result<(), OutputError> {
        store.batch("PRAGMA pub.page_size = 4096; PRAGMA pub.journal_mode = OFF; PRAGMA pub.synchronous = OFF;")?;
        store.begin()?;
        for t in TABLES {
            store.batch(&create_sql(t, Some("pub")))?;
            let names: Vec<&str> = (t.fields)().iter().map(|f| f.name).collect();
            store.batch(&format!(
                "INSERT INTO pub.{} ({}) {}",
                store::quote(t.name),
                store::column_list(&names),
                super::export_sql(t, Some("main"))
            ))?;
        }
        for f in FTS {
            store.batch(&format!(
                "CREATE VIRTUAL TABLE pub.{name} USING fts5({cols}, content='{table}', tokenize='unicode61 remove_diacritics 0');
                 INSERT INTO pub.{name} ({name}) VALUES ('rebuild');
                 INSERT INTO pub.{name} ({name}) VALUES ('optimize');",
                name = f.name,
                table = f.table,
                cols = f.columns.join(", ")
            ))?;
        }
        store.commit()?;
        Ok(())
    })();
    if result.is_err() {
        let _ = store.batch("ROLLBACK");
    }
    let detached = store.detach("pub");
    result?;
    detached?;
    // The file is complete; check that it opens.
    Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(err)?;
    let written: Vec<&Table> = TABLES.iter().collect();
    let meta = metadata(&written).map_err(|source| OutputError::Json { path: stage.path(METADATA), source })?;
    stage.write(METADATA, &meta)
}

/// Datasette's `metadata.json`: title, description, source, license, and
/// per table a one-line description, its full-text index and facets. Column
/// descriptions are in `datapackage.json` (on Datasette's table page they
/// would fill the first screen).
pub fn metadata(tables: &[&Table]) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = Map::new();
    for t in tables {
        let mut entry = Map::new();
        entry.insert("title".into(), json!(t.title));
        entry.insert("description".into(), json!(t.short));
        if let Some(f) = FTS.iter().find(|f| f.table == t.name) {
            entry.insert("fts_table".into(), json!(f.name));
            entry.insert("fts_pk".into(), json!("rowid"));
        }
        let facets: &[&str] = match t.name {
            "meetings" => &["body", "meeting_year"],
            "items" => &["body", "outcome"],
            "attendance" => &["attendance", "role", "organisation"],
            "documents" => &["kind", "body"],
            _ => &[],
        };
        if !facets.is_empty() {
            entry.insert("facets".into(), json!(facets));
        }
        if t.name == "meetings" {
            entry.insert("sort_desc".into(), json!("date"));
        }
        out.insert(t.name.to_string(), json!(entry));
    }
    let db_name = DB.trim_end_matches(".sqlite");
    let meta = json!({
        "title": "Meetings of Norwegian governance bodies",
        "description": "Agendas, minutes and case memos extracted from published meeting PDFs by motebok. meetings, items and attendance hold one row per meeting, sak and person at a meeting, merged across documents and copies; the other tables hold what each file says. Search saker (items), memos and the text of every page (pages). Column descriptions: datapackage.json.",
        "source": format!("Published meeting PDFs; extracted with motebok {}", env!("CARGO_PKG_VERSION")),
        "license": "Public records of the publishing bodies: check their terms of reuse",
        "databases": { db_name: { "tables": out } },
    });
    let mut v = serde_json::to_vec_pretty(&meta)?;
    v.push(b'\n');
    Ok(v)
}

/// Open an output's database read-only.
pub fn open(out: &Path) -> rusqlite::Result<Connection> {
    Connection::open_with_flags(out.join(DB), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_sqlite_create_statements_parse() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
        for t in TABLES {
            conn.execute_batch(&create_sql(t, None)).unwrap_or_else(|e| panic!("{}: {e}\n{}", t.name, create_sql(t, None)));
        }
        conn.execute_batch("CREATE VIRTUAL TABLE t USING fts5(a, tokenize='unicode61 remove_diacritics 0')").expect("FTS5 is compiled in");
    }

    #[test]
    fn output_fts_escaping_as_datasette() {
        assert_eq!(escape_fts("e-helse"), "\"e-helse\"");
        assert_eq!(escape_fts("kjernejournal  e-helse"), "\"kjernejournal\" \"e-helse\"");
        assert_eq!(escape_fts("\"nasjonal e-helse\" strategi"), "\"nasjonal e-helse\" \"strategi\"");
        assert_eq!(escape_fts("odd \"quote"), "\"odd\" \"quote\"");
        assert_eq!(escape_fts("a\"b\" c"), "\"a\" \"b\" \"c\"");
        assert_eq!(escape_fts("  "), "");
        assert_eq!(escape_fts("\"\""), "");
        // The escaped query is valid FTS5, and finds the phrase.
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 0');
             INSERT INTO t VALUES ('Nasjonal e-helsestrategi'), ('ny e-\nhelse lov'), ('helse og e');",
        )
        .unwrap();
        let hits = |q: &str| -> i64 { c.query_row("SELECT count(*) FROM t WHERE t MATCH ?1", [escape_fts(q)], |r| r.get(0)).unwrap() };
        assert_eq!(hits("e-helse"), 1);
        assert_eq!(hits("e-helsestrategi"), 1);
        assert_eq!(hits("helse"), 2);
        // Raw FTS5 would read `e-helse` as column filter syntax.
        assert!(c.query_row("SELECT count(*) FROM t WHERE t MATCH 'e-helse'", [], |r| r.get::<_, i64>(0)).is_err());
    }
}
