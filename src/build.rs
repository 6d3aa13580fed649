//! From records to an output directory, in bounded memory (issue 12).
//!
//! The one place that orders what happens after extraction, for both
//! `motebok extract` ([`crate::pipeline::run`] hands each record to a
//! [`Writer`] as it is produced) and `motebok merge` ([`merge_outputs`]
//! reads the records of shard outputs):
//!
//! 1. each record → its per-file JSON in the staging dir, its rows in the
//!    run's store ([`crate::output::Datasets`]), its findings
//!    ([`crate::report::Findings`]), its page text;
//! 2. [`finish`]: the merge (streamed over the store), then `csv/`,
//!    `datapackage.json`, `motebok.sqlite`, `metadata.json`, `report.md`,
//!    `report.json`, `manifest.json`, `changes.json`, each written by a
//!    sorted query; the store is deleted and the staging dir swapped in.
//!
//! Every output byte depends only on the set of records (and page texts),
//! never on the order they arrived in or on how they were split into
//! shards: a merge of shard outputs equals a single run over all inputs,
//! byte for byte.

use std::path::{Path, PathBuf};

use crate::model::FileRecord;
use crate::output::{self, json, Datasets, OutputError, Staging};
use crate::refresh::{self, Changes, Previous, Reason, Settings};
use crate::report::{self, Findings, Report};
use crate::rules::Rules;
use crate::store::{self, Store};

/// What a completed build wrote, in numbers.
#[derive(Debug, Clone)]
pub struct Built {
    pub report: Report,
    pub changes: Changes,
    /// What could not be cleaned up after the new output was in place.
    pub warnings: Vec<String>,
}

fn report_err(path: PathBuf) -> impl FnOnce(report::ReportError) -> OutputError {
    move |e| match e {
        report::ReportError::Store(e) => e.into(),
        report::ReportError::Io(source) => OutputError::Io { path, source },
        report::ReportError::Json(source) => OutputError::Json { path, source },
    }
}

fn refresh_err(path: PathBuf) -> impl FnOnce(refresh::RefreshError) -> OutputError {
    move |e| match e {
        refresh::RefreshError::Store(e) => e.into(),
        refresh::RefreshError::Io(source) => OutputError::Io { path, source },
        refresh::RefreshError::Json(source) => OutputError::Json { path, source },
    }
}

/// Where the page text of a record comes from.
pub enum Pages {
    /// Read on this run.
    Text(Vec<(u32, String)>),
    /// In the `pages` table of an earlier output's database, numbered
    /// among the sources given to [`Writer::import_pages`].
    From(u32),
}

/// Takes records one at a time into the staging dir and the store.
pub struct Writer<'a, 's, 'r> {
    pub stage: &'a mut Staging,
    pub ds: &'s Datasets<'r>,
    pub findings: &'a mut Findings<'s>,
}

impl Writer<'_, '_, '_> {
    /// Add one record: its JSON (linked from `link` when given: a file with
    /// exactly the bytes it would be written as), rows, findings and page
    /// text. `decoded` is recorded for `changes.json`: `Some(Some(why))`
    /// decoded on this run, `Some(None)` reused, `None` nothing to record
    /// (a merge takes the shards' own account).
    pub fn add(&mut self, rec: &FileRecord, stem: &str, pages: Pages, link: Option<&Path>, decoded: Option<Option<Reason>>) -> Result<(), OutputError> {
        crate::timing::time(crate::timing::Stage::Store, || self.add_timed(rec, stem, pages, link, decoded))
    }

    fn add_timed(&mut self, rec: &FileRecord, stem: &str, pages: Pages, link: Option<&Path>, decoded: Option<Option<Reason>>) -> Result<(), OutputError> {
        let ids = self.ds.add_record(rec, stem)?;
        match link {
            Some(from) => self.stage.link(json::rel_path(stem), from)?,
            None => json::write_record(self.stage, stem, rec)?,
        }
        let meetings: Vec<Option<String>> = ids.iter().map(|d| d.meeting_id.clone()).collect();
        self.findings.add_record(rec, &meetings)?;
        match pages {
            Pages::Text(p) => self.ds.add_pages(&rec.source.file, &p, &ids, rec)?,
            Pages::From(source) => {
                self.ds.store().execute("INSERT INTO _import VALUES (?1, ?2)", &[&rec.source.file, &source])?;
            }
        }
        if let Some(reason) = decoded {
            refresh::record_extraction(self.ds.store(), &rec.source.file, reason)?;
        }
        Ok(())
    }
}

/// Tables of the store for the build itself.
pub fn create_tables(store: &Store) -> store::Result<()> {
    store.batch("CREATE TABLE _import (file TEXT PRIMARY KEY, source INTEGER)")
}

/// Copy the page text of the records marked `Pages::From(source)` from
/// `db` (that output's `motebok.sqlite`).
pub fn import_pages(ds: &Datasets<'_>, db: &Path, source: u32) -> Result<u64, OutputError> {
    Ok(ds.import_pages(db, &format!("SELECT file FROM _import WHERE source = {source}"))?)
}

/// Everything after the records are in: merge, write every file, swap in.
/// `old` is the output being replaced (for `changes.json`), whose manifest
/// is in the store when `previous.exists`.
pub fn finish(mut stage: Staging, ds: &Datasets<'_>, mut findings: Findings<'_>, settings: &Settings, previous: &Previous<'_>, old: &Path) -> Result<Built, OutputError> {
    use crate::timing::{time, Stage};
    time(Stage::Merge, || ds.finish(&mut findings))?;
    findings.finish()?;
    let store = ds.store();
    time(Stage::Csv, || output::write_datasets(&mut stage, store))?;
    time(Stage::Sqlite, || output::sqlite::write(&mut stage, store))?;
    let t_report = std::time::Instant::now();
    let totals = report::totals(store)?;
    for (rel, json_format) in [(report::REPORT_MD, false), (report::REPORT_JSON, true)] {
        let mut f = stage.create(rel)?;
        let path = f.path().to_path_buf();
        let r = if json_format { report::write_json(store, &totals, &mut f) } else { report::write_markdown(store, &totals, &mut f) };
        r.map_err(report_err(path))?;
        f.finish()?;
    }
    let mut f = stage.create(refresh::MANIFEST)?;
    let path = f.path().to_path_buf();
    refresh::write_manifest(store, settings, &mut f).map_err(refresh_err(path))?;
    f.finish()?;
    let mut f = stage.create(refresh::CHANGES)?;
    let path = f.path().to_path_buf();
    let changes = refresh::write_changes(store, old, stage.root(), previous.exists, &mut f).map_err(refresh_err(path))?;
    f.finish()?;
    if crate::timing::enabled() {
        crate::timing::add(Stage::Report, t_report.elapsed().as_nanos() as u64);
    }
    // The store is unlinked (its connection closes with `ds`, later).
    output::remove_store(&stage)?;
    let warnings = stage.commit()?;
    Ok(Built { report: Report { motebok_version: env!("CARGO_PKG_VERSION").to_string(), totals }, changes, warnings })
}

/// Every file an output holds besides the per-file JSON.
pub fn output_files() -> Vec<String> {
    let mut files: Vec<String> = [
        output::atomic::MARKER,
        output::sqlite::DB,
        output::sqlite::METADATA,
        report::REPORT_MD,
        report::REPORT_JSON,
        refresh::MANIFEST,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    files.extend(output::tables::TABLES.iter().filter(|t| t.csv).map(|t| t.path()));
    files
}

/// What `motebok merge` is asked to do.
#[derive(Debug, Clone)]
pub struct MergeOptions {
    /// Output directories of `motebok extract … --shard I/N` runs.
    pub shards: Vec<PathBuf>,
    pub out: PathBuf,
    /// The rules the shards were made with (their organisation aliases
    /// shape the datasets; the fingerprint must match the shards').
    pub rules_dir: Option<PathBuf>,
}

/// What a merge did.
#[derive(Debug, Clone)]
pub struct MergeOutcome {
    pub files: u64,
    pub built: Built,
}

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("rules: {0}")]
    Rules(#[from] crate::rules::RulesError),
    #[error("{}: {reason}", path.display())]
    Shard { path: PathBuf, reason: String },
    #[error("output: {0}")]
    Output(#[from] OutputError),
}

impl From<store::StoreError> for MergeError {
    fn from(e: store::StoreError) -> Self {
        MergeError::Output(e.into())
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// `motebok merge`: combine the outputs of shard runs into one output,
/// byte-identical to a single run over all their inputs (see the module
/// docs). The shards are read, never changed.
pub fn merge_outputs(opts: &MergeOptions) -> Result<MergeOutcome, MergeError> {
    let rules = Rules::load(opts.rules_dir.as_deref())?;
    for s in &opts.shards {
        if same_dir(s, &opts.out) {
            return Err(MergeError::Shard { path: s.clone(), reason: "is also the --out directory".into() });
        }
        if !s.join(refresh::MANIFEST).is_file() || !s.join(output::atomic::MARKER).is_file() {
            return Err(MergeError::Shard { path: s.clone(), reason: "not a motebok output (no manifest.json / datapackage.json)".into() });
        }
    }
    let mut stage = Staging::begin(&opts.out)?;
    let ds = Datasets::create(Some(&stage.path(output::STORE)), &rules)?;
    let store = ds.store();
    create_tables(store)?;
    let previous = Previous::load(store, &opts.out)?;
    store.batch("CREATE TABLE _inputs (file TEXT PRIMARY KEY, shard INTEGER, json TEXT, sha256 TEXT, bytes INTEGER)")?;
    let mut settings: Option<Settings> = None;
    for (k, shard) in opts.shards.iter().enumerate() {
        let mut problem: Option<String> = None;
        let mut err: Option<store::StoreError> = None;
        let read = refresh::read_manifest(shard, &mut |e| {
            if problem.is_some() || err.is_some() {
                return;
            }
            let s = Settings { motebok_version: e.motebok_version.clone(), rules_fingerprint: e.rules_fingerprint.clone(), options: e.options.clone() };
            match &settings {
                None => settings = Some(s),
                Some(first) if *first != s => {
                    problem = Some(format!("{} was extracted with other settings than the first shard's (version, rules or options)", e.file));
                    return;
                }
                Some(_) => {}
            }
            let r = store.execute(
                "INSERT INTO _inputs VALUES (?1, ?2, ?3, ?4, ?5)",
                &[&e.file, &(k as i64), &e.json, &e.sha256, &(e.bytes.min(i64::MAX as u64) as i64)],
            );
            match r {
                Ok(_) => {}
                Err(e2) if matches!(e2.source, rusqlite::Error::SqliteFailure(ref f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation) => {
                    problem = Some(format!("{} is in two shards", e.file));
                }
                Err(e2) => err = Some(e2),
            }
        });
        if let Some(e) = err {
            return Err(e.into());
        }
        if read.is_none() {
            return Err(MergeError::Shard { path: shard.clone(), reason: "manifest.json cannot be read".into() });
        }
        if let Some(reason) = problem {
            return Err(MergeError::Shard { path: shard.clone(), reason });
        }
        refresh::import_extraction(store, shard).map_err(|e| MergeError::Shard { path: shard.clone(), reason: format!("changes.json: {e}") })?;
    }
    let settings = match settings {
        Some(s) => s,
        None => Settings::new(&rules.fingerprint, String::new()),
    };
    if settings.rules_fingerprint != rules.fingerprint {
        return Err(MergeError::Shard {
            path: opts.shards.first().cloned().unwrap_or_default(),
            reason: "the shards were made with other rules than these: pass the --rules they were extracted with".into(),
        });
    }
    // Stems over all inputs, as a single run would give them.
    let mut names: Vec<(String, usize, String, String, u64)> = Vec::new();
    store.each("SELECT file, shard, json, sha256, bytes FROM _inputs ORDER BY file", &[], |r| {
        names.push((store::req_text(r, 0), store::opt_int(r, 1).unwrap_or(0) as usize, store::req_text(r, 2), store::req_text(r, 3), store::opt_int(r, 4).unwrap_or(0) as u64));
        Ok(())
    })?;
    let files: Vec<&str> = names.iter().map(|n| n.0.as_str()).collect();
    let stems = output::stems::assign_stems(&files);
    let mut findings = Findings::new(store)?;
    {
        let mut w = Writer { stage: &mut stage, ds: &ds, findings: &mut findings };
        for ((file, shard, json_rel, sha, bytes), stem) in names.iter().zip(&stems) {
            let dir = &opts.shards[*shard];
            let Some((rec, link)) = refresh::reuse(dir, json_rel, file, sha, *bytes) else {
                return Err(MergeError::Shard { path: dir.join(json_rel), reason: format!("not the record of {file} named in the manifest") });
            };
            w.add(&rec, stem, Pages::From(*shard as u32), link.as_deref(), None)?;
        }
    }
    for (k, shard) in opts.shards.iter().enumerate() {
        import_pages(&ds, &shard.join(output::sqlite::DB), k as u32)?;
    }
    let built = finish(stage, &ds, findings, &settings, &previous, &opts.out)?;
    Ok(MergeOutcome { files: names.len() as u64, built })
}
