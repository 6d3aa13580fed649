//! `motebok::eval` must score exactly as `tests/score.py` does: per-field
//! counts, strict and lenient P/R/F1, and the printed text (table,
//! --verbose, --json), over three gold sets (`tests/gold`, the seeds;
//! `tests/gold-real`, real documents of other bodies with ids such as `r07`;
//! the seeds with their meeting numbers removed) and many perturbed copies
//! of them as output directories.
//!
//! Needs python3 on PATH (CI installs it): without it the tests fail.
use std::path::{Path, PathBuf};
use std::process::Command;

use motebok::eval;
use serde_json::{json, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Panics, with the reason, when `python3` cannot run: these tests compare
/// with the reference scorer and must not pass silently without it.
fn require_python() {
    match Command::new("python3").arg("--version").output() {
        Ok(o) if o.status.success() => {}
        Ok(o) => panic!(
            "eval_matches_python: `python3 --version` failed ({}): {}; python3 is needed to run tests/score.py",
            o.status,
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => panic!(
            "eval_matches_python: python3 not found on PATH ({e}); install python3 to run tests/score.py, \
             the reference scorer these tests compare motebok eval with"
        ),
    }
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
/// Characters a typo brings in: ASCII, Norwegian letters, an astral code
/// point (one code point for Python, two UTF-16 units, four UTF-8 bytes),
/// a ligature NFKC expands.
const TYPO: &[char] = &['x', 'e', 'n', '1', '.', ',', 'ø', 'Å', 'é', '\u{1F600}', 'ﬁ', ' '];

/// `edits` one-character edits (substitute, delete, insert, swap) at random
/// places: small enough that a long string stays >= 90 % similar (lenient
/// right, strict wrong), large enough that a short one does not.
fn typo(s: &str, r: &mut Rng, edits: u64) -> String {
    let mut c: Vec<char> = s.chars().collect();
    for _ in 0..edits {
        let at = r.below(c.len() as u64 + 1) as usize;
        let ch = TYPO[r.below(TYPO.len() as u64) as usize];
        match r.below(4) {
            0 if at < c.len() => c[at] = ch,
            1 if at < c.len() => {
                c.remove(at);
            }
            2 if at + 1 < c.len() => c.swap(at, at + 1),
            _ => c.insert(at, ch),
        }
    }
    c.into_iter().collect()
}

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
    if r.chance(rate / 2) {
        // a few wrong characters: strict miss, lenient right when the string is long
        let n = 1 + r.below(3);
        s = typo(&s, r, n);
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
            3 => json!("Leder"),
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

/// The gold files of `dir` as score.py reads them: `<id>.json`, id of
/// ASCII letters and digits.
fn gold_files(dir: &Path) -> Vec<(String, Value)> {
    let mut v: Vec<(String, Value)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| p.file_stem().unwrap().to_str().unwrap().bytes().all(|b| b.is_ascii_alphanumeric()))
        .map(|p| {
            let stem = p.file_stem().unwrap().to_str().unwrap().to_string();
            (stem, serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap())
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(v.len() >= 5, "gold files missing in {}", dir.display());
    v
}

fn write(out: &Path, stem: &str, v: &Value) {
    std::fs::create_dir_all(out.join("json")).unwrap();
    std::fs::write(out.join("json").join(format!("{stem}.json")), serde_json::to_string_pretty(v).unwrap()).unwrap();
}

/// Compares Rust and Python on one output dir; returns (strict F1, lenient F1).
fn check(gold: &Path, out: &Path, what: &str) -> (f64, f64) {
    let py_json = python(gold, out, "--json");
    let py: Value = serde_json::from_str(&py_json).unwrap();
    let rs = eval::score_dirs(gold, out).unwrap();
    for k in ["precision", "recall", "f1"] {
        let (a, b) = (py[k].as_f64().unwrap(), match k {
            "precision" => rs.precision,
            "recall" => rs.recall,
            _ => rs.f1,
        });
        assert!((a - b).abs() <= 1e-12, "{what}: {k} python {a} rust {b}");
        let (a, b) = (py["lenient"][k].as_f64().unwrap(), match k {
            "precision" => rs.lenient.precision,
            "recall" => rs.lenient.recall,
            _ => rs.lenient.f1,
        });
        assert!((a - b).abs() <= 1e-12, "{what}: lenient {k} python {a} rust {b}");
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
    assert_eq!(eval::run_cli(gold, out, true, false).unwrap(), py_json, "{what}: --json");
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
    let t = rs.totals();
    eprintln!(
        "{what}: gold {} pred {} ok {} near {} misses {} f1 {:.4} lenient {:.4}",
        t.gold,
        t.pred,
        t.ok,
        t.near,
        rs.misses.len(),
        rs.f1,
        rs.lenient.f1
    );
    (rs.f1, rs.lenient.f1)
}

/// `v` with every leaf replaced by `f(key, leaf)` (`key`: the object key the
/// leaf, or the array holding it, sits under).
fn map_leaves(v: &Value, key: Option<&str>, f: &mut dyn FnMut(Option<&str>, &Value) -> Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), map_leaves(x, Some(k), f))).collect()),
        Value::Array(a) => Value::Array(a.iter().map(|x| map_leaves(x, key, f)).collect()),
        leaf => f(key, leaf),
    }
}

/// The keys entities are matched by (and `kind`): left alone where only
/// field values are to differ.
const MATCH_KEYS: &[&str] = &["kind", "name", "sak", "number", "year", "date"];

fn documents_mut(v: &mut Value) -> impl Iterator<Item = &mut Value> {
    v.get_mut("documents").and_then(Value::as_array_mut).into_iter().flatten()
}

fn participants_mut(d: &mut Value) -> impl Iterator<Item = &mut Value> {
    d.get_mut("participants").and_then(Value::as_array_mut).into_iter().flatten()
}

/// `eval::similarity` against CPython's `SequenceMatcher(None, a, b,
/// autojunk=False).ratio()` on random pairs: small alphabets (many equal
/// longest matches, so difflib's tie-breaking shows), astral code points,
/// lengths past 200 (where autojunk would have purged popular characters).
#[test]
fn difflib_ratio() {
    require_python();
    let mut r = Rng(0x0D1F_F11B);
    let alphabets: [&[char]; 4] = [&['a', 'b'], &['a', 'b', 'c'], &['a', 'ø', 'Å', '\u{1F600}', ' '], &['x', 'y', 'z', 'w', 'v', 'u']];
    let mut pairs: Vec<(String, String)> = Vec::new();
    for i in 0..3000u64 {
        let al = alphabets[(i % 4) as usize];
        let max = if i % 50 == 0 { 400 } else { 12 };
        let word = |r: &mut Rng| -> String {
            let n = r.below(max + 1);
            (0..n).map(|_| al[r.below(al.len() as u64) as usize]).collect()
        };
        let a = word(&mut r);
        // half the pairs: b a few edits away from a (ratios near 0.9)
        let edits = 1 + r.below(3);
        let b = if i % 2 == 0 { word(&mut r) } else { typo(&a, &mut r, edits) };
        pairs.push((a, b));
    }
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("pairs.json");
    std::fs::write(&input, serde_json::to_string(&pairs).unwrap()).unwrap();
    let script = "import difflib, json, sys\n\
        for a, b in json.load(open(sys.argv[1], encoding='utf-8')):\n\
        \x20   print(repr(difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()))\n";
    let o = Command::new("python3").arg("-c").arg(script).arg(&input).output().expect("run python3");
    assert!(o.status.success(), "python3 failed: {}", String::from_utf8_lossy(&o.stderr));
    let py = String::from_utf8(o.stdout).unwrap();
    let py: Vec<f64> = py.lines().map(|l| l.parse().unwrap()).collect();
    assert_eq!(py.len(), pairs.len());
    let mut near_threshold = 0;
    for ((a, b), want) in pairs.iter().zip(&py) {
        assert_eq!(eval::similarity(a, b), *want, "ratio of {a:?} and {b:?}");
        assert_eq!(eval::similar(a, b), *want >= 0.9);
        near_threshold += (0.85..0.95).contains(want) as u32;
    }
    assert!(near_threshold > 100, "only {near_threshold} pairs near the threshold");
}

#[test]
fn seed_gold() {
    require_python();
    scenarios(&root().join("tests/gold"), 12, 8);
}

/// Real documents of other bodies (contract v2): gold ids `r07`, `m02`, …,
/// minutes keyed by date, participant functions.
#[test]
fn real_gold() {
    require_python();
    let gold = root().join("tests/gold-real");
    assert!(gold_files(&gold).iter().any(|(id, _)| id == "r07"), "tests/gold-real/r07.json missing");
    scenarios(&gold, 12, 8);
}

/// The seeds with the meeting number (and label, year) removed from every
/// other agenda/minutes document, so agendas too are keyed by date, and a
/// copy under a letter id.
#[test]
fn seed_gold_without_meeting_numbers() {
    require_python();
    let tmp = tempfile::tempdir().unwrap();
    let gold = tmp.path().join("gold-nonum");
    std::fs::create_dir_all(&gold).unwrap();
    let mut n = 0;
    for (id, mut v) in gold_files(&root().join("tests/gold")) {
        for d in documents_mut(&mut v) {
            let dated = ["agenda", "minutes"].contains(&d["kind"].as_str().unwrap_or(""));
            if let Some(m) = d.get_mut("meeting").filter(|_| dated) {
                n += 1;
                if n % 2 == 1 {
                    for k in ["label", "number", "year"] {
                        m[k] = Value::Null;
                    }
                }
            }
        }
        std::fs::write(gold.join(format!("{id}.json")), v.to_string()).unwrap();
        if id == "000" {
            std::fs::write(gold.join("s00.json"), v.to_string()).unwrap();
        }
    }
    assert!(n >= 2, "no agenda/minutes in tests/gold");
    scenarios(&gold, 4, 4);
}

/// Every scenario on the gold set `gold`: `random`/`fine` seeds of random
/// perturbations.
fn scenarios(gold: &Path, random: u64, fine: u64) {
    let golds = gold_files(gold);
    let set = gold.file_name().unwrap().to_string_lossy().to_string();
    let tmp = tempfile::tempdir().unwrap();
    let mut n = 0;
    let mut dir = |name: &str| {
        n += 1;
        let d = tmp.path().join(format!("{n:02}-{name}"));
        std::fs::create_dir_all(&d).unwrap();
        d
    };
    let check = |out: &Path, what: &str| check(gold, out, &format!("{set} {what}"));

    // 1. gold copied as output: perfect
    let d = dir("copy");
    for (stem, v) in &golds {
        write(&d, stem, v);
    }
    assert_eq!(check(&d, "copy"), (1.0, 1.0));

    // 2. no json/ at all, and an empty json/
    let d = dir("empty");
    assert_eq!(check(&d, "no json dir"), (0.0, 0.0));
    std::fs::create_dir_all(d.join("json")).unwrap();
    assert_eq!(check(&d, "empty json dir"), (0.0, 0.0));

    // 3. several outputs per gold id (<id>-anything), names that match no
    // gold id, one gold id without output
    let d = dir("multi");
    for (i, (stem, v)) in golds.iter().enumerate() {
        if i == 1 {
            continue;
        }
        write(&d, stem, v);
        write(&d, &format!("{stem}-layout"), &mutate(v, &mut Rng(7 + i as u64), 150));
        write(&d, &format!("{stem}-scan"), &json!({"status": "no_text", "documents": []}));
        write(&d, &format!("{stem}-minutes-2012"), &mutate(v, &mut Rng(70 + i as u64), 60));
        // none of these is scored (they would score 0 if they were)
        let empty = json!({"documents": []});
        for other in [format!("{stem}0"), format!("{stem}x-a"), format!("-{stem}"), format!("{stem}_a"), format!("{stem}.x")] {
            if !golds.iter().any(|(g, _)| *g == other) {
                write(&d, &other, &empty);
            }
        }
        if stem.to_uppercase() != *stem {
            write(&d, &format!("{}-a", stem.to_uppercase()), &empty);
        }
    }
    write(&d, "9999", &golds[0].1);
    write(&d, "0000", &golds[0].1);
    write(&d, "readme", &json!({}));
    check(&d, "multi");

    // 4. documents dropped / reordered / kinds changed
    let d = dir("docs");
    for (i, (stem, v)) in golds.iter().enumerate() {
        let mut v = v.clone();
        if let Some(docs) = v["documents"].as_array_mut() {
            if docs.len() > 1 || (i % 3 == 0 && !docs.is_empty()) {
                docs.remove(i % docs.len());
            }
            docs.reverse();
            if let Some(first) = docs.first_mut().filter(|_| i % 2 == 0) {
                first["kind"] = json!(if first["kind"] == "other" { "minutes" } else { "other" });
            }
        }
        write(&d, stem, &v);
    }
    check(&d, "docs");

    // 5. every field nulled out, and every null filled in
    let d = dir("nulls");
    for (stem, v) in &golds {
        let keep = |k: Option<&str>| k.is_some_and(|k| MATCH_KEYS.contains(&k));
        write(&d, stem, &map_leaves(v, None, &mut |k, x| if keep(k) { x.clone() } else { Value::Null }));
        let filled = map_leaves(v, None, &mut |k, x| if !keep(k) && x.is_null() { json!("x") } else { x.clone() });
        write(&d, &format!("{stem}-filled"), &filled);
    }
    check(&d, "nulls");

    // 6. random perturbations at several rates
    for seed in 1..=random {
        let rate = [20, 60, 150, 400][(seed % 4) as usize];
        let d = dir(&format!("random{seed}"));
        let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        for (stem, v) in &golds {
            write(&d, stem, &mutate(v, &mut r, rate));
            if r.chance(300) {
                write(&d, &format!("{stem}-b"), &mutate(v, &mut r, rate));
            }
        }
        let (f1, _) = check(&d, &format!("random seed {seed} rate {rate}"));
        assert!(f1 < 1.0 || rate == 20, "seed {seed}: perturbation had no effect");
    }

    // 7. fine perturbations: entities stay paired, field values differ
    for seed in 1..=fine {
        let rate = [30, 100, 250, 500][(seed % 4) as usize];
        let d = dir(&format!("fine{seed}"));
        let mut r = Rng(seed.wrapping_mul(0xD1B5_4A32_D192_ED03));
        for (stem, v) in &golds {
            write(&d, stem, &mutate_keys(v, &mut r, rate, true));
        }
        check(&d, &format!("fine seed {seed} rate {rate}"));
    }

    // 8. typos: strings off by one to a few characters, entities still paired;
    // long strings stay lenient-right, short ones do not
    for (seed, per_mille, edits) in [(1u64, 300u64, 1u64), (2, 600, 2), (3, 900, 3)] {
        let d = dir(&format!("typos{seed}"));
        let mut r = Rng(seed.wrapping_mul(0xA076_1D64_78BD_642F));
        for (stem, v) in &golds {
            let out = map_leaves(v, None, &mut |k, x| match x {
                Value::String(s) if !k.is_some_and(|k| MATCH_KEYS.contains(&k)) && r.chance(per_mille) => {
                    let e = 1 + r.below(edits);
                    json!(typo(s, &mut r, e))
                }
                _ => x.clone(),
            });
            write(&d, stem, &out);
        }
        let (f1, lenient) = check(&d, &format!("typos {seed}"));
        assert!(lenient > f1, "typos {seed}: lenient {lenient} not above strict {f1}");
    }
    // ... and in the matching keys (names, saks, memo saks): entities lost
    let d = dir("typo-keys");
    let mut r = Rng(0x5EED);
    for (stem, v) in &golds {
        let out = map_leaves(v, None, &mut |k, x| match x {
            Value::String(s) if k.is_some_and(|k| ["name", "sak"].contains(&k)) && r.chance(300) => json!(typo(s, &mut r, 1)),
            _ => x.clone(),
        });
        write(&d, stem, &out);
    }
    check(&d, "typo-keys");

    // 9. participant functions: right, wrong, near, null where gold has
    // one, one where gold has null, whitespace only
    for seed in 1..=2u64 {
        let d = dir(&format!("function{seed}"));
        let mut r = Rng(seed.wrapping_mul(0xE703_7ED1_A0B4_28DB));
        for (stem, v) in &golds {
            let mut v = v.clone();
            for doc in documents_mut(&mut v) {
                for p in participants_mut(doc) {
                    let f = p.get("function").cloned().unwrap_or(Value::Null);
                    let new = match r.below(8) {
                        0 => json!("Leder"),
                        1 => json!("Nestleder"),
                        2 => match &f {
                            Value::String(s) => json!(typo(s, &mut r, 1)),
                            _ => json!("Medlem"),
                        },
                        3 => Value::Null,
                        4 => {
                            p.as_object_mut().unwrap().remove("function");
                            continue;
                        }
                        5 => match &f {
                            Value::String(s) => json!(format!(" {s}\n")),
                            _ => json!("Varamedlem"),
                        },
                        6 => json!("Sekretær"),
                        _ => f,
                    };
                    p["function"] = new;
                }
            }
            write(&d, stem, &v);
        }
        check(&d, &format!("function {seed}"));
    }

    // 10. meeting keys: documents without a number are matched by the raw
    // date; numbers added or removed, dates changed, duplicated documents
    for seed in 1..=3u64 {
        let d = dir(&format!("dates{seed}"));
        let mut r = Rng(seed.wrapping_mul(0x8EBC_6AF0_9C88_C6E3));
        for (stem, v) in &golds {
            let mut v = v.clone();
            let mut extra = Vec::new();
            for doc in documents_mut(&mut v) {
                if !["agenda", "minutes"].contains(&doc["kind"].as_str().unwrap_or("")) {
                    continue;
                }
                let date = doc["meeting"]["date"].as_str().unwrap_or("2020-01-01").to_string();
                let m = &mut doc["meeting"];
                match r.below(9) {
                    0 => {
                        m["number"] = Value::Null;
                        m["year"] = Value::Null;
                    }
                    1 => m["date"] = json!(format!("{}{}", &date[..date.len() - 1], (r.below(10)))),
                    2 => m["date"] = json!(format!("{date} ")),
                    3 => m["date"] = Value::Null,
                    4 => m["number"] = if m["number"].is_null() { json!(1) } else { Value::Null },
                    5 => m["year"] = json!(2099),
                    6 => {
                        doc.as_object_mut().unwrap().remove("meeting");
                    }
                    7 => {
                        if let Some(m) = m.as_object_mut() {
                            m.remove("number");
                        }
                    }
                    _ => {}
                }
                if r.chance(250) {
                    let mut dup = doc.clone();
                    if r.chance(500) {
                        dup["meeting"]["date"] = json!("1999-12-31");
                    }
                    extra.push(dup);
                }
            }
            if let Some(docs) = v["documents"].as_array_mut() {
                docs.extend(extra);
            }
            write(&d, stem, &v);
        }
        check(&d, &format!("dates {seed}"));
    }
}
