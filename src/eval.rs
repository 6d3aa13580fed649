//! Slot scoring against gold annotations: a faithful port of
//! `shared/eval/score.py` (contract v2; the repo's copy is `tests/score.py`)
//! (`motebok eval GOLD_DIR OUT_DIR [--json] [--verbose]`).
//!
//! Every non-null gold field is one gold slot; every non-null output field of
//! a matched entity is one predicted slot (a value where gold says null counts
//! against precision); an unmatched output entity is one wrong predicted slot;
//! a missed gold document counts all its gold slots. Strings compare after
//! NFKC, removal of U+00AD and removal of all (Python-)whitespace.
//!
//! The *lenient* figures count the same slots, but a string slot is also right
//! when it is at least 90 % similar to the gold string: difflib's
//! `SequenceMatcher(None, gold, got, autojunk=False).ratio() >= 0.9`, ported
//! exactly in [`similarity`].
//!
//! Values compare with Python's `==` on `json.loads` values (`1 == 1.0 ==
//! true`). Where score.py would crash on a wrong-typed output field (a
//! `meeting` that is a string, a document that is a number, …) this port
//! treats the field as absent, which makes it a miss.
use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use serde_json::{Map, Value};
use unicode_normalization::UnicodeNormalization;

const MEETING_FIELDS: &[&str] = &[
    "label", "number", "year", "extraordinary", "date", "start_time", "end_time", "location",
];
const PARTICIPANT_FIELDS: &[&str] = &["organisation", "role", "attendance", "note", "substitute_for", "function"];
const ITEM_FIELDS: &[&str] = &["number", "year", "title", "time", "type", "proposed_decision", "decision"];
const MEMO_FIELDS: &[&str] = &[
    "meeting_label", "date", "type", "owner", "case_officers", "title", "proposed_decision",
];
const REFERENCE_FIELDS: &[&str] = &["date", "body", "title", "decision"];

/// Errors of `motebok eval`; each names the file or directory concerned.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: invalid JSON: {source}", path.display())]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

/// Slot counts of one field name (`meeting.date`, `participant`, …).
/// `near` counts the slots right under the lenient rule: `ok`, plus string
/// slots at least 90 % similar to the gold string (score.py's `near`; it
/// prints only the total).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FieldTally {
    pub gold: u64,
    pub pred: u64,
    pub ok: u64,
    pub near: u64,
}

/// One miss as score.py's `--verbose` lists it. `gold`/`got` are the
/// normalised values (`Value::Null` is Python's `None`; entity misses use
/// the string `"present"`).
#[derive(Debug, Clone, PartialEq)]
pub struct Miss {
    pub place: String,
    pub field: String,
    pub gold: Value,
    pub got: Value,
}

/// Precision, recall and F1 over slots.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Figures {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Figures {
    /// score.py's `prf(correct, gold, pred)`.
    fn of(correct: u64, gold: u64, pred: u64) -> Figures {
        let precision = if pred != 0 { correct as f64 / pred as f64 } else { 0.0 };
        let recall = if gold != 0 { correct as f64 / gold as f64 } else { 0.0 };
        let f1 = if precision + recall != 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
        Figures { precision, recall, f1 }
    }
}

/// Result of scoring: overall strict figures (`precision`, `recall`, `f1`:
/// the accuracy figure), the lenient ones, per-field tallies (only fields
/// with at least one gold or predicted slot, as score.py), and every miss in
/// order (a string right only under the lenient rule is still a miss).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Score {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub lenient: Figures,
    pub fields: BTreeMap<String, FieldTally>,
    pub misses: Vec<Miss>,
}

impl Score {
    /// Total gold, predicted, correct and lenient-correct slots.
    pub fn totals(&self) -> FieldTally {
        self.fields.values().fold(FieldTally::default(), |a, t| FieldTally {
            gold: a.gold + t.gold,
            pred: a.pred + t.pred,
            ok: a.ok + t.ok,
            near: a.near + t.near,
        })
    }
}

/// `motebok eval GOLD OUT`: the exact text score.py prints (with its final newline).
pub fn run_cli(gold: &Path, out: &Path, json: bool, verbose: bool) -> Result<String, EvalError> {
    let score = score_dirs(gold, out)?;
    Ok(if json { render_json(&score) } else { render_table(&score, verbose) })
}

/// Score every `OUT/json/<stem>.json` against the gold file whose id is its
/// stem, or the part of its stem before the first hyphen (`000-layout` →
/// `000`, `r07-minutes-2012` → `r07`); gold files are `GOLD/<id>.json` with
/// any id of ASCII letters and digits (`000`, `r07`, `m02`). A gold file with
/// no output counts as missed.
///
/// Deviation from score.py: an unreadable/missing GOLD directory is an error
/// (score.py silently scores nothing). A missing `OUT/json` is not: every
/// gold file then counts as missed, as in score.py.
pub fn score_dirs(gold: &Path, out: &Path) -> Result<Score, EvalError> {
    // golds = {p.stem: ... for p in sorted(gold_dir.glob("*.json"))
    //          if re.fullmatch(r"[0-9A-Za-z]+", p.stem)}
    let mut golds: Vec<(String, Value)> = Vec::new();
    for (name, path) in list_dir(gold, true)? {
        if is_gold_id(stem(&name)) {
            golds.push((stem(&name).to_string(), read_json(&path)?));
        }
    }
    // outs: OUT/json/*.json whose stem.split("-", 1)[0] is a gold id.
    let mut outs: BTreeMap<String, Vec<(String, Value)>> = BTreeMap::new();
    for (name, path) in list_dir(&out.join("json"), false)? {
        let st = stem(&name);
        let gid = gold_id_of(st);
        if golds.iter().any(|(g, _)| g == gid) {
            let v = read_json(&path)?;
            outs.entry(gid.to_string()).or_default().push((st.to_string(), v));
        }
    }
    let mut runs: Vec<(String, &Value, Option<&Value>)> = Vec::new();
    for (gid, g) in &golds {
        match outs.get(gid) {
            Some(list) if !list.is_empty() => {
                for (st, o) in list {
                    runs.push((st.clone(), g, Some(o)));
                }
            }
            _ => runs.push((format!("{gid} (no output)"), g, None)),
        }
    }
    Ok(score_runs(runs.iter().map(|(l, g, o)| (l.as_str(), *g, *o))))
}

/// Score (label, gold file, output file) triples in order; `None` output is
/// a missing output file. The building block of [`score_dirs`].
pub fn score_runs<'a>(runs: impl IntoIterator<Item = (&'a str, &'a Value, Option<&'a Value>)>) -> Score {
    let mut t = Tally::default();
    for (label, gold, out) in runs {
        score_file(&mut t, gold, out, label);
    }
    let mut score = Score { fields: t.fields, misses: t.misses, ..Score::default() };
    let tot = score.totals();
    let strict = Figures::of(tot.ok, tot.gold, tot.pred);
    (score.precision, score.recall, score.f1) = (strict.precision, strict.recall, strict.f1);
    score.lenient = Figures::of(tot.near, tot.gold, tot.pred);
    score
}

/// The text report of score.py (table, `MISS` lines if `verbose`, the
/// lenient line, the strict line).
pub fn render_table(score: &Score, verbose: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{:<32} {:>6} {:>6} {:>6} {:>7}", "field", "gold", "pred", "ok", "recall");
    for (n, f) in &score.fields {
        let r = if f.gold != 0 { f.ok as f64 / f.gold as f64 } else { f64::NAN };
        let rs = if r.is_nan() { format!("{:>7}", "nan") } else { format!("{r:7.3}") };
        let _ = writeln!(s, "{n:<32} {:6} {:6} {:6} {rs}", f.gold, f.pred, f.ok);
    }
    if verbose {
        for m in &score.misses {
            let _ = writeln!(s, "MISS {} {}: gold={} got={}", m.place, m.field, py_repr(&m.gold), py_repr(&m.got));
        }
    }
    let l = &score.lenient;
    let _ = writeln!(s, "lenient precision {:.4} recall {:.4} f1 {:.4}", l.precision, l.recall, l.f1);
    let _ = writeln!(
        s,
        "precision {:.4} recall {:.4} f1 {:.4}",
        score.precision, score.recall, score.f1
    );
    s
}

/// The `--json` report of score.py (`json.dumps(..., indent=2)` plus newline).
pub fn render_json(score: &Score) -> String {
    let mut s = String::from("{\n");
    let _ = writeln!(s, "  \"precision\": {},", py_float_repr(score.precision));
    let _ = writeln!(s, "  \"recall\": {},", py_float_repr(score.recall));
    let _ = writeln!(s, "  \"f1\": {},", py_float_repr(score.f1));
    s.push_str("  \"lenient\": {\n");
    let _ = writeln!(s, "    \"precision\": {},", py_float_repr(score.lenient.precision));
    let _ = writeln!(s, "    \"recall\": {},", py_float_repr(score.lenient.recall));
    let _ = writeln!(s, "    \"f1\": {}", py_float_repr(score.lenient.f1));
    s.push_str("  },\n");
    if score.fields.is_empty() {
        s.push_str("  \"fields\": {}\n");
    } else {
        s.push_str("  \"fields\": {\n");
        let n = score.fields.len();
        for (i, (name, f)) in score.fields.iter().enumerate() {
            let _ = writeln!(s, "    {}: {{", json_str_ascii(name));
            let _ = writeln!(s, "      \"gold\": {},", f.gold);
            let _ = writeln!(s, "      \"pred\": {},", f.pred);
            let _ = writeln!(s, "      \"ok\": {}", f.ok);
            s.push_str(if i + 1 < n { "    },\n" } else { "    }\n" });
        }
        s.push_str("  }\n");
    }
    s.push_str("}\n");
    s
}

// ---------------------------------------------------------------- files

/// Entries of `dir` named `*.json`, sorted by name (byte order = Python's
/// code-point order). `must_exist`: a missing directory is an error rather
/// than empty.
fn list_dir(dir: &Path, must_exist: bool) -> Result<Vec<(String, PathBuf)>, EvalError> {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if !must_exist && e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(EvalError::Io { path: dir.to_path_buf(), source: e }),
    };
    let mut v = Vec::new();
    for ent in rd {
        let ent = ent.map_err(|e| EvalError::Io { path: dir.to_path_buf(), source: e })?;
        let Ok(name) = ent.file_name().into_string() else { continue };
        if name.ends_with(".json") {
            v.push((name, ent.path()));
        }
    }
    v.sort();
    Ok(v)
}

/// Python's `Path(name).stem` for a name ending in `.json`.
fn stem(name: &str) -> &str {
    if name.len() > 5 {
        &name[..name.len() - 5]
    } else {
        name
    }
}

/// score.py's gold id test: `re.fullmatch(r"[0-9A-Za-z]+", stem)`.
fn is_gold_id(stem: &str) -> bool {
    !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The gold id an output stem is scored against: `stem.split("-", 1)[0]`.
fn gold_id_of(stem: &str) -> &str {
    stem.split_once('-').map_or(stem, |(id, _)| id)
}

fn read_json(path: &Path) -> Result<Value, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|e| EvalError::Io { path: path.to_path_buf(), source: e })?;
    serde_json::from_str(&text).map_err(|e| EvalError::Json { path: path.to_path_buf(), source: e })
}

// ---------------------------------------------------------------- scoring

#[derive(Default)]
struct Tally {
    fields: BTreeMap<String, FieldTally>,
    misses: Vec<Miss>,
}

impl Tally {
    fn count(&mut self, name: &str, g: bool, p: bool, ok: bool, near: bool) {
        if g || p {
            let e = self.fields.entry(name.to_string()).or_default();
            e.gold += g as u64;
            e.pred += p as u64;
            e.ok += ok as u64;
            e.near += near as u64;
        }
    }

    fn field(&mut self, name: &str, g: &Value, p: &Value, place: &str) {
        let (g, p) = (norm(g), norm(p));
        let (gs, ps) = (!g.is_null(), !p.is_null());
        let ok = gs && py_eq(&g, &p);
        let near = ok || matches!((&g, &p), (Value::String(a), Value::String(b)) if similar(a, b));
        self.count(name, gs, ps, ok, near);
        if !ok && (gs || ps) {
            self.misses.push(Miss { place: place.to_string(), field: name.to_string(), gold: g, got: p });
        }
    }

    fn entity(&mut self, name: &str, found_gold: bool, found_pred: bool, place: &str) {
        let ok = found_gold && found_pred;
        self.count(name, found_gold, found_pred, ok, ok);
        if !ok {
            let present = |b: bool| if b { Value::String("present".into()) } else { Value::Null };
            self.misses.push(Miss {
                place: place.to_string(),
                field: name.to_string(),
                gold: present(found_gold),
                got: present(found_pred),
            });
        }
    }
}

static EMPTY: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);
static NULL: Value = Value::Null;

/// `x or {}` for a value that should be an object (wrong types → empty).
fn obj(v: &Value) -> &Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => &EMPTY,
    }
}

/// `x or []` for a value that should be a list of objects.
fn objs(v: &Value) -> Vec<&Map<String, Value>> {
    match v {
        Value::Array(a) => a.iter().map(obj).collect(),
        _ => Vec::new(),
    }
}

fn get<'a>(m: &'a Map<String, Value>, k: &str) -> &'a Value {
    m.get(k).unwrap_or(&NULL)
}

fn is_str(v: &Value, s: &str) -> bool {
    matches!(v, Value::String(x) if x == s)
}

/// Python's `str.isspace()` set, i.e. what `re.sub(r"\s+", "", s)` removes.
fn is_py_space(c: char) -> bool {
    matches!(c,
        '\t'..='\r' | '\x1c'..='\x1f' | ' ' | '\u{85}' | '\u{a0}' | '\u{1680}'
        | '\u{2000}'..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}')
}

/// score.py's `norm`: strings NFKC, minus U+00AD and whitespace; lists
/// element-wise; everything else unchanged.
pub fn norm(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(norm_str(s)),
        Value::Array(a) => Value::Array(a.iter().map(norm).collect()),
        other => other.clone(),
    }
}

/// [`norm`] for one string.
pub fn norm_str(s: &str) -> String {
    s.nfkc().filter(|&c| c != '\u{ad}' && !is_py_space(c)).collect()
}

enum PyNum {
    Int(i128),
    Float(f64),
}

fn py_num(v: &Value) -> Option<PyNum> {
    match v {
        Value::Bool(b) => Some(PyNum::Int(*b as i128)),
        Value::Number(n) => Some(if let Some(u) = n.as_u64() {
            PyNum::Int(u as i128)
        } else if let Some(i) = n.as_i64() {
            PyNum::Int(i as i128)
        } else {
            PyNum::Float(n.as_f64().unwrap_or(f64::NAN))
        }),
        _ => None,
    }
}

fn int_float_eq(i: i128, f: f64) -> bool {
    f.is_finite() && f.fract() == 0.0 && f.abs() < 1.7e38 && f as i128 == i
}

/// Python's `==` on values from `json.loads` (`True == 1 == 1.0`).
pub fn py_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| py_eq(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| py_eq(v, w)))
        }
        _ => match (py_num(a), py_num(b)) {
            (Some(PyNum::Int(x)), Some(PyNum::Int(y))) => x == y,
            (Some(PyNum::Float(x)), Some(PyNum::Float(y))) => x == y,
            (Some(PyNum::Int(i)), Some(PyNum::Float(f))) | (Some(PyNum::Float(f)), Some(PyNum::Int(i))) => {
                int_float_eq(i, f)
            }
            _ => false,
        },
    }
}

fn key_eq(a: &[Value], b: &[Value]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| py_eq(x, y))
}

fn doc_key(d: &Map<String, Value>) -> Vec<Value> {
    let kind = get(d, "kind");
    if is_str(kind, "case_memo") {
        return vec![kind.clone(), norm(get(obj(get(d, "memo")), "sak"))];
    }
    if is_str(kind, "agenda") || is_str(kind, "minutes") {
        let m = obj(get(d, "meeting"));
        if get(m, "number").is_null() {
            return vec![kind.clone(), Value::String("date".into()), get(m, "date").clone()];
        }
        return vec![kind.clone(), get(m, "number").clone(), get(m, "year").clone()];
    }
    vec![kind.clone()]
}

type Obj<'a> = &'a Map<String, Value>;

/// Match by key, in order: (pairs, unmatched gold, unmatched pred). Unmatched
/// pred come grouped by key in first-seen order, as score.py's dict of lists.
#[allow(clippy::type_complexity)]
fn pair_up<'g, 'p>(
    gold: &[Obj<'g>],
    pred: &[Obj<'p>],
    key: impl Fn(&Map<String, Value>) -> Vec<Value>,
) -> (Vec<(Obj<'g>, Obj<'p>)>, Vec<Obj<'g>>, Vec<Obj<'p>>) {
    let mut pool: Vec<(Vec<Value>, VecDeque<Obj<'p>>)> = Vec::new();
    for &p in pred {
        let k = key(p);
        match pool.iter_mut().find(|(pk, _)| key_eq(pk, &k)) {
            Some((_, b)) => b.push_back(p),
            None => pool.push((k, VecDeque::from([p]))),
        }
    }
    let (mut pairs, mut lost) = (Vec::new(), Vec::new());
    for &g in gold {
        let k = key(g);
        match pool.iter_mut().find(|(pk, _)| key_eq(pk, &k)).and_then(|(_, b)| b.pop_front()) {
            Some(p) => pairs.push((g, p)),
            None => lost.push(g),
        }
    }
    let extra = pool.into_iter().flat_map(|(_, b)| b).collect();
    (pairs, lost, extra)
}

fn score_file(t: &mut Tally, gold: &Value, out: Option<&Value>, label: &str) {
    let gdocs = objs(get(obj(gold), "documents"));
    let pdocs = out.map(|o| objs(get(obj(o), "documents"))).unwrap_or_default();
    let (pairs, lost, extra) = pair_up(&gdocs, &pdocs, doc_key);
    for (g, p) in pairs {
        score_doc(t, g, Some(p), &format!("{label} {}", py_tuple_repr(&doc_key(g))));
    }
    for g in lost {
        score_doc(t, g, None, &format!("{label} {}", py_tuple_repr(&doc_key(g))));
    }
    for p in extra {
        t.entity("document", false, true, &format!("{label} {}", py_tuple_repr(&doc_key(p))));
    }
}

fn score_doc(t: &mut Tally, g: Obj, p: Option<Obj>, place: &str) {
    t.entity("document", true, p.is_some(), place);
    // a missed document: every gold slot counts, against an empty prediction
    score_doc_fields(t, g, p.unwrap_or(&EMPTY), place);
}

fn score_doc_fields(t: &mut Tally, g: Obj, p: Obj, place: &str) {
    let kind = get(g, "kind");
    if is_str(kind, "agenda") || is_str(kind, "minutes") {
        t.field("body", get(g, "body"), get(p, "body"), place);
        let (gm, pm) = (obj(get(g, "meeting")), obj(get(p, "meeting")));
        for f in MEETING_FIELDS {
            t.field(&format!("meeting.{f}"), get(gm, f), get(pm, f), place);
        }
        let (pairs, lost, extra) = pair_up(
            &objs(get(g, "participants")),
            &objs(get(p, "participants")),
            |x| vec![norm(get(x, "name"))],
        );
        for (gp, pp) in pairs {
            let w = format!("{place} participant {}", py_str(get(gp, "name")));
            t.entity("participant", true, true, &w);
            for f in PARTICIPANT_FIELDS {
                t.field(&format!("participant.{f}"), get(gp, f), get(pp, f), &w);
            }
        }
        for gp in lost {
            let w = format!("{place} participant {}", py_str(get(gp, "name")));
            t.entity("participant", true, false, &w);
            for f in PARTICIPANT_FIELDS {
                t.field(&format!("participant.{f}"), get(gp, f), &NULL, &w);
            }
        }
        for pp in extra {
            t.entity("participant", false, true, &format!("{place} participant {}", py_str(get(pp, "name"))));
        }
        score_items(t, &objs(get(g, "items")), &objs(get(p, "items")), place);
    } else if is_str(kind, "case_memo") {
        let (gm, pm) = (obj(get(g, "memo")), obj(get(p, "memo")));
        for f in MEMO_FIELDS {
            t.field(&format!("memo.{f}"), get(gm, f), get(pm, f), place);
        }
        let (pairs, lost, extra) = pair_up(
            &objs(get(g, "references")),
            &objs(get(p, "references")),
            |x| vec![norm(get(x, "sak")), get(x, "date").clone()],
        );
        for (gr, pr) in pairs {
            let w = format!("{place} reference {}", py_str(get(gr, "sak")));
            t.entity("reference", true, true, &w);
            for f in REFERENCE_FIELDS {
                t.field(&format!("reference.{f}"), get(gr, f), get(pr, f), &w);
            }
        }
        for gr in lost {
            let w = format!("{place} reference {}", py_str(get(gr, "sak")));
            t.entity("reference", true, false, &w);
            for f in REFERENCE_FIELDS {
                t.field(&format!("reference.{f}"), get(gr, f), &NULL, &w);
            }
        }
        for pr in extra {
            t.entity("reference", false, true, &format!("{place} reference {}", py_str(get(pr, "sak"))));
        }
    }
}

fn score_items(t: &mut Tally, gold: &[Obj], pred: &[Obj], place: &str) {
    let (pairs, lost, extra) = pair_up(gold, pred, |x| vec![norm(get(x, "sak"))]);
    for (gi, pi) in pairs {
        let w = format!("{place} sak {}", py_str(get(gi, "sak")));
        t.entity("item", true, true, &w);
        for f in ITEM_FIELDS {
            t.field(&format!("item.{f}"), get(gi, f), get(pi, f), &w);
        }
    }
    for gi in lost {
        let w = format!("{place} sak {}", py_str(get(gi, "sak")));
        t.entity("item", true, false, &w);
        for f in ITEM_FIELDS {
            t.field(&format!("item.{f}"), get(gi, f), &NULL, &w);
        }
    }
    for pi in extra {
        t.entity("item", false, true, &format!("{place} sak {}", py_str(get(pi, "sak"))));
    }
}

// ---------------------------------------------------------------- difflib

/// score.py's `similar(a, b)`: `SequenceMatcher(None, a, b,
/// autojunk=False).ratio() >= 0.9`, `a` the gold string.
pub fn similar(a: &str, b: &str) -> bool {
    similarity(a, b) >= 0.9
}

/// `difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()`: `2*M/T`
/// with `M` the matched code points of `get_matching_blocks()` and `T` the
/// total length in code points (1.0 for two empty strings). Not symmetric:
/// ties between longest matches are broken as difflib does (earliest in `a`,
/// then earliest in `b`), which decides how the rest splits.
pub fn similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    // b2j: every position of each element of b, ascending (no junk, no
    // popular elements with autojunk=False).
    let mut b2j: std::collections::HashMap<char, Vec<usize>> = std::collections::HashMap::new();
    for (j, &c) in b.iter().enumerate() {
        b2j.entry(c).or_default().push(j);
    }
    // get_matching_blocks: the order in which sub-ranges are examined does
    // not change the sum of the block sizes, and adjacent-block collapsing
    // keeps it too.
    let mut matches = 0usize;
    let mut queue = vec![(0, a.len(), 0, b.len())];
    while let Some((alo, ahi, blo, bhi)) = queue.pop() {
        let (i, j, k) = find_longest_match(&a, &b, &b2j, alo, ahi, blo, bhi);
        if k > 0 {
            matches += k;
            if alo < i && blo < j {
                queue.push((alo, i, blo, j));
            }
            if i + k < ahi && j + k < bhi {
                queue.push((i + k, ahi, j + k, bhi));
            }
        }
    }
    2.0 * matches as f64 / total as f64
}

/// `SequenceMatcher.find_longest_match(alo, ahi, blo, bhi)` without junk:
/// the longest `a[i..i+k] == b[j..j+k]` in the ranges; of several, the one
/// that ends (so starts) earliest in `a`, then earliest in `b`.
#[allow(clippy::too_many_arguments)]
fn find_longest_match(
    a: &[char],
    b: &[char],
    b2j: &std::collections::HashMap<char, Vec<usize>>,
    alo: usize,
    ahi: usize,
    blo: usize,
    bhi: usize,
) -> (usize, usize, usize) {
    let (mut besti, mut bestj, mut bestsize) = (alo, blo, 0usize);
    // j2len[j]: length of the match ending with a[i-1] and b[j]
    let mut j2len: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for (i, c) in a.iter().enumerate().take(ahi).skip(alo) {
        let mut new = std::collections::HashMap::new();
        for &j in b2j.get(c).map(Vec::as_slice).unwrap_or(&[]) {
            if j < blo {
                continue;
            }
            if j >= bhi {
                break;
            }
            let k = j.checked_sub(1).and_then(|p| j2len.get(&p)).copied().unwrap_or(0) + 1;
            new.insert(j, k);
            if k > bestsize {
                (besti, bestj, bestsize) = (i + 1 - k, j + 1 - k, k);
            }
        }
        j2len = new;
    }
    // difflib then extends the match by equal non-junk elements on each
    // side; without junk the match is already maximal, but keep the loops.
    while besti > alo && bestj > blo && a[besti - 1] == b[bestj - 1] {
        (besti, bestj, bestsize) = (besti - 1, bestj - 1, bestsize + 1);
    }
    while besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] == b[bestj + bestsize] {
        bestsize += 1;
    }
    (besti, bestj, bestsize)
}

// ---------------------------------------------------------------- Python repr

/// Python's `repr(float)` (shortest round-trip digits, exponent outside 1e-4..1e16).
fn py_float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    let e = format!("{:e}", x.abs());
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    let sign = if x < 0.0 { "-" } else { "" };
    let decpt = exp + 1;
    let n = digits.len() as i32;
    if decpt <= -4 || decpt > 16 {
        let m = if n > 1 { format!("{}.{}", &digits[..1], &digits[1..]) } else { digits };
        format!("{sign}{m}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    } else if decpt <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat((-decpt) as usize))
    } else if decpt >= n {
        format!("{sign}{digits}{}.0", "0".repeat((decpt - n) as usize))
    } else {
        format!("{sign}{}.{}", &digits[..decpt as usize], &digits[decpt as usize..])
    }
}

fn is_py_printable(c: char) -> bool {
    static NONPRINT: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"^[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$").unwrap());
    if c == ' ' {
        return true;
    }
    let mut b = [0u8; 4];
    !NONPRINT.is_match(c.encode_utf8(&mut b))
}

/// Python's `repr(str)`.
fn py_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut o = String::with_capacity(s.len() + 2);
    o.push(quote);
    for c in s.chars() {
        match c {
            _ if c == quote || c == '\\' => {
                o.push('\\');
                o.push(c);
            }
            '\t' => o.push_str("\\t"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            _ if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(o, "\\x{:02x}", c as u32);
            }
            _ if (c as u32) < 0x7f || is_py_printable(c) => o.push(c),
            _ if (c as u32) <= 0xff => {
                let _ = write!(o, "\\x{:02x}", c as u32);
            }
            _ if (c as u32) <= 0xffff => {
                let _ = write!(o, "\\u{:04x}", c as u32);
            }
            _ => {
                let _ = write!(o, "\\U{:08x}", c as u32);
            }
        }
    }
    o.push(quote);
    o
}

/// Python's `repr()` of a `json.loads` value. (Object keys come in
/// serde_json's map order, which may differ from Python's insertion order.)
pub fn py_repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => {
            if n.is_u64() || n.is_i64() {
                n.to_string()
            } else {
                py_float_repr(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::String(s) => py_str_repr(s),
        Value::Array(a) => format!("[{}]", a.iter().map(py_repr).collect::<Vec<_>>().join(", ")),
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter().map(|(k, v)| format!("{}: {}", py_str_repr(k), py_repr(v))).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// Python's `str()` of a `json.loads` value (as in an f-string).
fn py_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => py_repr(other),
    }
}

fn py_tuple_repr(t: &[Value]) -> String {
    let inner = t.iter().map(py_repr).collect::<Vec<_>>().join(", ");
    if t.len() == 1 {
        format!("({inner},)")
    } else {
        format!("({inner})")
    }
}

/// A JSON string literal as Python's `json.dumps` (ensure_ascii) writes it.
fn json_str_ascii(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            '\x08' => o.push_str("\\b"),
            '\x0c' => o.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut b = [0u16; 2];
                for u in c.encode_utf16(&mut b) {
                    let _ = write!(o, "\\u{:04x}", u);
                }
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// 11 gold slots: document, body, meeting.{number,year,date},
    /// 2 participants + 2 roles, 1 item + its title.
    fn gold() -> Value {
        json!({"file": "000", "documents": [{
            "kind": "agenda", "title": "Møte i NUIT", "body": "NUIT",
            "meeting": {"number": 2, "year": 2022, "date": "2022-04-08", "location": null},
            "participants": [
                {"name": "Kari Nordmann", "role": "member", "attendance": null},
                {"name": "Ola Nordmann", "role": "member", "attendance": null}
            ],
            "items": [{"sak": "13/22", "title": "Godkjenning av innkalling"}]
        }]})
    }

    fn score(g: &Value, p: Option<&Value>) -> Score {
        score_runs([("000", g, p)])
    }

    fn tally(s: &Score, f: &str) -> (u64, u64, u64) {
        let t = s.fields.get(f).copied().unwrap_or_default();
        (t.gold, t.pred, t.ok)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn eval_perfect_match_is_one() {
        let g = gold();
        let s = score(&g, Some(&g));
        assert_eq!(s.totals(), FieldTally { gold: 11, pred: 11, ok: 11, near: 11 });
        assert_eq!((s.precision, s.recall, s.f1), (1.0, 1.0, 1.0));
        assert!(s.misses.is_empty());
        assert!(!s.fields.contains_key("meeting.location")); // null in gold and pred: no slot
    }

    #[test]
    fn eval_missing_participant() {
        let g = gold();
        let mut p = gold();
        p["documents"][0]["participants"].as_array_mut().unwrap().pop();
        let s = score(&g, Some(&p));
        assert_eq!(s.totals(), FieldTally { gold: 11, pred: 9, ok: 9, near: 9 });
        assert_eq!(tally(&s, "participant"), (2, 1, 1));
        assert_eq!(tally(&s, "participant.role"), (2, 1, 1));
        assert!(close(s.precision, 1.0) && close(s.recall, 9.0 / 11.0) && close(s.f1, 0.9));
    }

    #[test]
    fn eval_extra_item_is_one_wrong_slot() {
        let g = gold();
        let mut p = gold();
        p["documents"][0]["items"]
            .as_array_mut()
            .unwrap()
            .push(json!({"sak": "14/22", "title": "Ekstra", "number": 14, "year": 2022}));
        let s = score(&g, Some(&p));
        assert_eq!(tally(&s, "item"), (1, 2, 1));
        assert_eq!(tally(&s, "item.title"), (1, 1, 1));
        assert!(!s.fields.contains_key("item.number"));
        assert!(close(s.precision, 11.0 / 12.0) && close(s.recall, 1.0) && close(s.f1, 22.0 / 23.0));
    }

    #[test]
    fn eval_value_where_gold_is_null_counts_against_precision() {
        let g = gold();
        let mut p = gold();
        p["documents"][0]["participants"][0]["attendance"] = json!("present");
        let s = score(&g, Some(&p));
        assert_eq!(tally(&s, "participant.attendance"), (0, 1, 0));
        assert!(close(s.precision, 11.0 / 12.0) && close(s.recall, 1.0) && close(s.f1, 22.0 / 23.0));
        let table = render_table(&s, true);
        assert!(table.contains(&format!("{:<32} {:6} {:6} {:6} {:>7}\n", "participant.attendance", 0, 1, 0, "nan")));
        assert!(table.contains(
            "MISS 000 ('agenda', 2, 2022) participant Kari Nordmann participant.attendance: gold=None got='present'\n"
        ));
    }

    #[test]
    fn eval_whitespace_nfkc_soft_hyphen_do_not_count() {
        let g = gold();
        let mut p = gold();
        let d = &mut p["documents"][0];
        d["body"] = json!("ＮＵＩＴ"); // fullwidth: NFKC → NUIT
        d["meeting"]["date"] = json!(" 2022-\u{a0}04-08\n");
        d["participants"][0]["name"] = json!("Kari\u{85}\u{2003}Nord\u{ad}mann");
        d["participants"][1]["role"] = json!("mem\u{1c}ber\u{3000}");
        d["items"][0]["sak"] = json!("13 / 22");
        d["items"][0]["title"] = json!("Godkjen-\nning av\r\n\tinnkalling");
        // hyphen is real: "Godkjen-ning" differs; use a soft hyphen instead
        d["items"][0]["title"] = json!("Godkjen\u{ad}\nning av\r\n\tinnkalling");
        let s = score(&g, Some(&p));
        assert_eq!(s.totals(), FieldTally { gold: 11, pred: 11, ok: 11, near: 11 }, "{:?}", s.misses);
        assert_eq!(s.f1, 1.0);
    }

    #[test]
    fn eval_one_character_difference_counts() {
        let g = gold();
        let mut p = gold();
        p["documents"][0]["items"][0]["title"] = json!("Godkjenning av innkallinq");
        let s = score(&g, Some(&p));
        assert_eq!(tally(&s, "item.title"), (1, 1, 0));
        assert!(close(s.precision, 10.0 / 11.0) && close(s.recall, 10.0 / 11.0) && close(s.f1, 10.0 / 11.0));
        // a real hyphen is a character too
        p["documents"][0]["items"][0]["title"] = json!("Godkjen-\nning av innkalling");
        assert_eq!(tally(&score(&g, Some(&p)), "item.title"), (1, 1, 0));
    }

    #[test]
    fn eval_missing_output_and_missing_document() {
        let g = gold();
        let s = score(&g, None);
        assert_eq!(s.totals(), FieldTally { gold: 11, pred: 0, ok: 0, near: 0 });
        assert_eq!((s.precision, s.recall, s.f1), (0.0, 0.0, 0.0));
        assert_eq!(s.misses[0].place, "000 ('agenda', 2, 2022)");
        // wrong meeting number: gold document missed (11 gold slots), output one extra
        let mut p = gold();
        p["documents"][0]["meeting"]["number"] = json!(3);
        let s = score(&g, Some(&p));
        assert_eq!(s.totals(), FieldTally { gold: 11, pred: 1, ok: 0, near: 0 });
        assert_eq!(tally(&s, "document"), (1, 1, 0));
    }

    #[test]
    fn eval_python_equality_and_wrong_types() {
        let g = gold();
        let mut p = gold();
        p["documents"][0]["meeting"]["number"] = json!(2.0); // key and value: 2 == 2.0
        p["documents"][0]["meeting"]["year"] = json!(2022.0);
        let s = score(&g, Some(&p));
        assert_eq!(s.f1, 1.0);
        assert!(py_eq(&json!(true), &json!(1)) && py_eq(&json!(1.0), &json!(true)));
        assert!(!py_eq(&json!("1"), &json!(1)) && !py_eq(&json!(null), &json!(false)));
        assert!(!py_eq(&json!(9007199254740993u64), &json!(9007199254740992.0)));
        assert!(py_eq(&json!({"a": [1, "x"]}), &json!({"a": [1.0, "x"]})));
        // wrong-typed output never panics; it is just a miss
        for bad in [
            json!([1, 2]),
            json!({"documents": 5}),
            json!({"documents": {"a": 1}}),
            json!({"documents": [null, 3, "x", {"kind": "agenda", "meeting": "2/22"}]}),
            json!({"documents": [{"kind": "agenda", "meeting": {"number": 2, "year": 2022},
                "participants": {"x": 1}, "items": [1, null, {"sak": ["13/22"]}], "body": ["NUIT"]}]}),
            json!({"documents": [{"kind": "case_memo", "memo": [1], "references": "x"}]}),
        ] {
            let s = score(&g, Some(&bad));
            assert!(s.totals().ok <= 3, "{bad}");
            let _ = render_table(&s, true);
        }
    }

    #[test]
    fn eval_memo_and_references() {
        let g = json!({"documents": [{"kind": "case_memo",
            "memo": {"sak": "14/22", "date": "2022-04-08", "case_officers": ["Siv I", "Ola N"]},
            "references": [{"sak": "7/22", "date": "2022-03-30", "title": "T"}]}]});
        let mut p = g.clone();
        p["documents"][0]["memo"]["sak"] = json!("14/ 22");
        p["documents"][0]["memo"]["case_officers"] = json!(["Siv  I", "Ola\nN"]);
        assert_eq!(score(&g, Some(&p)).f1, 1.0);
        // reference dates are keys compared raw (not normalised)
        p["documents"][0]["references"][0]["date"] = json!(" 2022-03-30");
        let s = score(&g, Some(&p));
        assert_eq!(tally(&s, "reference"), (1, 1, 0));
        assert_eq!(tally(&s, "reference.title"), (1, 0, 0));
        p["documents"][0]["memo"]["case_officers"] = json!(["Siv I"]);
        assert_eq!(tally(&score(&g, Some(&p)), "memo.case_officers"), (1, 1, 0));
    }

    #[test]
    fn eval_python_repr() {
        for (x, r) in [
            (1.0, "1.0"),
            (0.0, "0.0"),
            (0.9, "0.9"),
            (0.8571428571428571, "0.8571428571428571"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (123.456, "123.456"),
            (-2.5e300, "-2.5e+300"),
        ] {
            assert_eq!(py_float_repr(x), r);
        }
        assert_eq!(py_repr(&json!("it's")), "\"it's\"");
        assert_eq!(py_repr(&json!("a'b\"c\\\n\u{7}\u{ad}\u{200b}ø\u{a0}")), "'a\\'b\"c\\\\\\n\\x07\\xad\\u200bø\\xa0'");
        assert_eq!(py_repr(&json!([1, null, true, "x"])), "[1, None, True, 'x']");
        assert_eq!(py_tuple_repr(&[json!("other")]), "('other',)");
        assert_eq!(py_tuple_repr(&[json!("case_memo"), json!(null)]), "('case_memo', None)");
    }

    #[test]
    fn eval_render_formats() {
        let g = gold();
        let s = score(&g, Some(&g));
        let t = render_table(&s, false);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "field                              gold   pred     ok  recall");
        assert_eq!(lines[1], "body                                  1      1      1   1.000");
        assert_eq!(lines[lines.len() - 2], "lenient precision 1.0000 recall 1.0000 f1 1.0000");
        assert_eq!(*lines.last().unwrap(), "precision 1.0000 recall 1.0000 f1 1.0000");
        assert!(t.ends_with('\n'));
        let j = render_json(&s);
        assert!(j.starts_with(concat!(
            "{\n  \"precision\": 1.0,\n  \"recall\": 1.0,\n  \"f1\": 1.0,\n",
            "  \"lenient\": {\n    \"precision\": 1.0,\n    \"recall\": 1.0,\n    \"f1\": 1.0\n  },\n",
            "  \"fields\": {\n    \"body\": {\n      \"gold\": 1,\n      \"pred\": 1,\n      \"ok\": 1\n    },\n"
        )));
        assert!(j.ends_with("    }\n  }\n}\n"));
        assert_eq!(
            render_json(&Score::default()),
            concat!(
                "{\n  \"precision\": 0.0,\n  \"recall\": 0.0,\n  \"f1\": 0.0,\n",
                "  \"lenient\": {\n    \"precision\": 0.0,\n    \"recall\": 0.0,\n    \"f1\": 0.0\n  },\n",
                "  \"fields\": {}\n}\n"
            )
        );
    }

    #[test]
    fn eval_dirs_discovery() {
        let dir = tempfile::tempdir().unwrap();
        let (gd, od) = (dir.path().join("gold"), dir.path().join("out"));
        std::fs::create_dir_all(&gd).unwrap();
        std::fs::create_dir_all(od.join("json")).unwrap();
        let g = gold().to_string();
        std::fs::write(gd.join("000.json"), &g).unwrap();
        std::fs::write(gd.join("001.json"), &g).unwrap();
        std::fs::write(gd.join("000.notes.json"), "not json").unwrap(); // stem not [0-9A-Za-z]+
        std::fs::write(gd.join("r-07.json"), "not json").unwrap();
        std::fs::write(gd.join("FORMAT.md"), "not json").unwrap();
        std::fs::write(od.join("json/000.json"), &g).unwrap();
        std::fs::write(od.join("json/000-layout.json"), r#"{"documents": []}"#).unwrap();
        std::fs::write(od.join("json/0001.json"), "ignored: digits 0001 name no gold").unwrap();
        std::fs::write(od.join("json/x000.json"), "ignored").unwrap();
        let s = score_dirs(&gd, &od).unwrap();
        // 000-layout (empty), 000 (perfect), 001 (no output)
        assert_eq!(s.totals(), FieldTally { gold: 33, pred: 11, ok: 11, near: 11 });
        assert_eq!(s.misses.first().unwrap().place, "000-layout ('agenda', 2, 2022)");
        assert!(s.misses.last().unwrap().place.starts_with("001 (no output) ('agenda', 2, 2022)"));
        let text = run_cli(&gd, &od, false, false).unwrap();
        assert!(text.ends_with("precision 1.0000 recall 0.3333 f1 0.5000\n"), "{text}");
        // missing OUT/json: everything missed; malformed output JSON: error naming the file
        assert_eq!(score_dirs(&gd, &dir.path().join("nope")).unwrap().totals().pred, 0);
        std::fs::write(od.join("json/001.json"), "{bad").unwrap();
        let e = score_dirs(&gd, &od).unwrap_err().to_string();
        assert!(e.contains("001.json"), "{e}");
        assert!(score_dirs(&dir.path().join("nogold"), &od).is_err());
    }

    #[test]
    fn eval_gold_ids_and_output_prefixes() {
        let dir = tempfile::tempdir().unwrap();
        let (gd, od) = (dir.path().join("gold"), dir.path().join("out"));
        std::fs::create_dir_all(&gd).unwrap();
        std::fs::create_dir_all(od.join("json")).unwrap();
        let g = gold().to_string();
        for id in ["000", "m02", "r07"] {
            std::fs::write(gd.join(format!("{id}.json")), &g).unwrap();
        }
        std::fs::write(gd.join("r07.notes.md"), "notes").unwrap();
        let empty = r#"{"documents": []}"#;
        // scored: r07-minutes-2012 and r07 against r07, m02-a-b against m02
        std::fs::write(od.join("json/r07-minutes-2012.json"), &g).unwrap();
        std::fs::write(od.join("json/r07.json"), empty).unwrap();
        std::fs::write(od.join("json/m02-a-b.json"), &g).unwrap();
        // not scored: no gold r070 / r07x / R07 / r, and the id must be the whole part before '-'
        for name in ["r070", "r07x-a", "R07-x", "r", "-r07", "r07_x", "r07.x"] {
            std::fs::write(od.join(format!("json/{name}.json")), "not json").unwrap();
        }
        let s = score_dirs(&gd, &od).unwrap();
        // 000 (no output), m02-a-b (perfect), r07 (empty), r07-minutes-2012 (perfect)
        assert_eq!(s.totals(), FieldTally { gold: 44, pred: 22, ok: 22, near: 22 });
        let places: Vec<&str> = s.misses.iter().map(|m| m.place.split(' ').next().unwrap()).collect();
        assert_eq!(places.first(), Some(&"000"));
        assert!(s.misses[0].place.starts_with("000 (no output) ('agenda', 2, 2022)"));
        assert_eq!(places.last(), Some(&"r07"));
        assert!(!places.iter().any(|p| p.starts_with("m02") || p.starts_with("r07-")), "{places:?}");
        assert_eq!(gold_id_of("r07-minutes-2012"), "r07");
        assert_eq!(gold_id_of("000"), "000");
        assert!(is_gold_id("m02") && is_gold_id("000") && !is_gold_id("r07.notes") && !is_gold_id(""));
        assert!(!is_gold_id("r-07") && !is_gold_id("ø1"));
    }

    #[test]
    fn eval_documents_without_meeting_number_are_keyed_by_date() {
        let g = json!({"documents": [{
            "kind": "minutes", "body": "Fordelingsutvalget",
            "meeting": {"label": null, "number": null, "year": null, "date": "2012-03-16"},
            "items": [{"sak": "1", "title": "Godkjenning av innkalling"}]
        }]});
        // same date, year filled in wrongly: still the same document
        let mut p = g.clone();
        p["documents"][0]["meeting"]["year"] = json!(2012);
        let s = score(&g, Some(&p));
        assert_eq!(tally(&s, "document"), (1, 1, 1));
        assert_eq!(tally(&s, "meeting.year"), (0, 1, 0));
        assert_eq!(s.misses[0].place, "000 ('minutes', 'date', '2012-03-16')");
        // another date: gold document missed, output document extra
        p["documents"][0]["meeting"]["date"] = json!("2012-03-17");
        let s = score(&g, Some(&p));
        assert_eq!(tally(&s, "document"), (1, 1, 0));
        assert_eq!(s.misses.last().unwrap().place, "000 ('minutes', 'date', '2012-03-17')");
        // a number in the output where gold has none: keyed by number, no match
        let mut p = g.clone();
        p["documents"][0]["meeting"]["number"] = json!(3);
        assert_eq!(tally(&score(&g, Some(&p)), "document"), (1, 1, 0));
        // the key date is raw (not normalised); number missing = null; date null is a key too
        let mut p = g.clone();
        p["documents"][0]["meeting"]["date"] = json!("2012-03-16 ");
        assert_eq!(tally(&score(&g, Some(&p)), "document"), (1, 1, 0));
        let mut g2 = g.clone();
        g2["documents"][0]["meeting"] = json!({"date": null});
        let mut p = g.clone();
        p["documents"][0]["meeting"] = json!({"number": null, "date": null, "label": "x"});
        let s = score(&g2, Some(&p));
        assert_eq!(tally(&s, "document"), (1, 1, 1));
        assert_eq!(s.misses[0].place, "000 ('minutes', 'date', None)");
        // agendas too; memos and others keep their keys
        let mut ga = g.clone();
        ga["documents"][0]["kind"] = json!("agenda");
        assert_eq!(doc_key(obj(&ga["documents"][0])), vec![json!("agenda"), json!("date"), json!("2012-03-16")]);
        assert_eq!(doc_key(obj(&json!({"kind": "other", "meeting": {}}))), vec![json!("other")]);
    }

    #[test]
    fn eval_participant_function_is_scored() {
        let mut g = gold();
        g["documents"][0]["participants"][0]["function"] = json!("Leder");
        let mut p = g.clone();
        let s = score(&g, Some(&p));
        assert_eq!(tally(&s, "participant.function"), (1, 1, 1));
        assert_eq!(s.f1, 1.0);
        p["documents"][0]["participants"][0]["function"] = json!("Nestleder");
        p["documents"][0]["participants"][1]["function"] = json!("Medlem"); // gold null
        let s = score(&g, Some(&p));
        assert_eq!(tally(&s, "participant.function"), (1, 2, 0));
        let table = render_table(&s, true);
        assert!(table.contains(
            "MISS 000 ('agenda', 2, 2022) participant Kari Nordmann participant.function: gold='Leder' got='Nestleder'\n"
        ));
        // a lost participant counts its function as a gold slot
        p["documents"][0]["participants"].as_array_mut().unwrap().remove(0);
        assert_eq!(tally(&score(&g, Some(&p)), "participant.function"), (1, 1, 0));
    }

    #[test]
    fn eval_lenient_counts_strings_at_least_90_percent_similar() {
        let g = gold();
        let mut p = gold();
        // 22 of 23 code points match: ratio 44/46 = 0.957 ≥ 0.9
        p["documents"][0]["items"][0]["title"] = json!("Godkjenning av innkallinq");
        // "NUIT" vs "NUIT2": ratio 8/9 = 0.889 < 0.9
        p["documents"][0]["body"] = json!("NUIT2");
        let s = score(&g, Some(&p));
        assert_eq!(s.fields["item.title"], FieldTally { gold: 1, pred: 1, ok: 0, near: 1 });
        assert_eq!(s.fields["body"], FieldTally { gold: 1, pred: 1, ok: 0, near: 0 });
        assert_eq!(s.totals(), FieldTally { gold: 11, pred: 11, ok: 9, near: 10 });
        assert!(close(s.f1, 9.0 / 11.0) && close(s.lenient.f1, 10.0 / 11.0));
        assert!(close(s.lenient.precision, 10.0 / 11.0) && close(s.lenient.recall, 10.0 / 11.0));
        // a near string is still a miss in --verbose, and the lenient line precedes the strict one
        assert_eq!(s.misses.len(), 2);
        let t = render_table(&s, true);
        assert!(t.contains("item.title: gold='Godkjenningavinnkalling' got='Godkjenningavinnkallinq'\n"), "{t}");
        assert!(t.ends_with("lenient precision 0.9091 recall 0.9091 f1 0.9091\nprecision 0.8182 recall 0.8182 f1 0.8182\n"), "{t}");
        assert!(render_json(&s).contains("  \"lenient\": {\n    \"precision\": 0.9090909090909091,\n"));
        // only strings: numbers, lists, and a string against null never count as near
        let mut p = gold();
        p["documents"][0]["meeting"]["year"] = json!(2023);
        p["documents"][0]["meeting"]["date"] = json!(null);
        let s = score(&g, Some(&p));
        assert_eq!(s.totals().near, s.totals().ok);
        let mg = json!({"documents": [{"kind": "case_memo", "memo": {"sak": "1", "case_officers": ["Siv Iversen"]}}]});
        let mut mp = mg.clone();
        mp["documents"][0]["memo"]["case_officers"] = json!(["Siv Iversem"]);
        assert_eq!(score(&mg, Some(&mp)).fields["memo.case_officers"], FieldTally { gold: 1, pred: 1, ok: 0, near: 0 });
        // entities: a missing one is not near
        let mut p = gold();
        p["documents"][0]["items"].as_array_mut().unwrap().clear();
        assert_eq!(score(&g, Some(&p)).fields["item"], FieldTally { gold: 1, pred: 0, ok: 0, near: 0 });
    }

    #[test]
    fn eval_difflib_ratio() {
        // values from CPython's difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
        for (a, b, r) in [
            ("Godkjenningavinnkalling", "Godkjenningavinnkallinq", 0.9565217391304348),
            ("abcd", "bcde", 0.75),
            ("", "", 1.0),
            ("", "a", 0.0),
            ("Øre", "øre", 0.6666666666666666),
            ("a\u{1F600}b", "a\u{1F600}c", 0.6666666666666666), // code points, not UTF-8/16 units
            ("Godkjenningavreferat", "Godkjenningavinnkalling", 0.6511627906976745),
            // tie-breaking decides the split: not symmetric
            ("aac", "abcabca", 0.6),
            ("abcabca", "aac", 0.4),
            ("abbcaba", "bbab", 0.36363636363636365),
            ("bbab", "abbcaba", 0.7272727272727273),
            ("accabc", "bccbacb", 0.46153846153846156),
            ("bbcb", "acbbba", 0.6),
        ] {
            assert_eq!(similarity(a, b), r, "{a:?} {b:?}");
        }
        // no autojunk: a 250-long string with a popular character is not purged
        let (a, b) = ("a".repeat(250), format!("{}b", "a".repeat(249)));
        assert_eq!(similarity(&a, &b), 0.996);
        // the threshold is inclusive: 18/20 = 0.9
        assert!(similar("abcdefghij", "abcdefghiX"));
        assert!(!similar("abcdefghijklmnopqrs", "abcdefghijklmnopqXY")); // 34/38
    }
}
