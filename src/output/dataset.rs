//! The datasets of a run, built in the run's store (issue 12).
//!
//! [`Datasets::add_record`] writes one file's rows into the per-document
//! tables as soon as the record exists, with the keys [`crate::merge`]
//! gives its documents; [`Datasets::finish`] then computes the merged
//! tables by streaming the store's rows grouped by key (one meeting, one
//! sak, one person at a time), and the writers (`output::write_*`) export
//! every table sorted by its stable key. Nothing holds more than one group
//! in memory; the result depends only on the records, not on the order
//! they arrived in.
//!
//! # Passes of [`Datasets::finish`]
//!
//! 1. Memos whose header names no meeting take the meeting of their sak
//!    (the best-ranked agenda or minutes listing it); the others are
//!    unplaced.
//! 2. Items: every listing of a sak (document_items rows, memos), grouped
//!    by `item_id` → [`merge::merge_item`] → `items`, `item_sources`.
//! 3. Attendance: participants grouped by meeting and name →
//!    [`merge::merge_person`] → `attendance`.
//! 4. Meetings: meeting documents and memos grouped by `meeting_id` →
//!    [`merge::merge_meeting`] → `meetings`, `meeting_sources`, with the
//!    counts of 2 and 3.
//! 5. Disagreements numbered in order; references to saks that are not
//!    items cleared.
//!
//! What the report needs from the merge (disagreements, unplaced
//! documents, each meeting's agenda and minutes saks) is handed to a
//! [`merge::Sink`] as it is found.

use std::path::Path;

use crate::merge::{self, Attendee, Disagreement, ItemSource, ListedSak, MeetingKey, MeetingSource, MergedMeeting, PersonSource, SourceRef, Stated, Weighted};
pub use crate::merge::{NoSink, Sink as MergeSink};
use crate::model::{DocumentKind, FileRecord};
use crate::rules::Rules;
use crate::store::{self, opt_int, opt_text, req_text, SqlType, Store, StoreError, TableDef, Value};

use super::tables::{self, DocIds, Fill, RecordCx, TABLES};

/// Counts of the merged tables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeCounts {
    pub meetings: u64,
    pub items: u64,
    pub attendance: u64,
    pub disagreements: u64,
    pub unplaced: u64,
}

fn meeting_keys_def() -> TableDef {
    TableDef {
        name: "_meeting_keys".into(),
        columns: vec![
            ("meeting_id".into(), SqlType::Text),
            ("body".into(), SqlType::Text),
            ("year".into(), SqlType::Integer),
            ("number".into(), SqlType::Integer),
            ("date".into(), SqlType::Text),
            ("sort".into(), SqlType::Text),
        ],
        primary_key: vec!["meeting_id".into()],
    }
}

fn unplaced_def() -> TableDef {
    TableDef {
        name: "_unplaced".into(),
        columns: vec![
            ("file".into(), SqlType::Text),
            ("doc".into(), SqlType::Integer),
            ("kind".into(), SqlType::Text),
            ("reason".into(), SqlType::Text),
        ],
        primary_key: vec!["file".into(), "doc".into()],
    }
}

fn pending_def() -> TableDef {
    TableDef {
        name: "_memo_pending".into(),
        columns: vec![("file".into(), SqlType::Text), ("doc".into(), SqlType::Integer), ("item_id".into(), SqlType::Text)],
        primary_key: vec!["file".into(), "doc".into()],
    }
}

/// Hidden columns of `memos` in the store: the memo's sak, parsed.
const MEMO_HIDDEN: &[&str] = &["_number", "_year", "_sak"];

fn kind_of(s: &str) -> DocumentKind {
    match s {
        "agenda" => DocumentKind::Agenda,
        "minutes" => DocumentKind::Minutes,
        "case_memo" => DocumentKind::CaseMemo,
        _ => DocumentKind::Other,
    }
}

/// `CASE kind …`: the default rank of [`merge::rank_default`] in SQL.
const RANK_SQL: &str = "CASE kind WHEN 'minutes' THEN 0 WHEN 'agenda' THEN 1 WHEN 'case_memo' THEN 2 ELSE 3 END";

/// The datasets of one run, in a store.
pub struct Datasets<'r> {
    store: Store,
    rules: &'r Rules,
    defs: Vec<TableDef>,
}

fn def_of<'a>(defs: &'a [TableDef], name: &str) -> &'a TableDef {
    defs.iter().find(|d| d.name == name).expect("a table of TABLES")
}

impl<'r> Datasets<'r> {
    /// An empty store at `path` (`None`: in memory) with every table.
    pub fn create(path: Option<&Path>, rules: &'r Rules) -> store::Result<Datasets<'r>> {
        let store = match path {
            Some(p) => Store::create(p)?,
            None => Store::in_memory()?,
        };
        let mut defs = Vec::new();
        for t in TABLES {
            let mut def = t.store_def();
            if t.name == "memos" {
                def.columns.extend(MEMO_HIDDEN.iter().map(|h| (h.to_string(), SqlType::Text)));
            }
            store.create_table(&def)?;
            defs.push(def);
        }
        for def in [meeting_keys_def(), unplaced_def(), pending_def()] {
            store.create_table(&def)?;
            defs.push(def);
        }
        store.begin()?;
        Ok(Datasets { store, rules, defs })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn rules(&self) -> &Rules {
        self.rules
    }

    fn def(&self, name: &str) -> &TableDef {
        def_of(&self.defs, name)
    }

    fn add_meeting_key(&self, k: &MeetingKey) -> store::Result<()> {
        self.store.execute(
            "INSERT OR IGNORE INTO _meeting_keys VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            &[&k.id(), &k.body, &k.year, &k.number, &k.date, &k.sort_key()],
        )?;
        Ok(())
    }

    fn add_unplaced(&self, src: &SourceRef, reason: &str) -> store::Result<()> {
        self.store.insert(
            self.def("_unplaced"),
            &[Value::Text(src.file.clone()), Value::Integer(src.doc as i64), Value::Text(src.kind.as_str().into()), Value::Text(reason.into())],
        )
    }

    /// The keys of each document of `rec` (and the bookkeeping the merge
    /// needs for them).
    fn doc_ids(&self, rec: &FileRecord) -> store::Result<Vec<DocIds>> {
        let mut out = Vec::with_capacity(rec.documents.len());
        for (i, d) in rec.documents.iter().enumerate() {
            let src = SourceRef { file: rec.source.file.clone(), doc: i + 1, kind: d.kind };
            let mut ids = DocIds::default();
            if d.kind == DocumentKind::CaseMemo && d.memo.is_some() {
                let meeting = merge::memo_meeting(d);
                let sak = merge::memo_sak(d);
                let body = d.body.as_deref().filter(|b| !b.trim().is_empty());
                match (&meeting, &sak, body) {
                    (Some(mk), Some((n, y, printed)), Some(b)) => {
                        self.add_meeting_key(mk)?;
                        ids.meeting_id = Some(mk.id());
                        ids.memo_item = Some(merge::item_id(b, *n, *y, printed, mk));
                    }
                    (Some(mk), None, _) => {
                        self.add_meeting_key(mk)?;
                        ids.meeting_id = Some(mk.id());
                    }
                    (None, Some((Some(n), Some(y), printed)), Some(b)) => {
                        // The meeting of the sak's agenda or minutes: pass 1.
                        let placeholder = MeetingKey { body: b.to_string(), year: *y, number: None, date: None };
                        let id = merge::item_id(b, Some(*n), Some(*y), printed, &placeholder);
                        self.store.insert(self.def("_memo_pending"), &[Value::Text(src.file.clone()), Value::Integer(src.doc as i64), Value::Text(id.clone())])?;
                        ids.memo_item = Some(id);
                    }
                    _ => {
                        let reason = if body.is_none() { "body unknown" } else { "memo names no meeting, and its sak is on no agenda or minutes" };
                        self.add_unplaced(&src, reason)?;
                    }
                }
            } else if d.is_meeting() {
                match merge::meeting_key(d) {
                    Ok(mk) => {
                        self.add_meeting_key(&mk)?;
                        let body = mk.body.clone();
                        ids.items = d.items.iter().map(|it| Some(merge::item_id(&body, it.number, it.year, &it.sak, &mk))).collect();
                        ids.meeting_id = Some(mk.id());
                    }
                    Err(reason) => self.add_unplaced(&src, reason)?,
                }
            }
            ids.items.resize(d.items.len(), None);
            ids.references = d
                .references
                .iter()
                .map(|r| {
                    let body = r.body.as_deref().or(d.body.as_deref()).filter(|b| !b.trim().is_empty())?;
                    let s = merge::parse_sak(&r.sak)?;
                    let placeholder = MeetingKey { body: body.to_string(), year: s.year, number: None, date: None };
                    Some(merge::item_id(body, Some(s.number), Some(s.year), &s.printed, &placeholder))
                })
                .collect();
            out.push(ids);
        }
        Ok(out)
    }

    /// Write one file's rows. Returns the keys given to its documents.
    /// A second record for the same file is an error.
    pub fn add_record(&self, rec: &FileRecord, stem: &str) -> Result<Vec<DocIds>, super::OutputError> {
        if self.has_file(&rec.source.file)? {
            return Err(super::OutputError::DuplicateInput { path: rec.source.file.clone().into() });
        }
        let ids = self.doc_ids(rec)?;
        let cx = RecordCx { rec, stem, ids: &ids, rules: self.rules };
        for t in TABLES {
            let Fill::Record(fill) = t.fill else { continue };
            let def = self.def(t.name);
            let mut err = None;
            let mut emit = |v: Vec<Value>| {
                if err.is_none() {
                    if let Err(e) = self.store.insert(def, &v) {
                        err = Some(e);
                    }
                }
            };
            if t.name == "memos" {
                fill(&cx, &mut |mut v: Vec<Value>| {
                    // The memo's document: the row's doc column.
                    let doc = match v.get(2) {
                        Some(Value::Integer(d)) => *d as usize,
                        _ => 0,
                    };
                    let sak = rec.documents.get(doc.wrapping_sub(1)).and_then(merge::memo_sak);
                    let (n, y, p) = match sak {
                        Some((n, y, p)) => (n.map_or(Value::Null, |n| Value::Integer(n.into())), y.map_or(Value::Null, |y| Value::Integer(y.into())), Value::Text(p)),
                        None => (Value::Null, Value::Null, Value::Null),
                    };
                    v.extend([n, y, p]);
                    emit(v)
                });
            } else {
                fill(&cx, &mut emit);
            }
            if let Some(e) = err {
                return Err(e.into());
            }
        }
        Ok(ids)
    }

    /// The text of each page of `file` (after its record).
    pub fn add_pages(&self, file: &str, pages: &[(u32, String)], ids: &[DocIds], rec: &FileRecord) -> store::Result<()> {
        let def = self.def("pages");
        for (page, text) in pages {
            let mut v = tables::page_values(file, *page, text);
            if let Some((i, _)) = rec.documents.iter().enumerate().find(|(_, d)| (d.page_start..=d.page_end).contains(page)) {
                v[2] = Value::Integer(i as i64 + 1);
                v[3] = ids.get(i).and_then(|d| d.meeting_id.clone()).map_or(Value::Null, Value::Text);
            }
            self.store.insert(def, &v)?;
        }
        Ok(())
    }

    /// Copy the page text of the files named in `files` (a table of this
    /// store with a `file` column, or a subquery) from the `pages` table of
    /// the database `db` (an earlier output's `motebok.sqlite`). Returns the
    /// number of pages copied. Call after those files' records are in.
    pub fn import_pages(&self, db: &Path, files: &str) -> store::Result<u64> {
        // Each imported page looks up its document by file: without an
        // index that is a scan of every document per page, quadratic in
        // the number of files (hours at 10^5). The merge builds the same
        // index later; here it is built first.
        self.store.index("documents", &["file", "page_start"])?;
        // ATTACH and DETACH are not allowed inside a transaction.
        self.store.commit()?;
        self.store.attach(db, "src")?;
        self.store.begin()?;
        let has_pages = self.store.count("SELECT count(*) FROM src.sqlite_schema WHERE type = 'table' AND name = 'pages'", &[]);
        let result = match has_pages {
            Ok(1) => self.store.execute(
                &format!(
                    "INSERT INTO pages (file, page, doc, meeting_id, text)
                     SELECT p.file, p.page,
                            (SELECT min(d.doc) FROM documents d WHERE d.file = p.file AND p.page BETWEEN d.page_start AND d.page_end),
                            NULL, p.text
                       FROM src.pages p WHERE p.file IN ({files})"
                ),
                &[],
            ),
            Ok(_) => Ok(0),
            Err(e) => Err(e),
        };
        // Detach whatever happened.
        self.store.commit()?;
        let detached = self.store.detach("src");
        self.store.begin()?;
        let n = result? as u64;
        detached?;
        self.store.execute(
            &format!(
                "UPDATE pages SET meeting_id = (SELECT d.meeting_id FROM documents d WHERE d.file = pages.file AND d.doc = pages.doc)
                  WHERE meeting_id IS NULL AND doc IS NOT NULL AND file IN ({files})"
            ),
            &[],
        )?;
        Ok(n)
    }

    /// Whether `file`'s record is in.
    pub fn has_file(&self, file: &str) -> store::Result<bool> {
        Ok(self.store.count("SELECT count(*) FROM files WHERE file = ?1", &[&file])? > 0)
    }

    /// Compute the merged tables (see the module docs).
    pub fn finish(&self, sink: &mut dyn MergeSink) -> store::Result<MergeCounts> {
        let s = &self.store;
        // Groups are read in key order by letting SQLite sort each pass's
        // rows (sequential reads and temporary files), not through indexes
        // on the keys: rows are stored in arrival order, and an index walk
        // would read them back in random order. Indexes serve the point
        // lookups below.
        for (t, cols) in [
            ("document_items", &["meeting_id", "kind"][..]),
            ("documents", &["file", "page_start"]),
        ] {
            s.index(t, cols)?;
        }
        self.resolve_memos(sink)?;
        let items = self.merge_items(sink)?;
        s.index("items", &["meeting_id"])?;
        let attendance = self.merge_attendance(sink)?;
        s.index("attendance", &["meeting_id"])?;
        let meetings = self.merge_meetings(sink)?;
        // Disagreements: numbered in order. The id is the rowid, and
        // SQLite checks a key row by row during an UPDATE: the ids are made
        // negative first, so that no new number meets an old one.
        s.batch(
            "UPDATE disagreements SET id = -id;
             CREATE TEMP TABLE _order (r INTEGER PRIMARY KEY, n INTEGER);
             INSERT INTO _order SELECT rowid, row_number() OVER (ORDER BY _sort) FROM disagreements;
             UPDATE disagreements SET id = (SELECT n FROM _order WHERE r = disagreements.rowid);
             DROP TABLE _order;",
        )?;
        // References: only to saks that are items.
        s.batch(r#"UPDATE "references" SET ref_item_id = NULL WHERE ref_item_id IS NOT NULL AND ref_item_id NOT IN (SELECT item_id FROM items)"#)?;
        for t in TABLES {
            if t.order_by == ["_sort"] {
                s.index(t.name, &["_sort"])?;
            }
        }
        let unplaced = s.count("SELECT count(*) FROM _unplaced", &[])?;
        s.each("SELECT file, doc, kind, reason FROM _unplaced ORDER BY file, doc", &[], |r| {
            let src = SourceRef { file: req_text(r, 0), doc: opt_int(r, 1).unwrap_or(0) as usize, kind: kind_of(&req_text(r, 2)) };
            sink.unplaced(&src, &req_text(r, 3));
            Ok(())
        })?;
        s.commit()?;
        Ok(MergeCounts { meetings, items, attendance, disagreements: s.count("SELECT count(*) FROM disagreements", &[])?, unplaced })
    }

    fn resolve_memos(&self, sink: &mut dyn MergeSink) -> store::Result<()> {
        let _ = sink;
        let s = &self.store;
        if s.count("SELECT count(*) FROM _memo_pending", &[])? == 0 {
            return Ok(());
        }
        // A point lookup per pending memo; dropped after, so that the item
        // pass sorts instead of walking it.
        s.batch("CREATE INDEX _di_item ON document_items (item_id)")?;
        let mut pending = Vec::new();
        // One memo at a time would hold a statement open while updating; the
        // pending memos are few (those whose header names no meeting), but
        // go through them in bounded chunks all the same.
        let mut after: (String, i64) = (String::new(), 0);
        loop {
            pending.clear();
            s.each(
                "SELECT file, doc, item_id FROM _memo_pending WHERE (file, doc) > (?1, ?2) ORDER BY file, doc LIMIT 1000",
                &[&after.0, &after.1],
                |r| {
                    pending.push((req_text(r, 0), opt_int(r, 1).unwrap_or(0), req_text(r, 2)));
                    Ok(())
                },
            )?;
            let Some(last) = pending.last() else { break };
            after = (last.0.clone(), last.1);
            for (file, doc, item) in &pending {
                let best = s.value(
                    &format!("SELECT meeting_id FROM document_items WHERE item_id = ?1 AND meeting_id IS NOT NULL ORDER BY {RANK_SQL}, file, doc LIMIT 1"),
                    &[item],
                )?;
                match best.as_ref().and_then(store::text) {
                    Some(meeting) => {
                        for t in ["memos", "documents", "references"] {
                            s.execute(&format!("UPDATE {} SET meeting_id = ?1 WHERE file = ?2 AND doc = ?3", store::quote(t)), &[&meeting, file, doc])?;
                        }
                        s.execute("UPDATE pages SET meeting_id = ?1 WHERE file = ?2 AND doc = ?3", &[&meeting, file, doc])?;
                    }
                    None => {
                        s.execute("UPDATE memos SET item_id = NULL WHERE file = ?1 AND doc = ?2", &[file, doc])?;
                        let src = SourceRef { file: file.clone(), doc: *doc as usize, kind: DocumentKind::CaseMemo };
                        self.add_unplaced(&src, "memo names no meeting, and its sak is on no agenda or minutes")?;
                    }
                }
            }
        }
        s.batch("DROP INDEX _di_item")
    }

    fn merge_items(&self, sink: &mut dyn MergeSink) -> store::Result<u64> {
        let s = &self.store;
        // Sorted by the sak, then by what each listing says: copies that say
        // the same come in a row and are taken as one weighted candidate.
        let sql = "SELECT x.item_id, x.meeting_id, mk.sort, mk.year, x.body, x.number, x.year, x.sak, x.title, x.type, x.time,
                          x.proposed_decision, x.decision, x.kind, x.file, x.doc, x.row
                     FROM (SELECT item_id, meeting_id, body, number, year, sak, title, type, time, proposed_decision, decision, kind, file, doc, row
                             FROM document_items WHERE item_id IS NOT NULL
                           UNION ALL
                           SELECT item_id, meeting_id, body, _number, _year, _sak, title, type, NULL, proposed_decision, NULL, 'case_memo', file, doc, 0
                             FROM memos WHERE item_id IS NOT NULL AND meeting_id IS NOT NULL) x
                     JOIN _meeting_keys mk ON mk.meeting_id = +x.meeting_id
                    ORDER BY 1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17";
        let (items_def, sources_def, dis_def) = (self.def("items"), self.def("item_sources"), self.def("disagreements"));
        let mut group: Vec<Weighted<ItemSource>> = Vec::new();
        let mut current = String::new();
        let mut n = 0;
        let mut flush = |id: &str, group: &mut Vec<Weighted<ItemSource>>, sink: &mut dyn MergeSink| -> store::Result<()> {
            if let Some((mut item, dis)) = merge::merge_item(id, group) {
                item.documents = s.count("SELECT count(*) FROM (SELECT DISTINCT file, doc FROM item_sources WHERE item_id = ?1)", &[&item.id])? as usize;
                s.insert(items_def, &tables::item_values(&item))?;
                // Its listings were written as they came; now they sort with it.
                s.execute(
                    "UPDATE item_sources SET _sort = ?1 || char(31) || file || char(31) || printf('%010d', doc) || char(31) || printf('%010d', row)
                      WHERE item_id = ?2",
                    &[&item.sort, &item.id],
                )?;
                // Item disagreements sort within their meeting, after its own fields.
                let meeting_sort = group.iter().find(|c| c.cand.meeting_id == item.meeting_id).map_or("", |c| c.cand.meeting_sort.as_str());
                write_disagreements(s, dis_def, &dis, &format!("{meeting_sort}\u{1f}1\u{1f}{}", item.sort), sink)?;
                n += 1;
            }
            group.clear();
            Ok(())
        };
        s.each(sql, &[], |r| {
            let id = req_text(r, 0);
            if id != current && !group.is_empty() {
                flush(&current, &mut group, sink)?;
            }
            current = id;
            let kind = kind_of(&req_text(r, 13));
            let src = SourceRef { file: req_text(r, 14), doc: opt_int(r, 15).unwrap_or(0) as usize, kind };
            let row = opt_int(r, 16).unwrap_or(0) as usize;
            let c = ItemSource {
                meeting_id: req_text(r, 1),
                meeting_sort: req_text(r, 2),
                meeting_year: opt_int(r, 3).unwrap_or(0) as i32,
                body: req_text(r, 4),
                number: opt_int(r, 5).and_then(|v| u32::try_from(v).ok()),
                year: opt_int(r, 6).and_then(|v| i32::try_from(v).ok()),
                printed: req_text(r, 7),
                title: opt_text(r, 8),
                sak_type: opt_text(r, 9),
                time: opt_text(r, 10),
                proposed_decision: opt_text(r, 11),
                decision: opt_text(r, 12),
            };
            s.insert(sources_def, &tables::item_source_values(&current, "", &src, row, &c.printed))?;
            merge::add_sorted(&mut group, c, src);
            Ok(())
        })?;
        if !group.is_empty() {
            flush(&current, &mut group, sink)?;
        }
        Ok(n)
    }

    fn merge_attendance(&self, sink: &mut dyn MergeSink) -> store::Result<u64> {
        let s = &self.store;
        let sql = "SELECT p.meeting_id, p._key, mk.sort, p.name, p.organisation, p.organisation_canonical, p.role,
                          p.function, p.attendance, p.note, p.substitute_for, p.kind, p.file, p.doc
                     FROM participants p JOIN _meeting_keys mk ON mk.meeting_id = +p.meeting_id
                    ORDER BY +p.meeting_id, +p._key, p.name, p.organisation, p.organisation_canonical, p.role, p.function,
                             p.attendance, p.note, p.substitute_for, p.kind, p.file, p.doc, p.row";
        let (att_def, dis_def) = (self.def("attendance"), self.def("disagreements"));
        let mut group: Vec<Weighted<PersonSource>> = Vec::new();
        let mut current = (String::new(), String::new(), String::new());
        let mut n = 0;
        let mut flush = |key: &(String, String, String), group: &mut Vec<Weighted<PersonSource>>, sink: &mut dyn MergeSink| -> store::Result<()> {
            if let Some((a, dis)) = merge::merge_person(&key.0, group) {
                write_attendee(s, att_def, dis_def, &a, &key.2, &dis, sink)?;
                n += 1;
            }
            group.clear();
            Ok(())
        };
        s.each(sql, &[], |r| {
            let key = (req_text(r, 0), req_text(r, 1), req_text(r, 2));
            if (key.0 != current.0 || key.1 != current.1) && !group.is_empty() {
                flush(&current, &mut group, sink)?;
            }
            current = key;
            let kind = kind_of(&req_text(r, 11));
            let src = SourceRef { file: req_text(r, 12), doc: opt_int(r, 13).unwrap_or(0) as usize, kind };
            let c = PersonSource {
                name: req_text(r, 3),
                organisation: opt_text(r, 4),
                organisation_canonical: opt_text(r, 5),
                role: opt_text(r, 6),
                function: opt_text(r, 7),
                attendance: opt_text(r, 8),
                note: opt_text(r, 9),
                substitute_for: opt_text(r, 10),
            };
            merge::add_sorted(&mut group, c, src);
            Ok(())
        })?;
        if !group.is_empty() {
            flush(&current, &mut group, sink)?;
        }
        Ok(n)
    }

    fn merge_meetings(&self, sink: &mut dyn MergeSink) -> store::Result<u64> {
        let s = &self.store;
        let sql = "SELECT x.meeting_id, x.stated, x.label, x.extraordinary, x.date, x.start_time, x.end_time, x.location, x.title,
                          x.kind, x.file, x.doc, mk.body, mk.year, mk.number, mk.date, mk.sort
                     FROM (SELECT meeting_id, file, doc, kind, 1 AS stated, meeting_label AS label, extraordinary, date, start_time, end_time, location, title
                             FROM document_meetings WHERE meeting_id IS NOT NULL
                           UNION ALL
                           SELECT meeting_id, file, doc, 'case_memo', 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
                             FROM memos WHERE meeting_id IS NOT NULL) x
                     JOIN _meeting_keys mk ON mk.meeting_id = +x.meeting_id
                    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12";
        let sources_def = self.def("meeting_sources");
        let mut group: Vec<Weighted<MeetingSource>> = Vec::new();
        let mut current: Option<(String, MeetingKey)> = None;
        let mut n = 0;
        let mut flush = |cur: &(String, MeetingKey), group: &mut Vec<Weighted<MeetingSource>>, sink: &mut dyn MergeSink| -> store::Result<()> {
            let (mut m, dis) = merge::merge_meeting(cur.1.clone(), group);
            m.items = s.count("SELECT count(*) FROM items WHERE meeting_id = ?1", &[&m.id])? as usize;
            m.participants = s.count("SELECT count(*) FROM attendance WHERE meeting_id = ?1", &[&m.id])? as usize;
            self.write_meeting(&m, &dis, sink)?;
            n += 1;
            group.clear();
            Ok(())
        };
        s.each(sql, &[], |r| {
            let id = req_text(r, 0);
            if current.as_ref().is_some_and(|c| c.0 != id) && !group.is_empty() {
                if let Some(cur) = &current {
                    flush(cur, &mut group, sink)?;
                }
            }
            if current.as_ref().is_none_or(|c| c.0 != id) {
                let key = MeetingKey {
                    body: req_text(r, 12),
                    year: opt_int(r, 13).unwrap_or(0) as i32,
                    number: opt_int(r, 14).and_then(|v| u32::try_from(v).ok()),
                    date: opt_text(r, 15),
                };
                current = Some((id, key));
            }
            let kind = kind_of(&req_text(r, 9));
            let src = SourceRef { file: req_text(r, 10), doc: opt_int(r, 11).unwrap_or(0) as usize, kind };
            if let Some((id, _)) = &current {
                s.insert(sources_def, &tables::meeting_source_values(id, &req_text(r, 16), &src))?;
            }
            let stated = (opt_int(r, 1) == Some(1)).then(|| Stated {
                label: opt_text(r, 2),
                extraordinary: opt_int(r, 3).map(|e| e != 0),
                date: opt_text(r, 4),
                start_time: opt_text(r, 5),
                end_time: opt_text(r, 6),
                location: opt_text(r, 7),
                title: opt_text(r, 8),
            });
            merge::add_sorted(&mut group, stated, src);
            Ok(())
        })?;
        if let Some(cur) = &current {
            if !group.is_empty() {
                flush(cur, &mut group, sink)?;
            }
        }
        Ok(n)
    }

    fn write_meeting(&self, m: &MergedMeeting, dis: &[Disagreement], sink: &mut dyn MergeSink) -> store::Result<()> {
        let s = &self.store;
        let sort = m.key.sort_key();
        s.insert(self.def("meetings"), &tables::meeting_values(m))?;
        write_disagreements(s, self.def("disagreements"), dis, &format!("{sort}\u{1f}0"), sink)?;
        if m.has_agenda && m.has_minutes {
            // Each sak once per kind: the first document listing it.
            let (mut agenda, mut minutes): (Vec<ListedSak>, Vec<ListedSak>) = (Vec::new(), Vec::new());
            s.each(
                "SELECT kind, item_id, sak, file, doc, page FROM document_items
                  WHERE meeting_id = ?1 AND kind IN ('agenda', 'minutes') AND item_id IS NOT NULL ORDER BY kind, item_id, file, doc, row",
                &[&m.id],
                |r| {
                    let kind = kind_of(&req_text(r, 0));
                    let list = if kind == DocumentKind::Agenda { &mut agenda } else { &mut minutes };
                    let item_id = req_text(r, 1);
                    if list.last().is_some_and(|l| l.item_id == item_id) {
                        return Ok(());
                    }
                    list.push(ListedSak {
                        item_id,
                        sak: req_text(r, 2),
                        src: SourceRef { file: req_text(r, 3), doc: opt_int(r, 4).unwrap_or(0) as usize, kind },
                        page: opt_int(r, 5).and_then(|p| u32::try_from(p).ok()),
                    });
                    Ok(())
                },
            )?;
            sink.agenda_and_minutes(m, &agenda, &minutes);
        }
        Ok(())
    }
}

fn write_attendee(s: &Store, att: &TableDef, dis_def: &TableDef, a: &Attendee, meeting_sort: &str, dis: &[Disagreement], sink: &mut dyn MergeSink) -> store::Result<()> {
    s.insert(att, &tables::attendance_values(a, meeting_sort))?;
    write_disagreements(s, dis_def, dis, &format!("{meeting_sort}\u{1f}2\u{1f}{}", merge::person_key(&a.name)), sink)
}

fn write_disagreements(s: &Store, def: &TableDef, dis: &[Disagreement], sort: &str, sink: &mut dyn MergeSink) -> store::Result<()> {
    for d in dis {
        for row in tables::disagreement_values(d, sort) {
            s.insert(def, &row)?;
        }
        sink.disagreement(d);
    }
    Ok(())
}

impl From<StoreError> for super::OutputError {
    /// A full disk is said as the file system says it ("No space left on
    /// device"), whoever met it.
    fn from(e: StoreError) -> Self {
        match &e.source {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DiskFull => {
                super::OutputError::Io { path: e.path, source: std::io::Error::from_raw_os_error(libc::ENOSPC) }
            }
            _ => super::OutputError::Sqlite { path: e.path, source: e.source },
        }
    }
}
