//! End-to-end accuracy on the bundled fixtures: PDF → pipeline → JSON →
//! slot F1 against the gold annotations, scored by `motebok::eval` (a port
//! of shared/eval/score.py, checked against it in eval_matches_python.rs).

use motebok::pipeline::{extract_path, Context};

/// The floor the fixtures must score. Raised as the parser improves; it
/// guards against regressions, so it sits just below the measured figure.
const F1_FLOOR: f64 = 0.99;

#[test]
fn fixtures_score_at_least_the_floor() {
    let ctx = Context::new(motebok::rules::Rules::embedded());
    let mut inputs: Vec<_> = ["000", "001", "002", "003", "004"].iter().map(|id| crate::common::fixture(&format!("{id}.pdf"))).collect();
    inputs.push(crate::common::fixture("layout/002-layout.pdf"));
    let records: Vec<_> = inputs.iter().map(|p| extract_path(p, &ctx)).collect();
    let out = tempfile::tempdir().unwrap();
    motebok::output::write_all(out.path(), &records).unwrap();
    let score = motebok::eval::score_dirs(&crate::common::root().join("tests/gold"), out.path()).unwrap();
    for m in score.misses.iter().take(40) {
        eprintln!("{m:?}");
    }
    assert!(score.f1 >= F1_FLOOR, "f1 {:.4} below floor {F1_FLOOR}", score.f1);
}

#[test]
fn layout_variant_scores_as_well_as_the_original() {
    let ctx = Context::new(motebok::rules::Rules::embedded());
    let score_one = |rel: &str| {
        let rec = extract_path(&crate::common::fixture(rel), &ctx);
        let out = serde_json::to_value(&rec).unwrap();
        let gold = crate::common::gold("002");
        motebok::eval::score_runs([("002", &gold, Some(&out))]).f1
    };
    let plain = score_one("002.pdf");
    let layout = score_one("layout/002-layout.pdf");
    assert!(layout >= plain - 0.01, "layout {layout:.4} vs plain {plain:.4}");
    assert!(layout >= 0.95, "layout {layout:.4}");
}
