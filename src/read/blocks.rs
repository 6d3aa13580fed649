//! Blocks that span many lines and belong to no field: a table of
//! contents. Found before the fields are read, so that no field reads
//! them (a contents entry is not an item, a contents line not a
//! participant).

use super::lexicon::labels;
use super::lines::Line;
use crate::rules::Rules;

/// Consecutive lines without a page number that still count as entries
/// of a table of contents (a wrapped entry; an entry whose number was
/// taken as furniture at a page's edge).
const CONTENTS_MISSES: usize = 2;

/// Which lines belong to a table of contents: from a contents heading
/// ("Innhold", "Sideoversikt") while the lines are entries followed by
/// their page numbers (on the line, or on the next).
pub fn table_of_contents(lines: &[Line], rules: &Rules) -> Vec<bool> {
    let mut skip = vec![false; lines.len()];
    let is_number = |t: &str| !t.is_empty() && t.len() <= 4 && t.chars().all(|c| c.is_ascii_digit());
    let ends_with_number = |t: &str| {
        let head = t.trim_end_matches(|c: char| c.is_ascii_digit());
        head.len() < t.len() && (head.ends_with(' ') || head.ends_with(['.', '…']))
    };
    let mut i = 0;
    while i < lines.len() {
        if !labels::is_contents_heading(&lines[i].text, rules) {
            i += 1;
            continue;
        }
        skip[i] = true;
        let mut k = i + 1;
        let mut tentative: Vec<usize> = Vec::new();
        while k < lines.len() {
            let t = lines[k].text.as_str();
            let next_is_number = lines.get(k + 1).is_some_and(|n| is_number(&n.text));
            if is_number(t) || ends_with_number(t) || next_is_number || labels::is_contents_heading(t, rules) {
                skip[k] = true;
                tentative.clear();
            } else if tentative.len() < CONTENTS_MISSES {
                skip[k] = true;
                tentative.push(k);
            } else {
                break;
            }
            k += 1;
        }
        // The lines taken on trust at the end were no entries.
        if let Some(&first) = tentative.first() {
            for t in &tentative {
                skip[*t] = false;
            }
            k = first;
        }
        i = k.max(i + 1);
    }
    skip
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::lines::lines_of;

    #[test]
    fn contents_entries_with_page_numbers() {
        let rules = Rules::embedded();
        let l = lines_of("Sideoversikt\n[16:30] Velkommen\n8\nGenerelt\nCasual Gaming\n24\n[17:35] Sak 1 - Preferansevalg\n28\n[17:35] Sak 1 - Preferansevalg\nSaken er vedtatt.\nMer tekst.\n", 1);
        let skip = table_of_contents(&l, &rules);
        assert_eq!(skip, vec![true, true, true, true, true, true, true, true, false, false, false]);
    }
}
