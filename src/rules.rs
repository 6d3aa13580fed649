//! What varies between bodies and eras: labels, body aliases, month names,
//! sak types. The defaults in `rules/*.toml` are compiled in; `--rules DIR`
//! replaces any of those files by one of the same name in DIR.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The rule files, by name, with their embedded default text.
pub const RULE_FILES: [(&str, &str); 7] = [
    ("months.toml", include_str!("../rules/months.toml")),
    ("bodies.toml", include_str!("../rules/bodies.toml")),
    ("labels.toml", include_str!("../rules/labels.toml")),
    ("documents.toml", include_str!("../rules/documents.toml")),
    ("genre.toml", include_str!("../rules/genre.toml")),
    ("names.toml", include_str!("../rules/names.toml")),
    ("organisations.toml", include_str!("../rules/organisations.toml")),
];

#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("{file}:{line}: {message}")]
    Parse { file: PathBuf, line: usize, message: String },
    #[error("{file}: cannot read: {source}")]
    Read { file: PathBuf, source: std::io::Error },
    #[error("{file}:{line}: {message}")]
    Invalid { file: PathBuf, line: usize, message: String },
    #[error("{dir}: not a directory of rule files")]
    NotADirectory { dir: PathBuf },
}

#[derive(Debug, Clone, Deserialize)]
pub struct MonthsFile {
    pub months: std::collections::BTreeMap<String, u32>,
    pub weekdays: Weekdays,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Weekdays {
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BodiesFile {
    pub body: Vec<Body>,
    pub secretariat: Secretariat,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Body {
    pub name: String,
    pub aliases: Vec<String>,
}

/// `organisations.toml`: canonical organisation names and their aliases.
#[derive(Debug, Clone, Deserialize)]
pub struct OrganisationsFile {
    #[serde(default)]
    pub organisation: Vec<Organisation>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Organisation {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Secretariat {
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LabelsFile {
    pub header: HeaderLabels,
    pub participants: ParticipantLabels,
    pub agenda: AgendaLabels,
    pub decisions: DecisionLabels,
    pub memo: MemoLabels,
    pub references: ReferenceLabels,
    pub furniture: Furniture,
}

#[derive(Debug, Clone, Deserialize)]
pub struct HeaderLabels {
    pub meeting: Vec<String>,
    pub date: Vec<String>,
    pub time: Vec<String>,
    pub location: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ParticipantLabels {
    pub members: Vec<String>,
    pub present: Vec<String>,
    pub absent: Vec<String>,
    pub substitute: Vec<String>,
    pub observer: Vec<String>,
    pub other: Vec<String>,
    pub secretariat: Vec<String>,
    pub observer_markers: Vec<String>,
    pub substitute_for: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AgendaLabels {
    pub sak: Vec<String>,
    pub topic: Vec<String>,
    pub time: Vec<String>,
    pub sak_type: Vec<String>,
    pub any_other_business: Vec<String>,
    pub breaks: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DecisionLabels {
    pub proposed: Vec<String>,
    pub decision: Vec<String>,
    pub attachment: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MemoLabels {
    pub to: Vec<String>,
    pub date: Vec<String>,
    pub sak: Vec<String>,
    pub sak_type: Vec<String>,
    pub owner: Vec<String>,
    pub officers: Vec<String>,
    pub sections: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReferenceLabels {
    pub heading: Vec<String>,
    pub columns: Vec<String>,
    pub decision_verbs: Vec<String>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Furniture {
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DocumentsFile {
    pub agenda: Titles,
    pub minutes: Titles,
    pub extraordinary: Markers,
    pub sak_types: SakTypes,
    pub letter: Markers,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Titles {
    pub titles: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Markers {
    pub markers: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SakTypes {
    pub names: Vec<String>,
}

/// `genre.toml`: how documents name themselves, number their items, word
/// their decisions and print people's positions.
#[derive(Debug, Clone, Deserialize)]
pub struct GenreFile {
    pub kinds: KindWords,
    pub body: BodyWords,
    pub items: ItemWords,
    pub decisions: DecisionWords,
    pub participants: ParticipantWords,
    pub header: HeaderWords,
    pub sections: SectionWords,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SectionWords {
    pub ends: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct KindWords {
    pub minutes: Vec<String>,
    pub agenda: Vec<String>,
    pub case_memo: Vec<String>,
    pub other: Vec<String>,
    pub openers: Vec<String>,
    pub contents: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BodyWords {
    pub nouns: Vec<String>,
    pub definite: Vec<(String, String)>,
    pub descriptors: Vec<String>,
    pub labels: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ItemWords {
    pub main: Vec<String>,
    pub side: Vec<String>,
    pub side_suffixes: Vec<String>,
    pub subtypes_max_len: usize,
    pub title_labels: Vec<String>,
    pub list_headings: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DecisionWords {
    pub proposed: Vec<String>,
    pub proposed_suffixes: Vec<String>,
    pub decision: Vec<String>,
    pub decision_suffixes: Vec<String>,
    pub decision_openers: Vec<String>,
    pub proposed_openers: Vec<String>,
    pub verbs: Vec<String>,
    pub phrases: Vec<String>,
    pub subject_verbs: Vec<String>,
    pub subjects: Vec<String>,
    pub not_verbs: Vec<String>,
    pub election_openers: Vec<String>,
    pub discussion: Vec<String>,
    pub outcomes: Vec<String>,
    /// Words of a vote's result ("mot 4 stemmer", "enstemmig").
    #[serde(default)]
    pub vote_words: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ParticipantWords {
    pub functions: Vec<String>,
    pub staff_functions: Vec<String>,
    pub minute_takers: Vec<String>,
    pub minute_taker_function: String,
    pub signatories: Vec<String>,
    pub signatory_function: String,
    pub from_words: Vec<String>,
    pub organisation_lists: Vec<String>,
    pub note_words: Vec<String>,
    pub and_words: Vec<String>,
    pub name_columns: Vec<String>,
    pub function_columns: Vec<String>,
    pub organisation_columns: Vec<String>,
    pub note_columns: Vec<String>,
    pub substitute_columns: Vec<String>,
    /// Last words of organisations ("Konsekvens Sekretariat", "Bygdeby
    /// kommune"), which make a pair of capitalised words no name.
    #[serde(default)]
    pub organisation_words: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct HeaderWords {
    pub end_labels: Vec<String>,
    pub end_phrases: Vec<String>,
    /// Words that open a sentence closing the meeting ("Møtet ble hevet
    /// kl. 15.15"): such a line ends the last sak's decision.
    #[serde(default)]
    pub closing_subjects: Vec<String>,
    pub held_phrases: Vec<String>,
    pub place_words: Vec<String>,
}

/// `names.toml`: given names, so that a line of two capitalised words can
/// be told to be a person ("Marius Thingwall") or not ("Linjeforeningen
/// Online").
#[derive(Debug, Clone, Deserialize)]
pub struct NamesFile {
    pub given: Vec<String>,
}

/// The active rules, parsed and checked.
#[derive(Debug, Clone)]
pub struct Rules {
    pub months: MonthsFile,
    pub bodies: BodiesFile,
    pub labels: LabelsFile,
    pub documents: DocumentsFile,
    pub genre: GenreFile,
    /// Given names, lower-cased, for [`Rules::is_given_name`].
    given_names: std::collections::HashSet<String>,
    /// One-word positions and organisation words, lower-cased once: they
    /// are tested for every list part and name candidate.
    function_words: Vec<String>,
    organisation_words: Vec<String>,
    pub organisations: OrganisationsFile,
    /// Folded alias (see [`fold_organisation`]) → canonical organisation.
    organisation_index: std::collections::HashMap<String, String>,
    /// Furniture patterns, compiled once.
    pub furniture: Vec<regex::Regex>,
    /// sha256 over the text of every rule file in force: a change of rules
    /// changes this, and so invalidates cached extractions.
    pub fingerprint: String,
    /// Every (alias, canonical name) pair, longest alias first: see
    /// [`Rules::body_aliases`]. Computed once, at load.
    alias_pairs: Vec<(String, String)>,
    /// The aliases of `alias_pairs`, in the same order.
    alias_names: Vec<String>,
    /// Body aliases and secretariat names, longest (in bytes) first.
    actors: Vec<String>,
    /// The first characters (lower-cased) of the agenda and minutes
    /// titles; None when a title is empty (any text may start one).
    title_initials: Option<Vec<char>>,
    /// The furniture patterns as one set (one pass over a line for all of
    /// them); None if the set could not be built (then one by one).
    furniture_set: Option<regex::RegexSet>,
    /// The decision vocabulary lower-cased once, for the hot path of
    /// reading every sentence.
    decision_lexicon: DecisionLexicon,
    /// The first words (lower-cased) of every participant heading, and of
    /// every header label: a line opening with none of them is no such
    /// heading, whatever else it is.
    participant_first_words: std::collections::HashSet<String>,
    header_first_words: std::collections::HashSet<String>,
}

/// The first word of each label, lower-cased, without a trailing colon.
fn first_words<'a>(lists: impl IntoIterator<Item = &'a Vec<String>>) -> std::collections::HashSet<String> {
    lists.into_iter().flatten().filter_map(|l| l.split_whitespace().next()).map(|w| w.trim_end_matches(':').to_lowercase()).collect()
}

/// `[decisions]` of genre.toml, lower-cased and indexed.
#[derive(Debug, Clone, Default)]
pub struct DecisionLexicon {
    pub verbs: std::collections::HashSet<String>,
    pub not_verbs: std::collections::HashSet<String>,
    /// Verbs long enough to be matched with one letter wrong, as chars.
    pub fuzzy: Vec<Vec<char>>,
    pub phrases: Vec<String>,
    pub subject_verbs: Vec<String>,
    pub subjects: std::collections::HashSet<String>,
    /// The last word of every decision and proposal opener, lower-cased.
    pub opener_tails: Vec<String>,
    pub vote_words: std::collections::HashSet<String>,
}

impl DecisionLexicon {
    fn of(d: &DecisionWords) -> DecisionLexicon {
        let lower = |v: &[String]| v.iter().map(|w| w.to_lowercase()).collect::<Vec<_>>();
        DecisionLexicon {
            verbs: lower(&d.verbs).into_iter().collect(),
            not_verbs: lower(&d.not_verbs).into_iter().collect(),
            fuzzy: lower(&d.verbs).iter().filter(|v| v.chars().count() >= 7).map(|v| v.chars().collect()).collect(),
            phrases: lower(&d.phrases),
            subject_verbs: lower(&d.subject_verbs),
            subjects: lower(&d.subjects).into_iter().collect(),
            vote_words: lower(&d.vote_words).into_iter().collect(),
            opener_tails: {
                let mut t: Vec<String> = d.decision_openers.iter().chain(&d.proposed_openers).filter_map(|o| o.split_whitespace().last()).map(str::to_lowercase).filter(|w| w.chars().count() >= 2).collect();
                t.sort();
                t.dedup();
                t
            },
        }
    }
}

impl Rules {
    /// The defaults compiled into the binary.
    pub fn embedded() -> Rules {
        Self::from_texts(RULE_FILES.iter().map(|(n, t)| (PathBuf::from(n), t.to_string())).collect())
            .expect("embedded rules are valid (checked by tests)")
    }

    /// The defaults, with every file present in `dir` taking the place of the
    /// default of the same name.
    pub fn load(dir: Option<&Path>) -> Result<Rules, RulesError> {
        let mut texts = Vec::new();
        if let Some(d) = dir {
            if !d.is_dir() {
                return Err(RulesError::NotADirectory { dir: d.to_path_buf() });
            }
        }
        for (name, default) in RULE_FILES {
            match dir.map(|d| d.join(name)).filter(|p| p.exists()) {
                Some(path) => {
                    let text = std::fs::read_to_string(&path)
                        .map_err(|source| RulesError::Read { file: path.clone(), source })?;
                    texts.push((path, text));
                }
                None => texts.push((PathBuf::from(name), default.to_string())),
            }
        }
        Self::from_texts(texts)
    }

    fn from_texts(texts: Vec<(PathBuf, String)>) -> Result<Rules, RulesError> {
        let mut hasher = Sha256::new();
        for (_, t) in &texts {
            hasher.update(t.as_bytes());
            hasher.update([0u8]);
        }
        let fingerprint = format!("{:x}", hasher.finalize());
        let find = |name: &str| texts.iter().find(|(p, _)| p.ends_with(name)).expect("all rule files present");
        let months: MonthsFile = parse(find("months.toml"))?;
        let bodies: BodiesFile = parse(find("bodies.toml"))?;
        let labels: LabelsFile = parse(find("labels.toml"))?;
        let documents: DocumentsFile = parse(find("documents.toml"))?;
        let genre: GenreFile = parse(find("genre.toml"))?;
        let names: NamesFile = parse(find("names.toml"))?;
        let given_names = names.given.iter().map(|n| n.to_lowercase()).collect();
        let organisations: OrganisationsFile = parse(find("organisations.toml"))?;
        let (orgs_path, orgs_text) = find("organisations.toml");
        let mut organisation_index = std::collections::HashMap::new();
        for o in &organisations.organisation {
            for alias in std::iter::once(&o.name).chain(&o.aliases) {
                let key = fold_organisation(alias);
                if let Some(other) = organisation_index.insert(key, o.name.clone()) {
                    if other != o.name {
                        return Err(RulesError::Invalid {
                            file: orgs_path.clone(),
                            line: line_of(orgs_text, alias),
                            message: format!("alias {alias:?} names both {other:?} and {:?}", o.name),
                        });
                    }
                }
            }
        }
        let (labels_path, labels_text) = find("labels.toml");
        let mut furniture = Vec::new();
        for pat in &labels.furniture.lines {
            furniture.push(regex::Regex::new(pat).map_err(|e| RulesError::Invalid {
                file: labels_path.clone(),
                line: line_of(labels_text, pat),
                message: format!("furniture pattern {pat:?}: {e}"),
            })?);
        }
        let (months_path, months_text) = find("months.toml");
        for (m, n) in &months.months {
            if !(1..=12).contains(n) {
                return Err(RulesError::Invalid {
                    file: months_path.clone(),
                    line: line_of(months_text, m),
                    message: format!("month {m:?} = {n}: a month number is 1 to 12"),
                });
            }
        }
        let alias_pairs = alias_pairs(&bodies);
        let alias_names: Vec<String> = alias_pairs.iter().map(|(a, _)| a.clone()).collect();
        let mut actors = alias_names.clone();
        actors.extend(bodies.secretariat.names.iter().cloned());
        actors.sort_by_key(|a| std::cmp::Reverse(a.len()));
        let title_initials = documents
            .agenda
            .titles
            .iter()
            .chain(&documents.minutes.titles)
            .map(|t| t.chars().next().and_then(|c| c.to_lowercase().next()))
            .collect::<Option<Vec<char>>>();
        let furniture_set = regex::RegexSet::new(&labels.furniture.lines).ok();
        let decision_lexicon = DecisionLexicon::of(&genre.decisions);
        let function_words = genre.participants.functions.iter().filter(|f| !f.contains(' ')).map(|f| f.to_lowercase()).collect();
        let organisation_words = genre.participants.organisation_words.iter().map(|o| o.to_lowercase()).collect();
        let p = &labels.participants;
        let g = &genre.participants;
        let participant_first_words = first_words([&p.members, &p.present, &p.absent, &p.substitute, &p.observer, &p.other, &p.secretariat, &g.minute_takers, &g.signatories, &g.from_words, &g.organisation_lists]);
        let h = &labels.header;
        let header_first_words = first_words([&h.meeting, &h.date, &h.time, &h.location, &genre.header.end_labels, &genre.body.labels]);
        Ok(Rules {
            months,
            bodies,
            labels,
            documents,
            genre,
            given_names,
            function_words,
            organisation_words,
            organisations,
            organisation_index,
            furniture,
            fingerprint,
            alias_pairs,
            alias_names,
            actors,
            title_initials,
            furniture_set,
            decision_lexicon,
            participant_first_words,
            header_first_words,
        })
    }

    /// The canonical body name for an alias ("NEHS" → "Nasjonalt e-helsestyre").
    pub fn canonical_body(&self, text: &str) -> Option<&str> {
        let t = text.trim().trim_end_matches(['.', ':', ',']).trim();
        self.bodies
            .body
            .iter()
            .find(|b| b.aliases.iter().chain(std::iter::once(&b.name)).any(|a| labels::eq_fold(a, t)))
            .map(|b| b.name.as_str())
    }

    /// The canonical name of a printed organisation ("NHN" → "Norsk
    /// helsenett SF"); one no rule names comes back as printed, whitespace
    /// normalised.
    pub fn canonical_organisation(&self, printed: &str) -> String {
        match self.organisation_index.get(&fold_organisation(printed)) {
            Some(c) => c.clone(),
            None => printed.split_whitespace().collect::<Vec<_>>().join(" "),
        }
    }

    /// Every (alias, canonical name) pair, longest alias first, so that a
    /// scan for aliases in text prefers "Nasjonalt e-helsestyret" to "NEHS".
    pub fn body_aliases(&self) -> Vec<(&str, &str)> {
        self.alias_pairs.iter().map(|(a, c)| (a.as_str(), c.as_str())).collect()
    }

    /// [`Rules::body_aliases`] without allocating: (alias, canonical name).
    pub fn body_alias_pairs(&self) -> &[(String, String)] {
        &self.alias_pairs
    }

    /// The aliases of [`Rules::body_aliases`], in the same order.
    pub fn body_alias_names(&self) -> &[String] {
        &self.alias_names
    }

    /// Body aliases (as [`Rules::body_alias_names`]) and secretariat names,
    /// longest in bytes first (a stable sort: ties keep that order).
    pub fn actors(&self) -> &[String] {
        &self.actors
    }

    /// Whether a text whose first character is `first` (None: an empty
    /// text) may start with an agenda or minutes title: a cheap test before
    /// matching the titles (as [`labels::strip_label`] does, case-insensitively).
    pub fn may_start_title(&self, first: Option<char>) -> bool {
        match (&self.title_initials, first) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(initials), Some(c)) => c.to_lowercase().next().is_some_and(|c| initials.contains(&c)),
        }
    }

    /// Whether one of the furniture patterns matches `line`.
    pub fn is_furniture(&self, line: &str) -> bool {
        match &self.furniture_set {
            Some(set) => set.is_match(line),
            None => self.furniture.iter().any(|re| re.is_match(line)),
        }
    }

    /// The month number for a name or abbreviation ("des." → 12).
    pub fn month(&self, name: &str) -> Option<u32> {
        let n = name.trim().trim_end_matches('.').to_lowercase();
        self.months.months.get(&n).copied()
    }

    /// Whether `line` opens with the first word of some participant heading.
    pub fn may_be_participant_heading(&self, line: &str) -> bool {
        first_word_in(line, &self.participant_first_words)
    }

    /// Whether `line` opens with the first word of some header label.
    pub fn may_be_header_label(&self, line: &str) -> bool {
        first_word_in(line, &self.header_first_words)
    }

    /// The decision vocabulary, lower-cased and indexed.
    pub fn decision_lexicon(&self) -> &DecisionLexicon {
        &self.decision_lexicon
    }

    /// Whether `word` is a given name ("Marius", "Anne-Grethe": each part
    /// of a hyphenated name counts).
    /// Whether `lower` (a lower-cased word) is a one-word position, or
    /// ends in one as a compound does ("fu-koordinator", "styreleder").
    pub fn is_function_word(&self, lower: &str) -> bool {
        self.function_words.iter().any(|f| lower == f || (lower.ends_with(f.as_str()) && lower.len() > f.len() + 1))
    }

    /// Whether `lower` (a lower-cased word) ends an organisation's name:
    /// one of the organisation words, or a compound ending in one of six
    /// letters or more ("fylkesrevisjon").
    pub fn is_organisation_word(&self, lower: &str) -> bool {
        self.organisation_words.iter().any(|o| lower == o || (o.chars().count() >= 6 && lower.ends_with(o.as_str())))
    }

    pub fn is_given_name(&self, word: &str) -> bool {
        let w = word.trim_matches(|c: char| !c.is_alphabetic() && c != '-').to_lowercase();
        !w.is_empty() && (self.given_names.contains(&w) || w.split('-').all(|p| !p.is_empty() && self.given_names.contains(p)))
    }

    pub fn is_weekday(&self, word: &str) -> bool {
        let w = word.trim().trim_end_matches(['.', ',']).to_lowercase();
        self.months.weekdays.names.contains(&w)
    }
}

/// An organisation as compared with the aliases: whitespace normalised,
/// lower-cased, a trailing full stop dropped.
pub fn fold_organisation(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    s.trim_end_matches('.').trim_end().to_string()
}

/// Whether the first word of `line` (lower-cased, without a trailing colon
/// or comma) is in `words`.
fn first_word_in(line: &str, words: &std::collections::HashSet<String>) -> bool {
    let w = line.split_whitespace().next().unwrap_or("").trim_end_matches([':', ',']);
    if w.is_ascii() && !w.bytes().any(|b| b.is_ascii_uppercase()) {
        return words.contains(w);
    }
    words.contains(&w.to_lowercase())
}

/// Every (alias, canonical name) pair, longest alias (in characters) first,
/// ties in byte order, without duplicates.
fn alias_pairs(bodies: &BodiesFile) -> Vec<(String, String)> {
    let mut v: Vec<(&str, &str)> = bodies
        .body
        .iter()
        .flat_map(|b| std::iter::once(b.name.as_str()).chain(b.aliases.iter().map(|a| a.as_str())).map(move |a| (a, b.name.as_str())))
        .collect();
    v.sort_by(|a, b| b.0.chars().count().cmp(&a.0.chars().count()).then(a.0.cmp(b.0)));
    v.dedup();
    v.into_iter().map(|(a, c)| (a.to_string(), c.to_string())).collect()
}

/// The line of the first occurrence of `needle` in `text` (1 if absent):
/// where a value that parsed but makes no sense was written.
fn line_of(text: &str, needle: &str) -> usize {
    text.find(needle).map_or(1, |at| text[..at].matches('\n').count() + 1)
}

fn parse<T: serde::de::DeserializeOwned>((path, text): &(PathBuf, String)) -> Result<T, RulesError> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1).unwrap_or(1);
        RulesError::Parse { file: path.clone(), line, message: e.message().to_string() }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_parse() {
        let r = Rules::embedded();
        assert_eq!(r.month("des."), Some(12));
        assert_eq!(r.month("April"), Some(4));
        assert_eq!(r.canonical_body("NEHS"), Some("Nasjonalt e-helsestyre"));
        assert_eq!(r.canonical_body("nuit"), Some("NUIT"));
        assert_eq!(r.canonical_body("Helse Vest"), None);
        assert!(r.is_weekday("Onsdag"));
    }

    #[test]
    fn organisations_are_canonical() {
        let r = Rules::embedded();
        for printed in ["Norsk Helsenett SF", "Norsk helsenett SF", "NHN", "  norsk  helsenett sf. "] {
            assert_eq!(r.canonical_organisation(printed), "Norsk helsenett SF", "{printed}");
        }
        assert_eq!(r.canonical_organisation("HOD"), "Helse- og omsorgsdepartementet");
        assert_eq!(r.canonical_organisation("Helse Midt RHF"), "Helse Midt-Norge RHF");
        assert_eq!(r.canonical_organisation("Bergen  kommune"), "Bergen kommune");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("organisations.toml"), "[[organisation]]\nname = \"A\"\naliases = [\"X\"]\n\n[[organisation]]\nname = \"B\"\naliases = [\"x\"]\n").unwrap();
        let err = Rules::load(Some(dir.path())).unwrap_err().to_string();
        assert!(err.contains("organisations.toml:") && err.contains("names both"), "{err}");
    }

    #[test]
    fn broken_rules_file_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("labels.toml"), "[header]\nmeeting = [\"Møte\"\ndate = 3\n").unwrap();
        let err = Rules::load(Some(dir.path())).unwrap_err().to_string();
        assert!(err.contains("labels.toml:"), "{err}");
        let line: usize = err.split(':').nth(1).unwrap().parse().unwrap();
        assert!((2..=3).contains(&line), "{err}");
    }

    #[test]
    fn a_value_out_of_range_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("months.toml"), "[months]\njanuar = 1\ntolvte = 13\n\n[weekdays]\nnames = []\n").unwrap();
        let err = Rules::load(Some(dir.path())).unwrap_err().to_string();
        assert!(err.contains("months.toml:3:") && err.contains("1 to 12"), "{err}");
    }

    #[test]
    fn override_changes_fingerprint_and_values() {
        let dir = tempfile::tempdir().unwrap();
        let text = RULE_FILES[1].1.replace("\"NEHS\"]", "\"NEHS\", \"Styret\"]");
        std::fs::write(dir.path().join("bodies.toml"), text).unwrap();
        let r = Rules::load(Some(dir.path())).unwrap();
        assert_eq!(r.canonical_body("Styret"), Some("Nasjonalt e-helsestyre"));
        assert_ne!(r.fingerprint, Rules::embedded().fingerprint);
    }
}

/// Matching printed labels against the vocabulary of the rules.
pub mod labels {
    /// If `line` starts with one of `labels` (case-insensitively, as a whole
    /// word, an optional colon after it), the rest of the line after the label.
    /// The longest matching label wins.
    pub fn strip_label<'a>(line: &'a str, labels: &[String]) -> Option<&'a str> {
        let mut best: Option<(usize, &'a str)> = None;
        let first = line.as_bytes().first().copied();
        for label in labels {
            let n = label.len();
            // Most labels differ in their first letter: an ASCII look first.
            if let (Some(a), Some(&b)) = (first, label.as_bytes().first()) {
                if a.is_ascii() && b.is_ascii() && !a.eq_ignore_ascii_case(&b) {
                    continue;
                }
            }
            let Some(head) = line.get(..n) else { continue };
            if !eq_fold(head, label) {
                continue;
            }
            let rest = &line[n..];
            let boundary = rest.is_empty() || rest.starts_with([' ', ':', '\t', ',']);
            if boundary && best.is_none_or(|(m, _)| n > m) {
                best = Some((n, rest.trim_start_matches([':', ' ', '\t', ',']).trim()));
            }
        }
        best.map(|(_, r)| r)
    }

    /// `line` is exactly one of `labels` (an optional trailing colon allowed).
    pub fn is_label(line: &str, labels: &[String]) -> bool {
        strip_label(line, labels).is_some_and(|rest| rest.is_empty())
    }

    /// Case-insensitive equality that understands Norwegian letters.
    pub fn eq_fold(a: &str, b: &str) -> bool {
        // ASCII prefix byte by byte (an ASCII letter folds to one ASCII
        // letter); from the first non-ASCII byte on either side, the full
        // Unicode comparison of what is left (both cuts are char boundaries).
        let (x, y) = (a.as_bytes(), b.as_bytes());
        let mut i = 0;
        while i < x.len() && i < y.len() {
            let (p, q) = (x[i], y[i]);
            if !p.is_ascii() || !q.is_ascii() {
                return eq_fold_unicode(&a[i..], &b[i..]);
            }
            if !p.eq_ignore_ascii_case(&q) {
                return false;
            }
            i += 1;
        }
        // One is a prefix of the other: equal only if the rest of the longer
        // folds to nothing, which no character does.
        eq_fold_unicode(&a[i..], &b[i..])
    }

    fn eq_fold_unicode(a: &str, b: &str) -> bool {
        // Character by character, lower-casing only where they differ; a
        // character that lower-cases to several ("İ") takes the full
        // comparison of what is left.
        let (mut x, mut y) = (a.char_indices(), b.char_indices());
        loop {
            match (x.next(), y.next()) {
                (None, None) => return true,
                (Some((_, p)), Some((_, q))) if p == q => {}
                (Some((i, p)), Some((j, q))) => {
                    let (mut lp, mut lq) = (p.to_lowercase(), q.to_lowercase());
                    if lp.len() == 1 && lq.len() == 1 {
                        if lp.next() != lq.next() {
                            return false;
                        }
                    } else {
                        return a[i..].chars().flat_map(char::to_lowercase).eq(b[j..].chars().flat_map(char::to_lowercase));
                    }
                }
                _ => return false,
            }
        }
    }

    /// Position of the first case-insensitive whole-word occurrence of
    /// `needle` in `hay`.
    pub fn find_word(hay: &str, needle: &str) -> Option<usize> {
        let lower_hay = hay.to_lowercase();
        let lower_needle = needle.to_lowercase();
        if lower_hay.len() != hay.len() || lower_needle.is_empty() {
            // Lower-casing changed byte lengths: fall back to a char scan.
            return hay.char_indices().map(|(i, _)| i).find(|&i| {
                hay.get(i..i + needle.len()).is_some_and(|s| eq_fold(s, needle)) && is_word_edge(hay, i, i + needle.len())
            });
        }
        let mut from = 0;
        while let Some(p) = lower_hay[from..].find(&lower_needle) {
            let i = from + p;
            if is_word_edge(hay, i, i + needle.len()) {
                return Some(i);
            }
            from = i + lower_needle.len().max(1);
            while from < hay.len() && !hay.is_char_boundary(from) {
                from += 1;
            }
        }
        None
    }

    fn is_word_edge(hay: &str, start: usize, end: usize) -> bool {
        let before = hay[..start].chars().next_back();
        let after = hay.get(end..).and_then(|s| s.chars().next());
        !before.is_some_and(|c| c.is_alphanumeric()) && !after.is_some_and(|c| c.is_alphanumeric())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn v(xs: &[&str]) -> Vec<String> {
            xs.iter().map(|s| s.to_string()).collect()
        }

        #[test]
        fn labels_match_whole_words_longest_first() {
            let l = v(&["Sak", "Saksnummer", "Til stede", "Ikke til stede"]);
            assert_eq!(strip_label("Saksnummer 14/22", &l), Some("14/22"));
            assert_eq!(strip_label("Sak Tema", &l), Some("Tema"));
            assert_eq!(strip_label("Saker", &l), None);
            assert_eq!(strip_label("ikke til stede: Asbjørn Finstad (KS)", &l), Some("Asbjørn Finstad (KS)"));
            assert!(is_label("Til stede:", &l));
            assert!(!is_label("Til stede Mariann", &l));
        }

        #[test]
        fn words_are_found_case_insensitively() {
            assert_eq!(find_word("Møte i NUIT", "nuit"), Some(8));
            assert_eq!(find_word("NUITS", "NUIT"), None);
            assert_eq!(find_word("Referat fra møte i Nasjonalt e-helsestyre", "nasjonalt e-helsestyre"), Some(20));
        }
    }
}
