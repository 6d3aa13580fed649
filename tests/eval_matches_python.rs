//! `motebok::eval` must score exactly as `tests/score.py` does: per-field
//! counts, P/R/F1, and the printed text (table, --verbose, --json), over the
//! real gold files and many perturbed copies of them.
use std::path::{Path, PathBuf};
use std::process::Command;

use motebok::eval;
use serde_json::{json, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn have_python() -> bool {
    Command::new("python3").arg("--version").output().map(|o| o.status.success()).unwrap_or(false)
}

fn python(gold: &Path, out: &Path, flag: &str) -> String {
    let o = Command::new("python3")
        .arg(root().join("tests/score.py"))
        .arg(gold)
        .arg(out)
        .arg(flag)
        .output()
        .expect("run python3");
    assert!(o.status.success(), "score.py failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// Small deterministic PRNG (xorshift64*).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
}

const NOISE: &[&str] = &["\n", " ", "\u{a0}", "\u{ad}", "\u{85}", "\u{1c}", "\u{2003}", "\u{3000}", "\t\r\n"];
const CHANGES: &[&str] = &["x", "\u{200b}", "-", "ﬁ", "２", "Ø", "'", "\""];

fn mutate_str(s: &str, r: &mut Rng, rate: u64) -> Value {
    let cut = |s: &str, r: &mut Rng| {
        let idx: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
        idx[r.below(idx.len() as u64) as usize]
    };
    let mut s = s.to_string();
    if r.chance(rate) {
        // whitespace / soft hyphen: must not count
        let at = cut(&s, r);
        s.insert_str(at, NOISE[r.below(NOISE.len() as u64) as usize]);
    }
    if r.chance(rate / 2) {
        // a real change: must count (except where NFKC folds it away)
        let at = cut(&s, r);
        s.insert_str(at, CHANGES[r.below(CHANGES.len() as u64) as usize]);
    }
    if r.chance(rate / 4) {
        return Value::Null;
    }
    Value::String(s)
}

fn mutate(v: &Value, r: &mut Rng, rate: u64) -> Value {
    mutate_keys(v, r, rate, false)
}

/// `fine`: leave the matching keys (kind, meeting number/year, name, sak,
/// date) and entity lists' length alone, so that entities stay paired and
/// field values are what differs.
fn mutate_keys(v: &Value, r: &mut Rng, rate: u64, fine: bool) -> Value {
    match v {
        Value::String(s) => mutate_str(s, r, rate),
        Value::Number(n) => {
            let i = n.as_i64().unwrap_or(0);
            match r.below(1000 / rate.max(1)) {
                0 => json!(i as f64), // 2 == 2.0
                1 => json!(i + 1),
                2 => json!(i.to_string()),
                3 => Value::Null,
                _ => v.clone(),
            }
        }
        Value::Bool(b) => match r.below(1000 / rate.max(1)) {
            0 => json!(*b as i64), // True == 1
            1 => json!(!b),
            2 => Value::Null,
            _ => v.clone(),
        },
        Value::Null => match r.below(1000 / rate.max(1)) {
            0 => json!("present"),
            1 => json!("fra kl. 10.30"),
            2 => json!(false),
            _ => Value::Null,
        },
        Value::Array(a) => {
            let mut out: Vec<Value> = Vec::new();
            for x in a {
                if x.is_object() && !fine && r.chance(rate / 2) {
                    continue; // drop an entity
                }
                out.push(mutate_keys(x, r, rate, fine));
                if x.is_object() && !fine && r.chance(rate / 4) {
                    out.push(x.clone()); // duplicate: a second bucket member
                }
            }
            if a.first().is_some_and(Value::is_object) && !fine && r.chance(rate) {
                // an extra entity with a fresh key
                let mut extra = a[r.below(a.len() as u64) as usize].clone();
                for k in ["name", "sak"] {
                    if extra.get(k).is_some() {
                        extra[k] = json!(format!("Ekstra {}", r.below(100)));
                    }
                }
                out.push(extra);
            }
            if out.len() > 1 && !fine && r.chance(rate / 2) {
                let (i, j) = (r.below(out.len() as u64) as usize, r.below(out.len() as u64) as usize);
                out.swap(i, j);
            }
            Value::Array(out)
        }
        Value::Object(m) => {
            let mut o = serde_json::Map::new();
            for (k, x) in m {
                if fine && ["kind", "number", "year", "name", "sak", "date"].contains(&k.as_str()) {
                    o.insert(k.clone(), x.clone());
                    continue;
                }
                if r.chance(rate / 6) {
                    continue; // drop a key
                }
                o.insert(k.clone(), mutate_keys(x, r, rate, fine));
            }
            Value::Object(o)
        }
    }
}

fn gold_files() -> Vec<(String, Value)> {
    let mut v: Vec<(String, Value)> = std::fs::read_dir(root().join("tests/gold"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let stem = p.file_stem().unwrap().to_str().unwrap().to_string();
            (stem, serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap())
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(v.len() >= 5, "gold files missing");
    v
}

fn write(out: &Path, stem: &str, v: &Value) {
    std::fs::create_dir_all(out.join("json")).unwrap();
    std::fs::write(out.join("json").join(format!("{stem}.json")), serde_json::to_string_pretty(v).unwrap()).unwrap();
}

fn check(gold: &Path, out: &Path, what: &str) -> f64 {
    let py: Value = serde_json::from_str(&python(gold, out, "--json")).unwrap();
    let rs = eval::score_dirs(gold, out).unwrap();
    for k in ["precision", "recall", "f1"] {
        let (a, b) = (py[k].as_f64().unwrap(), match k {
            "precision" => rs.precision,
            "recall" => rs.recall,
            _ => rs.f1,
        });
        assert!((a - b).abs() <= 1e-12, "{what}: {k} python {a} rust {b}");
    }
    let pf = py["fields"].as_object().unwrap();
    assert_eq!(
        pf.keys().collect::<Vec<_>>(),
        rs.fields.keys().collect::<Vec<_>>(),
        "{what}: field names"
    );
    for (name, t) in &rs.fields {
        let p = &pf[name];
        assert_eq!(
            (p["gold"].as_u64().unwrap(), p["pred"].as_u64().unwrap(), p["ok"].as_u64().unwrap()),
            (t.gold, t.pred, t.ok),
            "{what}: field {name}"
        );
    }
    // the printed reports, byte for byte
    assert_eq!(eval::run_cli(gold, out, true, false).unwrap(), python(gold, out, "--json"), "{what}: --json");
    let py_verbose = python(gold, out, "--verbose");
    let rs_verbose = eval::run_cli(gold, out, false, true).unwrap();
    if py_verbose != rs_verbose {
        let (pl, rl): (Vec<_>, Vec<_>) = (py_verbose.lines().collect(), rs_verbose.lines().collect());
        for (i, (a, b)) in pl.iter().zip(&rl).enumerate() {
            assert_eq!(a, b, "{what}: --verbose line {i}");
        }
        assert_eq!(pl.len(), rl.len(), "{what}: --verbose line count");
    }
    assert_eq!(eval::run_cli(gold, out, false, false).unwrap(), python(gold, out, "--plain"), "{what}: table");
    let t = rs.fields.values().fold((0, 0, 0), |a, t| (a.0 + t.gold, a.1 + t.pred, a.2 + t.ok));
    eprintln!("{what}: gold {} pred {} ok {} misses {} f1 {:.4}", t.0, t.1, t.2, rs.misses.len(), rs.f1);
    rs.f1
}

#[test]
fn eval_matches_python() {
    if !have_python() {
        eprintln!("python3 not on PATH: skipping eval_matches_python");
        return;
    }
    let gold = root().join("tests/gold");
    let golds = gold_files();
    let tmp = tempfile::tempdir().unwrap();
    let mut n = 0;
    let mut dir = |name: &str| {
        n += 1;
        let d = tmp.path().join(format!("{n:02}-{name}"));
        std::fs::create_dir_all(&d).unwrap();
        d
    };

    // 1. gold copied as output: perfect
    let d = dir("copy");
    for (stem, v) in &golds {
        write(&d, stem, v);
    }
    assert_eq!(check(&gold, &d, "copy"), 1.0);

    // 2. no json/ at all, and an empty json/
    let d = dir("empty");
    assert_eq!(check(&gold, &d, "no json dir"), 0.0);
    std::fs::create_dir_all(d.join("json")).unwrap();
    assert_eq!(check(&gold, &d, "empty json dir"), 0.0);

    // 3. several outputs per gold id, unrelated files, one gold id without output
    let d = dir("multi");
    for (i, (stem, v)) in golds.iter().enumerate() {
        if i == 1 {
            continue;
        }
        write(&d, stem, v);
        write(&d, &format!("{stem}-layout"), &mutate(v, &mut Rng(7 + i as u64), 150));
        write(&d, &format!("{stem}-scan"), &json!({"status": "no_text", "documents": []}));
    }
    write(&d, "9999", &golds[0].1);
    write(&d, "0000", &golds[0].1);
    write(&d, "readme", &json!({}));
    check(&gold, &d, "multi");

    // 4. documents dropped / reordered / kinds changed
    let d = dir("docs");
    for (i, (stem, v)) in golds.iter().enumerate() {
        let mut v = v.clone();
        if let Some(docs) = v["documents"].as_array_mut() {
            if !docs.is_empty() {
                docs.remove(i % docs.len());
            }
            docs.reverse();
            if let Some(first) = docs.first_mut() {
                first["kind"] = json!("other");
            }
        }
        write(&d, stem, &v);
    }
    check(&gold, &d, "docs");

    // 5. every field nulled out, and every null filled in
    let d = dir("nulls");
    fn map_leaves(v: &Value, f: &dyn Fn(&Value) -> Value, keep: &[&str]) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, x)| {
                        let x = if keep.contains(&k.as_str()) || x.is_object() || x.is_array() {
                            map_leaves(x, f, keep)
                        } else {
                            f(x)
                        };
                        (k.clone(), x)
                    })
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(|x| map_leaves(x, f, keep)).collect()),
            other => other.clone(),
        }
    }
    let keys = ["kind", "name", "sak", "number", "year", "date"];
    for (stem, v) in &golds {
        write(&d, stem, &map_leaves(v, &|_| Value::Null, &keys));
        write(&d, &format!("{stem}-filled"), &map_leaves(v, &|x| if x.is_null() { json!("x") } else { x.clone() }, &keys));
    }
    check(&gold, &d, "nulls");

    // 6. random perturbations at several rates
    for seed in 1..=12u64 {
        let rate = [20, 60, 150, 400][(seed % 4) as usize];
        let d = dir(&format!("random{seed}"));
        let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        for (stem, v) in &golds {
            write(&d, stem, &mutate(v, &mut r, rate));
            if r.chance(300) {
                write(&d, &format!("{stem}-b"), &mutate(v, &mut r, rate));
            }
        }
        let f1 = check(&gold, &d, &format!("random seed {seed} rate {rate}"));
        assert!(f1 < 1.0 || rate == 20, "seed {seed}: perturbation had no effect");
    }

    // 7. fine perturbations: entities stay paired, field values differ
    for seed in 1..=8u64 {
        let rate = [30, 100, 250, 500][(seed % 4) as usize];
        let d = dir(&format!("fine{seed}"));
        let mut r = Rng(seed.wrapping_mul(0xD1B5_4A32_D192_ED03));
        for (stem, v) in &golds {
            write(&d, stem, &mutate_keys(v, &mut r, rate, true));
        }
        check(&gold, &d, &format!("fine seed {seed} rate {rate}"));
    }
}
