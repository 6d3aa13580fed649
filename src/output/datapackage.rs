//! `datapackage.json`: a Frictionless Tabular Data Package describing the
//! CSVs, built from the same [`Table`] definitions that write them, so field
//! lists always equal the CSV headers. Each resource carries the `bytes` and
//! `hash` (`sha256:…`) of the file actually written.

use serde::Serialize;

use super::tables::{FieldSpec, Table};

/// What writing one table produced.
#[derive(Clone)]
pub struct Written {
    pub table: &'static Table,
    pub bytes: u64,
    pub sha256: String,
    pub rows: u64,
}

#[derive(Serialize)]
struct Package<'a> {
    profile: &'static str,
    name: &'static str,
    title: &'static str,
    description: &'static str,
    version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    created: Option<&'a str>,
    sources: &'a [PkgSource],
    licenses: &'a [License],
    resources: Vec<Resource<'a>>,
}

/// Package-level provenance (Frictionless `version`, `created`,
/// `sources`, `licenses`), a function of the records only, so reruns over
/// the same inputs write the same bytes:
///
/// * `version`: motebok's version, `+`, and 12 hex digits of a hash over
///   every input's key and sha256 (it changes exactly when the inputs do);
/// * `created`: the newest `retrieved` date of `sources.csv` (as
///   `YYYY-MM-DDT00:00:00Z` when only a date is given); absent without
///   one — never the clock, which would break byte-identical reruns;
/// * `sources`: one per publisher (or per web site when no publisher is
///   named), with the site's address;
/// * `licenses`: the `license` values of `sources.csv` (an id such as
///   `NLOD-2.0`, or a URL); without any, one entry saying the terms are the
///   publishers'.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    pub version: String,
    pub created: Option<String>,
    pub sources: Vec<PkgSource>,
    pub licenses: Vec<License>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PkgSource {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct License {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// `https://host/…` → `https://host/`.
fn site(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next().filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{host}/"))
}

impl Meta {
    /// From the records.
    pub fn of(records: &[&crate::model::FileRecord]) -> Meta {
        let mut keys: Vec<(&str, &str, Option<&crate::model::Origin>)> =
            records.iter().map(|r| (r.source.file.as_str(), r.source.sha256.as_str(), r.source.origin.as_ref())).collect();
        keys.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        let mut m = MetaBuilder::default();
        for (f, h, o) in keys {
            m.add(f, h, o);
        }
        m.finish()
    }

    /// From the `files` table of a run's store (its `_origin` column holds
    /// each record's origin as JSON), read in file order.
    pub fn from_store(store: &crate::store::Store) -> crate::store::Result<Meta> {
        let mut m = MetaBuilder::default();
        store.each("SELECT file, sha256, _origin FROM files ORDER BY file, sha256", &[], |r| {
            let origin: Option<crate::model::Origin> = crate::store::opt_text(r, 2).and_then(|o| serde_json::from_str(&o).ok());
            m.add(&crate::store::req_text(r, 0), &crate::store::req_text(r, 1), origin.as_ref());
            Ok(())
        })?;
        Ok(m.finish())
    }
}

/// [`Meta`] built one input at a time, in key order: the hash of keys
/// streams, and only the distinct dates, publishers and licences are kept.
#[derive(Default)]
struct MetaBuilder {
    hash: sha2::Sha256,
    created: Option<String>,
    sources: std::collections::BTreeSet<PkgSource>,
    licenses: std::collections::BTreeSet<License>,
}

impl MetaBuilder {
    fn add(&mut self, file: &str, sha256: &str, origin: Option<&crate::model::Origin>) {
        use sha2::Digest;
        self.hash.update(file.as_bytes());
        self.hash.update(b"\t");
        self.hash.update(sha256.as_bytes());
        self.hash.update(b"\n");
        let Some(o) = origin else { return };
        if let Some(d) = o.retrieved.as_deref() {
            if self.created.as_deref().is_none_or(|c| d > c) {
                self.created = Some(d.to_string());
            }
        }
        let path = o.url.as_deref().and_then(site);
        match (&o.publisher, &path) {
            (Some(p), _) => self.sources.insert(PkgSource { title: p.clone(), path }),
            (None, Some(site)) => self.sources.insert(PkgSource { title: site.clone(), path }),
            (None, None) => false,
        };
        if let Some(l) = o.license.as_deref() {
            self.licenses.insert(if l.contains("://") {
                License { name: l.rsplit('/').find(|p| !p.is_empty()).unwrap_or(l).to_string(), path: Some(l.to_string()), title: None }
            } else {
                License { name: l.to_string(), path: None, title: None }
            });
        }
    }

    fn finish(self) -> Meta {
        use sha2::Digest;
        let version = format!("{}+{}", env!("CARGO_PKG_VERSION"), &format!("{:x}", self.hash.finalize())[..12]);
        let created = self.created.map(|d| if d.len() == 10 { format!("{d}T00:00:00Z") } else { d });
        // One entry per publisher: the first site named for it.
        let mut by_title: std::collections::BTreeMap<String, PkgSource> = std::collections::BTreeMap::new();
        for s in self.sources {
            by_title.entry(s.title.clone()).or_insert(s);
        }
        let mut licenses: Vec<License> = self.licenses.into_iter().collect();
        if licenses.is_empty() {
            licenses.push(License {
                name: "other".into(),
                path: None,
                title: Some("Public records of the publishing bodies: check their terms of reuse".into()),
            });
        }
        Meta { version, created, sources: by_title.into_values().collect(), licenses }
    }
}

#[derive(Serialize)]
struct Resource<'a> {
    name: &'static str,
    path: String,
    profile: &'static str,
    title: &'static str,
    description: &'static str,
    format: &'static str,
    mediatype: &'static str,
    encoding: &'static str,
    bytes: u64,
    hash: String,
    dialect: Dialect,
    schema: Schema<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dialect {
    delimiter: &'static str,
    line_terminator: &'static str,
    quote_char: &'static str,
    double_quote: bool,
    header: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Schema<'a> {
    fields: Vec<Field>,
    primary_key: &'a [&'static str],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    foreign_keys: Vec<ForeignKey<'a>>,
    missing_values: [&'static str; 1],
}

#[derive(Serialize)]
struct Field {
    name: &'static str,
    #[serde(rename = "type")]
    ty: &'static str,
    description: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    constraints: Option<Constraints>,
}

#[derive(Serialize)]
struct Constraints {
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    required: bool,
    #[serde(rename = "enum", skip_serializing_if = "Option::is_none")]
    values: Option<&'static [&'static str]>,
}

#[derive(Serialize)]
struct ForeignKey<'a> {
    fields: &'a [&'static str],
    reference: Reference<'a>,
}

#[derive(Serialize)]
struct Reference<'a> {
    resource: &'static str,
    fields: &'a [&'static str],
}

fn field(f: &FieldSpec, table: &Table) -> Field {
    let required = table.primary_key.contains(&f.name);
    Field {
        name: f.name,
        ty: f.ty.as_str(),
        description: f.description,
        constraints: (required || f.values.is_some()).then_some(Constraints { required, values: f.values }),
    }
}

/// The package as pretty JSON with a trailing newline.
pub fn render(written: &[Written], meta: &Meta) -> Result<Vec<u8>, serde_json::Error> {
    let resources = written
        .iter()
        .map(|w| {
            let t = w.table;
            Resource {
                name: t.name,
                path: t.path(),
                profile: "tabular-data-resource",
                title: t.title,
                description: t.description,
                format: "csv",
                mediatype: "text/csv",
                encoding: "utf-8",
                bytes: w.bytes,
                hash: format!("sha256:{}", w.sha256),
                dialect: Dialect { delimiter: ",", line_terminator: "\n", quote_char: "\"", double_quote: true, header: true },
                schema: Schema {
                    fields: (t.fields)().iter().map(|f| field(f, t)).collect(),
                    primary_key: t.primary_key,
                    foreign_keys: t
                        .foreign_keys
                        .iter()
                        .map(|fk| ForeignKey { fields: fk.fields, reference: Reference { resource: fk.resource, fields: fk.reference } })
                        .collect(),
                    missing_values: [""],
                },
            }
        })
        .collect();
    let pkg = Package {
        profile: "tabular-data-package",
        name: "motebok",
        title: "Meetings of Norwegian e-health governance bodies",
        description: "Agendas, minutes and case memos extracted from meeting PDFs by motebok: what each file says, one row per document, participant, agenda item, reference and memo. The per-file JSON in json/ holds the same records nested.",
        version: &meta.version,
        created: meta.created.as_deref(),
        sources: &meta.sources,
        licenses: &meta.licenses,
        resources,
    };
    let mut v = serde_json::to_vec_pretty(&pkg)?;
    v.push(b'\n');
    Ok(v)
}
