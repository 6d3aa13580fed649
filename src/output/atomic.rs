//! Crash-safe replacement of the output directory.
//!
//! # Scheme
//!
//! Every run builds its complete output in a *staging directory*, a sibling
//! of `OUT` named `OUT.tmp-<pid>`, and only then puts it in place:
//!
//! 1. **Recover** (in [`Staging::begin`], before anything else):
//!    * `OUT` missing but `OUT.old` present: an earlier run died between the
//!      two renames of the fallback swap (step 4b) — `OUT.old` is the last
//!      complete output; rename it back to `OUT`.
//!    * `OUT` and `OUT.old` both present: an earlier run died after
//!      installing its output but before deleting the old one; delete
//!      `OUT.old`.
//!    * `OUT.tmp-<pid>` whose process is no longer alive: the leftover of a
//!      killed run (a half-built staging dir, or an old output it was
//!      deleting); delete it. Staging dirs of live processes are left alone.
//! 2. **Check** that `OUT`, if it exists, is a directory motebok may
//!    replace: empty, holding only dotfiles, or holding a `datapackage.json`
//!    (a previous output). Anything else is refused, so `--out ~` cannot
//!    wipe a home directory.
//! 3. **Build**: every file is written into the staging dir through
//!    [`Staging::create`]; then everything is made durable — one `syncfs(2)`
//!    on Linux, `fsync` per file elsewhere — and every directory of the
//!    staging tree is fsynced.
//! 4. **Swap**:
//!    * a. `OUT` absent: `rename(OUT.tmp-<pid>, OUT)`. Atomic.
//!    * b. `OUT` present, Linux: `renameat2(OUT.tmp-<pid>, OUT,
//!      RENAME_EXCHANGE)` swaps the two directories in one atomic step:
//!      `OUT` is at every instant either the complete old or the complete
//!      new output. The old one, now at `OUT.tmp-<pid>`, is deleted.
//!    * c. where the exchange is not supported (other systems, some network
//!      file systems): `rename(OUT, OUT.old)`, `rename(OUT.tmp-<pid>,
//!      OUT)`, delete `OUT.old`. A kill between the two renames leaves the
//!      complete old output in `OUT.old`, which step 1 of the next run puts
//!      back.
//!
//!    The parent directory is fsynced after each rename.
//!
//! A run killed at any moment therefore leaves a complete `OUT` (old or
//! new; with 4c possibly under the name `OUT.old` until the next run),
//! never a mix. Top-level dotfiles of the old `OUT` that the new output
//! does not write (`.gitignore`, `.gitkeep`) are carried over.
//!
//! Two runs writing the same `OUT` at the same time are not serialised: the
//! later swap wins, and each output is still complete.

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::OutputError;

/// Suffix of staging dirs: `OUT.tmp-<pid>`.
const TMP_INFIX: &str = ".tmp-";
/// Suffix of the old output during a fallback swap: `OUT.old`.
const OLD_SUFFIX: &str = ".old";
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

    pub fn old(&self) -> PathBuf {
        self.parent.join(format!("{}{OLD_SUFFIX}", self.name))
    }

    /// Staging dirs of earlier runs: `(pid, path)`.
    fn staging_dirs(&self) -> Result<Vec<(u32, PathBuf)>, OutputError> {
        let prefix = format!("{}{TMP_INFIX}", self.name);
        let mut found = Vec::new();
        let entries = match fs::read_dir(&self.parent) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(found),
            Err(e) => return Err(io_err(&self.parent)(e)),
        };
        for entry in entries {
            let entry = entry.map_err(io_err(&self.parent))?;
            let name = entry.file_name().to_string_lossy().to_string();
            if let Some(pid) = name.strip_prefix(&prefix).and_then(|p| p.parse::<u32>().ok()) {
                found.push((pid, entry.path()));
            }
        }
        found.sort();
        Ok(found)
    }
}

/// Step 1 of the scheme: repair what a killed run left behind. Safe to call
/// at any time; [`Staging::begin`] calls it.
pub fn recover(out: &Path) -> Result<(), OutputError> {
    let paths = OutPaths::new(out)?;
    let old = paths.old();
    if old.is_dir() {
        if exists(&paths.out) {
            remove_tree(&old)?;
        } else {
            fs::rename(&old, &paths.out).map_err(io_err(&old))?;
            sync_dir(&paths.parent)?;
        }
    }
    let me = std::process::id();
    for (pid, dir) in paths.staging_dirs()? {
        if pid != me && !process_alive(pid) {
            remove_tree(&dir)?;
        }
    }
    Ok(())
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
    committed: bool,
    /// Try `renameat2(RENAME_EXCHANGE)` first (tests turn it off to
    /// exercise the fallback).
    pub(crate) use_exchange: bool,
}

impl Staging {
    /// Recover from killed runs, check `out` may be replaced, and create a
    /// fresh empty staging dir beside it.
    pub fn begin(out: &Path) -> Result<Staging, OutputError> {
        recover(out)?;
        let paths = OutPaths::new(out)?;
        let carry = check_replaceable(&paths.out)?;
        fs::create_dir_all(&paths.parent).map_err(io_err(&paths.parent))?;
        let root = paths.tmp(std::process::id());
        // Ours from an earlier call in this process that was not dropped
        // cleanly (e.g. leaked): start afresh.
        remove_tree(&root)?;
        fs::create_dir(&root).map_err(io_err(&root))?;
        Ok(Staging {
            paths,
            root,
            dirs: BTreeSet::new(),
            files: BTreeSet::new(),
            linked: BTreeSet::new(),
            carry,
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
    pub fn commit(mut self) -> Result<(), OutputError> {
        self.carry_over()?;
        self.make_durable()?;
        let out = self.paths.out.clone();
        let parent = self.paths.parent.clone();
        if !exists(&out) {
            fs::rename(&self.root, &out).map_err(io_err(&out))?;
            self.committed = true;
            return sync_dir(&parent);
        }
        if self.use_exchange && exchange(&self.root, &out).map_err(io_err(&out))? {
            // The old output now sits at our staging path.
            self.committed = true;
            sync_dir(&parent)?;
            return remove_tree(&self.root);
        }
        let old = self.paths.old();
        fs::rename(&out, &old).map_err(io_err(&out))?;
        sync_dir(&parent)?;
        if let Err(e) = fs::rename(&self.root, &out) {
            // Put the old output back; recovery would do it next run anyway.
            let _ = fs::rename(&old, &out);
            return Err(io_err(&out)(e));
        }
        self.committed = true;
        sync_dir(&parent)?;
        remove_tree(&old)
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
        // Killed between `OUT → OUT.old` and `tmp → OUT`, with a half-built
        // staging dir of a dead process beside it.
        fs::rename(&out, t.path().join("out.old")).unwrap();
        let dead = t.path().join("out.tmp-999999999");
        fs::create_dir_all(dead.join("csv")).unwrap();
        fs::write(dead.join("csv/a.csv"), "half").unwrap();
        recover(&out).unwrap();
        assert_eq!(read(&out.join("csv/a.csv")), "old\n");
        assert_eq!(siblings(t.path()), vec!["out"]);
        // Killed after installing the new output, before deleting the old.
        fs::create_dir(t.path().join("out.old")).unwrap();
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
        let live = t.path().join("out.tmp-1");
        fs::create_dir(&live).unwrap();
        stage(&out, "x\n", true);
        assert!(live.is_dir());
    }
}
