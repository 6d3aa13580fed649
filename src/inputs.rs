//! Stage 0: what a batch is made of. The paths given on the command line
//! become [`Input`]s, each with the key it has in the datasets (the `file`
//! column), found without opening anything that could block.
//!
//! # Keys
//!
//! A key is the path *relative to an input root*, `/`-separated, each name
//! escaped by [`crate::util::escape_name`] (invalid UTF-8, control
//! characters and `%` as `%XX`), never absolute:
//!
//! * a directory given is its own root, and its name leads its files' keys:
//!   `fixtures`, `./fixtures/` and `/home/me/motebok/fixtures` all key
//!   `fixtures/002.pdf` (a root without a name, `/`, leads with nothing);
//! * a file given is keyed by its path from the current directory when it
//!   is inside it (`fixtures/002.pdf`, `./fixtures/002.pdf` and its
//!   absolute path all key `fixtures/002.pdf`: the key a walk of
//!   `fixtures` gives it), else by its name (`../x/002.pdf` → `002.pdf`);
//! * with `--root DIR`, every input is keyed by its path under `DIR`
//!   (an input outside `DIR` is an error).
//!
//! So the same folder gives the same keys whichever way it was typed and
//! wherever the command runs from, and nothing of the user's machine leaks
//! into the data. Two different files with one key (two folders both named
//! `in`) stop the run before any decoding: give `--root`.
//!
//! # What is read
//!
//! Directories are walked recursively for `*.pdf` (any case), following
//! symbolic links; a directory already on the walk (same device and inode:
//! a symlink loop such as `ln -s .. in/s/u`, or a second link to it) is
//! walked once. A file reached by two paths (given twice, a symlink, a hard
//! link) is read once, under the first of its keys in sorted order.
//!
//! Inputs that cannot be read become failed rows, with the reason, instead
//! of stopping (or hanging) the batch: special files (FIFO, device, socket;
//! detected with `stat`, which never blocks), files over `--max-file-size`,
//! dangling links, and subdirectories that cannot be listed. A root that
//! does not exist or cannot be listed is an error ([`InputError`]): the
//! previous output must not be replaced by a batch that lost its inputs.
//!
//! # Provenance: `sources.csv`
//!
//! An optional `sources.csv` in a directory given (or in `--root`, or in
//! the folder of a file given) says where its PDFs came from: columns
//! `file` (path relative to that folder, `/`-separated), and any of `url`,
//! `retrieved` (ISO date, `YYYY-MM-DD` or a full timestamp), `publisher`
//! and `license` (an id such as `NLOD-2.0`, or a URL). Matching inputs
//! carry it as [`Origin`]. A malformed file stops the run (exit 2) with
//! its line; rows naming no input are a warning.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Component, Path, PathBuf};

use crate::model::Origin;
use crate::util::{escape_name, special_kind};

/// The name of the provenance file in an input folder.
pub const SOURCES_CSV: &str = "sources.csv";

/// One file of the batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// Where to read it.
    pub path: PathBuf,
    /// Its key in the datasets (see the module docs).
    pub key: String,
    /// Why it is not read at all; it becomes a failed row with this reason.
    pub rejected: Option<String>,
    /// Where it came from, from `sources.csv`.
    pub origin: Option<Origin>,
}

/// How inputs are found.
#[derive(Debug, Clone)]
pub struct InputOptions {
    /// Key every input relative to this directory.
    pub root: Option<PathBuf>,
    /// Larger files are rejected (failed rows) unread.
    pub max_file_size: u64,
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions { root: None, max_file_size: 2 << 30 }
    }
}

/// The inputs of a batch, sorted by key, and notes for the operator.
#[derive(Debug, Default)]
pub struct Inputs {
    pub files: Vec<Input>,
    pub warnings: Vec<String>,
}

/// Why the inputs could not be listed. The run stops before decoding.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{}: no such file or directory", .0.display())]
    Missing(PathBuf),
    #[error("{}: cannot read: {source}", path.display())]
    Unreadable { path: PathBuf, source: std::io::Error },
    #[error("{}: not under --root {}", path.display(), root.display())]
    OutsideRoot { path: PathBuf, root: PathBuf },
    #[error("two different files have the key {key:?}: {} and {} (give --root DIR to key inputs by their path under DIR)", a.display(), b.display())]
    KeyClash { key: String, a: PathBuf, b: PathBuf },
    #[error("{}:{line}: {message}", path.display())]
    Sources { path: PathBuf, line: u64, message: String },
}

/// List the inputs under `paths` (see the module docs).
pub fn collect(paths: &[PathBuf], opts: &InputOptions) -> Result<Inputs, InputError> {
    let root = match &opts.root {
        Some(r) => Some(absolute(r).map_err(|source| InputError::Unreadable { path: r.clone(), source })?),
        None => None,
    };
    let cwd = absolute(Path::new(".")).ok();
    let mut found: Vec<Found> = Vec::new();
    let mut inputs = Inputs::default();
    // sources.csv files to read: (folder, key prefix of that folder).
    let mut source_dirs: BTreeSet<(PathBuf, String)> = BTreeSet::new();
    if let Some(given) = &opts.root {
        source_dirs.insert((given.clone(), String::new()));
    }
    for p in paths {
        // stat follows links and never opens the file: a FIFO does not block.
        let meta = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(InputError::Missing(p.clone())),
            Err(source) => return Err(InputError::Unreadable { path: p.clone(), source }),
        };
        let abs = absolute(p).map_err(|source| InputError::Unreadable { path: p.clone(), source })?;
        let prefix = match &root {
            Some(r) => match abs.strip_prefix(r) {
                Ok(rel) => key_of(rel),
                Err(_) => return Err(InputError::OutsideRoot { path: p.clone(), root: r.clone() }),
            },
            // A file inside the current directory: its path from there.
            None if !meta.is_dir() && cwd.as_ref().is_some_and(|c| abs.starts_with(c) && abs != *c) => {
                key_of(abs.strip_prefix(cwd.as_ref().unwrap_or(&abs)).unwrap_or(&abs))
            }
            None => abs.file_name().map(escape_name).unwrap_or_default(),
        };
        if meta.is_dir() {
            if root.is_none() {
                source_dirs.insert((p.clone(), prefix.clone()));
            }
            // The root itself must be listable.
            let entries = std::fs::read_dir(p).map_err(|source| InputError::Unreadable { path: p.clone(), source })?;
            let mut on_walk = HashSet::new();
            on_walk.insert(dir_id(&meta));
            walk(p, &prefix, entries, opts, &mut on_walk, &mut found, &mut inputs.warnings);
        } else {
            if root.is_none() {
                let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
                source_dirs.insert((dir, String::new()));
            }
            found.push(Found::of_file(p.clone(), prefix, &meta, opts));
        }
    }
    found.sort_by(|a, b| a.input.key.cmp(&b.input.key));
    // One row per file. A file reached twice keeps the key of a folder walk
    // over that of a file given by name, else the first in sorted order.
    let mut best: BTreeMap<(u64, u64), (bool, &str)> = BTreeMap::new();
    for f in &found {
        if let Some(id) = f.id {
            let cand = (!f.from_dir, f.input.key.as_str());
            best.entry(id).and_modify(|b| *b = (*b).min(cand)).or_insert(cand);
        }
    }
    let best: BTreeMap<(u64, u64), String> = best.into_iter().map(|(id, (_, k))| (id, k.to_string())).collect();
    let mut seen: BTreeSet<(u64, u64)> = BTreeSet::new();
    let mut last: Option<&Found> = None;
    let mut keep = Vec::with_capacity(found.len());
    for f in &found {
        if let Some(prev) = last {
            if prev.input.key == f.input.key {
                if prev.id.is_some() && prev.id == f.id {
                    continue;
                }
                return Err(InputError::KeyClash { key: f.input.key.clone(), a: prev.input.path.clone(), b: f.input.path.clone() });
            }
        }
        last = Some(f);
        if let Some(id) = f.id {
            if best[&id] != f.input.key {
                inputs.warnings.push(format!("{} is the same file as {}; read once", f.input.key, best[&id]));
                continue;
            }
            if !seen.insert(id) {
                continue;
            }
        }
        keep.push(f.input.clone());
    }
    inputs.files = keep;
    let mut origins: BTreeMap<String, Origin> = BTreeMap::new();
    for (dir, prefix) in &source_dirs {
        let csv = dir.join(SOURCES_CSV);
        if std::fs::metadata(&csv).is_ok_and(|m| m.is_file()) {
            for (file, origin) in read_sources(&csv)? {
                let key = if prefix.is_empty() { file } else { format!("{prefix}/{file}") };
                origins.insert(key, origin);
            }
        }
    }
    let mut used = 0;
    for input in &mut inputs.files {
        if let Some(o) = origins.get(&input.key) {
            input.origin = Some(o.clone());
            used += 1;
        }
    }
    if origins.len() > used {
        let keys: BTreeSet<&str> = inputs.files.iter().map(|i| i.key.as_str()).collect();
        let first = origins.keys().find(|k| !keys.contains(k.as_str())).cloned().unwrap_or_default();
        inputs.warnings.push(format!("{SOURCES_CSV}: {} rows name no input (first: {first})", origins.len() - used));
    }
    Ok(inputs)
}

/// An input with the identity of its file (device, inode) when known.
struct Found {
    input: Input,
    id: Option<(u64, u64)>,
    /// Found by walking a folder (not given by name).
    from_dir: bool,
}

impl Found {
    fn of_file(path: PathBuf, key: String, meta: &std::fs::Metadata, opts: &InputOptions) -> Found {
        let rejected = if let Some(kind) = special_kind(meta.file_type()) {
            Some(format!("not a regular file ({kind})"))
        } else if meta.len() > opts.max_file_size {
            Some(format!(
                "larger than --max-file-size ({}): {} bytes",
                crate::worker::human_size(opts.max_file_size),
                meta.len()
            ))
        } else {
            None
        };
        Found { input: Input { path, key, rejected, origin: None }, id: Some(file_id(meta)), from_dir: false }
    }

    fn failed(path: PathBuf, key: String, why: String) -> Found {
        Found { input: Input { path, key, rejected: Some(why), origin: None }, id: None, from_dir: true }
    }
}

fn walk(
    dir: &Path,
    prefix: &str,
    entries: std::fs::ReadDir,
    opts: &InputOptions,
    on_walk: &mut HashSet<(u64, u64)>,
    found: &mut Vec<Found>,
    warnings: &mut Vec<String>,
) {
    let join = |name: &std::ffi::OsStr| {
        let n = escape_name(name);
        if prefix.is_empty() {
            n
        } else {
            format!("{prefix}/{n}")
        }
    };
    let mut names = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) => names.push(e.file_name()),
            Err(e) => {
                found.push(Found::failed(dir.to_path_buf(), prefix.to_string(), format!("cannot list folder: {e}")));
                return;
            }
        }
    }
    names.sort();
    for name in names {
        let path = dir.join(&name);
        let key = join(&name);
        let is_pdf = Path::new(&name).extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                if is_pdf {
                    let why = match std::fs::symlink_metadata(&path) {
                        Ok(l) if l.file_type().is_symlink() => format!("broken symbolic link: {e}"),
                        _ => format!("cannot read file: {e}"),
                    };
                    found.push(Found::failed(path, key, why));
                } else {
                    warnings.push(format!("{key}: skipped: {e}"));
                }
                continue;
            }
        };
        if meta.is_dir() {
            let id = dir_id(&meta);
            if !on_walk.insert(id) {
                warnings.push(format!("{key}: a folder already read (symbolic link loop?); not read again"));
                continue;
            }
            match std::fs::read_dir(&path) {
                Ok(sub) => walk(&path, &key, sub, opts, on_walk, found, warnings),
                Err(e) => found.push(Found::failed(path, key, format!("cannot list folder: {e}"))),
            }
        } else if is_pdf {
            found.push(Found { from_dir: true, ..Found::of_file(path, key, &meta, opts) });
        }
    }
}

#[cfg(unix)]
fn file_id(m: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

#[cfg(not(unix))]
fn file_id(m: &std::fs::Metadata) -> (u64, u64) {
    (0, m.len())
}

fn dir_id(m: &std::fs::Metadata) -> (u64, u64) {
    file_id(m)
}

/// `p` made absolute and rid of `.` and `..`, lexically (symbolic links
/// are kept: the key follows the path as typed).
fn absolute(p: &Path) -> std::io::Result<PathBuf> {
    let abs = std::path::absolute(p)?;
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    Ok(out)
}

/// A relative path as a key: escaped names joined by `/`.
fn key_of(rel: &Path) -> String {
    rel.components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(escape_name(n)),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// `sources.csv` → (file, origin) rows.
fn read_sources(path: &Path) -> Result<Vec<(String, Origin)>, InputError> {
    let err = |line: u64, message: String| InputError::Sources { path: path.to_path_buf(), line, message };
    let bytes = crate::util::read_input(path, 64 << 20).map_err(|e| err(0, e.to_string()))?;
    let mut rdr = csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::All).from_reader(&bytes[..]);
    let header: Vec<String> = rdr.headers().map_err(|e| err(1, e.to_string()))?.iter().map(|h| h.to_lowercase()).collect();
    let col = |n: &str| header.iter().position(|h| h == n);
    let Some(file) = col("file") else {
        return Err(err(1, "no `file` column (expected file, url, retrieved, publisher, license)".into()));
    };
    for h in &header {
        if !["file", "url", "retrieved", "publisher", "license"].contains(&h.as_str()) {
            return Err(err(1, format!("unknown column {h:?} (expected file, url, retrieved, publisher, license)")));
        }
    }
    let (url, retrieved, publisher, license) = (col("url"), col("retrieved"), col("publisher"), col("license"));
    let mut rows = Vec::new();
    let mut seen = BTreeSet::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| err(e.position().map_or(0, |p| p.line()), e.to_string()))?;
        let line = rec.position().map_or(0, |p| p.line());
        let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).map(str::to_string).filter(|s| !s.is_empty());
        let Some(f) = get(Some(file)) else { return Err(err(line, "empty `file`".into())) };
        let f = f.trim_start_matches("./").to_string();
        if !seen.insert(f.clone()) {
            return Err(err(line, format!("{f} listed twice")));
        }
        let r = get(retrieved);
        if let Some(d) = &r {
            if !is_iso_date(d) {
                return Err(err(line, format!("retrieved {d:?} is not an ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)")));
            }
        }
        rows.push((f, Origin { url: get(url), retrieved: r, publisher: get(publisher), license: get(license) }));
    }
    Ok(rows)
}

/// `2024-05-01`, or that followed by `T` and a time.
fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && (b.len() == 10 || b[10] == b'T' || b[10] == b' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(inputs: &Inputs) -> Vec<&str> {
        inputs.files.iter().map(|i| i.key.as_str()).collect()
    }

    #[test]
    fn inputs_keys_do_not_depend_on_how_the_root_was_typed() {
        let t = tempfile::tempdir().unwrap();
        let up = t.path().join("upper");
        std::fs::create_dir_all(up.join("sub")).unwrap();
        std::fs::write(up.join("a.pdf"), b"%PDF").unwrap();
        std::fs::write(up.join("sub/b.PDF"), b"%PDF").unwrap();
        std::fs::write(up.join("notes.txt"), b"x").unwrap();
        let o = InputOptions::default();
        let want = vec!["upper/a.pdf", "upper/sub/b.PDF"];
        assert_eq!(keys(&collect(&[up.clone()], &o).unwrap()), want);
        assert_eq!(keys(&collect(&[up.join("sub/..")], &o).unwrap()), want);
        assert_eq!(keys(&collect(&[t.path().join("./upper/")], &o).unwrap()), want);
        // A file given is keyed by its name; the same file twice is one
        // row, under the key of the folder walk.
        assert_eq!(keys(&collect(&[up.join("a.pdf")], &o).unwrap()), vec!["a.pdf"]);
        let both = collect(&[up.join("a.pdf"), up.clone()], &o).unwrap();
        assert_eq!(keys(&both), want);
        let rooted = collect(&[up.join("sub")], &InputOptions { root: Some(t.path().to_path_buf()), ..o.clone() }).unwrap();
        assert_eq!(keys(&rooted), vec!["upper/sub/b.PDF"]);
        assert!(matches!(
            collect(&[up.clone()], &InputOptions { root: Some(up.join("sub")), ..o.clone() }),
            Err(InputError::OutsideRoot { .. })
        ));
    }

    #[test]
    fn inputs_sources_csv_is_read_and_checked() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("in");
        std::fs::create_dir_all(d.join("x")).unwrap();
        std::fs::write(d.join("x/a.pdf"), b"%PDF").unwrap();
        std::fs::write(
            d.join(SOURCES_CSV),
            "file,url,retrieved,publisher\nx/a.pdf,https://ehelse.no/a.pdf,2024-05-01,Direktoratet for e-helse\ngone.pdf,,,\n",
        )
        .unwrap();
        let got = collect(&[d.clone()], &InputOptions::default()).unwrap();
        let o = got.files[0].origin.as_ref().unwrap();
        assert_eq!(o.url.as_deref(), Some("https://ehelse.no/a.pdf"));
        assert_eq!(o.retrieved.as_deref(), Some("2024-05-01"));
        assert_eq!(o.publisher.as_deref(), Some("Direktoratet for e-helse"));
        assert!(got.warnings.iter().any(|w| w.contains("1 rows name no input")), "{:?}", got.warnings);
        std::fs::write(d.join(SOURCES_CSV), "file,retrieved\nx/a.pdf,May 2024\n").unwrap();
        let e = collect(&[d], &InputOptions::default()).unwrap_err().to_string();
        assert!(e.contains("sources.csv:2: retrieved \"May 2024\""), "{e}");
    }

    #[test]
    fn inputs_iso_dates() {
        assert!(is_iso_date("2024-05-01"));
        assert!(is_iso_date("2024-05-01T10:00:00Z"));
        assert!(!is_iso_date("01.05.2024"));
        assert!(!is_iso_date("2024-5-1"));
    }
}
