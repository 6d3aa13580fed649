//! What varies between bodies lives in rules/: a new label synonym or body
//! alias needs a rules file, no code change.

use motebok::rules::{Rules, RULE_FILES};

const MINUTES: &str = "Referat fra møte i Fagrådet for digital helse
Møte 2/2024
Dato 7. mars 2024
Lokasjon Bergen
Deltok Ola Nordmann (Helse Vest RHF)
Sak 4/24 Godkjenning av innkalling
Vedtak: Fagrådet godkjenner innkalling.
";

fn rules_with(edits: &[(&str, &str, &str)]) -> (tempfile::TempDir, Rules) {
    let dir = tempfile::tempdir().unwrap();
    for (file, from, to) in edits {
        let path = dir.path().join(file);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(_) => RULE_FILES.iter().find(|(n, _)| n == file).unwrap().1.to_string(),
        };
        assert!(text.contains(from), "{file} has {from}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
    let rules = Rules::load(Some(dir.path())).unwrap();
    (dir, rules)
}

#[test]
fn new_label_synonyms_and_body_from_rules_files_alone() {
    let pages = crate::common::pages_of(MINUTES, 40);
    let before = motebok::read::read_file(&pages, &Rules::embedded());
    let m = before[0].meeting.as_ref().unwrap();
    assert_eq!(m.location, None, "'Lokasjon' is no label by default");
    // A body no rule knows: its name as printed in the title (contract v2).
    assert_eq!(before[0].body.as_deref(), Some("Fagrådet"), "an unknown body is named as printed");
    assert!(before[0].participants.is_empty(), "'Deltok' is no heading by default");
    assert_eq!(before[0].unknown_labels, vec!["Lokasjon", "Deltok"], "unknown labels are reported, not swallowed");

    let (_dir, rules) = rules_with(&[
        ("labels.toml", "location = [\"Sted\"", "location = [\"Lokasjon\", \"Sted\""),
        ("labels.toml", "present = [\"Til stede\"", "present = [\"Deltok\", \"Til stede\""),
        ("bodies.toml", "[[body]]\nname = \"NUFA\"", "[[body]]\nname = \"Nasjonalt fagråd for digital helse\"\naliases = [\"Fagrådet for digital helse\"]\n\n[[body]]\nname = \"NUFA\""),
    ]);
    let after = motebok::read::read_file(&pages, &rules);
    assert_eq!(after[0].meeting.as_ref().unwrap().location.as_deref(), Some("Bergen"));
    assert!(after[0].unknown_labels.is_empty());
    assert_eq!(after[0].body.as_deref(), Some("Nasjonalt fagråd for digital helse"), "a rule's canonical name wins");
    assert_eq!(after[0].participants.len(), 1);
    assert_eq!(after[0].participants[0].organisation.as_deref(), Some("Helse Vest RHF"));
    assert_eq!(after[0].items[0].decision.as_deref(), Some("Fagrådet godkjenner innkalling."));
}

#[test]
fn cli_rules_dir_is_used_and_a_broken_file_is_a_usage_error_naming_file_and_line() {
    let bin = env!("CARGO_BIN_EXE_motebok");
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(rules.join("months.toml"), "[months]\njanuar = 1\nfebruar = \n").unwrap();
    let out = std::process::Command::new(bin)
        .args(["extract", "--no-isolation", "--rules"])
        .arg(&rules)
        .arg(crate::common::fixture("002.pdf"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("months.toml:3"), "{err}");
    assert!(!dir.path().join("out").exists(), "nothing written on a rules error");
}

#[test]
fn unknown_header_labels_reach_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("fagraad.pdf");
    std::fs::write(&pdf, crate::common::helvetica_pdf(MINUTES, 40)).unwrap();
    let out = dir.path().join("out");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_motebok"))
        .args(["extract", "--no-isolation", "--ocr", "never"])
        .arg(&pdf)
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let text = report.to_string();
    assert!(text.contains("unknown_label") && text.contains("Lokasjon"), "{text}");
}
