//! PDF decoding in worker processes.
//!
//! Some PDFs make a PDF library crash (a self-referencing Form XObject
//! overflows the stack: SIGABRT, which `catch_unwind` cannot catch), loop or
//! eat gigabytes. So decoding runs in workers — the `motebok` binary itself,
//! started as `motebok __worker` — each capped in memory (RLIMIT_AS) and
//! given a time limit per file by the parent. A worker that crashes, hangs
//! or blows its cap costs that one file, which fails with a one-line cause,
//! and is replaced; the batch carries on.
//!
//! Protocol: one JSON line per request on the worker's stdin
//! ([`Request`]: a path and the [`DecodeOptions`]), one JSON line per answer
//! on its stdout (`Result<DecodedPdf, PdfError>`). Workers are reused across
//! files; the pool starts them as they are needed (one per job at most) and
//! closes them when it is dropped.
//!
//! Test hook: with `--test-faults`, a worker acts out the fault named by an
//! input that starts with `%MOTEBOK-TEST <fault>` — `crash` (SIGSEGV),
//! `abort`, `hang`, `oom`, `overflow` (a real stack overflow), `panic`,
//! `exit`, `second-engine-overflow` — so tests can show each is survived without poison PDFs.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::pdf::{DecodeOptions, DecodedPdf, PdfError};

/// Why a file yielded no pages at all. The message is the one-line reason
/// written to files.csv.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeFailure(pub String);

/// The first bytes of a test-fault input.
pub const TEST_FAULT_MAGIC: &[u8] = b"%MOTEBOK-TEST ";

/// Decode one file: in a worker of `opts.isolation` when set, else in this
/// process. `bytes` are the file's contents (already read by the caller).
pub fn decode_file(path: &Path, bytes: &[u8], opts: &DecodeOptions) -> Result<DecodedPdf, DecodeFailure> {
    use crate::timing::{time, Stage};
    match &opts.isolation {
        Some(pool) => time(Stage::DecodeRoundtrip, || pool.decode(path, bytes, opts)),
        None => time(Stage::Decode, || crate::pdf::decode(bytes, opts)).map_err(|e| DecodeFailure(e.to_string())),
    }
}

/// How workers are started and limited.
#[derive(Debug, Clone)]
pub struct PoolConfig {
    /// The `motebok` binary.
    pub exe: PathBuf,
    /// Time one file may take.
    pub timeout: Duration,
    /// Address-space cap of each worker, in bytes.
    pub max_memory: Option<u64>,
    /// Pass `--test-faults` to the workers.
    pub test_faults: bool,
}

impl PoolConfig {
    /// Workers are this very binary.
    pub fn current_exe(timeout: Duration, max_memory: Option<u64>, test_faults: bool) -> std::io::Result<PoolConfig> {
        Ok(PoolConfig { exe: std::env::current_exe()?, timeout, max_memory, test_faults })
    }
}

/// Reusable worker processes; usable from many threads at once.
pub struct Pool {
    config: PoolConfig,
    idle: Mutex<Vec<Worker>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool").field("config", &self.config).finish_non_exhaustive()
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Request {
    /// The path's bytes (paths need not be UTF-8).
    path: Vec<u8>,
    options: DecodeOptions,
}

type Answer = Result<DecodedPdf, PdfError>;

/// Why a request to a worker gave no document.
enum Failure {
    /// The decoder's own verdict on the file.
    Pdf(PdfError),
    /// The worker crashed or blew its memory cap.
    WorkerDied(String),
    /// A time-out, or the pool could not do its job.
    Other(String),
}

impl Failure {
    fn into_decode_failure(self) -> DecodeFailure {
        match self {
            Failure::Pdf(e) => DecodeFailure(e.to_string()),
            Failure::WorkerDied(m) | Failure::Other(m) => DecodeFailure(m),
        }
    }
}

impl Pool {
    pub fn new(config: PoolConfig) -> Pool {
        Pool { config, idle: Mutex::new(Vec::new()) }
    }

    pub fn config(&self) -> &PoolConfig {
        &self.config
    }

    /// Decode `path` in a worker (which reads the file itself; `bytes` is
    /// the caller's copy, unused here).
    ///
    /// A file that takes its worker down (crash or memory cap) is tried once
    /// more without the second text engine, pdf-extract, which is where such
    /// faults have been seen: lopdf's pages are then kept, the pages that
    /// needed pdf-extract are reported as failed, and the file is `partial`.
    pub fn decode(&self, path: &Path, bytes: &[u8], opts: &DecodeOptions) -> Result<DecodedPdf, DecodeFailure> {
        let first = self.decode_once(path, bytes, opts);
        let Err(Failure::WorkerDied(cause)) = first else { return first.map_err(Failure::into_decode_failure) };
        if !opts.second_engine {
            return Err(DecodeFailure(cause));
        }
        let retry = DecodeOptions { second_engine: false, ..opts.clone() };
        match self.decode_once(path, bytes, &retry) {
            Ok(mut d) if d.pages.iter().any(|p| p.error.as_deref().is_some_and(|e| e.ends_with(crate::pdf::SECOND_ENGINE_OFF))) => {
                d.warnings.push(format!("the second text engine {cause}; pages it was needed for are not read"));
                Ok(d)
            }
            // The retry did not need pdf-extract, so it was not the culprit
            // (or it failed the same way): report the original cause.
            _ => Err(DecodeFailure(cause)),
        }
    }

    fn decode_once(&self, path: &Path, _bytes: &[u8], opts: &DecodeOptions) -> Result<DecodedPdf, Failure> {
        let request = Request { path: path_bytes(path), options: DecodeOptions { isolation: None, ..opts.clone() } };
        let mut line = serde_json::to_string(&request).map_err(|e| Failure::Other(format!("internal error: {e}")))?;
        line.push('\n');
        // A worker that died while idle shows as a failed write: retry once
        // with a fresh one.
        for attempt in 0..2 {
            let mut worker = match self.checkout() {
                Ok(w) => w,
                Err(e) => return Err(Failure::Other(format!("cannot start a decoding worker: {e}"))),
            };
            if worker.send(&line).is_err() {
                let _ = worker.finish();
                if attempt == 0 {
                    continue;
                }
                return Err(Failure::WorkerDied("crashed: the decoding worker did not take the request".into()));
            }
            return match recv_answer(&worker.answers, self.config.timeout, &mut worker.peak_kb) {
                Ok(Ok(answer)) => match serde_json::from_str::<Answer>(&answer) {
                    Ok(answer) => {
                        self.checkin(worker);
                        answer.map_err(Failure::Pdf)
                    }
                    Err(e) => {
                        worker.kill();
                        Err(Failure::Other(format!("crashed: unreadable answer from the decoding worker ({e})")))
                    }
                },
                Err(RecvTimeoutError::Timeout) => {
                    worker.kill();
                    Err(Failure::Other(format!("timed out after {}", seconds(self.config.timeout))))
                }
                Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => {
                    let (status, stderr) = worker.finish();
                    Err(Failure::WorkerDied(death_cause(status, &stderr, self.config.max_memory)))
                }
            };
        }
        unreachable!("the loop returns on its second pass")
    }

    fn checkout(&self) -> std::io::Result<Worker> {
        if let Some(w) = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop() {
            return Ok(w);
        }
        Worker::spawn(&self.config)
    }

    fn checkin(&self, worker: Worker) {
        self.idle.lock().unwrap_or_else(|p| p.into_inner()).push(worker);
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        let workers = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|p| p.into_inner()));
        for w in workers {
            w.close();
        }
    }
}

fn path_bytes(path: &Path) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy().as_bytes().to_vec()
    }
}

fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        PathBuf::from(std::ffi::OsString::from_vec(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// "60 s", "2.5 s".
fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// "1 GiB", "512 MiB", "1000000 bytes".
pub fn human_size(bytes: u64) -> String {
    for (unit, shift) in [("GiB", 30), ("MiB", 20), ("KiB", 10)] {
        let size = 1u64 << shift;
        if bytes >= size {
            return if bytes.is_multiple_of(size) {
                format!("{} {unit}", bytes / size)
            } else {
                format!("{:.1} {unit}", bytes as f64 / size as f64)
            };
        }
    }
    format!("{bytes} bytes")
}

/// Why a worker died, in one line.
fn death_cause(status: Option<ExitStatus>, stderr: &[u8], max_memory: Option<u64>) -> String {
    let text = String::from_utf8_lossy(stderr);
    if text.contains("has overflowed its stack") {
        return "crashed: stack overflow".into();
    }
    if text.contains("memory allocation of") && text.contains("failed") {
        return match max_memory {
            Some(m) => format!("over memory limit ({})", human_size(m)),
            None => "out of memory".into(),
        };
    }
    let Some(status) = status else { return "crashed: the decoding worker vanished".into() };
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return match signal_name(sig) {
                Some(name) => format!("crashed: signal {sig} ({name})"),
                None => format!("crashed: signal {sig}"),
            };
        }
    }
    let panic = text.lines().skip_while(|l| !l.contains("panicked at")).nth(1).map(str::trim);
    match (status.code(), panic) {
        (Some(code), Some(msg)) if !msg.is_empty() => format!("crashed: exit code {code}: panic: {msg}"),
        (Some(code), _) => format!("crashed: exit code {code}"),
        (None, _) => "crashed".into(),
    }
}

fn signal_name(sig: i32) -> Option<&'static str> {
    Some(match sig {
        libc::SIGABRT => "SIGABRT",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGBUS => "SIGBUS",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGTERM => "SIGTERM",
        libc::SIGPIPE => "SIGPIPE",
        _ => return None,
    })
}

/// The last `STDERR_TAIL` bytes a worker wrote to stderr.
const STDERR_TAIL: usize = 64 << 10;

struct Worker {
    child: Child,
    stdin: Option<ChildStdin>,
    answers: Receiver<std::io::Result<String>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_reader: Option<JoinHandle<()>>,
    /// Peak RSS the worker reported (KiB; timing on only).
    peak_kb: u64,
}

impl Worker {
    fn spawn(config: &PoolConfig) -> std::io::Result<Worker> {
        let mut cmd = Command::new(&config.exe);
        cmd.arg("__worker");
        if let Some(m) = config.max_memory {
            cmd.arg("--max-memory").arg(m.to_string());
        }
        if config.test_faults {
            cmd.arg("--test-faults");
        }
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn()?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().ok_or_else(|| std::io::Error::other("no stdout pipe"))?;
        let mut stderr_pipe = child.stderr.take().ok_or_else(|| std::io::Error::other("no stderr pipe"))?;

        let (tx, answers) = mpsc::channel();
        std::thread::Builder::new().name("motebok-worker-out".into()).spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut line = String::new();
                match reader.read_line(&mut line) {
                    Ok(0) => break,
                    Ok(_) => {
                        if tx.send(Ok(line)).is_err() {
                            break;
                        }
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        break;
                    }
                }
            }
        })?;
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&stderr);
        let stderr_reader = std::thread::Builder::new().name("motebok-worker-err".into()).spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = stderr_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut tail = sink.lock().unwrap_or_else(|p| p.into_inner());
                tail.extend_from_slice(&buf[..n]);
                if tail.len() > STDERR_TAIL {
                    let cut = tail.len() - STDERR_TAIL;
                    tail.drain(..cut);
                }
            }
        })?;
        Ok(Worker { child, stdin, answers, stderr, stderr_reader: Some(stderr_reader), peak_kb: 0 })
    }

    fn send(&mut self, line: &str) -> std::io::Result<()> {
        let stdin = self.stdin.as_mut().ok_or_else(|| std::io::Error::other("stdin closed"))?;
        stdin.write_all(line.as_bytes())?;
        stdin.flush()
    }

    /// Wait for a worker that is dying or dead; its exit status and the end
    /// of what it wrote on stderr.
    fn finish(mut self) -> (Option<ExitStatus>, Vec<u8>) {
        self.stdin = None;
        let status = wait_bounded(&mut self.child, Duration::from_secs(5));
        if let Some(h) = self.stderr_reader.take() {
            // The pipe ends when the process does.
            if status.is_some() {
                let _ = h.join();
            }
        }
        let stderr = std::mem::take(&mut *self.stderr.lock().unwrap_or_else(|p| p.into_inner()));
        (status, stderr)
    }

    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Close an idle worker: it exits at the end of its input.
    fn close(mut self) {
        if crate::timing::enabled() {
            // The worker reports its peak with every answer; it may be gone
            // already (its spawning thread ended).
            let now = crate::timing::peak_rss_kb(Some(self.child.id())).unwrap_or(0);
            crate::timing::worker_peak(self.peak_kb.max(now));
        }
        self.stdin = None;
        let _ = wait_bounded(&mut self.child, Duration::from_secs(2));
    }
}

/// The next answer line of a worker, within `timeout`. With timing on, a
/// worker sends its timing line ([`crate::timing::WORKER_LINE`]) before each
/// answer: it is taken into the totals and skipped.
fn recv_answer(
    answers: &Receiver<std::io::Result<String>>, timeout: Duration, peak_kb: &mut u64,
) -> Result<std::io::Result<String>, RecvTimeoutError> {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let line = answers.recv_timeout(left)?;
        if let Ok(text) = &line {
            if crate::timing::enabled() {
                if let Some((decode, encode, kb)) = crate::timing::parse_worker_line(text) {
                    crate::timing::add(crate::timing::Stage::WorkerDecode, decode);
                    crate::timing::add(crate::timing::Stage::WorkerEncode, encode);
                    *peak_kb = (*peak_kb).max(kb);
                    continue;
                }
            }
        }
        return Ok(line);
    }
}

/// Wait up to `limit` for `child` to exit, then kill it.
fn wait_bounded(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let start = std::time::Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if start.elapsed() < limit => std::thread::sleep(Duration::from_millis(5)),
            Ok(None) => {
                let _ = child.kill();
                return child.wait().ok();
            }
            Err(_) => return None,
        }
    }
}

// ---------------------------------------------------------------------------
// The worker side

/// Why a worker stopped serving before its stdin ended.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot set up the answer channel: {0}")]
    Stdout(std::io::Error),
    #[error("cannot set the memory limit: {0}")]
    MemoryLimit(std::io::Error),
    #[error("cannot read requests: {0}")]
    Stdin(std::io::Error),
    #[error("bad request: {0}")]
    BadRequest(serde_json::Error),
}

/// `motebok __worker`: serve decode requests on stdin/stdout until stdin
/// ends (or the parent goes away).
pub fn serve(max_memory: Option<u64>, test_faults: bool) -> Result<(), ServeError> {
    // Answers go to a private copy of stdout; anything a library prints
    // lands on stderr and cannot corrupt the protocol.
    let out = private_stdout().map_err(ServeError::Stdout)?;
    die_with_parent();
    let timing = crate::timing::init(true);
    if let Some(limit) = max_memory {
        limit_memory(limit).map_err(ServeError::MemoryLimit)?;
    }
    let mut out = std::io::LineWriter::new(out);
    let stdin = std::io::stdin();
    let mut line = String::new();
    let mut input = stdin.lock();
    loop {
        line.clear();
        match input.read_line(&mut line) {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(ServeError::Stdin(e)),
        }
        let started = std::time::Instant::now();
        let answer: Answer = match serde_json::from_str::<Request>(&line) {
            Ok(req) => {
                let path = path_from_bytes(req.path);
                // Non-blocking, regular files only: a FIFO swapped in since
                // the parent looked is refused, not waited on.
                match crate::util::read_input(&path, u64::MAX) {
                    Ok(bytes) => {
                        if test_faults {
                            act_out_fault(&bytes, &req.options);
                        }
                        crate::pdf::decode(&bytes, &req.options)
                    }
                    Err(crate::util::ReadError::Io(e)) => Err(PdfError::Io(e.to_string())),
                    Err(e) => Err(PdfError::Io(e.to_string())),
                }
            }
            Err(e) => return Err(ServeError::BadRequest(e)),
        };
        let decoded = started.elapsed();
        let text = match serde_json::to_string(&answer) {
            Ok(t) => t,
            Err(e) => serde_json::to_string(&Answer::Err(PdfError::Crashed(format!("unencodable answer: {e}"))))
                .unwrap_or_default(),
        };
        if timing {
            let encoded = started.elapsed() - decoded;
            let kb = crate::timing::peak_rss_kb(None).unwrap_or(0);
            let _ = writeln!(out, "{}{} {} {kb}", crate::timing::WORKER_LINE, decoded.as_nanos(), encoded.as_nanos());
        }
        if writeln!(out, "{text}").and_then(|_| out.flush()).is_err() {
            return Ok(()); // the parent went away
        }
    }
}

#[cfg(unix)]
fn private_stdout() -> std::io::Result<std::fs::File> {
    use std::os::fd::FromRawFd;
    // SAFETY: plain fd calls on the process's own standard descriptors.
    unsafe {
        let fd = libc::dup(1);
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        if libc::dup2(2, 1) < 0 {
            return Err(std::io::Error::last_os_error());
        }
        libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
        Ok(std::fs::File::from_raw_fd(fd))
    }
}

#[cfg(not(unix))]
fn private_stdout() -> std::io::Result<std::fs::File> {
    Err(std::io::Error::other("worker mode needs a Unix system"))
}

/// A worker whose parent dies (killed with SIGKILL, say) is killed too.
/// (Linux sends the signal when the spawning *thread* ends; the rayon
/// threads that spawn workers live as long as the batch, and idle workers
/// are expendable.)
fn die_with_parent() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with constant arguments.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        // The parent may have died before prctl: then stdin is closed
        // already and the loop ends at once.
    }
}

#[cfg(unix)]
fn limit_memory(bytes: u64) -> std::io::Result<()> {
    let limit = libc::rlimit { rlim_cur: bytes as libc::rlim_t, rlim_max: bytes as libc::rlim_t };
    // SAFETY: setrlimit reads the struct we pass.
    if unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(not(unix))]
fn limit_memory(_bytes: u64) -> std::io::Result<()> {
    Ok(())
}

/// Act out the fault named by a `%MOTEBOK-TEST <fault>` input.
///
/// `second-engine-overflow` overflows the stack only while the second text
/// engine is on, and otherwise decodes the rest of the file (a PDF may
/// follow the marker line): it plays a PDF that crashes pdf-extract.
fn act_out_fault(bytes: &[u8], opts: &DecodeOptions) {
    let Some(rest) = bytes.strip_prefix(TEST_FAULT_MAGIC) else { return };
    let word: Vec<u8> = rest.iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'-').copied().collect();
    match &word[..] {
        b"second-engine-overflow" if opts.second_engine => act_out_fault(b"%MOTEBOK-TEST overflow", opts),
        b"crash" => {
            #[cfg(unix)]
            // SAFETY: restore the default action, then raise: the process
            // dies of SIGSEGV as on a real invalid memory access.
            unsafe {
                libc::signal(libc::SIGSEGV, libc::SIG_DFL);
                libc::raise(libc::SIGSEGV);
            }
            std::process::abort();
        }
        b"abort" => std::process::abort(),
        b"hang" => loop {
            std::thread::sleep(Duration::from_secs(3600));
        },
        b"oom" => {
            let mut hog: Vec<Vec<u8>> = Vec::new();
            loop {
                // Touch every page so the memory is real, not just reserved.
                hog.push(vec![1u8; 64 << 20]);
                std::hint::black_box(&hog);
            }
        }
        b"overflow" => {
            #[allow(unconditional_recursion)]
            fn recurse(depth: u64, buf: &mut [u8; 1024]) -> u64 {
                let mut local = [0u8; 1024];
                local[(depth % 1024) as usize] = buf[(depth % 1024) as usize].wrapping_add(1);
                let r = recurse(std::hint::black_box(depth + 1), std::hint::black_box(&mut local));
                r + local[0] as u64
            }
            let mut start = [0u8; 1024];
            std::hint::black_box(recurse(0, &mut start));
        }
        b"panic" => panic!("test fault: panic outside the decoder"),
        b"exit" => std::process::exit(3),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(1 << 30), "1 GiB");
        assert_eq!(human_size(512 << 20), "512 MiB");
        assert_eq!(human_size(1536 << 20), "1.5 GiB");
        assert_eq!(human_size(1000), "1000 bytes");
        assert_eq!(seconds(Duration::from_secs(60)), "60 s");
    }

    #[test]
    fn causes_of_death() {
        assert_eq!(
            death_cause(None, b"\nthread 'main' has overflowed its stack\nfatal runtime error: stack overflow", None),
            "crashed: stack overflow"
        );
        assert_eq!(
            death_cause(None, b"memory allocation of 67108864 bytes failed\n", Some(1 << 30)),
            "over memory limit (1 GiB)"
        );
    }
}
