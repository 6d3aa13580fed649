//! Sharded runs (issue 12): `extract --shard I/N` takes a fixed part of the
//! inputs, every input in exactly one part, and `motebok merge` of the
//! parts' outputs equals a single run over all inputs, byte for byte.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::tree;

const BIN: &str = env!("CARGO_BIN_EXE_motebok");

fn motebok(args: &[&std::ffi::OsStr]) -> (i32, String) {
    let o = Command::new(BIN).args(args).output().unwrap();
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stderr).to_string())
}

fn extract(input: &Path, out: &Path, extra: &[&str]) -> (i32, String) {
    let mut args: Vec<&std::ffi::OsStr> = vec!["extract".as_ref(), input.as_os_str(), "--out".as_ref(), out.as_os_str()];
    for a in ["--ocr", "never", "--fail-on", "never", "--jobs", "2"].iter().chain(extra) {
        args.push(a.as_ref());
    }
    motebok(&args)
}

fn merge(shards: &[PathBuf], out: &Path, extra: &[&str]) -> (i32, String) {
    let mut args: Vec<&std::ffi::OsStr> = vec!["merge".as_ref()];
    args.extend(shards.iter().map(|s| s.as_os_str()));
    args.push("--out".as_ref());
    args.push(out.as_os_str());
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    motebok(&args)
}

/// A small corpus: the dev fixtures, a layout variant, a damaged and an
/// unreadable file, the agenda + minutes pair, and two inputs whose names
/// clash (their JSON stems depend on the whole set of inputs).
fn corpus(dir: &Path) -> PathBuf {
    let input = dir.join("in");
    for sub in ["a", "b", "pair"] {
        std::fs::create_dir_all(input.join(sub)).unwrap();
    }
    for id in ["000", "001", "002", "003", "004"] {
        std::fs::copy(crate::common::fixture(&format!("{id}.pdf")), input.join(format!("{id}.pdf"))).unwrap();
    }
    std::fs::copy(crate::common::fixture("layout/002-layout.pdf"), input.join("002-layout.pdf")).unwrap();
    std::fs::copy(crate::common::fixture("bad/broken-xref.pdf"), input.join("a/x.pdf")).unwrap();
    std::fs::copy(crate::common::fixture("002.pdf"), input.join("b/x.pdf")).unwrap();
    std::fs::copy(crate::common::fixture("bad/truncated.pdf"), input.join("truncated.pdf")).unwrap();
    crate::merge::write_pair(&input.join("pair"));
    input
}

#[test]
fn four_shards_merged_equal_one_run_byte_for_byte() {
    let t = tempfile::tempdir().unwrap();
    let input = corpus(t.path());
    let single = t.path().join("single");
    let (code, err) = extract(&input, &single, &[]);
    assert_eq!(code, 0, "{err}");
    let mut shards = Vec::new();
    let mut covered = Vec::new();
    for i in 1..=4 {
        let out = t.path().join(format!("shard{i}"));
        let (code, err) = extract(&input, &out, &["--shard", &format!("{i}/4")]);
        assert_eq!(code, 0, "{err}");
        let files = csv::Reader::from_path(out.join("csv/files.csv")).unwrap().records().map(|r| r.unwrap()[0].to_string()).collect::<Vec<_>>();
        covered.extend(files);
        shards.push(out);
    }
    // Every input in exactly one shard, and the shards not all alike.
    covered.sort();
    let all: Vec<String> = csv::Reader::from_path(single.join("csv/files.csv")).unwrap().records().map(|r| r.unwrap()[0].to_string()).collect();
    assert_eq!(covered, all);
    assert!(shards.iter().filter(|s| s.join("json").read_dir().unwrap().count() > 0).count() >= 2, "the hash spreads 11 inputs");
    let merged = t.path().join("merged");
    let (code, err) = merge(&shards, &merged, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("merged 4 outputs: 11 files"), "{err}");
    let (a, b) = (tree(&single), tree(&merged));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(b[k] == *v, "{k} differs between the single run and the merged shards");
    }
    // In any order of the shards.
    shards.reverse();
    let again = t.path().join("again");
    assert_eq!(merge(&shards, &again, &[]).0, 0);
    assert_eq!(tree(&again), a);
    motebok::output::validate(&merged).unwrap_or_else(|p| panic!("{p:#?}"));
    // A merge is an output like any other: a rerun over it reuses every
    // record (the unreadable file is tried again, to the same result).
    let (code, err) = extract(&input, &merged, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 decoded, 10 reused, 1 retried"), "{err}");
    let mut rerun = tree(&merged);
    let mut first = a.clone();
    rerun.remove("changes.json");
    first.remove("changes.json");
    assert!(rerun == first, "the rerun changed the output");
}

#[test]
fn merge_refuses_overlaps_foreign_dirs_and_other_rules() {
    let t = tempfile::tempdir().unwrap();
    let input = corpus(t.path());
    let (one, two) = (t.path().join("one"), t.path().join("two"));
    assert_eq!(extract(&input, &one, &["--shard", "1/2"]).0, 0);
    assert_eq!(extract(&input, &two, &["--shard", "2/2"]).0, 0);
    // The same shard twice: its files would be in two shards.
    let (code, err) = merge(&[one.clone(), one.clone()], &t.path().join("m"), &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is in two shards"), "{err}");
    // Not an output.
    let (code, err) = merge(&[one.clone(), input.clone()], &t.path().join("m"), &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a motebok output"), "{err}");
    // Into one of the shards.
    let (code, err) = merge(&[one.clone(), two.clone()], &one, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("also the --out"), "{err}");
    // Shards made with other rules than the merge is given.
    let rules = t.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    let orgs = std::fs::read_to_string(crate::common::root().join("rules/organisations.toml")).unwrap();
    std::fs::write(rules.join("organisations.toml"), format!("{orgs}\n[[organisation]]\nname = \"KS\"\naliases = [\"Kommunenes Sentralforbund\"]\n")).unwrap();
    let rules_arg = rules.to_str().unwrap();
    let (code, err) = merge(&[one.clone(), two.clone()], &t.path().join("m"), &["--rules", rules_arg]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("other rules"), "{err}");
    // One shard with these rules, one without: they differ among themselves.
    let three = t.path().join("three");
    assert_eq!(extract(&input, &three, &["--shard", "2/2", "--rules", rules_arg]).0, 0);
    let (code, err) = merge(&[one.clone(), three], &t.path().join("m"), &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("other settings"), "{err}");
    // Nothing was written.
    assert!(!t.path().join("m").exists());
    // And with the right rules all is well.
    assert_eq!(merge(&[one, two], &t.path().join("m"), &[]).0, 0);
}
