//! `motebok.sqlite` and `metadata.json`: the CSV datasets as one SQLite
//! database for Datasette (`datasette OUT/motebok.sqlite -m
//! OUT/metadata.json`).
//!
//! * One SQL table per CSV, same name, same columns in the same order,
//!   built from the same [`Table`] definitions: primary keys and foreign
//!   keys as declared in `datapackage.json`. Types: integer → `INTEGER`,
//!   boolean → `INTEGER` 0/1, number → `REAL`, string and date → `TEXT`
//!   (dates as `YYYY-MM-DD`); an empty CSV cell is `NULL`.
//! * The rows are read back from the CSV files just written, so the
//!   database holds exactly what the CSVs hold.
//! * `items_fts`: an FTS5 index (external content: `items`) over the title,
//!   proposed decision and decision of every merged sak, tokenizer
//!   `unicode61` with diacritics kept (so `å` is not folded into `a`).
//!   Datasette finds it by its `content='items'` and offers a search box on
//!   `items`; in SQL: `SELECT … FROM items JOIN items_fts ON items.rowid =
//!   items_fts.rowid WHERE items_fts MATCH 'kjernejournal'`.
//! * Written inside the staging dir (so it is swapped in with the rest),
//!   with no journal, in one transaction, rows in CSV order, then
//!   `VACUUM`ed: the same CSVs give a byte-identical file with the same
//!   SQLite library version (the bundled one, fixed by Cargo.lock).

use std::path::Path;

use rusqlite::{params_from_iter, types::Value, Connection};
use serde_json::{json, Map};

use super::atomic::Staging;
use super::datapackage::Written;
use super::tables::{FieldType, Table};
use super::OutputError;

/// The database, relative to the output dir.
pub const DB: &str = "motebok.sqlite";
/// Datasette metadata, relative to the output dir.
pub const METADATA: &str = "metadata.json";
/// The full-text index over `items`.
pub const FTS_TABLE: &str = "items_fts";
const FTS_COLUMNS: &[&str] = &["title", "proposed_decision", "decision"];

fn sql_err(path: &Path) -> impl FnOnce(rusqlite::Error) -> OutputError + '_ {
    move |source| OutputError::Sqlite { path: path.to_path_buf(), source }
}

/// `"name"`, with quotes doubled.
fn q(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn sql_type(t: FieldType) -> &'static str {
    match t {
        FieldType::Integer | FieldType::Boolean => "INTEGER",
        FieldType::Number => "REAL",
        FieldType::String | FieldType::Date => "TEXT",
    }
}

/// `CREATE TABLE` for one dataset.
pub fn create_sql(t: &Table) -> String {
    let fields = (t.fields)();
    let mut parts: Vec<String> = fields
        .iter()
        .map(|f| {
            let not_null = if t.primary_key.contains(&f.name) { " NOT NULL" } else { "" };
            format!("{} {}{not_null}", q(f.name), sql_type(f.ty))
        })
        .collect();
    let cols = |v: &[&str]| v.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ");
    parts.push(format!("PRIMARY KEY ({})", cols(t.primary_key)));
    for fk in t.foreign_keys {
        parts.push(format!("FOREIGN KEY ({}) REFERENCES {} ({})", cols(fk.fields), q(fk.resource), cols(fk.reference)));
    }
    format!("CREATE TABLE {} (\n  {}\n)", q(t.name), parts.join(",\n  "))
}

fn cell(v: &str, ty: FieldType) -> Value {
    if v.is_empty() {
        return Value::Null;
    }
    match ty {
        FieldType::Integer => v.parse::<i64>().map(Value::Integer).unwrap_or_else(|_| Value::Text(v.to_string())),
        FieldType::Boolean => Value::Integer(i64::from(v == "true")),
        FieldType::Number => v.parse::<f64>().map(Value::Real).unwrap_or_else(|_| Value::Text(v.to_string())),
        FieldType::String | FieldType::Date => Value::Text(v.to_string()),
    }
}

/// Build `motebok.sqlite` from the CSVs in `written` (already in the
/// staging dir), and write `metadata.json`.
pub fn write(stage: &mut Staging, written: &[Written]) -> Result<(), OutputError> {
    let path = stage.path(DB);
    // Registered with the staging dir (and created empty: a valid empty database).
    stage.create(DB)?.finish()?;
    {
        let conn = Connection::open(&path).map_err(sql_err(&path))?;
        conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON; PRAGMA page_size = 4096;")
            .map_err(sql_err(&path))?;
        conn.execute_batch("BEGIN").map_err(sql_err(&path))?;
        for w in written {
            let t = w.table;
            conn.execute_batch(&create_sql(t)).map_err(sql_err(&path))?;
            let fields = (t.fields)();
            let insert = format!(
                "INSERT INTO {} VALUES ({})",
                q(t.name),
                (1..=fields.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
            );
            let mut stmt = conn.prepare(&insert).map_err(sql_err(&path))?;
            let csv_path = stage.path(t.path());
            let mut rdr = csv::Reader::from_path(&csv_path).map_err(|source| OutputError::Csv { path: csv_path.clone(), source })?;
            for rec in rdr.records() {
                let rec = rec.map_err(|source| OutputError::Csv { path: csv_path.clone(), source })?;
                let values = rec.iter().zip(&fields).map(|(v, f)| cell(v, f.ty));
                stmt.execute(params_from_iter(values)).map_err(sql_err(&path))?;
            }
        }
        if written.iter().any(|w| w.table.name == "items") {
            conn.execute_batch(&format!(
                "CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({}, content='items', tokenize='unicode61 remove_diacritics 0');
                 INSERT INTO {FTS_TABLE} (rowid, {0}) SELECT rowid, {0} FROM items ORDER BY rowid;
                 INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize');",
                FTS_COLUMNS.join(", ")
            ))
            .map_err(sql_err(&path))?;
        }
        conn.execute_batch("COMMIT").map_err(sql_err(&path))?;
        // Compact, and make the file depend only on its content.
        conn.execute_batch("VACUUM").map_err(sql_err(&path))?;
        conn.close().map_err(|(_, e)| sql_err(&path)(e))?;
    }
    let meta = metadata(written).map_err(|source| OutputError::Json { path: stage.path(METADATA), source })?;
    stage.write(METADATA, &meta)
}

/// Datasette's `metadata.json`: title, description, source, license, and
/// per table its description, columns and full-text search.
pub fn metadata(written: &[Written]) -> Result<Vec<u8>, serde_json::Error> {
    let mut tables = Map::new();
    for w in written {
        let t = w.table;
        let mut columns = Map::new();
        for f in (t.fields)() {
            columns.insert(f.name.to_string(), json!(f.description));
        }
        let mut entry = Map::new();
        entry.insert("title".into(), json!(t.title));
        entry.insert("description".into(), json!(t.description));
        entry.insert("columns".into(), json!(columns));
        if t.name == "items" {
            entry.insert("fts_table".into(), json!(FTS_TABLE));
            entry.insert("fts_pk".into(), json!("rowid"));
            entry.insert("searchmode".into(), json!("raw"));
            entry.insert("sort".into(), json!("sak_year"));
        }
        tables.insert(t.name.to_string(), json!(entry));
    }
    let db_name = DB.trim_end_matches(".sqlite");
    let meta = json!({
        "title": "Meetings of Norwegian e-health governance bodies",
        "description": "Agendas, minutes and case memos of NUIT, Nasjonalt e-helsestyre, NUFA and E-helserådet, extracted from the published meeting PDFs by motebok. meetings and items hold one row per meeting and per sak, merged across documents (proposed decision, decision and outcome side by side); disagreements lists every value the documents disagree on; the document_* tables, participants, references and memos hold what each file says. Search the saker (title, proposal, decision) on the items table.",
        "source": format!("Meeting PDFs published by the bodies' secretariats (Direktoratet for e-helse, Helsedirektoratet); extracted with motebok {}", env!("CARGO_PKG_VERSION")),
        "license": "Public records of the publishing bodies: check their terms of reuse",
        "databases": { db_name: { "tables": tables } },
    });
    let mut v = serde_json::to_vec_pretty(&meta)?;
    v.push(b'\n');
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::tables::TABLES;

    #[test]
    fn output_sqlite_create_statements_parse() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
        for t in TABLES {
            conn.execute_batch(&create_sql(t)).unwrap_or_else(|e| panic!("{}: {e}\n{}", t.name, create_sql(t)));
        }
        conn.execute_batch("CREATE VIRTUAL TABLE t USING fts5(a, tokenize='unicode61 remove_diacritics 0')").expect("FTS5 is compiled in");
    }
}
