//! File names of the per-file JSON: `json/<stem>.json`.
//!
//! # Rule
//!
//! * The stem is the input's file name without its extension
//!   (`fixtures/layout/002-layout.pdf` → `002-layout`), so the scorer's
//!   "stem starts with the gold id" matching keeps working.
//! * Inputs of one batch whose stems are equal (compared case-insensitively,
//!   so the output also works on case-insensitive file systems) get the
//!   names of their parent directories appended, nearest first, each after a
//!   `~`, as many as it takes to tell them apart: `a/x.pdf` → `x~a`,
//!   `b/x.pdf` → `x~b`; `p/a/x.pdf` and `q/a/x.pdf` → `x~a~p`, `x~a~q`. An
//!   input with fewer directories than needed keeps what it has (`x.pdf`
//!   beside `a/x.pdf` stays `x`).
//! * A name longer than [`MAX_STEM_BYTES`] (a 251-character file name, or
//!   many parents) is cut there, at a character boundary, and ends in `~`
//!   and the first 8 hex digits of the SHA-256 of the input's key, so
//!   `json/<stem>.json` always fits a file system's 255-byte limit and long
//!   names that share a beginning stay apart.
//! * Should names still clash (`a/x.pdf` and `a/x.PDF`, or a file literally
//!   named `x~a.pdf`), later inputs in sorted path order get `~2`, `~3`, …
//!
//! The result depends only on the set of input paths, so reruns over the
//! same inputs name files the same way.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path};

/// Longest stem, in bytes (with room for `~N` and `.json` under 255).
pub const MAX_STEM_BYTES: usize = 200;

/// `stem` cut to fit, ending in `~` and a hash of `file` (see the module docs).
fn shorten(stem: &str, file: &str) -> String {
    let hash = crate::util::sha256_hex(file.as_bytes());
    let mut cut = MAX_STEM_BYTES - 9;
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}~{}", &stem[..cut], &hash[..8])
}

fn stem_of(file: &str) -> String {
    match Path::new(file).file_stem() {
        Some(s) if !s.is_empty() => s.to_string_lossy().to_string(),
        _ => "file".to_string(),
    }
}

/// Parent directory names, nearest first (`.`, `..` and roots skipped).
fn parents_of(file: &str) -> Vec<String> {
    let mut v: Vec<String> = match Path::new(file).parent() {
        Some(p) => p
            .components()
            .filter_map(|c| match c {
                Component::Normal(s) => Some(s.to_string_lossy().to_string()),
                _ => None,
            })
            .collect(),
        None => vec![],
    };
    v.reverse();
    v
}

fn with_parents(stem: &str, parents: &[String], depth: usize) -> String {
    let mut s = stem.to_string();
    for p in parents.iter().take(depth) {
        s.push('~');
        s.push_str(p);
    }
    s
}

/// One stem per input path, unique in the batch (see the module docs).
/// `files` should be in sorted order for the `~2` tie-break to be stable.
pub fn assign_stems(files: &[&str]) -> Vec<String> {
    let stems: Vec<String> = files.iter().map(|f| stem_of(f)).collect();
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, s) in stems.iter().enumerate() {
        groups.entry(s.to_lowercase()).or_default().push(i);
    }
    let mut names = stems.clone();
    for members in groups.values().filter(|m| m.len() > 1) {
        let parents: Vec<Vec<String>> = members.iter().map(|&i| parents_of(files[i])).collect();
        let max_depth = parents.iter().map(Vec::len).max().unwrap_or(0);
        for depth in 1..=max_depth {
            let cands: Vec<String> = members.iter().zip(&parents).map(|(&i, p)| with_parents(&stems[i], p, depth)).collect();
            let distinct: BTreeSet<String> = cands.iter().map(|c| c.to_lowercase()).collect();
            for (&i, c) in members.iter().zip(&cands) {
                names[i] = c.clone();
            }
            if distinct.len() == cands.len() {
                break;
            }
        }
    }
    for (n, f) in names.iter_mut().zip(files) {
        if n.len() > MAX_STEM_BYTES {
            *n = shorten(n, f);
        }
    }
    // Last resort: number whatever still clashes.
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by(|&a, &b| files[a].cmp(files[b]).then(a.cmp(&b)));
    // Names that are already unique are reserved first, so a suffix never
    // steals another input's name.
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for n in &names {
        *counts.entry(n.to_lowercase()).or_default() += 1;
    }
    for n in &names {
        if counts[&n.to_lowercase()] == 1 {
            taken.insert(n.to_lowercase());
        }
    }
    for i in order {
        let key = names[i].to_lowercase();
        if counts[&key] == 1 {
            continue;
        }
        if taken.insert(key.clone()) {
            continue;
        }
        let mut k = 2;
        loop {
            let cand = format!("{}~{k}", names[i]);
            if taken.insert(cand.to_lowercase()) {
                names[i] = cand;
                break;
            }
            k += 1;
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::{assign_stems, MAX_STEM_BYTES};

    fn s(files: &[&str]) -> Vec<String> {
        assign_stems(files)
    }

    #[test]
    fn output_stems_plain_when_unique() {
        assert_eq!(
            s(&["fixtures/000.pdf", "fixtures/layout/002-layout.pdf", "fixtures/scanned/002-scan.pdf", "x"]),
            vec!["000", "002-layout", "002-scan", "x"]
        );
    }

    #[test]
    fn output_stems_disambiguated_by_parents() {
        assert_eq!(s(&["a/x.pdf", "b/x.pdf", "y.pdf"]), vec!["x~a", "x~b", "y"]);
        assert_eq!(s(&["p/a/x.pdf", "q/a/x.pdf"]), vec!["x~a~p", "x~a~q"]);
        assert_eq!(s(&["a/x.pdf", "x.pdf"]), vec!["x~a", "x"]);
        assert_eq!(s(&["fixtures/002.pdf", "fixtures/bad/002.pdf"]), vec!["002~fixtures", "002~bad"]);
        assert_eq!(s(&["/abs/a/X.pdf", "../b/x.pdf"]), vec!["X~a", "x~b"]);
    }

    #[test]
    fn output_stems_always_fit() {
        let long = format!("{}.pdf", "ø".repeat(125));
        let a = format!("a/{long}");
        let b = format!("b/{long}");
        let c = format!("c/{}x.pdf", "ø".repeat(125));
        let got = s(&[&a, &b, &c, "short.pdf"]);
        for n in &got {
            assert!(n.len() <= MAX_STEM_BYTES, "{n}");
            assert!(format!("json/{n}.json").rsplit('/').next().unwrap().len() < 255);
        }
        let lower: std::collections::BTreeSet<String> = got.iter().map(|n| n.to_lowercase()).collect();
        assert_eq!(lower.len(), 4, "{got:?}");
        assert_eq!(got[3], "short");
        // Stable: the same inputs, the same names.
        assert_eq!(got, s(&[&a, &b, &c, "short.pdf"]));
    }

    #[test]
    fn output_stems_last_resort_numbers() {
        assert_eq!(s(&["a/x.PDF", "a/x.pdf"]), vec!["x~a", "x~a~2"]);
        // A literal `x~a.pdf` clashes with `a/x.pdf`'s name; the later path is numbered.
        assert_eq!(s(&["a/x.pdf", "b/x.pdf", "x~a.pdf"]), vec!["x~a", "x~b", "x~a~2"]);
    }
}
