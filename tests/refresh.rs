//! Incremental runs (issue 4): a rerun over unchanged input decodes
//! nothing and writes the same bytes; a touched file is re-extracted alone
//! and named in changes.json; removed files, rule changes and --force;
//! --strict fails a run whose report has errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_motebok");

/// Run `motebok extract` over `inputs`; exit code and stderr.
fn run(inputs: &[&Path], out: &Path, extra: &[&str]) -> (i32, String) {
    let o = Command::new(BIN)
        .arg("extract")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .args(["--ocr", "never", "--jobs", "2"])
        .args(extra)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    (o.status.code().unwrap_or(-1), err)
}

use crate::common::tree;

fn changes(out: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(out.join("changes.json")).unwrap()).unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect()
}

/// Copies of the five dev fixtures in `dir/in`.
fn corpus(dir: &Path) -> PathBuf {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    for id in ["000", "001", "002", "003", "004"] {
        std::fs::copy(crate::common::fixture(&format!("{id}.pdf")), input.join(format!("{id}.pdf"))).unwrap();
    }
    input
}

#[test]
fn rerun_decodes_nothing_and_is_byte_identical() {
    let t = tempfile::tempdir().unwrap();
    let input = corpus(t.path());
    let out = t.path().join("out");
    let (code, err) = run(&[&input], &out, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("files 5 added, 0 changed, 0 removed; meetings 7 added"), "{err}");
    assert!(err.contains("5 decoded, 0 reused"), "{err}");
    let c = changes(&out);
    assert_eq!(c["first_run"], true);
    assert_eq!(c["items"]["added"].as_array().unwrap().len(), 56);
    let first = tree(&out);
    for f in ["manifest.json", "changes.json", "report.md", "report.json", "motebok.sqlite", "metadata.json", "datapackage.json"] {
        assert!(first.contains_key(f), "{f}");
    }
    let manifest: Value = serde_json::from_slice(&first["manifest.json"]).unwrap();
    let e = &manifest["files"][2];
    assert!(e["file"].as_str().unwrap().ends_with("in/002.pdf"));
    assert_eq!(e["json"], "json/002.json");
    assert_eq!(e["motebok_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(e["rules_fingerprint"], motebok::rules::Rules::embedded().fingerprint);
    assert_eq!(e["sha256"].as_str().unwrap(), motebok::util::sha256_hex(&std::fs::read(input.join("002.pdf")).unwrap()));

    let (code, err) = run(&[&input], &out, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 decoded, 5 reused"), "{err}");
    assert!(err.contains("files 0 added, 0 changed, 0 removed; meetings 0 added, 0 changed, 0 removed; items 0 added, 0 changed, 0 removed"), "{err}");
    let second = tree(&out);
    let c = changes(&out);
    assert_eq!((c["first_run"].as_bool(), c["extraction"]["decoded"].as_u64()), (Some(false), Some(0)));
    assert_eq!(c["files"]["unchanged"], 5);
    // Everything but the changelog is byte-identical, the SQLite file included.
    let strip = |mut t: BTreeMap<String, Vec<u8>>| {
        t.remove("changes.json");
        t
    };
    assert_eq!(strip(first.clone()).keys().collect::<Vec<_>>(), strip(second.clone()).keys().collect::<Vec<_>>());
    for (k, v) in strip(first) {
        assert!(second[&k] == v, "{k} differs on the rerun");
    }
    // A third run equals the second, changelog included.
    run(&[&input], &out, &[]);
    assert_eq!(tree(&out), second);
    motebok::output::validate(&out).unwrap_or_else(|p| panic!("{p:#?}"));
}

#[test]
fn touched_file_is_reextracted_alone_and_named() {
    let t = tempfile::tempdir().unwrap();
    let input = corpus(t.path());
    let out = t.path().join("out");
    assert_eq!(run(&[&input], &out, &[]).0, 0);
    let old_json = std::fs::read(out.join("json/002.json")).unwrap();

    // Touch 002.pdf: a byte appended after %%EOF (still a valid PDF).
    let p = input.join("002.pdf");
    let mut bytes = std::fs::read(&p).unwrap();
    bytes.extend_from_slice(b"\n");
    std::fs::write(&p, &bytes).unwrap();
    let (code, err) = run(&[&input], &out, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("files 0 added, 1 changed, 0 removed"), "{err}");
    assert!(err.contains("1 decoded, 4 reused"), "{err}");
    let c = changes(&out);
    // Keyed by the path under the folder given, never the absolute path.
    let name = "in/002.pdf".to_string();
    assert_eq!(strings(&c["files"]["changed"]), vec![name.clone()]);
    assert_eq!(c["extraction"]["decoded_files"], serde_json::json!([{"file": name, "reason": "changed"}]));
    let new_json = std::fs::read(out.join("json/002.json")).unwrap();
    assert_ne!(old_json, new_json, "new sha256 and size recorded");
    // Same text: the merged meeting and its saker are unchanged.
    assert_eq!(c["meetings"]["changed"].as_array().unwrap().len(), 0);
    // The incremental run wrote what a fresh run over the same inputs
    // writes, byte for byte (page text of the reused files included).
    let fresh = t.path().join("fresh");
    assert_eq!(run(&[&input], &fresh, &[]).0, 0);
    let strip = |mut t: BTreeMap<String, Vec<u8>>| {
        t.remove("changes.json");
        t
    };
    assert!(strip(tree(&out)) == strip(tree(&fresh)), "incremental and fresh outputs differ");

    // Remove 000.pdf: the file and NUIT 2/2022 with its three saker are gone.
    std::fs::remove_file(input.join("000.pdf")).unwrap();
    let (_, err) = run(&[&input], &out, &[]);
    assert!(err.contains("0 decoded, 4 reused"), "{err}");
    let c = changes(&out);
    assert_eq!(strings(&c["files"]["removed"]), vec!["in/000.pdf"]);
    assert_eq!(strings(&c["meetings"]["removed"]), vec!["NUIT 2/2022"]);
    assert_eq!(strings(&c["items"]["removed"]), vec!["NUIT sak 13/2022", "NUIT sak 14/2022", "NUIT sak 15/2022"]);

    // Add the minutes of a meeting whose agenda is already in: the meeting changes.
    let pair = t.path().join("pair");
    std::fs::create_dir(&pair).unwrap();
    let agenda = std::fs::read_to_string(crate::common::root().join("fixtures/pairs/nufa-1-2024-agenda.txt")).unwrap();
    let minutes = std::fs::read_to_string(crate::common::root().join("fixtures/pairs/nufa-1-2024-minutes.txt")).unwrap();
    std::fs::write(pair.join("a.pdf"), crate::common::helvetica_pdf(&agenda, 60)).unwrap();
    run(&[&input, &pair], &out, &[]);
    assert_eq!(strings(&changes(&out)["meetings"]["added"]), vec!["NUFA 1/2024"]);
    std::fs::write(pair.join("m.pdf"), crate::common::helvetica_pdf(&minutes, 60)).unwrap();
    let (_, err) = run(&[&input, &pair], &out, &[]);
    assert!(err.contains("1 decoded, 5 reused"), "{err}");
    let c = changes(&out);
    assert_eq!(strings(&c["meetings"]["changed"]), vec!["NUFA 1/2024"]);
    assert_eq!(c["items"]["changed"].as_array().unwrap().len(), 5, "every sak gets its decision: {c:#}");

    // --force re-extracts everything.
    let (_, err) = run(&[&input, &pair], &out, &["--force"]);
    assert!(err.contains("6 decoded, 0 reused"), "{err}");
    assert!(changes(&out)["extraction"]["decoded_files"].as_array().unwrap().iter().all(|d| d["reason"] == "forced"));

    // Other rules re-extract everything.
    let rules = t.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    let months = std::fs::read_to_string(crate::common::root().join("rules/months.toml")).unwrap();
    std::fs::write(rules.join("months.toml"), format!("{months}\n# a comment changes the fingerprint\n")).unwrap();
    let (_, err) = run(&[&input, &pair], &out, &["--rules", rules.to_str().unwrap()]);
    assert!(err.contains("6 decoded, 0 reused"), "{err}");
    assert!(changes(&out)["extraction"]["decoded_files"].as_array().unwrap().iter().all(|d| d["reason"] == "rules"));
    // And back to the built-in rules: again.
    let (_, err) = run(&[&input, &pair], &out, &[]);
    assert!(err.contains("6 decoded, 0 reused"), "{err}");
}

#[test]
fn strict_fails_on_error_findings() {
    let t = tempfile::tempdir().unwrap();
    let input = t.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let minutes = std::fs::read_to_string(crate::common::root().join("fixtures/pairs/nufa-1-2024-minutes.txt")).unwrap();
    std::fs::write(input.join("ok.pdf"), crate::common::helvetica_pdf(&minutes, 60)).unwrap();
    let out = t.path().join("out");
    let (code, err) = run(&[&input], &out, &["--strict"]);
    assert_eq!(code, 0, "no error findings: {err}");
    // Minutes of meeting 2/2024 dated 2023: the date is outside the meeting's year.
    let wrong = minutes.replace("Møte 1/2024", "Møte 2/2024").replace("7. mars 2024", "7. mars 2023");
    std::fs::write(input.join("wrong.pdf"), crate::common::helvetica_pdf(&wrong, 60)).unwrap();
    let (code, err) = run(&[&input], &out, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("report: 1 errors") || err.contains("report: 2 errors"), "{err}");
    let (code, err) = run(&[&input], &out, &["--strict"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--strict"), "{err}");
    let report: Value = serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let errors: Vec<&Value> = report["findings"].as_array().unwrap().iter().filter(|f| f["level"] == "error").collect();
    assert!(errors.iter().any(|f| f["code"] == "date_outside_meeting_year" && f["meeting"] == "NUFA 2/2024"), "{errors:#?}");
    // The output is written all the same.
    assert!(std::fs::read_to_string(out.join("report.md")).unwrap().contains("date_outside_meeting_year"));
}
