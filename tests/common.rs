//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use motebok::model::Engine;
use motebok::pdf::PageText;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn seed(id: &str) -> String {
    std::fs::read_to_string(root().join("tests/seeds").join(format!("{id}.txt"))).expect("seed text")
}

pub fn gold(id: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("tests/gold").join(format!("{id}.json"))).expect("gold file");
    serde_json::from_str(&text).expect("gold JSON")
}

/// Text cut into pages of `per_page` lines, as a text layer would give it.
pub fn pages_of(text: &str, per_page: usize) -> Vec<PageText> {
    let lines: Vec<&str> = text.lines().collect();
    lines
        .chunks(per_page.max(1))
        .enumerate()
        .map(|(i, chunk)| PageText::new(i as u32 + 1, chunk.join("\n"), Engine::Lopdf))
        .collect()
}

/// F1 of the documents parsed from `pages` against gold `id`.
pub fn f1_of_pages(id: &str, pages: &[PageText]) -> f64 {
    let rules = motebok::rules::Rules::embedded();
    let docs = motebok::read::read_file(pages, &rules);
    let out = serde_json::json!({ "documents": docs });
    let gold = gold(id);
    let score = motebok::eval::score_runs([(id, &gold, Some(&out))]);
    if score.f1 < 0.999 {
        for m in score.misses.iter().take(30) {
            eprintln!("{m:?}");
        }
    }
    score.f1
}

pub fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures").join(rel)
}

/// A PDF with the given text, one line a text line, in Helvetica (a
/// standard, non-embedded font with WinAnsi encoding: another producer than
/// the fixtures' embedded TrueType). `per_page` lines a page.
pub fn helvetica_pdf(text: &str, per_page: usize) -> Vec<u8> {
    motebok::pdfgen::text_pdf(text, per_page)
}

/// Split lines longer than `width` characters at word boundaries (a
/// narrower column or a larger font).
pub fn rewrap(text: &str, width: usize) -> String {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut cur = String::new();
        for word in line.split_whitespace() {
            if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
                out.push(std::mem::take(&mut cur));
            }
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(word);
        }
        out.push(cur);
    }
    out.join("\n")
}

/// Every file under `dir`, by path relative to it (`/`-separated), with its bytes.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Whether this is a CI run (`CI` set and not `0`/`false`): a test that
/// needs a tool must then fail when the tool is missing, never skip.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// Skip a test whose prerequisite is missing, loudly; under CI, fail.
pub fn skip_or_fail(test: &str, why: &str) {
    if in_ci() {
        panic!("{test}: {why} (under CI this is a failure: .ci/run installs what tests need)");
    }
    eprintln!("SKIPPED {test}: {why}");
}

/// A table as rows of column → rendered cell.
pub type Rows = Vec<std::collections::BTreeMap<String, String>>;

/// Every dataset of `records` merged in an in-memory store, as CSV cells
/// in export order, by table name.
pub fn datasets(records: &[motebok::model::FileRecord]) -> std::collections::BTreeMap<String, Rows> {
    let rules = motebok::rules::Rules::embedded();
    let ds = motebok::output::Datasets::create(None, &rules).unwrap();
    for r in records {
        ds.add_record(r, &r.source.file).unwrap();
    }
    ds.finish(&mut motebok::merge::NoSink).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for t in motebok::output::tables::TABLES {
        let fields = (t.fields)();
        let mut rows = Vec::new();
        ds.store()
            .each(&motebok::output::export_sql(t, None), &[], |r| {
                let mut row = std::collections::BTreeMap::new();
                for (i, f) in fields.iter().enumerate() {
                    let v: motebok::store::Value = r.get(i).unwrap();
                    row.insert(f.name.to_string(), motebok::output::tables::render(&v, f.ty).to_string());
                }
                rows.push(row);
                Ok(())
            })
            .unwrap();
        out.insert(t.name.to_string(), rows);
    }
    out
}

/// The row of `rows` whose `key` column is `value`.
pub fn row<'a>(rows: &'a Rows, key: &str, value: &str) -> &'a std::collections::BTreeMap<String, String> {
    rows.iter().find(|r| r[key] == value).unwrap_or_else(|| panic!("no row with {key} = {value:?} in {:#?}", rows.iter().map(|r| &r[key]).collect::<Vec<_>>()))
}

/// The output folder `out` after a killed run: itself, or — only the
/// fallback swap may leave it so — the old output under its backup name
/// beside it.
pub fn output_or_backup(out: &Path) -> PathBuf {
    if out.is_dir() {
        return out.to_path_buf();
    }
    let backup = format!("{}.motebok-old-", out.file_name().unwrap().to_string_lossy());
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(&backup))
        .expect("OUT or its backup")
}
