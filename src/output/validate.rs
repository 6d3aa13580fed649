//! Check an output directory against its own `datapackage.json`: every
//! resource's bytes and hash, header = schema fields, values of the declared
//! types and enums, primary keys unique, foreign keys resolved, exactly the
//! declared CSVs present, and one parseable per-file JSON per `files.csv`
//! row. Used by the tests (and usable on any output: `validate(out)`).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::model::FileRecord;

/// What a valid output holds: data rows per resource name.
pub type Counts = BTreeMap<String, usize>;

struct Loaded {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn key_of(row: &[String], idx: &[usize]) -> Vec<String> {
    idx.iter().map(|&i| row[i].clone()).collect()
}

fn str_list(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
        _ => vec![],
    }
}

fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (s[0..4].parse::<u32>(), s[5..7].parse::<u32>(), s[8..10].parse::<u32>()) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

fn type_ok(ty: &str, v: &str) -> bool {
    match ty {
        "integer" => v.parse::<i64>().is_ok(),
        "number" => v.parse::<f64>().is_ok(),
        "boolean" => v == "true" || v == "false",
        "date" => valid_date(v),
        _ => true,
    }
}

/// Validate `out`; `Err` lists every problem found.
pub fn validate(out: &Path) -> Result<Counts, Vec<String>> {
    let mut problems = Vec::new();
    let pkg_path = out.join(super::atomic::MARKER);
    let pkg: Value = match std::fs::read(&pkg_path).map_err(|e| e.to_string()).and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string())) {
        Ok(v) => v,
        Err(e) => return Err(vec![format!("{}: {e}", pkg_path.display())]),
    };
    let resources = pkg["resources"].as_array().cloned().unwrap_or_default();
    if resources.is_empty() {
        problems.push("datapackage.json: no resources".to_string());
    }
    let mut loaded: BTreeMap<String, Loaded> = BTreeMap::new();
    let mut declared_paths = BTreeSet::new();
    for r in &resources {
        let name = r["name"].as_str().unwrap_or("?").to_string();
        let rel = r["path"].as_str().unwrap_or("").to_string();
        declared_paths.insert(rel.clone());
        let path = out.join(&rel);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                problems.push(format!("{name}: {}: {e}", path.display()));
                continue;
            }
        };
        if r["bytes"].as_u64() != Some(bytes.len() as u64) {
            problems.push(format!("{name}: bytes {} declared, {} on disk", r["bytes"], bytes.len()));
        }
        let hash = format!("sha256:{:x}", Sha256::digest(&bytes));
        if r["hash"].as_str() != Some(hash.as_str()) {
            problems.push(format!("{name}: hash differs from the file"));
        }
        let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes.as_slice());
        let header: Vec<String> = match rdr.headers() {
            Ok(h) => h.iter().map(str::to_string).collect(),
            Err(e) => {
                problems.push(format!("{name}: header: {e}"));
                continue;
            }
        };
        let fields = r["schema"]["fields"].as_array().cloned().unwrap_or_default();
        let names: Vec<String> = fields.iter().map(|f| f["name"].as_str().unwrap_or("").to_string()).collect();
        if names != header {
            problems.push(format!("{name}: header {header:?} != schema fields {names:?}"));
            continue;
        }
        let mut rows = Vec::new();
        for (i, rec) in rdr.records().enumerate() {
            match rec {
                Ok(rec) => rows.push(rec.iter().map(str::to_string).collect::<Vec<_>>()),
                Err(e) => problems.push(format!("{name}: row {}: {e}", i + 1)),
            }
        }
        for (j, f) in fields.iter().enumerate() {
            let ty = f["type"].as_str().unwrap_or("string");
            let required = f["constraints"]["required"].as_bool().unwrap_or(false);
            let allowed: Option<HashSet<String>> = f["constraints"]["enum"].as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect());
            for (i, row) in rows.iter().enumerate() {
                let v = &row[j];
                if v.is_empty() {
                    if required {
                        problems.push(format!("{name}: row {}: {} is required", i + 1, names[j]));
                    }
                    continue;
                }
                if !type_ok(ty, v) {
                    problems.push(format!("{name}: row {}: {} = {v:?} is not a {ty}", i + 1, names[j]));
                }
                if let Some(a) = &allowed {
                    if !a.contains(v) {
                        problems.push(format!("{name}: row {}: {} = {v:?} not in enum", i + 1, names[j]));
                    }
                }
            }
        }
        loaded.insert(name, Loaded { header, rows });
    }
    // Keys.
    for r in &resources {
        let name = r["name"].as_str().unwrap_or("?");
        let Some(t) = loaded.get(name) else { continue };
        let col = |n: &str| t.header.iter().position(|h| h == n);
        let pk = str_list(&r["schema"]["primaryKey"]);
        let pk_idx: Option<Vec<usize>> = pk.iter().map(|k| col(k)).collect();
        match pk_idx {
            None => problems.push(format!("{name}: primary key {pk:?} names a missing field")),
            Some(idx) if !idx.is_empty() => {
                let mut seen = HashSet::new();
                for row in &t.rows {
                    let k = key_of(row, &idx);
                    if !seen.insert(k.clone()) {
                        problems.push(format!("{name}: primary key {pk:?} = {k:?} not unique"));
                    }
                }
            }
            Some(_) => {}
        }
        for fk in r["schema"]["foreignKeys"].as_array().cloned().unwrap_or_default() {
            let fields = str_list(&fk["fields"]);
            let target = fk["reference"]["resource"].as_str().unwrap_or("");
            let ref_fields = str_list(&fk["reference"]["fields"]);
            let Some(tt) = loaded.get(target) else {
                problems.push(format!("{name}: foreign key to unknown resource {target:?}"));
                continue;
            };
            let idx: Option<Vec<usize>> = fields.iter().map(|k| col(k)).collect();
            let ridx: Option<Vec<usize>> = ref_fields.iter().map(|k| tt.header.iter().position(|h| h == k)).collect();
            let (Some(idx), Some(ridx)) = (idx, ridx) else {
                problems.push(format!("{name}: foreign key {fields:?} → {target} {ref_fields:?} names a missing field"));
                continue;
            };
            let targets: HashSet<Vec<String>> = tt.rows.iter().map(|row| key_of(row, &ridx)).collect();
            for row in &t.rows {
                let k = key_of(row, &idx);
                if k.iter().all(|v| !v.is_empty()) && !targets.contains(&k) {
                    problems.push(format!("{name}: {fields:?} = {k:?} has no row in {target}"));
                }
            }
        }
    }
    // Exactly the declared CSVs.
    let csv_dir = out.join("csv");
    if let Ok(entries) = std::fs::read_dir(&csv_dir) {
        for e in entries.flatten() {
            let rel = format!("csv/{}", e.file_name().to_string_lossy());
            if !declared_paths.contains(&rel) {
                problems.push(format!("{rel}: not in datapackage.json"));
            }
        }
    }
    // Per-file JSON.
    if let Some(files) = loaded.get("files") {
        let col = |n: &str| files.header.iter().position(|h| h == n);
        if let (Some(fi), Some(si), Some(ji)) = (col("file"), col("sha256"), col("json")) {
            let mut expected = BTreeSet::new();
            for row in &files.rows {
                let path = out.join(&row[ji]);
                expected.insert(row[ji].clone());
                match std::fs::read(&path).map_err(|e| e.to_string()).and_then(|b| serde_json::from_slice::<FileRecord>(&b).map_err(|e| e.to_string())) {
                    Ok(rec) if rec.source.file == row[fi] && rec.source.sha256 == row[si] => {}
                    Ok(_) => problems.push(format!("{}: does not match its files.csv row", row[ji])),
                    Err(e) => problems.push(format!("{}: {e}", row[ji])),
                }
            }
            let mut present = BTreeSet::new();
            if let Ok(entries) = std::fs::read_dir(out.join(super::json::DIR)) {
                for e in entries.flatten() {
                    present.insert(format!("{}/{}", super::json::DIR, e.file_name().to_string_lossy()));
                }
            }
            if present != expected {
                let extra: Vec<_> = present.difference(&expected).collect();
                let missing: Vec<_> = expected.difference(&present).collect();
                problems.push(format!("json/: extra {extra:?}, missing {missing:?}"));
            }
        } else {
            problems.push("files: no file/sha256/json columns".to_string());
        }
    }
    // The manifest of an incremental run, when there is one: one entry per
    // files.csv row, same sha256 and per-file JSON.
    let manifest_path = out.join("manifest.json");
    if manifest_path.exists() {
        let m: Option<Value> = std::fs::read(&manifest_path).ok().and_then(|b| serde_json::from_slice(&b).ok());
        match (m.as_ref().and_then(|m| m["files"].as_array()), loaded.get("files")) {
            (Some(entries), Some(files)) => {
                let col = |n: &str| files.header.iter().position(|h| h == n);
                if let (Some(fi), Some(si), Some(ji)) = (col("file"), col("sha256"), col("json")) {
                    let rows: BTreeSet<(String, String, String)> = files.rows.iter().map(|r| (r[fi].clone(), r[si].clone(), r[ji].clone())).collect();
                    let s = |e: &Value, k: &str| e[k].as_str().unwrap_or("").to_string();
                    let entries: BTreeSet<(String, String, String)> = entries.iter().map(|e| (s(e, "file"), s(e, "sha256"), s(e, "json"))).collect();
                    if rows != entries {
                        problems.push(format!("manifest.json: {} entries differ from files.csv", rows.symmetric_difference(&entries).count()));
                    }
                }
            }
            (None, _) => problems.push("manifest.json: unreadable".to_string()),
            (Some(_), None) => {}
        }
    }
    if problems.is_empty() {
        Ok(loaded.into_iter().map(|(k, v)| (k, v.rows.len())).collect())
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::valid_date;

    #[test]
    fn output_dates() {
        assert!(valid_date("2024-02-29"));
        assert!(!valid_date("2023-02-29"));
        assert!(!valid_date("2022-04-31"));
        assert!(!valid_date("14.03.2024"));
    }
}
