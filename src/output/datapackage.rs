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
    resources: Vec<Resource<'a>>,
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
pub fn render(written: &[Written]) -> Result<Vec<u8>, serde_json::Error> {
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
        resources,
    };
    let mut v = serde_json::to_vec_pretty(&pkg)?;
    v.push(b'\n');
    Ok(v)
}
