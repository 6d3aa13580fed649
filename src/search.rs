//! Full-text search of an output (`motebok search`): the FTS5 indexes of
//! `motebok.sqlite` (saker, memos, page text; see `output::sqlite`), queried
//! with Datasette's escaping ([`crate::output::sqlite::escape_fts`]), so the
//! command finds what Datasette's search box finds: `e-helse` is the phrase
//! e-helse, never FTS5 syntax.
//!
//! Hits come saker first, then memos, then pages; within each by relevance
//! (bm25), ties by file and page. Each names the file and page to open.

use std::path::Path;

use rusqlite::{params, Connection};

use crate::output::sqlite::{escape_fts, DB};

/// One hit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// `item`, `memo` or `page`.
    pub kind: &'static str,
    pub file: String,
    pub page: Option<u32>,
    /// The sak (`NUIT sak 13/2022`) or the memo's sak; none for a page.
    pub label: Option<String>,
    /// The matching text around the hit, the words in «».
    pub snippet: String,
}

impl Hit {
    /// `fixtures/001.pdf:5: page: … «kjernejournal» …`
    pub fn line(&self) -> String {
        let page = self.page.map_or(String::new(), |p| format!(":{p}"));
        let label = self.label.as_deref().map_or(String::new(), |l| format!(" {l}"));
        let snippet = crate::util::normalise_ws(&self.snippet);
        format!("{}{page}: {}{label}: {snippet}", self.file, self.kind)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("{}: no motebok.sqlite here (run `motebok extract` first)", .0.display())]
    NoDatabase(std::path::PathBuf),
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("nothing to search for")]
    EmptyQuery,
}

/// Search the output in `out` for `query` (escaped as Datasette does), at
/// most `limit` hits.
pub fn search(out: &Path, query: &str, limit: usize) -> Result<Vec<Hit>, SearchError> {
    let path = out.join(DB);
    if !path.is_file() {
        return Err(SearchError::NoDatabase(out.to_path_buf()));
    }
    let q = escape_fts(query);
    if q.is_empty() {
        return Err(SearchError::EmptyQuery);
    }
    let c = Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut hits = Vec::new();
    let lim = limit as i64;
    // Saker: where the first document listing it prints it.
    let mut stmt = c.prepare(
        "SELECT i.item_id, snippet(items_fts, -1, '«', '»', '…', 12), s.file,
                coalesce(di.page, m.page_start)
           FROM items_fts JOIN items i ON i.rowid = items_fts.rowid
           LEFT JOIN item_sources s ON s.rowid = (SELECT min(rowid) FROM item_sources WHERE item_id = i.item_id)
           LEFT JOIN document_items di ON di.file = s.file AND di.doc = s.doc AND di.row = s.row
           LEFT JOIN memos m ON m.file = s.file AND m.doc = s.doc
          WHERE items_fts MATCH ?1 ORDER BY bm25(items_fts), i.rowid LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![q, lim], |r| {
        Ok(Hit { kind: "item", label: r.get(0)?, snippet: r.get(1)?, file: r.get::<_, Option<String>>(2)?.unwrap_or_default(), page: r.get(3)? })
    })?;
    for h in rows {
        hits.push(h?);
    }
    let mut stmt = c.prepare(
        "SELECT m.sak, snippet(memos_fts, -1, '«', '»', '…', 12), m.file, m.page_start
           FROM memos_fts JOIN memos m ON m.rowid = memos_fts.rowid
          WHERE memos_fts MATCH ?1 ORDER BY bm25(memos_fts), m.file, m.doc LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![q, lim], |r| Ok(Hit { kind: "memo", label: r.get(0)?, snippet: r.get(1)?, file: r.get(2)?, page: r.get(3)? }))?;
    for h in rows {
        hits.push(h?);
    }
    let mut stmt = c.prepare(
        "SELECT snippet(pages_fts, -1, '«', '»', '…', 12), p.file, p.page
           FROM pages_fts JOIN pages p ON p.rowid = pages_fts.rowid
          WHERE pages_fts MATCH ?1 ORDER BY bm25(pages_fts), p.file, p.page LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![q, lim], |r| Ok(Hit { kind: "page", label: None, snippet: r.get(0)?, file: r.get(1)?, page: r.get(2)? }))?;
    for h in rows {
        hits.push(h?);
    }
    hits.truncate(limit);
    Ok(hits)
}
