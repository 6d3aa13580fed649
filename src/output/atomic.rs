//! Crash-safe replacement of the output directory.
//!
//! # Scheme
//!
//! Everything motebok puts beside `OUT` is named `OUT.motebok-…`:
//! the lock `OUT.motebok-lock`, staging dirs `OUT.motebok-tmp-<pid>` and,
//! in the fallback swap, the old output as `OUT.motebok-old-<pid>`. Nothing
//! else is ever deleted or renamed: a folder of the user's called
//! `OUT.old` or `OUT.tmp-1` is left alone.
//!
//! 0. **Lock** ([`OutLock`], taken by the pipeline for the whole run): an
//!    exclusive `flock(2)` on `OUT.motebok-lock`, which holds the owner's
//!    pid. The kernel releases it on any exit, `kill -9` included, so a
//!    lock of a dead run is never stale; the file is removed on a clean
//!    exit. A second run on the same `OUT` exits (or, asked to, waits).
//! 1. **Recover** ([`recover`], before anything else), each step only on
//!    motebok's own dirs of processes no longer alive:
//!    * `OUT` missing but `OUT.motebok-old-<pid>` holding an output: an
//!      earlier run died between the two renames of the fallback swap (step
//!      4c); rename it back to `OUT`.
//!    * `OUT` present and `OUT.motebok-old-<pid>` too: an earlier run died
//!      after installing its output; delete the old one.
//!    * `OUT.motebok-tmp-<pid>` holding the staging marker
//!      (`.motebok-staging`), an output (`datapackage.json`: the old output
//!      after an exchange) or nothing: the leftover of a killed run; delete
//!      it.
//!
//!    A leftover that cannot be deleted is a warning, never an error: it
//!    does not block the run, and the next run tries again.
//! 2. **Check** that `OUT`, if it exists, is a directory motebok may
//!    replace: empty, holding only dotfiles, or holding a `datapackage.json`
//!    (a previous output). Anything else is refused, so `--out ~` cannot
//!    wipe a home directory. [`preflight`] does this, and checks that the
//!    folder holding `OUT` is writable and has room, before any decoding.
//! 3. **Build**: every file is written into the staging dir through
//!    [`Staging::create`]; then everything is made durable — one `syncfs(2)`
//!    on Linux, `fsync` per file elsewhere — and every directory of the
//!    staging tree is fsynced.
//! 4. **Swap**:
//!    * a. `OUT` absent: `rename(tmp, OUT)`. Atomic.
//!    * b. `OUT` present, Linux: `renameat2(tmp, OUT, RENAME_EXCHANGE)`
//!      swaps the two directories in one atomic step: `OUT` is at every
//!      instant either the complete old or the complete new output. The
//!      old one, now at the staging path, is deleted.
//!    * c. where the exchange is not supported (other systems, some network
//!      file systems): `rename(OUT, OUT.motebok-old-<pid>)`, `rename(tmp,
//!      OUT)`, delete the old. A kill between the two renames leaves the
//!      complete old output under the backup name, which step 1 of the next
//!      run puts back.
//!
//!    The parent directory is fsynced after each rename. Once the new
//!    output is in place the run has succeeded: failing to delete the old
//!    one is a warning ([`Staging::commit`] returns it).
//!
//! A run killed at any moment therefore leaves a complete `OUT` (old or
//! new; with 4c possibly under the backup name until the next run), never
//! a mix. Top-level dotfiles of the old `OUT` that the new output does not
//! write (`.gitignore`, `.gitkeep`) are carried over.

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::OutputError;

/// Staging dirs: `OUT.motebok-tmp-<pid>` (`-<n>` may follow).
const TMP_INFIX: &str = ".motebok-tmp-";
/// The old output during a fallback swap: `OUT.motebok-old-<pid>`.
const OLD_INFIX: &str = ".motebok-old-";
/// The lock: `OUT.motebok-lock`.
const LOCK_SUFFIX: &str = ".motebok-lock";
/// A file in every staging dir while it is built: it marks the dir as
/// motebok's own.
const STAGING_MARK: &str = ".motebok-staging";
/// Up to this many newly written files are fsynced one by one; more, and
/// the whole file system is synced at once (Linux).
const FSYNC_EACH_UP_TO: usize = 64;
/// A file whose presence marks a directory as motebok output.
pub const MARKER: &str = "datapackage.json";

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io { path: path.to_path_buf(), source }
}

/// The sibling paths of an output dir.
#[derive(Debug, Clone)]
pub struct OutPaths {
    pub out: PathBuf,
    pub parent: PathBuf,
    pub name: String,
}

impl OutPaths {
    pub fn new(out: &Path) -> Result<OutPaths, OutputError> {
        let out = if out.file_name().is_none() {
            // `.`, `..`, `foo/..`: name the directory itself.
            out.canonicalize().map_err(io_err(out))?
        } else {
            out.to_path_buf()
        };
        let name = match out.file_name() {
            Some(n) => n.to_string_lossy().to_string(),
            None => return Err(OutputError::BadOut { path: out, reason: "has no directory name".into() }),
        };
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Ok(OutPaths { out, parent, name })
    }

    pub fn tmp(&self, pid: u32) -> PathBuf {
        self.parent.join(format!("{}{TMP_INFIX}{pid}", self.name))
    }

    pub fn old(&self, pid: u32) -> PathBuf {
        self.parent.join(format!("{}{OLD_INFIX}{pid}", self.name))
    }

    pub fn lock(&self) -> PathBuf {
        self.parent.join(format!("{}{LOCK_SUFFIX}", self.name))
    }

    /// motebok's dirs beside `OUT` whose name has `infix`: `(pid, path)`.
    fn siblings(&self, infix: &str) -> Result<Vec<(u32, PathBuf)>, OutputError> {
        let prefix = format!("{}{infix}", self.name);
        let mut found = Vec::new();
        let entries = match fs::read_dir(&self.parent) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(found),
            Err(e) => return Err(io_err(&self.parent)(e)),
        };
        for entry in entries {
            let entry = entry.map_err(io_err(&self.parent))?;
            let name = entry.file_name().to_string_lossy().to_string();
            let Some(rest) = name.strip_prefix(&prefix) else { continue };
            let (pid, n) = rest.split_once('-').unwrap_or((rest, "1"));
            let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            if let (true, true, Ok(pid)) = (digits(pid), digits(n), pid.parse::<u32>()) {
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    found.push((pid, entry.path()));
                }
            }
        }
        found.sort();
        Ok(found)
    }
}

/// Step 1 of the scheme: repair what a killed run left behind. Safe to call
/// at any time; [`Staging::begin`] calls it. What cannot be cleaned up is
/// returned as warnings.
pub fn recover(out: &Path) -> Result<Vec<String>, OutputError> {
    let paths = OutPaths::new(out)?;
    let mut warnings = Vec::new();
    let me = std::process::id();
    let dead = |pid: u32| pid != me && !process_alive(pid);
    for (pid, old) in paths.siblings(OLD_INFIX)? {
        if !dead(pid) || !old.join(MARKER).is_file() {
            continue;
        }
        if exists(&paths.out) {
            if let Err(e) = remove_tree(&old) {
                warnings.push(format!("cannot delete the leftover {e}"));
            }
        } else {
            fs::rename(&old, &paths.out).map_err(io_err(&old))?;
            sync_dir(&paths.parent)?;
        }
    }
    for (pid, dir) in paths.siblings(TMP_INFIX)? {
        if !dead(pid) {
            continue;
        }
        if is_ours(&dir) {
            if let Err(e) = remove_tree(&dir) {
                warnings.push(format!("cannot delete the leftover {e}"));
            }
        } else {
            warnings.push(format!("{} is not motebok's staging folder; left alone", dir.display()));
        }
    }
    Ok(warnings)
}

/// A staging dir motebok made: it holds the staging marker, or an output
/// (the old output after an exchange), or nothing.
fn is_ours(dir: &Path) -> bool {
    dir.join(STAGING_MARK).is_file()
        || dir.join(MARKER).is_file()
        || fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

/// Less free space than this beside `OUT` fails [`preflight`] whatever the
/// size of the previous output.
pub const MIN_FREE: u64 = 1 << 20;

/// Everything that would make the output fail at the end of a run, checked
/// before it starts: `OUT` is not a file or a foreign directory, it and the
/// folder holding it are writable (a staging dir is made there and
/// removed), and that file system has clearly enough free space (at least
/// [`MIN_FREE`] plus the size of the previous output outside `json/`, whose
/// unchanged files are hard-linked rather than copied). Returns warnings of
/// the recovery step.
pub fn preflight(out: &Path) -> Result<Vec<String>, OutputError> {
    let warnings = recover(out)?;
    let paths = OutPaths::new(out)?;
    check_replaceable(&paths.out)?;
    let bad = |reason: String| OutputError::BadOut { path: paths.out.clone(), reason };
    if exists(&paths.out) && !writable(&paths.out) {
        return Err(bad("is not writable (the old output in it could not be deleted after the swap)".into()));
    }
    fs::create_dir_all(&paths.parent).map_err(|e| {
        bad(format!("cannot create the folder {} that is to hold it: {e}", paths.parent.display()))
    })?;
    let probe = Staging::begin_at(&paths).map_err(|e| {
        bad(format!(
            "cannot write beside it in {} ({e}): motebok builds the new output there and swaps it in, so the folder holding --out must be writable",
            paths.parent.display()
        ))
    })?;
    drop(probe);
    if let Some(free) = free_space(&paths.parent) {
        let needed = MIN_FREE + tree_size(&paths.out, true);
        if free < needed {
            return Err(bad(format!(
                "only {} free in {}; the new output needs about {}",
                crate::worker::human_size(free),
                paths.parent.display(),
                crate::worker::human_size(needed)
            )));
        }
    }
    Ok(warnings)
}

#[cfg(unix)]
fn writable(p: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(p.as_os_str().as_bytes()) else { return false };
    // SAFETY: a valid NUL-terminated path.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

#[cfg(not(unix))]
fn writable(_p: &Path) -> bool {
    true
}

/// Bytes available to this user on the file system holding `dir`.
#[cfg(unix)]
fn free_space(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs fills the struct we pass; zeroed is a valid start.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
        return None;
    }
    Some((st.f_bavail as u64).saturating_mul(st.f_frsize as u64))
}

#[cfg(not(unix))]
fn free_space(_dir: &Path) -> Option<u64> {
    None
}

/// Total size of the files under `dir` (without `json/` when asked).
fn tree_size(dir: &Path, skip_json: bool) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else { return 0 };
    let mut total = 0;
    for e in entries.flatten() {
        if skip_json && e.file_name() == super::json::DIR {
            continue;
        }
        match e.file_type() {
            Ok(t) if t.is_dir() => total += tree_size(&e.path(), false),
            Ok(t) if t.is_file() => total += e.metadata().map(|m| m.len()).unwrap_or(0),
            _ => {}
        }
    }
    total
}

/// The lock on an output dir (step 0 of the scheme), held until dropped.
#[derive(Debug)]
pub struct OutLock {
    path: PathBuf,
    file: Option<File>,
}

/// How [`OutLock::acquire`] went when another run holds the lock.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another motebok run{} is writing {}; try again when it has finished (or pass --wait)", holder.map(|p| format!(" (pid {p})")).unwrap_or_default(), out.display())]
    Busy { out: PathBuf, holder: Option<u32> },
    #[error(transparent)]
    Output(#[from] OutputError),
}

impl OutLock {
    /// Lock `out` for this run. Busy: wait when `wait` (calling `waiting`
    /// once with the holder's pid), else fail at once. A file system without
    /// locks gives an unlocked guard and a warning through `waiting`.
    pub fn acquire(out: &Path, wait: bool, waiting: &dyn Fn(String)) -> Result<OutLock, LockError> {
        let paths = OutPaths::new(out)?;
        fs::create_dir_all(&paths.parent).map_err(io_err(&paths.parent))?;
        let path = paths.lock();
        loop {
            let file = fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(|e| {
                OutputError::BadOut {
                    path: paths.out.clone(),
                    reason: format!(
                        "cannot write beside it in {} ({e}): motebok keeps its lock and builds the new output there, so the folder holding --out must be writable",
                        paths.parent.display()
                    ),
                }
            })?;
            match flock(&file, false) {
                Ok(true) => {}
                Ok(false) if !wait => return Err(LockError::Busy { out: paths.out.clone(), holder: read_pid(&path) }),
                Ok(false) => {
                    let who = read_pid(&path).map(|p| format!(" (pid {p})")).unwrap_or_default();
                    waiting(format!("waiting for another motebok run{who} writing {}", paths.out.display()));
                    flock(&file, true).map_err(io_err(&path))?;
                }
                Err(e) if matches!(e.raw_os_error(), Some(libc::ENOLCK) | Some(libc::EOPNOTSUPP) | Some(libc::ENOSYS)) => {
                    waiting(format!("cannot lock {} ({e}); make sure no other run writes {}", path.display(), paths.out.display()));
                    return Ok(OutLock { path, file: None });
                }
                Err(e) => return Err(io_err(&path)(e).into()),
            }
            // The holder before us removes the file as it lets go: if the
            // name now points elsewhere, lock the new file instead.
            if same_file(&file, &path) {
                let mut f = &file;
                let _ = f.set_len(0);
                let _ = writeln!(f, "{}", std::process::id());
                return Ok(OutLock { path, file: Some(file) });
            }
        }
    }
}

impl Drop for OutLock {
    fn drop(&mut self) {
        if let Some(f) = self.file.take() {
            // Remove while still holding it (see `acquire`).
            let _ = fs::remove_file(&self.path);
            drop(f);
        }
    }
}

fn read_pid(path: &Path) -> Option<u32> {
    fs::read_to_string(path).ok()?.trim().parse().ok()
}

#[cfg(unix)]
fn same_file(f: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (f.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_f: &File, _path: &Path) -> bool {
    true
}

/// `Ok(true)`: locked; `Ok(false)`: held by another (non-blocking only).
#[cfg(unix)]
fn flock(f: &File, block: bool) -> io::Result<bool> {
    use std::os::fd::AsRawFd;
    let op = if block { libc::LOCK_EX } else { libc::LOCK_EX | libc::LOCK_NB };
    loop {
        // SAFETY: a valid open fd.
        if unsafe { libc::flock(f.as_raw_fd(), op) } == 0 {
            return Ok(true);
        }
        let e = io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EINTR) => continue,
            Some(libc::EWOULDBLOCK) => return Ok(false),
            _ => return Err(e),
        }
    }
}

#[cfg(not(unix))]
fn flock(_f: &File, _block: bool) -> io::Result<bool> {
    Ok(true)
}

fn exists(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok()
}

fn remove_tree(p: &Path) -> Result<(), OutputError> {
    match fs::remove_dir_all(p) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_err(p)(e)),
    }
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
    // SAFETY: kill with signal 0 only checks for existence and permission.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    false
}

/// fsync a directory, so that renames and new entries in it are durable.
pub fn sync_dir(dir: &Path) -> Result<(), OutputError> {
    #[cfg(unix)]
    {
        File::open(dir).and_then(|f| f.sync_all()).map_err(io_err(dir))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Step 2: may motebok replace this directory?
fn check_replaceable(out: &Path) -> Result<Vec<PathBuf>, OutputError> {
    let meta = match fs::symlink_metadata(out) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(io_err(out)(e)),
    };
    if !meta.is_dir() {
        return Err(OutputError::BadOut { path: out.to_path_buf(), reason: "exists and is not a directory".into() });
    }
    let mut dotfiles = Vec::new();
    let mut others = false;
    let mut marker = false;
    for entry in fs::read_dir(out).map_err(io_err(out))? {
        let entry = entry.map_err(io_err(out))?;
        let name = entry.file_name().to_string_lossy().to_string();
        if name == MARKER {
            marker = true;
        } else if name.starts_with('.') {
            if entry.file_type().map(|t| t.is_file()).unwrap_or(false) {
                dotfiles.push(entry.path());
            }
        } else {
            others = true;
        }
    }
    if others && !marker {
        return Err(OutputError::BadOut {
            path: out.to_path_buf(),
            reason: format!("is not a motebok output directory (no {MARKER}); refusing to replace it"),
        });
    }
    dotfiles.sort();
    Ok(dotfiles)
}

/// A directory the next output is built in; [`Staging::commit`] puts it in
/// place of `OUT`. Dropped without commit, it deletes itself.
///
/// Everything a run writes into `OUT` goes through one `Staging`, so adding
/// an output file is one [`Staging::create`] (or [`Staging::write`]) call.
#[derive(Debug)]
pub struct Staging {
    paths: OutPaths,
    root: PathBuf,
    /// Staging-relative directories created so far (fsynced on commit).
    dirs: BTreeSet<PathBuf>,
    /// Staging-relative files written so far.
    files: BTreeSet<PathBuf>,
    /// Those of `files` that are hard links to files of the previous
    /// output (already durable).
    linked: BTreeSet<PathBuf>,
    carry: Vec<PathBuf>,
    /// What recovery and clean-up could not do (the run goes on).
    warnings: Vec<String>,
    committed: bool,
    /// Try `renameat2(RENAME_EXCHANGE)` first (tests turn it off to
    /// exercise the fallback).
    pub(crate) use_exchange: bool,
}

impl Staging {
    /// Recover from killed runs, check `out` may be replaced, and create a
    /// fresh empty staging dir beside it.
    pub fn begin(out: &Path) -> Result<Staging, OutputError> {
        let warnings = recover(out)?;
        let paths = OutPaths::new(out)?;
        let carry = check_replaceable(&paths.out)?;
        fs::create_dir_all(&paths.parent).map_err(io_err(&paths.parent))?;
        let mut s = Staging::begin_at(&paths)?;
        s.carry = carry;
        s.warnings = warnings;
        Ok(s)
    }

    /// A new staging dir for `paths`, marked as motebok's own.
    fn begin_at(paths: &OutPaths) -> Result<Staging, OutputError> {
        let pid = std::process::id();
        let mut root = paths.tmp(pid);
        let mut n = 1;
        loop {
            match fs::create_dir(&root) {
                Ok(()) => break,
                // Ours from an earlier call in this process that was not
                // cleaned up (say, it could not be deleted): start afresh,
                // or under another name.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 100 => {
                    if n == 1 && is_ours(&root) && remove_tree(&root).is_ok() {
                        n += 1;
                        continue;
                    }
                    n += 1;
                    root = paths.parent.join(format!("{}{TMP_INFIX}{pid}-{n}", paths.name));
                }
                Err(e) => return Err(io_err(&root)(e)),
            }
        }
        let mark = root.join(STAGING_MARK);
        if let Err(e) = fs::write(&mark, format!("{pid}\n")) {
            let _ = fs::remove_dir_all(&root);
            return Err(io_err(&mark)(e));
        }
        Ok(Staging {
            paths: paths.clone(),
            root,
            dirs: BTreeSet::new(),
            files: BTreeSet::new(),
            linked: BTreeSet::new(),
            carry: Vec::new(),
            warnings: Vec::new(),
            committed: false,
            use_exchange: true,
        })
    }

    /// The staging dir itself (its contents become `OUT`).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The final output dir.
    pub fn out(&self) -> &Path {
        &self.paths.out
    }

    /// Full path inside the staging dir of the `OUT`-relative path `rel`.
    pub fn path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.root.join(rel)
    }

    /// The `OUT`-relative files written so far, sorted.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|p| p.as_path())
    }

    /// Create `rel` (an `OUT`-relative path such as `csv/items.csv`) and
    /// its parent dirs. Call [`StagedFile::finish`] when done.
    pub fn create(&mut self, rel: impl AsRef<Path>) -> Result<StagedFile, OutputError> {
        let rel = rel.as_ref();
        debug_assert!(rel.is_relative() && !rel.components().any(|c| matches!(c, std::path::Component::ParentDir)));
        let path = self.root.join(rel);
        let mut dir = rel.parent();
        while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
            if !self.dirs.insert(d.to_path_buf()) {
                break;
            }
            dir = d.parent();
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        let file = File::create(&path).map_err(io_err(&path))?;
        self.files.insert(rel.to_path_buf());
        Ok(StagedFile { inner: BufWriter::with_capacity(64 * 1024, file), path })
    }

    /// Put the existing file `from` at `rel` without copying its bytes: a
    /// hard link (a copy where links are not possible). For files of the
    /// previous output that are unchanged: the old output is never written
    /// to, so sharing its inodes is safe, and nothing new needs flushing.
    pub fn link(&mut self, rel: impl AsRef<Path>, from: &Path) -> Result<(), OutputError> {
        let rel = rel.as_ref();
        let f = self.create(rel)?;
        let path = f.path().to_path_buf();
        f.finish()?;
        fs::remove_file(&path).map_err(io_err(&path))?;
        if fs::hard_link(from, &path).is_ok() {
            self.linked.insert(rel.to_path_buf());
        } else {
            fs::copy(from, &path).map_err(io_err(from))?;
        }
        Ok(())
    }

    /// Write a whole small file at once.
    pub fn write(&mut self, rel: impl AsRef<Path>, bytes: &[u8]) -> Result<(), OutputError> {
        let mut f = self.create(rel)?;
        f.write_all(bytes).map_err(io_err(f.path()))?;
        f.finish()
    }

    /// Make the staged output durable and swap it into place (steps 3–4).
    /// Once the new output is in place the run has succeeded: what could
    /// not be cleaned up after that (the old output) comes back as
    /// warnings, with those of the recovery step.
    pub fn commit(mut self) -> Result<Vec<String>, OutputError> {
        self.carry_over()?;
        self.make_durable()?;
        let _ = fs::remove_file(self.root.join(STAGING_MARK));
        let out = self.paths.out.clone();
        let parent = self.paths.parent.clone();
        let mut warnings = std::mem::take(&mut self.warnings);
        let mut after = |r: Result<(), OutputError>, what: &str| {
            if let Err(e) = r {
                warnings.push(format!("{what}: {e}"));
            }
        };
        if !exists(&out) {
            fs::rename(&self.root, &out).map_err(io_err(&out))?;
            self.committed = true;
            after(sync_dir(&parent), "the new output is in place but not yet flushed to disk");
            return Ok(warnings);
        }
        if self.use_exchange && exchange(&self.root, &out).map_err(io_err(&out))? {
            // The old output now sits at our staging path.
            self.committed = true;
            after(sync_dir(&parent), "the new output is in place but not yet flushed to disk");
            after(remove_tree(&self.root), "the new output is in place, but the old one could not be deleted (the next run tries again)");
            return Ok(warnings);
        }
        let pid = std::process::id();
        let mut old = self.paths.old(pid);
        let mut n = 1;
        while exists(&old) {
            n += 1;
            old = parent.join(format!("{}{OLD_INFIX}{pid}-{n}", self.paths.name));
        }
        fs::rename(&out, &old).map_err(io_err(&out))?;
        sync_dir(&parent)?;
        if let Err(e) = fs::rename(&self.root, &out) {
            // Put the old output back; recovery would do it next run anyway.
            let _ = fs::rename(&old, &out);
            return Err(io_err(&out)(e));
        }
        self.committed = true;
        after(sync_dir(&parent), "the new output is in place but not yet flushed to disk");
        after(remove_tree(&old), "the new output is in place, but the old one could not be deleted (the next run tries again)");
        Ok(warnings)
    }

    fn carry_over(&mut self) -> Result<(), OutputError> {
        for src in std::mem::take(&mut self.carry) {
            let Some(name) = src.file_name() else { continue };
            let rel = PathBuf::from(name);
            if self.files.contains(&rel) {
                continue;
            }
            let bytes = fs::read(&src).map_err(io_err(&src))?;
            self.write(&rel, &bytes)?;
        }
        Ok(())
    }

    fn make_durable(&self) -> Result<(), OutputError> {
        // Files newly written (hard links to the previous output's files
        // carry data that is durable already). Many: one syncfs(2); few (an
        // incremental rerun): fsync each, which does not wait for
        // everything else dirty on the file system.
        let fresh: Vec<&PathBuf> = self.files.iter().filter(|f| !self.linked.contains(*f)).collect();
        #[cfg(target_os = "linux")]
        if fresh.len() > FSYNC_EACH_UP_TO {
            use std::os::fd::AsRawFd;
            let dir = File::open(&self.root).map_err(io_err(&self.root))?;
            // SAFETY: a valid open fd; syncfs has no other preconditions.
            if unsafe { libc::syncfs(dir.as_raw_fd()) } != 0 {
                return Err(io_err(&self.root)(io::Error::last_os_error()));
            }
        } else {
            for rel in &fresh {
                let p = self.root.join(rel);
                File::open(&p).and_then(|f| f.sync_all()).map_err(io_err(&p))?;
            }
        }
        #[cfg(not(target_os = "linux"))]
        for rel in &fresh {
            let p = self.root.join(rel);
            File::open(&p).and_then(|f| f.sync_all()).map_err(io_err(&p))?;
        }
        for d in self.dirs.iter().rev() {
            sync_dir(&self.root.join(d))?;
        }
        sync_dir(&self.root)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.root);
        }
    }
}

/// Atomically exchange two directories. `Ok(false)`: not supported here.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes()).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let cb = CString::new(b.as_os_str().as_bytes()).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    // SAFETY: two valid NUL-terminated paths relative to the cwd.
    let r = unsafe { libc::renameat2(libc::AT_FDCWD, ca.as_ptr(), libc::AT_FDCWD, cb.as_ptr(), libc::RENAME_EXCHANGE) };
    if r == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP) => Ok(false),
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

/// A file being written into the staging dir.
pub struct StagedFile {
    inner: BufWriter<File>,
    path: PathBuf,
}

impl StagedFile {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flush and close. (Durability comes at [`Staging::commit`].)
    pub fn finish(mut self) -> Result<(), OutputError> {
        self.inner.flush().map_err(io_err(&self.path))
    }
}

impl Write for StagedFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.inner.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(p: &Path) -> String {
        fs::read_to_string(p).unwrap()
    }

    fn stage(out: &Path, content: &str, exchange: bool) {
        let mut s = Staging::begin(out).unwrap();
        s.use_exchange = exchange;
        s.write("datapackage.json", b"{}\n").unwrap();
        s.write("csv/a.csv", content.as_bytes()).unwrap();
        s.commit().unwrap();
    }

    fn siblings(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
        v.sort();
        v
    }

    #[test]
    fn output_swap_both_ways() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        for (i, exchange) in [true, false, true].into_iter().enumerate() {
            stage(&out, &format!("gen {i}\n"), exchange);
            assert_eq!(read(&out.join("csv/a.csv")), format!("gen {i}\n"));
            assert_eq!(siblings(t.path()), vec!["out"]);
        }
    }

    #[test]
    fn output_recovers_fallback_window() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        stage(&out, "old\n", true);
        // Killed between `OUT → backup` and `tmp → OUT`, with a half-built
        // staging dir of a dead process beside it.
        fs::rename(&out, t.path().join("out.motebok-old-999999999")).unwrap();
        let dead = t.path().join("out.motebok-tmp-999999999");
        fs::create_dir_all(dead.join("csv")).unwrap();
        fs::write(dead.join(STAGING_MARK), "999999999").unwrap();
        fs::write(dead.join("csv/a.csv"), "half").unwrap();
        assert!(recover(&out).unwrap().is_empty());
        assert_eq!(read(&out.join("csv/a.csv")), "old\n");
        assert_eq!(siblings(t.path()), vec!["out"]);
        // Killed after installing the new output, before deleting the old.
        fs::create_dir(t.path().join("out.motebok-old-999999998")).unwrap();
        fs::write(t.path().join("out.motebok-old-999999998").join(MARKER), "{}").unwrap();
        stage(&out, "new\n", false);
        assert_eq!(read(&out.join("csv/a.csv")), "new\n");
        assert_eq!(siblings(t.path()), vec!["out"]);
    }

    #[test]
    fn output_refuses_foreign_dir_and_keeps_dotfiles() {
        let t = tempfile::tempdir().unwrap();
        let home = t.path().join("home");
        fs::create_dir(&home).unwrap();
        fs::write(home.join("thesis.tex"), "precious").unwrap();
        let err = Staging::begin(&home).unwrap_err();
        assert!(err.to_string().contains("not a motebok output"), "{err}");
        assert_eq!(siblings(t.path()), vec!["home"]);

        let out = t.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join(".gitignore"), "*\n").unwrap();
        stage(&out, "x\n", true);
        assert_eq!(read(&out.join(".gitignore")), "*\n");
        stage(&out, "y\n", true);
        assert_eq!(read(&out.join(".gitignore")), "*\n");
    }

    #[test]
    fn output_uncommitted_staging_is_removed() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        {
            let mut s = Staging::begin(&out).unwrap();
            s.write("x.json", b"{}").unwrap();
        }
        assert!(siblings(t.path()).is_empty());
    }

    #[test]
    fn output_live_staging_dirs_are_kept() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        // pid 1 is always alive.
        let live = t.path().join("out.motebok-tmp-1");
        fs::create_dir(&live).unwrap();
        fs::write(live.join(STAGING_MARK), "1").unwrap();
        stage(&out, "x\n", true);
        assert!(live.is_dir());
    }

    #[test]
    fn output_only_motebok_dirs_are_touched() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        stage(&out, "x\n", true);
        // The user's own folders with names like ours, and a dir with our
        // pattern but not our marker.
        for name in ["out.old", "out.tmp-999999999", "out.motebok-old", "out.motebok-tmp-999999999"] {
            fs::create_dir(t.path().join(name)).unwrap();
            fs::write(t.path().join(name).join("thesis.tex"), "precious").unwrap();
        }
        fs::remove_dir_all(&out).unwrap();
        let w = recover(&out).unwrap();
        assert!(w.iter().any(|w| w.contains("not motebok's staging folder")), "{w:?}");
        assert!(!out.exists(), "a user folder was renamed to OUT");
        stage(&out, "y\n", false);
        stage(&out, "z\n", true);
        assert_eq!(
            siblings(t.path()),
            vec!["out", "out.motebok-old", "out.motebok-tmp-999999999", "out.old", "out.tmp-999999999"]
        );
        for name in ["out.old", "out.tmp-999999999", "out.motebok-old", "out.motebok-tmp-999999999"] {
            assert_eq!(read(&t.path().join(name).join("thesis.tex")), "precious");
        }
    }

    #[test]
    fn output_lock_is_exclusive_and_released() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        let quiet = |_m: String| {};
        let a = OutLock::acquire(&out, false, &quiet).unwrap();
        let lock = t.path().join("out.motebok-lock");
        assert_eq!(read(&lock).trim(), std::process::id().to_string());
        // flock locks belong to the open file: a second open in this
        // process is refused like another process would be.
        let e = OutLock::acquire(&out, false, &quiet).unwrap_err();
        assert!(e.to_string().contains(&format!("another motebok run (pid {})", std::process::id())), "{e}");
        drop(a);
        assert!(!lock.exists());
        // A lock file left by a dead run (kill -9) is not a lock.
        fs::write(&lock, "999999999\n").unwrap();
        let b = OutLock::acquire(&out, false, &quiet).unwrap();
        drop(b);
        assert!(siblings(t.path()).is_empty());
    }
}
