//! Issue 10, fault injection: what surrounds the PDFs — special files,
//! symlink loops, long and non-UTF-8 names, unreadable folders, two runs on
//! one output, user folders beside it, empty inputs, clean-up failures,
//! closed pipes, unusable `--out` — and `kill -9` at many moments. After
//! every case: the previous output intact or the new one complete,
//! `files.csv` rows ↔ per-file JSON ↔ input sha256 consistent, and no
//! stray folders beside the output after the next run.
//!
//! Cases that need permissions to bite run the binary as `nobody` when the
//! tests run as root (CI does), since root reads and writes through any
//! mode bits. The full-disk case mounts a tiny tmpfs, which needs root: it
//! says SKIPPED elsewhere and fails under CI if it cannot.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_motebok");

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// A scratch dir the unprivileged user can use, with its own copy of the
/// binary (the build dir may be closed to `nobody`).
struct Env {
    dir: tempfile::TempDir,
    bin: PathBuf,
}

impl Env {
    fn new() -> Env {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let bin = dir.path().join("motebok");
        // A hard link where it can be (the binary is large), else a copy.
        if std::fs::hard_link(BIN, &bin).is_err() {
            std::fs::copy(BIN, &bin).unwrap();
            std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        Env { dir, bin }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// `in/` with copies of fixtures `ids`.
    fn corpus(&self, name: &str, ids: &[&str]) -> PathBuf {
        let d = self.path(name);
        std::fs::create_dir_all(&d).unwrap();
        for id in ids {
            std::fs::copy(crate::common::fixture(&format!("{id}.pdf")), d.join(format!("{id}.pdf"))).unwrap();
        }
        d
    }

    fn cmd(&self, unprivileged: bool, args: &[&std::ffi::OsStr]) -> Command {
        let mut c = Command::new(&self.bin);
        c.args(args).current_dir(self.dir.path());
        if unprivileged && is_root() {
            use std::os::unix::process::CommandExt;
            c.uid(65534).gid(65534);
        }
        c
    }

    /// Run `motebok ARGS`, killed (and the test failed) after `limit`.
    fn run_within(&self, unprivileged: bool, args: &[&str], limit: Duration) -> Output {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
        let child = self.cmd(unprivileged, &args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let started = Instant::now();
        let pid = child.id();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait_with_output());
        });
        match rx.recv_timeout(limit) {
            Ok(o) => {
                let o = o.unwrap();
                eprintln!(
                    "motebok {args:?}: {:?} in {:.1} s\n{}",
                    o.status.code(),
                    started.elapsed().as_secs_f64(),
                    String::from_utf8_lossy(&o.stderr)
                );
                o
            }
            Err(_) => {
                // SAFETY: kill with a pid we started.
                unsafe { libc::kill(pid as i32, libc::SIGKILL) };
                panic!("motebok {args:?} still running after {limit:?}: it hangs");
            }
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_within(false, args, Duration::from_secs(120))
    }

    fn run_as_nobody(&self, args: &[&str]) -> Output {
        self.run_within(true, args, Duration::from_secs(120))
    }

    /// Names beside the output (and everything else in the scratch dir).
    fn siblings(&self) -> BTreeSet<String> {
        std::fs::read_dir(self.dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect()
    }

    /// No motebok leftovers beside any output.
    fn assert_no_strays(&self) {
        let strays: Vec<String> = self.siblings().into_iter().filter(|n| n.contains(".motebok-")).collect();
        assert!(strays.is_empty(), "stray folders beside the output: {strays:?}");
    }
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// `files.csv` as (file, status, error, sha256, json) rows.
fn rows(out: &Path) -> Vec<[String; 5]> {
    let mut r = csv::Reader::from_path(out.join("csv/files.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let c = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (f, s, e, sha, j) = (c("file"), c("status"), c("error"), c("sha256"), c("json"));
    r.records()
        .map(|x| {
            let x = x.unwrap();
            [x[f].to_string(), x[s].to_string(), x[e].to_string(), x[sha].to_string(), x[j].to_string()]
        })
        .collect()
}

/// The output is complete and consistent: it validates against its own
/// datapackage (files.csv ↔ JSON ↔ manifest), and every ok row's sha256 is
/// that of the input file it names under `inputs` (key → path).
fn assert_consistent(out: &Path, input_of: &dyn Fn(&str) -> Option<PathBuf>) {
    motebok::output::validate(out).unwrap_or_else(|p| panic!("{}: {:#?}", out.display(), &p[..p.len().min(5)]));
    for [file, status, _, sha, _] in rows(out) {
        if status == "ok" {
            if let Some(p) = input_of(&file) {
                let bytes = std::fs::read(&p).unwrap();
                assert_eq!(sha, motebok::util::sha256_hex(&bytes), "{file}: files.csv sha256 is not that of the input");
            }
        }
    }
}

/// Inputs named `in/…` live at `env/in/…`.
fn under(env: &Env) -> impl Fn(&str) -> Option<PathBuf> + '_ {
    move |key: &str| Some(env.path(key))
}

fn tree_bytes(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    crate::common::tree(dir)
}

// ---------------------------------------------------------------------------
// 1. Special files and the size cap

#[test]
fn fifo_device_socket_and_oversized_inputs_are_failed_rows_not_hangs() {
    let env = Env::new();
    let input = env.corpus("in", &["002"]);
    let fifo = std::ffi::CString::new(input.join("a.pdf").to_str().unwrap()).unwrap();
    // SAFETY: a valid path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    std::os::unix::fs::symlink("/dev/zero", input.join("z.pdf")).unwrap();
    let _sock = std::os::unix::net::UnixListener::bind(input.join("s.pdf")).unwrap();
    std::fs::copy(crate::common::fixture("001.pdf"), input.join("big.pdf")).unwrap();
    // A FIFO given by name, too.
    let o = env.run_within(false, &["extract", "in", "in/a.pdf", "-o", "o", "--ocr", "never", "--max-file-size", "100K"], Duration::from_secs(60));
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let r = rows(&env.path("o"));
    let by: std::collections::BTreeMap<&str, &[String; 5]> = r.iter().map(|x| (x[0].as_str(), x)).collect();
    assert_eq!(by["in/a.pdf"][2], "not a regular file (a FIFO)");
    assert_eq!(by["in/z.pdf"][2], "not a regular file (a character device)");
    assert_eq!(by["in/s.pdf"][2], "not a regular file (a socket)");
    assert!(by["in/big.pdf"][2].starts_with("larger than --max-file-size (100 KiB)"), "{:?}", by["in/big.pdf"]);
    assert_eq!(by["in/002.pdf"][1], "ok");
    assert_eq!(r.len(), 5, "the FIFO given twice is one row: {r:?}");
    assert_consistent(&env.path("o"), &under(&env));
}

// 2. Symlink loops

#[test]
fn directory_symlink_loops_are_walked_once() {
    let env = Env::new();
    let input = env.corpus("in", &["002"]);
    std::fs::create_dir(input.join("s")).unwrap();
    std::os::unix::fs::symlink("..", input.join("s/u")).unwrap();
    std::os::unix::fs::symlink("../..", input.join("s/w")).unwrap();
    let o = env.run(&["extract", "in", "-o", "o", "--ocr", "never"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let r = rows(&env.path("o"));
    assert_eq!(r.len(), 1, "one PDF, one row: {r:?}");
    assert!(stderr(&o).contains("symbolic link loop"), "{}", stderr(&o));
    assert_consistent(&env.path("o"), &under(&env));
}

// 3 and 4. Long and non-UTF-8 names

#[test]
fn long_and_non_utf8_names_keep_their_rows_and_fit() {
    use std::os::unix::ffi::OsStrExt;
    let env = Env::new();
    let input = env.corpus("in", &[]);
    let long = format!("{}.pdf", "ø".repeat(123)); // 250 bytes
    std::fs::copy(crate::common::fixture("002.pdf"), input.join(&long)).unwrap();
    for raw in [&b"a\xff.pdf"[..], b"a\xfe.pdf", b"100%.pdf"] {
        std::fs::copy(crate::common::fixture("000.pdf"), input.join(std::ffi::OsStr::from_bytes(raw))).unwrap();
    }
    let o = env.run(&["extract", "in", "-o", "o", "--ocr", "never"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = env.path("o");
    let files: BTreeSet<String> = rows(&out).into_iter().map(|r| r[0].clone()).collect();
    let want: BTreeSet<String> =
        ["in/a%FF.pdf", "in/a%FE.pdf", "in/100%25.pdf", &format!("in/{long}")].iter().map(|s| s.to_string()).collect();
    assert_eq!(files, want);
    for e in std::fs::read_dir(out.join("json")).unwrap() {
        assert!(e.unwrap().file_name().len() <= 255);
    }
    // Each row names its file: the escaped key leads back to the bytes.
    let back = |key: &str| -> Option<PathBuf> {
        let mut bytes = Vec::new();
        let b = key.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' {
                bytes.push(u8::from_str_radix(&key[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                bytes.push(b[i]);
                i += 1;
            }
        }
        Some(env.dir.path().join(std::ffi::OsStr::from_bytes(&bytes)))
    };
    assert_consistent(&out, &back);
    // A rerun reuses all four.
    let o = env.run(&["extract", "in", "-o", "o", "--ocr", "never"]);
    assert!(stderr(&o).contains("0 decoded, 4 reused"), "{}", stderr(&o));
}

// 5. An unreadable subfolder

#[test]
fn an_unreadable_subfolder_is_one_failed_row() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let input = env.corpus("in", &["002"]);
    let locked = input.join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::copy(crate::common::fixture("000.pdf"), locked.join("000.pdf")).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let o = env.run_as_nobody(&["extract", "in", "-o", "o", "--ocr", "never"]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let r = rows(&env.path("o"));
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!(r[0][0], "in/002.pdf");
    assert_eq!(r[0][1], "ok");
    assert_eq!(r[1][0], "in/locked");
    assert!(r[1][2].starts_with("cannot list folder: Permission denied"), "{:?}", r[1]);
    assert_consistent(&env.path("o"), &under(&env));
}

// 6. Two runs on one output

#[test]
fn a_second_run_on_the_same_output_exits_2_or_waits() {
    let env = Env::new();
    let _input = env.corpus("in", &["002", "000"]);
    let slow = env.path("slow");
    std::fs::create_dir(&slow).unwrap();
    std::fs::write(slow.join("hang.pdf"), "%MOTEBOK-TEST hang\n").unwrap();
    std::fs::copy(crate::common::fixture("004.pdf"), slow.join("004.pdf")).unwrap();
    let o = env.run(&["extract", "in", "-o", "o", "--ocr", "never"]);
    assert_eq!(code(&o), 0);
    let before = tree_bytes(&env.path("o"));
    let first = env
        .cmd(false, &["extract", "slow", "-o", "o", "--ocr", "never", "--test-faults", "--timeout", "4"].map(std::ffi::OsStr::new))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lock = env.path("o.motebok-lock");
    let t = Instant::now();
    while !std::fs::read_to_string(&lock).is_ok_and(|s| s.trim() == first.id().to_string()) {
        assert!(t.elapsed() < Duration::from_secs(30), "the first run never took the lock");
        std::thread::sleep(Duration::from_millis(10));
    }
    let o = env.run_within(false, &["extract", "in", "-o", "o", "--ocr", "never"], Duration::from_secs(20));
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains(&format!("another motebok run (pid {}) is writing", first.id())), "{}", stderr(&o));
    // --wait: runs after the first one.
    let o = env.run_within(false, &["extract", "in", "-o", "o", "--ocr", "never", "--wait"], Duration::from_secs(60));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("waiting for another motebok run"), "{}", stderr(&o));
    let mut first = first;
    assert_eq!(first.wait().unwrap().code(), Some(1), "the hang file fails, the first run completes");
    // The later run wrote last, and its rows are its own files.
    assert_eq!(tree_bytes(&env.path("o"))["csv/files.csv"], before["csv/files.csv"]);
    assert_consistent(&env.path("o"), &under(&env));
    assert!(!lock.exists(), "the lock file is removed at the end");
    env.assert_no_strays();
}

// 7. Folders of the user's beside the output

#[test]
fn user_folders_named_like_backups_are_never_touched() {
    let env = Env::new();
    env.corpus("in", &["002"]);
    for name in ["o.old", "o.tmp-1", "o.tmp-999999", "o.motebok-tmp-999999999"] {
        std::fs::create_dir(env.path(name)).unwrap();
        std::fs::write(env.path(name).join("thesis.tex"), "precious").unwrap();
    }
    for _ in 0..2 {
        let o = env.run(&["extract", "in", "-o", "o", "--ocr", "never", "--force"]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    // Even with the output gone, o.old is not taken for it.
    std::fs::remove_dir_all(env.path("o")).unwrap();
    let o = env.run(&["extract", "in", "-o", "o", "--ocr", "never"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("o.motebok-tmp-999999999 is not motebok's staging folder; left alone"), "{}", stderr(&o));
    for name in ["o.old", "o.tmp-1", "o.tmp-999999", "o.motebok-tmp-999999999"] {
        assert_eq!(std::fs::read_to_string(env.path(name).join("thesis.tex")).unwrap(), "precious", "{name}");
    }
    assert_consistent(&env.path("o"), &under(&env));
}

// 8. Empty or missing inputs

#[test]
fn empty_or_missing_inputs_keep_the_output_and_exit_2() {
    let env = Env::new();
    env.corpus("in", &["002", "000"]);
    std::fs::create_dir(env.path("empty")).unwrap();
    assert_eq!(code(&env.run(&["extract", "in", "-o", "o", "--ocr", "never"])), 0);
    let before = tree_bytes(&env.path("o"));
    for args in [&["extract", "empty", "-o", "o"][..], &["extract", "gone", "-o", "o"], &["extract", "empty", "gone", "-o", "o"]] {
        let o = env.run(args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert_eq!(tree_bytes(&env.path("o")), before, "{args:?} touched the output");
    }
    let o = env.run(&["extract", "empty", "-o", "o"]);
    assert!(stderr(&o).contains("no input files found in empty; the previous output is left as it is"), "{}", stderr(&o));
    // Asked for: an empty dataset.
    let o = env.run(&["extract", "empty", "-o", "o", "--allow-empty"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("2 removed"), "{}", stderr(&o));
    assert!(rows(&env.path("o")).is_empty());
    assert_consistent(&env.path("o"), &under(&env));
    env.assert_no_strays();
}

// 9. A failed clean-up after a successful swap

#[test]
fn a_failed_cleanup_is_a_warning_and_never_blocks_the_next_run() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.corpus("in", &["002", "000"]);
    let run = |extra: &[&str]| {
        let mut a = vec!["extract", "in", "-o", "o", "--ocr", "never"];
        a.extend(extra);
        env.run_as_nobody(&a)
    };
    assert_eq!(code(&run(&[])), 0);
    // The old output's json/ cannot be emptied: it is swapped out, but not deleted.
    let json = env.path("o/json");
    std::fs::set_permissions(&json, std::fs::Permissions::from_mode(0o555)).unwrap();
    let o = run(&["--force"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("warning: the new output is in place, but the old one could not be deleted"), "{}", stderr(&o));
    let leftover: Vec<String> = env.siblings().into_iter().filter(|n| n.starts_with("o.motebok-tmp-")).collect();
    assert_eq!(leftover.len(), 1, "{leftover:?}");
    assert_consistent(&env.path("o"), &under(&env));
    // The next run is not blocked by it: a warning again.
    let o = run(&["--force"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("warning: cannot delete the leftover"), "{}", stderr(&o));
    assert_consistent(&env.path("o"), &under(&env));
    // Once it can be deleted, the next run does.
    std::fs::set_permissions(env.path(&leftover[0]).join("json"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let o = run(&[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!stderr(&o).contains("motebok: warning"), "{}", stderr(&o));
    env.assert_no_strays();
}

// 10. Closed pipes

#[test]
fn closed_stderr_and_stdout_end_quietly() {
    let env = Env::new();
    env.corpus("in", &["002"]);
    for (args, close_stdout) in [
        (&["extract", "in", "-o", "o", "--ocr", "never", "-v"][..], false),
        (&["extract", "in", "-o", "o", "--ocr", "never", "--json"], true),
        (&["extract", "nothing-here", "-o", "o"], false),
        (&["--help"], true),
    ] {
        let mut child = env
            .cmd(false, &args.iter().map(std::ffi::OsStr::new).collect::<Vec<_>>())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // `2>&1 | true`: the reader is gone before anything is written.
        drop(child.stderr.take());
        if close_stdout {
            drop(child.stdout.take());
        }
        let status = child.wait().unwrap();
        assert_ne!(status.code(), Some(101), "{args:?} panicked");
        assert!(status.code().is_some(), "{args:?} killed by a signal: {status:?}");
    }
    assert_consistent(&env.path("o"), &under(&env));
}

// 11. --out problems, found before any decoding

#[test]
fn out_problems_exit_2_before_decoding() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let input = env.corpus("in", &["002"]);
    // A file that would hold the run for the whole --timeout.
    std::fs::write(input.join("hang.pdf"), "%MOTEBOK-TEST hang\n").unwrap();
    let quick = Duration::from_secs(20);
    let args = |out: &str| vec!["extract", "in", "-o", out, "--ocr", "never", "--test-faults", "--timeout", "60"].into_iter().map(String::from).collect::<Vec<_>>();
    let run = |nobody: bool, out: &str| {
        let a = args(out);
        env.run_within(nobody, &a.iter().map(String::as_str).collect::<Vec<_>>(), quick)
    };
    // A regular file.
    std::fs::write(env.path("file"), "x").unwrap();
    let o = run(false, "file");
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("file: exists and is not a directory"), "{}", stderr(&o));
    // A folder of the user's.
    std::fs::create_dir(env.path("docs")).unwrap();
    std::fs::write(env.path("docs/a.txt"), "x").unwrap();
    let o = run(false, "docs");
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("not a motebok output directory"), "{}", stderr(&o));
    // A read-only parent: without OUT, and with a writable OUT in it.
    let ro = env.path("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    let o = run(true, "ro/o");
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("the folder holding --out must be writable"), "{}", stderr(&o));
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::create_dir(ro.join("o")).unwrap();
    std::fs::set_permissions(ro.join("o"), std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    let o = run(true, "ro/o");
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("the folder holding --out must be writable"), "{}", stderr(&o));
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o777)).unwrap();
    // A read-only output.
    std::fs::set_permissions(ro.join("o"), std::fs::Permissions::from_mode(0o555)).unwrap();
    let o = run(true, "ro/o");
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("is not writable"), "{}", stderr(&o));
    // A full file system.
    let small = env.path("small");
    std::fs::create_dir(&small).unwrap();
    let mounted = Command::new("mount").args(["-t", "tmpfs", "-o", "size=256k", "tmpfs"]).arg(&small).status().is_ok_and(|s| s.success());
    if !mounted {
        crate::common::skip_or_fail("out_problems_exit_2_before_decoding (full file system)", "cannot mount a tmpfs (needs root)");
        return;
    }
    let o = run(false, "small/o");
    let _ = Command::new("umount").arg(&small).status();
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("free in"), "{}", stderr(&o));
}

/// A disk that fills up while the output is written (after the check):
/// exit 2, the previous output as it was.
#[test]
fn a_disk_full_during_the_write_keeps_the_previous_output() {
    let env = Env::new();
    let small = env.path("small");
    std::fs::create_dir(&small).unwrap();
    let mounted = Command::new("mount").args(["-t", "tmpfs", "-o", "size=8m", "tmpfs"]).arg(&small).status().is_ok_and(|s| s.success());
    if !mounted {
        crate::common::skip_or_fail("a_disk_full_during_the_write_keeps_the_previous_output", "cannot mount a tmpfs (needs root)");
        return;
    }
    let result = std::panic::catch_unwind(|| {
        env.corpus("in", &["002"]);
        let o = env.run(&["extract", "in", "-o", "small/o", "--ocr", "never"]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let before = tree_bytes(&small.join("o"));
        // Leave room for the check (1 MiB + the old output outside json/,
        // about 1.3 MB), far less than the next output needs (about 3 MB).
        let c = std::ffi::CString::new(small.to_str().unwrap()).unwrap();
        // SAFETY: statvfs fills the struct; zeroed is a valid start.
        let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
        assert_eq!(unsafe { libc::statvfs(c.as_ptr(), &mut st) }, 0);
        let avail = st.f_bavail as u64 * st.f_frsize as u64;
        std::fs::write(small.join("filler"), vec![1u8; (avail - 1_600_000) as usize]).unwrap();
        for i in 0..6 {
            let d = env.path(&format!("in/c{i}"));
            std::fs::create_dir_all(&d).unwrap();
            for id in ["001", "004"] {
                std::fs::copy(crate::common::fixture(&format!("{id}.pdf")), d.join(format!("{id}.pdf"))).unwrap();
            }
        }
        let o = env.run(&["extract", "in", "-o", "small/o", "--ocr", "never"]);
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        assert!(stderr(&o).contains("No space left on device"), "the check passed, the write failed: {}", stderr(&o));
        assert_eq!(tree_bytes(&small.join("o")), before);
        std::fs::remove_file(small.join("filler")).unwrap();
        let o = env.run(&["extract", "in", "-o", "small/o", "--ocr", "never"]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let left: Vec<String> =
            std::fs::read_dir(&small).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
        assert_eq!(left, ["o"]);
    });
    let _ = Command::new("umount").arg(&small).status();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

// Kill -9 at many moments.

#[test]
fn kill_9_at_many_moments_leaves_old_or_new_output_and_no_strays() {
    let env = Env::new();
    let input = env.path("in");
    for i in 0..12 {
        for id in ["000", "001", "002", "004"] {
            let d = input.join(format!("c{i:02}"));
            std::fs::create_dir_all(&d).unwrap();
            std::fs::copy(crate::common::fixture(&format!("{id}.pdf")), d.join(format!("{id}.pdf"))).unwrap();
        }
    }
    let o = env.run(&["extract", "in", "-o", "o", "--ocr", "never"]);
    assert_eq!(code(&o), 0);
    let mut states = BTreeSet::new();
    let mut t_run = Instant::now();
    let o = env.run(&["extract", "in", "-o", "o", "--ocr", "never", "--force"]);
    assert_eq!(code(&o), 0);
    let full = t_run.elapsed();
    for step in 0..10u32 {
        // Touch one file each time, so old and new outputs differ.
        let victim = input.join(format!("c{:02}/002.pdf", step));
        let mut b = std::fs::read(&victim).unwrap();
        b.extend_from_slice(b"\n");
        std::fs::write(&victim, b).unwrap();
        let before = std::fs::read(env.path("o/csv/files.csv")).unwrap();
        let mut child = env
            .cmd(false, &["extract", "in", "-o", "o", "--ocr", "never", "--force"].map(std::ffi::OsStr::new))
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        t_run = Instant::now();
        std::thread::sleep(full.mul_f64(step as f64 / 9.0 * 1.1));
        child.kill().unwrap();
        child.wait().unwrap();
        let out = env.path("o");
        motebok::output::validate(&out).unwrap_or_else(|p| panic!("kill at step {step}: {:#?}", &p[..p.len().min(5)]));
        let now = std::fs::read(out.join("csv/files.csv")).unwrap();
        states.insert(if now == before { "old" } else { "new" });
        if now != before {
            // A complete new output: every row's sha256 is the input's.
            assert_consistent(&out, &under(&env));
        }
        let _ = t_run;
    }
    eprintln!("outputs seen after kills: {states:?}");
    assert!(states.contains("old"), "no kill landed during a run");
    let o = env.run(&["extract", "in", "-o", "o", "--ocr", "never"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_consistent(&env.path("o"), &under(&env));
    env.assert_no_strays();
    assert!(!env.path("o.motebok-lock").exists());
}
