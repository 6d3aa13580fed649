//! Issue 13, operators and archivists: stable file keys, `sources.csv`
//! provenance, retried failures, validated options, short flags, the JSON
//! summary, help texts, and the README's example against real output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_motebok");

fn motebok(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let o = Command::new(BIN).args(args).current_dir(dir).envs(env.iter().copied()).output().unwrap();
    eprintln!("motebok {args:?}: {:?}\n{}", o.status.code(), String::from_utf8_lossy(&o.stderr));
    o
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn corpus(dir: &Path, name: &str, ids: &[&str]) -> PathBuf {
    let d = dir.join(name);
    std::fs::create_dir_all(&d).unwrap();
    for id in ids {
        std::fs::copy(crate::common::fixture(&format!("{id}.pdf")), d.join(format!("{id}.pdf"))).unwrap();
    }
    d
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

/// `files.csv` as header → value maps.
fn files_csv(out: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(out.join("csv/files.csv")).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records().map(|x| h.iter().cloned().zip(x.unwrap().iter().map(String::from)).collect()).collect()
}

#[test]
fn file_keys_do_not_depend_on_how_the_folder_is_typed_and_never_leak_its_place() {
    let t = tempfile::tempdir().unwrap();
    corpus(t.path(), "upper", &["000", "002"]);
    let abs = t.path().join("upper");
    let abs = abs.to_str().unwrap();
    let o = motebok(t.path(), &["extract", "upper", "-o", "o", "--ocr", "never"], &[]);
    assert_eq!(o.status.code(), Some(0));
    for typed in ["./upper", abs, "upper/"] {
        let o = motebok(t.path(), &["extract", typed, "-o", "o", "--ocr", "never"], &[]);
        assert!(err(&o).contains("files 0 added, 0 changed, 0 removed"), "{typed}: {}", err(&o));
        assert!(err(&o).contains("0 decoded, 2 reused"), "{typed}: {}", err(&o));
    }
    // From elsewhere, by absolute path: the same keys.
    let o = motebok(Path::new("/"), &["extract", abs, "-o", t.path().join("o").to_str().unwrap(), "--ocr", "never"], &[]);
    assert!(err(&o).contains("0 decoded, 2 reused"), "{}", err(&o));
    let keys: Vec<String> = files_csv(&t.path().join("o")).into_iter().map(|r| r["file"].clone()).collect();
    assert_eq!(keys, ["upper/000.pdf", "upper/002.pdf"]);
    // Nothing of the machine's paths in any output file.
    let where_ = t.path().to_str().unwrap().as_bytes();
    for (name, bytes) in crate::common::tree(&t.path().join("o")) {
        assert!(!bytes.windows(where_.len()).any(|w| w == where_), "{name} holds an absolute path");
    }
    // --root: keys relative to it.
    let o = motebok(t.path(), &["extract", "upper", "-o", "r", "--root", "upper", "--ocr", "never"], &[]);
    assert_eq!(o.status.code(), Some(0));
    let keys: Vec<String> = files_csv(&t.path().join("r")).into_iter().map(|r| r["file"].clone()).collect();
    assert_eq!(keys, ["000.pdf", "002.pdf"]);
    // Two folders of one name: a clear error before any work.
    corpus(t.path(), "a/in", &["000"]);
    corpus(t.path(), "b/in", &["000"]);
    let o = motebok(t.path(), &["extract", "a/in", "b/in", "-o", "x"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("two different files have the key \"in/000.pdf\""), "{}", err(&o));
    assert!(!t.path().join("x").exists());
}

#[test]
fn sources_csv_is_carried_into_files_csv_json_and_datapackage() {
    let t = tempfile::tempdir().unwrap();
    let input = corpus(t.path(), "in", &["000", "002"]);
    std::fs::write(
        input.join("sources.csv"),
        "file,url,retrieved,publisher,license\n\
         002.pdf,https://www.ehelse.no/moter/nuit/referat-4-2021.pdf,2021-10-01,Direktoratet for e-helse,NLOD-2.0\n\
         000.pdf,https://www.ehelse.no/moter/nuit/2-2022.pdf,2022-03-15T08:00:00Z,Direktoratet for e-helse,\n",
    )
    .unwrap();
    let o = motebok(t.path(), &["extract", "in", "-o", "o", "--ocr", "never"], &[]);
    assert_eq!(o.status.code(), Some(0));
    let out = t.path().join("o");
    let rows = files_csv(&out);
    assert_eq!(rows[1]["file"], "in/002.pdf");
    assert_eq!(rows[1]["url"], "https://www.ehelse.no/moter/nuit/referat-4-2021.pdf");
    assert_eq!(rows[1]["retrieved"], "2021-10-01");
    assert_eq!(rows[1]["publisher"], "Direktoratet for e-helse");
    let rec = json(&out.join("json/002.json"));
    assert_eq!(rec["source"]["origin"]["url"], "https://www.ehelse.no/moter/nuit/referat-4-2021.pdf");
    assert_eq!(rec["source"]["origin"]["license"], "NLOD-2.0");
    let pkg = json(&out.join("datapackage.json"));
    assert_eq!(pkg["created"], "2022-03-15T08:00:00Z");
    assert_eq!(pkg["sources"], serde_json::json!([{"title": "Direktoratet for e-helse", "path": "https://www.ehelse.no/"}]));
    assert_eq!(pkg["licenses"], serde_json::json!([{"name": "NLOD-2.0"}]));
    let version = pkg["version"].as_str().unwrap();
    assert!(version.starts_with(&format!("{}+", env!("CARGO_PKG_VERSION"))), "{version}");
    motebok::output::validate(&out).unwrap();
    // A rerun writes the same bytes; a changed sources.csv rewrites the JSON.
    let before = crate::common::tree(&out);
    let o = motebok(t.path(), &["extract", "in", "-o", "o", "--ocr", "never"], &[]);
    assert!(err(&o).contains("0 decoded, 2 reused"));
    let mut after = crate::common::tree(&out);
    after.remove("changes.json");
    let mut b = before.clone();
    b.remove("changes.json");
    assert_eq!(after, b);
    std::fs::write(input.join("sources.csv"), "file,publisher\n002.pdf,NUIT\n").unwrap();
    motebok(t.path(), &["extract", "in", "-o", "o", "--ocr", "never"], &[]);
    assert_eq!(json(&out.join("json/002.json"))["source"]["origin"]["publisher"], "NUIT");
    assert!(json(&out.join("json/000.json"))["source"].get("origin").is_none());
    assert!(json(&out.join("datapackage.json")).get("created").is_none(), "no retrieval date, no created");
    motebok::output::validate(&out).unwrap();
    // A malformed sources.csv stops the run and names the line.
    std::fs::write(input.join("sources.csv"), "file,retrieved\n002.pdf,yesterday\n").unwrap();
    let o = motebok(t.path(), &["extract", "in", "-o", "o", "--ocr", "never"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("sources.csv:2: retrieved \"yesterday\""), "{}", err(&o));
}

#[test]
fn failed_files_are_retried_on_the_next_run() {
    let t = tempfile::tempdir().unwrap();
    corpus(t.path(), "in", &["002", "000"]);
    let o = motebok(t.path(), &["extract", "in", "-o", "o", "--ocr", "never", "--max-memory", "1K"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(files_csv(&t.path().join("o")).iter().all(|r| r["status"] == "failed"));
    let o = motebok(t.path(), &["extract", "in", "-o", "o", "--ocr", "never"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(err(&o).contains("2 decoded, 0 reused, 2 retried"), "{}", err(&o));
    assert!(files_csv(&t.path().join("o")).iter().all(|r| r["status"] == "ok"));
    let o = motebok(t.path(), &["extract", "in", "-o", "o", "--ocr", "never"], &[]);
    assert!(err(&o).contains("0 decoded, 2 reused, 0 retried"), "{}", err(&o));
}

/// One page of the scan fixture as a PDF of its own (an image only).
fn one_page_scan() -> Vec<u8> {
    let bytes = std::fs::read(crate::common::fixture("scanned/002-scan.pdf")).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let (dict, data) = doc
        .objects
        .values()
        .find_map(|o| match o {
            lopdf::Object::Stream(s) if s.dict.get(b"Subtype").and_then(|v| v.as_name()).ok() == Some(b"Image") => {
                Some((s.dict.clone(), s.content.clone()))
            }
            _ => None,
        })
        .expect("an image in the scan");
    let w = dict.get(b"Width").unwrap().as_i64().unwrap();
    let h = dict.get(b"Height").unwrap().as_i64().unwrap();
    let cs = String::from_utf8_lossy(dict.get(b"ColorSpace").unwrap().as_name().unwrap()).to_string();
    // 200 dpi → points.
    let (pw, ph) = (w * 72 / 200, h * 72 / 200);
    let content = format!("q {pw} 0 0 {ph} 0 0 cm /Im0 Do Q");
    let mut image = format!("<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /{cs} /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n", data.len()).into_bytes();
    image.extend_from_slice(&data);
    image.extend_from_slice(b"\nendstream");
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {pw} {ph}] /Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>").into_bytes(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()).into_bytes(),
        image,
    ];
    motebok::pdfgen::raw_pdf(&objects)
}

#[test]
fn a_scan_read_without_tesseract_is_read_again_once_it_is_there() {
    let cfg = motebok::ocr::OcrConfig::from_env();
    if let Err(why) = motebok::ocr::check_tesseract(&cfg).and_then(|_| motebok::ocr::check_pdftoppm(&cfg)) {
        crate::common::skip_or_fail("a_scan_read_without_tesseract_is_read_again_once_it_is_there", &why);
        return;
    }
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join("in")).unwrap();
    std::fs::write(t.path().join("in/scan.pdf"), one_page_scan()).unwrap();
    let o = motebok(t.path(), &["extract", "in", "-o", "o"], &[("MOTEBOK_TESSERACT", "/nonexistent/tesseract")]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(files_csv(&t.path().join("o"))[0]["status"], "no_text");
    let o = motebok(t.path(), &["extract", "in", "-o", "o"], &[]);
    assert!(err(&o).contains("1 decoded, 0 reused, 1 retried"), "{}", err(&o));
    let row = &files_csv(&t.path().join("o"))[0];
    assert_eq!(row["status"], "ok", "{row:?}");
    assert_eq!(row["engines"], "ocr");
}

#[test]
fn options_are_validated_with_clear_messages() {
    let t = tempfile::tempdir().unwrap();
    corpus(t.path(), "in", &["002"]);
    for (args, want) in [
        (&["-j", "0"][..], "invalid value '0' for '--jobs <JOBS>': must be at least 1"),
        (&["--jobs", "-1"], "invalid value '-1' for '--jobs <JOBS>': must be at least 1"),
        (&["--timeout", "0"], "must be at least 1 second, got 0"),
        (&["--timeout", "-1"], "must be at least 1 second, got -1"),
        (&["--timeout", "1.5"], "not a whole number of seconds"),
        (&["--max-file-size", "-1G"], "size must be positive"),
        (&["-q", "-v"], "cannot be used with"),
    ] {
        let mut a = vec!["extract", "in", "-o", "o"];
        a.extend(args);
        let o = motebok(t.path(), &a, &[]);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(err(&o).contains(want), "{args:?}: {}", err(&o));
        assert!(!err(&o).contains("'-- -1'"), "{args:?}: clap's tip would make -1 a path");
        assert!(!t.path().join("o").exists());
    }
}

#[test]
fn short_flags_quiet_verbose_and_the_json_summary() {
    let t = tempfile::tempdir().unwrap();
    corpus(t.path(), "in", &["002", "000"]);
    std::fs::write(t.path().join("in/bad.pdf"), "<html>").unwrap();
    let o = motebok(t.path(), &["extract", "in", "-o", "o", "-j", "1", "-q", "--ocr", "never"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(err(&o), "", "--quiet prints nothing when nothing is wrong with the run itself");
    let o = motebok(t.path(), &["extract", "in", "-o", "o", "-v", "--ocr", "never", "--force"], &[]);
    assert!(err(&o).contains("motebok: in/bad.pdf [forced] failed: not a PDF"), "{}", err(&o));
    // --jobs far above the cores and the files: capped (and as fast as -j 1).
    let o = motebok(t.path(), &["extract", "in", "-o", "o", "--json", "--jobs", "100000", "--ocr", "never", "--summary-json", "s.json"], &[]);
    assert_eq!(o.status.code(), Some(1));
    let s: Value = serde_json::from_slice(&o.stdout).expect("one JSON object on stdout");
    assert_eq!(s, json(&t.path().join("s.json")));
    assert_eq!(s["exit_code"], 1);
    assert_eq!(s["files"], 3);
    assert_eq!(s["failed"], 1);
    assert_eq!(s["reused"], 2);
    assert_eq!(s["retried"], 1);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) as u64;
    assert!(s["jobs"].as_u64().unwrap() <= cores.max(3), "{}", s["jobs"]);
    assert_eq!(s["problems"][0]["file"], "in/bad.pdf");
    assert_eq!(s["changes"]["files"]["unchanged"], 3);
    // A run that writes nothing says why, in the JSON too.
    let o = motebok(t.path(), &["extract", "nothing", "-o", "o", "--json"], &[]);
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s["exit_code"], 2);
    assert!(s["error"].as_str().unwrap().contains("nothing: no such file or directory"));
}

#[test]
fn help_says_what_a_bare_motebok_does_and_eval_points_to_no_missing_script() {
    let t = tempfile::tempdir().unwrap();
    let o = motebok(t.path(), &["--help"], &[]);
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(help.contains("Without a command, motebok runs its demo"), "{help}");
    assert!(help.contains("Exit codes: 0 ok; 1"), "{help}");
    let o = motebok(t.path(), &["eval", "--help"], &[]);
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(!help.contains("shared/"), "{help}");
    // Outside a clone there is no demo to run: say so.
    let o = motebok(t.path(), &[], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("no ./fixtures here"), "{}", err(&o));
}

/// The README's per-file JSON example has the keys a real run writes.
#[test]
fn readme_example_json_matches_real_output() {
    let readme = std::fs::read_to_string(crate::common::root().join("README.md")).unwrap();
    let start = readme.find("```json\n{\n  \"source\"").expect("the per-file JSON example in README.md");
    let block = &readme[start + 8..];
    let block = &block[..block.find("```").unwrap()];
    let t = tempfile::tempdir().unwrap();
    let o = motebok(t.path(), &["extract", crate::common::fixture("").to_str().unwrap(), "-o", "o", "--ocr", "never"], &[]);
    assert!(o.status.code().is_some());
    let rec = json(&t.path().join("o/json/002.json"));
    // Keys as they appear in the example, in order: `"key":`.
    let keys_in = |text: &str| -> Vec<String> {
        let mut v = Vec::new();
        let mut rest = text;
        while let Some(i) = rest.find('"') {
            let after = &rest[i + 1..];
            let Some(j) = after.find('"') else { break };
            if after[j + 1..].starts_with(':') {
                v.push(after[..j].to_string());
            }
            rest = &after[j + 1..];
        }
        v
    };
    let mut example: Vec<String> = keys_in(block);
    let mut real: Vec<String> = keys_in(&serde_json::to_string(&rec).unwrap());
    example.sort();
    example.dedup();
    real.sort();
    real.dedup();
    let missing: Vec<&String> = real.iter().filter(|k| !example.contains(k) && k.as_str() != "origin").collect();
    let unknown: Vec<&String> = example.iter().filter(|k| !real.contains(k)).collect();
    assert!(missing.is_empty() && unknown.is_empty(), "README example keys: missing {missing:?}, not in the output {unknown:?}");
    // Its figures are those of the real file.
    let src = &rec["source"];
    assert!(block.contains(&format!("\"file\": \"{}\"", src["file"].as_str().unwrap())), "file");
    assert!(block.contains(&format!("\"sha256\": \"{}…\"", &src["sha256"].as_str().unwrap()[..4])), "sha256");
    assert!(block.contains(&format!("\"bytes\": {}", src["bytes"])), "bytes");
    assert!(block.contains(&format!("\"chars\": {}", rec["pages"][0]["chars"])), "chars of page 1");
}

/// On a terminal: files done, rate, ETA and the current file, moving page
/// by page while OCR reads a scan. (`script` gives the run a terminal.)
#[test]
fn progress_shows_rate_eta_and_ocr_pages_on_a_terminal() {
    let cfg = motebok::ocr::OcrConfig::from_env();
    if let Err(why) = motebok::ocr::check_tesseract(&cfg).and_then(|_| motebok::ocr::check_pdftoppm(&cfg)) {
        crate::common::skip_or_fail("progress_shows_rate_eta_and_ocr_pages_on_a_terminal", &why);
        return;
    }
    if Command::new("script").arg("--version").output().is_err() {
        crate::common::skip_or_fail("progress_shows_rate_eta_and_ocr_pages_on_a_terminal", "no `script` command (util-linux)");
        return;
    }
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join("in")).unwrap();
    std::fs::write(t.path().join("in/scan.pdf"), one_page_scan()).unwrap();
    std::fs::copy(crate::common::fixture("002.pdf"), t.path().join("in/002.pdf")).unwrap();
    let o = Command::new("script")
        .args(["-qec", &format!("{BIN} extract in -o o -j 1"), "/dev/null"])
        .current_dir(t.path())
        .output()
        .unwrap();
    let screen = String::from_utf8_lossy(&o.stdout).replace('\r', "\n");
    assert!(screen.contains("OCR page 1/1 of in/scan.pdf"), "{screen}");
    assert!(screen.contains("/2 files") && screen.contains("/s ETA "), "{screen}");
    // Not on a terminal (and with --quiet): no bar at all.
    let o = motebok(t.path(), &["extract", "in", "-o", "o2", "-q"], &[]);
    assert_eq!(err(&o), "");
}
