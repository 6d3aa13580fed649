//! Participant tables read by where their cells stand on the page: PDFs
//! built here with the cells placed at points, written in the orders real
//! producers use (row by row, column by column), with empty cells.

use motebok::model::{Document, DocumentKind};
use motebok::pdfgen::placed_pdf;
use motebok::rules::Rules;

const NAMES: [&str; 4] = ["Kari Nordmann", "Ola Hansen", "Per Berg", "Lise Dahl"];
const FUNCTIONS: [&str; 4] = ["Leder", "Nestleder", "", "Medlem"];
const PARTIES: [&str; 4] = ["AP", "H", "SP", "FRP"];
const COLUMNS: [f32; 3] = [60.0, 220.0, 340.0];

fn row_y(i: usize) -> f32 {
    682.0 - 14.0 * i as f32
}

/// A protocol whose member table is drawn cell by cell, in `cells` order.
fn protocol(cells: Vec<(f32, f32, &'static str)>) -> Vec<Document> {
    let mut placed: Vec<(f32, f32, &str)> = vec![
        (60.0, 800.0, "Møteprotokoll"),
        (60.0, 780.0, "Utvalg: Formannskapet"),
        (60.0, 766.0, "Møtested: Rådhuset"),
        (60.0, 752.0, "Dato: 14.03.2019"),
        (60.0, 710.0, "Følgende faste medlemmer møtte:"),
        (COLUMNS[0], 696.0, "Navn"),
        (COLUMNS[1], 696.0, "Funksjon"),
        (COLUMNS[2], 696.0, "Representerer"),
    ];
    placed.extend(cells);
    placed.extend([
        (60.0, 600.0, "PS 5/19 Godkjenning av protokoll"),
        (60.0, 586.0, "Vedtak:"),
        (60.0, 572.0, "Protokollen godkjennes."),
    ]);
    let decoded = motebok::pdf::decode(&placed_pdf(&placed), &Default::default()).expect("a PDF built here decodes");
    motebok::read::read_file(&decoded.pages, &Rules::embedded())
}

fn cell(col: usize, i: usize, text: &'static str) -> Option<(f32, f32, &'static str)> {
    (!text.is_empty()).then(|| (COLUMNS[col], row_y(i), text))
}

fn members(docs: &[Document]) -> Vec<(String, Option<String>, Option<String>)> {
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].kind, DocumentKind::Minutes);
    docs[0].participants.iter().map(|p| (p.name.clone(), p.function.clone(), p.organisation.clone())).collect()
}

fn expected() -> Vec<(String, Option<String>, Option<String>)> {
    (0..4)
        .map(|i| (NAMES[i].to_string(), Some(FUNCTIONS[i].to_string()).filter(|f| !f.is_empty()), Some(PARTIES[i].to_string())))
        .collect()
}

#[test]
fn a_table_written_row_by_row_with_an_empty_cell() {
    let cells = (0..4).flat_map(|i| [cell(0, i, NAMES[i]), cell(1, i, FUNCTIONS[i]), cell(2, i, PARTIES[i])]).flatten().collect();
    assert_eq!(members(&protocol(cells)), expected());
}

#[test]
fn a_table_written_column_by_column_is_read_by_rows() {
    let cells = (0..3)
        .flat_map(|col| (0..4).map(move |i| cell(col, i, [NAMES[i], FUNCTIONS[i], PARTIES[i]][col])))
        .flatten()
        .collect();
    assert_eq!(members(&protocol(cells)), expected());
}

#[test]
fn a_table_written_bottom_up_keeps_the_printed_order() {
    let cells = (0..4).rev().flat_map(|i| [cell(2, i, PARTIES[i]), cell(0, i, NAMES[i]), cell(1, i, FUNCTIONS[i])]).flatten().collect();
    assert_eq!(members(&protocol(cells)), expected());
}
