//! The run's record store: one SQLite file that every per-file record is
//! written into as soon as it is produced, so that the merge, the report
//! and the exports are computed by streaming queries over it instead of
//! from vectors of every record (issue 12).
//!
//! This module is the storage only: a connection with the settings of a
//! scratch database, tables declared by their owners ([`TableDef`]), rows
//! as [`Value`]s, and queries that hand rows to a callback one at a time.
//! What the tables hold is decided by `output::tables` (the datasets) and
//! `build` (everything else).
//!
//! # Properties
//!
//! * **Scratch.** No journal, no fsync: the store lives inside the staging
//!   directory of a run (`OUT.tmp-<pid>/.store.sqlite`) and is deleted
//!   before the output is swapped in. A killed run leaves it in the staging
//!   directory, which the next run removes (see `output::atomic`).
//! * **Bounded memory.** SQLite's page cache is capped ([`CACHE_KIB`]);
//!   sorts of large results spill to temporary files. Nothing here holds
//!   more than one row at a time.
//! * **Order is explicit.** Rows are stored in arrival order (parallel
//!   extraction makes that arbitrary); every reader that needs an order
//!   asks for one with `ORDER BY` on stable keys, so what is computed from
//!   the store does not depend on arrival order.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, Row, ToSql};

pub use rusqlite::types::Value;

/// The page cache of a store, KiB.
pub const CACHE_KIB: i64 = 16 * 1024;

#[derive(Debug, thiserror::Error)]
#[error("{}: SQLite: {source}", path.display())]
pub struct StoreError {
    pub path: PathBuf,
    #[source]
    pub source: rusqlite::Error,
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// SQLite column types used by the stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlType {
    Integer,
    Real,
    Text,
}

impl SqlType {
    pub fn as_str(self) -> &'static str {
        match self {
            SqlType::Integer => "INTEGER",
            SqlType::Real => "REAL",
            SqlType::Text => "TEXT",
        }
    }
}

/// A table of a store: columns, a primary key (enforced: a second row with
/// the same key is an error) and indexes created by [`Store::index`].
#[derive(Debug, Clone)]
pub struct TableDef {
    pub name: String,
    pub columns: Vec<(String, SqlType)>,
    pub primary_key: Vec<String>,
}

/// `"name"`, with quotes doubled.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `"a", "b"`.
pub fn column_list<S: AsRef<str>>(names: &[S]) -> String {
    names.iter().map(|n| quote(n.as_ref())).collect::<Vec<_>>().join(", ")
}

impl TableDef {
    pub fn create_sql(&self) -> String {
        let mut parts: Vec<String> = self.columns.iter().map(|(n, t)| format!("{} {}", quote(n), t.as_str())).collect();
        if !self.primary_key.is_empty() {
            parts.push(format!("PRIMARY KEY ({})", column_list(&self.primary_key)));
        }
        format!("CREATE TABLE {} ({})", quote(&self.name), parts.join(", "))
    }

    fn insert_sql(&self) -> String {
        let marks: Vec<String> = (1..=self.columns.len()).map(|i| format!("?{i}")).collect();
        format!("INSERT INTO {} VALUES ({})", quote(&self.name), marks.join(", "))
    }
}

/// One store: a SQLite connection set up as a scratch database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// A new, empty store at `path` (an existing file there is replaced).
    pub fn create(path: &Path) -> Result<Store> {
        let _ = std::fs::remove_file(path);
        let conn = Connection::open(path).map_err(|source| StoreError { path: path.to_path_buf(), source })?;
        Store::setup(conn, path.to_path_buf())
    }

    /// A store in memory (tests, small batches).
    pub fn in_memory() -> Result<Store> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|source| StoreError { path: path.clone(), source })?;
        Store::setup(conn, path)
    }

    fn setup(conn: Connection, path: PathBuf) -> Result<Store> {
        let s = Store { conn, path };
        s.batch(&format!(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = FILE; PRAGMA cache_size = -{CACHE_KIB}; PRAGMA foreign_keys = OFF;"
        ))?;
        s.conn.set_prepared_statement_cache_capacity(64);
        Ok(s)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for queries this module has no helper for.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn err(&self) -> impl FnOnce(rusqlite::Error) -> StoreError + '_ {
        move |source| StoreError { path: self.path.clone(), source }
    }

    /// Run SQL statements (no results).
    pub fn batch(&self, sql: &str) -> Result<()> {
        self.conn.execute_batch(sql).map_err(self.err())
    }

    /// Run one statement with parameters; the number of rows changed.
    pub fn execute(&self, sql: &str, params: &[&dyn ToSql]) -> Result<usize> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(self.err())?;
        stmt.execute(params).map_err(self.err())
    }

    pub fn create_table(&self, t: &TableDef) -> Result<()> {
        self.batch(&t.create_sql())
    }

    /// `CREATE INDEX IF NOT EXISTS` on `table (columns)`.
    pub fn index(&self, table: &str, columns: &[&str]) -> Result<()> {
        let name = format!("{table}__{}", columns.join("_"));
        self.batch(&format!("CREATE INDEX IF NOT EXISTS {} ON {} ({})", quote(&name), quote(table), column_list(columns)))
    }

    /// Insert one row (values in column order).
    pub fn insert(&self, t: &TableDef, values: &[Value]) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(&t.insert_sql()).map_err(self.err())?;
        stmt.execute(rusqlite::params_from_iter(values.iter())).map_err(self.err())?;
        Ok(())
    }

    /// Hand every row of `sql` to `f`, one at a time.
    pub fn each(&self, sql: &str, params: &[&dyn ToSql], mut f: impl FnMut(&Row<'_>) -> Result<()>) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(self.err())?;
        let mut rows = stmt.query(params).map_err(self.err())?;
        while let Some(row) = rows.next().map_err(self.err())? {
            f(row)?;
        }
        Ok(())
    }

    /// The single value of a one-row query (`None` without a row).
    pub fn value(&self, sql: &str, params: &[&dyn ToSql]) -> Result<Option<Value>> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(self.err())?;
        let mut rows = stmt.query(params).map_err(self.err())?;
        match rows.next().map_err(self.err())? {
            Some(r) => Ok(Some(r.get::<_, Value>(0).map_err(self.err())?)),
            None => Ok(None),
        }
    }

    /// `SELECT count(*)` of a query's rows, as a number.
    pub fn count(&self, sql: &str, params: &[&dyn ToSql]) -> Result<u64> {
        Ok(match self.value(sql, params)? {
            Some(Value::Integer(n)) => n.max(0) as u64,
            _ => 0,
        })
    }

    /// Begin a transaction (the store has no journal, so this only batches
    /// writes; it protects nothing).
    pub fn begin(&self) -> Result<()> {
        self.batch("BEGIN")
    }

    pub fn commit(&self) -> Result<()> {
        self.batch("COMMIT")
    }

    /// Attach another database file under `name`.
    pub fn attach(&self, path: &Path, name: &str) -> Result<()> {
        let p = path.to_string_lossy().to_string();
        self.execute(&format!("ATTACH DATABASE ?1 AS {}", quote(name)), &[&p]).map(|_| ())
    }

    pub fn detach(&self, name: &str) -> Result<()> {
        self.batch(&format!("DETACH DATABASE {}", quote(name)))
    }

    /// Close and delete the file.
    pub fn remove(self) -> Result<()> {
        let path = self.path.clone();
        self.conn.close().map_err(|(_, source)| StoreError { path: path.clone(), source })?;
        if path.as_os_str() != ":memory:" {
            let _ = std::fs::remove_file(&path);
        }
        Ok(())
    }
}

/// Text of a value, `None` for NULL (integers and reals rendered).
pub fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(i.to_string()),
        Value::Real(f) => Some(f.to_string()),
        Value::Text(s) => Some(s.clone()),
        Value::Blob(b) => Some(String::from_utf8_lossy(b).to_string()),
    }
}

/// Column `i` of a row as optional text.
pub fn opt_text(row: &Row<'_>, i: usize) -> Option<String> {
    row.get::<_, Value>(i).ok().and_then(|v| text(&v))
}

/// Column `i` of a row as text ("" for NULL).
pub fn req_text(row: &Row<'_>, i: usize) -> String {
    opt_text(row, i).unwrap_or_default()
}

/// Column `i` of a row as an integer, if it is one.
pub fn opt_int(row: &Row<'_>, i: usize) -> Option<i64> {
    match row.get::<_, Value>(i) {
        Ok(Value::Integer(n)) => Some(n),
        Ok(Value::Text(s)) => s.parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_tables_rows_and_order() {
        let s = Store::in_memory().unwrap();
        let t = TableDef {
            name: "t".into(),
            columns: vec![("k".into(), SqlType::Text), ("n".into(), SqlType::Integer)],
            primary_key: vec!["k".into()],
        };
        s.create_table(&t).unwrap();
        for (k, n) in [("b", 2), ("a", 1), ("c", 3)] {
            s.insert(&t, &[Value::Text(k.into()), Value::Integer(n)]).unwrap();
        }
        assert!(s.insert(&t, &[Value::Text("a".into()), Value::Null]).is_err(), "primary key enforced");
        let mut seen = Vec::new();
        s.each("SELECT k, n FROM t ORDER BY k", &[], |r| {
            seen.push((req_text(r, 0), opt_int(r, 1)));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, vec![("a".into(), Some(1)), ("b".into(), Some(2)), ("c".into(), Some(3))]);
        assert_eq!(s.count("SELECT count(*) FROM t WHERE n > ?1", &[&1]).unwrap(), 2);
    }
}
