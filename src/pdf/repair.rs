//! Repairs of recoverable damage, done on lopdf's document after it loads,
//! as poppler and qpdf do them:
//!
//! * filters named by their abbreviations (`/Fl`, `/AHx`, `/A85`, `/LZW`,
//!   `/RL`, `/CCF`, `/DCT`) are given their full names, which lopdf knows;
//! * a stream whose `/Length` is missing or not an integer (lopdf reads it
//!   as empty) is read again from the file, up to its `endstream`;
//! * a document whose page tree yields no pages — `/Pages` is a page
//!   itself, or there is no catalog — gets a page tree of the page objects
//!   found, in file order.
//!
//! (A wrong cross-reference offset is lopdf's to repair: [`reload_if_dangling`]
//! asks it to rebuild the table when objects the document refers to are
//! missing.)

use std::collections::{BTreeSet, HashMap};

use lopdf::{dictionary, Dictionary, Document, Object, ObjectId};

/// Full names of the abbreviated filter names.
const FILTER_NAMES: [(&[u8], &[u8]); 7] = [
    (b"AHx", b"ASCIIHexDecode"),
    (b"A85", b"ASCII85Decode"),
    (b"LZW", b"LZWDecode"),
    (b"Fl", b"FlateDecode"),
    (b"RL", b"RunLengthDecode"),
    (b"CCF", b"CCITTFaxDecode"),
    (b"DCT", b"DCTDecode"),
];

/// What [`repair`] did.
pub(super) struct Repairs {
    /// One warning per kind of damage met.
    pub warnings: Vec<String>,
    /// Something in the document was changed.
    pub changed: bool,
}

/// Repair what can be repaired in place.
/// (`encrypted`: the file's bytes are ciphertext, so no stream is read again
/// from them.)
pub(super) fn repair(doc: &mut Document, bytes: &[u8], encrypted: bool) -> Repairs {
    let mut warnings = Vec::new();
    let renamed = full_filter_names(doc);
    if !encrypted {
        let reread = reread_streams(doc, bytes);
        if reread > 0 {
            warnings.push(format!(
                "{reread} stream{} without a usable /Length: read up to its endstream",
                if reread == 1 { "" } else { "s" }
            ));
        }
    }
    if doc.get_pages().is_empty() {
        if let Some(w) = rebuild_page_tree(doc) {
            warnings.push(w);
        }
    }
    Repairs { changed: renamed > 0 || !warnings.is_empty(), warnings }
}

/// Give abbreviated filter names their full names; how many were.
fn full_filter_names(doc: &mut Document) -> usize {
    let mut renamed = 0;
    let mut full = |name: &mut Vec<u8>| {
        if let Some((_, long)) = FILTER_NAMES.iter().find(|(short, _)| *short == name.as_slice()) {
            *name = long.to_vec();
            renamed += 1;
        }
    };
    for object in doc.objects.values_mut() {
        let Object::Stream(stream) = object else { continue };
        match stream.dict.get_mut(b"Filter") {
            Ok(Object::Name(name)) => full(name),
            Ok(Object::Array(names)) => {
                for n in names.iter_mut() {
                    if let Object::Name(name) = n {
                        full(name);
                    }
                }
            }
            _ => {}
        }
    }
    renamed
}

/// Whether a stream's `/Length` is an integer, directly or by reference.
fn usable_length(doc: &Document, dict: &Dictionary) -> bool {
    match dict.get(b"Length") {
        Ok(Object::Integer(n)) => *n >= 0,
        Ok(Object::Reference(id)) => matches!(doc.objects.get(id), Some(Object::Integer(n)) if *n >= 0),
        _ => false,
    }
}

/// Read again, from `bytes`, every stream whose `/Length` is unusable.
fn reread_streams(doc: &mut Document, bytes: &[u8]) -> usize {
    let broken: Vec<ObjectId> = doc
        .objects
        .iter()
        .filter_map(|(id, o)| match o {
            Object::Stream(s) if !usable_length(doc, &s.dict) => Some(*id),
            _ => None,
        })
        .collect();
    if broken.is_empty() {
        return 0;
    }
    let offsets = object_offsets(bytes);
    let mut done = 0;
    for id in broken {
        let Some(&at) = offsets.get(&id) else { continue };
        let Some(data) = stream_data(&bytes[at..]) else { continue };
        if let Some(Object::Stream(s)) = doc.objects.get_mut(&id) {
            // Still encoded as the dictionary's /Filter says.
            s.set_content(data.to_vec());
            done += 1;
        }
    }
    done
}

/// The data of the stream in the object starting at `obj` (just after its
/// `obj` keyword): from the end of line after `stream` to the end of line
/// before `endstream`.
fn stream_data(obj: &[u8]) -> Option<&[u8]> {
    let end_obj = find(obj, b"endobj").unwrap_or(obj.len());
    let keyword = find(&obj[..end_obj], b"stream")?;
    let mut start = keyword + b"stream".len();
    if obj.get(start) == Some(&b'\r') {
        start += 1;
    }
    if obj.get(start) == Some(&b'\n') {
        start += 1;
    }
    let end = start + find(&obj[start..], b"endstream")?;
    let mut stop = end;
    if stop > start && obj[stop - 1] == b'\n' {
        stop -= 1;
    }
    if stop > start && obj[stop - 1] == b'\r' {
        stop -= 1;
    }
    Some(&obj[start..stop])
}

/// Where each object's body starts (just after `N G obj`); the last
/// definition of a number wins, as in an incremental update.
fn object_offsets(bytes: &[u8]) -> HashMap<ObjectId, usize> {
    let mut out = HashMap::new();
    for (num, gen, end) in super::object_markers_at(bytes) {
        out.insert((num, gen), end);
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn is_type(dict: &Dictionary, name: &[u8]) -> bool {
    dict.get(b"Type").and_then(Object::as_name).is_ok_and(|n| n == name)
}

/// Give a document whose page tree yields no pages a flat one: the page
/// the catalog names as its tree, or every page object in file order.
fn rebuild_page_tree(doc: &mut Document) -> Option<String> {
    let catalog_pages = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Pages").and_then(Object::as_reference).ok())
        .filter(|id| doc.get_dictionary(*id).is_ok_and(|d| is_type(d, b"Page") || d.has(b"Contents")));
    let (pages, why): (Vec<ObjectId>, &str) = match catalog_pages {
        Some(page) => (vec![page], "the catalog's page tree is a single page"),
        None => {
            // Pages that are kids of a tree node come in tree order; the
            // rest in file order.
            let mut seen = BTreeSet::new();
            let mut pages = Vec::new();
            for (id, o) in &doc.objects {
                if let Object::Dictionary(d) = o {
                    if is_type(d, b"Page") && seen.insert(*id) {
                        pages.push(*id);
                    }
                }
            }
            let why = if doc.catalog().is_err() { "no document catalog" } else { "the page tree leads to no pages" };
            (pages, why)
        }
    };
    if pages.is_empty() {
        return None;
    }
    let tree = doc.new_object_id();
    for &id in &pages {
        if let Ok(page) = doc.get_object_mut(id).and_then(Object::as_dict_mut) {
            page.set("Parent", tree);
            page.set("Type", "Page");
        }
    }
    let kids: Vec<Object> = pages.iter().map(|&id| Object::Reference(id)).collect();
    let count = kids.len() as i64;
    doc.objects.insert(tree, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }));
    match doc.trailer.get(b"Root").and_then(Object::as_reference).ok().filter(|id| doc.get_dictionary(*id).is_ok()) {
        Some(root) => {
            if let Ok(catalog) = doc.get_object_mut(root).and_then(Object::as_dict_mut) {
                catalog.set("Pages", tree);
            }
        }
        None => {
            let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => tree });
            doc.trailer.set("Root", catalog);
        }
    }
    Some(format!("damaged page tree ({why}): rebuilt from {count} page object{}", if count == 1 { "" } else { "s" }))
}

/// References in `doc` to objects it does not have.
fn dangling_references(doc: &Document) -> usize {
    fn walk(doc: &Document, o: &Object, n: &mut usize, depth: usize) {
        if depth > 64 {
            return;
        }
        match o {
            Object::Reference(id) if !doc.objects.contains_key(id) => *n += 1,
            Object::Array(items) => items.iter().for_each(|i| walk(doc, i, n, depth + 1)),
            Object::Dictionary(d) => d.iter().for_each(|(_, v)| walk(doc, v, n, depth + 1)),
            Object::Stream(s) => s.dict.iter().for_each(|(_, v)| walk(doc, v, n, depth + 1)),
            _ => {}
        }
    }
    let mut n = 0;
    for o in doc.objects.values() {
        walk(doc, o, &mut n, 0);
    }
    doc.trailer.iter().for_each(|(_, v)| walk(doc, v, &mut n, 0));
    n
}

/// When `doc` refers to objects it lacks (a cross-reference offset that
/// points to the wrong place loses them silently), load the file again
/// with the table rebuilt by scanning, and keep whichever lacks fewer.
pub(super) fn reload_if_dangling(doc: Document, bytes: &[u8], load: &lopdf::LoadOptions) -> Document {
    if doc.xref_recovery.is_some() || doc.was_encrypted() {
        return doc;
    }
    let missing = dangling_references(&doc);
    if missing == 0 {
        return doc;
    }
    let options = lopdf::LoadOptions { force_reconstruct: true, ..load.clone() };
    match Document::load_mem_with_options(bytes, options) {
        Ok(rebuilt) if dangling_references(&rebuilt) < missing && !rebuilt.get_pages().is_empty() => rebuilt,
        _ => doc,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_data_stops_at_endstream() {
        assert_eq!(stream_data(b"\n<< >>\nstream\nBT ET\nendstream\nendobj"), Some(&b"BT ET"[..]));
        assert_eq!(stream_data(b"<<>>stream\r\nabc\r\nendstream endobj"), Some(&b"abc"[..]));
        assert_eq!(stream_data(b"<<>>stream\nabc"), None);
        assert_eq!(stream_data(b"<< /A 1 >> endobj 2 0 obj << >> stream\nx\nendstream"), None);
    }
}
