//! Norwegian dates and times as printed in meeting documents.
//!
//! Month and weekday names are not written here: they come from
//! [`Rules`] (`rules/months.toml`), so a new spelling is a rules change.
//!
//! Decisions, fixed by the tests below:
//!
//! * **Two-digit years** pivot at [`PIVOT`]: `00`–`69` are 2000–2069,
//!   `70`–`99` are 1970–1999 (the POSIX `%y` convention).
//! * **Accepted years** are [`MIN_YEAR`]..=[`MAX_YEAR`]; a date outside
//!   them is [`DateError::Impossible`], never corrected.
//! * **Impossible dates** (`31. april`, `29.02.2023`, `00.01.2022`,
//!   `13.13.2022`) are errors, never guessed into a neighbouring date.
//! * **`kl. 9`** is 09:00: an hour without minutes is a time only after
//!   `kl`/`klokka`/`klokken` (a bare `9` is just a number). Hours are
//!   0–23 (`24:00` is rejected), minutes 0–59 and always two digits.
//! * **OCR**: inside a date or time token `O`/`o` read as 0 and `l`/`I` as 1,
//!   and `-` `–` `—` `−` are all range dashes. Every number of a date, and
//!   the hours of a time, must still hold at least one real digit, so that
//!   "I mai 2021" (Norwegian "in May 2021") is never read as 1 May. Text
//!   outside the date or time token is never touched.
//! * **Searching** ([`find_date`]) is stricter than whole-text parsing
//!   ([`parse_date`]): it does not take a bare `08.04` (a time, an amount), a
//!   two-digit year after a month name, or a two-digit-year numeric date
//!   unless day and month have two digits each (`30.03.22` yes, `3.1.12` — a
//!   section number — no). A number glued to a letter, or continued by
//!   `.5`/`,5`/`/5`/`:5`, is not a date. A yearless date found in text
//!   takes `default_year`, or is skipped without one.
//! * **Times in text** ([`find_time_range`]): a range (`–`, `-`, `til`),
//!   `kl …`, or a colon (`09:55`) make a time anywhere; a lone dotted
//!   `15.11` only when it is the whole text, since in running text it is as
//!   often a date ("Frist 15.11") or a version ("versjon 1.01").
//! * Month words are matched in Latin script only (bokmål, nynorsk, Sami
//!   letters); which words are months is the rules' business.

use std::ops::Range;
use std::sync::LazyLock;

use regex::{Captures, Regex};

use crate::rules::Rules;

/// A calendar date; always a real day of the Gregorian calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Date {
    /// The date if it exists and its year is within [`MIN_YEAR`]..=[`MAX_YEAR`].
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        ((MIN_YEAR..=MAX_YEAR).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month))
        .then_some(Date { year, month, day })
    }
}

/// A time of day, 00:00 to 23:59.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time {
    pub hour: u32,
    pub minute: u32,
}

impl std::fmt::Display for Time {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

impl Time {
    /// The time if hour is 0–23 and minute 0–59.
    pub fn new(hour: u32, minute: u32) -> Option<Time> {
        (hour <= 23 && minute <= 59).then_some(Time { hour, minute })
    }
}

/// Why a text is not a date; each message names the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("no date in {0:?}")]
    NotADate(String),
    #[error("impossible date {0:?}")]
    Impossible(String),
    #[error("no year in {0:?} and none known from context")]
    NoYear(String),
}

/// Two-digit years up to this one are 20yy, later ones 19yy.
pub const PIVOT: i32 = 69;
/// The earliest year accepted in a date.
pub const MIN_YEAR: i32 = 1900;
/// The latest year accepted in a date.
pub const MAX_YEAR: i32 = 2099;

/// A two-digit year as four digits (`22` → 2022, `85` → 1985); values outside 0–99 are returned unchanged.
pub fn expand_year(two_digit: i32) -> i32 {
    match two_digit {
        0..=PIVOT => 2000 + two_digit,
        70..=99 => 1900 + two_digit,
        other => other,
    }
}

/// Whether `year` is a Gregorian leap year.
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` (1–12) of `year`; 0 for a month that does not exist.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

// ---------------------------------------------------------------------------
// Patterns. `N` is a digit or its OCR look-alike; `DD` is one or two of
// them holding at least one real digit.

const N: &str = "[0-9OolI]";
/// A digit of a four-digit year: scanners' own OCR layers also misread 2
/// as z and 1 as L there ("16. April 20Lz"); [`ocr_year`] wants two real
/// digits besides.
const Y: &str = "[0-9OolILzZ]";
const DD: &str = "(?:[OolI][0-9]|[0-9][0-9OolI]?)";
const KL: &str = r"(?i:kl(?:okk(?:a|en))?)";
const DASH: &str = r"(?:[-–—−‐‑]|(?i:til))";
/// Where a searched token may start: an ASCII word boundary. A cheap
/// pre-filter; [`left_ok`] has the last word.
const PRE: &str = r"(?-u:\b)";
/// The one character that may follow a searched token, or the end. It is
/// consumed by the match but lies outside the `tok` group; [`right_ok`] has
/// the last word. Having it in the pattern keeps rejected candidates (and
/// so scanning time) low; it can never be the start of another token.
/// ASCII only, like [`WORD`], to keep the automata small.
const SUF: &str = r"(?:$|[^A-Za-z0-9])";
/// A letter of a month name (Latin script: bokmål, nynorsk, Sami). Rules
/// decide which words are months.
const WORD: &str = r"\p{Latin}";

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("dates.rs patterns are valid (checked by tests)")
}

/// `30.03.2022`, `30.03.22` anywhere; `05.09 2013` (a space before a
/// four-digit year) too.
static NUM_FIND: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"{PRE}(?P<tok>(?P<d>{DD})\.(?P<m>{DD})(?:\.(?P<y>{Y}{{4}}|{N}{{2}})| (?P<ys>[0-9]{{4}}))){SUF}")));
/// `2022-03-30` anywhere.
static ISO_FIND: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"{PRE}(?P<tok>(?P<y>[0-9]{{4}})-(?P<m>[0-9]{{2}})-(?P<d>[0-9]{{2}})){SUF}")));
/// `8. april 2022`, `9 des. 2021`, `22. mars` anywhere (bounded, so scanning stays linear).
static TEXT_FIND: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"{PRE}(?P<tok>(?P<d>{DD})(?:\.\s{{0,3}}|\s{{1,3}})(?P<mon>{WORD}{{2,12}})(?:\.?,?\s{{0,3}}(?P<y>{Y}{{4}}))?){SUF}"
    ))
});
/// The whole text a numeric date, year optional (`08.04`).
static NUM_WHOLE: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"^(?P<d>{N}{{1,2}})\.(?P<m>{N}{{1,2}})(?:\.(?P<y>{Y}{{4}}|{N}{{2}}))?$")));
/// The whole text an ISO date.
static ISO_WHOLE: LazyLock<Regex> = LazyLock::new(|| re(r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})$"));
/// The whole text a day and month name, year optional (two or four digits).
static TEXT_WHOLE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(r"^(?P<d>{N}{{1,2}})(?:\. ?| )(?P<mon>{WORD}+)(?:\.?,? ?(?P<y>{Y}{{4}}|{N}{{2}}))?$"))
});
/// A time or time range: `Kl. 08.00 – 10.00`, `09:00 til 15:00`, `kl 9`.
/// A start without minutes (`h1`) needs `kl`; one with minutes is `h1b`.
static TIME_FIND: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"{PRE}(?P<tok>(?:(?P<kl1>{KL}\.?\s{{0,3}})(?P<h1>{DD})(?:[.:](?P<m1>{N}{{2}}))?|(?P<h1b>{DD})[.:](?P<m1b>{N}{{2}}))(?:\s{{0,3}}{DASH}\s{{0,3}}(?P<kl2>{KL}\.?\s{{0,3}})?(?P<h2>{DD})(?:[.:](?P<m2>{N}{{2}}))?)?){SUF}"
    ))
});

// ---------------------------------------------------------------------------
// Small helpers.

/// The value of a number written with digits or OCR look-alikes; `None` if
/// any other character is in it or (when `need_digit`) no real digit is.
fn ocr_num(s: &str, need_digit: bool) -> Option<u32> {
    if need_digit && !s.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut v: u32 = 0;
    for c in s.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'O' | 'o' => 0,
            'l' | 'I' => 1,
            _ => return None,
        };
        v = v.checked_mul(10)?.checked_add(d)?;
    }
    Some(v)
}

/// A year's value: two digits as [`ocr_num`] reads them; four with the
/// year's own look-alikes (z = 2, L = 1) as well, when two of the four are
/// real digits.
fn ocr_year(s: &str) -> Option<u32> {
    if s.chars().count() != 4 {
        return ocr_num(s, true);
    }
    if s.bytes().filter(u8::is_ascii_digit).count() < 2 {
        return None;
    }
    let mapped: String = s.chars().map(|c| match c { 'z' | 'Z' => '2', 'L' => '1', c => c }).collect();
    ocr_num(&mapped, true)
}

/// Whether a token may start at `start`: not glued to a letter or digit,
/// and not the continuation of a number (`1.`, `3,`, `7/`, `10:`).
fn left_ok(text: &str, start: usize) -> bool {
    let mut before = text[..start].chars().rev();
    match before.next() {
        None => true,
        Some(c) if c.is_alphanumeric() => false,
        Some('.' | ',' | '/' | ':') => !before.next().is_some_and(|c| c.is_ascii_digit()),
        Some(_) => true,
    }
}

/// Whether a token may end at `end`: not glued to a letter or digit, and not
/// continued as a number (`.5`, `,5`, `/5`, `:5`).
fn right_ok(text: &str, end: usize) -> bool {
    let mut after = text[end..].chars();
    match after.next() {
        None => true,
        Some(c) if c.is_alphanumeric() => false,
        Some('.' | ',' | '/' | ':') => !after.next().is_some_and(|c| c.is_ascii_digit()),
        Some(_) => true,
    }
}

/// Whether a searched token could start at byte `p` and pass [`left_ok`]
/// (or, for `kl`, the looser test of a word start).
fn could_start(text: &str, p: usize) -> bool {
    match text.as_bytes().get(p) {
        Some(b'k' | b'K') => !text[..p].chars().next_back().is_some_and(char::is_alphanumeric),
        Some(b'0'..=b'9' | b'O' | b'o' | b'l' | b'I') => left_ok(text, p),
        _ => false,
    }
}

/// Builds a date from its parts, checking it exists. `month` is already a number.
fn make_date(day: &str, month: u32, year: Option<&str>, default_year: Option<i32>, src: &str) -> Result<Date, DateError> {
    let not = || DateError::NotADate(src.to_string());
    let impossible = || DateError::Impossible(src.to_string());
    let day = ocr_num(day, true).ok_or_else(not)?;
    // Impossible in every year: no need to know the year to say so.
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(2000, month) {
        return Err(impossible());
    }
    let year = match year {
        Some(y) => {
            let v = ocr_year(y).ok_or_else(not)? as i32;
            if y.chars().count() == 2 {
                expand_year(v)
            } else {
                v
            }
        }
        None => default_year.ok_or_else(|| DateError::NoYear(src.to_string()))?,
    };
    Date::new(year, month, day).ok_or_else(impossible)
}

fn numeric_month(caps: &Captures<'_>, src: &str) -> Result<u32, DateError> {
    ocr_num(&caps["m"], true).ok_or_else(|| DateError::NotADate(src.to_string()))
}

/// Candidates of one pattern, scanned left to right. The captures handed to
/// `accept` are relative to `text[base..]`; `accept` returns the value and
/// the token's absolute range. Where a rejected (or shortened) match could
/// hide the start of another token, scanning resumes inside it, so no
/// candidate is lost. Patterns are bounded in length, so a scan is linear.
struct Scan<'t, F> {
    re: &'static Regex,
    text: &'t str,
    iter: Option<(usize, regex::CaptureMatches<'static, 't>)>,
    pos: usize,
    done: bool,
    accept: F,
}

impl<'t, V, F> Iterator for Scan<'t, F>
where
    F: FnMut(&'t str, &Captures<'t>, usize) -> Option<(V, Range<usize>)>,
{
    type Item = (V, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        let text = self.text;
        while !self.done {
            if self.iter.is_none() {
                let Some(rest) = text.get(self.pos..) else { break };
                self.iter = Some((self.pos, self.re.captures_iter(rest)));
            }
            let (base, it) = self.iter.as_mut().expect("set above");
            let base = *base;
            let Some(caps) = it.next() else { break };
            let whole = caps.get(0).expect("group 0 always matches");
            let (start, end) = (base + whole.start(), base + whole.end());
            match (self.accept)(text, &caps, base) {
                Some((v, range)) => {
                    if (range.end..end).any(|p| could_start(text, p)) {
                        self.pos = range.end.max(start + 1);
                        self.iter = None;
                    }
                    return Some((v, range));
                }
                None => {
                    if (start + 1..end).any(|p| could_start(text, p)) {
                        self.pos = start + text[start..].chars().next().map_or(1, char::len_utf8);
                        self.iter = None;
                    }
                }
            }
        }
        self.done = true;
        None
    }
}

fn scan<'t, V, F>(re: &'static Regex, text: &'t str, accept: F) -> Scan<'t, F>
where
    F: FnMut(&'t str, &Captures<'t>, usize) -> Option<(V, Range<usize>)>,
{
    Scan { re, text, iter: None, pos: 0, done: false, accept }
}

/// The absolute range of a capture made in `text[base..]`.
fn abs(m: regex::Match<'_>, base: usize) -> Range<usize> {
    base + m.start()..base + m.end()
}

// ---------------------------------------------------------------------------
// Dates.

/// Reads a text that is wholly a date (weekday prefix and trailing punctuation allowed); a missing year is `default_year`.
pub fn parse_date(text: &str, default_year: Option<i32>, rules: &Rules) -> Result<Date, DateError> {
    let not = || DateError::NotADate(text.to_string());
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.len() > 64 {
        return Err(not()); // far longer than any written date
    }
    let mut t = collapsed
        .trim_start_matches(['(', '['])
        .trim_end_matches(['.', ',', ';', ':', ')', ']'])
        .trim();
    if let Some(i) = t.find([' ', ',']) {
        if rules.is_weekday(&t[..i]) {
            t = t[i..].trim_start_matches([' ', ',', '.']);
        }
    }
    if let Some(c) = ISO_WHOLE.captures(t) {
        return make_date(&c["d"], numeric_month(&c, text)?, Some(&c["y"]), default_year, text);
    }
    if let Some(c) = NUM_WHOLE.captures(t) {
        let y = c.name("y").map(|m| m.as_str());
        return make_date(&c["d"], numeric_month(&c, text)?, y, default_year, text);
    }
    if let Some(c) = TEXT_WHOLE.captures(t) {
        let month = rules.month(&c["mon"]).ok_or_else(not)?;
        let y = c.name("y").map(|m| m.as_str());
        return make_date(&c["d"], month, y, default_year, text);
    }
    Err(not())
}

type Found = (Date, Range<usize>);

/// The token range of a date match, if it is cleanly delimited in `text`.
fn date_token(text: &str, c: &Captures<'_>, base: usize) -> Option<Range<usize>> {
    let r = abs(c.name("tok")?, base);
    (left_ok(text, r.start) && right_ok(text, r.end)).then_some(r)
}

/// Every valid date in `text`, left to right, none overlapping.
fn date_iter<'t>(text: &'t str, default_year: Option<i32>, rules: &'t Rules) -> impl Iterator<Item = Found> + 't {
    let num = scan(&NUM_FIND, text, |text: &'t str, c: &Captures<'t>, base| {
        let r = date_token(text, c, base)?;
        let y = c.name("y").or_else(|| c.name("ys"))?.as_str();
        // "3.1.12" is a section number, not 3 January 2012; "5.9 2013" is
        // too loose to be a date without its dot.
        if (y.len() == 2 || c.name("ys").is_some()) && (c["d"].len() != 2 || c["m"].len() != 2) {
            return None;
        }
        let month = ocr_num(&c["m"], true)?;
        Some((make_date(&c["d"], month, Some(y), None, "").ok()?, r))
    });
    let iso = scan(&ISO_FIND, text, |text: &'t str, c: &Captures<'t>, base| {
        let r = date_token(text, c, base)?;
        let month = ocr_num(&c["m"], true)?;
        Some((make_date(&c["d"], month, Some(&c["y"]), None, "").ok()?, r))
    });
    let words = scan(&TEXT_FIND, text, move |text: &'t str, c: &Captures<'t>, base| {
        let r = date_token(text, c, base)?;
        let month = rules.month(&c["mon"])?;
        let y = c.name("y").map(|m| m.as_str());
        Some((make_date(&c["d"], month, y, default_year, "").ok()?, r))
    });
    Merge {
        heads: [None, None, None],
        sources: [Box::new(num), Box::new(iso), Box::new(words)],
        last_end: 0,
    }
}

/// Merges candidate streams by start (longest first on a tie), dropping overlaps.
struct Merge<'t> {
    heads: [Option<Found>; 3],
    sources: [Box<dyn Iterator<Item = Found> + 't>; 3],
    last_end: usize,
}

impl Iterator for Merge<'_> {
    type Item = Found;

    fn next(&mut self) -> Option<Found> {
        // Refill heads, discarding candidates that overlap what was yielded.
        for (head, src) in self.heads.iter_mut().zip(self.sources.iter_mut()) {
            if head.as_ref().is_some_and(|(_, r)| r.start < self.last_end) {
                *head = None;
            }
            if head.is_none() {
                *head = src.find(|(_, r)| r.start >= self.last_end);
            }
        }
        let best = (0..3).filter(|&i| self.heads[i].is_some()).min_by_key(|&i| {
            let r = &self.heads[i].as_ref().expect("filtered").1;
            (r.start, std::cmp::Reverse(r.end))
        })?;
        let found = self.heads[best].take()?;
        self.last_end = found.1.end;
        Some(found)
    }
}

/// The first valid date anywhere in `text`, with its byte range; yearless dates take `default_year` or are skipped.
pub fn find_date(text: &str, default_year: Option<i32>, rules: &Rules) -> Option<(Date, Range<usize>)> {
    date_iter(text, default_year, rules).next()
}

/// Every valid date in `text`, left to right and not overlapping, with byte ranges.
pub fn find_dates(text: &str, default_year: Option<i32>, rules: &Rules) -> Vec<(Date, Range<usize>)> {
    date_iter(text, default_year, rules).collect()
}

// ---------------------------------------------------------------------------
// Times.

/// A start time and, when given, an end time.
pub type TimeRange = (Time, Option<Time>);

fn time_of(h: &str, m: Option<&str>) -> Option<Time> {
    let hour = ocr_num(h, true)?;
    let minute = match m {
        Some(m) => ocr_num(m, false)?,
        None => 0,
    };
    Time::new(hour, minute)
}

fn accept_time<'t>(text: &'t str, c: &Captures<'t>, base: usize) -> Option<(TimeRange, Range<usize>)> {
    let whole = abs(c.name("tok")?, base);
    let kl1 = c.name("kl1").is_some();
    // "kl" must be a word of its own; a number must not continue another.
    let start_ok = if kl1 {
        !text[..whole.start].chars().next_back().is_some_and(char::is_alphanumeric)
    } else {
        left_ok(text, whole.start)
    };
    if !start_ok {
        return None;
    }
    let h1 = c.name("h1").or_else(|| c.name("h1b"))?;
    let m1 = c.name("m1").or_else(|| c.name("m1b"));
    let start = time_of(h1.as_str(), m1.map(|m| m.as_str()))?;
    let end1 = base + m1.unwrap_or(h1).end();
    if let Some(h2) = c.name("h2") {
        let m2 = c.name("m2");
        // A bare end hour ("kl. 9-11") only where "kl" says these are hours.
        if m2.is_some() || kl1 || c.name("kl2").is_some() {
            if let Some(end) = time_of(h2.as_str(), m2.map(|m| m.as_str())) {
                if right_ok(text, whole.end) {
                    return Some(((start, Some(end)), whole));
                }
            }
        }
    }
    // No usable end: the start alone, if it ends cleanly. A lone "15.11"
    // with a full stop and no "kl" is as often a date or a version number
    // as a time: a time only when it is the whole text (a table cell).
    let dotted = m1.is_some() && text.as_bytes().get(base + h1.end()) == Some(&b'.');
    if !kl1 && dotted {
        let alone = text[..whole.start].trim().is_empty() && text[end1..].trim_matches(|c: char| c.is_whitespace() || c == '.').is_empty();
        if !alone {
            return None;
        }
    }
    right_ok(text, end1).then_some(((start, None), whole.start..end1))
}

/// The first time or time range in a field value, with its byte range (`Kl. 08.00 – 10.00`, `fra kl. 10.30`).
///
/// A single time needs `kl`, a colon (`09:55`), or to be the whole text
/// (`10.45`): in running text a lone `15.11` is a date or a version.
pub fn find_time_range(text: &str) -> Option<(TimeRange, Range<usize>)> {
    scan(&TIME_FIND, text, accept_time).next()
}

/// The first time or time range in a field value: start and, if given, end (`09:00 til 15:00`).
pub fn parse_time_range(text: &str) -> Option<(Time, Option<Time>)> {
    find_time_range(text).map(|(t, _)| t)
}

/// A text that is wholly one time (`08:00`, `8.05`, `kl. 9` = 09:00); `None` otherwise.
pub fn parse_time(text: &str) -> Option<Time> {
    let t = text.trim().trim_end_matches('.').trim_end();
    if t.len() > 32 {
        return None; // far longer than any written time
    }
    match find_time_range(t)? {
        ((time, None), r) if r == (0..t.len()) => Some(time),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn rules() -> Rules {
        Rules::embedded()
    }

    fn d(year: i32, month: u32, day: u32) -> Date {
        Date { year, month, day }
    }

    fn t(hour: u32, minute: u32) -> Time {
        Time { hour, minute }
    }

    fn pd(text: &str) -> Result<Date, DateError> {
        parse_date(text, None, &rules())
    }

    fn pdy(text: &str, year: i32) -> Result<Date, DateError> {
        parse_date(text, Some(year), &rules())
    }

    /// The date found in `text` and the exact text it was read from.
    fn fd(text: &str, year: Option<i32>) -> Option<(Date, &str)> {
        find_date(text, year, &rules()).map(|(date, r)| (date, &text[r]))
    }

    fn assert_impossible(text: &str, year: Option<i32>) {
        match parse_date(text, year, &rules()) {
            Err(DateError::Impossible(s)) => assert_eq!(s, text),
            other => panic!("{text:?}: expected Impossible, got {other:?}"),
        }
    }

    fn assert_not_a_date(text: &str) {
        match parse_date(text, Some(2022), &rules()) {
            Err(DateError::NotADate(s)) => assert_eq!(s, text),
            other => panic!("{text:?}: expected NotADate, got {other:?}"),
        }
    }

    // ---- Display and constructors -------------------------------------

    #[test]
    fn display_pads() {
        assert_eq!(d(2022, 4, 8).to_string(), "2022-04-08");
        assert_eq!(d(2021, 12, 31).to_string(), "2021-12-31");
        assert_eq!(t(9, 5).to_string(), "09:05");
        assert_eq!(t(23, 59).to_string(), "23:59");
        assert_eq!(t(0, 0).to_string(), "00:00");
    }

    #[test]
    fn constructors_check_the_calendar_and_clock() {
        assert_eq!(Date::new(2024, 2, 29), Some(d(2024, 2, 29)));
        assert_eq!(Date::new(2023, 2, 29), None);
        assert_eq!(Date::new(2022, 0, 1), None);
        assert_eq!(Date::new(2022, 1, 0), None);
        assert_eq!(Date::new(1899, 12, 31), None);
        assert_eq!(Date::new(2100, 1, 1), None);
        assert_eq!(Time::new(23, 59), Some(t(23, 59)));
        assert_eq!(Time::new(24, 0), None);
        assert_eq!(Time::new(10, 60), None);
    }

    #[test]
    fn error_messages_name_the_text() {
        let e = pd("31. april 2022").unwrap_err().to_string();
        assert!(e.contains("31. april 2022") && e.contains("impossible"), "{e}");
        let e = pd("22. mars").unwrap_err().to_string();
        assert!(e.contains("22. mars") && e.contains("no year"), "{e}");
        let e = pd("3 MNOK").unwrap_err().to_string();
        assert!(e.contains("3 MNOK") && e.contains("no date"), "{e}");
    }

    // ---- Calendar ------------------------------------------------------

    #[test]
    fn leap_years() {
        assert!(is_leap_year(2024));
        assert!(is_leap_year(2000));
        assert!(!is_leap_year(1900));
        assert!(!is_leap_year(2100));
        assert!(!is_leap_year(2023));
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2023, 2), 28);
        assert_eq!(days_in_month(2023, 4), 30);
        assert_eq!(days_in_month(2023, 12), 31);
        assert_eq!(days_in_month(2023, 13), 0);
        assert_eq!(days_in_month(2023, 0), 0);
    }

    #[test]
    fn two_digit_years_pivot_at_69() {
        assert_eq!(expand_year(0), 2000);
        assert_eq!(expand_year(9), 2009);
        assert_eq!(expand_year(22), 2022);
        assert_eq!(expand_year(69), 2069);
        assert_eq!(expand_year(70), 1970);
        assert_eq!(expand_year(99), 1999);
        assert_eq!(expand_year(2022), 2022);
        assert_eq!(expand_year(-1), -1);
        assert_eq!(expand_year(100), 100);
        assert_eq!(pd("30.03.22"), Ok(d(2022, 3, 30)));
        assert_eq!(pd("01.01.00"), Ok(d(2000, 1, 1)));
        assert_eq!(pd("31.12.69"), Ok(d(2069, 12, 31)));
        assert_eq!(pd("01.01.70"), Ok(d(1970, 1, 1)));
        assert_eq!(pd("31.12.99"), Ok(d(1999, 12, 31)));
        assert_eq!(pd("9. des. 21"), Ok(d(2021, 12, 9)));
        assert_eq!(pd("9 des 21"), Ok(d(2021, 12, 9)));
        // A two-digit year is expanded, not taken as year 22.
        assert_ne!(pd("30.03.22").unwrap().year, 22);
    }

    // ---- parse_date: the printed forms --------------------------------

    #[test]
    fn parses_every_printed_form() {
        let cases = [
            ("8. april 2022", d(2022, 4, 8)),
            ("08.04.2022", d(2022, 4, 8)),
            ("8.4.2022", d(2022, 4, 8)),
            ("30.03.22", d(2022, 3, 30)),
            ("8.4.22", d(2022, 4, 8)),
            ("14.  desember 2021", d(2021, 12, 14)),
            ("14.\tdesember\n2021", d(2021, 12, 14)),
            ("8.\u{a0}april\u{a0}2022", d(2022, 4, 8)),
            ("9. des. 2021", d(2021, 12, 9)),
            ("9. des 2021", d(2021, 12, 9)),
            ("9 des 2021", d(2021, 12, 9)),
            ("9 des. 2021", d(2021, 12, 9)),
            ("1.mars 2022", d(2022, 3, 1)),
            ("21.april 2021", d(2021, 4, 21)),
            ("15. mai, 2025", d(2025, 5, 15)),
            ("2022-03-30", d(2022, 3, 30)),
            ("  20. mai 2021  ", d(2021, 5, 20)),
            ("8. April 2022", d(2022, 4, 8)),
            ("8. APRIL 2022", d(2022, 4, 8)),
        ];
        for (text, want) in cases {
            assert_eq!(pd(text), Ok(want), "{text:?}");
        }
    }

    #[test]
    fn trailing_punctuation_and_brackets() {
        assert_eq!(pd("8. april 2022."), Ok(d(2022, 4, 8)));
        assert_eq!(pd("8. april 2022,"), Ok(d(2022, 4, 8)));
        assert_eq!(pd("08.04.2022:"), Ok(d(2022, 4, 8)));
        assert_eq!(pd("(30.03.22)"), Ok(d(2022, 3, 30)));
        assert_eq!(pd("9. des."), Err(DateError::NoYear("9. des.".into())));
        assert_eq!(pdy("9. des.", 2021), Ok(d(2021, 12, 9)));
        assert_eq!(pdy("08.04.", 2022), Ok(d(2022, 4, 8)));
    }

    #[test]
    fn weekday_prefixes_are_skipped() {
        assert_eq!(pd("Onsdag 24. januar 2024"), Ok(d(2024, 1, 24)));
        assert_eq!(pd("onsdag 24.01.2024"), Ok(d(2024, 1, 24)));
        assert_eq!(pd("Onsdag, 24. januar 2024"), Ok(d(2024, 1, 24)));
        assert_eq!(pd("ONSDAG 24. januar 2024"), Ok(d(2024, 1, 24)));
        assert_eq!(pd("ons. 24.01.2024"), Ok(d(2024, 1, 24)));
        assert_eq!(pdy("torsdag 22. mars", 2022), Ok(d(2022, 3, 22)));
        // Every weekday spelling of rules/months.toml, bokmål and nynorsk.
        for w in [
            "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag", "måndag", "tysdag", "laurdag",
            "sundag", "man", "tir", "ons", "tor", "fre", "lør", "søn", "Mandag", "Lørdag",
        ] {
            let text = format!("{w} 3. januar 2022");
            assert_eq!(pd(&text), Ok(d(2022, 1, 3)), "{text:?}");
        }
        // Only a weekday is skipped: any other word makes it not a date.
        assert_not_a_date("Møte 24. januar 2024");
        assert_not_a_date("Blåmandag 24. januar 2024");
        assert_not_a_date("onsdag");
        assert_not_a_date("onsdag 24. januar 2024 kl. 10");
    }

    #[test]
    fn every_month_name_and_abbreviation() {
        let months = [
            ("januar", 1), ("jan", 1), ("februar", 2), ("feb", 2), ("mars", 3), ("mar", 3), ("april", 4), ("apr", 4),
            ("mai", 5), ("juni", 6), ("jun", 6), ("juli", 7), ("jul", 7), ("august", 8), ("aug", 8),
            ("september", 9), ("sep", 9), ("sept", 9), ("oktober", 10), ("okt", 10), ("november", 11), ("nov", 11),
            ("desember", 12), ("des", 12),
        ];
        for (name, n) in months {
            for spelled in [name.to_string(), format!("{name}."), name.to_uppercase(), {
                let mut c = name.chars();
                let first = c.next().unwrap().to_uppercase().to_string();
                first + c.as_str()
            }] {
                for text in [format!("3. {spelled} 2021"), format!("3 {spelled} 2021"), format!("3.{spelled} 2021")] {
                    assert_eq!(pd(&text), Ok(d(2021, n, 3)), "{text:?}");
                    let sentence = format!("Møtet {text} ble avlyst");
                    let found = fd(&sentence, None);
                    assert_eq!(found.map(|f| f.0), Some(d(2021, n, 3)), "find {text:?}");
                }
                let yearless = format!("3. {spelled}");
                assert_eq!(pdy(&yearless, 2020), Ok(d(2020, n, 3)), "{yearless:?}");
            }
        }
        assert_not_a_date("3. marts 2021");
        assert_not_a_date("3. desemb 2021");
        assert_not_a_date("3. kvartal 2021");
    }

    #[test]
    fn missing_year_with_and_without_default() {
        assert_eq!(pdy("22. mars", 2022), Ok(d(2022, 3, 22)));
        assert_eq!(pd("22. mars"), Err(DateError::NoYear("22. mars".into())));
        assert_eq!(pdy("08.04", 2022), Ok(d(2022, 4, 8)));
        assert_eq!(pd("08.04"), Err(DateError::NoYear("08.04".into())));
        assert_eq!(pdy("8.4", 2021), Ok(d(2021, 4, 8)));
        // A printed year beats the default.
        assert_eq!(pdy("22. mars 2021", 2030), Ok(d(2021, 3, 22)));
        assert_eq!(pdy("30.03.22", 2030), Ok(d(2022, 3, 30)));
        // The default year is checked too.
        assert_impossible("29. februar", Some(2023));
        assert_eq!(pdy("29. februar", 2024), Ok(d(2024, 2, 29)));
        assert_eq!(pd("29. februar"), Err(DateError::NoYear("29. februar".into())));
    }

    // ---- parse_date: impossible dates are never guessed ---------------

    #[test]
    fn impossible_dates_are_errors() {
        for text in [
            "31. april 2022", "31. juni 2022", "31. september 2022", "31. november 2022", "31.04.2022",
            "29.02.2023", "29. februar 2023", "30.02.2024", "29.02.1900", "29.02.2100",
            "00.01.2022", "0. januar 2022", "32. januar 2022", "32.01.2022", "99.01.2022",
            "13.13.2022", "01.00.2022", "01.13.22", "01.01.1899", "01.01.2100", "2022-02-30", "2022-13-01",
            "2022-00-10", "00.00.00",
        ] {
            assert_impossible(text, None);
            assert_impossible(text, Some(2024));
        }
        // Impossible in every year: said so even without knowing the year.
        assert_impossible("31. april", None);
        assert_impossible("31.04", None);
        assert_impossible("30. februar", None);
        assert_impossible("13.13", None);
        // Leap days that exist.
        assert_eq!(pd("29.02.2024"), Ok(d(2024, 2, 29)));
        assert_eq!(pd("29.02.2000"), Ok(d(2000, 2, 29)));
        assert_eq!(pd("29.02.24"), Ok(d(2024, 2, 29)));
        // Month ends that exist.
        assert_eq!(pd("30. april 2022"), Ok(d(2022, 4, 30)));
        assert_eq!(pd("31.12.2022"), Ok(d(2022, 12, 31)));
        assert_eq!(pd("28.02.2023"), Ok(d(2023, 2, 28)));
        assert_eq!(pd("31. januar 1900"), Ok(d(1900, 1, 31)));
        assert_eq!(pd("31. desember 2099"), Ok(d(2099, 12, 31)));
    }

    #[test]
    fn not_dates() {
        for text in [
            "", "   ", ".", "13/22", "7/22", "2022-2024", "3 MNOK", "Godkjenning av referat", "april 2022", "8. april 2022 kl. 10",
            "8. smørbrød 2022", "4. kvartal 2021", "2022", "08", "8.", "08.04.2022.5", "1.2.3.4", "08-04-2022", "30/03/2022",
            "8. april 20222", "8 april2022x", "10:30", "kl. 10.00", "202-03-30", "I mai 2021", "lO. mai 2021", "ll.OO.OOOO",
        ] {
            assert_not_a_date(text);
        }
    }

    // ---- OCR confusions -------------------------------------------------

    #[test]
    fn ocr_look_alikes_in_dates() {
        assert_eq!(pd("l5. september 2O21"), Ok(d(2021, 9, 15)));
        assert_eq!(pd("I5. september 2O2l"), Ok(d(2021, 9, 15)));
        assert_eq!(pd("O8.O4.2O22"), Ok(d(2022, 4, 8)));
        assert_eq!(pd("1O.1O.2O21"), Ok(d(2021, 10, 10)));
        assert_eq!(pd("2o. mai 2o21"), Ok(d(2021, 5, 20)));
        assert_eq!(pd("3O.O3.22"), Ok(d(2022, 3, 30)));
        // A scanner's OCR layer: z for 2 and L for 1, in a four-digit year
        // with two real digits only.
        assert_eq!(pd("16. April 20Lz"), Ok(d(2012, 4, 16)));
        assert_eq!(fd("Generalforsamling 16. April 20Lz Linjeforeningen", None), Some((d(2012, 4, 16), "16. April 20Lz")));
        assert_eq!(pd("16.04.2OLz"), Err(DateError::NotADate("16.04.2OLz".into())));
        assert_not_a_date("16. april Lzz0");
        assert_not_a_date("1z. mai 2021");
        assert_eq!(fd("Møtet l5. september 2O21 i Oslo", None), Some((d(2021, 9, 15), "l5. september 2O21")));
        // OCR does not make an impossible date possible.
        assert_impossible("3l. april 2O22", None);
        // Only the listed look-alikes: S is not 5, B is not 8.
        assert_not_a_date("S. mai 2021");
        assert_not_a_date("1B.05.2021");
        // A number with no real digit stays a word ("I mai" = "in May").
        assert_eq!(fd("I mai 2021 ble det vedtatt", Some(2021)), None);
        assert_eq!(fd("NUIT mai 2021", Some(2021)), None);
    }

    // ---- find_date ------------------------------------------------------

    #[test]
    fn finds_the_first_date_in_running_text() {
        assert_eq!(fd("7/22 (30.03.22)", None), Some((d(2022, 3, 30), "30.03.22")));
        assert_eq!(
            fd("Godkjenning av referatet fra NUIT 20. mai 2021", None),
            Some((d(2021, 5, 20), "20. mai 2021"))
        );
        assert_eq!(fd("Sak 13/22 Referat fra møte 9. des. 2021, vedtatt", None), Some((d(2021, 12, 9), "9. des. 2021")));
        assert_eq!(fd("publisert 2022-03-30.", None), Some((d(2022, 3, 30), "2022-03-30")));
        assert_eq!(fd("Dato:08.04.2022", None), Some((d(2022, 4, 8), "08.04.2022")));
        assert_eq!(fd("Onsdag 24. januar 2024 kl. 10", None), Some((d(2024, 1, 24), "24. januar 2024")));
        assert_eq!(fd("møte 14.  desember 2021", None), Some((d(2021, 12, 14), "14.  desember 2021")));
        assert_eq!(fd("Tromsø, Bodø og Ålesund – 8. april 2022", None), Some((d(2022, 4, 8), "8. april 2022")));
        assert_eq!(fd("🗓 8. april 2022", None), Some((d(2022, 4, 8), "8. april 2022")));
        // A space for the second dot before a four-digit year.
        assert_eq!(fd("Referat fra Fordelingsutvalgmøte 05.09 2013", None), Some((d(2013, 9, 5), "05.09 2013")));
        assert_eq!(fd("Tid 5.9 2013", None), None);
        assert_eq!(fd("beløp 12.50 1000 kr", None), None);
    }

    #[test]
    fn find_takes_yearless_dates_only_with_a_default() {
        assert_eq!(fd("Frist 22. mars.", Some(2022)), Some((d(2022, 3, 22), "22. mars")));
        assert_eq!(fd("Frist 22. mars.", None), None);
        // A later date with a year is still found when the yearless one can't be used.
        assert_eq!(fd("Frist 22. mars, møte 4. april 2022", None), Some((d(2022, 4, 4), "4. april 2022")));
        // Two digits after a month name are not a year when searching.
        assert_eq!(fd("22. mars 15 deltakere", Some(2022)), Some((d(2022, 3, 22), "22. mars")));
        // Numbers like times and amounts are not yearless dates.
        assert_eq!(fd("kl. 10.12", Some(2022)), None);
        assert_eq!(fd("budsjett 3.50 MNOK", Some(2022)), None);
    }

    #[test]
    fn find_skips_impossible_and_glued_candidates() {
        assert_eq!(fd("31. april 2022, eller 1. mai 2022", None), Some((d(2022, 5, 1), "1. mai 2022")));
        assert_eq!(fd("29.02.2023 og 01.03.2023", None), Some((d(2023, 3, 1), "01.03.2023")));
        assert_eq!(fd("ref30.03.2022", None), None);
        assert_eq!(fd("30.03.2022x", None), None);
        assert_eq!(fd("versjon 1.30.03.2022", None), None);
        assert_eq!(fd("30.03.2022.5", None), None);
        assert_eq!(fd("avsnitt 3.1.12", None), None);
        assert_eq!(fd("versjon 8.4.22", None), None);
        assert_eq!(fd("2015. mai", Some(2022)), None);
        assert_eq!(fd("8. desemberhilsen 2022", None), None);
    }

    #[test]
    fn find_rejects_non_dates() {
        for text in [
            "13/22", "Sak 13/22 og 7/22", "2022-2024", "strategi 2022-2024", "3 MNOK", "kostnad 3 MNOK i 2022",
            "Godkjenning av referat fra forrige møte", "4. kvartal 2021", "", "kl. 08.00 – 10.00", "Versjon 1.2",
        ] {
            assert_eq!(fd(text, Some(2022)), None, "{text:?}");
        }
    }

    #[test]
    fn find_dates_returns_all_in_order() {
        let text = "Referat fra 9. desember 2021 (NUIT 4/21) og 04.02.2022, se også 2022-03-30 og 31.04.2022.";
        let got: Vec<(Date, &str)> = find_dates(text, None, &rules()).into_iter().map(|(x, r)| (x, &text[r])).collect();
        assert_eq!(
            got,
            vec![
                (d(2021, 12, 9), "9. desember 2021"),
                (d(2022, 2, 4), "04.02.2022"),
                (d(2022, 3, 30), "2022-03-30"),
            ]
        );
        assert!(find_dates("ingen datoer her", Some(2022), &rules()).is_empty());
        let yearless = find_dates("22. mars og 5. april", Some(2022), &rules());
        assert_eq!(yearless.iter().map(|f| f.0).collect::<Vec<_>>(), vec![d(2022, 3, 22), d(2022, 4, 5)]);
        assert!(find_dates("22. mars og 5. april", None, &rules()).is_empty());
    }

    // ---- times ----------------------------------------------------------

    #[test]
    fn single_times() {
        assert_eq!(parse_time("08:00"), Some(t(8, 0)));
        assert_eq!(parse_time("8.05"), Some(t(8, 5)));
        assert_eq!(parse_time("10.00"), Some(t(10, 0)));
        assert_eq!(parse_time(" 23:59 "), Some(t(23, 59)));
        assert_eq!(parse_time("00.00"), Some(t(0, 0)));
        assert_eq!(parse_time("kl. 9"), Some(t(9, 0)));
        assert_eq!(parse_time("Kl 9"), Some(t(9, 0)));
        assert_eq!(parse_time("kl.9."), Some(t(9, 0)));
        assert_eq!(parse_time("klokka 9"), Some(t(9, 0)));
        assert_eq!(parse_time("klokken 14.30"), Some(t(14, 30)));
        assert_eq!(parse_time("Kl. 14.30"), Some(t(14, 30)));
    }

    #[test]
    fn single_times_rejected() {
        for text in [
            "25:00", "24:00", "10:75", "10.60", "9", "8.5", "10.000", "100.00", "", "abc", "10.00-11.00", "kl. 9 og 10",
            "08.04.2022", "kl.", "kl. 25", "fra kl. 10.30", "10:00x", "lO.OO", "Mkl. 9",
        ] {
            assert_eq!(parse_time(text), None, "{text:?}");
        }
    }

    #[test]
    fn time_ranges_of_every_form() {
        let cases = [
            ("Kl. 08.00 – 10.00", t(8, 0), Some(t(10, 0))),
            ("09:00 -15:00", t(9, 0), Some(t(15, 0))),
            ("kl 10.00-16.00", t(10, 0), Some(t(16, 0))),
            ("Kl. 10:00", t(10, 0), None),
            ("10.00 — 16.00", t(10, 0), Some(t(16, 0))),
            ("10.00 − 16.00", t(10, 0), Some(t(16, 0))),
            ("10.00 ‑ 16.00", t(10, 0), Some(t(16, 0))),
            ("fra kl. 10.30", t(10, 30), None),
            ("09:00 til 15:00", t(9, 0), Some(t(15, 0))),
            ("09:00 Til 15:00", t(9, 0), Some(t(15, 0))),
            ("kl. 10.30 – 13.30", t(10, 30), Some(t(13, 30))),
            ("kl. 9 - 11", t(9, 0), Some(t(11, 0))),
            ("kl. 9-11.30", t(9, 0), Some(t(11, 30))),
            ("kl. 10.00 - kl. 12.00", t(10, 0), Some(t(12, 0))),
            ("10.00 til kl. 12", t(10, 0), Some(t(12, 0))),
            ("Kl.08.00–10.00", t(8, 0), Some(t(10, 0))),
            ("Tid: Kl. 09.00 – 15.00 (lunsj 11.30)", t(9, 0), Some(t(15, 0))),
            ("Tid 09:00 – 16:00", t(9, 0), Some(t(16, 0))),
            ("10.00", t(10, 0), None),
            ("klokken 10", t(10, 0), None),
        ];
        for (text, start, end) in cases {
            assert_eq!(parse_time_range(text), Some((start, end)), "{text:?}");
        }
    }

    #[test]
    fn time_range_spans_and_context() {
        let text = "Dato 08.04.2022, kl. 10.00–12.00, Oslo";
        let (range, span) = find_time_range(text).unwrap();
        assert_eq!(range, (t(10, 0), Some(t(12, 0))));
        assert_eq!(&text[span], "kl. 10.00–12.00");
        let text = "Anne (fra kl. 10.30)";
        let (range, span) = find_time_range(text).unwrap();
        assert_eq!(range, (t(10, 30), None));
        assert_eq!(&text[span], "kl. 10.30");
        // Dotted numbers in running text are dates and versions, not times ...
        assert_eq!(parse_time_range("Frist 15.11"), None);
        assert_eq!(parse_time_range("versjon 1.01, men"), None);
        assert_eq!(parse_time_range("innspill fra NUFA (22.03), NUIT (08.04)"), None);
        // ... but "kl", a colon, a range, or standing alone make them times.
        assert_eq!(parse_time_range("Pause 15:15"), Some((t(15, 15), None)));
        assert_eq!(parse_time_range("Eventuelt 09:55 Drøfting"), Some((t(9, 55), None)));
        assert_eq!(parse_time_range(" 10.45 "), Some((t(10, 45), None)));
        assert_eq!(parse_time_range("Svein Lyngroth – fra kl. \n10.45"), Some((t(10, 45), None)));
        assert_eq!(parse_time_range("lunsj 11.30-12.15"), Some((t(11, 30), Some(t(12, 15)))));
        // An impossible end is dropped, the start kept.
        assert_eq!(parse_time_range("kl. 10.00 - 99.99"), Some((t(10, 0), None)));
        assert_eq!(parse_time_range("kl. 10.00 - 2022"), Some((t(10, 0), None)));
    }

    #[test]
    fn time_ranges_rejected() {
        for text in [
            "25:00 - 26:00", "10:75", "Dato: 08.04.2022", "8. april 2022", "2022-2024", "sak 13/22", "3 MNOK", "Oslo",
            "9-11", "", "lO.OO", "Mkl. 10", "ingen tid", "22. mars", "1.2.3",
        ] {
            assert_eq!(parse_time_range(text), None, "{text:?}");
        }
    }

    #[test]
    fn ocr_look_alikes_in_times() {
        assert_eq!(parse_time_range("O8.OO – 1O.OO"), Some((t(8, 0), Some(t(10, 0)))));
        assert_eq!(parse_time_range("Kl. O9.3O – l5.OO"), Some((t(9, 30), Some(t(15, 0)))));
        assert_eq!(parse_time_range("kl. 1O.OO—l6.OO"), Some((t(10, 0), Some(t(16, 0)))));
        assert_eq!(parse_time("O8:OO"), Some(t(8, 0)));
        // Text around the token is untouched: the span is exactly the token.
        let text = "Oslo, Kl. O9.3O – l5.OO, lokale IO";
        let (_, span) = find_time_range(text).unwrap();
        assert_eq!(&text[span], "Kl. O9.3O – l5.OO");
        // OCR does not make an impossible time possible.
        assert_eq!(parse_time("2l:7O"), None);
    }

    // ---- robustness -------------------------------------------------------

    #[test]
    fn never_panics_on_weird_input() {
        let r = rules();
        let weird = [
            "\u{0}", "ø", "å.ø.æ", "٣٠.٠٣.٢٠٢٢", "８. april 2022", "8\u{301}. april 2022", "\u{200b}8.\u{200b}april 2022",
            "\u{feff}08.04.2022", "\u{202e}08.04.2022", "🗓🗓🗓.🗓.🗓", "kl.🗓", "kl. ", "kl", "–", "—", "9. 🗓", ". . .",
            "1.", "1..1..2022", "l", "I", "O", "Oo.Il", "ǅ. mai", "ß. mai 2021", "İ. mai", "\u{10ffff}", "1\u{10ffff}",
            "Ⅻ. mai 2021", "١٢ mai", "9. des.\u{0}2021", "a\u{300}\u{300}\u{300}",
        ];
        for s in weird {
            let _ = parse_date(s, Some(2022), &r);
            let _ = parse_date(s, None, &r);
            let _ = find_date(s, Some(2022), &r);
            let _ = find_dates(s, None, &r);
            let _ = parse_time(s);
            let _ = parse_time_range(s);
            let _ = find_time_range(s);
            // Any range handed back slices the input on character boundaries.
            for (_, range) in find_dates(s, Some(2022), &r) {
                assert!(s.get(range).is_some(), "{s:?}");
            }
            if let Some((_, range)) = find_time_range(s) {
                assert!(s.get(range).is_some(), "{s:?}");
            }
        }
        // Non-ASCII digits are not digits here.
        assert_eq!(find_date("٣٠.٠٣.٢٠٢٢", None, &r), None);
        assert_eq!(find_date("８. april 2022", None, &r), None);
    }

    #[test]
    fn generated_inputs_keep_the_invariants() {
        // Deterministic pseudo-random strings built from the pieces that
        // matter (digits, look-alikes, separators, month and weekday words,
        // multi-byte characters). Whatever is found must be consistent:
        // ranges slice the input, come in order without overlap, and the
        // sliced text parses on its own to the same value.
        let r = rules();
        let pieces = [
            "1", "2", "0", "9", "3", "12", "31", "29", "2022", "21", "O", "o", "l", "I", ".", ".", ":", ",", "/", "-", "–",
            " ", " ", "\n", "\u{a0}", "mai", "des.", "Februar", "april", "kl.", "Kl ", "til", "onsdag", "x", "ø", "🗓", "(", ")",
        ];
        let mut seed: u64 = 0x5eed;
        let mut next = move |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) % n as u64) as usize
        };
        let (mut dates_seen, mut times_seen) = (0, 0);
        for _ in 0..20_000 {
            let len = 1 + next(14);
            let s: String = (0..len).map(|_| pieces[next(pieces.len())]).collect();
            let found = find_dates(&s, Some(2020), &r);
            let mut last_end = 0;
            for (date, range) in &found {
                assert!(range.start >= last_end, "{s:?}: {found:?}");
                last_end = range.end;
                let slice = s.get(range.clone()).unwrap_or_else(|| panic!("{s:?}: bad range {range:?}"));
                assert_eq!(parse_date(slice, Some(2020), &r).as_ref(), Ok(date), "{s:?} -> {slice:?}");
                dates_seen += 1;
            }
            assert_eq!(find_date(&s, Some(2020), &r), found.first().cloned(), "{s:?}");
            if let Some(((start, end), range)) = find_time_range(&s) {
                let slice = s.get(range.clone()).unwrap_or_else(|| panic!("{s:?}: bad range {range:?}"));
                assert_eq!(parse_time_range(slice), Some((start, end)), "{s:?} -> {slice:?}");
                if end.is_none() {
                    assert_eq!(parse_time(slice), Some(start), "{s:?} -> {slice:?}");
                }
                times_seen += 1;
            }
            let _ = parse_date(&s, None, &r);
            let _ = parse_time(&s);
        }
        // The generator does reach the interesting cases.
        assert!(dates_seen > 100 && times_seen > 100, "{dates_seen} dates, {times_seen} times");
    }

    #[test]
    fn megabyte_inputs_are_linear() {
        let r = rules();
        let mb = 1 << 20;
        let started = Instant::now();
        // Dense candidates (every few bytes a near-date or near-time), no
        // candidates at all, and many real dates.
        let mut counts = Vec::new();
        for unit in ["1", "08.04.", "kl. 1", "lO.", "ø", " ", "1 mai ", "1. mai 2021 ", "10.00-"] {
            let s = unit.repeat(mb / unit.len());
            assert!(parse_date(&s, Some(2022), &r).is_err());
            assert_eq!(parse_time(&s), None);
            let _ = parse_time_range(&s);
            counts.push(find_dates(&s, Some(2021), &r).len());
        }
        // "1 mai " and "1. mai 2021 " give one date per repetition, nothing else does.
        assert_eq!(counts, vec![0, 0, 0, 0, 0, 0, mb / 6, mb / 12, 0]);
        // A quadratic scan of 1 MB would take hours; a linear one takes
        // seconds, even unoptimised on a busy machine.
        assert!(started.elapsed() < Duration::from_secs(120), "took {:?}", started.elapsed());
    }

    #[test]
    fn a_date_far_into_a_long_text_is_found() {
        let r = rules();
        let mut s = "Møtet ble holdt i Oslo. ".repeat(40_000);
        let at = s.len();
        s.push_str("Vedtatt 9. desember 2021.");
        let (date, range) = find_date(&s, None, &r).unwrap();
        assert_eq!(date, d(2021, 12, 9));
        assert_eq!(range.start, at + "Vedtatt ".len());
    }
}
